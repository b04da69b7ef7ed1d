"""trec_eval's relevance measures, reimplemented (no trec_eval binary, no packages).

The measures are computed the way ``trec_eval -c -m ndcg_cut.10 -m map -m
recall.100`` computes them (current trec_eval 9.0.x; see the note on
``ndcg_cut``), over ranked lists instead of scored run files:

- A *run* is a mapping ``query id -> ranked list of document keys``, best
  first. The order is taken as given: trec_eval would re-sort a run file by
  score and break ties by document key in descending string order; callers
  that want that behaviour sort first (``trec_order``). A key that occurs
  more than once in one list counts once, at its first rank: later copies
  are removed and the documents after them move up (trec_eval refuses such
  a run with "duplicate docs").
- *Qrels* are a mapping ``query id -> {document key: grade}``. A grade > 0
  is relevant (trec_eval's default ``-l 1`` with integer grades); 0 or less
  is judged non-relevant and gains nothing.
- ``-c``: every query of the qrels that has at least one relevant document
  counts in the mean; a query that is absent from the run, or whose list is
  empty, scores 0 on every measure. Queries of the run that are not in the
  qrels (or have no relevant document) are ignored. (trec_eval -c divides
  by every query of the qrels file, even one judged only non-relevant,
  which scores 0 everywhere; the two agree on qrels where every query has a
  relevant document, as in ../shared/relevance.)

Keys are compared as they are (``"12"`` does not match ``12``): ``read_qrels``
and ``read_queries`` return strings, so runs should hold strings too.

Typical use::

    qrels = read_qrels("qrels.tsv")
    result = evaluate({"1": ["28", "35"], "2": []}, qrels)
    result["mean"]["ndcg_cut_10"], result["per_query"]["1"]["map"]
"""

import math

MEASURES = ("ndcg_cut_10", "map", "recall_100")
"""The measures ``evaluate`` computes, in the order reports show them."""


def dedupe(ranking):
    """Returns ``ranking`` (any iterable of keys) as a list without repeats.

    Each key keeps its first position; later copies are dropped, so the
    documents after them move up one rank each.
    """
    seen = set()
    out = []
    for key in ranking:
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def num_relevant(judgments):
    """Number of documents with grade > 0 in one query's judgments."""
    return sum(1 for grade in judgments.values() if grade > 0)


def dcg(gains):
    """Discounted cumulative gain of ``gains`` listed from rank 1 on.

    trec_eval's form: gain as given, divided by log2(rank + 1), so rank 1 is
    undiscounted (1/log2 2) and rank 2 is divided by log2 3. Gains <= 0 add
    nothing.
    """
    return sum(g / math.log2(rank + 1)
               for rank, g in enumerate(gains, start=1) if g > 0)


def ndcg_cut(ranking, judgments, k=10):
    """trec_eval's ``ndcg_cut.k`` for one query.

    DCG of the first ``k`` documents of the (de-duplicated) ranking, with the
    grade of a document as its gain (unjudged and non-relevant documents
    gain 0), divided by the ideal DCG: all grades > 0 of the query's
    judgments sorted in descending order, also cut at ``k``. A query without
    relevant documents scores 0.

    Some older trec_eval releases divided by log2(rank) from rank 2 on,
    leaving ranks 1 and 2 undiscounted; this follows the current one, which
    is also what reproduces the peer figures of ../shared/relevance/README.md.
    """
    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    got = dcg(judgments.get(key, 0) for key in dedupe(ranking)[:k])
    return got / ideal


def average_precision(ranking, judgments):
    """trec_eval's ``map`` (average precision) for one query.

    The sum, over the relevant documents of the whole (de-duplicated)
    ranking, of the precision at each one's rank, divided by the number of
    relevant documents in the judgments (so relevant documents never
    retrieved count as precision 0). A query without relevant documents
    scores 0.
    """
    total_relevant = num_relevant(judgments)
    if total_relevant == 0:
        return 0.0
    found = 0
    precision_sum = 0.0
    for rank, key in enumerate(dedupe(ranking), start=1):
        if judgments.get(key, 0) > 0:
            found += 1
            precision_sum += found / rank
    return precision_sum / total_relevant


