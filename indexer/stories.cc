#include "indexer/stories.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/hash.h"
#include "common/index_meta.h"
#include "common/story.h"
#include "indexer/parallel.h"

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
// A full build keeps at most this many story texts (about 0.5 KB each)
// between candidate lists; a document is on up to nine lists, and making
// its text again for each was most of the join's comparing.
constexpr size_t kKeptTexts = 1 << 16;
// Groups a thread compares at a time in a full build.
constexpr size_t kGroupsABlock = 256;

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

// An outsider's candidate term as the join keys it: its hash, with the
// lowest bit saying whether it is a URL's (whose list joins without
// comparing).
uint64_t CandidateKey(const std::string& term, bool url) {
  return (Fnv1a64(term) & ~uint64_t{1}) | (url ? 1 : 0);
}

}  // namespace

bool TermRange::Contains(const std::string& term) const {
  return StartsWith(term, prefix) && term >= from && (to.empty() || term < to);
}

std::vector<TermRange> HexRanges(const std::string& prefix) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::vector<TermRange> ranges;
  for (size_t i = 0; i < kHex.size(); ++i) {
    // The first from the prefix itself, the last to its end.
    TermRange r{prefix, i ? prefix + kHex[i] : prefix, ""};
    if (i + 1 < kHex.size()) r.to = prefix + kHex[i + 1];
    ranges.push_back(std::move(r));
  }
  return ranges;
}

// The outsiders' candidate lists: pairs of (CandidateKey, member id),
// sorted, so that a run of one key is one list. 16 bytes a term, where a
// hash map of lists would cost several times that.
class StoryJoiner::OutsideLists {
 public:
  OutsideLists(const std::vector<StoryJoiner::Outsider>& outsiders,
               Xapian::docid first_id) {
    size_t count = 0;  // Reserved exactly: at 1M, 100 MB of entries.
    for (const auto& o : outsiders) count += o.candidates.size();
    entries_.reserve(count);
    for (size_t i = 0; i < outsiders.size(); ++i)
      for (uint64_t key : outsiders[i].candidates)
        entries_.emplace_back(key, first_id + static_cast<Xapian::docid>(i));
    std::sort(entries_.begin(), entries_.end());
    taken_ = std::make_unique<std::atomic<bool>[]>(entries_.size());
  }

  // The outsiders on the list of `key`; the list is then taken.
  // Thread-safe.
  std::vector<Xapian::docid> Take(uint64_t key) {
    auto begin = std::lower_bound(entries_.begin(), entries_.end(),
                                  std::make_pair(key, Xapian::docid{}));
    std::vector<Xapian::docid> ids;
    for (auto it = begin; it != entries_.end() && it->first == key; ++it)
      ids.push_back(it->second);
    if (!ids.empty())
      taken_[begin - entries_.begin()].store(true, std::memory_order_relaxed);
    return ids;
  }

  // Calls f(key, ids) for each list not taken.
  template <typename F>
  void ForEachLeft(F f) const {
    for (size_t begin = 0, end = 0; begin < entries_.size(); begin = end) {
      std::vector<Xapian::docid> ids;
      for (end = begin; end < entries_.size() &&
                        entries_[end].first == entries_[begin].first;
           ++end)
        ids.push_back(entries_[end].second);
      if (!taken_[begin]) f(entries_[begin].first, std::move(ids));
    }
  }

 private:
  std::vector<std::pair<uint64_t, Xapian::docid>> entries_;
  // At the first entry of each list taken (a byte each: lists are taken
  // on several threads).
  std::unique_ptr<std::atomic<bool>[]> taken_;
};

