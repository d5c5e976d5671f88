#!/usr/bin/env python3
"""Run one scripted IMAP, POP3 or SMTP dialogue and print its transcript.

usage: dialogue.py [options] PROTO MODE NAME ADDR PORT

  PROTO   imap | pop3 | smtp
  MODE    tls (implicit TLS from the first byte), starttls, plain
  NAME    the host name: TLS SNI and certificate check
  ADDR    the IP address to connect to (the test DNS is not used here)

options:
  --ca FILE             trust anchors for certificate verification
  --noverify            go on when the certificate does not verify
  --user U              log in as U (password from the environment variable
                        DIALOGUE_PASSWORD, never from argv); without --user
                        the dialogue stops before authentication
  --auth login|plain    IMAP: LOGIN or AUTHENTICATE PLAIN; POP3: USER/PASS or
                        AUTH PLAIN; SMTP always uses AUTH PLAIN (default login)
  --auth-before-tls     (starttls/plain mode) try to authenticate before STARTTLS
  --mail-before-tls     (smtp, starttls mode) send MAIL FROM before STARTTLS
  --send-to ADDR        (smtp) after TLS and the login (if any), MAIL FROM and RCPT TO:<ADDR>
  --mailbox             after a login that worked, read the mailbox as mailcheck does:
                        IMAP GETQUOTAROOT INBOX and LIST "" "*", SMTP EHLO again
  --timeout SECS        limit for the connect and for each reply (default 5)

The transcript goes to stdout, one line per line on the wire:
  S: <line from the server>      C: <line from the client>
  -- <event>                      (TLS established, timeout, close, ...)
The password, and the base64 of AUTH PLAIN, appear as ***.

exit status: 0 dialogue done (whatever the server answered), 2 connection
refused, 3 no reply within the timeout, 4 TLS failure, 5 connection closed
or protocol error, 64 usage.
"""
import argparse
import base64
import os
import socket
import ssl
import sys


