// A getopt-style command line described by a table: each flag with its
// argument names and help text, so the parser and --help never disagree.
// Short flags combine ("-ce"), take their value attached or as the next word
// ("-fFILE", "-f FILE"); a flag with several values takes the next words as
// they are, so "-b -1 0 2" reads -1 as a value.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kha::proxy {

struct FlagSpec {
  char short_name;             // 'f'
  std::string_view long_name;  // "help" for --help; empty for none
  std::string_view arguments;  // "FILE", "L S B"; empty for none
  std::string_view help;
};

struct ParsedFlag {
  char short_name;
  std::vector<std::string> values;
};

struct ParsedCommandLine {
  std::vector<ParsedFlag> flags;  // in command-line order
  std::vector<std::string> operands;
  std::string error;  // empty on success: "unknown option -x", …
};

ParsedCommandLine ParseFlags(std::span<const char* const> arguments,
                             std::span<const FlagSpec> specs);

// "  -f FILE        help…" lines, aligned, one per flag.
std::string FlagHelp(std::span<const FlagSpec> specs);

}  // namespace kha::proxy
