// SHA-256 digests (OpenSSL), as lower-case hex.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kha::digest {

// Incremental hashing for streams too large to hold at once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  std::array<uint8_t, 32> Finish();

 private:
  void* context_;  // EVP_MD_CTX, kept out of the header
};

std::string ToHex(const uint8_t* bytes, size_t size);
std::string Sha256Hex(std::string_view data);

}  // namespace kha::digest
