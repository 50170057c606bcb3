#include "installer/deps/presence.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "installer/deps/deps.h"

namespace kha::deps {
namespace {

namespace fs = std::filesystem;

TEST(PresenceTest, OnlyInstalledPackagesCount) {
  EXPECT_EQ(ParseDpkgStatus("Package: socat\nStatus: install ok installed\nVersion: 1.7.3\n"
                            "Description: relay\n multi-line\n\n"
                            "Package: ethtool\nStatus: deinstall ok config-files\nVersion: 4.5\n\n"
                            "Package: conntrack\nStatus: install ok unpacked\nVersion: 1.4\n\n"
                            "Package: iptables\nVersion: 1.6.0\nStatus: install ok installed"),
            (std::map<std::string, std::string>{{"iptables", "1.6.0"}, {"socat", "1.7.3"}}));
  EXPECT_TRUE(ParseDpkgStatus("").empty());
}

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kha-probe-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& path, const std::string& contents, fs::perms mode) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << contents;
    fs::permissions(root_ / path, mode);
  }
  fs::path root_;
};

TEST_F(ProbeTest, BinariesNeedTheirPathAndVersion) {
  Write("var/lib/dpkg/status", "Package: socat\nStatus: install ok installed\nVersion: 1.7\n",
        fs::perms::owner_read);
  Write("opt/bin/etcd", "", fs::perms::owner_all);
  Write("opt/bin/flanneld", "", fs::perms::owner_all);
  Write("opt/bin/kubelet", "", fs::perms::owner_read);  // not executable
  Need etcd{Kind::kBinary, "etcd", "etcd", "/opt/bin/etcd", "bin/etcd", "3.0.17", "", ""};
  Need flanneld{Kind::kBinary,  "flanneld", "master", "/opt/bin/flanneld",
                "bin/flanneld", "",         "",       ""};
  Need kubelet{Kind::kBinary, "kubelet", "worker", "/opt/bin/kubelet", "bin/kubelet", "", "", ""};
  run::RecordingRunner runner;
  runner.Script({0, "etcd Version: 2.2.5\n"});
  Presence presence = ProbePresence(root_.string(), {etcd, flanneld, kubelet}, runner);
  EXPECT_EQ(presence.binaries, std::set<std::string>{"/opt/bin/flanneld"});
  EXPECT_EQ(presence.packages, (std::map<std::string, std::string>{{"socat", "1.7"}}));
  ASSERT_EQ(runner.commands().size(), 1u);
  EXPECT_EQ(runner.commands()[0].argv,
            (std::vector<std::string>{(root_ / "opt/bin/etcd").string(), "--version"}));
}

TEST_F(ProbeTest, PlanDependenciesForAWorkerOffline) {
  host::HostFacts host;
  host.os = {"ubuntu", "16.04", "Ubuntu 16.04.7 LTS", ""};
  std::string table =
      "[[binary]]\nname = \"kubelet\"\nroles = [\"worker\"]\npath = "
      "\"{kubernetes.bin_dir}/kubelet\"\nbundle = \"bin/kubelet\"\n"
      "[[package]]\nname = \"socat\"\nroles = [\"worker\"]\napt = { default = \"socat\" }\n";
  run::RecordingRunner runner;
  PlanOptions options{root_.string(), true};
  try {
    PlanDependencies(table, "deps.toml", host, {answers::Role::kWorker}, answers::Cluster{},
                     nullptr, runner, options);
    FAIL() << "no error";
  } catch (const UnsatisfiedError& error) {
    EXPECT_STREQ(error.what(),
                 "2 dependencies cannot be satisfied with --offline; nothing was changed:\n"
                 "  kubelet (worker): not at /opt/bin/kubelet, and the bundle has no bin/kubelet\n"
                 "  socat (worker): not installed, and the bundle has no debs/socat_*.deb");
  }
  EXPECT_TRUE(fs::is_empty(root_));
}

}  // namespace
}  // namespace kha::deps
