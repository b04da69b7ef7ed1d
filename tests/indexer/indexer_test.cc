#include "indexer/indexer.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/index_layout.h"
#include "common/index_meta.h"
#include "common/schema.h"
#include "common/status.h"
#include "indexer/document_builder.h"
#include "indexer/walker.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace indexer {
namespace {

namespace fs = std::filesystem;

using nsearch::testing::SourceDir;
using nsearch::testing::TempDir;

// data/README.md: 54 valid documents under content/, and under broken/ nine
// rejected files and three indexable ones.
constexpr size_t kContentDocs = 54;
constexpr size_t kBrokenIndexable = 3;
constexpr size_t kBrokenRejected = 9;

std::string ContentRoot() { return SourceDir() + "/data/content"; }
std::string BrokenRoot() { return SourceDir() + "/data/broken"; }

std::string Article(const std::string& title, const std::string& excerpt) {
  return "---\ntitle: \"" + title + "\"\nexcerpt: \"" + excerpt +
         "\"\ntype: article\n---\n";
}

Result<IndexSummary> Index(const std::string& index_path,
                           const std::vector<std::string>& roots,
                           const std::string& schema_path = "") {
  IndexOptions options;
  options.index_path = index_path;
  options.roots = roots;
  options.schema_path = schema_path;
  options.jobs = 2;
  return RunIndex(options);
}

TEST(IndexerTest, IndexesTheSampleDataAndRejectsBrokenFiles) {
  TempDir dir;
  auto summary = Index(dir.path() + "/index", {ContentRoot(), BrokenRoot()});
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(kContentDocs + kBrokenIndexable + kBrokenRejected, summary->files);
  EXPECT_EQ(kContentDocs + kBrokenIndexable, summary->added);
  EXPECT_EQ(0u, summary->updated);
  EXPECT_EQ(kBrokenRejected, summary->rejected);
  EXPECT_EQ(kBrokenRejected, summary->rejected_files.size());
  EXPECT_EQ(kContentDocs + kBrokenIndexable, summary->documents);

  Xapian::Database db(dir.path() + "/index");
  EXPECT_EQ(kContentDocs + kBrokenIndexable, db.get_doccount());
  // The indexable broken files are in.
  for (const char* name :
       {"wrong-types-but-indexable.md", "huge-related.md", "bom-crlf.md"}) {
    const std::string id = DocumentIdForPath(BrokenRoot() + "/" + name);
    EXPECT_TRUE(db.term_exists(DocumentBuilder::IdTerm(id))) << name;
  }
}

TEST(IndexerTest, RejectedFilesCarryTheReadmeReasons) {
  TempDir dir;
  auto summary = Index(dir.path() + "/index", {BrokenRoot()});
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  // File name -> what the reason must say (data/README.md).
  const std::map<std::string, std::string> expected = {
      {"binary.md", "binary"},
      {"empty.md", "empty"},
      {"front-matter-is-a-list.md", "list"},
      {"invalid-utf8.md", "invalid UTF-8"},
      {"invalid-yaml.md", "invalid YAML"},
      {"no-front-matter.md", "no front matter"},
      {"no-title.md", "no title"},
      {"title-is-a-map.md", "'title' is a mapping"},
      {"unterminated-front-matter.md", "not closed"},
  };
  std::map<std::string, std::string> actual;
  for (const RejectedFile& r : summary->rejected_files) {
    EXPECT_FALSE(r.reason.empty()) << r.path;
    actual[fs::path(r.path).filename().string()] = r.reason;
  }
  ASSERT_EQ(expected.size(), actual.size());
  for (const auto& [name, needle] : expected) {
    ASSERT_EQ(1u, actual.count(name)) << name << " was not rejected";
    EXPECT_NE(std::string::npos, actual[name].find(needle))
        << name << ": " << actual[name];
  }
  // Sorted by path.
  for (size_t i = 1; i < summary->rejected_files.size(); ++i)
    EXPECT_LT(summary->rejected_files[i - 1].path,
              summary->rejected_files[i].path);
  // Where the README places the problem: the title on line 3 (a mapping,
  // invalid bytes, and the quote that is never closed).
  std::map<std::string, const RejectedFile*> by_name;
  for (const RejectedFile& r : summary->rejected_files)
    by_name[fs::path(r.path).filename().string()] = &r;
  EXPECT_EQ("title", by_name["title-is-a-map.md"]->field);
  EXPECT_EQ(3, by_name["title-is-a-map.md"]->line);
  EXPECT_EQ(3, by_name["invalid-utf8.md"]->line);
  EXPECT_EQ(3, by_name["invalid-yaml.md"]->line)
      << by_name["invalid-yaml.md"]->reason;
  EXPECT_EQ(2, by_name["front-matter-is-a-list.md"]->line);
}

TEST(IndexerTest, HiddenFoldersAndNonMarkdownFilesAreNotIndexed) {
  TempDir dir;
  auto summary = Index(dir.path() + "/index", {ContentRoot()});
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(kContentDocs, summary->files);
  EXPECT_EQ(0u, summary->rejected);
  Xapian::Database db(dir.path() + "/index");
  const std::string hidden =
      DocumentIdForPath(ContentRoot() + "/.hidden/should-not-be-indexed.md");
  EXPECT_FALSE(db.term_exists(DocumentBuilder::IdTerm(hidden)));
  // Its title words are nowhere in the index.
  EXPECT_FALSE(db.term_exists("Shidden"));
  EXPECT_FALSE(db.term_exists(DocumentBuilder::IdTerm(
      DocumentIdForPath(ContentRoot() + "/_communities/.keep"))));
}

TEST(IndexerTest, ReindexingTheSameTreeChangesNothing) {
  TempDir dir;
  const std::string index = dir.path() + "/index";
  auto first = Index(index, {ContentRoot(), BrokenRoot()});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = Index(index, {ContentRoot(), BrokenRoot()});
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(0u, second->added);
  EXPECT_EQ(0u, second->updated);
  EXPECT_EQ(0u, second->deleted);
  EXPECT_EQ(first->added, second->unchanged);
  EXPECT_EQ(first->rejected, second->rejected);
  EXPECT_EQ(first->documents, second->documents);
  EXPECT_EQ(kContentDocs + kBrokenIndexable,
            Xapian::Database(index).get_doccount());
}

// A full build cuts the file list into chunks, one partial database each,
// merged by compaction: whatever the chunk size, every file is indexed once
// and document ids follow the sorted file list.
TEST(IndexerTest, ChunkedFullBuildKeepsFileOrderAndLosesNothing) {
  std::vector<std::string> paths_by_docid[2];
  size_t run = 0;
  for (size_t chunk_files : {size_t{5}, size_t{20000}}) {
    TempDir dir;
    IndexOptions options;
    options.index_path = dir.path() + "/index";
    options.roots = {ContentRoot()};
    options.jobs = 2;
    options.chunk_files = chunk_files;
    auto summary = RunIndex(options);
    ASSERT_TRUE(summary.ok()) << summary.error().ToString();
    EXPECT_EQ(kContentDocs, summary->added);
    Xapian::Database db(options.index_path);
    ASSERT_EQ(kContentDocs, db.get_doccount());
    EXPECT_EQ(kContentDocs, db.get_lastdocid());
    for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id)
      paths_by_docid[run].push_back(ReadStoredRecord(db.get_document(id)).path);
    ++run;
  }
  std::vector<std::string> sorted = paths_by_docid[0];
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, paths_by_docid[0]);  // Several parts, in file order.
  EXPECT_EQ(paths_by_docid[0], paths_by_docid[1]);
}

