// Story keys through full builds, incremental runs, updates and deletes
// (indexer/stories.h), and collapsing on them (SPEC §4).

#include "indexer/stories.h"

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

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

  // Adds a copy of A's story (A's title) at `path` and indexes it: it is
  // added, and A, B and it share one key.
  void ExpectAddedCopyJoins(const std::string& path, const std::string& excerpt,
                            const std::string& date, const std::string& url) {
    const std::string copy = dir_.Write(
        path, Story("Contoso ships a quantum compiler for Azure today", excerpt,
                    date, url));
    auto run = Run();
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(1u, run->added);
    EXPECT_EQ(KeyOf(a_), KeyOf(copy));
    EXPECT_EQ(KeyOf(a_), KeyOf(b_));
  }

  TempDir dir_;
  std::string index_, a_, b_, other_;
};

TEST_F(StoriesTest, AFullBuildJoinsCopies) {
  EXPECT_EQ(KeyOf(a_), KeyOf(b_));
  EXPECT_NE(KeyOf(a_), KeyOf(other_));
  EXPECT_EQ(16u, KeyOf(a_).size());
}

// A full build joins its chunks' parts read as one database and stores
// changed keys in the parts, several at a time, before they are merged:
// with a part per file, every copy gets the key of one part, and each
// story's key term lists exactly the documents with that key.
TEST_F(StoriesTest, AFullBuildInManyPartsKeysAsInOne) {
  std::vector<std::string> paths = {a_, b_, other_};
  for (int hour = 13; hour < 17; ++hour) {
    const std::string outlet = "outlet" + std::to_string(hour);
    paths.push_back(
        dir_.Write("site/" + outlet + ".md",
                   Story("Rival press picks up quantum news", "Reprinted.",
                         "2024-03-01T" + std::to_string(hour) + ":00:00Z",
                         "https://" + outlet + ".example/1")));
  }
  index_ = dir_.path() + "/one-part";
  ASSERT_TRUE(Run().ok());
  std::map<std::string, std::string> one;
  for (const std::string& path : paths) one[path] = KeyOf(path);
  ASSERT_EQ(one[a_], one[paths.back()]);  // The test means something.

  index_ = dir_.path() + "/many-parts";
  IndexOptions options;
  options.index_path = index_;
  options.roots = {dir_.path() + "/site"};
  options.jobs = 2;
  options.chunk_files = 1;
  ASSERT_TRUE(RunIndex(options).ok());
  Xapian::Database db(index_);
  for (const std::string& path : paths) {
    const std::string key = KeyOf(path);
    EXPECT_EQ(one[path], key) << path;
    size_t with_key = 0;
    for (const std::string& other : paths) with_key += KeyOf(other) == key;
    EXPECT_EQ(with_key, db.get_termfreq(kStoryKeyPrefix + key)) << path;
  }
}

// A full build reads its candidate lists (ranges of terms) and compares
// candidates (blocks of lists) on its threads: hundreds of stories of
// three copies (well over one block of lists) key the same with one
// thread as with two, and every story's copies share one key.
TEST_F(StoriesTest, ComparisonsOnTwoThreadsKeyAsOnOne) {
  const std::vector<std::string> topics = {
      "quantum compiler", "storage account",    "data gallery",
      "power apps",       "kubernetes cluster", "teams meeting"};
  std::vector<std::vector<std::string>> stories;
  for (int i = 0; i < 180; ++i) {
    const std::string n = std::to_string(i);
    const std::string title = "Contoso story " + n + " ships a new " +
                              topics[i % topics.size()] + " for region " + n;
    std::vector<std::string> copies;
    for (int c = 0; c < 3; ++c) {
      const std::string outlet = "outlet" + std::to_string(c);
      copies.push_back(dir_.Write(
          "many/" + outlet + "/" + n + ".md",
          Story(title + (c == 2 ? " today" : ""),
                "Story " + n + " as told by " + outlet + ": the same news.",
                "2024-03-0" + std::to_string(1 + c) + "T09:00:00Z",
                "https://" + outlet + ".example/" + n)));
    }
    stories.push_back(copies);
  }
  auto keys = [&](unsigned jobs) {
    index_ = dir_.path() + "/jobs" + std::to_string(jobs);
    IndexOptions options;
    options.index_path = index_;
    options.roots = {dir_.path() + "/many"};
    options.jobs = jobs;
    EXPECT_TRUE(RunIndex(options).ok());
    std::map<std::string, std::string> out;
    for (const auto& copies : stories)
      for (const std::string& path : copies) out[path] = KeyOf(path);
    return out;
  };
  const auto one = keys(1);
  EXPECT_EQ(one, keys(2));
  std::set<std::string> distinct;
  for (const auto& copies : stories) {
    for (const std::string& path : copies)
      EXPECT_EQ(one.at(copies[0]), one.at(path)) << path;
    distinct.insert(one.at(copies[0]));
  }
  EXPECT_EQ(stories.size(), distinct.size());
}

