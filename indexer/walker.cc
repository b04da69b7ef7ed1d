#include "indexer/walker.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <functional>
#include <set>
#include <sys/stat.h>
#include <unordered_set>
#include <utility>

namespace nsearch::indexer {

namespace fs = std::filesystem;

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

bool IsContentFile(std::string_view name) {
  return EndsWith(name, ".md") || EndsWith(name, ".markdown");
}

bool Inside(const fs::path& path, const fs::path& root) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
         st.st_mtim.tv_nsec;
}

uint64_t InodeKey(const struct stat& st) {
  return (static_cast<uint64_t>(st.st_dev) << 40) ^
         static_cast<uint64_t>(st.st_ino);
}

// A path for a message: its first and last 120 bytes around "...", when it
// is longer (kept whole bytes; the printers escape what a terminal could
// misread).
std::string ShortenedPath(const std::string& path) {
  constexpr size_t kKeep = 120;
  if (path.size() <= 2 * kKeep + 3) return path;
  return path.substr(0, kKeep) + "..." + path.substr(path.size() - kKeep);
}

// Walks folders in path order and calls `emit(path, stat)` for each content
// file. A folder's entries are sorted by name, a sub-folder's
// name as if it ended in "/": then the walk's order is exactly the order of
// the full path strings, so files come out sorted without holding the list.
// Only one folder's names are held at a time (in one arena).
class Walker {
 public:
  using Emit =
      std::function<bool(const std::string& path, const struct stat& st)>;

  Walker(Emit emit, std::vector<std::pair<std::string, std::string>>* problems)
      : emit_(std::move(emit)), problems_(problems) {}

  // False when `emit` asked to stop.
  bool WalkRoot(const fs::path& root, const fs::path& real_root) {
    real_root_ = real_root;
    return Walk(root.string());
  }

 private:
  struct Entry {
    uint32_t offset;  // Of the name in the folder's arena.
    uint32_t length;
    bool dir;  // Sorts as name + "/".
  };

  bool Walk(const std::string& dir) {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return true;
    if (!visited_.insert({st.st_dev, st.st_ino}).second) return true;  // Loop.
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
      problems_->emplace_back(
          dir, std::string("cannot read folder: ") + std::strerror(errno));
      return true;
    }
    const std::string prefix = dir == "/" ? dir : dir + "/";
    std::string names;
    std::vector<Entry> entries;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name(e->d_name);
      if (name.empty() || name[0] == '.') continue;  // Hidden (.git, .keep).
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) {
        struct stat target;  // Sort a link to a folder as a folder.
        is_dir = ::stat((prefix + std::string(name)).c_str(), &target) == 0 &&
                 S_ISDIR(target.st_mode);
      } else if (!is_dir && (e->d_type != DT_REG || !IsContentFile(name))) {
        continue;  // Neither a folder nor a content file.
      }
      entries.push_back({static_cast<uint32_t>(names.size()),
                         static_cast<uint32_t>(name.size()), is_dir});
      names.append(name);
    }
    ::closedir(d);
    auto key = [&](const Entry& e, size_t i) -> int {
      return i < e.length ? static_cast<unsigned char>(names[e.offset + i])
                          : (i == e.length && e.dir ? '/' : -1);
    };
    std::sort(entries.begin(), entries.end(),
              [&](const Entry& a, const Entry& b) {
                for (size_t i = 0;; ++i) {
                  const int ca = key(a, i), cb = key(b, i);
                  if (ca != cb) return ca < cb;
                  if (ca < 0) return false;
                }
              });
    std::string entry;
    for (const Entry& e : entries) {
      entry.assign(prefix).append(names, e.offset, e.length);
      struct stat lst;
      if (::lstat(entry.c_str(), &lst) != 0) {
        // A file that vanished since readdir is no problem; one whose path
        // the system cannot take is, and is reported (never silently lost).
        if (errno == ENAMETOOLONG) ReportLongPath(entry);
        continue;
      }
      struct stat est = lst;
      const bool link = S_ISLNK(lst.st_mode);
      fs::path target;
      if (link) {
        // Follow a link only when its target stays inside the root.
        std::error_code ec;
        target = fs::weakly_canonical(entry, ec);
        if (ec || !Inside(target, real_root_)) continue;
        if (::stat(entry.c_str(), &est) != 0) continue;  // Dangling link.
      }
      if (S_ISDIR(est.st_mode)) {
        if (!Walk(entry)) return false;
      } else if (S_ISREG(est.st_mode) &&
                 IsContentFile(
                     std::string_view(names).substr(e.offset, e.length))) {
        if (link && SkipLink(target, est)) continue;
        if (!emit_(entry, est)) return false;
      }
    }
    return true;
  }

  void ReportLongPath(const std::string& path) {
    problems_->emplace_back(ShortenedPath(path),
                            "path longer than the system's limit (" +
                                std::to_string(path.size()) +
                                " bytes): cannot be read");
  }

  // A link to a file is skipped when the walk lists the file itself (its
  // real path is inside the root, visible and a content file), and links
  // to one hidden file are kept once: no file is indexed twice.
  bool SkipLink(const fs::path& target, const struct stat& st) {
    bool visible = IsContentFile(target.filename().string());
    auto r = real_root_.begin();
    for (auto p = target.begin(); p != target.end(); ++p) {
      if (r != real_root_.end()) {
        ++r;
        continue;
      }
      const std::string part = p->string();
      if (!part.empty() && part[0] == '.') visible = false;
    }
    if (visible) return true;  // The walk lists the file itself.
    return !linked_.insert(InodeKey(st)).second;  // Listed via a link.
  }

  Emit emit_;
  std::vector<std::pair<std::string, std::string>>* problems_;
  fs::path real_root_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  std::unordered_set<uint64_t> linked_;
};