// A stop (SIGINT/SIGTERM) during a streaming full build ends the walk and
// the workers; the index still opens, and the next run finishes the job.
TEST(IndexerTest, StoppedStreamingBuildLeavesAnIndexTheNextRunCompletes) {
  TempDir dir;
  const std::atomic<int> stop{SIGINT};
  IndexOptions options;
  options.index_path = dir.path() + "/index";
  options.roots = {ContentRoot()};
  options.chunk_files = 5;  // Streams after 20 files.
  options.stop = &stop;
  auto stopped = RunIndex(options);
  ASSERT_TRUE(stopped.ok()) << stopped.error().ToString();
  EXPECT_EQ(SIGINT, stopped->interrupted);
  EXPECT_LT(stopped->added, kContentDocs);
  EXPECT_NO_THROW(Xapian::Database(options.index_path).get_doccount());

  options.stop = nullptr;
  auto finished = RunIndex(options);
  ASSERT_TRUE(finished.ok()) << finished.error().ToString();
  EXPECT_EQ(kContentDocs, finished->documents);
  EXPECT_EQ(kContentDocs, Xapian::Database(options.index_path).get_doccount());
}

TEST(IndexerTest, ReindexingAnEditedFileReplacesIt) {
  TempDir dir;
  const std::string index = dir.path() + "/index";
  const std::string path = dir.Write(
      "docs/story.md", Article("Original alpha headline", "Some text."));
  dir.Write("docs/other.md", Article("Another story", "Unrelated."));
  auto first = Index(index, {dir.path() + "/docs"});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_EQ(2u, first->added);
  {
    Xapian::Database db(index);
    EXPECT_TRUE(db.term_exists("Salpha"));
  }

  dir.Write("docs/story.md",
            Article("Replacement beta headline", "Some text."));
  auto second = Index(index, {dir.path() + "/docs"});
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(0u, second->added);
  EXPECT_EQ(1u, second->updated);
  EXPECT_EQ(1u, second->unchanged);
  EXPECT_EQ(2u, second->documents);

  Xapian::Database db(index);
  EXPECT_EQ(2u, db.get_doccount());
  EXPECT_FALSE(db.term_exists("Salpha"));
  EXPECT_FALSE(db.term_exists("Soriginal"));
  EXPECT_EQ(1u, db.get_termfreq("Sbeta"));
  const std::string id_term = DocumentBuilder::IdTerm(DocumentIdForPath(path));
  ASSERT_EQ(1u, db.get_termfreq(id_term));
  const Xapian::Document doc = db.get_document(*db.postlist_begin(id_term));
  EXPECT_NE(std::string::npos,
            doc.get_data().find("Replacement beta headline"));
}

