#include "common/schema.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "common/document.h"
#include "common/hash.h"
#include "common/index_meta.h"
#include "common/text_util.h"

namespace nsearch {

namespace {

// A schema is a page of YAML; anything bigger is not one.
constexpr off_t kMaxSchemaBytes = 1 << 20;

Status Invalid(const std::string& where, const std::string& what) {
  return InvalidArgument("schema: " + where + ": " + what);
}

bool IsUserPrefix(const std::string& prefix) {
  if (prefix.empty()) return false;
  return std::all_of(prefix.begin(), prefix.end(),
                     [](char c) { return c >= 'A' && c <= 'Z'; });
}

// The schema tree is YAML turned into JSON with every scalar kept as the
// string YAML read (see YamlToTree), so both the YAML file and the JSON form
// stored in an index go through the same checks below.
Result<std::vector<std::string>> StringList(const Json& node,
                                            const std::string& where) {
  std::vector<std::string> out;
  if (node.is_string()) {
    out.push_back(node.get<std::string>());
  } else if (node.is_array()) {
    for (const auto& item : node) {
      if (!item.is_string())
        return Invalid(where, "expected a list of strings");
      out.push_back(item.get<std::string>());
    }
  } else {
    return Invalid(where, "expected a string or a list of strings");
  }
  if (out.empty()) return Invalid(where, "must not be empty");
  return out;
}

const Json* Child(const Json& map, const char* key) {
  if (!map.is_object()) return nullptr;
  auto it = map.find(key);
  return it == map.end() ? nullptr : &*it;
}

Result<std::string> ScalarOf(const Json& node, const std::string& where) {
  if (!node.is_string()) return Invalid(where, "expected a single value");
  return node.get<std::string>();
}

Result<bool> BoolOf(const Json& node, const std::string& where) {
  NSEARCH_ASSIGN_OR_RETURN(std::string v, ScalarOf(node, where));
  if (const auto value = ParseYamlBool(v)) return *value;
  return Invalid(where, "expected true or false, not '" + v + "'");
}

Result<double> NumberOf(const Json& node, const std::string& where) {
  NSEARCH_ASSIGN_OR_RETURN(std::string v, ScalarOf(node, where));
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d))
    return Invalid(where, "expected a number, not '" + v + "'");
  return d;
}

Result<unsigned> SlotOf(const Json& node, const std::string& where) {
  NSEARCH_ASSIGN_OR_RETURN(double d, NumberOf(node, where));
  if (d < 0 || d > 1000000 || d != static_cast<unsigned>(d))
    return Invalid(where, "expected a slot number from 0 to 1000000");
  return static_cast<unsigned>(d);
}

Json YamlToTree(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(YamlToTree(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& entry : node)
        out[entry.first.Scalar()] = YamlToTree(entry.second);
      return out;
    }
    default:
      return nullptr;
  }
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

// A search field's weight: its wdf multiplier in the free-text space.
Result<unsigned> FieldWeightOf(const Json& node, const std::string& where) {
  NSEARCH_ASSIGN_OR_RETURN(double w, NumberOf(node, where + ".weight"));
  if (w < 1 || w > kMaxFieldWeight || w != static_cast<unsigned>(w))
    return Invalid(where + ".weight",
                   "expected a whole number from 1 to " +
                       std::to_string(kMaxFieldWeight) +
                       " (how many times the field's words count)");
  return static_cast<unsigned>(w);
}

