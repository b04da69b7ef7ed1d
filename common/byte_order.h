// Fixed-width little-endian integers in byte strings, for the binary
// records that are ours alone (the story signature, scratch files).

#ifndef NSEARCH_COMMON_BYTE_ORDER_H_
#define NSEARCH_COMMON_BYTE_ORDER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace nsearch {

template <typename T>
void PutLittleEndian(T v, std::string* out) {
  static_assert(std::is_unsigned_v<T>);
  for (size_t i = 0; i < sizeof(T); ++i)
    out->push_back(static_cast<char>(v >> (8 * i)));
}

// REQUIRES: at + sizeof(T) <= in.size().
template <typename T>
T GetLittleEndian(std::string_view in, size_t at) {
  static_assert(std::is_unsigned_v<T>);
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<T>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

}  // namespace nsearch

#endif  // NSEARCH_COMMON_BYTE_ORDER_H_
