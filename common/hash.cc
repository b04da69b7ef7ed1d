#include "common/hash.h"

#include <cstring>

namespace nsearch {

uint64_t HashBytes64(std::string_view data) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = 0x243F6A8885A308D3ULL ^ (data.size() * kMul);
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < data.size(); ++k)
    tail |= static_cast<uint64_t>(static_cast<unsigned char>(data[i + k]))
            << (8 * k);
  h = (h ^ tail) * kMul;
  h ^= h >> 32;
  return h;
}

std::string Hex64(uint64_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = kDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

}  // namespace nsearch