// A root as given: absolute; a folder (with its real path) or a file.
struct Root {
  fs::path path;
  fs::path real;
  bool dir = false;
  struct stat st;
};

Result<Root> ResolveRoot(const std::string& given) {
  Root root;
  root.path = AbsolutePath(given);
  if (::stat(root.path.c_str(), &root.st) != 0)
    return NotFound("no such file or folder: " + given);
  if (S_ISREG(root.st.st_mode)) return root;
  if (!S_ISDIR(root.st.st_mode))
    return InvalidArgument("not a file or folder: " + given);
  std::error_code ec;
  root.real = fs::canonical(root.path, ec);
  if (ec) return IOError("cannot resolve " + given + ": " + ec.message());
  root.dir = true;
  return root;
}

}  // namespace

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  std::string out = abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

SourceFile FileList::operator[](size_t i) const {
  const Entry& e = entries_[i];
  return SourceFile{path(i), roots_[e.root], e.size, e.mtime_ns};
}

std::string FileList::path(size_t i) const {
  const Entry& e = entries_[i];
  std::string out(Prefix(e));
  out += Relative(e);
  return out;
}

uint32_t FileList::AddRoot(const std::string& root) {
  for (uint32_t i = 0; i < roots_.size(); ++i)
    if (roots_[i] == root) return i;
  roots_.push_back(root);
  prefixes_.push_back(!root.empty() && root.back() == '/' ? root : root + "/");
  return static_cast<uint32_t>(roots_.size() - 1);
}

void FileList::Add(uint32_t root, std::string_view path, int64_t size,
                   int64_t mtime_ns) {
  std::string_view rel = path;
  if (rel.substr(0, prefixes_[root].size()) == prefixes_[root])
    rel.remove_prefix(prefixes_[root].size());
  entries_.push_back(Entry{arena_.size(), static_cast<uint32_t>(rel.size()),
                           root, size, mtime_ns});
  arena_.append(rel);
}

