// Indexes the real corpora in ../shared/corpus/ (skipped when absent): every
// file is either indexed or rejected with a reason, and documents are found
// at rank 1-3 by a phrase query of their own title.

#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "common/index_meta.h"
#include "indexer/indexer.h"
#include "indexer/walker.h"
#include "searcher/searcher.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace {

class CorpusTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    corpus_ = testing::SharedCorpusDir();
    if (corpus_.empty())
      GTEST_SKIP() << "../shared/corpus/ is absent; skipping";
    root_ = corpus_ + "/" + GetParam();
    if (!std::filesystem::is_directory(root_))
      GTEST_SKIP() << root_ << " is absent; skipping";
  }

  std::string corpus_;
  std::string root_;
};

TEST_P(CorpusTest, EveryFileIsIndexedOrRejectedWithAReason) {
  testing::TempDir dir;
  indexer::IndexOptions options;
  options.index_path = dir.path() + "/ix";
  options.roots = {root_};
  auto summary = indexer::RunIndex(options);
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();

  std::vector<std::pair<std::string, std::string>> problems;
  auto files = indexer::ListContentFiles({root_}, &problems);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(summary->files, files->size());
  EXPECT_EQ(summary->added + summary->rejected, files->size());
  EXPECT_EQ(summary->documents, summary->added);
  for (const auto& r : summary->rejected_files) {
    EXPECT_FALSE(r.reason.empty()) << r.path;
    std::cout << "[ rejected ] " << r.path << ": " << r.reason << "\n";
  }
  std::cout << "[ corpus   ] " << GetParam() << ": " << summary->files
            << " files, " << summary->added << " indexed, " << summary->rejected
            << " rejected, " << summary->seconds << " s\n";
}

TEST_P(CorpusTest, DocumentsAreFoundByTheirOwnTitleAsAPhrase) {
  testing::TempDir dir;
  indexer::IndexOptions options;
  options.index_path = dir.path() + "/ix";
  options.roots = {root_};
  ASSERT_TRUE(indexer::RunIndex(options).ok());
  auto searcher = searcher::Searcher::Open(options.index_path);
  ASSERT_TRUE(searcher.ok()) << searcher.error().ToString();

  Xapian::Database db(options.index_path);
  size_t checked = 0;
  // Every 20th document, in docid order: deterministic and spread out.
  for (Xapian::docid id = 1; id <= db.get_lastdocid(); id += 20) {
    const StoredRecord data = ReadStoredRecord(db.get_document(id));
    const std::string& title = data.title;
    std::string phrase;
    for (char c : title) phrase += (c == '"' ? ' ' : c);
    searcher::SearchRequest request;
    request.query = "\"" + phrase + "\"";
    request.limit = 3;
    auto result = (*searcher)->Search(request);
    ASSERT_TRUE(result.ok())
        << request.query << ": " << result.error().ToString();
    bool found = false;
    bool all_same_title = !result->hits.empty();
    for (const searcher::Hit& hit : result->hits) {
      found = found || hit.document.id == data.id;
      all_same_title = all_same_title && hit.document.title == title;
    }
    // Several copies of one story may share a title and fill the top 3.
    EXPECT_TRUE(found || (all_same_title && result->total.estimated > 3))
        << "not in the top 3: " << request.query << " (" << data.path << ")";
    ++checked;
  }
  EXPECT_GT(checked, 20u);
}

// Whether `text` holds an HTML tag (`<p`, `</p`, `<a href=…>`: `<`, an
// optional `/`, a letter, then a `>` before any other `<`) or an entity
// (`&amp;`, `&#8217;`, `&#x2019;`). No <regex>: GCC 12 warns inside it
// under the sanitizers.
bool HasTagOrEntity(const std::string& text) {
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i] == '<') {
      const size_t name = i + 1 + (text[i + 1] == '/');
      if (name < text.size() &&
          std::isalpha(static_cast<unsigned char>(text[name]))) {
        const size_t close = text.find_first_of("<>", name);
        if (close != std::string::npos && text[close] == '>') return true;
      }
    } else if (text[i] == '&') {
      size_t j = i + 1 + (text[i + 1] == '#');
      if (j < text.size() && text[i + 1] == '#' &&
          (text[j] == 'x' || text[j] == 'X'))
        ++j;
      const size_t start = j;
      while (j < text.size() &&
             std::isalnum(static_cast<unsigned char>(text[j])))
        ++j;
      if (j > start && j < text.size() && text[j] == ';') return true;
    }
  }
  return false;
}

// SPEC §2: no tag, attribute, style or entity reaches what is stored for
// display (and so a snippet): markup in the files is turned into text.
TEST_P(CorpusTest, StoredTextHasNoMarkup) {
  testing::TempDir dir;
  indexer::IndexOptions options;
  options.index_path = dir.path() + "/ix";
  options.roots = {root_};
  ASSERT_TRUE(indexer::RunIndex(options).ok());
  Xapian::Database db(options.index_path);
  size_t checked = 0;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    const StoredRecord data = ReadStoredRecord(db.get_document(*it));
    std::vector<std::string> texts = {data.title, data.excerpt, data.body};
    texts.insert(texts.end(), data.topics.begin(), data.topics.end());
    for (const std::string& text : texts) {
      EXPECT_FALSE(HasTagOrEntity(text)) << data.path << ": " << text;
    }
    ++checked;
  }
  EXPECT_GT(checked, 100u);
}

// SPEC §4: the same story from several outlets shows once, with the other
// outlets listed; and no page shows two copies of one story.
TEST(CorpusStoriesTest, OutletsOfOneStoryShowAsOneHit) {
  const std::string corpus = testing::SharedCorpusDir();
  if (corpus.empty() || !std::filesystem::is_directory(corpus + "/powerapps"))
    GTEST_SKIP() << "../shared/corpus/powerapps is absent; skipping";
  testing::TempDir dir;
  indexer::IndexOptions options;
  options.index_path = dir.path() + "/ix";
  options.roots = {corpus + "/powerapps"};
  ASSERT_TRUE(indexer::RunIndex(options).ok());
  auto searcher = searcher::Searcher::Open(options.index_path);
  ASSERT_TRUE(searcher.ok());
  searcher::SearchRequest request;
  request.query = "\"Microsoft uses GPT-3 to add AI features to Power Apps\"";
  auto result = (*searcher)->Search(request);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(1u, result->hits.size());
  ASSERT_TRUE(result->hits[0].story.has_value());
  const searcher::Story& story = *result->hits[0].story;
  ASSERT_EQ(2u, story.size);
  EXPECT_NE(result->hits[0].document.provider_name,
            story.also.at(0).provider_name);

  for (const char* query : {"power apps", "provance", "gpt-3", "delegation"}) {
    request.query = query;
    request.limit = 50;
    auto page = (*searcher)->Search(request);
    ASSERT_TRUE(page.ok());
    std::set<std::string> ids;
    for (const searcher::Hit& hit : page->hits) {
      EXPECT_TRUE(ids.insert(hit.document.id).second) << query;
      if (!hit.story) continue;
      for (const StoredRecord& copy : hit.story->also)
        EXPECT_TRUE(ids.insert(copy.id).second)
            << query << ": two hits of one story";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SharedCorpus, CorpusTest,
                         ::testing::Values("powerapps", "azure-sample"),
                         [](const auto& param_info) {
                           return param_info.param == "powerapps"
                                      ? std::string("PowerApps")
                                      : std::string("AzureSample");
                         });

}  // namespace
}  // namespace nsearch
