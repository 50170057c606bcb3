#include "installer/apply/manifest.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "installer/apply/apply_error.h"

namespace kha::apply {
namespace {

constexpr char kHeader[] =
    "# kha manifest 1: the files kha-install wrote; read by `kha-install uninstall`.\n"
    "# file<TAB>PATH<TAB>MODE<TAB>SHA256<TAB>BACKUP (\"-\": nothing was there before)\n"
    "#   [<TAB>SIZE:INODE:MTIME:CTIME as kha left the file]\n"
    "# dir<TAB>PATH (a folder kha created)\n";

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    size_t tab = line.find('\t');
    fields.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) return fields;
    line.remove_prefix(tab + 1);
  }
}

bool IsHexDigest(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string FormatFingerprint(const Fingerprint& print) {
  return std::to_string(print.size) + ":" + std::to_string(print.inode) + ":" +
         std::to_string(print.mtime_ns) + ":" + std::to_string(print.ctime_ns);
}

template <typename Number>
bool ParseNumber(std::string_view text, Number& number) {
  auto [after, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return error == std::errc() && after == text.data() + text.size() && !text.empty();
}

std::optional<Fingerprint> ParseFingerprint(std::string_view text) {
  std::vector<std::string_view> parts;
  for (;;) {
    size_t colon = text.find(':');
    parts.push_back(text.substr(0, colon));
    if (colon == std::string_view::npos) break;
    text.remove_prefix(colon + 1);
  }
  Fingerprint print;
  if (parts.size() != 4 || !ParseNumber(parts[0], print.size) ||
      !ParseNumber(parts[1], print.inode) || !ParseNumber(parts[2], print.mtime_ns) ||
      !ParseNumber(parts[3], print.ctime_ns))
    return std::nullopt;
  return print;
}

// "FILE:LINE: message".
std::string Located(const std::string& file_name, int line_number, const std::string& message) {
  return file_name + ":" + std::to_string(line_number) + ": " + message;
}

}  // namespace

std::string OctalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string FormatManifest(const Manifest& manifest) {
  std::string text = kHeader;
  // Files and folders interleaved by path, so the file reads like a tree.
  std::map<std::string, std::string> lines;
  for (const auto& [path, entry] : manifest.files) {
    lines[path] = "file\t" + path + "\t" + OctalMode(entry.mode) + "\t" + entry.sha256 + "\t" +
                  (entry.backup.empty() ? "-" : entry.backup) +
                  (entry.fingerprint ? "\t" + FormatFingerprint(*entry.fingerprint) : "") + "\n";
  }
  for (const std::string& path : manifest.directories) lines[path] += "dir\t" + path + "\n";
  for (const auto& [path, line] : lines) text += line;
  return text;
}

Manifest ParseManifest(std::string_view text, const std::string& file_name) {
  Manifest manifest;
  int line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty() || line[0] == '#') continue;

    auto fail = [&](const std::string& message) {
      throw ApplyError(Located(file_name, line_number, message));
    };
    std::vector<std::string_view> fields = SplitTabs(line);
    for (size_t i = 1; i < fields.size(); ++i) {
      if (fields[i].empty()) fail("empty field " + std::to_string(i + 1));
    }
    if (fields.size() >= 2 && fields[1][0] != '/') fail("path is not absolute");
    if (fields[0] == "file") {
      if (fields.size() != 5 && fields.size() != 6)
        fail("expected 5 or 6 tab-separated fields, got " + std::to_string(fields.size()));
      ManifestEntry entry;
      unsigned mode = 0;
      auto [after, error] = std::from_chars(fields[2].begin(), fields[2].end(), mode, 8);
      if (error != std::errc() || after != fields[2].end() || mode > 07777)
        fail("bad mode \"" + std::string(fields[2]) + "\"");
      entry.mode = static_cast<mode_t>(mode);
      if (!IsHexDigest(fields[3])) fail("bad SHA-256 \"" + std::string(fields[3]) + "\"");
      entry.sha256 = fields[3];
      if (fields[4] != "-") entry.backup = fields[4];
      if (fields.size() == 6) {
        entry.fingerprint = ParseFingerprint(fields[5]);
        if (!entry.fingerprint)
          fail("bad file identity \"" + std::string(fields[5]) +
               "\" (expected SIZE:INODE:MTIME:CTIME)");
      }
      manifest.files[std::string(fields[1])] = entry;
    } else if (fields[0] == "dir") {
      if (fields.size() != 2)
        fail("expected 2 tab-separated fields, got " + std::to_string(fields.size()));
      manifest.directories.insert(std::string(fields[1]));
    } else {
      fail("unknown record \"" + std::string(fields[0]) + "\" (expected file or dir)");
    }
  }
  return manifest;
}

}  // namespace kha::apply
