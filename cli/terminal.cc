#include "cli/terminal.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace nsearch::cli {

namespace {

ColorChoice g_color = ColorChoice::kAuto;
pid_t g_pager = -1;

bool EnvSet(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

bool AutoColorFor(int fd) {
  if (EnvSet("NO_COLOR")) return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

// A positive number from the environment, or 0.
size_t EnvSize(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return 0;
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  return *end == '\0' && n > 0 && n < 100000 ? static_cast<size_t>(n) : 0;
}

struct TerminalSize {
  bool is_terminal = false;
  size_t width = 80;
  size_t height = 0;
};

// Decided once, so that a pager that takes stdout over later changes
// nothing.
const TerminalSize& Size() {
  static const TerminalSize size = [] {
    TerminalSize s;
    s.is_terminal = ::isatty(STDOUT_FILENO) == 1;
    if (!s.is_terminal) return s;
    struct winsize ws = {};
    const bool known = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0;
    if (const size_t columns = EnvSize("COLUMNS")) {
      s.width = columns;
    } else if (known && ws.ws_col > 0) {
      s.width = ws.ws_col;
    }
    if (const size_t lines = EnvSize("LINES")) {
      s.height = lines;
    } else if (known) {
      s.height = ws.ws_row;
    }
    return s;
  }();
  return size;
}

// The length of the ANSI escape sequence at text[i] (ESC [ ... final),
// or 0.
size_t EscapeLength(const std::string& text, size_t i) {
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') return 0;
  size_t j = i + 2;
  while (j < text.size() && !(text[j] >= 0x40 && text[j] <= 0x7e)) ++j;
  return j < text.size() ? j - i + 1 : text.size() - i;
}

bool IsWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

// Walks `text`, calling visit(begin, length, columns) for each escape
// sequence (0 columns) and code point.
template <typename Visit>
void ForEachUnit(const std::string& text, Visit visit) {
  size_t i = 0;
  while (i < text.size()) {
    if (const size_t esc = EscapeLength(text, i)) {
      visit(i, esc, 0);
      i += esc;
      continue;
    }
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 1;
    if (i + length > text.size()) length = text.size() - i;
    char32_t c = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k)
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const size_t columns = (c >= 0x300 && c <= 0x36F) ? 0 : IsWide(c) ? 2 : 1;
    visit(i, length, columns);
    i += length;
  }
}

// The program of a pager command line, found on $PATH (or given with a
// slash) and executable.
bool ProgramExists(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

Result<ColorChoice> ParseColorChoice(const std::string& name) {
  if (name == "auto") return ColorChoice::kAuto;
  if (name == "always") return ColorChoice::kAlways;
  if (name == "never") return ColorChoice::kNever;
  return InvalidArgument("--color must be auto, always or never (got '" + name +
                         "')");
}

void SetColorChoice(ColorChoice choice) { g_color = choice; }

bool UseColor() {
  if (g_color != ColorChoice::kAuto) return g_color == ColorChoice::kAlways;
  return !EnvSet("NO_COLOR") && Size().is_terminal && [] {
    const char* term = std::getenv("TERM");
    return term == nullptr || std::string(term) != "dumb";
  }();
}

bool UseColorOnStderr() {
  if (g_color != ColorChoice::kAuto) return g_color == ColorChoice::kAlways;
  return AutoColorFor(STDERR_FILENO);
}

bool StdoutIsTerminal() { return Size().is_terminal; }

size_t TerminalWidth() { return Size().width; }

size_t TerminalHeight() { return Size().height; }

void StartPager() {
  if (g_pager > 0 || !StdoutIsTerminal()) return;
  const char* env = std::getenv("PAGER");
  const std::string command = env != nullptr ? env : "less -FRX";
  std::vector<std::string> words;
  size_t i = 0;
  while (i < command.size()) {
    while (i < command.size() && command[i] == ' ') ++i;
    const size_t start = i;
    while (i < command.size() && command[i] != ' ') ++i;
    if (i > start) words.push_back(command.substr(start, i - start));
  }
  if (words.empty() || words[0] == "cat") return;
  // Quotes, pipes, variables: a command for the shell, as git runs it.
  const bool shell =
      command.find_first_of("\"'\\|&;<>()$`*?[]{}~") != std::string::npos;
  if (!shell && !ProgramExists(words[0])) return;  // Print unpaged.
  int fds[2];
  if (::pipe(fds) != 0) return;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid == 0) {
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::setenv("LESS", "FRX", 0);
    ::setenv("LV", "-c", 0);
    if (shell) {
      ::execl("/bin/sh", "sh", "-c", command.c_str(),
              static_cast<char*>(nullptr));
    } else {
      std::vector<char*> argv;
      for (auto& w : words) argv.push_back(w.data());
      argv.push_back(nullptr);
      ::execvp(argv[0], argv.data());
    }
    ::_exit(127);
  }
  ::close(fds[0]);
  ::dup2(fds[1], STDOUT_FILENO);
  ::close(fds[1]);
  // A pager the user quits early closes the pipe: the writes then fail
  // with EPIPE (main() knows it is no error) instead of killing us.
  std::signal(SIGPIPE, SIG_IGN);
  g_pager = pid;
}

void FinishPager() {
  if (g_pager <= 0) return;
  // The pager reads to EOF once no one holds the pipe's write end; fd 1
  // stays open (on /dev/null) for whatever flushes at exit.
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) {
    ::dup2(null, STDOUT_FILENO);
    ::close(null);
  } else {
    ::close(STDOUT_FILENO);
  }
  // Ctrl-C in the pager is for the pager.
  std::signal(SIGINT, SIG_IGN);
  int status = 0;
  while (::waitpid(g_pager, &status, 0) < 0 && errno == EINTR) {
  }
  std::signal(SIGINT, SIG_DFL);
}

bool PagerStarted() { return g_pager > 0; }

size_t DisplayWidth(const std::string& text) {
  size_t columns = 0;
  ForEachUnit(text, [&](size_t, size_t, size_t c) { columns += c; });
  return columns;
}

std::string WrapText(const std::string& text, size_t width, size_t indent) {
  if (width <= indent + 10) width = indent + 10;
  // Leading spaces (a right-aligned rank) stay.
  size_t i = std::min(text.find_first_not_of(' '), text.size());
  std::string out, line(i, ' ');
  size_t line_width = i;
  size_t line_start = i;  // Columns before the line's first word.
  while (i <= text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(i, end - i);
    i = end + 1;
    if (word.empty()) {
      if (end == text.size()) break;
      continue;
    }
    const size_t w = DisplayWidth(word);
    if (line_width > line_start && line_width + 1 + w > width) {
      out += line + "\n";
      line = std::string(indent, ' ');
      line_width = line_start = indent;
    }
    if (line_width > line_start) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += w;
    if (end == text.size()) break;
  }
  return out + line;
}

std::string CutToWidth(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  if (width < 2) return "…";
  // Keep what fits in width - 1 columns (room for the ellipsis), then go
  // back to the last space when there is one in the second half.
  std::string kept;
  size_t columns = 0, last_space = std::string::npos;
  bool in_color = false, full = false;
  ForEachUnit(text, [&](size_t at, size_t length, size_t c) {
    if (full || columns + c > width - 1) {
      full = true;
      return;
    }
    if (c == 0 && length > 1 && text[at] == '\x1b')
      in_color = text.compare(at, length, "\x1b[0m") != 0;
    if (text[at] == ' ' && columns > width / 2) last_space = kept.size();
    kept.append(text, at, length);
    columns += c;
  });
  if (last_space != std::string::npos) kept.resize(last_space);
  while (!kept.empty() && kept.back() == ' ') kept.pop_back();
  return kept + (in_color ? "\x1b[0m…" : "…");
}

std::string RelativePath(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec || path.empty() || path[0] != '/') return path;
  const std::string relative =
      std::filesystem::path(path).lexically_relative(cwd).string();
  return !relative.empty() && relative.size() < path.size() ? relative : path;
}

std::string CountOf(size_t count, const std::string& singular,
                    const std::string& plural) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural);
}

}  // namespace nsearch::cli