struct StoryJoiner::Member {
  Xapian::docid id = 0;
  StoryFacts facts;
  std::string key;
  // For its stored title and excerpt; unset: read from the database.
  std::optional<Xapian::Document> doc;

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
    : spec_(*schema.stories()),
      analyzer_options_{schema.stemmer(), schema.stopwords()},
      analyzer_(std::move(analyzer)) {
  for (const FieldSpec& f : schema.fields()) {
    if (f.kind == FieldKind::kDate && f.slot) date_slot_ = f.slot;
    if (f.kind == FieldKind::kUrl && f.filter) url_prefix_ = f.filter_prefix;
  }
}

StoryJoiner::~StoryJoiner() = default;

bool StoryJoiner::IsUrlTerm(const std::string& term) const {
  return !url_prefix_.empty() && StartsWith(term, url_prefix_);
}

bool StoryJoiner::IsCandidateTerm(const std::string& term) const {
  return StartsWith(term, kStoryBandPrefix) ||
         StartsWith(term, kStoryTitlePrefix) || IsUrlTerm(term);
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

// Member ids: a document of `db` has its docid; outsider i has
// db.get_lastdocid() + 1 + i.
struct StoryJoiner::Pool {
  Pool(const Xapian::Database& database, const Outsiders& others)
      : db(database), outsiders(others), last(database.get_lastdocid()) {}

  const Outsider* OutsiderOf(Xapian::docid id) const {
    return id > last ? &outsiders.documents[id - last - 1] : nullptr;
  }

  const Xapian::Database& db;
  const Outsiders& outsiders;
  const Xapian::docid last;
};

// The story texts one thread made: each member's when first needed, kept
// for its other candidate lists until there are more than `keep`.
class StoryJoiner::Texts {
 public:
  // `db` is the thread's reader of pool.db, `analyzer` its own.
  Texts(const Pool& pool, const Xapian::Database& db, Analyzer& analyzer,
        size_t keep)
      : pool_(pool), db_(db), analyzer_(analyzer), keep_(keep) {}

  const StoryText& Of(const Member& m) {
    auto it = made_.find(m.id);
    if (it != made_.end()) return it->second;
    return made_.emplace(m.id, Make(m)).first->second;
  }
  // Between candidate lists (references from Of end here).
  void Trim() {
    if (made_.size() > keep_) made_.clear();
  }

 private:
  StoryText Make(const Member& m) {
    if (const Outsider* o = pool_.OutsiderOf(m.id)) {
      const auto [title, excerpt] = pool_.outsiders.texts(o->text);
      return MakeStoryText(analyzer_, title, excerpt);
    }
    const StoredRecord record =
        ReadStoredRecord(m.doc ? *m.doc : db_.get_document(m.id), false);
    return MakeStoryText(analyzer_, record.title, record.excerpt);
  }

  const Pool& pool_;
  const Xapian::Database& db_;
  Analyzer& analyzer_;
  const size_t keep_;
  std::unordered_map<Xapian::docid, StoryText> made_;
};

bool StoryJoiner::Same(Texts& texts, const Member& a, const Member& b) const {
  const auto by_signature = SameStoryBySignature(a.facts, b.facts, spec_);
  if (by_signature) return *by_signature;
  // Only pairs the signatures cannot tell read the stored texts.
  const StoryText& text_a = texts.Of(a);
  const StoryText& text_b = texts.Of(b);
  return SimilarTexts(text_a, text_b, spec_.similarity);
}

std::optional<StoryJoiner::Outsider> StoryJoiner::MakeOutsider(
    const Xapian::Document& light) const {
  std::optional<Member> m = Load(0, light);
  if (!m) return std::nullopt;
  Outsider o;
  o.facts = m->facts;
  o.key = std::move(m->key);
  std::vector<uint64_t> candidates;
  for (auto t = light.termlist_begin(); t != light.termlist_end(); ++t)
    if (IsCandidateTerm(*t))
      candidates.push_back(CandidateKey(*t, IsUrlTerm(*t)));
  o.candidates.assign(candidates.begin(), candidates.end());  // Exact size.
  return o;
}

void StoryJoiner::SetKey(const std::string& key, Xapian::Document* doc) const {
  const unsigned slot = spec_.slot;
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
  const Outsiders none;
  Pool pool(db, none);
  Texts texts(pool, db, *analyzer_, kKeptTexts);
  std::optional<Member> best;
  std::unordered_set<Xapian::docid> seen;
  for (auto t = doc->termlist_begin(); t != doc->termlist_end(); ++t) {
    const std::string term = *t;
    if (!IsCandidateTerm(term)) continue;
    const bool same_url = IsUrlTerm(term);
    for (Xapian::docid id : Postings(db, term)) {
      if (id == own || !seen.insert(id).second) continue;
      std::optional<Member> other = Load(id, db.get_document(id));
      if (!other || !(same_url || Same(texts, *self, *other))) continue;
      if (!best || *other < *best) best = std::move(other);
    }
  }
  // Its story's key, even when this document is earlier than every copy
  // already indexed (an older article of a site added later, or the first
  // copy changed): those keep their keys, so it takes theirs.
  if (best) SetKey(best->key, doc);
}

std::vector<StoryJoiner::CandidateRange> StoryJoiner::CandidateRanges() const {
  std::vector<CandidateRange> ranges;
  for (const char* prefix : {kStoryBandPrefix, kStoryTitlePrefix})
    for (TermRange& r : HexRanges(prefix))
      ranges.push_back(CandidateRange{std::move(r), false});
  if (!url_prefix_.empty())
    ranges.push_back(CandidateRange{{url_prefix_, url_prefix_, ""}, true});
  return ranges;
}

void StoryJoiner::AddGroups(const Xapian::Database& db,
                            const CandidateRange& range, OutsideLists& outside,
                            std::vector<Group>* groups) {
  const TermRange& terms = range.terms;
  auto t = db.allterms_begin(terms.prefix);
  for (t.skip_to(terms.from);
       t != db.allterms_end(terms.prefix) && terms.Contains(*t); ++t) {
    const std::vector<Xapian::docid> others =
        outside.Take(CandidateKey(*t, range.same_url));
    const size_t size = t.get_termfreq() + others.size();
    if (size < 2 || size > kMaxGroup) continue;
    std::vector<Xapian::docid> ids = Postings(db, *t);
    ids.insert(ids.end(), others.begin(), others.end());
    groups->push_back(Group{std::move(ids), range.same_url});
  }
}

std::vector<StoryJoiner::Group> StoryJoiner::CandidateGroups(
    const Pool& pool, unsigned jobs, const Reopen& reopen) const {
  OutsideLists outside(pool.outsiders.documents, pool.last + 1);
  // Range by range, each on one thread with its own reader; together in
  // the order of the terms, as one thread would list them.
  const std::vector<CandidateRange> ranges = CandidateRanges();
  std::vector<Xapian::Database> readers{pool.db};
  while (reopen && readers.size() < std::min<size_t>(jobs, ranges.size()))
    readers.push_back(reopen());
  std::vector<std::vector<Group>> found(ranges.size());
  ForEachInParallel(ranges.size(), static_cast<unsigned>(readers.size()),
                    [&](size_t i, unsigned thread) {
                      AddGroups(readers[thread], ranges[i], outside, &found[i]);
                    });
  std::vector<Group> groups;
  for (auto& f : found)
    std::move(f.begin(), f.end(), std::back_inserter(groups));
  // Lists of outsiders alone.
  outside.ForEachLeft([&groups](uint64_t key, std::vector<Xapian::docid> ids) {
    if (ids.size() >= 2 && ids.size() <= kMaxGroup)
      groups.push_back(Group{std::move(ids), (key & 1) != 0});
  });
  if (!pool.outsiders.documents.empty())
    KeepLinkedToDatabase(pool.last, &groups);
  return groups;
}

void StoryJoiner::KeepLinkedToDatabase(Xapian::docid last,
                                       std::vector<Group>* groups) {
  // A linked set's root is its lowest id: a database document's if any.
  Components linked;
  for (const Group& g : *groups)
    for (size_t i = 1; i < g.ids.size(); ++i) linked.Join(g.ids[0], g.ids[i]);
  groups->erase(std::remove_if(groups->begin(), groups->end(),
                               [&](const Group& g) {
                                 return linked.Find(g.ids[0]) > last;
                               }),
                groups->end());
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
    const Pool& pool, const std::vector<Group>& groups) const {
  const Xapian::Database& db = pool.db;
  std::vector<Xapian::docid> ids;
  for (const Group& g : groups)
    ids.insert(ids.end(), g.ids.begin(), g.ids.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  SlotReader signatures(db, spec_.signature_slot), dates(db, date_slot_),
      keys(db, spec_.slot);
  std::vector<Member> members;
  for (Xapian::docid id : ids) {
    if (const Outsider* o = pool.OutsiderOf(id)) {
      Member m;
      m.id = id;
      m.facts = o->facts;
      m.key = o->key;
      members.push_back(std::move(m));
    } else if (auto m = MakeMember(id, signatures.At(id), dates.At(id),
                                   keys.At(id))) {
      members.push_back(std::move(*m));
    }
  }
  return members;  // In id order.
}

const StoryJoiner::Member* StoryJoiner::Find(const std::vector<Member>& members,
                                             Xapian::docid id) {
  auto it = std::lower_bound(
      members.begin(), members.end(), id,
      [](const Member& m, Xapian::docid d) { return m.id < d; });
  return it != members.end() && it->id == id ? &*it : nullptr;
}

void StoryJoiner::CompareGroup(const Group& g,
                               const std::vector<Member>& members, Texts& texts,
                               Edges* edges) const {
  std::vector<const Member*> group;
  for (Xapian::docid id : g.ids)
    if (const Member* m = Find(members, id)) group.push_back(m);
  std::sort(group.begin(), group.end(),
            [](const Member* a, const Member* b) { return *a < *b; });
  for (size_t i = 0; i < group.size(); ++i)
    for (size_t j = i + 1; j < group.size() && j <= i + kMaxCompared; ++j)
      if (g.same_url || Same(texts, *group[i], *group[j]))
        edges->emplace_back(group[i]->id, group[j]->id);
  texts.Trim();
}

std::vector<StoryJoiner::Edges> StoryJoiner::CompareGroups(
    const Pool& pool, const std::vector<Group>& groups,
    const std::vector<Member>& members, unsigned jobs,
    const Reopen& reopen) const {
  // Each thread its own reader, analyzer and texts; the copies found, by
  // block of groups, so that they join in the order of the groups.
  const size_t blocks = (groups.size() + kGroupsABlock - 1) / kGroupsABlock;
  if (!reopen || blocks < 2) jobs = 1;
  std::vector<Xapian::Database> readers{pool.db};
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  while (readers.size() < jobs) {
    auto analyzer = Analyzer::Create(analyzer_options_);
    if (!analyzer.ok()) break;  // Made once already: not expected.
    readers.push_back(reopen());
    analyzers.push_back(std::move(*analyzer));
  }
  std::vector<std::unique_ptr<Texts>> texts;
  for (size_t t = 0; t < readers.size(); ++t)
    texts.push_back(std::make_unique<Texts>(
        pool, readers[t], t == 0 ? *analyzer_ : *analyzers[t - 1],
        kKeptTexts / readers.size()));
  std::vector<Edges> found(blocks);
  ForEachInParallel(
      blocks, static_cast<unsigned>(readers.size()),
      [&](size_t block, unsigned thread) {
        const size_t end = std::min(groups.size(), (block + 1) * kGroupsABlock);
        for (size_t g = block * kGroupsABlock; g < end; ++g)
          CompareGroup(groups[g], members, *texts[thread], &found[block]);
      });
  return found;
}

size_t StoryJoiner::JoinAllStories(const Xapian::Database& db,
                                   const Outsiders& outsiders,
                                   const Rewrite& rewrite, unsigned jobs,
                                   const Reopen& reopen) {
  const Pool pool(db, outsiders);
  const std::vector<Group> groups = CandidateGroups(pool, jobs, reopen);
  const std::vector<Member> members = LoadMembers(pool, groups);
  const std::vector<Edges> found =
      CompareGroups(pool, groups, members, jobs, reopen);
  Components components;
  for (const Edges& edges : found)
    for (const auto& [a, b] : edges) components.Join(a, b);
  auto earliest = [](const Member* a, const Member* b) { return *a < *b; };
  // Each story's key: the own key of its earliest copy.
  std::unordered_map<Xapian::docid, std::vector<const Member*>> stories;
  for (const auto& [id, parent] : components.parents())
    stories[components.Find(id)].push_back(Find(members, id));
  size_t rewritten = 0;
  for (auto& [root, copies] : stories) {
    std::sort(copies.begin(), copies.end(), earliest);
    const std::string& key = copies.front()->key;
    for (const Member* m : copies) {
      if (m->key == key || pool.OutsiderOf(m->id)) continue;
      rewrite(m->id, key);
      ++rewritten;
    }
  }
  return rewritten;
}

}  // namespace nsearch::indexer
