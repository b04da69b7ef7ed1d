// The bad-input matrix (issue 11): one tree holding one file (or link,
// FIFO, folder) per kind of bad input, indexed in one run. For each kind:
// what happens to it (indexed, indexed with a warning, rejected with a
// reason, or not a content file at all), and afterwards the index opens,
// passes `check`, answers, and a second run finds nothing to do.

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunNsearch;
using testing::RunResult;
using testing::TempDir;

enum class Outcome {
  kAdded,     // Indexed, no warning.
  kWarned,    // Indexed; `expect` names the field with a warning.
  kRejected,  // Reported; `expect` is part of the reason.
  kIgnored,   // Not a content file (or a duplicate): neither.
};

struct Case {
  const char* name;  // Also the file name (plus ".md") unless `make` is set.
  std::string content;
  Outcome outcome;
  std::string expect;
  // Makes something other than a plain file; gets the tree folder.
  std::function<void(const std::string& tree)> make;
};

std::string Fm(const std::string& yaml, const std::string& body = "matrix\n") {
  return "---\n" + yaml + "---\n" + body;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string AliasBomb() {
  std::string y = "provider:\n  name: x\n  a: &a [l,l,l,l,l,l,l,l,l]\n";
  char previous = 'a';
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string items;
    for (int i = 0; i < 9; ++i)
      items += std::string(i ? "," : "") + "*" + previous;
    y += std::string("  ") + c + ": &" + c + " [" + items + "]\n";
    previous = c;
  }
  return Fm(y + "title: t\n");
}

std::string Nested(size_t depth) {
  std::string y = "provider:\n";
  for (size_t i = 1; i <= depth; ++i)
    y += std::string(2 * i, ' ') + "k" + std::to_string(i) + ":\n";
  return Fm(y + std::string(2 * depth + 2, ' ') + "v: 1\ntitle: deep\n");
}

const std::string kTitle = "title: T\n";

