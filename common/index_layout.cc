#include "common/index_layout.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

#include "common/hash.h"

namespace nsearch {

namespace fs = std::filesystem;

namespace {

constexpr const char* kGenerationPrefix = "gen-";
constexpr const char* kPreviousFile = "previous";
constexpr const char* kLockFile = "nsearch.lock";
constexpr const char* kShardFolderPrefix = "shard-";

std::string Errno() { return std::strerror(errno); }

// The generation number of a folder name ("gen-000012" -> 12), or -1.
long GenerationNumber(const std::string& name) {
  if (name.rfind(kGenerationPrefix, 0) != 0) return -1;
  const std::string digits = name.substr(std::strlen(kGenerationPrefix));
  if (digits.empty() ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stol(digits);
}

std::string LiveName(const std::string& dir) {
  std::ifstream in(dir + "/" + kStubFile);
  std::string kind, name;
  if (!(in >> kind >> name) || kind != "auto") return "";
  return name;
}

Status SyncFolder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IOError("cannot open " + dir + ": " + Errno());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IOError("cannot sync " + dir + ": " + Errno());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<IndexLock>> IndexLock::Acquire(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return IOError("cannot create index folder " + dir + ": " + ec.message());
  const std::string path = dir + "/" + kLockFile;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IOError("cannot open " + path + ": " + Errno());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return Busy("index is busy: another nsearch is writing to " + dir);
    return IOError("cannot lock " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<IndexLock>(new IndexLock(fd));
}

IndexLock::~IndexLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

std::string LiveGeneration(const std::string& dir) {
  const std::string name = LiveName(dir);
  if (name.rfind(kGenerationPrefix, 0) != 0) return "";
  return (fs::path(dir) / name).string();
}

bool HasOtherStub(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(dir) / kStubFile, ec)) return false;
  return LiveName(dir).rfind(kGenerationPrefix, 0) != 0;
}

bool IsPlainXapianDatabase(const std::string& dir) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / "iamglass", ec) ||
         fs::exists(fs::path(dir) / "iamchert", ec);
}

Result<std::string> CreateGeneration(const std::string& dir) {
  long highest = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    highest =
        std::max(highest, GenerationNumber(entry.path().filename().string()));
  if (ec) return IOError("cannot list " + dir + ": " + ec.message());
  char name[32];
  std::snprintf(name, sizeof name, "%s%06ld", kGenerationPrefix, highest + 1);
  const fs::path path = fs::path(dir) / name;
  fs::create_directory(path, ec);
  if (ec)
    return IOError("cannot create " + path.string() + ": " + ec.message());
  return path.string();
}

Status PublishGeneration(const std::string& dir,
                         const std::string& generation) {
  const std::string name = fs::path(generation).filename().string();
  const std::string previous = LiveName(dir);
  const std::string tmp = dir + "/" + kStubFile + ".tmp";
  {
    const int fd =
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return IOError("cannot write " + tmp + ": " + Errno());
    const std::string text = "auto " + name + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) ==
                        static_cast<ssize_t>(text.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return IOError("cannot write " + tmp + ": " + Errno());
  }
  if (::rename(tmp.c_str(), (dir + "/" + kStubFile).c_str()) != 0)
    return IOError("cannot replace " + dir + "/" + kStubFile + ": " + Errno());
  // Remember the generation readers may still have open.
  if (!previous.empty() && previous != name)
    std::ofstream(dir + "/" + kPreviousFile) << previous << "\n";
  return SyncFolder(dir);
}

unsigned ShardCount(const std::string& generation) {
  std::ifstream in(generation + "/" + kStubFile);
  unsigned n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("auto ", 0) == 0) ++n;
  return std::max(n, 1u);
}

std::string ShardPath(const std::string& generation, unsigned k, unsigned n) {
  if (n <= 1) return generation;
  return generation + "/" + kShardFolderPrefix + std::to_string(k);
}

Status WriteShardStub(const std::string& generation, unsigned n) {
  std::string text;
  for (unsigned k = 0; k < n; ++k)
    text +=
        std::string("auto ") + kShardFolderPrefix + std::to_string(k) + "\n";
  const std::string path = generation + "/" + kStubFile;
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IOError("cannot write " + path + ": " + Errno());
  const bool ok = ::write(fd, text.data(), text.size()) ==
                      static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return IOError("cannot write " + path + ": " + Errno());
  return SyncFolder(generation);
}

unsigned ShardFor(std::string_view id, unsigned n) {
  return n <= 1 ? 0 : static_cast<unsigned>(Fnv1a64(id) % n);
}

void RemoveStaleGenerations(const std::string& dir) {
  const std::string live = LiveName(dir);
  std::string previous;
  std::ifstream(dir + "/" + kPreviousFile) >> previous;
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (GenerationNumber(name) < 0 || name == live || name == previous)
      continue;
    stale.push_back(entry.path());
  }
  for (const auto& path : stale) fs::remove_all(path, ec);
}

}  // namespace nsearch
