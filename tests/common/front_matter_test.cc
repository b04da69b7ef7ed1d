#include "common/front_matter.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/document.h"
#include "common/schema.h"
#include "common/text_util.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;

class FrontMatterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto parsed = Schema::Parse(Schema::DefaultText());
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    schema_ = new Schema(std::move(parsed).value());
  }
  static void TearDownTestSuite() {
    delete schema_;
    schema_ = nullptr;
  }

  static ParseOutcome Parse(const std::string& bytes) {
    return ParseDocument(bytes, *schema_);
  }

  static bool Contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  }

  static const FieldWarning* WarningFor(const Document& doc,
                                        const std::string& field) {
    for (const FieldWarning& w : doc.warnings) {
      if (w.field == field) return &w;
    }
    return nullptr;
  }

  static Schema* schema_;
};

Schema* FrontMatterTest::schema_ = nullptr;

TEST_F(FrontMatterTest, ReadsFullArticle) {
  const ParseOutcome out = Parse(
      "---\n"
      "category: news\n"
      "title: \"Meta selects Azure for PyTorch\"\n"
      "excerpt: \"A strategic collaboration.\"\n"
      "publishedDateTime: 2022-05-26T16:00:00Z\n"
      "originalUrl: \"https://blogs.example.com/original\"\n"
      "webUrl: \"https://news.example.com/meta-azure\"\n"
      "type: article\n"
      "quality: 100\n"
      "heat: 96\n"
      "published: true\n"
      "provider:\n"
      "  name: Microsoft\n"
      "  domain: microsoft.com\n"
      "topics:\n"
      "  - Azure\n"
      "  - PyTorch\n"
      "---\n"
      "First paragraph.\n"
      "\n"
      "Second paragraph.\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  const Document& doc = out.doc;
  EXPECT_EQ("Meta selects Azure for PyTorch", doc.title);
  EXPECT_EQ("A strategic collaboration.", doc.excerpt);
  EXPECT_EQ((std::vector<std::string>{"Azure", "PyTorch"}), doc.topics);
  EXPECT_EQ("news", doc.category);
  EXPECT_EQ("article", doc.type);
  ASSERT_TRUE(doc.date.has_value());
  EXPECT_EQ(1653580800, *doc.date);
  EXPECT_EQ(std::optional<int64_t>(100), doc.quality);
  EXPECT_EQ(std::optional<int64_t>(96), doc.heat);
  EXPECT_EQ(std::optional<bool>(true), doc.published);
  EXPECT_EQ("Microsoft", doc.provider_name);
  EXPECT_EQ("microsoft.com", doc.provider_domain);
  EXPECT_EQ("https://news.example.com/meta-azure", doc.web_url);
  EXPECT_EQ("https://blogs.example.com/original", doc.original_url);
  EXPECT_EQ("https://news.example.com/meta-azure", doc.url());
  // The body is Markdown, read as text: one line per block.
  EXPECT_EQ("First paragraph.\nSecond paragraph.", doc.body);
  EXPECT_TRUE(doc.warnings.empty());
}

TEST_F(FrontMatterTest, ReadsEventWithNameAndStartDateTime) {
  const ParseOutcome out = Parse(
      "---\n"
      "name: \"Python on Azure Functions: live demo\"\n"
      "startDateTime: 2021-05-25T17:00:00Z\n"
      "endDateTime: 2021-05-25T18:00:00Z\n"
      "website: \"https://events.example.com/python\"\n"
      "type: webinar\n"
      "published: false\n"
      "---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("Python on Azure Functions: live demo", out.doc.title);
  EXPECT_EQ(std::optional<int64_t>(1621962000), out.doc.date);
  EXPECT_EQ("https://events.example.com/python", out.doc.web_url);
  EXPECT_EQ("https://events.example.com/python", out.doc.url());
  EXPECT_EQ("webinar", out.doc.type);
  EXPECT_EQ(std::optional<bool>(false), out.doc.published);
  EXPECT_EQ(std::nullopt, out.doc.quality);
  EXPECT_EQ("", out.doc.body);
}

TEST_F(FrontMatterTest, SkipsByteOrderMark) {
  const ParseOutcome out =
      Parse("\xEF\xBB\xBF---\ntitle: With BOM\n---\nBody\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("With BOM", out.doc.title);
  EXPECT_EQ("Body", out.doc.body);
}

TEST_F(FrontMatterTest, ReadsCrlfLineEndings) {
  const ParseOutcome out = Parse(
      "---\r\n"
      "title: \"Saved on Windows\"\r\n"
      "quality: 25\r\n"
      "topics:\r\n"
      "  - Power Apps\r\n"
      "---\r\n"
      "Line one.\r\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("Saved on Windows", out.doc.title);
  EXPECT_EQ(std::optional<int64_t>(25), out.doc.quality);
  EXPECT_EQ((std::vector<std::string>{"Power Apps"}), out.doc.topics);
  EXPECT_EQ("Line one.", out.doc.body);
}

TEST_F(FrontMatterTest, DecodesHtmlEntities) {
  const ParseOutcome out = Parse(
      "---\n"
      "title: \"The &#8216;Environment&#8217; &amp; you\"\n"
      "excerpt: \"R&amp;D &lt;today&gt;\"\n"
      "---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("The ‘Environment’ & you", out.doc.title);
  EXPECT_EQ("R&D <today>", out.doc.excerpt);
}

TEST_F(FrontMatterTest, ReadsTitleAfterHugeRelatedList) {
  std::string text = "---\ncategory: news\nrelated:\n";
  for (int i = 0; i < 2000; ++i) {
    text += "  - title: \"Related story " + std::to_string(i) + "\"\n";
    text += "    url: https://example.com/related/" + std::to_string(i) + "\n";
  }
  text += "title: \"Title after the list\"\nheat: 12\n---\nBody\n";
  const ParseOutcome out = Parse(text);
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("Title after the list", out.doc.title);
  EXPECT_EQ("news", out.doc.category);
  EXPECT_EQ(std::optional<int64_t>(12), out.doc.heat);
  EXPECT_EQ("Body", out.doc.body);
}

TEST_F(FrontMatterTest, IgnoresSyntaxErrorsInKeysTheSchemaDoesNotRead) {
  // Documented: keys the schema never reads are not parsed at all.
  const ParseOutcome out = Parse(
      "---\n"
      "title: Still indexed\n"
      "related:\n"
      "  - title: \"never closed\n"
      "    url: [broken\n"
      "secured: {a: [\n"
      "heat: 3\n"
      "---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("Still indexed", out.doc.title);
  EXPECT_EQ(std::optional<int64_t>(3), out.doc.heat);
}

TEST_F(FrontMatterTest, WarnsAboutWrongTypesButKeepsDocument) {
  const ParseOutcome out = Parse(
      "---\n"                      // 1
      "title: Wrong types\n"       // 2
      "quality: \"high\"\n"        // 3
      "heat: [1, 2]\n"             // 4
      "publishedDateTime: nope\n"  // 5
      "published: maybe\n"         // 6
      "---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  const Document& doc = out.doc;
  EXPECT_EQ("Wrong types", doc.title);
  EXPECT_EQ(std::nullopt, doc.quality);
  EXPECT_EQ(std::nullopt, doc.heat);
  EXPECT_EQ(std::nullopt, doc.date);
  EXPECT_EQ(std::nullopt, doc.published);
  EXPECT_EQ(4u, doc.warnings.size());

  const FieldWarning* quality = WarningFor(doc, "quality");
  ASSERT_NE(nullptr, quality);
  EXPECT_EQ(3, quality->line);
  EXPECT_TRUE(Contains(quality->reason, "high")) << quality->reason;

  const FieldWarning* heat = WarningFor(doc, "heat");
  ASSERT_NE(nullptr, heat);
  EXPECT_EQ(4, heat->line);
  EXPECT_TRUE(Contains(heat->reason, "list")) << heat->reason;

  const FieldWarning* date = WarningFor(doc, "publishedDateTime");
  ASSERT_NE(nullptr, date);
  EXPECT_EQ(5, date->line);
  EXPECT_TRUE(Contains(date->reason, "nope")) << date->reason;

  const FieldWarning* published = WarningFor(doc, "published");
  ASSERT_NE(nullptr, published);
  EXPECT_EQ(6, published->line);
}

TEST_F(FrontMatterTest, ReadsSingleStringTopicAsList) {
  const ParseOutcome out = Parse("---\ntitle: T\ntopics: \"Azure\"\n---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ((std::vector<std::string>{"Azure"}), out.doc.topics);
  EXPECT_TRUE(out.doc.warnings.empty());
}

TEST_F(FrontMatterTest, DeduplicatesAndCollapsesTopics) {
  const ParseOutcome out = Parse(
      "---\n"
      "title: T\n"
      "topics:\n"
      "  - Azure\n"
      "  - \"  Machine   Learning \"\n"
      "  - Azure\n"
      "  - Machine Learning\n"
      "  - \"\"\n"
      "  -\n"
      "  - R&amp;D\n"
      "---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ((std::vector<std::string>{"Azure", "Machine Learning", "R&D"}),
            out.doc.topics);
}

TEST_F(FrontMatterTest, KeepsQuotedNumbersAndRoundsFractions) {
  const ParseOutcome out =
      Parse("---\ntitle: T\nquality: \"42\"\nheat: 7.6\n---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ(std::optional<int64_t>(42), out.doc.quality);
  EXPECT_EQ(std::optional<int64_t>(8), out.doc.heat);
}

// Issue 11, item 1: nine levels of nine aliases name 387 million nodes in
// 700 bytes; the reader must stop, not copy them (bad_alloc before).
TEST_F(FrontMatterTest, RejectsAliasBombUnderAKeyItReads) {
  std::string yaml = "---\nprovider:\n  name: x\n  a: &a [l,l,l,l,l,l,l,l,l]\n";
  char previous = 'a';
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string items;
    for (int i = 0; i < 9; ++i)
      items += std::string(i ? "," : "") + "*" + previous;
    yaml += std::string("  ") + c + ": &" + c + " [" + items + "]\n";
    previous = c;
  }
  yaml += "title: t\n---\n";
  ASSERT_LT(yaml.size(), 1000u);
  const ParseOutcome out = Parse(yaml);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "YAML nodes"))
      << out.rejection->reason;
}

// Found by fuzzing: yaml-cpp accepts an alias inside its own anchor, a
// cycle; converting it recursed until the stack overflowed.
TEST_F(FrontMatterTest, RejectsAnAliasInsideItsOwnAnchor) {
  const ParseOutcome out = Parse(
      "---\nprovider:\n  name: x\n  a: &a [l, provider: *a]\ntitle: t\n---\n");
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "through aliases"))
      << out.rejection->reason;
}

// A tree is measured through its aliases before it is copied: one list of
// 1,000 items named 90 times is about 91,000 nodes, within the bound of
// 100,000; named 110 times it is over.
TEST_F(FrontMatterTest, AliasesCountAsTheTreeTheyExpandTo) {
  const auto with_aliases = [](int count) {
    std::string items, aliases;
    for (int i = 0; i < 1000; ++i) items += std::string(i ? "," : "") + "x";
    for (int i = 0; i < count; ++i) aliases += std::string(i ? "," : "") + "*a";
    return "---\nprovider:\n  name: x\n  a: &a [" + items + "]\n  b: [" +
           aliases + "]\ntitle: t\n---\n";
  };
  const ParseOutcome within = Parse(with_aliases(90));
  EXPECT_TRUE(within.ok()) << within.rejection->ToString();
  const ParseOutcome over = Parse(with_aliases(110));
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(Contains(over.rejection->reason, "YAML nodes"))
      << over.rejection->reason;
}

TEST_F(FrontMatterTest, AcceptsAliasesWithinTheBudget) {
  const ParseOutcome out =
      Parse("---\ntitle: &t \"Shared\"\nexcerpt: *t\ntopics: &l [A, B]\n---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("Shared", out.doc.excerpt);
  EXPECT_EQ((std::vector<std::string>{"A", "B"}), out.doc.topics);
}

TEST_F(FrontMatterTest, DuplicateKeysKeepTheLastValueWithAWarning) {
  const ParseOutcome out =
      Parse("---\ntitle: First\nheat: 3\ntitle: Second\n---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ("Second", out.doc.title);
  const FieldWarning* title = WarningFor(out.doc, "title");
  ASSERT_NE(nullptr, title);
  EXPECT_EQ(4, title->line);
  EXPECT_TRUE(Contains(title->reason, "duplicate key")) << title->reason;
}

TEST_F(FrontMatterTest, WarnsAboutOutOfRangeOffsetsHexAndNegativeNumbers) {
  const ParseOutcome out = Parse(
      "---\ntitle: T\npublishedDateTime: 2022-05-24T18:30:41+99:99\n"
      "quality: -5\nheat: 0x10\n---\n");
  ASSERT_TRUE(out.ok()) << out.rejection->ToString();
  EXPECT_EQ(std::nullopt, out.doc.date);
  EXPECT_EQ(std::nullopt, out.doc.quality);
  EXPECT_EQ(std::nullopt, out.doc.heat);
  ASSERT_NE(nullptr, WarningFor(out.doc, "publishedDateTime"));
  ASSERT_NE(nullptr, WarningFor(out.doc, "quality"));
  ASSERT_NE(nullptr, WarningFor(out.doc, "heat"));
  // "unknown" as real feeds write it, and real offsets, still read.
  const ParseOutcome ok = Parse(
      "---\ntitle: T\npublishedDateTime: 2022-05-24T18:30:41+14:00\n"
      "heat: -1\nquality: +7\n---\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok.doc.warnings.empty());
  EXPECT_EQ(std::optional<int64_t>(-1), ok.doc.heat);
  EXPECT_EQ(std::optional<int64_t>(7), ok.doc.quality);
  EXPECT_NE(std::nullopt, ok.doc.date);
}

TEST_F(FrontMatterTest, RejectsEmptyAndWhitespaceOnlyFiles) {
  for (const std::string text : {"", "   \n\t\r\n  \n"}) {
    SCOPED_TRACE("input: '" + text + "'");
    const ParseOutcome out = Parse(text);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ("empty file", out.rejection->reason);
    EXPECT_EQ(0, out.rejection->line);
  }
}

TEST_F(FrontMatterTest, RejectsMissingFrontMatter) {
  const ParseOutcome out = Parse("# Heading\n\ntitle: not front matter\n");
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "no front matter"))
      << out.rejection->reason;
  EXPECT_EQ(1, out.rejection->line);
}

TEST_F(FrontMatterTest, RejectsUnterminatedFrontMatter) {
  const ParseOutcome out = Parse("---\ntitle: Never closed\n\nBody text\n");
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "not closed"))
      << out.rejection->reason;
  EXPECT_EQ(1, out.rejection->line);
}

TEST_F(FrontMatterTest, RejectsInvalidYamlWithLineAndColumn) {
  const ParseOutcome out = Parse(
      "---\n"
      "title: Fine\n"
      "excerpt: a: b\n"  // Line 3: a mapping value where none is allowed.
      "---\n");
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "invalid YAML"))
      << out.rejection->reason;
  EXPECT_EQ(3, out.rejection->line);
  EXPECT_GT(out.rejection->column, 0);
  EXPECT_EQ(0u, out.rejection->ToString().find("line 3, column "));
}

TEST_F(FrontMatterTest, RejectsUnclosedFlowSequence) {
  const ParseOutcome out = Parse(
      "---\n"
      "title: [unclosed\n"  // Line 2.
      "---\n");
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "invalid YAML"))
      << out.rejection->reason;
  // The problem is an unclosed bracket, not a quote.
  EXPECT_FALSE(Contains(out.rejection->reason, "quoted"))
      << out.rejection->reason;
  EXPECT_EQ(2, out.rejection->line);
}

