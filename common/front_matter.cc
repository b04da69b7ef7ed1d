#include "common/front_matter.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/markup.h"
#include "common/text_util.h"

namespace nsearch {

namespace {

constexpr int kMaxNesting = 64;
// Bounds on the tree read from one file's front matter (see YamlConverter):
// nodes, and scalar bytes beyond twice the YAML text.
constexpr size_t kMaxFrontMatterNodes = 100000;
constexpr size_t kMaxFrontMatterExpansionBytes = 1 << 20;
// Aliases nest a tree deeper than its text; an alias inside its own anchor
// (which yaml-cpp accepts) nests it without end.
constexpr int kMaxAliasedDepth = 4 * kMaxNesting;

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

bool IsDelimiter(std::string_view line);

// Splits into lines without their terminators ("\n" or "\r\n"), up to and
// including the line that closes the front matter (the body is not split).
std::vector<std::string_view> SplitFrontMatterLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == text.size() || (lines.size() > 1 && IsDelimiter(line))) break;
    start = nl + 1;
  }
  return lines;
}

bool IsDelimiter(std::string_view line) {
  // Most lines start with something else: decide without trimming.
  if (line.empty() || (line[0] != '-' && line[0] != ' ' && line[0] != '\t'))
    return false;
  // Nor do most indented lines (a block's): they go on with a word.
  size_t first = 0;
  while (first < line.size() && (line[first] == ' ' || line[first] == '\t'))
    ++first;
  if (first < line.size() && line[first] != '-' &&
      static_cast<unsigned char>(line[first]) > ' ')
    return false;
  return Trim(line) == "---";
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

// A parsed YAML value, as much as the reader needs: both the fast parser
// and the yaml-cpp path produce this, so field extraction is written once.
struct FmNode {
  enum class Type { kNull, kScalar, kSequence, kMap, kOpaque };
  Type type = Type::kNull;
  std::string scalar;
  std::vector<FmNode> items;                           // kSequence
  std::vector<std::pair<std::string, FmNode>> fields;  // kMap
  int line = 0;                                        // 1-based in the file

  const FmNode* Get(const std::string& key) const {
    for (const auto& [k, v] : fields)
      if (k == key) return &v;
    return nullptr;
  }
};

const char* TypeName(const FmNode& node) {
  switch (node.type) {
    case FmNode::Type::kMap:
      return "a mapping";
    case FmNode::Type::kSequence:
      return "a list";
    case FmNode::Type::kNull:
      return "null";
    default:
      return "a scalar";
  }
}

// yaml-cpp 0.7 decodes the escapes \N and \_ to the single bytes 0x85 and
// 0xA0, not to the UTF-8 of U+0085 and U+00A0. The file is valid UTF-8 and
// yaml-cpp encodes every other escape, so a byte that continues no sequence
// is one of those: give it its lead byte back.
void RepairYamlCppEscapes(std::string* text) {
  if (FindInvalidUtf8(*text) == std::string::npos) return;
  std::string out;
  out.reserve(text->size() + 8);
  size_t rest = 0;  // Continuation bytes still expected.
  for (const char ch : *text) {
    const auto c = static_cast<unsigned char>(ch);
    if (rest > 0 && (c & 0xC0) == 0x80) {
      --rest;
    } else {
      rest = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
      if ((c & 0xC0) == 0x80) out.push_back('\xC2');
    }
    out.push_back(ch);
  }
  *text = std::move(out);
}

// Thrown when a tree, counted through its aliases, is over the bounds.
struct TooLarge {};  // More than kMaxFrontMatterNodes nodes, or bytes.
struct TooDeep {};   // Deeper than kMaxAliasedDepth, or a cycle.

// Measures what a yaml-cpp tree expands to before YamlConverter copies it:
// each shared (aliased) collection is measured once, so a bomb of 387
// million nodes is refused after a few dozen steps, not after copying
// 100,000 of them. It counts nodes and scalar bytes as YamlConverter does,
// keys' bytes aside, so it never refuses a tree the converter would take.
class ExpansionMeter {
 public:
  explicit ExpansionMeter(size_t byte_budget) : byte_budget_(byte_budget) {}

  void Measure(const YAML::Node& root) { (void)SizeOf(root); }

 private:
  struct Size {
    size_t nodes = 1;
    size_t bytes = 0;
    int height = 1;
  };
  // A collection being measured (done false) or measured. yaml-cpp nodes
  // have no hash, only identity (Node::is), so entries are keyed by the
  // node's position in the text and told apart by identity.
  struct Entry {
    YAML::Node node;
    Size size;
    bool done = false;
  };

  Size SizeOf(const YAML::Node& node) {
    if (!node.IsSequence() && !node.IsMap()) {
      Size leaf;
      if (node.IsScalar()) leaf.bytes = node.Scalar().size();
      return leaf;
    }
    std::vector<Entry>& bucket = memo_[node.Mark().pos];
    for (const Entry& entry : bucket) {
      if (!entry.node.is(node)) continue;
      if (!entry.done) throw TooDeep();  // An alias inside its own anchor.
      return entry.size;
    }
    bucket.push_back({node, {}, false});
    const size_t index = bucket.size() - 1;
    const Size size = node.IsMap() ? SizeOfMap(node) : SizeOfSequence(node);
    Entry& entry = memo_[node.Mark().pos][index];
    entry.size = size;
    entry.done = true;
    return size;
  }

  Size SizeOfSequence(const YAML::Node& node) {
    Size size;
    for (const auto& item : node) Add(SizeOf(item), &size);
    return size;
  }

  Size SizeOfMap(const YAML::Node& node) {
    Size size;
    for (const auto& entry : node)
      if (entry.first.IsScalar()) Add(SizeOf(entry.second), &size);
    return size;
  }

  // Adds a child to its parent. Every measured size is within the bounds,
  // so the sums cannot overflow.
  void Add(const Size& child, Size* parent) const {
    parent->nodes += child.nodes;
    parent->bytes += child.bytes;
    parent->height = std::max(parent->height, child.height + 1);
    if (parent->height > kMaxAliasedDepth) throw TooDeep();
    if (parent->nodes > kMaxFrontMatterNodes) throw TooLarge();
    if (parent->bytes > byte_budget_) throw TooLarge();
  }

  size_t byte_budget_;
  std::unordered_map<size_t, std::vector<Entry>> memo_;
};

// Converts a yaml-cpp tree (depth already bounded by kMaxNesting) within a
// budget of nodes and scalar bytes. yaml-cpp shares an aliased node, but a
// copy does not: a few hundred bytes of nested aliases (a "billion laughs")
// would copy into gigabytes. Duplicate mapping keys keep the last value (as
// Jekyll and PyYAML do) and are reported.
class YamlConverter {
 public:
  YamlConverter(int first_line, size_t text_bytes)
      : first_line_(first_line), bytes_left_(ByteBudget(text_bytes)) {}

  static size_t ByteBudget(size_t text_bytes) {
    return 2 * text_bytes + kMaxFrontMatterExpansionBytes;
  }

  FmNode Convert(const YAML::Node& node) {
    if (++nodes_ > kMaxFrontMatterNodes) throw TooLarge();
    if (depth_ >= kMaxAliasedDepth) throw TooDeep();
    struct Level {
      int& depth;
      explicit Level(int& d) : depth(++d) {}
      ~Level() { --depth; }
    } level(depth_);
    FmNode out;
    const YAML::Mark mark = node.Mark();
    out.line = mark.line >= 0 ? mark.line + first_line_ : 0;
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        out.type = FmNode::Type::kScalar;
        out.scalar = node.Scalar();
        RepairYamlCppEscapes(&out.scalar);
        Spend(out.scalar.size());
        break;
      case YAML::NodeType::Sequence:
        out.type = FmNode::Type::kSequence;
        for (const auto& item : node) out.items.push_back(Convert(item));
        break;
      case YAML::NodeType::Map:
        out.type = FmNode::Type::kMap;
        for (const auto& entry : node)
          AddEntry(entry.first, entry.second, &out);
        break;
      default:
        break;
    }
    return out;
  }

  // (key, line) of each repeated key.
  const std::vector<std::pair<std::string, int>>& duplicates() const {
    return duplicates_;
  }

 private:
  void Spend(size_t bytes) {
    if (bytes > bytes_left_) throw TooLarge();
    bytes_left_ -= bytes;
  }

  void AddEntry(const YAML::Node& key, const YAML::Node& value, FmNode* map) {
    if (!key.IsScalar()) return;  // Complex keys are never read.
    FmNode converted = Convert(value);
    for (auto& [k, v] : map->fields) {
      if (k != key.Scalar()) continue;
      duplicates_.emplace_back(k, converted.line);
      v = std::move(converted);
      return;
    }
    Spend(key.Scalar().size());
    map->fields.emplace_back(key.Scalar(), std::move(converted));
  }

  int first_line_;
  int depth_ = 0;
  size_t nodes_ = 0;
  size_t bytes_left_;
  std::vector<std::pair<std::string, int>> duplicates_;
};

