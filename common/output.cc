#include "common/output.h"

#include "common/enum_names.h"
#include "common/text_util.h"

namespace nsearch {

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  // The names of the OutputFormat values, in enum order.
  static constexpr const char* kNames[] = {"text", "json", "jsonl"};
  return ParseEnumName<OutputFormat>("format", kNames, name);
}

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {

class JsonPrinter : public Printer {
 public:
  JsonPrinter(const PrinterOptions& options, std::ostream& out,
              std::ostream& err)
      : options_(options), out_(out), err_(err) {}

  void Print(const Json& result) override {
    if (options_.format == OutputFormat::kJsonl &&
        !options_.lines_key.empty() && result.contains(options_.lines_key)) {
      // Every line is a document of its own, so it carries the version.
      for (const auto& item : result[options_.lines_key]) {
        Json line = {{"version", kOutputVersion}};
        line.update(item);
        out_ << DumpJson(line) << '\n';
      }
      if (!options_.summary_keys.empty()) {
        // Last, so a reader streaming the hits learns the totals at the
        // end; its "summary" key tells it from a hit.
        Json summary = Json::object();
        for (const auto& key : options_.summary_keys)
          if (result.contains(key)) summary[key] = result[key];
        summary["returned"] = result[options_.lines_key].size();
        out_ << DumpJson({{"version", kOutputVersion}, {"summary", summary}})
             << '\n';
      }
    } else {
      out_ << DumpJson(result) << '\n';
    }
    out_.flush();
  }

  void Error(const Status& status) override {
    Json error = {{"version", kOutputVersion},
                  {"error",
                   {{"code", StatusCodeName(status.code())},
                    {"message", status.message()}}}};
    err_ << DumpJson(error) << '\n';
    err_.flush();
  }

  void Note(const std::string& message) override {
    err_ << "nsearch: " << TerminalSafe(message) << '\n';
  }

 private:
  PrinterOptions options_;
  std::ostream& out_;
  std::ostream& err_;
};

class TextPrinter : public Printer {
 public:
  // A message may span lines (a check report); no line may hold controls.
  static std::string SafeMessage(const Status& status) {
    return TerminalSafe(status.message(), TerminalLines::kKeep);
  }

  TextPrinter(const PrinterOptions& options, std::ostream& out,
              std::ostream& err)
      : options_(options), out_(out), err_(err) {}

  void Print(const Json& result) override {
    if (options_.text_renderer) {
      options_.text_renderer(result, options_.color, out_);
    } else {
      out_ << result.dump(2, ' ', false, Json::error_handler_t::replace)
           << '\n';
    }
    out_.flush();
  }

  void Error(const Status& status) override {
    if (options_.color) {
      err_ << "\x1b[1;31mnsearch: error:\x1b[0m " << SafeMessage(status)
           << '\n';
    } else {
      err_ << "nsearch: error: " << SafeMessage(status) << '\n';
    }
    err_.flush();
  }

  void Note(const std::string& message) override {
    err_ << "nsearch: " << TerminalSafe(message) << '\n';
  }

 private:
  PrinterOptions options_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace

std::unique_ptr<Printer> MakePrinter(const PrinterOptions& options,
                                     std::ostream& out, std::ostream& err) {
  if (options.format == OutputFormat::kText)
    return std::make_unique<TextPrinter>(options, out, err);
  return std::make_unique<JsonPrinter>(options, out, err);
}

}  // namespace nsearch