TEST_F(FrontMatterTest, RejectsUnclosedDoubleQuote) {
  // The open quote must not swallow the following lines into the title.
  const ParseOutcome out = Parse(
      "---\n"
      "title: \"Unclosed quote\n"  // Line 2.
      "excerpt: swallowed\n"
      "type: article\n"
      "---\n");
  ASSERT_FALSE(out.ok()) << "title: " << out.doc.title;
  EXPECT_TRUE(Contains(out.rejection->reason, "invalid YAML"))
      << out.rejection->reason;
  EXPECT_TRUE(Contains(out.rejection->reason, "never closed"))
      << out.rejection->reason;
  EXPECT_GT(out.rejection->line, 0);
}

TEST_F(FrontMatterTest, RejectsInvalidUtf8WithLine) {
  const ParseOutcome out = Parse(
      "---\n"
      "title: Fine\n"
      "excerpt: bad \xFF\xFE bytes\n"  // Line 3, byte 29.
      "---\n");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ("invalid UTF-8 at byte 29", out.rejection->reason);
  EXPECT_EQ(3, out.rejection->line);
}

TEST_F(FrontMatterTest, RejectsNulByte) {
  const std::string text = std::string("---\ntitle: a") + '\0' + "b\n---\n";
  const ParseOutcome out = Parse(text);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "NUL")) << out.rejection->reason;
  EXPECT_EQ(2, out.rejection->line);
}

