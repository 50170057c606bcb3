#include "proxy/control/server.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/file_util.h"
#include "proxy/control/client.h"
#include "proxy/control/protocol.h"
#include "proxy/control/render.h"
#include "tests/unit/proxy/control/fake_runtime.h"

namespace kha::proxy::control {
namespace {

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kha-control-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/ctl.sock";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A socket bound at `path_` the way a crashed proxy leaves it.
  int BindRaw(bool listening) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path_.c_str());
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    if (listening) {
      EXPECT_EQ(listen(fd, 1), 0);
    }
    return fd;
  }

  std::string dir_;
  std::string path_;
  FakeRuntime runtime_;
};

TEST_F(ControlServerTest, RoundTripsCommandsOverTheSocket) {
  ControlServer server(path_, runtime_);
  server.Start();
  EXPECT_EQ(SendCommand(path_, "show table"), "ok\n" + RenderTable(SampleView()));
  EXPECT_EQ(SendCommand(path_, "disable backend 0 0 0"), "ok\n");
  EXPECT_EQ(runtime_.Snapshot().listeners[0].services[0].backends[0].status,
            balance::BackendStatus::kDisabled);
  EXPECT_EQ(SendCommand(path_, "enable backend 0 0 0"), "ok\n");
  EXPECT_EQ(SendCommand(path_, "enable backend 0 0 9"), "error: no such backend 0/0/9\n");
  EXPECT_EQ(SendCommand(path_, "show json"), "ok\n" + RenderJson(SampleView()));
}

TEST_F(ControlServerTest, SocketIsMode0600AndRemovedOnDestruction) {
  {
    ControlServer server(path_, runtime_);
    struct stat info {};
    ASSERT_EQ(stat(path_.c_str(), &info), 0);
    EXPECT_TRUE(S_ISSOCK(info.st_mode));
    EXPECT_EQ(info.st_mode & 07777, 0600u);
  }
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(path_)));
}

TEST_F(ControlServerTest, LeavesAlonePathReplacedByAnotherProxy) {
  auto server = std::make_unique<ControlServer>(path_, runtime_);
  unlink(path_.c_str());
  int other = BindRaw(false);  // a newer proxy's socket at the same path
  server.reset();
  EXPECT_TRUE(std::filesystem::exists(path_));
  close(other);
}

TEST_F(ControlServerTest, ReplacesAStaleSocket) {
  int stale = BindRaw(false);
  close(stale);  // bound, never listening: what a crashed proxy leaves
  ControlServer server(path_, runtime_);
  server.Start();
  EXPECT_EQ(SendCommand(path_, "enable backend 0 0 0"), "ok\n");
}

TEST_F(ControlServerTest, RefusesALiveSocketOrAFile) {
  int live = BindRaw(true);
  try {
    ControlServer server(path_, runtime_);
    ADD_FAILURE() << "a live socket was replaced";
  } catch (const SystemError& e) {
    EXPECT_EQ(std::string(e.what()),
              "another process serves the control socket " + path_ + ": Address already in use");
  }
  close(live);
  unlink(path_.c_str());

  std::ofstream(path_) << "precious";
  try {
    ControlServer server(path_, runtime_);
    ADD_FAILURE() << "a regular file was replaced";
  } catch (const SystemError& e) {
    EXPECT_EQ(std::string(e.what()),
              "refusing to replace, not a socket: " + path_ + ": File exists");
  }
  EXPECT_EQ(ReadFile(path_), "precious");
}

TEST_F(ControlServerTest, OverlongAndUnterminatedCommands) {
  ControlServer server(path_, runtime_);
  server.Start();
  EXPECT_EQ(SendCommand(path_, std::string(5000, 'x')), "error: command longer than 4096 bytes\n");

  // A client that sends no newline but shuts down its side still gets an answer.
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path_.c_str());
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(write(fd, "help", 4), 4);
  shutdown(fd, SHUT_WR);
  std::string answer;
  char buffer[1024];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, n);
  close(fd);
  EXPECT_TRUE(answer.starts_with("ok\n  help")) << answer;
}

TEST_F(ControlServerTest, ClientErrorsNameTheSocketAndTheCure) {
  try {
    SendCommand(path_, "help");
    ADD_FAILURE();
  } catch (const ControlError& e) {
    EXPECT_EQ(std::string(e.what()),
              "control socket " + path_ +
                  ": no such file (is kha-proxy running, and does its config set Control to "
                  "this path?)");
  }
  close(BindRaw(false));
  try {
    SendCommand(path_, "help");
    ADD_FAILURE();
  } catch (const ControlError& e) {
    EXPECT_EQ(std::string(e.what()), "control socket " + path_ +
                                         ": connection refused (a stale socket: kha-proxy is "
                                         "not running)");
  }
}

TEST_F(ControlServerTest, ClientTimesOutOnASilentServer) {
  int silent = BindRaw(true);  // accepts into the backlog, never answers
  try {
    SendCommand(path_, "help", std::chrono::milliseconds(200));
    ADD_FAILURE();
  } catch (const ControlError& e) {
    EXPECT_EQ(std::string(e.what()), "control socket " + path_ + ": kha-proxy did not answer");
  }
  close(silent);
}

}  // namespace
}  // namespace kha::proxy::control