TEST(IndexerTest, IndexBuiltWithAnotherSchemaIsAMismatch) {
  TempDir dir;
  const std::string index = dir.path() + "/index";
  dir.Write("docs/a.md", Article("A title", "An excerpt."));
  auto first = Index(index, {dir.path() + "/docs"});
  ASSERT_TRUE(first.ok()) << first.error().ToString();

  std::string yaml(Schema::DefaultText());
  const size_t at = yaml.find("version: 4");
  ASSERT_NE(std::string::npos, at);
  yaml.replace(at, 10, "version: 5");
  const std::string schema_path = dir.Write("news-v5.yaml", yaml);

  auto second = Index(index, {dir.path() + "/docs"}, schema_path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(StatusCode::kSchemaMismatch, second.error().code())
      << second.error().ToString();
  // The index is left as it was.
  EXPECT_EQ(1u, Xapian::Database(index).get_doccount());

  // The same schema file builds a new index without complaint.
  auto fresh =
      Index(dir.path() + "/index-v2", {dir.path() + "/docs"}, schema_path);
  ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
  EXPECT_EQ(1u, fresh->added);
}

// An index written by another index format or analyzer version (an older
// nsearch) is refused with a message that says what to do, and --rebuild
// replaces it.
void ExpectRefusedUntilRebuilt(const std::string& key,
                               const std::string& older) {
  SCOPED_TRACE(key);
  TempDir dir;
  const std::string index = dir.path() + "/index";
  ASSERT_TRUE(Index(index, {ContentRoot()}).ok());
  {
    Xapian::WritableDatabase db(LiveGeneration(index), Xapian::DB_OPEN);
    db.set_metadata(key, older);
    db.commit();
  }
  auto again = Index(index, {ContentRoot()});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(StatusCode::kSchemaMismatch, again.error().code());
  EXPECT_NE(std::string::npos, again.error().message().find("--rebuild"))
      << again.error().message();

  IndexOptions options;
  options.index_path = index;
  options.roots = {ContentRoot()};
  options.rebuild = true;
  auto rebuilt = RunIndex(options);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().ToString();
  EXPECT_EQ(kContentDocs, rebuilt->added);
  Xapian::Database db(index);
  EXPECT_EQ(std::to_string(kIndexFormat), db.get_metadata(kMetaFormat));
  EXPECT_EQ(std::to_string(Analyzer::kVersion), db.get_metadata(kMetaAnalyzer));
  EXPECT_TRUE(Index(index, {ContentRoot()}).ok());
}

TEST(IndexerTest, OtherIndexFormatIsRefusedUntilRebuilt) {
  ExpectRefusedUntilRebuilt(kMetaFormat, std::to_string(kIndexFormat - 1));
}

TEST(IndexerTest, OtherAnalyzerVersionIsRefusedUntilRebuilt) {
  ExpectRefusedUntilRebuilt(kMetaAnalyzer,
                            std::to_string(Analyzer::kVersion - 1));
}

TEST(IndexerTest, AnotherWriterMakesTheIndexBusy) {
  TempDir dir;
  const std::string index = dir.path() + "/index";
  dir.Write("docs/a.md", Article("A title", "An excerpt."));
  auto holder = IndexLock::Acquire(index);
  ASSERT_TRUE(holder.ok()) << holder.error().ToString();
  auto summary = Index(index, {dir.path() + "/docs"});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(StatusCode::kBusy, summary.error().code())
      << summary.error().ToString();
  EXPECT_NE(std::string::npos, summary.error().message().find(index));
  holder->reset();

  auto after = Index(index, {dir.path() + "/docs"});
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(1u, after->added);
}

TEST(IndexerTest, MissingRootIsNotFound) {
  TempDir dir;
  auto summary = Index(dir.path() + "/index", {dir.path() + "/no-such-folder"});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(StatusCode::kNotFound, summary.error().code());
}

// The summary's JSON (SPEC §5) is the CLI's: tests/cli/output_schema_test.cc
// checks it against schema/output/index.schema.json.
TEST(IndexerTest, SummaryCountsTheFilesAndNamesTheRejectedOnes) {
  TempDir dir;
  auto summary = Index(dir.path() + "/index", {BrokenRoot()});
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(kBrokenIndexable, summary->added);
  EXPECT_EQ(0u, summary->updated);
  EXPECT_EQ(kBrokenRejected, summary->rejected);
  EXPECT_GE(summary->seconds, 0);
  ASSERT_EQ(kBrokenRejected, summary->rejected_files.size());
  for (const auto& r : summary->rejected_files) {
    EXPECT_FALSE(r.path.empty());
    EXPECT_FALSE(r.reason.empty()) << r.path;
  }
}

std::vector<std::string> Paths(const FileList& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path);
  return out;
}

