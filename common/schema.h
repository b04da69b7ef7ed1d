// The schema: which front-matter keys feed which document field, and which
// document field feeds which index role (term prefix, weight, boolean filter,
// value slot). Loaded from YAML (schema/news.yaml is built in as the default).
//
// The indexer and the searcher build everything field-related from one Schema
// object: term prefixes, query field names, slots, ranking prior weights.
// Thread-safety: immutable after loading; safe to share between threads.

#ifndef NSEARCH_COMMON_SCHEMA_H_
#define NSEARCH_COMMON_SCHEMA_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace nsearch {

using Json = nlohmann::ordered_json;

// How a field's values are turned into terms or values.
enum class FieldKind {
  kText,    // Free text and/or exact filter terms.
  kHost,    // URL or domain: filter terms for the host and its parent domains.
  kUrl,     // URL: one exact filter term for the normalized URL.
  kNumber,  // Integer in a value slot (ranges, sorting, prior).
  kDate,    // Timestamp in a value slot (ranges, sorting).
};

struct FieldSpec {
  std::string name;               // Query field name, e.g. "title".
  std::vector<std::string> from;  // Document fields, e.g. {"title"}.
  FieldKind kind = FieldKind::kText;
  bool text = false;   // Tokenized free text under `prefix`.
  std::string prefix;  // Term prefix for free text.
  // For `search` fields: how many times each word of the field counts in
  // the one free-text term space (its wdf there), 1 to kMaxFieldWeight.
  unsigned weight = 1;
  // The field's words go into the free-text term space too (searched by
  // words without a field). `prefix` terms then only mark the field.
  bool search = false;
  // The field's own terms keep their positions, so that a phrase or NEAR
  // inside the field is exact; without, it is the phrase anywhere in the
  // document with each word in the field (positions are the largest table).
  bool positions = false;
  bool filter = false;  // Exact boolean terms under `filter_prefix`.
  std::string filter_prefix;
  std::optional<unsigned> slot;  // Value slot (kNumber, kDate).
  // Value slot holding the field's display values joined by kFacetSeparator,
  // for facet counts (filter fields only).
  std::optional<unsigned> facet_slot;
};

// Separates the values of a multi-valued field in a facet slot.
inline constexpr char kFacetSeparator = '\x1f';

inline constexpr unsigned kMaxFieldWeight = 16;

// A number prior (quality, heat): weight * Level(value) / kLevels, a
// fraction of the query's top BM25 score (RankingSpec).
struct PriorSpec {
  double weight = 0.0;
  double cap = 100.0;
  // The value a document without one (or with a negative one, which real
  // feeds use for "unknown", e.g. heat -1) counts as: by default the middle
  // of the scale, so that lacking a value neither helps nor hurts much.
  double missing = 50.0;
  // The value slot where the indexer keeps each document's Level, for
  // Xapian's own ValueMapPostingSource to weigh (schema `slot`, else the
  // first free slot from 9).
  unsigned slot = 0;
  static constexpr int kLevels = 1000;
  // min(max(value, 0), cap) / cap, or missing / cap (nullopt: no value),
  // in kLevels steps, rounded: 0 to kLevels.
  int Level(std::optional<double> value) const;
  // weight * Level(value) / kLevels, before scaling by the query's
  // relevance.
  double Score(std::optional<double> value) const {
    return weight * Level(value) / kLevels;
  }
};

// Recency: weight * 0.5^(age / half_life), a fraction of the query's
// top BM25 score. Age is counted from the start of the document's UTC day
// (the indexer keeps the day number in `slot`, so that a query maps days
// to weights with Xapian's ValueMapPostingSource); documents dated after
// `now` count as new.
struct RecencySpec {
  double weight = 0.0;
  double half_life_seconds = 90 * 86400.0;
  unsigned slot = 0;  // Schema `slot`, else the first free slot from 9.
  // Days past which the decay counts as 0: back from `now`, 40 half-lives
  // (at most kMaxAgeDays); ahead of it, kMaxAheadDays.
  static constexpr int64_t kMaxAgeDays = 36600;
  static constexpr int64_t kMaxAheadDays = 366;
  // 0.5^(age / half_life) for a document dated on UTC day `day` (days
  // since 1970), 1 up to kMaxAheadDays ahead of `now`, 0 out of range.
  double Decay(int64_t day, int64_t now) const;
  // The first and last day whose Decay can be above 0.
  std::pair<int64_t, int64_t> Days(int64_t now) const;
  // weight * Decay.
  double Score(int64_t day, int64_t now) const {
    return weight * Decay(day, now);
  }
};

