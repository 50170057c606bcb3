// The heads the proxy forwards: hop-by-hop fields dropped, X-Forwarded-For,
// HeadRemove and AddHeader, upgrades kept, and the client's persistence.
#include <gtest/gtest.h>
#include <regex.h>

#include <string>
#include <vector>

#include "proxy/http/parser.h"
#include "proxy/http/rewrite.h"

namespace kha::proxy::http {
namespace {

std::string Request(std::string_view input, std::string_view client,
                    const RequestRewrite& rewrite) {
  RequestParser parser;
  parser.Feed(input);
  EXPECT_EQ(parser.state(), ParseState::kDone) << parser.error().reason;
  std::string out = "stale contents";
  WriteRequestHead(parser.head(), client, rewrite, &out);
  return out;
}

std::string Response(std::string_view input, int client_minor, bool keep_alive) {
  ResponseParser parser;
  parser.Feed(input);
  EXPECT_EQ(parser.state(), ParseState::kDone) << parser.error().reason;
  std::string out;
  WriteResponseHead(parser.head(), client_minor, keep_alive, &out);
  return out;
}

TEST(WriteRequestHead, DropsHopByHopAndAppendsForwardedFor) {
  const std::string out = Request(
      "GET /x?y HTTP/1.1\r\nHost: api\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: 300\r\n"
      "Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Sum\r\nX-Secret: s\r\n"
      "Accept:   */*  \r\nX-Forwarded-For: 1.2.3.4\r\nx-forwarded-for: 5.6.7.8\r\n\r\n",
      "10.0.0.9", {});
  EXPECT_EQ(out,
            "GET /x?y HTTP/1.1\r\nHost: api\r\nAccept: */*\r\n"
            "X-Forwarded-For: 1.2.3.4, 5.6.7.8, 10.0.0.9\r\n\r\n");
}

TEST(WriteRequestHead, KeepsFramingFieldsEvenWhenConnectionNamesThem) {
  const std::string out = Request(
      "POST / HTTP/1.1\r\nHost: h\r\nConnection: Content-Length, Host\r\n"
      "Content-Length: 3\r\n\r\n",
      "", {});
  EXPECT_EQ(out, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n");
}

TEST(WriteRequestHead, KeepsTransferEncodingAndDropsTheExpectTheProxyAnswers) {
  const std::string out = Request(
      "PATCH /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
      "127.0.0.1", {});
  EXPECT_EQ(out,
            "PATCH /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
            "X-Forwarded-For: 127.0.0.1\r\n\r\n");
  // Any other expectation is the backend's to judge (417).
  EXPECT_EQ(
      Request("PUT /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nExpect: x-other\r\n\r\n", "", {}),
      "PUT /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nExpect: x-other\r\n\r\n");
}

TEST(WriteRequestHead, UpgradeKeepsUpgradeAndConnection) {
  const std::string out = Request(
      "POST /exec HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
      "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n",
      "", {});
  EXPECT_EQ(out,
            "POST /exec HTTP/1.1\r\nHost: h\r\nUpgrade: SPDY/3.1\r\n"
            "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nConnection: upgrade\r\n\r\n");
  // Without the Connection option, Upgrade is only a hop-by-hop field.
  EXPECT_EQ(Request("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n", "", {}),
            "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(WriteRequestHead, HeadRemoveAndAddHeader) {
  // POSIX extended, case-insensitive: how Pound compiles HeadRemove patterns.
  regex_t pattern;
  ASSERT_EQ(
      regcomp(&pattern, "^X-Forwarded-For:.*5\\.6|^cookie:", REG_EXTENDED | REG_ICASE | REG_NOSUB),
      0);
  struct Free {
    regex_t* p;
    ~Free() { regfree(p); }
  } free_pattern{&pattern};
  const std::vector<std::string> added = {"X-Proxy: kha", "X-Ssl: 0"};
  RequestRewrite rewrite;
  std::vector<std::string> seen;
  rewrite.head_remove = [&](std::string_view line) {
    seen.emplace_back(line);
    const std::string copy(line);
    return regexec(&pattern, copy.c_str(), 0, nullptr, 0) == 0;
  };
  rewrite.add_headers = added;
  const std::string out = Request(
      "GET / HTTP/1.1\r\nHost: h\r\nCookie: a=b\r\nX-Forwarded-For: 1.1.1.1\r\n"
      "X-Forwarded-For: 5.6.7.8\r\nAccept: */*\r\n\r\n",
      "9.9.9.9", rewrite);
  EXPECT_EQ(out,
            "GET / HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nX-Forwarded-For: 1.1.1.1, 9.9.9.9\r\n"
            "X-Proxy: kha\r\nX-Ssl: 0\r\n\r\n");
  EXPECT_EQ(seen,
            (std::vector<std::string>{"Host: h", "Cookie: a=b", "Accept: */*",
                                      "X-Forwarded-For: 1.1.1.1", "X-Forwarded-For: 5.6.7.8"}));
}

TEST(WriteRequestHead, Http10Stays10AndAsksToPersist) {
  EXPECT_EQ(Request("GET / HTTP/1.0\r\nAccept: */*\r\n\r\n", "1.2.3.4", {}),
            "GET / HTTP/1.0\r\nAccept: */*\r\nConnection: keep-alive\r\n"
            "X-Forwarded-For: 1.2.3.4\r\n\r\n");
  EXPECT_EQ(Request("GET / HTTP/1.0\r\nHost: h\r\n\r\n", "", {}),
            "GET / HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n");
}

TEST(WriteResponseHead, DropsHopByHopAndSaysClose) {
  EXPECT_EQ(Response("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\n"
                     "X-Hop: 1\r\nContent-Length: 2\r\nTransfer-Encoding-Not: x\r\n\r\n",
                     1, false),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding-Not: x\r\n"
            "Connection: close\r\n\r\n");
  EXPECT_EQ(Response("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", 1, true),
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(Response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, true),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n");
}

TEST(WriteResponseHead, SwitchingProtocolsKeepsUpgrade) {
  EXPECT_EQ(Response("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                     "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n",
                     1, false),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\n"
            "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nConnection: upgrade\r\n\r\n");
  EXPECT_EQ(Response("HTTP/1.1 100 Continue\r\n\r\n", 1, false), "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(IsHopByHop, Names) {
  const std::vector<std::string_view> options = {"close", "X-Private"};
  EXPECT_TRUE(IsHopByHop("CONNECTION", {}));
  EXPECT_TRUE(IsHopByHop("te", {}));
  EXPECT_TRUE(IsHopByHop("x-private", options));
  EXPECT_FALSE(IsHopByHop("Transfer-Encoding", {}));
  EXPECT_FALSE(IsHopByHop("X-Other", options));
}

}  // namespace
}  // namespace kha::proxy::http
