#include "common/front_matter.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/text_util.h"

namespace nsearch {

namespace {

constexpr int kMaxNesting = 64;

ParseOutcome Reject(std::string reason, int line = 0, int column = 0,
                    std::string field = {}) {
  ParseOutcome out;
  out.rejection = Rejection{std::move(reason), line, column, std::move(field)};
  return out;
}

int LineOfOffset(std::string_view text, size_t offset) {
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + offset, '\n'));
}

// Splits into lines without their terminators ("\n" or "\r\n").
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == text.size()) break;
    start = nl + 1;
  }
  return lines;
}

bool IsDelimiter(std::string_view line) {
  line = Trim(line);
  return line == "---";
}

// The key of a top-level mapping entry ("title: x" -> "title"), or empty
// when the line continues the previous entry (indented, list item, comment).
std::string_view TopLevelKey(std::string_view line) {
  if (line.empty()) return {};
  const char c = line[0];
  if (c == ' ' || c == '\t' || c == '-' || c == '#') return {};
  if (c == '"' || c == '\'') {
    const size_t close = line.find(c, 1);
    if (close == std::string_view::npos) return {};
    return line.substr(1, close - 1);
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {};
  return Trim(line.substr(0, colon));
}

// The first kept top-level key whose value opens a quote, [ or { that the
// same line does not close: its 1-based line and the opening character, or
// {0, 0} if none.
std::pair<int, char> FindUnclosedValue(
    const std::vector<std::string_view>& lines, size_t close,
    const std::set<std::string>& wanted) {
  for (size_t i = 1; i < close; ++i) {
    const std::string_view key = TopLevelKey(lines[i]);
    if (key.empty() || wanted.count(std::string(key)) == 0) continue;
    const size_t colon = lines[i].find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view value = Trim(lines[i].substr(colon + 1));
    if (value.empty()) continue;
    const char open = value[0];
    if (open == '"' || open == '\'') {
      bool closed = false;
      for (size_t k = 1; k < value.size(); ++k) {
        if (open == '"' && value[k] == '\\') {
          ++k;
        } else if (value[k] == open) {
          closed = true;
          break;
        }
      }
      if (!closed) return {static_cast<int>(i) + 1, open};
    } else if (open == '[' || open == '{') {
      int depth = 0;
      for (char c : value) {
        if (c == '[' || c == '{') ++depth;
        if (c == ']' || c == '}') --depth;
      }
      if (depth > 0) return {static_cast<int>(i) + 1, open};
    }
  }
  return {0, 0};
}

const char* TypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "a scalar";
  }
}

int NodeLine(const YAML::Node& node, int first_line) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + first_line : 0;
}

// Follows a dotted key path ("provider.name") from the root.
YAML::Node Lookup(const YAML::Node& root, const std::string& path) {
  YAML::Node node = root;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot - start);
    if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node next = node[part];
    if (!next) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(next);  // Not operator=, which would overwrite the node.
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

std::string CleanText(const std::string& raw) {
  return std::string(Trim(DecodeHtmlEntities(raw)));
}

class FieldReader {
 public:
  FieldReader(const YAML::Node& root, const Schema& schema, int first_line,
              Document* doc)
      : root_(root), schema_(schema), first_line_(first_line), doc_(doc) {}