Result<PriorSpec> ParsePrior(const Json* node, const std::string& where,
                             PriorSpec prior) {
  if (!node) return prior;
  if (!node->is_object()) return Invalid(where, "expected {weight, cap}");
  if (const Json* w = Child(*node, "weight")) {
    NSEARCH_ASSIGN_OR_RETURN(prior.weight, NumberOf(*w, where + ".weight"));
  }
  if (const Json* c = Child(*node, "cap")) {
    NSEARCH_ASSIGN_OR_RETURN(prior.cap, NumberOf(*c, where + ".cap"));
  }
  if (const Json* m = Child(*node, "missing")) {
    NSEARCH_ASSIGN_OR_RETURN(prior.missing, NumberOf(*m, where + ".missing"));
  }
  if (prior.cap <= 0) return Invalid(where, "cap must be positive");
  if (prior.missing < 0 || prior.missing > prior.cap)
    return Invalid(where, "missing must be from 0 to the cap");
  if (prior.weight < 0 || prior.weight > 10)
    return Invalid(where, "weight must be from 0 to 10");
  return prior;
}

Result<RecencySpec> ParseRecency(const Json* node, RecencySpec recency) {
  const std::string where = "ranking.recency";
  if (!node) return recency;
  if (!node->is_object()) return Invalid(where, "expected {weight, half_life}");
  if (const Json* w = Child(*node, "weight")) {
    NSEARCH_ASSIGN_OR_RETURN(recency.weight, NumberOf(*w, where + ".weight"));
  }
  if (recency.weight < 0 || recency.weight > 10)
    return Invalid(where, "weight must be from 0 to 10");
  if (const Json* h = Child(*node, "half_life")) {
    NSEARCH_ASSIGN_OR_RETURN(std::string text,
                             ScalarOf(*h, where + ".half_life"));
    const auto seconds = ParseDuration(text);
    if (!seconds)
      return Invalid(
          where + ".half_life",
          "expected a duration such as 72h, 30d or 2w, not '" + text + "'");
    recency.half_life_seconds = static_cast<double>(*seconds);
  }
  return recency;
}

Result<StorySpec> ParseStories(const Json& node, std::set<unsigned>* slots) {
  StorySpec spec;
  if (!node.is_object()) return Invalid("stories", "expected a mapping");
  const Json* slot = Child(node, "slot");
  const Json* signature = Child(node, "signature_slot");
  if (!slot || !signature)
    return Invalid("stories", "expected {slot, signature_slot, ...}");
  NSEARCH_ASSIGN_OR_RETURN(spec.slot, SlotOf(*slot, "stories.slot"));
  NSEARCH_ASSIGN_OR_RETURN(spec.signature_slot,
                           SlotOf(*signature, "stories.signature_slot"));
  if (!slots->insert(spec.slot).second ||
      !slots->insert(spec.signature_slot).second)
    return Invalid("stories", "slot used twice");
  if (const Json* w = Child(node, "window")) {
    NSEARCH_ASSIGN_OR_RETURN(std::string text, ScalarOf(*w, "stories.window"));
    const auto seconds = ParseDuration(text);
    if (!seconds || *seconds > 366 * 86400)
      return Invalid(
          "stories.window",
          "expected a duration up to a year (72h, 3d), not '" + text + "'");
    spec.window_seconds = *seconds;
  }
  if (const Json* sim = Child(node, "similarity")) {
    NSEARCH_ASSIGN_OR_RETURN(spec.similarity,
                             NumberOf(*sim, "stories.similarity"));
    if (!(spec.similarity >= 0.5 && spec.similarity <= 1))
      return Invalid("stories.similarity", "must be from 0.5 to 1");
  }
  return spec;
}

Result<RankingSpec> ParseRanking(const Json& node) {
  RankingSpec ranking;
  if (!node.is_object()) return Invalid("ranking", "expected a mapping");
  if (const Json* bm25 = Child(node, "bm25")) {
    if (const Json* k1 = Child(*bm25, "k1")) {
      NSEARCH_ASSIGN_OR_RETURN(ranking.k1, NumberOf(*k1, "ranking.bm25.k1"));
    }
    if (const Json* b = Child(*bm25, "b")) {
      NSEARCH_ASSIGN_OR_RETURN(ranking.b, NumberOf(*b, "ranking.bm25.b"));
    }
    if (ranking.k1 < 0 || ranking.k1 > 10)
      return Invalid("ranking.bm25.k1", "must be from 0 to 10");
    if (ranking.b < 0 || ranking.b > 1)
      return Invalid("ranking.bm25.b", "must be from 0 to 1");
  }
  NSEARCH_ASSIGN_OR_RETURN(
      ranking.quality,
      ParsePrior(Child(node, "quality"), "ranking.quality", ranking.quality));
  NSEARCH_ASSIGN_OR_RETURN(
      ranking.heat,
      ParsePrior(Child(node, "heat"), "ranking.heat", ranking.heat));
  NSEARCH_ASSIGN_OR_RETURN(
      ranking.recency, ParseRecency(Child(node, "recency"), ranking.recency));
  return ranking;
}

