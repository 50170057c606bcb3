// The packer: folders and files → manifest + compressed tar, appended to a stub
// (the kha-install executable, or nothing for a bundle) and sealed with a
// trailer, optionally signed. Used by kha-pack at build time, by kha-bundle
// create, and by tests that need real sealed files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "installer/payload/ed25519.h"
#include "installer/payload/manifest.h"
#include "installer/payload/trailer.h"

namespace kha::payload {

// `source` (a file, or a folder taken recursively) lands at `destination`
// inside the archive.
struct PackInput {
  std::string source;
  std::string destination;
};

struct PackOptions {
  Kind kind = Kind::kInstaller;
  std::string stub_path;  // copied first, unchanged; empty for a bundle
  std::vector<PackInput> inputs;
  std::string version;
  std::string build_date;
  std::string compression = "zstd";  // "zstd", "xz" or "none"
  int level = 19;
  const PrivateKey* key = nullptr;  // signs when set
};

// One archive member: regular files are read from `source` when written.
struct PackMember {
  ManifestEntry entry;
  std::string source;
};

// Walks the inputs (sorted, folders before their contents, modes normalised
// to 0755 for folders and executables and 0644 otherwise) and hashes every
// file. Throws std::runtime_error for symlinks, special files, unsafe or
// duplicate destinations.
std::vector<PackMember> CollectMembers(const std::vector<PackInput>& inputs);

// Writes `out` atomically (temporary beside it, then rename): stub, archive,
// trailer. Returns the payload's size in bytes.
uint64_t Pack(const PackOptions& options, const std::string& out);

// Appends a trailer to `stub` + `archive` held in memory (tests craft
// archives this way).
std::string Seal(Kind kind, std::string_view stub, std::string_view archive, const PrivateKey* key);

}  // namespace kha::payload