TEST_F(FrontMatterTest, RejectsListAtTopLevel) {
  const ParseOutcome out = Parse("---\n# comment\n- title: a\n- b\n---\n");
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "not a mapping"))
      << out.rejection->reason;
  EXPECT_EQ(3, out.rejection->line);
}

TEST_F(FrontMatterTest, RejectsTitleThatIsAMap) {
  const ParseOutcome out = Parse("---\ncategory: news\ntitle: {a: b}\n---\n");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ("title", out.rejection->field);
  EXPECT_EQ(3, out.rejection->line);
  EXPECT_TRUE(Contains(out.rejection->reason, "mapping"))
      << out.rejection->reason;
}

TEST_F(FrontMatterTest, RejectsMissingTitle) {
  for (const std::string text :
       {"---\nexcerpt: no title here\n---\n", "---\ntitle: \"  \"\n---\n",
        "---\ntitle:\nname: ~\n---\n"}) {
    SCOPED_TRACE(text);
    const ParseOutcome out = Parse(text);
    ASSERT_FALSE(out.ok());
    EXPECT_EQ("no title or name", out.rejection->reason);
    EXPECT_EQ("title", out.rejection->field);
  }
}

TEST_F(FrontMatterTest, RejectsEmptyFrontMatterAsMissingTitle) {
  const ParseOutcome out = Parse("---\n---\nBody only\n");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ("no title or name", out.rejection->reason);
  EXPECT_EQ("title", out.rejection->field);
}

