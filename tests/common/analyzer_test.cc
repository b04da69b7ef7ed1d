#include "common/analyzer.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/status.h"

namespace nsearch {
namespace {

class AnalyzerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = Analyzer::Create(AnalyzerOptions());
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    analyzer_ = std::move(created).value();
  }

  std::vector<Token> Tokens(const std::string& text) {
    std::vector<Token> tokens;
    analyzer_->Tokenize(text,
                        [&tokens](const Token& t) { tokens.push_back(t); });
    return tokens;
  }

  std::vector<std::string> Terms(const std::string& text) {
    std::vector<std::string> terms;
    for (const Token& t : Tokens(text)) terms.push_back(t.term);
    return terms;
  }

  std::unique_ptr<Analyzer> analyzer_;
};

struct TermCase {
  const char* input;
  std::vector<std::string> terms;
};

TEST_F(AnalyzerTest, ProducesExpectedTerms) {
  const std::vector<TermCase> cases = {
      // Case folding.
      {"Hello WORLD", {"hello", "world"}},
      // Accents removed from Latin letters.
      {"Café", {"cafe"}},
      {"José Müller", {"jose", "muller"}},
      {"naïve", {"naive"}},
      // Curly and straight apostrophes join and become '.
      {"What’s new", {"what's", "new"}},
      {"What's new", {"what's", "new"}},
      // NFKC: full-width letters and ligatures.
      {"ＡＢＣ", {"abc"}},
      {"ﬁle", {"file"}},
      // Names with symbols.
      {"C++ and C#", {"c++", "and", "c#"}},
      {".NET 8", {".net", "8"}},
      {"What’s new in .NET 8", {"what's", "new", "in", ".net", "8"}},
      {"GPT-4", {"gpt", "4"}},
      {"Node.js", {"node.js"}},
      {"x86_64", {"x86_64"}},
      // E-mail addresses and URLs split on @ / : but keep dotted names.
      {"jane.doe@example.com", {"jane.doe", "example.com"}},
      {"https://nodejs.org/en/blog", {"https", "nodejs.org", "en", "blog"}},
      // A sentence-ending dot is not part of the token.
      {"Visit example.com.", {"visit", "example.com"}},
      {"I like C++.", {"i", "like", "c++"}},
      // Numbers.
      {"pi is 3.14", {"pi", "is", "3.14"}},
      // Dashes and other punctuation split.
      {"cloud—native, (serverless)!", {"cloud", "native", "serverless"}},
  };
  for (const TermCase& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(c.terms, Terms(c.input));
  }
}

TEST_F(AnalyzerTest, ReportsByteOffsetsAndIndexes) {
  // "é" is two bytes, so "Café" spans bytes [7, 12).
  const std::vector<Token> tokens = Tokens("Hello, Café World");
  ASSERT_EQ(3u, tokens.size());
  EXPECT_EQ("hello", tokens[0].term);
  EXPECT_EQ(0u, tokens[0].begin);
  EXPECT_EQ(5u, tokens[0].end);
  EXPECT_EQ(0u, tokens[0].index);
  EXPECT_EQ("cafe", tokens[1].term);
  EXPECT_EQ(7u, tokens[1].begin);
  EXPECT_EQ(12u, tokens[1].end);
  EXPECT_EQ(1u, tokens[1].index);
  EXPECT_EQ("world", tokens[2].term);
  EXPECT_EQ(13u, tokens[2].begin);
  EXPECT_EQ(18u, tokens[2].end);
  EXPECT_EQ(2u, tokens[2].index);
}

TEST_F(AnalyzerTest, OffsetsCoverSymbolSuffixes) {
  const std::vector<Token> tokens = Tokens("use C++ now");
  ASSERT_EQ(3u, tokens.size());
  EXPECT_EQ("c++", tokens[1].term);
  EXPECT_EQ(4u, tokens[1].begin);
  EXPECT_EQ(7u, tokens[1].end);
  EXPECT_EQ(1u, tokens[1].index);
}

TEST_F(AnalyzerTest, SegmentsJapanese) {
  const std::string text = "機械学習入門";
  const std::vector<Token> tokens = Tokens(text);
  ASSERT_GE(tokens.size(), 2u);
  // The words cover the whole run, in order, without gaps.
  std::string joined;
  size_t expected_begin = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(i, tokens[i].index);
    EXPECT_EQ(expected_begin, tokens[i].begin);
    EXPECT_EQ(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin),
              tokens[i].term);
    expected_begin = tokens[i].end;
    joined += tokens[i].term;
  }
  EXPECT_EQ(text.size(), expected_begin);
  EXPECT_EQ(text, joined);
}

