// nsearch serve: one index (or one shard of one) for remote queries, over
// Xapian's remote backend (README "Shards", docs/SCALING.md).
//
// The server is Xapian's own xapian-tcpsrv (package xapian-tools), run in
// this process's place: nsearch ranks and counts with Xapian's own classes
// only (searcher/prior.h, searcher/facets.h), so the stock server rebuilds
// every query. It opens the index afresh for each connection (following
// a --rebuild's new generation), and a client's reopen moves it to the
// newest commit.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "common/shard_list.h"
#include "common/text_util.h"

namespace nsearch::cli {

namespace {

constexpr int64_t kMaxTimeoutSeconds = 86400;

// Checks that `path` is an nsearch index this machine can serve.
Status CheckServable(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec))
    return InvalidArgument("serve takes an index folder, not a shard list");
  const auto opened = searcher::Searcher::Open(path);
  return opened.ok() ? Status::Ok() : opened.error();
}

}  // namespace

int RunServeCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, format_flag, listen = "127.0.0.1:33333";
  int64_t timeout = 0;
  AddCommonOptions(&options, &index_flag, &format_flag,
                   "text (default) or json: how errors are printed");
  // clang-format off
  options.add_options()
      ("listen", po::value(&listen)->value_name("[HOST:]PORT"),
       "address to listen on (default 127.0.0.1:33333; a port alone listens "
       "on 127.0.0.1)")
      ("timeout", po::value(&timeout)->value_name("SECONDS"),
       "close a connection idle or busy for this long (1 to 86400; default: "
       "xapian-tcpsrv's)")
      ("verbose,v", "print a line for each connection")
      ("path", po::value(&index_flag), "the index folder");
  // clang-format on
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code = ParseCommandLine(
          args, options, Operands("path", 1), format_flag, &vm, &fmt,
          "Usage: nsearch serve [OPTIONS] [INDEX]\n\n"
          "Serves an index, or one shard folder of a sharded index, to\n"
          "queries on other machines (--shard-list with 'remote tcp HOST\n"
          "PORT'), with Xapian's xapian-tcpsrv. The remote protocol has no\n"
          "authentication or encryption: listen on loopback or a private\n"
          "network, or tunnel it (docs/SCALING.md)."))
    return *exit_code;
  auto address = ParseHostPort(listen, "127.0.0.1");
  if (!address.ok())
    return Fail(fmt, InvalidArgument("--listen: " + address.error().message()));
  if (vm.count("timeout")) {
    const Status bad = CheckRange("--timeout", timeout, 1, kMaxTimeoutSeconds);
    if (!bad.ok()) return Fail(fmt, bad);
  }
  const std::string path = ResolveIndexPath(index_flag);
  const Status servable = CheckServable(path);
  if (!servable.ok()) return Fail(fmt, servable);

  std::vector<std::string> argv = {"xapian-tcpsrv", "--interface",
                                   address->host, "--port",
                                   std::to_string(address->port)};
  if (vm.count("timeout")) {
    argv.push_back("--timeout");
    argv.push_back(std::to_string(timeout * 1000));
  }
  if (!vm.count("verbose")) argv.push_back("--quiet");
  argv.push_back(path);
  std::cerr << "nsearch: serving " << TerminalSafe(path) << " on "
            << address->Name() << "\n";
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  ::execvp(raw[0], raw.data());
  const int err = errno;
  return Fail(fmt, IOError(std::string("cannot run xapian-tcpsrv (") +
                           std::strerror(err) +
                           "): install it with apt-get install xapian-tools"));
}

}  // namespace nsearch::cli
