// Fuzz target for the batch request parser (cli/batch_request.h): every
// line either gives a request with a valid UTF-8 query or a clear error;
// no exception escapes (nlohmann::json's get<> on a wrong type would).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/batch_request.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nsearch;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const searcher::SearchRequest defaults;
  Json id = nullptr;
  const Result<cli::BatchRequest> parsed =
      cli::ParseBatchLine(line, defaults, &id);
  // The reply echoes the id, so it must serialize.
  (void)DumpJson(id);
  if (!parsed.ok()) {
    fuzz::Check(!parsed.error().message().empty(), "an error says why");
    (void)DumpJson(Json(parsed.error().message()));
    return 0;
  }
  if (parsed->suggest) {
    fuzz::Check(fuzz::IsValidUtf8(parsed->suggest->text),
                "accepted suggest text is valid UTF-8");
    return 0;
  }
  fuzz::Check(fuzz::IsValidUtf8(parsed->request.query),
              "an accepted query is valid UTF-8");
  return 0;
}
