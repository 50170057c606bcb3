// Which node of the answer file this host is, and which of its roles to install.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "installer/answers/cluster.h"

namespace kha::plan {

// Bad usage or input: the installer exits 2 with this message, nothing touched.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `requested` names the node (--node); when empty the node is the one whose ip
// is among `local_addresses`. Throws UsageError listing the candidates when
// none or several match.
const answers::Node& SelectNode(const answers::Cluster& cluster, const std::string& requested,
                                const std::vector<answers::Ipv4>& local_addresses);

// All of the node's roles, or only `requested` (which the node must have).
std::vector<answers::Role> SelectRoles(const answers::Node& node,
                                       const std::optional<std::string>& requested);

}  // namespace kha::plan
