#include "indexer/stories.h"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/index_meta.h"
#include "common/story.h"

namespace nsearch::indexer {

namespace {

// A candidate list longer than this is skipped: a band or title shared by
// thousands of documents is boilerplate, not one story. Skipping it whole
// (not reading its first postings) keeps the join independent of docid
// order, so shards built apart join as one index does.
constexpr Xapian::doccount kMaxGroup = 1000;
// In a full build, each document is compared with at most this many
// following ones (in date order) of each group.
constexpr size_t kMaxCompared = 64;

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Union-find over document ids.
class Components {
 public:
  // Iterative, with path compression: a story's chain may be long.
  Xapian::docid Find(Xapian::docid id) {
    Xapian::docid root = id;
    for (auto it = parent_.find(root);
         it != parent_.end() && it->second != root; it = parent_.find(root))
      root = it->second;
    if (!parent_.count(root)) parent_[root] = root;
    while (id != root) {
      Xapian::docid& up = parent_[id];
      const Xapian::docid next = up == 0 ? root : up;
      up = root;
      id = next;
    }
    return root;
  }
  void Join(Xapian::docid a, Xapian::docid b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }
  const std::unordered_map<Xapian::docid, Xapian::docid>& parents() const {
    return parent_;
  }

 private:
  std::unordered_map<Xapian::docid, Xapian::docid> parent_;
};

// The documents of candidate list `term`; none when it is over kMaxGroup.
std::vector<Xapian::docid> Postings(const Xapian::Database& db,
                                    const std::string& term) {
  std::vector<Xapian::docid> ids;
  if (db.get_termfreq(term) > kMaxGroup) return ids;
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
    ids.push_back(*it);
  return ids;
}

}  // namespace

struct StoryJoiner::Member {
  Xapian::docid id = 0;
  StoryFacts facts;
  std::string key;
  // For its stored title and excerpt; unset: read from the database.
  std::optional<Xapian::Document> doc;
  // Made when first needed; dropped after each candidate list of a full
  // build (an unordered_set of word pairs is far bigger than the rest).
  std::unique_ptr<StoryText> text;

  // Earliest first; undated last; then by key (deterministic).
  bool operator<(const Member& o) const {
    if (facts.date.has_value() != o.facts.date.has_value())
      return facts.date.has_value();
    if (facts.date && *facts.date != *o.facts.date)
      return *facts.date < *o.facts.date;
    return key < o.key;
  }
};

StoryJoiner::StoryJoiner(const Schema& schema,
                         std::unique_ptr<Analyzer> analyzer)
    : spec_(*schema.stories()), analyzer_(std::move(analyzer)) {
  for (const FieldSpec& f : schema.fields()) {
    if (f.kind == FieldKind::kDate && f.slot) date_slot_ = f.slot;
    if (f.kind == FieldKind::kUrl && f.filter) url_prefix_ = f.filter_prefix;
  }
}

StoryJoiner::~StoryJoiner() = default;

bool StoryJoiner::IsCandidateTerm(const std::string& term) const {
  return StartsWith(term, kStoryBandPrefix) ||
         StartsWith(term, kStoryTitlePrefix) ||
         (!url_prefix_.empty() && StartsWith(term, url_prefix_));
}

std::optional<StoryJoiner::Member> StoryJoiner::MakeMember(
    Xapian::docid id, const std::string& signature, const std::string& date,
    std::string key) const {
  auto sig = StorySignature::Unserialise(signature);
  if (!sig) return std::nullopt;
  Member m;
  m.id = id;
  m.facts.signature = *sig;
  if (!date.empty())
    m.facts.date = static_cast<int64_t>(Xapian::sortable_unserialise(date));
  m.key = std::move(key);
  return m;
}

std::optional<StoryJoiner::Member> StoryJoiner::Load(
    Xapian::docid id, const Xapian::Document& doc) const {
  auto m = MakeMember(id, doc.get_value(spec_.signature_slot),
                      date_slot_ ? doc.get_value(*date_slot_) : std::string(),
                      doc.get_value(spec_.slot));
  if (m) m->doc = doc;
  return m;
}

bool StoryJoiner::Same(const Xapian::Database& db, Member& a, Member& b) const {
  const auto by_signature = SameStoryBySignature(a.facts, b.facts, spec_);
  if (by_signature) return *by_signature;
  // Only pairs the signatures cannot tell read the stored texts.
  for (Member* m : {&a, &b}) {
    if (m->text) continue;
    const StoredRecord record =
        ReadStoredRecord(m->doc ? *m->doc : db.get_document(m->id), false);
    m->text = std::make_unique<StoryText>(
        MakeStoryText(*analyzer_, record.title, record.excerpt));
  }
  return SimilarTexts(*a.text, *b.text, spec_.similarity);
}

void StoryJoiner::SetKey(const std::string& key, Xapian::Document* doc,
                         unsigned slot) {
  const std::string old = doc->get_value(slot);
  if (old == key) return;
  if (!old.empty()) {
    try {
      doc->remove_term(kStoryKeyPrefix + old);
    } catch (const Xapian::InvalidArgumentError&) {
      // The document did not have the term: nothing to remove.
    }
  }
  doc->add_value(slot, key);
  doc->add_boolean_term(kStoryKeyPrefix + key);
}

void StoryJoiner::AssignStory(const Xapian::Database& db,
                              const std::string& id_term,
                              Xapian::Document* doc) {
  std::optional<Member> self = Load(0, *doc);
  if (!self) return;
  Xapian::docid own = 0;
  if (auto it = db.postlist_begin(id_term); it != db.postlist_end(id_term))
    own = *it;
  std::optional<Member> best;
  std::unordered_set<Xapian::docid> seen;
  for (auto t = doc->termlist_begin(); t != doc->termlist_end(); ++t) {
    const std::string term = *t;
    if (!IsCandidateTerm(term)) continue;
    const bool same_url = !url_prefix_.empty() && StartsWith(term, url_prefix_);
    for (Xapian::docid id : Postings(db, term)) {
      if (id == own || !seen.insert(id).second) continue;
      std::optional<Member> other = Load(id, db.get_document(id));
      if (!other || !(same_url || Same(db, *self, *other))) continue;
      if (!best || *other < *best) best = std::move(other);
    }
  }
  if (best && *best < *self) SetKey(best->key, doc, spec_.slot);
}

size_t StoryJoiner::JoinAllStories(Xapian::WritableDatabase& db) {
  return JoinAllStories(db,
                        [&db](Xapian::docid id, const Xapian::Document& doc) {
                          db.replace_document(id, doc);
                        });
}

std::vector<StoryJoiner::Group> StoryJoiner::CandidateGroups(
    const Xapian::Database& db) const {
  std::vector<Group> groups;
  for (const std::string& prefix :
       {std::string(kStoryBandPrefix), std::string(kStoryTitlePrefix),
        url_prefix_}) {
    if (prefix.empty()) continue;
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix);
         ++t) {
      if (t.get_termfreq() < 2) continue;
      Group group{Postings(db, *t), prefix == url_prefix_};
      if (group.ids.size() >= 2) groups.push_back(std::move(group));
    }
  }
  return groups;
}