// ---------------------------------------------------------------------------
// The fast path: a strict parser for the YAML that front matter is made of
// in practice (one-line plain or quoted scalars, block lists of them, and
// one level of mapping such as provider:). It reads only the kept top-level
// keys, straight from the lines, and gives up (nullopt) on anything else,
// which then goes to yaml-cpp: the result is the same either way (tested),
// only faster.

size_t Indent(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool IsBlankOrComment(std::string_view line) {
  size_t i = 0;
  while (i < line.size() &&
         (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' ||
          line[i] == '\f' || line[i] == '\v'))
    ++i;
  return i == line.size() || line[i] == '#';
}

// A comment line whose '#' follows a tab: yaml-cpp may take the tab for
// indentation ("illegal tab when looking for indentation") where YAML
// allows it, so only yaml-cpp decides such a file.
bool TabBeforeComment(std::string_view line) {
  const size_t i = line.find_first_not_of(" \t");
  return i != std::string_view::npos && line[i] == '#' &&
         line.substr(0, i).find('\t') != std::string_view::npos;
}

// Whether a line of the front matter (any: a top-level key's, or one in a
// block under a key, read or skipped) is for yaml-cpp alone to judge:
//  - a lone \r is a line break to yaml-cpp, not to this line splitter,
//    and other control characters (\v, \f) are no blanks to YAML but are
//    to Trim() and IsBlankOrComment(): a line of only \f was blank to the
//    fast path and content to yaml-cpp (fuzz finding 12);
//  - a comment after a tab (TabBeforeComment).
bool HasControlCharacter(std::string_view text) {
  for (const char ch : text)
    if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') return true;
  return false;
}
bool LeaveToYamlCpp(std::string_view line) {
  return HasControlCharacter(line) || TabBeforeComment(line);
}

// False when no line of `text` (lines with their breaks) can be for
// yaml-cpp alone: it holds no byte below 0x20 but line feeds, so no tab and
// no control character. One pass without branches, which the compiler
// vectorises: most front matter is like that, and a news file's front
// matter is most of it (its `related:` list, a key the schema skips).
bool MayLeaveToYamlCpp(std::string_view text) {
  unsigned char odd = 0;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    odd |= static_cast<unsigned char>((c < 0x20) & (c != '\n'));
  }
  return odd != 0;
}