// The value slots of the ranking features: the schema's (`slot:` under
// ranking.quality, .heat and .recency), else the first free ones from 9.
Status AssignRankingSlots(const Json* node, RankingSpec* ranking,
                          std::set<unsigned>* slots) {
  const std::pair<const char*, unsigned*> features[] = {
      {"quality", &ranking->quality.slot},
      {"heat", &ranking->heat.slot},
      {"recency", &ranking->recency.slot}};
  std::vector<unsigned*> unassigned;
  for (const auto& [name, slot] : features) {
    const Json* feature = node ? Child(*node, name) : nullptr;
    const Json* given =
        feature && feature->is_object() ? Child(*feature, "slot") : nullptr;
    if (!given) {
      unassigned.push_back(slot);
      continue;
    }
    const std::string where = std::string("ranking.") + name + ".slot";
    NSEARCH_ASSIGN_OR_RETURN(*slot, SlotOf(*given, where));
    if (!slots->insert(*slot).second)
      return Invalid(where, "slot " + std::to_string(*slot) + " used twice");
  }
  unsigned next = 9;
  for (unsigned* slot : unassigned) {
    while (slots->count(next)) ++next;
    *slot = next;
    slots->insert(next);
  }
  return Status::Ok();
}

// The schema's `name` (a string) and `version` (an integer).
Status ParseNameAndVersion(const Json& root, std::string* name_out,
                           int* version_out) {
  const Json* name = Child(root, "name");
  if (!name || !name->is_string()) return Invalid("name", "required string");
  *name_out = name->get<std::string>();
  const Json* version = Child(root, "version");
  if (!version) return Invalid("version", "required integer");
  NSEARCH_ASSIGN_OR_RETURN(double v, NumberOf(*version, "version"));
  if (v != static_cast<int>(v)) return Invalid("version", "required integer");
  *version_out = static_cast<int>(v);
  return Status::Ok();
}

// The optional `analyzer:` mapping: its stemmer and stopwords, where given.
Status ParseAnalyzer(const Json& root, std::string* stemmer_out,
                     std::string* stopwords_out) {
  const Json* analyzer = Child(root, "analyzer");
  if (!analyzer) return Status::Ok();
  if (const Json* stemmer = Child(*analyzer, "stemmer")) {
    NSEARCH_ASSIGN_OR_RETURN(*stemmer_out,
                             ScalarOf(*stemmer, "analyzer.stemmer"));
  }
  if (const Json* stopwords = Child(*analyzer, "stopwords")) {
    NSEARCH_ASSIGN_OR_RETURN(*stopwords_out,
                             ScalarOf(*stopwords, "analyzer.stopwords"));
  }
  return Status::Ok();
}

using DocumentKeys =
    std::map<std::string, std::vector<std::string>, std::less<>>;

