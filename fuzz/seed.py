#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, fuzz/seeds/<target>/, from the repository's fixtures.

Each seed is in its target's input format (see fuzz/src/lib.rs):

- imap, pop3, smtp: one byte, how many bytes each read gets (0: as many as asked for), then
  what a server sends. Every dialogue of fixtures/transcripts/ (scripted) and
  fixtures/real-servers/ (captured from Dovecot and Postfix) goes to all three targets, a server
  of the wrong protocol being a case too, once whole and (unless long) once a few bytes a read.
- classify: one byte picking a bundled provider (0: none), then a reply. The replies of
  fixtures/replies/classifier.tsv (with the provider the row names) and samples.tsv, and every
  line a server sends in the dialogues.
- clientconfig: fixtures/autoconfig/ and providers/.
- address: every address in the fixtures and the tests, and alice@ each provider's domains.

The seeds are made again on every run (the directory is emptied first), so they follow the
fixtures; nothing here is committed.
"""

import hashlib
import re
import shutil
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
FIXTURES = ROOT / "fixtures"
SEEDS = FUZZ / "seeds"

# The longest run of `BIG: n` kept: past MAX_LINE (16 KiB), short enough to fuzz.
BIG_LIMIT = 20_000
# Bytes a read in the split copy of each dialogue.
SPLIT_READS = 5


def unescape(text):
    """The escapes of the scripted transcripts and the reply tables: \\r \\n \\t \\\\ \\xNN."""
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        if raw[i : i + 1] == b"\\" and i + 1 < len(raw):
            kind = raw[i + 1 : i + 2]
            simple = {b"r": b"\r", b"n": b"\n", b"t": b"\t", b"\\": b"\\"}
            if kind in simple:
                out += simple[kind]
                i += 2
                continue
            if kind == b"x":
                out.append(int(raw[i + 2 : i + 4], 16))
                i += 4
                continue
        out.append(raw[i])
        i += 1
    return bytes(out)


def scripted_dialogue(path):
    """What the fake server of a fixtures/transcripts/ script sends, as a list of writes."""
    writes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("S: "):
            writes.append(unescape(line[3:]) + b"\r\n")
        elif line.startswith("GBK: "):
            writes.append(line[5:].encode("gbk") + b"\r\n")
        elif line.startswith("BIG: "):
            # `BIG: n` is n bytes of A; `BIG: n text` is text repeated to n bytes.
            count, _, text = line[5:].partition(" ")
            unit = text.encode("utf-8") or b"A"
            size = min(int(count), BIG_LIMIT)
            writes.append((unit * (size // len(unit) + 1))[:size])
    return writes


def captured_dialogue(path):
    """What a real server sent in a fixtures/real-servers/ capture: the lines, exactly."""
    return [
        line[3:].encode("utf-8") + b"\r\n"
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("S: ")
    ]


def dialogues():
    for path in sorted((FIXTURES / "transcripts").glob("*.txt")):
        yield path.stem, scripted_dialogue(path)
    for path in sorted((FIXTURES / "real-servers").glob("*.txt")):
        yield "real-" + path.stem, captured_dialogue(path)


def bundled_provider_ids():
    """The ids in the order of ProviderDb::bundled(): files by name, providers in file order."""
    ids = []
    for path in sorted((ROOT / "providers").glob("*.xml")):
        ids += re.findall(r'<emailProvider\s+id="([^"]*)"', path.read_text(encoding="utf-8"))
    return ids


def table_replies(name):
    """(reply bytes, provider column) of each row of a fixtures/replies/*.tsv table."""
    for line in (FIXTURES / "replies" / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        yield columns


def addresses():
    found = set()
    pattern = re.compile(r"[^\s\"'`<>()\[\],;:=]+@[^\s\"'`<>()\[\],;:=]+")
    for directory in ("fixtures", "tests", "docs"):
        for path in (ROOT / directory).rglob("*"):
            if path.is_file() and path.suffix in (".txt", ".md", ".rs", ".xml", ".zone", ".tsv"):
                found.update(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    for path in (ROOT / "providers").glob("*.xml"):
        for domain in re.findall(r"<domain>([^<]*)</domain>", path.read_text(encoding="utf-8")):
            found.add("alice@" + domain)
    # The cases address.rs tells apart, written here as the tests there spell them.
    found.update(
        [
            "\"john doe\"@example.com",
            "\"a..b\"@example.com",
            "user@bücher.example",
            "用户@例子.广告",
            "a@example.com.",
            "user@" + "a" * 63 + ".com",
            "a" * 64 + "@example.com",
            "user@xn--bcher-kva.example",
        ]
    )
    return sorted(found)


class Corpus:
    def __init__(self, target):
        self.dir = SEEDS / target
        self.dir.mkdir(parents=True)
        self.count = 0

    def add(self, data):
        name = hashlib.sha1(data).hexdigest()
        path = self.dir / name
        if not path.exists():
            path.write_bytes(data)
            self.count += 1


def main():
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    corpora = {t: Corpus(t) for t in ("address", "clientconfig", "classify", "imap", "pop3", "smtp")}

    lines_sent = []
    for _, writes in dialogues():
        stream = b"".join(writes)
        for target in ("imap", "pop3", "smtp"):
            corpora[target].add(b"\0" + stream)
            if len(stream) < 4096:
                corpora[target].add(bytes([SPLIT_READS]) + stream)
        for write in writes:
            lines_sent += [line for line in write.split(b"\r\n") if line]

    ids = bundled_provider_ids()
    classify = corpora["classify"]
    for columns in table_replies("classifier.tsv"):
        reply = unescape(columns[0])
        classify.add(b"\0" + reply)
        provider = columns[3] if len(columns) > 3 else "-"
        if provider in ids:
            classify.add(bytes([ids.index(provider) + 1]) + reply)
    for columns in table_replies("samples.tsv"):
        classify.add(b"\0" + unescape(columns[1]))
    for line in lines_sent:
        classify.add(b"\0" + line[:4096])

    documents = [*(FIXTURES / "autoconfig").glob("*"), *(ROOT / "providers").glob("*.xml")]
    documents.append(FIXTURES / "replies" / "providers.xml")
    for path in sorted(documents):
        if path.suffix in (".xml", ".html"):
            corpora["clientconfig"].add(path.read_bytes())

    for address in addresses():
        corpora["address"].add(address.encode("utf-8"))

    for target, corpus in corpora.items():
        print(f"seeds/{target}: {corpus.count} inputs", file=sys.stderr)


if __name__ == "__main__":
    main()
