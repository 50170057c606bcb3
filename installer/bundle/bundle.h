// Bundles: signed archives of extra artifacts (kube binaries, etcd, flannel,
// .debs, source tarballs) for offline installs. A bundle is a sealed file
// (installer/payload/sealed.h) of kind kBundle with no stub: its manifest is
// the bill of materials, naming every artifact with its size and SHA-256.
// Opening verifies the digests and the signature; every artifact is checked
// again against the bill of materials as it is read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "installer/payload/ed25519.h"
#include "installer/payload/sealed.h"

namespace kha::bundle {

struct Artifact {
  std::string name;  // relative path inside the bundle, e.g. "debs/socat_1.7.3_amd64.deb"
  uint64_t size = 0;
  std::string sha256;
};

class Bundle {
 public:
  // Verifies `path`; a bundle must be signed by a trusted key (built in, or
  // trust.trusted_key_files), unless trust.listing_only. Throws
  // payload::PayloadError (exit code 2) naming the file and the problem.
  static Bundle Open(const std::string& path, const payload::TrustOptions& trust);

  const payload::SealedFile& sealed() const { return sealed_; }
  // Regular files only, sorted by name.
  std::vector<Artifact> Artifacts() const;
  bool Has(const std::string& name) const;
  // The artifact's bytes, checked against the bill of materials.
  std::string Read(const std::string& name) const { return sealed_.ReadEntry(name); }
  // Streams the artifact to `destination` (temporary + rename, checked first).
  void ExtractTo(const std::string& name, const std::string& destination, uint32_t mode) const {
    sealed_.ExtractEntryToFile(name, destination, mode);
  }
  // "SHA256  SIZE  NAME" lines (sha256sum-like), one per artifact.
  std::string FormatBillOfMaterials() const;

 private:
  explicit Bundle(payload::SealedFile sealed) : sealed_(std::move(sealed)) {}
  payload::SealedFile sealed_;
};

struct CreateOptions {
  std::string folder;  // every file below it becomes an artifact, named by its relative path
  std::string out;
  const payload::PrivateKey* key = nullptr;  // required
  std::string version;
  std::string compression = "zstd";
  int level = 6;
};

// Packs, signs and re-verifies a bundle; returns its artifacts. Throws
// std::runtime_error (or payload::PayloadError) with a message ready to print.
std::vector<Artifact> Create(const CreateOptions& options);

// Writes a new Ed25519 key: `key_file` (mode 0600) and `key_file`.pub; refuses
// to replace an existing key. Returns the key id.
std::string GenerateKeyFiles(const std::string& key_file);

}  // namespace kha::bundle
