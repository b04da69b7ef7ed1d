// Story keys (README "Stories"): copies of one story share the key in the
// schema's story slot (and a kStoryKeyPrefix term, to list a story's
// copies). Each document starts with its own key (DocumentBuilder); these
// join copies:
//  - after a full build, JoinAllStories joins every pair of copies in the
//    build's parts (read as one database, before they are merged); a
//    story's key is the own key of its earliest copy;
//  - in an incremental run, AssignStory gives a new or changed document the
//    key of the earliest story it is a copy of, before it is written.
// Keys are sticky: no later run re-keys a document it does not change, so
// deleting a story's first copy leaves the others together.
//
// Candidates come from posting lists (MinHash bands, the same title, the
// same URL). An incremental run reads only the lists of the documents it
// writes. A full build reads every list of 2 to 1,000 documents and keeps,
// for each document on one, its signature, date and key (about 200 bytes),
// read slot by slot in docid order; its comparisons run on the build's
// threads, group by group. A `--shard K/N` build joins its own
// shard's database with the other shards' documents held in memory
// (Outsider; their titles and excerpts in a scratch file): the same lists,
// the same keys as one index of the tree.

#ifndef NSEARCH_INDEXER_STORIES_H_
#define NSEARCH_INDEXER_STORIES_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/schema.h"
#include "common/story.h"

namespace nsearch::indexer {

// The terms of `prefix` from `from` up to `to` (excluded; empty: up to its
// last term).
struct TermRange {
  std::string prefix, from, to;
  bool Contains(const std::string& term) const;
};

// The terms of `prefix` in 16 ranges, by the character that follows it (a
// hexadecimal digit in the story terms, which end in a hash), in term
// order: each term of the prefix is in exactly one.
std::vector<TermRange> HexRanges(const std::string& prefix);

class StoryJoiner {
 public:
  // REQUIRES: schema.stories(); `schema` outlives the joiner; `analyzer`
  // was made with the schema's stemmer and stopwords.
  StoryJoiner(const Schema& schema, std::unique_ptr<Analyzer> analyzer);
  ~StoryJoiner();

  // Gives `doc` (to be written under `id_term`) the key of the earliest
  // story in `db` it is a copy of; leaves its own key when there is none.
  void AssignStory(const Xapian::Database& db, const std::string& id_term,
                   Xapian::Document* doc);

  // What JoinAllStories tells of a document whose key changed: its docid
  // in the database it read, and its new key (to store with SetKey).
  using Rewrite = std::function<void(Xapian::docid, const std::string& key)>;

  // Gives `doc` the story `key` (its slot and its kStoryKeyPrefix term).
  // Thread-safe. Costly: changing a term makes Xapian load the document's
  // every term and position.
  void SetKey(const std::string& key, Xapian::Document* doc) const;

  // A document of the tree that the join reads but that is not in the
  // database it joins (another shard's, in an `index --shard K/N` build):
  // what the join needs of it, about 350 bytes; its title and excerpt are
  // kept elsewhere (Outsiders::texts).
  struct Outsider {
    StoryFacts facts;
    std::string key;
    std::vector<uint64_t> candidates;  // Hashes of its candidate terms.
    uint64_t text = 0;  // Where its title and excerpt are (Outsiders::texts).
  };
  // The outsider of a light document (DocumentBuilder::Build), its `text`
  // unset, or nullopt when it has no story signature. Thread-safe.
  std::optional<Outsider> MakeOutsider(const Xapian::Document& light) const;

  // The outsiders of a join, and where their titles and excerpts are.
  struct Outsiders {
    std::vector<Outsider> documents;
    // The (title, excerpt) of Outsider::text; read only for the pairs
    // whose signatures cannot tell. Thread-safe. Set when there are
    // documents.
    std::function<std::pair<std::string, std::string>(uint64_t text)> texts;
  };

  // Opens another reader of the database being joined, for a thread of
  // its own (a Xapian::Database is not shared between threads).
  using Reopen = std::function<Xapian::Database()>;

