#include "searcher/searcher.h"

#include <chrono>
#include <filesystem>
#include <sstream>

#include "common/document.h"
#include "common/index_layout.h"
#include "common/index_meta.h"
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
// replaced), reopens at the newest revision and tries again. Other Xapian
// errors become a Status.
template <typename Fn>
auto WithReopen(Xapian::Database& db, const std::string& path, Fn&& fn)
    -> decltype(fn()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return fn();
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt == 5) return StatusFromXapian(e, path);
      db.reopen();
    } catch (const Xapian::DatabaseCorruptError& e) {
      // Glass readers two commits behind a writer can meet blocks the
      // writer has reused, which Xapian sometimes reports as corruption.
      // Corruption is real only if it stays at the newest revision.
      if (attempt == 5 || !db.reopen()) return StatusFromXapian(e, path);
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

Result<SortOrder> ParseSortOrder(const std::string& name) {
  if (name == "relevance") return SortOrder::kRelevance;
  if (name == "date") return SortOrder::kDate;
  if (name == "quality") return SortOrder::kQuality;
  if (name == "heat") return SortOrder::kHeat;
  return InvalidArgument("unknown sort '" + name +
                         "' (expected relevance, date, quality or heat)");
}

Searcher::Searcher(std::string path, Xapian::Database db, Schema schema,
                   std::unique_ptr<Analyzer> analyzer)
    : path_(std::move(path)),
      db_(std::move(db)),
      schema_(std::move(schema)),
      analyzer_(std::move(analyzer)),
      parser_(schema_, analyzer_.get()) {}

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return NotFound("no index at " + path +
                    " (create one with: nsearch index PATH)");
  for (int attempt = 1;; ++attempt) try {
      // Open the live generation itself (not the stub), so generation() says
      // exactly which one this searcher reads.
      const std::string generation = LiveGeneration(path);
      Xapian::Database db(generation.empty() ? path : generation);
      auto schema = ReadIndexSchema(db);
      if (!schema.ok()) return schema.error().WithContext(path);
      NSEARCH_ASSIGN_OR_RETURN(
          auto analyzer,
          Analyzer::Create({schema->stemmer(), schema->stopwords()}));
      auto searcher = std::unique_ptr<Searcher>(new Searcher(
          path, std::move(db), std::move(schema).value(), std::move(analyzer)));
      searcher->generation_ = generation;
      return searcher;
    } catch (const Xapian::DatabaseNotFoundError& e) {
      // The folder exists (checked above) but holds no database.
      return Corruption("not an nsearch index: " + path + " holds no index");
    } catch (const Xapian::DatabaseModifiedError& e) {
      // A writer committed twice while we read the stamps: open again.
      if (attempt == 5) return StatusFromXapian(e, path);
    } catch (const Xapian::DatabaseCorruptError& e) {
      // Possibly a block a writer reused (see WithReopen): open again, and
      // report it if it persists.
      if (attempt == 5) return StatusFromXapian(e, path);
    } catch (const Xapian::Error& e) {
      return StatusFromXapian(e, path);
    }
}

Status Searcher::Reopen() {
  try {
    db_.reopen();
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, path_);
  }
  return Status::Ok();
}

Json Searcher::Freshness() {
  const std::string last = db_.get_metadata(kMetaLastUpdate);
  return {{"path", path_},
          {"uuid", db_.get_uuid()},
          {"revision", db_.get_revision()},
          {"documents", db_.get_doccount()},
          {"last_update", last.empty() ? Json(nullptr) : Json(last)}};
}

