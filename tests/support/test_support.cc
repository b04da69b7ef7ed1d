#include "tests/support/test_support.h"

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace nsearch::testing {

namespace fs = std::filesystem;

std::string SourceDir() { return NSEARCH_SOURCE_DIR; }
std::string BinaryPath() { return NSEARCH_BINARY; }

std::string SharedCorpusDir() {
  const fs::path dir = fs::path(SourceDir()) / ".." / "shared" / "corpus";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return "";
  return fs::canonical(dir, ec).string();
}

namespace {

// In a forked child: becomes the nsearch binary with `args`.
[[noreturn]] void ExecNsearch(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  const std::string bin = BinaryPath();
  argv.push_back(const_cast<char*>(bin.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(bin.c_str(), argv.data());
  ::_exit(127);
}

// Forks nsearch with stdin, stdout and stderr redirected to files and
// extra environment variables; returns the child's pid.
int ForkNsearch(const std::vector<std::string>& args,
                const std::string& in_path, const std::string& out_path,
                const std::string& err_path,
                const std::vector<std::string>& env,
                size_t max_file_bytes = 0) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (max_file_bytes > 0) {
      // Writes past the limit fail with EFBIG, as on a full disk, instead
      // of killing the process with SIGXFSZ.
      ::signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{max_file_bytes, max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    const int in = in_path.empty() ? -1 : ::open(in_path.c_str(), O_RDONLY);
    const int out =
        ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err =
        ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (in < 0) {
      ::close(0);
    } else {
      ::dup2(in, 0);
    }
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    ExecNsearch(args);
  }
  return pid;
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl =
      (fs::temp_directory_path() / "nsearch-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& relative,
                           const std::string& content) const {
  const fs::path p = fs::path(path_) / relative;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p.string();
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TempDir* SampleIndexTest::dir_ = nullptr;
std::string SampleIndexTest::index_;

int IndexSampleContent(const std::string& index) {
  return RunNsearch({"index", "--index", index, SourceDir() + "/data/content"})
      .exit_code;
}

void SampleIndexTest::SetUpTestSuite() {
  dir_ = new TempDir();
  index_ = dir_->path() + "/index";
  ASSERT_EQ(0, IndexSampleContent(index_));
}

void SampleIndexTest::TearDownTestSuite() {
  delete dir_;
  dir_ = nullptr;
}

int SpawnNsearch(const std::vector<std::string>& args,
                 const std::string& out_path, const std::string& err_path) {
  return ForkNsearch(args, "/dev/null", out_path, err_path, {});
}

int SpawnNsearchWithInput(const std::vector<std::string>& args,
                          const std::string& in_path,
                          const std::string& out_path,
                          const std::string& err_path) {
  return ForkNsearch(args, in_path, out_path, err_path, {});
}

int RunNsearchRedirected(const std::vector<std::string>& args,
                         const std::string& in_path,
                         const std::string& out_path,
                         const std::string& err_path) {
  return WaitForExit(ForkNsearch(args, in_path, out_path, err_path, {}));
}

int WaitForExit(int pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Conversation::Conversation(const std::vector<std::string>& args) {
  // Close-on-exec: other processes a test starts later must not hold this
  // pipe open (the child would never see its stdin end).
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    const int err = ::open("/dev/null", O_WRONLY);
    ::dup2(err, 2);
    ::close(in[1]);
    ::close(out[0]);
    ExecNsearch(args);
  }
  ::close(in[0]);
  ::close(out[1]);
  to_child_ = in[1];
  from_child_ = ::fdopen(out[0], "r");
}

Conversation::~Conversation() {
  if (pid_ > 0) Finish();
}

std::string Conversation::Ask(const std::string& line) {
  const std::string data = line + "\n";
  if (::write(to_child_, data.data(), data.size()) !=
      static_cast<ssize_t>(data.size()))
    return "";
  std::string reply;
  for (int c;
       (c = std::fgetc(static_cast<FILE*>(from_child_))) != EOF && c != '\n';)
    reply.push_back(static_cast<char>(c));
  return reply;
}

int Conversation::Finish() {
  if (to_child_ >= 0) ::close(to_child_);
  to_child_ = -1;
  const int code = WaitForExit(pid_);
  pid_ = -1;
  if (from_child_) std::fclose(static_cast<FILE*>(from_child_));
  from_child_ = nullptr;
  return code;
}

RunResult RunNsearch(const std::vector<std::string>& args,
                     const std::vector<std::string>& env,
                     const std::string& stdin_text) {
  return RunNsearchWithFileLimit(args, 0, env, stdin_text);
}

RunResult RunNsearchWithFileLimit(const std::vector<std::string>& args,
                                  size_t max_file_bytes,
                                  const std::vector<std::string>& env,
                                  const std::string& stdin_text) {
  TempDir io;
  const std::string out_path = io.path() + "/out";
  const std::string err_path = io.path() + "/err";
  const std::string in_path = io.Write("in", stdin_text);
  const int pid =
      ForkNsearch(args, in_path, out_path, err_path, env, max_file_bytes);
  RunResult r;
  r.exit_code = WaitForExit(pid);
  r.out = ReadFileOrDie(out_path);
  r.err = ReadFileOrDie(err_path);
  return r;
}

}  // namespace nsearch::testing
