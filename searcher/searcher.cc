#include "searcher/searcher.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>
#include <unistd.h>

#include "common/document.h"
#include "common/enum_names.h"
#include "common/index_layout.h"
#include "common/index_meta.h"
#include "common/story.h"
#include "common/text_util.h"
#include "searcher/expand_terms.h"
#include "searcher/facets.h"
#include "searcher/prior.h"
#include "searcher/snippet.h"
#include "searcher/spelling.h"

namespace nsearch::searcher {

namespace {

const FieldSpec* RequireField(const Schema& schema, const char* name) {
  return schema.FindField(name);
}

std::string AbsolutePathOf(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) return path;
  std::string out = abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

uint64_t FolderSize(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(path, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// Runs `fn`; when a writer has moved the index on under it (Xapian's
// DatabaseModifiedError, or a "corrupt" block that a newer revision has
// replaced), reopens at the newest revision and tries again. When a remote
// shard stops answering, tries again without it if the shards allow a
// partial answer. Other Xapian errors become a Status.
template <typename Fn>
auto WithReopen(ShardSet& shards, const std::string& path, Fn&& fn)
    -> decltype(fn()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return fn();
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt == 5) return StatusFromXapian(e, path);
      shards.db().reopen();
    } catch (const Xapian::DatabaseCorruptError& e) {
      // Glass readers two commits behind a writer can meet blocks the
      // writer has reused, which Xapian sometimes reports as corruption.
      // Corruption is real only if it stays at the newest revision.
      if (attempt == 5 || !shards.db().reopen())
        return StatusFromXapian(e, path);
    } catch (const Xapian::NetworkError& e) {
      const Status dropped = shards.DropUnavailable(e);
      if (!dropped.ok() || attempt == 5)
        return dropped.ok() ? StatusFromXapian(e, path) : dropped;
    } catch (const Xapian::Error& e) {
      return StatusFromXapian(e, path);
    }
  }
}

}  // namespace

// Thrown by DeadlineDecider through Xapian's match when time is up.
struct DeadlineExceeded {};

// Accepts every document, but ends the match once the deadline passes.
class DeadlineDecider : public Xapian::MatchDecider {
 public:
  explicit DeadlineDecider(double seconds)
      : deadline_(
            std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(seconds))) {}
  bool operator()(const Xapian::Document&) const override {
    if ((++calls_ & 63) == 1 && std::chrono::steady_clock::now() > deadline_)
      throw DeadlineExceeded();
    return true;
  }

 private:
  std::chrono::steady_clock::time_point deadline_;
  mutable uint64_t calls_ = 0;
};

namespace {

// The name of each SortOrder, in enum order: also the schema field whose
// slot the hits are sorted by (but for relevance).
constexpr const char* kSortNames[] = {"relevance", "date", "quality", "heat"};

}  // namespace

const char* SortName(SortOrder sort) {
  return kSortNames[static_cast<int>(sort)];
}

const char* MatchModeName(MatchMode mode) {
  constexpr const char* kNames[] = {"relaxed", "all", "any"};
  return kNames[static_cast<int>(mode)];
}

Result<SortOrder> ParseSortOrder(const std::string& name) {
  return ParseEnumName<SortOrder>("sort", kSortNames, name);
}

namespace {
constexpr const char* kCollapseNames[] = {"story", "url", "none"};
}  // namespace

Result<CollapseMode> ParseCollapseMode(const std::string& name) {
  return ParseEnumName<CollapseMode>("collapse", kCollapseNames, name);
}

const char* CollapseName(CollapseMode mode) {
  return kCollapseNames[static_cast<int>(mode)];
}

Status SetBoost(const std::string& name, double weight,
                SearchRequest* request) {
  if (!(weight >= 0 && weight <= 10))
    return InvalidArgument("boost " + name +
                           ": the weight must be from 0 to 10");
  if (name == "quality") {
    request->quality_boost = weight;
  } else if (name == "heat") {
    request->heat_boost = weight;
  } else if (name == "recency") {
    request->recency_boost = weight;
  } else {
    return InvalidArgument("boost: unknown prior '" + name +
                           "' (quality, heat or recency)");
  }
  return Status::Ok();
}

Status SetHalfLife(const std::string& text, SearchRequest* request) {
  const auto seconds = ParseDuration(text);
  if (!seconds)
    return InvalidArgument("half-life: '" + text +
                           "' is not a duration such as 72h, 30d or 2w");
  request->half_life_seconds = static_cast<double>(*seconds);
  return Status::Ok();
}

Status SetNow(const std::string& text, SearchRequest* request) {
  const auto t = ParseIsoTime(std::string(Trim(text)));
  if (!t)
    return InvalidArgument("now: '" + text +
                           "' is not a date or time (YYYY-MM-DD or ISO 8601)");
  request->now = *t;
  return Status::Ok();
}

