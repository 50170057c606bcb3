#include "proxy/net/head.h"

#include <gtest/gtest.h>

#include <string>

namespace kha::proxy::net {
namespace {

TEST(ChunkedScannerTest, FindsTheEndAcrossAnySplit) {
  const std::string body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
  const std::string stream = body + "GET /next";
  for (size_t split = 0; split <= stream.size(); ++split) {
    ChunkedScanner scanner;
    size_t used = scanner.Feed(std::string_view(stream).substr(0, split));
    if (!scanner.done()) used += scanner.Feed(std::string_view(stream).substr(split));
    EXPECT_TRUE(scanner.done()) << split;
    EXPECT_EQ(used, body.size()) << split;
  }
}

TEST(ChunkedScannerTest, RejectsBrokenFraming) {
  for (std::string bad :
       {"x\r\n", "5\r\nhelloXX", "5\nhello", "0\r\n\n", "10000000000000000\r\n"}) {
    ChunkedScanner scanner;
    scanner.Feed(bad);
    EXPECT_TRUE(scanner.failed()) << bad;
  }
}

TEST(HeadTest, RequestFramingAndFields) {
  const std::string text =
      "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbody";
  Head head;
  size_t scanned = 0;
  int status = 0;
  ASSERT_EQ(ParseRequestHead(text, 65536, scanned, head, status), ParseResult::kDone);
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.target, "/a");
  EXPECT_EQ(head.host, "h");
  EXPECT_EQ(head.framing, Framing::kLength);
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_FALSE(head.Persistent());
  EXPECT_EQ(head.size, text.size() - 4);
}

TEST(HeadTest, RequestErrorsMapToStatus) {
  struct Case {
    std::string text;
    int status;
  } cases[] = {
      {"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nTransfer-Encoding: br\r\n\r\n", 501},
      {"GET / HTTP/1.1\r\nName : v\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 400},
  };
  for (const Case& c : cases) {
    Head head;
    size_t scanned = 0;
    int status = 0;
    EXPECT_EQ(ParseRequestHead(c.text, 65536, scanned, head, status), ParseResult::kError)
        << c.text;
    EXPECT_EQ(status, c.status) << c.text;
  }
  Head head;
  size_t scanned = 0;
  int status = 0;
  EXPECT_EQ(ParseRequestHead("GET /" + std::string(100, 'a'), 64, scanned, head, status),
            ParseResult::kError);
  EXPECT_EQ(status, 414);
}

TEST(HeadTest, ResponsesWithoutBody) {
  Head head;
  size_t scanned = 0;
  const std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  ASSERT_EQ(ParseResponseHead(text, 65536, scanned, "HEAD", head), ParseResult::kDone);
  EXPECT_EQ(head.framing, Framing::kNone);
  scanned = 0;
  ASSERT_EQ(ParseResponseHead("HTTP/1.1 204 No Content\r\n\r\n", 65536, scanned, "GET", head),
            ParseResult::kDone);
  EXPECT_EQ(head.framing, Framing::kNone);
  scanned = 0;
  ASSERT_EQ(ParseResponseHead("HTTP/1.0 200 OK\r\n\r\n", 65536, scanned, "GET", head),
            ParseResult::kDone);
  EXPECT_EQ(head.framing, Framing::kUntilClose);
  EXPECT_FALSE(head.Persistent());
}

}  // namespace
}  // namespace kha::proxy::net