  // The first present, non-null node among the field's keys; sets *key.
  YAML::Node Find(const std::string& field, std::string* key) const {
    for (const auto& k : schema_.KeysFor(field)) {
      if (k == "$body") continue;
      YAML::Node node = Lookup(root_, k);
      if (node && !node.IsNull()) {
        *key = k;
        return node;
      }
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }

  void Warn(const std::string& key, const YAML::Node& node,
            const std::string& reason) {
    doc_->warnings.push_back({key, NodeLine(node, first_line_), reason});
  }

  // Reads a text field; returns false (and warns) on a non-scalar.
  void Text(const std::string& field, std::string* out) {
    std::string key;
    YAML::Node node = Find(field, &key);
    if (!node) return;
    if (!node.IsScalar()) {
      Warn(key, node, std::string("expected text, found ") + TypeName(node));
      return;
    }
    *out = CleanText(node.Scalar());
  }

  void Integer(const std::string& field, std::optional<int64_t>* out) {
    std::string key;
    YAML::Node node = Find(field, &key);
    if (!node) return;
    if (node.IsScalar()) {
      const std::string s(Trim(node.Scalar()));
      char* end = nullptr;
      const double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
      if (!s.empty() && end && *end == '\0' && std::isfinite(v) &&
          std::fabs(v) < 1e15) {
        *out = static_cast<int64_t>(std::llround(v));
        return;
      }
    }
    Warn(key, node,
         "expected an integer, found " +
             (node.IsScalar() ? "\"" + node.Scalar() + "\"" : TypeName(node)));
  }

  void Date(const std::string& field, std::optional<int64_t>* out) {
    std::string key;
    YAML::Node node = Find(field, &key);
    if (!node) return;
    if (node.IsScalar()) {
      if (auto t = ParseIsoTime(std::string(Trim(node.Scalar())))) {
        *out = *t;
        return;
      }
    }
    Warn(key, node,
         "expected an ISO 8601 date, found " +
             (node.IsScalar() ? "\"" + node.Scalar() + "\"" : TypeName(node)));
  }

  void Bool(const std::string& field, std::optional<bool>* out) {
    std::string key;
    YAML::Node node = Find(field, &key);
    if (!node) return;
    if (node.IsScalar()) {
      const std::string s = AsciiLower(Trim(node.Scalar()));
      if (s == "true" || s == "yes" || s == "on") {
        *out = true;
        return;
      }
      if (s == "false" || s == "no" || s == "off") {
        *out = false;
        return;
      }
    }
    Warn(key, node, std::string("expected true or false"));
  }

  // A list of strings; a single string is read as a one-item list.
  void List(const std::string& field, std::vector<std::string>* out) {
    std::string key;
    YAML::Node node = Find(field, &key);
    if (!node) return;
    auto add = [out](const std::string& raw) {
      std::string value = CollapseWhitespace(DecodeHtmlEntities(raw));
      if (!value.empty() &&
          std::find(out->begin(), out->end(), value) == out->end())
        out->push_back(std::move(value));
    };
    if (node.IsScalar()) {
      add(node.Scalar());
      return;
    }
    if (!node.IsSequence()) {
      Warn(key, node, std::string("expected a list, found ") + TypeName(node));
      return;
    }
    for (const auto& item : node) {
      if (item.IsScalar()) {
        add(item.Scalar());
      } else if (!item.IsNull()) {
        Warn(key, item,
             std::string("list item is ") + TypeName(item) + ", not text");
      }
    }
  }

 private:
  const YAML::Node& root_;
  const Schema& schema_;
  int first_line_;
  Document* doc_;
};

}  // namespace

