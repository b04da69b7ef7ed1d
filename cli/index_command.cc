// nsearch index PATH...

#include <iostream>
#include <thread>

#include "cli/cli.h"
#include "cli/options.h"
#include "common/index_meta.h"
#include "indexer/indexer.h"

namespace nsearch::cli {

namespace {

void RenderSummary(const Json& s, bool /*color*/, std::ostream& out) {
  out << "indexed " << s["files"].get<size_t>() << " files in "
      << s["seconds"].get<double>() << " s: " << s["added"].get<size_t>()
      << " added, " << s["updated"].get<size_t>() << " updated, "
      << s["deleted"].get<size_t>() << " deleted, "
      << s["unchanged"].get<size_t>() << " unchanged, "
      << s["rejected"].get<size_t>() << " rejected ("
      << static_cast<long>(s["docs_per_second"].get<double>())
      << " docs/s); the index holds " << s["documents"].get<size_t>()
      << " documents\n";
}

}  // namespace

int RunIndexCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, format_flag, schema_path;
  std::vector<std::string> roots;
  unsigned jobs = 0, batch = 5000;
  options.add_options()("help,h", "show this help")(
      "index", po::value(&index_flag),
      "index folder (default: $NSEARCH_INDEX, "
      "else ${XDG_DATA_HOME:-~/.local/share}/nsearch/index)")(
      "json", "print the summary as one JSON object on stdout")(
      "format", po::value(&format_flag), "text or json")(
      "strict", "exit with code 5 when any file was rejected")(
      "jobs,j", po::value(&jobs), "parser threads (default: all cores)")(
      "batch-size", po::value(&batch), "documents per commit (default 5000)")(
      "schema", po::value(&schema_path),
      "schema YAML for a new index "
      "(default: the built-in schema/news.yaml)")(
      "verbose,v",
      "also list files indexed with warnings (wrong-typed fields)")(
      "path", po::value(&roots)->multitoken(), "files or folders to index");
  po::positional_options_description positional;
  positional.add("path", -1);
  po::variables_map vm;
  const Status parsed = ParseArgs(args, options, positional, &vm);
  const auto format = ChooseFormat(format_flag, vm.count("json") > 0);
  const OutputFormat fmt = format.ok() ? *format : OutputFormat::kText;
  if (!parsed.ok()) return Fail(fmt, parsed);
  if (!format.ok()) return Fail(fmt, format.error());
  if (vm.count("help")) {
    PrintHelp(
        "Usage: nsearch index [OPTIONS] PATH...\n\n"
        "Indexes the .md and .markdown files under each PATH. Files that\n"
        "cannot be indexed are reported (path, line, reason) and skipped.",
        options);
    return kExitOk;
  }
  if (roots.empty())
    return Fail(fmt, InvalidArgument("give at least one PATH to index"));
  if (batch == 0)
    return Fail(fmt, InvalidArgument("--batch-size must be at least 1"));

  indexer::IndexOptions opts;
  opts.index_path = ResolveIndexPath(index_flag);
  opts.roots = roots;
  opts.schema_path = schema_path;
  opts.jobs = jobs;
  opts.batch_size = batch;
  auto summary = indexer::RunIndex(opts);
  if (!summary.ok()) return Fail(fmt, summary.error());

  PrinterOptions popts;
  popts.format = fmt;
  popts.color = UseColor();
  popts.text_renderer = RenderSummary;
  auto printer = MakePrinter(popts, std::cout, std::cerr);
  if (fmt == OutputFormat::kText) {
    for (const auto& r : summary->rejected_files)
      printer->Note("skipped " + r.path + ": " + r.reason);
    if (vm.count("verbose")) {
      for (const auto& w : summary->warnings)
        printer->Note("warning: " + w.path + ": field '" + w.field + "'" +
                      (w.line ? " (line " + std::to_string(w.line) + ")" : "") +
                      " ignored: " + w.reason);
    }
  }
  printer->Print(summary->ToJson());
  if (vm.count("strict") && summary->rejected > 0) {
    if (fmt == OutputFormat::kText)
      printer->Note(std::to_string(summary->rejected) +
                    " files rejected (--strict): exit code 5");
    return kExitRejected;
  }
  return kExitOk;
}

}  // namespace nsearch::cli
