#!/usr/bin/env python3
"""Relevance regression test on the judged news set.

ctest: relevance_news_regression.

Usage: news_regression.py NSEARCH [--corpus DIR] [--set DIR]

Indexes the real corpus (default ``../shared/corpus`` next to the
repository) into a temporary folder, runs the judged queries of the set
(default ``tests/relevance/news``: ``queries.tsv``, ``qrels.tsv`` with keys
= a document's path relative to the corpus, ``floors.json``) through one
``NSEARCH query --stdin`` process in each mode of ``MODES`` below, computes
nDCG@10 as ``trec_eval -c`` does (scripts/relevance_metrics.py) and prints
the three figures.

Fails (exit 1) when a mode scores below its floor in floors.json
(``{"default": x, "noprior": y, "any_noprior": z}``), or when
``"require_blend_gain"`` is true (the default when the key is absent) and
``default`` is not strictly above ``noprior``: the prior blend must earn its
keep; likewise query expansion (``any_noprior_expand`` strictly above
``any_noprior``, unless ``"require_expansion_gain"`` is false). Skips (exit 77) when the corpus or the set's queries/qrels are absent.
Raising a floor: run the test, take the printed figure minus 0.005.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import relevance_metrics as rm  # noqa: E402

# Options added to every request of every mode: a fixed clock for the
# recency prior, the day after the corpus's newest document (2024-04-11), as
# a reader of those sites would have searched it; results stay the same
# whatever day the test runs.
COMMON_OPTIONS = {"now": "2024-04-12T00:00:00Z"}

# The modes, by their floors.json key, and their request options.
MODES = {
    "default": {},
    "noprior": {"prior": False},
    "any_noprior": {"any": True, "prior": False},
    "any_noprior_expand": {"any": True, "prior": False, "expand": True},
}

# What must earn its keep: (floors.json key, mode, the mode it must beat,
# what the difference is).
GAINS = [
    ("require_blend_gain", "default", "noprior", "prior blend"),
    ("require_expansion_gain", "any_noprior_expand", "any_noprior", "expansion"),
]

LIMIT = 100  # hits asked per query; nDCG@10 needs 10, kept higher for ties.
SKIP = 77    # ctest SKIP_RETURN_CODE


def skip(message):
    print("SKIP: " + message)
    sys.exit(SKIP)


def hit_key(hit, roots):
    """The hit's path relative to the corpus, with / separators, or None."""
    path = hit.get("path") or ""
    for root in roots:
        rel = os.path.relpath(path, root)
        if rel != ".." and not rel.startswith(".." + os.sep):
            return rel.replace(os.sep, "/")
    return None


def run_modes(nsearch, index_dir, queries, roots):
    """{mode: {qid: [key, ...]}} from one `nsearch query --stdin` process."""
    proc = subprocess.Popen([nsearch, "query", "--stdin", "--index", index_dir],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, encoding="utf-8", bufsize=1)
    runs = {}
    try:
        for mode, options in MODES.items():
            run = runs[mode] = {}
            for qid, text in queries.items():
                request = {"id": qid, "q": text, "limit": LIMIT}
                request.update(COMMON_OPTIONS)
                request.update(options)
                proc.stdin.write(json.dumps(request) + "\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
                if not line:
                    raise RuntimeError("nsearch query --stdin ended (exit code %s)"
                                       % proc.wait())
                response = json.loads(line)
                if response.get("id") != qid:
                    raise RuntimeError("response id %r for request %r"
                                       % (response.get("id"), qid))
                if "error" in response:
                    print("warning: %s, query %s: %s (no results)"
                          % (mode, qid, response["error"].get("message")))
                    run[qid] = []
                    continue
                run[qid] = [k for k in (hit_key(h, roots) for h in response["hits"])
                            if k is not None]
    finally:
        proc.stdin.close()
        proc.wait()
    return runs


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("nsearch")
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    parser.add_argument("--set", dest="judged_set", default=os.path.join(HERE, "news"))
    args = parser.parse_args(argv)

    corpus = os.path.abspath(args.corpus)
    queries_path = os.path.join(args.judged_set, "queries.tsv")
    qrels_path = os.path.join(args.judged_set, "qrels.tsv")
    floors_path = os.path.join(args.judged_set, "floors.json")
    if not os.path.isdir(corpus):
        skip("no corpus at %s" % corpus)
    for path in (queries_path, qrels_path):
        if not os.path.isfile(path):
            skip("no %s" % path)
    queries = rm.read_queries(queries_path)
    qrels = rm.read_qrels(qrels_path)
    floors = None
    if os.path.isfile(floors_path):
        with open(floors_path, encoding="utf-8") as fh:
            floors = json.load(fh)

    work = tempfile.mkdtemp(prefix="nsearch-news-regression-")
    try:
        index_dir = os.path.join(work, "index")
        subprocess.run([args.nsearch, "index", "--index", index_dir, "--json", corpus],
                       stdout=subprocess.DEVNULL, check=True)
        roots = [corpus] + ([os.path.realpath(corpus)]
                            if os.path.realpath(corpus) != corpus else [])
        runs = run_modes(args.nsearch, index_dir, queries, roots)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    results = {mode: rm.evaluate(run, qrels) for mode, run in runs.items()}
    failures = []
    if floors is None:
        failures.append("no %s: create it from the figures above minus 0.005" % floors_path)
        floors = {key: False for key, _, _, _ in GAINS}
    print("news judged set: %d queries, common options %s"
          % (results["default"]["queries"], json.dumps(COMMON_OPTIONS)))
    for mode, result in results.items():
        value = result["mean"]["ndcg_cut_10"]
        floor = floors.get(mode)
        print("%-18s nDCG@10 %.4f  floor %s  answered %d/%d  options %s"
              % (mode, value, "%.4f" % floor if floor is not None else "none",
                 result["answered"], result["queries"], json.dumps(MODES[mode])))
        if floor is not None and value < floor:
            failures.append("%s nDCG@10 %.4f is below its floor %.4f" % (mode, value, floor))
    for key, better, worse, what in GAINS:
        if not floors.get(key, True):
            continue
        gain = (results[better]["mean"]["ndcg_cut_10"]
                - results[worse]["mean"]["ndcg_cut_10"])
        print("%s gain (%s - %s): %+.4f (required > 0)" % (what, better, worse, gain))
        if gain <= 0:
            failures.append("%s is not above %s (%s gains %+.4f)" % (better, worse, what, gain))
    if failures:
        print("\nper-query nDCG@10 (%s):" % ", ".join(results))
        for qid in results["default"]["per_query"]:
            print("  %-8s %s  %s" % (qid, "  ".join(
                "%.3f" % r["per_query"][qid]["ndcg_cut_10"] for r in results.values()),
                queries.get(qid, "(no text)")))
        for f in failures:
            print("FAIL: " + f)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
