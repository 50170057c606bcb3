#include "proxy/logging/request_logger.h"

#include <gtest/gtest.h>

#include "proxy/logging/log_sink.h"

namespace kha::proxy::logging {
namespace {

TEST(BasicAuthUserTest, DecodesTheUserName) {
  EXPECT_EQ(BasicAuthUser("Basic YWRtaW46c2VjcmV0"), "admin");  // admin:secret
  EXPECT_EQ(BasicAuthUser("basic   YWxpY2U6"), "alice");        // alice:
  EXPECT_EQ(BasicAuthUser("Basic YTpi"), "a");                  // a:b
  EXPECT_EQ(BasicAuthUser("Bearer abc.def"), "");
  EXPECT_EQ(BasicAuthUser("Basic !!!"), "");
  EXPECT_EQ(BasicAuthUser("Basic YWRtaW4="), "");  // "admin": no colon
  EXPECT_EQ(BasicAuthUser(""), "");
}

class CapturingSink : public LogSink {
 public:
  void Write(Priority priority, std::string_view message) override {
    lines.push_back(std::to_string(static_cast<int>(priority)) + " " + std::string(message));
  }
  std::vector<std::string> lines;
};

net::RequestLogEntry Entry(int listener) {
  net::RequestLogEntry entry;
  entry.listener = listener;
  entry.client = "192.0.2.7";
  entry.request_line = "GET /healthz HTTP/1.1";
  entry.status = 200;
  entry.response_line = "HTTP/1.1 200 OK";
  entry.backend = "10.0.0.1:8081";
  entry.service = "api";
  entry.host = "k8s";
  return entry;
}

TEST(RequestLoggerTest, EachListenerAtItsOwnLevel) {
  auto sink = std::make_shared<CapturingSink>();
  SetSink(sink);
  RequestLogger logger({1, 0, 2});
  EXPECT_FALSE(logger.Silent());
  logger.Log(Entry(0));
  logger.Log(Entry(1));  // LogLevel 0
  logger.Log(Entry(2));
  logger.Log(Entry(7));  // no such listener: ignored, not a crash
  logger.SetLevels({0, 0, 0});
  EXPECT_TRUE(logger.Silent());
  logger.Log(Entry(0));
  SetSink(nullptr);
  ASSERT_EQ(sink->lines.size(), 2u);
  EXPECT_EQ(sink->lines[0], "6 192.0.2.7 GET /healthz HTTP/1.1 - HTTP/1.1 200 OK");
  EXPECT_EQ(sink->lines[1],
            "6 192.0.2.7 GET /healthz HTTP/1.1 - HTTP/1.1 200 OK (k8s/api -> 10.0.0.1:8081) "
            "0.000 sec");
}

}  // namespace
}  // namespace kha::proxy::logging