Result<std::pair<ParsedQuery, Xapian::Query>> Searcher::Build(
    const SearchRequest& request) {
  QueryOptions options;
  options.any = request.any;
  options.limits = request.limits;
  NSEARCH_ASSIGN_OR_RETURN(ParsedQuery parsed,
                           parser_.Parse(request.query, options));

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
  auto add_range = [&](const char* field_name,
                       const std::string& range) -> Status {
    const FieldSpec* field = RequireField(schema_, field_name);
    if (!field || !field->slot)
      return InvalidArgument(std::string("the index has no range field ") +
                             field_name);
    NSEARCH_ASSIGN_OR_RETURN(QueryNode node, parser_.RangeNode(*field, range));
    filters.push_back(std::move(node));
    return Status::Ok();
  };
  if (!request.since.empty() || !request.until.empty())
    NSEARCH_RETURN_IF_ERROR(
        add_range("date", request.since + ".." + request.until));
  auto number = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  if (request.min_quality)
    NSEARCH_RETURN_IF_ERROR(
        add_range("quality", number(*request.min_quality) + ".."));
  if (request.min_heat)
    NSEARCH_RETURN_IF_ERROR(
        add_range("heat", number(*request.min_heat) + ".."));

  if (parsed.root.kind == QueryNode::Kind::kAll && filters.empty() &&
      parsed.dropped_stopwords.empty() &&
      request.query.find_first_not_of(" \t\r\n") == std::string::npos)
    return InvalidArgument(
        "empty query (give words, or filters such as --topic)");

  Xapian::Query query = parser_.ToXapian(parsed.root, request.limits);
  if (!filters.empty()) {
    QueryNode all;
    all.kind = QueryNode::Kind::kAnd;
    for (auto& f : filters) all.children.push_back(std::move(f));
    Xapian::Query filter = parser_.ToXapian(all, request.limits);
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
    // Show the filters in the parsed tree.
    QueryNode root;
    root.kind = QueryNode::Kind::kAnd;
    root.children.push_back(std::move(parsed.root));
    for (auto& c : all.children) root.children.push_back(std::move(c));
    parsed.root = std::move(root);
  }

  if (request.prior && request.sort == SortOrder::kRelevance) {
    std::vector<Xapian::Query> priors;
    if (!request.quality_boost && !request.heat_boost) {
      // The schema's weights: the index holds each document's sum.
      const double max = std::max(0.0, schema_.quality_prior().weight) +
                         std::max(0.0, schema_.heat_prior().weight);
      if (max > 0)
        priors.emplace_back(
            (new PriorTableSource(&prior_table_, max))->release());
    } else {
      auto add_prior = [&](const char* field_name, const PriorSpec& spec,
                           std::optional<double> boost) {
        const double weight = boost ? *boost : spec.weight;
        const FieldSpec* field = RequireField(schema_, field_name);
        if (weight <= 0 || !field || !field->slot) return;
        priors.emplace_back(
            PriorPostingSource::Scaled(*field->slot, weight, spec.cap)
                ->release());
      };
      add_prior("quality", schema_.quality_prior(), request.quality_boost);
      add_prior("heat", schema_.heat_prior(), request.heat_boost);
    }
    if (!priors.empty()) {
      query = Xapian::Query(
          Xapian::Query::OP_AND_MAYBE, query,
          Xapian::Query(Xapian::Query::OP_OR, priors.begin(), priors.end()));
    }
  }
  return std::make_pair(std::move(parsed), std::move(query));
}

Result<Json> Searcher::ParseOnly(const SearchRequest& request) {
  NSEARCH_ASSIGN_OR_RETURN(auto built, Build(request));
  return Json{{"version", kOutputVersion},
              {"query", request.query},
              {"parsed", built.first.root.ToJson()},
              {"dropped_stopwords", built.first.dropped_stopwords},
              {"xapian", built.second.get_description()}};
}

Result<Json> Searcher::Search(const SearchRequest& request) {
  if (request.limit > 10000)
    return InvalidArgument("--limit must be at most 10000");
  NSEARCH_ASSIGN_OR_RETURN(auto built, Build(request));
  return RunQuery(built.second, request, built.first);
}