Searcher::Searcher(std::string path, ShardSet shards, Schema schema,
                   std::unique_ptr<Analyzer> analyzer)
    : path_(std::move(path)),
      shards_(std::move(shards)),
      db_(shards_.db()),
      schema_(std::move(schema)),
      analyzer_(std::move(analyzer)),
      parser_(schema_, analyzer_.get()),
      prior_slots_(PriorSlotsOf(schema_)) {}

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::string& path,
                                                 const OpenOptions& options) {
  for (int attempt = 1;; ++attempt) try {
      NSEARCH_ASSIGN_OR_RETURN(ShardSet shards, ShardSet::Open(path, options));
      auto schema = ReadIndexSchema(
          [&shards](const std::string& key) { return shards.Metadata(key); });
      if (!schema.ok()) return schema.error().WithContext(path);
      NSEARCH_ASSIGN_OR_RETURN(
          auto analyzer,
          Analyzer::Create({schema->stemmer(), schema->stopwords()}));
      return std::unique_ptr<Searcher>(new Searcher(path, std::move(shards),
                                                    std::move(schema).value(),
                                                    std::move(analyzer)));
    } catch (const Xapian::DatabaseNotFoundError& e) {
      // The folder exists (ShardSet::Open checks) but holds no database.
      return Corruption("not an nsearch index: " + path + " holds no index");
    } catch (const Xapian::DatabaseModifiedError& e) {
      // A writer committed twice while we read the stamps: open again.
      if (attempt == 5) return StatusFromXapian(e, path);
    } catch (const Xapian::DatabaseCorruptError& e) {
      // Possibly a block a writer reused (see WithReopen): open again, and
      // report it if it persists.
      if (attempt == 5) return StatusFromXapian(e, path);
    } catch (const Xapian::NetworkError& e) {
      return ShardUnavailable("a shard of " + path +
                              " does not answer: " + e.get_msg());
    } catch (const Xapian::Error& e) {
      return StatusFromXapian(e, path);
    }
}

Status Searcher::Reopen() { return shards_.Reopen(); }

uint64_t Searcher::Revision() { return shards_.Revision(); }

std::string Searcher::ShardOf() {
  if (shards_.size() != 1) return "";
  return db_.get_metadata(kMetaShardOf);
}

IndexInfo Searcher::Freshness() {
  return {path_, db_.get_uuid(), Revision(), db_.get_doccount(),
          db_.get_metadata(kMetaLastUpdate)};
}

Result<std::vector<QueryNode>> Searcher::FilterNodes(
    const SearchRequest& request) {
  // Flag filters become nodes too, so --parse-only shows them.
  std::vector<QueryNode> filters;
  auto add_any_of = [&](const char* field_name,
                        const std::vector<std::string>& values) -> Status {
    if (values.empty()) return Status::Ok();
    const FieldSpec* field = RequireField(schema_, field_name);
    if (!field)
      return InvalidArgument(std::string("the index has no field ") +
                             field_name);
    QueryNode any;
    any.kind = QueryNode::Kind::kOr;
    for (const auto& v : values) {
      NSEARCH_ASSIGN_OR_RETURN(QueryNode node, parser_.FilterNode(*field, v));
      any.children.push_back(std::move(node));
    }
    filters.push_back(any.children.size() == 1 ? std::move(any.children[0])
                                               : std::move(any));
    return Status::Ok();
  };
  NSEARCH_RETURN_IF_ERROR(add_any_of("topic", request.topics));
  NSEARCH_RETURN_IF_ERROR(add_any_of("provider", request.providers));
  NSEARCH_RETURN_IF_ERROR(add_any_of("type", request.types));
  // The range flags: typed bounds, no query text made for them.
  auto range_field = [&](const char* name) -> Result<const FieldSpec*> {
    const FieldSpec* field = RequireField(schema_, name);
    if (!field || !field->slot)
      return InvalidArgument(std::string("the index has no range field ") +
                             name);
    return field;
  };
  if (!request.since.empty() || !request.until.empty()) {
    NSEARCH_ASSIGN_OR_RETURN(const FieldSpec* date, range_field("date"));
    const std::string named =
        request.until.empty() ? "since " + request.since
        : request.since.empty()
            ? "until " + request.until
            : "since " + request.since + " until " + request.until;
    NSEARCH_ASSIGN_OR_RETURN(
        QueryNode node,
        parser_.RangeNode(*date, request.since, request.until, named));
    filters.push_back(std::move(node));
  }
  for (const auto& [name, low] : {std::pair{"quality", request.min_quality},
                                  std::pair{"heat", request.min_heat}}) {
    if (!low) continue;
    NSEARCH_ASSIGN_OR_RETURN(const FieldSpec* field, range_field(name));
    NSEARCH_ASSIGN_OR_RETURN(QueryNode node, parser_.AtLeastNode(*field, *low));
    filters.push_back(std::move(node));
  }
  return filters;
}

