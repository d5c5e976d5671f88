#!/usr/bin/env bash
# Seeds the corpora from fixtures/ and runs the fuzz targets one after the other, SECONDS each
# (600 unless given), all of them unless some are named:
#
#     fuzz/run.sh [SECONDS [TARGET...]]
#
# One fuzzer at a time, one process each: the machine is shared. What each run found is in
# fuzz/artifacts/<target>/, its log in fuzz/logs/<target>.log (the last lines are the totals).
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-address clientconfig classify imap pop3 smtp}

python3 seed.py
cargo +nightly fuzz build
mkdir -p logs

for target in $targets; do
    case $target in
        # Room for a reply line past MAX_LINE (16 KiB) and a few lines more.
        imap | pop3 | smtp) max_len=24576 ;;
        clientconfig) max_len=16384 ;;
        *) max_len=4096 ;;
    esac
    mkdir -p "corpus/$target" "artifacts/$target"
    echo "== $target: $seconds s" >&2
    # corpus/ keeps what the fuzzer learns from run to run; seeds/ is read only. With -jobs,
    # libFuzzer writes its own output to fuzz-0.log.
    status=0
    cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -jobs=1 -workers=1 -max_len="$max_len" -timeout=10 \
        -dict="dict/$target.dict" -print_final_stats=1 || status=$?
    mv fuzz-0.log "logs/$target.log"
    grep -E '^stat::|^Done|cov:' "logs/$target.log" | tail -n 8 >&2 || true
    if [ "$status" != 0 ]; then
        echo "== $target found something: fuzz/logs/$target.log, fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
