#include "common/index_meta.h"

#include <cerrno>
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

TEST(UrlTermTest, EqualForEquivalentUrlsOnly) {
  EXPECT_EQ(UrlTerm("XU", "https://Example.com/a/"),
            UrlTerm("XU", "https://example.com/a"));
  EXPECT_NE(UrlTerm("XU", "https://example.com/a"),
            UrlTerm("XU", "https://example.com/b"));
  EXPECT_EQ(2u + 16u, UrlTerm("XU", "https://example.com/a").size());
  EXPECT_EQ(8u, CollapseKey("https://example.com/a").size());
}

TEST(StoredRecordTest, RoundTripsAndFillsWhatWasLeftOut) {
  StoredRecord fields;
  fields.path = "/srv/content/a.md";
  fields.title = "A";
  fields.url = "https://example.com/a";
  fields.original_url = fields.url;
  fields.excerpt = "Text";
  fields.topics = {"Azure"};
  fields.quality = 80;
  fields.provider_name = "Example";
  Xapian::Document doc;
  doc.set_data(EncodeStoredRecord(fields));
  // No key names, no nulls at the end, the id and file state left out.
  EXPECT_EQ(
      R"(["/srv/content/a.md","A","https://example.com/a","Text",["Azure"],)"
      R"("","",null,80,null,"","Example",""])",
      doc.get_data());
  FileState state;
  state.size = 42;
  state.mtime_ns = 7;
  doc.add_value(kStateSlot, state.Serialise());
  const StoredRecord record = ReadStoredRecord(doc);
  EXPECT_EQ(DocumentIdForPath("/srv/content/a.md"), record.id);
  EXPECT_EQ("A", record.title);
  EXPECT_EQ(std::vector<std::string>{"Azure"}, record.topics);
  EXPECT_EQ(80, record.quality);
  EXPECT_FALSE(record.heat.has_value());
  EXPECT_FALSE(record.published.has_value());
  EXPECT_EQ("Example", record.provider_name);
  EXPECT_EQ("", record.provider_domain);
  EXPECT_EQ("https://example.com/a", record.original_url);
  EXPECT_FALSE(record.is_published.has_value());
  ASSERT_TRUE(record.file.has_value());
  EXPECT_EQ(42, record.file->size);
  EXPECT_EQ(7, record.file->mtime_ns);
  EXPECT_FALSE(ReadStoredRecord(doc, /*file_state=*/false).file.has_value());

  EXPECT_EQ("", record.body);
  EXPECT_TRUE(IsStoredRecord(doc.get_data()));

  // An original URL that differs is kept, and so is a known publication.
  fields.original_url = "https://origin.example/a";
  fields.is_published = false;
  fields.published = "2024-05-01T00:00:00Z";
  doc.set_data(EncodeStoredRecord(fields));
  EXPECT_EQ("https://origin.example/a", ReadStoredRecord(doc).original_url);
  EXPECT_EQ(false, ReadStoredRecord(doc).is_published);
  EXPECT_EQ("2024-05-01T00:00:00Z", ReadStoredRecord(doc).published);

  // A body goes after the JSON, behind a NUL, as it is; one that is not
  // valid UTF-8 stays in the JSON, where the encoder replaces the bad bytes.
  fields.body = "Body text: caf\xc3\xa9 and \"quotes\"\n";
  doc.set_data(EncodeStoredRecord(fields));
  const std::string data = doc.get_data();
  ASSERT_NE(std::string::npos, data.find('\0'));
  EXPECT_EQ(fields.body, data.substr(data.find('\0') + 1));
  EXPECT_EQ(fields.body, ReadStoredRecord(doc).body);
  EXPECT_EQ("A", ReadStoredRecord(doc).title);
  EXPECT_TRUE(IsStoredRecord(data));
  fields.body = "bad \xff byte";
  doc.set_data(EncodeStoredRecord(fields));
  EXPECT_EQ(std::string::npos, doc.get_data().find('\0'));
  EXPECT_EQ("bad \xef\xbf\xbd byte", ReadStoredRecord(doc).body);

  // Garbage gives an empty record, not an exception.
  Xapian::Document broken;
  broken.set_data("{not json");
  const StoredRecord empty = ReadStoredRecord(broken);
  EXPECT_EQ("", empty.title);
  EXPECT_FALSE(empty.file.has_value());
  EXPECT_FALSE(IsStoredRecord("{not json"));
  EXPECT_FALSE(IsStoredRecord(""));
}

// Issue 11, item 9 and the disk-full minor: classified by type and errno,
// never by the wording of Xapian's message.
TEST(StatusFromXapianTest, SystemFailuresAreRuntimeErrorsNotCorruption) {
  const Status full = StatusFromXapian(
      Xapian::DatabaseError("Error writing block 271", ENOSPC), "/i");
  EXPECT_EQ(StatusCode::kIOError, full.code());
  EXPECT_NE(std::string::npos, full.message().find("no space left on device"))
      << full.message();
  EXPECT_EQ(StatusCode::kIOError,
            StatusFromXapian(Xapian::DatabaseOpeningError(
                                 "Couldn't open x for read/write", EROFS),
                             "/i")
                .code());
  // The same words without a system error: the index is damaged.
  EXPECT_EQ(
      StatusCode::kCorruption,
      StatusFromXapian(Xapian::DatabaseError("Error writing block 271"), "/i")
          .code());
  EXPECT_EQ(
      StatusCode::kCorruption,
      StatusFromXapian(Xapian::DatabaseError("fsync failed"), "/i").code());
  EXPECT_EQ(
      StatusCode::kCorruption,
      StatusFromXapian(
          Xapian::DatabaseOpeningError("Couldn't open table", ENOENT), "/i")
          .code());
}

}  // namespace
}  // namespace nsearch