Result<QueryPlan> Searcher::Plan(const SearchRequest& request) {
  // Relative dates (date:7d.., --since 2w) count back from the same clock
  // as recency.
  parser_.SetNow(request.now ? *request.now
                             : static_cast<int64_t>(std::time(nullptr)));
  QueryOptions options;
  options.match = request.match;
  options.limits = request.limits;
  options.prefix_last = request.prefix;
  QueryPlan plan;
  NSEARCH_ASSIGN_OR_RETURN(plan.parsed, parser_.Parse(request.query, options));
  NSEARCH_ASSIGN_OR_RETURN(std::vector<QueryNode> filters,
                           FilterNodes(request));
  QueryNode& root = plan.parsed.root;
  if (root.kind == QueryNode::Kind::kAll && filters.empty()) {
    if (request.query.find_first_not_of(" \t\r\n") == std::string::npos)
      return InvalidArgument(
          "empty query (give words, or filters such as --topic)");
    return InvalidArgument("the query has no word to search for: '" +
                           request.query + "'");
  }
  plan.strict = parser_.ToXapian(root, request.limits, Tier::kStrict);
  plan.scored = parser_.ScoredLeaves(root, request.limits);
  // Only block-max matching reads it (batch mode): one-off calls skip it.
  if (block_max_)
    plan.conjunction = parser_.StrictConjunction(root, request.limits);
  if (QueryParser::Relaxable(root)) {
    plan.relaxed = parser_.ToXapian(root, request.limits, Tier::kRelaxed);
    plan.optional = parser_.OptionalWords(root, request.limits);
  }
  if (filters.empty()) return plan;
  QueryNode all;
  all.kind = QueryNode::Kind::kAnd;
  for (auto& f : filters) all.children.push_back(std::move(f));
  const Xapian::Query filter = parser_.ToXapian(all, request.limits);
  plan.strict = Xapian::Query(Xapian::Query::OP_FILTER, plan.strict, filter);
  if (plan.conjunction) plan.conjunction->filters.push_back(filter);
  if (plan.relaxable())
    plan.relaxed =
        Xapian::Query(Xapian::Query::OP_FILTER, plan.relaxed, filter);
  // Show the filters in the parsed tree.
  all.children.insert(all.children.begin(), std::move(root));
  root = std::move(all);
  return plan;
}

PriorWeights Searcher::Weights(const SearchRequest& request) const {
  const RankingSpec& ranking = schema_.ranking();
  PriorWeights w;
  w.quality = ranking.quality;
  w.heat = ranking.heat;
  w.recency = ranking.recency;
  if (request.quality_boost) w.quality.weight = *request.quality_boost;
  if (request.heat_boost) w.heat.weight = *request.heat_boost;
  if (request.recency_boost) w.recency.weight = *request.recency_boost;
  if (request.half_life_seconds)
    w.recency.half_life_seconds = *request.half_life_seconds;
  w.now = request.now ? *request.now : static_cast<int64_t>(std::time(nullptr));
  return w;
}

Result<ParsedRequest> Searcher::ParseOnly(const SearchRequest& request) {
  NSEARCH_ASSIGN_OR_RETURN(QueryPlan plan, Plan(request));
  ParsedRequest out;
  out.query = request.query;
  out.match = request.match;
  out.strict = plan.strict.get_description();
  if (plan.relaxable()) {
    out.relaxed = plan.relaxed.get_description();
    for (const auto& w : plan.optional) out.optional.push_back(w.first);
  }
  NSEARCH_ASSIGN_OR_RETURN(
      out.suggestion,
      WithReopen(shards_, path_, [&]() -> Result<std::optional<std::string>> {
        return CorrectQuery(db_, *analyzer_, request.query, plan.parsed);
      }));
  out.parsed = std::move(plan.parsed.root);
  out.dropped_stopwords = std::move(plan.parsed.dropped_stopwords);
  return out;
}

namespace {

// A query's time limit, measured from the start of Search.
class Deadline {
 public:
  explicit Deadline(double timeout_ms)
      : timeout_ms_(timeout_ms),
        end_(std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double, std::milli>(timeout_ms))) {}
  bool Passed() const {
    return timeout_ms_ > 0 && std::chrono::steady_clock::now() > end_;
  }
  Status Exceeded() const {
    std::ostringstream ms;
    ms << timeout_ms_;
    return Status(
        StatusCode::kTimeout,
        "the query took longer than its time limit of " + ms.str() + " ms");
  }

 private:
  double timeout_ms_;
  std::chrono::steady_clock::time_point end_;
};

// Counts the words the query's wildcards expand to (in the free-text
// space, where every wildcard expands), across the whole query: Xapian caps
// each wildcard, but 250 of them under that cap would open 250,000 posting
// lists before the match visits any document, so the deadline is checked
// here too.
Status CheckWildcards(const Xapian::Database& db, const QueryNode& node,
                      const QueryLimits& limits, const Deadline& deadline,
                      size_t* total) {
  for (const QueryNode& child : node.children)
    NSEARCH_RETURN_IF_ERROR(CheckWildcards(db, child, limits, deadline, total));
  if (node.kind != QueryNode::Kind::kWildcard || node.terms.empty())
    return Status::Ok();
  if (node.prefix) {  // --prefix keeps its most frequent words only.
    *total += limits.max_prefix_expansion;
    return Status::Ok();
  }
  const std::string& prefix = node.terms[0];
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    if (++*total > limits.max_total_wildcard)
      return LimitExceeded("the query's wildcards match more than " +
                           std::to_string(limits.max_total_wildcard) +
                           " words in all");
    if ((*total & 63) == 0 && deadline.Passed()) return deadline.Exceeded();
  }
  return deadline.Passed() ? deadline.Exceeded() : Status::Ok();
}

}  // namespace

