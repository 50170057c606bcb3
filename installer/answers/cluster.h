// The typed model of an answer file (see examples/answers.toml, which
// documents every key and its default). Defaults reproduce the runbook's cluster.
#pragma once

#include <string>
#include <vector>

#include "installer/answers/ipv4.h"

namespace kha::answers {

// Where a value stood in the answer file, for messages about it.
struct Place {
  int line = 0;    // 1-based; 0 when the value was not written (a default)
  int column = 0;  // 1-based
  bool operator==(const Place&) const = default;
};

enum class Role { kEtcd, kMaster, kWorker };
std::string_view RoleName(Role role);  // "etcd", "master", "worker"

struct Node {
  std::string name;
  Ipv4 ip;
  std::vector<Role> roles;
  Place place;  // the [[node]] table
  Place name_place;
  Place ip_place;
  Place roles_place;

  bool Has(Role role) const;
};

struct PortRange {
  int first = 30000;
  int last = 32767;
  std::string ToString() const;  // "30000-32767"
  bool operator==(const PortRange&) const = default;
};

struct ClusterSettings {
  std::string token = "etcd-cluster-1";
  Cidr service_cluster_ip_range{Ipv4{0xC0A80300}, 24};  // 192.168.3.0/24
  PortRange service_node_port_range;
  bool operator==(const ClusterSettings&) const = default;
};

struct KubernetesSettings {
  std::string bin_dir = "/opt/bin";  // where kube-* binaries live
  int log_level = 2;                 // --v
  bool operator==(const KubernetesSettings&) const = default;
};

struct EtcdSettings {
  int peer_port = 4000;
  int client_port = 4001;
  std::string data_dir = "/opt/etcd";
  std::string bin = "/opt/bin/etcd";
  std::vector<std::string> extra_args;
  bool operator==(const EtcdSettings&) const = default;
};

struct FlannelSettings {
  Cidr network{Ipv4{0xAC100000}, 16};  // 172.16.0.0/16
  std::string backend = "vxlan";
  std::string bin = "/opt/bin/flanneld";
  std::string iface;  // -iface; empty lets flannel choose
  std::vector<std::string> extra_args;
  bool operator==(const FlannelSettings&) const = default;
};

struct ApiserverSettings {
  int port = 8081;  // --insecure-port of each apiserver, behind the proxy
  std::string insecure_bind_address = "0.0.0.0";
  std::vector<std::string> admission_control = {"NamespaceLifecycle", "LimitRanger",
                                                "ServiceAccount", "SecurityContextDeny",
                                                "ResourceQuota"};
  std::string client_ca_file = "/srv/kubernetes/ca.crt";
  std::string tls_cert_file = "/srv/kubernetes/server.cert";
  std::string tls_private_key_file = "/srv/kubernetes/server.key";
  std::vector<std::string> extra_args;
  bool operator==(const ApiserverSettings&) const = default;
};

struct ComponentSettings {
  std::vector<std::string> extra_args;
  bool operator==(const ComponentSettings&) const = default;
};

struct ProxySettings {
  std::string bin = "/usr/local/sbin/kha-proxy";
  int port = 8080;
  int alive = 1;  // seconds between probes of dead backends
  int xhttp = 1;  // Pound's xHTTP level: 1 allows PUT, PATCH, DELETE
  std::string control = "/var/run/pound/poundctl.socket";
  std::string user = "www-data";
  std::string group = "www-data";
  int log_level = 1;
  std::string health_check = "/healthz";  // HTTP probe path; empty for TCP only
  bool operator==(const ProxySettings&) const = default;
};

struct Cluster {
  std::string source_file;  // the answer file's path, for messages
  ClusterSettings cluster;
  KubernetesSettings kubernetes;
  EtcdSettings etcd;
  FlannelSettings flannel;
  ApiserverSettings apiserver;
  ComponentSettings controller_manager;
  ComponentSettings scheduler;
  ComponentSettings kubelet;
  ComponentSettings kube_proxy;
  ProxySettings proxy;
  std::vector<Node> nodes;

  std::vector<const Node*> NodesWith(Role role) const;
  const Node* FindNode(std::string_view name) const;
};

}  // namespace kha::answers
