#include "installer/deps/requirements.h"

#include <gtest/gtest.h>

#include "common/file_util.h"

namespace kha::deps {
namespace {

using answers::Role;

std::vector<Requirement> PayloadTable() {
  std::string path = std::string(KHA_SOURCE_DIR) + "/payload/deps/dependencies.toml";
  return ParseRequirements(ReadFile(path), "deps/dependencies.toml");
}

std::vector<std::string> Names(const std::vector<Need>& needs) {
  std::vector<std::string> names;
  names.reserve(needs.size());
  for (const Need& need : needs) names.push_back(need.name);
  return names;
}

std::string ParseError(const std::string& text) {
  try {
    ParseRequirements(text, "deps.toml");
  } catch (const TableError& error) {
    return error.what();
  }
  return "parsed";
}

TEST(RequirementsTest, PayloadTableGivesEachRoleItsNeeds) {
  std::vector<Requirement> table = PayloadTable();
  answers::Cluster cluster;
  host::OsRelease xenial{"ubuntu", "16.04", "Ubuntu 16.04.7 LTS", ""};
  EXPECT_EQ(Names(SelectNeeds(table, xenial, {Role::kEtcd}, cluster)),
            std::vector<std::string>{"etcd"});
  EXPECT_EQ(Names(SelectNeeds(table, xenial, {Role::kMaster}, cluster)),
            (std::vector<std::string>{"flanneld", "kube-apiserver", "kube-controller-manager",
                                      "kube-scheduler", "iptables"}));
  EXPECT_EQ(
      Names(SelectNeeds(table, xenial, {Role::kWorker}, cluster)),
      (std::vector<std::string>{"flanneld", "kubelet", "kube-proxy", "iptables", "socat",
                                "conntrack", "ebtables", "ethtool", "bridge-utils", "docker"}));
}

TEST(RequirementsTest, PathsComeFromTheAnswerFile) {
  answers::Cluster cluster;
  cluster.etcd.bin = "/usr/local/bin/etcd";
  cluster.kubernetes.bin_dir = "/srv/kube";
  host::OsRelease trusty{"ubuntu", "14.04", "", ""};
  std::vector<Need> needs =
      SelectNeeds(PayloadTable(), trusty, {Role::kEtcd, Role::kMaster, Role::kWorker}, cluster);
  ASSERT_GE(needs.size(), 3u);
  EXPECT_EQ(needs[0].path, "/usr/local/bin/etcd");
  EXPECT_EQ(needs[0].roles, "etcd");
  EXPECT_EQ(needs[1].path, "/opt/bin/flanneld");
  EXPECT_EQ(needs[1].roles, "master, worker");
  EXPECT_EQ(needs[2].path, "/srv/kube/kube-apiserver");
}

TEST(RequirementsTest, AptNamesArePerRelease) {
  const char* kTable = R"(
[[package]]
name = "runtime"
roles = ["worker"]
apt = { "14.04" = "", "16.04" = "docker.io", default = "containerd" }
)";
  std::vector<Requirement> table = ParseRequirements(kTable, "deps.toml");
  answers::Cluster cluster;
  auto apt_on = [&](const std::string& version) {
    return SelectNeeds(table, {"ubuntu", version, "", ""}, {Role::kWorker}, cluster).at(0).apt;
  };
  EXPECT_EQ(apt_on("14.04"), "");
  EXPECT_EQ(apt_on("16.04"), "docker.io");
  EXPECT_EQ(apt_on("22.04"), "containerd");
  EXPECT_TRUE(SelectNeeds(table, {"ubuntu", "16.04", "", ""}, {Role::kEtcd}, cluster).empty());
}

TEST(RequirementsTest, ErrorsNameTheFileAndPlace) {
  EXPECT_EQ(ParseError("[[binary]]\nname = \"etcd\"\nroles = [\"etcd\"]\npath = \"/x\"\n"),
            "deps.toml:1:1: missing key \"bundle\"");
  EXPECT_EQ(ParseError("[[package]]\nname = \"x\"\nroles = [\"boss\"]\napt = {}\n"),
            "deps.toml:3:10: unknown role; expected \"etcd\", \"master\" or \"worker\"");
  EXPECT_EQ(ParseError("[[package]]\nname = \"x\"\nroles = [\"worker\"]\napt = {}\nurl = \"u\"\n"),
            "deps.toml:5:7: unknown key \"url\"");
  EXPECT_EQ(ParseError("[[tool]]\nname = \"x\"\n"),
            "deps.toml:1:1: unknown table \"tool\"; expected [[binary]] or [[package]]");
  EXPECT_EQ(ParseError("[binary]\nname = \"x\"\n"),
            "deps.toml:1:1: \"binary\" must be written [[binary]]");
  EXPECT_EQ(ParseError("[[package]]\nname = 3\n"), "deps.toml:2:8: \"name\" must be a string");
}

}  // namespace
}  // namespace kha::deps
