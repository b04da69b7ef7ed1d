#include "searcher/shard_set.h"

#include <algorithm>
#include <filesystem>

#include "common/index_layout.h"
#include "common/index_meta.h"

namespace nsearch::searcher {

namespace fs = std::filesystem;

namespace {

// A thread of its own, or, when no thread can be started, the caller's
// (libstdc++ falls back to deferred when both are allowed).
constexpr std::launch kSideBySide = std::launch::async | std::launch::deferred;

Status Unavailable(const std::string& name, const Xapian::Error& e) {
  return ShardUnavailable("shard " + name + " does not answer: " + e.get_msg());
}

}  // namespace

std::string OpenLiveGeneration(
    const std::function<std::string()>& live,
    const std::function<void(const std::string&)>& open) {
  for (int attempt = 1;; ++attempt) {
    const std::string generation = live();
    try {
      open(generation);
      return generation;
    } catch (const Xapian::DatabaseError&) {
      if (attempt == 5 || live() == generation) throw;
    }
  }
}

Result<ShardSet> ShardSet::Open(const std::string& path,
                                const OpenOptions& options) {
  ShardSet set;
  set.options_ = options;
  std::error_code ec;
  const bool file = fs::is_regular_file(path, ec);
  if (!file && !fs::exists(path, ec))
    return IndexMissing("no index at " + path +
                        " (create one with: nsearch index PATH)");
  if (file || HasOtherStub(path)) {
    NSEARCH_ASSIGN_OR_RETURN(
        set.list_,
        ReadShardList(file ? path : (fs::path(path) / kStubFile).string()));
    NSEARCH_RETURN_IF_ERROR(set.OpenList());
  } else {
    // Open the live generation itself (not the stub), so generation() says
    // exactly which one this searcher reads.
    NSEARCH_RETURN_IF_ERROR(
        set.OpenAddress(ShardAddress::Local(path), &set.generation_));
  }
  NSEARCH_RETURN_IF_ERROR(set.CheckSchemas());
  set.Combine();
  return set;
}

Status ShardSet::OpenList() {
  parts_.clear();
  missing_.clear();
  opened_ = std::chrono::steady_clock::now();
  // Each remote shard costs round trips before the first query (the
  // connection, the server's greeting, the stamps CheckSchemas reads): with
  // more than one, they connect side by side, each on a thread of its own.
  const size_t remote = static_cast<size_t>(std::count_if(
      list_.begin(), list_.end(), [](auto& a) { return a.remote(); }));
  const auto policy = remote > 1 ? kSideBySide : std::launch::deferred;
  std::vector<std::future<Connected>> connecting(list_.size());
  for (size_t i = 0; i < list_.size(); ++i)
    if (list_[i].remote())
      connecting[i] = std::async(policy, ConnectRemote, list_[i],
                                 options_.remote_timeout_ms);
  for (size_t i = 0; i < list_.size(); ++i)
    NSEARCH_RETURN_IF_ERROR(OpenAddress(
        list_[i], nullptr, connecting[i].valid() ? &connecting[i] : nullptr));
  if (parts_.empty())
    return ShardUnavailable("no shard answers (" + missing_.front() + ", …)");
  return Status::Ok();
}

ShardSet::Connected ShardSet::ConnectRemote(const ShardAddress& address,
                                            unsigned timeout_ms) {
  Connected out;
  out.db =
      Xapian::Remote::open(address.host, address.port, timeout_ms, timeout_ms);
  try {
    for (const char* key : kSchemaStampKeys)
      out.stamps[key] = out.db.get_metadata(key);
  } catch (const Xapian::Error&) {
    out.stamps.clear();  // Asked again where needed, and reported there.
  }
  return out;
}

std::string ShardSet::MetadataOf(const Part& part, const std::string& key) {
  if (auto it = part.stamps.find(key); it != part.stamps.end())
    return it->second;
  return part.db.get_metadata(key);
}

std::string ShardSet::Metadata(const std::string& key) const {
  return parts_.empty() ? db_.get_metadata(key) : MetadataOf(parts_[0], key);
}

Status ShardSet::OpenAddress(const ShardAddress& address,
                             std::string* generation,
                             std::future<Connected>* connecting) {
  const std::string name = address.Name();
  const size_t before = parts_.size();
  try {
    if (address.remote()) {
      Connected c = connecting
                        ? connecting->get()
                        : ConnectRemote(address, options_.remote_timeout_ms);
      parts_.push_back({name, true, std::move(c.db), std::move(c.stamps)});
      return Status::Ok();
    }
    if (!fs::exists(address.path))
      return IndexMissing("no index at " + address.path +
                          " (create one with: nsearch index PATH)");
    OpenLocal(address.path, generation);
  } catch (const Xapian::NetworkError& e) {
    if (!options_.allow_partial) return Unavailable(name, e);
    missing_.push_back(name);
  } catch (const Xapian::DatabaseNotFoundError&) {
    parts_.resize(before);
    const std::string live = LiveGeneration(address.path);
    if (!live.empty() && !fs::exists(live))
      return IndexMissing("no index at " + address.path +
                          " (create one with: nsearch index PATH)");
    return Corruption("not an nsearch index: " + address.path +
                      " holds no index");
  } catch (const Xapian::Error& e) {
    parts_.resize(before);
    return StatusFromXapian(e, name);
  }
  return Status::Ok();
}

void ShardSet::OpenLocal(const std::string& path, std::string* generation) {
  const size_t before = parts_.size();
  const std::string opened = OpenLiveGeneration(
      [&] { return LiveGeneration(path); },
      [&](const std::string& live) {
        parts_.resize(before);  // Those of a try that failed.
        const std::string folder = live.empty() ? path : live;
        const unsigned n = live.empty() ? 1 : ShardCount(live);
        for (unsigned k = 0; k < n; ++k) {
          const std::string shard = n == 1 ? folder : ShardPath(live, k, n);
          parts_.push_back({shard, false, Xapian::Database(shard), {}});
        }
      });
  if (generation) *generation = opened;
}

Status ShardSet::CheckSchemas() const {
  if (parts_.size() < 2 || list_.empty()) return Status::Ok();
  try {
    // The stamps that must agree for the shards' terms and ranking to be
    // one index's (read as a remote shard connected, or asked now).
    const auto stamps = [](const Part& part) {
      return std::vector<std::string>{MetadataOf(part, kMetaFormat),
                                      MetadataOf(part, kMetaAnalyzer),
                                      MetadataOf(part, kMetaSchemaHash)};
    };
    const auto first = stamps(parts_[0]);
    for (const Part& part : parts_) {
      if (&part == &parts_[0]) continue;
      if (stamps(part) != first)
        return SchemaMismatch("shard " + part.name +
                              " was built by another schema, format or "
                              "analyzer than " +
                              parts_[0].name);
    }
  } catch (const Xapian::NetworkError& e) {
    return ShardUnavailable("a shard does not answer: " + e.get_msg());
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, parts_[0].name);
  }
  return Status::Ok();
}

