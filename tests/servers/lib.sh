# Shared by up, down and check. Sourced, not executed.
# shellcheck shell=bash

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_REL="$SRC/../../target/test-servers"
# The state dir must be reachable by the daemons' unprivileged users, and short enough for
# Unix socket paths. A checkout under a private directory (`mktemp -d` makes it 0700) or a
# deep path gets its state under /tmp instead, linked from target/test-servers.
if [[ ! -e $STATE_REL && $(id -u) -eq 0 ]]; then
  mkdir -p "$SRC/../../target"
  wanted="$(cd "$SRC/../../target" && pwd -P)/test-servers"
  if (( ${#wanted} > 60 )) || ! su -s /bin/sh nobody -c "test -x '${wanted%/*}'" 2>/dev/null; then
    elsewhere="/tmp/mailcheck-test-servers-$(printf '%s' "$wanted" | md5sum | cut -c1-12)"
    mkdir -p "$elsewhere"
    chmod 755 "$elsewhere"
    ln -s "$elsewhere" "$STATE_REL"
  fi
fi
mkdir -p "$STATE_REL"
STATE="$(cd "$STATE_REL" && pwd -P)"
PIDS="$STATE/pids"

# The services up starts, in start order. Each has pids/<name>.pid and the
# name of the program that must be running under that pid (checked before any
# signal is sent, so a recycled pid is never touched).
# shellcheck disable=SC2034 # used by up, down and check
SERVICES=(dnsmasq nginx dovecot postfix silent dovecotoauth)
declare -A SERVICE_COMM=(
  [dnsmasq]=dnsmasq
  [nginx]=nginx
  [dovecot]=dovecot
  [dovecotoauth]=dovecot
  [postfix]=master
  [silent]=python3
)

log() { printf '%s\n' "$*" >&2; }
die() { printf 'tests/servers: error: %s\n' "$*" >&2; exit 1; }

# read_state_env: sets a shell variable for each KEY=VALUE line of state.env, read as data, not
# sourced: a value may hold spaces (MC_NET_IPV6_MISSING says in words why IPv6 is missing), as
# the Rust and Python readers of the file take it.
read_state_env() {
  [[ -s $STATE/state.env ]] || die "no $STATE/state.env: run tests/servers/up first"
  local key value
  while IFS='=' read -r key value; do
    [[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] && printf -v "$key" '%s' "$value"
  done < "$STATE/state.env"
  return 0
}

# pid_of NAME: prints the recorded pid if that process is alive and is the
# program we started; prints nothing otherwise.
pid_of() {
  local name=$1 f="$PIDS/$1.pid" pid comm
  [[ -s $f ]] || return 0
  pid=$(head -n1 "$f" | tr -dc 0-9)
  [[ -n $pid && -d /proc/$pid ]] || return 0
  # a zombie (exited, not yet reaped) is not running
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 0
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  # python may show up as python3 or python3.11
  case "$comm" in
    "${SERVICE_COMM[$name]}"*) printf '%s\n' "$pid" ;;
  esac
}

# family PID: PID itself while it lives (not a zombie), plus, when PID leads
# its own session, every live process of that session. The daemons that up
# starts call setsid() (the silent server is started with setsid), so their
# workers share the leader's session; dnsmasq forks once more after setsid
# and is then not a leader, which is fine: it has no lasting workers.
family() {
  local pid=$1 sid
  sid=$(ps -o sid= -p "$pid" 2>/dev/null | tr -d ' ')
  [[ -n $sid ]] || return 0
  ps -eo pid=,sid=,stat= | awk -v p="$pid" -v s="$sid" '
    $3 !~ /^Z/ && ($1 == p || (s == p && $2 == s)) { print $1 }'
}

# stop_service NAME: TERM the recorded process, wait until it and its
# workers are gone (5 s), then KILL what is left of them.
stop_service() {
  local name=$1 pid i left
  pid=$(pid_of "$name")
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      left=$(family "$pid")
      [[ -z $left ]] && break
      sleep 0.1
    done
    left=$(family "$pid")
    if [[ -n $left ]]; then
      log "  $name: ${left//$'\n'/ } still there after 5 s, sending KILL"
      # shellcheck disable=SC2086
      kill -KILL $left 2>/dev/null || true
      sleep 0.2
    fi
    log "  stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid" "$PIDS/$name.hash"
}
