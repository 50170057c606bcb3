// The manifest: what kha-install wrote under a root, so a rerun can tell its
// own files from a user's edits and `kha-install uninstall` can undo it all.
//
// ROOT/var/lib/kha/manifest is text, one record a line, fields separated by
// one tab, '#' lines are comments:
//
//   file <TAB> PATH <TAB> MODE <TAB> SHA256 <TAB> BACKUP [<TAB> STAT]
//   dir  <TAB> PATH
//
// PATH is absolute inside the root; MODE is octal (0644); SHA256 is the hex
// digest of the content kha wrote; BACKUP is where the file that was there
// before kha first wrote PATH was saved (under /var/lib/kha/backup/), or "-"
// when there was none. STAT, only for files whose content kha knows by its
// digest (the payload's executables), is SIZE:INODE:MTIME:CTIME (times in
// nanoseconds) as the file was right after kha wrote it: a rerun that finds
// the same need not read the file (see Fingerprint). A dir record is a
// folder kha created; uninstall removes it when it is empty. Records are
// sorted by path.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace kha::apply {

inline constexpr char kManifestPath[] = "/var/lib/kha/manifest";
inline constexpr char kBackupFolder[] = "/var/lib/kha/backup";

// A file's identity on disk. A write, truncate, chmod or rename moves its
// change time, which no user call can set back, so the same fingerprint means
// the same content, except for a change made in the same clock tick as kha's
// own write; Plan treats a fingerprint taken in the tick the manifest was
// written as unproven and reads the file.
struct Fingerprint {
  uint64_t size = 0;
  uint64_t inode = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const Fingerprint&) const = default;
};

struct ManifestEntry {
  mode_t mode = 0644;
  std::string sha256;
  std::string backup;  // empty: the file did not exist before kha wrote it
  std::optional<Fingerprint> fingerprint;
  bool operator==(const ManifestEntry&) const = default;
};

struct Manifest {
  std::map<std::string, ManifestEntry> files;  // by path inside the root
  std::set<std::string> directories;
  bool operator==(const Manifest&) const = default;
};

// "0644": permission bits as four octal digits.
std::string OctalMode(mode_t mode);

std::string FormatManifest(const Manifest& manifest);
// Throws ApplyError "FILE:LINE: message" on a malformed line.
Manifest ParseManifest(std::string_view text, const std::string& file_name);

}  // namespace kha::apply
