// A shard list: the shards one query searches as one index (README
// "Shards", docs/SCALING.md). Given as `--shard-list FILE`, or as the
// XAPIANDB stub of an index folder that is not an nsearch generation stub.
// One shard a line:
//
//   PATH                   an nsearch index folder, or one shard folder of
//   auto PATH              one (relative paths from the list's folder)
//   remote tcp HOST PORT   a shard served by `nsearch serve` (Xapian's
//   remote HOST:PORT       remote backend; the second is Xapian's own
//                          stub syntax)
//
// Blank lines and lines starting with '#' are skipped.

#ifndef NSEARCH_COMMON_SHARD_LIST_H_
#define NSEARCH_COMMON_SHARD_LIST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace nsearch {

// The most shards one list may name, and the largest list file.
inline constexpr size_t kMaxListedShards = 1024;
inline constexpr size_t kMaxShardListBytes = 1 << 20;

struct ShardAddress {
  std::string path;  // Local shards: an absolute path.
  std::string host;  // Remote shards: a host name or address, and a port.
  unsigned port = 0;
  static ShardAddress Local(std::string path) {
    return {std::move(path), "", 0};
  }
  static ShardAddress Remote(std::string host, unsigned port) {
    return {"", std::move(host), port};
  }
  bool remote() const { return !host.empty(); }
  // How messages name the shard: its path, or "tcp://HOST:PORT".
  std::string Name() const;
};

// Parses the text of a list; `base` is the folder relative paths start
// from, `where` names the list in messages. kInvalidArgument names the
// line at fault; an empty list is an error too.
Result<std::vector<ShardAddress>> ParseShardList(std::string_view text,
                                                 const std::string& base,
                                                 const std::string& where);

// Reads and parses the list file at `path`.
//   kNotFound         no such file
//   kInvalidArgument  not a regular file, too large, or a bad line
Result<std::vector<ShardAddress>> ReadShardList(const std::string& path);

// Parses "HOST:PORT" or "PORT" (the host is then `default_host`); the port
// must be 1 to 65535. `[v6]:PORT` takes an IPv6 address.
Result<ShardAddress> ParseHostPort(std::string_view text,
                                   const std::string& default_host);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_SHARD_LIST_H_