void ShardSet::Combine() {
  db_ = Xapian::Database();
  for (const Part& part : parts_) db_.add_database(part.db);
}

bool ShardSet::has_remote() const {
  return std::any_of(parts_.begin(), parts_.end(),
                     [](const Part& p) { return p.remote; });
}

void ShardSet::OnParts(const std::vector<bool>& wanted,
                       const std::function<void(size_t)>& work) const {
  size_t remote = 0;
  for (size_t k = 0; k < parts_.size(); ++k)
    remote += wanted[k] && parts_[k].remote;
  std::vector<std::future<void>> running;
  for (size_t k = 0; k < parts_.size(); ++k) {
    if (!wanted[k]) continue;
    if (parts_[k].remote && remote > 1)
      running.push_back(std::async(kSideBySide, work, k));
    else
      work(k);
  }
  for (auto& r : running) r.get();  // Rethrows a shard's error.
}

std::vector<Xapian::Document> ShardSet::Documents(
    const std::vector<Xapian::docid>& docids) const {
  std::vector<Xapian::Document> out(docids.size());
  const size_t n = parts_.size();
  // Xapian interleaves the shards' docids: shard (id - 1) % n holds id as
  // its (id - 1) / n + 1.
  std::vector<std::vector<size_t>> of(n);
  std::vector<bool> wanted(n, false);
  for (size_t i = 0; i < docids.size(); ++i) {
    of[(docids[i] - 1) % n].push_back(i);
    wanted[(docids[i] - 1) % n] = true;
  }
  OnParts(wanted, [&](size_t k) {
    for (size_t i : of[k])
      out[i] = parts_[k].db.get_document(
          static_cast<Xapian::docid>((docids[i] - 1) / n + 1));
  });
  return out;
}