// The `document:` mapping: for each document field, the front matter keys
// it is read from; and the top-level keys those start with. A document
// needs a title.
Status ParseDocumentKeys(const Json& root, DocumentKeys* document_keys,
                         std::set<std::string>* top_level_keys) {
  const Json* document = Child(root, "document");
  if (!document || !document->is_object())
    return Invalid("document", "required mapping of field -> keys");
  for (const auto& [field, keys_node] : document->items()) {
    if (!FindDocumentField(field))
      return Invalid("document." + field, "unknown document field");
    NSEARCH_ASSIGN_OR_RETURN(auto keys,
                             StringList(keys_node, "document." + field));
    for (const auto& key : keys) {
      if (key == "$body") continue;
      top_level_keys->insert(key.substr(0, key.find('.')));
    }
    (*document_keys)[field] = std::move(keys);
  }
  if (document_keys->count("title") == 0)
    return Invalid("document.title", "required: documents need a title");
  return Status::Ok();
}

// One query field of `fields:` as written (at `where`), its keys read and
// typed but not yet checked against one another.
Result<FieldSpec> ParseFieldKeys(const std::string& field_name, const Json& f,
                                 const std::string& where,
                                 const DocumentKeys& document_keys) {
  FieldSpec spec;
  spec.name = field_name;
  if (!f.is_object()) return Invalid(where, "expected a mapping");
  const Json* from = Child(f, "from");
  if (!from) return Invalid(where, "'from' is required");
  NSEARCH_ASSIGN_OR_RETURN(spec.from, StringList(*from, where + ".from"));
  for (const auto& key : spec.from) {
    if (document_keys.count(key) == 0)
      return Invalid(where + ".from",
                     "'" + key + "' is not a field of the document: map");
  }
  if (const Json* kind = Child(f, "kind")) {
    NSEARCH_ASSIGN_OR_RETURN(std::string k, ScalarOf(*kind, where + ".kind"));
    NSEARCH_ASSIGN_OR_RETURN(spec.kind, ParseKind(k, where + ".kind"));
  }
  for (auto [key, flag] : {std::pair<const char*, bool*>{"text", &spec.text},
                           {"filter", &spec.filter},
                           {"search", &spec.search},
                           {"positions", &spec.positions}}) {
    if (const Json* node = Child(f, key)) {
      NSEARCH_ASSIGN_OR_RETURN(*flag, BoolOf(*node, where + "." + key));
    }
  }
  if (const Json* weight = Child(f, "weight")) {
    NSEARCH_ASSIGN_OR_RETURN(spec.weight, FieldWeightOf(*weight, where));
  }
  if (const Json* prefix = Child(f, "prefix")) {
    NSEARCH_ASSIGN_OR_RETURN(spec.prefix, ScalarOf(*prefix, where + ".prefix"));
  }
  if (const Json* prefix = Child(f, "filter_prefix")) {
    NSEARCH_ASSIGN_OR_RETURN(spec.filter_prefix,
                             ScalarOf(*prefix, where + ".filter_prefix"));
  }
  if (const Json* slot = Child(f, "slot")) {
    NSEARCH_ASSIGN_OR_RETURN(spec.slot, SlotOf(*slot, where + ".slot"));
  }
  if (const Json* slot = Child(f, "facet_slot")) {
    NSEARCH_ASSIGN_OR_RETURN(spec.facet_slot,
                             SlotOf(*slot, where + ".facet_slot"));
  }
  return spec;
}

// Checks that the roles of a field go together: a field is free text, a
// filter, or (numbers and dates) a slot, and only a filter has a facet.
Status CheckFieldRoles(const FieldSpec& spec, const std::string& where) {
  if (spec.facet_slot && !spec.filter)
    return Invalid(where, "facet_slot needs filter: true");
  const bool slot_kind =
      spec.kind == FieldKind::kNumber || spec.kind == FieldKind::kDate;
  if (slot_kind != spec.slot.has_value())
    return Invalid(where, "number and date fields (and only they) need a slot");
  if (slot_kind && (spec.text || spec.filter))
    return Invalid(where, "a slot field cannot also be text or filter");
  if (!slot_kind && !spec.text && !spec.filter)
    return Invalid(where, "needs text: true, filter: true or a slot");
  if (spec.text && spec.kind != FieldKind::kText)
    return Invalid(where, "only kind text can be free text");
  return Status::Ok();
}

