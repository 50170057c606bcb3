// The fixed-size trailer that seals a payload appended to an executable (or a
// bundle file): where the payload is, what it hashes to, and who signed it.
// Layout, all integers little-endian, kTrailerSize bytes at the very end:
//   0 magic[8]  8 format version u32  12 flags u32  16 payload offset u64
//  24 payload length u64  32 SHA-256 of bytes [0, offset)  64 SHA-256 of the
//  payload  96 signer key id[8]  104 Ed25519 signature[64]  168 zero[56]
// 224 SHA-256 of trailer bytes [0, 224).
// The signature covers bytes [0, 104), which bind both digests and the sizes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kha::payload {

inline constexpr size_t kTrailerSize = 256;
inline constexpr size_t kSignedPrefixSize = 104;
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kFlagSigned = 1;

// What the sealed file is: an installer's payload or an artifact bundle. The
// magic differs so that one is never taken for the other.
enum class Kind { kInstaller, kBundle };
std::string_view MagicFor(Kind kind);
std::string_view NameFor(Kind kind);  // "payload" or "bundle", for messages

struct Trailer {
  uint32_t version = kFormatVersion;
  uint32_t flags = 0;
  uint64_t payload_offset = 0;
  uint64_t payload_length = 0;
  std::array<uint8_t, 32> prefix_sha256{};
  std::array<uint8_t, 32> payload_sha256{};
  std::array<uint8_t, 8> key_id{};
  std::array<uint8_t, 64> signature{};

  bool is_signed() const { return (flags & kFlagSigned) != 0; }
};

// The kTrailerSize bytes for `trailer`, with its own digest filled in.
std::string EncodeTrailer(Kind kind, const Trailer& trailer);
// The first kSignedPrefixSize bytes of the encoding: what a signature covers.
std::string SignedPart(Kind kind, const Trailer& trailer);

// Why a trailer could not be decoded.
enum class TrailerProblem { kNone, kBadMagic, kBadDigest, kBadVersion, kBadReserved };
// Decodes exactly kTrailerSize bytes; `problem` says what was wrong, if anything.
Trailer DecodeTrailer(Kind kind, std::string_view bytes, TrailerProblem* problem);

}  // namespace kha::payload
