// Helpers shared by the HTTP parser tests.
#ifndef KHA_TESTS_UNIT_PROXY_HTTP_HTTP_TEST_UTIL_H_
#define KHA_TESTS_UNIT_PROXY_HTTP_HTTP_TEST_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "proxy/http/parser.h"

namespace kha::proxy::http::testing {

// What a parser made of a whole input, in a form tests compare with ==.
struct Outcome {
  ParseState state = ParseState::kHead;
  int status = 0;      // error status when state == kError
  std::string reason;  // error reason when state == kError
  size_t consumed = 0;
  std::string summary;  // the parsed head flattened, when state == kDone

  bool operator==(const Outcome&) const = default;
};

inline const char* FramingName(BodyFraming framing) {
  switch (framing) {
    case BodyFraming::kNone:
      return "none";
    case BodyFraming::kContentLength:
      return "length";
    case BodyFraming::kChunked:
      return "chunked";
    case BodyFraming::kUntilClose:
      return "close";
    case BodyFraming::kTunnel:
      return "tunnel";
  }
  return "?";
}

inline std::string Summarize(const MessageHead& head) {
  std::string s = "1." + std::to_string(head.version_minor) + " " + FramingName(head.framing) +
                  " cl=" + std::to_string(head.content_length) +
                  (head.keep_alive ? " keep" : " close") +
                  " upgrade=" + std::to_string(static_cast<int>(head.upgrade)) + " [";
  for (const Field& field : head.fields) {
    s += std::string(field.name) + "=" + std::string(field.value) + ";";
  }
  s += "] raw=" + std::to_string(head.raw.size());
  return s;
}

inline std::string Summarize(const RequestHead& head) {
  return std::string(head.method) + " " + std::string(head.target) +
         " host=" + std::string(head.host) + (head.expect_continue ? " expect" : "") + " " +
         Summarize(static_cast<const MessageHead&>(head));
}

inline std::string Summarize(const ResponseHead& head) {
  return std::to_string(head.status) + " " + std::string(head.reason) + " " +
         Summarize(static_cast<const MessageHead&>(head));
}

// Feeds the pieces in order, the way a socket would deliver them; bytes a
// Feed() did not take are offered again with the next piece.
template <typename Parser>
Outcome FeedPieces(Parser& parser, const std::vector<std::string_view>& pieces) {
  Outcome outcome;
  std::string pending;
  for (std::string_view piece : pieces) {
    pending.append(piece);
    const size_t used = parser.Feed(pending.data(), pending.size());
    outcome.consumed += used;
    pending.erase(0, used);
    if (parser.state() != ParseState::kHead) break;
  }
  outcome.state = parser.state();
  if (outcome.state == ParseState::kError) {
    outcome.status = parser.error().status;
    outcome.reason = std::string(parser.error().reason);
  } else if (outcome.state == ParseState::kDone) {
    outcome.summary = Summarize(parser.head());
  }
  return outcome;
}

inline Outcome ParseRequest(std::string_view input, Limits limits = {}) {
  RequestParser parser(limits);
  return FeedPieces(parser, {input});
}

inline Outcome ParseResponse(std::string_view input, bool head_request = false,
                             bool connect_request = false) {
  ResponseParser parser;
  parser.Expect(head_request, connect_request);
  return FeedPieces(parser, {input});
}

}  // namespace kha::proxy::http::testing

#endif  // KHA_TESTS_UNIT_PROXY_HTTP_HTTP_TEST_UTIL_H_
