#!/usr/bin/env python3
# Usage: scripts/fts5-index.py [--full-parse] [--xapian] DB PATH...
#
# The peer pipeline that scripts/bench-index runs next to nsearch: walks
# each PATH, reads the YAML front matter of every .md/.markdown file and
# indexes the fields nsearch indexes (title or name, excerpt, topics,
# provider name, type, publishedDateTime or startDateTime, quality, heat,
# webUrl or originalUrl, body) into an SQLite FTS5 table (porter tokenizer),
# all in one transaction. DB must not exist yet.
#
#   default        "skip-unread-keys": a line scan keeps only the top-level
#                  keys above (dropping related:, images:, secured:, ...)
#                  before YAML parsing, as nsearch does.
#   --full-parse   parse the whole front matter (needs PyYAML; exits 3 with
#                  a message when it is not installed).
#   --xapian       write a plain Xapian index of the same fields instead
#                  (DB is a folder; needs the python3-xapian bindings): the
#                  reference for the index-size target.
#
# YAML is parsed with PyYAML's libyaml loader when available; without
# PyYAML the default mode uses a small reader for the kept keys (scalars,
# lists of scalars, one-level mappings). Prints one line: docs, rejected
# files, seconds, parser.

import os
import re
import sqlite3
import sys
import time

try:
    import yaml
    LOADER = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    PARSER = "libyaml" if LOADER.__name__ == "CSafeLoader" else "pyyaml"
except ImportError:
    yaml = None
    PARSER = "builtin"

WANTED = {"title", "name", "excerpt", "topics", "provider", "type",
          "publishedDateTime", "startDateTime", "quality", "heat",
          "webUrl", "originalUrl"}
TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):", re.M)
CLOSE = re.compile(r"^---\r?$", re.M)


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        import json
        try:
            return json.loads(v)
        except ValueError:
            return v[1:-1]
    if len(v) >= 2 and v[0] == "'" and v[-1] == "'":
        return v[1:-1].replace("''", "'")
    return v


def mini_yaml(text):
    """Reads `k: v`, `k:` + `  - item` lists and `k:` + `  sub: v` maps."""
    out, key = {}, None
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] not in " \t-":
            k, _, v = line.partition(":")
            key = k.strip()
            out[key] = unquote(v) if v.strip() else None
        elif key is not None:
            s = line.strip()
            indent = len(line) - len(line.lstrip(" "))
            if s.startswith("- ") and indent <= 2:
                if not isinstance(out[key], list):
                    out[key] = []
                out[key].append(unquote(s[2:]))
            elif indent == 2 and ":" in s and not isinstance(out[key], list):
                if not isinstance(out[key], dict):
                    out[key] = {}
                k, _, v = s.partition(":")
                out[key][k.strip()] = unquote(v)
    return out