Result<Json> Searcher::RunQuery(const Xapian::Query& query,
                                const SearchRequest& request,
                                const ParsedQuery& parsed) {
  // A writer that commits twice while we read makes Xapian throw
  // DatabaseModifiedError: reopen at the newest revision and try again.
  return WithReopen(db_, path_,
                    [&] { return RunQueryOnce(query, request, parsed); });
}

Result<Json> Searcher::RunQueryOnce(const Xapian::Query& query,
                                    const SearchRequest& request,
                                    const ParsedQuery& parsed) {
  NSEARCH_ASSIGN_OR_RETURN(std::vector<FacetSpec> facet_specs,
                           ResolveFacets(schema_, request.facets));
  try {
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    const char* sort_field = nullptr;
    switch (request.sort) {
      case SortOrder::kDate:
        sort_field = "date";
        break;
      case SortOrder::kQuality:
        sort_field = "quality";
        break;
      case SortOrder::kHeat:
        sort_field = "heat";
        break;
      case SortOrder::kRelevance:
        break;
    }
    if (sort_field) {
      const FieldSpec* field = RequireField(schema_, sort_field);
      if (!field || !field->slot)
        return InvalidArgument(std::string("the index has no slot for ") +
                               sort_field);
      enquire.set_sort_by_value_then_relevance(*field->slot, true);
    }
    if (request.collapse && schema_.collapse_slot())
      enquire.set_collapse_key(*schema_.collapse_slot());
    const Xapian::doccount check_at_least = static_cast<Xapian::doccount>(
        std::max<size_t>(100, request.offset + request.limit));
    // --timeout-ms: a hard deadline, checked as the match visits documents.
    const double timeout = request.timeout_ms / 1000.0;
    const bool deadline = request.timeout_ms > 0;
    DeadlineDecider deadline_decider(timeout);
    if (deadline) enquire.set_time_limit(timeout / 2);
    // Facets count the whole match set, before collapsing (Xapian shows a
    // match spy every match, duplicates included). An unweighted pass of its
    // own does that: no BM25, no prior, no collapse table over every match,
    // and the ranked pass below can stop as early as it would without facets.
    FacetSpy spy(facet_specs);
    if (!facet_specs.empty()) {
      Xapian::Enquire count(db_);
      // Weight 0: Xapian drops the weight-only prior branch too.
      count.set_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query, 0));
      count.set_weighting_scheme(Xapian::BoolWeight());
      count.add_matchspy(&spy);
      if (deadline) count.set_time_limit(timeout / 2);
      count.get_mset(0, 0, db_.get_doccount(), nullptr,
                     deadline ? &deadline_decider : nullptr);
    }
    Xapian::MSet mset = enquire.get_mset(
        static_cast<Xapian::doccount>(request.offset),
        static_cast<Xapian::doccount>(request.limit), check_at_least, nullptr,
        deadline ? &deadline_decider : nullptr);
    const bool prior = request.prior && request.sort == SortOrder::kRelevance;
    Json hits = Json::array();
    size_t rank = request.offset;
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
      Json data = ReadStoredRecord(it.get_document(), /*file_state=*/false);
      const std::string excerpt = data.value("excerpt", "");
      const std::string body = data.value("body", "");
      // Prefer the body when the excerpt has no match but the body does.
      std::string snippet = MakeSnippet(excerpt, parsed, analyzer_.get());
      if (snippet.find(kMarkOpen) == std::string::npos && !body.empty()) {
        std::string from_body = MakeSnippet(body, parsed, analyzer_.get());
        if (from_body.find(kMarkOpen) != std::string::npos || snippet.empty())
          snippet = from_body;
      }
      Json hit = {{"rank", ++rank},
                  {"id", data.value("id", "")},
                  {"score", it.get_weight()},
                  {"title", data.value("title", "")},
                  {"url", data.value("url", "")},
                  {"excerpt", excerpt},
                  {"snippet", snippet},
                  {"topics", data.value("topics", Json::array())},
                  {"provider", data.value("provider", Json::object())},
                  {"type", data.value("type", "")},
                  {"category", data.value("category", "")},
                  {"published", data.value("published", Json(nullptr))},
                  {"quality", data.value("quality", Json(nullptr))},
                  {"heat", data.value("heat", Json(nullptr))},
                  {"path", data.value("path", "")},
                  {"duplicates", it.get_collapse_count()}};
      if (request.explain) {
        auto part = [&](const char* key, const PriorSpec& spec,
                        std::optional<double> boost) {
          const double weight = boost ? *boost : spec.weight;
          if (!prior || weight <= 0 || !data[key].is_number()) return 0.0;
          return PriorSpec{weight, spec.cap}.Score(data[key].get<double>());
        };
        const double q =
            part("quality", schema_.quality_prior(), request.quality_boost);
        const double h = part("heat", schema_.heat_prior(), request.heat_boost);
        hit["explain"] = {{"bm25", it.get_weight() - q - h},
                          {"quality_prior", q},
                          {"heat_prior", h},
                          {"score", it.get_weight()}};
      }
      hits.push_back(std::move(hit));
    }
    Json suggestion = nullptr;
    if (mset.get_matches_estimated() < 3) {
      if (auto fixed = SuggestSpelling(db_, schema_, analyzer_.get(),
                                       request.query, parsed))
        suggestion = *fixed;
    }
    const char* sort_names[] = {"relevance", "date", "quality", "heat"};
    Json out = {{"version", kOutputVersion},
                {"query", request.query},
                {"total",
                 {{"estimated", mset.get_matches_estimated()},
                  {"lower", mset.get_matches_lower_bound()},
                  {"upper", mset.get_matches_upper_bound()}}},
                {"offset", request.offset},
                {"limit", request.limit},
                {"sort", sort_names[static_cast<int>(request.sort)]},
                {"prior", prior},
                {"collapse", request.collapse},
                {"dropped_stopwords", parsed.dropped_stopwords},
                {"suggestion", suggestion},
                {"index", Freshness()},
                {"hits", hits}};
    if (!facet_specs.empty()) out["facets"] = spy.ToJson(request.facet_size);
    return out;
  } catch (const DeadlineExceeded&) {
    std::ostringstream ms;
    ms << request.timeout_ms;
    return Status(
        StatusCode::kTimeout,
        "the query took longer than its time limit of " + ms.str() + " ms");
  } catch (const Xapian::DatabaseModifiedError&) {
    throw;  // RunQuery reopens and retries.
  } catch (const Xapian::DatabaseCorruptError&) {
    throw;  // Likewise (see WithReopen).
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, path_);
  }
}

