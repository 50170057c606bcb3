#include "installer/render/escape.h"

#include <cstdio>

#include "installer/render/render.h"

namespace kha::render {
namespace {

bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

[[noreturn]] void Refuse(std::string_view value, std::string_view why) {
  std::string shown;
  for (char c : value) {
    if (IsControl(c)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      shown += hex;
    } else {
      shown += c;
    }
  }
  throw RenderError("value \"" + shown + "\" " + std::string(why));
}

std::string EscapeShell(std::string_view value) {
  std::string out;
  for (char c : value) {
    // A newline would end the assignment; other controls are surely mistakes.
    if (IsControl(c)) Refuse(value, "has a control character, which a shell option cannot hold");
    // systemd's EnvironmentFile= unescapes exactly these inside "..." too.
    if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

std::string EscapeSystemd(std::string_view value) {
  std::string out;
  for (char c : value) {
    // Values are single words of ExecStart= and friends: no quoting there
    // survives $VAR splitting, so refuse what would split or end the line.
    if (IsControl(c) || c == ' ')
      Refuse(value, "has a space or control character, which a systemd unit word cannot hold");
    if (c == '%' || c == '$') out += c;  // specifier and variable expansion
    if (c == '\\' || c == '"' || c == '\'') out += '\\';
    out += c;
  }
  return out;
}

std::string EscapePound(std::string_view value) {
  for (char c : value) {
    // Pound's strings have no escape syntax.
    if (c == '"' || c == '\\' || IsControl(c))
      Refuse(value, "has a '\"', '\\' or control character, which pound.cfg cannot hold");
  }
  return std::string(value);
}

std::string EscapeJson(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (IsControl(c)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string Escape(Format format, std::string_view value) {
  switch (format) {
    case Format::kShell:
      return EscapeShell(value);
    case Format::kSystemd:
      return EscapeSystemd(value);
    case Format::kPound:
      return EscapePound(value);
    case Format::kJson:
      return EscapeJson(value);
  }
  return std::string(value);
}

}  // namespace kha::render