TEST_F(FrontMatterTest, RejectsDeeplyNestedFlowSequences) {
  const std::string text = "---\ntitle: " + std::string(10000, '[') + "\n---\n";
  const ParseOutcome out = Parse(text);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.rejection->reason, "nests deeper"))
      << out.rejection->reason;
}

TEST_F(FrontMatterTest, RejectionFormatsPosition) {
  EXPECT_EQ("line 3, column 7: bad", (Rejection{"bad", 3, 7, ""}).ToString());
  EXPECT_EQ("line 3: bad", (Rejection{"bad", 3, 0, ""}).ToString());
  EXPECT_EQ("bad", (Rejection{"bad", 0, 0, ""}).ToString());
}

TEST_F(FrontMatterTest, AcceptsEveryFileOfSampleContent) {
  const fs::path root = fs::path(testing::SourceDir()) / "data" / "content";
  int parsed = 0;
  for (auto it = fs::recursive_directory_iterator(root);
       it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->path().extension() != ".md") continue;
    SCOPED_TRACE(it->path().string());
    const ParseOutcome out = Parse(testing::ReadFileOrDie(it->path().string()));
    EXPECT_TRUE(out.ok()) << out.rejection->ToString();
    EXPECT_FALSE(out.doc.title.empty());
    ++parsed;
  }
  EXPECT_EQ(54, parsed);
}

