// Helpers shared by the tests: temporary folders, file writing, and running
// the real nsearch binary.

#ifndef NSEARCH_TESTS_SUPPORT_TEST_SUPPORT_H_
#define NSEARCH_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace nsearch::testing {

// The repository root and the built binary (set by CMake).
std::string SourceDir();
std::string BinaryPath();
// ../shared/corpus relative to the repository root ("" when absent).
std::string SharedCorpusDir();

// A fresh temporary folder, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/relative, creating folders.
  std::string Write(const std::string& relative,
                    const std::string& content) const;

 private:
  std::string path_;
};

// A test suite sharing one index of the bundled sample (data/content),
// built once per suite in a temporary folder: `index_`.
// Builds a fresh index of the bundled sample (data/content) at `index`
// with the nsearch binary; the exit code of that run.
int IndexSampleContent(const std::string& index);

class SampleIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  static TempDir* dir_;
  static std::string index_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the nsearch binary with `args` (no shell), with extra environment
// variables ("NAME=value") and optional stdin text.
RunResult RunNsearch(const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {},
                     const std::string& stdin_text = "");

// The same with every file nsearch writes limited to `max_file_bytes`
// (RLIMIT_FSIZE): writes past it fail with EFBIG, as on a full disk.
RunResult RunNsearchWithFileLimit(const std::vector<std::string>& args,
                                  size_t max_file_bytes,
                                  const std::vector<std::string>& env = {},
                                  const std::string& stdin_text = "");

std::string ReadFileOrDie(const std::string& path);

// Starts nsearch in the background (stdout and stderr to /dev/null unless
// paths are given); returns its pid.
int SpawnNsearch(const std::vector<std::string>& args,
                 const std::string& out_path = "/dev/null",
                 const std::string& err_path = "/dev/null");
// Runs nsearch with stdin, stdout and stderr redirected to files (an empty
// `in_path` runs it with stdin closed); returns its exit code.
int RunNsearchRedirected(const std::vector<std::string>& args,
                         const std::string& in_path,
                         const std::string& out_path,
                         const std::string& err_path);
// Starts nsearch in the background reading stdin from `in_path`.
int SpawnNsearchWithInput(const std::vector<std::string>& args,
                          const std::string& in_path,
                          const std::string& out_path,
                          const std::string& err_path);
// Waits for a spawned process: its exit code, or 128 + signal.
int WaitForExit(int pid);

// nsearch with a pipe to its stdin and from its stdout, for batch mode.
class Conversation {
 public:
  explicit Conversation(const std::vector<std::string>& args);
  ~Conversation();
  // Sends one line (a newline is added) and reads one line back ("" at EOF).
  std::string Ask(const std::string& line);
  // Closes stdin and returns the exit code.
  int Finish();

 private:
  int pid_ = -1;
  int to_child_ = -1;
  void* from_child_ = nullptr;  // FILE*
};

}  // namespace nsearch::testing

#endif  // NSEARCH_TESTS_SUPPORT_TEST_SUPPORT_H_
