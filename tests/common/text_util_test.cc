#include "common/text_util.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "common/document.h"
#include "common/hash.h"
#include "common/index_meta.h"
#include "common/url.h"

namespace nsearch {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// --- TextUtil -------------------------------------------------------------

TEST(TextUtilTest, DecodesNumericEntities) {
  EXPECT_EQ("‘Environment’", DecodeHtmlEntities("&#8216;Environment&#8217;"));
  EXPECT_EQ("it’s", DecodeHtmlEntities("it&#x2019;s"));
  EXPECT_EQ("it’s", DecodeHtmlEntities("it&#X2019;s"));
  EXPECT_EQ("A", DecodeHtmlEntities("&#65;"));
  EXPECT_EQ("\xF0\x9F\x98\x80", DecodeHtmlEntities("&#128512;"));
}

TEST(TextUtilTest, DecodesNamedEntities) {
  EXPECT_EQ(
      "R&D <b> \"q\" 'a'",
      DecodeHtmlEntities("R&amp;D &lt;b&gt; &quot;q&quot; &apos;a&apos;"));
  EXPECT_EQ("a\u00A0b", DecodeHtmlEntities("a&nbsp;b"));
  EXPECT_EQ("été — …",
            DecodeHtmlEntities("&eacute;t&eacute; &mdash; &hellip;"));
  // One pass only: the output of a reference is not decoded again.
  EXPECT_EQ("&amp;", DecodeHtmlEntities("&amp;amp;"));
}

TEST(TextUtilTest, LeavesUnknownAndMalformedEntitiesAlone) {
  for (const std::string text :
       {"AT&T", "a & b", "&bogus;", "&;", "&#;", "&#x;", "&#0;", "&#xD800;",
        "&#x110000;", "&#12ab;", "&amp", "no entities here", ""}) {
    EXPECT_EQ(text, DecodeHtmlEntities(text));
  }
  EXPECT_EQ("AT&T & more", DecodeHtmlEntities("AT&T &amp; more"));
}

TEST(TextUtilTest, FindsInvalidUtf8) {
  EXPECT_EQ(kNpos, FindInvalidUtf8(""));
  EXPECT_EQ(kNpos, FindInvalidUtf8("plain ascii"));
  EXPECT_EQ(kNpos,
            FindInvalidUtf8("héllo € \xF0\x9D\x84\x9E \xF4\x8F\xBF\xBF"));
  EXPECT_EQ(2u, FindInvalidUtf8("ok\xC0\xAF"));        // Overlong '/'.
  EXPECT_EQ(0u, FindInvalidUtf8("\xE0\x80\xAF"));      // Overlong, 3 bytes.
  EXPECT_EQ(0u, FindInvalidUtf8("\xF0\x80\x80\xAF"));  // Overlong, 4 bytes.
  EXPECT_EQ(1u, FindInvalidUtf8("a\xED\xA0\x80"));     // Surrogate U+D800.
  EXPECT_EQ(2u, FindInvalidUtf8("ab\xE2\x82"));        // Truncated at end.
  EXPECT_EQ(2u, FindInvalidUtf8("ab\xE2\x82x"));       // Missing continuation.
  EXPECT_EQ(0u, FindInvalidUtf8("\xF4\x90\x80\x80"));  // Above U+10FFFF.
  EXPECT_EQ(1u, FindInvalidUtf8("x\xFF"));
  EXPECT_EQ(1u, FindInvalidUtf8("a\x80"));             // Lone continuation.
  EXPECT_EQ(6u, FindInvalidUtf8("caf\xC3\xA9 \xC3"));  // After valid é.
}

TEST(TextUtilTest, CollapsesWhitespace) {
  EXPECT_EQ("a b c", CollapseWhitespace(" a \t\n b  \r\n c "));
  EXPECT_EQ("Machine Learning", CollapseWhitespace("Machine\f\vLearning"));
  EXPECT_EQ("", CollapseWhitespace(""));
  EXPECT_EQ("", CollapseWhitespace(" \t\n "));
  EXPECT_EQ("x", CollapseWhitespace("x"));
}

TEST(TextUtilTest, TrimsAsciiWhitespace) {
  EXPECT_EQ("x y", Trim("  x y \n"));
  EXPECT_EQ("x", Trim("\t\r\nx\f\v"));
  EXPECT_EQ("", Trim(""));
  EXPECT_EQ("", Trim(" \t\r\n"));
  EXPECT_EQ("\u00A0x\u00A0", Trim(" \u00A0x\u00A0 "));  // Not ASCII: kept.
}

TEST(TextUtilTest, LowerCasesAsciiOnly) {
  EXPECT_EQ("École abc-xyz 42", AsciiLower("École ABC-xyz 42"));
  EXPECT_EQ(
      "\xC3\x89"
      "cole",
      AsciiLower("\xC3\x89"
                 "COLE"));
}

TEST(TextUtilTest, FilterTermKeepsShortValues) {
  EXPECT_EQ("Kazure", FilterTerm("K", "azure"));
  EXPECT_EQ("XU", FilterTerm("XU", ""));
  const std::string exact(198, 'v');  // Prefix + value is exactly 200 bytes.
  EXPECT_EQ("XU" + exact, FilterTerm("XU", exact));
}

TEST(TextUtilTest, FilterTermBoundsLongValues) {
  const std::string value(300, 'a');
  const std::string term = FilterTerm("XU", value);
  EXPECT_LE(term.size(), 200u);
  EXPECT_EQ("XU" + std::string(181, 'a') + "#" + Hex64(Fnv1a64(value)), term);
  EXPECT_EQ(term, FilterTerm("XU", value));  // Deterministic.
  // Values that differ only after the cut still get different terms.
  EXPECT_NE(term, FilterTerm("XU", value + "b"));
  EXPECT_NE(FilterTerm("XU", value + "b"), FilterTerm("XU", value + "c"));
}

TEST(TextUtilTest, FilterTermDoesNotSplitUtf8) {
  std::string value;
  for (int i = 0; i < 150; ++i) value += "é";
  for (const std::string prefix : {"K", "XU", "XPN"}) {
    SCOPED_TRACE(prefix);
    const std::string term = FilterTerm(prefix, value);
    EXPECT_LE(term.size(), 200u);
    EXPECT_EQ(kNpos, FindInvalidUtf8(term));
    EXPECT_EQ(0u, term.find(prefix + "éé"));
    EXPECT_EQ("#" + Hex64(Fnv1a64(value)), term.substr(term.size() - 17));
  }
}

TEST(TextUtilTest, ParsesYamlBooleans) {
  for (const char* t : {"true", "True", "YES", " on "})
    EXPECT_EQ(std::optional<bool>(true), ParseYamlBool(t)) << t;
  for (const char* f : {"false", "No", "OFF"})
    EXPECT_EQ(std::optional<bool>(false), ParseYamlBool(f)) << f;
  for (const char* bad : {"", "1", "0", "maybe", "truth"})
    EXPECT_EQ(std::nullopt, ParseYamlBool(bad)) << bad;
}

TEST(TextUtilTest, HashesWithFnv1a64) {
  // Reference vectors of 64-bit FNV-1a (offset basis 14695981039346656037).
  EXPECT_EQ(0xcbf29ce484222325ULL, Fnv1a64(""));
  EXPECT_EQ(0xaf63dc4c8601ec8cULL, Fnv1a64("a"));
  EXPECT_EQ(0x85944171f73967e8ULL, Fnv1a64("foobar"));
  EXPECT_EQ("cbf29ce484222325", Hex64(Fnv1a64("")));
  EXPECT_EQ("000000000000002a", Hex64(42));
}

TEST(TextUtilTest, DocumentIdIsStableHex) {
  const std::string id = DocumentIdForPath("/data/content/_news/a.md");
  EXPECT_EQ(Hex64(Fnv1a64("/data/content/_news/a.md")), id);
  EXPECT_EQ(id, DocumentIdForPath("/data/content/_news/a.md"));
  EXPECT_NE(id, DocumentIdForPath("/data/content/_news/b.md"));
  const std::string other = DocumentIdForPath("");
  ASSERT_EQ(16u, other.size());
  for (char c : other) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << other;
  }
}

