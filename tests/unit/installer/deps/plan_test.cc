#include "installer/deps/plan.h"

#include <gtest/gtest.h>

namespace kha::deps {
namespace {

Need Binary(const std::string& name, const std::string& path) {
  Need need;
  need.kind = Kind::kBinary;
  need.name = name;
  need.roles = "master";
  need.path = path;
  need.bundle = "bin/" + name;
  return need;
}

Need Package(const std::string& name, const std::string& apt, const std::string& source = "") {
  Need need;
  need.kind = Kind::kPackage;
  need.name = name;
  need.roles = "worker";
  need.apt = apt;
  need.source = source;
  return need;
}

Presence AllBuildTools() {
  Presence presence;
  presence.build_tools.insert(kBuildTools.begin(), kBuildTools.end());
  return presence;
}

struct Case {
  std::string title;
  std::vector<Need> needs;
  Presence presence;
  std::vector<std::string> bundle;
  PlanOptions options;
  std::string expected;  // FormatDepsPlan, or the error's text
};

std::string Outcome(const Case& c) {
  try {
    return FormatDepsPlan(MakeDepsPlan(c.needs, c.presence, c.bundle, c.options));
  } catch (const UnsatisfiedError& error) {
    return std::string("error: ") + error.what();
  }
}

TEST(DepsPlanTest, Table) {
  Presence installed = AllBuildTools();
  installed.packages = {{"socat", "1.7.3.1-1"}};
  installed.binaries = {"/opt/bin/etcd"};
  PlanOptions offline;
  offline.offline = true;
  PlanOptions under_root;
  under_root.root = "/tmp/image";
  Presence no_tools;
  Presence tools_and_etcd = AllBuildTools();
  tools_and_etcd.binaries = {"/opt/bin/etcd"};

  const std::vector<Case> cases = {
      {"present: nothing to do",
       {Binary("etcd", "/opt/bin/etcd"), Package("socat", "socat")},
       installed,
       {},
       {},
       "present: etcd (/opt/bin/etcd)\npresent: socat (package socat 1.7.3.1-1)\n"},
      {"binary from the bundle",
       {Binary("kubelet", "/opt/bin/kubelet")},
       installed,
       {"bin/kubelet"},
       {},
       "copy bin/kubelet -> /opt/bin/kubelet\n"
       "  # kubelet for master: missing, copied from the bundle\n"},
      {"binary nowhere",
       {Binary("kubelet", "/opt/bin/kubelet"), Binary("etcd", "/usr/bin/etcd")},
       installed,
       {"bin/kube-proxy"},
       {},
       "error: 2 dependencies cannot be satisfied; nothing was changed:\n"
       "  kubelet (master): not at /opt/bin/kubelet, and the bundle has no bin/kubelet\n"
       "  etcd (master): not at /usr/bin/etcd, and the bundle has no bin/etcd"},
      {"online: apt-get on the host",
       {Package("socat", "socat"), Package("conntrack", "conntrack"),
        Package("docker", "docker.io")},
       installed,
       {},
       {},
       "present: socat (package socat 1.7.3.1-1)\n"
       "apt-get update -q\n"
       "  # refresh the package lists for conntrack, docker.io\n"
       "apt-get install -y -q --no-install-recommends conntrack docker.io\n"
       "  # install conntrack, docker.io from the archive\n"},
      {"bundled .debs win over apt",
       {Package("conntrack", "conntrack"), Package("ethtool", "ethtool")},
       installed,
       {"debs/conntrack_1.4.3-3_amd64.deb", "debs/libnetfilter-conntrack3_1.0.5_amd64.deb"},
       {},
       "dpkg -i bundled .debs: conntrack\n"
       "  # install bundled .debs of conntrack and their bundled dependencies, in dependency "
       "order (dpkg -i)\n"
       "apt-get update -q\n"
       "  # refresh the package lists for ethtool\n"
       "apt-get install -y -q --no-install-recommends ethtool\n"
       "  # install ethtool from the archive\n"},
      {"under --root: dpkg --root, apt skipped",
       {Package("conntrack", "conntrack"), Package("ethtool", "ethtool")},
       installed,
       {"debs/conntrack_1.4.3-3_amd64.deb"},
       under_root,
       "dpkg -i bundled .debs: conntrack\n"
       "  # install bundled .debs of conntrack and their bundled dependencies, in dependency "
       "order (dpkg -i --root=/tmp/image)\n"
       "skip\n"
       "  # not installed under --root /tmp/image (apt-get installs only into /): ethtool\n"},
      {"--offline never uses apt: the source tarball instead",
       {Package("socat", "socat-new", "src/socat.tar.gz")},
       installed,
       {"src/socat.tar.gz"},
       offline,
       "build src/socat.tar.gz\n"
       "  # socat for worker: built from src/socat.tar.gz (./configure --prefix=/usr/local && "
       "make && make install)\n"},
      {"14.04: not in the archive, built from source",
       {Package("socat", "", "src/socat.tar.gz")},
       AllBuildTools(),
       {"src/socat.tar.gz"},
       under_root,
       "build src/socat.tar.gz\n"
       "  # socat for worker: built from src/socat.tar.gz (./configure --prefix=/usr/local && "
       "make && make install DESTDIR=/tmp/image)\n"},
      {"--offline names every missing artifact",
       {Binary("etcd", "/opt/bin/etcd2"), Package("socat", "socat", "src/socat.tar.gz"),
        Package("ethtool", "ethtool"), Package("conntrack", "conntrack")},
       tools_and_etcd,
       {"debs/conntrack_1_amd64.deb"},
       offline,
       "error: 3 dependencies cannot be satisfied with --offline; nothing was changed:\n"
       "  etcd (master): not at /opt/bin/etcd2, and the bundle has no bin/etcd\n"
       "  socat (worker): not installed, and the bundle has no debs/socat_*.deb nor "
       "src/socat.tar.gz\n"
       "  ethtool (worker): not installed, and the bundle has no debs/ethtool_*.deb"},
      {"build tools missing are listed",
       {Package("socat", "", "src/socat.tar.gz")},
       no_tools,
       {"src/socat.tar.gz"},
       {},
       "error: 1 dependency cannot be satisfied; nothing was changed:\n"
       "  socat (worker): building it from src/socat.tar.gz needs build tools this host "
       "lacks: sh, make, cc, tar, gzip (apt-get install build-essential)"},
      {"not in this release's archive and nothing bundled",
       {Package("socat", "")},
       no_tools,
       {},
       {},
       "error: 1 dependency cannot be satisfied; nothing was changed:\n"
       "  socat (worker): not in this release's archive, and the bundle has no "
       "debs/socat_*.deb"},
  };
  for (const Case& c : cases) EXPECT_EQ(Outcome(c), c.expected) << c.title;
}

TEST(DepsPlanTest, VersionedBinaryNotPresentIsCopied) {
  Need etcd = Binary("etcd", "/opt/bin/etcd");
  etcd.version = "3.0.17";
  DepsPlan plan = MakeDepsPlan({etcd}, {}, {"bin/etcd"}, {});
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].kind, StepKind::kCopy);
  EXPECT_EQ(plan.steps[0].mode, 0755u);
  EXPECT_EQ(plan.steps[0].reason,
            "etcd for master: missing or not version 3.0.17, copied from the bundle");
}

TEST(DepsPlanTest, AptRunsNonInteractive) {
  DepsPlan plan = MakeDepsPlan({Package("socat", "socat")}, {}, {}, {});
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[1].command.environment,
            std::vector<std::string>{"DEBIAN_FRONTEND=noninteractive"});
}

}  // namespace
}  // namespace kha::deps
