// What the data path needs to know about one HTTP/1.x head, read in place
// from the connection's buffer (string_views into it; nothing is copied).
// Framing follows RFC 9112 §6: the proxy forwards bodies as they are and only
// has to know where each message ends.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kha::proxy::net {

enum class Framing { kNone, kLength, kChunked, kUntilClose };

struct Header {
  std::string_view name;
  std::string_view value;
  std::string_view line;  // "Name: value" without CRLF, for HeadRequire/Deny
};

struct Head {
  // Request line or status line.
  std::string_view method;
  std::string_view target;
  std::string_view version;  // "HTTP/1.1"
  int minor = 1;
  int status = 0;

  std::vector<Header> headers;  // cleared per message, capacity kept
  Framing framing = Framing::kNone;
  uint64_t content_length = 0;
  bool close = false;         // Connection: close
  bool keep_alive = false;    // Connection: keep-alive (HTTP/1.0)
  bool conn_upgrade = false;  // Connection: upgrade
  bool expect_continue = false;
  std::string_view upgrade;  // Upgrade header value
  std::string_view host, referer, user_agent;
  size_t size = 0;  // bytes of the head including the blank line

  // Whether the connection may carry another message after this one.
  bool Persistent() const { return minor >= 1 ? !close : (keep_alive && !close); }
};

enum class ParseResult { kIncomplete, kDone, kError };

// Parses a request head at the start of `data`. On kError `error_status`
// holds the answer to send (400, 414, 431, 501). `scanned` carries how far a
// previous call already looked for the end of the head (start with 0).
ParseResult ParseRequestHead(std::string_view data, size_t max_head, size_t& scanned, Head& head,
                             int& error_status);

// Parses a response head; `request_method` decides bodies (HEAD has none).
ParseResult ParseResponseHead(std::string_view data, size_t max_head, size_t& scanned,
                              std::string_view request_method, Head& head);

// True for the connection-specific fields a proxy must not forward
// (RFC 9110 §7.6.1); Transfer-Encoding is kept: chunked is forwarded as is.
bool IsHopByHop(std::string_view name);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Finds the end of a chunked body (RFC 9112 §7.1) in a byte stream, so the
// proxy can forward chunks untouched and still know where the message ends.
class ChunkedScanner {
 public:
  // Consumes body bytes from `data` and returns how many belong to this
  // body; fewer than data.size() only when the body ended (done()) or the
  // framing is broken (failed()).
  size_t Feed(std::string_view data);
  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  void Reset() { *this = ChunkedScanner(); }

 private:
  enum class State {
    kSize,
    kExtension,
    kSizeLf,
    kData,
    kDataCr,
    kDataLf,
    kTrailerStart,
    kTrailer,
    kTrailerLf,
    kFinalLf,
    kDone,
    kFailed
  };
  State state_ = State::kSize;
  uint64_t remaining_ = 0;
  int digits_ = 0;
};

}  // namespace kha::proxy::net
