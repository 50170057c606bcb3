// What a complete head means: body framing (RFC 9112 §6), persistence
// (§9.3), upgrade (RFC 9110 §7.8), Host (RFC 9112 §3.2) and Expect. Every
// ambiguity that could let two parsers disagree on where a message ends is
// an error here, never a guess.
#include <charconv>
#include <limits>

#include "proxy/http/chars.h"
#include "proxy/http/head_parser.h"

namespace kha::proxy::http::detail {

namespace {

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && chars::Is(s.front(), chars::kWhitespace)) s.remove_prefix(1);
  while (!s.empty() && chars::Is(s.back(), chars::kWhitespace)) s.remove_suffix(1);
  return s;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!chars::Is(c, chars::kToken)) return false;
  }
  return true;
}

// Calls f(element) for each non-empty element of a comma-separated list
// (RFC 9110 §5.6.1: empty elements are ignored).
template <typename F>
void ForEachElement(std::string_view list, F f) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view element = TrimWhitespace(list.substr(0, comma));
    if (!element.empty()) f(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// Transfer codings we know the name of (the IANA registry less "identity",
// which RFC 9112 dropped); the proxy never decodes any but chunked.
bool KnownCoding(std::string_view name) {
  for (std::string_view known :
       {"chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress"}) {
    if (EqualsIgnoreCase(name, known)) return true;
  }
  return false;
}

enum class Name : uint8_t {
  kOther,
  kContentLength,
  kTransferEncoding,
  kConnection,
  kHost,
  kUpgrade,
  kExpect,
};

Name Classify(std::string_view name) {
  switch (name.size()) {
    case 4:
      if (EqualsIgnoreCase(name, "host")) return Name::kHost;
      break;
    case 6:
      if (EqualsIgnoreCase(name, "expect")) return Name::kExpect;
      break;
    case 7:
      if (EqualsIgnoreCase(name, "upgrade")) return Name::kUpgrade;
      break;
    case 10:
      if (EqualsIgnoreCase(name, "connection")) return Name::kConnection;
      break;
    case 14:
      if (EqualsIgnoreCase(name, "content-length")) return Name::kContentLength;
      break;
    case 17:
      if (EqualsIgnoreCase(name, "transfer-encoding")) return Name::kTransferEncoding;
      break;
  }
  return Name::kOther;
}

UpgradeProtocol ClassifyUpgrade(std::string_view value) {
  std::string_view first = value.substr(0, value.find(','));
  first = TrimWhitespace(first);
  if (EqualsIgnoreCase(first, "websocket")) return UpgradeProtocol::kWebSocket;
  if (first.size() >= 5 && EqualsIgnoreCase(first.substr(0, 5), "spdy/")) {
    return UpgradeProtocol::kSpdy;
  }
  return UpgradeProtocol::kOther;
}

}  // namespace

struct HeadParser::FieldFacts {
  int content_lengths = 0;
  bool content_length_valid = true;
  uint64_t content_length = 0;

  bool transfer_encoding = false;
  bool coding_invalid = false;
  bool coding_unknown = false;
  bool chunked_seen = false;
  bool chunked_twice = false;
  bool chunked_last = false;
  bool any_coding = false;

  int hosts = 0;
  std::string_view host;

  bool connection_invalid = false;
  bool close = false;
  bool keep_alive = false;
  bool upgrade_option = false;

  bool has_upgrade = false;
  std::string_view upgrade;

  bool expect_continue = false;
};

