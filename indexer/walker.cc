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

bool IsContentFile(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".md" || ext == ".markdown";
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
  Walker(std::vector<SourceFile>* files,
         std::vector<std::pair<std::string, std::string>>* problems)
      : files_(files), problems_(problems) {}

  void WalkRoot(const fs::path& root, const fs::path& real_root) {
    root_ = root;
    real_root_ = real_root;
    Walk(root);
  }

  void AddFile(const fs::path& path, const fs::path& root,
               const struct stat& st) {
    files_->push_back({path.string(), root.string(),
                       static_cast<int64_t>(st.st_size), MtimeNs(st)});
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
      } else if (S_ISREG(est.st_mode) && IsContentFile(fs::path(name))) {
        const uint64_t inode = (static_cast<uint64_t>(est.st_dev) << 40) ^
                               static_cast<uint64_t>(est.st_ino);
        if (!seen_files_.insert(inode).second && S_ISLNK(lst.st_mode))
          continue;  // A link to a file already listed.
        AddFile(entry, root_, est);
      }
    }
  }

  std::vector<SourceFile>* files_;
  std::vector<std::pair<std::string, std::string>>* problems_;
  fs::path root_;
  fs::path real_root_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  std::unordered_set<uint64_t> seen_files_;
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

Result<std::vector<SourceFile>> ListContentFiles(
    const std::vector<std::string>& roots,
    std::vector<std::pair<std::string, std::string>>* problems) {
  std::vector<SourceFile> files;
  Walker walker(&files, problems);
  for (const std::string& given : roots) {
    const fs::path root = AbsolutePath(given);
    struct stat st;
    if (::stat(root.c_str(), &st) != 0)
      return NotFound("no such file or folder: " + given);
    if (S_ISREG(st.st_mode)) {
      walker.AddFile(root, root.parent_path(), st);
      continue;
    }
    if (!S_ISDIR(st.st_mode))
      return InvalidArgument("not a file or folder: " + given);
    std::error_code ec;
    const fs::path real_root = fs::canonical(root, ec);
    if (ec) return IOError("cannot resolve " + given + ": " + ec.message());
    walker.WalkRoot(root, real_root);
  }
  std::sort(
      files.begin(), files.end(),
      [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  files.erase(std::unique(files.begin(), files.end(),
                          [](const SourceFile& a, const SourceFile& b) {
                            return a.path == b.path;
                          }),
              files.end());
  return files;
}

}  // namespace nsearch::indexer
