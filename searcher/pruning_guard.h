// Keeps Xapian 1.4's matcher from leaving a hit off a page (README "Exact
// pages", docs/RELEVANCE.md "Exact pages: Xapian's pruning").
//
// Xapian prunes a match by weight bounds: once the page's threshold passes
// what one side of an OR can add, the OR becomes an AND_MAYBE, and once it
// passes the bound of an AND_MAYBE's left side, that becomes an AND. In
// Xapian 1.4.22 the last step (AndMaybePostList::next) moves on to one
// past the later of its two sides' documents; when the right side already
// sits on a later document than the left, one both sides match and that
// nobody looked at yet, that document is skipped. Reproduced with
// python3-xapian alone, on a stock index of CISI with stock BM25: 6 of 3,000
// OR queries of 2 to 6 words lose a hit of their first 10.
//
// GuardPruning puts such a query under an AND_MAYBE whose right side
// weighs nothing but claims a weight no threshold reaches. The threshold
// that reaches the query itself is then never positive, so nothing in it
// changes operator and every document it matches is weighed. Documents
// below the page's threshold are still set aside before their collapse key
// is read. The cost is in docs/BENCHMARKS.md "Exact pages".

#ifndef NSEARCH_SEARCHER_PRUNING_GUARD_H_
#define NSEARCH_SEARCHER_PRUNING_GUARD_H_

#include <xapian.h>

namespace nsearch::searcher {

// Whether pruning `query` can meet the bug: it holds an OR (or XOR, or
// elite set) or an AND_MAYBE, other than inside a synonym (a wildcard's
// expansions), which weighs its subqueries as one term and never prunes
// them. An AND of words, a phrase or a filter cannot. (The priors then sit
// on an AND_MAYBE's right side: on local databases their sources stop on
// the document checked, so they are never ahead of the text; over remote
// shards they are Xapian's value sources: docs/SCALING.md "Known
// differences".)
bool PruningCanSkipHits(const Xapian::Query& query);

// `query`, guarded when PruningCanSkipHits. Its documents and weights are
// unchanged. `remote`: some shard is remote, so the guard is one of
// Xapian's own posting sources (reading the file-state slot every nsearch
// document has), which any Xapian server rebuilds; else a source of
// nsearch's own that reads nothing.
Xapian::Query GuardPruning(const Xapian::Query& query, bool remote);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_PRUNING_GUARD_H_
