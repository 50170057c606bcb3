#include "installer/digest/sha256.h"

#include <gtest/gtest.h>

namespace kha::digest {
namespace {

TEST(Sha256, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalEqualsWhole) {
  Sha256 hash;
  hash.Update("a");
  hash.Update("bc");
  auto digest = hash.Finish();
  EXPECT_EQ(ToHex(digest.data(), digest.size()), Sha256Hex("abc"));
}

}  // namespace
}  // namespace kha::digest