TEST(WalkerTest, ListsMarkdownFilesAndSkipsHiddenOnes) {
  TempDir dir;
  const std::string root = dir.path() + "/root";
  dir.Write("root/b.md", "x");
  dir.Write("root/a.markdown", "x");
  dir.Write("root/notes.txt", "x");
  dir.Write("root/README", "x");
  dir.Write("root/.draft.md", "x");
  dir.Write("root/.hidden/h.md", "x");
  dir.Write("root/sub/c.md", "x");
  dir.Write("root/sub/.keep", "");
  std::vector<std::pair<std::string, std::string>> problems;
  auto files = ListContentFiles({root}, &problems);
  ASSERT_TRUE(files.ok()) << files.error().ToString();
  EXPECT_EQ((std::vector<std::string>{root + "/a.markdown", root + "/b.md",
                                      root + "/sub/c.md"}),
            Paths(*files));
  EXPECT_TRUE(problems.empty());
  for (const auto& f : *files) {
    EXPECT_EQ(root, f.root);
    EXPECT_EQ(1, f.size) << f.path;
    EXPECT_GT(f.mtime_ns, 0) << f.path;
  }
}

TEST(WalkerTest, FollowsSymlinksInsideTheRootOnly) {
  TempDir dir;
  const std::string root = dir.path() + "/root";
  dir.Write("root/a.md", "x");
  dir.Write("root/.store/kept.md", "x");  // Hidden: reached only by a link.
  dir.Write("outside/secret.md", "x");
  dir.Write("outside/dir/deep.md", "x");
  fs::create_symlink(root + "/.store/kept.md", root + "/linked.md");
  fs::create_symlink(dir.path() + "/outside/secret.md", root + "/escape.md");
  fs::create_symlink(dir.path() + "/outside/dir", root + "/escape-dir");
  fs::create_symlink(root + "/missing.md", root + "/dangling.md");
  // A folder link back to the root: a cycle.
  fs::create_directories(root + "/sub");
  dir.Write("root/sub/b.md", "x");
  fs::create_directory_symlink(root, root + "/sub/loop");

  std::vector<std::pair<std::string, std::string>> problems;
  auto files = ListContentFiles({root}, &problems);
  ASSERT_TRUE(files.ok()) << files.error().ToString();
  EXPECT_EQ((std::vector<std::string>{root + "/a.md", root + "/linked.md",
                                      root + "/sub/b.md"}),
            Paths(*files));
}