// --- Url ------------------------------------------------------------------

TEST(UrlTest, NormalizesSchemeAndHostButNotPath) {
  EXPECT_EQ("https://learn.microsoft.com/Azure/Path",
            NormalizeUrl("HTTPS://Learn.Microsoft.COM/Azure/Path/#Frag"));
  EXPECT_EQ("https://example.com", NormalizeUrl("https://example.com/"));
  EXPECT_EQ("https://example.com", NormalizeUrl("  https://Example.com  "));
  EXPECT_EQ("https://a.com/x?Q=1", NormalizeUrl("https://a.com/x?Q=1#f"));
  EXPECT_EQ("https://a.com/x", NormalizeUrl("https://a.com/x//"));
  EXPECT_EQ("example.com/Path", NormalizeUrl("Example.COM/Path/"));
}

TEST(UrlTest, NormalizeIsIdempotent) {
  for (const char* url : {"HTTPS://Learn.Microsoft.COM/Azure/Path/#Frag",
                          "http://A.b/c/?d=E#f", "example.org"}) {
    const std::string once = NormalizeUrl(url);
    EXPECT_EQ(once, NormalizeUrl(once)) << url;
  }
}

TEST(UrlTest, ExtractsHost) {
  EXPECT_EQ("www.example.com", UrlHost("https://www.Example.com:8080/a"));
  EXPECT_EQ("microsoft.com", UrlHost("microsoft.com"));
  EXPECT_EQ("microsoft.com", UrlHost("Microsoft.COM"));
  EXPECT_EQ("host.example.org", UrlHost("https://user:pw@Host.example.org/x"));
  EXPECT_EQ("example.com", UrlHost("https://example.com?x=1"));
  EXPECT_EQ("www.example.com", UrlHost("https://www.example.com./"));
  EXPECT_EQ("", UrlHost("localhost"));
  EXPECT_EQ("", UrlHost("http://localhost:8080/"));
  EXPECT_EQ("", UrlHost(""));
}

