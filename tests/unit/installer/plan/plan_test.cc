#include "installer/plan/plan.h"

#include <gtest/gtest.h>

namespace kha::plan {
namespace {

TEST(ServiceOfFile, MapsEveryKindOfFileToItsService) {
  answers::Cluster cluster;
  EXPECT_EQ(ServiceOfFile("/etc/default/etcd", cluster), "etcd");
  EXPECT_EQ(ServiceOfFile("/etc/init/kube-apiserver.conf", cluster), "kube-apiserver");
  EXPECT_EQ(ServiceOfFile("/etc/systemd/system/kubelet.service", cluster), "kubelet");
  EXPECT_EQ(ServiceOfFile("/etc/init.d/kha-proxy", cluster), "kha-proxy");
  EXPECT_EQ(ServiceOfFile("/etc/kha/pound.cfg", cluster), "kha-proxy");
  EXPECT_EQ(ServiceOfFile(cluster.proxy.bin, cluster), "kha-proxy");
  EXPECT_EQ(ServiceOfFile("/etc/kha/flannel-network.json", cluster), "flanneld");
  EXPECT_EQ(ServiceOfFile("/etc/kha/other", cluster), "");
  EXPECT_EQ(ServiceOfFile("/etc/default/", cluster), "");
  EXPECT_EQ(ServiceOfFile("/etc/init/sub/x.conf", cluster), "");
}

TEST(ServicesToRestart, KeepsStartOrderAndOnlyChangedOnes) {
  answers::Cluster cluster;
  std::vector<std::string> services = {"etcd", "kube-apiserver", "kha-proxy", "kubelet"};
  EXPECT_EQ(ServicesToRestart(services, {"/etc/kha/pound.cfg", "/etc/default/etcd"}, cluster),
            (std::vector<std::string>{"etcd", "kha-proxy"}));
  EXPECT_TRUE(ServicesToRestart(services, {}, cluster).empty());
}

TEST(MakePlan, SaysWhyServicesWillNotStart) {
  answers::Cluster cluster;
  answers::Node node;
  node.name = "infra0";
  node.ip = *answers::Ipv4::Parse("10.211.55.14");
  node.roles = {answers::Role::kEtcd, answers::Role::kMaster, answers::Role::kWorker};
  cluster.nodes.push_back(node);
  host::HostFacts host;
  host.init = host::InitSystem::kSystemd;
  host.init_running = true;
  EXPECT_EQ(
      MakePlan(cluster, cluster.nodes[0], node.roles, host, {"/tmp/x", false}).no_start_reason,
      "--root");
  EXPECT_EQ(MakePlan(cluster, cluster.nodes[0], node.roles, host, {"/", true}).no_start_reason,
            "--no-start");
  Plan plan = MakePlan(cluster, cluster.nodes[0], node.roles, host, {"/", false});
  EXPECT_EQ(plan.no_start_reason, "");
  EXPECT_FALSE(plan.files.empty());
  EXPECT_EQ(plan.services.front(), "etcd");
  host.init_running = false;
  EXPECT_EQ(MakePlan(cluster, cluster.nodes[0], node.roles, host, {"/", false}).no_start_reason,
            "no running systemd");
}

}  // namespace
}  // namespace kha::plan
