// Message bodies after the head: how many of the bytes that follow belong to
// the message, so the proxy forwards them unchanged and knows where the next
// message starts. Chunked bodies are checked strictly (RFC 9112 §7.1) since
// the raw chunk framing goes to the other side as received.
#ifndef KHA_PROXY_HTTP_BODY_H_
#define KHA_PROXY_HTTP_BODY_H_

#include <cstddef>
#include <cstdint>

#include "proxy/http/parser.h"

namespace kha::proxy::http {

struct ChunkLimits {
  size_t max_line = size_t{4} * 1024;       // chunk-size line with its extensions, without CRLF
  size_t max_trailers = size_t{16} * 1024;  // the trailer section, blank line included
};

enum class BodyState : uint8_t {
  kBody,   // more body bytes expected
  kDone,   // the body is complete
  kError,  // error() says why; the connection must be closed
};

// Tracks a chunked body: chunk sizes, extensions, chunk data, the last chunk
// and trailer fields. Chunk data is skipped in O(1) per Feed(), not per byte.
class ChunkDecoder {
 public:
  explicit ChunkDecoder(ChunkLimits limits = {});

  // Takes bytes that follow the head (or previous Feed()s); returns how many
  // belong to the chunked body (≤ size), stopping after its final CRLF.
  size_t Feed(const char* data, size_t size);

  BodyState state() const { return state_; }
  const ParseError& error() const { return error_; }
  uint64_t data_size() const { return data_size_; }  // chunk-data bytes so far
  uint64_t chunks() const { return chunks_; }        // chunks started, the last one included
  bool has_trailers() const { return has_trailers_; }

  void Reset();

 private:
  enum class Step : uint8_t;
  size_t Fail(size_t consumed, const char* reason);

  ChunkLimits limits_;
  BodyState state_ = BodyState::kBody;
  Step step_;
  ParseError error_;
  uint64_t chunk_left_ = 0;
  uint64_t data_size_ = 0;
  uint64_t chunks_ = 0;
  size_t line_length_ = 0;
  size_t trailer_length_ = 0;
  bool has_trailers_ = false;
  bool last_chunk_ = false;
};

// Any framing of parser.h: counts down a Content-Length, runs a ChunkDecoder,
// or takes everything (until close, tunnels).
class BodyReader {
 public:
  explicit BodyReader(ChunkLimits limits = {}) : chunked_(limits) {}

  void Start(BodyFraming framing, uint64_t content_length);
  void Start(const MessageHead& head) { Start(head.framing, head.content_length); }

  // Returns how many of the bytes belong to this body (≤ size).
  size_t Feed(const char* data, size_t size);

  BodyState state() const;
  const ParseError& error() const { return chunked_.error(); }
  BodyFraming framing() const { return framing_; }
  uint64_t remaining() const { return remaining_; }  // with kContentLength
  // Chunk-data bytes so far (with kChunked), to bound bodies of unknown size.
  uint64_t chunk_data_size() const {
    return framing_ == BodyFraming::kChunked ? chunked_.data_size() : 0;
  }

 private:
  BodyFraming framing_ = BodyFraming::kNone;
  uint64_t remaining_ = 0;
  ChunkDecoder chunked_;
};

}  // namespace kha::proxy::http

#endif  // KHA_PROXY_HTTP_BODY_H_
