#include "common/markup.h"

#include <string>

#include <gtest/gtest.h>

#include "common/text_util.h"

namespace nsearch {
namespace {

TEST(HtmlToText, TagsGoEntitiesDecodeBlocksBreakLines) {
  EXPECT_EQ(HtmlToText("<p>Sharing the <b>app</b>.</p><p>&nbsp;</p>"
                       "<p><span class=\"videoUrl\">watch</span></p>"),
            "Sharing the app.\nwatch");
  EXPECT_EQ(HtmlToText("<ul><li>one</li> <li>two &amp; three</li></ul>"),
            "one\ntwo & three");
  EXPECT_EQ(HtmlToText("caf&eacute; &#8216;x&#x2019; &lt;tag&gt;"),
            "caf\xC3\xA9 \xE2\x80\x98x\xE2\x80\x99 <tag>");
}

TEST(HtmlToText, ScriptsStylesAndAttributesDisappear) {
  const std::string text = HtmlToText(
      "<div style=\"background: #ffffff\">Keep<script>var x = '<p>';"
      "</script><style>p { color: red }</style> this<noscript>no</noscript>"
      "<!-- comment --></div>");
  EXPECT_EQ(text, "Keep this");
}

TEST(HtmlToText, InlineElementsDoNotSplitWords) {
  EXPECT_EQ(HtmlToText("Power<b>Apps</b> and <i>Azure</i>"),
            "PowerApps and Azure");
  EXPECT_EQ(HtmlToText("<table><tr><td>a</td><td>b</td></tr>"
                       "<tr><td>c</td></tr></table>"),
            "a b\nc");
}

TEST(HtmlToText, BrokenMarkupRecovers) {
  EXPECT_EQ(HtmlToText("C++ < Rust && 3 > 2"), "C++ < Rust && 3 > 2");
  EXPECT_EQ(HtmlToText("<p>unclosed <b>bold"), "unclosed bold");
  EXPECT_EQ(CollapseWhitespace(HtmlToText("<<<>>></")), "<<< >>>");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("<div><div><div>"), "");
}

TEST(MarkdownToText, SyntaxGoesTextStays) {
  EXPECT_EQ(MarkdownToText("# Title\n\nSome *emphasis* and `code`.\n\n"
                           "- item one\n- item [two](https://x.com)\n"),
            "Title\nSome emphasis and code.\nitem one\nitem two");
}

TEST(MarkdownToText, CodeAndTablesBecomeText) {
  EXPECT_EQ(MarkdownToText("```python\nimport torch\n```\n\n"
                           "| a | b |\n|---|---|\n| 1 | 2 |\n"),
            "import torch\na b\n1 2");
}

TEST(MarkdownToText, RawHtmlInsideMarkdownIsParsed) {
  EXPECT_EQ(MarkdownToText("Intro\n\n<div class=\"x\"><p>Inside &amp; "
                           "out</p><script>alert(1)</script></div>\n\n"
                           "Text with <span style=\"c\">inline</span> html."),
            "Intro\nInside & out\nText with inline html.");
}

TEST(MarkdownToText, EntitiesDecodeAndBomIsDropped) {
  EXPECT_EQ(MarkdownToText("\xEF\xBB\xBF"
                           "AT&amp;T &copy; 2024"),
            "AT&T \xC2\xA9 2024");
}

TEST(InlineText, HtmlOnlyWhenThereIsATag) {
  EXPECT_EQ(InlineText("  Fish &amp; chips  \n"), "Fish & chips");
  EXPECT_EQ(InlineText("<p>New <em>Azure</em> regions</p>"),
            "New Azure regions");
  // An escaped tag is text, not markup.
  EXPECT_EQ(InlineText("Use &lt;div&gt; here"), "Use <div> here");
}

}  // namespace
}  // namespace nsearch
