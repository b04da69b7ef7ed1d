#include "common/index_meta.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

TEST(FileStateTest, RoundTripsEverySizeAndIsCompact) {
  for (int64_t size : {int64_t{0}, int64_t{1}, int64_t{127}, int64_t{128},
                       int64_t{140000}, std::numeric_limits<int64_t>::max()}) {
    FileState state;
    state.path_hash = 0x0123456789abcdefULL;
    state.size = size;
    state.mtime_ns = 1795669906123456789;
    state.content_hash = 0xfedcba9876543210ULL;
    state.root_hash = RootHash("/srv/content");
    const std::string bytes = state.Serialise();
    EXPECT_LE(bytes.size(), 38u);
    FileState back;
    ASSERT_TRUE(back.Parse(bytes)) << size;
    EXPECT_EQ(state.path_hash, back.path_hash);
    EXPECT_EQ(state.size, back.size);
    EXPECT_EQ(state.mtime_ns, back.mtime_ns);
    EXPECT_EQ(state.content_hash, back.content_hash);
    EXPECT_EQ(state.root_hash, back.root_hash);
  }
  FileState small;
  small.size = 3083;
  EXPECT_EQ(30u, small.Serialise().size());
}

TEST(FileStateTest, RejectsWhatItDidNotWrite) {
  FileState state;
  EXPECT_FALSE(state.Parse(""));
  EXPECT_FALSE(state.Parse(std::string(28, 'x')));  // No size.
  std::string bytes = FileState().Serialise();
  EXPECT_FALSE(state.Parse(bytes + "x"));  // Trailing byte.
  bytes.back() = static_cast<char>(0x80);  // Unfinished varint.
  EXPECT_FALSE(state.Parse(bytes));
}

TEST(PriorEncodingTest, IsExactAndEmptyIsZero) {
  for (double prior : {0.0, 0.22, 1.0 + 0.5 * 0.44, 1.5, 1e-9}) {
    EXPECT_EQ(prior, DecodePrior(EncodePrior(prior)));
  }
  EXPECT_EQ(0.0, DecodePrior(""));
  EXPECT_LE(EncodePrior(1.22).size(), 8u);
}

// The priors of docids 1..last as the chunks hold them.
std::vector<double> ChunkPriors(const Xapian::Database& db) {
  std::vector<double> out(1, 0.0), chunk(kPriorChunkDocs);
  for (uint32_t c = 0; c <= db.get_lastdocid() / kPriorChunkDocs; ++c) {
    ReadPriorChunk(db, c, chunk.data());
    for (Xapian::docid i = 0; i < kPriorChunkDocs; ++i) {
      const Xapian::docid did = c * kPriorChunkDocs + i;
      if (did >= 1 && did <= db.get_lastdocid()) out.push_back(chunk[i]);
    }
  }
  return out;
}

Xapian::Document DocWithPrior(double prior) {
  Xapian::Document doc;
  if (prior > 0) doc.add_value(kPriorSlot, EncodePrior(prior));
  return doc;
}

TEST(PriorChunkTest, KeysSortInChunkOrder) {
  EXPECT_EQ("nsearch.prior.00000000", PriorChunkKey(0));
  EXPECT_EQ("nsearch.prior.0000ff01", PriorChunkKey(0xff01));
  EXPECT_LT(PriorChunkKey(9), PriorChunkKey(10));
}

TEST(PriorChunkTest, WriteAllThenUpdateAgreesWithTheSlot) {
  nsearch::testing::TempDir dir;
  Xapian::WritableDatabase db(dir.path() + "/db", Xapian::DB_CREATE);
  // Three chunks; some documents without a prior, chunk 1 with none at all.
  std::vector<double> expected(1, 0.0);
  for (Xapian::docid did = 1; did <= 2 * kPriorChunkDocs + 10; ++did) {
    const bool in_gap = did >= kPriorChunkDocs && did < 2 * kPriorChunkDocs;
    const double prior = (did % 7 == 0 || in_gap) ? 0.0 : 0.001 * did;
    db.add_document(DocWithPrior(prior));
    expected.push_back(prior);
  }
  WriteAllPriorChunks(db);
  db.commit();
  EXPECT_EQ(expected, ChunkPriors(db));
  EXPECT_EQ(0u, FirstPriorChunkMismatch(db));
  EXPECT_EQ("", db.get_metadata(PriorChunkKey(1)));  // All zeros: no key.

  // Updates over two commits: replace, delete, add past the last chunk.
  PriorChunkWriter writer;
  db.replace_document(5, DocWithPrior(1.25));
  writer.Set(db, 5, 1.25);
  expected[5] = 1.25;
  db.delete_document(6);
  writer.Set(db, 6, 0);
  expected[6] = 0;
  writer.Flush(db);
  db.commit();
  EXPECT_EQ(expected, ChunkPriors(db));
  const Xapian::docid added = db.add_document(DocWithPrior(0.5));
  writer.Set(db, added, 0.5);
  expected.push_back(0.5);
  db.replace_document(kPriorChunkDocs + 3, DocWithPrior(0.75));
  writer.Set(db, kPriorChunkDocs + 3, 0.75);
  expected[kPriorChunkDocs + 3] = 0.75;
  writer.Flush(db);
  db.commit();
  EXPECT_EQ(expected, ChunkPriors(db));
  EXPECT_EQ(0u, FirstPriorChunkMismatch(db));

  // A chunk that disagrees is found.
  db.replace_document(9, DocWithPrior(0.3));
  db.commit();
  EXPECT_EQ(9u, FirstPriorChunkMismatch(db));
  WriteAllPriorChunks(db);
  db.commit();
  EXPECT_EQ(0u, FirstPriorChunkMismatch(db));
}

