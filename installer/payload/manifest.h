// The manifest: the first entry of every payload and bundle archive, naming
// each entry with its type, mode, size and SHA-256, so every file is checked
// as it is extracted. Text, one entry a line, the path last:
//   kha-manifest 1
//   version 0.1.0
//   build-date 2026-11-25
//   dir 0755 0 - init
//   file 0644 123 <sha256 hex> init/systemd/etcd.service
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kha::payload {

// Where the manifest lives inside the archive; never extracted.
inline constexpr std::string_view kManifestName = ".kha-manifest";

struct ManifestEntry {
  std::string path;  // relative, '/'-separated, no "." or ".." parts
  bool directory = false;
  uint32_t mode = 0;   // permission bits only (0777)
  uint64_t size = 0;   // 0 for directories
  std::string sha256;  // lower-case hex; empty for directories
};

struct Manifest {
  std::string version;
  std::string build_date;
  std::vector<ManifestEntry> entries;

  const ManifestEntry* Find(std::string_view path) const;
};

std::string FormatManifest(const Manifest& manifest);
// Throws std::runtime_error naming the line that is wrong.
Manifest ParseManifest(std::string_view text);

// True for a relative path that stays inside its destination: not empty, not
// absolute, no empty, "." or ".." parts, no NUL, newline or backslash.
bool IsSafeRelativePath(std::string_view path);

}  // namespace kha::payload
