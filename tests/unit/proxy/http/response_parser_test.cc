// Response heads: framing by request method and status, interim responses,
// upgrades, and the 502 the client gets for a broken backend.
#include <gtest/gtest.h>

#include <string>

#include "proxy/http/body.h"
#include "proxy/http/parser.h"
#include "tests/unit/proxy/http/http_test_util.h"

namespace kha::proxy::http {
namespace {

using testing::Outcome;
using testing::ParseResponse;

const ResponseHead& ParseOk(ResponseParser& parser, std::string_view input) {
  const size_t used = parser.Feed(input);
  EXPECT_EQ(parser.state(), ParseState::kDone)
      << input << " -> " << parser.error().status << " " << parser.error().reason;
  EXPECT_EQ(used, input.size());
  return parser.head();
}

void ExpectBadGateway(std::string_view input, std::string_view reason) {
  const Outcome outcome = ParseResponse(input);
  EXPECT_EQ(outcome.state, ParseState::kError) << input;
  EXPECT_EQ(outcome.status, 502) << input;
  EXPECT_EQ(outcome.reason, reason) << input;
}

TEST(ResponseParser, ContentLength) {
  ResponseParser parser;
  const ResponseHead& head = ParseOk(
      parser, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.reason, "OK");
  EXPECT_EQ(head.framing, BodyFraming::kContentLength);
  EXPECT_EQ(head.content_length, 42u);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_FALSE(head.interim());
}

TEST(ResponseParser, ReadUntilClose) {
  ResponseParser parser;
  const ResponseHead& head = ParseOk(parser, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n");
  EXPECT_EQ(head.framing, BodyFraming::kUntilClose);
  EXPECT_FALSE(head.keep_alive);
  parser.Reset();
  // A final coding other than chunked also ends at the close (RFC 9112 §6.3).
  EXPECT_EQ(ParseOk(parser, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n").framing,
            BodyFraming::kUntilClose);
}

TEST(ResponseParser, Chunked) {
  ResponseParser parser;
  const ResponseHead& head =
      ParseOk(parser, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(head.framing, BodyFraming::kChunked);
  EXPECT_TRUE(head.keep_alive);
}

TEST(ResponseParser, HeadResponsesHaveNoBody) {
  ResponseParser parser;
  parser.Expect(/*head_request=*/true, /*connect_request=*/false);
  const ResponseHead& head = ParseOk(parser, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
  EXPECT_EQ(head.framing, BodyFraming::kNone);
  EXPECT_TRUE(head.keep_alive);
  parser.Reset();  // keeps Expect()
  EXPECT_EQ(ParseOk(parser, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").framing,
            BodyFraming::kNone);
}

TEST(ResponseParser, NoBodyFor204And304) {
  for (std::string_view status : {"204 No Content", "304 Not Modified"}) {
    ResponseParser parser;
    const ResponseHead& head =
        ParseOk(parser, "HTTP/1.1 " + std::string(status) + "\r\nContent-Length: 10\r\n\r\n");
    EXPECT_EQ(head.framing, BodyFraming::kNone) << status;
    EXPECT_TRUE(head.keep_alive) << status;
  }
}

TEST(ResponseParser, InterimThenFinal) {
  const std::string stream =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  ResponseParser parser;
  size_t at = parser.Feed(stream);
  ASSERT_EQ(parser.state(), ParseState::kDone);
  EXPECT_EQ(parser.head().status, 100);
  EXPECT_TRUE(parser.head().interim());
  EXPECT_EQ(parser.head().framing, BodyFraming::kNone);
  parser.Reset();
  at += parser.Feed(stream.data() + at, stream.size() - at);
  ASSERT_EQ(parser.state(), ParseState::kDone);
  EXPECT_EQ(parser.head().status, 103);
  EXPECT_TRUE(parser.head().interim());
  parser.Reset();
  at += parser.Feed(stream.data() + at, stream.size() - at);
  ASSERT_EQ(parser.state(), ParseState::kDone);
  EXPECT_EQ(parser.head().status, 201);
  EXPECT_FALSE(parser.head().interim());
  EXPECT_EQ(parser.head().framing, BodyFraming::kContentLength);
  EXPECT_EQ(stream.substr(at), "ok");
}

TEST(ResponseParser, SwitchingProtocolsIsATunnel) {
  ResponseParser parser;
  const ResponseHead& head =
      ParseOk(parser,
              "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "
              "SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n");
  EXPECT_EQ(head.status, 101);
  EXPECT_FALSE(head.interim());
  EXPECT_EQ(head.framing, BodyFraming::kTunnel);
  EXPECT_EQ(head.upgrade, UpgradeProtocol::kSpdy);
  EXPECT_EQ(head.upgrade_value, "SPDY/3.1");
  parser.Reset();
  EXPECT_EQ(ParseOk(parser,
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    "Connection: upgrade\r\n\r\n")
                .upgrade,
            UpgradeProtocol::kWebSocket);
}

TEST(ResponseParser, ConnectSuccessIsATunnel) {
  ResponseParser parser;
  parser.Expect(false, /*connect_request=*/true);
  EXPECT_EQ(ParseOk(parser, "HTTP/1.1 200 Connection established\r\n\r\n").framing,
            BodyFraming::kTunnel);
  parser.Reset();
  EXPECT_EQ(ParseOk(parser, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").framing,
            BodyFraming::kNone);
}

TEST(ResponseParser, Http10Persistence) {
  ResponseParser parser;
  EXPECT_FALSE(ParseOk(parser, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n").keep_alive);
  parser.Reset();
  EXPECT_TRUE(
      ParseOk(parser, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n")
          .keep_alive);
  parser.Reset();
  EXPECT_FALSE(ParseOk(parser, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n")
                   .keep_alive);
}

TEST(ResponseParser, StatusLineVariants) {
  ResponseParser parser;
  EXPECT_EQ(ParseOk(parser, "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n").reason, "");
  parser.Reset();
  EXPECT_EQ(ParseOk(parser, "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n").status, 404);
  parser.Reset();
  EXPECT_EQ(
      ParseOk(parser, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n").reason,
      "Internal Server Error");
}

TEST(ResponseRules, BrokenResponsesAre502) {
  ExpectBadGateway("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
                   "Content-Length with Transfer-Encoding");
  ExpectBadGateway("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n",
                   "multiple Content-Length headers");
  ExpectBadGateway("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "invalid Content-Length");
  ExpectBadGateway("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                   "chunked applied more than once");
  ExpectBadGateway("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                   "Transfer-Encoding in HTTP/1.0");
  ExpectBadGateway("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "obsolete line folding");
  ExpectBadGateway("HTTP/1.1 200 OK\r\nX : a\r\n\r\n", "whitespace between header name and colon");
  ExpectBadGateway("HTTP/2.0 200 OK\r\n\r\n", "unsupported HTTP version");
  ExpectBadGateway("HTTP/1.1 20 OK\r\n\r\n", "malformed status code");
  ExpectBadGateway("HTTP/1.1 2000 OK\r\n\r\n", "malformed status code");
  ExpectBadGateway("HTTP/1.1 099 Low\r\n\r\n", "malformed status code");
  ExpectBadGateway("HTTP/1.1  200 OK\r\n\r\n", "malformed status code");
  ExpectBadGateway("HTTP/1.1-200 OK\r\n\r\n", "malformed status line");
  ExpectBadGateway("HTTP/1.1 200 O\x01K\r\n\r\n", "control character in reason phrase");
  ExpectBadGateway("\r\nHTTP/1.1 200 OK\r\n\r\n", "malformed HTTP version");
  ExpectBadGateway("ICY 200 OK\r\n\r\n", "malformed HTTP version");
}

TEST(ResponseParser, BodyReaderFollowsTheFraming) {
  ResponseParser parser;
  const std::string stream =
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 204 No\r\n\r\n";
  size_t at = parser.Feed(stream);
  BodyReader body;
  body.Start(parser.head());
  EXPECT_EQ(body.state(), BodyState::kBody);
  EXPECT_EQ(body.Feed(stream.data() + at, 1), 1u);
  EXPECT_EQ(body.remaining(), 2u);
  at += 1;
  at += body.Feed(stream.data() + at, stream.size() - at);
  EXPECT_EQ(body.state(), BodyState::kDone);
  parser.Reset();
  at += parser.Feed(stream.data() + at, stream.size() - at);
  EXPECT_EQ(parser.head().status, 204);
  EXPECT_EQ(at, stream.size());
  body.Start(parser.head());
  EXPECT_EQ(body.state(), BodyState::kDone);
  EXPECT_EQ(body.Feed("x", 1), 0u);
}

}  // namespace
}  // namespace kha::proxy::http
