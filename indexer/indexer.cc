#include "indexer/indexer.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <iostream>
#include <iterator>
#include <malloc.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/front_matter.h"
#include "common/hash.h"
#include "common/index_layout.h"
#include "common/index_meta.h"
#include "indexer/chunk_queue.h"
#include "indexer/document_builder.h"
#include "indexer/parallel.h"
#include "indexer/scratch_texts.h"
#include "indexer/shard_writers.h"
#include "indexer/stories.h"
#include "indexer/walker.h"

namespace nsearch::indexer {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

enum class Action { kAdded, kUpdated, kUnchanged, kRejected };

// The names of the actions in IndexSummary::actions, in Action's order.
constexpr const char* kActionNames[] = {"added", "updated", "unchanged",
                                        "rejected"};
static_assert(std::size(kActionNames) ==
              static_cast<size_t>(Action::kRejected) + 1);

const char* ActionName(Action a) {
  return kActionNames[static_cast<size_t>(a)];
}

// What a worker decided about one file.
struct Parsed {
  size_t index = 0;  // Position in the file list.
  Action action = Action::kAdded;
  std::optional<Xapian::Document> doc;
  // Of a light document (another machine's shard): what the story join
  // compares when the signatures cannot tell.
  std::string title, excerpt;
  std::string id;  // The document id (DocumentIdForPath).
  std::string id_term;
  std::optional<RejectedFile> rejected;
  std::vector<FileWarning> warnings;
  // A touched but unchanged file: its document, to store the new file
  // state in (so that later runs skip it without reading it).
  Xapian::docid restamp = 0;
  std::string new_state;
};

// The stored state of the live index, by path hash.
struct StoredState {
  FileState state;
  Xapian::docid docid = 0;
};
using StateMap = std::unordered_map<uint64_t, StoredState>;

// (folder, reason) of each folder the walk could not read.
using FolderProblems = std::vector<std::pair<std::string, std::string>>;

bool Stopped(const IndexOptions& options) {
  return options.stop != nullptr && options.stop->load() != 0;
}

Result<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return IOError(std::string("cannot open: ") + std::strerror(errno));
  std::string data;
  struct stat st;
  // One byte more than the file: the read that finds its end needs room,
  // or the buffer would double (zeroed, the file copied) just for it.
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    data.resize(static_cast<size_t>(st.st_size) + 1);
  size_t have = 0;
  while (true) {
    if (have == data.size())
      data.resize(std::max<size_t>(4096, data.size() * 2));
    const ssize_t n = ::read(fd, data.data() + have, data.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = std::strerror(errno);
      ::close(fd);
      return IOError("cannot read: " + err);
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(have);
  return data;
}

// Reads, compares with the stored state, parses and builds one file.
Parsed ProcessFile(const SourceFile& listed, size_t index, const Schema& schema,
                   const StateMap* stored, DocumentBuilder& builder,
                   bool light = false) {
  Parsed out;
  out.index = index;
  out.id = DocumentIdForPath(listed.path);
  out.id_term = DocumentBuilder::IdTerm(out.id);
  const StoredState* known = nullptr;
  if (stored) {
    auto it = stored->find(Fnv1a64(listed.path));
    if (it != stored->end()) known = &it->second;
  }
  const uint32_t root_hash = RootHash(listed.root);
  if (known && known->state.size == listed.size &&
      known->state.mtime_ns == listed.mtime_ns &&
      known->state.root_hash == root_hash) {
    out.action = Action::kUnchanged;
    return out;
  }
  SourceFile file = listed;
  auto bytes = ReadFile(file.path);
  if (!bytes.ok()) {
    out.action = Action::kRejected;
    out.rejected = RejectedFile{file.path, bytes.error().message(), 0, 0, {}};
    return out;
  }
  file.content_hash = HashBytes64(*bytes);
  // Touched but not changed (a checkout, a copy): nothing to do.
  if (known && known->state.content_hash == file.content_hash &&
      known->state.root_hash == root_hash) {
    out.action = Action::kUnchanged;
    FileState state = known->state;
    state.size = file.size;
    state.mtime_ns = file.mtime_ns;
    out.restamp = known->docid;
    out.new_state = state.Serialise();
    return out;
  }
  // A light document (another machine's shard) keeps what stories read.
  ParseOptions parse_options;
  parse_options.body = !light;
  ParseOutcome parsed = ParseDocument(*bytes, schema, parse_options);
  if (!parsed.ok()) {
    const Rejection& r = *parsed.rejection;
    out.action = Action::kRejected;
    out.rejected =
        RejectedFile{file.path, r.ToString(), r.line, r.column, r.field};
    return out;
  }
  for (const FieldWarning& w : parsed.doc.warnings)
    out.warnings.push_back({file.path, w.field, w.line, w.reason});
  out.action = known ? Action::kUpdated : Action::kAdded;
  out.doc = builder.Build(parsed.doc, file, light);
  if (light) {
    out.title = std::move(parsed.doc.title);
    out.excerpt = std::move(parsed.doc.excerpt);
  }
  return out;
}

// Hands parsed files to the single writer in file-list order, so document
// ids (and so tie order in results) are the same on every run whatever the
// thread timing. Workers may run at most `window` files ahead of the writer,
// which bounds memory whatever the corpus size.
class OrderedQueue {
 public:
  explicit OrderedQueue(size_t window) : window_(window) {}

  // Blocks until file `index` is within the window.
  void WaitForTurn(size_t index) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return index < next_ + window_; });
  }

  void Push(Parsed item) {
    std::lock_guard<std::mutex> lock(mu_);
    const size_t index = item.index;
    pending_.emplace(index, std::move(item));
    if (index == next_) ready_.notify_one();
  }

  // The item for the next file in order; nullopt after the last one.
  std::optional<Parsed> Pop(size_t total) {
    std::unique_lock<std::mutex> lock(mu_);
    if (next_ >= total) return std::nullopt;
    ready_.wait(lock, [&] { return pending_.count(next_) > 0; });
    auto it = pending_.find(next_);
    Parsed item = std::move(it->second);
    pending_.erase(it);
    ++next_;
    room_.notify_all();
    return item;
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::map<size_t, Parsed> pending_;
  size_t next_ = 0;
  size_t window_;
};