TEST_F(FrontMatterTest, ClassifiesEveryFileOfBrokenSamples) {
  // data/README.md: expected outcome per file.
  const std::map<std::string, bool> expected_ok = {
      {"empty.md", false},
      {"no-front-matter.md", false},
      {"unterminated-front-matter.md", false},
      {"invalid-yaml.md", false},
      {"invalid-utf8.md", false},
      {"no-title.md", false},
      {"front-matter-is-a-list.md", false},
      {"title-is-a-map.md", false},
      {"binary.md", false},
      {"wrong-types-but-indexable.md", true},
      {"huge-related.md", true},
      {"bom-crlf.md", true},
  };
  const fs::path root = fs::path(testing::SourceDir()) / "data" / "broken";
  std::map<std::string, ParseOutcome> outcomes;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    outcomes[name] = Parse(testing::ReadFileOrDie(entry.path().string()));
  }
  ASSERT_EQ(expected_ok.size(), outcomes.size());
  for (const auto& [name, ok] : expected_ok) {
    SCOPED_TRACE(name);
    ASSERT_EQ(1u, outcomes.count(name));
    const ParseOutcome& out = outcomes[name];
    EXPECT_EQ(ok, out.ok()) << (out.ok() ? "" : out.rejection->ToString());
    if (!out.ok()) {
      EXPECT_FALSE(out.rejection->reason.empty());
    }
  }

  EXPECT_EQ("empty file", outcomes["empty.md"].rejection->reason);
  EXPECT_EQ(3, outcomes["invalid-utf8.md"].rejection->line);
  EXPECT_EQ("title", outcomes["title-is-a-map.md"].rejection->field);
  EXPECT_EQ(2, outcomes["front-matter-is-a-list.md"].rejection->line);
  EXPECT_EQ("no title or name", outcomes["no-title.md"].rejection->reason);
  EXPECT_TRUE(Contains(outcomes["binary.md"].rejection->reason, "NUL"));
  EXPECT_TRUE(
      Contains(outcomes["invalid-yaml.md"].rejection->reason, "never closed"));

  const Document& wrong = outcomes["wrong-types-but-indexable.md"].doc;
  EXPECT_EQ(
      "Wrong-typed fields are ignored but this Azure document is still indexed",
      wrong.title);
  EXPECT_EQ((std::vector<std::string>{"Azure"}), wrong.topics);
  EXPECT_EQ(std::nullopt, wrong.quality);
  EXPECT_EQ(std::nullopt, wrong.heat);
  EXPECT_EQ(std::nullopt, wrong.date);
  EXPECT_EQ(3u, wrong.warnings.size());

  const Document& huge = outcomes["huge-related.md"].doc;
  EXPECT_EQ("Azure weekly round-up with a very long related list", huge.title);
  EXPECT_EQ(std::optional<int64_t>(64), huge.quality);

  const Document& bom = outcomes["bom-crlf.md"].doc;
  EXPECT_EQ("BOM and CRLF together: Windows-saved Power Apps note", bom.title);
  EXPECT_EQ(std::optional<int64_t>(1581408000), bom.date);
  EXPECT_EQ((std::vector<std::string>{"Power Apps"}), bom.topics);
  EXPECT_EQ("Saved on Windows with Notepad.", bom.body);
}

}  // namespace
}  // namespace nsearch