// Issue 11, item 2: 100,000 labels made HostAndParents keep every suffix
// (quadratic memory, bad_alloc).
TEST(UrlTest, HostsLongerThanDnsAllowsAreNoHost) {
  std::string labels;
  for (int i = 0; i < 100000; ++i) labels += "d.";
  EXPECT_EQ("", UrlHost("https://" + labels + "com/x"));
  EXPECT_TRUE(HostAndParents(labels + "com").empty());
  std::string longest(kMaxHostBytes - 4, 'a');
  for (size_t i = 1; i < longest.size(); i += 2) longest[i] = '.';
  const std::string host = longest + ".com";
  ASSERT_EQ(kMaxHostBytes, host.size());
  EXPECT_EQ(host, UrlHost("https://" + host + "/"));
  EXPECT_EQ(125u, HostAndParents(host).size());  // 126 labels.
}

TEST(TextUtilTest, TerminalSafeEscapesControlsAndInvalidBytes) {
  EXPECT_EQ("\\x1b]0;PWNED\\x07\\x1b[2J",
            TerminalSafe("\x1b]0;PWNED\a\x1b[2J"));
  EXPECT_EQ("a\\x0anb\\x0dc\td", TerminalSafe("a\nnb\rc\td"));
  EXPECT_EQ("a\nb\\x7f", TerminalSafe("a\nb\x7f", TerminalLines::kKeep));
  EXPECT_EQ("\\u009b2J caf\xC3\xA9 \\xff", TerminalSafe("\xC2\x9B"
                                                        "2J caf\xC3\xA9 \xFF"));
  EXPECT_EQ("\xE2\x80\x99 \xF0\x9F\x98\x80",
            TerminalSafe("\xE2\x80\x99 \xF0\x9F\x98\x80"));
}

