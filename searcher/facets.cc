#include "searcher/facets.h"

#include <algorithm>
#include <cstdio>

#include "common/document.h"
#include "common/enum_names.h"

namespace nsearch::searcher {

std::optional<unsigned> DaySlot(const Schema& schema) {
  const FieldSpec* date = schema.FindField("date");
  if (!date || !date->slot) return std::nullopt;
  return schema.ranking().recency.slot;
}

Result<std::vector<FacetSpec>> ResolveFacets(
    const Schema& schema, const std::vector<std::string>& names) {
  std::vector<FacetSpec> out;
  for (const std::string& name : names) {
    if (name.empty()) continue;
    if (name == "year") {
      const std::optional<unsigned> day = DaySlot(schema);
      if (!day) return InvalidArgument("the index has no date slot");
      out.push_back({name, *day, true});
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

}  // namespace

const char* IntervalName(Interval interval) {
  return kIntervalNames[static_cast<int>(interval)];
}

Result<Interval> ParseInterval(const std::string& name) {
  // "none" (no histogram) is not for asking.
  return ParseEnumName<Interval>("histogram interval", kIntervalNames, name,
                                 /*first=*/1);
}

int64_t BucketStart(Interval interval, int64_t seconds) {
  const int64_t day = UtcDay(seconds);
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

FacetCounter::FacetCounter(std::vector<FacetSpec> facets, Analyzer* analyzer,
                           Interval histogram, std::optional<unsigned> day_slot)
    : facets_(std::move(facets)),
      analyzer_(analyzer),
      groups_(facets_.size()),
      years_(facets_.size()),
      histogram_(histogram),
      day_slot_(day_slot) {
  for (const FacetSpec& facet : facets_) SpyOn(facet.slot);
  if (histogram_ != Interval::kNone && day_slot_) SpyOn(*day_slot_);
}

void FacetCounter::SpyOn(unsigned slot) {
  if (!spies_.count(slot))
    spies_.emplace(slot, std::make_unique<Xapian::ValueCountMatchSpy>(slot));
}

std::vector<Xapian::MatchSpy*> FacetCounter::spies() const {
  std::vector<Xapian::MatchSpy*> out;
  for (const auto& [slot, spy] : spies_) out.push_back(spy.get());
  return out;
}

void FacetCounter::CountValues(size_t facet, std::string_view values,
                               size_t documents) {
  // A document counts once per group, whatever its spellings.
  std::vector<Group*> seen;
  size_t start = 0;
  while (start <= values.size()) {
    size_t end = values.find(kFacetSeparator, start);
    if (end == std::string_view::npos) end = values.size();
    if (end > start) {
      const std::string spelling(values.substr(start, end - start));
      Group& group = groups_[facet][analyzer_->NormalizeValue(spelling)];
      group.spellings[spelling] += documents;
      if (std::find(seen.begin(), seen.end(), &group) == seen.end()) {
        seen.push_back(&group);
        group.documents += documents;
      }
    }
    start = end + 1;
  }
}

void FacetCounter::Fold() {
  if (folded_) return;
  folded_ = true;
  // Each spy counts the documents of each distinct value of its slot: a
  // facet slot's joined spellings, or a day number.
  for (size_t i = 0; i < facets_.size(); ++i) {
    const Xapian::ValueCountMatchSpy& spy = *spies_.at(facets_[i].slot);
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
      const size_t n = it.get_termfreq();
      if (facets_[i].year)
        years_[i][UtcYear(DaySeconds(*it))] += n;
      else
        CountValues(i, *it, n);
    }
  }
  if (histogram_ == Interval::kNone || !day_slot_) return;
  const Xapian::ValueCountMatchSpy& days = *spies_.at(*day_slot_);
  size_t dated = 0;
  for (auto it = days.values_begin(); it != days.values_end(); ++it) {
    buckets_[BucketStart(histogram_, DaySeconds(*it))] += it.get_termfreq();
    dated += it.get_termfreq();
  }
  undated_ = days.get_total() - dated;
}

int64_t FacetCounter::DaySeconds(const std::string& value) {
  return static_cast<int64_t>(Xapian::sortable_unserialise(value)) * 86400;
}

std::vector<Facet> FacetCounter::Counts(size_t top) {
  Fold();
  std::vector<Facet> out;
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
    Facet& facet = out.emplace_back();
    facet.name = facets_[i].name;
    for (auto& [value, count] : items)
      facet.values.push_back({std::move(value), count});
  }
  return out;
}

Histogram FacetCounter::Buckets() {
  Fold();
  Histogram out;
  out.interval = histogram_;
  for (const auto& [start, count] : buckets_) {
    const std::string iso = FormatIsoTime(start);
    const size_t key_length = histogram_ == Interval::kYear    ? 4
                              : histogram_ == Interval::kMonth ? 7
                                                               : 10;
    out.buckets.push_back({iso.substr(0, key_length), start, count});
  }
  out.undated = undated_;
  return out;
}

}  // namespace nsearch::searcher
