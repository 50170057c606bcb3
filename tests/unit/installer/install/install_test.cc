#include "installer/install/install.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/file_util.h"
#include "installer/payload/pack.h"

namespace kha::install {
namespace {

namespace fs = std::filesystem;

// Every path under `root` with its content, to compare trees before and after.
std::string Snapshot(const std::string& root) {
  std::ostringstream out;
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root)) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    out << path.string().substr(root.size()) << '\n';
    if (fs::is_regular_file(path)) out << ReadFile(path.string()) << '\n';
  }
  return out.str();
}

class InstallTest : public testing::Test {
 protected:
  void SetUp() override {
    char folder[] = "/tmp/kha-install-test-XXXXXX";
    ASSERT_NE(mkdtemp(folder), nullptr);
    root_ = folder;
    fs::create_directories(root_ + "/etc");
    std::ofstream(root_ + "/etc/os-release") << "ID=ubuntu\nVERSION_ID=\"16.04\"\n";
    options_.answers = std::string(KHA_SOURCE_DIR) + "/examples/answers.toml";
    options_.root = root_;
    options_.node = "infra0";
    options_.quiet = true;
  }
  void TearDown() override { fs::remove_all(root_); }

  int Run() {
    Environment environment{disk_, runner_, addresses_};
    environment.treat_root_as_live = true;
    return Install(options_, environment);
  }
  std::vector<std::string> Commands() const {
    std::vector<std::string> lines;
    for (const run::Command& command : runner_.commands()) lines.push_back(run::Describe(command));
    return lines;
  }

  std::string root_;
  cli::Options options_;
  apply::RealDisk disk_;
  run::RecordingRunner runner_;
  host::FixedAddressSource addresses_{{}};
};

TEST_F(InstallTest, RestartsServicesInOrderThenNothingOnARerun) {
  ASSERT_EQ(Run(), kDone);
  std::vector<std::string> commands = Commands();
  ASSERT_FALSE(commands.empty());
  EXPECT_EQ(commands.front(), "systemctl daemon-reload");
  EXPECT_EQ(commands[1], "systemctl enable etcd.service");
  EXPECT_EQ(commands[2], "systemctl restart etcd.service");
  EXPECT_EQ(commands[4], "systemctl restart kube-apiserver.service");
  EXPECT_EQ(commands[6], "systemctl restart kha-proxy.service");
  EXPECT_EQ(commands.back(), "systemctl restart kube-proxy.service");

  size_t before = runner_.commands().size();
  ASSERT_EQ(Run(), kDone);
  EXPECT_EQ(runner_.commands().size(), before) << "a rerun with no change restarted something";
}

TEST_F(InstallTest, AFailedRestartRollsEveryFileBackAndRestartsOnTheOldFiles) {
  std::string before = Snapshot(root_);
  runner_.Script({0, ""});  // daemon-reload
  runner_.Script({0, ""});  // enable etcd
  runner_.Script({0, ""});  // restart etcd
  runner_.Script({0, ""});  // enable kube-apiserver
  runner_.Script({1, "Job for kube-apiserver.service failed.\n"});
  EXPECT_EQ(Run(), kApplyFailed);
  EXPECT_EQ(Snapshot(root_), before);
  std::vector<std::string> commands = Commands();
  ASSERT_EQ(commands.size(), 10u);
  EXPECT_EQ(commands[5], "systemctl daemon-reload");
  EXPECT_EQ(commands[7], "systemctl restart etcd.service");
  EXPECT_EQ(commands[9], "systemctl restart kube-apiserver.service");
}

TEST_F(InstallTest, NoStartWritesButRunsNothing) {
  options_.no_start = true;
  ASSERT_EQ(Run(), kDone);
  EXPECT_TRUE(runner_.commands().empty());
  EXPECT_TRUE(fs::exists(root_ + "/etc/default/etcd"));
}

TEST_F(InstallTest, BadAnswersTouchNothing) {
  std::string answers = root_ + "/../kha-bad-answers.toml";
  std::ofstream(answers) << "[etcd]\npeer_port = 70000\n";
  options_.answers = answers;
  std::string before = Snapshot(root_);
  EXPECT_EQ(Run(), kBadInput);
  EXPECT_EQ(Snapshot(root_), before);
  fs::remove(answers);
}