Result<ResultPage> Searcher::Search(const SearchRequest& request) {
  const Deadline deadline(request.timeout_ms);
  NSEARCH_RETURN_IF_ERROR(CheckAtMost("--limit", request.limit, kMaxLimit));
  NSEARCH_RETURN_IF_ERROR(CheckAtMost("--offset", request.offset, kMaxOffset));
  NSEARCH_ASSIGN_OR_RETURN(QueryPlan plan, Plan(request));
  NSEARCH_RETURN_IF_ERROR(WithReopen(shards_, path_, [&] {
    size_t total = 0;
    return CheckWildcards(db_, plan.parsed.root, request.limits, deadline,
                          &total);
  }));
  NSEARCH_ASSIGN_OR_RETURN(ResultPage out, RunQuery(plan, request));
  if (!request.correct) return out;
  return TryCorrection(request, plan, std::move(out));
}

namespace {

// The documents of a page that have all the words.
uint64_t AllWordsTotal(const ResultPage& page) {
  return (page.relaxed ? page.all_words_total : page.total).estimated;
}

}  // namespace

Result<ResultPage> Searcher::TryCorrection(const SearchRequest& request,
                                           const QueryPlan& plan,
                                           ResultPage out) {
  if (AllWordsTotal(out) > 0) return out;
  NSEARCH_ASSIGN_OR_RETURN(
      const std::optional<std::string> fixed,
      WithReopen(shards_, path_, [&]() -> Result<std::optional<std::string>> {
        return CorrectQuery(db_, *analyzer_, request.query, plan.parsed);
      }));
  if (!fixed) return out;
  SearchRequest corrected = request;
  corrected.query = *fixed;
  auto corrected_plan = Plan(corrected);
  if (!corrected_plan.ok()) return out;
  NSEARCH_ASSIGN_OR_RETURN(ResultPage better,
                           RunQuery(*corrected_plan, corrected));
  if (AllWordsTotal(better) == 0) return out;
  better.query = request.query;
  better.corrected = Correction{request.query, *fixed};
  return better;
}

Result<ResultPage> Searcher::RunQuery(const QueryPlan& plan,
                                      const SearchRequest& request) {
  // A writer that commits twice while we read makes Xapian throw
  // DatabaseModifiedError: reopen at the newest revision and try again.
  return WithReopen(shards_, path_,
                    [&] { return RunQueryOnce(plan, request); });
}

namespace {

// Accepts the stemmed terms of the free-text space ("Z" + stem, not "Z" +
// a field's upper-case prefix); ExpandTerms then keeps those some other
// document shares (a term only one document has finds nothing). With an
// analyzer (query expansion): not a stopword or minor word, and not a word
// of the query (ExcludeQueryWords).
class StemFilter {
 public:
  explicit StemFilter(Analyzer* analyzer = nullptr) : analyzer_(analyzer) {}
  bool operator()(const std::string& term) const {
    if (term.size() <= 2 || !IsFreeTextStem(term) || excluded_.count(term))
      return false;
    const std::string_view stem = std::string_view(term).substr(1);
    if (analyzer_ &&
        (analyzer_->IsStopword(stem) || analyzer_->IsMinorWord(stem)))
      return false;
    for (const std::string& prefix : excluded_prefixes_)
      if (term.compare(0, prefix.size(), prefix) == 0) return false;
    return true;
  }

  // Refuses the stems of the words `scored` searches, in whatever form the
  // query holds them: stems ("Zazur"), words of a phrase ("azure") and a
  // wildcard's prefix ("pyto", every stem it starts).
  void ExcludeQueryWords(const std::vector<ScoredLeaf>& scored) {
    for (const ScoredLeaf& leaf : scored) {
      const std::string& t = leaf.term;
      if (IsFreeTextStem(t)) {
        excluded_.insert(t);
      } else if (leaf.expansion > 0) {
        excluded_prefixes_.push_back(kStemPrefix + t);
      } else if (analyzer_) {
        excluded_.insert(kStemPrefix + t);
        excluded_.insert(kStemPrefix + analyzer_->Stem(t));
      }
    }
  }

 private:
  // "Z" + a stem, not "Z" + a field's upper-case prefix.
  static bool IsFreeTextStem(const std::string& t) {
    return t.size() > 1 && t[0] == kStemPrefix[0] &&
           !(t[1] >= 'A' && t[1] <= 'Z');
  }

  Analyzer* analyzer_;
  std::set<std::string> excluded_;
  std::vector<std::string> excluded_prefixes_;
};

// The snippet of a hit: the excerpt's best window, or the body's when the
// excerpt has no match but the body does.
std::string HitSnippet(const StoredRecord& record, const ParsedQuery& parsed,
                       Analyzer* analyzer) {
  std::string snippet = MakeSnippet(record.excerpt, parsed, analyzer);
  if (snippet.find(kMarkOpen) == std::string::npos && !record.body.empty()) {
    std::string from_body = MakeSnippet(record.body, parsed, analyzer);
    if (from_body.find(kMarkOpen) != std::string::npos || snippet.empty())
      snippet = from_body;
  }
  return snippet;
}

ScoreParts Explain(const MatchedHit& hit, const std::optional<PriorWeights>& w,
                   const PriorSlots& slots) {
  PriorParts parts;
  if (w) parts = DocumentPriors(*w, slots, hit.doc);
  ScoreParts out;
  out.bm25 = hit.score - parts.Sum();
  out.quality_prior = parts.quality;
  out.heat_prior = parts.heat;
  out.recency_prior = parts.recency;
  out.scale = w ? w->scale : 0.0;
  out.all_words = hit.all_words;
  out.score = hit.score;
  return out;
}

}  // namespace

