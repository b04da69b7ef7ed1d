#include "searcher/query_parser.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "cli/result_json.h"
#include "common/analyzer.h"
#include "common/output.h"
#include "common/schema.h"
#include "common/status.h"

namespace nsearch {
namespace searcher {
namespace {

using Kind = QueryNode::Kind;

class QueryParserTest : public ::testing::Test {
 protected:
  QueryParserTest() {
    auto schema = Schema::Parse(Schema::DefaultText());
    EXPECT_TRUE(schema.ok()) << schema.error().ToString();
    schema_ = std::make_unique<Schema>(std::move(schema).value());
    auto analyzer =
        Analyzer::Create({schema_->stemmer(), schema_->stopwords()});
    EXPECT_TRUE(analyzer.ok()) << analyzer.error().ToString();
    analyzer_ = std::move(analyzer).value();
    parser_ = std::make_unique<QueryParser>(*schema_, analyzer_.get());
  }

  // Most tests look at the strict tree (MatchMode::kAll: plain words are
  // an AND); the relaxed default wraps the same words in a kWords node.
  Result<ParsedQuery> Parse(const std::string& text,
                            MatchMode match = MatchMode::kAll) {
    QueryOptions options;
    options.match = match;
    return parser_->Parse(text, options);
  }

  // Parses `text`, which must be valid, and returns its tree.
  QueryNode Root(const std::string& text, MatchMode match = MatchMode::kAll) {
    auto parsed = Parse(text, match);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error().ToString();
    return parsed.ok() ? parsed->root : QueryNode{};
  }

  // Expects `text` to fail with `code` and a message containing `needle`.
  void ExpectError(const std::string& text, StatusCode code,
                   const std::string& needle,
                   const QueryOptions& options = QueryOptions()) {
    auto parsed = parser_->Parse(text, options);
    ASSERT_FALSE(parsed.ok())
        << "parsed: " << cli::QueryNodeJson(parsed->root).dump();
    EXPECT_EQ(code, parsed.error().code()) << parsed.error().ToString();
    EXPECT_NE(std::string::npos, parsed.error().message().find(needle))
        << "message: " << parsed.error().message();
  }

