// nsearch: the command-line entry point. Dispatches to one subcommand from
// the table in cli.cc; each maps the Status it gets back to an exit code.

#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace {

void PrintUsage(std::ostream& out) {
  out << "Usage: nsearch COMMAND [OPTIONS]\n\n"
         "A search engine for news and content sites: indexes Markdown files\n"
         "with YAML front matter into Xapian and answers ranked queries.\n\n"
         "Commands:\n";
  for (const auto& c : nsearch::cli::Commands()) {
    std::string name = c.name;
    name.resize(8, ' ');
    out << "  " << name << c.summary << "\n";
  }
  out << "\nRun 'nsearch COMMAND --help' for a command's options.\n"
         "Index location: --index DIR, else $NSEARCH_INDEX, else\n"
         "${XDG_DATA_HOME:-~/.local/share}/nsearch/index.\n\n"
         "Exit codes: 0 success (also zero hits), 1 runtime failure, 2 usage\n"
         "error or invalid query, 3 index missing/incompatible/corrupt,\n"
         "4 index busy, 5 files rejected under --strict.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  try {
    if (argc < 2) {
      PrintUsage(std::cerr);
      return nsearch::cli::kExitUsage;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
      PrintUsage(std::cout);
      return nsearch::cli::kExitOk;
    }
    if (command == "--version" || command == "-V") {
      std::cout << "nsearch " << NSEARCH_VERSION << "\n";
      return nsearch::cli::kExitOk;
    }
    std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : nsearch::cli::Commands()) {
      if (command == c.name) return c.run(args);
    }
    std::cerr << "nsearch: error: unknown command '" << command
              << "' (try nsearch --help)\n";
    return nsearch::cli::kExitUsage;
  } catch (const std::exception& e) {
    // Last resort: library code returns Status; anything here is a bug.
    std::cerr << "nsearch: internal error: " << e.what() << "\n";
    return nsearch::cli::kExitFailure;
  } catch (...) {
    std::cerr << "nsearch: internal error\n";
    return nsearch::cli::kExitFailure;
  }
}
