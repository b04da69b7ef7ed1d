#include "cli/help.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "cli/cli.h"

namespace nsearch::cli {

namespace po = boost::program_options;

namespace {

constexpr size_t kWidth = 79;  // help is never wrapped to the terminal

constexpr const char* kTopDescription =
    "A search engine for news and content sites: indexes Markdown files\n"
    "with YAML front matter into Xapian and answers ranked queries.";

constexpr const char* kIndexLocation =
    "Index location: --index DIR, else $NSEARCH_INDEX, else\n"
    "${XDG_DATA_HOME:-~/.local/share}/nsearch/index.";

constexpr const char* kExitCodes =
    "Exit codes: 0 success (also zero hits), 1 runtime failure, 2 usage\n"
    "error or invalid query, 3 index missing/incompatible/corrupt,\n"
    "4 index busy, 5 files rejected under --strict.";

// Built-in commands that are not in the command table of cli.cc.
struct BuiltIn {
  const char* name;
  const char* summary;
};
const std::vector<BuiltIn>& BuiltIns() {
  static const std::vector<BuiltIn> kBuiltIns = {
      {"help", "show the help of nsearch or of one command (help COMMAND)"},
      {"version", "print the version"},
  };
  return kBuiltIns;
}

std::string& RunningCommandName() {
  static std::string name;
  return name;
}

CommandSpec* g_describing = nullptr;

// The command table's one line without its operands: "search the index
// (QUERY)" is "search the index".
std::string Summary(const std::string& name) {
  for (const auto& c : Commands()) {
    if (name != c.name) continue;
    std::string summary = c.summary;
    const size_t open = summary.rfind(" (");
    if (open != std::string::npos && summary.back() == ')')
      summary.resize(open);
    return summary;
  }
  return "";
}

// "search the index" as a sentence: "Search the index."
std::string Sentence(std::string text) {
  if (text.empty()) return text;
  if (text[0] >= 'a' && text[0] <= 'z')
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text + ".";
}

// Display width of UTF-8 text (code points; the help is plain text).
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Words of `text` (line breaks are spaces) filled into lines of `width`.
std::vector<std::string> Fill(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string word, line;
  while (in >> word) {
    if (!line.empty() && Width(line) + 1 + Width(word) > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// The paragraphs of `text` (separated by blank lines), each with its
// lines joined by spaces.
std::vector<std::string> Paragraphs(const std::string& text) {
  std::vector<std::string> paragraphs;
  std::string paragraph;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      paragraph += (paragraph.empty() ? "" : " ") + line;
    } else if (!paragraph.empty()) {
      paragraphs.push_back(std::move(paragraph));
      paragraph.clear();
    }
  }
  if (!paragraph.empty()) paragraphs.push_back(std::move(paragraph));
  return paragraphs;
}

// Paragraphs of `text` (separated by blank lines) filled to `width`.
std::string FillParagraphs(const std::string& text, size_t width) {
  std::string out;
  for (const auto& paragraph : Paragraphs(text)) {
    if (!out.empty()) out += "\n";
    for (const auto& line : Fill(paragraph, width)) out += line + "\n";
  }
  return out;
}

std::string OptionLabel(const OptionSpec& o) {
  std::string label;
  if (o.short_name) label += std::string("-") + o.short_name + ", ";
  label += "--" + o.name;
  if (o.takes_value) label += " " + o.value;
  return label;
}

std::string ShortDescription(const std::string& description) {
  std::string d = description;
  for (const char* cut : {" (", "; ", ": "}) {
    const size_t at = d.find(cut);
    if (at != std::string::npos && at >= 12) d = d.substr(0, at);
  }
  return d;
}

OptionSpec FromBoost(const po::option_description& option) {
  OptionSpec spec;
  spec.name = option.long_name();
  const std::string shown = option.canonical_display_name(
      po::command_line_style::allow_dash_for_short);
  if (shown.size() == 2 && shown[0] == '-') spec.short_name = shown[1];
  spec.takes_value = option.semantic()->max_tokens() > 0;
  spec.description = option.description();
  return spec;
}

}  // namespace

void SetRunningCommand(const std::string& name) { RunningCommandName() = name; }
const std::string& RunningCommand() { return RunningCommandName(); }

CommandSpec BuildSpec(const std::string& name,
                      const po::options_description& options,
                      const std::string& usage) {
  CommandSpec spec;
  spec.name = name;
  spec.summary = Summary(name);
  // The usage text is "Usage: ...\n\nDescription"; the usage lines are the
  // docs table's.
  const size_t body = usage.find("\n\n");
  if (body != std::string::npos) spec.description = usage.substr(body + 2);

  std::vector<OptionSpec> boost_options;
  for (const auto& option : options.options())
    boost_options.push_back(FromBoost(*option));
  std::set<std::string> used;

  const CommandDocs* docs = FindCommandDocs(name);
  if (docs == nullptr) {
    spec.problems.push_back("command '" + name +
                            "' has no table in cli/command_docs.cc");
    spec.synopsis.push_back("[OPTIONS]");
  } else {
    for (const char* line : docs->synopsis) spec.synopsis.push_back(line);
    spec.operands_complete = docs->operands_complete;
    spec.examples = docs->examples;
    for (const auto& group : docs->groups) {
      GroupSpec g{group.title, {}};
      for (const auto& doc : group.options) {
        auto it = std::find_if(
            boost_options.begin(), boost_options.end(),
            [&](const OptionSpec& o) { return o.name == doc.name; });
        if (it == boost_options.end()) {
          spec.problems.push_back("cli/command_docs.cc lists --" +
                                  std::string(doc.name) + ", which 'nsearch " +
                                  name + "' does not have");
          continue;
        }
        if (!used.insert(doc.name).second) continue;
        OptionSpec o = *it;
        o.value = doc.value;
        o.complete = doc.complete;
        o.hidden = doc.hidden;
        if (o.takes_value != !o.value.empty())
          spec.problems.push_back(
              "--" + o.name + " of 'nsearch " + name + "' " +
              (o.takes_value ? "takes a value but has no placeholder"
                             : "is a flag but has a placeholder") +
              " in cli/command_docs.cc");
        if (o.takes_value && o.value.empty()) o.value = "VALUE";
        g.options.push_back(o);
      }
      spec.groups.push_back(g);
    }
  }
  GroupSpec other{"Other options", {}};
  for (OptionSpec o : boost_options) {
    if (used.count(o.name)) continue;
    spec.problems.push_back("--" + o.name + " of 'nsearch " + name +
                            "' is in no group of cli/command_docs.cc");
    if (o.takes_value) o.value = "VALUE";
    other.options.push_back(o);
  }
  if (!other.options.empty()) spec.groups.push_back(other);
  return spec;
}

bool Describing() { return g_describing != nullptr; }

void RecordCommandLine(const po::options_description& options,
                       const std::string& usage) {
  if (g_describing != nullptr)
    *g_describing = BuildSpec(RunningCommand(), options, usage);
}

CommandSpec DescribeCommand(const std::string& name) {
  CommandSpec spec;
  spec.name = name;
  spec.summary = Summary(name);
  // Only a command with a docs table is run to read its options: one that
  // does not go through ParseCommandLine would really run (at build time).
  if (FindCommandDocs(name) == nullptr) {
    spec.problems.push_back("command '" + name +
                            "' has no table in cli/command_docs.cc");
    return spec;
  }
  spec.problems.push_back("command '" + name +
                          "' does not parse its options with "
                          "ParseCommandLine (cli/options.h)");
  for (const auto& c : Commands()) {
    if (name != c.name) continue;
    const std::string running = RunningCommand();
    SetRunningCommand(name);
    g_describing = &spec;
    c.run({});
    g_describing = nullptr;
    SetRunningCommand(running);
  }
  return spec;
}

std::string RenderHelp(const CommandSpec& spec) {
  std::ostringstream out;
  for (size_t i = 0; i < spec.synopsis.size(); ++i)
    out << (i == 0 ? "Usage: " : "       ") << "nsearch " << spec.name << " "
        << spec.synopsis[i] << "\n";
  out << "\n" << Sentence(spec.summary) << "\n";
  if (!spec.description.empty())
    out << "\n" << FillParagraphs(spec.description, kWidth);

  size_t column = 0;
  for (const auto& g : spec.groups)
    for (const auto& o : g.options)
      if (!o.hidden) column = std::max(column, Width(OptionLabel(o)));
  column = std::min<size_t>(column, 24);
  for (const auto& g : spec.groups) {
    if (std::all_of(g.options.begin(), g.options.end(),
                    [](const OptionSpec& o) { return o.hidden; }))
      continue;
    out << "\n" << g.title << ":\n";
    for (const auto& o : g.options) {
      if (o.hidden) continue;
      const std::string label = OptionLabel(o);
      const std::string indent(2 + column + 2, ' ');
      std::string first = "  " + label;
      const auto lines = Fill(o.description, kWidth - indent.size());
      if (Width(label) > column) {
        out << first << "\n";
        first = indent;
      } else {
        first += std::string(column + 2 - Width(label), ' ');
      }
      for (size_t i = 0; i < lines.size(); ++i)
        out << (i == 0 ? first : indent) << lines[i] << "\n";
    }
  }
  out << "\nSee 'man nsearch-" << spec.name
      << "' for examples, exit codes and the environment.\n";
  return out.str();
}

void PrintTopLevelHelp(std::ostream& out) {
  out << "Usage: nsearch COMMAND [OPTIONS] [ARGS]\n"
         "       nsearch help [COMMAND]\n"
         "       nsearch --version\n\n"
      << kTopDescription << "\n\nCommands:\n";
  auto row = [&out](std::string name, const std::string& summary) {
    name.resize(10, ' ');
    out << "  " << name << summary << "\n";
  };
  for (const auto& c : Commands()) row(c.name, c.summary);
  for (const auto& b : BuiltIns()) row(b.name, b.summary);
  out << "\nOptions:\n"
         "  -h, --help     show this help (also after a command)\n"
         "  -V, --version  print the version (also after a command)\n\n"
         "Run 'nsearch help COMMAND' or 'nsearch COMMAND --help' for a "
         "command's\noptions, 'man nsearch' for the manual.\n\n"
      << kIndexLocation << "\n\n"
      << kExitCodes << "\n";
}

std::string DashHint(const std::string& token) {
  const CommandDocs* docs = FindCommandDocs(RunningCommand());
  const bool takes_words =
      docs != nullptr && !docs->synopsis.empty() &&
      std::string(docs->synopsis[0]).find("[--]") != std::string::npos;
  if (!takes_words) return "";
  if (token.rfind("--", 0) == 0 && token.find(' ') == std::string::npos)
    return "";
  std::string quoted;
  for (char c : token)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return "; to search for text that starts with '-', put '--' before it: "
         "nsearch " +
         RunningCommand() + " -- '" + quoted + "'";
}

void PrintVersion(std::ostream& out) {
  out << "nsearch " << NSEARCH_VERSION << "\n";
}

int RunHelpCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    PrintTopLevelHelp(std::cout);
    return kExitOk;
  }
  if (args.size() > 1) {
    std::cerr << "nsearch: error: help takes one COMMAND\n";
    return kExitUsage;
  }
  for (const auto& b : BuiltIns()) {
    if (args[0] == b.name) {
      PrintTopLevelHelp(std::cout);
      return kExitOk;
    }
  }
  for (const auto& c : Commands()) {
    if (args[0] == c.name) {
      std::cout << RenderHelp(DescribeCommand(c.name));
      return kExitOk;
    }
  }
  std::cerr << "nsearch: error: unknown command '" << args[0]
            << "' (try nsearch --help)\n";
  return kExitUsage;
}

