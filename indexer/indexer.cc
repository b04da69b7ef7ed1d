#include "indexer/indexer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/front_matter.h"
#include "common/index_meta.h"
#include "indexer/document_builder.h"
#include "indexer/walker.h"

namespace nsearch::indexer {

namespace {

// What a worker hands to the writer for one file.
struct Parsed {
  size_t index = 0;  // Position in the file list.
  std::optional<Xapian::Document> doc;
  std::string id;
  std::optional<RejectedFile> rejected;
  std::vector<FileWarning> warnings;
};

Result<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return IOError(std::string("cannot open: ") + std::strerror(errno));
  std::string data;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    data.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = std::strerror(errno);
      ::close(fd);
      return IOError("cannot read: " + err);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
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

Parsed ParseOne(const SourceFile& file, size_t index, const Schema& schema,
                DocumentBuilder& builder) {
  Parsed out;
  out.index = index;
  auto bytes = ReadFile(file.path);
  if (!bytes.ok()) {
    out.rejected = RejectedFile{file.path, bytes.error().message(), 0, 0, {}};
    return out;
  }
  ParseOutcome parsed = ParseDocument(*bytes, schema);
  if (!parsed.ok()) {
    const Rejection& r = *parsed.rejection;
    out.rejected =
        RejectedFile{file.path, r.ToString(), r.line, r.column, r.field};
    return out;
  }
  for (const FieldWarning& w : parsed.doc.warnings)
    out.warnings.push_back({file.path, w.field, w.line, w.reason});
  out.id = DocumentIdForPath(file.path);
  out.doc = builder.Build(parsed.doc, file);
  return out;
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

}  // namespace

Json IndexSummary::ToJson() const {
  Json rejected_json = Json::array();
  for (const auto& r : rejected_files) {
    rejected_json.push_back(
        {{"path", r.path},
         {"reason", r.reason},
         {"line", r.line ? Json(r.line) : Json(nullptr)},
         {"column", r.column ? Json(r.column) : Json(nullptr)},
         {"field", r.field.empty() ? Json(nullptr) : Json(r.field)}});
  }
  Json warnings_json = Json::array();
  for (const auto& w : warnings) {
    warnings_json.push_back({{"path", w.path},
                             {"field", w.field},
                             {"line", w.line ? Json(w.line) : Json(nullptr)},
                             {"reason", w.reason}});
  }
  const size_t indexed = added + updated;
  return {{"version", kOutputVersion},
          {"files", files},
          {"added", added},
          {"updated", updated},
          {"deleted", deleted},
          {"unchanged", unchanged},
          {"rejected", rejected},
          {"seconds", seconds},
          {"docs_per_second", seconds > 0 ? indexed / seconds : 0.0},
          {"documents", documents},
          {"rejected_files", rejected_json},
          {"warnings", warnings_json}};
}

Result<IndexSummary> RunIndex(const IndexOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  NSEARCH_ASSIGN_OR_RETURN(const Schema schema, ChooseSchema(options));

  std::vector<std::pair<std::string, std::string>> problems;
  NSEARCH_ASSIGN_OR_RETURN(const std::vector<SourceFile> files,
                           ListContentFiles(options.roots, &problems));

  IndexSummary summary;
  summary.files = files.size();
  for (const auto& [path, reason] : problems) {
    summary.rejected_files.push_back({path, reason, 0, 0, {}});
    ++summary.rejected;
  }

  std::error_code ec;
  std::filesystem::create_directories(options.index_path, ec);
  if (ec)
    return IOError("cannot create index folder " + options.index_path + ": " +
                   ec.message());

  try {
    Xapian::WritableDatabase db(options.index_path, Xapian::DB_CREATE_OR_OPEN);
    if (db.get_doccount() > 0 || !db.get_metadata(kMetaFormat).empty()) {
      NSEARCH_ASSIGN_OR_RETURN(const Schema existing, ReadIndexSchema(db));
      if (existing.hash() != schema.hash())
        return SchemaMismatch(
            "index " + options.index_path + " was built with schema " +
            existing.name() + " v" + std::to_string(existing.version()) + " (" +
            existing.hash() + "), not " + schema.name() + " v" +
            std::to_string(schema.version()) + " (" + schema.hash() +
            "); index into a new folder or remove this one");
    }
    WriteIndexStamps(db, schema);

    const unsigned jobs =
        options.jobs ? options.jobs
                     : std::max(1u, std::thread::hardware_concurrency());
    OrderedQueue queue(512);
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    // Analyzers are created up front so a failure is reported before any
    // work starts.
    std::vector<std::unique_ptr<DocumentBuilder>> builders;
    for (unsigned j = 0; j < jobs; ++j) {
      NSEARCH_ASSIGN_OR_RETURN(
          auto analyzer,
          Analyzer::Create({schema.stemmer(), schema.stopwords()}));
      builders.push_back(
          std::make_unique<DocumentBuilder>(schema, std::move(analyzer)));
    }
    for (unsigned j = 0; j < jobs; ++j) {
      workers.emplace_back([&, builder = builders[j].get()] {
        for (size_t i = next++; i < files.size(); i = next++) {
          queue.WaitForTurn(i);
          queue.Push(ParseOne(files[i], i, schema, *builder));
        }
      });
    }

    size_t since_commit = 0;
    Status write_error;
    while (std::optional<Parsed> item = queue.Pop(files.size())) {
      for (auto& w : item->warnings) summary.warnings.push_back(std::move(w));
      if (item->rejected) {
        ++summary.rejected;
        summary.rejected_files.push_back(std::move(*item->rejected));
        continue;
      }
      if (!write_error.ok()) continue;  // Drain so workers can finish.
      try {
        const std::string id_term = DocumentBuilder::IdTerm(item->id);
        if (db.term_exists(id_term)) {
          ++summary.updated;
        } else {
          ++summary.added;
        }
        db.replace_document(id_term, *item->doc);
        if (++since_commit >= options.batch_size) {
          db.commit();
          since_commit = 0;
        }
      } catch (const Xapian::Error& e) {
        write_error = StatusFromXapian(e, options.index_path);
      }
    }
    for (auto& t : workers) t.join();
    NSEARCH_RETURN_IF_ERROR(write_error);

    db.set_metadata(kMetaLastUpdate, NowIso());
    db.commit();
    summary.documents = db.get_doccount();
  } catch (const Xapian::Error& e) {
    return StatusFromXapian(e, options.index_path);
  }

  std::sort(summary.rejected_files.begin(), summary.rejected_files.end(),
            [](const RejectedFile& a, const RejectedFile& b) {
              return a.path < b.path;
            });
  std::sort(summary.warnings.begin(), summary.warnings.end(),
            [](const FileWarning& a, const FileWarning& b) {
              return a.path != b.path ? a.path < b.path : a.field < b.field;
            });
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return summary;
}

}  // namespace nsearch::indexer
