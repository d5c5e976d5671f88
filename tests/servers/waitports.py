#!/usr/bin/env python3
"""Wait until every ADDR:PORT accepts a TCP connection.

usage: waitports.py SECONDS ADDR:PORT...
Exits 0 when all answered, 1 (listing the ones that did not) after SECONDS.
"""
import socket
import sys
import time


def main(argv):
    deadline = time.monotonic() + float(argv[0])
    pending = list(argv[1:])
    while pending:
        still = []
        for spec in pending:
            host, port = spec.rsplit(":", 1)
            try:
                socket.create_connection((host, int(port)), timeout=0.5).close()
            except OSError:
                still.append(spec)
        pending = still
        if pending:
            if time.monotonic() > deadline:
                print("not listening: " + " ".join(pending), file=sys.stderr)
                return 1
            time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
