// The runbook's example cluster built from the model's defaults: infra0..2 at
// 10.211.55.14..16, each etcd + master + worker. Shared by the render tests.
#pragma once

#include <string>

#include "installer/answers/cluster.h"

namespace kha::render::testing {

inline answers::Node ExampleNode(const std::string& name, const std::string& ip) {
  answers::Node node;
  node.name = name;
  node.ip = *answers::Ipv4::Parse(ip);
  node.roles = {answers::Role::kEtcd, answers::Role::kMaster, answers::Role::kWorker};
  return node;
}

inline answers::Cluster ExampleCluster() {
  answers::Cluster cluster;
  cluster.source_file = "examples/answers.toml";
  cluster.nodes = {ExampleNode("infra0", "10.211.55.14"), ExampleNode("infra1", "10.211.55.15"),
                   ExampleNode("infra2", "10.211.55.16")};
  return cluster;
}

}  // namespace kha::render::testing
