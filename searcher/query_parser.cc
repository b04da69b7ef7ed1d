#include "searcher/query_parser.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include "common/document.h"
#include "common/index_meta.h"
#include "common/text_util.h"
#include "common/url.h"

namespace nsearch::searcher {

namespace {

// What a minor word ("how", "what", "i") weighs against another word: it
// reorders the documents the other words find, and a long question full of
// them still ranks by what it is about. On CISI's questions and the news
// set (docs/RELEVANCE.md, "Stopwords"): 0 (dropped) 0.390 / 0.737, 0.25
// 0.386 / 0.753, 1 0.370 / 0.755 nDCG@10.
constexpr double kMinorWordWeight = 0.25;

struct Lexeme {
  enum class Type {
    kWord,
    kPhrase,
    kLParen,
    kRParen,
    kAnd,
    kOr,
    kNot,
    kNear,
    kEnd
  };
  Type type = Type::kEnd;
  std::string text;        // Word or phrase text (value, for a field).
  std::string field;       // "title" for title:..., empty otherwise.
  char sign = 0;           // '+' or '-'.
  bool exact = false;      // =word
  unsigned distance = 10;  // NEAR/n
  size_t pos = 0;          // Byte offset, for messages.
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Curly double quotes count as quotes.
std::string StraightenQuotes(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\xE2\x80\x9C") == 0 ||
        text.compare(i, 3, "\xE2\x80\x9D") == 0) {
      out.push_back('"');
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

class Lexer {
 public:
  Lexer(const std::string& text, const Schema& schema)
      : text_(text), schema_(schema) {}

  Result<std::vector<Lexeme>> Run() {
    std::vector<Lexeme> out;
    while (true) {
      while (i_ < text_.size() && IsSpace(text_[i_])) ++i_;
      Lexeme lex;
      lex.pos = i_;
      if (i_ >= text_.size()) {
        out.push_back(lex);
        return out;
      }
      const char c = text_[i_];
      if (c == '(') {
        lex.type = Lexeme::Type::kLParen;
        ++i_;
      } else if (c == ')') {
        lex.type = Lexeme::Type::kRParen;
        ++i_;
      } else {
        const bool at_boundary =
            i_ == 0 || IsSpace(text_[i_ - 1]) || text_[i_ - 1] == '(';
        if ((c == '+' || c == '-') && at_boundary && i_ + 1 < text_.size() &&
            !IsSpace(text_[i_ + 1]) && text_[i_ + 1] != ')') {
          lex.sign = c;
          ++i_;
        }
        if (lex.sign && text_[i_] == '(') {  // -(a b): a signed group.
          lex.type = Lexeme::Type::kLParen;
          ++i_;
        } else if (i_ < text_.size() && text_[i_] == '"') {
          lex.type = Lexeme::Type::kPhrase;
          lex.text = ReadQuoted();
        } else {
          NSEARCH_RETURN_IF_ERROR(ReadChunk(&lex));
        }
      }
      out.push_back(std::move(lex));
    }
  }

 private:
  std::string ReadQuoted() {
    ++i_;  // Opening quote.
    const size_t close = text_.find('"', i_);
    std::string out = text_.substr(
        i_, close == std::string::npos ? std::string::npos : close - i_);
    i_ = close == std::string::npos ? text_.size() : close + 1;
    return out;
  }

  Status ReadChunk(Lexeme* lex) {
    const size_t start = i_;
    while (i_ < text_.size() && !IsSpace(text_[i_]) && text_[i_] != '(' &&
           text_[i_] != ')' && text_[i_] != '"')
      ++i_;
    std::string chunk = text_.substr(start, i_ - start);
    if (lex->sign == 0) {
      if (chunk == "AND") return Set(lex, Lexeme::Type::kAnd);
      if (chunk == "OR") return Set(lex, Lexeme::Type::kOr);
      if (chunk == "NOT") return Set(lex, Lexeme::Type::kNot);
      if (chunk == "NEAR" || chunk.rfind("NEAR/", 0) == 0) {
        if (chunk.size() > 5) {
          const std::string n = chunk.substr(5);
          char* end = nullptr;
          const long v = std::strtol(n.c_str(), &end, 10);
          if (n.empty() || *end != '\0' || v < 1 || v > 1000)
            return InvalidArgument(
                "NEAR/n needs a number from 1 to 1000 at position " +
                std::to_string(start + 1));
          lex->distance = static_cast<unsigned>(v);
        }
        return Set(lex, Lexeme::Type::kNear);
      }
    }
    // field:value, for known fields only (so "https://x" stays text).
    const size_t colon = chunk.find(':');
    if (colon != std::string::npos && colon > 0) {
      const std::string name = AsciiLower(chunk.substr(0, colon));
      if (schema_.FindField(name)) {
        lex->field = schema_.FindField(name)->name;
        std::string value = chunk.substr(colon + 1);
        if (value.empty() && i_ < text_.size() && text_[i_] == '"') {
          lex->type = Lexeme::Type::kPhrase;
          lex->text = ReadQuoted();
          return Status::Ok();
        }
        if (value.empty() && i_ < text_.size() && text_[i_] == '(')
          return InvalidArgument(
              "'" + name +
              ":(...)' is not supported: put the field before each word");
        if (value.empty())
          return InvalidArgument("'" + name + ":' needs a value");
        chunk = value;
      }
    }
    if (chunk.size() > 1 && chunk[0] == '=') {
      lex->exact = true;
      chunk.erase(0, 1);
    }
    lex->type = Lexeme::Type::kWord;
    lex->text = chunk;
    return Status::Ok();
  }

  static Status Set(Lexeme* lex, Lexeme::Type type) {
    lex->type = type;
    return Status::Ok();
  }

  const std::string& text_;
  const Schema& schema_;
  size_t i_ = 0;
};

bool IsFilter(const QueryNode& node) {
  return node.kind == QueryNode::Kind::kFilter ||
         node.kind == QueryNode::Kind::kRange;
}

// A time `count` calendar months before `now` (the day clamped to the
// month's length: 3m before May 31 is Feb 28 or 29).
int64_t MonthsBefore(int64_t now, int64_t count) {
  time_t t = static_cast<time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int64_t month = tm.tm_year * 12LL + tm.tm_mon - count;
  tm.tm_year = static_cast<int>(month / 12);
  tm.tm_mon = static_cast<int>(month % 12);
  if (tm.tm_mon < 0) {
    tm.tm_mon += 12;
    --tm.tm_year;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const int year = tm.tm_year + 1900;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDays[tm.tm_mon] + (tm.tm_mon == 1 && leap ? 1 : 0);
  tm.tm_mday = std::min(tm.tm_mday, days);
  return static_cast<int64_t>(timegm(&tm));
}

// A relative date ("36h", "7d", "2w", "3m", "1y": that long before `now`),
// or nullopt when `s` is not one. At most 9999 units.
std::optional<int64_t> RelativeDate(const std::string& s, int64_t now) {
  if (s.size() < 2 || s.size() > 5) return std::nullopt;
  const std::string digits = s.substr(0, s.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int64_t n = std::atoll(digits.c_str());
  switch (s.back()) {
    case 'h':
      return now - n * 3600;
    case 'd':
      return now - n * 86400;
    case 'w':
      return now - n * 7 * 86400;
    case 'm':
      return MonthsBefore(now, n);
    case 'y':
      return MonthsBefore(now, 12 * n);
    default:
      return std::nullopt;
  }
}

// Turns a date bound ("2022", "2022-05", "2022-05-31", a full ISO time, or
// a relative "7d") into seconds: the start of the period for a low bound,
// its last second for a high bound; a relative date is one instant.
std::optional<int64_t> DateBound(const std::string& text, bool high,
                                 int64_t now) {
  std::string s(Trim(text));
  if (auto relative = RelativeDate(s, now)) return relative;
  auto digits = [](const std::string& v) {
    return !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
  };
  if (s.size() == 4 && digits(s)) {
    if (!high) return ParseIsoTime(s + "-01-01");
    auto next =
        ParseIsoTime(std::to_string(std::atoi(s.c_str()) + 1) + "-01-01");
    return next ? std::optional<int64_t>(*next - 1) : std::nullopt;
  }
  if (s.size() == 7 && s[4] == '-' && digits(s.substr(0, 4)) &&
      digits(s.substr(5))) {
    const int year = std::atoi(s.substr(0, 4).c_str());
    const int month = std::atoi(s.substr(5).c_str());
    if (month < 1 || month > 12) return std::nullopt;
    if (!high) return ParseIsoTime(s + "-01");
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-01",
                  month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1);
    auto next = ParseIsoTime(buf);
    return next ? std::optional<int64_t>(*next - 1) : std::nullopt;
  }
  auto t = ParseIsoTime(s);
  if (t && high && s.size() == 10) return *t + 86399;  // Whole day.
  return t;
}

std::optional<double> NumberBound(const std::string& text) {
  const std::string s(Trim(text));
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Reads one end of a range over a field of `kind` (`high`: the upper end)
// into *value, *text (as the parsed query shows it) and *serialised (as
// Xapian compares it). False when it is not the date or number it must be.
bool ReadRangeBound(FieldKind kind, const std::string& bound, bool high,
                    int64_t now, double* value, std::string* text,
                    std::string* serialised) {
  if (kind == FieldKind::kDate) {
    const auto t = DateBound(bound, high, now);
    if (!t) return false;
    *value = static_cast<double>(*t);
    *text = FormatIsoTime(*t);
  } else {
    const auto v = NumberBound(bound);
    if (!v) return false;
    *value = *v;
    *text = std::string(Trim(bound));
  }
  *serialised = Xapian::sortable_serialise(*value);
  return true;
}

class Parser {
 public:
  Parser(std::vector<Lexeme> lexemes, QueryParser* owner, const Schema& schema,
         Analyzer* analyzer, const QueryOptions& options, ParsedQuery* out)
      : lex_(std::move(lexemes)),
        owner_(owner),
        schema_(schema),
        analyzer_(analyzer),
        options_(options),
        out_(out) {}

  Result<QueryNode> Run() {
    NSEARCH_ASSIGN_OR_RETURN(auto node, ParseOr(0));
    if (Peek().type == Lexeme::Type::kRParen)
      return InvalidArgument("unmatched ')' at position " +
                             std::to_string(Peek().pos + 1));
    if (!node) return QueryNode{};  // Empty query: everything.
    return std::move(*node);
  }

 private:
  using MaybeNode = std::optional<QueryNode>;

  const Lexeme& Peek() const { return lex_[pos_]; }
  const Lexeme& Next() { return lex_[pos_ < lex_.size() - 1 ? pos_++ : pos_]; }

  Result<MaybeNode> ParseOr(unsigned depth) {
    if (depth > options_.limits.max_depth)
      return LimitExceeded("query nests deeper than " +
                           std::to_string(options_.limits.max_depth) +
                           " levels");
    std::vector<QueryNode> alternatives;
    while (true) {
      NSEARCH_ASSIGN_OR_RETURN(MaybeNode seq, ParseSequence(depth));
      if (seq) alternatives.push_back(std::move(*seq));
      if (Peek().type != Lexeme::Type::kOr) break;
      const size_t at = Next().pos;
      if (Peek().type == Lexeme::Type::kEnd ||
          Peek().type == Lexeme::Type::kRParen)
        return InvalidArgument("OR at position " + std::to_string(at + 1) +
                               " needs something after it");
    }
    if (alternatives.empty()) return MaybeNode{};
    if (alternatives.size() == 1) return MaybeNode{std::move(alternatives[0])};
    QueryNode node;
    node.kind = QueryNode::Kind::kOr;
    node.children = std::move(alternatives);
    return MaybeNode{std::move(node)};
  }

  struct Item {
    QueryNode node;
    char sign = 0;  // '+', '-' (or NOT), 0.
    bool stopword = false;
    bool minor = false;  // A plain minor word ("how"): ranks, never selects.
    std::string text;
  };

  // A sequence of clauses (words, phrases, groups, each perhaps signed),
  // combined by the match mode.
  Result<MaybeNode> ParseSequence(unsigned depth) {
    NSEARCH_ASSIGN_OR_RETURN(std::vector<Item> items, ReadItems(depth));
    return CombineItems(std::move(items));
  }

  // The clauses up to the end, an OR or a closing parenthesis.
  Result<std::vector<Item>> ReadItems(unsigned depth) {
    std::vector<Item> items;
    while (true) {
      const Lexeme::Type t = Peek().type;
      if (t == Lexeme::Type::kEnd || t == Lexeme::Type::kOr ||
          t == Lexeme::Type::kRParen)
        break;
      if (t == Lexeme::Type::kAnd || t == Lexeme::Type::kNear)
        return InvalidArgument(
            std::string(t == Lexeme::Type::kAnd ? "AND" : "NEAR") +
            " at position " + std::to_string(Peek().pos + 1) +
            " needs something before it");
      char sign = Peek().sign;
      if (t == Lexeme::Type::kNot) {
        const size_t at = Next().pos;
        const Lexeme::Type after = Peek().type;
        if (after == Lexeme::Type::kEnd || after == Lexeme::Type::kRParen ||
            after == Lexeme::Type::kOr || after == Lexeme::Type::kAnd)
          return InvalidArgument("NOT at position " + std::to_string(at + 1) +
                                 " needs something after it");
        sign = '-';
      }
      Item item;
      item.sign = sign;
      NSEARCH_ASSIGN_OR_RETURN(MaybeNode node, ParseAnd(depth, &item));
      if (!node) continue;
      item.node = std::move(*node);
      items.push_back(std::move(item));
    }
    return items;
  }

  // Required (+, filters, --all), optional and excluded (-, NOT) clauses,
  // as one node: AND, the plain words (kWords, relaxed mode), AND_MAYBE
  // (--any) and AND_NOT.
  MaybeNode CombineItems(std::vector<Item> items) {
    // Stopwords are dropped unless they are all the query has. Minor words
    // beside another word only rank the documents the others select.
    const bool all_stop = std::all_of(items.begin(), items.end(),
                                      [](const Item& i) { return i.stopword; });
    const bool any_major = std::any_of(
        items.begin(), items.end(),
        [](const Item& i) { return !i.stopword && !i.minor && i.sign != '-'; });
    std::vector<QueryNode> required, optional, excluded, minor;
    for (auto& item : items) {
      if (item.stopword && !all_stop) {
        out_->dropped_stopwords.push_back(item.text);
        continue;
      }
      if (item.stopword) item.node.exact = true;  // No stemmed term exists.
      if (item.minor && any_major) {
        minor.push_back(std::move(item.node));
      } else if (item.sign == '-') {
        excluded.push_back(std::move(item.node));
      } else if (item.sign == '+' || options_.match == MatchMode::kAll ||
                 IsFilter(item.node)) {
        // Exact values and ranges (topic:, date:) filter: they never relax.
        required.push_back(std::move(item.node));
      } else {
        optional.push_back(std::move(item.node));
      }
    }
    auto combine = [](QueryNode::Kind kind, std::vector<QueryNode> nodes) {
      if (nodes.size() == 1) return std::move(nodes[0]);
      QueryNode node;
      node.kind = kind;
      node.children = std::move(nodes);
      return node;
    };
    if (options_.match == MatchMode::kRelaxed && !optional.empty()) {
      // All the plain words; the relaxed tier asks for some of them.
      required.push_back(optional.size() == 1 ? std::move(optional[0])
                                              : combine(QueryNode::Kind::kWords,
                                                        std::move(optional)));
      optional.clear();
    }
    MaybeNode positive;
    if (!required.empty()) {
      positive = combine(QueryNode::Kind::kAnd, std::move(required));
      if (!optional.empty()) {
        QueryNode maybe;
        maybe.kind = QueryNode::Kind::kAndMaybe;
        maybe.children.push_back(std::move(*positive));
        maybe.children.push_back(
            combine(QueryNode::Kind::kOr, std::move(optional)));
        positive = std::move(maybe);
      }
    } else if (!optional.empty()) {
      positive = combine(QueryNode::Kind::kOr, std::move(optional));
    }
    if (!minor.empty())
      positive = RankedBy(std::move(*positive), std::move(minor));
    if (excluded.empty()) return positive;
    QueryNode node;
    node.kind = QueryNode::Kind::kAndNot;
    node.children.push_back(positive ? std::move(*positive) : QueryNode{});
    node.children.push_back(combine(QueryNode::Kind::kOr, std::move(excluded)));
    return MaybeNode{std::move(node)};
  }

  // `positive`, ranked up by the `minor` words, any of them, each weighed
  // kMinorWordWeight.
  static QueryNode RankedBy(QueryNode positive, std::vector<QueryNode> minor) {
    QueryNode any;
    any.kind = QueryNode::Kind::kOr;
    any.weight = kMinorWordWeight;
    any.children = std::move(minor);
    QueryNode maybe;
    maybe.kind = QueryNode::Kind::kAndMaybe;
    maybe.children.push_back(std::move(positive));
    maybe.children.push_back(std::move(any));
    return maybe;
  }

  // near_expr (AND [NOT] near_expr)*
  Result<MaybeNode> ParseAnd(unsigned depth, Item* item) {
    NSEARCH_ASSIGN_OR_RETURN(MaybeNode left, ParseNear(depth, item));
    if (Peek().type != Lexeme::Type::kAnd) return left;
    std::vector<QueryNode> all, excluded;
    if (left) all.push_back(std::move(*left));
    item->stopword = false;
    item->minor = false;
    while (Peek().type == Lexeme::Type::kAnd) {
      const size_t at = Next().pos;
      bool negate = false;
      if (Peek().type == Lexeme::Type::kNot) {
        Next();
        negate = true;
      }
      const Lexeme::Type t = Peek().type;
      if (t == Lexeme::Type::kEnd || t == Lexeme::Type::kRParen ||
          t == Lexeme::Type::kOr || t == Lexeme::Type::kAnd)
        return InvalidArgument("AND at position " + std::to_string(at + 1) +
                               " needs something after it");
      Item sub;
      NSEARCH_ASSIGN_OR_RETURN(MaybeNode right, ParseNear(depth, &sub));
      if (sub.stopword) {
        out_->dropped_stopwords.push_back(sub.text);
        continue;
      }
      if (right) (negate ? excluded : all).push_back(std::move(*right));
    }
    QueryNode node;
    if (all.empty()) {
      node.kind = QueryNode::Kind::kAll;
    } else if (all.size() == 1) {
      node = std::move(all[0]);
    } else {
      node.kind = QueryNode::Kind::kAnd;
      node.children = std::move(all);
    }
    if (!excluded.empty()) {
      QueryNode minus;
      minus.kind = QueryNode::Kind::kAndNot;
      minus.children.push_back(std::move(node));
      if (excluded.size() == 1) {
        minus.children.push_back(std::move(excluded[0]));
      } else {
        QueryNode any;
        any.kind = QueryNode::Kind::kOr;
        any.children = std::move(excluded);
        minus.children.push_back(std::move(any));
      }
      node = std::move(minus);
    }
    return MaybeNode{std::move(node)};
  }

  // primary (NEAR primary)*
  Result<MaybeNode> ParseNear(unsigned depth, Item* item) {
    NSEARCH_ASSIGN_OR_RETURN(MaybeNode left, ParsePrimary(depth, item));
    if (Peek().type != Lexeme::Type::kNear) return left;
    QueryNode near;
    near.kind = QueryNode::Kind::kNear;
    auto add = [&near](QueryNode node, size_t at) -> Status {
      if (node.kind == QueryNode::Kind::kWord) {
        node.exact = true;  // NEAR works on positions, which have no stems.
        near.children.push_back(std::move(node));
        return Status::Ok();
      }
      if (node.kind == QueryNode::Kind::kPhrase) {  // "GPT-4" NEAR x
        for (auto& t : node.terms) {
          QueryNode word;
          word.kind = QueryNode::Kind::kWord;
          word.field = node.field;
          word.exact = true;
          word.terms = {t};
          near.children.push_back(std::move(word));
        }
        return Status::Ok();
      }
      return InvalidArgument("NEAR at position " + std::to_string(at + 1) +
                             " joins words, not groups or filters");
    };
    const size_t first_at = Peek().pos;
    if (!left)
      return InvalidArgument("NEAR at position " +
                             std::to_string(first_at + 1) +
                             " needs a word before it");
    NSEARCH_RETURN_IF_ERROR(add(std::move(*left), first_at));
    item->stopword = false;
    item->minor = false;
    unsigned distance = 0;
    while (Peek().type == Lexeme::Type::kNear) {
      const Lexeme& op = Next();
      distance = std::max(distance, op.distance);
      const size_t at = op.pos;
      Item sub;
      NSEARCH_ASSIGN_OR_RETURN(MaybeNode right, ParsePrimary(depth, &sub));
      if (!right)
        return InvalidArgument("NEAR at position " + std::to_string(at + 1) +
                               " needs a word after it");
      NSEARCH_RETURN_IF_ERROR(add(std::move(*right), at));
    }
    near.distance = distance;
    std::string field = near.children[0].field;
    for (const auto& c : near.children) {
      if (c.field != field)
        return InvalidArgument("NEAR joins words of one field");
    }
    near.field = field;
    return MaybeNode{std::move(near)};
  }

  Result<MaybeNode> ParsePrimary(unsigned depth, Item* item) {
    const Lexeme lex = Next();
    item->text = lex.text;
    switch (lex.type) {
      case Lexeme::Type::kLParen: {
        NSEARCH_ASSIGN_OR_RETURN(MaybeNode inner, ParseOr(depth + 1));
        if (Peek().type != Lexeme::Type::kRParen)
          return InvalidArgument("'(' at position " +
                                 std::to_string(lex.pos + 1) +
                                 " is not closed");
        Next();
        return inner;
      }
      case Lexeme::Type::kPhrase:
      case Lexeme::Type::kWord:
        return Leaf(lex, item);
      default:
        return InvalidArgument("unexpected operator at position " +
                               std::to_string(lex.pos + 1));
    }
  }

  Status CountClause() {
    if (++clauses_ > options_.limits.max_clauses)
      return LimitExceeded("query has more than " +
                           std::to_string(options_.limits.max_clauses) +
                           " clauses");
    return Status::Ok();
  }

  Result<MaybeNode> Leaf(const Lexeme& lex, Item* item) {
    NSEARCH_RETURN_IF_ERROR(CountClause());
    const FieldSpec* field =
        lex.field.empty() ? nullptr : schema_.FindField(lex.field);
    const bool quoted = lex.type == Lexeme::Type::kPhrase;
    if (field && field->slot) {
      NSEARCH_ASSIGN_OR_RETURN(QueryNode node,
                               owner_->RangeNode(*field, lex.text));
      return MaybeNode{std::move(node)};
    }
    if (field && field->filter && (quoted || !field->text)) {
      NSEARCH_ASSIGN_OR_RETURN(QueryNode node,
                               owner_->FilterNode(*field, lex.text));
      return MaybeNode{std::move(node)};
    }
    std::string text = lex.text;
    bool wildcard = false;
    if (!quoted && text.size() > 1 && text.back() == '*') {
      while (!text.empty() && text.back() == '*') text.pop_back();
      wildcard = true;
    }
    std::vector<std::string> terms;
    analyzer_->Tokenize(text,
                        [&terms](const Token& t) { terms.push_back(t.term); });
    if (terms.empty()) return MaybeNode{};  // Only punctuation.
    QueryNode node;
    node.field = field ? field->name : "";
    // --prefix: the word being typed (the last one, not quoted, exact or
    // excluded, and one term) matches as a prefix.
    const bool prefix = options_.prefix_last && !wildcard && !quoted &&
                        !lex.exact && lex.sign != '-' && terms.size() == 1 &&
                        Peek().type == Lexeme::Type::kEnd;
    if (wildcard || prefix) {
      node.prefix = prefix;
      if (terms.size() != 1)
        return InvalidArgument("wildcard '" + lex.text + "' must be one word");
      node.kind = QueryNode::Kind::kWildcard;
      node.terms = std::move(terms);
      out_->highlight_prefixes.push_back(node.terms[0]);
      return MaybeNode{std::move(node)};
    }
    if (terms.size() == 1 && !quoted) {
      node.kind = QueryNode::Kind::kWord;
      node.exact = lex.exact;
      item->stopword =
          !lex.exact && lex.sign != '+' && analyzer_->IsStopword(terms[0]);
      item->minor = !lex.exact && lex.sign == 0 && !field &&
                    analyzer_->IsMinorWord(terms[0]);
    } else if (terms.size() == 1) {
      node.kind = QueryNode::Kind::kWord;  // "word": exact form.
      node.exact = true;
    } else {
      node.kind = QueryNode::Kind::kPhrase;
      node.exact = true;
    }
    node.terms = std::move(terms);
    if (lex.sign != '-') {
      for (const auto& t : node.terms) {
        out_->highlight_terms.insert(t);
        if (!node.exact) out_->highlight_stems.insert(analyzer_->Stem(t));
      }
    }
    return MaybeNode{std::move(node)};
  }

  std::vector<Lexeme> lex_;
  size_t pos_ = 0;
  QueryParser* owner_;
  const Schema& schema_;
  Analyzer* analyzer_;
  const QueryOptions& options_;
  ParsedQuery* out_;
  size_t clauses_ = 0;
};

}  // namespace

const char* KindName(QueryNode::Kind kind) {
  switch (kind) {
    case QueryNode::Kind::kWord:
      return "word";
    case QueryNode::Kind::kPhrase:
      return "phrase";
    case QueryNode::Kind::kNear:
      return "near";
    case QueryNode::Kind::kWildcard:
      return "wildcard";
    case QueryNode::Kind::kFilter:
      return "filter";
    case QueryNode::Kind::kRange:
      return "range";
    case QueryNode::Kind::kAnd:
      return "and";
    case QueryNode::Kind::kOr:
      return "or";
    case QueryNode::Kind::kAndNot:
      return "and_not";
    case QueryNode::Kind::kAndMaybe:
      return "and_maybe";
    case QueryNode::Kind::kWords:
      return "words";
    case QueryNode::Kind::kAll:
      return "all";
  }
  return "?";
}

QueryParser::QueryParser(const Schema& schema, Analyzer* analyzer)
    : schema_(schema), analyzer_(analyzer) {}

Result<ParsedQuery> QueryParser::Parse(const std::string& text,
                                       const QueryOptions& options) {
  if (text.size() > options.limits.max_length)
    return LimitExceeded("query is " + std::to_string(text.size()) +
                         " bytes long; the limit is " +
                         std::to_string(options.limits.max_length));
  if (FindInvalidUtf8(text) != std::string::npos)
    return InvalidArgument("query is not valid UTF-8");
  const std::string straight = StraightenQuotes(text);
  NSEARCH_ASSIGN_OR_RETURN(auto lexemes, Lexer(straight, schema_).Run());
  ParsedQuery parsed;
  QueryOptions effective = options;
  // A word followed by a space is finished: nothing to complete.
  if (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    effective.prefix_last = false;
  Parser parser(std::move(lexemes), this, schema_, analyzer_, effective,
                &parsed);
  NSEARCH_ASSIGN_OR_RETURN(parsed.root, parser.Run());
  return parsed;
}

Result<QueryNode> QueryParser::RangeNode(const FieldSpec& field,
                                         const std::string& value) const {
  const size_t dots = value.find("..");
  if (dots == std::string::npos)
    return RangeNode(field, value, value, field.name + ":" + value);
  return RangeNode(field, value.substr(0, dots), value.substr(dots + 2),
                   field.name + ":" + value);
}

namespace {

QueryNode EmptyRange(const FieldSpec& field) {
  QueryNode node;
  node.kind = QueryNode::Kind::kRange;
  node.field = field.name;
  node.slot = *field.slot;
  return node;
}

}  // namespace

Result<QueryNode> QueryParser::RangeNode(const FieldSpec& field,
                                         const std::string& low,
                                         const std::string& high,
                                         const std::string& named) const {
  QueryNode node = EmptyRange(field);
  if (Trim(low).empty() && Trim(high).empty())
    return InvalidArgument(field.name + ": range needs at least one bound");
  double lo = -HUGE_VAL, hi = HUGE_VAL;
  auto bad = [&](const std::string& bound) {
    return InvalidArgument(
        named + ": '" + bound + "' is not " +
        (field.kind == FieldKind::kDate
             ? "a date (YYYY, YYYY-MM, YYYY-MM-DD, or 36h, 7d, 2w, 3m, 1y ago)"
             : "a number"));
  };
  if (!Trim(low).empty() && !ReadRangeBound(field.kind, low, false, now_, &lo,
                                            &node.low_text, &node.low))
    return bad(low);
  if (!Trim(high).empty() && !ReadRangeBound(field.kind, high, true, now_, &hi,
                                             &node.high_text, &node.high))
    return bad(high);
  if (lo > hi)
    return InvalidArgument(named + ": the range is empty (from > to)");
  return node;
}

Result<QueryNode> QueryParser::AtLeastNode(const FieldSpec& field,
                                           double low) const {
  if (!std::isfinite(low))
    return InvalidArgument(field.name + " at least " + std::to_string(low) +
                           ": not a number");
  QueryNode node = EmptyRange(field);
  node.low = Xapian::sortable_serialise(low);
  // The shortest text that reads back as `low` (1234567.5, not 1.23457e+06).
  char text[32];
  node.low_text.assign(text, std::to_chars(text, text + sizeof text, low).ptr);
  return node;
}

Result<QueryNode> QueryParser::FilterNode(const FieldSpec& field,
                                          const std::string& value) {
  if (!field.filter)
    return InvalidArgument("field '" + field.name + "' has no exact values");
  std::string normalized;
  switch (field.kind) {
    case FieldKind::kHost:
      normalized = UrlHost(value);
      if (normalized.empty()) normalized = AsciiLower(Trim(value));
      break;
    case FieldKind::kUrl:
      normalized = NormalizeUrl(value);
      if (normalized.empty()) break;
      {
        QueryNode node;
        node.kind = QueryNode::Kind::kFilter;
        node.field = field.name;
        node.term = UrlTerm(field.filter_prefix, value);
        return node;
      }
    default:
      normalized = analyzer_->NormalizeValue(value);
  }
  if (normalized.empty())
    return InvalidArgument("'" + field.name + ":' needs a value");
  QueryNode node;
  node.kind = QueryNode::Kind::kFilter;
  node.field = field.name;
  node.term = FilterTerm(field.filter_prefix, normalized);
  return node;
}

namespace {

using Q = Xapian::Query;

// The stemmed or exact term of a word under `prefix` ("" for the free-text
// space); the word itself when the index keeps no stem for it (no stemmer,
// or a stopword such as +the).
std::string WordTerm(const QueryNode& node, const std::string& prefix,
                     Analyzer* analyzer) {
  const std::string& t = node.terms[0];
  if (node.exact) return prefix + t;
  const std::optional<std::string> stem = IndexedStem(*analyzer, t);
  if (!stem || stem->empty()) return prefix + t;
  return kStemPrefix + prefix + *stem;
}

// A wildcard: at most max_wildcard terms (more is an error), or, for the
// prefix being typed (--prefix), the max_prefix_expansion most frequent.
Q WildcardQuery(const QueryNode& node, const std::string& prefix,
                const QueryLimits& limits) {
  if (node.prefix)
    return Q(Q::OP_WILDCARD, prefix + node.terms[0],
             limits.max_prefix_expansion, Q::WILDCARD_LIMIT_MOST_FREQUENT,
             Q::OP_SYNONYM);
  return Q(Q::OP_WILDCARD, prefix + node.terms[0], limits.max_wildcard,
           Q::WILDCARD_LIMIT_ERROR, Q::OP_SYNONYM);
}

Q PositionalQuery(Q::op op, const std::vector<std::string>& terms,
                  const std::string& prefix, unsigned window) {
  std::vector<Q> parts;
  for (const auto& t : terms) parts.emplace_back(prefix + t);
  return Q(op, parts.begin(), parts.end(), window);
}

}  // namespace

Xapian::Query QueryParser::TextLeaf(const QueryNode& node,
                                    const std::string& prefix,
                                    const QueryLimits& limits) const {
  switch (node.kind) {
    case QueryNode::Kind::kWord:
      return Q(WordTerm(node, prefix, analyzer_));
    case QueryNode::Kind::kPhrase:
      return PositionalQuery(Q::OP_PHRASE, node.terms, prefix,
                             static_cast<unsigned>(node.terms.size()));
    case QueryNode::Kind::kNear: {
      std::vector<std::string> terms;
      for (const auto& c : node.children) terms.push_back(c.terms[0]);
      return PositionalQuery(
          Q::OP_NEAR, terms, prefix,
          node.distance + static_cast<unsigned>(terms.size()) - 1);
    }
    default:  // kWildcard
      return WildcardQuery(node, prefix, limits);
  }
}

const FieldSpec* QueryParser::TextField(const QueryNode& node) const {
  const FieldSpec* field =
      node.field.empty() ? nullptr : schema_.FindField(node.field);
  return field && field->text ? field : nullptr;
}

Xapian::Query QueryParser::TextQuery(const QueryNode& node,
                                     const QueryLimits& limits) const {
  // Unfielded: the free-text space, scored by BM25.
  const FieldSpec* field = TextField(node);
  if (!field) return TextLeaf(node, "", limits);
  // A field's own terms only mark it (no weight): they select, and the
  // free-text space scores, so that BM25 sees one set of statistics.
  const Q marks = field->positions ? TextLeaf(node, field->prefix, limits)
                                   : StemMarks(node, *field, limits);
  if (!field->search)
    return marks.empty() ? Q::MatchNothing : Q(Q::OP_SCALE_WEIGHT, marks, 0.0);
  const Q text = TextLeaf(node, "", limits);
  return marks.empty() ? text : Q(Q::OP_FILTER, text, marks);
}

Xapian::Query QueryParser::StemMarks(const QueryNode& node,
                                     const FieldSpec& field,
                                     const QueryLimits& limits) const {
  // The field keeps stems only (FieldMarkTerm): a phrase or NEAR selects
  // documents whose field has each of its words, a wildcard the words whose
  // stem starts with it. A stopword has no mark, so the field cannot select
  // it (TextQuery then searches the whole document).
  if (node.kind == QueryNode::Kind::kWildcard) {
    const std::string prefix =
        analyzer_->stemming() ? kStemPrefix + field.prefix : field.prefix;
    return WildcardQuery(node, prefix, limits);
  }
  std::vector<std::string> words = node.terms;
  for (const auto& c : node.children) words.push_back(c.terms[0]);
  std::vector<Q> marks;
  for (const auto& w : words) {
    const std::string mark =
        FieldMarkTerm(field.prefix, w, IndexedStem(*analyzer_, w));
    if (!mark.empty()) marks.emplace_back(mark);
  }
  if (marks.empty()) return Q();
  return Q(Q::OP_AND, marks.begin(), marks.end());
}

Xapian::Query QueryParser::ToXapian(const QueryNode& node,
                                    const QueryLimits& limits,
                                    Tier tier) const {
  auto children = [&](Q::op op) {
    std::vector<Q> parts;
    for (const auto& c : node.children)
      parts.push_back(ToXapian(c, limits, tier));
    return Q(op, parts.begin(), parts.end());
  };
  auto unweighted = [&]() -> Q {
    switch (node.kind) {
      case QueryNode::Kind::kAll:
        return Q::MatchAll;
      case QueryNode::Kind::kWord:
      case QueryNode::Kind::kPhrase:
      case QueryNode::Kind::kNear:
      case QueryNode::Kind::kWildcard:
        return TextQuery(node, limits);
      case QueryNode::Kind::kFilter:
        return Q(Q::OP_SCALE_WEIGHT, Q(node.term), 0.0);
      case QueryNode::Kind::kRange:
        if (node.low.empty()) return Q(Q::OP_VALUE_LE, node.slot, node.high);
        if (node.high.empty()) return Q(Q::OP_VALUE_GE, node.slot, node.low);
        return Q(Q::OP_VALUE_RANGE, node.slot, node.low, node.high);
      case QueryNode::Kind::kAnd:
        return children(Q::OP_AND);
      case QueryNode::Kind::kOr:
        return children(Q::OP_OR);
      case QueryNode::Kind::kAndNot:
        // What is excluded never relaxes: -(a b) excludes documents with
        // both.
        return Q(Q::OP_AND_NOT, ToXapian(node.children[0], limits, tier),
                 ToXapian(node.children[1], limits, Tier::kStrict));
      case QueryNode::Kind::kAndMaybe:
        return children(Q::OP_AND_MAYBE);
      case QueryNode::Kind::kWords:
        return children(tier == Tier::kStrict ? Q::OP_AND : Q::OP_OR);
    }
    return Q::MatchNothing;
  };
  const Q query = unweighted();
  return node.weight == 1.0 ? query : Q(Q::OP_SCALE_WEIGHT, query, node.weight);
}

std::vector<ScoredLeaf> QueryParser::ScoredLeaves(
    const QueryNode& node, const QueryLimits& limits) const {
  std::vector<ScoredLeaf> out;
  switch (node.kind) {
    case QueryNode::Kind::kAll:
    case QueryNode::Kind::kFilter:
    case QueryNode::Kind::kRange:
      break;
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase:
    case QueryNode::Kind::kNear:
    case QueryNode::Kind::kWildcard:
      out = TextLeaves(node, limits);
      break;
    default: {
      // Only the positive side of AND_NOT scores.
      const size_t n =
          node.kind == QueryNode::Kind::kAndNot ? 1 : node.children.size();
      for (size_t i = 0; i < n; ++i) {
        auto more = ScoredLeaves(node.children[i], limits);
        std::move(more.begin(), more.end(), std::back_inserter(out));
      }
    }
  }
  for (ScoredLeaf& leaf : out) leaf.weight *= node.weight;
  return out;
}

std::vector<ScoredLeaf> QueryParser::TextLeaves(
    const QueryNode& node, const QueryLimits& limits) const {
  // As TextQuery: a field that is not searched only marks (no weight);
  // otherwise the free-text space scores.
  const FieldSpec* field = TextField(node);
  if (field && !field->search) return {};
  switch (node.kind) {
    case QueryNode::Kind::kWord:
      return {{WordTerm(node, "", analyzer_)}};
    case QueryNode::Kind::kWildcard:
      return {{node.terms[0], node.prefix ? limits.max_prefix_expansion
                                          : limits.max_wildcard}};
    case QueryNode::Kind::kNear: {
      std::vector<ScoredLeaf> out;
      for (const auto& c : node.children) out.push_back({c.terms[0]});
      return out;
    }
    default: {  // kPhrase
      std::vector<ScoredLeaf> out;
      for (const auto& t : node.terms) out.push_back({t});
      return out;
    }
  }
}

std::optional<Conjunction> QueryParser::StrictConjunction(
    const QueryNode& node, const QueryLimits& limits) const {
  Conjunction out;
  if (!AddToConjunction(node, limits, &out) || out.terms.empty())
    return std::nullopt;
  return out;
}

bool QueryParser::AddToConjunction(const QueryNode& node,
                                   const QueryLimits& limits,
                                   Conjunction* out) const {
  switch (node.kind) {
    case QueryNode::Kind::kFilter:
    case QueryNode::Kind::kRange:
      out->filters.push_back(ToXapian(node, limits));
      return true;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kWords:  // An AND in the strict tier.
      if (node.weight != 1.0) return false;
      for (const auto& c : node.children)
        if (!AddToConjunction(c, limits, out)) return false;
      return true;
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase:
    case QueryNode::Kind::kNear:
    case QueryNode::Kind::kWildcard: {
      const FieldSpec* field = TextField(node);
      if (field && !field->search) {  // Its marks only select (TextQuery).
        out->filters.push_back(ToXapian(node, limits));
        return true;
      }
      if (field || node.kind != QueryNode::Kind::kWord || node.weight != 1.0)
        return false;
      out->terms.push_back(WordTerm(node, "", analyzer_));
      return true;
    }
    default:
      return false;
  }
}

bool QueryParser::Relaxable(const QueryNode& node) {
  if (node.kind == QueryNode::Kind::kWords) return true;
  // Only the positive side of AND_NOT can relax.
  const size_t n =
      node.kind == QueryNode::Kind::kAndNot ? 1 : node.children.size();
  return std::any_of(node.children.begin(), node.children.begin() + n,
                     [](const QueryNode& c) { return Relaxable(c); });
}

std::vector<std::pair<std::string, std::vector<std::string>>>
QueryParser::OptionalWords(const QueryNode& node,
                           const QueryLimits& limits) const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  if (node.kind != QueryNode::Kind::kWords) {
    // Only the positive side of AND_NOT can relax.
    const size_t n =
        node.kind == QueryNode::Kind::kAndNot ? 1 : node.children.size();
    for (size_t i = 0; i < n; ++i) {
      auto more = OptionalWords(node.children[i], limits);
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
  for (const auto& c : node.children) {
    std::string text;
    for (const auto& t : c.terms) text += (text.empty() ? "" : " ") + t;
    if (text.empty()) continue;  // A group: not named as a word.
    if (c.kind == QueryNode::Kind::kWildcard) text += "*";
    if (!c.field.empty()) text = c.field + ":" + text;
    const Q q = ToXapian(c, limits);
    out.emplace_back(text, std::vector<std::string>(q.get_unique_terms_begin(),
                                                    q.get_unique_terms_end()));
  }
  return out;
}

}  // namespace nsearch::searcher
