#include "indexer/chunk_queue.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace nsearch::indexer {
namespace {

SourceFile File(size_t i, int64_t size = 0) {
  return SourceFile{"/t/" + std::to_string(100000 + i) + ".md", "/t", size, 0};
}

// While the walk goes on, a worker gets whole chunks of chunk_files files;
// once it is over, the chunks shrink (the rest's cost over twice the
// threads), so the threads finish together; every file comes out once, in
// order, and chunk indexes follow the files.
TEST(ChunkQueueTest, ChunksAreWholeDuringTheWalkAndShrinkAfterIt) {
  ChunkQueue queue(/*jobs=*/2, /*chunk_files=*/1000);
  for (size_t i = 0; i < 2500; ++i) ASSERT_TRUE(queue.Push(File(i)));
  std::optional<Chunk> first = queue.Pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(1000u, first->files.size());
  // Up to the queue's capacity, (2 + 2) × 1000 files: Push would wait.
  for (size_t i = 2500; i < 5000; ++i) ASSERT_TRUE(queue.Push(File(i)));
  queue.Close();
  std::vector<size_t> sizes = {first->files.size()};
  size_t next_file = first->files.size(), next_index = 1;
  while (std::optional<Chunk> chunk = queue.Pop()) {
    EXPECT_EQ(next_index++, chunk->index);
    for (const SourceFile& f : chunk->files)
      EXPECT_EQ(File(next_file++).path, f.path);
    sizes.push_back(chunk->files.size());
  }
  EXPECT_EQ(5000u, next_file);
  // 4,000 left: 1000 (a quarter), 750, 563, 422, 317, then 250-file chunks.
  ASSERT_GE(sizes.size(), 8u);
  EXPECT_EQ(1000u, sizes[1]);
  for (size_t i = 2; i + 1 < sizes.size(); ++i)
    EXPECT_LE(sizes[i], sizes[i - 1]) << i;
  EXPECT_LE(sizes.back(), 250u);
  EXPECT_LT(sizes[sizes.size() - 2], 400u);
}

// A share is by cost (a fixed amount a file plus its size), not by count:
// a chunk of big files has fewer of them.
TEST(ChunkQueueTest, ATailChunkOfBigFilesHasFewerFiles) {
  ChunkQueue queue(/*jobs=*/2, /*chunk_files=*/100000);
  for (size_t i = 0; i < 4000; ++i) queue.Push(File(i, 8192));
  for (size_t i = 4000; i < 8000; ++i) queue.Push(File(i, 0));
  queue.Close();
  // Rest's cost: 4000 × 16384 + 4000 × 8192; a quarter of it is 1,500 big
  // files.
  std::optional<Chunk> chunk = queue.Pop();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(1500u, chunk->files.size());
}

// A cancelled queue (a stop, a failed worker) drops its files and refuses
// more; a small tree's files wait for the walk's end and come out too.
TEST(ChunkQueueTest, CancelDropsAndRefusesAndCloseReleasesASmallTree) {
  ChunkQueue small(2, 1000);
  for (size_t i = 0; i < 10; ++i) small.Push(File(i));
  small.Close();
  std::optional<Chunk> all = small.Pop();
  ASSERT_TRUE(all);
  EXPECT_EQ(10u, all->files.size());  // Below the 250-file floor: one chunk.
  EXPECT_FALSE(small.Pop());

  ChunkQueue cancelled(2, 1000);
  for (size_t i = 0; i < 10; ++i) cancelled.Push(File(i));
  cancelled.Cancel();
  EXPECT_FALSE(cancelled.Pop());
  EXPECT_FALSE(cancelled.Push(File(11)));
}

}  // namespace
}  // namespace nsearch::indexer
