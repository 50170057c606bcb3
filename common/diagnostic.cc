#include "common/diagnostic.h"

#include <algorithm>

namespace kha {
namespace {

std::string_view LineOf(std::string_view source, int line) {
  int current = 1;
  size_t start = 0;
  while (current < line) {
    size_t newline = source.find('\n', start);
    if (newline == std::string_view::npos) return {};
    start = newline + 1;
    ++current;
  }
  size_t end = source.find('\n', start);
  std::string_view text = source.substr(start, end == std::string_view::npos ? end : end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string FormatDiagnostic(const Diagnostic& d, std::string_view source,
                             const DiagnosticStyle& style) {
  const bool error = d.severity == Severity::kError;
  const char* bold = style.colour ? "\033[1m" : "";
  const char* colour = style.colour ? (error ? "\033[1;31m" : "\033[1;35m") : "";
  const char* reset = style.colour ? "\033[0m" : "";

  std::string out = bold + d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.column > 0) out += style.line_column_separator + std::to_string(d.column);
  }
  out += ": ";
  out += reset;
  if (style.severity_word) {
    out += colour;
    out += error ? "error: " : "warning: ";
    out += reset;
  }
  out += d.message;

  if (style.show_source && d.line > 0) {
    std::string_view text = LineOf(source, d.line);
    if (!text.empty()) {
      out += "\n    ";
      out += text;
      if (d.column > 0) {
        out += "\n    ";
        // Keep tabs so the caret lines up under tab-indented text.
        for (int i = 0; i < d.column - 1 && i < static_cast<int>(text.size()); ++i)
          out += text[i] == '\t' ? '\t' : ' ';
        out += colour;
        out += '^';
        out += reset;
      }
    }
  }
  if (!d.hint.empty()) out += "\n    " + d.hint;
  return out;
}

void Diagnostics::Error(std::string file, int line, int column, std::string message,
                        std::string hint) {
  list_.push_back(
      {Severity::kError, std::move(file), line, column, std::move(message), std::move(hint)});
}

void Diagnostics::Warning(std::string file, int line, int column, std::string message,
                          std::string hint) {
  list_.push_back(
      {Severity::kWarning, std::move(file), line, column, std::move(message), std::move(hint)});
}

bool Diagnostics::HasErrors() const {
  return std::any_of(list_.begin(), list_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::string Diagnostics::Format(std::string_view source, const DiagnosticStyle& style) const {
  std::vector<Diagnostic> sorted = list_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::string out;
  for (const Diagnostic& d : sorted) {
    if (!out.empty()) out += '\n';
    out += FormatDiagnostic(d, source, style);
  }
  return out;
}

}  // namespace kha