Hit Searcher::MakeHit(const MatchedHit& matched, size_t rank,
                      const QueryPlan& plan, const SearchRequest& request,
                      const MatchResult& match, Xapian::doccount story_size) {
  Hit hit;
  hit.rank = rank;
  hit.score = matched.score;
  hit.document = ReadStoredRecord(matched.doc, /*file_state=*/false);
  hit.snippet = HitSnippet(hit.document, plan.parsed, analyzer_.get());
  hit.document.body.clear();  // Read for the snippet only.
  hit.duplicates = matched.duplicates;
  hit.all_words = matched.all_words;
  hit.missing = matched.missing;
  if (request.collapse == CollapseMode::kStory)
    hit.story = StoryOf(matched.doc, matched.docid, story_size);
  if (request.explain)
    hit.explain = Explain(matched, match.priors, prior_slots_);
  return hit;
}

std::optional<unsigned> Searcher::CollapseSlot(CollapseMode mode) const {
  const StorySpec* stories = schema_.stories();
  if (mode == CollapseMode::kStory && stories) return stories->slot;
  if (mode == CollapseMode::kNone) return std::nullopt;
  return schema_.collapse_slot();  // Per URL (and stories, if none).
}

std::vector<Xapian::doccount> Searcher::StorySizes(
    const std::vector<MatchedHit>& hits) const {
  const StorySpec* stories = schema_.stories();
  if (!stories) return std::vector<Xapian::doccount>(hits.size(), 0);
  std::vector<std::string> keys;
  for (const MatchedHit& hit : hits)
    keys.push_back(kStoryKeyPrefix + hit.doc.get_value(stories->slot));
  return TermFrequencies(db_, keys, shards_.has_remote());
}

std::optional<Story> Searcher::StoryOf(const Xapian::Document& doc,
                                       Xapian::docid docid,
                                       Xapian::doccount size) {
  const StorySpec* stories = schema_.stories();
  if (!stories || size < 2) return std::nullopt;
  const std::string term = kStoryKeyPrefix + doc.get_value(stories->slot);
  // The other copies, earliest first (a story's size is small: the
  // posting list is read at most this far).
  constexpr size_t kMaxAlso = 20;
  Story story;
  story.size = size;
  std::vector<Xapian::docid> copies;
  for (auto it = db_.postlist_begin(term);
       it != db_.postlist_end(term) && copies.size() < kMaxAlso; ++it)
    if (*it != docid) copies.push_back(*it);
  for (const Xapian::Document& other : shards_.Documents(copies)) {
    StoredRecord& copy =
        story.also.emplace_back(ReadStoredRecord(other, false));
    copy.body.clear();  // Not shown.
  }
  // Then by id: the same order however the index is sharded.
  std::sort(story.also.begin(), story.also.end(),
            [](const StoredRecord& a, const StoredRecord& b) {
              if (a.published.has_value() != b.published.has_value())
                return a.published.has_value();
              if (a.published && *a.published != *b.published)
                return *a.published < *b.published;
              return a.id < b.id;
            });
  return story;
}

Result<MatchOptions> Searcher::MatchOptionsFor(const SearchRequest& request) {
  MatchOptions options;
  options.offset = request.offset;
  options.limit = request.limit;
  options.k1 = schema_.ranking().k1;
  options.b = schema_.ranking().b;
  if (request.sort != SortOrder::kRelevance) {
    const char* sort_field = SortName(request.sort);
    const FieldSpec* field = RequireField(schema_, sort_field);
    if (!field || !field->slot)
      return InvalidArgument(std::string("the index has no slot for ") +
                             sort_field);
    options.sort_slot = *field->slot;
  }
  options.collapse_slot = CollapseSlot(request.collapse);
  if (request.prior && request.sort == SortOrder::kRelevance)
    options.priors = Weights(request);
  options.prior_slots = prior_slots_;
  options.remote = shards_.has_remote();
  if (options.remote) {
    options.documents = [this](const std::vector<Xapian::docid>& docids) {
      return shards_.Documents(docids);
    };
    options.slot_bounds = [this](Xapian::valueno slot) {
      return shards_.SlotBounds(slot);
    };
  }
  // One local database: its revision says when the columns go stale.
  if (keep_priors_ && options.priors && shards_.size() == 1 &&
      !shards_.has_remote()) {
    const std::string key =
        db_.get_uuid() + "@" + std::to_string(db_.get_revision());
    if (key != prior_columns_key_) {
      prior_columns_ = std::make_unique<PriorColumns>(db_, prior_slots_);
      block_bounds_ = block_max_
                          ? std::make_unique<BlockBounds>(db_, *prior_columns_)
                          : nullptr;
      prior_columns_key_ = key;
    }
    options.prior_columns = prior_columns_.get();
    options.block_bounds = block_bounds_.get();
  }
  return options;
}

