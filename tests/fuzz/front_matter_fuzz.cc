// Differential fuzz target for the front-matter reader: the fast parser and
// yaml-cpp must give the same Document, or the same rejection, for every
// input (the fast parser hands what it is unsure of to yaml-cpp, so both
// runs agree trivially then). Bombs (aliases, nesting) must be rejected
// within -rss_limit_mb and -timeout.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "common/front_matter.h"
#include "tests/fuzz/fuzz_support.h"

namespace nsearch::fuzz {
namespace {

void CheckSameRejection(const Rejection& a, const Rejection& b) {
  Check(a.ToString() == b.ToString(), "same rejection (reason, position)");
  Check(a.field == b.field, "same rejected field");
}

void CheckSameWarnings(const Document& x, const Document& y) {
  Check(x.warnings.size() == y.warnings.size(), "same number of warnings");
  for (size_t i = 0; i < x.warnings.size(); ++i) {
    Check(x.warnings[i].field == y.warnings[i].field, "same warning field");
    Check(x.warnings[i].line == y.warnings[i].line, "same warning line");
    Check(x.warnings[i].reason == y.warnings[i].reason, "same warning");
  }
}

void CheckSameDocument(const Document& x, const Document& y) {
  Check(x.title == y.title, "same title");
  Check(x.excerpt == y.excerpt, "same excerpt");
  Check(x.body == y.body, "same body");
  Check(x.topics == y.topics, "same topics");
  Check(x.category == y.category, "same category");
  Check(x.type == y.type, "same type");
  Check(x.date == y.date, "same date");
  Check(x.quality == y.quality, "same quality");
  Check(x.heat == y.heat, "same heat");
  Check(x.published == y.published, "same published");
  Check(x.provider_name == y.provider_name, "same provider name");
  Check(x.provider_domain == y.provider_domain, "same provider domain");
  Check(x.web_url == y.web_url, "same web url");
  Check(x.original_url == y.original_url, "same original url");
  CheckSameWarnings(x, y);
}

// What every accepted Document promises, whichever parser read it.
void CheckValidDocument(const Document& doc) {
  Check(!doc.title.empty(), "an accepted document has a title");
  Check(IsValidUtf8(doc.title) && IsValidUtf8(doc.excerpt) &&
            IsValidUtf8(doc.body),
        "text fields are valid UTF-8");
  for (const auto& topic : doc.topics)
    Check(IsValidUtf8(topic), "topics are valid UTF-8");
}

// Prints an outcome, for the report of a disagreement.
void Describe(const char* path, const ParseOutcome& out) {
  std::fprintf(stderr, "%s: %s\n", path,
               out.ok() ? ("title \"" + out.doc.title + "\"").c_str()
                        : ("rejected: " + out.rejection->ToString()).c_str());
}

}  // namespace
}  // namespace nsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nsearch;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Schema& schema = fuzz::DefaultSchema();
  const ParseOutcome fast = ParseDocument(bytes, schema);
  const ParseOutcome full = ParseDocument(bytes, schema, ParseOptions{false});
  fuzz::Check(!full.fast_path, "fast_path off means yaml-cpp");
  if (fast.ok() != full.ok() ||
      (!fast.ok() &&
       fast.rejection->ToString() != full.rejection->ToString())) {
    fuzz::Describe(fast.fast_path ? "fast parser" : "default", fast);
    fuzz::Describe("yaml-cpp", full);
  }
  fuzz::Check(fast.ok() == full.ok(), "both paths accept or both reject");
  if (!fast.ok()) {
    fuzz::Check(!fast.rejection->reason.empty(), "a rejection says why");
    fuzz::CheckSameRejection(*fast.rejection, *full.rejection);
    return 0;
  }
  fuzz::CheckSameDocument(fast.doc, full.doc);
  fuzz::CheckValidDocument(fast.doc);
  return 0;
}
