// Status and Result<T>: how fallible nsearch functions report failure.
//
// Core code never throws across a library boundary: Xapian, yaml-cpp, Boost and
// ICU failures are converted to a Status (with context) where they are called.
// Result<T> is shaped like C++23 std::expected<T, Status> so it can be swapped.

#ifndef NSEARCH_COMMON_STATUS_H_
#define NSEARCH_COMMON_STATUS_H_

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace nsearch {

// What went wrong. Each code maps to one process exit code (see ExitCodeFor).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // Bad command line, bad query, bad request.   -> exit 2
  kNotFound,          // A file or folder given does not exist.      -> exit 3
  kIndexMissing,      // No index at the index path.                 -> exit 3
  kDocumentNotFound,  // No document with that id or path.          -> exit 3
  kCorruption,        // Index unreadable or not an nsearch index.   -> exit 3
  kSchemaMismatch,    // Index built by another schema or analyzer.  -> exit 3
  kBusy,              // Another writer holds the index lock.        -> exit 4
  kIOError,           // Reading or writing failed.                  -> exit 1
  kInternal,          // A bug or an unexpected library error.       -> exit 1
  kRejected,          // Input file rejected (used per file, not as an exit).
  kLimitExceeded,     // A query limit (length, nesting, expansion). -> exit 2
  kTimeout,           // --timeout-ms elapsed.                       -> exit 1
  kShardUnavailable,  // A remote shard does not answer.             -> exit 1
};

// A stable, lower-case identifier for the code, used in JSON error objects
// (the table in README "Error codes").
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK.
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFound(std::string m) {
  return Status(StatusCode::kNotFound, std::move(m));
}
inline Status IndexMissing(std::string m) {
  return Status(StatusCode::kIndexMissing, std::move(m));
}
inline Status DocumentNotFound(std::string m) {
  return Status(StatusCode::kDocumentNotFound, std::move(m));
}
inline Status Corruption(std::string m) {
  return Status(StatusCode::kCorruption, std::move(m));
}
inline Status SchemaMismatch(std::string m) {
  return Status(StatusCode::kSchemaMismatch, std::move(m));
}
inline Status Busy(std::string m) {
  return Status(StatusCode::kBusy, std::move(m));
}
inline Status IOError(std::string m) {
  return Status(StatusCode::kIOError, std::move(m));
}
inline Status Internal(std::string m) {
  return Status(StatusCode::kInternal, std::move(m));
}
inline Status Rejected(std::string m) {
  return Status(StatusCode::kRejected, std::move(m));
}
inline Status LimitExceeded(std::string m) {
  return Status(StatusCode::kLimitExceeded, std::move(m));
}
inline Status ShardUnavailable(std::string m) {
  return Status(StatusCode::kShardUnavailable, std::move(m));
}

// OK when `value` lies in [low, high], else InvalidArgument "WHAT must be
// from LOW to HIGH (got VALUE)" (WHAT: the option or field, e.g. "--jobs").
// Numbers users type are read signed, so that "-1" is not a huge count.
inline Status CheckRange(const std::string& what, int64_t value, int64_t low,
                         int64_t high) {
  if (value >= low && value <= high) return Status::Ok();
  return InvalidArgument(what + " must be from " + std::to_string(low) +
                         " to " + std::to_string(high) + " (got " +
                         std::to_string(value) + ")");
}

// OK when `value` is at most `most`, else InvalidArgument "WHAT must be at
// most MOST" (WHAT: the option, e.g. "--limit").
inline Status CheckAtMost(const std::string& what, uint64_t value,
                          uint64_t most) {
  if (value <= most) return Status::Ok();
  return InvalidArgument(what + " must be at most " + std::to_string(most));
}

// Holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design.
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
  }

  bool has_value() const { return value_.has_value(); }
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

  // The error; OK when has_value().
  const Status& error() const { return status_; }
  const Status& status() const { return status_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace nsearch

#define NSEARCH_CONCAT_INNER_(a, b) a##b
#define NSEARCH_CONCAT_(a, b) NSEARCH_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define NSEARCH_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::nsearch::Status nsearch_status_ = (expr);        \
    if (!nsearch_status_.ok()) return nsearch_status_; \
  } while (0)

// `lhs = value of expr` (a Result<T>), or returns its error.
#define NSEARCH_ASSIGN_OR_RETURN(lhs, expr)                    \
  auto NSEARCH_CONCAT_(nsearch_result_, __LINE__) = (expr);    \
  if (!NSEARCH_CONCAT_(nsearch_result_, __LINE__).ok())        \
    return NSEARCH_CONCAT_(nsearch_result_, __LINE__).error(); \
  lhs = std::move(NSEARCH_CONCAT_(nsearch_result_, __LINE__)).value()

#endif  // NSEARCH_COMMON_STATUS_H_