class InstallThenUninstallTest : public InstallTest {
 protected:
  void SetUp() override {
    InstallTest::SetUp();
    before_install_ = Snapshot(root_);
    ASSERT_EQ(Run(), kDone);
    installed_ = Snapshot(root_);
    first_ = runner_.commands().size();
  }
  int RunUninstall(bool live = true) {
    Environment environment{disk_, runner_, addresses_};
    environment.treat_root_as_live = live;
    return Uninstall(options_, environment);
  }
  // The commands the uninstall ran.
  std::vector<std::string> UninstallCommands() const {
    std::vector<std::string> all = Commands();
    return {all.begin() + static_cast<std::ptrdiff_t>(first_), all.end()};
  }

  std::string before_install_;
  std::string installed_;
  size_t first_ = 0;
};

TEST_F(InstallThenUninstallTest, StopsInReverseStartOrderDisablesThenRemovesTheFiles) {
  ASSERT_EQ(RunUninstall(), kDone);
  EXPECT_EQ(UninstallCommands(), (std::vector<std::string>{
                                     "systemctl stop kube-proxy.service",
                                     "systemctl stop kubelet.service",
                                     "systemctl stop flanneld.service",
                                     "systemctl stop kube-scheduler.service",
                                     "systemctl stop kube-controller-manager.service",
                                     "systemctl stop kha-proxy.service",
                                     "systemctl stop kube-apiserver.service",
                                     "systemctl stop etcd.service",
                                     "systemctl disable kube-proxy.service",
                                     "systemctl disable kubelet.service",
                                     "systemctl disable flanneld.service",
                                     "systemctl disable kube-scheduler.service",
                                     "systemctl disable kube-controller-manager.service",
                                     "systemctl disable kha-proxy.service",
                                     "systemctl disable kube-apiserver.service",
                                     "systemctl disable etcd.service",
                                     "systemctl daemon-reload",
                                 }));
  EXPECT_EQ(Snapshot(root_), before_install_);
}

TEST_F(InstallThenUninstallTest, AServiceThatIsNotRunningIsSkipped) {
  runner_.Script({5, "Failed to stop kube-proxy.service: Unit kube-proxy.service not loaded.\n"});
  ASSERT_EQ(RunUninstall(), kDone);
  EXPECT_EQ(Snapshot(root_), before_install_);
}

TEST_F(InstallThenUninstallTest, AStopThatFailsStartsTheStoppedOnesAgainAndRemovesNothing) {
  runner_.Script({0, ""});  // stop kube-proxy
  runner_.Script({1, "Job for kubelet.service canceled.\n"});
  EXPECT_EQ(RunUninstall(), kApplyFailed);
  EXPECT_EQ(Snapshot(root_), installed_);
  EXPECT_EQ(UninstallCommands(), (std::vector<std::string>{
                                     "systemctl stop kube-proxy.service",
                                     "systemctl stop kubelet.service",
                                     "systemctl daemon-reload",
                                     "systemctl enable kube-proxy.service",
                                     "systemctl restart kube-proxy.service",
                                 }));
}

TEST_F(InstallThenUninstallTest, ADryRunPrintsWhatWouldBeStoppedAndRemovedAndTouchesNothing) {
  options_.dry_run = true;
  ::testing::internal::CaptureStdout();
  int code = RunUninstall();
  std::string out = ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(code, kDone);
  EXPECT_TRUE(UninstallCommands().empty());
  EXPECT_EQ(Snapshot(root_), installed_);
  EXPECT_NE(out.find("  systemctl stop kube-proxy.service\n  systemctl stop kubelet.service\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  systemctl stop etcd.service\n  systemctl disable kube-proxy.service\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("remove    /etc/default/etcd\n"), std::string::npos) << out;
}

TEST_F(InstallThenUninstallTest, UnderARootNothingIsStoppedButTheDryRunSaysWhatWould) {
  options_.dry_run = true;
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunUninstall(/*live=*/false), kDone);
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("not stopped (--root); on a live host these would run:\n"
                     "  systemctl stop kube-proxy.service\n"),
            std::string::npos)
      << out;
  options_.dry_run = false;
  ASSERT_EQ(RunUninstall(/*live=*/false), kDone);
  EXPECT_TRUE(UninstallCommands().empty());
  EXPECT_EQ(Snapshot(root_), before_install_);
}

