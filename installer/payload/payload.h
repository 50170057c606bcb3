// kha-install's own payload: what --info, --list, --check and --extract show,
// and where the installer takes kha-proxy, templates and init files from.
// Every function throws PayloadError (sealed.h) with a message ready to print;
// its exit_code() is 2 for a refused payload (nothing written) and 1 when
// writing the destination failed.
#pragma once

#include <string>
#include <vector>

#include "installer/payload/sealed.h"

namespace kha::payload {

class Payload {
 public:
  // Opens and verifies the running executable: trailer, sizes, SHA-256 of the
  // executable and of the payload, signature, before anything else. Reads
  // /proc/self/exe, or the path it was started as when /proc is missing.
  // With Reading::kEveryEntry (Extract or Check comes next), the verified
  // payload is decompressed (at most kLookaheadBytes, entry_pipe.h) while the
  // executable is hashed; with kSomeEntries nothing is read ahead.
  enum class Reading { kSomeEntries, kEveryEntry };
  static Payload OpenSelf(const TrustOptions& trust, Reading reading = Reading::kSomeEntries);
  static Payload Open(const std::string& executable, const TrustOptions& trust,
                      Reading reading = Reading::kSomeEntries);

  // Lines for --info: version, build date, payload size, entries, signer.
  std::string Info() const;
  const std::vector<ManifestEntry>& List() const { return sealed_.manifest().entries; }
  // Lines for --list: "MODE SIZE PATH" (folders end in '/').
  std::string FormatList() const;
  // Decompresses and checks every entry against the manifest (--check).
  void Check() const { sealed_.Check(); }
  // Streams every entry under `dir` (--extract DIR); a progress bar on a TTY when asked.
  void Extract(const std::string& dir, bool show_progress) const {
    sealed_.Extract(dir, show_progress);
  }
  // A file's contents, checked against the manifest (e.g. "bin/kha-proxy").
  std::string ReadEntry(const std::string& path) const { return sealed_.ReadEntry(path); }
  const SealedFile& sealed() const { return sealed_; }

 private:
  explicit Payload(SealedFile sealed) : sealed_(std::move(sealed)) {}
  SealedFile sealed_;
};

}  // namespace kha::payload
