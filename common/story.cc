#include "common/story.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "common/byte_order.h"
#include "common/hash.h"
#include "common/index_meta.h"

namespace nsearch {

namespace {

// SplitMix64's finalizer: a good 64-bit mix, one per MinHash function.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A title word that tells items of a series apart: it has a digit ("Part
// 2", "2024", "v3") or names a month ("January updates").
bool IsSeriesWord(std::string_view s) {
  static constexpr std::string_view kMonths[] = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december",
      "jan",     "feb",      "mar",       "apr",     "jun",      "jul",
      "aug",     "sep",      "sept",      "oct",     "nov",      "dec"};
  if (std::any_of(s.begin(), s.end(),
                  [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  return std::find(std::begin(kMonths), std::end(kMonths), s) !=
         std::end(kMonths);
}

}  // namespace

StoryText MakeStoryText(Analyzer& analyzer, std::string_view title,
                        std::string_view excerpt) {
  StoryText text;
  std::vector<std::string> title_words;
  analyzer.Tokenize(title,
                    [&](const Token& t) { title_words.push_back(t.term); });
  std::string joined, numbers;
  for (const auto& w : title_words) {
    joined += w + ' ';
    if (IsSeriesWord(w)) numbers += w + ' ';
  }
  if (title_words.size() >= 3) text.title_hash = Fnv1a64(joined) | 1;
  text.numbers_hash = Fnv1a64(numbers);
  text.title_words = title_words.size();
  constexpr size_t kEnd = 5;
  if (title_words.size() > kEnd) {
    std::string head, tail;
    for (size_t i = 0; i < kEnd; ++i) {
      head += title_words[i] + ' ';
      tail += title_words[title_words.size() - kEnd + i] + ' ';
    }
    text.head_hash = Fnv1a64(head) | 1;
    text.tail_hash = Fnv1a64(tail) | 1;
  }

  std::vector<uint64_t> words;
  for (const auto& w : title_words) words.push_back(Fnv1a64(w));
  words.push_back(0);  // The title's end: pairs never span the two fields.
  analyzer.Tokenize(excerpt,
                    [&](const Token& t) { words.push_back(Fnv1a64(t.term)); });
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const uint64_t pair = Mix(words[i]) ^ words[i + 1];
    text.pairs.push_back(pair);
    if (i + 1 < title_words.size()) text.title_pairs.push_back(pair);
  }
  for (auto* set : {&text.pairs, &text.title_pairs}) {
    std::sort(set->begin(), set->end());
    set->erase(std::unique(set->begin(), set->end()), set->end());
  }
  return text;
}

namespace {

// Of two sorted sets without repeats.
double Jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  size_t shared = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++shared, ++i, ++j;
    }
  }
  const size_t all = a.size() + b.size() - shared;
  return all == 0 ? 0 : static_cast<double>(shared) / static_cast<double>(all);
}

}  // namespace

bool SimilarTexts(const StoryText& a, const StoryText& b, double similarity) {
  // Titles alone must be closer: half the way from `similarity` to 1 (0.9
  // for 0.8, one word added at an end of a 10-word title).
  const double titles = Jaccard(a.title_pairs, b.title_pairs);
  if (a.title_words >= 5 && b.title_words >= 5 &&
      titles >= (1 + similarity) / 2)
    return true;
  const double texts = Jaccard(a.pairs, b.pairs);
  return texts >= similarity && (titles >= 0.5 || texts >= 0.9);
}

StorySignature SignatureOf(const StoryText& text) {
  StorySignature sig;
  sig.title_hash = text.title_hash;
  sig.numbers_hash = text.numbers_hash;
  sig.head_hash = text.head_hash;
  sig.tail_hash = text.tail_hash;
  for (size_t i = 0; i < StorySignature::kHashes; ++i) {
    uint64_t low = std::numeric_limits<uint64_t>::max();
    const uint64_t seed = Mix(i + 1);
    for (uint64_t p : text.pairs) low = std::min(low, Mix(p ^ seed));
    sig.minhash[i] = static_cast<uint16_t>(low >> 48);  // b-bit MinHash.
  }
  return sig;
}