Result<Xapian::docid> Searcher::FindDocument(const std::string& id_or_path) {
  const bool is_id =
      id_or_path.size() == 16 &&
      id_or_path.find_first_not_of("0123456789abcdef") == std::string::npos;
  const std::string id =
      is_id ? id_or_path : DocumentIdForPath(AbsolutePathOf(id_or_path));
  return WithReopen(db_, path_, [&]() -> Result<Xapian::docid> {
    const std::string term = kIdPrefix + id;
    Xapian::PostingIterator p = db_.postlist_begin(term);
    if (p == db_.postlist_end(term))
      return NotFound("no document " + id_or_path + " in the index");
    return *p;
  });
}

namespace {

// Accepts the stemmed free-text terms ("Z" + field prefix + stem) that
// some other document shares: a term only this document has finds nothing.
class StemDecider : public Xapian::ExpandDecider {
 public:
  explicit StemDecider(const Xapian::Database& db) : db_(db) {}
  bool operator()(const std::string& term) const override {
    return term.size() > 3 && term[0] == 'Z' && db_.get_termfreq(term) > 1;
  }

 private:
  const Xapian::Database& db_;
};

}  // namespace

Result<Json> Searcher::Similar(const std::string& id_or_path, size_t limit) {
  if (limit > 10000) return InvalidArgument("--limit must be at most 10000");
  NSEARCH_ASSIGN_OR_RETURN(const Xapian::docid docid, FindDocument(id_or_path));
  return WithReopen(db_, path_, [&]() -> Result<Json> {
    Xapian::Enquire enquire(db_);
    Xapian::RSet rset;
    rset.add_document(docid);
    StemDecider decider(db_);
    const Xapian::ESet eset = enquire.get_eset(25, rset, &decider);
    std::vector<Xapian::Query> terms;
    for (auto t = eset.begin(); t != eset.end(); ++t) terms.emplace_back(*t);
    if (terms.empty()) terms.emplace_back(Xapian::Query::MatchNothing);
    const std::string self =
        kIdPrefix +
        ReadStoredRecord(db_.get_document(docid), false).value("id", "");
    const Xapian::Query query(
        Xapian::Query::OP_AND_NOT,
        Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
        Xapian::Query(self));
    SearchRequest request;
    request.query = "similar:" + id_or_path;
    request.limit = limit;
    request.prior = false;
    ParsedQuery parsed;  // Nothing to highlight.
    return RunQuery(query, request, parsed);
  });
}

