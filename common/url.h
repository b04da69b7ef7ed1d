// URL helpers for the `url:` and `site:` fields, shared by indexer and
// searcher so both normalize the same way.

#ifndef NSEARCH_COMMON_URL_H_
#define NSEARCH_COMMON_URL_H_

#include <string>
#include <string_view>
#include <vector>

namespace nsearch {

// The longest host name DNS allows (RFC 1035, in text form).
inline constexpr size_t kMaxHostBytes = 253;

// Lower-cases the scheme and host, drops a "#fragment" and a trailing "/".
std::string NormalizeUrl(std::string_view url);

// The host of a URL ("https://www.Example.com:8080/a" -> "www.example.com"),
// or the value itself, lower-cased, when it is a bare domain. Empty if none,
// or when the host is longer than kMaxHostBytes.
std::string UrlHost(std::string_view url_or_domain);

// A host and its parent domains down to two labels:
// "learn.microsoft.com" -> {"learn.microsoft.com", "microsoft.com"}.
// Empty for a host longer than kMaxHostBytes; empty labels ("a..b") start
// no parent (so at most 127 short strings).
std::vector<std::string> HostAndParents(std::string_view host);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_URL_H_
