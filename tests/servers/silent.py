#!/usr/bin/env python3
"""A server that accepts TCP connections and never sends a byte.

usage: silent.py --pidfile FILE ADDR:PORT...

Binds every ADDR:PORT (exits 1 if one cannot be bound), writes its pid to
FILE once all are listening, then accepts connections, reads and discards
whatever the client sends (a TLS ClientHello, an IMAP command...) and never
answers. A connection is closed when the client closes it or after 300 s.
Stops on SIGTERM.
"""
import selectors
import signal
import socket
import sys
import time

HOLD_SECS = 300


def main(argv):
    if len(argv) < 3 or argv[0] != "--pidfile":
        print(__doc__, file=sys.stderr)
        return 2
    pidfile, addrs = argv[1], argv[2:]
    sel = selectors.DefaultSelector()
    for spec in addrs:
        host, port = spec.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, int(port)))
        except OSError as e:
            print(f"silent.py: cannot bind {spec}: {e}", file=sys.stderr)
            return 1
        s.listen(64)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, "listen")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(pidfile, "w") as f:
        f.write(f"{__import__('os').getpid()}\n")
    opened = {}
    while True:
        for key, _ in sel.select(timeout=5):
            sock = key.fileobj
            if key.data == "listen":
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "conn")
                opened[conn] = time.monotonic()
            else:
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(sock)
                    opened.pop(sock, None)
                    sock.close()
        now = time.monotonic()
        for conn, since in list(opened.items()):
            if now - since > HOLD_SECS:
                sel.unregister(conn)
                del opened[conn]
                conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
