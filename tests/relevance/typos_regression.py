#!/usr/bin/env python3
"""Spelling-correction regression test (issue 10, README "Typos").

ctest: relevance_typos_regression.

Usage: typos_regression.py NSEARCH [--corpus DIR] [--set DIR] [--index DIR]

Indexes the real corpus (default ``../shared/corpus`` next to the
repository) into a temporary folder (or uses --index), then sends every
query of the set (default ``tests/relevance/typos``) through one
``NSEARCH query --stdin`` process:

- ``typos.tsv`` (id, kind, query, intended): a misspelled query counts as
  corrected when the response has ``corrected.to`` equal to the intended
  query (compared as lower-case words);
- ``clean.tsv`` (id, query): real titles typed without a typo; any
  ``corrected`` in their responses is a false correction.

Prints the rate per kind and overall. Fails (exit 1) when fewer than
MIN_RATE of the typos are corrected or any clean query is corrected. Skips
(exit 77) when the corpus or the set is absent.
"""

import argparse
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MIN_RATE = 0.90
SKIP = 77


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def words(text):
    return " ".join(text.lower().split())


def run_batch(nsearch, index_dir, queries):
    """One response per query, in order."""
    lines = "".join(json.dumps({"id": i, "q": q, "limit": 1}) + "\n"
                    for i, q in enumerate(queries))
    out = subprocess.run([nsearch, "query", "--stdin", "--index", index_dir],
                         input=lines, capture_output=True, text=True,
                         check=True).stdout
    responses = [json.loads(line) for line in out.splitlines()]
    assert len(responses) == len(queries), "one response per request"
    return responses


def score(nsearch, index_dir, typos, clean):
    responses = run_batch(nsearch, index_dir,
                          [t["query"] for t in typos] + [c["query"] for c in clean])
    by_kind = collections.defaultdict(lambda: [0, 0])
    misses = []
    for t, r in zip(typos, responses):
        got = r.get("corrected", {}).get("to")
        ok = got is not None and words(got) == words(t["intended"])
        by_kind[t["kind"]][0] += ok
        by_kind[t["kind"]][1] += 1
        if not ok:
            misses.append("%s %s: %r -> %r (wanted %r)%s" % (
                t["id"], t["kind"], t["query"], got, t["intended"],
                " error: " + r["error"]["message"] if "error" in r else ""))
    false = ["%s: %r -> %r" % (c["id"], c["query"], r["corrected"]["to"])
             for c, r in zip(clean, responses[len(typos):]) if "corrected" in r]
    return by_kind, misses, false


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("nsearch")
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    parser.add_argument("--set", default=os.path.join(HERE, "typos"))
    parser.add_argument("--index", help="use this index instead of building one")
    args = parser.parse_args(argv)
    typos_path = os.path.join(args.set, "typos.tsv")
    clean_path = os.path.join(args.set, "clean.tsv")
    if not (os.path.exists(typos_path) and os.path.exists(clean_path)):
        print("SKIP: no typo set at " + args.set)
        return SKIP
    typos, clean = read_tsv(typos_path), read_tsv(clean_path)
    work = None
    try:
        index_dir = args.index
        if not index_dir:
            corpus = os.path.abspath(args.corpus)
            if not os.path.isdir(corpus):
                print("SKIP: no corpus at " + corpus)
                return SKIP
            work = tempfile.mkdtemp(prefix="nsearch-typos-")
            index_dir = os.path.join(work, "index")
            subprocess.run([args.nsearch, "index", "--index", index_dir, "--json", corpus],
                           check=True, stdout=subprocess.DEVNULL)
        by_kind, misses, false = score(args.nsearch, index_dir, typos, clean)
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)
    corrected = sum(v[0] for v in by_kind.values())
    rate = corrected / len(typos) if typos else 0.0
    for kind in sorted(by_kind):
        print("%-14s %3d/%3d" % (kind, by_kind[kind][0], by_kind[kind][1]))
    print("corrected: %d/%d = %.1f%% (floor %.0f%%)" % (
        corrected, len(typos), 100 * rate, 100 * MIN_RATE))
    print("clean queries corrected: %d/%d" % (len(false), len(clean)))
    for m in misses:
        print("  miss " + m)
    for f in false:
        print("  FALSE " + f)
    return 0 if rate >= MIN_RATE and not false else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