TEST(UrlTest, ListsHostAndParents) {
  EXPECT_EQ((std::vector<std::string>{"learn.microsoft.com", "microsoft.com"}),
            HostAndParents("learn.microsoft.com"));
  EXPECT_EQ((std::vector<std::string>{"microsoft.com"}),
            HostAndParents("microsoft.com"));
  EXPECT_EQ((std::vector<std::string>{"a.b.c.d", "b.c.d", "c.d"}),
            HostAndParents("a.b.c.d"));
  EXPECT_TRUE(HostAndParents("").empty());
}

// Found by tests/fuzz/url_fuzz.cc: a host of empty labels ("a.b......c")
// listed a "parent" per dot, 250 for 253 bytes, over the documented 127.
TEST(UrlTest, EmptyLabelsStartNoParent) {
  EXPECT_EQ((std::vector<std::string>{"a..b.c", "b.c"}),
            HostAndParents("a..b.c"));
  const std::string dots = "a" + std::string(kMaxHostBytes - 5, '.') + "b.c";
  ASSERT_EQ(kMaxHostBytes - 1, dots.size());
  EXPECT_EQ(dots, UrlHost("https://" + dots + "/"));
  EXPECT_EQ((std::vector<std::string>{dots, "b.c"}), HostAndParents(dots));
}

// --- DocumentTime ---------------------------------------------------------

TEST(DocumentTimeTest, ParsesUtcDateTimes) {
  EXPECT_EQ(std::optional<int64_t>(1700131012),
            ParseIsoTime("2023-11-16T10:36:52Z"));
  EXPECT_EQ(std::optional<int64_t>(1700131012),
            ParseIsoTime("2023-11-16T10:36:52z"));
  EXPECT_EQ(std::optional<int64_t>(1700131012),
            ParseIsoTime("2023-11-16 10:36:52"));
  EXPECT_EQ(std::optional<int64_t>(1700130960),
            ParseIsoTime("2023-11-16T10:36Z"));
  EXPECT_EQ(std::optional<int64_t>(0), ParseIsoTime("1970-01-01T00:00:00Z"));
}

TEST(DocumentTimeTest, AppliesOffsets) {
  EXPECT_EQ(std::optional<int64_t>(1700131012 - 7200),
            ParseIsoTime("2023-11-16T10:36:52+02:00"));
  EXPECT_EQ(std::optional<int64_t>(1700131012 + 5 * 3600 + 30 * 60),
            ParseIsoTime("2023-11-16T10:36:52-05:30"));
  EXPECT_EQ(std::optional<int64_t>(1700131012 + 5 * 3600 + 30 * 60),
            ParseIsoTime("2023-11-16T10:36:52-0530"));
  EXPECT_EQ(std::optional<int64_t>(1700131012 - 3600),
            ParseIsoTime("2023-11-16T10:36:52+01"));
}

TEST(DocumentTimeTest, ParsesDateOnlyAndFractionalSeconds) {
  EXPECT_EQ(std::optional<int64_t>(1700092800), ParseIsoTime("2023-11-16"));
  EXPECT_EQ(std::optional<int64_t>(1700131012),
            ParseIsoTime("2023-11-16T10:36:52.123Z"));
  EXPECT_EQ(std::optional<int64_t>(1700131012),
            ParseIsoTime("2023-11-16T10:36:52.999999+00:00"));
  EXPECT_EQ(std::optional<int64_t>(1709208000),
            ParseIsoTime("2024-02-29T12:00:00Z"));
}

TEST(DocumentTimeTest, RejectsInvalidStrings) {
  for (const char* text :
       {"2023-13-01", "nope", "2023-11-16T25:00:00Z", "", "2023-00-10",
        "2023-11-00", "2023-11-32", "2023-1-01", "23-11-16", "2023/11/16",
        "2023-11-16T10:60:00Z", "2023-11-16T10:36:52Zjunk", "2023-11-16T10",
        "2023-11-16T10:36:52+xx:00", " 2023-11-16"}) {
    EXPECT_EQ(std::nullopt, ParseIsoTime(text)) << "'" << text << "'";
  }
}