// A streaming build consumes files as the walk finds them; they must come
// in the order (and be the set) ListContentFiles gives.
TEST(WalkerTest, StreamingListsTheSameFilesInTheSameOrder) {
  TempDir dir;
  const std::string a = dir.path() + "/a";
  const std::string b = dir.path() + "/a-b";  // Sorts before "a/".
  for (const char* f : {"a/a.md", "a/a-b.md", "a/a/x.md", "a/a.b/y.md",
                        "a/a0.md", "a/.hidden/h.md", "a/z/deep/er.md",
                        "a-b/k.md", "a-b/j.markdown", "a/notes.txt"})
    dir.Write(f, "x");
  fs::create_symlink(a + "/a.md", a + "/link-to-listed.md");  // Skipped.
  fs::create_symlink(a + "/.hidden/h.md", a + "/link-to-hidden.md");
  fs::create_symlink(a + "/.hidden/h.md", a + "/zz-second-link.md");
  fs::create_directory_symlink(a, a + "/z/loop");  // A cycle.

  std::vector<std::pair<std::string, std::string>> problems;
  const std::vector<std::string> roots = {b, a};
  ASSERT_TRUE(CanStream(roots));
  auto listed = ListContentFiles(roots, &problems);
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  std::vector<std::string> streamed;
  ASSERT_TRUE(StreamContentFiles(roots, &problems, [&](SourceFile&& f) {
                streamed.push_back(f.path);
                return true;
              }).ok());
  EXPECT_EQ(Paths(*listed), streamed);
  EXPECT_EQ(9u, streamed.size());
  EXPECT_TRUE(std::is_sorted(streamed.begin(), streamed.end()));

  EXPECT_FALSE(CanStream({a, a + "/z"}));  // Nested roots.
  EXPECT_FALSE(CanStream({a + "/a.md"}));  // A file.
}

TEST(WalkerTest, RootMayBeAFileOrMustExist) {
  TempDir dir;
  const std::string file = dir.Write("one.md", "x");
  std::vector<std::pair<std::string, std::string>> problems;
  auto files = ListContentFiles({file}, &problems);
  ASSERT_TRUE(files.ok()) << files.error().ToString();
  EXPECT_EQ(std::vector<std::string>{file}, Paths(*files));
  EXPECT_EQ(dir.path(), (*files)[0].root);

  auto missing = ListContentFiles({dir.path() + "/nope"}, &problems);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(StatusCode::kNotFound, missing.error().code());
}

TEST(WalkerTest, RootsGivenTwiceListEachFileOnce) {
  TempDir dir;
  dir.Write("root/a.md", "x");
  std::vector<std::pair<std::string, std::string>> problems;
  auto files = ListContentFiles({dir.path() + "/root", dir.path() + "/root/"},
                                &problems);
  ASSERT_TRUE(files.ok()) << files.error().ToString();
  EXPECT_EQ(std::vector<std::string>{dir.path() + "/root/a.md"}, Paths(*files));
}

