// A std::streambuf that writes to a file descriptor and remembers why a
// write failed: iostreams only say that one did. main() puts it under
// std::cout, so that output to a full disk (or a closed pipe) ends with
// exit code 1 and "cannot write to stdout: No space left on device".
//
// Thread-compatible: one thread writes at a time.

#ifndef NSEARCH_CLI_FD_STREAMBUF_H_
#define NSEARCH_CLI_FD_STREAMBUF_H_

#include <cerrno>
#include <streambuf>
#include <unistd.h>

namespace nsearch::cli {

class FdStreamBuf : public std::streambuf {
 public:
  explicit FdStreamBuf(int fd) : fd_(fd) { setp(buffer_, buffer_ + kSize); }
  FdStreamBuf(const FdStreamBuf&) = delete;
  FdStreamBuf& operator=(const FdStreamBuf&) = delete;

  // The errno of the first failed write, or 0. After a failure nothing more
  // is written.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    if (Drain() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  int sync() override { return Drain(); }

 private:
  static constexpr int kSize = 1 << 16;

  // Writes the buffer out; -1 (and error_ set) when a write fails.
  int Drain() {
    const char* p = pbase();
    auto left = static_cast<size_t>(pptr() - pbase());
    while (left > 0 && error_ == 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        break;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    setp(buffer_, buffer_ + kSize);
    return error_ == 0 ? 0 : -1;
  }

  int fd_;
  int error_ = 0;
  char buffer_[kSize];
};

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_FD_STREAMBUF_H_
