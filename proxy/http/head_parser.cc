// The byte-at-a-time head scanner. Each state consumes one byte and names
// the next; the hot states (target, field name, field value) run a tight
// inner loop over a class table. The scanned bytes are appended to buffer_
// in one copy per Feed(), and all positions are offsets into it.
#include "proxy/http/head_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "proxy/http/chars.h"

namespace kha::proxy::http::detail {

using chars::Is;

enum class HeadParser::Step : uint8_t {
  // Start-line steps come first: Scan() checks the line limit for all
  // steps up to kStartLineCR with one comparison.
  kRequestStart,  // blank lines may precede a request line (RFC 9112 §2.2)
  kLeadingCR,
  kMethod,
  kTargetStart,
  kTarget,
  kVersion,  // "HTTP/x.y", then CRLF (requests) or SP (responses)
  kStatusCode,
  kReason,
  kStartLineCR,
  kFieldStart,
  kName,
  kValueStart,
  kValue,
  kFieldCR,
  kHeadCR,
  kDone,
};

namespace {

constexpr std::string_view kVersionPrefix = "HTTP/";

Limits Clamp(Limits limits) {
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max() - 1;
  limits.max_head = std::min(limits.max_head, kMax);
  limits.max_start_line = std::min(limits.max_start_line, kMax);
  return limits;
}

}  // namespace

HeadParser::HeadParser(bool request, Limits limits)
    : is_request_(request),
      limits_(Clamp(limits)),
      step_(request ? Step::kRequestStart : Step::kVersion) {}

void HeadParser::Reset() {
  state_ = ParseState::kHead;
  step_ = is_request_ ? Step::kRequestStart : Step::kVersion;
  error_ = {};
  buffer_.clear();
  head_begin_ = 0;
  method_ = target_ = reason_ = name_ = value_ = {};
  version_major_ = version_minor_ = status_ = version_index_ = 0;
  spans_.clear();
  fields_.clear();
  connection_options_.clear();
  request_ = {};
  response_ = {};
}

void HeadParser::ShrinkToFit() {
  Reset();
  buffer_.shrink_to_fit();
  spans_.shrink_to_fit();
  fields_.shrink_to_fit();
  connection_options_.shrink_to_fit();
}

void HeadParser::Fail(int status, const char* reason) {
  state_ = ParseState::kError;
  // Whatever a backend got wrong, the client is told 502 (RFC 9110 §15.6.3).
  error_ = {is_request_ ? status : 502, reason};
}

size_t HeadParser::Feed(const char* data, size_t size) {
  if (state_ != ParseState::kHead || size == 0) return 0;
  const size_t base = buffer_.size();
  const size_t room = limits_.max_head - std::min(base, limits_.max_head);
  const size_t scanned = Scan(data, std::min(size, room), base);
  buffer_.append(data, scanned);
  if (state_ == ParseState::kHead && step_ != Step::kDone && scanned == room && size > room) {
    Fail(431, "message head too large");
  }
  if (state_ == ParseState::kHead && step_ == Step::kDone) Finish();
  return scanned;
}

bool HeadParser::EndStartLine() {
  if (version_major_ != 1) {
    Fail(505, "unsupported HTTP version");
    return false;
  }
  step_ = Step::kFieldStart;
  return true;
}

bool HeadParser::EndField() {
  if (spans_.size() >= limits_.max_fields) {
    Fail(431, "too many header fields");
    return false;
  }
  spans_.push_back({name_, value_});
  step_ = Step::kFieldStart;
  return true;
}

size_t HeadParser::LineEnd(size_t i, size_t size, size_t base) const {
  const size_t limit_at = head_begin_ + limits_.max_start_line;
  return limit_at > base + i ? std::min(size, limit_at - base) : i;
}

bool HeadParser::MatchVersionLine(const char* p, size_t available, size_t offset) {
  // The common case in one go: "HTTP/x.y" CRLF, all here, within the limit.
  if (available < 10 || offset + 8 - head_begin_ > limits_.max_start_line) return false;
  if (std::memcmp(p, "HTTP/", 5) != 0 || !Is(p[5], chars::kDigit) || p[6] != '.' ||
      !Is(p[7], chars::kDigit) || p[8] != '\r' || p[9] != '\n') {
    return false;
  }
  version_major_ = p[5] - '0';
  version_minor_ = p[7] - '0';
  return true;
}

size_t HeadParser::Scan(const char* data, size_t size, size_t base_offset) {
  const auto base = static_cast<uint32_t>(base_offset);
  size_t i = 0;
  while (i < size) {
    const char c = data[i];
    const auto at = static_cast<uint32_t>(base + i);
    if (step_ <= Step::kReason && c != '\r' && c != '\n' &&
        at - head_begin_ >= limits_.max_start_line) {
      Fail(414, is_request_ ? "request line too long" : "status line too long");
      return i;
    }
    switch (step_) {
      case Step::kRequestStart:
        if (c == '\r') {
          step_ = Step::kLeadingCR;
        } else if (c == '\n') {
          head_begin_ = at + 1;
        } else if (Is(c, chars::kToken)) {
          method_.begin = at;
          step_ = Step::kMethod;
        } else {
          Fail(400, "invalid character in method");
          return i;
        }
        break;

      case Step::kLeadingCR:
        if (c != '\n') {
          Fail(400, "bare CR");
          return i;
        }
        head_begin_ = at + 1;
        step_ = Step::kRequestStart;
        break;

      case Step::kMethod: {
        const size_t end = LineEnd(i, size, base);
        while (i < end && Is(data[i], chars::kToken)) ++i;
        if (i == size) return i;
        // At the line limit the check above answers (414), as byte by byte.
        if (i == end && data[i] != '\r' && data[i] != '\n') continue;
        if (data[i] == ' ') {
          method_.end = static_cast<uint32_t>(base + i);
          step_ = Step::kTargetStart;
          break;
        }
        Fail(400, "invalid character in method");
        return i;
      }

      case Step::kTargetStart:
        if (!Is(c, chars::kTarget)) {
          Fail(400, "invalid character in request target");
          return i;
        }
        target_.begin = at;
        step_ = Step::kTarget;
        break;

      case Step::kTarget: {
        size_t j = i;
        const size_t end = LineEnd(i, size, base);
        for (;;) {
          while (j + 8 <= end && chars::PlainTargetWord(data + j)) j += 8;
          if (j < end && Is(data[j], chars::kTarget)) {
            ++j;
            continue;
          }
          break;
        }
        i = j;
        if (i == size) return i;
        const char d = data[i];
        // At the line limit any byte but CR or LF is a 414, whatever it is,
        // as it is when the bytes come one at a time: the check above says so.
        if (i == end && d != '\r' && d != '\n') continue;
        const auto d_at = static_cast<uint32_t>(base + i);
        if (d == ' ') {
          target_.end = d_at;
          if (MatchVersionLine(data + i + 1, size - i - 1, base + i + 1)) {
            i += 11;  // SP "HTTP/x.y" CRLF
            if (!EndStartLine()) return i - 1;
            continue;
          }
          step_ = Step::kVersion;
          version_index_ = 0;
        } else if (d == '\r' || d == '\n') {
          Fail(400, "missing HTTP version");
          return i;
        } else {
          Fail(400, "invalid character in request target");
          return i;
        }
        break;
      }

      case Step::kVersion: {
        const int index = version_index_++;
        if (index < 5) {
          if (c != kVersionPrefix[index]) {
            Fail(400, "malformed HTTP version");
            return i;
          }
        } else if (index == 5 || index == 7) {
          if (!Is(c, chars::kDigit)) {
            Fail(400, "malformed HTTP version");
            return i;
          }
          (index == 5 ? version_major_ : version_minor_) = c - '0';
        } else if (index == 6) {
          if (c != '.') {
            Fail(400, "malformed HTTP version");
            return i;
          }
        } else if (is_request_) {
          if (c == '\r') {
            step_ = Step::kStartLineCR;
          } else if (c == '\n') {
            if (!EndStartLine()) return i;
          } else {
            Fail(400, "malformed HTTP version");
            return i;
          }
        } else {
          if (c != ' ') {
            Fail(502, "malformed status line");
            return i;
          }
          if (version_major_ != 1) {
            Fail(505, "unsupported HTTP version");
            return i;
          }
          step_ = Step::kStatusCode;
          version_index_ = 0;
        }
        break;
      }

      case Step::kStatusCode:
        if (version_index_ < 3) {
          if (!Is(c, chars::kDigit)) {
            Fail(502, "malformed status code");
            return i;
          }
          status_ = status_ * 10 + (c - '0');
          ++version_index_;
        } else if (c == ' ') {
          reason_ = {at + 1, at + 1};
          step_ = Step::kReason;
        } else if (c == '\r') {
          // A missing reason phrase without its SP is common; accept it.
          step_ = Step::kStartLineCR;
        } else if (c == '\n') {
          if (!EndStartLine()) return i;
        } else {
          Fail(502, "malformed status code");
          return i;
        }
        break;

      case Step::kReason: {
        size_t j = i;
        const size_t end = LineEnd(i, size, base);
        while (j < end && Is(data[j], chars::kFieldValue)) ++j;
        reason_.end = static_cast<uint32_t>(base + j);
        i = j;
        if (i == size) return i;
        if (j == end && data[i] != '\r' && data[i] != '\n') continue;  // the check above fails it
        if (data[i] == '\r') {
          step_ = Step::kStartLineCR;
        } else if (data[i] == '\n') {
          if (!EndStartLine()) return i;
        } else {
          Fail(502, "control character in reason phrase");
          return i;
        }
        break;
      }

      case Step::kStartLineCR:
        if (c != '\n') {
          Fail(400, "bare CR");
          return i;
        }
        if (!EndStartLine()) return i;
        break;

      // A field line runs kFieldStart → kName → kValueStart → kValue →
      // kFieldCR by falling through, so a whole line costs one dispatch;
      // the steps only matter when the input ends inside a line.
      case Step::kFieldStart:
        if (c == '\r') {
          step_ = Step::kHeadCR;
          break;
        }
        if (c == '\n') {
          step_ = Step::kDone;
          return i + 1;
        }
        if (c == ' ' || c == '\t') {
          // RFC 9112 §5.2 (obs-fold) and §2.2 (whitespace after the start line).
          Fail(400, spans_.empty() ? "whitespace before the first header field"
                                   : "obsolete line folding");
          return i;
        }
        if (!Is(c, chars::kToken)) {
          Fail(400, "invalid character in header name");
          return i;
        }
        name_.begin = at;
        step_ = Step::kName;
        [[fallthrough]];

      case Step::kName: {
        while (i < size && Is(data[i], chars::kToken)) ++i;
        if (i == size) return i;
        const char d = data[i];
        if (d == ' ' || d == '\t') {
          // RFC 9112 §5.1: a proxy must reject this, never guess.
          Fail(400, "whitespace between header name and colon");
          return i;
        }
        if (d != ':') {
          Fail(400, "invalid character in header name");
          return i;
        }
        name_.end = static_cast<uint32_t>(base + i);
        step_ = Step::kValueStart;
        if (++i == size) return i;
        [[fallthrough]];
      }

      case Step::kValueStart: {
        while (i < size && Is(data[i], chars::kWhitespace)) ++i;
        if (i == size) return i;
        const char d = data[i];
        const auto d_at = static_cast<uint32_t>(base + i);
        if (d == '\r' || d == '\n') {
          value_ = {d_at, d_at};
          if (d == '\n') {
            if (!EndField()) return i;
          } else {
            step_ = Step::kFieldCR;
          }
          break;
        }
        if (!Is(d, chars::kFieldValue)) {
          Fail(400, "control character in header value");
          return i;
        }
        value_ = {d_at, d_at + 1};
        step_ = Step::kValue;
        [[fallthrough]];
      }

      case Step::kValue: {
        size_t j = i;
        for (;;) {
          while (j + 8 <= size && chars::PlainValueWord(data + j)) j += 8;
          if (j < size && Is(data[j], chars::kFieldValue)) {
            ++j;
            continue;
          }
          break;
        }
        // Trailing whitespace is not part of the value (RFC 9110 §5.5); the
        // value started with a non-blank byte, so this stops inside it.
        size_t last = j;
        while (last > i && Is(data[last - 1], chars::kWhitespace)) --last;
        if (last > i) value_.end = static_cast<uint32_t>(base + last);
        i = j;
        if (i == size) return i;
        if (data[i] == '\n') {
          if (!EndField()) return i;
          break;
        }
        if (data[i] != '\r') {
          Fail(400, "control character in header value");
          return i;
        }
        step_ = Step::kFieldCR;
        if (++i == size) return i;
        [[fallthrough]];
      }

      case Step::kFieldCR:
        if (data[i] != '\n') {
          Fail(400, "bare CR");
          return i;
        }
        if (!EndField()) return i;
        break;

      case Step::kHeadCR:
        if (c != '\n') {
          Fail(400, "bare CR");
          return i;
        }
        step_ = Step::kDone;
        return i + 1;

      case Step::kDone:
        return i;
    }
    ++i;
  }
  return i;
}

}  // namespace kha::proxy::http::detail
