// Incremental indexing, deletions, rebuilds and dry runs (SPEC §3, #3),
// through the library.

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "common/index_layout.h"
#include "common/index_meta.h"
#include "indexer/document_builder.h"
#include "indexer/indexer.h"
#include "tests/support/test_support.h"

namespace nsearch::indexer {
namespace {

namespace fs = std::filesystem;
using nsearch::testing::TempDir;

std::string Article(const std::string& title) {
  return "---\ntitle: \"" + title + "\"\nexcerpt: \"About " + title +
         ".\"\ntype: article\n---\n";
}

Result<IndexSummary> Index(const std::string& index,
                           const std::vector<std::string>& roots,
                           bool rebuild = false, bool dry_run = false) {
  IndexOptions options;
  options.index_path = index;
  options.roots = roots;
  options.jobs = 2;
  options.batch_size = 3;  // Several commits even for small trees.
  options.rebuild = rebuild;
  options.dry_run = dry_run;
  return RunIndex(options);
}

// Sets a file's mtime `seconds` into the past, so a rewrite within the same
// clock tick still looks changed, or a touch still looks touched.
void Age(const std::string& path, int seconds) {
  const auto t = fs::last_write_time(path);
  fs::last_write_time(path, t - std::chrono::seconds(seconds));
}

bool HasTitleWord(const std::string& index, const std::string& word) {
  return Xapian::Database(index).term_exists("S" + word);
}

class IncrementalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 6; ++i)
      files_.push_back(dir_.Write("site/doc" + std::to_string(i) + ".md",
                                  Article("story" + std::to_string(i))));
    index_ = dir_.path() + "/index";
    auto first = Index(index_, {root()});
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    ASSERT_EQ(6u, first->added);
    ASSERT_TRUE(first->rebuilt);  // A new index is a full build.
  }

  std::string root() const { return dir_.path() + "/site"; }

  TempDir dir_;
  std::string index_;
  std::vector<std::string> files_;
};

TEST_F(IncrementalTest, UnchangedTreeIsSkipped) {
  const auto before = Xapian::Database(index_).get_revision();
  auto again = Index(index_, {root()});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(6u, again->unchanged);
  EXPECT_EQ(0u, again->added + again->updated + again->deleted);
  EXPECT_FALSE(again->rebuilt);
  // Nothing is written, not even the last-update stamp.
  EXPECT_EQ(before, Xapian::Database(index_).get_revision());
}

TEST_F(IncrementalTest, CountsAddedUpdatedDeletedAndUnchanged) {
  dir_.Write("site/doc0.md", Article("rewritten"));
  Age(files_[0], -5);
  fs::remove(files_[1]);
  dir_.Write("site/new.md", Article("fresh"));
  auto run = Index(index_, {root()});
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(1u, run->added);
  EXPECT_EQ(1u, run->updated);
  EXPECT_EQ(1u, run->deleted);
  EXPECT_EQ(4u, run->unchanged);
  EXPECT_EQ(6u, run->documents);
  EXPECT_TRUE(HasTitleWord(index_, "rewritten"));
  EXPECT_FALSE(HasTitleWord(index_, "story0"));
  EXPECT_FALSE(HasTitleWord(index_, "story1"));
  EXPECT_TRUE(HasTitleWord(index_, "fresh"));
}

TEST_F(IncrementalTest, TouchedButSameContentIsUnchanged) {
  Age(files_[2], 3600);  // mtime differs, bytes do not.
  auto run = Index(index_, {root()});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(6u, run->unchanged);
  EXPECT_EQ(0u, run->updated);
}

TEST_F(IncrementalTest, SameSizeSameMtimeChangeNeedsContentHash) {
  // Same size, then the old mtime restored: size+mtime say "unchanged", and
  // that is the documented trade-off (like make and rsync); a later touch
  // makes the content hash decide.
  const auto mtime = fs::last_write_time(files_[3]);
  dir_.Write("site/doc3.md", Article("storyX"));  // Same length as story3.
  fs::last_write_time(files_[3], mtime);
  auto quiet = Index(index_, {root()});
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(0u, quiet->updated);
  Age(files_[3], 60);
  auto run = Index(index_, {root()});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(1u, run->updated);
  EXPECT_TRUE(HasTitleWord(index_, "storyx"));
}

TEST_F(IncrementalTest, IndexingASecondRootKeepsTheFirst) {
  dir_.Write("other/a.md", Article("elsewhere"));
  auto run = Index(index_, {dir_.path() + "/other"});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(1u, run->added);
  EXPECT_EQ(0u, run->deleted);
  EXPECT_EQ(7u, run->documents);
  // Re-indexing the first root alone deletes nothing of the second.
  auto first = Index(index_, {root()});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(0u, first->deleted);
  EXPECT_EQ(7u, first->documents);
}

TEST_F(IncrementalTest, MovingARootNeverDeletesTheOldRootsDocuments) {
  fs::rename(root(), dir_.path() + "/moved");
  auto moved = Index(index_, {dir_.path() + "/moved"});
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(6u, moved->added);
  EXPECT_EQ(0u, moved->deleted);
  EXPECT_EQ(12u, moved->documents);
  // The old root is gone: naming it is an error, and nothing is deleted.
  auto gone = Index(index_, {root()});
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(StatusCode::kNotFound, gone.error().code());
  EXPECT_EQ(12u, Xapian::Database(index_).get_doccount());
}

TEST_F(IncrementalTest, ABrokenEditKeepsTheLastGoodVersion) {
  dir_.Write("site/doc4.md", "---\ntitle: [broken\n---\n");
  Age(files_[4], -5);
  auto run = Index(index_, {root()});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(1u, run->rejected);
  EXPECT_EQ(0u, run->deleted);
  EXPECT_TRUE(HasTitleWord(index_, "story4"));
}