// Adds the prefixes and slots a field uses to those taken so far: each may
// be used once, and some prefixes are reserved.
Status ClaimPrefixesAndSlots(const FieldSpec& spec, const std::string& where,
                             std::set<std::string>* prefixes,
                             std::set<unsigned>* slots) {
  for (const auto* p : {&spec.prefix, &spec.filter_prefix}) {
    const bool needed = (p == &spec.prefix) ? spec.text : spec.filter;
    if (!needed) continue;
    if (!IsUserPrefix(*p))
      return Invalid(where, "prefix must be upper-case ASCII letters");
    if (!prefixes->insert(*p).second)
      return Invalid(where, "prefix '" + *p + "' is used twice");
    // Q (document id), Z (stems) and XR/XM (bookkeeping) are reserved.
    if (IsReservedPrefix(*p))
      return Invalid(where, "prefix '" + *p + "' is reserved");
  }
  for (const auto& slot : {spec.slot, spec.facet_slot}) {
    if (slot && !slots->insert(*slot).second)
      return Invalid(where, "slot " + std::to_string(*slot) + " used twice");
  }
  return Status::Ok();
}

// The `fields:` mapping: the query fields, in order. Adds their slots to
// `slots`.
Result<std::vector<FieldSpec>> ParseFields(const Json& root,
                                           const DocumentKeys& document_keys,
                                           std::set<unsigned>* slots) {
  const Json* fields = Child(root, "fields");
  if (!fields || !fields->is_object())
    return Invalid("fields", "required mapping of query field -> role");
  std::vector<FieldSpec> specs;
  std::set<std::string> prefixes;
  for (const auto& [field_name, f] : fields->items()) {
    const std::string where = "fields." + field_name;
    NSEARCH_ASSIGN_OR_RETURN(
        FieldSpec spec, ParseFieldKeys(field_name, f, where, document_keys));
    NSEARCH_RETURN_IF_ERROR(CheckFieldRoles(spec, where));
    NSEARCH_RETURN_IF_ERROR(
        ClaimPrefixesAndSlots(spec, where, &prefixes, slots));
    specs.push_back(std::move(spec));
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
  return specs;
}

}  // namespace

int PriorSpec::Level(std::optional<double> value) const {
  const double v = value && *value >= 0 ? std::min(*value, cap) : missing;
  return static_cast<int>(std::lround(v / cap * kLevels));
}

std::pair<int64_t, int64_t> RecencySpec::Days(int64_t now) const {
  const double age_days = std::ceil(40 * half_life_seconds / 86400);
  const int64_t today = UtcDay(now);
  return {today - static_cast<int64_t>(std::min<double>(age_days, kMaxAgeDays)),
          today + kMaxAheadDays};
}

double RecencySpec::Decay(int64_t day, int64_t now) const {
  const auto [first, last] = Days(now);
  if (day < first || day > last) return 0;
  const double age =
      std::max<double>(0, static_cast<double>(now) - day * 86400.0);
  return std::exp2(-age / half_life_seconds);
}

Result<Schema> Schema::Parse(std::string_view yaml_text) {
  Json tree;
  try {
    tree = YamlToTree(YAML::Load(std::string(yaml_text)));
  } catch (const YAML::ParserException& e) {
    return InvalidArgument("schema: YAML error at line " +
                           std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("schema: ") + e.what());
  }
  return FromTree(std::move(tree), std::string(yaml_text),
                  Hex64(Fnv1a64(yaml_text)));
}

Result<Schema> Schema::ParseStored(std::string_view tree_json,
                                   std::string yaml_text, std::string hash) {
  Json tree = Json::parse(tree_json, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded())
    return InvalidArgument("schema: the stored schema is not valid JSON");
  return FromTree(std::move(tree), std::move(yaml_text), std::move(hash));
}

std::string Schema::TreeJson() const { return tree_.dump(); }