class DocumentBuilderTest : public ::testing::Test {
 protected:
  DocumentBuilderTest() {
    auto schema = Schema::Parse(Schema::DefaultText());
    EXPECT_TRUE(schema.ok()) << schema.error().ToString();
    schema_ = std::make_unique<Schema>(std::move(schema).value());
    auto analyzer =
        Analyzer::Create({schema_->stemmer(), schema_->stopwords()});
    EXPECT_TRUE(analyzer.ok()) << analyzer.error().ToString();
    builder_ = std::make_unique<DocumentBuilder>(*schema_,
                                                 std::move(analyzer).value());
  }

  static Document SampleDocument() {
    Document doc;
    doc.title = "Power Apps adds offline support";
    doc.excerpt = "Makers are now working offline.";
    doc.topics = {"Power Apps", "Low Code"};
    doc.type = "article";
    doc.category = "news";
    doc.provider_name = "Microsoft";
    doc.provider_domain = "microsoft.com";
    doc.web_url = "https://powerapps.microsoft.com/blog/offline/";
    doc.quality = 80;
    doc.heat = 44;
    doc.date = 1591092000;  // 2020-06-02T10:00:00Z
    return doc;
  }

  static Xapian::termcount Wdf(const Xapian::Document& doc,
                               const std::string& term) {
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(term);
    return t == doc.termlist_end() || *t != term ? 0 : t.get_wdf();
  }

  static std::vector<Xapian::termpos> Positions(const Xapian::Document& doc,
                                                const std::string& term) {
    std::vector<Xapian::termpos> out;
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(term);
    if (t == doc.termlist_end() || *t != term) return out;
    for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
      out.push_back(*p);
    return out;
  }

  static bool HasTerm(const Xapian::Document& doc, const std::string& term) {
    auto it = doc.termlist_begin();
    it.skip_to(term);
    return it != doc.termlist_end() && *it == term;
  }

  std::unique_ptr<Schema> schema_;
  std::unique_ptr<DocumentBuilder> builder_;
};

