#include "searcher/facets.h"

#include <algorithm>
#include <cstdio>

#include "common/document.h"

namespace nsearch::searcher {

Result<std::vector<FacetSpec>> ResolveFacets(
    const Schema& schema, const std::vector<std::string>& names) {
  std::vector<FacetSpec> out;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    if (name == "year") {
      const FieldSpec* date = schema.FindField("date");
      if (!date || !date->slot)
        return InvalidArgument("the index has no date slot");
      out.push_back({name, *date->slot, true});
      continue;
    }
    const FieldSpec* field = schema.FindField(name);
    if (!field || !field->facet_slot) {
      std::string known = "year";
      for (const auto& f : schema.fields())
        if (f.facet_slot) known += ", " + f.name;
      return InvalidArgument("no facet '" + name + "' (facets: " + known + ")");
    }
    out.push_back({field->name, *field->facet_slot, false});
  }
  return out;
}

namespace {
constexpr const char* kIntervalNames[] = {"none", "day", "week", "month",
                                          "year"};

// Days since 1970-01-01 (a Thursday), rounded down.
int64_t DayOf(int64_t seconds) {
  return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}
}  // namespace

Result<Interval> ParseInterval(const std::string& name) {
  for (int i = 1; i < 5; ++i)
    if (name == kIntervalNames[i]) return static_cast<Interval>(i);
  return InvalidArgument("unknown histogram interval '" + name +
                         "' (expected day, week, month or year)");
}

int64_t BucketStart(Interval interval, int64_t seconds) {
  const int64_t day = DayOf(seconds);
  switch (interval) {
    case Interval::kDay:
      return day * 86400;
    case Interval::kWeek:  // Monday: day 0 is a Thursday.
      return (day - ((day % 7 + 7 + 3) % 7)) * 86400;
    case Interval::kMonth:
    case Interval::kYear: {
      const std::string iso = FormatIsoTime(seconds);
      const std::string start = interval == Interval::kMonth
                                    ? iso.substr(0, 7) + "-01"
                                    : iso.substr(0, 4) + "-01-01";
      return ParseIsoTime(start).value_or(day * 86400);
    }
    case Interval::kNone:
      break;
  }
  return seconds;
}

FacetSpy::FacetSpy(std::vector<FacetSpec> facets, Analyzer* analyzer,
                   Interval histogram, std::optional<unsigned> date_slot)
    : facets_(std::move(facets)),
      analyzer_(analyzer),
      groups_(facets_.size()),
      years_(facets_.size()),
      histogram_(histogram),
      date_slot_(date_slot) {}

void FacetSpy::CountValues(size_t facet, std::string_view values) {
  // A document counts once per group, whatever its spellings.
  std::vector<Group*> seen;
  size_t start = 0;
  while (start <= values.size()) {
    size_t end = values.find(kFacetSeparator, start);
    if (end == std::string_view::npos) end = values.size();
    if (end > start) {
      const std::string spelling(values.substr(start, end - start));
      auto it = normalized_.find(spelling);
      if (it == normalized_.end())
        it = normalized_.emplace(spelling, analyzer_->NormalizeValue(spelling))
                 .first;
      Group& group = groups_[facet][it->second];
      ++group.spellings[spelling];
      if (std::find(seen.begin(), seen.end(), &group) == seen.end()) {
        seen.push_back(&group);
        ++group.documents;
      }
    }
    start = end + 1;
  }
}

void FacetSpy::operator()(const Xapian::Document& doc, double /*weight*/) {
  for (size_t i = 0; i < facets_.size(); ++i) {
    const std::string value = doc.get_value(facets_[i].slot);
    if (value.empty()) continue;
    if (facets_[i].year) {
      ++years_[i][UtcYear(
          static_cast<int64_t>(Xapian::sortable_unserialise(value)))];
    } else {
      CountValues(i, value);
    }
  }
  if (histogram_ == Interval::kNone || !date_slot_) return;
  const std::string date = doc.get_value(*date_slot_);
  if (date.empty()) {
    ++undated_;
    return;
  }
  const auto t = static_cast<int64_t>(Xapian::sortable_unserialise(date));
  ++buckets_[BucketStart(histogram_, t)];
}

Json FacetSpy::ToJson(size_t top) const {
  Json out = Json::object();
  for (size_t i = 0; i < facets_.size(); ++i) {
    std::vector<std::pair<std::string, size_t>> items;
    if (facets_[i].year) {
      for (const auto& [year, n] : years_[i]) {
        char text[24];
        std::snprintf(text, sizeof text, "%04lld",
                      static_cast<long long>(year));
        items.emplace_back(text, n);
      }
    } else {
      for (const auto& [key, group] : groups_[i]) {
        // The most used spelling; the first in byte order on a tie.
        auto best = std::max_element(
            group.spellings.begin(), group.spellings.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
        items.emplace_back(best->first, group.documents);
      }
      std::sort(items.begin(), items.end());
    }
    std::stable_sort(items.begin(), items.end(),
                     [&](const auto& a, const auto& b) {
                       if (facets_[i].year)
                         return a.first > b.first;  // Newest year first.
                       return a.second > b.second;
                     });
    if (items.size() > top) items.resize(top);
    Json list = Json::array();
    for (const auto& [value, count] : items)
      list.push_back({{"value", value}, {"count", count}});
    out[facets_[i].name] = list;
  }
  return out;
}

Json FacetSpy::HistogramJson() const {
  Json buckets = Json::array();
  for (const auto& [start, count] : buckets_) {
    const std::string iso = FormatIsoTime(start);
    const std::string key = histogram_ == Interval::kYear ? iso.substr(0, 4)
                            : histogram_ == Interval::kMonth
                                ? iso.substr(0, 7)
                                : iso.substr(0, 10);
    buckets.push_back({{"key", key}, {"from", iso}, {"count", count}});
  }
  return {{"interval", kIntervalNames[static_cast<int>(histogram_)]},
          {"buckets", buckets},
          {"undated", undated_}};
}

}  // namespace nsearch::searcher