void HeadParser::Finish() {
  FieldFacts facts;
  fields_.reserve(spans_.size());
  for (const FieldSpan& span : spans_) {
    const Field field{View(span.name), View(span.value)};
    fields_.push_back(field);
    switch (Classify(field.name)) {
      case Name::kContentLength: {
        ++facts.content_lengths;
        const std::string_view v = field.value;
        uint64_t n = 0;
        // Digits only: no sign, no list (RFC 9110 §8.6), and it must fit.
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (v.empty() || ec != std::errc() || end != v.data() + v.size() || v.front() == '+' ||
            n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          facts.content_length_valid = false;
        }
        facts.content_length = n;
        break;
      }
      case Name::kTransferEncoding:
        facts.transfer_encoding = true;
        ForEachElement(field.value, [&](std::string_view element) {
          facts.any_coding = true;
          const size_t semicolon = element.find(';');
          const std::string_view coding = TrimWhitespace(element.substr(0, semicolon));
          const bool chunked = EqualsIgnoreCase(coding, "chunked");
          if (!IsToken(coding) || (chunked && semicolon != std::string_view::npos)) {
            facts.coding_invalid = true;
          } else if (!KnownCoding(coding)) {
            facts.coding_unknown = true;
          }
          if (chunked && facts.chunked_seen) facts.chunked_twice = true;
          facts.chunked_seen = facts.chunked_seen || chunked;
          facts.chunked_last = chunked;
        });
        break;
      case Name::kConnection:
        ForEachElement(field.value, [&](std::string_view option) {
          if (!IsToken(option)) {
            facts.connection_invalid = true;
            return;
          }
          connection_options_.push_back(option);
          if (EqualsIgnoreCase(option, "close")) facts.close = true;
          if (EqualsIgnoreCase(option, "keep-alive")) facts.keep_alive = true;
          if (EqualsIgnoreCase(option, "upgrade")) facts.upgrade_option = true;
        });
        break;
      case Name::kHost:
        if (facts.hosts++ == 0) facts.host = field.value;
        break;
      case Name::kUpgrade:
        if (!facts.has_upgrade) facts.upgrade = field.value;
        facts.has_upgrade = true;
        break;
      case Name::kExpect:
        ForEachElement(field.value, [&](std::string_view expectation) {
          if (EqualsIgnoreCase(expectation, "100-continue")) facts.expect_continue = true;
        });
        break;
      case Name::kOther:
        break;
    }
  }

  MessageHead& head = is_request_ ? static_cast<MessageHead&>(request_) : response_;
  head.version_minor = version_minor_;
  head.fields = fields_;
  head.raw = std::string_view(buffer_).substr(head_begin_);
  head.connection_options = connection_options_;
  if (facts.connection_invalid) return Fail(400, "invalid Connection header");
  // RFC 9112 §9.3: 1.1 persists unless closed; 1.0 only when asked to.
  head.keep_alive = !facts.close && (version_minor_ >= 1 || facts.keep_alive);
  if (is_request_) {
    FinishRequest(head, facts);
  } else {
    FinishResponse(head, facts);
  }
  if (state_ == ParseState::kHead) state_ = ParseState::kDone;
}

