#include "common/index_meta.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string_view>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/hash.h"
#include "common/output.h"
#include "common/text_util.h"
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

std::optional<std::string> IndexedStem(Analyzer& analyzer,
                                       const std::string& word) {
  if (!analyzer.stemming()) return std::nullopt;
  return analyzer.IsStopword(word) ? std::string() : analyzer.Stem(word);
}

std::string FieldMarkTerm(const std::string& prefix, const std::string& word,
                          const std::optional<std::string>& stem) {
  if (!stem) return prefix + word;
  if (stem->empty()) return "";
  return kStemPrefix + prefix + *stem;
}

bool IsReservedPrefix(std::string_view prefix) {
  return prefix == kIdPrefix || prefix.rfind(kStemPrefix, 0) == 0 ||
         prefix == kRootPrefix || prefix == "XM";
}

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

uint32_t RootHash(std::string_view root) {
  const uint64_t h = Fnv1a64(root);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

std::string FileState::Serialise() const {
  std::string out;
  out.reserve(38);
  PutU64(path_hash, &out);
  PutU64(static_cast<uint64_t>(mtime_ns), &out);
  PutU64(content_hash, &out);
  for (int i = 3; i >= 0; --i)
    out.push_back(static_cast<char>((root_hash >> (8 * i)) & 0xff));
  // The size as a varint: 7 bits a byte, low first.
  uint64_t v = static_cast<uint64_t>(size);
  do {
    const uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(static_cast<char>(v ? byte | 0x80 : byte));
  } while (v);
  return out;
}

bool FileState::Parse(const std::string& value) {
  if (value.size() < 29 || value.size() > 38) return false;
  path_hash = GetU64(value, 0);
  mtime_ns = static_cast<int64_t>(GetU64(value, 8));
  content_hash = GetU64(value, 16);
  root_hash = 0;
  for (size_t i = 24; i < 28; ++i)
    root_hash = (root_hash << 8) | static_cast<unsigned char>(value[i]);
  uint64_t v = 0;
  int shift = 0;
  size_t i = 28;
  for (;; ++i, shift += 7) {
    if (i >= value.size() || shift > 63) return false;
    const auto byte = static_cast<unsigned char>(value[i]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
  }
  if (i + 1 != value.size()) return false;
  size = static_cast<int64_t>(v);
  return true;
}

namespace {

// Indexes into kRecordFields.
enum RecordField {
  kPath,
  kTitle,
  kUrl,
  kExcerpt,
  kTopics,
  kType,
  kCategory,
  kPublished,
  kQuality,
  kHeat,
  kBody,
  kProviderName,
  kProviderDomain,
  kOriginalUrl,
  kIsPublished,
  kRecordFieldCount
};
static_assert(std::size(kRecordFields) == kRecordFieldCount);
static_assert(std::string_view(kRecordFields[kTopics]) == "topics" &&
                  std::string_view(kRecordFields[kBody]) == "body" &&
                  std::string_view(kRecordFields[kIsPublished]) ==
                      "is_published",
              "RecordField must follow kRecordFields");

template <typename T>
Json OrNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// A stored record's JSON part (all of it when there is no body after it).
std::string_view RecordJson(std::string_view data) {
  return data.substr(0, data.find('\0'));
}

}  // namespace

std::string EncodeStoredRecord(const StoredRecord& r) {
  // A valid UTF-8 body goes after the JSON as it is (see kRecordFields).
  const bool body_after =
      !r.body.empty() && FindInvalidUtf8(r.body) == std::string::npos;
  Json record = Json::array();
  record.get_ref<Json::array_t&>().resize(kRecordFieldCount);
  record[kPath] = r.path;
  record[kTitle] = r.title;
  record[kUrl] = r.url;
  record[kExcerpt] = r.excerpt;
  record[kTopics] = r.topics;
  record[kType] = r.type;
  record[kCategory] = r.category;
  record[kPublished] = OrNull(r.published);
  record[kQuality] = OrNull(r.quality);
  record[kHeat] = OrNull(r.heat);
  if (!body_after) record[kBody] = r.body;
  record[kProviderName] = r.provider_name;
  record[kProviderDomain] = r.provider_domain;
  if (r.original_url != r.url) record[kOriginalUrl] = r.original_url;
  record[kIsPublished] = OrNull(r.is_published);
  while (!record.empty() && record.back().is_null())
    record.erase(record.end() - 1);
  std::string out = DumpJson(record);
  if (body_after) {
    out.push_back('\0');
    out += r.body;
  }
  return out;
}

bool IsStoredRecord(const std::string& data) {
  const std::string_view json = RecordJson(data);
  return Json::accept(json) && json.size() > 0 && json[0] == '[';
}

StoredRecord ReadStoredRecord(const Xapian::Document& doc, bool file_state) {
  const std::string data = doc.get_data();
  const std::string_view json = RecordJson(data);
  const Json record = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  static const Json kNull;
  auto field = [&](RecordField i) -> const Json& {
    return record.is_array() && i < record.size() ? record[i] : kNull;
  };
  auto text = [&](RecordField i) {
    const Json& v = field(i);
    return v.is_string() ? v.get<std::string>() : std::string();
  };
  StoredRecord out;
  out.path = text(kPath);
  out.id = DocumentIdForPath(out.path);
  out.title = text(kTitle);
  out.url = text(kUrl);
  out.excerpt = text(kExcerpt);
  for (const Json& topic : field(kTopics))
    if (topic.is_string()) out.topics.push_back(topic.get<std::string>());
  out.provider_name = text(kProviderName);
  out.provider_domain = text(kProviderDomain);
  out.type = text(kType);
  out.category = text(kCategory);
  if (field(kPublished).is_string()) out.published = text(kPublished);
  if (field(kQuality).is_number()) out.quality = field(kQuality).get<int64_t>();
  if (field(kHeat).is_number()) out.heat = field(kHeat).get<int64_t>();
  out.body =
      json.size() == data.size() ? text(kBody) : data.substr(json.size() + 1);
  out.original_url =
      field(kOriginalUrl).is_null() ? out.url : text(kOriginalUrl);
  if (field(kIsPublished).is_boolean())
    out.is_published = field(kIsPublished).get<bool>();
  FileState state;
  if (file_state && state.Parse(doc.get_value(kStateSlot))) out.file = state;
  return out;
}

std::string ShardOfValue(unsigned k, unsigned n) {
  return std::to_string(k) + "/" + std::to_string(n);
}

Result<Schema> ReadIndexSchema(const Xapian::Database& db) {
  return ReadIndexSchema(
      [&db](const std::string& key) { return db.get_metadata(key); });
}

Result<Schema> ReadIndexSchema(
    const std::function<std::string(const std::string&)>& metadata) {
  const std::string format = metadata(kMetaFormat);
  if (format.empty())
    return Corruption("not an nsearch index (no nsearch metadata)");
  if (format != std::to_string(kIndexFormat))
    return SchemaMismatch("index format " + format +
                          " but this nsearch reads " +
                          std::to_string(kIndexFormat) +
                          "; rebuild the index (nsearch index --rebuild)");
  const std::string analyzer = metadata(kMetaAnalyzer);
  if (analyzer != std::to_string(Analyzer::kVersion))
    return SchemaMismatch("index built with analyzer version " + analyzer +
                          " but this nsearch has version " +
                          std::to_string(Analyzer::kVersion) +
                          "; rebuild the index (nsearch index --rebuild)");
  // The YAML text is not read back: nothing on the reading side needs it,
  // and it is a few more blocks to read on every query.
  auto schema = Schema::ParseStored(metadata(kMetaSchemaTree), "",
                                    metadata(kMetaSchemaHash));
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

namespace {

// "No space left on device" -> "no space left on device".
std::string AsciiLowerFirst(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] += 'a' - 'A';
  return text;
}

constexpr int kRuntimeSystemErrors[] = {ENOSPC, EDQUOT, EROFS,  EACCES, EPERM,
                                        EIO,    EMFILE, ENFILE, ENOMEM, EFBIG};

// Xapian gives a system error as strerror() text only.
bool IsRuntimeSystemError(const char* system_error) {
  if (system_error == nullptr) return false;
  for (int code : kRuntimeSystemErrors) {
    if (std::strcmp(system_error, std::strerror(code)) == 0) return true;
  }
  return false;
}

}  // namespace

bool IsRuntimeSystemError(int errno_value) {
  return std::find(std::begin(kRuntimeSystemErrors),
                   std::end(kRuntimeSystemErrors),
                   errno_value) != std::end(kRuntimeSystemErrors);
}

Status StatusFromXapian(const Xapian::Error& e, const std::string& index_path) {
  // Classified by the exception's type and its system error (errno), never
  // by the wording of its message. A failing system call (disk full,
  // read-only file system, permissions, I/O error) is a runtime failure,
  // not a damaged index.
  const std::string type = e.get_type();
  const std::string what = index_path + ": " + e.get_msg();
  const char* system_error = e.get_error_string();
  if (IsRuntimeSystemError(system_error))
    return IOError("cannot use index " + index_path + ": " +
                   AsciiLowerFirst(system_error) + " (" + e.get_msg() + ")");
  if (type == "DatabaseLockError")
    return Busy("index is busy: another nsearch is writing to " + index_path);
  if (type == "DatabaseNotFoundError")
    return IndexMissing("no index at " + index_path +
                        " (create one with: nsearch index PATH)");
  if (type == "DatabaseOpeningError" || type == "DatabaseVersionError")
    return Corruption("cannot open index " + what);
  // A posting list naming a document that does not exist, or a value that
  // does not unserialise, is damage too (seen with overwritten blocks).
  if (type == "DatabaseCorruptError" || type == "DatabaseFormatError" ||
      type == "DatabaseError" || type == "DocNotFoundError" ||
      type == "SerialisationError")
    return Corruption("index is corrupt: " + what);
  if (type == "DatabaseModifiedError")
    return IOError("index changed while reading, try again: " + what);
  if (type == "WildcardError")  // Searcher names the limit it set.
    return LimitExceeded(
        "a wildcard matches too many words; make it longer or narrow the "
        "query");
  if (type == "QueryParserError" || type == "InvalidArgumentError")
    return InvalidArgument(e.get_msg());
  return IOError(type + ": " + what);
}

}  // namespace nsearch
