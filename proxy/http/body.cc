// The chunked-body tracker (RFC 9112 §7.1) and the framing dispatcher.
// Strict where lenient parsers have been used for smuggling: CRLF only (no
// bare LF), no control characters in extensions or trailers, chunk sizes
// that fit in 64 bits, exactly CRLF after each chunk's data.
#include "proxy/http/body.h"

#include <algorithm>
#include <limits>

#include "proxy/http/chars.h"

namespace kha::proxy::http {

using chars::Is;

enum class ChunkDecoder::Step : uint8_t {
  kSizeStart,  // the first hex digit of a chunk size
  kSize,       // more hex digits, BWS, ';' or CR
  kSizeSpace,  // BWS after the size: ';' or CR must follow
  kExtension,  // chunk-ext bytes up to CR
  kSizeLF,
  kData,
  kDataCR,
  kDataLF,
  kTrailerStart,  // a trailer field's name, or CR ending the body
  kTrailerName,
  kTrailerValue,
  kTrailerLF,
  kEndLF,
};

ChunkDecoder::ChunkDecoder(ChunkLimits limits) : limits_(limits), step_(Step::kSizeStart) {}

void ChunkDecoder::Reset() {
  state_ = BodyState::kBody;
  step_ = Step::kSizeStart;
  error_ = {};
  chunk_left_ = data_size_ = chunks_ = 0;
  line_length_ = trailer_length_ = 0;
  has_trailers_ = last_chunk_ = false;
}

size_t ChunkDecoder::Fail(size_t consumed, const char* reason) {
  state_ = BodyState::kError;
  error_ = {400, reason};
  return consumed;
}

size_t ChunkDecoder::Feed(const char* data, size_t size) {
  if (state_ != BodyState::kBody) return 0;
  size_t i = 0;
  while (i < size) {
    if (step_ == Step::kData) {
      const uint64_t take = std::min<uint64_t>(chunk_left_, size - i);
      chunk_left_ -= take;
      data_size_ += take;
      i += take;
      if (chunk_left_ == 0) step_ = Step::kDataCR;
      continue;
    }
    const char c = data[i];
    if (step_ <= Step::kSizeLF && ++line_length_ > limits_.max_line + 2) {
      return Fail(i, "chunk size line too long");
    }
    if (step_ >= Step::kTrailerStart && ++trailer_length_ > limits_.max_trailers) {
      return Fail(i, "trailer section too large");
    }
    switch (step_) {
      case Step::kSizeStart:
      case Step::kSize:
        if (Is(c, chars::kHex)) {
          if (chunk_left_ > (std::numeric_limits<uint64_t>::max() >> 4)) {
            return Fail(i, "chunk size too large");
          }
          const int digit = Is(c, chars::kDigit) ? c - '0' : chars::Lower(c) - 'a' + 10;
          chunk_left_ = chunk_left_ * 16 + static_cast<uint64_t>(digit);
          step_ = Step::kSize;
        } else if (step_ == Step::kSize && c == ';') {  // a size needs a digit first
          step_ = Step::kExtension;
        } else if (step_ == Step::kSize && (c == ' ' || c == '\t')) {
          step_ = Step::kSizeSpace;
        } else if (step_ == Step::kSize && c == '\r') {
          step_ = Step::kSizeLF;
        } else {
          return Fail(i, "invalid chunk size");
        }
        break;

      case Step::kSizeSpace:
        if (c == ';') {
          step_ = Step::kExtension;
        } else if (c == '\r') {
          step_ = Step::kSizeLF;
        } else if (c != ' ' && c != '\t') {
          return Fail(i, "invalid chunk size");
        }
        break;

      case Step::kExtension:
        if (c == '\r') {
          step_ = Step::kSizeLF;
        } else if (!Is(c, chars::kFieldValue)) {
          return Fail(i, "invalid chunk extension");
        }
        break;

      case Step::kSizeLF:
        if (c != '\n') return Fail(i, "bare CR in chunk size line");
        ++chunks_;
        line_length_ = 0;
        if (chunk_left_ == 0) {
          last_chunk_ = true;
          step_ = Step::kTrailerStart;
        } else {
          step_ = Step::kData;
        }
        break;

      case Step::kData:
        break;  // handled above the switch

      case Step::kDataCR:
        if (c != '\r') return Fail(i, "missing CRLF after chunk data");
        step_ = Step::kDataLF;
        break;

      case Step::kDataLF:
        if (c != '\n') return Fail(i, "missing CRLF after chunk data");
        step_ = Step::kSizeStart;
        break;

      case Step::kTrailerStart:
        if (c == '\r') {
          step_ = Step::kEndLF;
        } else if (Is(c, chars::kToken)) {
          has_trailers_ = true;
          step_ = Step::kTrailerName;
        } else {
          return Fail(i, "invalid trailer field");
        }
        break;

      case Step::kTrailerName:
        if (c == ':') {
          step_ = Step::kTrailerValue;
        } else if (!Is(c, chars::kToken)) {
          return Fail(i, "invalid trailer field");
        }
        break;

      case Step::kTrailerValue:
        if (c == '\r') {
          step_ = Step::kTrailerLF;
        } else if (!Is(c, chars::kFieldValue)) {
          return Fail(i, "invalid trailer field");
        }
        break;

      case Step::kTrailerLF:
        if (c != '\n') return Fail(i, "bare CR in trailer section");
        step_ = Step::kTrailerStart;
        break;

      case Step::kEndLF:
        if (c != '\n') return Fail(i, "bare CR in trailer section");
        state_ = BodyState::kDone;
        return i + 1;
    }
    ++i;
  }
  return i;
}

void BodyReader::Start(BodyFraming framing, uint64_t content_length) {
  framing_ = framing;
  remaining_ = framing == BodyFraming::kContentLength ? content_length : 0;
  if (framing == BodyFraming::kChunked) chunked_.Reset();
}

size_t BodyReader::Feed(const char* data, size_t size) {
  switch (framing_) {
    case BodyFraming::kNone:
      return 0;
    case BodyFraming::kContentLength: {
      const uint64_t take = std::min<uint64_t>(remaining_, size);
      remaining_ -= take;
      return take;
    }
    case BodyFraming::kChunked:
      return chunked_.Feed(data, size);
    case BodyFraming::kUntilClose:
    case BodyFraming::kTunnel:
      return size;
  }
  return 0;
}

BodyState BodyReader::state() const {
  switch (framing_) {
    case BodyFraming::kNone:
      return BodyState::kDone;
    case BodyFraming::kContentLength:
      return remaining_ == 0 ? BodyState::kDone : BodyState::kBody;
    case BodyFraming::kChunked:
      return chunked_.state();
    case BodyFraming::kUntilClose:
    case BodyFraming::kTunnel:
      return BodyState::kBody;
  }
  return BodyState::kBody;
}

}  // namespace kha::proxy::http
