// Fuzz target for markup to text (common/markup.h, md4c and libxml2): no
// crash, and valid UTF-8 in gives valid UTF-8 out, from every entry point.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/markup.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nsearch;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = fuzz::IsValidUtf8(text);
  const std::string html = HtmlToText(text);
  const std::string markdown = MarkdownToText(text);
  const std::string body = BodyToText(text);
  const std::string inline_text = InlineText(text);
  if (!valid) return 0;
  fuzz::Check(fuzz::IsValidUtf8(html), "HtmlToText gives valid UTF-8");
  fuzz::Check(fuzz::IsValidUtf8(markdown), "MarkdownToText gives valid UTF-8");
  fuzz::Check(fuzz::IsValidUtf8(body), "BodyToText gives valid UTF-8");
  fuzz::Check(fuzz::IsValidUtf8(inline_text), "InlineText gives valid UTF-8");
  return 0;
}
