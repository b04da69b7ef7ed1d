// One table per command: its usage lines, option groups, placeholders,
// completions and examples (see command_docs.h). A new option goes into a
// group here as well as into its command's Boost table; the tests fail
// until it is in both.

#include "cli/command_docs.h"

namespace nsearch::cli {

OptionGroup GeneralOptions(const char* formats) {
  OptionGroup general{"General options",
                      {{"index", "DIR", kCompleteDir},
                       {"color", "WHEN", "auto always never"},
                       {"no-pager", "", ""},
                       {"help", "", ""},
                       {"version", "", ""}}};
  if (formats != nullptr) {
    general.options.insert(general.options.begin() + 1,
                           {{"format", "FORMAT", formats}, {"json", "", ""}});
  }
  return general;
}

namespace {

OptionGroup ShardOptions() {
  return {"Shards",
          {{"shard-list", "FILE", kCompleteFile}, {"allow-partial", "", ""}}};
}

// The groups of a command that reads an index: its own, then the shard
// options, then the general ones (with --format FORMATS unless null).
std::vector<OptionGroup> ReaderGroups(std::vector<OptionGroup> own,
                                      const char* formats) {
  own.push_back(ShardOptions());
  own.push_back(GeneralOptions(formats));
  return own;
}

// clang-format off
CommandDocs IndexDocs() {
  return {"index",
          {"[OPTIONS] PATH..."},
          kCompleteFile,
          {{"Indexing",
            {{"rebuild", "", ""},
             {"dry-run", "", ""},
             {"strict", "", ""},
             {"schema", "FILE", kCompleteFile},
             {"shards", "N", kCompleteNone},
             {"shard", "K/N", kCompleteNone},
             {"path", "PATH", kCompleteFile, true}}},
           {"Performance",
            {{"jobs", "N", kCompleteNone},
             {"batch-size", "N", kCompleteNone}}},
           {"Output",
            {{"format", "FORMAT", "text json"},
             {"json", "", ""},
             {"verbose", "", ""}}},
           GeneralOptions(nullptr)},
          {{"nsearch index ~/sites/news", "bring the index up to date"},
           {"nsearch index --json --strict data/", "summary as JSON; exit 5 if a file was rejected"},
           {"nsearch index --rebuild data/", "a fresh index, swapped in atomically"},
           {"nsearch index --shards 4 --rebuild data/", "split the index into 4 shards, searched as one"},
           {"nsearch index --shard 2/4 data/", "build only shard 2 of 4 (one machine's share)"},
           {"nsearch index --dry-run --json data/", "what would happen, per file"}}};
}

CommandDocs QueryDocs() {
  return {"query",
          {"[OPTIONS] [--] QUERY...", "--stdin [OPTIONS]"},
          kCompleteNone,
          ReaderGroups({{"Matching",
                         {{"all", "", ""},
                          {"any", "", ""},
                          {"prefix", "", ""},
                          {"no-correct", "", ""},
                          {"query", "QUERY", kCompleteNone, true}}},
                        {"Filters",
                         {{"topic", "TOPIC", kCompleteNone},
                          {"provider", "NAME", kCompleteNone},
                          {"type", "TYPE", kCompleteNone},
                          {"since", "DATE", kCompleteNone},
                          {"until", "DATE", kCompleteNone},
                          {"min-quality", "N", kCompleteNone},
                          {"min-heat", "N", kCompleteNone}}},
                        {"Ranking",
                         {{"sort", "ORDER", "relevance date quality heat"},
                          {"no-prior", "", ""},
                          {"boost", "WEIGHTS", kCompleteNone},
                          {"half-life", "DURATION", kCompleteNone},
                          {"now", "TIME", kCompleteNone},
                          {"explain", "", ""},
                          {"expand", "", ""}}},
                        {"Results",
                         {{"limit", "N", kCompleteNone},
                          {"offset", "N", kCompleteNone},
                          {"collapse", "MODE", "story url none"},
                          {"no-collapse", "", ""},
                          {"facets", "LIST", "topic provider type year"},
                          {"facet-size", "N", kCompleteNone},
                          {"histogram", "INTERVAL", "day week month year"}}},
                        {"Output and batch mode",
                         {{"format", "FORMAT", "text json jsonl"},
                          {"json", "", ""},
                          {"parse-only", "", ""},
                          {"stdin", "", ""},
                          {"timeout-ms", "N", kCompleteNone}}}},
                       nullptr),
          {{"nsearch query 'PyTorch Azure'", "documents with all the words first, then most of them"},
           {"nsearch query --all 'kubernetes security'", "every word required"},
           {"nsearch query --topic 'Machine Learning' --sort date -n 20", "newest first, one topic"},
           {"nsearch query --json 'date:2022-05-01..2022-05-31 azure'", "one JSON object"},
           {"nsearch query -- '-aws azure'", "a query that starts with '-' follows '--'"},
           {"echo '{\"q\": \"azure\", \"id\": 1}' | nsearch query --stdin", "batch mode"}}};
}

CommandDocs SuggestDocs() {
  return {"suggest",
          {"[OPTIONS] [--] TEXT..."},
          kCompleteNone,
          ReaderGroups({{"Suggestions",
                         {{"limit", "N", kCompleteNone},
                          {"completions", "N", kCompleteNone},
                          {"text", "TEXT", kCompleteNone, true}}}},
                       "text json"),
          {{"nsearch suggest 'azure kube'", "completions of 'kube' among Azure documents"}}};
}

CommandDocs StatsDocs() {
  return {"stats",
          {"[OPTIONS]"},
          kCompleteNone,
          ReaderGroups({}, "text json"),
          {{"nsearch stats --json", "the figures as one JSON object"}}};
}

CommandDocs ShowDocs() {
  return {"show",
          {"[OPTIONS] ID|PATH"},
          kCompleteFile,
          ReaderGroups({{"Document", {{"target", "ID|PATH", kCompleteFile, true}}}},
                       "text json"),
          {{"nsearch show data/content/_news/2023-10-24-nodejs-20-enters-long-term-support.md",
            "the stored document of that file"}}};
}

CommandDocs SimilarDocs() {
  return {"similar",
          {"[OPTIONS] ID|PATH"},
          kCompleteFile,
          ReaderGroups({{"Results",
                         {{"limit", "N", kCompleteNone},
                          {"target", "ID|PATH", kCompleteFile, true}}}},
                       "text json jsonl"),
          {{"nsearch similar -n 5 3f2a9c0d1e4b5a67", "five documents like that one"}}};
}

CommandDocs CheckDocs() {
  return {"check",
          {"[OPTIONS]"},
          kCompleteNone,
          {GeneralOptions("text json")},
          {{"nsearch check || nsearch index --rebuild data/", "rebuild a damaged index"}}};
}

CommandDocs ServeDocs() {
  return {"serve",
          {"[OPTIONS] [INDEX]"},
          kCompleteDir,
          {{"Server",
            {{"listen", "[HOST:]PORT", kCompleteNone},
             {"timeout", "SECONDS", kCompleteNone},
             {"verbose", "", ""},
             {"path", "INDEX", kCompleteDir, true}}},
           GeneralOptions("text json")},
          {{"nsearch serve --listen 127.0.0.1:33333 ~/index", "serve an index to queries on loopback"},
           {"nsearch query --shard-list shards.txt azure", "search shards listed as 'remote tcp HOST PORT'"}}};
}
// clang-format on

}  // namespace

const CommandDocs* FindCommandDocs(const std::string& name) {
  static const std::vector<CommandDocs> kDocs = {
      IndexDocs(), QueryDocs(),   SuggestDocs(), StatsDocs(),
      ShowDocs(),  SimilarDocs(), CheckDocs(),   ServeDocs(),
  };
  for (const auto& docs : kDocs)
    if (name == docs.name) return &docs;
  return nullptr;
}

}  // namespace nsearch::cli
