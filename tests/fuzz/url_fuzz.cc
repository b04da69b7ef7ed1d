// Fuzz target for the URL helpers (common/url.h): no crash, and the host
// bounds the README promises (kMaxHostBytes, at most 127 parent domains,
// each a suffix of the host).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/url.h"
#include "tests/fuzz/fuzz_support.h"

namespace nsearch::fuzz {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

void CheckHost(const std::string& host) {
  Check(host.size() <= kMaxHostBytes, "a host fits DNS's 253 bytes");
  Check(std::none_of(host.begin(), host.end(),
                     [](char c) { return c >= 'A' && c <= 'Z'; }),
        "a host is lower-case");
  Check(host.empty() || host.back() != '.', "a host has no trailing dot");
  const std::vector<std::string> parents = HostAndParents(host);
  Check(parents.size() <= kMaxHostBytes / 2 + 1, "at most 127 parents");
  Check(host.empty() == parents.empty(), "a host is its own first parent");
  if (!parents.empty()) Check(parents[0] == host, "the host comes first");
  for (const auto& parent : parents)
    Check(EndsWith(host, parent), "a parent is a suffix of the host");
}

}  // namespace
}  // namespace nsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nsearch;
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  const std::string normalized = NormalizeUrl(url);
  fuzz::Check(normalized.size() <= url.size() + 3, "normalizing never grows");
  fuzz::CheckHost(UrlHost(url));
  fuzz::CheckHost(UrlHost(normalized));
  // HostAndParents on its own: any bytes, bounded output.
  const auto parents = HostAndParents(url);
  fuzz::Check(parents.size() <= kMaxHostBytes / 2 + 1, "at most 127 parents");
  return 0;
}
