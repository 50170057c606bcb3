// Broken answer files and the exact text a user sees for each.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "installer/answers/answers.h"

namespace kha::answers {
namespace {

// tests/fixtures/answers/NAME.toml is read as "NAME.toml"; NAME.expected holds
// every diagnostic, formatted as kha-install prints it.
TEST(AnswersErrors, FixturesGiveTheirExpectedOutput) {
  const std::filesystem::path folder =
      std::filesystem::path(KHA_SOURCE_DIR) / "tests/fixtures/answers";
  std::vector<std::filesystem::path> fixtures;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.path().extension() == ".toml") fixtures.push_back(entry.path());
  std::sort(fixtures.begin(), fixtures.end());
  ASSERT_GE(fixtures.size(), 10u);

  for (const std::filesystem::path& fixture : fixtures) {
    SCOPED_TRACE(fixture.filename().string());
    const std::string text = ReadFile(fixture.string());
    std::filesystem::path expected_path = fixture;
    expected_path.replace_extension(".expected");
    const std::string expected = ReadFile(expected_path.string());

    Diagnostics diagnostics;
    std::optional<Cluster> cluster = ParseAnswers(text, fixture.filename().string(), diagnostics);
    EXPECT_EQ(diagnostics.Format(text) + "\n", expected);
    EXPECT_FALSE(diagnostics.list().empty());
    EXPECT_EQ(cluster.has_value(), expected.find(": error: ") == std::string::npos);
  }
}

// The seed's nodes, appended to each case below so that only the case's
// own lines are wrong; the case's lines come first, so line numbers are its own.
constexpr std::string_view kNodes = R"(
[[node]]
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

struct Case {
  std::string_view name;
  std::string_view text;      // followed by kNodes unless `alone`
  std::string_view expected;  // without the source lines and carets
  bool alone = false;
};

const Case kCases[] = {
    {"cidr prefix too long", "[flannel]\nnetwork = \"172.16.0.0/33\"\n",
     "a.toml:2:11: error: flannel.network: \"172.16.0.0/33\" is not a CIDR block\n"
     "    write an IPv4 network as a.b.c.d/n with n from 0 to 32"},
    {"cidr with host bits", "[cluster]\nservice_cluster_ip_range = \"192.168.3.1/24\"\n",
     "a.toml:2:28: error: cluster.service_cluster_ip_range: \"192.168.3.1/24\" has host bits "
     "set\n    did you mean \"192.168.3.0/24\"?"},
    {"cidr without prefix", "[flannel]\nnetwork = \"172.16.0.0\"\n",
     "a.toml:2:11: error: flannel.network: \"172.16.0.0\" is not a CIDR block\n"
     "    write an IPv4 network as a.b.c.d/n with n from 0 to 32"},
    {"service range overlaps the default flannel network",
     "[cluster]\nservice_cluster_ip_range = \"172.16.0.0/12\"\n",
     "a.toml:2:28: error: cluster.service_cluster_ip_range 172.16.0.0/12 overlaps "
     "flannel.network 172.16.0.0/16\n"
     "    Service IPs and pod IPs must come from separate ranges"},
    {"node port range malformed", "[cluster]\nservice_node_port_range = \"30000:32767\"\n",
     "a.toml:2:27: error: cluster.service_node_port_range: \"30000:32767\" is not a port range\n"
     "    write FIRST-LAST, such as \"30000-32767\""},
    {"node port range reversed", "[cluster]\nservice_node_port_range = \"32767-30000\"\n",
     "a.toml:2:27: error: cluster.service_node_port_range: first port 32767 is greater than "
     "last port 30000"},
    {"node port range past 65535", "[cluster]\nservice_node_port_range = \"30000-65536\"\n",
     "a.toml:2:27: error: cluster.service_node_port_range: port 65536 is outside 1-65535"},
    {"node port range from 0", "[cluster]\nservice_node_port_range = \"0-100\"\n",
     "a.toml:2:27: error: cluster.service_node_port_range: port 0 is outside 1-65535"},
    {"negative port", "[apiserver]\nport = -1\n",
     "a.toml:2:8: error: apiserver.port: port -1 is outside 1-65535\n"
     "    each apiserver's --insecure-port; clients reach the apiservers through proxy.port"},
    {"etcd ports equal", "[etcd]\npeer_port = 4001\n",
     "a.toml:2:13: error: etcd.peer_port 4001 clashes with etcd.client_port on node \"infra0\"\n"
     "    etcd.client_port is 4001 by default"},
    {"the later of two written ports is blamed", "[proxy]\nport = 9000\n[apiserver]\nport = 9000\n",
     "a.toml:4:8: error: apiserver.port 9000 clashes with proxy.port on node \"infra0\"\n"
     "    proxy.port is set at line 2"},
    {"apiserver on the scheduler's port", "[apiserver]\nport = 10251\n",
     "a.toml:2:8: error: apiserver.port 10251 clashes with kube-scheduler's port on node "
     "\"infra0\"\n    kube-scheduler's port is fixed at 10251"},
    {"proxy on kube-proxy's port", "[proxy]\nport = 10249\n",
     "a.toml:2:8: error: proxy.port 10249 clashes with kube-proxy's metrics port on node "
     "\"infra0\"\n    kube-proxy's metrics port is fixed at 10249"},
    {"kubelet's port is free on a node without the worker role",
     "[proxy]\nport = 10250\n[[node]]\nname = \"m\"\nip = \"10.0.0.1\"\nroles = [\"etcd\", "
     "\"master\"]\n",
     "", true},
    {"proxy port inside the node port range", "[proxy]\nport = 30080\n",
     "a.toml:2:8: error: proxy.port 30080 is inside cluster.service_node_port_range "
     "30000-32767\n    kube-proxy may listen on any port of that range on node \"infra0\""},
    {"alive below 1", "[proxy]\nalive = 0\n",
     "a.toml:2:9: error: proxy.alive: 0 is less than 1\n"
     "    seconds between probes of dead backends (Pound's Alive)"},
    {"xhttp above 3", "[proxy]\nxhttp = 4\n",
     "a.toml:2:9: error: proxy.xhttp: 4 is outside 0-3\n"
     "    HTTP methods allowed (Pound's xHTTP): 0 GET, POST, HEAD; 1 adds PUT, PATCH, DELETE; 2 "
     "adds WebDAV; 3 adds Microsoft's extensions"},
    {"kube log level above 10", "[kubernetes]\nlog_level = 11\n",
     "a.toml:2:13: error: kubernetes.log_level: 11 is outside 0-10\n"
     "    log verbosity of every kube component (--v), 0-10"},
    {"unknown flannel backend without a close match", "[flannel]\nbackend = \"openvpn\"\n",
     "a.toml:2:11: error: flannel.backend: unknown value \"openvpn\"\n"
     "    how packets travel between nodes: udp, vxlan, host-gw, ipip, ipsec, wireguard, alloc, "
     "aws-vpc, gce, ali-vpc, tencent-vpc or extension"},
    {"relative binary", "[etcd]\nbin = \"etcd\"\n",
     "a.toml:2:7: error: etcd.bin: \"etcd\" is not an absolute path\n"
     "    write a path starting with \"/\""},
    {"empty token", "[cluster]\ntoken = \"\"\n",
     "a.toml:2:9: error: cluster.token: must not be empty"},
    {"tab in a value", "[proxy]\nuser = \"www\\tdata\"\n",
     "a.toml:2:8: error: proxy.user: must not contain a tab\n"
     "    values are written inside double quotes in /etc/default files and pound.cfg"},
    {"delete character in a value", "[scheduler]\nextra_args = [\"--v\\u007f\"]\n",
     "a.toml:2:15: error: scheduler.extra_args[0]: must not contain the control character U+007F\n"
     "    values are written inside double quotes in /etc/default files and pound.cfg"},
    {"empty extra argument", "[kube_proxy]\nextra_args = [\"\"]\n",
     "a.toml:2:15: error: kube_proxy.extra_args[0]: must not be empty"},
    {"node list as one table", "[node]\nname = \"infra0\"\n",
     "a.toml:1:2: error: node: expected an array of tables, got a table\n"
     "    write [[node]] above each node's keys",
     true},
    {"node list of strings", "node = [\"infra0\"]\n",
     "a.toml:1:9: error: node[0]: expected a table, got a string", true},
    {"section written as an array of tables", "[[etcd]]\npeer_port = 4000\n",
     "a.toml:1:1: error: etcd: expected a table, got an array"},
    {"unknown section without a close match", "[docker]\nopts = \"\"\n",
     "a.toml:1:2: error: unknown section [docker]"},
    {"nested table inside a section", "[etcd.tls]\ncert = \"/a\"\n",
     "a.toml:1:7: error: unknown key \"tls\" in [etcd]"},
    {"one etcd member is fine", R"([[node]]
name = "solo"
ip = "10.0.0.1"
roles = ["etcd", "master", "worker"]
)",
     "", true},
    {"node IP inside the service range",
     "[[node]]\nname = \"x\"\nip = \"192.168.3.7\"\nroles = [\"etcd\", \"master\"]\n",
     "a.toml:3:6: error: node \"x\" has IP 192.168.3.7, inside cluster.service_cluster_ip_range "
     "192.168.3.0/24\n"
     "    Service IPs are virtual; pods could not reach a host inside their range",
     true},
    {"apiserver bound to one address with several masters",
     "[apiserver]\ninsecure_bind_address = \"10.211.55.14\"\n",
     "a.toml:2:25: error: apiserver.insecure_bind_address 10.211.55.14 is not the IP of master "
     "\"infra1\" (10.211.55.15)\n"
     "    every master's apiserver binds this address; \"0.0.0.0\" binds them all"},
    {"apiserver bound to loopback", "[apiserver]\ninsecure_bind_address = \"127.0.0.1\"\n",
     "a.toml:2:25: error: apiserver.insecure_bind_address 127.0.0.1 is not the IP of master "
     "\"infra0\" (10.211.55.14)\n"
     "    every master's apiserver binds this address; \"0.0.0.0\" binds them all"},
    {"node IP of this network",
     "[[node]]\nname = \"x\"\nip = \"0.0.0.0\"\nroles = [\"etcd\", \"master\"]\n",
     "a.toml:3:6: error: node \"x\" has IP 0.0.0.0, which is not a host address\n"
     "    write the address other nodes reach this node on",
     true},
    {"multicast node IP",
     "[[node]]\nname = \"x\"\nip = \"224.0.0.1\"\nroles = [\"etcd\", \"master\"]\n",
     "a.toml:3:6: error: node \"x\" has IP 224.0.0.1, which is not a host address\n"
     "    write the address other nodes reach this node on",
     true},
    {"loopback node IPs serve tests on one machine",
     "[[node]]\nname = \"x\"\nip = \"127.0.1.11\"\nroles = [\"etcd\", \"master\"]\n", "", true},
    {"node name of 63 characters",
     "[[node]]\nname = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
     "ip = \"10.0.0.1\"\nroles = [\"etcd\", \"master\"]\n",
     "", true},
    {"node name of 64 characters",
     "[[node]]\nname = \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n"
     "ip = \"10.0.0.1\"\nroles = [\"etcd\", \"master\"]\n",
     "a.toml:2:8: error: node.name: "
     "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" is not a DNS label\n"
     "    use at most 63 lowercase letters, digits and '-', starting and ending with a letter or "
     "digit (RFC 1123)",
     true},
};

TEST(AnswersErrors, EachCaseGivesItsExpectedOutput) {
  DiagnosticStyle style;
  style.show_source = false;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    std::string text(c.text);
    if (!c.alone) text += kNodes;
    Diagnostics diagnostics;
    std::optional<Cluster> cluster = ParseAnswers(text, "a.toml", diagnostics);
    EXPECT_EQ(diagnostics.Format(text, style), c.expected);
    EXPECT_EQ(cluster.has_value(), c.expected.find(": error: ") == std::string_view::npos);
  }
}

}  // namespace
}  // namespace kha::answers
