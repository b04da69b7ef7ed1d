// Story keys through full builds, incremental runs, updates and deletes
// (indexer/stories.h), and collapsing on them (SPEC §4).

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <xapian.h>

#include "common/index_layout.h"
#include "common/index_meta.h"
#include "indexer/document_builder.h"
#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "tests/support/test_support.h"

namespace nsearch::indexer {
namespace {

using nsearch::testing::TempDir;

std::string Story(const std::string& title, const std::string& excerpt,
                  const std::string& date, const std::string& url,
                  const std::string& original_url = "") {
  std::string out = "---\ntitle: \"" + title + "\"\nexcerpt: \"" + excerpt +
                    "\"\npublishedDateTime: " + date + "\nwebUrl: " + url +
                    "\n";
  if (!original_url.empty()) out += "originalUrl: " + original_url + "\n";
  return out + "type: article\n---\n";
}

class StoriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A: the first copy. B: another outlet's copy, only linked to A by its
    // original URL. D: a third copy, a day later, with A's title.
    a_ = dir_.Write("site/a.md",
                    Story("Contoso ships a quantum compiler for Azure today",
                          "The compiler targets three backends.",
                          "2024-03-01T09:00:00Z", "https://contoso.com/q"));
    b_ = dir_.Write(
        "site/b.md",
        Story("Rival press picks up quantum news", "A syndicated copy.",
              "2024-03-01T12:00:00Z", "https://press.example/copy",
              "https://contoso.com/q"));
    other_ = dir_.Write(
        "site/other.md",
        Story("Contoso opens an office in Lisbon", "New jobs in Portugal.",
              "2024-03-01T10:00:00Z", "https://contoso.com/lisbon"));
    index_ = dir_.path() + "/index";
    ASSERT_TRUE(Run().ok());
  }

  Result<IndexSummary> Run() {
    IndexOptions options;
    options.index_path = index_;
    options.roots = {dir_.path() + "/site"};
    options.jobs = 2;
    return RunIndex(options);
  }

  std::string KeyOf(const std::string& path) {
    Xapian::Database db(index_);
    const std::string term = DocumentBuilder::IdTerm(DocumentIdForPath(path));
    auto it = db.postlist_begin(term);
    if (it == db.postlist_end(term)) return "(missing)";
    return db.get_document(*it).get_value(7);
  }

  TempDir dir_;
  std::string index_, a_, b_, other_;
};

TEST_F(StoriesTest, AFullBuildJoinsCopies) {
  EXPECT_EQ(KeyOf(a_), KeyOf(b_));
  EXPECT_NE(KeyOf(a_), KeyOf(other_));
  EXPECT_EQ(16u, KeyOf(a_).size());
}

TEST_F(StoriesTest, AnIncrementalRunJoinsANewCopy) {
  const std::string d = dir_.Write(
      "site/d.md", Story("Contoso ships a quantum compiler for Azure today",
                         "Our take on the launch.", "2024-03-02T08:00:00Z",
                         "https://blog.example/take"));
  auto run = Run();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(1u, run->added);
  EXPECT_EQ(KeyOf(a_), KeyOf(d));
  EXPECT_EQ(KeyOf(a_), KeyOf(b_));
}

TEST_F(StoriesTest, DeletingTheFirstCopyDoesNotSplitTheRest) {
  const std::string d = dir_.Write(
      "site/d.md", Story("Contoso ships a quantum compiler for Azure today",
                         "Our take on the launch.", "2024-03-02T08:00:00Z",
                         "https://blog.example/take"));
  ASSERT_TRUE(Run().ok());
  const std::string key = KeyOf(a_);
  // B (by URL) and D (by title) are copies of A, not of each other.
  std::filesystem::remove(a_);
  auto run = Run();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(1u, run->deleted);
  EXPECT_EQ(key, KeyOf(b_));
  EXPECT_EQ(key, KeyOf(d));
}

TEST_F(StoriesTest, AnUpdateThatIsAnotherStoryLeavesIt) {
  const std::string key = KeyOf(a_);
  std::filesystem::last_write_time(
      b_, std::filesystem::last_write_time(b_) - std::chrono::seconds(10));
  dir_.Write("site/b.md",
             Story("Rival press reviews a phone", "Unrelated.",
                   "2024-03-01T12:00:00Z", "https://press.example/phone"));
  auto run = Run();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(1u, run->updated);
  EXPECT_NE(key, KeyOf(b_));
  EXPECT_EQ(key, KeyOf(a_));
}

// A title shared by more than 1,000 documents is boilerplate: its list is
// skipped whole (not read to its first 1,000 postings, which would depend
// on docid order and so on how the index is split into shards).
TEST_F(StoriesTest, CandidateListsOverAThousandAreBoilerplate) {
  for (int i = 0; i < 1001; ++i)
    dir_.Write("site/digest/" + std::to_string(i) + ".md",
               Story("Weekly digest of cloud news for everyone", "Links.",
                     "2024-03-04T09:00:00Z",
                     "https://digest.example/" + std::to_string(i)));
  index_ = dir_.path() + "/fresh";  // A full build.
  ASSERT_TRUE(Run().ok());
  EXPECT_NE(KeyOf(dir_.path() + "/site/digest/0.md"),
            KeyOf(dir_.path() + "/site/digest/1.md"));
  EXPECT_EQ(KeyOf(a_), KeyOf(b_));
}

TEST_F(StoriesTest, QueriesShowOneHitPerStoryWithItsCopies) {
  auto searcher = searcher::Searcher::Open(index_);
  ASSERT_TRUE(searcher.ok());
  searcher::SearchRequest request;
  request.query = "contoso OR quantum OR rival";
  auto stories = (*searcher)->Search(request);
  ASSERT_TRUE(stories.ok());
  ASSERT_EQ(2u, stories->hits.size());  // The quantum story, Lisbon.
  const searcher::Hit& first = stories->hits[0];
  ASSERT_TRUE(first.story.has_value());
  EXPECT_EQ(2u, first.story->size);
  ASSERT_EQ(1u, first.story->also.size());
  EXPECT_NE(first.document.id, first.story->also[0].id);
  EXPECT_EQ(searcher::CollapseMode::kStory, stories->collapse);

  request.collapse = searcher::CollapseMode::kUrl;
  auto urls = (*searcher)->Search(request);
  ASSERT_TRUE(urls.ok());
  EXPECT_EQ(3u, urls->hits.size());
  EXPECT_FALSE(urls->hits[0].story.has_value());
}

}  // namespace
}  // namespace nsearch::indexer
