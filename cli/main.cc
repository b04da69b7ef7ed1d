// nsearch: the command-line entry point. Dispatches to one subcommand from
// the table in cli.cc; each maps the Status it gets back to an exit code.

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

#include "cli/cli.h"
#include "cli/fd_streambuf.h"
#include "cli/help.h"

namespace {

// A closed fd 0, 1 or 2 would be reused by the next open(): the index
// could become "stdin" (batch mode would read its tables as requests) or
// "stdout". Point each closed one at /dev/null, so a closed stdin reads
// as empty and output to a closed stdout is dropped.
void OpenMissingStandardFds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

// Xapian 1.4 trusts the blocks it reads: some damage to a table crashes
// it inside a search rather than raising DatabaseCorruptError (issue 11,
// item 4). A crash cannot be undone, but it can be explained; the signal
// is then raised again, so the exit status and any core dump stay.
extern "C" void OnFatalSignal(int signal) {
  static const char kMessage[] =
      "nsearch: crashed (fatal signal); the index may be damaged: run "
      "'nsearch check' (exit 3 if so) and rebuild it with 'nsearch index "
      "--rebuild'\n";
  const ssize_t written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  static_cast<void>(written);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void ExplainCrashes() {
#if defined(__SANITIZE_ADDRESS__)
  return;  // AddressSanitizer's own report says more.
#endif
  struct sigaction action = {};
  action.sa_handler = OnFatalSignal;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL})
    ::sigaction(signal, &action, nullptr);
}

int RunCommand(int argc, char** argv) {
  if (argc < 2) {
    nsearch::cli::PrintTopLevelHelp(std::cerr);
    return nsearch::cli::kExitUsage;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" ||
      (command == "help" && !args.empty() &&
       (args[0] == "--help" || args[0] == "-h"))) {
    nsearch::cli::PrintTopLevelHelp(std::cout);
    return nsearch::cli::kExitOk;
  }
  if (command == "help") return nsearch::cli::RunHelpCommand(args);
  if (command == "--version" || command == "-V" || command == "version") {
    nsearch::cli::PrintVersion(std::cout);
    return nsearch::cli::kExitOk;
  }
  // Hidden: man pages and completions for the build (cli/help.h).
  if (command == "__generate") return nsearch::cli::RunGenerateCommand(args);
  for (const auto& c : nsearch::cli::Commands()) {
    if (command != c.name) continue;
    nsearch::cli::SetRunningCommand(c.name);
    return c.run(args);
  }
  return nsearch::cli::Fail(
      nsearch::cli::FormatFromRawArgs(args),
      nsearch::InvalidArgument("unknown command '" + command +
                               "' (try nsearch --help)"));
}

}  // namespace

int main(int argc, char** argv) {
  OpenMissingStandardFds();
  ExplainCrashes();
  std::ios::sync_with_stdio(false);
  // Our own stdout buffer, which keeps the errno of a failed write: a full
  // disk or a closed pipe must not pass for success.
  // Static (64 KiB), and taken out again before main returns: std::cout is
  // flushed once more at exit, after this buffer is gone.
  static nsearch::cli::FdStreamBuf stdout_buffer(STDOUT_FILENO);
  std::streambuf* const original = std::cout.rdbuf(&stdout_buffer);
  int code = nsearch::cli::kExitFailure;
  try {
    code = RunCommand(argc, argv);
  } catch (const std::exception& e) {
    // Last resort: library code returns Status; anything here is a bug.
    std::cerr << "nsearch: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "nsearch: internal error\n";
  }
  std::cout.flush();
  std::cout.rdbuf(original);
  nsearch::cli::FinishPager();
  int error = stdout_buffer.error();
  // The user quit the pager before the end: not a failure.
  if (error == EPIPE && nsearch::cli::PagerStarted()) error = 0;
  if (error != 0) {
    std::cerr << "nsearch: cannot write to stdout: " << std::strerror(error)
              << "\n";
    return nsearch::cli::kExitFailure;
  }
  return code;
}
