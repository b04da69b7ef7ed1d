#include "common/shard_list.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/text_util.h"

namespace nsearch {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> Words(std::string_view line) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

Result<unsigned> ParsePort(std::string_view text) {
  const std::optional<unsigned> port = ParseDigits(text, 5);
  if (!port || *port == 0 || *port > 65535) return InvalidArgument("bad port");
  return *port;
}

std::string Absolute(const std::string& base, const std::string& path) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base) / p;
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal().string();
}

// One line's shard; nullopt for blank and comment lines.
Result<std::optional<ShardAddress>> ParseLine(std::string_view raw,
                                              const std::string& base) {
  const std::string_view line = Trim(raw);
  if (line.empty() || line[0] == '#') return std::optional<ShardAddress>();
  const std::vector<std::string> w = Words(line);
  if (w[0] == "remote") {
    if (w.size() == 4 && w[1] == "tcp") {
      auto port = ParsePort(w[3]);
      if (!port.ok()) return InvalidArgument("bad port '" + w[3] + "'");
      return std::optional<ShardAddress>(ShardAddress::Remote(w[2], *port));
    }
    if (w.size() == 2 && w[1][0] != ':') {
      NSEARCH_ASSIGN_OR_RETURN(ShardAddress a, ParseHostPort(w[1], ""));
      if (!a.host.empty()) return std::optional<ShardAddress>(a);
    }
    return InvalidArgument(
        "expected 'remote tcp HOST PORT' or 'remote HOST:PORT'");
  }
  std::string path(line);
  if (w.size() == 2 && (w[0] == "auto" || w[0] == "glass")) path = w[1];
  return std::optional<ShardAddress>(ShardAddress::Local(Absolute(base, path)));
}

}  // namespace

std::string ShardAddress::Name() const {
  if (!remote()) return path;
  const bool v6 = host.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ShardAddress> ParseHostPort(std::string_view text,
                                   const std::string& default_host) {
  std::string host = default_host;
  std::string_view port = text;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find("]:");
    if (close == std::string_view::npos)
      return InvalidArgument("expected [ADDRESS]:PORT, not '" +
                             std::string(text) + "'");
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else if (const size_t colon = text.rfind(':');
             colon != std::string_view::npos) {
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  auto number = ParsePort(port);
  if (!number.ok() || host.empty())
    return InvalidArgument(
        "expected HOST:PORT with a port from 1 to 65535, "
        "not '" +
        std::string(text) + "'");
  return ShardAddress::Remote(host, *number);
}

Result<std::vector<ShardAddress>> ParseShardList(std::string_view text,
                                                 const std::string& base,
                                                 const std::string& where) {
  std::vector<ShardAddress> shards;
  size_t number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++number;
    auto shard = ParseLine(text.substr(start, end - start), base);
    if (!shard.ok())
      return InvalidArgument(where + ", line " + std::to_string(number) + ": " +
                             shard.error().message());
    if (*shard) shards.push_back(**shard);
    if (shards.size() > kMaxListedShards)
      return InvalidArgument(where + " names more than " +
                             std::to_string(kMaxListedShards) + " shards");
    start = end + 1;
  }
  if (shards.empty()) return InvalidArgument(where + " names no shard");
  return shards;
}

Result<std::vector<ShardAddress>> ReadShardList(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return NotFound("no shard list at " + path);
  if (!fs::is_regular_file(status) ||
      fs::file_size(path, ec) > kMaxShardListBytes || ec)
    return InvalidArgument("shard list " + path +
                           " is not a regular file of at most 1 MiB");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return IOError("cannot read shard list " + path);
  const std::string folder =
      fs::path(Absolute(".", path)).parent_path().string();
  return ParseShardList(text.str(), folder, "shard list " + path);
}

}  // namespace nsearch
