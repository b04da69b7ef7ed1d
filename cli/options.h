// Boost.Program_options helpers shared by the subcommands.

#ifndef NSEARCH_CLI_OPTIONS_H_
#define NSEARCH_CLI_OPTIONS_H_

#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "common/status.h"

namespace nsearch::cli {

namespace po = boost::program_options;

// Parses `args` into `vm`. Returns kInvalidArgument with Boost's message
// for unknown options and bad values.
inline Status ParseArgs(const std::vector<std::string>& args,
                        const po::options_description& options,
                        const po::positional_options_description& positional,
                        po::variables_map* vm) {
  try {
    po::store(po::command_line_parser(args)
                  .options(options)
                  .positional(positional)
                  .style(po::command_line_style::default_style &
                         ~po::command_line_style::allow_guessing)
                  .run(),
              *vm);
    po::notify(*vm);
  } catch (const po::error& e) {
    return InvalidArgument(std::string(e.what()) + " (see --help)");
  }
  return Status::Ok();
}

inline void PrintHelp(const char* usage,
                      const po::options_description& options) {
  std::cout << usage << "\n\n" << options << "\n";
}

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_OPTIONS_H_
