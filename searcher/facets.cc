#include "searcher/facets.h"

#include <algorithm>

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
    : facets_(std::move(facets)), counts_(facets_.size()) {}

void FacetSpy::operator()(const Xapian::Document& doc, double /*weight*/) {
  for (size_t i = 0; i < facets_.size(); ++i) {
    const std::string value = doc.get_value(facets_[i].slot);
    if (value.empty()) continue;
    if (facets_[i].year) {
      const auto seconds =
          static_cast<int64_t>(Xapian::sortable_unserialise(value));
      ++counts_[i][FormatIsoTime(seconds).substr(0, 4)];
      continue;
    }
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(kFacetSeparator, start);
      if (end == std::string::npos) end = value.size();
      if (end > start) ++counts_[i][value.substr(start, end - start)];
      start = end + 1;
    }
  }
}

Json FacetSpy::ToJson(size_t top) const {
  Json out = Json::object();
  for (size_t i = 0; i < facets_.size(); ++i) {
    std::vector<std::pair<std::string, size_t>> items(counts_[i].begin(),
                                                      counts_[i].end());
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
