// Ed25519 keys and signatures (OpenSSL), read from and written to PEM files.
// A key id is the first 8 bytes of the SHA-256 of the raw 32-byte public key,
// printed as 16 hex digits; the trailer records it so the right key is used.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kha::payload {

using KeyId = std::array<uint8_t, 8>;
using Signature = std::array<uint8_t, 64>;

class PublicKey {
 public:
  // Throws std::runtime_error naming `origin` when `pem` is not an Ed25519 public key.
  static PublicKey FromPem(std::string_view pem, const std::string& origin);
  static PublicKey FromPemFile(const std::string& path);

  const KeyId& id() const { return id_; }
  std::string IdHex() const;
  bool Verify(std::string_view message, const Signature& signature) const;
  std::string ToPem() const;

 private:
  friend class PrivateKey;
  explicit PublicKey(const std::array<uint8_t, 32>& raw);
  std::array<uint8_t, 32> raw_;
  KeyId id_;
};

class PrivateKey {
 public:
  static PrivateKey Generate();
  // Throws std::runtime_error naming `path` when it is not an Ed25519 private key.
  static PrivateKey FromPemFile(const std::string& path);

  PublicKey Public() const;
  Signature Sign(std::string_view message) const;
  std::string ToPem() const;

 private:
  explicit PrivateKey(const std::array<uint8_t, 32>& seed) : seed_(seed) {}
  std::array<uint8_t, 32> seed_;
};

std::string KeyIdHex(const KeyId& id);

}  // namespace kha::payload
