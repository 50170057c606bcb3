#include "proxy/config/lexer.h"

namespace kha::proxy {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Lexes one line (without its newline) into `out`; false when it had an error.
bool LexLine(std::string_view line, int line_number, const std::string& file,
             Diagnostics& diagnostics, std::vector<Token>& out) {
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (IsBlank(c)) {
      ++i;
      continue;
    }
    if (c == '#') break;
    Token token;
    token.line = line_number;
    token.column = static_cast<int>(i) + 1;
    if (c == '"') {
      token.kind = Token::Kind::kString;
      size_t j = i + 1;
      bool closed = false;
      while (j < line.size()) {
        char d = line[j];
        if (d == '"') {
          closed = true;
          break;
        }
        if (d == '\\' && j + 1 < line.size()) {
          char next = line[j + 1];
          if (next == '"' || next == '\\') {
            token.text += next;
          } else {
            token.text += d;
            token.text += next;
          }
          j += 2;
          continue;
        }
        token.text += d;
        ++j;
      }
      if (!closed) {
        diagnostics.Error(file, line_number, token.column, "missing closing quote");
        return false;
      }
      i = j + 1;
    } else {
      size_t j = i;
      while (j < line.size() && !IsBlank(line[j]) && line[j] != '"' && line[j] != '#') ++j;
      token.text = std::string(line.substr(i, j - i));
      i = j;
    }
    out.push_back(std::move(token));
  }
  return true;
}

}  // namespace

std::vector<Statement> LexConfig(std::string_view text, const std::string& file,
                                 Diagnostics& diagnostics) {
  std::vector<Statement> statements;
  int line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    ++line_number;
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::vector<Token> tokens;
    if (LexLine(text.substr(start, end - start), line_number, file, diagnostics, tokens) &&
        !tokens.empty()) {
      if (tokens.front().kind == Token::Kind::kString) {
        diagnostics.Error(file, line_number, tokens.front().column,
                          "expected a directive name, got a quoted string");
      } else {
        Statement statement;
        statement.file = file;
        statement.keyword = std::move(tokens.front());
        statement.arguments.assign(std::make_move_iterator(tokens.begin() + 1),
                                   std::make_move_iterator(tokens.end()));
        statements.push_back(std::move(statement));
      }
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return statements;
}

}  // namespace kha::proxy
