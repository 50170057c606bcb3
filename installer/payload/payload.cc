#include "installer/payload/payload.h"

#include <sys/auxv.h>
#include <unistd.h>

#include <cstdio>

namespace kha::payload {

Payload Payload::OpenSelf(const TrustOptions& trust, Reading reading) {
  // Without /proc (an empty chroot, an early boot) the kernel still tells
  // the path the executable was started from.
  if (access("/proc/self/exe", R_OK) != 0) {
    // getauxval hands the AT_EXECFN string pointer back as an unsigned long.
    // NOLINTNEXTLINE(performance-no-int-to-ptr)
    const char* started_as = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
    if (started_as != nullptr) return Open(started_as, trust, reading);
  }
  return Open("/proc/self/exe", trust, reading);
}

Payload Payload::Open(const std::string& executable, const TrustOptions& trust, Reading reading) {
  OpenOptions options;
  options.lookahead = reading == Reading::kEveryEntry;
  return Payload(SealedFile::Open(executable, Kind::kInstaller, trust, options));
}

std::string Payload::Info() const {
  const Manifest& manifest = sealed_.manifest();
  const Trailer& trailer = sealed_.trailer();
  std::string signer = trailer.is_signed() ? "key " + sealed_.signer() : "unsigned";
  return "version:    " + manifest.version + "\n" + "build date: " + manifest.build_date + "\n" +
         "payload:    " + std::to_string(trailer.payload_length) + " bytes (" +
         sealed_.compression() + "), " + std::to_string(manifest.entries.size()) + " entries\n" +
         "executable: " + std::to_string(sealed_.file_size()) + " bytes\n" +
         "signer:     " + signer + "\n";
}

std::string Payload::FormatList() const {
  std::string out;
  for (const ManifestEntry& entry : List()) {
    char line[64];
    std::snprintf(line, sizeof line, "%04o %10llu ", static_cast<unsigned>(entry.mode),
                  static_cast<unsigned long long>(entry.size));
    out += line + entry.path + (entry.directory ? "/\n" : "\n");
  }
  return out;
}

}  // namespace kha::payload
