#include "common/schema.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/hash.h"

namespace nsearch {

namespace {

Status Invalid(const std::string& where, const std::string& what) {
  return InvalidArgument("schema: " + where + ": " + what);
}

bool IsUserPrefix(const std::string& prefix) {
  if (prefix.empty()) return false;
  return std::all_of(prefix.begin(), prefix.end(),
                     [](char c) { return c >= 'A' && c <= 'Z'; });
}

Result<std::vector<std::string>> StringList(const YAML::Node& node,
                                            const std::string& where) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsScalar()) return Invalid(where, "expected a list of strings");
      out.push_back(item.Scalar());
    }
  } else {
    return Invalid(where, "expected a string or a list of strings");
  }
  if (out.empty()) return Invalid(where, "must not be empty");
  return out;
}

Result<FieldKind> ParseKind(const std::string& kind, const std::string& where) {
  if (kind == "text") return FieldKind::kText;
  if (kind == "host") return FieldKind::kHost;
  if (kind == "url") return FieldKind::kUrl;
  if (kind == "number") return FieldKind::kNumber;
  if (kind == "date") return FieldKind::kDate;
  return Invalid(where, "unknown kind '" + kind +
                            "' (expected text, host, url, number or date)");
}

Result<PriorSpec> ParsePrior(const YAML::Node& node, const std::string& where) {
  PriorSpec prior;
  if (!node) return prior;
  if (!node.IsMap()) return Invalid(where, "expected {weight, cap}");
  if (node["weight"]) prior.weight = node["weight"].as<double>();
  if (node["cap"]) prior.cap = node["cap"].as<double>();
  if (prior.cap <= 0) return Invalid(where, "cap must be positive");
  return prior;
}

}  // namespace

const std::vector<std::string>& Schema::DocumentFieldNames() {
  static const std::vector<std::string> kNames = {
      "title",    "excerpt",     "body",          "topics",
      "category", "type",        "date",          "quality",
      "heat",     "published",   "provider_name", "provider_domain",
      "web_url",  "original_url"};
  return kNames;
}