def read_doc(path, full_parse):
    """Returns the row tuple (without path), or None if the file is rejected."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None
    start = text.index("\n") + 1
    m = CLOSE.search(text, start)
    if not m:
        return None
    fm, body = text[start:m.start()], text[m.end() + 1:]
    if full_parse:
        src = fm
    else:
        # Keep only the top-level blocks of the keys indexed.
        keys = list(TOP_KEY.finditer(fm))
        parts = []
        for i, k in enumerate(keys):
            if k.group(1) in WANTED:
                parts.append(fm[k.start():keys[i + 1].start() if i + 1 < len(keys) else len(fm)])
        src = "".join(parts)
    try:
        meta = yaml.load(src, Loader=LOADER) if yaml else mini_yaml(src)
    except yaml.YAMLError:
        return None
    if not isinstance(meta, dict):
        return None
    title = meta.get("title") or meta.get("name")
    if not isinstance(title, str) or not title.strip():
        return None

    def text_of(v):
        return v if isinstance(v, str) else ("" if v is None else str(v))

    def int_of(v):
        try:
            return int(v)
        except (TypeError, ValueError):
            return None

    topics = meta.get("topics")
    if isinstance(topics, str):
        topics = [topics]
    topics = " | ".join(str(t) for t in topics) if isinstance(topics, list) else ""
    provider = meta.get("provider")
    provider = text_of(provider.get("name")) if isinstance(provider, dict) else ""
    date = meta.get("publishedDateTime") or meta.get("startDateTime")
    url = meta.get("webUrl") or meta.get("originalUrl")
    return (title, text_of(meta.get("excerpt")), topics, provider,
            text_of(meta.get("type")), text_of(date), int_of(meta.get("quality")),
            int_of(meta.get("heat")), text_of(url), body)


def walk(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for f in sorted(filenames):
                if not f.startswith(".") and f.endswith((".md", ".markdown")):
                    yield os.path.join(dirpath, f)


class Fts5Sink:
    def __init__(self, db):
        self.con = sqlite3.connect(db, isolation_level=None)
        self.con.execute("PRAGMA journal_mode=OFF")
        self.con.execute("PRAGMA synchronous=OFF")
        self.con.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, excerpt, topics,"
            " provider, type, date UNINDEXED, quality UNINDEXED, heat UNINDEXED,"
            " url UNINDEXED, body, tokenize='porter unicode61 remove_diacritics 2')")
        self.con.execute("BEGIN")

    def add(self, path, row):
        self.con.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?)", (path,) + row)

    def close(self):
        self.con.execute("COMMIT")
        self.con.close()


class XapianSink:
    """A plain Xapian index of the same fields: text with positions, boolean
    filter terms, value slots for date/quality/heat, a small stored record."""

    def __init__(self, db):
        import json
        import xapian
        self.x, self.json = xapian, json
        self.db = xapian.WritableDatabase(db, xapian.DB_CREATE)
        self.tg = xapian.TermGenerator()
        self.tg.set_stemmer(xapian.Stem("english"))
        self.n = 0

    def add(self, path, row):
        x = self.x
        title, excerpt, topics, provider, typ, date, quality, heat, url, body = row
        doc = x.Document()
        self.tg.set_document(doc)
        self.tg.index_text(title, 1, "S")
        self.tg.increase_termpos()
        self.tg.index_text(title, 2)
        for t in (excerpt, topics, provider, body):
            self.tg.increase_termpos()
            self.tg.index_text(t)
        for t in topics.split(" | "):
            if t:
                doc.add_boolean_term("XK" + t.lower()[:200])
        if provider:
            doc.add_boolean_term("XP" + provider.lower()[:200])
        if typ:
            doc.add_boolean_term("XT" + typ.lower()[:200])
        doc.add_value(0, date[:10])
        if quality is not None:
            doc.add_value(1, x.sortable_serialise(quality))
        if heat is not None:
            doc.add_value(2, x.sortable_serialise(heat))
        doc.set_data(self.json.dumps({"title": title, "url": url, "date": date,
                                      "provider": provider, "type": typ,
                                      "excerpt": excerpt[:300]}))
        idterm = "Q" + path
        doc.add_boolean_term(idterm[:240])
        self.db.replace_document(idterm[:240], doc)
        self.n += 1
        if self.n % 5000 == 0:
            self.db.commit()

    def close(self):
        self.db.commit()
        self.db.close()


def main(argv):
    args = argv[1:]
    full = "--full-parse" in args
    use_xapian = "--xapian" in args
    args = [a for a in args if a not in ("--full-parse", "--xapian")]
    if len(args) < 2 or any(a.startswith("-") for a in args):
        sys.stderr.write("usage: fts5-index.py [--full-parse] [--xapian] DB PATH...\n")
        return 2
    if full and yaml is None:
        sys.stderr.write("fts5-index.py: --full-parse needs PyYAML, which is not installed "
                         "(apt-get install python3-yaml)\n")
        return 3
    db, paths = args[0], args[1:]
    if os.path.exists(db):
        sys.stderr.write("fts5-index.py: %s already exists; remove it first\n" % db)
        return 2
    t0 = time.monotonic()
    if use_xapian:
        try:
            sink = XapianSink(db)
        except ImportError:
            sys.stderr.write("fts5-index.py: --xapian needs the Xapian Python bindings "
                             "(apt-get install python3-xapian)\n")
            return 3
    else:
        sink = Fts5Sink(db)
    docs = rejected = 0
    for path in walk(paths):
        row = read_doc(path, full)
        if row is None:
            rejected += 1
            continue
        sink.add(os.path.abspath(path), row)
        docs += 1
    sink.close()
    print("%d docs, %d rejected, %.3f s, parser %s%s%s" % (
        docs, rejected, time.monotonic() - t0, PARSER,
        ", full parse" if full else ", skip-unread-keys",
        ", xapian" if use_xapian else ", fts5"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
