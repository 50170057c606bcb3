// The chunked-body tracker: sizes, extensions, trailers, strict framing,
// and the same answer for any split of the input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proxy/http/body.h"

namespace kha::proxy::http {
namespace {

struct Result {
  BodyState state = BodyState::kBody;
  size_t consumed = 0;
  uint64_t data_size = 0;
  uint64_t chunks = 0;
  bool trailers = false;
  std::string error;

  bool operator==(const Result&) const = default;
};

Result DecodePieces(const std::vector<std::string_view>& pieces, ChunkLimits limits = {}) {
  ChunkDecoder decoder(limits);
  Result result;
  for (std::string_view piece : pieces) {
    result.consumed += decoder.Feed(piece.data(), piece.size());
    if (decoder.state() != BodyState::kBody) break;
  }
  result.state = decoder.state();
  result.data_size = decoder.data_size();
  result.chunks = decoder.chunks();
  result.trailers = decoder.has_trailers();
  if (result.state == BodyState::kError) {
    EXPECT_EQ(decoder.error().status, 400);
    result.error = std::string(decoder.error().reason);
  }
  return result;
}

Result Decode(std::string_view body, ChunkLimits limits = {}) {
  return DecodePieces({body}, limits);
}

const std::string kBody =
    "5;name=value;quoted=\"a b\"\r\nhello\r\n"
    "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
    "0000a ; x\r\n0123456789\r\n"
    "0;last\r\nX-Checksum: 1234\r\nX-Other:\r\n\r\n";

TEST(ChunkDecoder, WholeBody) {
  const Result result = Decode(kBody + "GET /next");
  EXPECT_EQ(result.state, BodyState::kDone);
  EXPECT_EQ(result.consumed, kBody.size());
  EXPECT_EQ(result.data_size, 5u + 26u + 10u);
  EXPECT_EQ(result.chunks, 4u);
  EXPECT_TRUE(result.trailers);
}

TEST(ChunkDecoder, NoTrailers) {
  const Result result = Decode("3\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(result.state, BodyState::kDone);
  EXPECT_EQ(result.consumed, 13u);
  EXPECT_FALSE(result.trailers);
}

TEST(ChunkDecoder, IncompleteBodyWaits) {
  const Result result = Decode("3\r\nab");
  EXPECT_EQ(result.state, BodyState::kBody);
  EXPECT_EQ(result.consumed, 5u);
}

TEST(ChunkDecoder, EverySplitGivesTheSameResult) {
  const Result whole = Decode(kBody);
  for (size_t cut = 0; cut <= kBody.size(); ++cut) {
    const std::string_view view(kBody);
    EXPECT_EQ(DecodePieces({view.substr(0, cut), view.substr(cut)}), whole) << cut;
  }
  for (size_t a = 0; a <= kBody.size(); a += 3) {
    for (size_t b = a; b <= kBody.size(); b += 5) {
      const std::string_view view(kBody);
      EXPECT_EQ(DecodePieces({view.substr(0, a), view.substr(a, b - a), view.substr(b)}), whole)
          << a << " " << b;
    }
  }
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < kBody.size(); ++i) bytes.push_back(std::string_view(kBody).substr(i, 1));
  EXPECT_EQ(DecodePieces(bytes), whole);
}

TEST(ChunkDecoder, StrictFraming) {
  EXPECT_EQ(Decode("\r\n").error, "invalid chunk size");
  EXPECT_EQ(Decode("g\r\n").error, "invalid chunk size");
  EXPECT_EQ(Decode("-1\r\n").error, "invalid chunk size");
  EXPECT_EQ(Decode("0x5\r\n").error, "invalid chunk size");
  EXPECT_EQ(Decode("5 5\r\n").error, "invalid chunk size");
  EXPECT_EQ(Decode("5\n").error, "invalid chunk size");  // bare LF
  EXPECT_EQ(Decode("5\rx").error, "bare CR in chunk size line");
  EXPECT_EQ(Decode("5;a\nb\r\n").error, "invalid chunk extension");
  EXPECT_EQ(Decode("5;a\x01\r\n").error, "invalid chunk extension");
  EXPECT_EQ(Decode("3\r\nabcX\r\n").error, "missing CRLF after chunk data");
  EXPECT_EQ(Decode("3\r\nabc\rX").error, "missing CRLF after chunk data");
  EXPECT_EQ(Decode("3\r\nabc\n0\r\n\r\n").error, "missing CRLF after chunk data");
  EXPECT_EQ(Decode("10000000000000000\r\n").error, "chunk size too large");
  EXPECT_EQ(Decode("0\r\nX : y\r\n\r\n").error, "invalid trailer field");
  EXPECT_EQ(Decode("0\r\n y\r\n\r\n").error, "invalid trailer field");
  EXPECT_EQ(Decode("0\r\nX: a\x7f\r\n\r\n").error, "invalid trailer field");
  EXPECT_EQ(Decode("0\r\nX: a\r\r\n").error, "bare CR in trailer section");
  EXPECT_EQ(Decode("0\r\n\rX").error, "bare CR in trailer section");
  EXPECT_EQ(Decode("0\r\n\n").error, "invalid trailer field");
}

TEST(ChunkDecoder, LargestChunkSizeFits) {
  const Result result = Decode("ffffffffffffffff\r\nabc");
  EXPECT_EQ(result.state, BodyState::kBody);
  EXPECT_EQ(result.data_size, 3u);
}

TEST(ChunkDecoder, Limits) {
  ChunkLimits limits;
  limits.max_line = 8;
  EXPECT_EQ(Decode("5;abcdef\r\nhello\r\n0\r\n\r\n", limits).state, BodyState::kDone);
  EXPECT_EQ(Decode("5;abcdefg\r\nhello\r\n0\r\n\r\n", limits).error, "chunk size line too long");
  limits = {};
  limits.max_trailers = 12;  // trailer lines and the blank line
  EXPECT_EQ(Decode("0\r\nA: 12345\r\n\r\n", limits).state, BodyState::kDone);
  EXPECT_EQ(Decode("0\r\nA: 123456\r\n\r\n", limits).error, "trailer section too large");
}

TEST(ChunkDecoder, ResetStartsOver) {
  ChunkDecoder decoder;
  const std::string body = "2\r\nab\r\n0\r\n\r\n";
  EXPECT_EQ(decoder.Feed(body.data(), body.size()), body.size());
  EXPECT_EQ(decoder.state(), BodyState::kDone);
  EXPECT_EQ(decoder.Feed(body.data(), body.size()), 0u);
  decoder.Reset();
  EXPECT_EQ(decoder.Feed(body.data(), body.size()), body.size());
  EXPECT_EQ(decoder.data_size(), 2u);
}

TEST(BodyReader, ContentLengthSplitAnywhere) {
  BodyReader reader;
  reader.Start(BodyFraming::kContentLength, 10);
  EXPECT_EQ(reader.Feed("abcd", 4), 4u);
  EXPECT_EQ(reader.state(), BodyState::kBody);
  EXPECT_EQ(reader.Feed("efghijklmn", 10), 6u);
  EXPECT_EQ(reader.state(), BodyState::kDone);
}

TEST(BodyReader, UntilCloseAndTunnelTakeEverything) {
  BodyReader reader;
  reader.Start(BodyFraming::kUntilClose, 0);
  EXPECT_EQ(reader.Feed("abc", 3), 3u);
  EXPECT_EQ(reader.state(), BodyState::kBody);
  reader.Start(BodyFraming::kTunnel, 0);
  EXPECT_EQ(reader.Feed("abc", 3), 3u);
  EXPECT_EQ(reader.state(), BodyState::kBody);
}

TEST(BodyReader, ChunkedErrorsAreReported) {
  BodyReader reader;
  reader.Start(BodyFraming::kChunked, 0);
  reader.Feed("z\r\n", 3);
  EXPECT_EQ(reader.state(), BodyState::kError);
  EXPECT_EQ(reader.error().status, 400);
  EXPECT_EQ(reader.error().reason, "invalid chunk size");
  reader.Start(BodyFraming::kChunked, 0);  // starts a fresh decoder
  EXPECT_EQ(reader.Feed("0\r\n\r\n", 5), 5u);
  EXPECT_EQ(reader.state(), BodyState::kDone);
}

}  // namespace
}  // namespace kha::proxy::http
