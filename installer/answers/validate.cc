#include "installer/answers/validate.h"

#include <set>
#include <utility>
#include <vector>

namespace kha::answers {
namespace {

std::string Quoted(std::string_view text) { return '"' + std::string(text) + '"'; }

// Addresses no machine can be reached at: "this network" (0/8), multicast
// and reserved (224/3, which includes the broadcast address).
bool IsHostAddress(Ipv4 ip) {
  const uint32_t first_octet = ip.value >> 24;
  return first_octet != 0 && first_octet < 224;
}

// A port one node listens on: a key of the answer file, or a component's
// fixed port (label is then a description and key_place stays unset).
struct Listener {
  int port;
  std::string label;  // "etcd.client_port" or "kube-scheduler's port"
  bool fixed = false;
  Place place;  // where the key was written; unset for defaults and fixed ports
};

class Validator {
 public:
  Validator(const Cluster& cluster, const KeyPlaces& places, Diagnostics& diagnostics)
      : cluster_(cluster), places_(places), diagnostics_(diagnostics) {}

  void Run() {
    CheckNodes();
    CheckNetworks();
    CheckBindAddress();
    for (const Node& node : cluster_.nodes) CheckPorts(node);
  }

 private:
  Place PlaceOf(std::string_view key) const {
    auto it = places_.find(key);
    return it == places_.end() ? Place{} : it->second;
  }

  void Error(Place place, std::string message, std::string hint = {}) {
    diagnostics_.Error(cluster_.source_file, place.line, place.column, std::move(message),
                       std::move(hint));
  }

  void CheckNodes() {
    const std::vector<Node>& nodes = cluster_.nodes;
    if (nodes.empty()) {
      // A "node" key that held no usable table was reported where it stands.
      if (places_.contains("node")) return;
      Error({}, "no nodes: the file has no [[node]] table",
            "add a [[node]] table with name, ip and roles for each machine");
      return;
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (nodes[i].name_place.line > 0 && nodes[j].name_place.line > 0 &&
            nodes[i].name == nodes[j].name) {
          Error(nodes[i].name_place, "duplicate node name " + Quoted(nodes[i].name),
                "first used at line " + std::to_string(nodes[j].name_place.line));
          break;
        }
      }
      for (size_t j = 0; j < i; ++j) {
        if (nodes[i].ip_place.line > 0 && nodes[j].ip_place.line > 0 &&
            nodes[i].ip == nodes[j].ip) {
          std::string first =
              nodes[j].name_place.line > 0 ? "by " + Quoted(nodes[j].name) + " " : std::string();
          Error(nodes[i].ip_place, "duplicate node IP " + nodes[i].ip.ToString(),
                "first used " + first + "at line " + std::to_string(nodes[j].ip_place.line));
          break;
        }
      }
    }
    const size_t etcd = cluster_.NodesWith(Role::kEtcd).size();
    if (etcd == 0)
      Error({}, "no node has the role \"etcd\"",
            "etcd stores the cluster's state; give the role to 1, 3 or 5 nodes");
    if (cluster_.NodesWith(Role::kMaster).empty())
      Error({}, "no node has the role \"master\"",
            "masters run kube-apiserver, kube-controller-manager and kube-scheduler");
    if (etcd > 0 && etcd % 2 == 0) {
      diagnostics_.Warning(cluster_.source_file, 0, 0,
                           std::to_string(etcd) +
                               " etcd members: an even number tolerates no more failures than " +
                               std::to_string(etcd - 1) + (etcd == 2 ? " member" : " members"),
                           "etcd works while a majority (" + std::to_string(etcd / 2 + 1) + " of " +
                               std::to_string(etcd) + ") is up; use an odd number of members");
    }
  }

  void CheckNetworks() {
    const Cidr& services = cluster_.cluster.service_cluster_ip_range;
    const Cidr& pods = cluster_.flannel.network;
    if (services.Overlaps(pods)) {
      const Place services_place = PlaceOf("cluster.service_cluster_ip_range");
      const Place pods_place = PlaceOf("flannel.network");
      const std::string services_text = "cluster.service_cluster_ip_range " + services.ToString();
      const std::string pods_text = "flannel.network " + pods.ToString();
      const std::string hint = "Service IPs and pod IPs must come from separate ranges";
      if (Later(services_place, pods_place))
        Error(services_place, services_text + " overlaps " + pods_text, hint);
      else
        Error(pods_place, pods_text + " overlaps " + services_text, hint);
    }
    for (const Node& node : cluster_.nodes) {
      if (node.ip_place.line == 0) continue;
      const std::string who = node.name_place.line > 0 ? "node " + Quoted(node.name) : "[[node]]";
      if (!IsHostAddress(node.ip)) {
        Error(node.ip_place,
              who + " has IP " + node.ip.ToString() + ", which is not a host address",
              "write the address other nodes reach this node on");
        continue;
      }
      if (services.Contains(node.ip))
        Error(node.ip_place,
              who + " has IP " + node.ip.ToString() + ", inside cluster.service_cluster_ip_range " +
                  services.ToString(),
              "Service IPs are virtual; pods could not reach a host inside their range");
      if (pods.Contains(node.ip))
        Error(node.ip_place,
              who + " has IP " + node.ip.ToString() + ", inside flannel.network " + pods.ToString(),
              "pod IPs and host IPs must come from separate ranges");
    }
  }

