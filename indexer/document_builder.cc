#include "indexer/document_builder.h"

#include "common/hash.h"
#include "common/index_meta.h"
#include "common/output.h"
#include "common/url.h"

namespace nsearch::indexer {

namespace {

// The string values of a document field.
std::vector<std::string> FieldValues(const Document& doc,
                                     const std::string& field) {
  if (field == "title") return {doc.title};
  if (field == "excerpt") return {doc.excerpt};
  if (field == "body") return {doc.body};
  if (field == "topics") return doc.topics;
  if (field == "category") return {doc.category};
  if (field == "type") return {doc.type};
  if (field == "provider_name") return {doc.provider_name};
  if (field == "provider_domain") return {doc.provider_domain};
  if (field == "web_url") return {doc.web_url};
  if (field == "original_url") return {doc.original_url};
  return {};
}

std::optional<int64_t> NumericValue(const Document& doc,
                                    const std::string& field) {
  if (field == "quality") return doc.quality;
  if (field == "heat") return doc.heat;
  if (field == "date") return doc.date;
  return std::nullopt;
}

Json OptionalNumber(const std::optional<int64_t>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

DocumentBuilder::DocumentBuilder(const Schema& schema,
                                 std::unique_ptr<Analyzer> analyzer)
    : schema_(schema), analyzer_(std::move(analyzer)) {}

std::string DocumentBuilder::IdTerm(const std::string& id) {
  return kIdPrefix + id;
}

void DocumentBuilder::AddText(const std::string& prefix,
                              const std::string& text, unsigned* position,
                              Xapian::Document* out) {
  const std::string stem_prefix = "Z" + prefix;
  unsigned last = *position;
  analyzer_->Tokenize(text, [&](const Token& token) {
    last = *position + token.index + 1;
    out->add_posting(prefix + token.term, last);
    // Stopwords stay searchable inside phrases (positional terms) but get no
    // stemmed term: free-text queries drop them anyway.
    if (analyzer_->stemming() && !analyzer_->IsStopword(token.term))
      out->add_term(stem_prefix + analyzer_->Stem(token.term));
  });
  *position = last + kValueGap;
}

Xapian::Document DocumentBuilder::Build(const Document& doc,
                                        const SourceFile& source) {
  Xapian::Document out;
  const std::string id = DocumentIdForPath(source.path);
  out.add_boolean_term(IdTerm(id));
  out.add_boolean_term(FilterTerm(kRootPrefix, source.root));

  for (const FieldSpec& field : schema_.fields()) {
    if (field.slot) {
      for (const auto& from : field.from) {
        if (auto v = NumericValue(doc, from)) {
          out.add_value(*field.slot,
                        Xapian::sortable_serialise(static_cast<double>(*v)));
          break;
        }
      }
      continue;
    }
    unsigned position = 0;
    std::string facet;
    for (const auto& from : field.from) {
      for (const std::string& value : FieldValues(doc, from)) {
        if (value.empty()) continue;
        if (field.text) AddText(field.prefix, value, &position, &out);
        if (!field.filter) continue;
        if (field.facet_slot) {
          if (!facet.empty()) facet.push_back(kFacetSeparator);
          facet += value;
        }
        switch (field.kind) {
          case FieldKind::kHost:
            for (const auto& host : HostAndParents(UrlHost(value)))
              out.add_boolean_term(FilterTerm(field.filter_prefix, host));
            break;
          case FieldKind::kUrl:
            out.add_boolean_term(
                FilterTerm(field.filter_prefix, NormalizeUrl(value)));
            break;
          default: {
            const std::string normalized = analyzer_->NormalizeValue(value);
            if (!normalized.empty())
              out.add_boolean_term(FilterTerm(field.filter_prefix, normalized));
          }
        }
      }
    }
    if (field.facet_slot && !facet.empty())
      out.add_value(*field.facet_slot, facet);
  }
  if (const FieldSpec* key = schema_.collapse_field()) {
    for (const auto& from : key->from) {
      const auto values = FieldValues(doc, from);
      if (!values.empty() && !values[0].empty()) {
        const std::string normalized =
            key->kind == FieldKind::kUrl ? NormalizeUrl(values[0])
                                         : analyzer_->NormalizeValue(values[0]);
        out.add_value(*schema_.collapse_slot(), normalized);
        break;
      }
    }
  }
  FileState state;
  state.path_hash = Fnv1a64(source.path);
  state.size = source.size;
  state.mtime_ns = source.mtime_ns;
  state.content_hash = source.content_hash;
  state.root_hash = Fnv1a64(source.root);
  out.add_value(kStateSlot, state.Serialise());
  out.set_data(StoredData(doc, source, id));
  return out;
}

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

std::string StoredData(const Document& doc, const SourceFile& source,
                       const std::string& id) {
  std::string body = doc.body;
  if (body.size() > kStoredBodyBytes) {
    // Cut at a UTF-8 sequence boundary.
    size_t cut = kStoredBodyBytes;
    while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80)
      --cut;
    body.resize(cut);
  }
  Json data = {
      {"id", id},
      {"path", source.path},
      {"root", source.root},
      {"title", doc.title},
      {"url", doc.url()},
      {"original_url", doc.original_url},
      {"excerpt", doc.excerpt},
      {"topics", doc.topics},
      {"provider",
       {{"name", doc.provider_name}, {"domain", doc.provider_domain}}},
      {"type", doc.type},
      {"category", doc.category},
      {"published", doc.date ? Json(FormatIsoTime(*doc.date)) : Json(nullptr)},
      {"is_published", doc.published ? Json(*doc.published) : Json(nullptr)},
      {"quality", OptionalNumber(doc.quality)},
      {"heat", OptionalNumber(doc.heat)},
      {"body", body},
      {"size", source.size},
      {"mtime_ns", source.mtime_ns},
  };
  return DumpJson(data);
}

}  // namespace nsearch::indexer
