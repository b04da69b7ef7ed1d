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

FacetSpy::FacetSpy(std::vector<FacetSpec> facets)
    : facets_(std::move(facets)),
      counts_(facets_.size()),
      years_(facets_.size()) {}

void FacetSpy::operator()(const Xapian::Document& doc, double /*weight*/) {
  auto count = [](std::map<std::string, size_t, std::less<>>& counts,
                  std::string_view value) {
    auto it = counts.find(value);
    if (it == counts.end())
      counts.emplace(std::string(value), 1);
    else
      ++it->second;
  };
  for (size_t i = 0; i < facets_.size(); ++i) {
    const std::string value = doc.get_value(facets_[i].slot);
    if (value.empty()) continue;
    if (facets_[i].year) {
      ++years_[i][UtcYear(
          static_cast<int64_t>(Xapian::sortable_unserialise(value)))];
      continue;
    }
    const std::string_view all(value);
    size_t start = 0;
    while (start <= all.size()) {
      size_t end = all.find(kFacetSeparator, start);
      if (end == std::string_view::npos) end = all.size();
      if (end > start) count(counts_[i], all.substr(start, end - start));
      start = end + 1;
    }
  }
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
      items.assign(counts_[i].begin(), counts_[i].end());
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

}  // namespace nsearch::searcher
