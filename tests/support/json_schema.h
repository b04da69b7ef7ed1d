// A small JSON Schema validator for the tests: the subset schema/output/
// uses ($ref within and across files, type, const, enum, required,
// properties, additionalProperties, items, minimum, minLength, pattern,
// allOf, oneOf). Unknown keywords fail loudly, so a schema cannot use a
// keyword this validator would silently ignore.

#ifndef NSEARCH_TESTS_SUPPORT_JSON_SCHEMA_H_
#define NSEARCH_TESTS_SUPPORT_JSON_SCHEMA_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nsearch::testing {

class SchemaValidator {
 public:
  // Loads every *.schema.json of `dir`.
  explicit SchemaValidator(const std::string& dir);

  // Validates `value` against the schema file `name` (e.g.
  // "query.schema.json"); returns the violations, empty when valid.
  std::vector<std::string> Validate(const std::string& name,
                                    const nlohmann::json& value) const;

 private:
  void Check(const std::string& file, const nlohmann::json& schema,
             const nlohmann::json& value, const std::string& where,
             std::vector<std::string>* errors) const;
  const nlohmann::json& Resolve(const std::string& file, const std::string& ref,
                                std::string* target_file) const;

  std::map<std::string, nlohmann::json> schemas_;
};

}  // namespace nsearch::testing

#endif  // NSEARCH_TESTS_SUPPORT_JSON_SCHEMA_H_