namespace nsearch {
namespace {

// Parses `bytes` by both paths and expects the same rejection (reason,
// position, field) or the same Document (every field, warnings in order).
// Returns whether the default path took the fast parser.
bool ExpectPathsAgree(const std::string& bytes, const Schema& schema,
                      const std::string& where) {
  const ParseOutcome a = ParseDocument(bytes, schema);
  const ParseOutcome b = ParseDocument(bytes, schema, ParseOptions{false});
  EXPECT_EQ(a.ok(), b.ok()) << where;
  if (a.ok() != b.ok()) return a.fast_path;
  if (!a.ok()) {
    EXPECT_EQ(a.rejection->ToString(), b.rejection->ToString()) << where;
    EXPECT_EQ(a.rejection->field, b.rejection->field) << where;
    return a.fast_path;
  }
  const Document& x = a.doc;
  const Document& y = b.doc;
  EXPECT_EQ(x.title, y.title) << where;
  EXPECT_EQ(x.excerpt, y.excerpt) << where;
  EXPECT_EQ(x.body, y.body) << where;
  EXPECT_EQ(x.topics, y.topics) << where;
  EXPECT_EQ(x.category, y.category) << where;
  EXPECT_EQ(x.type, y.type) << where;
  EXPECT_EQ(x.date, y.date) << where;
  EXPECT_EQ(x.quality, y.quality) << where;
  EXPECT_EQ(x.heat, y.heat) << where;
  EXPECT_EQ(x.published, y.published) << where;
  EXPECT_EQ(x.provider_name, y.provider_name) << where;
  EXPECT_EQ(x.provider_domain, y.provider_domain) << where;
  EXPECT_EQ(x.web_url, y.web_url) << where;
  EXPECT_EQ(x.original_url, y.original_url) << where;
  EXPECT_EQ(x.warnings.size(), y.warnings.size()) << where;
  for (size_t i = 0; i < std::min(x.warnings.size(), y.warnings.size()); ++i) {
    EXPECT_EQ(x.warnings[i].field, y.warnings[i].field) << where;
    EXPECT_EQ(x.warnings[i].line, y.warnings[i].line) << where;
    EXPECT_EQ(x.warnings[i].reason, y.warnings[i].reason) << where;
  }
  return a.fast_path;
}

// Every real and sample file gives the same Document (or the same
// rejection) through the fast parser as through yaml-cpp, and the fast
// parser takes most of them.
TEST(FrontMatterFastPathTest, AgreesWithYamlCppOnEveryFile) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  // The fast-path share is checked on real and sample content; the broken
  // samples are unusual on purpose.
  std::vector<std::pair<std::string, bool>> roots = {
      {testing::SourceDir() + "/data/content", true},
      {testing::SourceDir() + "/data/broken", false}};
  if (!testing::SharedCorpusDir().empty())
    roots.emplace_back(testing::SharedCorpusDir(), true);
  size_t files = 0, counted = 0, fast = 0;
  for (const auto& [root, count_fast] : roots) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      if (!e.is_regular_file() || e.path().extension() != ".md") continue;
      const std::string bytes = testing::ReadFileOrDie(e.path().string());
      const bool took_fast =
          ExpectPathsAgree(bytes, *schema, e.path().string());
      ++files;
      counted += count_fast;
      fast += count_fast && took_fast;
    }
  }
  EXPECT_GT(files, 60u);
  EXPECT_GT(fast * 10, counted * 9)
      << fast << " of " << counted << " on the fast path";
}

TEST(FrontMatterFastPathTest, HandsUnusualYamlToYamlCpp) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  const std::vector<std::string> unusual = {
      "---\ntitle: >\n  Folded\n  title\n---\n",   // Block scalar.
      "---\ntitle: Plain\n  continued\n---\n",     // Multi-line plain.
      "---\ntitle: &a Anchored\n---\n",            // Anchor.
      "---\ntitle: \"x\"\ntopics: [A, B]\n---\n",  // Flow list.
      "---\ntitle: \"x\"\nprovider: {name: N, domain: d}\n---\n",  // Flow map.
      "---\ntitle: \"Esc \\ud83d\"\n---\n",  // Lone surrogate.
  };
  for (const auto& text : unusual) {
    const ParseOutcome a = ParseDocument(text, *schema);
    const ParseOutcome b = ParseDocument(text, *schema, ParseOptions{false});
    EXPECT_FALSE(a.fast_path) << text;
    EXPECT_EQ(a.ok(), b.ok()) << text;
    EXPECT_EQ(a.doc.title, b.doc.title) << text;
    EXPECT_EQ(a.doc.topics, b.doc.topics) << text;
    EXPECT_EQ(a.doc.provider_name, b.doc.provider_name) << text;
  }
  // And the plain forms do take the fast path, with escapes decoded.
  const ParseOutcome plain = ParseDocument(
      "---\ntitle: \"Caf\\u00e9 \\\"quoted\\\"\"\ntopics:\n  - A\n  - 'B''s'\n"
      "provider:\n  name: N\n  images:\n    - url: x\n---\n",
      *schema);
  EXPECT_TRUE(plain.fast_path);
  EXPECT_EQ("Café \"quoted\"", plain.doc.title);
  EXPECT_EQ((std::vector<std::string>{"A", "B's"}), plain.doc.topics);
  EXPECT_EQ("N", plain.doc.provider_name);
}