// Only blanks (YAML's: spaces and tabs, not \v or \f), or a comment after
// a blank, may follow a closed quoted scalar.
bool RestIsEmpty(std::string_view rest) {
  const size_t i = rest.find_first_not_of(" \t");
  return i == std::string_view::npos || (i > 0 && rest[i] == '#');
}

// The code point of a one-character escape of a double-quoted scalar (`e`
// follows the backslash); nullopt when `e` is not one.
std::optional<uint32_t> SimpleEscape(char e) {
  switch (e) {
    case '"':
    case '\\':
    case '/':
    case ' ':
      return static_cast<uint32_t>(e);
    case 'n':
      return '\n';
    case 't':
    case '\t':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return 0;
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'e':
      return 0x1b;
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    case 'N':
      return 0x85;
    case '_':
      return 0xA0;
    case 'L':
      return 0x2028;
    case 'P':
      return 0x2029;
    default:
      return std::nullopt;
  }
}

// The number of hex digits of a \x, \u or \U escape; 0 for any other `e`.
int HexEscapeDigits(char e) {
  switch (e) {
    case 'x':
      return 2;
    case 'u':
      return 4;
    case 'U':
      return 8;
    default:
      return 0;
  }
}

// The number written in hex `digits`; nullopt when one is no hex digit.
std::optional<uint32_t> ParseHexDigits(std::string_view digits) {
  uint32_t cp = 0;
  for (const char h : digits) {
    cp <<= 4;
    if (h >= '0' && h <= '9')
      cp |= static_cast<uint32_t>(h - '0');
    else if (h >= 'a' && h <= 'f')
      cp |= static_cast<uint32_t>(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F')
      cp |= static_cast<uint32_t>(h - 'A' + 10);
    else
      return std::nullopt;
  }
  return cp;
}

// Appends to `out` what the escape at text[*i] (just after a backslash)
// stands for, and moves *i to its last character. False when the escape is
// unknown, cut short, or one to leave to yaml-cpp.
bool AppendEscape(std::string_view text, size_t* i, std::string* out) {
  const char e = text[*i];
  if (const std::optional<uint32_t> cp = SimpleEscape(e)) {
    AppendUtf8(*cp, out);
    return true;
  }
  const int hex_digits = HexEscapeDigits(e);
  if (hex_digits == 0 || *i + hex_digits >= text.size()) return false;
  const std::optional<uint32_t> cp =
      ParseHexDigits(text.substr(*i + 1, hex_digits));
  if (!cp) return false;
  // Surrogates and out-of-range escapes: leave them to yaml-cpp.
  if (*cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return false;
  AppendUtf8(*cp, out);
  *i += hex_digits;
  return true;
}

// The value of the double-quoted scalar `text` (trimmed, opening with ")
// with its escapes resolved; nullopt when it is anything else.
std::optional<std::string> ParseDoubleQuoted(std::string_view text) {
  std::string out;
  size_t i = 1;
  for (; i < text.size() && text[i] != '"'; ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (++i >= text.size()) return std::nullopt;
    if (!AppendEscape(text, &i, &out)) return std::nullopt;
  }
  if (i >= text.size() || !RestIsEmpty(text.substr(i + 1))) return std::nullopt;
  return out;
}

// The value of the single-quoted scalar `text` (trimmed, opening with ');
// nullopt when it is anything else.
std::optional<std::string> ParseSingleQuoted(std::string_view text) {
  std::string out;
  size_t i = 1;
  for (; i < text.size(); ++i) {
    if (text[i] == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
        continue;
      }
      break;
    }
    out.push_back(text[i]);
  }
  if (i >= text.size() || !RestIsEmpty(text.substr(i + 1))) return std::nullopt;
  return out;
}

// Whether `text` (trimmed, not empty, not quoted) is a plain scalar the fast
// path reads: nothing in it could start something else (a list, a mapping,
// a comment, an anchor...).
bool IsSimplePlainScalar(std::string_view text) {
  const char c = text[0];
  // Plain scalars: refuse every indicator that could start something else.
  if (std::string_view("[]{}&*!|>%@`#,?:-").find(c) != std::string_view::npos) {
    // "-5" and "-x" are plain, "- x" is a list item; ":x" is plain too, but
    // rare enough to leave to yaml-cpp.
    if (!(c == '-' && text.size() > 1 && text[1] != ' ')) return false;
  }
  return !(text.find(": ") != std::string_view::npos || text.back() == ':' ||
           text.find(" #") != std::string_view::npos ||
           text.find('\t') != std::string_view::npos);
}

// Parses a one-line scalar value; nullopt when it is anything else.
std::optional<FmNode> ParseInlineScalar(std::string_view text, int line) {
  FmNode node;
  node.line = line;
  node.type = FmNode::Type::kScalar;
  // Control characters (\v, \f, a lone \r) are no blanks to YAML, and
  // yaml-cpp decides what they mean.
  if (HasControlCharacter(text)) return std::nullopt;
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  if (text[0] == '"' || text[0] == '\'') {
    std::optional<std::string> value =
        text[0] == '"' ? ParseDoubleQuoted(text) : ParseSingleQuoted(text);
    if (!value) return std::nullopt;
    node.scalar = std::move(*value);
    return node;
  }
  if (!IsSimplePlainScalar(text)) return std::nullopt;
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") {
    node.type = FmNode::Type::kNull;
    return node;
  }
  node.scalar = std::string(text);
  return node;
}

