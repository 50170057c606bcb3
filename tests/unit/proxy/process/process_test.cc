// Pidfile, signals, privileges and daemonizing: each in the test process or,
// where the change is irreversible (setuid, daemon), in a forked child.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/file_util.h"
#include "proxy/process/daemon.h"
#include "proxy/process/pidfile.h"
#include "proxy/process/privileges.h"
#include "proxy/process/signals.h"

namespace kha::proxy {
namespace {

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kha-process-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

using PidFileTest = TempDir;

TEST_F(PidFileTest, WrittenThenRemoved) {
  std::string path = dir_ + "/kha-proxy.pid";
  {
    PidFile pidfile(path, 4242);
    EXPECT_EQ(ReadFile(path), "4242\n");
    struct stat info {};
    ASSERT_EQ(stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644u);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(PidFileTest, KeptWhenAnotherProcessTookItOver) {
  std::string path = dir_ + "/kha-proxy.pid";
  {
    PidFile pidfile(path, 4242);
    WriteFileAtomically(path, "777\n", 0644);
  }
  EXPECT_EQ(ReadFile(path), "777\n");
}

TEST_F(PidFileTest, MissingFolderIsAnError) {
  try {
    PidFile pidfile(dir_ + "/no/such/kha-proxy.pid", 1);
    ADD_FAILURE();
  } catch (const SystemError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot open folder of pidfile " + dir_ +
                                         "/no/such/kha-proxy.pid: No such file or directory");
  }
}

TEST(SignalsTest, HangUpReloadsTermStopsNothingTimesOut) {
  // In a child: blocking signals must not leak into the other tests' process.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    BlockProcessSignals();
    kill(getpid(), SIGHUP);
    if (WaitForSignal(std::chrono::seconds(5)) != ProcessSignal::kReload) _exit(10);
    kill(getpid(), SIGTERM);
    if (WaitForSignal(std::chrono::seconds(5)) != ProcessSignal::kStop) _exit(11);
    kill(getpid(), SIGINT);
    if (WaitForSignal(std::chrono::seconds(5)) != ProcessSignal::kStop) _exit(12);
    if (WaitForSignal(std::chrono::milliseconds(50)).has_value()) _exit(13);
    // SIGPIPE is ignored: writing to a closed pipe returns EPIPE.
    int fds[2];
    if (pipe(fds) != 0) _exit(14);
    close(fds[0]);
    if (write(fds[1], "x", 1) != -1 || errno != EPIPE) _exit(15);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

class PrivilegesTest : public TempDir {
 protected:
  void SetUp() override {
    TempDir::SetUp();
    std::ofstream(dir_ + "/passwd") << "root:x:0:0:root:/root:/bin/sh\n"
                                       "pound:x:4321:4322::/nonexistent:/bin/false\n";
    std::ofstream(dir_ + "/group") << "root:x:0:\n"
                                      "pound:x:4322:\n"
                                      "ssl-cert:x:4323:pound\n"
                                      "other:x:4324:\n";
  }
};

TEST_F(PrivilegesTest, ResolvesUserAndGroups) {
  std::optional<Identity> identity = ResolveIdentity("pound", "", dir_);
  ASSERT_TRUE(identity.has_value());
  EXPECT_TRUE(identity->change_user);
  EXPECT_EQ(identity->uid, 4321u);
  EXPECT_EQ(identity->gid, 4322u);
  EXPECT_EQ(identity->groups, (std::vector<gid_t>{4322, 4323}));

  identity = ResolveIdentity("pound", "other", dir_);
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(identity->gid, 4324u);
  EXPECT_EQ(identity->groups, (std::vector<gid_t>{4324, 4323}));

  identity = ResolveIdentity("", "other", dir_);
  ASSERT_TRUE(identity.has_value());
  EXPECT_FALSE(identity->change_user);
  EXPECT_EQ(identity->groups, (std::vector<gid_t>{4324}));

  EXPECT_FALSE(ResolveIdentity("", "", dir_).has_value());
}

TEST_F(PrivilegesTest, UnknownNamesAreErrors) {
  try {
    ResolveIdentity("www", "", dir_);
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "unknown User \"www\" (not in " + dir_ + "/passwd)");
  }
  try {
    ResolveIdentity("pound", "wheel", dir_);
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "unknown Group \"wheel\" (not in " + dir_ + "/group)");
  }
}

TEST_F(PrivilegesTest, DropsForGoodWhenRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (CI runs as root)";
  std::optional<Identity> identity = ResolveIdentity("pound", "", dir_);
  ASSERT_TRUE(identity.has_value());
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      DropPrivileges(*identity);
    } catch (...) {
      _exit(10);
    }
    if (getuid() != 4321 || geteuid() != 4321 || getgid() != 4322) _exit(11);
    gid_t groups[8];
    int count = getgroups(8, groups);
    if (count != 2 || groups[0] != 4322 || groups[1] != 4323) _exit(12);
    if (setuid(0) == 0) _exit(13);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(PrivilegesTest, DroppingFailsLoudlyWithoutRoot) {
  if (geteuid() == 0) GTEST_SKIP() << "only meaningful without root";
  Identity identity{"pound", 4321, 4322, {4322}, true};
  EXPECT_THROW(DropPrivileges(identity), std::runtime_error);
}

using DaemonTest = TempDir;

// Runs Daemonize() in a child; returns the child's exit status and stderr.
std::pair<int, std::string> RunDaemon(const std::string& dir, bool succeed) {
  std::string err_path = dir + "/stderr";
  pid_t child = fork();
  if (child == 0) {
    FILE* err = std::freopen(err_path.c_str(), "w", stderr);
    if (err == nullptr) _exit(20);
    DaemonHandle handle = Daemonize();
    // In the daemon: a new session, not a process group leader of the old one.
    std::ofstream(dir + "/daemon")
        << (getsid(0) == getpid() ? "leader" : "session") << " " << getpid() << "\n";
    if (succeed) {
      handle.Ready();
      // stdio now points at /dev/null: this must not reach the parent's stderr.
      std::fputs("after ready\n", stderr);
      std::fflush(stderr);
    } else {
      handle.Fail("kha-proxy: cannot bind 0.0.0.0:80: Permission denied");
    }
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFileIfExists(err_path).value_or("")};
}

TEST_F(DaemonTest, ParentExitsZeroOnceTheDaemonIsReady) {
  auto [code, err] = RunDaemon(dir_, true);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(err, "");
  std::string daemon = ReadFile(dir_ + "/daemon");
  // setsid then a second fork: in a new session but not its leader.
  EXPECT_TRUE(daemon.starts_with("session ")) << daemon;
}

TEST_F(DaemonTest, ParentReportsTheDaemonsStartUpError) {
  auto [code, err] = RunDaemon(dir_, false);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(err, "kha-proxy: cannot bind 0.0.0.0:80: Permission denied\n");
}

}  // namespace
}  // namespace kha::proxy