  std::unique_ptr<Schema> schema_;
  std::unique_ptr<Analyzer> analyzer_;
  std::unique_ptr<QueryParser> parser_;
};

// Checks a word node: its term, exactness and field.
void ExpectWord(const QueryNode& node, const std::string& term, bool exact,
                const std::string& field = "") {
  EXPECT_EQ(Kind::kWord, node.kind) << cli::QueryNodeJson(node).dump();
  EXPECT_EQ(std::vector<std::string>{term}, node.terms);
  EXPECT_EQ(exact, node.exact) << term;
  EXPECT_EQ(field, node.field) << term;
}

TEST_F(QueryParserTest, TwoWordsAreBothRequired) {
  QueryNode root = Root("Azure PyTorch");
  ASSERT_EQ(Kind::kAnd, root.kind);
  ASSERT_EQ(2u, root.children.size());
  ExpectWord(root.children[0], "azure", false);
  ExpectWord(root.children[1], "pytorch", false);
}

TEST_F(QueryParserTest, AnyOptionMakesWordsAlternatives) {
  QueryNode root = Root("azure pytorch", MatchMode::kAny);
  ASSERT_EQ(Kind::kOr, root.kind);
  ASSERT_EQ(2u, root.children.size());
  ExpectWord(root.children[0], "azure", false);
  ExpectWord(root.children[1], "pytorch", false);
}

TEST_F(QueryParserTest, OrOperatorJoinsAlternatives) {
  QueryNode root = Root("azure OR aws OR gcp");
  ASSERT_EQ(Kind::kOr, root.kind);
  ASSERT_EQ(3u, root.children.size());
  ExpectWord(root.children[0], "azure", false);
  ExpectWord(root.children[1], "aws", false);
  ExpectWord(root.children[2], "gcp", false);
  // A lower-case "or" is a word (a stopword, dropped), not an operator.
  auto parsed = Parse("azure or aws");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Kind::kAnd, parsed->root.kind);
  EXPECT_EQ(std::vector<std::string>{"or"}, parsed->dropped_stopwords);
}

TEST_F(QueryParserTest, NotAndMinusExcludeAWord) {
  for (const std::string text : {"azure NOT aws", "azure -aws"}) {
    SCOPED_TRACE(text);
    QueryNode root = Root(text);
    ASSERT_EQ(Kind::kAndNot, root.kind);
    ASSERT_EQ(2u, root.children.size());
    ExpectWord(root.children[0], "azure", false);
    ExpectWord(root.children[1], "aws", false);
  }
  // A hyphen inside a word is not an exclusion.
  EXPECT_EQ(Kind::kPhrase, Root("x86-64").kind);
}

TEST_F(QueryParserTest, PlusRequiresAWordInAnyMode) {
  QueryNode root = Root("+azure pytorch", MatchMode::kAny);
  ASSERT_EQ(Kind::kAndMaybe, root.kind);
  ASSERT_EQ(2u, root.children.size());
  ExpectWord(root.children[0], "azure", false);
  ExpectWord(root.children[1], "pytorch", false);
}

TEST_F(QueryParserTest, ParenthesesGroup) {
  QueryNode root = Root("(azure OR aws) lambda");
  ASSERT_EQ(Kind::kAnd, root.kind);
  ASSERT_EQ(2u, root.children.size());
  const QueryNode& group = root.children[0];
  ASSERT_EQ(Kind::kOr, group.kind);
  ASSERT_EQ(2u, group.children.size());
  ExpectWord(group.children[0], "azure", false);
  ExpectWord(group.children[1], "aws", false);
  ExpectWord(root.children[1], "lambda", false);

  // Without the parentheses OR binds looser than the implicit AND.
  QueryNode flat = Root("azure OR aws lambda");
  ASSERT_EQ(Kind::kOr, flat.kind);
  ASSERT_EQ(2u, flat.children.size());
  ExpectWord(flat.children[0], "azure", false);
  EXPECT_EQ(Kind::kAnd, flat.children[1].kind);
}

TEST_F(QueryParserTest, QuotedTextIsAPhrase) {
  QueryNode root = Root("\"Machine Learning Service\"");
  EXPECT_EQ(Kind::kPhrase, root.kind);
  EXPECT_EQ((std::vector<std::string>{"machine", "learning", "service"}),
            root.terms);
  EXPECT_TRUE(root.exact);
  EXPECT_EQ("", root.field);
}

TEST_F(QueryParserTest, CurlyQuotesActAsQuotes) {
  QueryNode root = Root("\xE2\x80\x9Cmachine learning\xE2\x80\x9D azure");
  ASSERT_EQ(Kind::kAnd, root.kind);
  ASSERT_EQ(2u, root.children.size());
  EXPECT_EQ(Kind::kPhrase, root.children[0].kind);
  EXPECT_EQ((std::vector<std::string>{"machine", "learning"}),
            root.children[0].terms);
  ExpectWord(root.children[1], "azure", false);
}

TEST_F(QueryParserTest, PunctuatedTermsFollowTheAnalyzer) {
  QueryNode gpt = Root("GPT-4");
  EXPECT_EQ(Kind::kPhrase, gpt.kind);
  EXPECT_EQ((std::vector<std::string>{"gpt", "4"}), gpt.terms);

  ExpectWord(Root("C++"), "c++", false);
  ExpectWord(Root("C#"), "c#", false);
  ExpectWord(Root("Node.js"), "node.js", false);
}

TEST_F(QueryParserTest, TrailingStarIsAWildcard) {
  auto parsed = Parse("Pyto*");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(Kind::kWildcard, parsed->root.kind);
  EXPECT_EQ(std::vector<std::string>{"pyto"}, parsed->root.terms);
  EXPECT_EQ(std::vector<std::string>{"pyto"}, parsed->highlight_prefixes);

  // Several stars are one wildcard.
  QueryNode stars = Root("pyto**");
  EXPECT_EQ(Kind::kWildcard, stars.kind);
  EXPECT_EQ(std::vector<std::string>{"pyto"}, stars.terms);
}

TEST_F(QueryParserTest, EqualsSignAsksForTheExactForm) {
  ExpectWord(Root("=Running"), "running", true);
  ExpectWord(Root("running"), "running", false);

  auto parsed = Parse("=running");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(std::set<std::string>{"running"}, parsed->highlight_terms);
  EXPECT_TRUE(parsed->highlight_stems.empty());
  auto stemmed = Parse("running");
  ASSERT_TRUE(stemmed.ok());
  EXPECT_EQ(std::set<std::string>{"run"}, stemmed->highlight_stems);
}

TEST_F(QueryParserTest, NearJoinsWordsWithinADistance) {
  QueryNode near = Root("azure NEAR pytorch");
  ASSERT_EQ(Kind::kNear, near.kind);
  EXPECT_EQ(10u, near.distance);
  ASSERT_EQ(2u, near.children.size());
  ExpectWord(near.children[0], "azure", true);
  ExpectWord(near.children[1], "pytorch", true);

  QueryNode near3 = Root("azure NEAR/3 pytorch");
  ASSERT_EQ(Kind::kNear, near3.kind);
  EXPECT_EQ(3u, near3.distance);
  ASSERT_EQ(2u, near3.children.size());

  // A hyphenated word contributes each of its words.
  QueryNode gpt = Root("GPT-4 NEAR/5 azure");
  ASSERT_EQ(Kind::kNear, gpt.kind);
  EXPECT_EQ(5u, gpt.distance);
  ASSERT_EQ(3u, gpt.children.size());
  ExpectWord(gpt.children[0], "gpt", true);
  ExpectWord(gpt.children[1], "4", true);
  ExpectWord(gpt.children[2], "azure", true);
}

TEST_F(QueryParserTest, FieldPrefixRestrictsAWord) {
  ExpectWord(Root("title:Azure"), "azure", false, "title");
  ExpectWord(Root("name:azure"), "azure", false, "title");  // An alias.
  ExpectWord(Root("TITLE:azure"), "azure", false, "title");
  // topic is a text field too: an unquoted value is a free-text word.
  ExpectWord(Root("topic:machine"), "machine", false, "topic");

  QueryNode phrase = Root("excerpt:\"local storage\"");
  EXPECT_EQ(Kind::kPhrase, phrase.kind);
  EXPECT_EQ("excerpt", phrase.field);
  EXPECT_EQ((std::vector<std::string>{"local", "storage"}), phrase.terms);
}

TEST_F(QueryParserTest, FilterFieldsGiveExactTerms) {
  QueryNode topic = Root("topic:\"Machine Learning\"");
  EXPECT_EQ(Kind::kFilter, topic.kind);
  EXPECT_EQ("topic", topic.field);
  EXPECT_EQ("Kmachine learning", topic.term);

  QueryNode type = Root("type:Article");
  EXPECT_EQ(Kind::kFilter, type.kind);
  EXPECT_EQ("type", type.field);
  EXPECT_EQ("XYarticle", type.term);

  QueryNode site = Root("site:https://learn.microsoft.com/x");
  EXPECT_EQ(Kind::kFilter, site.kind);
  EXPECT_EQ("site", site.field);
  EXPECT_EQ("XHlearn.microsoft.com", site.term);

  QueryNode provider = Root("provider:\"The Verge\"");
  EXPECT_EQ(Kind::kFilter, provider.kind);
  EXPECT_EQ("XPthe verge", provider.term);
}

TEST_F(QueryParserTest, UnknownFieldIsPlainText) {
  QueryNode root = Root("https://example.com");
  EXPECT_EQ(Kind::kPhrase, root.kind) << cli::QueryNodeJson(root).dump();
  EXPECT_EQ("", root.field);
  EXPECT_EQ((std::vector<std::string>{"https", "example.com"}), root.terms);

  QueryNode word = Root("foo:bar");
  EXPECT_EQ("", word.field);
  EXPECT_EQ((std::vector<std::string>{"foo", "bar"}), word.terms);
}

TEST_F(QueryParserTest, DateRangeCoversWholeDays) {
  QueryNode root = Root("date:2022-05-01..2022-05-31");
  ASSERT_EQ(Kind::kRange, root.kind);
  EXPECT_EQ("date", root.field);
  EXPECT_EQ(2u, root.slot);
  EXPECT_EQ("2022-05-01T00:00:00Z", root.low_text);
  EXPECT_EQ("2022-05-31T23:59:59Z", root.high_text);
  EXPECT_EQ(Xapian::sortable_serialise(1651363200.0), root.low);
  EXPECT_EQ(Xapian::sortable_serialise(1654041599.0), root.high);
}

TEST_F(QueryParserTest, RelativeDatesCountBackFromTheClock) {
  parser_->SetNow(1711886400);  // 2024-03-31T12:00:00Z
  QueryNode week = Root("date:7d..");
  ASSERT_EQ(Kind::kRange, week.kind);
  EXPECT_EQ("2024-03-24T12:00:00Z", week.low_text);
  EXPECT_EQ("", week.high_text);
  // Months are calendar months, the day clamped to the month's length.
  QueryNode months = Root("date:3m..1m");
  EXPECT_EQ("2023-12-31T12:00:00Z", months.low_text);
  EXPECT_EQ("2024-02-29T12:00:00Z", months.high_text);
  EXPECT_EQ("2023-03-31T12:00:00Z", Root("date:1y..").low_text);
  EXPECT_EQ("2024-03-31T00:00:00Z", Root("date:12h..").low_text);
  EXPECT_EQ("2024-03-17T12:00:00Z", Root("date:..2w").high_text);
  ExpectError("date:7x..", StatusCode::kInvalidArgument, "7d");
  ExpectError("date:100000d..", StatusCode::kInvalidArgument, "is not a date");
}

TEST_F(QueryParserTest, FiltersNeverRelax) {
  // In the relaxed default, plain words become optional, a range or an
  // exact value never does.
  QueryNode root =
      Root("azure kubernetes date:2024 topic:\"AI\"", MatchMode::kRelaxed);
  ASSERT_EQ(Kind::kAnd, root.kind) << cli::QueryNodeJson(root).dump();
  ASSERT_EQ(3u, root.children.size());
  EXPECT_EQ(Kind::kRange, root.children[0].kind);
  EXPECT_EQ(Kind::kFilter, root.children[1].kind);
  EXPECT_EQ(Kind::kWords, root.children[2].kind);
}

TEST_F(QueryParserTest, DateYearAndMonthCoverTheWholePeriod) {
  QueryNode year = Root("date:2022");
  ASSERT_EQ(Kind::kRange, year.kind);
  EXPECT_EQ("2022-01-01T00:00:00Z", year.low_text);
  EXPECT_EQ("2022-12-31T23:59:59Z", year.high_text);

  QueryNode feb = Root("date:2024-02");
  ASSERT_EQ(Kind::kRange, feb.kind);
  EXPECT_EQ("2024-02-01T00:00:00Z", feb.low_text);
  EXPECT_EQ("2024-02-29T23:59:59Z", feb.high_text);

  QueryNode december = Root("date:2023-12..");
  ASSERT_EQ(Kind::kRange, december.kind);
  EXPECT_EQ("2023-12-01T00:00:00Z", december.low_text);
  EXPECT_EQ("", december.high_text);
  EXPECT_EQ("", december.high);
}

TEST_F(QueryParserTest, NumberRangesMayBeOpen) {
  QueryNode quality = Root("quality:80..");
  ASSERT_EQ(Kind::kRange, quality.kind);
  EXPECT_EQ(0u, quality.slot);
  EXPECT_EQ("80", quality.low_text);
  EXPECT_EQ(Xapian::sortable_serialise(80.0), quality.low);
  EXPECT_EQ("", quality.high);
  EXPECT_TRUE(cli::QueryNodeJson(quality)["to"].is_null());
  EXPECT_EQ("80", cli::QueryNodeJson(quality)["from"]);

  QueryNode heat = Root("heat:..50");
  ASSERT_EQ(Kind::kRange, heat.kind);
  EXPECT_EQ(1u, heat.slot);
  EXPECT_EQ("", heat.low);
  EXPECT_EQ("50", heat.high_text);
  EXPECT_EQ(Xapian::sortable_serialise(50.0), heat.high);

  // A single value is a range of one.
  QueryNode exact = Root("quality:75");
  EXPECT_EQ(Xapian::sortable_serialise(75.0), exact.low);
  EXPECT_EQ(Xapian::sortable_serialise(75.0), exact.high);
}

TEST_F(QueryParserTest, StopwordsAreDroppedFromFreeText) {
  auto parsed = Parse("the azure");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  ExpectWord(parsed->root, "azure", false);
  EXPECT_EQ(std::vector<std::string>{"the"}, parsed->dropped_stopwords);
}

TEST_F(QueryParserTest, StopwordsAreKeptInPhrasesAndAloneQueries) {
  auto phrase = Parse("\"the azure\"");
  ASSERT_TRUE(phrase.ok());
  EXPECT_EQ(Kind::kPhrase, phrase->root.kind);
  EXPECT_EQ((std::vector<std::string>{"the", "azure"}), phrase->root.terms);
  EXPECT_TRUE(phrase->dropped_stopwords.empty());

  // When the query is only stopwords they are kept, as exact words (no
  // stemmed term is indexed for a stopword).
  auto alone = Parse("to be");
  ASSERT_TRUE(alone.ok());
  ASSERT_EQ(Kind::kAnd, alone->root.kind);
  ASSERT_EQ(2u, alone->root.children.size());
  ExpectWord(alone->root.children[0], "to", true);
  ExpectWord(alone->root.children[1], "be", true);
  EXPECT_TRUE(alone->dropped_stopwords.empty());

  // A + keeps a stopword.
  auto plus = Parse("+the azure");
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(Kind::kAnd, plus->root.kind);
  EXPECT_TRUE(plus->dropped_stopwords.empty());
}

// Minor words ("how", "do", "i") beside other words only rank: an OR
// weighed 0.25 that the other words' documents may also match, in every
// mode, never required and never a relaxable word.
TEST_F(QueryParserTest, MinorWordsOnlyRankBesideOtherWords) {
  for (MatchMode mode :
       {MatchMode::kAll, MatchMode::kRelaxed, MatchMode::kAny}) {
    const QueryNode root = Root("how do I deploy pytorch", mode);
    SCOPED_TRACE(cli::QueryNodeJson(root).dump());
    ASSERT_EQ(Kind::kAndMaybe, root.kind);
    ASSERT_EQ(2u, root.children.size());
    const QueryNode& major = root.children[0];
    EXPECT_EQ(mode == MatchMode::kAll   ? Kind::kAnd
              : mode == MatchMode::kAny ? Kind::kOr
                                        : Kind::kWords,
              major.kind);
    ASSERT_EQ(2u, major.children.size());
    ExpectWord(major.children[0], "deploy", false);
    const QueryNode& minor = root.children[1];
    EXPECT_EQ(Kind::kOr, minor.kind);
    EXPECT_EQ(0.25, minor.weight);
    ASSERT_EQ(3u, minor.children.size());
    ExpectWord(minor.children[0], "how", false);
    ExpectWord(minor.children[2], "i", false);
    EXPECT_EQ(0.25, cli::QueryNodeJson(root)["children"][1]["weight"]);
  }
  // Their BM25 bound (the priors' scale) counts a quarter.
  const QueryNode root = Root("how azure");
  std::vector<ScoredLeaf> leaves = parser_->ScoredLeaves(root, QueryLimits());
  ASSERT_EQ(2u, leaves.size());
  EXPECT_EQ(1.0, leaves[0].weight);
  EXPECT_EQ(0.25, leaves[1].weight);
}

// A node's weight scales any kind of node, a word included: its BM25
// part in Xapian's query and its share of the priors' scale.
TEST_F(QueryParserTest, AWeightScalesAnyNode) {
  QueryNode word = Root("azure");
  word.weight = 0.5;
  const std::string described =
      parser_->ToXapian(word, QueryLimits()).get_description();
  EXPECT_NE(std::string::npos, described.find("0.5 * ")) << described;
  const std::vector<ScoredLeaf> leaves =
      parser_->ScoredLeaves(word, QueryLimits());
  ASSERT_EQ(1u, leaves.size());
  EXPECT_EQ(0.5, leaves[0].weight);
  word.weight = 1.0;
  EXPECT_EQ(
      std::string::npos,
      parser_->ToXapian(word, QueryLimits()).get_description().find(" * "));
}

// Alone, signed, quoted or in a field a minor word is a word like any.
TEST_F(QueryParserTest, MinorWordsAloneOrMarkedAreWords) {
  ExpectWord(Root("what is it"), "what", false);  // "is", "it" stopwords.
  const QueryNode both = Root("how why");
  ASSERT_EQ(Kind::kAnd, both.kind);
  EXPECT_EQ(1.0, both.weight);
  for (const char* text :
       {"+how azure", "title:how azure", "\"how\" azure", "how AND azure"}) {
    const QueryNode root = Root(text);
    SCOPED_TRACE(text);
    ASSERT_EQ(Kind::kAnd, root.kind) << cli::QueryNodeJson(root).dump();
    EXPECT_EQ(2u, root.children.size());
  }
  const QueryNode excluded = Root("azure -how");
  EXPECT_EQ(Kind::kAndNot, excluded.kind);
}

TEST_F(QueryParserTest, EmptyQueryMatchesEverything) {
  EXPECT_EQ(Kind::kAll, Root("").kind);
  EXPECT_EQ(Kind::kAll, Root("   ").kind);
}

TEST_F(QueryParserTest, ToJsonDescribesTheTree) {
  QueryNode root = Root("title:azure -\"machine learning\"");
  const Json expected = Json::parse(R"({
    "op": "and_not",
    "children": [
      {"op": "word", "field": "title", "terms": ["azure"], "exact": false},
      {"op": "phrase", "terms": ["machine", "learning"]}
    ]})");
  EXPECT_EQ(expected, cli::QueryNodeJson(root))
      << cli::QueryNodeJson(root).dump();
}

TEST_F(QueryParserTest, UnbalancedParenthesesAreErrors) {
  ExpectError("(azure pytorch", StatusCode::kInvalidArgument,
              "'(' at position 1 is not closed");
  ExpectError("azure) pytorch", StatusCode::kInvalidArgument,
              "unmatched ')' at position 6");
}

TEST_F(QueryParserTest, MisplacedOperatorsAreErrors) {
  ExpectError("AND azure", StatusCode::kInvalidArgument,
              "AND at position 1 needs something before it");
  ExpectError("azure AND", StatusCode::kInvalidArgument,
              "AND at position 7 needs something after it");
  ExpectError("azure NOT", StatusCode::kInvalidArgument,
              "NOT at position 7 needs something after it");
  ExpectError("azure OR", StatusCode::kInvalidArgument,
              "OR at position 7 needs something after it");
  ExpectError("NEAR azure", StatusCode::kInvalidArgument,
              "NEAR at position 1 needs something before it");
}

TEST_F(QueryParserTest, BadRangeValuesAreErrors) {
  ExpectError("date:bogus", StatusCode::kInvalidArgument,
              "'bogus' is not a date");
  ExpectError("date:2022-13", StatusCode::kInvalidArgument, "is not a date");
  ExpectError("quality:abc", StatusCode::kInvalidArgument,
              "'abc' is not a number");
  ExpectError("quality:90..10", StatusCode::kInvalidArgument,
              "the range is empty");
  ExpectError("heat:..", StatusCode::kInvalidArgument,
              "range needs at least one bound");
}

TEST_F(QueryParserTest, BadWordsAreErrors) {
  ExpectError("azure NEAR/0 pytorch", StatusCode::kInvalidArgument,
              "NEAR/n needs a number from 1 to 1000");
  ExpectError("azure NEAR/x pytorch", StatusCode::kInvalidArgument,
              "NEAR/n needs a number");
  ExpectError("gpt-4*", StatusCode::kInvalidArgument,
              "wildcard 'gpt-4*' must be one word");
  ExpectError("azure \xff\xfe", StatusCode::kInvalidArgument,
              "not valid UTF-8");
  ExpectError("title:", StatusCode::kInvalidArgument, "'title:' needs a value");
}

TEST_F(QueryParserTest, LongQueryExceedsTheLengthLimit) {
  QueryOptions options;
  options.limits.max_length = 20;
  auto at_limit = parser_->Parse(std::string(20, 'a'), options);
  EXPECT_TRUE(at_limit.ok()) << at_limit.error().ToString();
  ExpectError("azure pytorch kubernetes", StatusCode::kLimitExceeded,
              "the limit is 20", options);
}

TEST_F(QueryParserTest, DeepNestingExceedsTheDepthLimit) {
  const std::string deep =
      std::string(40, '(') + "azure" + std::string(40, ')');
  ExpectError(deep, StatusCode::kLimitExceeded, "deeper than 32");

  const std::string ok = std::string(32, '(') + "azure" + std::string(32, ')');
  ExpectWord(Root(ok), "azure", false);
}

TEST_F(QueryParserTest, TooManyClausesExceedTheLimit) {
  QueryOptions options;
  options.limits.max_clauses = 3;
  auto three = parser_->Parse("azure aws gcp", options);
  EXPECT_TRUE(three.ok()) << three.error().ToString();
  ExpectError("azure aws gcp oracle", StatusCode::kLimitExceeded,
              "more than 3 clauses", options);
}

TEST_F(QueryParserTest, AWordSearchesTheOneFreeTextSpace) {
  using Q = Xapian::Query;
  // One posting list per word: the stem in the unprefixed space.
  EXPECT_EQ(Q("Zazur").get_description(),
            parser_->ToXapian(Root("azure"), QueryLimits()).get_description());
  EXPECT_EQ(
      Q("running").get_description(),
      parser_->ToXapian(Root("=running"), QueryLimits()).get_description());
  // A field's word: scored in the free-text space, selected by the field's
  // own (weightless) terms.
  EXPECT_EQ(
      Q(Q::OP_FILTER, Q("Zazur"), Q("ZSazur")).get_description(),
      parser_->ToXapian(Root("title:azure"), QueryLimits()).get_description());
  // A field outside the free-text space (provider) only selects.
  EXPECT_EQ(Q(Q::OP_SCALE_WEIGHT, Q("ZXPNmicrosoft"), 0.0).get_description(),
            parser_->ToXapian(Root("provider:microsoft"), QueryLimits())
                .get_description());
}

TEST_F(QueryParserTest, ToXapianUsesUnstemmedTermsForExactForms) {
  const std::string exact =
      parser_->ToXapian(Root("title:=running"), QueryLimits())
          .get_description();
  EXPECT_NE(std::string::npos, exact.find("Srunning")) << exact;
  EXPECT_EQ(std::string::npos, exact.find("ZS")) << exact;
  EXPECT_EQ(std::string::npos, exact.find("XE")) << exact;

  const std::string phrase =
      parser_->ToXapian(Root("title:\"machine learning\""), QueryLimits())
          .get_description();
  EXPECT_NE(std::string::npos, phrase.find("machine PHRASE 2 learning"))
      << phrase;
  EXPECT_NE(std::string::npos, phrase.find("Smachine PHRASE 2 Slearning"))
      << phrase;

  const std::string filter =
      parser_->ToXapian(Root("type:article"), QueryLimits()).get_description();
  EXPECT_NE(std::string::npos, filter.find("XYarticle")) << filter;
}

// The strict tiers block-max matching can run (StrictConjunction): words
// without a text field at weight 1, and parts that weigh nothing, under
// ANDs; the terms are those ToXapian gives the words.
TEST_F(QueryParserTest, StrictConjunctionsAreWordsAndFilters) {
  using Q = Xapian::Query;
  auto conjunction = [&](const std::string& text,
                         MatchMode match = MatchMode::kRelaxed) {
    return parser_->StrictConjunction(Root(text, match), QueryLimits());
  };
  auto terms = [&](const std::string& text,
                   MatchMode match = MatchMode::kRelaxed) {
    const auto c = conjunction(text, match);
    return c ? c->terms : std::vector<std::string>{"(none)"};
  };
  const std::vector<std::string> two = {"Zazur", "Zpytorch"};
  EXPECT_EQ(two, terms("azure pytorch"));
  EXPECT_EQ(two, terms("azure pytorch", MatchMode::kAll));
  EXPECT_EQ(two, terms("+azure pytorch"));
  EXPECT_EQ(two, terms("azure AND pytorch"));
  EXPECT_EQ((std::vector<std::string>{"Zazur", "Zazur"}), terms("azure azure"));
  EXPECT_EQ(std::vector<std::string>{"azure"}, terms("=azure"));

  const auto filtered = conjunction(
      "azure site:x.com date:2024.. provider:microsoft type:article pytorch");
  ASSERT_TRUE(filtered.has_value());
  EXPECT_EQ(two, filtered->terms);
  // Each filter is the query ToXapian gives its node: it weighs nothing.
  std::set<std::string> filters;
  for (const Q& f : filtered->filters) filters.insert(f.get_description());
  EXPECT_EQ(4u, filters.size());
  EXPECT_EQ(1u, filters.count("Query(0 * XHx.com)"));
  EXPECT_EQ(1u, filters.count("Query(0 * XYarticle)"));
  EXPECT_EQ(1u, filters.count("Query(0 * ZXPNmicrosoft)"));
  EXPECT_EQ(1u, std::count_if(
                    filtered->filters.begin(), filtered->filters.end(),
                    [](const Q& f) { return f.get_type() == Q::OP_VALUE_GE; }));

  // Anything else that weighs, or that is not an AND.
  for (const char* other :
       {"azure OR pytorch", "azure -pytorch", "\"azure pytorch\"",
        "azure pyto*", "azure NEAR pytorch", "title:azure pytorch",
        "topic:azure pytorch", "(azure OR aws) pytorch", "site:x.com",
        "date:2024.."})
    EXPECT_FALSE(conjunction(other).has_value()) << other;
  EXPECT_FALSE(conjunction("azure pytorch", MatchMode::kAny).has_value());
  // The minor words' OR weighs less.
  EXPECT_FALSE(
      conjunction("how to deploy azure kubernetes with pytorch").has_value());
}

// Plain words relax by default: one kWords node, AND in the strict tier and
// OR in the relaxed one; +words stay required in both.
TEST_F(QueryParserTest, PlainWordsRelaxByDefault) {
  using Q = Xapian::Query;
  const QueryNode root = Root("azure pytorch", MatchMode::kRelaxed);
  ASSERT_EQ(Kind::kWords, root.kind);
  ASSERT_EQ(2u, root.children.size());
  EXPECT_EQ("words", cli::QueryNodeJson(root)["op"]);
  EXPECT_TRUE(QueryParser::Relaxable(root));
  const std::vector<Q> words = {Q("Zazur"), Q("Zpytorch")};
  EXPECT_EQ(
      Q(Q::OP_AND, words.begin(), words.end()).get_description(),
      parser_->ToXapian(root, QueryLimits(), Tier::kStrict).get_description());
  EXPECT_EQ(
      Q(Q::OP_OR, words.begin(), words.end()).get_description(),
      parser_->ToXapian(root, QueryLimits(), Tier::kRelaxed).get_description());
  const auto optional = parser_->OptionalWords(root, QueryLimits());
  ASSERT_EQ(2u, optional.size());
  EXPECT_EQ("azure", optional[0].first);
  EXPECT_EQ(std::vector<std::string>{"Zazur"}, optional[0].second);

  const QueryNode plus = Root("+azure pytorch openai", MatchMode::kRelaxed);
  ASSERT_EQ(Kind::kAnd, plus.kind);
  ExpectWord(plus.children[0], "azure", false);
  EXPECT_EQ(Kind::kWords, plus.children[1].kind);
  EXPECT_EQ(2u, parser_->OptionalWords(plus, QueryLimits()).size());

  // One word, --all, --any, or OR between the words: nothing to relax.
  EXPECT_FALSE(QueryParser::Relaxable(Root("azure", MatchMode::kRelaxed)));
  EXPECT_FALSE(QueryParser::Relaxable(Root("azure pytorch")));
  EXPECT_FALSE(QueryParser::Relaxable(Root("azure pytorch", MatchMode::kAny)));
  EXPECT_FALSE(
      QueryParser::Relaxable(Root("azure OR pytorch", MatchMode::kRelaxed)));
  // Words excluded with - never become optional, nor relax.
  const QueryNode minus = Root("azure pytorch -aws", MatchMode::kRelaxed);
  ASSERT_EQ(Kind::kAndNot, minus.kind);
  EXPECT_EQ(2u, parser_->OptionalWords(minus, QueryLimits()).size());
  const QueryNode group = Root("azure -(pytorch openai)", MatchMode::kRelaxed);
  EXPECT_EQ(Kind::kAndNot, group.kind);
  EXPECT_EQ(Kind::kAndNot,
            Root("azure NOT (pytorch openai)", MatchMode::kRelaxed).kind);
  EXPECT_FALSE(QueryParser::Relaxable(group));
  const std::vector<Q> both = {Q("Zpytorch"), Q("Zopenai")};
  EXPECT_EQ(Q(Q::OP_AND_NOT, Q("Zazur"), Q(Q::OP_AND, both.begin(), both.end()))
                .get_description(),
            parser_->ToXapian(group, QueryLimits(), Tier::kRelaxed)
                .get_description());
}

// What BM25 weighs: the free-text terms of words, phrases and wildcards
// (a searched field's word too), not filters, ranges or excluded words.
TEST_F(QueryParserTest, ScoredLeavesAreWhatBm25Weighs) {
  const QueryNode root = Root(
      "azure \"machine learning\" kube* title:gallery topic:\"Power Apps\" "
      "-windows date:2021..2022");
  std::vector<std::string> terms;
  std::vector<size_t> expansions;
  for (const ScoredLeaf& leaf : parser_->ScoredLeaves(root, QueryLimits())) {
    terms.push_back(leaf.term);
    expansions.push_back(leaf.expansion);
  }
  EXPECT_EQ((std::vector<std::string>{"Zazur", "machine", "learning", "kube",
                                      "Zgalleri"}),
            terms);
  EXPECT_EQ((std::vector<size_t>{0, 0, 0, QueryLimits().max_wildcard, 0}),
            expansions);
}

}  // namespace
}  // namespace searcher
}  // namespace nsearch