TEST(DocumentTimeTest, RejectsDaysPastEndOfMonth) {
  EXPECT_EQ(std::nullopt, ParseIsoTime("2023-02-30"));
  EXPECT_EQ(std::nullopt,
            ParseIsoTime("2023-02-29T00:00:00Z"));  // Not a leap year.
  EXPECT_EQ(std::nullopt, ParseIsoTime("2023-04-31"));
}

TEST(TextUtilTest, ParseDigitsTakesOnlyPlainDigitsUpToTheirCount) {
  EXPECT_EQ(std::optional<unsigned>(0), ParseDigits("0", 4));
  EXPECT_EQ(std::optional<unsigned>(65535), ParseDigits("65535", 5));
  EXPECT_EQ(std::optional<unsigned>(7), ParseDigits("007", 4));
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1x", "12345", "1.5"})
    EXPECT_EQ(std::nullopt, ParseDigits(bad, 4)) << bad;
  EXPECT_EQ(std::nullopt, ParseDigits("1", 10));  // Would overflow.
}

TEST(DocumentTimeTest, UtcYearIsTheYearFormatIsoTimeWrites) {
  for (int64_t t :
       {int64_t{0}, int64_t{-1}, int64_t{-86400}, int64_t{-86401},
        int64_t{1704067199}, int64_t{1704067200}, int64_t{1709208000},
        int64_t{4102444799}, int64_t{4102444800}}) {
    EXPECT_EQ(std::stoll(FormatIsoTime(t).substr(0, 4)), UtcYear(t)) << t;
  }
  EXPECT_EQ(1969, UtcYear(-1));
  EXPECT_EQ(2024, UtcYear(1704067200));  // 2024-01-01T00:00:00Z
}

TEST(DocumentTimeTest, FormatsAndRoundTrips) {
  EXPECT_EQ("2023-11-16T10:36:52Z", FormatIsoTime(1700131012));
  EXPECT_EQ("1970-01-01T00:00:00Z", FormatIsoTime(0));
  EXPECT_EQ("1969-12-31T23:59:59Z", FormatIsoTime(-1));
  EXPECT_EQ("2024-02-29T12:00:00Z", FormatIsoTime(1709208000));
  for (int64_t t :
       {int64_t{0}, int64_t{-1}, int64_t{951782400}, int64_t{1700131012},
        int64_t{1709208000}, int64_t{4102444799}}) {
    EXPECT_EQ(std::optional<int64_t>(t), ParseIsoTime(FormatIsoTime(t))) << t;
  }
  for (const char* text : {"2018-01-01T00:00:00Z", "2022-05-26T16:00:00Z",
                           "2099-12-31T23:59:59Z"}) {
    const std::optional<int64_t> t = ParseIsoTime(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(text, FormatIsoTime(*t));
  }
}

TEST(DocumentFieldsTest, EachFieldReachesItsMember) {
  Document doc;
  doc.title = "T";
  doc.topics = {"a", "b"};
  doc.date = 86400;
  doc.quality = 7;
  doc.published = true;
  ASSERT_NE(nullptr, FindDocumentField("title"));
  EXPECT_EQ(std::vector<std::string>{"T"},
            DocumentTexts(doc, *FindDocumentField("title")));
  EXPECT_EQ((std::vector<std::string>{"a", "b"}),
            DocumentTexts(doc, *FindDocumentField("topics")));
  EXPECT_EQ(86400, DocumentNumber(doc, *FindDocumentField("date")));
  EXPECT_EQ(7, DocumentNumber(doc, *FindDocumentField("quality")));
  // A flag is neither text nor a number; numbers are not text.
  EXPECT_TRUE(DocumentTexts(doc, *FindDocumentField("published")).empty());
  EXPECT_FALSE(DocumentNumber(doc, *FindDocumentField("published")));
  EXPECT_TRUE(DocumentTexts(doc, *FindDocumentField("quality")).empty());
  EXPECT_TRUE(FindDocumentField("web_url")->url);
  EXPECT_EQ(nullptr, FindDocumentField("colour"));
}

}  // namespace
}  // namespace nsearch