// "key: rest" at `indent`: the key and what follows the colon.
bool SplitKey(std::string_view line, size_t indent, std::string_view* key,
              std::string_view* rest) {
  line = line.substr(indent);
  if (line.empty() || line[0] == '"' || line[0] == '\'' || line[0] == '-' ||
      line[0] == '?' || line[0] == '#')
    return false;
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (colon + 1 < line.size() && line[colon + 1] != ' ') return false;
  *key = line.substr(0, colon);
  // A blank before the colon ends a plain key in YAML ("quality\t: 1"):
  // yaml-cpp's to read.
  if (key->find_first_of("[]{},&*!|>'\"%@`#") != std::string_view::npos ||
      key->back() == ' ' || key->back() == '\t')
    return false;
  *rest = line.substr(colon + 1);
  return true;
}

// The block of lines below line `i` indented more than `parent` (blank and
// comment lines included); returns one past its last line.
size_t BlockEnd(const std::vector<std::string_view>& lines, size_t i,
                size_t close, size_t parent, bool sequence_at_parent) {
  size_t end = i;
  for (size_t j = i; j < close; ++j) {
    const std::string_view l = lines[j];
    if (IsBlankOrComment(l)) continue;
    const size_t ind = Indent(l);
    const bool inside = ind > parent || (sequence_at_parent && ind == parent &&
                                         l.size() > ind && l[ind] == '-');
    if (!inside) break;
    end = j + 1;
  }
  return end;
}

bool IsPlainBlock(const std::vector<std::string_view>& lines, size_t begin,
                  size_t end, int depth);

// A list item ("- value", "- key: value" or "-" with a block below) whose
// lines below it end at `item_end`.
bool IsPlainItem(const std::vector<std::string_view>& lines, size_t j,
                 size_t item_end, size_t indent, int depth) {
  const std::string_view item = lines[j].substr(indent);
  if (item != "-" && item.rfind("- ", 0) != 0) return false;
  const std::string_view value = Trim(item.substr(1));
  if (value.empty()) return IsPlainBlock(lines, j + 1, item_end, depth + 1);
  if (item_end == j + 1 && ParseInlineScalar(value, 0)) return true;
  // "- key: value": a mapping that starts on the item's line, its key
  // column where the dash was followed by blanks. Check it as a block.
  std::string shifted(lines[j]);
  shifted[indent] = ' ';
  std::vector<std::string_view> sub(lines.begin() + j,
                                    lines.begin() + item_end);
  sub[0] = shifted;
  return IsPlainBlock(sub, 0, sub.size(), depth + 1);
}

// A mapping entry "key: value" or "key:" with a block below, ending at
// `entry_end`; its key must not repeat one of `keys`.
bool IsPlainEntry(const std::vector<std::string_view>& lines, size_t j,
                  size_t entry_end, size_t indent, int depth,
                  std::set<std::string_view>* keys) {
  std::string_view key, rest;
  if (!SplitKey(lines[j], indent, &key, &rest)) return false;
  if (!keys->insert(key).second) return false;  // yaml-cpp warns about it.
  if (Trim(rest).empty())
    return IsPlainBlock(lines, j + 1, entry_end, depth + 1);
  return entry_end == j + 1 && ParseInlineScalar(rest, 0).has_value();
}

// True when lines [begin, end) are a block value that yaml-cpp reads
// without error or warning: nested lists and mappings of one-line scalars,
// checked conservatively (anything else goes to yaml-cpp). The fast parser
// does not read such a block (kOpaque), but must not accept a file that
// yaml-cpp rejects.
bool IsPlainBlock(const std::vector<std::string_view>& lines, size_t begin,
                  size_t end, int depth) {
  if (depth > kMaxNesting) return false;
  size_t first = begin;
  while (first < end && IsBlankOrComment(lines[first])) ++first;
  if (first == end) return true;  // Null.
  const size_t indent = Indent(lines[first]);
  const std::string_view head = lines[first].substr(indent);
  const bool sequence = head == "-" || head.rfind("- ", 0) == 0;
  std::set<std::string_view> keys;
  for (size_t j = first; j < end;) {
    if (IsBlankOrComment(lines[j])) {
      ++j;
      continue;
    }
    if (Indent(lines[j]) != indent) return false;
    const size_t child_end = BlockEnd(lines, j + 1, end, indent, !sequence);
    const bool ok =
        sequence ? IsPlainItem(lines, j, child_end, indent, depth)
                 : IsPlainEntry(lines, j, child_end, indent, depth, &keys);
    if (!ok) return false;
    j = child_end;
  }
  return true;
}

