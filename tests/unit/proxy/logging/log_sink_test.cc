#include "proxy/logging/log_sink.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

namespace kha::proxy::logging {
namespace {

// 2026-11-05 09:04:03 UTC: a one-digit day shows RFC 3164's space padding.
constexpr std::time_t kNow = 1793869443;

class UtcTimeZone : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = getenv("TZ");
    if (tz != nullptr) saved_tz_ = tz;
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", saved_tz_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::string saved_tz_;
  bool had_tz_ = false;
};

TEST(ParseFacilityTest, KnowsTheSyslogNames) {
  EXPECT_EQ(ParseFacility("daemon"), 3 << 3);
  EXPECT_EQ(ParseFacility("LOCAL0"), 16 << 3);
  EXPECT_EQ(ParseFacility("local7"), 23 << 3);
  EXPECT_EQ(ParseFacility("authpriv"), 10 << 3);
  EXPECT_EQ(ParseFacility("kern"), 0);
  EXPECT_EQ(ParseFacility("local8"), std::nullopt);
  EXPECT_EQ(ParseFacility(""), std::nullopt);
}

using SyslogSinkTest = UtcTimeZone;

TEST_F(SyslogSinkTest, FormatsRfc3164Lines) {
  SyslogSink sink(3 << 3, "kha-proxy", "/nonexistent/log");
  EXPECT_EQ(sink.FormatLine(Priority::kError, "backend 10.0.0.1:80 is dead", kNow, 42),
            "<27>Nov  5 09:04:03 kha-proxy[42]: backend 10.0.0.1:80 is dead");
  EXPECT_EQ(sink.FormatLine(Priority::kInfo, "x", kNow, 7), "<30>Nov  5 09:04:03 kha-proxy[7]: x");
}

TEST_F(SyslogSinkTest, CutsOverlongMessages) {
  SyslogSink sink(16 << 3, "kha-proxy", "/nonexistent/log");
  std::string line = sink.FormatLine(Priority::kInfo, std::string(20000, 'a'), kNow, 1);
  EXPECT_EQ(line.size(), 8192u);
  EXPECT_EQ(line.substr(0, 35), "<134>Nov  5 09:04:03 kha-proxy[1]: ");
}

TEST_F(SyslogSinkTest, SendsDatagramsToAFakeSyslog) {
  char pattern[] = "/tmp/kha-syslog-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  std::string path = dir + "/log";

  int server = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(server, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  timeval timeout{5, 0};
  setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  SyslogSink sink(3 << 3, "kha-proxy", path, [] { return kNow; });
  sink.Write(Priority::kWarning, "reload failed");
  char buffer[9000];
  ssize_t n = recv(server, buffer, sizeof buffer, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, static_cast<size_t>(n)),
            "<28>Nov  5 09:04:03 kha-proxy[" + std::to_string(getpid()) + "]: reload failed");

  // The daemon restarts: a new socket at the same path; the sink reconnects.
  close(server);
  unlink(path.c_str());
  server = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sink.Write(Priority::kError, "after restart");
  n = recv(server, buffer, sizeof buffer, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, static_cast<size_t>(n)),
            "<27>Nov  5 09:04:03 kha-proxy[" + std::to_string(getpid()) + "]: after restart");

  close(server);
  std::filesystem::remove_all(dir);
}

TEST(SyslogSinkMissingTest, DropsWhileNoDaemonListensThenConnectsWhenOneAppears) {
  char pattern[] = "/tmp/kha-syslog-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  std::string path = dir + "/log";
  SyslogSink sink(3 << 3, "kha-proxy", path, [] { return kNow; });
  sink.Write(Priority::kError, "nobody listens");  // dropped, no exception

  int server = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(server, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  timeval timeout{5, 0};
  setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sink.Write(Priority::kError, "now heard");
  char buffer[256];
  ssize_t n = recv(server, buffer, sizeof buffer, 0);
  ASSERT_GT(n, 0);
  std::string got(buffer, static_cast<size_t>(n));
  EXPECT_NE(got.find("]: now heard"), std::string::npos) << got;
  EXPECT_EQ(got.find("nobody listens"), std::string::npos);
  close(server);
  std::filesystem::remove_all(dir);
}

TEST(StderrSinkTest, TagsBySeverity) {
  testing::internal::CaptureStderr();
  StderrSink sink;
  sink.Write(Priority::kError, "e");
  sink.Write(Priority::kWarning, "w");
  sink.Write(Priority::kNotice, "n");
  sink.Write(Priority::kInfo, "192.0.2.7 GET / HTTP/1.1 - HTTP/1.1 200 OK");
  sink.Write(Priority::kDebug, "d");
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "[ERROR] e\n[WARN] w\n[INFO] n\n192.0.2.7 GET / HTTP/1.1 - HTTP/1.1 200 OK\n"
            "[DEBUG] d\n");
}

TEST(GlobalLogTest, DebugOnlyWhenVerbose) {
  testing::internal::CaptureStderr();
  SetSink(std::make_shared<StderrSink>());
  LogDebug("hidden");
  SetVerbose(true);
  LogDebug("shown");
  SetVerbose(false);
  LogRequest("");
  LogRequest("line");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "[DEBUG] shown\nline\n");
}

}  // namespace
}  // namespace kha::proxy::logging
