#include "searcher/suggest.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "common/analyzer.h"

namespace nsearch::searcher {
namespace {

std::vector<std::string> Words(const std::vector<Completion>& completions) {
  std::vector<std::string> out;
  for (const auto& c : completions) out.push_back(c.word);
  return out;
}

class SuggestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto analyzer = Analyzer::Create({"english", "english"});
    ASSERT_TRUE(analyzer.ok());
    analyzer_ = std::move(analyzer).value();
    db_ = Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
  }

  // `n` documents with these words (and a prefixed term that must never
  // be offered).
  void Add(const std::vector<std::string>& words, int n) {
    for (int i = 0; i < n; ++i) {
      Xapian::Document doc;
      for (const auto& w : words) doc.add_term(w);
      doc.add_term("Kse");
      db_.add_document(doc);
    }
  }

  std::unique_ptr<Analyzer> analyzer_;
  Xapian::WritableDatabase db_;
};

TEST_F(SuggestTest, SplitsTheWordBeingTyped) {
  TypedText t = SplitTypedWord(*analyzer_, "Azure Sent");
  EXPECT_EQ("Azure ", t.context);
  EXPECT_EQ("sent", t.prefix);
  t = SplitTypedWord(*analyzer_, "azure ");
  EXPECT_EQ("azure ", t.context);
  EXPECT_EQ("", t.prefix);
  t = SplitTypedWord(*analyzer_, "kube");
  EXPECT_EQ("", t.context);
  EXPECT_EQ("kube", t.prefix);
  EXPECT_TRUE(t.words.empty());
  // Half-typed syntax is words.
  t = SplitTypedWord(*analyzer_, "(Azure OR title:\"sent");
  EXPECT_EQ("sent", t.prefix);
  EXPECT_EQ((std::vector<std::string>{"azure", "or", "title"}), t.words);
}

TEST_F(SuggestTest, CompletionsAreTheMostFrequentWordsWithThePrefix) {
  Add({"sentiment"}, 5);
  Add({"sentinel"}, 3);
  Add({"sent"}, 3);
  Add({"seattle"}, 9);
  EXPECT_EQ((std::vector<std::string>{"sentiment", "sent", "sentinel"}),
            Words(FrequentCompletions(db_, "sent", 10)));
  EXPECT_EQ((std::vector<std::string>{"sentiment"}),
            Words(FrequentCompletions(db_, "sent", 1)));
  EXPECT_TRUE(FrequentCompletions(db_, "", 10).empty());
  EXPECT_TRUE(FrequentCompletions(db_, "zz", 10).empty());
}

TEST_F(SuggestTest, ContextReranksAndDropsCompletionsItNeverHas) {
  Add({"azure", "sentinel"}, 3);
  Add({"azure", "sentiment"}, 1);
  Add({"sentiment"}, 10);
  Add({"sentence"}, 4);
  const auto ranked =
      RankInContext(db_, Xapian::Query("azure"),
                    FrequentCompletions(db_, "sent", kContextCandidates), 10);
  ASSERT_EQ((std::vector<std::string>{"sentinel", "sentiment"}), Words(ranked));
  EXPECT_EQ(3u, ranked[0].documents);
  EXPECT_EQ(1u, ranked[1].documents);
}

TEST_F(SuggestTest, RequestsHaveBounds) {
  SuggestRequest r;
  r.text = "azure";
  EXPECT_TRUE(ValidateSuggestRequest(r).ok());
  r.limit = kMaxSuggestLimit + 1;
  EXPECT_EQ(StatusCode::kInvalidArgument, ValidateSuggestRequest(r).code());
  r.limit = 5;
  r.completions = kMaxSuggestCompletions + 1;
  EXPECT_EQ(StatusCode::kInvalidArgument, ValidateSuggestRequest(r).code());
  r.completions = 5;
  r.text = "  ";
  EXPECT_EQ(StatusCode::kInvalidArgument, ValidateSuggestRequest(r).code());
}

}  // namespace
}  // namespace nsearch::searcher
