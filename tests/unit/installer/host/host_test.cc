#include "installer/host/host.h"

#include <gtest/gtest.h>

#include "tests/unit/installer/apply/temp_tree.h"

namespace kha::host {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(KHA_SOURCE_DIR) + "/tests/fixtures/os-release/" + name;
}

constexpr char kAdvice[] =
    "kha supports Ubuntu 14.04, Ubuntu 16.04 and later, Debian 8 and later; if this host is "
    "compatible, pass --force-os ubuntu-16.04 (or ubuntu-14.04 for an upstart host)";

struct FixtureCase {
  std::string name;
  std::string id;
  std::string version_id;
  std::string pretty_name;
  std::string source;  // inside the fixture
  InitSystem init;
};

class DetectHostFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(DetectHostFixtureTest, ReadsTheReleaseAsShipped) {
  const FixtureCase& expected = GetParam();
  HostFacts facts = DetectHost(Fixture(expected.name), "");
  EXPECT_EQ(facts.os.id, expected.id);
  EXPECT_EQ(facts.os.version_id, expected.version_id);
  EXPECT_EQ(facts.os.pretty_name, expected.pretty_name);
  EXPECT_EQ(facts.os.source_path, Fixture(expected.name) + expected.source);
  EXPECT_EQ(facts.init, expected.init);
  EXPECT_FALSE(facts.init_running) << "nothing runs under a --root";
}