void Searcher::ExplainExpansion(const MatchResult& match,
                                std::vector<Hit>* hits) {
  std::vector<double> parts(hits->size(), 0.0);
  if (!match.expansion.empty() && !hits->empty()) {
    std::vector<std::string> ids;
    std::vector<Xapian::docid> docids;
    for (size_t i = 0; i < hits->size(); ++i) {
      ids.push_back(kIdPrefix + (*hits)[i].document.id);
      docids.push_back(match.hits[i].docid);
    }
    parts = ExpansionParts(db_, match.expansion, ids, docids,
                           schema_.ranking().k1, schema_.ranking().b);
  }
  for (size_t i = 0; i < hits->size(); ++i) {
    ScoreParts& explain = *(*hits)[i].explain;
    explain.expansion = parts[i];
    explain.bm25 -= parts[i];
  }
}

ResultPage Searcher::MakePage(const QueryPlan& plan,
                              const SearchRequest& request,
                              const MatchResult& match) {
  ResultPage page;
  page.query = request.query;
  page.total = match.total;
  page.offset = request.offset;
  page.limit = request.limit;
  page.sort = request.sort;
  page.collapse = request.collapse;
  page.relaxed = match.relaxed;
  page.dropped_stopwords = plan.parsed.dropped_stopwords;
  if (match.total.estimated < 3)
    page.suggestion = CorrectQuery(db_, *analyzer_, request.query, plan.parsed);
  page.index = Freshness();
  // Story sizes for the whole page at once (one round over remote shards).
  const std::vector<Xapian::doccount> story_sizes =
      request.collapse == CollapseMode::kStory
          ? StorySizes(match.hits)
          : std::vector<Xapian::doccount>(match.hits.size(), 0);
  for (size_t i = 0; i < match.hits.size(); ++i)
    page.hits.push_back(MakeHit(match.hits[i], request.offset + i + 1, plan,
                                request, match, story_sizes[i]));
  if (match.relaxed) {
    for (const auto& w : plan.optional) page.optional.push_back(w.first);
    page.all_words_total = match.all_words;
  }
  page.ranking = match.priors;
  page.missing_shards = shards_.missing();
  if (request.expand) {
    page.expanded.emplace();
    for (const std::string& term : match.expanded)
      page.expanded->push_back(term.substr(std::strlen(kStemPrefix)));
    if (request.explain) ExplainExpansion(match, &page.hits);
  }
  return page;
}

Result<ResultPage> Searcher::RunQueryOnce(const QueryPlan& plan,
                                          const SearchRequest& request) {
  NSEARCH_ASSIGN_OR_RETURN(std::vector<FacetSpec> facet_specs,
                           ResolveFacets(schema_, request.facets));
  NSEARCH_ASSIGN_OR_RETURN(MatchOptions options, MatchOptionsFor(request));
  try {
    // --timeout-ms: a hard deadline, checked as the match visits documents.
    const double timeout = request.timeout_ms / 1000.0;
    DeadlineDecider deadline_decider(timeout);
    if (request.timeout_ms > 0) {
      options.time_limit = timeout / 2;
      // Xapian's remote backend takes no decider: remote shards have the
      // soft limit only.
      if (!shards_.has_remote()) options.decider = &deadline_decider;
    }
    // Facets count the same documents as the total, every copy of a story,
    // in the unweighted counting pass.
    const std::optional<unsigned> day_slot = DaySlot(schema_);
    if (request.histogram != Interval::kNone && !day_slot)
      return InvalidArgument("the index has no date slot for a histogram");
    FacetCounter facets(facet_specs, analyzer_.get(), request.histogram,
                        day_slot);
    options.spies = facets.spies();
    if (request.expand) {
      options.expand = ExpandOptions();
      StemFilter filter(analyzer_.get());
      filter.ExcludeQueryWords(plan.scored);
      options.expand_accepts = std::move(filter);
    }
    const MatchResult match = RunPlan(db_, plan, options);
    ResultPage page = MakePage(plan, request, match);
    if (!facet_specs.empty()) page.facets = facets.Counts(request.facet_size);
    if (request.histogram != Interval::kNone) page.histogram = facets.Buckets();
    return page;
  } catch (const DeadlineExceeded&) {
    std::ostringstream ms;
    ms << request.timeout_ms;
    return Status(
        StatusCode::kTimeout,
        "the query took longer than its time limit of " + ms.str() + " ms");
  } catch (const Xapian::WildcardError&) {
    return LimitExceeded("a wildcard matches too many words (more than " +
                         std::to_string(request.limits.max_wildcard) +
                         "); make it longer or narrow the query");
  } catch (const Xapian::DatabaseModifiedError&) {
    throw;  // RunQuery reopens and retries.
  } catch (const Xapian::DatabaseCorruptError&) {
    throw;  // Likewise (see WithReopen).
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, path_);
  }
}

