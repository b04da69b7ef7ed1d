// Enums spelled on the command line (--sort, --collapse, --histogram,
// --format, ...): one table of names in enum order serves both ways.

#ifndef NSEARCH_COMMON_ENUM_NAMES_H_
#define NSEARCH_COMMON_ENUM_NAMES_H_

#include <cstddef>
#include <string>

#include "common/status.h"

namespace nsearch {

// The value of `Enum` that `name` names, `names` listing the names in enum
// order; those before `first` are not for parsing. Else InvalidArgument
// "unknown WHAT 'NAME' (expected A, B or C)", with the names from `first`.
template <typename Enum, size_t N>
Result<Enum> ParseEnumName(const char* what, const char* const (&names)[N],
                           const std::string& name, size_t first = 0) {
  for (size_t i = first; i < N; ++i)
    if (name == names[i]) return static_cast<Enum>(i);
  std::string expected;
  for (size_t i = first; i < N; ++i)
    expected += (i == first   ? ""
                 : i + 1 == N ? " or "
                              : ", ") +
                std::string(names[i]);
  return InvalidArgument("unknown " + std::string(what) + " '" + name +
                         "' (expected " + expected + ")");
}

}  // namespace nsearch

#endif  // NSEARCH_COMMON_ENUM_NAMES_H_
