// A small JSON Schema validator for the tests: the subset schema/output/
// uses ($ref within and across files, type, const, enum, required,
// properties, additionalProperties, items, minimum, minLength, pattern,
// allOf, oneOf). Unknown keywords fail loudly, so a schema cannot use a
// keyword this validator would silently ignore.
//
// The published schemas are open ("additionalProperties": true: callers
// must ignore keys they do not know, SPEC §5). Strict validation, the
// tests' default, reads every such `true` as `false`, so that a key the
// schemas do not describe yet still fails a test: the strict copy of the
// schemas, without a second set of files.

#ifndef NSEARCH_TESTS_SUPPORT_JSON_SCHEMA_H_
#define NSEARCH_TESTS_SUPPORT_JSON_SCHEMA_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nsearch::testing {

class SchemaValidator {
 public:
  enum class Mode { kStrict, kAsPublished };

  // Loads every *.schema.json of `dir`.
  explicit SchemaValidator(const std::string& dir, Mode mode = Mode::kStrict);

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
  Mode mode_;
};

}  // namespace nsearch::testing

#endif  // NSEARCH_TESTS_SUPPORT_JSON_SCHEMA_H_
