#include "installer/answers/cluster.h"

#include <algorithm>

namespace kha::answers {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kEtcd:
      return "etcd";
    case Role::kMaster:
      return "master";
    case Role::kWorker:
      return "worker";
  }
  return "?";
}

bool Node::Has(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string PortRange::ToString() const {
  return std::to_string(first) + '-' + std::to_string(last);
}

std::vector<const Node*> Cluster::NodesWith(Role role) const {
  std::vector<const Node*> result;
  for (const Node& node : nodes)
    if (node.Has(role)) result.push_back(&node);
  return result;
}

const Node* Cluster::FindNode(std::string_view name) const {
  for (const Node& node : nodes)
    if (node.name == name) return &node;
  return nullptr;
}

}  // namespace kha::answers
