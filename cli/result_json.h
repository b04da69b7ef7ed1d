// The JSON of SPEC §5 (docs/output-format.md) for what the searcher
// answers: one function per typed result, the keys in their documented
// order. The text renderers read the same JSON.

#ifndef NSEARCH_CLI_RESULT_JSON_H_
#define NSEARCH_CLI_RESULT_JSON_H_

#include "common/index_meta.h"
#include "common/output.h"
#include "searcher/results.h"

namespace nsearch::cli {

// A query's or `similar`'s response.
Json PageJson(const searcher::ResultPage& page);
// `query --parse-only`.
Json ParsedJson(const searcher::ParsedRequest& parsed);
// One node of a parsed query, with its children.
Json QueryNodeJson(const searcher::QueryNode& node);
// `stats`.
Json StatsJson(const searcher::IndexStats& stats);
// `check`.
Json CheckJson(const searcher::CheckReport& report);
// `show`: {"version", "document"}.
Json ShowJson(const StoredRecord& record);
// A stored record as `show` prints it (with size and mtime when it has its
// file state).
Json RecordJson(const StoredRecord& record);

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_RESULT_JSON_H_
