// The manifest: what kha-install wrote under a root, so a rerun can tell its
// own files from a user's edits and `kha-install uninstall` can undo it all.
//
// ROOT/var/lib/kha/manifest is text, one record a line, fields separated by
// one tab, '#' lines are comments:
//
//   file <TAB> PATH <TAB> MODE <TAB> SHA256 <TAB> BACKUP
//   dir  <TAB> PATH
//
// PATH is absolute inside the root; MODE is octal (0644); SHA256 is the hex
// digest of the content kha wrote; BACKUP is where the file that was there
// before kha first wrote PATH was saved (under /var/lib/kha/backup/), or "-"
// when there was none. A dir record is a folder kha created; uninstall
// removes it when it is empty. Records are sorted by path.
#pragma once

#include <sys/types.h>

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace kha::apply {

inline constexpr char kManifestPath[] = "/var/lib/kha/manifest";
inline constexpr char kBackupFolder[] = "/var/lib/kha/backup";

struct ManifestEntry {
  mode_t mode = 0644;
  std::string sha256;
  std::string backup;  // empty: the file did not exist before kha wrote it
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
