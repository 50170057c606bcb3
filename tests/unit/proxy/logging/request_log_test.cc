#include "proxy/logging/request_log.h"

#include <gtest/gtest.h>

namespace kha::proxy::logging {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

RequestLogEntry Sample() {
  RequestLogEntry entry;
  entry.client_address = "192.0.2.7";
  entry.request_line = "GET /api/v1/pods?watch=true HTTP/1.1";
  entry.status = 200;
  entry.response_line = "HTTP/1.1 200 OK";
  entry.virtual_host = "k8s.example:8080";
  entry.user = "admin";
  entry.referer = "http://ui.example/";
  entry.user_agent = "kubectl/v1.32.0 (linux/amd64)";
  entry.service = "apiservers";
  entry.backend = "10.211.55.15:8081";
  entry.response_body_bytes = 1234;
  // 2026-11-25 14:44:16 UTC
  entry.received = system_clock::time_point(seconds(1795617856));
  entry.duration = microseconds(12345);
  return entry;
}

TEST(RequestLogTest, LevelZeroAndOutOfRangeLogNothing) {
  EXPECT_EQ(FormatRequestLog(0, Sample()), "");
  EXPECT_EQ(FormatRequestLog(-1, Sample()), "");
  EXPECT_EQ(FormatRequestLog(6, Sample()), "");
}

TEST(RequestLogTest, LevelOneIsClientRequestAndStatus) {
  EXPECT_EQ(FormatRequestLog(1, Sample()),
            "192.0.2.7 GET /api/v1/pods?watch=true HTTP/1.1 - HTTP/1.1 200 OK");
}

TEST(RequestLogTest, LevelTwoAddsHostServiceBackendAndTime) {
  EXPECT_EQ(FormatRequestLog(2, Sample()),
            "192.0.2.7 GET /api/v1/pods?watch=true HTTP/1.1 - HTTP/1.1 200 OK "
            "(k8s.example:8080/apiservers -> 10.211.55.15:8081) 0.012 sec");
}

TEST(RequestLogTest, LevelThreeIsCombinedWithVirtualHost) {
  EXPECT_EQ(FormatRequestLog(3, Sample()),
            "k8s.example:8080 192.0.2.7 - admin [25/Nov/2026:14:44:16 +0000] "
            "\"GET /api/v1/pods?watch=true HTTP/1.1\" 200 1234 \"http://ui.example/\" "
            "\"kubectl/v1.32.0 (linux/amd64)\"");
}

TEST(RequestLogTest, LevelFourIsCombined) {
  EXPECT_EQ(FormatRequestLog(4, Sample()),
            "192.0.2.7 - admin [25/Nov/2026:14:44:16 +0000] "
            "\"GET /api/v1/pods?watch=true HTTP/1.1\" 200 1234 \"http://ui.example/\" "
            "\"kubectl/v1.32.0 (linux/amd64)\"");
}

TEST(RequestLogTest, LevelFiveAddsServiceBackendAndTime) {
  EXPECT_EQ(FormatRequestLog(5, Sample()),
            "192.0.2.7 - admin [25/Nov/2026:14:44:16 +0000] "
            "\"GET /api/v1/pods?watch=true HTTP/1.1\" 200 1234 \"http://ui.example/\" "
            "\"kubectl/v1.32.0 (linux/amd64)\" (apiservers -> 10.211.55.15:8081) 0.012 sec");
}

TEST(RequestLogTest, MissingFieldsBecomeDashes) {
  RequestLogEntry entry;
  entry.client_address = "::1";
  entry.request_line = "HEAD / HTTP/1.0";
  entry.status = 503;
  entry.received = system_clock::time_point(seconds(0));
  EXPECT_EQ(FormatRequestLog(1, entry), "::1 HEAD / HTTP/1.0 - 503");
  EXPECT_EQ(FormatRequestLog(2, entry), "::1 HEAD / HTTP/1.0 - 503 (-/- -> -) 0.000 sec");
  EXPECT_EQ(FormatRequestLog(3, entry),
            "- ::1 - - [01/Jan/1970:00:00:00 +0000] \"HEAD / HTTP/1.0\" 503 - \"-\" \"-\"");
}

TEST(RequestLogTest, ClientTextCannotForgeLinesOrFields) {
  RequestLogEntry entry = Sample();
  entry.user_agent = "evil\"agent\nGET /forged";
  entry.virtual_host = "a b";
  entry.user = "x\ty";
  entry.request_line = "GET /\x7f\xff HTTP/1.1";
  EXPECT_EQ(FormatRequestLog(3, entry),
            "a\\x20b 192.0.2.7 - x\\x09y [25/Nov/2026:14:44:16 +0000] "
            "\"GET /\\x7f\\xff HTTP/1.1\" 200 1234 \"http://ui.example/\" "
            "\"evil\\\"agent\\x0aGET /forged\"");
}

}  // namespace
}  // namespace kha::proxy::logging
