#include "tests/support/json_schema.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <stdexcept>

namespace nsearch::testing {

using nlohmann::json;

SchemaValidator::SchemaValidator(const std::string& dir, Mode mode)
    : mode_(mode) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 12 || name.substr(name.size() - 12) != ".schema.json")
      continue;
    std::ifstream in(e.path());
    schemas_[name] = json::parse(in);
  }
}

std::vector<std::string> SchemaValidator::Validate(const std::string& name,
                                                   const json& value) const {
  std::vector<std::string> errors;
  auto it = schemas_.find(name);
  if (it == schemas_.end()) return {"no schema " + name};
  Check(name, it->second, value, "$", &errors);
  return errors;
}

const json& SchemaValidator::Resolve(const std::string& file,
                                     const std::string& ref,
                                     std::string* target_file) const {
  const size_t hash = ref.find('#');
  *target_file = hash == 0 ? file : ref.substr(0, hash);
  auto it = schemas_.find(*target_file);
  if (it == schemas_.end())
    throw std::runtime_error("unknown schema file in $ref " + ref);
  const json* node = &it->second;
  if (hash != std::string::npos && hash + 1 < ref.size())
    node = &node->at(json::json_pointer(ref.substr(hash + 1)));
  return *node;
}

namespace {

bool HasType(const json& value, const std::string& type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_boolean();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  throw std::runtime_error("unknown type " + type);
}

}  // namespace

void SchemaValidator::Check(const std::string& file, const json& schema,
                            const json& value, const std::string& where,
                            std::vector<std::string>* errors) const {
  static const std::set<std::string> kKnown = {
      "$schema", "$id",      "title",      "description",
      "$defs",   "$ref",     "type",       "const",
      "enum",    "required", "properties", "additionalProperties",
      "items",   "minimum",  "minLength",  "pattern",
      "allOf",   "oneOf",    "maxItems"};
  for (const auto& [key, unused] : schema.items()) {
    (void)unused;
    if (!kKnown.count(key))
      throw std::runtime_error("unsupported keyword " + key);
  }
  auto fail = [&](const std::string& what) {
    errors->push_back(where + ": " + what);
  };
  if (schema.contains("$ref")) {
    std::string target;
    const json& sub = Resolve(file, schema["$ref"], &target);
    Check(target, sub, value, where, errors);
  }
  if (schema.contains("type")) {
    const json& t = schema["type"];
    bool ok = false;
    if (t.is_string()) ok = HasType(value, t);
    for (const auto& one : t.is_array() ? t : json::array())
      ok = ok || HasType(value, one);
    if (!ok)
      return fail("expected type " + t.dump() + ", got " +
                  value.dump().substr(0, 80));
  }
  if (schema.contains("const") && value != schema["const"])
    fail("expected " + schema["const"].dump());
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& v : schema["enum"]) found = found || v == value;
    if (!found)
      fail("not one of " + schema["enum"].dump() + ": " + value.dump());
  }
  if (value.is_object()) {
    for (const auto& r : schema.value("required", json::array()))
      if (!value.contains(r.get<std::string>()))
        fail("missing " + r.get<std::string>());
    const json props = schema.value("properties", json::object());
    for (const auto& [k, v] : value.items()) {
      if (props.contains(k)) {
        Check(file, props[k], v, where + "." + k, errors);
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean()) {
          if (!extra.get<bool>() || mode_ == Mode::kStrict)
            fail("unexpected key " + k);
        } else {
          Check(file, extra, v, where + "." + k, errors);
        }
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i)
      Check(file, schema["items"], value[i],
            where + "[" + std::to_string(i) + "]", errors);
  }
  if (value.is_array() && schema.contains("maxItems") &&
      value.size() > schema["maxItems"].get<size_t>())
    fail("more than " + schema["maxItems"].dump() + " items");
  if (value.is_number() && schema.contains("minimum") &&
      value.get<double>() < schema["minimum"].get<double>())
    fail("below minimum " + schema["minimum"].dump());
  if (value.is_string()) {
    const std::string s = value;
    if (schema.contains("minLength") &&
        s.size() < schema["minLength"].get<size_t>())
      fail("shorter than " + schema["minLength"].dump());
    if (schema.contains("pattern") &&
        !std::regex_search(s, std::regex(schema["pattern"].get<std::string>())))
      fail("does not match " + schema["pattern"].dump());
  }
  for (const auto& sub : schema.value("allOf", json::array()))
    Check(file, sub, value, where, errors);
  if (schema.contains("oneOf")) {
    int matches = 0;
    for (const auto& sub : schema["oneOf"]) {
      std::vector<std::string> sub_errors;
      Check(file, sub, value, where, &sub_errors);
      matches += sub_errors.empty();
    }
    if (matches != 1)
      fail("matches " + std::to_string(matches) + " of oneOf, not 1");
  }
}

}  // namespace nsearch::testing
