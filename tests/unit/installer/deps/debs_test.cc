#include "installer/deps/debs.h"

#include <gtest/gtest.h>

namespace kha::deps {
namespace {

DebInfo Deb(const std::string& package, std::vector<std::vector<std::string>> depends = {}) {
  return {"debs/" + package + "_1_amd64.deb", package, "1", std::move(depends)};
}

std::vector<std::vector<std::string>> Packages(const std::vector<std::vector<DebInfo>>& groups) {
  std::vector<std::vector<std::string>> names;
  for (const auto& group : groups) {
    names.emplace_back();
    for (const DebInfo& deb : group) names.back().push_back(deb.package);
  }
  return names;
}

using Groups = std::vector<std::vector<std::string>>;

TEST(DebsTest, PackageFromFileName) {
  EXPECT_EQ(DebPackageFromName("debs/socat_1.7.3_amd64.deb"), "socat");
  EXPECT_EQ(DebPackageFromName("debs/bridge-utils.deb"), "bridge-utils");
  EXPECT_EQ(DebPackageFromName("bin/etcd"), "");
  EXPECT_EQ(DebPackageFromName("debs/x/y_1_all.deb"), "");
  EXPECT_EQ(DebPackageFromName("src/socat.tar.gz"), "");
}

TEST(DebsTest, ParsesControlFields) {
  DebInfo info = ParseDebControl(
      "Package: socat\nVersion: 1.7.3.1-1\nPre-Depends: dpkg (>= 1.17)\n"
      "Depends: libc6 (>= 2.14), libssl1.0.0 (>= 1.0.2) | libssl1.1,\n libwrap0:any\n",
      "debs/socat_1.7.3.1-1_amd64.deb");
  EXPECT_EQ(info.package, "socat");
  EXPECT_EQ(info.version, "1.7.3.1-1");
  EXPECT_EQ(info.artifact, "debs/socat_1.7.3.1-1_amd64.deb");
  EXPECT_EQ(info.depends, (std::vector<std::vector<std::string>>{
                              {"dpkg"}, {"libc6"}, {"libssl1.0.0", "libssl1.1"}, {"libwrap0"}}));
}

TEST(DebsTest, DependenciesComeFirstAndOnlyWhatIsNeeded) {
  std::vector<DebInfo> debs = {Deb("socat", {{"libc6"}, {"libwrap0"}}), Deb("libwrap0"),
                               Deb("ethtool"), Deb("unrelated")};
  EXPECT_EQ(Packages(OrderDebs(debs, {"socat"}, {})), (Groups{{"libwrap0"}, {"socat"}}));
  EXPECT_EQ(Packages(OrderDebs(debs, {"socat", "ethtool"}, {})),
            (Groups{{"ethtool", "libwrap0"}, {"socat"}}));
  // An installed dependency is not installed again.
  EXPECT_EQ(Packages(OrderDebs(debs, {"socat"}, {"libwrap0"})), (Groups{{"socat"}}));
}

TEST(DebsTest, ChainsAndAlternatives) {
  std::vector<DebInfo> debs = {Deb("a", {{"b"}}), Deb("b", {{"missing", "c"}}), Deb("c"),
                               Deb("d", {{"x", "y"}})};
  EXPECT_EQ(Packages(OrderDebs(debs, {"a", "d"}, {})), (Groups{{"c", "d"}, {"b"}, {"a"}}));
  // An installed alternative satisfies the relation.
  EXPECT_EQ(Packages(OrderDebs(debs, {"b"}, {"missing"})), (Groups{{"b"}}));
}

TEST(DebsTest, CycleSharesOneGroup) {
  std::vector<DebInfo> debs = {Deb("app", {{"libx"}}), Deb("libx", {{"liby"}}),
                               Deb("liby", {{"libx"}, {"base"}}), Deb("base")};
  EXPECT_EQ(Packages(OrderDebs(debs, {"app"}, {})), (Groups{{"base"}, {"libx", "liby"}, {"app"}}));
}

TEST(DebsTest, WantedWithoutDebIsAnError) {
  try {
    OrderDebs({Deb("a")}, {"socat"}, {});
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "the bundle has no .deb of socat");
  }
}

}  // namespace
}  // namespace kha::deps