// Parses the block value of a key (the lines after "key:"), which is a list
// of scalars or a mapping of scalars; a nested block under a mapping key is
// kept as kOpaque (never read unless the schema asks, then yaml-cpp).
std::optional<FmNode> ParseBlock(const std::vector<std::string_view>& lines,
                                 size_t begin, size_t end, int key_line) {
  FmNode node;
  node.line = key_line;
  size_t first = begin;
  while (first < end && IsBlankOrComment(lines[first])) ++first;
  if (first == end) return node;  // Null.
  const size_t indent = Indent(lines[first]);
  const std::string_view head = lines[first].substr(indent);
  for (size_t j = first; j < end; ++j)
    if (lines[j].find('\t') != std::string_view::npos &&
        !IsBlankOrComment(lines[j]))
      return std::nullopt;
  if (head == "-" || head.rfind("- ", 0) == 0) {
    node.type = FmNode::Type::kSequence;
    node.line = static_cast<int>(first) + 1;
    for (size_t j = first; j < end; ++j) {
      const std::string_view l = lines[j];
      if (IsBlankOrComment(l)) continue;
      if (Indent(l) != indent) return std::nullopt;  // A nested block.
      const std::string_view item = l.substr(indent);
      if (item != "-" && item.rfind("- ", 0) != 0) return std::nullopt;
      const std::string_view value = Trim(item.substr(1));
      FmNode child;
      child.line = static_cast<int>(j) + 1;
      if (!value.empty()) {
        auto scalar = ParseInlineScalar(value, child.line);
        if (!scalar) return std::nullopt;
        child = std::move(*scalar);
      }
      node.items.push_back(std::move(child));
    }
    return node;
  }
  node.type = FmNode::Type::kMap;
  node.line = static_cast<int>(first) + 1;
  std::set<std::string_view> keys;
  for (size_t j = first; j < end;) {
    const std::string_view l = lines[j];
    if (IsBlankOrComment(l)) {
      ++j;
      continue;
    }
    if (Indent(l) != indent) return std::nullopt;
    std::string_view key, rest;
    if (!SplitKey(l, indent, &key, &rest)) return std::nullopt;
    // yaml-cpp keeps the last of repeated keys, with a warning.
    if (!keys.insert(key).second) return std::nullopt;
    const int line = static_cast<int>(j) + 1;
    const size_t nested_end = BlockEnd(lines, j + 1, end, indent, true);
    FmNode child;
    child.line = line;
    if (!Trim(rest).empty()) {
      if (nested_end > j + 1) return std::nullopt;  // A multi-line scalar.
      auto scalar = ParseInlineScalar(rest, line);
      if (!scalar) return std::nullopt;
      child = std::move(*scalar);
    } else if (nested_end > j + 1) {
      // Nested deeper: not parsed, but yaml-cpp must find it well-formed.
      if (!IsPlainBlock(lines, j + 1, nested_end, 1)) return std::nullopt;
      child.type = FmNode::Type::kOpaque;
    }
    node.fields.emplace_back(std::string(key), std::move(child));
    j = nested_end > j + 1 ? nested_end : j + 1;
  }
  return node;
}

std::optional<FmNode> FastParse(const std::vector<std::string_view>& lines,
                                size_t close,
                                const std::set<std::string>& wanted) {
  FmNode root;
  root.type = FmNode::Type::kMap;
  root.line = 2;
  // The lines are views of one text, in order: lines 1 to close - 1 with
  // their breaks.
  const std::string_view front(
      lines[1].data(),
      static_cast<size_t>(lines[close].data() - lines[1].data()));
  if (MayLeaveToYamlCpp(front))
    for (size_t j = 1; j < close; ++j)
      if (LeaveToYamlCpp(lines[j])) return std::nullopt;
  size_t i = 1;
  while (i < close) {
    const std::string_view line = lines[i];
    if (line.empty() || line[0] == ' ' || line[0] == '-' ||
        IsBlankOrComment(line)) {
      ++i;  // Part of a key's block (or a comment).
      continue;
    }
    if (line[0] == '\t') return std::nullopt;
    std::string_view key, rest;
    if (!SplitKey(line, 0, &key, &rest)) {
      // Not a plain "key:" line: fine inside a skipped key's value only if
      // yaml-cpp would agree, so let it decide.
      return std::nullopt;
    }
    if (wanted.count(std::string(key)) == 0) {
      ++i;  // The lines of its block are skipped one by one above.
      continue;
    }
    const size_t end = BlockEnd(lines, i + 1, close, 0, true);
    const int line_no = static_cast<int>(i) + 1;
    FmNode value;
    if (!Trim(rest).empty()) {
      if (end > i + 1) return std::nullopt;  // A multi-line scalar.
      auto scalar = ParseInlineScalar(rest, line_no);
      if (!scalar) return std::nullopt;
      value = std::move(*scalar);
    } else {
      auto block = ParseBlock(lines, i + 1, end, line_no);
      if (!block) return std::nullopt;
      value = std::move(*block);
    }
    if (root.Get(std::string(key))) return std::nullopt;  // Duplicate key.
    root.fields.emplace_back(std::string(key), std::move(value));
    i = end;
  }
  return root;
}

