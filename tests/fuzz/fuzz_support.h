// Shared helpers of the libFuzzer targets in tests/fuzz/ (built with
// -DNSEARCH_FUZZ=ON, run by scripts/fuzz). Not used by the gtest suite.

#ifndef NSEARCH_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define NSEARCH_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "common/analyzer.h"
#include "common/schema.h"
#include "common/text_util.h"

namespace nsearch::fuzz {

// Aborts (a libFuzzer crash, with the input saved) when an invariant fails.
inline void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
  std::abort();
}

inline bool IsValidUtf8(std::string_view text) {
  return FindInvalidUtf8(text) == std::string_view::npos;
}

// The built-in schema, parsed once per process.
inline const Schema& DefaultSchema() {
  static const Schema* schema = [] {
    auto parsed = Schema::Parse(Schema::DefaultText());
    Check(parsed.ok(), "the built-in schema parses");
    return new Schema(std::move(parsed).value());
  }();
  return *schema;
}

// The analyzer the built-in schema asks for, created once per process
// (the fuzzers are single-threaded).
inline Analyzer* DefaultAnalyzer() {
  static Analyzer* analyzer = [] {
    const Schema& schema = DefaultSchema();
    auto created = Analyzer::Create({schema.stemmer(), schema.stopwords()});
    Check(created.ok(), "the built-in analyzer is created");
    return std::move(created).value().release();
  }();
  return analyzer;
}

}  // namespace nsearch::fuzz

#endif  // NSEARCH_TESTS_FUZZ_FUZZ_SUPPORT_H_