// A full build reads the candidate lists in ranges of terms, on its
// threads: every term of a prefix is in exactly one range, whatever
// follows the prefix, and the ranges run in term order.
TEST(HexRangesTest, EveryTermOfThePrefixIsInExactlyOne) {
  const std::vector<TermRange> ranges = HexRanges(kStoryBandPrefix);
  ASSERT_EQ(16u, ranges.size());
  for (size_t i = 1; i < ranges.size(); ++i)
    EXPECT_EQ(ranges[i - 1].to, ranges[i].from);
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 20);
  std::vector<std::string> terms = {kStoryBandPrefix, "XKA",  "XKC",
                                    "XKT0",           "XKB0", "XKBf",
                                    "XKB9~",          "XKBA", "XKBz"};
  for (int i = 0; i < 5000; ++i) {
    std::string t = i % 2 ? kStoryBandPrefix : "";
    for (int n = length(rng); n > 0; --n) t += static_cast<char>(byte(rng));
    terms.push_back(t);
  }
  for (const std::string& t : terms) {
    const bool ours = t.rfind(kStoryBandPrefix, 0) == 0;
    size_t in = 0;
    for (const TermRange& r : ranges) in += r.Contains(t);
    EXPECT_EQ(ours ? 1u : 0u, in) << t;
  }
}

TEST_F(StoriesTest, AnIncrementalRunJoinsANewCopy) {
  ExpectAddedCopyJoins("site/d.md", "Our take on the launch.",
                       "2024-03-02T08:00:00Z", "https://blog.example/take");
}

// A copy published before every copy already indexed (a site's archive
// added later) joins their story rather than starting its own.
TEST_F(StoriesTest, AnIncrementalRunJoinsACopyEarlierThanTheStory) {
  ExpectAddedCopyJoins("site/e.md", "An early report.", "2024-02-29T08:00:00Z",
                       "https://early.example/report");
}

