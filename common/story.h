// Near-duplicate signatures of documents, to find copies of one story
// (README "Stories"): the same story from several outlets, or the same
// item re-published under a slightly different title.
//
// A document's story text is its title and excerpt as analyzer terms. Two
// documents are copies when (SameStoryBySignature, SimilarTexts) their titles'
// numbers and month names agree ("Part 1" is not "Part 2") and either their
// titles are the same (3 words or more) or the word pairs of their story texts
// overlap by at least the schema's similarity (Jaccard). A MinHash of the word
// pairs finds the candidates: its bands become index terms, so that candidates
// are a posting-list lookup, at indexing time and in any later run.

#ifndef NSEARCH_COMMON_STORY_H_
#define NSEARCH_COMMON_STORY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/analyzer.h"
#include "common/schema.h"

namespace nsearch {

// The story terms' prefixes (kStoryBandPrefix, kStoryTitlePrefix,
// kStoryKeyPrefix) are in common/index_meta.h, with the index's others.

// The word pairs of a document's story text (hashed), and what its title
// says about identity.
struct StoryText {
  // Sorted, without repeats (a set in a flat array: one allocation, and a
  // merge to compare).
  std::vector<uint64_t> pairs;  // Of the title and excerpt.
  std::vector<uint64_t> title_pairs;
  size_t title_words = 0;
  uint64_t title_hash = 0;    // 0: a title of fewer than 3 words.
  uint64_t numbers_hash = 0;  // Of the title's numbers and month names.
  // Of the first and of the last 5 words of a title of 6+ words (else 0):
  // candidates for titles that differ only at one end.
  uint64_t head_hash = 0, tail_hash = 0;
};

StoryText MakeStoryText(Analyzer& analyzer, std::string_view title,
                        std::string_view excerpt);

// Whether two story texts are alike enough to be one story: their titles'
// word pairs overlap by (1 + similarity) / 2 (Jaccard; titles of 5 words
// or more),
// or their title-and-excerpt word pairs do, and then either the titles
// still share half their pairs or the texts 90% (a templated excerpt must
// not join two items whose titles differ).
bool SimilarTexts(const StoryText& a, const StoryText& b, double similarity);

// What the index keeps of a story text: 96 bytes in the signature slot.
struct StorySignature {
  static constexpr size_t kHashes = 32;
  static constexpr size_t kBands = 6;  // Of 4 hashes each.
  uint64_t title_hash = 0;
  uint64_t numbers_hash = 0;
  uint64_t head_hash = 0, tail_hash = 0;
  std::array<uint16_t, kHashes> minhash{};

  std::string Serialise() const;
  static std::optional<StorySignature> Unserialise(std::string_view bytes);
  // The fraction of MinHash values two signatures share (estimates the
  // Jaccard similarity of their word pairs).
  double Estimate(const StorySignature& other) const;
  // The candidate terms: one per band, and the title's, its head's and its
  // tail's when it has them.
  std::vector<std::string> Terms() const;
};

StorySignature SignatureOf(const StoryText& text);

// A document's own story key, before it joins a story: unique to this
// version of the document (id and content hash).
std::string OwnStoryKey(std::string_view id, uint64_t content_hash);

// What SameStory compares of one document.
struct StoryFacts {
  std::optional<int64_t> date;  // Seconds since the epoch.
  StorySignature signature;
};

// Whether a and b are copies of one story by date and signature alone:
// nullopt when only their full story texts can tell (the caller then
// compares PairSimilarity with the schema's similarity).
std::optional<bool> SameStoryBySignature(const StoryFacts& a,
                                         const StoryFacts& b,
                                         const StorySpec& spec);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_STORY_H_