// ---------------------------------------------------------------------------
// Man pages (man(7) macros).

namespace {

// Text for roff: backslashes escaped, no line starting with a control
// character.
std::string Roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// A command line or option name for roff: '-' as a minus sign, not a
// hyphen, so that it can be copied and searched for.
std::string RoffCode(const std::string& text) {
  std::string out;
  for (char c : Roff(text)) {
    if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string ManHeader(const std::string& page, const std::string& what) {
  return ".TH " + RoffCode(Upper(page)) + " 1 \"\" \"nsearch " +
         NSEARCH_VERSION +
         "\" \"nsearch manual\"\n"
         // Left-adjusted and unhyphenated: option names and paths must
         // stay whole.
         ".ad l\n.nh\n"
         ".SH NAME\n" +
         RoffCode(page) + " \\- " + Roff(what) + "\n";
}

// Paragraphs of `text` (blank-line separated), lines joined.
std::string ManParagraphs(const std::string& text) {
  std::string out;
  for (const auto& paragraph : Paragraphs(text))
    out += ".PP\n" + Roff(paragraph) + "\n";
  return out;
}

constexpr const char* kManExitStatus =
    ".SH EXIT STATUS\n"
    ".TP\n0\nsuccess (zero hits is success too)\n"
    ".TP\n1\nruntime failure: I/O, disk full, a write to stdout that fails, "
    "internal error, timeout\n"
    ".TP\n2\nusage error or invalid query\n"
    ".TP\n3\nindex missing, not an nsearch index, incompatible or corrupt\n"
    ".TP\n4\nindex busy: another nsearch is writing to it\n"
    ".TP\n5\nindexing finished but files were rejected under "
    "\\fB\\-\\-strict\\fR\n";

constexpr const char* kManEnvironment =
    ".SH ENVIRONMENT\n"
    ".TP\n.B NSEARCH_INDEX\nthe index folder when \\fB\\-\\-index\\fR is not "
    "given\n"
    ".TP\n.B XDG_DATA_HOME\nthe default index is "
    "\\fI$XDG_DATA_HOME/nsearch/index\\fR (\\fI~/.local/share/nsearch/"
    "index\\fR when unset)\n"
    ".TP\n.B NO_COLOR\nwhen set and not empty, text output has no colour\n";

std::string SeeAlso(const std::string& except) {
  std::string out = ".SH SEE ALSO\n";
  std::vector<std::string> pages = {"nsearch"};
  for (const auto& c : Commands())
    pages.push_back(std::string("nsearch-") + c.name);
  bool first = true;
  for (const auto& p : pages) {
    if (p == except) continue;
    out += std::string(first ? "" : ",\n") + "\\fB" + RoffCode(p) + "\\fR(1)";
    first = false;
  }
  return out + "\n";
}

}  // namespace

std::string ManPage(const CommandSpec& spec) {
  const std::string page = "nsearch-" + spec.name;
  std::string out = ManHeader(page, spec.summary);
  out += ".SH SYNOPSIS\n";
  for (size_t i = 0; i < spec.synopsis.size(); ++i)
    out += std::string(i ? ".br\n" : "") + "\\fBnsearch " + spec.name +
           "\\fR " + RoffCode(spec.synopsis[i]) + "\n";
  out += ".SH DESCRIPTION\n" + ManParagraphs(Sentence(spec.summary)) +
         ManParagraphs(spec.description);
  out += ".SH OPTIONS\n";
  for (const auto& g : spec.groups) {
    std::string items;
    for (const auto& o : g.options) {
      if (o.hidden) continue;
      items += ".TP\n";
      if (o.short_name)
        items += "\\fB\\-" + std::string(1, o.short_name) + "\\fR, ";
      items += "\\fB\\-\\-" + RoffCode(o.name) + "\\fR";
      if (o.takes_value) items += " \\fI" + RoffCode(o.value) + "\\fR";
      items += "\n" + Roff(o.description) + "\n";
    }
    if (!items.empty()) out += ".SS " + Roff(g.title) + "\n" + items;
  }
  if (!spec.examples.empty()) {
    out += ".SH EXAMPLES\n";
    for (const auto& e : spec.examples)
      out += ".TP\n\\fB" + RoffCode(e.command) + "\\fR\n" + Roff(e.what) + "\n";
  }
  out += kManExitStatus;
  out += kManEnvironment;
  out += SeeAlso(page);
  return out;
}

std::string TopLevelManPage() {
  std::string out =
      ManHeader("nsearch", "search engine for news and content sites");
  out +=
      ".SH SYNOPSIS\n"
      "\\fBnsearch\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n.br\n"
      "\\fBnsearch help\\fR [\\fICOMMAND\\fR]\n.br\n"
      "\\fBnsearch \\-\\-version\\fR\n";
  out += ".SH DESCRIPTION\n" + ManParagraphs(kTopDescription) +
         ManParagraphs(
             "Every command takes --index DIR, --format text|json (query and "
             "similar also jsonl) or --json, --help and --version. Text output "
             "is for people; JSON output is a stable contract for programs, "
             "with JSON Schemas in /usr/share/nsearch/schema/output/.");
  out += ".SH COMMANDS\n";
  for (const auto& c : Commands())
    out += ".TP\n.B " + std::string(c.name) + "\n" + Roff(c.summary) +
           "; see \\fBnsearch\\-" + c.name + "\\fR(1)\n";
  for (const auto& b : BuiltIns())
    out += ".TP\n.B " + std::string(b.name) + "\n" + Roff(b.summary) + "\n";
  out +=
      ".SH OPTIONS\n"
      ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the help (also after a "
      "command)\n"
      ".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nprint the version (also after "
      "a command)\n";
  out += ".SH INDEX LOCATION\n" + ManParagraphs(kIndexLocation);
  out += kManExitStatus;
  out += kManEnvironment;
  out +=
      ".SH FILES\n"
      ".TP\n.I /usr/share/nsearch/schema/news.yaml\na copy of the schema built "
      "into nsearch, to start another from (\\fBnsearch index "
      "\\-\\-schema\\fR)\n"
      ".TP\n.I /usr/share/nsearch/schema/output/*.json\nJSON Schemas of the "
      "JSON output\n";
  out += SeeAlso("nsearch");
  return out;
}

// ---------------------------------------------------------------------------
// Shell completions.

namespace {

std::vector<CommandSpec> AllSpecs() {
  std::vector<CommandSpec> specs;
  for (const auto& c : Commands()) specs.push_back(DescribeCommand(c.name));
  return specs;
}

std::string CommandNames() {
  std::string names;
  for (const auto& c : Commands())
    names += std::string(names.empty() ? "" : " ") + c.name;
  for (const auto& b : BuiltIns()) names += std::string(" ") + b.name;
  return names;
}

std::vector<const OptionSpec*> Visible(const CommandSpec& spec) {
  std::vector<const OptionSpec*> options;
  for (const auto& g : spec.groups)
    for (const auto& o : g.options)
      if (!o.hidden) options.push_back(&o);
  return options;
}

// `text` inside single quotes for a POSIX shell or zsh.
std::string ShellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `text` inside single quotes for fish.
std::string FishQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The bash words that complete `complete` (kComplete* or words).
std::string BashCompgen(const std::string& complete) {
  if (complete == kCompleteDir)
    return "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "
           "\"$cur\"))";
  if (complete == kCompleteFile)
    return "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "
           "\"$cur\"))";
  if (complete.empty()) return "COMPREPLY=()";
  return "COMPREPLY=($(compgen -W " + ShellQuoted(complete) + " -- \"$cur\"))";
}

}  // namespace

std::string BashCompletion() {
  std::string out =
      "# bash completion for nsearch. Generated by 'nsearch __generate bash' "
      "from\n# the option tables: do not edit.\n"
      "_nsearch() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      "  local cmd=\"\" i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; "
      "esac\n"
      "  done\n"
      "  if [[ -z $cmd ]]; then\n"
      "    COMPREPLY=($(compgen -W " +
      ShellQuoted(CommandNames() + " --help -h --version -V") +
      " -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  local opts=\"\" operands=\"\"\n"
      "  case $cmd in\n"
      "    help) COMPREPLY=($(compgen -W " +
      ShellQuoted(CommandNames()) +
      " -- \"$cur\")); return ;;\n"
      "    version) return ;;\n";
  for (const auto& spec : AllSpecs()) {
    std::string opts, values;
    for (const OptionSpec* o : Visible(spec)) {
      opts += (opts.empty() ? "--" : " --") + o->name;
      if (o->short_name) opts += std::string(" -") + o->short_name;
      if (!o->takes_value) continue;
      values += "        --" + o->name +
                (o->short_name ? std::string("|-") + o->short_name : "") +
                ") " + BashCompgen(o->complete) + "; return ;;\n";
    }
    out += "    " + spec.name + ") opts=" + ShellQuoted(opts) +
           " operands=" + ShellQuoted(spec.operands_complete) + "\n" +
           "      case $prev in\n" + values + "      esac ;;\n";
  }
  out +=
      "    *) return ;;\n"
      "  esac\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    [[ ${COMP_WORDS[i]} == -- ]] && opts=\"\"\n"
      "  done\n"
      "  if [[ $cur == -* && -n $opts ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  case $operands in\n"
      "    @dir) compopt -o filenames 2>/dev/null; "
      "COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
      "    @file) compopt -o filenames 2>/dev/null; "
      "COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
      "    \"\") COMPREPLY=() ;;\n"
      "    *) COMPREPLY=($(compgen -W \"$operands\" -- \"$cur\")) ;;\n"
      "  esac\n"
      "}\n"
      "complete -F _nsearch nsearch\n";
  return out;
}

namespace {

// Text inside [...] of a zsh _arguments spec.
std::string ZshDescription(const std::string& text) {
  std::string out;
  for (char c : ShortDescription(text)) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string ZshAction(const std::string& complete) {
  if (complete == kCompleteDir) return "_files -/";
  if (complete == kCompleteFile) return "_files";
  if (complete.empty()) return " ";
  return "(" + complete + ")";
}

}  // namespace

std::string ZshCompletion() {
  std::string out =
      "#compdef nsearch\n"
      "# zsh completion for nsearch. Generated by 'nsearch __generate zsh' "
      "from the\n# option tables: do not edit.\n"
      "_nsearch() {\n"
      "  local curcontext=$curcontext state line\n"
      "  typeset -A opt_args\n"
      "  _arguments -C \\\n"
      "    '(- :)'{-h,--help}'[show the help]' \\\n"
      "    '(- :)'{-V,--version}'[print the version]' \\\n"
      "    '1:command:->command' \\\n"
      "    '*::argument:->argument'\n"
      "  case $state in\n"
      "    command)\n"
      "      local -a commands\n"
      "      commands=(\n";
  for (const auto& c : Commands())
    out +=
        "        " +
        ShellQuoted(std::string(c.name) + ":" + ShortDescription(c.summary)) +
        "\n";
  for (const auto& b : BuiltIns())
    out +=
        "        " + ShellQuoted(std::string(b.name) + ":" + b.summary) + "\n";
  out +=
      "      )\n"
      "      _describe -t commands 'nsearch command' commands ;;\n"
      "    argument)\n"
      "      case $line[1] in\n"
      "        (help) _arguments '1:command:(" +
      CommandNames() + ")' ;;\n";
  for (const auto& spec : AllSpecs()) {
    out += "        (" + spec.name + ")\n          _arguments -s \\\n";
    for (const OptionSpec* o : Visible(spec)) {
      const std::string description =
          "[" + ZshDescription(o->description) + "]";
      std::string value;
      if (o->takes_value)
        value = ":" + ZshDescription(o->value) + ":" + ZshAction(o->complete);
      const std::string star = o->takes_value ? "*" : "";
      out += "            " +
             ShellQuoted(star + "--" + o->name + (o->takes_value ? "=" : "") +
                         description + value) +
             " \\\n";
      if (o->short_name)
        out += "            " +
               ShellQuoted(star + "-" + std::string(1, o->short_name) +
                           (o->takes_value ? "+" : "") + description + value) +
               " \\\n";
    }
    std::string operand = spec.synopsis.empty() ? "" : spec.synopsis[0];
    const size_t space = operand.rfind(' ');
    operand = space == std::string::npos ? "" : operand.substr(space + 1);
    if (operand.empty() || operand == "[OPTIONS]") {
      out += "            && return ;;\n";
    } else {
      out += "            " +
             ShellQuoted("*:" + ZshDescription(operand) + ":" +
                         ZshAction(spec.operands_complete)) +
             " && return ;;\n";
    }
  }
  out +=
      "      esac ;;\n"
      "  esac\n"
      "}\n"
      "_nsearch \"$@\"\n";
  return out;
}

std::string FishCompletion() {
  std::string out =
      "# fish completion for nsearch. Generated by 'nsearch __generate fish' "
      "from the\n# option tables: do not edit.\n"
      "complete -c nsearch -f\n"
      "set -l nsearch_commands " +
      CommandNames() +
      "\n"
      "complete -c nsearch -n \"not __fish_seen_subcommand_from "
      "$nsearch_commands\" -s h -l help -d 'show the help'\n"
      "complete -c nsearch -n \"not __fish_seen_subcommand_from "
      "$nsearch_commands\" -s V -l version -d 'print the version'\n";
  for (const auto& c : Commands())
    out +=
        "complete -c nsearch -n \"not __fish_seen_subcommand_from "
        "$nsearch_commands\" -a " +
        std::string(c.name) + " -d " + FishQuoted(ShortDescription(c.summary)) +
        "\n";
  for (const auto& b : BuiltIns())
    out +=
        "complete -c nsearch -n \"not __fish_seen_subcommand_from "
        "$nsearch_commands\" -a " +
        std::string(b.name) + " -d " + FishQuoted(b.summary) + "\n";
  out += "complete -c nsearch -n '__fish_seen_subcommand_from help' -a " +
         FishQuoted(CommandNames()) + "\n";
  for (const auto& spec : AllSpecs()) {
    const std::string when =
        "complete -c nsearch -n '__fish_seen_subcommand_from " + spec.name +
        "'";
    for (const OptionSpec* o : Visible(spec)) {
      out += when;
      if (o->short_name) out += std::string(" -s ") + o->short_name;
      out += " -l " + o->name;
      if (o->takes_value) {
        if (o->complete == kCompleteDir) {
          out += " -x -a '(__fish_complete_directories)'";
        } else if (o->complete == kCompleteFile) {
          out += " -r -F";
        } else if (o->complete.empty()) {
          out += " -x";
        } else {
          out += " -x -a " + FishQuoted(o->complete);
        }
      }
      out += " -d " + FishQuoted(ShortDescription(o->description)) + "\n";
    }
    if (spec.operands_complete == kCompleteFile)
      out += when + " -F\n";
    else if (spec.operands_complete == kCompleteDir)
      out += when + " -a '(__fish_complete_directories)'\n";
  }
  return out;
}

// ---------------------------------------------------------------------------

namespace {

bool WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "nsearch: error: cannot write " << path.string() << "\n";
    return false;
  }
  return true;
}

bool WriteManPages(const std::filesystem::path& dir) {
  bool ok = WriteFile(dir / "nsearch.1", TopLevelManPage());
  for (const auto& spec : AllSpecs())
    ok = WriteFile(dir / ("nsearch-" + spec.name + ".1"), ManPage(spec)) && ok;
  return ok;
}

}  // namespace

int RunGenerateCommand(const std::vector<std::string>& args) {
  const std::string what = args.empty() ? "" : args[0];
  if (what == "bash" && args.size() == 1) {
    std::cout << BashCompletion();
  } else if (what == "zsh" && args.size() == 1) {
    std::cout << ZshCompletion();
  } else if (what == "fish" && args.size() == 1) {
    std::cout << FishCompletion();
  } else if (what == "man" && args.size() == 2) {
    if (!WriteManPages(args[1])) return kExitFailure;
  } else if (what == "all" && args.size() == 2) {
    const std::filesystem::path dir = args[1];
    if (!WriteManPages(dir / "man" / "man1") ||
        !WriteFile(dir / "completions" / "nsearch.bash", BashCompletion()) ||
        !WriteFile(dir / "completions" / "_nsearch", ZshCompletion()) ||
        !WriteFile(dir / "completions" / "nsearch.fish", FishCompletion()))
      return kExitFailure;
  } else if (what == "check" && args.size() == 1) {
    size_t problems = 0;
    for (const auto& spec : AllSpecs()) {
      for (const auto& p : spec.problems) {
        std::cout << p << "\n";
        ++problems;
      }
    }
    return problems == 0 ? kExitOk : kExitFailure;
  } else {
    std::cerr << "nsearch: error: usage: nsearch __generate "
                 "bash|zsh|fish|check|man DIR|all DIR\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace nsearch::cli