// A node's install with the executables from a real (small) sealed payload.
class InstallFromPayloadTest : public InstallTest {
 protected:
  void SetUp() override {
    InstallTest::SetUp();
    folder_ = root_ + "-payload";
    fs::create_directories(folder_);
    std::ofstream(folder_ + "/stub") << "stub";
    std::ofstream(folder_ + "/kha-proxy")
        << std::string("\177ELF\2\1\1", 7) << std::string(3000, '\0');
    std::ofstream(folder_ + "/kha-proxyctl")
        << std::string("\177ELF\2\1\1", 7) << std::string(1000, '\0');
    payload::PackOptions pack;
    pack.stub_path = folder_ + "/stub";
    pack.version = "0.0.1";
    pack.build_date = "2026-01-01";
    pack.level = 1;
    pack.inputs = {{folder_ + "/kha-proxy", "bin/kha-proxy"},
                   {folder_ + "/kha-proxyctl", "bin/kha-proxyctl"}};
    payload::Pack(pack, folder_ + "/kha-install");
    payload::TrustOptions trust;
    trust.use_builtin_keys = false;
    payload_.emplace(payload::Payload::Open(folder_ + "/kha-install", trust));
  }
  void TearDown() override {
    InstallTest::TearDown();
    fs::remove_all(folder_);
  }
  int RunWithPayload() {
    Environment environment{disk_, runner_, addresses_};
    environment.treat_root_as_live = true;
    environment.payload = &*payload_;
    return Install(options_, environment);
  }

  std::string folder_;
  std::optional<payload::Payload> payload_;
};

TEST_F(InstallFromPayloadTest, ADryRunGivesTheExecutablesSizesNotTheirBytes) {
  options_.dry_run = true;
  ::testing::internal::CaptureStdout();
  int code = RunWithPayload();
  std::string out = ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(code, kDone);
  EXPECT_NE(out.find("create    /usr/local/sbin/kha-proxy\n"
                     "new file mode 0755\n"
                     "binary file created (3007 bytes)\n"),
            std::string::npos)
      << out;

  options_.dry_run = false;
  ASSERT_EQ(RunWithPayload(), kDone);
  std::ofstream(root_ + "/usr/local/sbin/kha-proxy", std::ios::app) << "patched";
  options_.dry_run = true;
  ::testing::internal::CaptureStdout();
  code = RunWithPayload();
  out = ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(code, kDone);
  EXPECT_NE(out.find("update    /usr/local/sbin/kha-proxy\n"
                     "binary file changed (3014 bytes \u2192 3007 bytes)\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find('\0'), std::string::npos);
}

TEST_F(InstallFromPayloadTest, ARerunRestoresAnEditedExecutableAndRestartsItsService) {
  ASSERT_EQ(RunWithPayload(), kDone);
  std::string installed = ReadFile(root_ + "/usr/local/sbin/kha-proxy");
  EXPECT_EQ(installed, ReadFile(folder_ + "/kha-proxy"));
  size_t before = runner_.commands().size();
  ASSERT_EQ(RunWithPayload(), kDone);
  EXPECT_EQ(runner_.commands().size(), before) << "a rerun with no change restarted something";

  std::ofstream(root_ + "/usr/local/sbin/kha-proxy", std::ios::in | std::ios::out) << "X";
  ASSERT_NE(ReadFile(root_ + "/usr/local/sbin/kha-proxy"), installed);
  ASSERT_EQ(RunWithPayload(), kDone);
  EXPECT_EQ(ReadFile(root_ + "/usr/local/sbin/kha-proxy"), installed);
  std::vector<std::string> commands = Commands();
  EXPECT_EQ(
      std::vector<std::string>(commands.begin() + static_cast<long>(before), commands.end()),
      (std::vector<std::string>{"systemctl daemon-reload", "systemctl enable kha-proxy.service",
                                "systemctl restart kha-proxy.service"}));
}

}  // namespace
}  // namespace kha::install
