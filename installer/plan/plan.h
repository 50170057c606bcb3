// The plan of one install: every file to write and the services to restart,
// in order. Deciding it is pure; carrying it out is install/.
#pragma once

#include <string>
#include <vector>

#include "installer/answers/cluster.h"
#include "installer/host/host.h"
#include "installer/render/render.h"

namespace kha::plan {

struct Plan {
  const answers::Node* node = nullptr;
  std::vector<answers::Role> roles;
  host::HostFacts host;
  std::vector<render::RenderedFile> files;
  std::vector<std::string> services;  // every service of the roles, in start order
  // Why services will not be started ("--root", "--no-start", "no running
  // init system"); empty when they will be.
  std::string no_start_reason;
};

struct PlanRequest {
  std::string root = "/";
  bool no_start = false;
};

Plan MakePlan(const answers::Cluster& cluster, const answers::Node& node,
              const std::vector<answers::Role>& roles, const host::HostFacts& host,
              const PlanRequest& request);

// The service a file belongs to (a change to it needs that service
// restarted): /etc/default/X, /etc/init/X.conf, /etc/systemd/system/X.service,
// /etc/init.d/X, pound.cfg → kha-proxy, the flannel files → flanneld.
// Empty for a file of no service.
std::string ServiceOfFile(const std::string& path, const answers::Cluster& cluster);

// The services among `services` (start order kept) that own a changed path.
std::vector<std::string> ServicesToRestart(const std::vector<std::string>& services,
                                           const std::vector<std::string>& changed_paths,
                                           const answers::Cluster& cluster);

}  // namespace kha::plan
