#include "searcher/spelling.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "common/analyzer.h"

namespace nsearch::searcher {
namespace {

// An in-memory vocabulary: each word in `docs` documents (unprefixed, as
// the free-text space keeps them), plus its "Z" stem.
class SpellingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto analyzer = Analyzer::Create({"english", "english"});
    ASSERT_TRUE(analyzer.ok());
    analyzer_ = std::move(analyzer).value();
    db_ = Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
  }

  void Add(const std::string& word, int docs) {
    for (int i = 0; i < docs; ++i) {
      Xapian::Document doc;
      doc.add_term(word);
      doc.add_term("Z" + analyzer_->Stem(word));
      db_.add_document(doc);
    }
  }

  std::optional<std::string> Correct(const std::string& word) {
    return CorrectWord(db_, *analyzer_, word);
  }

  std::unique_ptr<Analyzer> analyzer_;
  Xapian::WritableDatabase db_;
};

TEST_F(SpellingTest, FixesEveryKindOfEditAnywhereIncludingTheFirstLetter) {
  Add("azure", 5);
  Add("pricing", 3);
  Add("kubernetes", 2);
  Add("sentinel", 2);
  EXPECT_EQ("azure", Correct("azrue"));             // swap
  EXPECT_EQ("azure", Correct("zaure"));             // swap of the first two
  EXPECT_EQ("pricing", Correct("pricng"));          // missing letter
  EXPECT_EQ("pricing", Correct("ricing"));          // missing first letter
  EXPECT_EQ("kubernetes", Correct("kubernettes"));  // extra letter
  EXPECT_EQ("kubernetes", Correct("xkubernetes"));  // extra first letter
  EXPECT_EQ("sentinel", Correct("sentimel"));       // wrong letter
  EXPECT_EQ("sentinel", Correct("fentinel"));       // wrong first letter
}

TEST_F(SpellingTest, TwoEditsOnlyForLongWordsOfAboutTheSameLength) {
  Add("done", 50);
  Add("kubernetes", 2);
  Add("deployment", 3);
  EXPECT_EQ(std::nullopt, Correct("dotnet"));       // done: 2 shorter
  EXPECT_EQ("kubernetes", Correct("kuberentse"));   // two swaps
  EXPECT_EQ("deployment", Correct("deplyoments"));  // swap + extra
  EXPECT_EQ(std::nullopt, Correct("dpeloyemtn"));   // three edits
}

TEST_F(SpellingTest, PrefersTheMoreFrequentNeighbour) {
  Add("cloud", 10);
  Add("clout", 1);
  EXPECT_EQ("cloud", Correct("clous"));
}

TEST_F(SpellingTest, NeverCorrectsKnownWordsDigitsOrSymbols) {
  Add("get", 50);
  Add("kms", 50);
  Add("don't", 50);
  Add("dotnet", 1);
  Add("pricing", 3);
  EXPECT_EQ(std::nullopt, Correct("dotnet"));    // In the index.
  EXPECT_EQ(std::nullopt, Correct("pricings"));  // Its stem is.
  EXPECT_EQ(std::nullopt, Correct("k8s"));       // Digits.
  EXPECT_EQ(std::nullopt, Correct("gpt-4"));     // Not a plain word.
  EXPECT_EQ(std::nullopt, Correct("c++"));
  EXPECT_EQ(std::nullopt, Correct("ge"));      // Too short.
  EXPECT_EQ(std::nullopt, Correct("qqqqqq"));  // No neighbour.
}

TEST_F(SpellingTest, CorrectsWordsWhereTheyStand) {
  Add("cosmos", 4);
  Add("pricing", 3);
  ParsedQuery parsed;
  parsed.root.kind = QueryNode::Kind::kWords;
  for (const char* w : {"Cosmos", "pricng"}) {
    QueryNode word;
    word.kind = QueryNode::Kind::kWord;
    word.terms = {analyzer_->NormalizeValue(w)};
    parsed.root.children.push_back(word);
  }
  EXPECT_EQ("Cosmos  pricing!",
            CorrectQuery(db_, *analyzer_, "Cosmos  pricng!", parsed));
  parsed.root.children.pop_back();
  EXPECT_EQ(std::nullopt, CorrectQuery(db_, *analyzer_, "Cosmos", parsed));
}

TEST(EditDistanceTest, CountsTranspositionsAsOneEdit) {
  EXPECT_EQ(1u, EditDistance("azure", "azrue", 2));
  EXPECT_EQ(1u, EditDistance("pricing", "pricng", 2));
  EXPECT_EQ(3u, EditDistance("abc", "xyz", 2));  // limit + 1
}

}  // namespace
}  // namespace nsearch::searcher