INSTANTIATE_TEST_SUITE_P(
    Releases, DetectHostFixtureTest,
    ::testing::Values(FixtureCase{"ubuntu-14.04", "ubuntu", "14.04", "Ubuntu 14.04.6 LTS",
                                  "/etc/os-release", InitSystem::kUpstart},
                      FixtureCase{"ubuntu-16.04", "ubuntu", "16.04", "Ubuntu 16.04.7 LTS",
                                  "/etc/os-release", InitSystem::kSystemd},
                      FixtureCase{"debian-12", "debian", "12", "Debian GNU/Linux 12 (bookworm)",
                                  "/etc/os-release", InitSystem::kSystemd},
                      FixtureCase{"lsb-only", "ubuntu", "14.04", "Ubuntu 14.04.6 LTS",
                                  "/etc/lsb-release", InitSystem::kUpstart}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(DetectHostTest, CentOsIsUnsupportedAndTheMessageSaysWhatWasFound) {
  try {
    DetectHost(Fixture("centos-7"), "");
    FAIL() << "CentOS 7 was accepted";
  } catch (const UnsupportedHost& error) {
    EXPECT_EQ(std::string(error.what()),
              "unsupported host: " + Fixture("centos-7") +
                  "/etc/os-release says ID=centos VERSION_ID=7 (\"CentOS Linux 7 (Core)\"); " +
                  kAdvice);
  }
}

TEST(DetectHostTest, AnOldUbuntuIsUnsupported) {
  testing::TempDir root;
  testing::PutFile(root.path() + "/etc/lsb-release",
                   "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=12.04\nDISTRIB_CODENAME=precise\n");
  try {
    DetectHost(root.path(), "");
    FAIL() << "12.04 was accepted";
  } catch (const UnsupportedHost& error) {
    EXPECT_EQ(std::string(error.what()), "unsupported host: " + root.path() +
                                             "/etc/lsb-release says ID=ubuntu VERSION_ID=12.04; " +
                                             kAdvice);
  }
}

TEST(DetectHostTest, ARootWithoutReleaseFilesIsUnsupported) {
  testing::TempDir root;
  try {
    DetectHost(root.path(), "");
    FAIL() << "an empty root was accepted";
  } catch (const UnsupportedHost& error) {
    EXPECT_EQ(std::string(error.what()), "unsupported host: no release file found (looked for " +
                                             root.path() + "/etc/os-release, " + root.path() +
                                             "/usr/lib/os-release and " + root.path() +
                                             "/etc/lsb-release); " + kAdvice);
  }
}

TEST(DetectHostTest, DebianTestingWithoutVersionIdIsUnsupported) {
  testing::TempDir root;
  testing::PutFile(root.path() + "/etc/os-release",
                   "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nID=debian\n");
  try {
    DetectHost(root.path(), "");
    FAIL() << "a release without VERSION_ID was accepted";
  } catch (const UnsupportedHost& error) {
    EXPECT_EQ(std::string(error.what()),
              "unsupported host: " + root.path() +
                  "/etc/os-release says ID=debian VERSION_ID=(none) (\"Debian GNU/Linux "
                  "trixie/sid\"); " +
                  kAdvice);
  }
}

TEST(DetectHostTest, ForceOsOverridesWhatIsFound) {
  HostFacts facts = DetectHost(Fixture("centos-7"), "ubuntu-16.04");
  EXPECT_EQ(facts.os.id, "ubuntu");
  EXPECT_EQ(facts.os.version_id, "16.04");
  EXPECT_EQ(facts.os.source_path, "--force-os");
  EXPECT_EQ(facts.init, InitSystem::kSystemd);

  EXPECT_EQ(DetectHost(Fixture("ubuntu-16.04"), "ubuntu-14.04").init, InitSystem::kUpstart);
  EXPECT_EQ(DetectHost(Fixture("centos-7"), "ubuntu-22.04").init, InitSystem::kSystemd);
  EXPECT_EQ(DetectHost(Fixture("centos-7"), "debian-8").init, InitSystem::kSystemd);

  testing::TempDir empty_root;  // forcing needs no release file at all
  EXPECT_EQ(DetectHost(empty_root.path(), "debian-12").os.pretty_name, "Debian 12");
}

TEST(DetectHostTest, BadForceOsIsAUsageError) {
  for (const char* value : {"centos-7", "ubuntu-15.04", "ubuntu-14.10", "ubuntu-16", "debian-7",
                            "debian-8.1", "ubuntu", "16.04", "ubuntu-16.04x", "Ubuntu-16.04"}) {
    try {
      DetectHost(Fixture("ubuntu-16.04"), value);
      ADD_FAILURE() << value << " was accepted";
    } catch (const BadForceOs& error) {
      EXPECT_EQ(std::string(error.what()),
                std::string("--force-os ") + value +
                    ": expected ubuntu-14.04, ubuntu-X.Y (16.04 or later) or debian-N (8 or "
                    "later)");
    }
  }
}

TEST(InitSystemForTest, MapsEachRelease) {
  EXPECT_EQ(InitSystemFor("ubuntu", "14.04"), InitSystem::kUpstart);
  EXPECT_EQ(InitSystemFor("ubuntu", "16.04"), InitSystem::kSystemd);
  EXPECT_EQ(InitSystemFor("ubuntu", "16.10"), InitSystem::kSystemd);
  EXPECT_EQ(InitSystemFor("ubuntu", "24.04"), InitSystem::kSystemd);
  EXPECT_EQ(InitSystemFor("debian", "8"), InitSystem::kSystemd);
  EXPECT_EQ(InitSystemFor("debian", "12"), InitSystem::kSystemd);
  for (auto [id, version] : std::vector<std::pair<const char*, const char*>>{{"ubuntu", "12.04"},
                                                                             {"ubuntu", "14.10"},
                                                                             {"ubuntu", "15.10"},
                                                                             {"ubuntu", "16.04.7"},
                                                                             {"ubuntu", ""},
                                                                             {"debian", "7"},
                                                                             {"debian", ""},
                                                                             {"debian", "12x"},
                                                                             {"centos", "7"},
                                                                             {"linuxmint", "18"}}) {
    EXPECT_EQ(InitSystemFor(id, version), std::nullopt) << id << " " << version;
  }
}

TEST(RunningInitSystemTest, SystemdByItsRunFolderUpstartByItsSocket) {
  testing::TempDir dir;
  std::string run = dir.path() + "/run/systemd/system";
  std::string unix_sockets = dir.path() + "/unix";
  EXPECT_EQ(RunningInitSystem(run, unix_sockets), std::nullopt);

  testing::PutFile(unix_sockets,
                   "Num       RefCount Protocol Flags    Type St Inode Path\n"
                   "ffff8800b9a1c000: 00000002 00000000 00010000 0001 01 9424 "
                   "@/com/ubuntu/upstart\n");
  EXPECT_EQ(RunningInitSystem(run, unix_sockets), InitSystem::kUpstart);

  std::filesystem::create_directories(run);
  EXPECT_EQ(RunningInitSystem(run, unix_sockets), InitSystem::kSystemd);
}

TEST(RunningInitSystemTest, AFileNamedLikeTheRunFolderDoesNotCount) {
  testing::TempDir dir;
  testing::PutFile(dir.path() + "/system", "");
  EXPECT_EQ(RunningInitSystem(dir.path() + "/system", dir.path() + "/none"), std::nullopt);
}

TEST(RunningInitSystemTest, NothingRunsUnderAnotherRoot) {
  testing::TempDir root;
  std::filesystem::create_directories(root.path() + "/run/systemd/system");
  EXPECT_EQ(RunningInitSystemUnder(root.path()), std::nullopt);
}

}  // namespace
}  // namespace kha::host
