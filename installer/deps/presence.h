// What a target root already has: installed Debian packages (from dpkg's
// status file), binaries at their paths (with the declared version), and the
// build tools a source build needs.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "installer/deps/requirements.h"
#include "installer/run/runner.h"

namespace kha::deps {

struct Presence {
  std::map<std::string, std::string> packages;  // installed package -> version
  std::set<std::string> binaries;               // Need::path values present with their version
  std::set<std::string> build_tools;            // of kBuildTools, those found
};

// What building from source needs, in the order an error lists them.
inline const std::vector<std::string> kBuildTools = {"sh", "make", "cc", "tar", "gzip"};

// Packages whose status is "install ok installed" in a dpkg status file.
std::map<std::string, std::string> ParseDpkgStatus(std::string_view text);

// Looks under `root`: ROOT/var/lib/dpkg/status, each binary need's path (and,
// for a declared version, runs `PATH --version` through `runner`), and the
// build tools in /usr/local/bin, /usr/bin, /bin of the running host (a build
// runs there even under --root). Throws kha::SystemError
// when a file exists but cannot be read.
Presence ProbePresence(const std::string& root, const std::vector<Need>& needs,
                       run::Runner& runner);

}  // namespace kha::deps
