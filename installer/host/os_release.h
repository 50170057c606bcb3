// Release files (os-release(5) and Ubuntu's lsb-release): which distribution
// and version a root holds.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kha::host {

struct OsRelease {
  std::string id;           // "ubuntu", "debian", … (lower case)
  std::string version_id;   // "16.04", "12"; empty when the file has none
  std::string pretty_name;  // "Ubuntu 16.04.7 LTS"; may be empty
  std::string source_path;  // the file read (ROOT/etc/os-release, …) or "--force-os"
};

// KEY=VALUE lines as os-release(5) defines them: '#' comments and blank lines
// ignored, values unquoted or in single or double quotes, backslash escapes
// of $ " \ ` inside double quotes and of any character outside quotes.
// Lines that are not assignments are skipped (the files come from the distribution).
std::map<std::string, std::string> ParseReleaseAssignments(std::string_view text);

// Reads ROOT/etc/os-release, else ROOT/usr/lib/os-release, else
// ROOT/etc/lsb-release (DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_DESCRIPTION).
// nullopt when none exists; other read failures throw kha::SystemError.
// An absolute symlink (etc/os-release -> /usr/lib/os-release) is resolved
// inside ROOT, never on the running host.
std::optional<OsRelease> ReadOsRelease(const std::string& root);

// ROOT joined with an absolute path: ("/", "/etc/x") -> "/etc/x",
// ("/tmp/r/", "/etc/x") -> "/tmp/r/etc/x".
std::string UnderRoot(const std::string& root, std::string_view absolute_path);

}  // namespace kha::host