class Done(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code
        self.msg = msg


class Conn:
    def __init__(self, args):
        self.args = args
        self.buf = b""
        self.secret = os.environ.get("DIALOGUE_PASSWORD", "")
        try:
            self.sock = socket.create_connection((args.addr, args.port), timeout=args.timeout)
        except ConnectionRefusedError:
            raise Done(2, "connection refused")
        except socket.timeout:
            raise Done(3, f"no connection within {args.timeout:g} s")
        except OSError as e:
            raise Done(2, f"connect failed: {e}")
        self.sock.settimeout(args.timeout)
        self.tls = False

    def out(self, line):
        print(line, flush=True)

    def start_tls(self):
        a = self.args
        ctx = ssl.create_default_context(cafile=a.ca) if a.ca else ssl.create_default_context()
        ctx.load_default_certs()
        verify_error = None
        if a.noverify:
            # verify ourselves first, so the transcript says what is wrong
            try:
                probe = ssl.create_default_context(cafile=a.ca) if a.ca else ssl.create_default_context()
                raw = socket.create_connection((a.addr, a.port), timeout=a.timeout)
                if self.buf or self.tls or a.mode == "starttls":
                    raw.close()  # cannot replay a STARTTLS dialogue; checked below
                    raise ssl.SSLError("skipped")
                with probe.wrap_socket(raw, server_hostname=a.name):
                    pass
            except ssl.SSLCertVerificationError as e:
                verify_error = e.verify_message or str(e)
            except (ssl.SSLError, OSError):
                pass
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        try:
            self.sock = ctx.wrap_socket(self.sock, server_hostname=a.name)
        except ssl.SSLCertVerificationError as e:
            raise Done(4, f"TLS certificate verify failed: {e.verify_message}")
        except ssl.SSLError as e:
            raise Done(4, f"TLS handshake failed: {e.reason or e}")
        except socket.timeout:
            raise Done(3, f"TLS handshake: no answer within {a.timeout:g} s")
        except (ConnectionResetError, BrokenPipeError, OSError) as e:
            raise Done(4, f"TLS handshake failed: {e}")
        self.tls = True
        cert = self.sock.getpeercert(binary_form=False) or {}
        info = f"TLS established: {self.sock.version()} {self.sock.cipher()[0]}"
        if a.noverify:
            info += " (certificate not verified" + (f": {verify_error})" if verify_error else ")")
        else:
            info += f" (certificate verified for {a.name})"
        self.out("-- " + info)

    def readline(self):
        while b"\n" not in self.buf:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                raise Done(3, f"no reply within {self.args.timeout:g} s")
            except ssl.SSLError as e:
                raise Done(5, f"TLS error: {e.reason or e}")
            except OSError as e:
                raise Done(5, f"connection error: {e}")
            if not data:
                if self.buf:
                    line, self.buf = self.buf, b""
                    self.out("S: " + line.decode("utf-8", "replace"))
                raise Done(5, "connection closed by the server")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.rstrip(b"\r").decode("utf-8", "replace")
        self.out("S: " + text)
        return text

    def send(self, line, shown=None):
        self.out("C: " + (shown if shown is not None else line))
        try:
            self.sock.sendall(line.encode() + b"\r\n")
        except OSError as e:
            raise Done(5, f"send failed: {e}")

    def check_buffer_empty(self):
        if self.buf:
            self.out(f"-- {len(self.buf)} bytes buffered after the STARTTLS reply (injection?)")
            self.buf = b""


def plain_b64(user, secret):
    return base64.b64encode(b"\0" + user.encode() + b"\0" + secret.encode()).decode()


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap(c, a):
    n = [0]

    def cmd(text, shown=None):
        n[0] += 1
        tag = f"a{n[0]}"
        c.send(f"{tag} {text}", f"{tag} {shown}" if shown is not None else None)
        while True:
            line = c.readline()
            if line.startswith(tag + " "):
                return line[len(tag) + 1:]
            if line.startswith("+"):
                return line

    greeting = c.readline()
    if not greeting.startswith("* "):
        raise Done(5, "not an IMAP greeting")
    cmd("CAPABILITY")

    def login():
        if a.auth == "plain":
            r = cmd("AUTHENTICATE PLAIN")
            if r.startswith("+"):
                c.send(plain_b64(a.user, c.secret), "***")
                while True:
                    line = c.readline()
                    if line.startswith("a%d " % n[0]):
                        return line.split(" ", 1)[1]
            return r
        return cmd(f"LOGIN {quote(a.user)} {quote(c.secret)}", f"LOGIN {quote(a.user)} ***")

    if a.user and a.auth_before_tls:
        login()
    if a.mode == "starttls":
        r = cmd("STARTTLS")
        if not r.startswith("OK"):
            raise Done(5, "STARTTLS refused")
        c.check_buffer_empty()
        c.start_tls()
        cmd("CAPABILITY")
    if a.user and not a.auth_before_tls:
        r = login()
        if r.startswith("OK"):
            cmd('ID ("name" "mailcheck-dialogue")')
            cmd("EXAMINE INBOX")
            if a.mailbox:
                cmd("GETQUOTAROOT INBOX")
                cmd('LIST "" "*"')
    cmd("LOGOUT")


def pop3(c, a):
    def cmd(text, shown=None, multi=False):
        c.send(text, shown)
        first = c.readline()
        if multi and first.startswith("+OK"):
            while c.readline() != ".":
                pass
        return first

    if not c.readline().startswith("+OK"):
        raise Done(5, "not a POP3 greeting")
    cmd("CAPA", multi=True)

    def login():
        if a.auth == "plain":
            r = cmd("AUTH PLAIN")
            if r.startswith("+"):
                return cmd(plain_b64(a.user, c.secret), "***")
            return r
        r = cmd(f"USER {a.user}")
        if not r.startswith("+OK"):
            return r
        return cmd(f"PASS {c.secret}", "PASS ***")

    if a.user and a.auth_before_tls:
        login()
    if a.mode == "starttls":
        r = cmd("STLS")
        if not r.startswith("+OK"):
            raise Done(5, "STLS refused")
        c.check_buffer_empty()
        c.start_tls()
        cmd("CAPA", multi=True)
    if a.user and not a.auth_before_tls:
        if login().startswith("+OK"):
            cmd("STAT")
    cmd("QUIT")


def smtp(c, a):
    def reply():
        while True:
            line = c.readline()
            if len(line) < 4 or line[3] != "-":
                return line

    def cmd(text, shown=None):
        c.send(text, shown)
        return reply()

    if not reply().startswith("220"):
        raise Done(5, "not an SMTP greeting")
    cmd("EHLO client.mailcheck.test")

    def login():
        return cmd(f"AUTH PLAIN {plain_b64(a.user, c.secret)}", "AUTH PLAIN ***")

    if a.mail_before_tls:
        cmd("MAIL FROM:<alice@mailcheck.test>")
    if a.user and a.auth_before_tls:
        login()
    if a.mode == "starttls":
        r = cmd("STARTTLS")
        if not r.startswith("220"):
            raise Done(5, "STARTTLS refused")
        c.check_buffer_empty()
        c.start_tls()
        cmd("EHLO client.mailcheck.test")
    if a.user and not a.auth_before_tls:
        if login().startswith("235") and a.mailbox:
            cmd("EHLO client.mailcheck.test")
    if a.send_to:
        cmd("MAIL FROM:<alice@mailcheck.test>")
        cmd(f"RCPT TO:<{a.send_to}>")
    cmd("QUIT")


def main():
    p = argparse.ArgumentParser(add_help=True, usage=__doc__)
    p.add_argument("proto", choices=["imap", "pop3", "smtp"])
    p.add_argument("mode", choices=["tls", "starttls", "plain"])
    p.add_argument("name")
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("--ca")
    p.add_argument("--noverify", action="store_true")
    p.add_argument("--user")
    p.add_argument("--auth", choices=["login", "plain"], default="login")
    p.add_argument("--auth-before-tls", action="store_true")
    p.add_argument("--mail-before-tls", action="store_true")
    p.add_argument("--send-to")
    p.add_argument("--mailbox", action="store_true")
    p.add_argument("--timeout", type=float, default=5.0)
    try:
        a = p.parse_args()
    except SystemExit:
        return 64
    print(f"# {a.proto} {a.mode} {a.name} ({a.addr}:{a.port})" + (f" user {a.user}" if a.user else ""))
    try:
        c = Conn(a)
        if a.mode == "tls":
            c.start_tls()
        {"imap": imap, "pop3": pop3, "smtp": smtp}[a.proto](c, a)
        # read until the server closes (after LOGOUT / QUIT)
        try:
            while True:
                c.readline()
        except Done as d:
            if d.code == 5 and d.msg == "connection closed by the server":
                print("-- closed by the server")
                return 0
            raise
    except Done as d:
        print(f"-- {d.msg}")
        return d.code


if __name__ == "__main__":
    sys.exit(main())