// The first copy, changed (its own key is a hash of its content), stays in
// the story its copies still carry.
TEST_F(StoriesTest, AChangedFirstCopyStaysInItsStory) {
  const std::string key = KeyOf(a_);
  ASSERT_EQ(key, KeyOf(b_));
  std::filesystem::last_write_time(
      a_, std::filesystem::last_write_time(a_) - std::chrono::seconds(10));
  dir_.Write("site/a.md",
             Story("Contoso ships a quantum compiler for Azure today",
                   "The compiler targets three backends, and a simulator.",
                   "2024-03-01T09:00:00Z", "https://contoso.com/q"));
  auto run = Run();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(1u, run->updated);
  EXPECT_EQ(key, KeyOf(a_));
  EXPECT_EQ(key, KeyOf(b_));
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

// `index --shard K/N` joins its own documents with the other shards'
// held in memory: every shard gives its documents the keys one index of
// the tree gives them. Copies chain across shards (a URL, then a title,
// then a title), four pairs need their texts compared (titles alike at
// one end), and a title list is over 1,000 only when all shards count.
TEST_F(StoriesTest, EachShardBuiltAloneKeysItsDocumentsAsOneIndex) {
  std::vector<std::string> paths = {a_, b_, other_};
  auto write = [&](const std::string& name, const std::string& text) {
    paths.push_back(dir_.Write("site/" + name + ".md", text));
  };
  write("c", Story("Rival press picks up quantum news", "Reprinted.",
                   "2024-03-01T13:00:00Z", "https://c.example/1"));
  write("d", Story("Rival press picks up quantum news", "Again.",
                   "2024-03-01T14:00:00Z", "https://d.example/1"));
  // Pairs whose titles differ in the last word: their texts are compared.
  // Ids hash whole paths, so the split changes from run to run; with four
  // pairs, one at least is split across shards in all but 0.4% of runs.
  const std::vector<std::string> companies = {"Fabrikam", "Contoso",
                                              "Northwind", "Tailspin"};
  for (size_t i = 0; i < companies.size(); ++i) {
    const std::string title =
        companies[i] + " launches a new analytics suite for retail ";
    const std::string excerpt = "The suite reads sales and stock data from " +
                                companies[i] + " stores every hour.";
    const std::string day = "2024-03-0" + std::to_string(i + 2);
    for (const char* end : {"stores", "shops"})
      write(companies[i] + "-" + end,
            Story(title + end, excerpt, day + "T09:00:00Z",
                  "https://" + companies[i] + ".example/" + end));
  }
  // Rejected (a NUL byte in its body), it joins no story in any shard,
  // though it would be the earliest copy of c and d.
  const std::string rejected = dir_.Write(
      "site/rejected.md", Story("Rival press picks up quantum news", "Early.",
                                "2024-03-01T08:00:00Z", "https://r.example/1") +
                              std::string("body\0more\n", 10));
  for (int i = 0; i < 1001; ++i)
    write("digest/" + std::to_string(i),
          Story("Weekly digest of cloud news for everyone", "Links.",
                "2024-03-04T09:00:00Z",
                "https://digest.example/" + std::to_string(i)));
  index_ = dir_.path() + "/whole";
  ASSERT_TRUE(Run().ok());
  std::map<std::string, std::string> whole;
  for (const std::string& path : paths) whole[path] = KeyOf(path);
  // The test means something: the chain, the pair and no digest join.
  EXPECT_EQ(whole[a_], whole[paths[4]]);
  for (size_t i = 5; i < 13; i += 2)
    EXPECT_EQ(whole[paths[i]], whole[paths[i + 1]]);
  EXPECT_NE(whole[paths[5]], whole[paths[7]]);
  EXPECT_NE(whole[paths[13]], whole[paths[14]]);
  EXPECT_EQ("(missing)", KeyOf(rejected));

  std::map<std::string, int> found;
  for (unsigned k = 0; k < 4; ++k) {
    index_ = dir_.path() + "/shard-" + std::to_string(k);
    IndexOptions options;
    options.index_path = index_;
    options.roots = {dir_.path() + "/site"};
    options.jobs = 2;
    options.shard_index = k;
    options.shard_count = 4;
    ASSERT_TRUE(RunIndex(options).ok());
    EXPECT_EQ("(missing)", KeyOf(rejected)) << "shard " << k;
    // The other shards' titles and excerpts went to a scratch file of the
    // build: gone with it.
    for (const auto& f : std::filesystem::recursive_directory_iterator(index_))
      EXPECT_NE("outsider-texts", f.path().filename()) << f.path();
    for (const std::string& path : paths) {
      const std::string key = KeyOf(path);
      if (key == "(missing)") continue;
      ++found[path];
      EXPECT_EQ(whole[path], key) << path << " in shard " << k;
    }
  }
  for (const std::string& path : paths) EXPECT_EQ(1, found[path]) << path;
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