std::vector<Case> Cases() {
  using O = Outcome;
  std::vector<Case> c = {
      // Encoding and framing.
      {"empty", "", O::kRejected, "empty file", {}},
      {"whitespace-only", " \n\t\n", O::kRejected, "empty file", {}},
      {"bom", "\xEF\xBB\xBF" + Fm(kTitle), O::kAdded, "", {}},
      {"crlf", "---\r\ntitle: T\r\n---\r\nmatrix\r\n", O::kAdded, "", {}},
      {"bom-crlf", "\xEF\xBB\xBF---\r\ntitle: T\r\n---\r\n", O::kAdded, "", {}},
      {"cr-only", "---\rtitle: T\r---\r", O::kRejected, "front matter", {}},
      {"nul-in-body",
       Fm(kTitle, std::string("a\0b", 3)),
       O::kRejected,
       "NUL",
       {}},
      {"nul-in-title",
       Fm(std::string("title: a\0b\n", 11)),
       O::kRejected,
       "NUL",
       {}},
      {"utf8-bad-title", Fm("title: caf\xE9\n"), O::kRejected, "UTF-8", {}},
      {"utf8-bad-body", Fm(kTitle, "\xC3\x28\n"), O::kRejected, "UTF-8", {}},
      {"utf8-bad-topics",
       Fm(kTitle + "topics: [\xFF]\n"),
       O::kRejected,
       "UTF-8",
       {}},
      {"utf8-bad-unread-key",
       Fm(kTitle + "related: \xFE\n"),
       O::kRejected,
       "UTF-8",
       {}},
      {"utf8-overlong", Fm("title: \xC0\xAF\n"), O::kRejected, "UTF-8", {}},
      {"utf8-surrogate",
       Fm("title: \xED\xA0\x80\n"),
       O::kRejected,
       "UTF-8",
       {}},
      {"utf8-truncated-at-end",
       Fm(kTitle, "ok \xE2\x82"),
       O::kRejected,
       "UTF-8",
       {}},
      {"no-front-matter",
       "# Just markdown\n",
       O::kRejected,
       "no front matter",
       {}},
      {"unclosed-front-matter",
       "---\ntitle: T\nbody\n",
       O::kRejected,
       "not closed",
       {}},
      {"delimiter-with-spaces", "---  \ntitle: T\n---   \n", O::kAdded, "", {}},
      // Structure.
      {"empty-front-matter", "---\n---\n", O::kRejected, "title", {}},
      {"comments-only", "---\n# c\n---\n", O::kRejected, "title", {}},
      {"top-level-list", "---\n- a\n- b\n---\n", O::kRejected, "list", {}},
      // A line that is no "key:" continues the key before it, and is
      // skipped with it (here: with nothing), so no title is left.
      {"top-level-scalar", "---\njust text\n---\n", O::kRejected, "title", {}},
      {"title-map", Fm("title:\n  a: b\n"), O::kRejected, "title", {}},
      {"title-list", Fm("title: [a, b]\n"), O::kRejected, "title", {}},
      {"title-empty", Fm("title: \"\"\n"), O::kRejected, "title", {}},
      {"title-null", Fm("title: ~\n"), O::kRejected, "title", {}},
      {"title-number", Fm("title: 42\n"), O::kAdded, "", {}},
      {"title-bool", Fm("title: true\n"), O::kAdded, "", {}},
      {"name-not-title", Fm("name: Event\n"), O::kAdded, "", {}},
      {"yaml-unclosed-bracket",
       Fm("title: [a\n"),
       O::kRejected,
       "never closed",
       {}},
      {"yaml-unclosed-quote",
       Fm("title: \"abc\n"),
       O::kRejected,
       "never closed",
       {}},
      {"yaml-bad-indent",
       Fm("title: T\n  excerpt: x\n bad: y\n"),
       O::kRejected,
       "invalid YAML",
       {}},
      {"yaml-tab-indent",
       Fm("provider:\n\tname: x\ntitle: T\n"),
       O::kRejected,
       "invalid YAML",
       {}},
      {"deep-flow-nesting",
       Fm(kTitle + "topics: " + Repeat("[", 200) + Repeat("]", 200) + "\n"),
       O::kRejected,
       "nests deeper",
       {}},
      {"deep-block-nesting", Nested(60), O::kAdded, "", {}},
      {"alias-bomb", AliasBomb(), O::kRejected, "YAML nodes", {}},
      {"aliases-fine", Fm("title: &t T\nexcerpt: *t\n"), O::kAdded, "", {}},
      {"undefined-alias",
       Fm("title: *nope\n"),
       O::kRejected,
       "invalid YAML",
       {}},
      {"duplicate-key", Fm("title: A\ntitle: B\n"), O::kWarned, "title", {}},
      {"tag-binary", Fm("title: !!binary aGVsbG8=\n"), O::kAdded, "", {}},
      {"tag-custom", Fm("title: !foo bar\n"), O::kAdded, "", {}},
      {"complex-key", Fm("? [a, b]\n: c\ntitle: T\n"), O::kAdded, "", {}},
      {"unread-key-garbage",
       Fm(kTitle + "related: [[[ {{ \"\n"),
       O::kAdded,
       "",
       {}},
      // Wrong types and extreme values.
      {"quality-text",
       Fm(kTitle + "quality: high\n"),
       O::kWarned,
       "quality",
       {}},
      {"quality-negative",
       Fm(kTitle + "quality: -5\n"),
       O::kWarned,
       "quality",
       {}},
      {"quality-hex",
       Fm(kTitle + "quality: 0x10\n"),
       O::kWarned,
       "quality",
       {}},
      {"quality-huge",
       Fm(kTitle + "quality: 1e400\n"),
       O::kWarned,
       "quality",
       {}},
      {"quality-inf",
       Fm(kTitle + "quality: .inf\n"),
       O::kWarned,
       "quality",
       {}},
      {"quality-nan",
       Fm(kTitle + "quality: .nan\n"),
       O::kWarned,
       "quality",
       {}},
      {"heat-20-digits",
       Fm(kTitle + "heat: 99999999999999999999\n"),
       O::kWarned,
       "heat",
       {}},
      {"heat-list", Fm(kTitle + "heat: [1, 2]\n"), O::kWarned, "heat", {}},
      {"heat-map", Fm(kTitle + "heat:\n  a: 1\n"), O::kWarned, "heat", {}},
      {"heat-unknown", Fm(kTitle + "heat: -1\n"), O::kAdded, "", {}},
      {"date-text",
       Fm(kTitle + "publishedDateTime: nope\n"),
       O::kWarned,
       "publishedDateTime",
       {}},
      {"date-feb-30",
       Fm(kTitle + "publishedDateTime: 2022-02-30\n"),
       O::kWarned,
       "publishedDateTime",
       {}},
      {"date-offset-99",
       Fm(kTitle + "publishedDateTime: 2022-01-01T00:00+99:99\n"),
       O::kWarned,
       "publishedDateTime",
       {}},
      {"date-hour-25",
       Fm(kTitle + "publishedDateTime: 2022-01-01T25:00:00Z\n"),
       O::kWarned,
       "publishedDateTime",
       {}},
      {"date-year-9999",
       Fm(kTitle + "publishedDateTime: 9999-12-31T23:59:59Z\n"),
       O::kAdded,
       "",
       {}},
      {"date-year-0000",
       Fm(kTitle + "publishedDateTime: 0000-01-01\n"),
       O::kAdded,
       "",
       {}},
      {"date-list",
       Fm(kTitle + "publishedDateTime: [2022-01-01]\n"),
       O::kWarned,
       "publishedDateTime",
       {}},
      {"published-maybe",
       Fm(kTitle + "published: maybe\n"),
       O::kWarned,
       "published",
       {}},
      {"topics-map",
       Fm(kTitle + "topics:\n  a: b\n"),
       O::kWarned,
       "topics",
       {}},
      {"topics-nested-list",
       Fm(kTitle + "topics: [[a]]\n"),
       O::kWarned,
       "topics",
       {}},
      {"topics-10000",
       Fm(kTitle + "topics: [" + Repeat("t,", 9999) + "t]\n"),
       O::kAdded,
       "",
       {}},
      {"provider-scalar",
       Fm(kTitle + "provider: Microsoft\n"),
       O::kAdded,
       "",
       {}},
      // Sizes.
      {"related-50mb",
       Fm(kTitle + "related:\n" +
          Repeat("  - https://example.com/x/y\n", 50u << 20 >> 5)),
       O::kAdded,
       "",
       {}},
      {"body-5mb",
       Fm(kTitle, Repeat("matrix words here ", 5u << 20 >> 4)),
       O::kAdded,
       "",
       {}},
      {"title-1mb",
       Fm("title: " + Repeat("x", 1u << 20) + "\n"),
       O::kAdded,
       "",
       {}},
      {"single-long-word", Fm(kTitle, Repeat("w", 100000)), O::kAdded, "", {}},
      {"url-100k-labels",
       Fm(kTitle + "webUrl: \"https://" + Repeat("d.", 100000) + "com/x\"\n"),
       O::kAdded,
       "",
       {}},
      {"url-garbage", Fm(kTitle + "webUrl: \"::::@@//\"\n"), O::kAdded, "", {}},
      {"entities",
       Fm("title: \"" + Repeat("&amp;amp;#x26;", 1000) + "\"\n"),
       O::kAdded,
       "",
       {}},
      // Text a terminal could misread, and unusual scripts.
      {"title-escapes",
       Fm("title: \"\\e]0;PWNED\\a\\e[2J\"\n"),
       O::kAdded,
       "",
       {}},
      {"title-rtl-override",
       Fm("title: \"abc \xE2\x80\xAE cba\"\n"),
       O::kAdded,
       "",
       {}},
      {"title-emoji-only",
       Fm("title: \"\xF0\x9F\x98\x80\"\n"),
       O::kAdded,
       "",
       {}},
      // Odd file names.
      {"name with spaces 'and' \"quotes\"", Fm(kTitle), O::kAdded, "", {}},
      {"name-with-newline\nx", Fm(kTitle), O::kAdded, "", {}},
      {"name-with-esc\x1b[2J", Fm(kTitle), O::kAdded, "", {}},
      {"name-not-utf8-\xFF", Fm(kTitle), O::kAdded, "", {}},
      {"unicode-\xC3\xA9t\xC3\xA9", Fm(kTitle), O::kAdded, "", {}},
  };
  // Files that are not content files, or not plain files.
  auto file = [](const std::string& tree, const std::string& name,
                 const std::string& text) {
    std::ofstream(tree + "/" + name, std::ios::binary) << text;
  };
  c.push_back(
      {"markdown-extension", "", O::kAdded, "", [&](const std::string& t) {
         file(t, "markdown-extension.markdown", Fm(kTitle));
       }});
  c.push_back(
      {"upper-case-extension", "", O::kIgnored, "", [&](const std::string& t) {
         file(t, "upper-case-extension.MD", Fm(kTitle));
       }});
  c.push_back({"hidden-file", "", O::kIgnored, "", [&](const std::string& t) {
                 file(t, ".hidden-file.md", Fm(kTitle));
               }});
  c.push_back({"hidden-folder", "", O::kIgnored, "", [&](const std::string& t) {
                 fs::create_directories(t + "/.hidden");
                 file(t, ".hidden/x.md", Fm(kTitle));
               }});
  c.push_back(
      {"folder-named-md", "", O::kIgnored, "", [](const std::string& t) {
         fs::create_directories(t + "/folder-named.md");
       }});
  c.push_back({"fifo", "", O::kIgnored, "", [](const std::string& t) {
                 ::mkfifo((t + "/fifo.md").c_str(), 0644);
               }});
  c.push_back(
      {"link-to-file-inside", "", O::kIgnored, "", [](const std::string& t) {
         fs::create_symlink(t + "/bom.md", t + "/link-inside.md");
       }});
  c.push_back(
      {"link-outside-root", "", O::kIgnored, "", [](const std::string& t) {
         fs::create_symlink("/etc/hostname", t + "/link-outside.md");
       }});
  c.push_back({"link-dangling", "", O::kIgnored, "", [](const std::string& t) {
                 fs::create_symlink(t + "/nothing", t + "/link-dangling.md");
               }});
  c.push_back({"link-loop", "", O::kIgnored, "", [](const std::string& t) {
                 fs::create_directories(t + "/loop");
                 fs::create_directory_symlink(t + "/loop", t + "/loop/again");
               }});
  c.push_back({"link-self", "", O::kIgnored, "", [](const std::string& t) {
                 fs::create_symlink(t + "/link-self.md", t + "/link-self.md");
               }});
  c.push_back({"unreadable-file", "", O::kRejected, "cannot open",
               [&](const std::string& t) {
                 file(t, "unreadable-file.md", Fm(kTitle));
                 ::chmod((t + "/unreadable-file.md").c_str(), 0);
               }});
  return c;
}