Result<Suggestions> Searcher::Suggest(const SuggestRequest& request) {
  NSEARCH_RETURN_IF_ERROR(ValidateSuggestRequest(request));
  const TypedText typed = SplitTypedWord(*analyzer_, request.text);
  // The words again as plain text: no operator, quote or field survives.
  std::string words;
  for (const std::string& w : typed.words) words += w + " ";
  if (words.empty() && typed.prefix.empty())
    return InvalidArgument("suggest: no word in '" + request.text + "'");
  QueryOptions context_options;
  context_options.match = MatchMode::kAll;
  NSEARCH_ASSIGN_OR_RETURN(const ParsedQuery context,
                           parser_.Parse(words, context_options));
  const bool has_context = context.root.kind != QueryNode::Kind::kAll;
  const QueryLimits limits;
  return WithReopen(shards_, path_, [&]() -> Result<Suggestions> {
    Suggestions out;
    out.text = request.text;
    out.prefix = typed.prefix;
    out.context = typed.context;
    // The most frequent words with the prefix, ranked in the context when
    // there is one: the completions, and the prefix's words in titles.
    const std::vector<Completion> frequent =
        FrequentCompletions(db_, typed.prefix, kContextCandidates);
    const std::vector<Completion> ranked =
        has_context ? RankInContext(db_, parser_.ToXapian(context.root, limits),
                                    frequent, kContextCandidates)
                    : frequent;
    out.completions.assign(
        ranked.begin(),
        ranked.begin() + std::min(ranked.size(), request.completions));
    for (Completion& c : out.completions) c.text = typed.context + c.word;
    if (request.limit == 0) return out;
    out.titles = SuggestTitles(typed.words, !typed.prefix.empty(), ranked,
                               request.limit);
    return out;
  });
}

std::vector<SuggestedTitle> Searcher::SuggestTitles(
    const std::vector<std::string>& context_words, bool has_prefix,
    const std::vector<Completion>& expansion, size_t limit) {
  using Q = Xapian::Query;
  // The title's own words (a positional field keeps them unstemmed under
  // its prefix); the free-text space when the schema keeps none.
  const FieldSpec* title = schema_.FindField("title");
  const std::string prefix = title && title->positions ? title->prefix : "";
  std::vector<Q> all;
  for (const std::string& w : context_words)
    if (!analyzer_->IsStopword(w)) all.emplace_back(prefix + w);
  if (has_prefix) {
    std::vector<Q> words;
    for (size_t i = 0; i < expansion.size() && i < kTitleExpansion; ++i)
      words.emplace_back(prefix + expansion[i].word);
    all.emplace_back(Q::OP_OR, words.begin(), words.end());
  }
  Xapian::Enquire enquire(db_);
  enquire.set_query(Q(Q::OP_AND, all.begin(), all.end()));
  // Unranked, in index order: the match ends as soon as it has enough
  // documents, whatever the number of matches.
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  const Xapian::MSet mset = enquire.get_mset(
      0, static_cast<Xapian::doccount>(limit * kTitleOversample));
  std::vector<SuggestedTitle> titles;
  std::set<std::string> seen;  // Copies of a story share a title.
  for (auto m = mset.begin(); m != mset.end() && titles.size() < limit; ++m) {
    StoredRecord record =
        ReadStoredRecord(m.get_document(), /*file_state=*/false);
    if (!seen.insert(record.title).second) continue;
    titles.push_back({std::move(record.id), std::move(record.title),
                      std::move(record.url), record.published.value_or("")});
  }
  return titles;
}

Result<Xapian::docid> Searcher::FindDocument(const std::string& id_or_path) {
  const bool is_id =
      id_or_path.size() == 16 &&
      id_or_path.find_first_not_of("0123456789abcdef") == std::string::npos;
  const std::string id =
      is_id ? id_or_path : DocumentIdForPath(AbsolutePathOf(id_or_path));
  return WithReopen(shards_, path_, [&]() -> Result<Xapian::docid> {
    const std::string term = kIdPrefix + id;
    Xapian::PostingIterator p = db_.postlist_begin(term);
    if (p == db_.postlist_end(term))
      return DocumentNotFound("no document " + id_or_path + " in the index");
    return *p;
  });
}

Result<ResultPage> Searcher::Similar(const std::string& id_or_path,
                                     size_t limit) {
  NSEARCH_RETURN_IF_ERROR(CheckAtMost("--limit", limit, kMaxLimit));
  NSEARCH_ASSIGN_OR_RETURN(const Xapian::docid docid, FindDocument(id_or_path));
  return WithReopen(shards_, path_, [&]() -> Result<ResultPage> {
    std::vector<Xapian::Query> terms;
    for (const ExpandTerm& t :
         ExpandTerms(db_, {docid}, 25, StemFilter(), shards_.has_remote()))
      terms.emplace_back(t.term);
    if (terms.empty()) terms.emplace_back(Xapian::Query::MatchNothing);
    const std::string self =
        kIdPrefix + ReadStoredRecord(db_.get_document(docid), false).id;
    const Xapian::Query query(
        Xapian::Query::OP_AND_NOT,
        Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
        Xapian::Query(self));
    SearchRequest request;
    request.query = "similar:" + id_or_path;
    request.limit = limit;
    request.prior = false;
    // An OR: RunPlan guards it against Xapian's pruning (pruning_guard.h).
    QueryPlan plan;  // Nothing to highlight, nothing to relax.
    plan.strict = query;
    return RunQuery(plan, request);
  });
}

