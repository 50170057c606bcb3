// Diagnostics: one message about one place in an input file, printed the
// way compilers do (file:line:col, the offending line, a caret, a hint).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kha {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;    // 1-based; 0 when the message is about the whole file
  int column = 0;  // 1-based; 0 when the message is about the whole line
  std::string message;
  std::string hint;  // e.g. "did you mean \"token\"?"; empty for none
};

struct DiagnosticStyle {
  char line_column_separator = ':';  // Pound writes "file:3.7", compilers "file:3:7"
  bool severity_word = true;         // "error: " / "warning: " after the place
  bool show_source = true;           // the offending line and a caret under it
  bool colour = false;
};

// "file:line:col: error: message", then the source line, a caret and the hint
// on lines of their own. `source` is the whole text of `d.file`.
std::string FormatDiagnostic(const Diagnostic& d, std::string_view source,
                             const DiagnosticStyle& style = {});

// Collects every diagnostic of one input so all are reported at once.
class Diagnostics {
 public:
  void Error(std::string file, int line, int column, std::string message, std::string hint = {});
  void Warning(std::string file, int line, int column, std::string message, std::string hint = {});
  void Add(Diagnostic d) { list_.push_back(std::move(d)); }

  bool HasErrors() const;
  const std::vector<Diagnostic>& list() const { return list_; }

  // Sorted by line and column, each formatted, joined by newlines.
  std::string Format(std::string_view source, const DiagnosticStyle& style = {}) const;

 private:
  std::vector<Diagnostic> list_;
};

}  // namespace kha
