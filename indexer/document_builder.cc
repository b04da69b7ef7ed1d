#include "indexer/document_builder.h"

#include "common/hash.h"
#include "common/index_meta.h"
#include "common/output.h"
#include "common/story.h"
#include "common/url.h"

namespace nsearch::indexer {

namespace {

// The string values of the document field `field` (kDocumentFields).
std::vector<std::string> FieldValues(const Document& doc,
                                     std::string_view field) {
  const DocumentField* f = FindDocumentField(field);
  return f ? DocumentTexts(doc, *f) : std::vector<std::string>();
}

// The number of the document field `field` (a number or a date).
std::optional<int64_t> NumericValue(const Document& doc,
                                    std::string_view field) {
  const DocumentField* f = FindDocumentField(field);
  return f ? DocumentNumber(doc, *f) : std::nullopt;
}

// Puts the first number of `field` (a slot field) in its slot, and in
// `numbers` under the field's name.
void AddSlotValue(const FieldSpec& field, const Document& doc,
                  std::map<std::string, int64_t, std::less<>>* numbers,
                  Xapian::Document* out) {
  for (const auto& from : field.from) {
    if (auto v = NumericValue(doc, from)) {
      out->add_value(*field.slot,
                     Xapian::sortable_serialise(static_cast<double>(*v)));
      (*numbers)[field.name] = *v;
      break;
    }
  }
}

// The serialised file state of `source` (kStateSlot).
std::string FileStateOf(const SourceFile& source) {
  FileState state;
  state.path_hash = Fnv1a64(source.path);
  state.size = source.size;
  state.mtime_ns = source.mtime_ns;
  state.content_hash = source.content_hash;
  state.root_hash = RootHash(source.root);
  return state.Serialise();
}

}  // namespace

DocumentBuilder::DocumentBuilder(const Schema& schema,
                                 std::unique_ptr<Analyzer> analyzer)
    : schema_(schema), analyzer_(std::move(analyzer)) {}

void DocumentBuilder::AddRankingValues(
    const std::map<std::string, int64_t, std::less<>>& numbers,
    Xapian::Document* out) const {
  auto number = [&](std::string_view name) -> std::optional<double> {
    auto it = numbers.find(name);
    if (it == numbers.end()) return std::nullopt;
    return static_cast<double>(it->second);
  };
  const RankingSpec& ranking = schema_.ranking();
  for (const auto& [name, prior] :
       {std::pair{"quality", &ranking.quality}, {"heat", &ranking.heat}}) {
    if (schema_.FindField(name))
      out->add_value(prior->slot,
                     Xapian::sortable_serialise(prior->Level(number(name))));
  }
  if (schema_.FindField("date")) {
    if (auto it = numbers.find("date"); it != numbers.end())
      out->add_value(
          ranking.recency.slot,
          Xapian::sortable_serialise(static_cast<double>(UtcDay(it->second))));
  }
}

std::string DocumentBuilder::IdTerm(const std::string& id) {
  return kIdPrefix + id;
}

void DocumentBuilder::AddText(const FieldSpec& field, const std::string& text,
                              unsigned* position, Xapian::Document* out) {
  // Words of a search field count `weight` times in the free-text space
  // (raw terms with positions, stems without). The field's own terms only
  // mark the field (wdf 0, so they add nothing to the document length that
  // BM25 normalizes by): with `positions`, the raw words with positions and
  // their stems; without, the stems alone (FieldMarkTerm).
  const unsigned wdf = field.search ? field.weight : 0;
  unsigned last = *position;
  analyzer_->Tokenize(text, [&](const Token& token) {
    last = *position + token.index + 1;
    if (wdf > 0) out->add_posting(token.term, last, wdf);
    if (field.positions) out->add_posting(field.prefix + token.term, last, 0);
    // Stopwords stay searchable inside phrases (positional terms) but get no
    // stemmed term: free-text queries drop them anyway.
    const std::optional<std::string> stem = IndexedStem(*analyzer_, token.term);
    if (wdf > 0 && stem && !stem->empty())
      out->add_term(kStemPrefix + *stem, wdf);
    // (A field with positions and no stemmer marks the word itself above.)
    if (!field.positions || stem) {
      const std::string mark = FieldMarkTerm(field.prefix, token.term, stem);
      if (!mark.empty()) out->add_term(mark, 0);
    }
  });
  *position = last + kValueGap;
}

void DocumentBuilder::AddFilterTerms(const FieldSpec& field,
                                     const std::string& value,
                                     Xapian::Document* out) {
  switch (field.kind) {
    case FieldKind::kHost:
      for (const auto& host : HostAndParents(UrlHost(value)))
        out->add_boolean_term(FilterTerm(field.filter_prefix, host));
      break;
    case FieldKind::kUrl:
      out->add_boolean_term(UrlTerm(field.filter_prefix, value));
      break;
    default: {
      const std::string normalized = analyzer_->NormalizeValue(value);
      if (!normalized.empty())
        out->add_boolean_term(FilterTerm(field.filter_prefix, normalized));
    }
  }
}

void DocumentBuilder::AddField(const FieldSpec& field, const Document& doc,
                               unsigned* position, Xapian::Document* out) {
  std::string facet;
  for (const auto& from : field.from) {
    for (const std::string& value : FieldValues(doc, from)) {
      if (value.empty()) continue;
      if (field.text) AddText(field, value, position, out);
      if (!field.filter) continue;
      if (field.facet_slot) {
        if (!facet.empty()) facet.push_back(kFacetSeparator);
        facet += value;
      }
      AddFilterTerms(field, value, out);
    }
  }
  if (field.facet_slot && !facet.empty())
    out->add_value(*field.facet_slot, facet);
}

void DocumentBuilder::AddCollapseKey(const Document& doc,
                                     Xapian::Document* out) {
  const FieldSpec* key = schema_.collapse_field();
  if (!key) return;
  for (const auto& from : key->from) {
    const auto values = FieldValues(doc, from);
    if (!values.empty() && !values[0].empty()) {
      const std::string normalized = key->kind == FieldKind::kUrl
                                         ? NormalizeUrl(values[0])
                                         : analyzer_->NormalizeValue(values[0]);
      out->add_value(*schema_.collapse_slot(), CollapseKey(normalized));
      break;
    }
  }
}

void DocumentBuilder::AddStoryKey(const Document& doc, const std::string& id,
                                  uint64_t content_hash,
                                  Xapian::Document* out) {
  const StorySpec* stories = schema_.stories();
  if (!stories) return;
  // Its own story key; StoryJoiner joins it to the copies of its story.
  const StorySignature signature =
      SignatureOf(MakeStoryText(*analyzer_, doc.title, doc.excerpt));
  out->add_value(stories->signature_slot, signature.Serialise());
  for (const std::string& term : signature.Terms()) out->add_boolean_term(term);
  const std::string key = OwnStoryKey(id, content_hash);
  out->add_value(stories->slot, key);
  out->add_boolean_term(kStoryKeyPrefix + key);
}

Xapian::Document DocumentBuilder::Build(const Document& doc,
                                        const SourceFile& source, bool light) {
  if (light) return BuildLight(doc, source);
  Xapian::Document out;
  const std::string id = DocumentIdForPath(source.path);
  out.add_boolean_term(IdTerm(id));
  out.add_boolean_term(FilterTerm(kRootPrefix, source.root));

  // One position counter for the whole document: the free-text space holds
  // every search field, kValueGap apart.
  unsigned position = 0;
  std::map<std::string, int64_t, std::less<>> numbers;  // Of slot fields.
  for (const FieldSpec& field : schema_.fields()) {
    if (field.slot)
      AddSlotValue(field, doc, &numbers, &out);
    else
      AddField(field, doc, &position, &out);
  }
  AddRankingValues(numbers, &out);
  AddCollapseKey(doc, &out);
  AddStoryKey(doc, id, source.content_hash, &out);
  out.add_value(kStateSlot, FileStateOf(source));
  out.set_data(StoredData(doc, source));
  return out;
}

Xapian::Document DocumentBuilder::BuildLight(const Document& doc,
                                             const SourceFile& source) {
  Xapian::Document out;
  std::map<std::string, int64_t, std::less<>> numbers;
  unsigned position = 0;
  for (const FieldSpec& field : schema_.fields()) {
    if (field.kind == FieldKind::kDate && field.slot)
      AddSlotValue(field, doc, &numbers, &out);
    else if (field.kind == FieldKind::kUrl && !field.slot)
      AddField(field, doc, &position, &out);  // Its filter terms.
  }
  AddStoryKey(doc, DocumentIdForPath(source.path), source.content_hash, &out);
  return out;
}

std::string StoredData(const Document& doc, const SourceFile& source) {
  std::string body = doc.body;
  if (body.size() > kStoredBodyBytes) {
    // Cut at a UTF-8 sequence boundary.
    size_t cut = kStoredBodyBytes;
    while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80)
      --cut;
    body.resize(cut);
  }
  // Left out, and restored by ReadStoredRecord: the id (the hash of the
  // path), size and mtime (in kStateSlot).
  StoredRecord record;
  record.path = source.path;
  record.title = doc.title;
  record.url = doc.url();
  record.excerpt = doc.excerpt;
  record.topics = doc.topics;
  record.type = doc.type;
  record.category = doc.category;
  if (doc.date) record.published = FormatIsoTime(*doc.date);
  record.quality = doc.quality;
  record.heat = doc.heat;
  record.body = std::move(body);
  record.provider_name = doc.provider_name;
  record.provider_domain = doc.provider_domain;
  record.original_url = doc.original_url;
  record.is_published = doc.published;
  return EncodeStoredRecord(record);
}

}  // namespace nsearch::indexer