// Progress on stderr: files done, docs/s, ETA. Thread-compatible: call
// Tick from one thread.
class Progress {
 public:
  Progress(ProgressMode mode, size_t total) : mode_(mode), total_(total) {}
  // A streaming build learns the total as its walk goes.
  void set_total(size_t total) { total_ = total; }

  void Tick(size_t done, bool last = false) {
    if (mode_ == ProgressMode::kNone) return;
    const auto now = Clock::now();
    const auto interval = mode_ == ProgressMode::kTerminal
                              ? std::chrono::milliseconds(200)
                              : std::chrono::milliseconds(5000);
    if (!last && printed_ && now - last_print_ < interval) return;
    printed_ = true;
    last_print_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? done / secs : 0;
    const double eta = rate > 0 && total_ > done ? (total_ - done) / rate : 0;
    char line[160];
    std::snprintf(line, sizeof line,
                  "indexing: %zu/%zu files, %.0f files/s, ETA %.0f s", done,
                  total_, rate, eta);
    if (mode_ == ProgressMode::kTerminal) {
      std::cerr << "\r\x1b[K" << line << (last ? "\n" : "") << std::flush;
    } else {
      std::cerr << "nsearch: " << line << "\n" << std::flush;
    }
  }

 private:
  ProgressMode mode_;
  size_t total_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_print_;
  bool printed_ = false;
};

void Record(Parsed& item, IndexSummary* summary, bool dry_run,
            const std::string& path) {
  for (auto& w : item.warnings) summary->warnings.push_back(std::move(w));
  switch (item.action) {
    case Action::kAdded:
      ++summary->added;
      break;
    case Action::kUpdated:
      ++summary->updated;
      break;
    case Action::kUnchanged:
      ++summary->unchanged;
      break;
    case Action::kRejected:
      ++summary->rejected;
      summary->rejected_files.push_back(std::move(*item.rejected));
      break;
  }
  if (dry_run) summary->actions.emplace_back(path, ActionName(item.action));
}

Result<Schema> ChooseSchema(const IndexOptions& options) {
  if (options.schema_path.empty()) return Schema::Parse(Schema::DefaultText());
  return Schema::LoadFile(options.schema_path);
}

std::string NowIso() {
  const auto now = std::chrono::system_clock::now();
  return FormatIsoTime(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count());
}

unsigned JobCount(const IndexOptions& options) {
  return options.jobs ? options.jobs : std::min(UsableCores(), kMaxJobs);
}

Result<std::vector<std::unique_ptr<DocumentBuilder>>> MakeBuilders(
    const Schema& schema, unsigned n) {
  std::vector<std::unique_ptr<DocumentBuilder>> builders;
  for (unsigned j = 0; j < n; ++j) {
    NSEARCH_ASSIGN_OR_RETURN(
        auto analyzer,
        Analyzer::Create({schema.stemmer(), schema.stopwords()}));
    builders.push_back(
        std::make_unique<DocumentBuilder>(schema, std::move(analyzer)));
  }
  return builders;
}

// The story joiner of `schema`, or null when it has no stories.
Result<std::unique_ptr<StoryJoiner>> MakeJoiner(const Schema& schema) {
  if (!schema.stories()) return std::unique_ptr<StoryJoiner>();
  NSEARCH_ASSIGN_OR_RETURN(
      auto analyzer, Analyzer::Create({schema.stemmer(), schema.stopwords()}));
  return std::make_unique<StoryJoiner>(schema, std::move(analyzer));
}

// Checks that an existing generation was built by `schema`.
Status CheckSchema(const Xapian::Database& db, const Schema& schema,
                   const std::string& index_path) {
  if (db.get_doccount() == 0 && db.get_metadata(kMetaFormat).empty())
    return Status::Ok();
  auto existing = ReadIndexSchema(db);
  if (!existing.ok()) return existing.error().WithContext(index_path);
  if (existing->hash() != schema.hash())
    return SchemaMismatch(
        "index " + index_path + " was built with schema " + existing->name() +
        " v" + std::to_string(existing->version()) + " (" + existing->hash() +
        "), not " + schema.name() + " v" + std::to_string(schema.version()) +
        " (" + schema.hash() +
        "); rebuild it with --rebuild or index into a new folder");
  return Status::Ok();
}

StateMap ReadState(const Xapian::Database& db) {
  StateMap state;
  state.reserve(db.get_doccount());
  for (auto v = db.valuestream_begin(kStateSlot);
       v != db.valuestream_end(kStateSlot); ++v) {
    StoredState s;
    if (!s.state.Parse(*v)) continue;
    s.docid = v.get_docid();
    state[s.state.path_hash] = s;
  }
  return state;
}