// Follows a dotted key path ("provider.name") from the root.
const FmNode* Lookup(const FmNode& root, const std::string& path) {
  const FmNode* node = &root;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    if (node->type != FmNode::Type::kMap) return nullptr;
    node = node->Get(path.substr(start, dot - start));
    if (!node) return nullptr;
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

// A front-matter value as plain text (tags and entities gone); URLs only
// have their entities decoded.
std::string CleanText(const std::string& raw, bool url) {
  return url ? std::string(Trim(DecodeHtmlEntities(raw))) : InlineText(raw);
}

// Thrown (inside this file only) when the fast parser's tree is asked for
// a value it did not parse; the file is then read again with yaml-cpp.
struct NeedsFullParse {};

class FieldReader {
 public:
  FieldReader(const FmNode& root, const Schema& schema, Document* doc)
      : root_(root), schema_(schema), doc_(doc) {}

  // The first present, non-null node among the field's keys; sets *key.
  const FmNode* Find(std::string_view field, std::string* key) const {
    for (const auto& k : schema_.KeysFor(field)) {
      if (k == "$body") continue;
      const FmNode* node = Lookup(root_, k);
      if (node && node->type == FmNode::Type::kOpaque) throw NeedsFullParse();
      if (node && node->type != FmNode::Type::kNull) {
        *key = k;
        return node;
      }
    }
    return nullptr;
  }

  void Warn(const std::string& key, const FmNode& node,
            const std::string& reason) {
    doc_->warnings.push_back({key, node.line, reason});
  }

  static std::string Found(const FmNode& node) {
    return node.type == FmNode::Type::kScalar ? "\"" + node.scalar + "\""
                                              : TypeName(node);
  }

  void Text(std::string_view field, std::string* out, bool url = false) {
    std::string key;
    const FmNode* node = Find(field, &key);
    if (!node) return;
    if (node->type != FmNode::Type::kScalar) {
      Warn(key, *node, std::string("expected text, found ") + TypeName(*node));
      return;
    }
    *out = CleanText(node->scalar, url);
  }

  void Integer(std::string_view field, std::optional<int64_t>* out) {
    std::string key;
    const FmNode* node = Find(field, &key);
    if (!node) return;
    if (node->type == FmNode::Type::kScalar) {
      const std::string s(Trim(node->scalar));
      if (const auto v = DecimalNumber(s)) {
        // -1 is how real feeds write "unknown" (kept; the prior reads any
        // negative value as missing); other negative values are mistakes.
        if (*v >= -1) {
          *out = *v;
          return;
        }
        Warn(key, *node, "expected a number from 0 (or -1), found " + s);
        return;
      }
    }
    Warn(key, *node, "expected an integer, found " + Found(*node));
  }

  // A plain decimal number ("42", "-1", "7.5"), rounded; nullopt for
  // anything else, including hex ("0x10"), exponents and infinities.
  static std::optional<int64_t> DecimalNumber(const std::string& s) {
    size_t i = s.size() > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    const size_t digits = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == digits || i - digits > 15) return std::nullopt;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
        ++i;
    }
    if (i != s.size()) return std::nullopt;
    return static_cast<int64_t>(std::llround(std::strtod(s.c_str(), nullptr)));
  }

  void Date(std::string_view field, std::optional<int64_t>* out) {
    std::string key;
    const FmNode* node = Find(field, &key);
    if (!node) return;
    if (node->type == FmNode::Type::kScalar) {
      if (auto t = ParseIsoTime(std::string(Trim(node->scalar)))) {
        *out = *t;
        return;
      }
    }
    Warn(key, *node, "expected an ISO 8601 date, found " + Found(*node));
  }

  void Bool(std::string_view field, std::optional<bool>* out) {
    std::string key;
    const FmNode* node = Find(field, &key);
    if (!node) return;
    if (node->type == FmNode::Type::kScalar) {
      if (const auto value = ParseYamlBool(node->scalar)) {
        *out = *value;
        return;
      }
    }
    Warn(key, *node, std::string("expected true or false"));
  }

  // Reads `field` into its member of the document, as its kind says.
  void Read(const DocumentField& field) {
    switch (field.kind) {
      case DocumentFieldKind::kText:
        Text(field.name, &(doc_->*field.text), field.url);
        break;
      case DocumentFieldKind::kTextList:
        List(field.name, &(doc_->*field.list));
        break;
      case DocumentFieldKind::kNumber:
        Integer(field.name, &(doc_->*field.number));
        break;
      case DocumentFieldKind::kDate:
        Date(field.name, &(doc_->*field.number));
        break;
      case DocumentFieldKind::kFlag:
        Bool(field.name, &(doc_->*field.flag));
        break;
    }
  }

  // A list of strings; a single string is read as a one-item list.
  void List(std::string_view field, std::vector<std::string>* out) {
    std::string key;
    const FmNode* node = Find(field, &key);
    if (!node) return;
    auto add = [out](const std::string& raw) {
      std::string value = InlineText(raw);
      if (!value.empty() &&
          std::find(out->begin(), out->end(), value) == out->end())
        out->push_back(std::move(value));
    };
    if (node->type == FmNode::Type::kScalar) {
      add(node->scalar);
      return;
    }
    if (node->type != FmNode::Type::kSequence) {
      Warn(key, *node,
           std::string("expected a list, found ") + TypeName(*node));
      return;
    }
    for (const auto& item : node->items) {
      if (item.type == FmNode::Type::kScalar) {
        add(item.scalar);
      } else if (item.type == FmNode::Type::kOpaque) {
        throw NeedsFullParse();
      } else if (item.type != FmNode::Type::kNull) {
        Warn(key, item,
             std::string("list item is ") + TypeName(item) + ", not text");
      }
    }
  }

 private:
  const FmNode& root_;
  const Schema& schema_;
  Document* doc_;
};