namespace {

// Xapian 1.4's check() opens every table read/write, which a reader without
// write permission (or on a read-only mount) cannot. No writer can change
// such an index either, so a private copy of it is the same index: check
// that. Returns the number of errors, or the failure.
Result<size_t> CheckCopy(const std::string& live, std::ostream* report) {
  namespace fs = std::filesystem;
  std::string copy = (fs::temp_directory_path() / "nsearch-check-XXXXXX");
  if (!::mkdtemp(copy.data()))
    return IOError("cannot check a read-only index: no temporary folder");
  std::error_code ec;
  fs::copy(live, copy, fs::copy_options::recursive, ec);
  Result<size_t> errors = IOError(
      "cannot check a read-only index: copying it failed: " + ec.message());
  if (!ec) {
    try {
      // The copy is ours: make it writable for check().
      for (const auto& e : fs::directory_iterator(copy))
        fs::permissions(e.path(), fs::perms::owner_write,
                        fs::perm_options::add);
      errors =
          Xapian::Database::check(copy, Xapian::DBCHECK_SHOW_STATS, report);
    } catch (const Xapian::Error& e) {
      errors = StatusFromXapian(e, live);
    } catch (const fs::filesystem_error& e) {
      errors =
          IOError(std::string("cannot check a read-only index: ") + e.what());
    }
  }
  fs::remove_all(copy, ec);
  return errors;
}

// Checks the tables of the live generation: the number of errors, or the
// failure (kCorruption when Xapian could not read them).
// Checks one database folder (not a stub).
Result<size_t> CheckFolder(const std::string& path, const std::string& live,
                           std::ostream* report) {
  Status status;
  try {
    return Xapian::Database::check(live, Xapian::DBCHECK_SHOW_STATS, report);
  } catch (const Xapian::Error& e) {
    status = StatusFromXapian(e, path);
    // A system failure (say, permissions) is not damage; anything else is.
    if (status.code() == StatusCode::kCorruption ||
        status.code() == StatusCode::kIndexMissing)
      return Corruption("index " + path + " failed the check: " + e.get_msg());
  }
  if (::access(live.c_str(), W_OK) != 0) return CheckCopy(live, report);
  return status;
}

Result<size_t> CheckTables(const std::string& path, std::ostream* report) {
  // check() reads a database folder, not a stub: check the live one, or
  // each of its shards.
  std::string live = LiveGeneration(path);
  if (live.empty()) live = path;
  const unsigned shards = ShardCount(live);
  size_t errors = 0;
  for (unsigned k = 0; k < shards; ++k) {
    NSEARCH_ASSIGN_OR_RETURN(
        const size_t found,
        CheckFolder(path, ShardPath(live, k, shards), report));
    errors += found;
  }
  return errors;
}

}  // namespace

Result<CheckReport> Searcher::Check(const std::string& path) {
  NSEARCH_ASSIGN_OR_RETURN(auto searcher, Open(path));
  std::ostringstream report;
  NSEARCH_ASSIGN_OR_RETURN(const size_t errors, CheckTables(path, &report));
  if (errors > 0)
    return Corruption("index " + path + " has " + std::to_string(errors) +
                      " errors:\n" + report.str());
  const Schema& schema = searcher->schema_;
  return CheckReport{errors,
                     searcher->db_.get_doccount(),
                     {schema.name(), schema.version(), schema.hash()},
                     searcher->Freshness()};
}

Result<IndexStats> Searcher::Stats() {
  return WithReopen(shards_, path_, [&]() -> Result<IndexStats> {
    IndexStats stats;
    stats.documents = db_.get_doccount();
    for (auto t = db_.allterms_begin(); t != db_.allterms_end(); ++t)
      ++stats.terms;
    // The live generation only: the one kept for readers of the previous
    // one goes at the next swap.
    stats.size_bytes =
        FolderSize(shards_.generation().empty() ? path_ : shards_.generation());
    stats.average_length = db_.get_avlength();
    stats.schema = {schema_.name(), schema_.version(), schema_.hash()};
    stats.analyzer_version = Analyzer::kVersion;
    stats.shards = shards_.size();
    stats.shard_of = ShardOf();
    stats.index = Freshness();
    return stats;
  });
}

Result<StoredRecord> Searcher::Show(const std::string& id_or_path) {
  NSEARCH_ASSIGN_OR_RETURN(const Xapian::docid docid, FindDocument(id_or_path));
  return WithReopen(shards_, path_, [&]() -> Result<StoredRecord> {
    const Xapian::Document doc = db_.get_document(docid);
    if (!IsStoredRecord(doc.get_data()))
      return Corruption("stored data of " + id_or_path + " is not JSON");
    return ReadStoredRecord(doc);
  });
}

}  // namespace nsearch::searcher