TEST(UrlTermTest, EqualForEquivalentUrlsOnly) {
  EXPECT_EQ(UrlTerm("XU", "https://Example.com/a/"),
            UrlTerm("XU", "https://example.com/a"));
  EXPECT_NE(UrlTerm("XU", "https://example.com/a"),
            UrlTerm("XU", "https://example.com/b"));
  EXPECT_EQ(2u + 16u, UrlTerm("XU", "https://example.com/a").size());
  EXPECT_EQ(8u, CollapseKey("https://example.com/a").size());
}

TEST(StoredRecordTest, RoundTripsAndFillsWhatWasLeftOut) {
  Json fields = {{"path", "/srv/content/a.md"},
                 {"title", "A"},
                 {"url", "https://example.com/a"},
                 {"excerpt", "Text"},
                 {"topics", {"Azure"}},
                 {"quality", 80},
                 {"provider_name", "Example"}};
  Xapian::Document doc;
  doc.set_data(EncodeStoredRecord(fields));
  FileState state;
  state.size = 42;
  state.mtime_ns = 7;
  doc.add_value(kStateSlot, state.Serialise());
  const Json record = ReadStoredRecord(doc);
  EXPECT_EQ(DocumentIdForPath("/srv/content/a.md"), record["id"]);
  EXPECT_EQ("A", record["title"]);
  EXPECT_EQ(Json({"Azure"}), record["topics"]);
  EXPECT_EQ(80, record["quality"]);
  EXPECT_TRUE(record["heat"].is_null());
  EXPECT_TRUE(record["published"].is_null());
  EXPECT_EQ("Example", record["provider"]["name"]);
  EXPECT_EQ("", record["provider"]["domain"]);
  EXPECT_EQ("https://example.com/a", record["original_url"]);
  EXPECT_TRUE(record["is_published"].is_null());
  EXPECT_EQ(42, record["size"]);
  EXPECT_EQ(7, record["mtime_ns"]);

  EXPECT_EQ("", record["body"]);
  EXPECT_TRUE(IsStoredRecord(doc.get_data()));

  // A body goes after the JSON, behind a NUL, as it is; one that is not
  // valid UTF-8 stays in the JSON, where the encoder replaces the bad bytes.
  fields["body"] = "Body text: caf\xc3\xa9 and \"quotes\"\n";
  doc.set_data(EncodeStoredRecord(fields));
  const std::string data = doc.get_data();
  ASSERT_NE(std::string::npos, data.find('\0'));
  EXPECT_EQ(fields["body"].get<std::string>(),
            data.substr(data.find('\0') + 1));
  EXPECT_EQ(fields["body"], ReadStoredRecord(doc)["body"]);
  EXPECT_EQ("A", ReadStoredRecord(doc)["title"]);
  EXPECT_TRUE(IsStoredRecord(data));
  fields["body"] = "bad \xff byte";
  doc.set_data(EncodeStoredRecord(fields));
  EXPECT_EQ(std::string::npos, doc.get_data().find('\0'));
  EXPECT_EQ("bad \xef\xbf\xbd byte", ReadStoredRecord(doc)["body"]);

  // Garbage gives an empty record, not an exception.
  Xapian::Document broken;
  broken.set_data("{not json");
  const Json empty = ReadStoredRecord(broken);
  EXPECT_EQ("", empty["title"]);
  EXPECT_FALSE(empty.contains("size"));
  EXPECT_FALSE(IsStoredRecord("{not json"));
  EXPECT_FALSE(IsStoredRecord(""));
}

}  // namespace
}  // namespace nsearch
