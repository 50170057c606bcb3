#include "installer/payload/trailer.h"

#include <gtest/gtest.h>

namespace kha::payload {
namespace {

TEST(Trailer, EncodeThenDecode) {
  Trailer trailer;
  trailer.flags = kFlagSigned;
  trailer.payload_offset = 0x0102030405060708ull;
  trailer.payload_length = 42;
  trailer.prefix_sha256[0] = 7;
  trailer.payload_sha256[31] = 9;
  trailer.key_id[3] = 1;
  trailer.signature[63] = 2;
  std::string bytes = EncodeTrailer(Kind::kInstaller, trailer);
  ASSERT_EQ(bytes.size(), kTrailerSize);
  EXPECT_EQ(bytes.substr(0, 8), "KHA-PAYL");
  EXPECT_EQ(bytes[16], '\x08');  // little-endian offset
  TrailerProblem problem;
  Trailer decoded = DecodeTrailer(Kind::kInstaller, bytes, &problem);
  EXPECT_EQ(problem, TrailerProblem::kNone);
  EXPECT_EQ(decoded.payload_offset, trailer.payload_offset);
  EXPECT_EQ(decoded.payload_length, 42u);
  EXPECT_EQ(decoded.prefix_sha256, trailer.prefix_sha256);
  EXPECT_EQ(decoded.payload_sha256, trailer.payload_sha256);
  EXPECT_EQ(decoded.key_id, trailer.key_id);
  EXPECT_EQ(decoded.signature, trailer.signature);
  EXPECT_TRUE(decoded.is_signed());
  EXPECT_EQ(SignedPart(Kind::kInstaller, trailer), bytes.substr(0, kSignedPrefixSize));
}

TEST(Trailer, EveryFlippedByteIsNoticed) {
  std::string bytes = EncodeTrailer(Kind::kBundle, Trailer{});
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] ^= 0x20;
    TrailerProblem problem;
    DecodeTrailer(Kind::kBundle, flipped, &problem);
    EXPECT_NE(problem, TrailerProblem::kNone) << "byte " << i;
  }
}

TEST(Trailer, ABundleIsNotAnInstallerPayload) {
  TrailerProblem problem;
  DecodeTrailer(Kind::kInstaller, EncodeTrailer(Kind::kBundle, Trailer{}), &problem);
  EXPECT_EQ(problem, TrailerProblem::kBadMagic);
}

}  // namespace
}  // namespace kha::payload
