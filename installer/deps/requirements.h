// The dependency table (payload/deps/dependencies.toml): what each role needs
// on a node, per OS release, and where kha-install may take it from. Parsing
// is strict (unknown keys are errors); selecting resolves it for one node.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "installer/answers/cluster.h"
#include "installer/host/os_release.h"

namespace kha::deps {

// A malformed dependency table; what() is "FILE:LINE:COL: message".
class TableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Kind { kBinary, kPackage };

struct Requirement {
  Kind kind = Kind::kBinary;
  std::string name;
  std::vector<answers::Role> roles;
  std::string path;     // binary: may hold {etcd.bin}, {flannel.bin}, {kubernetes.bin_dir}
  std::string bundle;   // binary: the artifact to copy
  std::string version;  // binary: text `path --version` must print; empty = any
  std::map<std::string, std::string> apt;  // package: release (or "default") -> name
  std::string source;                      // bundled source tarball; empty = none
};

// Parses the table; `source_name` names it in messages.
std::vector<Requirement> ParseRequirements(std::string_view text, const std::string& source_name);

// One requirement resolved for a node: paths from the answer file, the apt
// name for its release.
struct Need {
  Kind kind = Kind::kBinary;
  std::string name;
  std::string roles;  // the node's roles that need it, "master, worker"
  std::string path;
  std::string bundle;
  std::string version;
  std::string apt;  // empty: not available from the archive on this release
  std::string source;
};

// The needs of a node with `roles` on release `os`, in table order.
std::vector<Need> SelectNeeds(const std::vector<Requirement>& table, const host::OsRelease& os,
                              const std::vector<answers::Role>& roles,
                              const answers::Cluster& cluster);

}  // namespace kha::deps