// Compares prefix + relative path of two entries without building them.
int FileList::Compare(const Entry& a, const Entry& b) const {
  std::string_view a1 = Prefix(a), a2 = Relative(a);
  std::string_view b1 = Prefix(b), b2 = Relative(b);
  if (a.root == b.root) {
    a1 = b1 = {};
  }
  for (;;) {
    if (a1.empty()) std::swap(a1, a2);
    if (b1.empty()) std::swap(b1, b2);
    if (a1.empty() || b1.empty()) return a1.empty() ? (b1.empty() ? 0 : -1) : 1;
    const size_t n = std::min(a1.size(), b1.size());
    if (const int c = a1.substr(0, n).compare(b1.substr(0, n))) return c;
    a1.remove_prefix(n);
    b1.remove_prefix(n);
  }
}

void FileList::Finish() {
  std::sort(entries_.begin(), entries_.end(),
            [&](const Entry& a, const Entry& b) { return Compare(a, b) < 0; });
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [&](const Entry& a, const Entry& b) {
                               return Compare(a, b) == 0;
                             }),
                 entries_.end());
  // No shrink_to_fit: it would copy the list (a second copy resident at the
  // peak), while the unused capacity of a large block is never touched and
  // so never resident.
}

Result<FileList> ListContentFiles(
    const std::vector<std::string>& roots,
    std::vector<std::pair<std::string, std::string>>* problems) {
  FileList files;
  uint32_t root_index = 0;
  Walker walker(
      [&](const std::string& path, const struct stat& st) {
        files.Add(root_index, path, static_cast<int64_t>(st.st_size),
                  MtimeNs(st));
        return true;
      },
      problems);
  for (const std::string& given : roots) {
    NSEARCH_ASSIGN_OR_RETURN(const Root root, ResolveRoot(given));
    if (!root.dir) {
      root_index = files.AddRoot(root.path.parent_path().string());
      files.Add(root_index, root.path.string(),
                static_cast<int64_t>(root.st.st_size), MtimeNs(root.st));
      continue;
    }
    root_index = files.AddRoot(root.path.string());
    walker.WalkRoot(root.path, root.real);
  }
  files.Finish();
  return files;
}

bool CanStream(const std::vector<std::string>& roots) {
  std::vector<std::string> dirs;
  for (const std::string& given : roots) {
    auto root = ResolveRoot(given);
    if (!root.ok() || !root->dir) return false;
    dirs.push_back(root->path.string());
  }
  for (size_t i = 0; i < dirs.size(); ++i) {
    for (size_t j = 0; j < dirs.size(); ++j) {
      if (i == j) continue;
      const std::string& a = dirs[i];
      const std::string& b = dirs[j];
      // Equal, or one inside the other: FileList sorts and de-duplicates.
      if (a == b || a == "/" || b == "/" ||
          (b.size() > a.size() && b.compare(0, a.size(), a) == 0 &&
           b[a.size()] == '/'))
        return false;
    }
  }
  return true;
}

Status StreamContentFiles(
    const std::vector<std::string>& roots,
    std::vector<std::pair<std::string, std::string>>* problems,
    const std::function<bool(SourceFile&&)>& sink) {
  if (!CanStream(roots))
    return InvalidArgument("roots that are files or nest cannot be streamed");
  std::vector<Root> resolved;
  for (const std::string& given : roots) {
    NSEARCH_ASSIGN_OR_RETURN(Root root, ResolveRoot(given));
    resolved.push_back(std::move(root));
  }
  // Disjoint roots in the order of root + "/": their files then come out in
  // path order overall.
  std::sort(resolved.begin(), resolved.end(), [](const Root& a, const Root& b) {
    return a.path.string() + "/" < b.path.string() + "/";
  });
  std::string root_name;
  Walker walker(
      [&](const std::string& path, const struct stat& st) {
        return sink(SourceFile{path, root_name,
                               static_cast<int64_t>(st.st_size), MtimeNs(st)});
      },
      problems);
  for (const Root& root : resolved) {
    root_name = root.path.string();
    if (!walker.WalkRoot(root.path, root.real)) break;
  }
  return Status::Ok();
}

}  // namespace nsearch::indexer
