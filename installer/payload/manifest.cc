#include "installer/payload/manifest.h"

#include <cstdio>
#include <stdexcept>

namespace kha::payload {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line, size_t count) {
  // The first count-1 fields are space-separated; the last takes the rest, so
  // paths may contain spaces.
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < count) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) break;
    fields.push_back(line.substr(0, space));
    line.remove_prefix(space + 1);
  }
  fields.push_back(line);
  return fields;
}

bool IsHexDigest(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool ParseUnsigned(std::string_view text, int base, uint64_t* value) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t result = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9' ? c - '0' : -1;
    if (digit < 0 || digit >= base) return false;
    if (result > (UINT64_MAX - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base))
      return false;
    result = result * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
  }
  *value = result;
  return true;
}

}  // namespace

const ManifestEntry* Manifest::Find(std::string_view path) const {
  for (const ManifestEntry& entry : entries)
    if (entry.path == path) return &entry;
  return nullptr;
}

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  if (path.find_first_of(std::string_view("\0\n\\", 3)) != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

std::string FormatManifest(const Manifest& manifest) {
  std::string out = "kha-manifest 1\n";
  out += "version " + manifest.version + "\n";
  out += "build-date " + manifest.build_date + "\n";
  for (const ManifestEntry& entry : manifest.entries) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(entry.mode));
    out += entry.directory ? "dir " : "file ";
    out += mode;
    out += ' ' + std::to_string(entry.size) + ' ';
    out += entry.directory ? std::string("-") : entry.sha256;
    out += ' ' + entry.path + '\n';
  }
  return out;
}

Manifest ParseManifest(std::string_view text) {
  Manifest manifest;
  int line_number = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("manifest line " + std::to_string(line_number) + ": " + why);
  };
  while (!text.empty()) {
    ++line_number;
    size_t newline = text.find('\n');
    if (newline == std::string_view::npos) fail("missing final newline");
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    if (line_number == 1) {
      if (line != "kha-manifest 1") fail("expected \"kha-manifest 1\"");
      continue;
    }
    std::vector<std::string_view> head = SplitFields(line, 2);
    if (head.size() != 2) fail("expected a keyword and a value");
    if (head[0] == "version") {
      manifest.version = std::string(head[1]);
    } else if (head[0] == "build-date") {
      manifest.build_date = std::string(head[1]);
    } else if (head[0] == "file" || head[0] == "dir") {
      std::vector<std::string_view> fields = SplitFields(line, 5);
      if (fields.size() != 5) fail("expected TYPE MODE SIZE SHA256 PATH");
      ManifestEntry entry;
      entry.directory = fields[0] == "dir";
      uint64_t mode = 0;
      if (!ParseUnsigned(fields[1], 8, &mode) || mode > 0777) fail("bad mode");
      entry.mode = static_cast<uint32_t>(mode);
      if (!ParseUnsigned(fields[2], 10, &entry.size)) fail("bad size");
      if (entry.directory) {
        if (fields[3] != "-" || entry.size != 0) fail("a directory has size 0 and digest -");
      } else {
        if (!IsHexDigest(fields[3])) fail("bad SHA-256");
        entry.sha256 = std::string(fields[3]);
      }
      if (!IsSafeRelativePath(fields[4]) || fields[4] == kManifestName)
        fail("unsafe path \"" + std::string(fields[4]) + "\"");
      entry.path = std::string(fields[4]);
      if (manifest.Find(entry.path) != nullptr) fail("duplicate path \"" + entry.path + "\"");
      manifest.entries.push_back(std::move(entry));
    } else {
      fail("unknown keyword \"" + std::string(head[0]) + "\"");
    }
  }
  if (line_number == 0) throw std::runtime_error("manifest is empty");
  return manifest;
}

}  // namespace kha::payload
