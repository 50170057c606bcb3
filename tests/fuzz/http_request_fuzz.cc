// Request heads and their bodies, pipelined. Invariants: Feed() never takes
// more than it is given; the same stream split differently gives the same
// messages; every parsed head points inside what was consumed; the head the
// proxy forwards parses again with the same framing.
#include <string>
#include <string_view>

#include "proxy/http/body.h"
#include "proxy/http/parser.h"
#include "proxy/http/rewrite.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace kha::proxy::http;

kha::proxy::http::Limits FuzzLimits() {
  Limits limits;
  limits.max_start_line = 200;
  limits.max_head = 1024;
  limits.max_fields = 16;
  return limits;
}

// One message's result, flattened for comparison.
std::string Describe(const RequestParser& parser) {
  if (parser.state() == ParseState::kError) {
    return "error " + std::to_string(parser.error().status) + " " +
           std::string(parser.error().reason);
  }
  if (parser.state() == ParseState::kHead) return "incomplete";
  const RequestHead& head = parser.head();
  std::string s = std::string(head.method) + " " + std::string(head.target) + " " +
                  std::to_string(head.version_minor) + " " +
                  std::to_string(static_cast<int>(head.framing)) + " " +
                  std::to_string(head.content_length) + " " + std::to_string(head.keep_alive) +
                  std::to_string(static_cast<int>(head.upgrade)) +
                  std::to_string(head.expect_continue) + " " + std::string(head.host) + "|";
  for (const Field& field : head.fields) {
    s += std::string(field.name) + ":" + std::string(field.value) + "|";
  }
  return s;
}

void CheckHead(const RequestHead& head, size_t consumed_by_head) {
  KHA_FUZZ_CHECK(head.raw.size() <= consumed_by_head);
  const char* begin = head.raw.data();
  const char* end = begin + head.raw.size();
  for (const Field& field : head.fields) {
    KHA_FUZZ_CHECK(field.name.data() >= begin && field.name.data() + field.name.size() <= end);
    KHA_FUZZ_CHECK(field.value.data() >= begin && field.value.data() + field.value.size() <= end);
    KHA_FUZZ_CHECK(!field.name.empty());
  }
  KHA_FUZZ_CHECK(head.method.data() >= begin && head.target.data() + head.target.size() <= end);

  // The head the proxy sends on must parse back to the same message.
  std::string forwarded;
  WriteRequestHead(head, "192.0.2.1", {}, &forwarded);
  Limits roomy;
  roomy.max_head = 1 << 20;
  roomy.max_fields = 1000;
  RequestParser again(roomy);
  KHA_FUZZ_CHECK(again.Feed(forwarded) == forwarded.size());
  KHA_FUZZ_CHECK(again.state() == ParseState::kDone);
  KHA_FUZZ_CHECK(again.head().method == head.method);
  KHA_FUZZ_CHECK(again.head().target == head.target);
  KHA_FUZZ_CHECK(again.head().framing == head.framing);
  KHA_FUZZ_CHECK(again.head().content_length == head.content_length);
  KHA_FUZZ_CHECK(again.head().upgrade == head.upgrade);
  KHA_FUZZ_CHECK(again.head().host == head.host);
}

// Parses a pipelined stream delivered in the given pieces; returns every
// message's description and where each ended.
std::string Run(std::string_view stream, const std::vector<size_t>& pieces, bool check) {
  RequestParser parser(FuzzLimits());
  BodyReader body;
  bool in_body = false;
  std::string log;
  size_t offset = 0;
  size_t head_consumed = 0;
  for (size_t piece : pieces) {
    std::string_view chunk = stream.substr(offset, piece);
    offset += piece;
    while (!chunk.empty()) {
      if (!in_body) {
        const size_t used = parser.Feed(chunk.data(), chunk.size());
        KHA_FUZZ_CHECK(used <= chunk.size());
        head_consumed += used;
        chunk.remove_prefix(used);
        if (parser.state() == ParseState::kHead) {
          KHA_FUZZ_CHECK(chunk.empty());
          break;
        }
        log += Describe(parser) + "\n";
        if (parser.state() == ParseState::kError) return log;
        if (check) CheckHead(parser.head(), head_consumed);
        if (parser.head().framing == BodyFraming::kTunnel ||
            parser.head().upgrade != UpgradeProtocol::kNone) {
          return log;  // the rest would belong to another protocol
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
      head_consumed = 0;
      parser.Reset();
    }
  }
  return log + Describe(parser);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  const std::string whole = Run(stream, {size}, true);
  const std::string split = Run(stream, kha::fuzz::SplitPoints(data, size), false);
  KHA_FUZZ_CHECK(whole == split);
  std::vector<size_t> bytes(size, 1);
  KHA_FUZZ_CHECK(Run(stream, bytes, false) == whole);
  return 0;
}
