#include "indexer/walker.h"

#include <algorithm>
#include <filesystem>
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

class Walker {
 public:
  Walker(FileList* files,
         std::vector<std::pair<std::string, std::string>>* problems)
      : files_(files), problems_(problems) {}

  void WalkRoot(const fs::path& root, const fs::path& real_root) {
    root_ = files_->AddRoot(root.string());
    real_root_ = real_root;
    Walk(root);
  }

  void AddFile(const std::string& path, uint32_t root, const struct stat& st,
               bool via_link) {
    const uint64_t inode = (static_cast<uint64_t>(st.st_dev) << 40) ^
                           static_cast<uint64_t>(st.st_ino);
    files_->Add(root, path, static_cast<int64_t>(st.st_size), MtimeNs(st),
                inode, via_link);
  }

 private:
  void Walk(const fs::path& dir) {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return;
    if (!visited_.insert({st.st_dev, st.st_ino}).second) return;  // A loop.
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      problems_->emplace_back(dir.string(),
                              "cannot read folder: " + ec.message());
      return;
    }
    // Plain strings sort much faster than fs::path (compared component by
    // component), and the order is the same for names within one folder.
    std::vector<std::string> names;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    const std::string prefix = dir.string() + "/";
    for (const std::string& name : names) {
      if (name.empty() || name[0] == '.') continue;  // Hidden (.git, .keep).
      const std::string entry = prefix + name;
      struct stat lst;
      if (::lstat(entry.c_str(), &lst) != 0) continue;
      struct stat est = lst;
      if (S_ISLNK(lst.st_mode)) {
        // Follow a link only when its target stays inside the root.
        const fs::path target = fs::weakly_canonical(entry, ec);
        if (ec || !Inside(target, real_root_)) continue;
        if (::stat(entry.c_str(), &est) != 0) continue;  // Dangling link.
      }
      if (S_ISDIR(est.st_mode)) {
        Walk(entry);
      } else if (S_ISREG(est.st_mode) && IsContentFile(name)) {
        AddFile(entry, root_, est, S_ISLNK(lst.st_mode));
      }
    }
  }

  FileList* files_;
  std::vector<std::pair<std::string, std::string>>* problems_;
  uint32_t root_ = 0;
  fs::path real_root_;
  std::set<std::pair<dev_t, ino_t>> visited_;
};

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
                   int64_t mtime_ns, uint64_t inode, bool via_link) {
  std::string_view rel = path;
  if (rel.substr(0, prefixes_[root].size()) == prefixes_[root])
    rel.remove_prefix(prefixes_[root].size());
  entries_.push_back(Entry{arena_.size(), static_cast<uint32_t>(rel.size()),
                           root, size, mtime_ns, inode, via_link});
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
  if (std::any_of(entries_.begin(), entries_.end(),
                  [](const Entry& e) { return e.via_link; })) {
    // A link to a file listed anyway (or through an earlier link) would
    // index the same file twice.
    std::unordered_set<uint64_t> seen;
    for (const Entry& e : entries_)
      if (!e.via_link) seen.insert(e.inode);
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const Entry& e) {
                                    return e.via_link &&
                                           !seen.insert(e.inode).second;
                                  }),
                   entries_.end());
  }
  // No shrink_to_fit: it would copy the list (a second copy resident at the
  // peak), while the unused capacity of a large block is never touched and
  // so never resident.
}

Result<FileList> ListContentFiles(
    const std::vector<std::string>& roots,
    std::vector<std::pair<std::string, std::string>>* problems) {
  FileList files;
  Walker walker(&files, problems);
  for (const std::string& given : roots) {
    const fs::path root = AbsolutePath(given);
    struct stat st;
    if (::stat(root.c_str(), &st) != 0)
      return NotFound("no such file or folder: " + given);
    if (S_ISREG(st.st_mode)) {
      walker.AddFile(root.string(), files.AddRoot(root.parent_path().string()),
                     st, false);
      continue;
    }
    if (!S_ISDIR(st.st_mode))
      return InvalidArgument("not a file or folder: " + given);
    std::error_code ec;
    const fs::path real_root = fs::canonical(root, ec);
    if (ec) return IOError("cannot resolve " + given + ": " + ec.message());
    walker.WalkRoot(root, real_root);
  }
  files.Finish();
  return files;
}

}  // namespace nsearch::indexer
