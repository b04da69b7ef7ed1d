#include "indexer/scratch_texts.h"

#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

#include "common/byte_order.h"

namespace nsearch::indexer {

namespace {

// A record: the sizes of the two strings (4 bytes each, little-endian),
// then their bytes.
constexpr size_t kHeader = 8;
// Buffered before a write: one write() a few thousand pairs.
constexpr size_t kBufferBytes = 1 << 20;

[[noreturn]] void Fail(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path);
}

}  // namespace

template <typename Io>
void ScratchTexts::Transfer(size_t size, const char* what, const Io& io) const {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = io(done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      Fail(what, path_);
    }
    done += static_cast<size_t>(n);
  }
}

ScratchTexts::ScratchTexts(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) Fail("cannot create", path_);
}

ScratchTexts::~ScratchTexts() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

uint64_t ScratchTexts::Add(std::string_view first, std::string_view second) {
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max();
  if (first.size() > kMax || second.size() > kMax)
    throw std::system_error(EFBIG, std::generic_category(),
                            "a text of 4 GiB or more for " + path_);
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t at = written_ + buffer_.size();
  PutLittleEndian<uint32_t>(static_cast<uint32_t>(first.size()), &buffer_);
  PutLittleEndian<uint32_t>(static_cast<uint32_t>(second.size()), &buffer_);
  buffer_.append(first);
  buffer_.append(second);
  if (buffer_.size() >= kBufferBytes) Flush();
  return at;
}

void ScratchTexts::Flush() const {
  Transfer(buffer_.size(), "cannot write", [&](size_t done) {
    return ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done,
                    static_cast<off_t>(written_ + done));
  });
  written_ += buffer_.size();
  buffer_.clear();
}

std::string ScratchTexts::Bytes(uint64_t offset, uint64_t size) const {
  if (offset + size > written_ + buffer_.size())
    throw std::out_of_range("no such text in " + path_);
  if (offset + size > written_) Flush();
  std::string out(size, '\0');
  Transfer(size, "cannot read", [&](size_t done) {
    return ::pread(fd_, out.data() + done, size - done,
                   static_cast<off_t>(offset + done));
  });
  return out;
}

std::pair<std::string, std::string> ScratchTexts::Read(uint64_t at) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string header = Bytes(at, kHeader);
  const uint32_t first = GetLittleEndian<uint32_t>(header, 0),
                 second = GetLittleEndian<uint32_t>(header, 4);
  std::string both = Bytes(at + kHeader, uint64_t{first} + second);
  std::string tail = both.substr(first);
  both.resize(first);
  return {std::move(both), std::move(tail)};
}

}  // namespace nsearch::indexer
