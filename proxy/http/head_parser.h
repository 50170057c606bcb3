// The state machine behind RequestParser and ResponseParser (private to
// proxy/http). One class for both: only the start line differs.
#ifndef KHA_PROXY_HTTP_HEAD_PARSER_H_
#define KHA_PROXY_HTTP_HEAD_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/http/parser.h"

namespace kha::proxy::http::detail {

class HeadParser {
 public:
  HeadParser(bool request, Limits limits);

  size_t Feed(const char* data, size_t size);
  void Reset();
  void ShrinkToFit();

  void Expect(bool head_request, bool connect_request) {
    head_request_ = head_request;
    connect_request_ = connect_request;
  }

  ParseState state() const { return state_; }
  const ParseError& error() const { return error_; }
  const RequestHead& request() const { return request_; }
  const ResponseHead& response() const { return response_; }

 private:
  enum class Step : uint8_t;
  struct Span {
    uint32_t begin = 0;
    uint32_t end = 0;
  };
  struct FieldSpan {
    Span name;
    Span value;
  };
  struct FieldFacts;

  // Runs the state machine over data[0, size) whose first byte sits at
  // offset `base` of the head; returns bytes consumed.
  size_t Scan(const char* data, size_t size, size_t base);
  // Interprets the complete head: framing, persistence, upgrade, Host.
  void Finish();
  void FinishRequest(MessageHead& head, const FieldFacts& facts);
  void FinishResponse(MessageHead& head, const FieldFacts& facts);
  void Fail(int status, const char* reason);
  bool EndStartLine();
  // Matches a complete `HTTP/x.y CRLF` at p (a request line's end).
  bool MatchVersionLine(const char* p, size_t available, size_t offset);
  // Where the start-line limit falls in data[i, size) (i when already there).
  size_t LineEnd(size_t i, size_t size, size_t base) const;
  bool EndField();
  std::string_view View(Span span) const {
    return std::string_view(buffer_).substr(span.begin, span.end - span.begin);
  }

  const bool is_request_;
  const Limits limits_;
  bool head_request_ = false;
  bool connect_request_ = false;

  ParseState state_ = ParseState::kHead;
  Step step_;
  ParseError error_;

  std::string buffer_;     // the head so far; every Span points into it
  size_t head_begin_ = 0;  // after blank lines that precede a request line
  Span method_, target_, reason_, name_, value_;
  int version_major_ = 0;
  int version_minor_ = 0;
  int status_ = 0;
  int version_index_ = 0;  // bytes of "HTTP/x.y", then of the status code, seen so far
  std::vector<FieldSpan> spans_;

  std::vector<Field> fields_;
  std::vector<std::string_view> connection_options_;
  RequestHead request_;
  ResponseHead response_;
};

}  // namespace kha::proxy::http::detail

#endif  // KHA_PROXY_HTTP_HEAD_PARSER_H_