TEST_F(DocumentBuilderTest, BuildsTermsValuesAndData) {
  const std::string path = "/data/_news/power-apps-offline.md";
  const Xapian::Document doc =
      builder_->Build(SampleDocument(), SourceFile{path, "/data", 100, 7});

  const std::string id = DocumentIdForPath(path);
  EXPECT_EQ(16u, id.size());
  EXPECT_TRUE(HasTerm(doc, "Q" + id));
  EXPECT_EQ("Q" + id, DocumentBuilder::IdTerm(id));

  // One free-text space: every search field's words, unprefixed, each
  // counted as often as its field's weight says (title 2, the others 1),
  // with positions kValueGap apart between fields and between topics:
  // title 1-5, excerpt 106-110, topics 211-212 and 313-314.
  EXPECT_EQ((std::vector<Xapian::termpos>{1, 211}), Positions(doc, "power"));
  EXPECT_EQ(2u + 1u, Wdf(doc, "power"));
  EXPECT_EQ((std::vector<Xapian::termpos>{4, 110}), Positions(doc, "offline"));
  EXPECT_EQ(2u + 1u, Wdf(doc, "offline"));
  EXPECT_EQ(std::vector<Xapian::termpos>{106}, Positions(doc, "makers"));
  EXPECT_EQ(1u, Wdf(doc, "makers"));
  // Stemmed terms, without positions; none for stopwords ("are").
  EXPECT_EQ(2u + 1u, Wdf(doc, "Zofflin"));
  EXPECT_TRUE(Positions(doc, "Zofflin").empty());
  EXPECT_EQ(2u + 1u, Wdf(doc, "Zpower"));
  EXPECT_EQ(1u, Wdf(doc, "Zmaker"));
  EXPECT_EQ(std::vector<Xapian::termpos>{107}, Positions(doc, "are"));
  EXPECT_FALSE(HasTerm(doc, "Zare"));
  // The provider is not searched without a field: not in the space.
  EXPECT_FALSE(HasTerm(doc, "microsoft"));

  // Each text field marks its own words with wdf 0, so they select
  // `title:` words and phrases without adding to the document length that
  // BM25 normalizes by: the title (positions: true) its words with
  // positions and their stems, the other fields their stems only.
  EXPECT_EQ(std::vector<Xapian::termpos>{1}, Positions(doc, "Spower"));
  EXPECT_EQ(std::vector<Xapian::termpos>{2}, Positions(doc, "Sapps"));
  EXPECT_EQ(std::vector<Xapian::termpos>{5}, Positions(doc, "Ssupport"));
  EXPECT_EQ(0u, Wdf(doc, "Spower"));
  EXPECT_TRUE(HasTerm(doc, "ZSpower"));
  EXPECT_TRUE(HasTerm(doc, "ZSapp"));
  EXPECT_TRUE(HasTerm(doc, "ZSadd"));
  EXPECT_EQ(0u, Wdf(doc, "ZSapp"));
  EXPECT_TRUE(Positions(doc, "ZSapp").empty());
  EXPECT_FALSE(HasTerm(doc, "XEoffline"));
  EXPECT_TRUE(HasTerm(doc, "ZXEofflin"));
  EXPECT_TRUE(HasTerm(doc, "ZXEmaker"));
  EXPECT_FALSE(HasTerm(doc, "ZXEare"));  // A stopword has no stem.
  EXPECT_TRUE(HasTerm(doc, "ZXTpower"));
  EXPECT_TRUE(HasTerm(doc, "ZXTlow"));
  EXPECT_TRUE(Positions(doc, "ZXTlow").empty());
  EXPECT_EQ(0u, Wdf(doc, "ZXTlow"));
  EXPECT_EQ(0u, Wdf(doc, "ZXPNmicrosoft"));
  // The document length BM25 sees: the free-text wdf only (5 title words
  // twice, 5 excerpt words, 4 topic words, and their stems, but for the
  // stopword "are").
  Xapian::termcount length = 0;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
    length += t.get_wdf();
  EXPECT_EQ(2u * 5 + 5 + 4 + (2u * 5 + 4 + 4), length);

  // Exact boolean terms.
  EXPECT_TRUE(HasTerm(doc, "Kpower apps"));
  EXPECT_TRUE(HasTerm(doc, "Klow code"));
  EXPECT_TRUE(HasTerm(doc, "XYarticle"));
  EXPECT_TRUE(HasTerm(doc, "XCnews"));
  EXPECT_TRUE(HasTerm(doc, "XPmicrosoft"));
  EXPECT_TRUE(HasTerm(doc, "XHmicrosoft.com"));
  EXPECT_TRUE(HasTerm(doc, "XHpowerapps.microsoft.com"));
  // The URL term is a hash of the normalized URL, the same for equal URLs.
  EXPECT_TRUE(HasTerm(
      doc, UrlTerm("XU", "https://powerapps.microsoft.com/blog/offline")));
  EXPECT_TRUE(HasTerm(
      doc, UrlTerm("XU", "HTTPS://PowerApps.microsoft.com/blog/offline/")));
  EXPECT_FALSE(
      HasTerm(doc, UrlTerm("XU", "https://powerapps.microsoft.com/blog")));

  // Value slots: quality 0, heat 1, date 2.
  EXPECT_EQ(Xapian::sortable_serialise(80.0), doc.get_value(0));
  EXPECT_EQ(Xapian::sortable_serialise(44.0), doc.get_value(1));
  EXPECT_EQ(Xapian::sortable_serialise(1591092000.0), doc.get_value(2));

  // The stored JSON leaves out what can be derived; ReadStoredRecord puts
  // it back.
  const std::string data_text = doc.get_data();
  const Json stored = Json::parse(data_text.substr(0, data_text.find('\0')));
  ASSERT_TRUE(stored.is_array());
  EXPECT_EQ(path, stored[0]);  // kRecordFields: values only, in order.
  EXPECT_EQ("Power Apps adds offline support", stored[1]);
  for (const auto& value : stored) EXPECT_NE(Json(100), value);  // No size.
  const StoredRecord data = ReadStoredRecord(doc);
  EXPECT_EQ(id, data.id);
  EXPECT_EQ(path, data.path);
  EXPECT_EQ("Power Apps adds offline support", data.title);
  EXPECT_EQ("2020-06-02T10:00:00Z", data.published);
  EXPECT_EQ(80, data.quality);
  EXPECT_EQ("", data.original_url);  // The file has no originalUrl.
  EXPECT_FALSE(data.is_published.has_value());
  ASSERT_TRUE(data.file.has_value());
  EXPECT_EQ(100, data.file->size);
  EXPECT_EQ(7, data.file->mtime_ns);

  // An originalUrl equal to the url is not stored twice.
  Document same = SampleDocument();
  same.original_url = same.web_url;
  same.published = true;
  const Xapian::Document twin =
      builder_->Build(same, SourceFile{path, "/data", 100, 7});
  const std::string twin_text = twin.get_data();
  const Json twin_stored =
      Json::parse(twin_text.substr(0, twin_text.find('\0')));
  ASSERT_EQ(std::size(kRecordFields), twin_stored.size());
  EXPECT_TRUE(twin_stored[13].is_null());  // original_url
  EXPECT_EQ(true, twin_stored[14]);        // is_published
  EXPECT_EQ(same.web_url, ReadStoredRecord(twin).original_url);
  EXPECT_EQ(true, ReadStoredRecord(twin).is_published);
}