std::pair<std::string, std::string> ShardSet::SlotBounds(
    Xapian::valueno slot) const {
  std::vector<std::pair<std::string, std::string>> of(parts_.size());
  OnParts(std::vector<bool>(parts_.size(), true), [&](size_t k) {
    of[k] = {parts_[k].db.get_value_lower_bound(slot),
             parts_[k].db.get_value_upper_bound(slot)};
  });
  // Sortable values order as strings; a shard without values has "".
  std::pair<std::string, std::string> bounds;
  for (const auto& [lower, upper] : of) {
    if (lower.empty()) continue;
    if (bounds.first.empty() || lower < bounds.first) bounds.first = lower;
    if (upper > bounds.second) bounds.second = upper;
  }
  return bounds;
}

uint64_t ShardSet::Revision() {
  if (parts_.size() == 1 && !parts_[0].remote) return db_.get_revision();
  uint64_t sum = 0;
  for (Part& part : parts_) {
    if (part.remote) continue;
    part.db.reopen();
    sum += part.db.get_revision();
  }
  return sum;
}

Status ShardSet::Reopen() {
  const bool stale =
      has_remote() && std::chrono::steady_clock::now() - opened_ >
                          std::chrono::seconds(kRemoteRefreshSeconds);
  if (!list_.empty() && (!missing_.empty() || stale)) {
    // Try the shards left out again (and every other one afresh).
    NSEARCH_RETURN_IF_ERROR(OpenList());
    NSEARCH_RETURN_IF_ERROR(CheckSchemas());
    Combine();
    return Status::Ok();
  }
  try {
    db_.reopen();
  } catch (const Xapian::NetworkError& e) {
    if (list_.empty()) return Unavailable(parts_[0].name, e);
    NSEARCH_RETURN_IF_ERROR(OpenList());
    NSEARCH_RETURN_IF_ERROR(CheckSchemas());
    Combine();
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, parts_.empty() ? "" : parts_[0].name);
  }
  return Status::Ok();
}

Status ShardSet::DropUnavailable(const Xapian::Error& error) {
  std::vector<size_t> dead;
  Status first;
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (!parts_[i].remote) continue;
    try {
      parts_[i].db.keep_alive();
    } catch (const Xapian::Error& e) {
      if (first.ok()) first = Unavailable(parts_[i].name, e);
      dead.push_back(i);
    }
  }
  if (dead.empty())
    return ShardUnavailable("a shard does not answer: " + error.get_msg());
  if (!options_.allow_partial || dead.size() == parts_.size()) return first;
  for (auto it = dead.rbegin(); it != dead.rend(); ++it) {
    missing_.push_back(parts_[*it].name);
    parts_.erase(parts_.begin() + static_cast<std::ptrdiff_t>(*it));
  }
  Combine();
  return Status::Ok();
}

}  // namespace nsearch::searcher
