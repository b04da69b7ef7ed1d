#include "common/document.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace nsearch {

std::string Rejection::ToString() const {
  std::string out;
  if (line > 0) {
    out = "line " + std::to_string(line);
    if (column > 0) out += ", column " + std::to_string(column);
    out += ": ";
  }
  return out + reason;
}

namespace {

constexpr bool DocumentFieldNamesAreUnique() {
  for (const DocumentField& field : kDocumentFields)
    if (FindDocumentField(field.name) != &field) return false;
  return true;
}
static_assert(DocumentFieldNamesAreUnique(),
              "two document fields share a name");

}  // namespace

std::vector<std::string> DocumentTexts(const Document& doc,
                                       const DocumentField& field) {
  switch (field.kind) {
    case DocumentFieldKind::kText:
      return {doc.*field.text};
    case DocumentFieldKind::kTextList:
      return doc.*field.list;
    default:
      return {};
  }
}

std::optional<int64_t> DocumentNumber(const Document& doc,
                                      const DocumentField& field) {
  return field.number ? doc.*field.number : std::nullopt;
}

namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), so no dependence on the process time zone.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool ReadDigits(const std::string& s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

// Whole days since the epoch and the seconds into the last one (floored, so
// times before 1970 work too).
int64_t DaysOf(int64_t seconds, int64_t* rem) {
  int64_t days = seconds / 86400;
  *rem = seconds % 86400;
  if (*rem < 0) {
    *rem += 86400;
    --days;
  }
  return days;
}

}  // namespace

int64_t UtcYear(int64_t seconds) {
  int64_t rem;
  int64_t y;
  unsigned m, d;
  CivilFromDays(DaysOf(seconds, &rem), &y, &m, &d);
  return y;
}

std::string FormatIsoTime(int64_t seconds) {
  int64_t rem;
  const int64_t days = DaysOf(seconds, &rem);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<long long>(y), m, d, static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

std::optional<int64_t> ParseIsoTime(const std::string& text) {
  size_t pos = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, &pos, 4, &year)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != '-') return std::nullopt;
  if (!ReadDigits(text, &pos, 2, &month)) return std::nullopt;
  if (pos >= text.size() || text[pos++] != '-') return std::nullopt;
  if (!ReadDigits(text, &pos, 2, &day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0))
    return std::nullopt;
  int64_t offset = 0;
  if (pos < text.size() &&
      (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!ReadDigits(text, &pos, 2, &hour)) return std::nullopt;
    if (pos >= text.size() || text[pos++] != ':') return std::nullopt;
    if (!ReadDigits(text, &pos, 2, &minute)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadDigits(text, &pos, 2, &second)) return std::nullopt;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() &&
               std::isdigit(static_cast<unsigned char>(text[pos])))
          ++pos;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
      ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos++] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!ReadDigits(text, &pos, 2, &oh)) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos < text.size() && !ReadDigits(text, &pos, 2, &om))
        return std::nullopt;
      // Real offsets run from -12:00 to +14:00.
      if (oh > 14 || om > 59) return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
    }
  }
  if (pos != text.size()) return std::nullopt;
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
         second - offset;
}

std::optional<int64_t> ParseDuration(std::string_view text) {
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  const char unit = text.back();
  const int64_t scale = unit == 's'   ? 1
                        : unit == 'm' ? 60
                        : unit == 'h' ? 3600
                        : unit == 'd' ? 86400
                        : unit == 'w' ? 7 * 86400
                        : unit == 'y' ? 365 * 86400
                                      : 0;
  const std::string number(text.substr(0, text.size() - 1));
  if (scale == 0 ||
      number.find_first_not_of("0123456789.") != std::string::npos)
    return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !(value > 0))
    return std::nullopt;
  const double seconds = value * static_cast<double>(scale);
  if (seconds < 1 || seconds > kMaxDurationSeconds) return std::nullopt;
  return static_cast<int64_t>(seconds);
}

}  // namespace nsearch
