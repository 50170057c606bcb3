#include "installer/answers/answers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/file_util.h"
#include "installer/answers/keys.h"

namespace kha::answers {
namespace {

const std::string kExample = std::string(KHA_SOURCE_DIR) + "/examples/answers.toml";

// The runbook's three nodes, every one of them etcd member, master and worker.
constexpr std::string_view kSeedNodes = R"([[node]]
name = "infra0"
ip = "10.211.55.14"
roles = ["etcd", "master", "worker"]

[[node]]
name = "infra1"
ip = "10.211.55.15"
roles = ["etcd", "master", "worker"]

[[node]]
name = "infra2"
ip = "10.211.55.16"
roles = ["etcd", "master", "worker"]
)";

// Checks `cluster` against the runbook (reference/seed-kubernetes-ha.txt).
void ExpectSeedCluster(const Cluster& cluster) {
  EXPECT_EQ(cluster.cluster.token, "etcd-cluster-1");
  EXPECT_EQ(cluster.cluster.service_cluster_ip_range.ToString(), "192.168.3.0/24");
  EXPECT_EQ(cluster.cluster.service_node_port_range.ToString(), "30000-32767");
  EXPECT_EQ(cluster.etcd.peer_port, 4000);
  EXPECT_EQ(cluster.etcd.client_port, 4001);
  EXPECT_EQ(cluster.etcd.data_dir, "/opt/etcd");
  EXPECT_EQ(cluster.etcd.bin, "/opt/bin/etcd");
  EXPECT_EQ(cluster.flannel.network.ToString(), "172.16.0.0/16");
  EXPECT_EQ(cluster.flannel.backend, "vxlan");
  EXPECT_EQ(cluster.apiserver.port, 8081);
  EXPECT_EQ(cluster.apiserver.insecure_bind_address, "0.0.0.0");
  EXPECT_EQ(cluster.apiserver.admission_control,
            (std::vector<std::string>{"NamespaceLifecycle", "LimitRanger", "ServiceAccount",
                                      "SecurityContextDeny", "ResourceQuota"}));
  EXPECT_EQ(cluster.apiserver.client_ca_file, "/srv/kubernetes/ca.crt");
  EXPECT_EQ(cluster.apiserver.tls_cert_file, "/srv/kubernetes/server.cert");
  EXPECT_EQ(cluster.apiserver.tls_private_key_file, "/srv/kubernetes/server.key");
  EXPECT_EQ(cluster.kubernetes.log_level, 2);
  EXPECT_EQ(cluster.proxy.port, 8080);
  EXPECT_EQ(cluster.proxy.alive, 1);
  EXPECT_EQ(cluster.proxy.xhttp, 1);
  EXPECT_EQ(cluster.proxy.log_level, 1);
  EXPECT_EQ(cluster.proxy.user, "www-data");
  EXPECT_EQ(cluster.proxy.group, "www-data");
  EXPECT_EQ(cluster.proxy.control, "/var/run/pound/poundctl.socket");
  ASSERT_EQ(cluster.nodes.size(), 3u);
  const char* names[] = {"infra0", "infra1", "infra2"};
  const char* ips[] = {"10.211.55.14", "10.211.55.15", "10.211.55.16"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(cluster.nodes[i].name, names[i]);
    EXPECT_EQ(cluster.nodes[i].ip.ToString(), ips[i]);
    EXPECT_EQ(cluster.nodes[i].roles,
              (std::vector<Role>{Role::kEtcd, Role::kMaster, Role::kWorker}));
  }
  EXPECT_EQ(cluster.NodesWith(Role::kEtcd).size(), 3u);
  EXPECT_EQ(cluster.NodesWith(Role::kMaster).size(), 3u);
}

TEST(Answers, ExampleParsesCleanlyAndIsTheSeedCluster) {
  Diagnostics diagnostics;
  std::string text;
  std::optional<Cluster> cluster = LoadAnswers(kExample, diagnostics, &text);
  ASSERT_TRUE(cluster) << diagnostics.Format(text);
  EXPECT_TRUE(diagnostics.list().empty()) << diagnostics.Format(text);
  EXPECT_EQ(text, ReadFile(kExample));
  EXPECT_EQ(cluster->source_file, kExample);
  ExpectSeedCluster(*cluster);
}

TEST(Answers, OnlyTheNodesGivesTheSeedClusterByDefault) {
  Diagnostics diagnostics;
  std::optional<Cluster> cluster = ParseAnswers(kSeedNodes, "nodes.toml", diagnostics);
  ASSERT_TRUE(cluster) << diagnostics.Format(kSeedNodes);
  EXPECT_TRUE(diagnostics.list().empty());
  ExpectSeedCluster(*cluster);
  // Every section equals its default, so the example and the defaults agree.
  Diagnostics example_diagnostics;
  std::optional<Cluster> example = LoadAnswers(kExample, example_diagnostics);
  ASSERT_TRUE(example);
  EXPECT_EQ(cluster->cluster, example->cluster);
  EXPECT_EQ(cluster->kubernetes, example->kubernetes);
  EXPECT_EQ(cluster->etcd, example->etcd);
  EXPECT_EQ(cluster->flannel, example->flannel);
  EXPECT_EQ(cluster->apiserver, example->apiserver);
  EXPECT_EQ(cluster->controller_manager, example->controller_manager);
  EXPECT_EQ(cluster->scheduler, example->scheduler);
  EXPECT_EQ(cluster->kubelet, example->kubelet);
  EXPECT_EQ(cluster->kube_proxy, example->kube_proxy);
  EXPECT_EQ(cluster->proxy, example->proxy);
  EXPECT_EQ(cluster->cluster, ClusterSettings{});
  EXPECT_EQ(cluster->etcd, EtcdSettings{});
  EXPECT_EQ(cluster->proxy, ProxySettings{});
}

TEST(Answers, NodePlacesPointAtTheirTables) {
  Diagnostics diagnostics;
  std::optional<Cluster> cluster = ParseAnswers(kSeedNodes, "nodes.toml", diagnostics);
  ASSERT_TRUE(cluster);
  const Node& infra1 = cluster->nodes[1];
  EXPECT_EQ(infra1.place, (Place{6, 1}));
  EXPECT_EQ(infra1.name_place, (Place{7, 8}));
  EXPECT_EQ(infra1.ip_place, (Place{8, 6}));
  EXPECT_EQ(infra1.roles_place, (Place{9, 9}));
}

TEST(Answers, ValuesOtherThanTheDefaultsAreRead) {
  constexpr std::string_view kText = R"(
[cluster]
token = "prod-7"
service_cluster_ip_range = "10.96.0.0/12"
service_node_port_range = "31000-31999"
[kubernetes]
bin_dir = "/usr/local/bin"
log_level = 4
[etcd]
peer_port = 2380
client_port = 2379
extra_args = ["--heartbeat-interval=200", "--election-timeout=2000"]
[flannel]
network = "10.244.0.0/16"
backend = "host-gw"
iface = "eth1"
[apiserver]
port = 8082
insecure_bind_address = "10.0.0.1"
admission_control = ["AlwaysAdmit"]
[kubelet]
extra_args = ["--max-pods=50"]
[proxy]
port = 8443
alive = 5
xhttp = 0
log_level = 0
health_check = ""
[[node]]
name = "a-1"
ip = "10.0.0.1"
roles = ["etcd", "master"]
[[node]]
name = "b-2"
ip = "10.0.0.2"
roles = ["worker"]
)";
  Diagnostics diagnostics;
  std::optional<Cluster> cluster = ParseAnswers(kText, "prod.toml", diagnostics);
  ASSERT_TRUE(cluster) << diagnostics.Format(kText);
  EXPECT_TRUE(diagnostics.list().empty());
  EXPECT_EQ(cluster->cluster.token, "prod-7");
  EXPECT_EQ(cluster->cluster.service_cluster_ip_range.ToString(), "10.96.0.0/12");
  EXPECT_EQ(cluster->cluster.service_node_port_range, (PortRange{31000, 31999}));
  EXPECT_EQ(cluster->kubernetes.bin_dir, "/usr/local/bin");
  EXPECT_EQ(cluster->kubernetes.log_level, 4);
  EXPECT_EQ(cluster->etcd.peer_port, 2380);
  EXPECT_EQ(cluster->etcd.client_port, 2379);
  EXPECT_EQ(cluster->etcd.extra_args,
            (std::vector<std::string>{"--heartbeat-interval=200", "--election-timeout=2000"}));
  EXPECT_EQ(cluster->flannel.network.ToString(), "10.244.0.0/16");
  EXPECT_EQ(cluster->flannel.backend, "host-gw");
  EXPECT_EQ(cluster->flannel.iface, "eth1");
  EXPECT_EQ(cluster->apiserver.port, 8082);
  EXPECT_EQ(cluster->apiserver.insecure_bind_address, "10.0.0.1");
  EXPECT_EQ(cluster->apiserver.admission_control, std::vector<std::string>{"AlwaysAdmit"});
  EXPECT_EQ(cluster->kubelet.extra_args, std::vector<std::string>{"--max-pods=50"});
  EXPECT_EQ(cluster->proxy.port, 8443);
  EXPECT_EQ(cluster->proxy.alive, 5);
  EXPECT_EQ(cluster->proxy.xhttp, 0);
  EXPECT_EQ(cluster->proxy.log_level, 0);
  EXPECT_EQ(cluster->proxy.health_check, "");
  ASSERT_EQ(cluster->nodes.size(), 2u);
  EXPECT_EQ(cluster->nodes[0].roles, (std::vector<Role>{Role::kEtcd, Role::kMaster}));
  EXPECT_EQ(cluster->nodes[1].roles, std::vector<Role>{Role::kWorker});
  EXPECT_EQ(cluster->FindNode("b-2"), &cluster->nodes[1]);
}

