// Finds the content files under the roots given to `nsearch index`.

#ifndef NSEARCH_INDEXER_WALKER_H_
#define NSEARCH_INDEXER_WALKER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "indexer/document_builder.h"

namespace nsearch::indexer {

// The content files of one run, sorted by path. Compact, because an
// incremental run (or a full build over roots that are files or nest) holds
// the whole list: about 100 bytes a file (the path relative to its root in
// one arena, plus a fixed-size entry) instead of about 250 for a vector of
// SourceFile. Other full builds stream the walk (StreamContentFiles).
class FileList {
 public:
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // File `i` as the builder takes it (allocates its path).
  SourceFile operator[](size_t i) const;
  std::string path(size_t i) const;
  const std::string& root(size_t i) const { return roots_[entries_[i].root]; }
  int64_t file_size(size_t i) const { return entries_[i].size; }

  // Iterates SourceFile values.
  class Iterator {
   public:
    Iterator(const FileList* list, size_t i) : list_(list), i_(i) {}
    SourceFile operator*() const { return (*list_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const FileList* list_;
    size_t i_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size()); }

  // Building it (the walker). `path` must start with the root followed by
  // "/" (or be under "/").
  uint32_t AddRoot(const std::string& root);
  void Add(uint32_t root, std::string_view path, int64_t size,
           int64_t mtime_ns);
  // Sorts by path and drops repeated paths (roots given twice, or nested).
  void Finish();

 private:
  struct Entry {
    uint64_t offset;  // Of the path relative to the root, in arena_.
    uint32_t length;
    uint32_t root;  // Index in roots_.
    int64_t size;
    int64_t mtime_ns;
  };
  std::string_view Prefix(const Entry& e) const { return prefixes_[e.root]; }
  std::string_view Relative(const Entry& e) const {
    return std::string_view(arena_).substr(e.offset, e.length);
  }
  int Compare(const Entry& a, const Entry& b) const;

  std::vector<std::string> roots_;
  std::vector<std::string> prefixes_;  // Root plus "/" (unless it ends so).
  std::string arena_;
  std::vector<Entry> entries_;
};

// Lists the `.md` and `.markdown` files under each root, sorted by path.
// Hidden files and folders (a name starting with ".") are skipped. Symbolic
// links are followed only when their target lies inside the root, and a
// folder is never entered twice (no loops). A link to a file the walk lists
// under its own path is skipped, so no file is listed twice. A root may be a
// single file.
//   kNotFound  a root does not exist
//   kIOError   a root cannot be read
// Unreadable sub-folders are skipped and reported through `problems`.
Result<FileList> ListContentFiles(
    const std::vector<std::string>& roots,
    std::vector<std::pair<std::string, std::string>>* problems);

// Whether StreamContentFiles can walk `roots`: every root a folder, and no
// root inside another (or equal to one); ListContentFiles takes the rest.
bool CanStream(const std::vector<std::string>& roots);

// Calls `sink` for each content file under `roots` in the order
// ListContentFiles would list them (sorted by path), as the walk finds
// them: memory holds one folder's names at a time, not the whole list.
// Stops early when `sink` returns false. REQUIRES: CanStream(roots).
Status StreamContentFiles(
    const std::vector<std::string>& roots,
    std::vector<std::pair<std::string, std::string>>* problems,
    const std::function<bool(SourceFile&&)>& sink);

// Makes `path` absolute and lexically normal, without resolving symlinks.
std::string AbsolutePath(const std::string& path);

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_WALKER_H_
