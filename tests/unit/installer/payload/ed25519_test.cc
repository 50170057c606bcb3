#include "installer/payload/ed25519.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kha::payload {
namespace {

TEST(Ed25519, SignThenVerify) {
  PrivateKey key = PrivateKey::Generate();
  Signature signature = key.Sign("payload trailer");
  EXPECT_TRUE(key.Public().Verify("payload trailer", signature));
  EXPECT_FALSE(key.Public().Verify("payload trailex", signature));
  signature[5] ^= 1;
  EXPECT_FALSE(key.Public().Verify("payload trailer", signature));
}

TEST(Ed25519, AnotherKeyDoesNotVerify) {
  PrivateKey signer = PrivateKey::Generate();
  PrivateKey other = PrivateKey::Generate();
  EXPECT_FALSE(other.Public().Verify("x", signer.Sign("x")));
  EXPECT_NE(signer.Public().IdHex(), other.Public().IdHex());
}

TEST(Ed25519, PemRoundTripKeepsTheKeyId) {
  PrivateKey key = PrivateKey::Generate();
  std::string pem = key.Public().ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  PublicKey parsed = PublicKey::FromPem(pem, "test.pub");
  EXPECT_EQ(parsed.IdHex(), key.Public().IdHex());
  EXPECT_EQ(parsed.IdHex().size(), 16u);
  EXPECT_TRUE(parsed.Verify("m", key.Sign("m")));
}

TEST(Ed25519, RefusesWhatIsNotAnEd25519PublicKey) {
  try {
    PublicKey::FromPem("hello", "keys/x.pub");
    FAIL() << "accepted garbage";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "keys/x.pub: not an Ed25519 public key in PEM form");
  }
}

}  // namespace
}  // namespace kha::payload