// Fills `out` from a parsed tree; a rejection when the title is unusable.
std::optional<Rejection> ReadFields(const FmNode& root, const Schema& schema,
                                    Document* doc) {
  FieldReader reader(root, schema, doc);
  // The title is required: a title of the wrong type rejects the file.
  std::string key;
  const FmNode* title = reader.Find("title", &key);
  if (title && title->type != FmNode::Type::kScalar)
    return Rejection{"'" + key + "' is " + TypeName(*title) + ", expected text",
                     title->line, 0, key};
  if (title) doc->title = InlineText(title->scalar);
  if (doc->title.empty()) {
    std::string names;
    for (const auto& k : schema.KeysFor("title"))
      names += (names.empty() ? "" : " or ") + k;
    return Rejection{"no " + names, 1, 0, schema.KeysFor("title").front()};
  }
  for (const DocumentField& field : kDocumentFields) {
    // The title is read above; the body is the Markdown after the front
    // matter (ParseDocument).
    if (field.text == &Document::title || field.text == &Document::body)
      continue;
    reader.Read(field);
  }
  return std::nullopt;
}

bool IsBlankOrEnd(std::string_view text, size_t i) {
  return i >= text.size() || text[i] == ' ' || text[i] == '\t' ||
         text[i] == '\n';
}

// The index of the quote that closes the quoted scalar opening at `open`
// (escapes skipped; it may span lines), or the last index when none does.
size_t QuotedScalarEnd(std::string_view text, size_t open) {
  const char quote = text[open];
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside a single-quoted scalar.
        continue;
      }
      return i;
    }
  }
  return text.size() - 1;
}

// The deepest nesting of flow collections ([ ], { }) in `yaml`, which
// yaml-cpp parses recursively. Brackets inside scalars and comments do not
// count ("title: C{{{" is a plain scalar): a bracket opens a collection
// where a value starts (line start, after "- ", ": ", "? ", an anchor or a
// tag or an alias) or inside another collection. Where unsure it counts: a
// false "too deep" only hands the file an error, a missed level could be a
// crash.
int MaxFlowDepth(std::string_view yaml) {
  int depth = 0, max_depth = 0;
  bool value_start = true, line_start = true;
  for (size_t i = 0; i < yaml.size(); ++i) {
    const char c = yaml[i];
    if (c == '\n') {
      value_start = line_start = true;
      continue;
    }
    if (c == ' ' || c == '\t') continue;
    const bool was_value_start = value_start, was_line_start = line_start;
    value_start = line_start = false;
    if (c == '#' && (i == 0 || IsBlankOrEnd(yaml, i - 1))) {
      while (i + 1 < yaml.size() && yaml[i + 1] != '\n') ++i;  // A comment.
    } else if ((c == '"' || c == '\'') && was_value_start) {
      i = QuotedScalarEnd(yaml, i);
    } else if ((c == '[' || c == '{') && (was_value_start || depth > 0)) {
      max_depth = std::max(max_depth, ++depth);
      value_start = true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth > 0) {
      value_start = true;
    } else if (c == '-' && was_line_start && IsBlankOrEnd(yaml, i + 1)) {
      value_start = line_start = true;
    } else if (c == ':' && (depth > 0 || IsBlankOrEnd(yaml, i + 1))) {
      value_start = true;
    } else if (c == '?' && was_value_start && IsBlankOrEnd(yaml, i + 1)) {
      value_start = true;  // A complex key.
    } else if ((c == '&' || c == '!' || c == '*') && was_value_start) {
      // An anchor, alias or tag, which ends at a flow indicator too ("&a[").
      while (!IsBlankOrEnd(yaml, i + 1) &&
             std::string_view("[]{},").find(yaml[i + 1]) ==
                 std::string_view::npos)
        ++i;
      value_start = true;
    }
  }
  return max_depth;
}

// The front matter (lines 1 to `close`) for yaml-cpp: the lines of the kept
// top-level keys (`wanted`), the others blanked so that line numbers in its
// errors stay those of the file.
std::string KeptYaml(const std::vector<std::string_view>& lines, size_t close,
                     const std::set<std::string>& wanted) {
  std::string yaml;
  yaml.reserve(1024);
  bool keep = false;
  for (size_t i = 1; i < close; ++i) {
    std::string_view line = lines[i];
    std::string_view key = TopLevelKey(line);
    if (!key.empty()) keep = wanted.count(std::string(key)) > 0;
    // A line of blanks is an empty line to YAML, but yaml-cpp 0.7 rejects
    // one holding a tab after a plain scalar ("a: b\n\t\n"): give it none.
    if (keep && line.find_first_not_of(" \t") != std::string_view::npos)
      yaml.append(line);
    yaml.push_back('\n');
  }
  return yaml;
}

// The rejection for a yaml-cpp parser error `e` in the YAML that starts on
// line `first_line`. An error at the end of the input (the document-end
// marker on `sentinel_line`) means a value was left open: it names the line
// where that value starts.
Rejection ParserErrorRejection(const YAML::ParserException& e, int first_line,
                               int sentinel_line,
                               const std::vector<std::string_view>& lines,
                               size_t close,
                               const std::set<std::string>& wanted) {
  if (e.mark.line + first_line == sentinel_line) {
    const auto [line, open] = FindUnclosedValue(lines, close, wanted);
    if (line == 0)
      return Rejection{"invalid YAML: " + e.msg, sentinel_line, 0, {}};
    const std::string what = open == '[' || open == '{'
                                 ? std::string("a value opened with ") + open
                                 : std::string("a quoted value");
    return Rejection{"invalid YAML: " + what + " is never closed", line, 0, {}};
  }
  return Rejection{"invalid YAML: " + e.msg,
                   e.mark.line + first_line,
                   e.mark.column + 1,
                   {}};
}