// Lists the files of a full build into `queue`, in path order. Folder roots
// are walked as a stream (memory holds the queue's few chunks, not the
// whole list); roots that are files, or nest, are listed whole (FileList
// sorts and de-duplicates them). The caller closes the queue.
Status ListChunks(const IndexOptions& options, ChunkQueue* queue,
                  std::atomic<size_t>* total, FolderProblems* problems) {
  if (!CanStream(options.roots)) {
    NSEARCH_ASSIGN_OR_RETURN(FileList list,
                             ListContentFiles(options.roots, problems));
    *total = list.size();
    for (size_t i = 0; i < list.size(); ++i)
      if (!queue->Push(list[i])) break;
    return Status::Ok();
  }
  return StreamContentFiles(options.roots, problems, [&](SourceFile&& file) {
    if (Stopped(options)) return false;
    ++*total;
    return queue->Push(std::move(file));
  });
}

using PartPath = std::function<std::string(size_t, unsigned)>;

// The parts of shard `k`, in file order. A stop (signal) may leave the last
// chunks unstarted: they have no part.
std::vector<std::string> PartsOf(const PartPath& part_path, size_t chunks,
                                 unsigned k) {
  std::vector<std::string> parts;
  for (size_t c = 0; c < chunks; ++c)
    if (fs::exists(part_path(c, k))) parts.push_back(part_path(c, k));
  return parts;
}

// `parts` read as one database: docids interleave over them, as over
// shards (ShardOfDocid, LocalDocid).
Xapian::Database OpenAsOne(const std::vector<std::string>& parts) {
  Xapian::Database all;
  for (const auto& p : parts) all.add_database(Xapian::Database(p));
  return all;
}

// Compacts `parts` into `target` (an empty database when there are none)
// and removes them.
void CompactParts(const std::vector<std::string>& parts,
                  const std::string& target) {
  Xapian::Database all = OpenAsOne(parts);
  if (!parts.empty())
    all.compact(target);
  else
    Xapian::WritableDatabase(target, Xapian::DB_CREATE_OR_OVERWRITE).commit();
  for (const auto& p : parts) fs::remove_all(p);
}

// Moves the files of database `folder` up into `generation`.
void MoveUp(const std::string& folder, const std::string& generation) {
  for (const auto& entry : fs::directory_iterator(folder))
    fs::rename(entry.path(), fs::path(generation) / entry.path().filename());
  fs::remove(folder);
}

// Story keys the join changed, by part: (the document's docid in its
// part, its new key).
using KeyChanges =
    std::vector<std::vector<std::pair<Xapian::docid, std::string>>>;

// Joins the stories of `parts`, read as one database, with `outsiders`
// (the other shards' documents of a `--shard K/N` build, or none), its
// comparisons on `jobs` threads. Before compaction: a changed key is then
// stored in a small scratch part, parts side by side (StoreKeys). The join
// does not depend on docid order (indexer/stories.h), so the keys are those
// of the compacted index.
KeyChanges JoinParts(StoryJoiner& joiner, const std::vector<std::string>& parts,
                     const StoryJoiner::Outsiders& outsiders, unsigned jobs) {
  KeyChanges changes(parts.size());
  const auto n = static_cast<unsigned>(parts.size());
  joiner.JoinAllStories(
      OpenAsOne(parts), outsiders,
      [&](Xapian::docid id, const std::string& key) {
        changes[ShardOfDocid(id, n)].emplace_back(LocalDocid(id, n), key);
      },
      jobs, [&] { return OpenAsOne(parts); });
  return changes;
}

// Runs `write`, a change to a scratch part. A part is opened with
// DB_DANGEROUS, so Xapian cannot roll back a write that failed: it
// reports that instead (cancel() is not supported, or a failed rollback)
// and loses the cause. The failed system call's errno, which nothing
// after it changed, still names it: a full disk, a file size limit.
// Throws Xapian::Error.
template <typename Write>
void WriteScratch(Write&& write) {
  errno = 0;
  try {
    write();
  } catch (const Xapian::Error& e) {
    const int cause = errno;
    if (e.get_error_string() != nullptr || !IsRuntimeSystemError(cause)) throw;
    throw Xapian::DatabaseError("a write failed", cause);
  }
}

// Stores `changes` in their parts, up to `jobs` parts at a time: a key is
// a term, and changing one makes Xapian load the document's every term and
// position (0.8 ms a document, 7,000 documents at 100k). Throws
// Xapian::Error.
void StoreKeys(const StoryJoiner& joiner, const std::vector<std::string>& parts,
               const KeyChanges& changes, unsigned jobs) {
  ForEachInParallel(parts.size(), jobs, [&](size_t i, unsigned) {
    if (changes[i].empty()) return;
    Xapian::WritableDatabase part(
        parts[i], Xapian::DB_OPEN | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS);
    for (const auto& [docid, key] : changes[i]) {
      Xapian::Document doc = part.get_document(docid);
      joiner.SetKey(key, &doc);
      WriteScratch([&] { part.replace_document(docid, doc); });
    }
    WriteScratch([&] { part.commit(); });
  });
}

