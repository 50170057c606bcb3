#include "installer/plan/select.h"

#include <gtest/gtest.h>

namespace kha::plan {
namespace {

using answers::Ipv4;
using answers::Role;

answers::Cluster ThreeNodes() {
  answers::Cluster cluster;
  cluster.source_file = "answers.toml";
  const char* ips[] = {"10.211.55.14", "10.211.55.15", "10.211.55.16"};
  for (int i = 0; i < 3; ++i) {
    answers::Node node;
    node.name = "infra" + std::to_string(i);
    node.ip = *Ipv4::Parse(ips[i]);
    node.roles = {Role::kEtcd, Role::kMaster};
    cluster.nodes.push_back(node);
  }
  return cluster;
}

TEST(SelectNode, ByNameOrByLocalAddress) {
  answers::Cluster cluster = ThreeNodes();
  EXPECT_EQ(SelectNode(cluster, "infra2", {}).name, "infra2");
  EXPECT_EQ(SelectNode(cluster, "", {*Ipv4::Parse("127.0.0.1"), *Ipv4::Parse("10.211.55.15")}).name,
            "infra1");
}

TEST(SelectNode, UnknownNameListsCandidates) {
  try {
    SelectNode(ThreeNodes(), "infra9", {});
    FAIL() << "expected UsageError";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(),
                 "no node named \"infra9\" in answers.toml; the nodes are:\n"
                 "  infra0 (10.211.55.14)\n  infra1 (10.211.55.15)\n  infra2 (10.211.55.16)");
  }
}

TEST(SelectNode, NoLocalMatchNamesTheAddressesSeen) {
  try {
    SelectNode(ThreeNodes(), "", {*Ipv4::Parse("127.0.0.1"), *Ipv4::Parse("192.168.1.5")});
    FAIL() << "expected UsageError";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(),
                 "none of this host's addresses (127.0.0.1, 192.168.1.5) is a node's ip in "
                 "answers.toml; choose one with --node NAME:\n"
                 "  infra0 (10.211.55.14)\n  infra1 (10.211.55.15)\n  infra2 (10.211.55.16)");
  }
}

TEST(SelectNode, SeveralLocalMatchesAreRefused) {
  EXPECT_THROW(
      SelectNode(ThreeNodes(), "", {*Ipv4::Parse("10.211.55.14"), *Ipv4::Parse("10.211.55.16")}),
      UsageError);
}

TEST(SelectRoles, AllOrOneTheNodeHas) {
  answers::Cluster cluster = ThreeNodes();
  const answers::Node& node = cluster.nodes[0];
  EXPECT_EQ(SelectRoles(node, std::nullopt), (std::vector<Role>{Role::kEtcd, Role::kMaster}));
  EXPECT_EQ(SelectRoles(node, "master"), std::vector<Role>{Role::kMaster});
  try {
    SelectRoles(node, "worker");
    FAIL() << "expected UsageError";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(),
                 "node infra0 does not have the role \"worker\"; its roles are: etcd, master");
  }
}

}  // namespace
}  // namespace kha::plan
