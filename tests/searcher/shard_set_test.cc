#include "searcher/shard_set.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

namespace nsearch::searcher {
namespace {

// The stub's answers, one per read (the last one repeats), and the
// generations `open` was asked for; `fails` throws for these.
class Fake {
 public:
  Fake(std::vector<std::string> answers, std::vector<std::string> gone)
      : live(std::move(answers)), fails(std::move(gone)) {}

  std::vector<std::string> live;
  std::vector<std::string> fails;
  size_t reads = 0;
  std::vector<std::string> opened;

  std::string Live() {
    const std::string g = live[std::min(reads, live.size() - 1)];
    ++reads;
    return g;
  }
  void Open(const std::string& generation) {
    opened.push_back(generation);
    for (const std::string& f : fails)
      if (f == generation) throw Xapian::DatabaseNotFoundError("gone: " + f);
  }
  std::string Run() {
    return OpenLiveGeneration([this] { return Live(); },
                              [this](const std::string& g) { Open(g); });
  }
};

// A rebuild swapped in gen-3 and removed gen-1 (two swaps back) between
// the stub's read and the open: the newer generation is opened.
TEST(OpenLiveGenerationTest, OpensTheNewerGenerationWhenTheReadOneIsGone) {
  Fake fake{{"gen-1", "gen-3"}, {"gen-1"}};
  EXPECT_EQ("gen-3", fake.Run());
  EXPECT_EQ((std::vector<std::string>{"gen-1", "gen-3"}), fake.opened);
}

TEST(OpenLiveGenerationTest, AnErrorOfTheStillLiveGenerationIsReported) {
  Fake fake{{"gen-1"}, {"gen-1"}};
  EXPECT_THROW(fake.Run(), Xapian::DatabaseNotFoundError);
  EXPECT_EQ(std::vector<std::string>{"gen-1"}, fake.opened);
}

// A stub that names a newer generation at every read, none of which opens.
TEST(OpenLiveGenerationTest, GivesUpAfterFiveTries) {
  std::vector<std::string> generations;
  for (int g = 1; g <= 20; ++g) generations.push_back("g" + std::to_string(g));
  Fake fake(generations, generations);
  EXPECT_THROW(fake.Run(), Xapian::DatabaseNotFoundError);
  EXPECT_EQ(5u, fake.opened.size());
}

TEST(OpenLiveGenerationTest, OnlyDatabaseErrorsAreTriedAgain) {
  int opens = 0;
  EXPECT_THROW(OpenLiveGeneration([&] { return std::to_string(opens); },
                                  [&](const std::string&) {
                                    ++opens;
                                    throw Xapian::NetworkError("no");
                                  }),
               Xapian::NetworkError);
  EXPECT_EQ(1, opens);
}

}  // namespace
}  // namespace nsearch::searcher
