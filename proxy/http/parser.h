// kha-proxy's HTTP/1.x message-head parser: a resumable byte-at-a-time state
// machine for requests and responses (RFC 9112), with no sockets in it.
//
// Feed() takes any split of the input and stops right after the blank line
// that ends the head, so the caller handles the body (see body.h) and
// pipelined messages itself. Strict by design: anything that two HTTP
// implementations could frame differently (request smuggling) is an error
// carrying the status the proxy must answer.
#ifndef KHA_PROXY_HTTP_PARSER_H_
#define KHA_PROXY_HTTP_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kha::proxy::http {

// Size limits; exceeding one is an error (requests: 414 for the request
// line, 431 for the head; responses: 502).
// Limits above 4 GiB are clamped (positions in the head are 32-bit).
struct Limits {
  size_t max_start_line = size_t{8} * 1024;  // request or status line, without CRLF
  size_t max_head = size_t{32} * 1024;       // start line + fields + blank line
  size_t max_fields = 100;                   // field lines in the head
};

// How the body that follows the head is delimited (RFC 9112 §6.3).
enum class BodyFraming : uint8_t {
  kNone,           // no body: the next byte starts the next message
  kContentLength,  // exactly content_length bytes
  kChunked,        // chunked coding; feed a ChunkDecoder (body.h)
  kUntilClose,     // responses only: everything until the backend closes
  kTunnel,         // 101 or 2xx to CONNECT: raw bytes both ways from here on
};

// The protocol named by `Upgrade` when `Connection: upgrade` is also present.
enum class UpgradeProtocol : uint8_t {
  kNone,       // no upgrade requested (or HTTP/1.0, which cannot upgrade)
  kWebSocket,  // "websocket"
  kSpdy,       // "SPDY/3.1" (kubectl exec, attach, port-forward, cp)
  kOther,      // any other token (e.g. h2c); still tunneled on 101
};

struct Field {
  std::string_view name;   // as received (compare case-insensitively)
  std::string_view value;  // without leading and trailing whitespace
};

// What both heads share. Views point into the parser's buffer and stay
// valid until the parser's next Feed() or Reset().
struct MessageHead {
  int version_minor = 1;          // HTTP/1.x
  std::span<const Field> fields;  // in the order received
  std::string_view raw;           // the whole head as received, CRLFs included
  BodyFraming framing = BodyFraming::kNone;
  uint64_t content_length = 0;  // with kContentLength
  bool keep_alive = true;       // connection persists after this message
  UpgradeProtocol upgrade = UpgradeProtocol::kNone;
  std::string_view upgrade_value;  // the Upgrade field value when upgrade != kNone
  // Tokens of every Connection field ("close", "upgrade", names of further
  // hop-by-hop fields), lower-case as sent; rewrite.h drops what they name.
  std::span<const std::string_view> connection_options;
};

struct RequestHead : MessageHead {
  std::string_view method;  // case-sensitive token
  std::string_view target;  // origin-, absolute-, authority- or asterisk-form
  std::string_view host;    // the Host field value (empty when absent)
  bool has_host = false;
  bool expect_continue = false;  // `Expect: 100-continue` on HTTP/1.1
  bool is_head = false;          // HEAD: the response has no body
  bool is_connect = false;       // CONNECT: a 2xx response starts a tunnel
};

struct ResponseHead : MessageHead {
  int status = 0;
  std::string_view reason;
  // 1xx other than 101: the final response follows; Reset() and feed on.
  bool interim() const { return status >= 100 && status < 200 && status != 101; }
};

enum class ParseState : uint8_t {
  kHead,   // more input needed
  kDone,   // head complete; head() is valid
  kError,  // error() says why; the connection must be closed
};

struct ParseError {
  int status = 0;  // what the proxy answers: 400, 414, 431, 501, 505 (requests), 502 (responses)
  std::string_view reason;  // static text for the log, e.g. "Content-Length with Transfer-Encoding"
};

namespace detail {
class HeadParser;
}  // namespace detail

// Parses request heads, one message at a time. One per client connection;
// its buffers are kept across messages so steady state allocates nothing.
class RequestParser {
 public:
  explicit RequestParser(Limits limits = {});
  ~RequestParser();
  RequestParser(RequestParser&&) noexcept;
  RequestParser& operator=(RequestParser&&) noexcept;

  // Consumes bytes of the head; returns how many were used (≤ size). Stops
  // at the end of the head (state() == kDone) or at the first error.
  size_t Feed(const char* data, size_t size);
  size_t Feed(std::string_view data) { return Feed(data.data(), data.size()); }

  ParseState state() const;
  const RequestHead& head() const;  // valid when state() == kDone
  const ParseError& error() const;  // valid when state() == kError

  // Prepares for the next message on the connection, keeping capacity.
  void Reset();
  // Reset(), and also returns the buffers' memory (for idle connections).
  void ShrinkToFit();

 private:
  std::unique_ptr<detail::HeadParser> impl_;
};

// Parses response heads. The framing of a response depends on its request,
// so Expect() must be called before each response (and again after Reset()).
class ResponseParser {
 public:
  explicit ResponseParser(Limits limits = {});
  ~ResponseParser();
  ResponseParser(ResponseParser&&) noexcept;
  ResponseParser& operator=(ResponseParser&&) noexcept;

  // The response answers a HEAD request (no body) / a CONNECT (2xx tunnels).
  void Expect(bool head_request, bool connect_request);

  size_t Feed(const char* data, size_t size);
  size_t Feed(std::string_view data) { return Feed(data.data(), data.size()); }

  ParseState state() const;
  const ResponseHead& head() const;
  const ParseError& error() const;

  void Reset();        // keeps the Expect() setting
  void ShrinkToFit();  // Reset() and release the buffers' memory

 private:
  std::unique_ptr<detail::HeadParser> impl_;
};

// Pound's xHTTP levels: 0 GET POST HEAD; 1 + PUT PATCH DELETE; 2 + LOCK
// UNLOCK PROPFIND PROPPATCH SEARCH MKCOL MOVE COPY OPTIONS TRACE MKACTIVITY
// CHECKOUT MERGE REPORT; 3 + SUBSCRIBE UNSUBSCRIBE NOTIFY BPROPFIND
// BPROPPATCH POLL BMOVE BCOPY BDELETE CONNECT. Methods are case-sensitive.
bool MethodAllowed(std::string_view method, int xhttp);

// The status the proxy answers for a method: 0 when allowed at this level,
// 405 for a known method above it, 501 for a method in no level (RFC 9110 §9.1).
int MethodStatus(std::string_view method, int xhttp);

// The standard reason phrase for a status code ("Bad Request"), or "Unknown".
std::string_view ReasonPhrase(int status);

// ASCII case-insensitive equality, for field names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace kha::proxy::http

#endif  // KHA_PROXY_HTTP_PARSER_H_
