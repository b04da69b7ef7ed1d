#include "indexer/scratch_texts.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nsearch::indexer {
namespace {

using nsearch::testing::TempDir;

std::string Title(size_t i) { return "Title " + std::to_string(i); }
std::string Excerpt(size_t i) {
  // Some empty, some long: the writes cross the 1 MiB buffer many times.
  return i % 7 == 0 ? "" : std::string(i % 5000, 'a' + i % 26) + "é";
}

// Pairs come back as they went in, from the buffer and from the file,
// whoever reads them; the file goes with the store.
TEST(ScratchTextsTest, PairsComeBackAsStoredFromAnyThread) {
  TempDir dir;
  const std::string path = dir.path() + "/texts";
  std::vector<uint64_t> at;
  {
    ScratchTexts texts(path);
    for (size_t i = 0; i < 3000; ++i) {
      at.push_back(texts.Add(Title(i), Excerpt(i)));
      if (i % 1000 == 0) {  // Still in the buffer, or just written.
        EXPECT_EQ(Title(i), texts.Read(at[i]).first);
        EXPECT_EQ(Excerpt(i), texts.Read(at[i]).second);
      }
    }
    EXPECT_GT(std::filesystem::file_size(path), 1u << 20);
    std::vector<std::thread> readers;
    std::vector<size_t> wrong(2);
    for (size_t t = 0; t < 2; ++t)
      readers.emplace_back([&, t] {
        for (size_t i = t; i < at.size(); i += 2) {
          const auto [title, excerpt] = texts.Read(at[i]);
          wrong[t] += title != Title(i) || excerpt != Excerpt(i);
        }
      });
    for (auto& r : readers) r.join();
    EXPECT_EQ(0u, wrong[0] + wrong[1]);
    const uint64_t end =
        at.back() + 8 + Title(2999).size() + Excerpt(2999).size();
    EXPECT_THROW(texts.Read(end), std::out_of_range);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ScratchTextsTest, AFolderThatIsNotThereIsASystemError) {
  TempDir dir;
  EXPECT_THROW(ScratchTexts(dir.path() + "/missing/texts"), std::system_error);
}

}  // namespace
}  // namespace nsearch::indexer
