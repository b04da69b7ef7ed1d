#include "common/text_util.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

namespace nsearch {

namespace {

const std::unordered_map<std::string_view, uint32_t>& NamedEntities() {
  static const std::unordered_map<std::string_view, uint32_t> kEntities = {
      {"amp", '&'},       {"lt", '<'},       {"gt", '>'},
      {"quot", '"'},      {"apos", '\''},    {"nbsp", 0xA0},
      {"ndash", 0x2013},  {"mdash", 0x2014}, {"lsquo", 0x2018},
      {"rsquo", 0x2019},  {"ldquo", 0x201C}, {"rdquo", 0x201D},
      {"hellip", 0x2026}, {"copy", 0xA9},    {"reg", 0xAE},
      {"trade", 0x2122},  {"eacute", 0xE9},  {"egrave", 0xE8},
      {"aacute", 0xE1},   {"agrave", 0xE0},  {"uuml", 0xFC},
      {"ouml", 0xF6},     {"auml", 0xE4},    {"szlig", 0xDF},
      {"ccedil", 0xE7},   {"ntilde", 0xF1},  {"bull", 0x2022},
      {"middot", 0xB7},   {"laquo", 0xAB},   {"raquo", 0xBB},
      {"euro", 0x20AC},   {"pound", 0xA3},   {"deg", 0xB0}};
  return kEntities;
}

}  // namespace

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string DecodeHtmlEntities(std::string_view text) {
  if (text.find('&') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    const size_t semi = text.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back(text[i++]);
      continue;
    }
    std::string_view name = text.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    bool ok = false;
    if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      std::string digits(name.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long v =
          digits.empty() ? 0
                         : std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      ok = !digits.empty() && end && *end == '\0' && v > 0 && v <= 0x10FFFF &&
           !(v >= 0xD800 && v <= 0xDFFF);
      cp = static_cast<uint32_t>(v);
    } else {
      auto it = NamedEntities().find(name);
      if (it != NamedEntities().end()) {
        ok = true;
        cp = it->second;
      }
    }
    if (!ok) {
      out.push_back(text[i++]);
      continue;
    }
    AppendUtf8(cp, &out);
    i = semi + 1;
  }
  return out;
}

namespace {
constexpr bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}
}  // namespace

// A plain loop: find_first_not_of with a set calls memchr once per
// character, which showed in profiles (the front-matter scan trims every
// line of long related: lists).
std::string_view Trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && IsAsciiSpace(text[b])) ++b;
  while (e > b && IsAsciiSpace(text[e - 1])) --e;
  return text.substr(b, e - b);
}

size_t FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Runs of ASCII, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string TerminalSafe(std::string_view text, TerminalLines lines) {
  std::string out;
  out.reserve(text.size());
  size_t bad = FindInvalidUtf8(text);
  char escape[8];
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (i == bad) {
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
      const size_t next = FindInvalidUtf8(text.substr(i + 1));
      bad = next == std::string_view::npos ? next : i + 1 + next;
    } else if ((c < 0x20 && c != '\t' &&
                !(c == '\n' && lines == TerminalLines::kKeep)) ||
               c == 0x7F) {
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      // A valid two-byte sequence from U+0080 to U+009F: a C1 control.
      std::snprintf(escape, sizeof escape, "\\u00%02x",
                    static_cast<unsigned char>(text[++i]));
      out += escape;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : Trim(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<bool> ParseYamlBool(std::string_view text) {
  const std::string s = AsciiLower(Trim(text));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

std::optional<unsigned> ParseDigits(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits || max_digits > 9)
    return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

}  // namespace nsearch
