#include "installer/plan/plan.h"

#include <algorithm>

namespace kha::plan {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string Between(std::string_view path, std::string_view prefix, std::string_view suffix) {
  if (!StartsWith(path, prefix) || !EndsWith(path, suffix) ||
      path.size() <= prefix.size() + suffix.size())
    return {};
  std::string_view name = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (name.find('/') != std::string_view::npos) return {};
  return std::string(name);
}

}  // namespace

Plan MakePlan(const answers::Cluster& cluster, const answers::Node& node,
              const std::vector<answers::Role>& roles, const host::HostFacts& host,
              const PlanRequest& request) {
  Plan plan;
  plan.node = &node;
  plan.roles = roles;
  plan.host = host;
  plan.files = render::RenderNode(cluster, node, roles, host.init);
  plan.services = render::ServicesInStartOrder(roles);
  if (request.root != "/")
    plan.no_start_reason = "--root";
  else if (request.no_start)
    plan.no_start_reason = "--no-start";
  else if (!host.init_running)
    plan.no_start_reason =
        std::string("no running ") + std::string(host::InitSystemName(host.init));
  return plan;
}

std::string ServiceOfFile(const std::string& path, const answers::Cluster& cluster) {
  if (path == "/etc/kha/pound.cfg" || path == cluster.proxy.bin) return "kha-proxy";
  if (StartsWith(path, "/etc/kha/flannel") || path == "/usr/local/lib/kha/kha-flannel-config")
    return "flanneld";
  for (auto [prefix, suffix] : {std::pair{"/etc/default/", ""},
                                {"/etc/init/", ".conf"},
                                {"/etc/systemd/system/", ".service"},
                                {"/etc/init.d/", ""}}) {
    std::string name = Between(path, prefix, suffix);
    if (!name.empty()) return name;
  }
  return {};
}

std::vector<std::string> ServicesToRestart(const std::vector<std::string>& services,
                                           const std::vector<std::string>& changed_paths,
                                           const answers::Cluster& cluster) {
  std::vector<std::string> owners;
  owners.reserve(changed_paths.size());
  for (const std::string& path : changed_paths) owners.push_back(ServiceOfFile(path, cluster));
  std::vector<std::string> result;
  for (const std::string& service : services)
    if (std::find(owners.begin(), owners.end(), service) != owners.end()) result.push_back(service);
  return result;
}

}  // namespace kha::plan