ParseOutcome ParseDocument(std::string_view bytes, const Schema& schema) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF")
    bytes.remove_prefix(3);
  if (Trim(bytes).empty()) return Reject("empty file");
  if (const size_t nul = bytes.find('\0'); nul != std::string_view::npos)
    return Reject("binary file (NUL byte)", LineOfOffset(bytes, nul));
  if (const size_t bad = FindInvalidUtf8(bytes); bad != std::string_view::npos)
    return Reject("invalid UTF-8 at byte " + std::to_string(bad),
                  LineOfOffset(bytes, bad));

  const std::vector<std::string_view> lines = SplitLines(bytes);
  if (!IsDelimiter(lines[0]))
    return Reject("no front matter: the first line is not ---", 1);
  size_t close = 1;
  while (close < lines.size() && !IsDelimiter(lines[close])) ++close;
  if (close == lines.size())
    return Reject("front matter is not closed: no second --- line", 1);

  // Keep only the top-level keys the schema reads; blank the others so
  // line numbers in YAML errors stay those of the file.
  // A top level that is a list, not a mapping, is a file format error.
  for (size_t i = 1; i < close; ++i) {
    std::string_view line = lines[i];
    if (Trim(line).empty() || line[0] == '#') continue;
    if (line[0] == '-')
      return Reject("front matter is a list, not a mapping of keys",
                    static_cast<int>(i) + 1);
    break;
  }
  const auto& wanted = schema.top_level_keys();
  std::string yaml;
  yaml.reserve(1024);
  bool keep = false;
  int depth = 0, max_depth = 0;
  for (size_t i = 1; i < close; ++i) {
    std::string_view line = lines[i];
    std::string_view key = TopLevelKey(line);
    if (!key.empty()) keep = wanted.count(std::string(key)) > 0;
    if (keep) {
      yaml.append(line);
      for (char c : line) {
        if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
        if (c == ']' || c == '}') --depth;
      }
    }
    yaml.push_back('\n');
  }
  // yaml-cpp recurses once per nesting level; refuse pathological nesting
  // rather than risk the stack.
  if (max_depth > kMaxNesting)
    return Reject("front matter nests deeper than " +
                  std::to_string(kMaxNesting) + " levels");

  // yaml-cpp accepts a quoted scalar left open at the end of its input; a
  // document-end marker after the last line makes that an error.
  const int sentinel_line = static_cast<int>(close) + 1;
  yaml += "...\n";

  constexpr int kFirstLine = 2;  // The YAML text starts on line 2.
  ParseOutcome out;
  Document& doc = out.doc;
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (root.IsNull() || !root.IsDefined())
      return Reject("no title or name", 1, 0, schema.KeysFor("title").front());
    if (!root.IsMap())
      return Reject(std::string("front matter is ") + TypeName(root) +
                        ", not a mapping of keys",
                    kFirstLine);
    FieldReader reader(root, schema, kFirstLine, &doc);

    // The title is required: a title of the wrong type rejects the file.
    std::string key;
    YAML::Node title = reader.Find("title", &key);
    if (title && !title.IsScalar())
      return Reject(std::string("'") + key + "' is " + TypeName(title) +
                        ", expected text",
                    NodeLine(title, kFirstLine), 0, key);
    if (title)
      doc.title = CollapseWhitespace(DecodeHtmlEntities(title.Scalar()));
    if (doc.title.empty()) {
      std::string names;
      for (const auto& k : schema.KeysFor("title"))
        names += (names.empty() ? "" : " or ") + k;
      return Reject("no " + names, 1, 0, schema.KeysFor("title").front());
    }

    reader.Text("excerpt", &doc.excerpt);
    reader.List("topics", &doc.topics);
    reader.Text("category", &doc.category);
    reader.Text("type", &doc.type);
    reader.Date("date", &doc.date);
    reader.Integer("quality", &doc.quality);
    reader.Integer("heat", &doc.heat);
    reader.Bool("published", &doc.published);
    reader.Text("provider_name", &doc.provider_name);
    reader.Text("provider_domain", &doc.provider_domain);
    reader.Text("web_url", &doc.web_url);
    reader.Text("original_url", &doc.original_url);
  } catch (const YAML::ParserException& e) {
    // An error at the end of the input means a value was left open: name
    // the line where it starts.
    if (e.mark.line + kFirstLine == sentinel_line) {
      const auto [line, open] = FindUnclosedValue(lines, close, wanted);
      if (line == 0) return Reject("invalid YAML: " + e.msg, sentinel_line);
      const std::string what = open == '[' || open == '{'
                                   ? std::string("a value opened with ") + open
                                   : std::string("a quoted value");
      return Reject("invalid YAML: " + what + " is never closed", line);
    }
    return Reject("invalid YAML: " + e.msg, e.mark.line + kFirstLine,
                  e.mark.column + 1);
  } catch (const YAML::Exception& e) {
    return Reject(std::string("invalid YAML: ") + e.what());
  }

  const auto& body_keys = schema.KeysFor("body");
  if (std::find(body_keys.begin(), body_keys.end(), "$body") !=
      body_keys.end()) {
    // Everything after the closing --- line.
    size_t offset = 0;
    for (size_t i = 0; i <= close && offset < bytes.size(); ++i) {
      const size_t nl = bytes.find('\n', offset);
      offset = nl == std::string_view::npos ? bytes.size() : nl + 1;
    }
    doc.body = std::string(Trim(bytes.substr(offset)));
  }
  return out;
}

}  // namespace nsearch