// Joins the stories of the parts of each of the `shards` shards, merges
// them into the shard's folder of `generation` (one shard is the
// generation itself; shards side by side, up to `jobs` at a time) and
// stamps them.
Status MergeParts(const Schema& schema, const std::string& generation,
                  unsigned shards, const PartPath& part_path, size_t chunks,
                  unsigned jobs, IndexSummary* summary) {
  try {
    NSEARCH_ASSIGN_OR_RETURN(auto joiner, MakeJoiner(schema));
    std::vector<std::vector<std::string>> parts;
    std::vector<std::string> all;
    for (unsigned k = 0; k < shards; ++k) {
      parts.push_back(PartsOf(part_path, chunks, k));
      all.insert(all.end(), parts.back().begin(), parts.back().end());
    }
    if (joiner)
      StoreKeys(*joiner, all, JoinParts(*joiner, all, {}, jobs), jobs);
    if (shards > 1) {
      ForEachInParallel(shards, jobs, [&](size_t k, unsigned) {
        CompactParts(parts[k],
                     ShardPath(generation, static_cast<unsigned>(k), shards));
      });
      NSEARCH_RETURN_IF_ERROR(WriteShardStub(generation, shards));
    } else {
      CompactParts(parts[0], generation + "/merged");
      MoveUp(generation + "/merged", generation);
    }
    ShardWriters db(generation, shards, Xapian::DB_OPEN);
    for (unsigned k = 0; k < shards; ++k) WriteIndexStamps(db.shard(k), schema);
    db.SetMetadata(kMetaLastUpdate, NowIso());
    db.Commit();
    summary->documents = db.reader().get_doccount();
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, generation);
  } catch (const fs::filesystem_error& e) {
    return IOError(std::string("cannot assemble the new index: ") + e.what());
  }
  return Status::Ok();
}

// `--shard K/N`: joins the stories of the chunks' parts (shard k's
// documents) with the other shards' documents (`outsiders`, released once
// joined) when the schema has stories (`joiner`), merges the parts into
// `generation` and stamps the shard with kMetaShardOf.
Status MergeOneShard(const Schema& schema, const std::string& generation,
                     unsigned k, unsigned n, const PartPath& part_path,
                     size_t chunks, unsigned jobs, StoryJoiner* joiner,
                     StoryJoiner::Outsiders outsiders, IndexSummary* summary) {
  try {
    const std::vector<std::string> parts = PartsOf(part_path, chunks, 0);
    if (joiner) {
      const KeyChanges changes = JoinParts(*joiner, parts, outsiders, jobs);
      outsiders = {};  // Memory, and the scratch file of their texts.
      StoreKeys(*joiner, parts, changes, jobs);
    }
    CompactParts(parts, generation + "/merged");
    MoveUp(generation + "/merged", generation);
    Xapian::WritableDatabase own(generation, Xapian::DB_OPEN);
    WriteIndexStamps(own, schema);
    own.set_metadata(kMetaLastUpdate, NowIso());
    own.set_metadata(kMetaShardOf, ShardOfValue(k, n));
    own.commit();
    summary->documents = own.get_doccount();
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, generation);
  } catch (const std::system_error& e) {  // Also fs::filesystem_error.
    return IOError(std::string("cannot assemble the new shard: ") + e.what());
  }
  return Status::Ok();
}

// Whether a run with `options` may update the live index `db` of `dir`:
// an index of one shard of N is only ever rebuilt as that shard, and a
// whole index becomes one shard only when asked to rebuild.
Status CheckShardOf(const Xapian::Database& db, const IndexOptions& options,
                    const std::string& dir) {
  const std::string live = db.get_metadata(kMetaShardOf);
  const std::string asked =
      options.shard_count
          ? ShardOfValue(options.shard_index, options.shard_count)
          : "";
  if (live == asked || db.get_doccount() == 0) return Status::Ok();
  if (!live.empty())
    return InvalidArgument("index " + dir + " holds shard " + live +
                           ": index it with --shard " + live +
                           " (or rebuild it otherwise with --rebuild)");
  return InvalidArgument("index " + dir +
                         " holds a whole index; to make it shard " + asked +
                         ", add --rebuild");
}

// What the threads of a full build share.
struct BuildState {
  BuildState(const Schema& build_schema, const std::string& build_generation,
             unsigned shard_count, const IndexOptions& build_options,
             unsigned jobs, IndexSummary* build_summary)
      : schema(build_schema),
        generation(build_generation),
        shards(shard_count),
        options(build_options),
        queue(jobs, build_options.chunk_files),
        summary(build_summary) {}

  // The partial database of chunk `c` for shard `k` (of a `--shard K/N`
  // build: 0, for shard K).
  std::string PartPath(size_t c, unsigned k) const {
    return generation + "/part-" + std::to_string(c) + "-" + std::to_string(k);
  }
  unsigned PartCount() const { return options.shard_count ? 1 : shards; }
  // The part (of each chunk) that document `id` goes to; nullopt: another
  // machine's shard (`--shard K/N`), only an outsider of the story join.
  std::optional<unsigned> PartOf(const std::string& id) const {
    const unsigned shard = ShardFor(id, shards);
    if (!options.shard_count) return shard;
    if (shard == options.shard_index) return 0;
    return std::nullopt;
  }

  const Schema& schema;
  const std::string& generation;
  const unsigned shards;
  const IndexOptions& options;
  ChunkQueue queue;
  std::atomic<size_t> total{0};
  std::atomic<size_t> done{0};
  std::atomic<size_t> chunks{0};  // Highest chunk index seen + 1.
  std::atomic<unsigned> finished{0};
  std::mutex summary_mu;  // Guards *summary, errors and outsiders.
  IndexSummary* summary;
  std::vector<Status> errors;
  // `--shard K/N` with stories: the other shards' documents, for the join.
  std::unique_ptr<StoryJoiner> joiner;
  // One vector per chunk (no reallocation of all of them as they come).
  std::vector<std::vector<StoryJoiner::Outsider>> outsiders;
  // Their titles and excerpts (with `joiner`).
  std::shared_ptr<ScratchTexts> outsider_texts;

