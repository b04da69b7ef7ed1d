#include "common/index_meta.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "common/analyzer.h"
#include "common/hash.h"
#include "common/url.h"

namespace nsearch {

namespace {

void PutU64(uint64_t v, std::string* out) {
  for (int i = 7; i >= 0; --i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetU64(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

std::string DocumentIdForPath(const std::string& absolute_path) {
  return Hex64(Fnv1a64(absolute_path));
}

std::string FilterTerm(const std::string& prefix, const std::string& value) {
  constexpr size_t kMax = 200;
  if (prefix.size() + value.size() <= kMax) return prefix + value;
  std::string cut = value.substr(0, kMax - prefix.size() - 17);
  // Do not end inside a UTF-8 sequence.
  while (!cut.empty() &&
         (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
    cut.pop_back();
  if (!cut.empty() && static_cast<unsigned char>(cut.back()) >= 0xC0)
    cut.pop_back();
  return prefix + cut + "#" + Hex64(Fnv1a64(value));
}

std::string UrlTerm(const std::string& prefix, std::string_view url) {
  return prefix + Hex64(Fnv1a64(NormalizeUrl(url)));
}

std::string CollapseKey(std::string_view normalized_key) {
  std::string out;
  PutU64(Fnv1a64(normalized_key), &out);
  return out;
}

std::string EncodePrior(double prior) {
  uint64_t bits = 0;
  std::memcpy(&bits, &prior, sizeof bits);
  std::string out;
  PutU64(bits, &out);
  return out;
}

double DecodePrior(const std::string& value) {
  if (value.size() != 8) return 0;
  const uint64_t bits = GetU64(value, 0);
  double prior = 0;
  std::memcpy(&prior, &bits, sizeof prior);
  return prior;
}

std::string FileState::Serialise() const {
  std::string out;
  out.reserve(40);
  PutU64(path_hash, &out);
  PutU64(static_cast<uint64_t>(size), &out);
  PutU64(static_cast<uint64_t>(mtime_ns), &out);
  PutU64(content_hash, &out);
  PutU64(root_hash, &out);
  return out;
}

bool FileState::Parse(const std::string& value) {
  if (value.size() != 40) return false;
  path_hash = GetU64(value, 0);
  size = static_cast<int64_t>(GetU64(value, 8));
  mtime_ns = static_cast<int64_t>(GetU64(value, 16));
  content_hash = GetU64(value, 24);
  root_hash = GetU64(value, 32);
  return true;
}

Json ReadStoredRecord(const Xapian::Document& doc) {
  Json data = Json::parse(doc.get_data(), nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) data = Json::object();
  Json out = Json::object();
  out["id"] = DocumentIdForPath(data.value("path", ""));
  for (auto& [key, value] : data.items()) out[key] = std::move(value);
  if (!out.contains("original_url")) out["original_url"] = out.value("url", "");
  if (!out.contains("is_published")) out["is_published"] = nullptr;
  FileState state;
  if (state.Parse(doc.get_value(kStateSlot))) {
    out["size"] = state.size;
    out["mtime_ns"] = state.mtime_ns;
  }
  return out;
}

Result<Schema> ReadIndexSchema(const Xapian::Database& db) {
  const std::string format = db.get_metadata(kMetaFormat);
  if (format.empty())
    return Corruption("not an nsearch index (no nsearch metadata)");
  if (format != std::to_string(kIndexFormat))
    return SchemaMismatch("index format " + format +
                          " but this nsearch reads " +
                          std::to_string(kIndexFormat) +
                          "; rebuild the index (nsearch index --rebuild)");
  const std::string analyzer = db.get_metadata(kMetaAnalyzer);
  if (analyzer != std::to_string(Analyzer::kVersion))
    return SchemaMismatch("index built with analyzer version " + analyzer +
                          " but this nsearch has version " +
                          std::to_string(Analyzer::kVersion) +
                          "; rebuild the index");
  auto schema = Schema::ParseStored(db.get_metadata(kMetaSchemaTree),
                                    db.get_metadata(kMetaSchemaText),
                                    db.get_metadata(kMetaSchemaHash));
  if (!schema.ok())
    return Corruption("the schema stored in the index is invalid: " +
                      schema.error().message());
  return schema;
}

void WriteIndexStamps(Xapian::WritableDatabase& db, const Schema& schema) {
  db.set_metadata(kMetaFormat, std::to_string(kIndexFormat));
  db.set_metadata(kMetaAnalyzer, std::to_string(Analyzer::kVersion));
  db.set_metadata(kMetaSchemaText, schema.text());
  db.set_metadata(kMetaSchemaTree, schema.TreeJson());
  db.set_metadata(kMetaSchemaName, schema.name());
  db.set_metadata(kMetaSchemaVersion, std::to_string(schema.version()));
  db.set_metadata(kMetaSchemaHash, schema.hash());
}

std::string ResolveIndexPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("NSEARCH_INDEX"); env && *env) return env;
  std::string base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::string(home) + "/.local/share";
  } else {
    base = ".";
  }
  return base + "/nsearch/index";
}

Status StatusFromXapian(const Xapian::Error& e, const std::string& index_path) {
  const std::string type = e.get_type();
  const std::string what = index_path + ": " + e.get_msg();
  if (type == "DatabaseLockError")
    return Busy("index is busy: another nsearch is writing to " + index_path);
  if (type == "DatabaseNotFoundError")
    return NotFound("no index at " + index_path +
                    " (create one with: nsearch index PATH)");
  if (type == "DatabaseOpeningError" || type == "DatabaseVersionError")
    return Corruption("cannot open index " + what);
  if (type == "DatabaseCorruptError" || type == "DatabaseFormatError")
    return Corruption("index is corrupt: " + what);
  if (type == "DatabaseError") {
    // Failing writes (disk full, permissions) are runtime failures; failing
    // reads of an existing table mean the index is damaged.
    const bool write = e.get_msg().find("writ") != std::string::npos ||
                       e.get_msg().find("sync") != std::string::npos ||
                       e.get_error_string() != nullptr;
    if (write) return IOError("cannot write index " + what);
    return Corruption("index is corrupt: " + what);
  }
  if (type == "DatabaseModifiedError")
    return IOError("index changed while reading, try again: " + what);
  if (type == "WildcardError")
    return LimitExceeded("a wildcard matches too many words: " + e.get_msg());
  if (type == "QueryParserError" || type == "InvalidArgumentError")
    return InvalidArgument(e.get_msg());
  return IOError(type + ": " + what);
}

}  // namespace nsearch
