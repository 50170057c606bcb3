#include "installer/plan/select.h"

#include <algorithm>

namespace kha::plan {
namespace {

std::string Candidates(const answers::Cluster& cluster) {
  std::string text;
  for (const answers::Node& node : cluster.nodes)
    text += "\n  " + node.name + " (" + node.ip.ToString() + ")";
  return text;
}

std::string RoleList(const answers::Node& node) {
  std::string text;
  for (answers::Role role : node.roles) {
    if (!text.empty()) text += ", ";
    text += answers::RoleName(role);
  }
  return text;
}

}  // namespace

const answers::Node& SelectNode(const answers::Cluster& cluster, const std::string& requested,
                                const std::vector<answers::Ipv4>& local_addresses) {
  if (!requested.empty()) {
    if (const answers::Node* node = cluster.FindNode(requested)) return *node;
    throw UsageError("no node named \"" + requested + "\" in " + cluster.source_file +
                     "; the nodes are:" + Candidates(cluster));
  }
  std::vector<const answers::Node*> matches;
  for (const answers::Node& node : cluster.nodes)
    if (std::find(local_addresses.begin(), local_addresses.end(), node.ip) != local_addresses.end())
      matches.push_back(&node);
  if (matches.size() == 1) return *matches.front();

  std::string local;
  for (const answers::Ipv4& ip : local_addresses)
    local += (local.empty() ? "" : ", ") + ip.ToString();
  if (matches.empty())
    throw UsageError("none of this host's addresses (" + local + ") is a node's ip in " +
                     cluster.source_file + "; choose one with --node NAME:" + Candidates(cluster));
  std::string names;
  for (const answers::Node* node : matches)
    names += "\n  " + node->name + " (" + node->ip.ToString() + ")";
  throw UsageError("several nodes have an ip of this host; choose one with --node NAME:" + names);
}

std::vector<answers::Role> SelectRoles(const answers::Node& node,
                                       const std::optional<std::string>& requested) {
  if (!requested) return node.roles;
  for (answers::Role role : node.roles)
    if (answers::RoleName(role) == *requested) return {role};
  throw UsageError("node " + node.name + " does not have the role \"" + *requested +
                   "\"; its roles are: " + RoleList(node));
}

}  // namespace kha::plan