  // The outsiders of all chunks in one vector of their exact size, and
  // their texts.
  StoryJoiner::Outsiders TakeOutsiders() {
    size_t count = 0;
    for (const auto& chunk : outsiders) count += chunk.size();
    StoryJoiner::Outsiders all;
    all.documents.reserve(count);
    for (auto& chunk : outsiders) {
      std::move(chunk.begin(), chunk.end(), std::back_inserter(all.documents));
      chunk = {};
    }
    if (outsider_texts)
      all.texts = [texts = std::move(outsider_texts)](uint64_t at) {
        return texts->Read(at);
      };
    return all;
  }
};

// Reads another shard's file (`--shard K/N`) into `out`, for the story
// join: it is never written, and its problems are its own shard's to report.
void AddOutsider(const BuildState& s, const SourceFile& file,
                 DocumentBuilder& builder,
                 std::vector<StoryJoiner::Outsider>* out) {
  if (!s.joiner) return;
  Parsed item = ProcessFile(file, 0, s.schema, nullptr, builder, true);
  if (!item.doc) return;
  if (auto o = s.joiner->MakeOutsider(*item.doc)) {
    o->text = s.outsider_texts->Add(item.title, item.excerpt);
    out->push_back(std::move(*o));
  }
}

// Commits the parts of a chunk that were opened. Throws Xapian::Error.
void CommitParts(std::vector<std::optional<Xapian::WritableDatabase>>& parts) {
  for (auto& p : parts)
    if (p) WriteScratch([&] { p->commit(); });
}

// Builds the files of `chunk` into its partial databases, one per shard
// that gets a document. Throws Xapian::Error.
void BuildChunk(BuildState& s, const Chunk& chunk, DocumentBuilder& builder) {
  const IndexOptions& options = s.options;
  // A part is scratch: nobody reads it while it forms, and after a crash
  // the unpublished generation is thrown away. So no fsync and no
  // copy-on-write (in-place block updates: less I/O, more compact). The
  // merged generation is synced.
  std::vector<std::optional<Xapian::WritableDatabase>> parts(s.PartCount());
  auto part = [&](unsigned k) -> Xapian::WritableDatabase& {
    if (!parts[k]) {
      parts[k].emplace(s.PartPath(chunk.index, k),
                       Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC |
                           Xapian::DB_DANGEROUS);
      WriteIndexStamps(*parts[k], s.schema);
    }
    return *parts[k];
  };
  size_t since_commit = 0;
  std::vector<StoryJoiner::Outsider> outsiders;
  for (size_t i = 0; i < chunk.files.size() && !Stopped(options); ++i) {
    const SourceFile& file = chunk.files[i];
    const std::optional<unsigned> k = s.PartOf(DocumentIdForPath(file.path));
    if (!k) {
      if (!options.dry_run) AddOutsider(s, file, builder, &outsiders);
      ++s.done;
      ++since_commit;  // Commits by files read: pending changes stay small.
      continue;
    }
    Parsed item = ProcessFile(file, i, s.schema, nullptr, builder);
    if (item.doc && !options.dry_run) {
      WriteScratch([&] { part(*k).add_document(*item.doc); });
      if (++since_commit >= options.batch_size) {
        CommitParts(parts);
        since_commit = 0;
      }
    }
    item.doc.reset();
    {
      std::lock_guard<std::mutex> lock(s.summary_mu);
      Record(item, s.summary, options.dry_run, file.path);
    }
    ++s.done;
  }
  CommitParts(parts);
  std::lock_guard<std::mutex> lock(s.summary_mu);
  if (!outsiders.empty()) s.outsiders.push_back(std::move(outsiders));
}

// One thread of a full build: builds chunks from the queue until it is
// closed and empty, or cancelled (a stop, or a chunk that failed).
void BuildWorker(BuildState& s, DocumentBuilder& builder) {
  while (std::optional<Chunk> chunk = s.queue.Pop()) {
    if (Stopped(s.options)) {
      s.queue.Cancel();
      break;
    }
    size_t seen = s.chunks.load();
    while (seen < chunk->index + 1 &&
           !s.chunks.compare_exchange_weak(seen, chunk->index + 1)) {
    }
    try {
      BuildChunk(s, *chunk, builder);
    } catch (const Xapian::Error& e) {
      std::lock_guard<std::mutex> lock(s.summary_mu);
      s.errors.push_back(StatusFromXapian(e, s.PartPath(chunk->index, 0)));
      s.queue.Cancel();
    } catch (const std::system_error& e) {  // ScratchTexts.
      std::lock_guard<std::mutex> lock(s.summary_mu);
      s.errors.push_back(IOError(e.what()));
      s.queue.Cancel();
    }
  }
  ++s.finished;
}