// One slot of documents asked for in increasing docid order: a value
// stream read forward, not a lookup per document.
class StoryJoiner::SlotReader {
 public:
  SlotReader(const Xapian::Database& db, std::optional<unsigned> slot) {
    if (!slot) return;
    it_ = db.valuestream_begin(*slot);
    end_ = db.valuestream_end(*slot);
  }
  std::string At(Xapian::docid id) {
    if (it_ == end_) return {};
    it_.skip_to(id);
    return it_ != end_ && it_.get_docid() == id ? *it_ : std::string();
  }

 private:
  Xapian::ValueIterator it_, end_;
};

std::vector<StoryJoiner::Member> StoryJoiner::LoadMembers(
    const Xapian::Database& db, const std::vector<Group>& groups) const {
  std::vector<Xapian::docid> ids;
  for (const Group& g : groups)
    ids.insert(ids.end(), g.ids.begin(), g.ids.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  SlotReader signatures(db, spec_.signature_slot), dates(db, date_slot_),
      keys(db, spec_.slot);
  std::vector<Member> members;
  for (Xapian::docid id : ids)
    if (auto m = MakeMember(id, signatures.At(id), dates.At(id), keys.At(id)))
      members.push_back(std::move(*m));
  return members;  // In docid order.
}

size_t StoryJoiner::JoinAllStories(const Xapian::Database& db,
                                   const Rewrite& rewrite) {
  const std::vector<Group> groups = CandidateGroups(db);
  std::vector<Member> members = LoadMembers(db, groups);
  auto find = [&members](Xapian::docid id) -> Member* {
    auto it = std::lower_bound(
        members.begin(), members.end(), id,
        [](const Member& m, Xapian::docid d) { return m.id < d; });
    return it != members.end() && it->id == id ? &*it : nullptr;
  };
  auto earliest = [](const Member* a, const Member* b) { return *a < *b; };
  Components components;
  for (const Group& g : groups) {
    std::vector<Member*> group;
    for (Xapian::docid id : g.ids)
      if (Member* m = find(id)) group.push_back(m);
    std::sort(group.begin(), group.end(), earliest);
    for (size_t i = 0; i < group.size(); ++i)
      for (size_t j = i + 1; j < group.size() && j <= i + kMaxCompared; ++j)
        if (g.same_url || Same(db, *group[i], *group[j]))
          components.Join(group[i]->id, group[j]->id);
    for (Member* m : group) m->text.reset();
  }
  // Each story's key: the own key of its earliest copy.
  std::unordered_map<Xapian::docid, std::vector<Member*>> stories;
  for (const auto& [id, parent] : components.parents())
    stories[components.Find(id)].push_back(find(id));
  size_t rewritten = 0;
  for (auto& [root, copies] : stories) {
    std::sort(copies.begin(), copies.end(), earliest);
    const std::string& key = copies.front()->key;
    for (const Member* m : copies) {
      if (m->key == key) continue;
      Xapian::Document doc = db.get_document(m->id);
      SetKey(key, &doc, spec_.slot);
      rewrite(m->id, doc);
      ++rewritten;
    }
  }
  return rewritten;
}

}  // namespace nsearch::indexer