// The general path: yaml-cpp over the kept keys (KeptYaml).
std::optional<Rejection> ParseWithYamlCpp(
    const std::vector<std::string_view>& lines, size_t close,
    const std::set<std::string>& wanted, const Schema& schema, Document* doc) {
  std::string yaml = KeptYaml(lines, close, wanted);
  // yaml-cpp recurses once per nesting level; refuse pathological nesting
  // rather than risk the stack.
  if (MaxFlowDepth(yaml) > kMaxNesting)
    return Rejection{"front matter nests deeper than " +
                         std::to_string(kMaxNesting) + " levels",
                     0,
                     0,
                     {}};
  // yaml-cpp accepts a quoted scalar left open at the end of its input; a
  // document-end marker after the last line makes that an error.
  const int sentinel_line = static_cast<int>(close) + 1;
  yaml += "...\n";

  constexpr int kFirstLine = 2;  // The YAML text starts on line 2.
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (root.IsNull() || !root.IsDefined())
      return Rejection{"no title or name", 1, 0,
                       schema.KeysFor("title").front()};
    // Only an alias makes a tree larger than its text.
    if (yaml.find('*') != std::string::npos)
      ExpansionMeter(YamlConverter::ByteBudget(yaml.size())).Measure(root);
    YamlConverter converter(kFirstLine, yaml.size());
    const FmNode tree = converter.Convert(root);
    if (!root.IsMap())
      return Rejection{std::string("front matter is ") + TypeName(tree) +
                           ", not a mapping of keys",
                       kFirstLine,
                       0,
                       {}};
    if (auto rejection = ReadFields(tree, schema, doc)) return rejection;
    for (const auto& [key, line] : converter.duplicates())
      doc->warnings.push_back(
          {key, line, "duplicate key: the last value is used"});
    return std::nullopt;
  } catch (const TooLarge&) {
    return Rejection{"front matter expands to more than " +
                         std::to_string(kMaxFrontMatterNodes) +
                         " YAML nodes or " +
                         std::to_string(kMaxFrontMatterExpansionBytes >> 20) +
                         " MiB beyond its size (aliases?)",
                     0,
                     0,
                     {}};
  } catch (const TooDeep&) {
    return Rejection{"front matter nests deeper than " +
                         std::to_string(kMaxAliasedDepth) +
                         " levels through aliases (an alias inside its own "
                         "anchor?)",
                     0,
                     0,
                     {}};
  } catch (const YAML::ParserException& e) {
    return ParserErrorRejection(e, kFirstLine, sentinel_line, lines, close,
                                wanted);
  } catch (const YAML::Exception& e) {
    return Rejection{std::string("invalid YAML: ") + e.what(), 0, 0, {}};
  }
}

}  // namespace

ParseOutcome ParseDocument(std::string_view bytes, const Schema& schema,
                           const ParseOptions& options) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF")
    bytes.remove_prefix(3);
  if (Trim(bytes).empty()) return Reject("empty file");
  if (const size_t nul = bytes.find('\0'); nul != std::string_view::npos)
    return Reject("binary file (NUL byte)", LineOfOffset(bytes, nul));
  if (const size_t bad = FindInvalidUtf8(bytes); bad != std::string_view::npos)
    return Reject("invalid UTF-8 at byte " + std::to_string(bad),
                  LineOfOffset(bytes, bad));

  const std::vector<std::string_view> lines = SplitFrontMatterLines(bytes);
  if (!IsDelimiter(lines[0]))
    return Reject("no front matter: the first line is not ---", 1);
  // The splitter stops after the line that closes the front matter.
  const size_t close = lines.size() - 1;
  if (close == 0 || !IsDelimiter(lines[close]))
    return Reject("front matter is not closed: no second --- line", 1);

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
  ParseOutcome out;
  bool parsed = false;
  if (options.fast_path) {
    if (std::optional<FmNode> root = FastParse(lines, close, wanted)) {
      try {
        if (auto rejection = ReadFields(*root, schema, &out.doc)) {
          out.rejection = std::move(rejection);
          return out;
        }
        parsed = true;
        out.fast_path = true;
      } catch (const NeedsFullParse&) {
        out.doc = Document();
      }
    }
  }
  if (!parsed) {
    auto rejection = ParseWithYamlCpp(lines, close, wanted, schema, &out.doc);
    if (rejection) {
      out.rejection = std::move(rejection);
      return out;
    }
  }

  const auto& body_keys = schema.KeysFor("body");
  if (options.body && std::find(body_keys.begin(), body_keys.end(), "$body") !=
                          body_keys.end()) {
    // Everything after the closing --- line.
    size_t offset = 0;
    for (size_t i = 0; i <= close && offset < bytes.size(); ++i) {
      const size_t nl = bytes.find('\n', offset);
      offset = nl == std::string_view::npos ? bytes.size() : nl + 1;
    }
    out.doc.body = BodyToText(Trim(bytes.substr(offset)));
  }
  return out;
}

}  // namespace nsearch
