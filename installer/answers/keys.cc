#include "installer/answers/keys.h"

#include <array>

namespace kha::answers {
namespace {

int Int(Value& value) { return static_cast<int>(std::get<int64_t>(value)); }
std::string Str(Value& value) { return std::move(std::get<std::string>(value)); }
std::vector<std::string> List(Value& value) {
  return std::move(std::get<std::vector<std::string>>(value));
}

// Flannel's backend types (flannel's Documentation/backends.md).
constexpr std::array<std::string_view, 12> kFlannelBackends = {
    "udp",   "vxlan",   "host-gw", "ipip",    "ipsec",       "wireguard",
    "alloc", "aws-vpc", "gce",     "ali-vpc", "tencent-vpc", "extension"};

const KeySpec<Cluster> kClusterKeys[] = {
    {"token", Kind::kWord, R"("etcd-cluster-1")",
     "etcd's --initial-cluster-token; unique per cluster, so members of two clusters never join",
     [](Cluster& c, Value&& v) { c.cluster.token = Str(v); }},
    {"service_cluster_ip_range", Kind::kCidr, R"("192.168.3.0/24")",
     "virtual IPs of Services; must not overlap flannel.network nor hold a node IP",
     [](Cluster& c, Value&& v) { c.cluster.service_cluster_ip_range = std::get<Cidr>(v); }},
    {"service_node_port_range", Kind::kPortRange, R"("30000-32767")",
     "ports a NodePort Service may take on every node, FIRST-LAST",
     [](Cluster& c, Value&& v) { c.cluster.service_node_port_range = std::get<PortRange>(v); }},
};

const KeySpec<Cluster> kKubernetesKeys[] = {
    {"bin_dir", Kind::kPath, R"("/opt/bin")",
     "folder holding kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy",
     [](Cluster& c, Value&& v) { c.kubernetes.bin_dir = Str(v); }},
    {"log_level", Kind::kInteger, "2", "log verbosity of every kube component (--v), 0-10",
     [](Cluster& c, Value&& v) { c.kubernetes.log_level = Int(v); }, 0, 10},
};

const KeySpec<Cluster> kEtcdKeys[] = {
    {"peer_port", Kind::kPort, "4000", "port the members talk to each other on (peer URLs)",
     [](Cluster& c, Value&& v) { c.etcd.peer_port = Int(v); }},
    {"client_port", Kind::kPort, "4001",
     "port clients reach etcd on, on 127.0.0.1 and on the node's IP (client URLs)",
     [](Cluster& c, Value&& v) { c.etcd.client_port = Int(v); }},
    {"data_dir", Kind::kPath, R"("/opt/etcd")", "where each member keeps its data (--data-dir)",
     [](Cluster& c, Value&& v) { c.etcd.data_dir = Str(v); }},
    {"bin", Kind::kPath, R"("/opt/bin/etcd")", "the etcd executable",
     [](Cluster& c, Value&& v) { c.etcd.bin = Str(v); }},
    {"extra_args", Kind::kWordList, "[]", "more etcd flags, one command-line argument per string",
     [](Cluster& c, Value&& v) { c.etcd.extra_args = List(v); }},
};

const KeySpec<Cluster> kFlannelKeys[] = {
    {"network", Kind::kCidr, R"("172.16.0.0/16")",
     "the pods' network, written to etcd's key /coreos.com/network/config",
     [](Cluster& c, Value&& v) { c.flannel.network = std::get<Cidr>(v); }},
    {"backend", Kind::kChoice, R"("vxlan")",
     "how packets travel between nodes: udp, vxlan, host-gw, ipip, ipsec, wireguard, alloc, "
     "aws-vpc, gce, ali-vpc, tencent-vpc or extension",
     [](Cluster& c, Value&& v) { c.flannel.backend = Str(v); }, 0, 0, kFlannelBackends},
    {"bin", Kind::kPath, R"("/opt/bin/flanneld")", "the flanneld executable",
     [](Cluster& c, Value&& v) { c.flannel.bin = Str(v); }},
    {"iface", Kind::kOptionalWord, R"("")",
     "interface flanneld sends through (-iface); empty lets flanneld choose",
     [](Cluster& c, Value&& v) { c.flannel.iface = Str(v); }},
    {"extra_args", Kind::kWordList, "[]",
     "more flanneld flags, one command-line argument per string",
     [](Cluster& c, Value&& v) { c.flannel.extra_args = List(v); }},
};

const KeySpec<Cluster> kApiserverKeys[] = {
    {"port", Kind::kPort, "8081",
     "each apiserver's --insecure-port; clients reach the apiservers through proxy.port",
     [](Cluster& c, Value&& v) { c.apiserver.port = Int(v); }},
    {"insecure_bind_address", Kind::kIpv4, R"("0.0.0.0")",
     "address the insecure port listens on; the proxies of other nodes must reach it",
     [](Cluster& c, Value&& v) {
       c.apiserver.insecure_bind_address = std::get<Ipv4>(v).ToString();
     }},
    {"admission_control", Kind::kPluginList,
     R"(["NamespaceLifecycle", "LimitRanger", "ServiceAccount", "SecurityContextDeny", )"
     R"("ResourceQuota"])",
     "admission plugins, in the order they run (--admission-control)",
     [](Cluster& c, Value&& v) { c.apiserver.admission_control = List(v); }},
    {"client_ca_file", Kind::kPath, R"("/srv/kubernetes/ca.crt")",
     "CA of client certificates; also the controller-manager's --root-ca-file",
     [](Cluster& c, Value&& v) { c.apiserver.client_ca_file = Str(v); }},
    {"tls_cert_file", Kind::kPath, R"("/srv/kubernetes/server.cert")",
     "the apiserver's certificate (--tls-cert-file)",
     [](Cluster& c, Value&& v) { c.apiserver.tls_cert_file = Str(v); }},
    {"tls_private_key_file", Kind::kPath, R"("/srv/kubernetes/server.key")",
     "its key; also the controller-manager's --service-account-private-key-file",
     [](Cluster& c, Value&& v) { c.apiserver.tls_private_key_file = Str(v); }},
    {"extra_args", Kind::kWordList, "[]",
     "more kube-apiserver flags, one command-line argument per string",
     [](Cluster& c, Value&& v) { c.apiserver.extra_args = List(v); }},
};

const KeySpec<Cluster> kControllerManagerKeys[] = {
    {"extra_args", Kind::kWordList, "[]",
     "more kube-controller-manager flags, one command-line argument per string",
     [](Cluster& c, Value&& v) { c.controller_manager.extra_args = List(v); }},
};

const KeySpec<Cluster> kSchedulerKeys[] = {
    {"extra_args", Kind::kWordList, "[]",
     "more kube-scheduler flags, one command-line argument per string",
     [](Cluster& c, Value&& v) { c.scheduler.extra_args = List(v); }},
};

const KeySpec<Cluster> kKubeletKeys[] = {
    {"extra_args", Kind::kWordList, "[]",
     "more kubelet flags, one command-line argument per string",
     [](Cluster& c, Value&& v) { c.kubelet.extra_args = List(v); }},
};

const KeySpec<Cluster> kKubeProxyKeys[] = {
    {"extra_args", Kind::kWordList, "[]",
     "more kube-proxy flags, one command-line argument per string",
     [](Cluster& c, Value&& v) { c.kube_proxy.extra_args = List(v); }},
};

const KeySpec<Cluster> kProxyKeys[] = {
    {"bin", Kind::kPath, R"("/usr/local/sbin/kha-proxy")", "the kha-proxy executable",
     [](Cluster& c, Value&& v) { c.proxy.bin = Str(v); }},
    {"port", Kind::kPort, "8080",
     "port the proxy listens on, on every node; local components reach the apiservers here",
     [](Cluster& c, Value&& v) { c.proxy.port = Int(v); }},
    {"alive", Kind::kInteger, "1", "seconds between probes of dead backends (Pound's Alive)",
     [](Cluster& c, Value&& v) { c.proxy.alive = Int(v); }, 1},
    {"xhttp", Kind::kInteger, "1",
     "HTTP methods allowed (Pound's xHTTP): 0 GET, POST, HEAD; 1 adds PUT, PATCH, DELETE; "
     "2 adds WebDAV; 3 adds Microsoft's extensions",
     [](Cluster& c, Value&& v) { c.proxy.xhttp = Int(v); }, 0, 3},
    {"control", Kind::kPath, R"("/var/run/pound/poundctl.socket")",
     "control socket that kha-proxyctl talks to (Pound's Control)",
     [](Cluster& c, Value&& v) { c.proxy.control = Str(v); }},
    {"user", Kind::kWord, R"("www-data")", "user the proxy runs as (Pound's User)",
     [](Cluster& c, Value&& v) { c.proxy.user = Str(v); }},
    {"group", Kind::kWord, R"("www-data")", "group the proxy runs as (Pound's Group)",
     [](Cluster& c, Value&& v) { c.proxy.group = Str(v); }},
    {"log_level", Kind::kInteger, "1",
     "Pound's LogLevel: 0 none, 1 normal, 2 extended, 3 to 5 Apache-like formats",
     [](Cluster& c, Value&& v) { c.proxy.log_level = Int(v); }, 0, 5},
    {"health_check", Kind::kHttpPath, R"("/healthz")",
     "HTTP path probed on each apiserver; \"\" probes by connecting only",
     [](Cluster& c, Value&& v) { c.proxy.health_check = Str(v); }},
};

const SectionSpec kSections[] = {
    {"cluster", "Settings of the whole cluster.", kClusterKeys},
    {"kubernetes", "The Kubernetes binaries and their logging.", kKubernetesKeys},
    {"etcd", "etcd, on nodes with the etcd role.", kEtcdKeys},
    {"flannel", "flanneld, the pods' overlay network, on nodes with the worker role.",
     kFlannelKeys},
    {"apiserver", "kube-apiserver, on nodes with the master role.", kApiserverKeys},
    {"controller_manager", "kube-controller-manager, on nodes with the master role.",
     kControllerManagerKeys},
    {"scheduler", "kube-scheduler, on nodes with the master role.", kSchedulerKeys},
    {"kubelet", "kubelet, on nodes with the worker role.", kKubeletKeys},
    {"kube_proxy", "kube-proxy, on nodes with the worker role.", kKubeProxyKeys},
    {"proxy", "kha-proxy, the local API proxy on every node (it reads Pound's language).",
     kProxyKeys},
};

const KeySpec<Node> kNodeKeys[] = {
    {"name", Kind::kDnsLabel, "", "the node's name, a lowercase DNS label; also etcd's --name",
     [](Node& n, Value&& v) { n.name = Str(v); }},
    {"ip", Kind::kIpv4, "", "the IPv4 address other nodes reach this node on",
     [](Node& n, Value&& v) { n.ip = std::get<Ipv4>(v); }},
    {"roles", Kind::kRoleList, "",
     "what the node runs: \"etcd\"; \"master\" (apiserver, controller-manager, scheduler); "
     "\"worker\" (kubelet, kube-proxy, flanneld)",
     [](Node& n, Value&& v) { n.roles = std::move(std::get<std::vector<Role>>(v)); }},
};

constexpr std::array<std::string_view, 3> kRoleNames = {"etcd", "master", "worker"};

}  // namespace

std::span<const SectionSpec> Sections() { return kSections; }
std::span<const KeySpec<Node>> NodeKeys() { return kNodeKeys; }
std::span<const std::string_view> RoleNames() { return kRoleNames; }

}  // namespace kha::answers
