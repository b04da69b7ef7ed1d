// `cmake --install` (issue 12, item 3): the binary, man pages, completions,
// schema and JSON Schemas land in the usual places under the prefix, and
// the installed binary runs.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using testing::SourceDir;
using testing::TempDir;

TEST(InstallTest, InstallPutsEveryFileInTheUsualPlace) {
  TempDir dir;
  const std::string prefix = dir.path() + "/usr";
  const std::string install = std::string("'") + NSEARCH_CMAKE_COMMAND +
                              "' --install '" + NSEARCH_BUILD_DIR +
                              "' --prefix '" + prefix + "' >'" + dir.path() +
                              "/log' 2>&1";
  ASSERT_EQ(std::system(install.c_str()), 0)
      << testing::ReadFileOrDie(dir.path() + "/log");

  std::vector<std::string> expected = {
      "bin/nsearch",
      "share/man/man1/nsearch.1",
      "share/man/man1/nsearch-index.1",
      "share/man/man1/nsearch-query.1",
      "share/man/man1/nsearch-check.1",
      "share/bash-completion/completions/nsearch",
      "share/zsh/vendor-completions/_nsearch",
      "share/fish/vendor_completions.d/nsearch.fish",
      "share/nsearch/schema/news.yaml",
      "share/doc/nsearch/README.md",
  };
  for (const auto& entry :
       fs::directory_iterator(SourceDir() + "/schema/output"))
    expected.push_back("share/nsearch/schema/output/" +
                       entry.path().filename().string());
  for (const auto& file : expected)
    EXPECT_TRUE(fs::is_regular_file(prefix + "/" + file)) << file;

  const std::string version =
      "'" + prefix + "/bin/nsearch' --version >'" + dir.path() + "/version'";
  ASSERT_EQ(std::system(version.c_str()), 0);
  EXPECT_EQ(
      testing::ReadFileOrDie(dir.path() + "/version").rfind("nsearch ", 0), 0u);
}

}  // namespace
}  // namespace nsearch