void HeadParser::FinishRequest(MessageHead& head, const FieldFacts& facts) {
  RequestHead& request = request_;
  request.method = View(method_);
  request.target = View(target_);
  request.is_head = request.method == "HEAD";
  request.is_connect = request.method == "CONNECT";

  // RFC 9112 §3.2: exactly one valid Host on HTTP/1.1, at most one on 1.0.
  if (facts.hosts > 1) return Fail(400, "multiple Host headers");
  if (facts.hosts == 0 && version_minor_ >= 1) return Fail(400, "missing Host header");
  for (char c : facts.host) {
    if (!chars::Is(c, chars::kHost)) return Fail(400, "invalid Host header");
  }
  request.host = facts.host;
  request.has_host = facts.hosts == 1;

  // RFC 9112 §3.2: the four forms of request-target.
  const std::string_view target = request.target;
  if (target == "*") {
    if (request.method != "OPTIONS") return Fail(400, "invalid request target");
  } else if (request.is_connect) {
    if (target.front() == '/') return Fail(400, "invalid request target");
  } else if (target.front() != '/') {
    size_t scheme = 0;
    while (scheme < target.size() &&
           (chars::Is(target[scheme], chars::kAlpha) ||
            (scheme > 0 && (chars::Is(target[scheme], chars::kDigit) || target[scheme] == '+' ||
                            target[scheme] == '-' || target[scheme] == '.')))) {
      ++scheme;
    }
    if (scheme == 0 || scheme >= target.size() || target[scheme] != ':') {
      return Fail(400, "invalid request target");
    }
  }

  if (facts.transfer_encoding) {
    // RFC 9112 §6.1 and §6.3: the smuggling rules; no guessing at all.
    if (facts.content_lengths > 0) return Fail(400, "Content-Length with Transfer-Encoding");
    if (version_minor_ == 0) return Fail(400, "Transfer-Encoding in HTTP/1.0");
    if (facts.coding_invalid || !facts.any_coding) return Fail(400, "invalid Transfer-Encoding");
    if (facts.coding_unknown) return Fail(501, "unknown transfer coding");
    if (facts.chunked_twice) return Fail(400, "chunked applied more than once");
    if (!facts.chunked_last) return Fail(400, "chunked is not the final transfer coding");
    head.framing = BodyFraming::kChunked;
  } else if (facts.content_lengths > 1) {
    // RFC 9110 §8.6 lets a recipient either reject or merge identical
    // duplicates; we reject, so no peer can read a different length.
    return Fail(400, "multiple Content-Length headers");
  } else if (facts.content_lengths == 1) {
    if (!facts.content_length_valid) return Fail(400, "invalid Content-Length");
    head.content_length = facts.content_length;
    head.framing = facts.content_length > 0 ? BodyFraming::kContentLength : BodyFraming::kNone;
  }

  // RFC 9110 §7.8: an upgrade needs both fields, and 1.0 cannot upgrade.
  if (version_minor_ >= 1 && facts.upgrade_option && facts.has_upgrade) {
    head.upgrade = ClassifyUpgrade(facts.upgrade);
    head.upgrade_value = facts.upgrade;
  }
  // RFC 9110 §10.1.1: a 100-continue expectation on HTTP/1.0 is ignored.
  request.expect_continue = facts.expect_continue && version_minor_ >= 1;
}

void HeadParser::FinishResponse(MessageHead& head, const FieldFacts& facts) {
  ResponseHead& response = response_;
  response.status = status_;
  response.reason = View(reason_);
  if (status_ < 100) return Fail(502, "malformed status code");

  // RFC 9112 §6.3, in its order.
  if (status_ == 101) {
    head.framing = BodyFraming::kTunnel;
    head.keep_alive = false;
    if (facts.has_upgrade) {
      head.upgrade = ClassifyUpgrade(facts.upgrade);
      head.upgrade_value = facts.upgrade;
    }
    return;
  }
  if (head_request_ || status_ < 200 || status_ == 204 || status_ == 304) {
    head.framing = BodyFraming::kNone;
    return;
  }
  if (connect_request_ && status_ < 300) {
    head.framing = BodyFraming::kTunnel;
    head.keep_alive = false;
    return;
  }
  if (facts.transfer_encoding) {
    if (facts.content_lengths > 0) return Fail(502, "Content-Length with Transfer-Encoding");
    if (version_minor_ == 0) return Fail(502, "Transfer-Encoding in HTTP/1.0");
    if (facts.coding_invalid || !facts.any_coding) return Fail(502, "invalid Transfer-Encoding");
    if (facts.chunked_twice) return Fail(502, "chunked applied more than once");
    // A response whose final coding is not chunked ends when the backend closes.
    head.framing = facts.chunked_last ? BodyFraming::kChunked : BodyFraming::kUntilClose;
  } else if (facts.content_lengths > 1) {
    return Fail(502, "multiple Content-Length headers");
  } else if (facts.content_lengths == 1) {
    if (!facts.content_length_valid) return Fail(502, "invalid Content-Length");
    head.content_length = facts.content_length;
    head.framing = facts.content_length > 0 ? BodyFraming::kContentLength : BodyFraming::kNone;
  } else {
    head.framing = BodyFraming::kUntilClose;
  }
  if (head.framing == BodyFraming::kUntilClose) head.keep_alive = false;
}

}  // namespace kha::proxy::http::detail