// Full build into `generation`, of `shards` shards: the lister hands
// chunks of the file list to the threads, each chunk into its own partial
// database per shard; MergeParts puts them together. Also lists the files
// (summary->files, and unreadable folders into `problems`).
Status BuildGeneration(const Schema& schema, const std::string& generation,
                       unsigned shards, const IndexOptions& options,
                       IndexSummary* summary, FolderProblems* problems) {
  const unsigned jobs = JobCount(options);
  NSEARCH_ASSIGN_OR_RETURN(auto builders, MakeBuilders(schema, jobs));
  BuildState s(schema, generation, shards, options, jobs, summary);
  if (options.shard_count) {
    NSEARCH_ASSIGN_OR_RETURN(s.joiner, MakeJoiner(schema));
    if (s.joiner && !options.dry_run) {
      try {
        s.outsider_texts =
            std::make_shared<ScratchTexts>(generation + "/outsider-texts");
      } catch (const std::system_error& e) {
        return IOError(e.what());
      }
    }
  }
  Status listed;
  std::thread lister([&] {
    listed = ListChunks(options, &s.queue, &s.total, problems);
    s.queue.Close();
  });
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < jobs; ++j)
    workers.emplace_back(
        [&s, builder = builders[j].get()] { BuildWorker(s, *builder); });
  Progress progress(options.progress, 0);
  while (s.finished.load() < jobs) {
    progress.set_total(s.total.load());
    progress.Tick(s.done.load());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& t : workers) t.join();
  lister.join();
  // What the workers freed stays in their malloc arenas; give it back
  // before the merge and the story join build their own.
  malloc_trim(0);
  summary->files = s.total.load();
  progress.set_total(s.total.load());
  progress.Tick(s.done.load(), true);
  std::sort(summary->actions.begin(), summary->actions.end());
  NSEARCH_RETURN_IF_ERROR(listed);
  for (const auto& e : s.errors) NSEARCH_RETURN_IF_ERROR(e);
  if (options.dry_run) return Status::Ok();
  auto part_path = [&s](size_t c, unsigned k) { return s.PartPath(c, k); };
  if (options.shard_count)
    return MergeOneShard(schema, generation, options.shard_index, shards,
                         part_path, s.chunks.load(), jobs, s.joiner.get(),
                         s.TakeOutsiders(), summary);
  return MergeParts(schema, generation, shards, part_path, s.chunks.load(),
                    jobs, summary);
}

// Stores a new file state in document `docid`, whose content is unchanged.
void Restamp(ShardWriters& shards, Xapian::docid docid,
             const std::string& state) {
  Xapian::Document doc = shards.reader().get_document(docid);
  doc.add_value(kStateSlot, state);
  shards.Replace(docid, doc);
}

// Starts one thread per builder that reads, compares and parses the files
// in turn and hands them to `queue`. After a stop, a thread hands over
// unchanged placeholders instead, so that the writer drains the queue.
std::vector<std::thread> StartParsers(
    const FileList& files, const Schema& schema, const StateMap& stored,
    const IndexOptions& options,
    const std::vector<std::unique_ptr<DocumentBuilder>>& builders,
    OrderedQueue* queue, std::atomic<size_t>* next) {
  std::vector<std::thread> workers;
  for (const auto& b : builders) {
    workers.emplace_back(
        [&files, &schema, &stored, &options, queue, next, builder = b.get()] {
          for (size_t i = (*next)++; i < files.size(); i = (*next)++) {
            queue->WaitForTurn(i);
            if (Stopped(options)) {
              Parsed skipped;
              skipped.index = i;
              skipped.action = Action::kUnchanged;
              queue->Push(std::move(skipped));
              continue;
            }
            queue->Push(ProcessFile(files[i], i, schema, &stored, *builder));
          }
        });
  }
  return workers;
}

// What WriteInOrder did.
struct WriteOutcome {
  size_t done = 0;       // Files taken from the queue.
  size_t restamped = 0;  // Unchanged documents given a new file state.
  Status error;          // The first write error; nothing is written after.
};

// The writer of an incremental update: takes the parsed files from `queue`
// in file order, writes them into `writable` (null for a dry run),
// committing every batch_size documents, and records them in `summary`.
// After a stop it drains the queue and writes nothing more.
WriteOutcome WriteInOrder(const FileList& files, OrderedQueue& queue,
                          const Xapian::Database& db, ShardWriters* writable,
                          StoryJoiner* joiner, const IndexOptions& options,
                          Progress& progress, IndexSummary* summary) {
  WriteOutcome out;
  size_t since_commit = 0;
  while (std::optional<Parsed> item = queue.Pop(files.size())) {
    progress.Tick(++out.done);
    if (Stopped(options)) continue;  // Drain; nothing more is written.
    if ((item->doc || item->restamp) && writable && out.error.ok()) {
      try {
        if (item->doc) {
          if (joiner) joiner->AssignStory(db, item->id_term, &*item->doc);
          writable->Replace(item->id, item->id_term, *item->doc);
        } else {
          Restamp(*writable, item->restamp, item->new_state);
          ++out.restamped;
        }
        if (++since_commit >= options.batch_size) {
          writable->Commit();
          since_commit = 0;
        }
      } catch (const Xapian::Error& e) {
        out.error = StatusFromXapian(e, options.index_path);
      }
    }
    Record(*item, summary, options.dry_run,
           options.dry_run ? files.path(item->index) : std::string());
  }
  return out;
}

// Deletes the documents of files that vanished from a root indexed in this
// run (`roots`), in id order, and counts them; a dry run (null `writable`)
// deletes nothing and lists them in summary->actions.
void DeleteVanished(const FileList& files,
                    const std::vector<std::string>& roots,
                    const StateMap& stored, const Xapian::Database& db,
                    ShardWriters* writable, const IndexOptions& options,
                    IndexSummary* summary) {
  std::unordered_set<uint64_t> root_hashes, present;
  for (const auto& r : roots) root_hashes.insert(RootHash(r));
  for (size_t i = 0; i < files.size(); ++i)
    present.insert(Fnv1a64(files.path(i)));
  std::vector<std::pair<std::string, Xapian::docid>> gone;
  for (const auto& [hash, s] : stored) {
    if (root_hashes.count(s.state.root_hash) && !present.count(hash))
      gone.emplace_back(Hex64(hash), s.docid);
  }
  std::sort(gone.begin(), gone.end());
  for (const auto& [id, docid] : gone) {
    if (writable) writable->Delete(docid);
    ++summary->deleted;
    if (options.dry_run) {
      std::string path = ReadStoredRecord(db.get_document(docid), false).path;
      if (path.empty()) path = id;
      summary->actions.emplace_back(path, "deleted");
    }
  }
}

