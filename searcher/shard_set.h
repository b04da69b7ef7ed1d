// The databases a Searcher reads (README "Shards", docs/SCALING.md): one
// nsearch index (its live generation, whole or in shards), or the shards of
// a shard list (common/shard_list.h), local and remote, opened as one Xapian
// database, which merges them with global statistics.
//
// A remote shard that does not answer is reported by name
// (kShardUnavailable); with `allow_partial` it is left out and named in
// missing(), and tried again on the next Reopen().

#ifndef NSEARCH_SEARCHER_SHARD_SET_H_
#define NSEARCH_SEARCHER_SHARD_SET_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "common/shard_list.h"
#include "common/status.h"

namespace nsearch::searcher {

struct OpenOptions {
  // Search the shards that answer when others do not.
  bool allow_partial = false;
  // How long a remote shard may take to connect and to answer.
  unsigned remote_timeout_ms = 10000;
};

// Opens the generation that `live` names (an index folder's live
// generation, read again for each try) with `open`, and returns it. A
// rebuild can swap in a newer generation and remove this one (it keeps
// only the live and the previous one) between the read and the open: when
// `open` throws a Xapian::DatabaseError and `live` then names another
// generation, that one is opened instead (at most 5 tries); otherwise the
// error propagates.
std::string OpenLiveGeneration(
    const std::function<std::string()>& live,
    const std::function<void(const std::string&)>& open);

class ShardSet {
 public:
  // Opens `path`: an index folder, a shard list file, or a folder whose
  // XAPIANDB stub is a shard list.
  //   kIndexMissing      nothing there (or a listed local shard is missing)
  //   kInvalidArgument   a bad shard list
  //   kShardUnavailable  a remote shard does not answer (every one, with
  //                      allow_partial)
  //   kSchemaMismatch    shards built by different schemas
  //   others as StatusFromXapian
  static Result<ShardSet> Open(const std::string& path,
                               const OpenOptions& options);

  // Every shard that answers, as one database.
  Xapian::Database& db() { return db_; }
  // The live generation opened ("" for a shard list or a plain database).
  const std::string& generation() const { return generation_; }
  bool has_remote() const;
  // The shards searched (a whole index counts 1).
  size_t size() const { return parts_.size(); }
  // The shards left out (allow_partial), by ShardAddress::Name.
  const std::vector<std::string>& missing() const { return missing_; }

  // The metadata `key` of the first shard, as db().get_metadata gives it;
  // a remote shard's schema stamps come from what it sent as it connected.
  // Throws Xapian::Error.
  std::string Metadata(const std::string& key) const;

  // The documents of `docids` (of db()), in their order. Remote shards are
  // read side by side, a thread each: Xapian 1.4 reads a remote document
  // in a round trip of its own. Throws Xapian::Error.
  std::vector<Xapian::Document> Documents(
      const std::vector<Xapian::docid>& docids) const;
  // The lowest and highest value of `slot` in db() (sortable strings, ""
  // when no document has one), asking remote shards side by side. Throws
  // Xapian::Error.
  std::pair<std::string, std::string> SlotBounds(Xapian::valueno slot) const;

  // The sum of the local shards' revisions: it grows with every commit to
  // any of them (remote shards do not tell theirs).
  uint64_t Revision();
  // Moves every shard to its newest commit; reconnects remote shards that
  // failed or were left out, and every kRemoteRefreshSeconds the others
  // (a server's connection keeps the generation it opened: reconnecting
  // sees a shard's --rebuild).
  Status Reopen();
  static constexpr int kRemoteRefreshSeconds = 60;
  // After `error` (a Xapian::NetworkError) in a search: finds the remote
  // shards that no longer answer. With allow_partial, leaves them out and
  // returns OK (search again); else kShardUnavailable naming them.
  Status DropUnavailable(const Xapian::Error& error);

 private:
  struct Part {
    std::string name;  // ShardAddress::Name, or the shard's folder.
    bool remote = false;
    Xapian::Database db;
    // Its schema stamps (kSchemaStampKeys) as read when it connected (a
    // remote shard, on its own thread); empty when not read.
    std::map<std::string, std::string> stamps;
  };
  // A remote shard connected and its stamps read (ConnectRemote).
  struct Connected {
    Xapian::Database db;
    std::map<std::string, std::string> stamps;
  };
  // Opens the parts of `list_` (every listed shard; a listed index folder
  // gives each of its shards).
  Status OpenList();
  // Opens one listed shard; for a local index folder, sets `generation`
  // (if given) to the live generation opened.
  // `connecting` is the connection of a remote `address` under way
  // (OpenList), or null to connect here.
  Status OpenAddress(const ShardAddress& address,
                     std::string* generation = nullptr,
                     std::future<Connected>* connecting = nullptr);
  // Connects to the remote shard `address` and reads its stamps; throws
  // what Xapian::Remote::open throws.
  static Connected ConnectRemote(const ShardAddress& address,
                                 unsigned timeout_ms);
  // A part's metadata `key`: from its stamps if they hold it. Throws
  // Xapian::Error.
  static std::string MetadataOf(const Part& part, const std::string& key);
  // Adds the shards of the live generation of the local index folder
  // `path` (itself when it has none) and sets `generation` (if given) to
  // it. Throws Xapian::Error.
  void OpenLocal(const std::string& path, std::string* generation);
  // Runs `work(k)` for each part k that is `wanted`: remote parts on
  // threads of their own when there are several, the others here. Throws
  // the first error of a part.
  void OnParts(const std::vector<bool>& wanted,
               const std::function<void(size_t)>& work) const;
  // Checks that every part carries the first one's schema.
  Status CheckSchemas() const;
  void Combine();

  OpenOptions options_;
  std::vector<ShardAddress> list_;  // Empty unless opened from a list.
  std::string generation_;
  std::vector<Part> parts_;
  std::vector<std::string> missing_;
  Xapian::Database db_;
  std::chrono::steady_clock::time_point opened_;  // Of the list's shards.
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_SHARD_SET_H_
