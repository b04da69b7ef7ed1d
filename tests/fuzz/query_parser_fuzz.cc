// Fuzz target for the query parser and the query builder
// (searcher/query_parser.h). The first byte picks the match mode, the rest
// is the query text. A query either parses or gets kInvalidArgument /
// kLimitExceeded; a parsed query compiles to a Xapian query (both tiers)
// that Xapian's matcher accepts on a small in-memory database, and gets a
// positive scale for its priors (ScoredLeaves, QueryScale).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include <xapian.h>

#include "cli/result_json.h"
#include "searcher/match.h"
#include "searcher/query_parser.h"
#include "tests/fuzz/fuzz_support.h"

namespace nsearch::fuzz {
namespace {

// One document, so that the matcher really walks every query tree.
Xapian::Database& SmallDatabase() {
  static Xapian::WritableDatabase* db = [] {
    auto* w = new Xapian::WritableDatabase(std::string(),
                                           Xapian::DB_BACKEND_INMEMORY);
    Xapian::Document doc;
    Xapian::termpos pos = 1;
    for (const char* t : {"azure", "power", "apps", "pytorch", "python", "a",
                          "the", "c++", "node.js"})
      doc.add_posting(t, pos++);
    w->add_document(doc);
    return w;
  }();
  return *db;
}

void Match(const Xapian::Query& query) {
  try {
    Xapian::Enquire enquire(SmallDatabase());
    enquire.set_query(query);
    (void)enquire.get_mset(0, 10);
  } catch (const Xapian::WildcardError&) {
    // A wildcard over its limit: reported to the user as limit_exceeded.
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "%s\n%s\n", e.get_description().c_str(),
                 query.get_description().c_str());
    Check(false, "Xapian accepts the compiled query");
  }
}

// The scale of the priors, from the terms the query scores: named terms,
// and a positive number.
void CheckScale(const searcher::QueryParser& parser,
                const searcher::QueryNode& root,
                const searcher::QueryLimits& limits) {
  const auto scored = parser.ScoredLeaves(root, limits);
  for (const searcher::ScoredLeaf& leaf : scored)
    Check(!leaf.term.empty(), "a scored leaf names a term");
  const double scale =
      searcher::QueryScale(SmallDatabase(), scored, 1.2, false);
  Check(std::isfinite(scale) && scale > 0, "the scale is a positive number");
}

}  // namespace
}  // namespace nsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nsearch;
  using namespace nsearch::searcher;
  if (size == 0) return 0;
  static QueryParser* parser =
      new QueryParser(fuzz::DefaultSchema(), fuzz::DefaultAnalyzer());
  QueryOptions options;
  options.match = static_cast<MatchMode>(data[0] % 3);
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Result<ParsedQuery> parsed = parser->Parse(text, options);
  if (!parsed.ok()) {
    const StatusCode code = parsed.error().code();
    fuzz::Check(code == StatusCode::kInvalidArgument ||
                    code == StatusCode::kLimitExceeded,
                "a bad query is invalid or over a limit");
    fuzz::Check(!parsed.error().message().empty(), "an error says why");
    return 0;
  }
  (void)cli::QueryNodeJson(parsed->root).dump();
  fuzz::Match(parser->ToXapian(parsed->root, options.limits));
  fuzz::CheckScale(*parser, parsed->root, options.limits);
  if (QueryParser::Relaxable(parsed->root)) {
    fuzz::Match(parser->ToXapian(parsed->root, options.limits, Tier::kRelaxed));
    (void)parser->OptionalWords(parsed->root, options.limits);
  }
  return 0;
}
