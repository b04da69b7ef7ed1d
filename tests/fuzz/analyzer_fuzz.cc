// Fuzz target for the analyzer (common/analyzer.h): on valid UTF-8, every
// token's byte range lies inside the text, in order, and its term is
// non-empty valid UTF-8 of at most kMaxTermBytes; stems and normalized
// values are valid UTF-8 too. Invalid UTF-8 must not crash.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/analyzer.h"
#include "tests/fuzz/fuzz_support.h"

namespace nsearch::fuzz {
namespace {

void CheckToken(const Token& token, std::string_view text, size_t prev_end,
                unsigned expected_index) {
  Check(token.begin < token.end, "a token covers at least one byte");
  Check(token.end <= text.size(), "a token lies inside the text");
  Check(token.begin >= prev_end, "tokens come in order, not overlapping");
  Check(token.index == expected_index, "token indexes count up from 0");
  Check(!token.term.empty(), "a term is not empty");
  Check(token.term.size() <= Analyzer::kMaxTermBytes, "a term fits 64 bytes");
  Check(IsValidUtf8(token.term), "a term is valid UTF-8");
}

}  // namespace
}  // namespace nsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nsearch;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Analyzer* analyzer = fuzz::DefaultAnalyzer();
  const bool valid = fuzz::IsValidUtf8(text);
  size_t prev_end = 0;
  unsigned count = 0;
  analyzer->Tokenize(text, [&](const Token& token) {
    if (valid) fuzz::CheckToken(token, text, prev_end, count);
    prev_end = token.end;
    ++count;
    const std::string stem = analyzer->Stem(token.term);
    if (valid) fuzz::Check(fuzz::IsValidUtf8(stem), "a stem is valid UTF-8");
    (void)analyzer->IsStopword(token.term);
  });
  const std::string value = analyzer->NormalizeValue(text);
  if (valid)
    fuzz::Check(fuzz::IsValidUtf8(value), "a normalized value is UTF-8");
  return 0;
}
