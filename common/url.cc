#include "common/url.h"

#include "common/text_util.h"

namespace nsearch {

namespace {

// Splits "scheme://authority/rest" into its parts; scheme may be empty.
void SplitUrl(std::string_view url, std::string_view* scheme,
              std::string_view* authority, std::string_view* rest) {
  *scheme = {};
  const size_t sep = url.find("://");
  if (sep != std::string_view::npos &&
      url.substr(0, sep).find_first_of("/?#") == std::string_view::npos) {
    *scheme = url.substr(0, sep);
    url.remove_prefix(sep + 3);
  }
  const size_t end = url.find_first_of("/?#");
  *authority = url.substr(0, end);
  *rest = end == std::string_view::npos ? std::string_view() : url.substr(end);
}

}  // namespace

std::string NormalizeUrl(std::string_view url) {
  url = Trim(url);
  std::string_view scheme, authority, rest;
  SplitUrl(url, &scheme, &authority, &rest);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);
  std::string out;
  if (!scheme.empty()) out = AsciiLower(scheme) + "://";
  out += AsciiLower(authority);
  out += rest;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string UrlHost(std::string_view url_or_domain) {
  std::string_view scheme, authority, rest;
  SplitUrl(Trim(url_or_domain), &scheme, &authority, &rest);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  if (const size_t colon = authority.find(':'); colon != std::string_view::npos)
    authority = authority.substr(0, colon);
  if (authority.find('.') == std::string_view::npos) return {};
  // A DNS name is at most 253 bytes (RFC 1035): anything longer is no host,
  // and keeping it would make HostAndParents quadratic.
  while (!authority.empty() && authority.back() == '.')
    authority.remove_suffix(1);
  if (authority.size() > kMaxHostBytes) return {};
  std::string host = AsciiLower(authority);
  while (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

std::vector<std::string> HostAndParents(std::string_view host) {
  std::vector<std::string> out;
  if (host.empty() || host.size() > kMaxHostBytes) return out;
  out.emplace_back(host);
  size_t dot = host.find('.');
  while (dot != std::string_view::npos) {
    std::string_view parent = host.substr(dot + 1);
    if (parent.find('.') == std::string_view::npos) break;  // Not a bare TLD.
    // An empty label ("a..b") starts no domain: skipping it keeps the list
    // within one entry per label (127), as documented.
    if (parent[0] != '.') out.emplace_back(parent);
    dot = host.find('.', dot + 1);
  }
  return out;
}

}  // namespace nsearch