// The UTC day (days since 1970-01-01) of a time in seconds.
inline int64_t UtcDay(int64_t seconds) {
  return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

// How hits are ranked (schema `ranking:`, README "Ranking"): BM25 with
// k1 and b over the free-text space, plus priors that are fractions of the
// query's top BM25 score, so they reorder close hits alike.
struct RankingSpec {
  double k1 = 1.2;
  double b = 0.75;
  PriorSpec quality{0.01, 100.0, 50.0};
  PriorSpec heat{0.03, 100.0, 50.0};
  RecencySpec recency{0.1, 14 * 86400.0};
};

// Story clustering (README "Stories"): the slot holding each document's
// story key (one hit per story), the slot holding its near-duplicate
// signature, how far apart two copies of a story may be published, and how
// alike their title and excerpt must be (Jaccard of word pairs).
struct StorySpec {
  unsigned slot = 7;
  unsigned signature_slot = 8;
  int64_t window_seconds = 3 * 86400;
  double similarity = 0.8;
};

class Schema {
 public:
  // Parses and validates schema YAML. Returns kInvalidArgument with the
  // offending key (and line, for YAML syntax errors) when it is not valid.
  static Result<Schema> Parse(std::string_view yaml_text);
  static Result<Schema> LoadFile(const std::string& path);
  // Rebuilds a schema from TreeJson() (an index stores it beside the YAML
  // text): the same checks as Parse, without a YAML parser, which matters to
  // the start-up time of every query. `yaml_text` (may be empty when the
  // caller does not need text()) and `hash` are those of the original YAML.
  static Result<Schema> ParseStored(std::string_view tree_json,
                                    std::string yaml_text, std::string hash);
  // The parsed YAML as JSON (every scalar a string), for ParseStored.
  std::string TreeJson() const;
  // The schema compiled into the binary (schema/news.yaml).
  static std::string_view DefaultText();

  const std::string& name() const { return name_; }
  int version() const { return version_; }
  const std::string& stemmer() const { return stemmer_; }
  const std::string& stopwords() const { return stopwords_; }
  const std::string& text() const { return text_; }
  // Hex FNV-1a of the schema text; recorded in the index.
  const std::string& hash() const { return hash_; }

  // Front-matter keys (dotted paths or "$body") for a document field, in
  // order of preference. Empty when the schema does not read the field.
  const std::vector<std::string>& KeysFor(std::string_view doc_field) const;
  // Top-level front-matter keys any document field reads.
  const std::set<std::string>& top_level_keys() const {
    return top_level_keys_;
  }

  const std::vector<FieldSpec>& fields() const { return fields_; }
  // Looks up a query field by name or alias; nullptr when unknown.
  const FieldSpec* FindField(std::string_view name) const;

  // The field whose value identifies a story (duplicates collapse), and the
  // slot holding its normalized value; nullptr / nullopt when none.
  const FieldSpec* collapse_field() const {
    return collapse_field_.empty() ? nullptr : FindField(collapse_field_);
  }
  std::optional<unsigned> collapse_slot() const { return collapse_slot_; }

  const RankingSpec& ranking() const { return ranking_; }
  // Story clustering; nullptr when the schema has no `stories:` section.
  const StorySpec* stories() const { return stories_ ? &*stories_ : nullptr; }

 private:
  static Result<Schema> FromTree(Json tree, std::string text, std::string hash);
  // The `aliases:` mapping, alias -> query field, each target checked with
  // FindField as the aliases are read. REQUIRES: fields_ is set.
  Status ParseAliases(const Json& aliases);
  // The `collapse:` mapping {field, slot}; adds the slot to `slots`.
  // REQUIRES: fields_ and aliases_ are set.
  Status ParseCollapse(const Json& collapse, std::set<unsigned>* slots);

  Json tree_;
  std::string name_;
  int version_ = 0;
  std::string stemmer_ = "english";
  std::string stopwords_ = "english";
  std::string text_;
  std::string hash_;
  std::map<std::string, std::vector<std::string>, std::less<>> document_keys_;
  std::set<std::string> top_level_keys_;
  std::vector<FieldSpec> fields_;
  std::map<std::string, std::string, std::less<>> aliases_;
  std::string collapse_field_;
  std::optional<unsigned> collapse_slot_;
  RankingSpec ranking_;
  std::optional<StorySpec> stories_;
};

}  // namespace nsearch

#endif  // NSEARCH_COMMON_SCHEMA_H_
