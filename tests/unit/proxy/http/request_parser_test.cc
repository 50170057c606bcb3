// Request heads: every strict rule with the status the proxy must answer.
#include <gtest/gtest.h>

#include <string>

#include "proxy/http/parser.h"
#include "tests/unit/proxy/http/http_test_util.h"

namespace kha::proxy::http {
namespace {

using testing::Outcome;
using testing::ParseRequest;

// Expects the input to fail with this status and reason.
void ExpectError(std::string_view input, int status, std::string_view reason, Limits limits = {}) {
  const Outcome outcome = ParseRequest(input, limits);
  EXPECT_EQ(outcome.state, ParseState::kError) << input;
  EXPECT_EQ(outcome.status, status) << input;
  EXPECT_EQ(outcome.reason, reason) << input;
}

const RequestHead& ParseOk(RequestParser& parser, std::string_view input) {
  const size_t used = parser.Feed(input);
  EXPECT_EQ(parser.state(), ParseState::kDone)
      << input << " -> " << parser.error().status << " " << parser.error().reason;
  EXPECT_EQ(used, input.size());
  return parser.head();
}

TEST(RequestParser, SimpleGet) {
  RequestParser parser;
  const std::string input =
      "GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: 10.0.0.1:8080\r\nUser-Agent:  kubectl/1.32 "
      "\r\nAccept: */*\r\n\r\n";
  const RequestHead& head = ParseOk(parser, input);
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.target, "/api/v1/pods?watch=true");
  EXPECT_EQ(head.version_minor, 1);
  EXPECT_EQ(head.host, "10.0.0.1:8080");
  EXPECT_TRUE(head.has_host);
  ASSERT_EQ(head.fields.size(), 3u);
  EXPECT_EQ(head.fields[1].name, "User-Agent");
  EXPECT_EQ(head.fields[1].value, "kubectl/1.32");
  EXPECT_EQ(head.raw, input);
  EXPECT_EQ(head.framing, BodyFraming::kNone);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_EQ(head.upgrade, UpgradeProtocol::kNone);
  EXPECT_FALSE(head.expect_continue);
  EXPECT_FALSE(head.is_head);
}

TEST(RequestParser, StopsAtTheEndOfTheHead) {
  RequestParser parser;
  const std::string input = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  EXPECT_EQ(parser.Feed(input), input.size() - 5);
  ASSERT_EQ(parser.state(), ParseState::kDone);
  EXPECT_EQ(parser.head().framing, BodyFraming::kContentLength);
  EXPECT_EQ(parser.head().content_length, 5u);
  EXPECT_EQ(parser.Feed("hello"), 0u);  // nothing more until Reset()
}

TEST(RequestParser, EmptyValuesAndBareLineFeeds) {
  // RFC 9112 §2.2 lets a recipient accept LF alone as a line end.
  RequestParser parser;
  const RequestHead& head = ParseOk(parser, "GET / HTTP/1.1\nHost: h\nX-Empty:\nX-Sp:   \n\n");
  ASSERT_EQ(head.fields.size(), 3u);
  EXPECT_EQ(head.fields[1].value, "");
  EXPECT_EQ(head.fields[2].value, "");
}

TEST(RequestParser, BlankLinesBeforeTheRequestLineAreSkipped) {
  RequestParser parser;
  const RequestHead& head = ParseOk(parser, "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(head.method, "GET");
  EXPECT_EQ(head.raw, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(RequestParser, Http10DefaultsToClose) {
  RequestParser parser;
  EXPECT_FALSE(ParseOk(parser, "GET / HTTP/1.0\r\n\r\n").keep_alive);
  EXPECT_FALSE(parser.head().has_host);
  parser.Reset();
  EXPECT_TRUE(ParseOk(parser, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
  parser.Reset();
  EXPECT_FALSE(
      ParseOk(parser, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keep_alive);
  parser.Reset();
  // A later minor version is treated as 1.1 (RFC 9110 §6.2).
  EXPECT_TRUE(ParseOk(parser, "GET / HTTP/1.7\r\nHost: h\r\n\r\n").keep_alive);
}

TEST(RequestParser, ConnectionOptionsAreListed) {
  RequestParser parser;
  const RequestHead& head =
      ParseOk(parser, "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Hop ,,\r\n\r\n");
  ASSERT_EQ(head.connection_options.size(), 2u);
  EXPECT_EQ(head.connection_options[0], "keep-alive");
  EXPECT_EQ(head.connection_options[1], "X-Hop");
}

TEST(RequestParser, ExpectContinue) {
  RequestParser parser;
  EXPECT_TRUE(
      ParseOk(parser,
              "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n")
          .expect_continue);
  parser.Reset();
  // RFC 9110 §10.1.1: ignored on HTTP/1.0.
  EXPECT_FALSE(
      ParseOk(parser, "PUT /x HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
          .expect_continue);
}

TEST(RequestParser, UpgradeDetection) {
  RequestParser parser;
  const RequestHead& spdy = ParseOk(
      parser,
      "POST /api/v1/namespaces/default/pods/p/exec?command=sh HTTP/1.1\r\nHost: h\r\n"
      "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
      "X-Stream-Protocol-Version: channel.k8s.io\r\n\r\n");
  EXPECT_EQ(spdy.upgrade, UpgradeProtocol::kSpdy);
  EXPECT_EQ(spdy.upgrade_value, "SPDY/3.1");
  parser.Reset();
  const RequestHead& ws =
      ParseOk(parser,
              "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: keep-alive, "
              "Upgrade\r\nSec-WebSocket-Key: x\r\n\r\n");
  EXPECT_EQ(ws.upgrade, UpgradeProtocol::kWebSocket);
  parser.Reset();
  EXPECT_EQ(
      ParseOk(parser, "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n")
          .upgrade,
      UpgradeProtocol::kOther);
  parser.Reset();
  // Upgrade without the Connection option is no upgrade (RFC 9110 §7.8).
  EXPECT_EQ(ParseOk(parser, "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n").upgrade,
            UpgradeProtocol::kNone);
  parser.Reset();
  // HTTP/1.0 cannot upgrade.
  EXPECT_EQ(ParseOk(parser, "GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n")
                .upgrade,
            UpgradeProtocol::kNone);
}

TEST(RequestParser, ChunkedFraming) {
  RequestParser parser;
  EXPECT_EQ(
      ParseOk(parser, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n")
          .framing,
      BodyFraming::kChunked);
  parser.Reset();
  // Codings listed over several fields read as one list (RFC 9110 §5.3).
  EXPECT_EQ(ParseOk(parser,
                    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n")
                .framing,
            BodyFraming::kChunked);
  parser.Reset();
  EXPECT_EQ(ParseOk(parser, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").framing,
            BodyFraming::kNone);
}

TEST(RequestParser, RequestTargetForms) {
  RequestParser parser;
  EXPECT_EQ(ParseOk(parser, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").target, "*");
  parser.Reset();
  EXPECT_TRUE(ParseOk(parser, "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n").is_connect);
  parser.Reset();
  EXPECT_EQ(ParseOk(parser, "GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n").target, "http://h/x");
  parser.Reset();
  EXPECT_TRUE(ParseOk(parser, "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").is_head);
}

// The strict rules, each with the exact status and reason.

TEST(RequestRules, ContentLengthWithTransferEncodingIs400) {
  ExpectError(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
      "Content-Length with Transfer-Encoding");
  ExpectError(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400,
      "Content-Length with Transfer-Encoding");
}

TEST(RequestRules, DuplicateContentLengthIs400) {
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400,
              "multiple Content-Length headers");
  // Identical duplicates too: RFC 9110 §8.6 allows rejecting them, and we do.
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400,
              "multiple Content-Length headers");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n", 400,
              "invalid Content-Length");
}

TEST(RequestRules, InvalidContentLengthIs400) {
  for (std::string_view value :
       {"-1", "+5", "5a", "0x10", "", "1 2", "99999999999999999999", "9223372036854775808"}) {
    ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::string(value) + "\r\n\r\n",
                400, "invalid Content-Length");
  }
  RequestParser parser;
  ParseOk(parser, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n");
  EXPECT_EQ(parser.head().content_length, 9223372036854775807u);
}

TEST(RequestRules, TransferEncodingRules) {
  const std::string prefix = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ";
  ExpectError(prefix + "gzip\r\n\r\n", 400, "chunked is not the final transfer coding");
  ExpectError(prefix + "chunked, gzip\r\n\r\n", 400, "chunked is not the final transfer coding");
  ExpectError(prefix + "chunked, chunked\r\n\r\n", 400, "chunked applied more than once");
  ExpectError(prefix + "br, chunked\r\n\r\n", 501, "unknown transfer coding");
  ExpectError(prefix + "identity\r\n\r\n", 501, "unknown transfer coding");
  ExpectError(prefix + "\r\n\r\n", 400, "invalid Transfer-Encoding");
  ExpectError(prefix + "chunked;q=1\r\n\r\n", 400, "invalid Transfer-Encoding");
  ExpectError(prefix + "\"chunked\"\r\n\r\n", 400, "invalid Transfer-Encoding");
  ExpectError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
              "Transfer-Encoding in HTTP/1.0");
}

TEST(RequestRules, ObsFoldIs400) {
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n", 400,
              "obsolete line folding");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n", 400,
              "obsolete line folding");
  ExpectError("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400,
              "whitespace before the first header field");
}

TEST(RequestRules, BareCrIs400) {
  ExpectError("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400, "bare CR");
  ExpectError("GET / HTTP/1.1\rHost: h\r\n\r\n", 400, "bare CR");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 400, "bare CR");
  ExpectError("\rGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bare CR");
}

TEST(RequestRules, ControlCharactersInValuesAre400) {
  for (char c : {'\0', '\x01', '\x0b', '\x0c', '\x1f', '\x7f'}) {
    std::string input = "GET / HTTP/1.1\r\nHost: h\r\nX: a";
    input += c;
    input += "b\r\n\r\n";
    ExpectError(input, 400, "control character in header value");
  }
  // HTAB and obs-text are allowed.
  RequestParser parser;
  EXPECT_EQ(ParseOk(parser, "GET / HTTP/1.1\r\nHost: h\r\nX: a\tb\xe9\r\n\r\n").fields[1].value,
            "a\tb\xe9");
}

TEST(RequestRules, InvalidHeaderNamesAre400) {
  for (std::string_view name : {"X(y)", "X/y", "X\"y", "X@y", "X\xe9"}) {
    ExpectError("GET / HTTP/1.1\r\nHost: h\r\n" + std::string(name) + ": v\r\n\r\n", 400,
                "invalid character in header name");
  }
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400, "invalid character in header name");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400,
              "invalid character in header name");
}

TEST(RequestRules, WhitespaceBeforeColonIs400) {
  ExpectError("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400,
              "whitespace between header name and colon");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nContent-Length\t: 5\r\n\r\n", 400,
              "whitespace between header name and colon");
}

TEST(RequestRules, RequestLineTooLongIs414) {
  Limits limits;
  limits.max_start_line = 64;
  const std::string line_of_64 = "GET /" + std::string(50, 'a') + " HTTP/1.1";  // 64 bytes
  ASSERT_EQ(line_of_64.size(), 64u);
  RequestParser parser(limits);
  ParseOk(parser, line_of_64 + "\r\nHost: h\r\n\r\n");
  ExpectError("GET /" + std::string(51, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414,
              "request line too long", limits);
  // Known as soon as the limit is passed, without waiting for the line end.
  ExpectError("GET /" + std::string(100, 'a'), 414, "request line too long", limits);
  ExpectError(std::string(100, 'M'), 414, "request line too long", limits);
}

TEST(RequestRules, HeadTooLargeIs431) {
  Limits limits;
  limits.max_head = 100;
  const std::string head_of_100 =
      "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(68, 'v') + "\r\n\r\n";
  ASSERT_EQ(head_of_100.size(), 100u);
  RequestParser parser(limits);
  ParseOk(parser, head_of_100);
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(69, 'v') + "\r\n\r\n", 431,
              "message head too large", limits);
  limits = {};
  limits.max_fields = 3;
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431,
              "too many header fields", limits);
}

TEST(RequestRules, InvalidMethodIs400) {
  ExpectError("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid character in method");
  ExpectError(" GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid character in method");
  ExpectError("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid character in request target");
  ExpectError("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid character in request target");
  ExpectError("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", 400,
              "invalid character in request target");
  ExpectError("GET /\r\n\r\n", 400, "missing HTTP version");
  ExpectError("GET relative HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid request target");
  ExpectError("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid request target");
  ExpectError("CONNECT /x HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid request target");
}

TEST(RequestRules, MalformedVersionIs400) {
  for (std::string_view version : {"HTTP/1", "HTTP/1.", "http/1.1", "HTTP/1.1 ", "HTTP/11.1",
                                   "HTTP/1.x", "HTTPS/1.1", "HTTP/1.10", "HTTP 1.1"}) {
    ExpectError("GET / " + std::string(version) + "\r\nHost: h\r\n\r\n", 400,
                "malformed HTTP version");
  }
}

TEST(RequestRules, OtherMajorVersionsAre505) {
  ExpectError("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "unsupported HTTP version");
  ExpectError("GET / HTTP/0.9\r\n\r\n", 505, "unsupported HTTP version");
  ExpectError("GET / HTTP/3.0\r\n\r\n", 505, "unsupported HTTP version");
}

TEST(RequestRules, HostRules) {
  ExpectError("GET / HTTP/1.1\r\n\r\n", 400, "missing Host header");
  ExpectError("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, "multiple Host headers");
  ExpectError("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host header");
  ExpectError("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "invalid Host header");
  RequestParser parser;
  EXPECT_EQ(ParseOk(parser, "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").host, "[::1]:8080");
  parser.Reset();
  EXPECT_EQ(ParseOk(parser, "GET / HTTP/1.1\r\nHost:\r\n\r\n").host, "");
}

TEST(RequestRules, InvalidConnectionIs400) {
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nConnection: \"close\"\r\n\r\n", 400,
              "invalid Connection header");
}

TEST(RequestParser, ResetParsesTheNextMessage) {
  RequestParser parser;
  ParseOk(parser, "GET /a HTTP/1.1\r\nHost: h\r\nX-One: 1\r\n\r\n");
  parser.Reset();
  const RequestHead& head = ParseOk(parser, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(head.target, "/b");
  EXPECT_EQ(head.fields.size(), 1u);
  parser.ShrinkToFit();
  EXPECT_EQ(parser.state(), ParseState::kHead);
  EXPECT_EQ(ParseOk(parser, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n").target, "/c");
}

TEST(RequestParser, ErrorsStopFeeding) {
  RequestParser parser;
  EXPECT_EQ(parser.Feed("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), 20u);
  EXPECT_EQ(parser.state(), ParseState::kError);
  EXPECT_EQ(parser.Feed("more"), 0u);
}

}  // namespace
}  // namespace kha::proxy::http