// `index --shard K/N`: another machine's document holds only what the
// story join reads, which made a shard's build cost as much as the whole
// index's (0.96x the CPU at 100k documents).
TEST_F(DocumentBuilderTest, ALightDocumentHoldsWhatTheStoryJoinReads) {
  const std::string path = "/data/_news/power-apps-offline.md";
  const SourceFile source{path, "/data", 100, 7};
  const Xapian::Document full = builder_->Build(SampleDocument(), source);
  const Xapian::Document light =
      builder_->Build(SampleDocument(), source, /*light=*/true);
  EXPECT_FALSE(
      HasTerm(light, DocumentBuilder::IdTerm(DocumentIdForPath(path))));
  EXPECT_FALSE(HasTerm(light, "power"));  // No free text.
  EXPECT_TRUE(HasTerm(full, "power"));
  const StorySpec& stories = *schema_->stories();
  EXPECT_EQ(full.get_value(stories.slot), light.get_value(stories.slot));
  EXPECT_EQ(full.get_value(stories.signature_slot),
            light.get_value(stories.signature_slot));
  EXPECT_EQ(full.get_value(2), light.get_value(2));  // The date.
  EXPECT_EQ("", light.get_value(0));                 // No quality.
  // The story terms and the URL's filter terms, which find candidates.
  std::vector<std::string> kept;
  for (auto t = full.termlist_begin(); t != full.termlist_end(); ++t)
    if ((*t).rfind("XK", 0) == 0 || (*t).rfind("XU", 0) == 0)
      kept.push_back(*t);
  ASSERT_FALSE(kept.empty());
  for (const std::string& term : kept)
    EXPECT_TRUE(HasTerm(light, term)) << term;
  EXPECT_LT(light.termlist_count(), full.termlist_count() / 2);
  // The title and excerpt stay with the parsed document (no stored
  // record to encode and decode again).
  EXPECT_EQ("", light.get_data());
}

TEST_F(DocumentBuilderTest, MissingValuesLeaveSlotsEmpty) {
  Document doc;
  doc.title = "The state of the art";
  const Xapian::Document built =
      builder_->Build(doc, SourceFile{"/data/x.md", "/data", 1, 1});
  EXPECT_EQ("", built.get_value(0));
  EXPECT_EQ("", built.get_value(1));
  EXPECT_EQ("", built.get_value(2));
  // Stopwords keep their positions for phrases but get no stemmed term.
  EXPECT_EQ((std::vector<Xapian::termpos>{1, 4}), Positions(built, "Sthe"));
  EXPECT_FALSE(HasTerm(built, "ZSthe"));
  EXPECT_TRUE(HasTerm(built, "ZSstate"));
  const StoredRecord data = ReadStoredRecord(built);
  EXPECT_FALSE(data.published.has_value());
  EXPECT_FALSE(data.quality.has_value());
}

}  // namespace
}  // namespace indexer
}  // namespace nsearch
