// The one output path of nsearch (after notmuch's sprinter): every command
// builds its result as a JSON value with the keys fixed in SPEC §5, and a
// Printer renders it as JSON, JSON lines or human text. Errors go through the
// same Printer so that `--format json` callers always get JSON on stderr.
//
// Thread-safety: a Printer writes to its streams unsynchronized; use one per
// thread or guard it.

#ifndef NSEARCH_COMMON_OUTPUT_H_
#define NSEARCH_COMMON_OUTPUT_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace nsearch {

using Json = nlohmann::ordered_json;

// The version of every JSON document nsearch prints (docs/output-format.md).
inline constexpr int kOutputVersion = 1;

enum class OutputFormat { kText, kJson, kJsonl };

// Parses "text", "json" or "jsonl".
Result<OutputFormat> ParseOutputFormat(const std::string& name);

// Renders a result as text. `color` asks for ANSI colour.
using TextRenderer =
    std::function<void(const Json& result, bool color, std::ostream& out)>;

class Printer {
 public:
  virtual ~Printer() = default;
  // Prints one command result. For JSON lines, `lines_key` names the array
  // printed one element per line (e.g. "hits"); empty prints one line.
  virtual void Print(const Json& result) = 0;
  // Prints an error: {"error": {"code", "message"}} or "nsearch: message".
  virtual void Error(const Status& status) = 0;
  // Prints a warning or note to stderr (text only; JSON callers read the
  // structured result instead).
  virtual void Note(const std::string& message) = 0;
};

struct PrinterOptions {
  OutputFormat format = OutputFormat::kText;
  bool color = false;     // ANSI colour in text output.
  std::string lines_key;  // For kJsonl: the array to print per line.
  // For kJsonl: the keys of the result copied into the summary line that
  // ends the output, {"version", "summary": {..., "returned"}} (empty: no
  // summary line).
  std::vector<std::string> summary_keys;
  TextRenderer text_renderer;  // For kText; default prints indented JSON.
};

std::unique_ptr<Printer> MakePrinter(const PrinterOptions& options,
                                     std::ostream& out, std::ostream& err);

// Serializes compactly; invalid UTF-8 (e.g. in paths) becomes U+FFFD.
std::string DumpJson(const Json& value);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_OUTPUT_H_
