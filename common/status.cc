#include "common/status.h"

namespace nsearch {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "path_not_found";
    case StatusCode::kIndexMissing:
      return "index_missing";
    case StatusCode::kDocumentNotFound:
      return "document_not_found";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kSchemaMismatch:
      return "schema_mismatch";
    case StatusCode::kBusy:
      return "busy";
    case StatusCode::kIOError:
      return "io_error";
    case StatusCode::kInternal:
      return "internal";
    case StatusCode::kRejected:
      return "rejected";
    case StatusCode::kLimitExceeded:
      return "limit_exceeded";
    case StatusCode::kTimeout:
      return "timeout";
    case StatusCode::kShardUnavailable:
      return "shard_unavailable";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace nsearch
