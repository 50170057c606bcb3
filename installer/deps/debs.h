// Bundled .debs: which package each one holds, what it depends on, and the
// order dpkg must install them in so that every dependency comes first.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kha::deps {

struct DebInfo {
  std::string artifact;  // "debs/socat_1.7.3_amd64.deb"
  std::string package;   // the control file's Package
  std::string version;
  std::vector<std::vector<std::string>> depends;  // Pre-Depends and Depends: alternatives
};

// The package a bundled .deb holds by Debian's file naming,
// "debs/socat_1.7.3_amd64.deb" -> "socat"; empty when `artifact` is not a
// .deb under debs/.
std::string DebPackageFromName(std::string_view artifact);

// Reads the output of `dpkg-deb -f FILE Package Version Pre-Depends Depends`
// (RFC 822-style fields). Version constraints and :arch qualifiers are dropped.
DebInfo ParseDebControl(std::string_view fields, const std::string& artifact);

// The .debs to install for `wanted` packages: each wanted one with its
// bundled dependencies (transitively) that are not `installed`, in groups to
// pass to one `dpkg -i` each, dependencies first. Packages depending on each
// other in a cycle share one group (dpkg configures a cycle together).
// Throws std::runtime_error when a wanted package has no .deb in `debs`.
std::vector<std::vector<DebInfo>> OrderDebs(const std::vector<DebInfo>& debs,
                                            const std::vector<std::string>& wanted,
                                            const std::set<std::string>& installed);

}  // namespace kha::deps