Result<Schema> Schema::Parse(std::string_view yaml_text) {
  Schema schema;
  schema.text_ = std::string(yaml_text);
  schema.hash_ = Hex64(Fnv1a64(yaml_text));
  try {
    YAML::Node root = YAML::Load(schema.text_);
    if (!root.IsMap()) return Invalid("top level", "expected a mapping");
    if (!root["name"] || !root["name"].IsScalar())
      return Invalid("name", "required string");
    schema.name_ = root["name"].Scalar();
    if (!root["version"]) return Invalid("version", "required integer");
    schema.version_ = root["version"].as<int>();

    if (const YAML::Node analyzer = root["analyzer"]) {
      if (analyzer["stemmer"]) schema.stemmer_ = analyzer["stemmer"].Scalar();
      if (analyzer["stopwords"])
        schema.stopwords_ = analyzer["stopwords"].Scalar();
    }

    const auto& known = DocumentFieldNames();
    const YAML::Node document = root["document"];
    if (!document || !document.IsMap())
      return Invalid("document", "required mapping of field -> keys");
    for (const auto& entry : document) {
      const std::string field = entry.first.Scalar();
      if (std::find(known.begin(), known.end(), field) == known.end())
        return Invalid("document." + field, "unknown document field");
      NSEARCH_ASSIGN_OR_RETURN(auto keys,
                               StringList(entry.second, "document." + field));
      for (const auto& key : keys) {
        if (key == "$body") continue;
        schema.top_level_keys_.insert(key.substr(0, key.find('.')));
      }
      schema.document_keys_[field] = std::move(keys);
    }
    if (schema.document_keys_.count("title") == 0)
      return Invalid("document.title", "required: documents need a title");

    const YAML::Node fields = root["fields"];
    if (!fields || !fields.IsMap())
      return Invalid("fields", "required mapping of query field -> role");
    std::set<std::string> prefixes;
    std::set<unsigned> slots;
    for (const auto& entry : fields) {
      FieldSpec spec;
      spec.name = entry.first.Scalar();
      const std::string where = "fields." + spec.name;
      const YAML::Node f = entry.second;
      if (!f.IsMap()) return Invalid(where, "expected a mapping");
      if (!f["from"]) return Invalid(where, "'from' is required");
      NSEARCH_ASSIGN_OR_RETURN(spec.from,
                               StringList(f["from"], where + ".from"));
      for (const auto& from : spec.from) {
        if (schema.document_keys_.count(from) == 0)
          return Invalid(where + ".from",
                         "'" + from + "' is not a field of the document: map");
      }
      if (f["kind"]) {
        NSEARCH_ASSIGN_OR_RETURN(
            spec.kind, ParseKind(f["kind"].Scalar(), where + ".kind"));
      }
      spec.text = f["text"] && f["text"].as<bool>();
      spec.filter = f["filter"] && f["filter"].as<bool>();
      spec.search = f["search"] && f["search"].as<bool>();
      if (f["weight"]) spec.weight = f["weight"].as<double>();
      if (spec.weight < 0) return Invalid(where, "weight must be >= 0");
      if (f["prefix"]) spec.prefix = f["prefix"].Scalar();
      if (f["filter_prefix"]) spec.filter_prefix = f["filter_prefix"].Scalar();
      if (f["slot"]) spec.slot = f["slot"].as<unsigned>();
      if (f["facet_slot"]) spec.facet_slot = f["facet_slot"].as<unsigned>();
      if (spec.facet_slot && !spec.filter)
        return Invalid(where, "facet_slot needs filter: true");
      const bool slot_kind =
          spec.kind == FieldKind::kNumber || spec.kind == FieldKind::kDate;
      if (slot_kind != spec.slot.has_value())
        return Invalid(where,
                       "number and date fields (and only they) need a slot");
      if (slot_kind && (spec.text || spec.filter))
        return Invalid(where, "a slot field cannot also be text or filter");
      if (!slot_kind && !spec.text && !spec.filter)
        return Invalid(where, "needs text: true, filter: true or a slot");
      if (spec.text && spec.kind != FieldKind::kText)
        return Invalid(where, "only kind text can be free text");
      for (const auto* p : {&spec.prefix, &spec.filter_prefix}) {
        const bool needed = (p == &spec.prefix) ? spec.text : spec.filter;
        if (!needed) continue;
        if (!IsUserPrefix(*p))
          return Invalid(where, "prefix must be upper-case ASCII letters");
        if (!prefixes.insert(*p).second)
          return Invalid(where, "prefix '" + *p + "' is used twice");
        // Q (document id), Z (stems) and XR/XM (bookkeeping) are reserved.
        if (*p == "Q" || (*p)[0] == 'Z' || *p == "XR" || *p == "XM")
          return Invalid(where, "prefix '" + *p + "' is reserved");
      }
      for (const auto& slot : {spec.slot, spec.facet_slot}) {
        if (slot && !slots.insert(*slot).second)
          return Invalid(where,
                         "slot " + std::to_string(*slot) + " used twice");
      }
      schema.fields_.push_back(std::move(spec));
    }
    // Prefixes must not be prefixes of one another's terms ambiguously: a
    // term "XTfoo" must not also read as prefix "X" + "Tfoo". Xapian's
    // convention (multi-letter prefixes start with X, single letters are
    // reserved) keeps this unambiguous, so enforce it.
    for (const auto& p : prefixes) {
      if (p.size() > 1 && p[0] != 'X')
        return Invalid("fields",
                       "multi-letter prefix '" + p + "' must start with X");
      if (p == "X") return Invalid("fields", "prefix 'X' alone is reserved");
    }

    if (const YAML::Node aliases = root["aliases"]) {
      for (const auto& entry : aliases) {
        const std::string alias = entry.first.Scalar();
        const std::string target = entry.second.Scalar();
        if (!schema.FindField(target))
          return Invalid("aliases." + alias, "unknown field '" + target + "'");
        schema.aliases_[alias] = target;
      }
    }

    if (const YAML::Node collapse = root["collapse"]) {
      if (!collapse.IsMap() || !collapse["field"] || !collapse["slot"])
        return Invalid("collapse", "expected {field, slot}");
      schema.collapse_field_ = collapse["field"].Scalar();
      const FieldSpec* field = schema.FindField(schema.collapse_field_);
      if (!field || field->slot)
        return Invalid("collapse.field", "'" + schema.collapse_field_ +
                                             "' is not a text or filter field");
      schema.collapse_slot_ = collapse["slot"].as<unsigned>();
      if (!slots.insert(*schema.collapse_slot_).second)
        return Invalid("collapse.slot", "slot used twice");
    }

    if (const YAML::Node ranking = root["ranking"]) {
      NSEARCH_ASSIGN_OR_RETURN(
          schema.quality_prior_,
          ParsePrior(ranking["quality"], "ranking.quality"));
      NSEARCH_ASSIGN_OR_RETURN(schema.heat_prior_,
                               ParsePrior(ranking["heat"], "ranking.heat"));
    }
  } catch (const YAML::ParserException& e) {
    return InvalidArgument("schema: YAML error at line " +
                           std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("schema: ") + e.what());
  }
  return schema;
}

Result<Schema> Schema::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open schema file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto schema = Parse(text.str());
  if (!schema.ok()) return schema.error().WithContext(path);
  return schema;
}

const std::vector<std::string>& Schema::KeysFor(
    const std::string& doc_field) const {
  static const std::vector<std::string> kNone;
  auto it = document_keys_.find(doc_field);
  return it == document_keys_.end() ? kNone : it->second;
}

const FieldSpec* Schema::FindField(std::string_view name) const {
  std::string_view target = name;
  if (auto it = aliases_.find(name); it != aliases_.end()) target = it->second;
  for (const auto& f : fields_) {
    if (f.name == target) return &f;
  }
  return nullptr;
}

}  // namespace nsearch