TEST(Answers, UnreadableFileIsOneDiagnostic) {
  Diagnostics diagnostics;
  std::string text = "stale";
  const std::string path = std::string(KHA_BINARY_DIR) + "/no-such-dir/answers.toml";
  EXPECT_FALSE(LoadAnswers(path, diagnostics, &text));
  EXPECT_EQ(text, "");
  EXPECT_EQ(diagnostics.Format(text),
            path + ": error: cannot read the answer file: No such file or directory");
}

TEST(Answers, DiagnosticsAlreadyCollectedDoNotFailTheParse) {
  Diagnostics diagnostics;
  diagnostics.Error("other.cfg", 1, 1, "an earlier problem");
  EXPECT_TRUE(ParseAnswers(kSeedNodes, "nodes.toml", diagnostics));
  EXPECT_EQ(diagnostics.list().size(), 1u);
}

// A valid value for `spec` that differs from every default.
std::string SampleValue(const KeySpec<Cluster>& spec) {
  switch (spec.kind) {
    case Kind::kWord:
    case Kind::kOptionalWord:
      return "\"sample-1\"";
    case Kind::kPath:
    case Kind::kHttpPath:
      return "\"/sample\"";
    case Kind::kChoice:
      return "\"" + std::string(spec.choices[0]) + "\"";
    case Kind::kIpv4:
      return "\"10.211.55.14\"";  // the one master's address
    case Kind::kCidr:
      return "\"10.96.0.0/16\"";
    case Kind::kPortRange:
      return "\"31000-31999\"";
    case Kind::kPort:
      return "9999";
    case Kind::kInteger:
      return std::to_string(spec.max == std::numeric_limits<int64_t>::max() ? spec.min + 1
                                                                            : spec.max);
    case Kind::kWordList:
    case Kind::kPluginList:
      return "[\"Sample\"]";
    default:
      break;
  }
  ADD_FAILURE() << "no sample for " << spec.name;
  return "";
}