TEST_F(AnalyzerTest, SegmentsMixedLatinAndJapanese) {
  const std::vector<std::string> terms = Terms("Azure 機械学習 入門");
  ASSERT_GE(terms.size(), 3u);
  EXPECT_EQ("azure", terms[0]);
  std::string joined;
  for (size_t i = 1; i < terms.size(); ++i) joined += terms[i];
  EXPECT_EQ("機械学習入門", joined);
}

TEST_F(AnalyzerTest, SegmentsChinese) {
  const std::vector<std::string> terms = Terms("微软在亚洲推出人工智能服务");
  ASSERT_GE(terms.size(), 2u);
  std::string joined;
  for (const std::string& t : terms) joined += t;
  EXPECT_EQ("微软在亚洲推出人工智能服务", joined);
}

TEST_F(AnalyzerTest, SegmentsThai) {
  const std::vector<std::string> terms = Terms("สวัสดีครับ");
  ASSERT_GE(terms.size(), 2u);
  std::string joined;
  for (const std::string& t : terms) joined += t;
  EXPECT_EQ("สวัสดีครับ", joined);
}

TEST_F(AnalyzerTest, EmptyAndWhitespaceGiveNoTokens) {
  EXPECT_TRUE(Tokens("").empty());
  EXPECT_TRUE(Tokens("   \t\r\n  ").empty());
  EXPECT_TRUE(Tokens("--- ... !!! ///").empty());
}

TEST_F(AnalyzerTest, SkipsInvalidUtf8) {
  EXPECT_EQ((std::vector<std::string>{"abc", "def"}), Terms("abc\xFF\xFE"
                                                            "def"));
  EXPECT_EQ((std::vector<std::string>{"abc"}), Terms("abc \xC3"));
  EXPECT_EQ((std::vector<std::string>{"ok"}),
            Terms("\xED\xA0\x80 ok \x80\x80"));
}

TEST_F(AnalyzerTest, DropsTermsLongerThanLimit) {
  const std::string longest(Analyzer::kMaxTermBytes, 'a');
  const std::string too_long(Analyzer::kMaxTermBytes + 1, 'b');
  EXPECT_EQ((std::vector<std::string>{longest, "x"}),
            Terms(longest + " " + too_long + " x"));
  // Indexes stay consecutive when a token is dropped.
  const std::vector<Token> tokens = Tokens(too_long + " x");
  ASSERT_EQ(1u, tokens.size());
  EXPECT_EQ(0u, tokens[0].index);
}

TEST_F(AnalyzerTest, KeepsStopwordsInTokens) {
  EXPECT_EQ((std::vector<std::string>{"the", "verge"}), Terms("The Verge"));
}

TEST_F(AnalyzerTest, StemsEnglish) {
  EXPECT_TRUE(analyzer_->stemming());
  EXPECT_EQ("run", analyzer_->Stem("running"));
  EXPECT_EQ(analyzer_->Stem("collaborations"),
            analyzer_->Stem("collaboration"));
  EXPECT_NE("collaboration", analyzer_->Stem("collaboration"));
}

TEST_F(AnalyzerTest, FlagsStopwords) {
  EXPECT_TRUE(analyzer_->IsStopword("the"));
  EXPECT_TRUE(analyzer_->IsStopword("and"));
  EXPECT_FALSE(analyzer_->IsStopword("azure"));
  EXPECT_FALSE(analyzer_->IsStopword("The"));  // Terms are normalized first.
}

TEST_F(AnalyzerTest, NormalizesWholeValues) {
  EXPECT_EQ("machine learning",
            analyzer_->NormalizeValue("  Machine   Learning "));
  EXPECT_EQ("cafe", analyzer_->NormalizeValue("Café"));
  EXPECT_EQ("what's new", analyzer_->NormalizeValue("What’s\tNew"));
  EXPECT_EQ("c++", analyzer_->NormalizeValue("C++"));
  EXPECT_EQ("", analyzer_->NormalizeValue(" \n "));
}

TEST_F(AnalyzerTest, RejectsUnknownStemmer) {
  AnalyzerOptions options;
  options.stemmer = "klingon";
  auto created = Analyzer::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, created.error().code());
  EXPECT_NE(std::string::npos, created.error().message().find("klingon"));
}

TEST_F(AnalyzerTest, RejectsUnknownStopwordList) {
  AnalyzerOptions options;
  options.stopwords = "klingon";
  auto created = Analyzer::Create(options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, created.error().code());
}

TEST_F(AnalyzerTest, NoStemmerAndNoStopwords) {
  AnalyzerOptions options;
  options.stemmer = "none";
  options.stopwords = "none";
  auto created = Analyzer::Create(options);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  Analyzer& analyzer = **created;
  EXPECT_FALSE(analyzer.stemming());
  EXPECT_EQ("running", analyzer.Stem("running"));
  EXPECT_FALSE(analyzer.IsStopword("the"));
}

}  // namespace
}  // namespace nsearch