def recall_cut(ranking, judgments, k=100):
    """trec_eval's ``recall.k`` for one query.

    Relevant documents among the first ``k`` of the (de-duplicated) ranking,
    divided by the number of relevant documents in the judgments; 0 for a
    query without relevant documents.
    """
    total_relevant = num_relevant(judgments)
    if total_relevant == 0:
        return 0.0
    found = sum(1 for key in dedupe(ranking)[:k] if judgments.get(key, 0) > 0)
    return found / total_relevant


def judged_queries(qrels):
    """The query ids that count under ``-c``: those with a grade > 0."""
    return [qid for qid, judgments in qrels.items() if num_relevant(judgments) > 0]


def evaluate(run, qrels):
    """Scores ``run`` against ``qrels`` as ``trec_eval -c`` would.

    Args:
      run: ``{query id: [document key, ...]}``, each list best first.
      qrels: ``{query id: {document key: grade}}``.

    Returns a dict:
      ``mean``: ``{measure: mean over the counted queries}`` (0.0 for each
        measure when no query counts);
      ``per_query``: ``{query id: {measure: value}}`` for every counted query;
      ``queries``: the number of counted queries (those with a relevant
        document);
      ``answered``: how many of them have a non-empty list in ``run``.
    """
    per_query = {}
    answered = 0
    for qid in judged_queries(qrels):
        judgments = qrels[qid]
        ranking = run.get(qid) or []
        if ranking:
            answered += 1
        per_query[qid] = {
            "ndcg_cut_10": ndcg_cut(ranking, judgments, 10),
            "map": average_precision(ranking, judgments),
            "recall_100": recall_cut(ranking, judgments, 100),
        }
    count = len(per_query)
    mean = {m: (sum(v[m] for v in per_query.values()) / count if count else 0.0)
            for m in MEASURES}
    return {"mean": mean, "per_query": per_query, "queries": count,
            "answered": answered}


def trec_order(scored):
    """Orders ``[(key, score), ...]`` as trec_eval orders a run file.

    Highest score first; equal scores by key in descending string order
    (trec_eval's tie break). Returns the list of keys.
    """
    # sorted() is stable, reverse=True included: sort by key, then by score.
    by_key = sorted(scored, key=lambda ks: ks[0], reverse=True)
    return [key for key, _ in sorted(by_key, key=lambda ks: ks[1], reverse=True)]


def _grade(text, where):
    try:
        value = float(text)
    except ValueError:
        raise ValueError("%s: grade %r is not a number" % (where, text)) from None
    return int(value) if value.is_integer() else value


def read_qrels(path):
    """Reads a qrels file into ``{query id: {document key: grade}}``.

    Lines are ``query-id TAB doc-key TAB grade`` or trec_eval's four columns
    ``query-id ITER doc-key grade`` (tabs or spaces); blank lines and lines
    starting with ``#`` are skipped. A key judged twice keeps the last
    grade. Raises ValueError on a malformed line.
    """
    qrels = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            where = "%s:%d" % (path, number)
            if len(fields) == 3:
                qid, key, grade = fields
            elif len(fields) == 4:
                qid, _, key, grade = fields
            else:
                raise ValueError("%s: expected 3 or 4 columns, got %d" % (where, len(fields)))
            qrels.setdefault(qid.strip(), {})[key.strip()] = _grade(grade.strip(), where)
    return qrels


def read_queries(path):
    """Reads ``query-id TAB text`` lines into an ordered ``{query id: text}``.

    Blank lines and lines starting with ``#`` are skipped; a line without a
    tab raises ValueError.
    """
    queries = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            qid, tab, text = line.partition("\t")
            if not tab:
                raise ValueError("%s:%d: expected query-id TAB text" % (path, number))
            queries[qid.strip()] = text.strip()
    return queries