TEST(BadInputMatrixTest, EveryKindIsIndexedWarnedRejectedOrIgnored) {
  TempDir dir;
  const std::string tree = dir.path() + "/tree";
  fs::create_directories(tree);
  const std::vector<Case> cases = Cases();
  ASSERT_GE(cases.size(), 60u);
  const bool root = ::geteuid() == 0;
  size_t expect_added = 0, expect_rejected = 0;
  for (const Case& c : cases) {
    if (c.make) {
      c.make(tree);
    } else {
      std::ofstream(tree + "/" + c.name + ".md", std::ios::binary) << c.content;
    }
    // root reads a file without permissions: it is indexed then.
    const bool skip = root && std::string(c.name) == "unreadable-file";
    if (c.outcome == Outcome::kAdded || c.outcome == Outcome::kWarned || skip)
      ++expect_added;
    if (c.outcome == Outcome::kRejected && !skip) ++expect_rejected;
  }
  const std::string index = dir.path() + "/index";
  const RunResult run = RunNsearch({"index", "--json", "--index", index, tree});
  ASSERT_EQ(0, run.exit_code) << run.err;
  const json summary = json::parse(run.out);
  std::map<std::string, std::string> rejected, warned;
  for (const auto& r : summary["rejected_files"])
    rejected[fs::path(r["path"].get<std::string>()).stem().string()] =
        r["reason"];
  for (const auto& w : summary["warnings"])
    warned[fs::path(w["path"].get<std::string>()).stem().string()] +=
        w["field"].get<std::string>() + " ";
  for (const Case& c : cases) {
    if (c.make) continue;  // Checked by the totals.
    const std::string name = fs::path(std::string(c.name) + ".md").stem();
    SCOPED_TRACE(c.name);
    switch (c.outcome) {
      case Outcome::kRejected:
        ASSERT_TRUE(rejected.count(name)) << "not rejected";
        EXPECT_NE(std::string::npos, rejected[name].find(c.expect))
            << rejected[name];
        break;
      case Outcome::kWarned:
        EXPECT_FALSE(rejected.count(name)) << rejected[name];
        EXPECT_NE(std::string::npos, warned[name].find(c.expect))
            << warned[name];
        break;
      default:
        EXPECT_FALSE(rejected.count(name)) << rejected[name];
        EXPECT_FALSE(warned.count(name)) << warned[name];
    }
  }
  EXPECT_EQ(expect_added, summary["added"].get<size_t>()) << run.out;
  EXPECT_EQ(expect_rejected, summary["rejected"].get<size_t>()) << run.out;

  // The index afterwards: it opens, passes check, answers, and a second
  // run finds every file unchanged and still rejects the same ones.
  const RunResult check = RunNsearch({"check", "--index", index});
  EXPECT_EQ(0, check.exit_code) << check.err;
  const RunResult query =
      RunNsearch({"query", "--json", "--index", index, "matrix"});
  ASSERT_EQ(0, query.exit_code) << query.err;
  EXPECT_GT(json::parse(query.out)["total"]["estimated"].get<size_t>(), 0u);
  const RunResult again =
      RunNsearch({"index", "--json", "--index", index, tree});
  ASSERT_EQ(0, again.exit_code) << again.err;
  const json second = json::parse(again.out);
  EXPECT_EQ(0, second["added"]);
  EXPECT_EQ(0, second["updated"]);
  EXPECT_EQ(0, second["deleted"]);
  EXPECT_EQ(expect_added, second["unchanged"].get<size_t>());
  EXPECT_EQ(summary["rejected"], second["rejected"]);
}

}  // namespace
}  // namespace nsearch
