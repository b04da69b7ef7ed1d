// Reading one line of `nsearch query --stdin` input (SPEC §5 "Batch mode")
// into a search request: a JSON object, or else the query text itself.
// Separate from cli/batch.cc, which runs the requests, so that the fuzz
// target tests/fuzz/batch_request_fuzz.cc can call it.
//
// Thread-safety: a pure function; call it from any thread.

#ifndef NSEARCH_CLI_BATCH_REQUEST_H_
#define NSEARCH_CLI_BATCH_REQUEST_H_

#include <optional>
#include <string_view>

#include "common/output.h"
#include "common/status.h"
#include "searcher/searcher.h"
#include "searcher/suggest.h"

namespace nsearch::cli {

struct BatchRequest {
  searcher::SearchRequest request;
  bool parse_only = false;  // "parse_only": true: the parsed tree, no search.
  // Set for a {"suggest": TEXT, ...} line, which asks for suggestions
  // instead (`request` is then unused).
  std::optional<searcher::SuggestRequest> suggest;
};

// Where a request's settings come from; messages name them so.
enum class RequestSource { kFlags, kBatchLine };

// The one mapping of a request's settings onto `req`, for the command
// line's flags and for batch lines alike: `settings` holds them under a
// batch line's keys ("limit", "facet_size", "topic", "boost": {...}, ...;
// the flags' values converted to those types, not to text). Checks types,
// bounds and conflicts; kInvalidArgument names the setting as `source`
// spells it ("--facet-size" or "request field 'facet_size'").
Status ApplyRequest(const Json& settings, RequestSource source,
                    searcher::SearchRequest* req, bool* parse_only);

// Reads `line` (without its line terminator) on top of the command line's
// `defaults`. Sets `*id` to the request's "id" as soon as it is read, so an
// error reply can echo it. Returns kInvalidArgument (or the code of a
// rejected setting) naming the problem: a line that is not a JSON object,
// an unknown or wrong-typed field, a query (or suggest text) that is not
// valid UTF-8.
Result<BatchRequest> ParseBatchLine(std::string_view line,
                                    const searcher::SearchRequest& defaults,
                                    Json* id);

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_BATCH_REQUEST_H_