std::string StorySignature::Serialise() const {
  std::string out;
  out.reserve(32 + 2 * kHashes);
  PutLittleEndian<uint64_t>(title_hash, &out);
  PutLittleEndian<uint64_t>(numbers_hash, &out);
  PutLittleEndian<uint64_t>(head_hash, &out);
  PutLittleEndian<uint64_t>(tail_hash, &out);
  for (uint16_t h : minhash) {
    out.push_back(static_cast<char>(h & 0xFF));
    out.push_back(static_cast<char>(h >> 8));
  }
  return out;
}

std::optional<StorySignature> StorySignature::Unserialise(
    std::string_view bytes) {
  if (bytes.size() != 32 + 2 * kHashes) return std::nullopt;
  StorySignature sig;
  sig.title_hash = GetLittleEndian<uint64_t>(bytes, 0);
  sig.numbers_hash = GetLittleEndian<uint64_t>(bytes, 8);
  sig.head_hash = GetLittleEndian<uint64_t>(bytes, 16);
  sig.tail_hash = GetLittleEndian<uint64_t>(bytes, 24);
  for (size_t i = 0; i < kHashes; ++i) {
    const auto lo = static_cast<unsigned char>(bytes[32 + 2 * i]);
    const auto hi = static_cast<unsigned char>(bytes[33 + 2 * i]);
    sig.minhash[i] = static_cast<uint16_t>(lo | (hi << 8));
  }
  return sig;
}

double StorySignature::Estimate(const StorySignature& other) const {
  size_t same = 0;
  for (size_t i = 0; i < kHashes; ++i) same += minhash[i] == other.minhash[i];
  return static_cast<double>(same) / kHashes;
}

std::vector<std::string> StorySignature::Terms() const {
  std::vector<std::string> terms;
  constexpr size_t kRows = 4;
  for (size_t band = 0; band < kBands; ++band) {
    uint64_t v = band;
    for (size_t r = 0; r < kRows; ++r)
      v = (v << 16) ^ Mix(v) ^ minhash[band * kRows + r];
    terms.push_back(kStoryBandPrefix + Hex64(Mix(v)));
  }
  for (uint64_t h : {title_hash, head_hash, tail_hash})
    if (h) terms.push_back(kStoryTitlePrefix + Hex64(h));
  return terms;
}

std::string OwnStoryKey(std::string_view id, uint64_t content_hash) {
  return Hex64(Fnv1a64(std::string(id) + ":" + Hex64(content_hash)));
}

std::optional<bool> SameStoryBySignature(const StoryFacts& a,
                                         const StoryFacts& b,
                                         const StorySpec& spec) {
  // Both dated and close, or both undated.
  if (a.date.has_value() != b.date.has_value()) return false;
  if (a.date) {
    const int64_t gap =
        *a.date > *b.date ? *a.date - *b.date : *b.date - *a.date;
    if (gap > spec.window_seconds) return false;
  }
  if (a.signature.numbers_hash != b.signature.numbers_hash) return false;
  if (a.signature.title_hash &&
      a.signature.title_hash == b.signature.title_hash)
    return true;
  // Titles alike at one end: only their texts can tell.
  if ((a.signature.head_hash &&
       a.signature.head_hash == b.signature.head_hash) ||
      (a.signature.tail_hash && a.signature.tail_hash == b.signature.tail_hash))
    return std::nullopt;
  // The estimate is off by up to ~0.2 for 32 hashes: far below the
  // threshold, the texts are not compared.
  if (a.signature.Estimate(b.signature) < spec.similarity - 0.25) return false;
  return std::nullopt;
}

}  // namespace nsearch