// Every key's setter stores its value somewhere in the model.
TEST(Answers, EveryKeyChangesTheModel) {
  constexpr std::string_view kOneNode =
      "[[node]]\nname = \"solo\"\nip = \"10.211.55.14\"\nroles = [\"etcd\", \"master\", "
      "\"worker\"]\n";
  Diagnostics default_diagnostics;
  const std::optional<Cluster> defaults = ParseAnswers(kOneNode, "a.toml", default_diagnostics);
  ASSERT_TRUE(defaults);
  for (const SectionSpec& section : Sections()) {
    for (const auto& key : section.keys) {
      SCOPED_TRACE(std::string(section.name) + "." + std::string(key.name));
      const std::string text = "[" + std::string(section.name) + "]\n" + std::string(key.name) +
                               " = " + SampleValue(key) + "\n" + std::string(kOneNode);
      Diagnostics diagnostics;
      std::optional<Cluster> cluster = ParseAnswers(text, "a.toml", diagnostics);
      ASSERT_TRUE(cluster) << diagnostics.Format(text);
      const bool unchanged =
          cluster->cluster == defaults->cluster && cluster->kubernetes == defaults->kubernetes &&
          cluster->etcd == defaults->etcd && cluster->flannel == defaults->flannel &&
          cluster->apiserver == defaults->apiserver &&
          cluster->controller_manager == defaults->controller_manager &&
          cluster->scheduler == defaults->scheduler && cluster->kubelet == defaults->kubelet &&
          cluster->kube_proxy == defaults->kube_proxy && cluster->proxy == defaults->proxy;
      EXPECT_FALSE(unchanged);
    }
  }
}

// The example is the user's documentation: each key of the tables must be
// there, in its section, with its help line, its default and a value.
TEST(Answers, ExampleDocumentsEveryKey) {
  const std::string text = ReadFile(kExample);
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);

  for (const SectionSpec& section : Sections()) {
    SCOPED_TRACE(section.name);
    const std::string header = "[" + std::string(section.name) + "]";
    auto begin = std::find(lines.begin(), lines.end(), header);
    ASSERT_NE(begin, lines.end()) << header << " is missing";
    EXPECT_EQ(*(begin - 1), "# " + std::string(section.help));
    auto end = std::find_if(begin + 1, lines.end(),
                            [](const std::string& line) { return line.starts_with("["); });
    for (const auto& key : section.keys) {
      SCOPED_TRACE(key.name);
      const std::string assignment = std::string(key.name) + " = " + std::string(key.default_text);
      auto at = std::find(begin, end, assignment);
      ASSERT_NE(at, end) << "no line \"" << assignment << "\"";
      EXPECT_EQ(*(at - 2), "# " + std::string(key.help));
      EXPECT_EQ(*(at - 1), "# Default: " + std::string(key.default_text));
    }
  }
  for (const auto& key : NodeKeys()) {
    const std::string doc = "#   " + std::string(key.name);
    auto at = std::find_if(lines.begin(), lines.end(),
                           [&](const std::string& line) { return line.starts_with(doc); });
    ASSERT_NE(at, lines.end()) << key.name;
    EXPECT_TRUE(at->ends_with(" - " + std::string(key.help))) << *at;
  }
}

}  // namespace
}  // namespace kha::answers