// Incremental update of the live generation.
Status UpdateGeneration(const FileList& files, const Schema& schema,
                        const std::string& generation,
                        const IndexOptions& options,
                        const std::vector<std::string>& roots,
                        IndexSummary* summary) {
  try {
    std::optional<ShardWriters> writable;
    Xapian::Database db;
    if (options.dry_run) {
      db = Xapian::Database(generation);
    } else {
      writable.emplace(generation, ShardCount(generation), Xapian::DB_OPEN);
      db = writable->reader();
    }
    NSEARCH_RETURN_IF_ERROR(CheckSchema(db, schema, options.index_path));
    const StateMap stored = ReadState(db);

    const unsigned jobs = JobCount(options);
    NSEARCH_ASSIGN_OR_RETURN(auto builders, MakeBuilders(schema, jobs));
    NSEARCH_ASSIGN_OR_RETURN(auto joiner, MakeJoiner(schema));
    OrderedQueue queue(512);
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers =
        StartParsers(files, schema, stored, options, builders, &queue, &next);
    ShardWriters* writer = writable ? &*writable : nullptr;
    Progress progress(options.progress, files.size());
    const WriteOutcome written = WriteInOrder(
        files, queue, db, writer, joiner.get(), options, progress, summary);
    for (auto& t : workers) t.join();
    progress.Tick(written.done, true);
    NSEARCH_RETURN_IF_ERROR(written.error);

    if (!Stopped(options))
      DeleteVanished(files, roots, stored, db, writer, options, summary);
    if (writable) {
      // A run that changed nothing writes nothing: no new revision for
      // readers to reopen, and no fsync.
      if (summary->added + summary->updated + summary->deleted +
              written.restamped >
          0) {
        writable->SetMetadata(kMetaLastUpdate, NowIso());
        writable->Commit();
      }
    }
    summary->documents = db.get_doccount();
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, options.index_path);
  }
  return Status::Ok();
}

// Checks the options against their bounds (IndexOptions).
Status CheckOptions(const IndexOptions& options) {
  NSEARCH_RETURN_IF_ERROR(CheckAtMost("--jobs", options.jobs, kMaxJobs));
  if (options.batch_size < 1 || options.batch_size > kMaxBatchSize)
    return InvalidArgument("--batch-size must be from 1 to " +
                           std::to_string(kMaxBatchSize));
  if (options.shards > kMaxShards)
    return InvalidArgument("--shards must be from 1 to " +
                           std::to_string(kMaxShards));
  if (options.shard_count &&
      (options.shard_count < 2 || options.shard_count > kMaxShards ||
       options.shard_index >= options.shard_count))
    return InvalidArgument("--shard K/N needs N from 2 to " +
                           std::to_string(kMaxShards) + " and K below N");
  if (options.shard_count && options.shards)
    return InvalidArgument("--shard K/N builds one shard; leave out --shards");
  return Status::Ok();
}

// Every root must exist before anything is written.
Status CheckRoots(const std::vector<std::string>& roots) {
  for (const auto& r : roots) {
    struct stat st;
    if (::stat(AbsolutePath(r).c_str(), &st) != 0)
      return NotFound("no such file or folder: " + r);
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      return InvalidArgument("not a file or folder: " + r);
  }
  return Status::Ok();
}

// The folders whose vanished files are deleted. A file given as a root
// scopes nothing: indexing one file never deletes its neighbours.
std::vector<std::string> FolderRoots(const std::vector<std::string>& roots) {
  std::vector<std::string> folders;
  for (const auto& r : roots) {
    struct stat st;
    const std::string abs = AbsolutePath(r);
    if (::stat(abs.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      folders.push_back(abs);
  }
  return folders;
}

// Refuses a folder `dir` that holds a Xapian database straight in it: an
// index of nsearch before generations, or somebody else's database.
Status CheckNotPlainDatabase(const std::string& dir) {
  if (!IsPlainXapianDatabase(dir)) return Status::Ok();
  // nsearch before generations wrote the database straight into DIR.
  bool ours = false;
  try {
    ours = !Xapian::Database(dir).get_metadata(kMetaFormat).empty();
  } catch (const Xapian::Error&) {
  }
  if (ours)
    return SchemaMismatch(dir +
                          " holds an index in the layout of an older nsearch; "
                          "remove the folder and index again");
  return Corruption(dir +
                    " holds a Xapian database that nsearch did not make; "
                    "index into another folder");
}

// Publishes an empty, stamped index of `shards` shards in `dir` and returns
// its generation: from then on the folder always opens, whenever the run is
// killed.
Result<std::string> PublishEmptyIndex(const std::string& dir, unsigned shards,
                                      const Schema& schema) {
  NSEARCH_ASSIGN_OR_RETURN(std::string live, CreateGeneration(dir));
  try {
    if (shards > 1) NSEARCH_RETURN_IF_ERROR(WriteShardStub(live, shards));
    ShardWriters db(live, shards, Xapian::DB_CREATE_OR_OPEN);
    for (unsigned k = 0; k < shards; ++k) WriteIndexStamps(db.shard(k), schema);
    db.Commit();
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, dir);
  }
  NSEARCH_RETURN_IF_ERROR(PublishGeneration(dir, live));
  return live;
}

// Whether the run is a full build: when asked, or when there is nothing to
// update; always for one shard of N. Checks that the live index may be
// updated by this run (its schema, and which shard it holds).
Result<bool> IsFullBuild(const std::string& live, const Schema& schema,
                         const IndexOptions& options) {
  if (options.rebuild || live.empty()) return true;
  const std::string& dir = options.index_path;
  try {
    Xapian::Database db(live);
    NSEARCH_RETURN_IF_ERROR(CheckSchema(db, schema, dir));
    NSEARCH_RETURN_IF_ERROR(CheckShardOf(db, options, dir));
    return db.get_doccount() == 0 || options.shard_count;
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, dir);
  }
}

