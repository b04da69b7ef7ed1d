#include "common/shard_list.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

TEST(ShardListTest, ReadsLocalAndRemoteShards) {
  auto list = ParseShardList(
      "# four shards\n"
      "\n"
      "  /srv/a  \n"
      "b\n"
      "auto c/d\n"
      "remote tcp search-2.internal 33333\n"
      "remote 10.0.0.7:8100\n"
      "remote [::1]:9\n",
      "/base", "list");
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(6u, list->size());
  EXPECT_EQ("/srv/a", (*list)[0].path);
  EXPECT_EQ("/base/b", (*list)[1].path);
  EXPECT_EQ("/base/c/d", (*list)[2].Name());
  EXPECT_EQ("tcp://search-2.internal:33333", (*list)[3].Name());
  EXPECT_EQ("10.0.0.7", (*list)[4].host);
  EXPECT_EQ(8100u, (*list)[4].port);
  EXPECT_EQ("tcp://[::1]:9", (*list)[5].Name());
  EXPECT_FALSE((*list)[0].remote());
  EXPECT_TRUE((*list)[5].remote());
}

TEST(ShardListTest, RefusesBadLinesNamingThem) {
  for (const char* bad :
       {"a\nremote tcp host\n", "remote tcp host 0\n", "remote tcp h 65536\n",
        "remote tcp h 80x\n", "remote :xapian-progsrv db\n", "remote h\n"}) {
    auto list = ParseShardList(bad, "/", "list");
    ASSERT_FALSE(list.ok()) << bad;
    EXPECT_EQ(StatusCode::kInvalidArgument, list.error().code());
    EXPECT_NE(std::string::npos, list.error().message().find("list, line"))
        << list.error().message();
  }
  EXPECT_FALSE(ParseShardList("# nothing\n\n", "/", "list").ok());
  std::string many;
  for (size_t i = 0; i <= kMaxListedShards; ++i) many += "s\n";
  auto too_many = ParseShardList(many, "/", "list");
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(std::string::npos, too_many.error().message().find("more than"));
}

TEST(ShardListTest, ParsesListenAddresses) {
  auto port_only = ParseHostPort("8100", "127.0.0.1");
  ASSERT_TRUE(port_only.ok());
  EXPECT_EQ("tcp://127.0.0.1:8100", port_only->Name());
  EXPECT_EQ("tcp://0.0.0.0:1", ParseHostPort("0.0.0.0:1", "x")->Name());
  for (const char* bad : {"", ":", "h:", "h:0", "h:65536", "[::1]", "h:-1"})
    EXPECT_FALSE(ParseHostPort(bad, "127.0.0.1").ok()) << bad;
}

TEST(ShardListTest, ReadsAFileRelativeToItsFolder) {
  testing::TempDir dir;
  const std::string path = dir.Write("lists/shards.txt", "../ix\n");
  auto list = ReadShardList(path);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_EQ(dir.path() + "/ix", (*list)[0].path);
  EXPECT_EQ(StatusCode::kNotFound,
            ReadShardList(dir.path() + "/none").error().code());
  EXPECT_EQ(StatusCode::kInvalidArgument,
            ReadShardList(dir.path()).error().code());
}

}  // namespace
}  // namespace nsearch