Result<Json> Searcher::Check(const std::string& path) {
  NSEARCH_ASSIGN_OR_RETURN(auto searcher, Open(path));
  std::ostringstream report;
  size_t errors = 0;
  try {
    // check() reads a database folder, not a stub: check the live one.
    std::string live = LiveGeneration(path);
    if (live.empty()) live = path;
    errors = Xapian::Database::check(live, Xapian::DBCHECK_SHOW_STATS, &report);
  } catch (const Xapian::Error& e) {
    return Corruption("index " + path + " failed the check: " + e.get_msg());
  }
  if (errors > 0)
    return Corruption("index " + path + " has " + std::to_string(errors) +
                      " errors:\n" + report.str());
  try {
    if (const Xapian::docid bad = FirstPriorChunkMismatch(searcher->db_))
      return Corruption("index " + path + ": the ranking prior of document " +
                        std::to_string(bad) +
                        " differs between its value slot and the prior "
                        "chunks; rebuild the index (nsearch index --rebuild)");
  } catch (const Xapian::Error& e) {
    return Corruption("index " + path + " failed the check: " + e.get_msg());
  }
  return Json{{"version", kOutputVersion},
              {"ok", true},
              {"errors", errors},
              {"documents", searcher->db_.get_doccount()},
              {"schema",
               {{"name", searcher->schema_.name()},
                {"version", searcher->schema_.version()}}},
              {"index", searcher->Freshness()}};
}

Result<Json> Searcher::Stats() {
  return WithReopen(db_, path_, [&]() -> Result<Json> {
    size_t terms = 0;
    for (auto t = db_.allterms_begin(); t != db_.allterms_end(); ++t) ++terms;
    return Json{{"version", kOutputVersion},
                {"documents", db_.get_doccount()},
                {"terms", terms},
                {"size_bytes", FolderSize(path_)},
                {"average_length", db_.get_avlength()},
                {"schema",
                 {{"name", schema_.name()},
                  {"version", schema_.version()},
                  {"hash", schema_.hash()}}},
                {"analyzer_version", Analyzer::kVersion},
                {"index", Freshness()}};
  });
}

Result<Json> Searcher::Show(const std::string& id_or_path) {
  NSEARCH_ASSIGN_OR_RETURN(const Xapian::docid docid, FindDocument(id_or_path));
  return WithReopen(db_, path_, [&]() -> Result<Json> {
    const Xapian::Document doc = db_.get_document(docid);
    if (!IsStoredRecord(doc.get_data()))
      return Corruption("stored data of " + id_or_path + " is not JSON");
    Json data = ReadStoredRecord(doc);
    return Json{{"version", kOutputVersion}, {"document", data}};
  });
}

}  // namespace nsearch::searcher
