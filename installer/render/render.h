// Turns the answer-file model into the files one node needs: /etc/default
// files, pound.cfg, the flannel network JSON, init files and shipped scripts,
// all from the templates embedded at build time (payload/templates, init,
// scripts). Pure: nothing here touches the disk.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "installer/answers/cluster.h"
#include "installer/host/init_system.h"

namespace kha::render {

struct RenderedFile {
  std::string path;  // absolute on the target, e.g. "/etc/default/etcd"
  std::string content;
  mode_t mode = 0644;
};

// A value the target format cannot hold (a '"' in a pound.cfg string, a
// newline in a shell option); the message names the value and the file.
class RenderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every file `node` needs for `roles` (a subset of node.roles) on `init`,
// service by service in ServicesInStartOrder's order. kha-proxy's files come
// whatever the roles: every node reaches the apiservers through it. A file's
// content depends on the node's full role list (service ordering), never on
// `roles`, so installing roles one run at a time writes the same files.
std::vector<RenderedFile> RenderNode(const answers::Cluster& cluster, const answers::Node& node,
                                     const std::vector<answers::Role>& roles,
                                     host::InitSystem init);

// The services of `roles`, kha-proxy included, in the order they must
// (re)start: etcd first (the apiserver and flanneld keep their state in it),
// then kube-apiserver so that kha-proxy's first health checks find a local
// backend, then kha-proxy, through which the controller manager, the scheduler,
// the kubelet and kube-proxy reach the apiservers; flanneld before the kubelet
// because pods need the overlay network.
std::vector<std::string> ServicesInStartOrder(const std::vector<answers::Role>& roles);

}  // namespace kha::render