TEST_F(IncrementalTest, RebuildSwapsInAFreshGenerationAtomically) {
  const std::string before = LiveGeneration(index_);
  Xapian::Database reader(index_);  // Opened before the swap.
  auto run = Index(index_, {root()}, /*rebuild=*/true);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_TRUE(run->rebuilt);
  EXPECT_EQ(6u, run->added);
  EXPECT_EQ(6u, run->documents);
  const std::string after = LiveGeneration(index_);
  EXPECT_NE(before, after);
  EXPECT_TRUE(fs::exists(before));  // Kept for readers that still use it.
  EXPECT_EQ(6u, reader.get_doccount());
  EXPECT_EQ(1u, reader.get_termfreq("Sstory2"));
  // A second rebuild removes the generation before the previous one.
  ASSERT_TRUE(Index(index_, {root()}, true).ok());
  EXPECT_FALSE(fs::exists(before));
  EXPECT_TRUE(fs::exists(after));
}

TEST_F(IncrementalTest, DryRunReportsAndChangesNothing) {
  dir_.Write("site/doc0.md", Article("rewritten"));
  Age(files_[0], -5);
  fs::remove(files_[1]);
  dir_.Write("site/new.md", Article("fresh"));
  dir_.Write("site/bad.md", "---\ntitle: ok\nexcerpt: \"open\n---\n");
  const auto revision = Xapian::Database(index_).get_revision();
  auto run = Index(index_, {root()}, false, /*dry_run=*/true);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(revision, Xapian::Database(index_).get_revision());
  EXPECT_TRUE(HasTitleWord(index_, "story0"));
  std::map<std::string, std::string> actions;
  for (const auto& [path, action] : run->actions)
    actions[fs::path(path).filename().string()] = action;
  EXPECT_EQ("updated", actions["doc0.md"]);
  EXPECT_EQ("deleted", actions["doc1.md"]);
  EXPECT_EQ("added", actions["new.md"]);
  EXPECT_EQ("rejected", actions["bad.md"]);
  EXPECT_EQ("unchanged", actions["doc2.md"]);
  ASSERT_EQ(1u, run->rejected_files.size());
  EXPECT_EQ(3, run->rejected_files[0].line);  // Where the quote opens.
  EXPECT_NE(std::string::npos,
            run->rejected_files[0].reason.find("never closed"));
}

TEST(IndexLayoutTest, AKilledFirstRunStillLeavesAnIndexThatOpens) {
  TempDir dir;
  const std::string index = dir.path() + "/index";
  // What a first run does before any document: an empty, stamped index.
  {
    auto lock = IndexLock::Acquire(index);
    ASSERT_TRUE(lock.ok());
    auto gen = CreateGeneration(index);
    ASSERT_TRUE(gen.ok());
    Xapian::WritableDatabase db(*gen, Xapian::DB_CREATE);
    db.commit();
    ASSERT_TRUE(PublishGeneration(index, *gen).ok());
    // A build that died: a generation that was never published.
    ASSERT_TRUE(CreateGeneration(index).ok());
  }
  EXPECT_EQ(0u, Xapian::Database(index).get_doccount());
  dir.Write("site/a.md", Article("alpha"));
  auto run = Index(index, {dir.path() + "/site"});
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(1u, run->documents);
  // The dead build's folder is cleaned up.
  size_t generations = 0;
  for (const auto& e : fs::directory_iterator(index))
    generations += e.path().filename().string().rfind("gen-", 0) == 0;
  EXPECT_LE(generations, 2u);
}

TEST(IndexLayoutTest, APlainXapianDatabaseIsNotClobbered) {
  TempDir dir;
  const std::string index = dir.path() + "/plain";
  { Xapian::WritableDatabase db(index, Xapian::DB_CREATE); }
  dir.Write("site/a.md", Article("alpha"));
  auto run = Index(index, {dir.path() + "/site"});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(StatusCode::kCorruption, run.error().code());
}

}  // namespace
}  // namespace nsearch::indexer

namespace nsearch::indexer {
namespace {

TEST(IncrementalRootsTest, IndexingOneFileNeverDeletesItsNeighbours) {
  TempDir dir;
  const std::string index = dir.path() + "/index";
  const std::string a = dir.Write("site/a.md", Article("alpha"));
  dir.Write("site/b.md", Article("beta"));
  ASSERT_TRUE(Index(index, {dir.path() + "/site"}).ok());
  dir.Write("site/a.md", Article("alphas"));
  Age(a, -5);
  auto one = Index(index, {a});
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  EXPECT_EQ(1u, one->updated);
  EXPECT_EQ(0u, one->deleted);
  EXPECT_EQ(2u, one->documents);
}

}  // namespace
}  // namespace nsearch::indexer

namespace nsearch::indexer {
namespace {

TEST(IndexLayoutTest, AnIndexInTheOldLayoutGetsAClearMessage) {
  TempDir dir;
  const std::string index = dir.path() + "/old";
  {
    Xapian::WritableDatabase db(index, Xapian::DB_CREATE);
    auto schema = Schema::Parse(Schema::DefaultText());
    ASSERT_TRUE(schema.ok());
    WriteIndexStamps(db, *schema);
    db.commit();
  }
  dir.Write("site/a.md", Article("alpha"));
  auto run = Index(index, {dir.path() + "/site"});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(StatusCode::kSchemaMismatch, run.error().code());
  EXPECT_NE(std::string::npos, run.error().message().find("older nsearch"));
}

}  // namespace
}  // namespace nsearch::indexer