// A control character (not a tab) anywhere in a line, read or skipped,
// sends the file to yaml-cpp. The fast path first looks for one in the
// whole front matter at once, many bytes at a time, so every byte value is
// tried at every offset of lines longer than such a step.
TEST(FrontMatterFastPathTest, HandsEveryControlCharacterToYamlCpp) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  const std::string value =
      "a value longer than two vector registers (sixty-four bytes), with a "
      "tail";
  const std::string head = "---\ntitle: \"t\"\nrelated:\n  - title: ";
  for (int c = 1; c < 0x20; ++c) {
    if (c == '\n') continue;
    for (size_t at = 0; at < value.size(); ++at) {
      std::string line = value;
      line[at] = static_cast<char>(c);
      const std::string skipped = head + line + "\n  - title: x\n---\n";
      const std::string read = "---\ntitle: " + line + "\n---\n";
      const std::string where =
          "byte " + std::to_string(c) + " at " + std::to_string(at);
      // A \r that ends a line is half of a CRLF line break.
      const bool fast = c == '\t' || (c == '\r' && at + 1 == value.size());
      EXPECT_EQ(fast, ExpectPathsAgree(skipped, *schema, where + ", skipped"))
          << where;
      if (!fast) {
        EXPECT_FALSE(ExpectPathsAgree(read, *schema, where)) << where;
      }
    }
  }
}

// Found by tests/fuzz/front_matter_fuzz.cc: the fast parser skipped the
// blocks nested under a kept key (provider.images) without checking them,
// so it accepted files that yaml-cpp rejects, and missed the duplicate-key
// warnings yaml-cpp gives there.
TEST(FrontMatterFastPathTest, AgreesWithYamlCppInsideUnreadBlocks) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  const std::vector<std::string> texts = {
      // A key at the indentation of the list it follows: invalid YAML.
      "---\ntitle: t\nprovider:\n  name: N\n  images:\n    - url: x\n"
      "    width: 1200\n---\n",
      // A repeated key, nested and at the first level.
      "---\ntitle: t\nprovider:\n  name: N\n  images:\n    - url: x\n"
      "      url: y\n---\n",
      "---\ntitle: t\nprovider:\n  name: N\n  name: M\n---\n",
      // After a quoted scalar, \v is no blank to YAML (found the same way).
      "---\ntitle: t\nprovider:\n  name: N\n  a:\n    - n: \"x\"\v\n---\n",
      "---\ntitle: \"t\"\v\n---\n",
      // A lone \r breaks the line for yaml-cpp.
      "---\n\rtitle: a: b\r\n---\n",
      "---\ntitle: t\n\vprovider:\n  name: \"N\n---\n",
      // Well-formed nesting stays on the fast path.
      "---\ntitle: t\nprovider:\n  name: N\n  images:\n    - url: x\n"
      "      width: 1\n    -\n      - a\n    - b\n  meta:\n    k: v\n"
      "---\n",
  };
  for (const auto& text : texts) {
    const ParseOutcome a = ParseDocument(text, *schema);
    const ParseOutcome b = ParseDocument(text, *schema, ParseOptions{false});
    ASSERT_EQ(a.ok(), b.ok()) << text;
    if (!a.ok()) {
      EXPECT_EQ(a.rejection->ToString(), b.rejection->ToString()) << text;
      continue;
    }
    EXPECT_EQ(a.doc.provider_name, b.doc.provider_name) << text;
    EXPECT_EQ(a.doc.warnings.size(), b.doc.warnings.size()) << text;
  }
  EXPECT_FALSE(ParseDocument(texts[0], *schema).ok());
  EXPECT_FALSE(ParseDocument(texts[2], *schema).fast_path);
  EXPECT_TRUE(ParseDocument(texts[7], *schema).fast_path);
}

// Found by tests/fuzz/front_matter_fuzz.cc (2026-12-02): a tab between a
// key and its colon ("quality\t: 100") is a blank to YAML, so yaml-cpp read
// the quality while the fast path saw an unknown key "quality\t".
TEST(FrontMatterFastPathTest, ATabBeforeTheColonEndsTheKey) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  const std::string text =
      "---\ntitle: \"t\"\ntype: article\nquality\t: 100\nheat: 7\n---\n";
  const ParseOutcome fast = ParseDocument(text, *schema);
  const ParseOutcome yaml = ParseDocument(text, *schema, ParseOptions{false});
  ASSERT_TRUE(fast.ok());
  ASSERT_TRUE(yaml.ok());
  EXPECT_EQ(yaml.doc.quality, fast.doc.quality);
  EXPECT_EQ(100, fast.doc.quality);
  EXPECT_EQ(7, fast.doc.heat);
}

