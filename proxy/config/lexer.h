// Pound's configuration language is line-based: one directive per line, a
// keyword followed by its arguments. The lexer turns a file into those lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"

namespace kha::proxy {

struct Token {
  enum class Kind { kWord, kString };
  Kind kind = Kind::kWord;
  std::string text;  // a string's content with its escapes resolved
  int line = 0;      // 1-based
  int column = 0;    // 1-based, in bytes; a tab counts as one column
};

// One non-blank line: the keyword and its arguments.
struct Statement {
  std::string file;
  Token keyword;
  std::vector<Token> arguments;
};

// Splits `text` into statements. Comments run from '#' outside a string to
// the end of the line. In a quoted string `\"` is a quote and `\\` a
// backslash; any other backslash is kept with the character after it, so
// regular expressions such as "\.example\.com" read as written. Errors
// (an unterminated string, a line starting with a string) go to
// `diagnostics`; the offending line is dropped.
std::vector<Statement> LexConfig(std::string_view text, const std::string& file,
                                 Diagnostics& diagnostics);

}  // namespace kha::proxy
