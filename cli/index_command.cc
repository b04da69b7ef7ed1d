// nsearch index PATH...

#include <atomic>
#include <csignal>
#include <iostream>
#include <sstream>
#include <unistd.h>
#include <unordered_map>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/terminal.h"
#include "common/index_layout.h"
#include "common/index_meta.h"
#include "common/output.h"
#include "common/text_util.h"
#include "indexer/indexer.h"

namespace nsearch::cli {

namespace {

std::atomic<int> g_stop_signal{0};

extern "C" void OnStopSignal(int signal) { g_stop_signal.store(signal); }

// A rejected file in the summary's JSON (SPEC §5): unknown numbers and
// fields are null.
Json RejectionJson(const indexer::RejectedFile& r) {
  return Json{{"path", r.path},
              {"reason", r.reason},
              {"line", r.line ? Json(r.line) : Json(nullptr)},
              {"column", r.column ? Json(r.column) : Json(nullptr)},
              {"field", r.field.empty() ? Json(nullptr) : Json(r.field)}};
}

// The per-file actions of a dry run, each rejected file with its reason,
// line, column and field.
Json FilesDetailJson(const indexer::IndexSummary& summary) {
  std::unordered_map<std::string, const indexer::RejectedFile*> by_path;
  for (const auto& r : summary.rejected_files) by_path[r.path] = &r;
  Json files_json = Json::array();
  for (const auto& [path, action] : summary.actions) {
    Json f = {{"path", path}, {"action", action}};
    if (auto it = by_path.find(path);
        it != by_path.end() && action == "rejected") {
      const Json r = RejectionJson(*it->second);
      for (const char* key : {"reason", "line", "column", "field"})
        f[key] = r[key];
    }
    files_json.push_back(f);
  }
  return files_json;
}

// The summary of a run as the JSON object of SPEC §5 (`nsearch index
// --json`), which RenderSummary renders as text.
Json SummaryJson(const indexer::IndexSummary& summary) {
  Json rejected_json = Json::array();
  for (const auto& r : summary.rejected_files)
    rejected_json.push_back(RejectionJson(r));
  Json warnings_json = Json::array();
  for (const auto& w : summary.warnings) {
    warnings_json.push_back({{"path", w.path},
                             {"field", w.field},
                             {"line", w.line ? Json(w.line) : Json(nullptr)},
                             {"reason", w.reason}});
  }
  const size_t indexed = summary.added + summary.updated;
  const double seconds = summary.seconds;
  Json out = {{"version", kOutputVersion},
              {"files", summary.files},
              {"added", summary.added},
              {"updated", summary.updated},
              {"deleted", summary.deleted},
              {"unchanged", summary.unchanged},
              {"rejected", summary.rejected},
              {"seconds", seconds},
              {"docs_per_second", seconds > 0 ? indexed / seconds : 0.0},
              {"documents", summary.documents},
              {"rebuilt", summary.rebuilt},
              {"dry_run", summary.dry_run},
              {"interrupted",
               summary.interrupted ? Json(summary.interrupted) : Json(nullptr)},
              {"discarded", summary.discarded},
              {"rejected_files", rejected_json},
              {"warnings", warnings_json}};
  if (summary.dry_run) out["files_detail"] = FilesDetailJson(summary);
  return out;
}

void RenderSummary(const Json& s, bool /*color*/, std::ostream& out) {
  const size_t files = s["files"].get<size_t>();
  const size_t documents = s["documents"].get<size_t>();
  const std::string holds =
      "the index holds " + CountOf(documents, "document", "documents");
  std::ostringstream seconds;
  seconds.precision(3);
  seconds << s["seconds"].get<double>() << " s";
  if (s.value("discarded", false)) {
    // The counts are of work thrown away: saying "3343 added" would lie.
    out << "interrupted after " << seconds.str()
        << ": the rebuild was discarded and the old index kept; " << holds
        << "\n";
  } else {
    std::string line = s["dry_run"].get<bool>() ? "would index " : "indexed ";
    line += CountOf(files, "file", "files");
    if (!s["dry_run"].get<bool>()) line += " in " + seconds.str();
    line += ": " + std::to_string(s["added"].get<size_t>()) + " added, " +
            std::to_string(s["updated"].get<size_t>()) + " updated, " +
            std::to_string(s["deleted"].get<size_t>()) + " deleted, " +
            std::to_string(s["unchanged"].get<size_t>()) + " unchanged, " +
            std::to_string(s["rejected"].get<size_t>()) + " rejected";
    const size_t indexed =
        s["added"].get<size_t>() + s["updated"].get<size_t>();
    const double rate = s["docs_per_second"].get<double>();
    // A rate only when something was indexed and it means something.
    if (!s["dry_run"].get<bool>() && indexed > 0 && rate >= 1)
      line += " (" + std::to_string(static_cast<long>(rate)) + " docs/s)";
    line += "; " + holds;
    out << WrapText(line, TerminalWidth(), 2) << "\n";
  }
  if (s.contains("files_detail")) {
    for (const auto& f : s["files_detail"]) {
      std::string action = f["action"].get<std::string>();
      action.resize(10, ' ');
      out << "  " << action
          << TerminalSafe(RelativePath(f["path"].get<std::string>()));
      if (f.contains("reason"))
        out << ": " << TerminalSafe(f["reason"].get<std::string>());
      out << "\n";
    }
  }
}

// "K/N": shard K (0-based) of N.
Result<std::pair<unsigned, unsigned>> ParseShardOf(const std::string& text) {
  const size_t slash = text.find('/');
  std::optional<unsigned> k, n;
  if (slash != std::string::npos) {
    k = ParseDigits(std::string_view(text).substr(0, slash), 4);
    n = ParseDigits(std::string_view(text).substr(slash + 1), 4);
  }
  if (!k || !n || *n < 2 || *n > kMaxShards || *k >= *n)
    return InvalidArgument("--shard: expected K/N with N from 2 to " +
                           std::to_string(kMaxShards) +
                           " and K from 0 to N-1, not '" + text + "'");
  return std::pair{*k, *n};
}

// The flags of `nsearch index`, as given.
struct IndexFlags {
  std::string index, format, schema_path, shard_of;
  std::vector<std::string> roots;
  int64_t jobs = 0, batch = 5000, shards = 0;
};

// The options of `nsearch index`, read into `flags`.
po::options_description IndexOptionsOf(IndexFlags* flags) {
  po::options_description options("Options");
  // clang-format off
  AddCommonOptions(&options, &flags->index, &flags->format, "text or json",
                   "print the summary as one JSON object on stdout");
  options.add_options()
      ("rebuild", "build a fresh index beside the live one and swap it in atomically")
      ("dry-run", "report per file what would happen; change nothing")
      ("strict", "exit with code 5 when any file was rejected")
      ("jobs,j", po::value(&flags->jobs), "threads (default: the cores this process may use)")
      ("batch-size", po::value(&flags->batch), "documents per commit (default 5000)")
      ("shards", po::value(&flags->shards), "split the index into N shards, searched "
                                            "as one (default: as it is, 1 when new)")
      ("shard", po::value(&flags->shard_of), "build only shard K of N (0-based), for N "
                                             "machines each building one from the same "
                                             "tree; every run is a full build")
      ("schema", po::value(&flags->schema_path), "schema YAML for a new index "
                                                 "(default: the built-in schema/news.yaml)")
      ("verbose,v", "progress lines when stderr is not a terminal; list files "
                    "indexed with warnings (wrong-typed fields)")
      ("path", po::value(&flags->roots)->multitoken(), "files or folders to index");
  // clang-format on
  return options;
}

// Checks the flags that need no index: some PATH, and the numbers in range.
Status CheckFlags(const IndexFlags& flags, const po::variables_map& vm) {
  if (flags.roots.empty())
    return InvalidArgument("give at least one PATH to index");
  for (const Status& s :
       {CheckRange("--jobs", flags.jobs, 0, indexer::kMaxJobs),
        CheckRange("--batch-size", flags.batch, 1, indexer::kMaxBatchSize),
        vm.count("shards") ? CheckRange("--shards", flags.shards, 1, kMaxShards)
                           : Status::Ok()})
    if (!s.ok()) return s;
  return Status::Ok();
}

// The indexing job the (checked) flags ask for; a stop signal is not set.
Result<indexer::IndexOptions> ToIndexOptions(const IndexFlags& flags,
                                             const po::variables_map& vm) {
  const bool verbose = vm.count("verbose") > 0;
  indexer::IndexOptions opts;
  opts.index_path = ResolveIndexPath(flags.index);
  opts.roots = flags.roots;
  opts.schema_path = flags.schema_path;
  opts.jobs = static_cast<unsigned>(flags.jobs);
  opts.batch_size = static_cast<unsigned>(flags.batch);
  opts.shards = static_cast<unsigned>(flags.shards);
  if (vm.count("shard")) {
    NSEARCH_ASSIGN_OR_RETURN(const auto pick, ParseShardOf(flags.shard_of));
    opts.shard_index = pick.first;
    opts.shard_count = pick.second;
  }
  opts.rebuild = vm.count("rebuild") > 0;
  opts.dry_run = vm.count("dry-run") > 0;
  opts.progress = ::isatty(STDERR_FILENO) == 1
                      ? indexer::ProgressMode::kTerminal
                  : verbose ? indexer::ProgressMode::kLines
                            : indexer::ProgressMode::kNone;
  return opts;
}

// Runs the indexing job; SIGINT and SIGTERM stop it meanwhile (what is done
// is committed).
Result<indexer::IndexSummary> RunStoppable(indexer::IndexOptions opts) {
  opts.stop = &g_stop_signal;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  auto summary = indexer::RunIndex(opts);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return summary;
}

// Prints the summary of a run (as text, after a note per rejected file and,
// when `verbose`, per warning) and returns the exit code: 128 + the signal
// that stopped the run, kExitRejected with `strict` when files were
// rejected, else kExitOk.
int ReportSummary(const indexer::IndexSummary& summary, OutputFormat fmt,
                  bool verbose, bool strict) {
  auto printer = MakePrinter(ResultPrinterOptions(fmt, RenderSummary),
                             std::cout, std::cerr);
  if (fmt == OutputFormat::kText) {
    for (const auto& r : summary.rejected_files)
      printer->Note("skipped " + RelativePath(r.path) + ": " + r.reason);
    if (verbose) {
      for (const auto& w : summary.warnings)
        printer->Note("warning: " + RelativePath(w.path) + ": field '" +
                      w.field + "'" +
                      (w.line ? " (line " + std::to_string(w.line) + ")" : "") +
                      " ignored: " + w.reason);
    }
  }
  printer->Print(SummaryJson(summary));
  if (summary.interrupted) {
    if (fmt == OutputFormat::kText && !summary.discarded)
      printer->Note(
          "interrupted: what was done is committed; run again to finish");
    return 128 + summary.interrupted;
  }
  if (strict && summary.rejected > 0) {
    if (fmt == OutputFormat::kText)
      printer->Note(CountOf(summary.rejected, "file", "files") +
                    " rejected (--strict): exit code 5");
    return kExitRejected;
  }
  return kExitOk;
}

}  // namespace

int RunIndexCommand(const std::vector<std::string>& args) {
  IndexFlags flags;
  const po::options_description options = IndexOptionsOf(&flags);
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code = ParseCommandLine(
          args, options, Operands("path", -1), flags.format, &vm, &fmt,
          "Usage: nsearch index [OPTIONS] PATH...\n\n"
          "Brings the index up to date with the .md and .markdown files under\n"
          "each PATH: new and changed files are indexed, unchanged ones "
          "skipped,\n"
          "documents of vanished files deleted. Files that cannot be indexed "
          "are\n"
          "reported (path, line, reason) and skipped. SIGINT/SIGTERM commit "
          "what\n"
          "is done and exit with 130/143."))
    return *exit_code;
  if (Status checked = CheckFlags(flags, vm); !checked.ok())
    return Fail(fmt, checked);
  auto opts = ToIndexOptions(flags, vm);
  if (!opts.ok()) return Fail(fmt, opts.error());
  auto summary = RunStoppable(std::move(opts).value());
  if (!summary.ok()) return Fail(fmt, summary.error());
  return ReportSummary(*summary, fmt, vm.count("verbose") > 0,
                       vm.count("strict") > 0);
}

}  // namespace nsearch::cli
