// The chunked-body tracker alone, with small limits so they are reached.
// Invariants: Feed() never takes more than it is given, counts stay within
// what was consumed, and any split of the input gives the same result.
#include <string>

#include "proxy/http/body.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace kha::proxy::http;

std::string Run(const uint8_t* data, const std::vector<size_t>& pieces) {
  ChunkLimits limits;
  limits.max_line = 64;
  limits.max_trailers = 256;
  ChunkDecoder decoder(limits);
  size_t offset = 0;
  size_t consumed = 0;
  for (size_t piece : pieces) {
    const size_t used = decoder.Feed(reinterpret_cast<const char*>(data) + offset, piece);
    KHA_FUZZ_CHECK(used <= piece);
    if (decoder.state() == BodyState::kBody) KHA_FUZZ_CHECK(used == piece);
    consumed += used;
    offset += piece;
    KHA_FUZZ_CHECK(decoder.data_size() <= consumed);
    if (decoder.state() != BodyState::kBody) break;
  }
  std::string s = std::to_string(static_cast<int>(decoder.state())) + " " +
                  std::to_string(consumed) + " " + std::to_string(decoder.data_size()) + " " +
                  std::to_string(decoder.chunks()) + " " + std::to_string(decoder.has_trailers());
  if (decoder.state() == BodyState::kError) {
    KHA_FUZZ_CHECK(decoder.error().status == 400);
    s += " " + std::string(decoder.error().reason);
  }
  // A finished body ends with CRLF (the blank line after the trailers).
  if (decoder.state() == BodyState::kDone) {
    KHA_FUZZ_CHECK(consumed >= 5 && data[consumed - 1] == '\n' && data[consumed - 2] == '\r');
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string whole = Run(data, {size});
  KHA_FUZZ_CHECK(Run(data, kha::fuzz::SplitPoints(data, size)) == whole);
  std::vector<size_t> bytes(size, 1);
  KHA_FUZZ_CHECK(Run(data, bytes) == whole);
  return 0;
}