// Whether the generation `live` holds no document (false when it does not
// open).
bool HoldsNoDocument(const std::string& live) {
  try {
    return Xapian::Database(live).get_doccount() == 0;
  } catch (const Xapian::Error&) {
    return false;
  }
}

// A full build of `shards` shards into a new generation, published in place
// of `live`; a dry run builds nothing and writes nothing, not even parts.
Status FullBuild(const Schema& schema, const std::string& live, unsigned shards,
                 const IndexOptions& options, IndexSummary* summary,
                 FolderProblems* problems) {
  const std::string& dir = options.index_path;
  std::string generation;  // Dry runs write nothing, not even parts.
  if (!options.dry_run) {
    NSEARCH_ASSIGN_OR_RETURN(generation, CreateGeneration(dir));
  }
  Status built = BuildGeneration(
      schema, generation, options.shard_count ? options.shard_count : shards,
      options, summary, problems);
  const bool publish = built.ok() && !options.dry_run &&
                       // Interrupted: keep a complete live index rather than
                       // a partial new one, unless the live one is empty.
                       (!Stopped(options) || HoldsNoDocument(live));
  if (publish) {
    NSEARCH_RETURN_IF_ERROR(PublishGeneration(dir, generation));
    summary->rebuilt = true;
    RemoveStaleGenerations(dir);
  } else if (!generation.empty()) {
    std::error_code ec;
    fs::remove_all(generation, ec);
    // Stopped: the work of this run is thrown away, the old index kept.
    summary->discarded = built.ok();
  }
  NSEARCH_RETURN_IF_ERROR(built);
  if (options.dry_run || !publish) {
    try {
      summary->documents =
          live.empty() ? 0 : Xapian::Database(live).get_doccount();
    } catch (const Xapian::Error& e) {
      return StatusFromXapian(e, dir);
    }
  }
  return Status::Ok();
}

// Completes the summary of a run: the folders that could not be read count
// as rejected files, a stop is noted, and the lists are sorted by path.
void FinishSummary(const FolderProblems& problems, const IndexOptions& options,
                   IndexSummary* summary) {
  for (const auto& [path, reason] : problems) {
    summary->rejected_files.push_back({path, reason, 0, 0, {}});
    ++summary->rejected;
  }
  if (Stopped(options)) summary->interrupted = options.stop->load();

  std::sort(summary->rejected_files.begin(), summary->rejected_files.end(),
            [](const RejectedFile& a, const RejectedFile& b) {
              return a.path < b.path;
            });
  std::stable_sort(summary->warnings.begin(), summary->warnings.end(),
                   [](const FileWarning& a, const FileWarning& b) {
                     return a.path != b.path ? a.path < b.path
                                             : a.field < b.field;
                   });
}

}  // namespace

Result<IndexSummary> RunIndex(const IndexOptions& options) {
  const auto start = Clock::now();
  NSEARCH_RETURN_IF_ERROR(CheckOptions(options));
  NSEARCH_ASSIGN_OR_RETURN(const Schema schema, ChooseSchema(options));
  NSEARCH_RETURN_IF_ERROR(CheckRoots(options.roots));
  FolderProblems problems;
  const std::vector<std::string> roots = FolderRoots(options.roots);

  IndexSummary summary;
  summary.dry_run = options.dry_run;

  const std::string& dir = options.index_path;
  NSEARCH_RETURN_IF_ERROR(CheckNotPlainDatabase(dir));
  std::unique_ptr<IndexLock> lock;
  if (!options.dry_run) {
    NSEARCH_ASSIGN_OR_RETURN(lock, IndexLock::Acquire(dir));
    RemoveStaleGenerations(dir);
  }
  std::string live = LiveGeneration(dir);
  // The shard count: as asked, else the live index's (1 for a new one).
  const unsigned live_shards = live.empty() ? 0 : ShardCount(live);
  const unsigned shards = options.shard_count ? 1
                          : options.shards    ? options.shards
                                              : std::max(live_shards, 1u);
  if (!options.dry_run && live.empty()) {
    NSEARCH_ASSIGN_OR_RETURN(live, PublishEmptyIndex(dir, shards, schema));
  }
  NSEARCH_ASSIGN_OR_RETURN(const bool full, IsFullBuild(live, schema, options));
  if (!full && shards != ShardCount(live))
    return InvalidArgument("index " + dir + " has " +
                           std::to_string(ShardCount(live)) +
                           " shard(s); to split it into " +
                           std::to_string(shards) + ", add --rebuild");

  if (full) {
    NSEARCH_RETURN_IF_ERROR(
        FullBuild(schema, live, shards, options, &summary, &problems));
  } else {
    NSEARCH_ASSIGN_OR_RETURN(const FileList files,
                             ListContentFiles(options.roots, &problems));
    summary.files = files.size();
    NSEARCH_RETURN_IF_ERROR(
        UpdateGeneration(files, schema, live, options, roots, &summary));
  }
  FinishSummary(problems, options, &summary);
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace nsearch::indexer
