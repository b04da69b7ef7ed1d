#include "cli/result_json.h"

#include <string>

#include "common/document.h"

namespace nsearch::cli {

using searcher::QueryNode;

namespace {

template <typename T>
Json OrNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json OrNull(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json ProviderJson(const StoredRecord& r) {
  return {{"name", r.provider_name}, {"domain", r.provider_domain}};
}

Json IndexJson(const searcher::IndexInfo& index) {
  return {{"path", index.path},
          {"uuid", index.uuid},
          {"revision", index.revision},
          {"documents", index.documents},
          {"last_update", OrNull(index.last_update)}};
}

Json TotalJson(const searcher::Total& total) {
  return {{"estimated", total.estimated},
          {"lower", total.lower},
          {"upper", total.upper},
          {"exact", total.exact()}};
}

Json StoryJson(const searcher::Story& story) {
  Json also = Json::array();
  for (const StoredRecord& copy : story.also)
    also.push_back({{"id", copy.id},
                    {"provider", ProviderJson(copy)},
                    {"url", copy.url},
                    {"published", OrNull(copy.published)}});
  return {{"size", story.size}, {"also", also}};
}

Json ExplainJson(const searcher::ScoreParts& parts) {
  Json out = {{"bm25", parts.bm25},
              {"quality_prior", parts.quality_prior},
              {"heat_prior", parts.heat_prior},
              {"recency_prior", parts.recency_prior},
              {"scale", parts.scale},
              {"tier", parts.all_words ? "all_words" : "some_words"},
              {"score", parts.score}};
  if (parts.expansion) out["expansion"] = *parts.expansion;
  return out;
}

// Appends the catalog fields of `r`, which a hit and a shown document both
// carry in this order: topics, provider, type, category, published,
// quality and heat.
void AddCatalogFields(const StoredRecord& r, Json* out) {
  Json& o = *out;
  o["topics"] = r.topics;
  o["provider"] = ProviderJson(r);
  o["type"] = r.type;
  o["category"] = r.category;
  o["published"] = OrNull(r.published);
  o["quality"] = OrNull(r.quality);
  o["heat"] = OrNull(r.heat);
}

Json HitJson(const searcher::Hit& hit) {
  const StoredRecord& d = hit.document;
  Json out = {{"rank", hit.rank},      {"id", d.id},   {"score", hit.score},
              {"title", d.title},      {"url", d.url}, {"excerpt", d.excerpt},
              {"snippet", hit.snippet}};
  AddCatalogFields(d, &out);
  out["path"] = d.path;
  out["duplicates"] = hit.duplicates;
  if (!hit.all_words) out["missing"] = hit.missing;
  if (hit.story) out["story"] = StoryJson(*hit.story);
  if (hit.explain) out["explain"] = ExplainJson(*hit.explain);
  return out;
}

Json RankingJson(const searcher::PriorWeights& w) {
  return {{"scale", w.scale},
          {"quality", w.quality.weight},
          {"heat", w.heat.weight},
          {"recency", w.recency.weight},
          {"half_life_seconds", w.recency.half_life_seconds},
          {"now", FormatIsoTime(w.now)}};
}

Json FacetsJson(const std::vector<searcher::Facet>& facets) {
  Json out = Json::object();
  for (const searcher::Facet& facet : facets) {
    Json values = Json::array();
    for (const auto& v : facet.values)
      values.push_back({{"value", v.value}, {"count", v.count}});
    out[facet.name] = values;
  }
  return out;
}

Json HistogramJson(const searcher::Histogram& histogram) {
  Json buckets = Json::array();
  for (const auto& b : histogram.buckets)
    buckets.push_back(
        {{"key", b.key}, {"from", FormatIsoTime(b.from)}, {"count", b.count}});
  return {{"interval", searcher::IntervalName(histogram.interval)},
          {"buckets", buckets},
          {"undated", histogram.undated}};
}

Json SchemaJson(const searcher::SchemaInfo& schema, bool with_hash) {
  Json out = {{"name", schema.name}, {"version", schema.version}};
  if (with_hash) out["hash"] = schema.hash;
  return out;
}

}  // namespace

Json PageJson(const searcher::ResultPage& page) {
  Json hits = Json::array();
  for (const searcher::Hit& hit : page.hits) hits.push_back(HitJson(hit));
  Json out = {{"version", kOutputVersion},
              {"query", page.query},
              {"total", TotalJson(page.total)},
              {"offset", page.offset},
              {"limit", page.limit},
              {"sort", searcher::SortName(page.sort)},
              {"prior", page.ranking.has_value()},
              {"collapse", page.collapse != searcher::CollapseMode::kNone},
              {"collapse_by", searcher::CollapseName(page.collapse)},
              {"relaxed", page.relaxed},
              {"dropped_stopwords", page.dropped_stopwords},
              {"suggestion", OrNull(page.suggestion)},
              {"index", IndexJson(page.index)},
              {"hits", hits}};
  if (page.relaxed) {
    out["optional"] = page.optional;
    out["all_words_total"] = TotalJson(page.all_words_total);
  }
  if (page.ranking) out["ranking"] = RankingJson(*page.ranking);
  if (!page.missing_shards.empty()) {
    out["partial"] = true;
    out["missing_shards"] = page.missing_shards;
  }
  if (page.facets) out["facets"] = FacetsJson(*page.facets);
  if (page.histogram) out["histogram"] = HistogramJson(*page.histogram);
  if (page.corrected)
    out["corrected"] = {{"from", page.corrected->from},
                        {"to", page.corrected->to}};
  if (page.expanded) out["expanded"] = *page.expanded;
  return out;
}

Json QueryNodeJson(const QueryNode& node) {
  Json j = {{"op", searcher::KindName(node.kind)}};
  if (!node.field.empty()) j["field"] = node.field;
  if (node.weight != 1.0) j["weight"] = node.weight;
  switch (node.kind) {
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase:
    case QueryNode::Kind::kWildcard:
      j["terms"] = node.terms;
      if (node.kind == QueryNode::Kind::kWord) j["exact"] = node.exact;
      if (node.kind == QueryNode::Kind::kWildcard && node.prefix)
        j["prefix"] = true;
      break;
    case QueryNode::Kind::kNear:
      j["distance"] = node.distance;
      break;
    case QueryNode::Kind::kFilter:
      j["term"] = node.term;
      break;
    case QueryNode::Kind::kRange:
      j["slot"] = node.slot;
      j["from"] = OrNull(node.low_text);
      j["to"] = OrNull(node.high_text);
      break;
    default:
      break;
  }
  if (!node.children.empty()) {
    Json kids = Json::array();
    for (const QueryNode& child : node.children)
      kids.push_back(QueryNodeJson(child));
    j["children"] = kids;
  }
  return j;
}

Json ParsedJson(const searcher::ParsedRequest& parsed) {
  Json tiers = {{"strict", parsed.strict}};
  if (parsed.relaxed) {
    tiers["relaxed"] = *parsed.relaxed;
    tiers["optional"] = parsed.optional;
  }
  return {{"version", kOutputVersion},
          {"query", parsed.query},
          {"match", searcher::MatchModeName(parsed.match)},
          {"parsed", QueryNodeJson(parsed.parsed)},
          {"dropped_stopwords", parsed.dropped_stopwords},
          {"suggestion", OrNull(parsed.suggestion)},
          {"xapian", parsed.strict},
          {"plan", tiers}};
}

Json StatsJson(const searcher::IndexStats& stats) {
  return {{"version", kOutputVersion},
          {"documents", stats.documents},
          {"terms", stats.terms},
          {"size_bytes", stats.size_bytes},
          {"average_length", stats.average_length},
          {"schema", SchemaJson(stats.schema, /*with_hash=*/true)},
          {"analyzer_version", stats.analyzer_version},
          {"shards", stats.shards},
          {"shard_of", OrNull(stats.shard_of)},
          {"index", IndexJson(stats.index)}};
}

Json CheckJson(const searcher::CheckReport& report) {
  return {{"version", kOutputVersion},
          {"ok", true},
          {"errors", report.errors},
          {"documents", report.documents},
          {"schema", SchemaJson(report.schema, /*with_hash=*/false)},
          {"index", IndexJson(report.index)}};
}

Json RecordJson(const StoredRecord& r) {
  Json out = {{"id", r.id},
              {"path", r.path},
              {"title", r.title},
              {"url", r.url},
              {"excerpt", r.excerpt}};
  AddCatalogFields(r, &out);
  out["body"] = r.body;
  out["original_url"] = r.original_url;
  out["is_published"] = OrNull(r.is_published);
  if (r.file) {
    out["size"] = r.file->size;
    // ISO 8601 like every time in the output, to the second (floor).
    const int64_t ns = r.file->mtime_ns;
    const int64_t seconds = ns / 1000000000 - (ns % 1000000000 < 0 ? 1 : 0);
    out["mtime"] = FormatIsoTime(seconds);
  }
  return out;
}

Json ShowJson(const StoredRecord& record) {
  return {{"version", kOutputVersion}, {"document", RecordJson(record)}};
}

}  // namespace nsearch::cli
