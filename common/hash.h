// Small non-cryptographic hashes for identifiers and change detection.

#ifndef NSEARCH_COMMON_HASH_H_
#define NSEARCH_COMMON_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace nsearch {

// 64-bit FNV-1a. Stable across platforms and releases: it names documents
// and schemas inside indexes, so it must never change.
inline uint64_t Fnv1a64(std::string_view data) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// A fast 64-bit hash of file contents (eight bytes at a time), for change
// detection. Stable: stored in indexes; never change it.
uint64_t HashBytes64(std::string_view data);

// Lower-case, zero-padded, 16 hex digits.
std::string Hex64(uint64_t value);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_HASH_H_