// Found by tests/fuzz/front_matter_fuzz.cc (2026-12-02): a line of only a
// tab after a plain scalar is an empty line to YAML and to the fast path,
// but yaml-cpp rejected the file.
TEST(FrontMatterFastPathTest, ALineOfBlanksIsEmptyOnBothPaths) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  for (const std::string blanks : {"\t", " \t ", "  "}) {
    const std::string text =
        "---\ntitle: \"t\"\ncategory: news\n" + blanks + "\ntype: x\n---\n";
    const ParseOutcome fast = ParseDocument(text, *schema);
    const ParseOutcome yaml = ParseDocument(text, *schema, ParseOptions{false});
    ASSERT_TRUE(fast.ok()) << fast.rejection->ToString();
    ASSERT_TRUE(yaml.ok()) << yaml.rejection->ToString();
    EXPECT_EQ("news", yaml.doc.category);
    EXPECT_EQ(fast.doc.category, yaml.doc.category);
    EXPECT_EQ(fast.doc.type, yaml.doc.type);
  }
}

// Found by tests/fuzz/front_matter_fuzz.cc (2026-12-02, finding 11): a
// comment after a tab ("\t# c") is a comment line to YAML, and the fast
// path skipped it, but yaml-cpp rejects it after a plain scalar ("illegal
// tab when looking for indentation"): one broken file, two reasons.
TEST(FrontMatterFastPathTest, ACommentAfterATabIsYamlCppsToJudge) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  for (const std::string text :
       {"---\ntype: x\nstartDateTime: 2024-01-01\n\t\t# c\n---\n",
        "---\ntitle: \"t\"\ntype: x\n\t# c\nheat: 7\n---\n",
        "---\ntitle: \"t\"\nskipped:\n  - a\n \t# c\n  - b\n---\n"}) {
    ExpectPathsAgree(text, *schema, text);
  }
}

// Found by tests/fuzz/front_matter_fuzz.cc (2026-12-02, finding 12): a
// line of only a form feed inside the block of a key the fast path reads
// (`provider:`) was blank to it and content to yaml-cpp. Control
// characters anywhere in the front matter now leave the file to yaml-cpp.
TEST(FrontMatterFastPathTest, AControlCharacterInABlockIsYamlCppsToJudge) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  for (const std::string text :
       {"---\nprovider:\n er:\n  name:\n\f\n\n <<:  t\n---\n",
        "---\ntitle: \"t\"\nprovider:\n  name: x\n\v\n  domain: y\n---\n",
        "---\ntitle: \"t\"\nskipped:\n  a: 1\n\f\n  b: 2\n---\n"}) {
    ExpectPathsAgree(text, *schema, text);
  }
}

// Found by tests/fuzz/front_matter_fuzz.cc: the nesting bound counted
// every bracket, so yaml-cpp's path rejected a title that merely holds
// many braces ("nests deeper than 64 levels") while the fast path took it.
TEST(FrontMatterFastPathTest, BracketsInsideScalarsAreNotNesting) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  const std::string braces(100, '{');
  const std::vector<std::string> titles = {
      "\"N" + braces + "\"", "'it''s " + braces + "'", "C" + braces,
      "\"multi\n  line [[[" + std::string(100, '[') + "\""};
  for (const auto& title : titles) {
    const std::string text = "---\ntitle: " + title + "\n---\n";
    for (const bool fast : {true, false}) {
      const ParseOutcome out = ParseDocument(text, *schema, ParseOptions{fast});
      EXPECT_TRUE(out.ok()) << text << out.rejection->ToString();
    }
  }
  // Real nesting still counts, after a dash, an anchor or a comma too.
  for (const std::string& value :
       {"\n  - " + std::string(70, '['), " &a " + std::string(70, '['),
        " &a" + std::string(70, '['), " !!seq" + std::string(70, '['),
        " [a, " + std::string(70, '{')}) {
    const std::string text = "---\ntitle: t\ntopics:" + value + "\n---\n";
    const ParseOutcome out = ParseDocument(text, *schema);
    ASSERT_FALSE(out.ok()) << text;
    EXPECT_NE(std::string::npos, out.rejection->reason.find("nests deeper"))
        << out.rejection->reason;
  }
}

// Found by tests/fuzz/front_matter_fuzz.cc: yaml-cpp decodes \N and \_ to
// the bytes 0x85 and 0xA0, so a title read by yaml-cpp held invalid UTF-8
// (and differed from the fast path's).
TEST(FrontMatterFastPathTest, NextLineAndNoBreakSpaceEscapesAreUtf8) {
  const auto schema = Schema::Parse(Schema::DefaultText());
  ASSERT_TRUE(schema.ok());
  for (const char* text : {"---\ntitle: \"a\\Nb\\_c \\u00e9\\N\"\n---\n",
                           "---\ntitle: \"a\\Nb\\_c\n  \\u00e9\\N\"\n---\n"}) {
    const ParseOutcome fast = ParseDocument(text, *schema);
    const ParseOutcome full = ParseDocument(text, *schema, ParseOptions{false});
    ASSERT_TRUE(fast.ok() && full.ok()) << text;
    EXPECT_EQ(std::string::npos, FindInvalidUtf8(full.doc.title)) << text;
    EXPECT_EQ(fast.doc.title, full.doc.title) << text;
  }
}

}  // namespace
}  // namespace nsearch
