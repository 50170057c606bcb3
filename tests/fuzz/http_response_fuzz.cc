// Response heads (after an interim 1xx, and back to back on a persistent
// backend connection) with their bodies. The first input byte picks the
// request kind (HEAD, CONNECT). Invariants as for requests: bounded Feed(),
// any split gives the same result, and the head sent to the client parses
// back with the same status and framing.
#include <string>
#include <string_view>

#include "proxy/http/body.h"
#include "proxy/http/parser.h"
#include "proxy/http/rewrite.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace kha::proxy::http;

std::string Describe(const ResponseParser& parser) {
  if (parser.state() == ParseState::kError) {
    KHA_FUZZ_CHECK(parser.error().status == 502);
    return "error " + std::string(parser.error().reason);
  }
  if (parser.state() == ParseState::kHead) return "incomplete";
  const ResponseHead& head = parser.head();
  std::string s = std::to_string(head.status) + " " + std::string(head.reason) + " " +
                  std::to_string(head.version_minor) + " " +
                  std::to_string(static_cast<int>(head.framing)) + " " +
                  std::to_string(head.content_length) + " " + std::to_string(head.keep_alive) +
                  std::to_string(static_cast<int>(head.upgrade)) + "|";
  for (const Field& field : head.fields) {
    s += std::string(field.name) + ":" + std::string(field.value) + "|";
  }
  return s;
}

void CheckHead(const ResponseHead& head, bool head_request, bool connect_request) {
  const char* begin = head.raw.data();
  const char* end = begin + head.raw.size();
  for (const Field& field : head.fields) {
    KHA_FUZZ_CHECK(field.name.data() >= begin && field.value.data() + field.value.size() <= end);
  }
  KHA_FUZZ_CHECK(head.status >= 100 && head.status <= 999);
  if (head.framing == BodyFraming::kUntilClose || head.framing == BodyFraming::kTunnel) {
    KHA_FUZZ_CHECK(!head.keep_alive);
  }
  std::string forwarded;
  WriteResponseHead(head, 1, head.keep_alive, &forwarded);
  Limits roomy;
  roomy.max_head = 1 << 20;
  roomy.max_fields = 1000;
  ResponseParser again(roomy);
  again.Expect(head_request, connect_request);
  KHA_FUZZ_CHECK(again.Feed(forwarded) == forwarded.size());
  KHA_FUZZ_CHECK(again.state() == ParseState::kDone);
  KHA_FUZZ_CHECK(again.head().status == head.status);
  KHA_FUZZ_CHECK(again.head().framing == head.framing);
  KHA_FUZZ_CHECK(again.head().content_length == head.content_length);
}

std::string Run(std::string_view stream, const std::vector<size_t>& pieces, bool head_request,
                bool connect_request, bool check) {
  Limits limits;
  limits.max_start_line = 200;
  limits.max_head = 1024;
  limits.max_fields = 16;
  ResponseParser parser(limits);
  parser.Expect(head_request, connect_request);
  BodyReader body;
  bool in_body = false;
  std::string log;
  size_t offset = 0;
  for (size_t piece : pieces) {
    std::string_view chunk = stream.substr(offset, piece);
    offset += piece;
    while (!chunk.empty()) {
      if (!in_body) {
        const size_t used = parser.Feed(chunk.data(), chunk.size());
        KHA_FUZZ_CHECK(used <= chunk.size());
        chunk.remove_prefix(used);
        if (parser.state() == ParseState::kHead) {
          KHA_FUZZ_CHECK(chunk.empty());
          break;
        }
        log += Describe(parser) + "\n";
        if (parser.state() == ParseState::kError) return log;
        if (check) CheckHead(parser.head(), head_request, connect_request);
        if (parser.head().framing == BodyFraming::kTunnel) return log;
        if (parser.head().interim()) {
          parser.Reset();
          continue;
        }
        body.Start(parser.head());
        in_body = true;
      }
      const size_t used = body.Feed(chunk.data(), chunk.size());
      KHA_FUZZ_CHECK(used <= chunk.size());
      chunk.remove_prefix(used);
      if (body.state() == BodyState::kError)
        return log + "body error " + std::string(body.error().reason);
      if (body.state() == BodyState::kBody) {
        KHA_FUZZ_CHECK(chunk.empty());
        break;
      }
      log += "body end at " + std::to_string(offset - chunk.size()) + "\n";
      in_body = false;
      parser.Reset();
    }
  }
  return log + Describe(parser);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool head_request = (data[0] & 1) != 0;
  const bool connect_request = (data[0] & 2) != 0;
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string whole = Run(stream, {stream.size()}, head_request, connect_request, true);
  const std::string split =
      Run(stream, kha::fuzz::SplitPoints(data + 1, size - 1), head_request, connect_request, false);
  KHA_FUZZ_CHECK(whole == split);
  std::vector<size_t> bytes(stream.size(), 1);
  KHA_FUZZ_CHECK(Run(stream, bytes, head_request, connect_request, false) == whole);
  return 0;
}
