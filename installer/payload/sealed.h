// A sealed file: a compressed tar appended to something (the kha-install stub,
// or nothing for a bundle) and followed by a trailer (trailer.h). Opening one
// checks the trailer, sizes, both SHA-256 digests and the signature before any
// other use; every entry is then checked against the manifest as it is read.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "installer/payload/manifest.h"
#include "installer/payload/trailer.h"

namespace kha::payload {

// A refused payload or bundle, with a message ready to print. exit_code() is 2
// for bad input (nothing was written) and 1 when writing the destination failed.
class PayloadError : public std::runtime_error {
 public:
  explicit PayloadError(const std::string& message, int exit_code = 2)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

struct TrustOptions {
  // PEM files with Ed25519 public keys (--trusted-key), added to the built-in ones.
  std::vector<std::string> trusted_key_files;
  // Public keys given as PEM text (tests, and kha-pack's check of its own output).
  std::vector<std::string> trusted_key_pems;
  // Refuse an unsigned file (--require-signature).
  bool require_signature = false;
  // Only for listing contents (kha-bundle list): digests are checked but a
  // signature is not, and an unsigned file is accepted. Never set for use.
  bool listing_only = false;
  // The keys named by the KHA_SIGNING_PUBKEY build option; tests turn them off.
  bool use_builtin_keys = true;
};

class EntryPipe;
class Lookahead;

// How SealedFile::Open goes about its checks (the checks themselves never change).
struct OpenOptions {
  // Check the payload's digest and signature, read its manifest and start
  // decompressing it on a second thread while this one hashes the bytes
  // before it, so that a following Extract or Check finds its first entries
  // ready. Open still returns only after every check passed.
  bool lookahead = false;
  // Tests: replaces the SHA-256 of the bytes before the payload (e.g. a slow
  // one); `lookahead` is the pipe being filled meanwhile, or null.
  std::function<std::array<uint8_t, 32>(std::string_view prefix, EntryPipe* lookahead)>
      prefix_digest;
};

class SealedFile {
 public:
  // Maps `path` and verifies it; throws PayloadError (exit code 2) when it is
  // truncated, has extra bytes, fails a digest or signature, or lacks a required one.
  static SealedFile Open(const std::string& path, Kind kind, const TrustOptions& trust,
                         const OpenOptions& options = {});
  ~SealedFile();
  SealedFile(SealedFile&& other) noexcept;
  SealedFile& operator=(SealedFile&&) = delete;
  SealedFile(const SealedFile&) = delete;
  SealedFile& operator=(const SealedFile&) = delete;

  const std::string& path() const { return path_; }
  const Manifest& manifest() const { return *manifest_; }
  const Trailer& trailer() const { return trailer_; }
  uint64_t file_size() const { return size_; }
  const std::string& compression() const { return compression_; }
  // The signer's key id (16 hex digits) or "unsigned".
  std::string signer() const;

  // Decompresses every entry and checks it against the manifest; writes nothing.
  // Check and Extract take over a lookahead started by Open; the other reads
  // stop it. A SealedFile is used from one thread at a time.
  void Check() const;
  // One regular file's contents, checked against the manifest.
  std::string ReadEntry(std::string_view entry_path) const;
  // Streams one regular file into `destination` (a temporary beside it, then a
  // rename), checked against the manifest before the rename; `mode` as given.
  void ExtractEntryToFile(std::string_view entry_path, const std::string& destination,
                          uint32_t mode) const;
  // Every entry under `dir` (created if missing), streaming, with modes from
  // the manifest; refuses unsafe paths and writing through symlinks.
  void Extract(const std::string& dir, bool show_progress) const;

  // Verifies a tar held in memory the same way (for the packer's self-check and tests).
  static Manifest ReadManifest(std::string_view archive, std::string* compression);

 private:
  SealedFile();
  // The lookahead Open started, if it is still unused; null otherwise.
  std::unique_ptr<Lookahead> TakeLookahead() const;

  std::string path_;
  Kind kind_ = Kind::kInstaller;
  const unsigned char* map_ = nullptr;
  uint64_t size_ = 0;
  Trailer trailer_;
  // On the heap so that a lookahead's thread keeps reading it while the
  // SealedFile moves.
  std::unique_ptr<Manifest> manifest_;
  std::string compression_;
  std::string_view archive_;
  mutable std::mutex lookahead_mutex_;
  mutable std::unique_ptr<Lookahead> lookahead_;  // after what its thread reads
};

// The archive-level reader shared by SealedFile and the tests: walks `archive`
// and calls `visit` for each entry after checking that it is a safe, listed,
// not-yet-seen directory or regular file of the listed type, mode and size.
// `visit` gets the entry and a function reading the next data block (empty at
// the end). Throws PayloadError for anything refused, and when a listed entry
// is missing at the end (unless `stop_early` returned true from visit).
using ReadBlock = std::function<std::string_view()>;
void WalkArchive(std::string_view archive, const Manifest& manifest, std::string_view origin,
                 const std::function<bool(const ManifestEntry&, const ReadBlock&)>& visit);

// The same for an archive whose manifest is not read yet: reads it from the
// first entry and passes it (with the compression's name) to `found`, which
// keeps it and returns the copy the walk then checks against.
void WalkArchiveReadingManifest(
    std::string_view archive, std::string_view origin,
    const std::function<const Manifest&(Manifest manifest, std::string compression)>& found,
    const std::function<bool(const ManifestEntry&, const ReadBlock&)>& visit);

// Extracts a verified in-memory archive under `dir`; used by SealedFile::Extract.
void ExtractArchive(std::string_view archive, const Manifest& manifest, std::string_view origin,
                    const std::string& dir, bool show_progress);
// The same from a pipe that a PipeFeeder (entry_pipe.h) fills with `manifest`'s entries.
void ExtractFromPipe(EntryPipe& pipe, const Manifest& manifest, const std::string& dir,
                     bool show_progress);

}  // namespace kha::payload
