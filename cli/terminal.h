// The terminal side of text output: whether to colour, how wide to wrap,
// and a pager for long output (after git and ripgrep).
//
// All of it is decided once per process from the command line (--color,
// --no-pager), the environment (NO_COLOR, TERM, COLUMNS, LINES, PAGER) and
// whether stdout is a terminal. Nothing here changes output that does not
// go to a terminal, except --color always.
//
// Thread-compatible: set up on the main thread before any output.

#ifndef NSEARCH_CLI_TERMINAL_H_
#define NSEARCH_CLI_TERMINAL_H_

#include <cstddef>
#include <string>

#include "common/status.h"

namespace nsearch::cli {

enum class ColorChoice { kAuto, kAlways, kNever };

// Parses the value of --color: auto, always or never.
Result<ColorChoice> ParseColorChoice(const std::string& name);

// Sets the choice UseColor() follows (default kAuto).
void SetColorChoice(ColorChoice choice);

// True when text on stdout gets ANSI colour: --color always; or --color
// auto (the default) on a terminal, without NO_COLOR and not TERM=dumb.
bool UseColor();

// The same for stderr (diagnostics).
bool UseColorOnStderr();

// True when stdout is a terminal (decided before a pager takes it over).
bool StdoutIsTerminal();

// Columns to wrap text to: on a terminal $COLUMNS, else the terminal's
// width (TIOCGWINSZ), else 80; when stdout is no terminal always 80, so
// piped output never depends on the terminal.
size_t TerminalWidth();

// Rows of the terminal ($LINES, else TIOCGWINSZ); 0 when stdout is no
// terminal or the height is unknown.
size_t TerminalHeight();

// Pipes the rest of stdout through a pager when stdout is a terminal:
// $PAGER (empty or "cat": none), else "less -FRX" ($LESS set to FRX when
// unset). Does nothing when stdout is no terminal, or the pager cannot
// be found. Call once, before writing to std::cout.
void StartPager();

// Closes the pipe to the pager and waits for it to exit. Safe to call
// without a pager.
void FinishPager();

// True when output goes through a pager. A write that fails with EPIPE
// then means the user quit the pager early: no error.
bool PagerStarted();

// Splits `text` into lines of at most `width` display columns, breaking
// at spaces; a word longer than a line (a URL, a path) is never broken
// but gets a line of its own. Every line after the first starts with
// `indent` spaces. ANSI escape sequences take no columns. Returns the
// lines joined by "\n", without a final newline.
std::string WrapText(const std::string& text, size_t width, size_t indent);

// Cuts `text` (no newlines) to at most `width` display columns at a word
// boundary, adding "…" when it cut. ANSI sequences are kept (and a reset
// added after a cut inside one).
std::string CutToWidth(const std::string& text, size_t width);

// Display columns of `text`: UTF-8 code points, wide East Asian ones
// counting two, ANSI escape sequences none.
size_t DisplayWidth(const std::string& text);

// `path` relative to the current folder when that is shorter, else as is.
std::string RelativePath(const std::string& path);

// "1 document", "2 documents": `count` and the noun, plural when not 1.
std::string CountOf(size_t count, const std::string& singular,
                    const std::string& plural);

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_TERMINAL_H_