  // The proxies reach each apiserver at its master's IP, so the insecure port
  // must listen there: on every address, or on the one master's own.
  void CheckBindAddress() {
    const std::string& address = cluster_.apiserver.insecure_bind_address;
    if (address == "0.0.0.0") return;
    for (const Node* master : cluster_.NodesWith(Role::kMaster)) {
      if (master->ip_place.line == 0 || master->ip.ToString() == address) continue;
      const std::string who =
          master->name_place.line > 0 ? "master " + Quoted(master->name) : "a master";
      std::string message = "apiserver.insecure_bind_address ";
      message.append(address).append(" is not the IP of ").append(who);
      message.append(" (").append(master->ip.ToString()).append(")");
      Error(PlaceOf("apiserver.insecure_bind_address"), message,
            "every master's apiserver binds this address; \"0.0.0.0\" binds them all");
      return;
    }
  }

  // True when `a` was written after `b` (a default counts as never written).
  static bool Later(Place a, Place b) {
    return std::make_pair(a.line, a.column) > std::make_pair(b.line, b.column);
  }

  Listener Key(int port, const std::string& key) const { return {port, key, false, PlaceOf(key)}; }
  static Listener Fixed(int port, const std::string& what) { return {port, what, true, {}}; }

  void CheckPorts(const Node& node) {
    std::vector<Listener> listeners = {Key(cluster_.proxy.port, "proxy.port")};
    if (node.Has(Role::kEtcd)) {
      listeners.push_back(Key(cluster_.etcd.peer_port, "etcd.peer_port"));
      listeners.push_back(Key(cluster_.etcd.client_port, "etcd.client_port"));
    }
    if (node.Has(Role::kMaster)) {
      listeners.push_back(Key(cluster_.apiserver.port, "apiserver.port"));
      listeners.push_back(Fixed(6443, "kube-apiserver's secure port"));
      listeners.push_back(Fixed(10251, "kube-scheduler's port"));
      listeners.push_back(Fixed(10252, "kube-controller-manager's port"));
    }
    if (node.Has(Role::kWorker)) {
      listeners.push_back(Fixed(10250, "kubelet's port"));
      listeners.push_back(Fixed(10255, "kubelet's read-only port"));
      listeners.push_back(Fixed(10248, "kubelet's health port"));
      listeners.push_back(Fixed(4194, "kubelet's cAdvisor port"));
      listeners.push_back(Fixed(10249, "kube-proxy's metrics port"));
    }
    const std::string who = node.name_place.line > 0 ? "node " + Quoted(node.name) : "a node";
    for (size_t i = 0; i < listeners.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (listeners[i].port == listeners[j].port) Clash(listeners[i], listeners[j], who);
      }
    }
    // kube-proxy may open any port of the NodePort range on every worker.
    if (node.Has(Role::kWorker)) {
      const PortRange& range = cluster_.cluster.service_node_port_range;
      for (const Listener& listener : listeners) {
        if (listener.fixed || listener.port < range.first || listener.port > range.last) continue;
        if (!reported_.insert({listener.label, "service_node_port_range"}).second) continue;
        Place range_place = PlaceOf("cluster.service_node_port_range");
        Place at = Later(range_place, listener.place) ? range_place : listener.place;
        Error(at,
              listener.label + " " + std::to_string(listener.port) +
                  " is inside cluster.service_node_port_range " + range.ToString(),
              "kube-proxy may listen on any port of that range on " + who);
      }
    }
  }

  // Reports two listeners on one port once for the whole cluster, at the
  // one written last; `who` names the first node where they meet.
  void Clash(const Listener& a, const Listener& b, const std::string& who) {
    if (!reported_.insert({a.label, b.label}).second) return;
    const bool a_first = b.fixed || (!a.fixed && Later(a.place, b.place));
    const Listener& here = a_first ? a : b;
    const Listener& other = a_first ? b : a;
    std::string hint;
    if (other.fixed)
      hint = other.label + " is fixed at " + std::to_string(other.port);
    else if (other.place.line > 0)
      hint = other.label + " is set at line " + std::to_string(other.place.line);
    else
      hint = other.label + " is " + std::to_string(other.port) + " by default";
    Error(here.place,
          here.label + " " + std::to_string(here.port) + " clashes with " + other.label + " on " +
              who,
          hint);
  }

  const Cluster& cluster_;
  const KeyPlaces& places_;
  Diagnostics& diagnostics_;
  std::set<std::pair<std::string, std::string>> reported_;  // clashes already reported
};

}  // namespace

void ValidateCluster(const Cluster& cluster, const KeyPlaces& places, Diagnostics& diagnostics) {
  Validator(cluster, places, diagnostics).Run();
}

}  // namespace kha::answers
