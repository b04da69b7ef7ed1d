#include "indexer/parallel.h"

#include <atomic>
#include <sched.h>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace nsearch::indexer {
namespace {

// The default --jobs follows the CPU affinity (taskset, a container's
// cpuset), as nproc does, not the machine's core count.
TEST(ParallelTest, UsableCoresFollowsTheAffinity) {
  cpu_set_t all;
  CPU_ZERO(&all);
  ASSERT_EQ(0, sched_getaffinity(0, sizeof all, &all));
  EXPECT_EQ(static_cast<unsigned>(CPU_COUNT(&all)), UsableCores());
  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(0, sched_setaffinity(0, sizeof one, &one));
  EXPECT_EQ(1u, UsableCores());
  ASSERT_EQ(0, sched_setaffinity(0, sizeof all, &all));
  EXPECT_EQ(static_cast<unsigned>(CPU_COUNT(&all)), UsableCores());
}

TEST(ParallelTest, EachItemRunsOnceAndTheFirstErrorIsRethrown) {
  std::vector<std::atomic<int>> runs(100);
  ForEachInParallel(runs.size(), 4, [&](size_t i, unsigned thread) {
    EXPECT_LT(thread, 4u);
    ++runs[i];
  });
  for (const auto& r : runs) EXPECT_EQ(1, r.load());
  EXPECT_THROW(ForEachInParallel(10, 3,
                                 [](size_t i, unsigned) {
                                   if (i == 7) throw std::runtime_error("7");
                                 }),
               std::runtime_error);
}

}  // namespace
}  // namespace nsearch::indexer