  // Joins the copies of every story in `db` (one database, or several
  // read as one) and `outsiders` together, comparing candidates on up to
  // `jobs` threads (the others read texts through `reopen`'s readers);
  // tells `rewrite` only of documents of `db` whose key changed, in the
  // same order whatever the threads. Returns how many there were.
  size_t JoinAllStories(const Xapian::Database& db, const Outsiders& outsiders,
                        const Rewrite& rewrite, unsigned jobs = 1,
                        const Reopen& reopen = {});

 private:
  struct Member;
  // A candidate list: documents that may be copies of one story.
  struct Group {
    std::vector<Xapian::docid> ids;
    bool same_url = false;  // Copies without comparing them.
  };
  class SlotReader;
  class OutsideLists;  // The outsiders' candidate lists.
  struct Pool;  // What one JoinAllStories reads: a database and outsiders.
  class Texts;  // Story texts made for Same, on one thread.
  using Edges = std::vector<std::pair<Xapian::docid, Xapian::docid>>;

  std::optional<Member> MakeMember(Xapian::docid id,
                                   const std::string& signature,
                                   const std::string& date,
                                   std::string key) const;
  std::optional<Member> Load(Xapian::docid id,
                             const Xapian::Document& doc) const;
  // Candidate terms, of a URL (same_url) or not.
  struct CandidateRange {
    TermRange terms;
    bool same_url = false;
  };
  // Every candidate term, in ranges in term order (HexRanges for the
  // bands and titles), so that threads can read their lists.
  std::vector<CandidateRange> CandidateRanges() const;
  // The candidate lists of `range` in `db`, with the outsiders that
  // `outside` has on each (taken from it), appended to `groups`.
  static void AddGroups(const Xapian::Database& db, const CandidateRange& range,
                        OutsideLists& outside, std::vector<Group>* groups);
  // Every candidate list of the pool, in term order (the database's, then
  // those of outsiders alone), on up to `jobs` threads (readers from
  // `reopen`, if any).
  std::vector<Group> CandidateGroups(const Pool& pool, unsigned jobs,
                                     const Reopen& reopen) const;
  // Keeps the groups linked, group by group, to a document of the
  // database (an id up to `last`): a link of outsiders alone changes no
  // key it stores.
  static void KeepLinkedToDatabase(Xapian::docid last,
                                   std::vector<Group>* groups);
  // The member `id` of `members` (in id order), or null.
  static const Member* Find(const std::vector<Member>& members,
                            Xapian::docid id);
  // The members of `groups`, in id order.
  std::vector<Member> LoadMembers(const Pool& pool,
                                  const std::vector<Group>& groups) const;
  // Whether a and b are copies; reads their texts when their signatures
  // cannot tell.
  bool Same(Texts& texts, const Member& a, const Member& b) const;
  // The copies among the members of `groups`, on up to `jobs` threads:
  // the pairs of each block of kGroupsABlock groups, in group order.
  std::vector<Edges> CompareGroups(const Pool& pool,
                                   const std::vector<Group>& groups,
                                   const std::vector<Member>& members,
                                   unsigned jobs, const Reopen& reopen) const;
  // The copies among the members of `group` (each document with up to
  // kMaxCompared later ones), appended to `edges`.
  void CompareGroup(const Group& group, const std::vector<Member>& members,
                    Texts& texts, Edges* edges) const;
  // Whether `term` names candidates: a MinHash band, a title or a URL.
  bool IsCandidateTerm(const std::string& term) const;
  bool IsUrlTerm(const std::string& term) const;

  const StorySpec& spec_;
  AnalyzerOptions analyzer_options_;  // Of analyzer_ (the schema's).
  std::unique_ptr<Analyzer> analyzer_;
  std::optional<unsigned> date_slot_;
  std::string url_prefix_;  // The URL filter field's prefix; empty if none.
};

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_STORIES_H_