Status Schema::ParseAliases(const Json& aliases) {
  if (!aliases.is_object())
    return Invalid("aliases", "expected a mapping of alias -> field");
  for (const auto& [alias, target_node] : aliases.items()) {
    NSEARCH_ASSIGN_OR_RETURN(std::string target,
                             ScalarOf(target_node, "aliases." + alias));
    if (!FindField(target))
      return Invalid("aliases." + alias, "unknown field '" + target + "'");
    aliases_[alias] = target;
  }
  return Status::Ok();
}

Status Schema::ParseCollapse(const Json& collapse, std::set<unsigned>* slots) {
  const Json* field = Child(collapse, "field");
  const Json* slot = Child(collapse, "slot");
  if (!field || !slot) return Invalid("collapse", "expected {field, slot}");
  NSEARCH_ASSIGN_OR_RETURN(collapse_field_, ScalarOf(*field, "collapse.field"));
  const FieldSpec* spec = FindField(collapse_field_);
  if (!spec || spec->slot)
    return Invalid("collapse.field",
                   "'" + collapse_field_ + "' is not a text or filter field");
  NSEARCH_ASSIGN_OR_RETURN(collapse_slot_, SlotOf(*slot, "collapse.slot"));
  if (!slots->insert(*collapse_slot_).second)
    return Invalid("collapse.slot", "slot used twice");
  return Status::Ok();
}

Result<Schema> Schema::FromTree(Json tree, std::string text, std::string hash) {
  Schema schema;
  schema.text_ = std::move(text);
  schema.hash_ = std::move(hash);
  const Json& root = tree;
  if (!root.is_object()) return Invalid("top level", "expected a mapping");
  NSEARCH_RETURN_IF_ERROR(
      ParseNameAndVersion(root, &schema.name_, &schema.version_));
  NSEARCH_RETURN_IF_ERROR(
      ParseAnalyzer(root, &schema.stemmer_, &schema.stopwords_));
  NSEARCH_RETURN_IF_ERROR(
      ParseDocumentKeys(root, &schema.document_keys_, &schema.top_level_keys_));
  std::set<unsigned> slots;
  NSEARCH_ASSIGN_OR_RETURN(schema.fields_,
                           ParseFields(root, schema.document_keys_, &slots));
  if (const Json* aliases = Child(root, "aliases")) {
    NSEARCH_RETURN_IF_ERROR(schema.ParseAliases(*aliases));
  }
  if (const Json* collapse = Child(root, "collapse")) {
    NSEARCH_RETURN_IF_ERROR(schema.ParseCollapse(*collapse, &slots));
  }
  if (const Json* stories = Child(root, "stories")) {
    NSEARCH_ASSIGN_OR_RETURN(schema.stories_, ParseStories(*stories, &slots));
  }
  const Json* ranking = Child(root, "ranking");
  if (ranking) {
    NSEARCH_ASSIGN_OR_RETURN(schema.ranking_, ParseRanking(*ranking));
  }
  NSEARCH_RETURN_IF_ERROR(
      AssignRankingSlots(ranking, &schema.ranking_, &slots));
  schema.tree_ = std::move(tree);
  return schema;
}

Result<Schema> Schema::LoadFile(const std::string& path) {
  // O_NONBLOCK: a FIFO must not block open() (it is refused just below);
  // the check is on the opened file, so nothing can swap it in between.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return NotFound("cannot open schema file " + path + ": " +
                    std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size > kMaxSchemaBytes) {
    ::close(fd);
    return InvalidArgument("schema file " + path +
                           " is not a regular file of at most " +
                           std::to_string(kMaxSchemaBytes >> 20) + " MiB");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t have = 0;
  while (have < text.size()) {
    const ssize_t n = ::read(fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(have);
  auto schema = Parse(text);
  if (!schema.ok()) return schema.error().WithContext(path);
  return schema;
}

const std::vector<std::string>& Schema::KeysFor(
    std::string_view doc_field) const {
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
