#include "installer/payload/trailer.h"

#include <cstring>

#include "installer/digest/sha256.h"

namespace kha::payload {
namespace {

constexpr size_t kDigestOffset = kTrailerSize - 32;

void PutU32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}
void PutU64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}
uint64_t GetLittleEndian(std::string_view bytes, size_t offset, int size) {
  uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i)
    value = (value << 8) | static_cast<uint8_t>(bytes[offset + static_cast<size_t>(i)]);
  return value;
}
template <size_t N>
void PutBytes(std::string& out, const std::array<uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), N);
}
template <size_t N>
void GetBytes(std::string_view bytes, size_t offset, std::array<uint8_t, N>& out) {
  std::memcpy(out.data(), bytes.data() + offset, N);
}

std::string Encode(Kind kind, const Trailer& trailer) {
  std::string out(MagicFor(kind));
  PutU32(out, trailer.version);
  PutU32(out, trailer.flags);
  PutU64(out, trailer.payload_offset);
  PutU64(out, trailer.payload_length);
  PutBytes(out, trailer.prefix_sha256);
  PutBytes(out, trailer.payload_sha256);
  PutBytes(out, trailer.key_id);
  PutBytes(out, trailer.signature);
  out.resize(kDigestOffset, '\0');
  return out;
}

}  // namespace

std::string_view MagicFor(Kind kind) {
  return kind == Kind::kInstaller ? std::string_view("KHA-PAYL", 8)
                                  : std::string_view("KHA-BNDL", 8);
}

std::string_view NameFor(Kind kind) { return kind == Kind::kInstaller ? "payload" : "bundle"; }

std::string EncodeTrailer(Kind kind, const Trailer& trailer) {
  std::string out = Encode(kind, trailer);
  digest::Sha256 hash;
  hash.Update(out);
  PutBytes(out, hash.Finish());
  return out;
}

std::string SignedPart(Kind kind, const Trailer& trailer) {
  return Encode(kind, trailer).substr(0, kSignedPrefixSize);
}

Trailer DecodeTrailer(Kind kind, std::string_view bytes, TrailerProblem* problem) {
  Trailer trailer;
  *problem = TrailerProblem::kNone;
  if (bytes.size() != kTrailerSize || bytes.substr(0, 8) != MagicFor(kind)) {
    *problem = TrailerProblem::kBadMagic;
    return trailer;
  }
  digest::Sha256 hash;
  hash.Update(bytes.substr(0, kDigestOffset));
  std::array<uint8_t, 32> digest = hash.Finish();
  if (std::memcmp(digest.data(), bytes.data() + kDigestOffset, digest.size()) != 0) {
    *problem = TrailerProblem::kBadDigest;
    return trailer;
  }
  trailer.version = static_cast<uint32_t>(GetLittleEndian(bytes, 8, 4));
  trailer.flags = static_cast<uint32_t>(GetLittleEndian(bytes, 12, 4));
  trailer.payload_offset = GetLittleEndian(bytes, 16, 8);
  trailer.payload_length = GetLittleEndian(bytes, 24, 8);
  GetBytes(bytes, 32, trailer.prefix_sha256);
  GetBytes(bytes, 64, trailer.payload_sha256);
  GetBytes(bytes, 96, trailer.key_id);
  GetBytes(bytes, 104, trailer.signature);
  if (trailer.version != kFormatVersion) {
    *problem = TrailerProblem::kBadVersion;
    return trailer;
  }
  for (size_t i = 168; i < kDigestOffset; ++i) {
    if (bytes[i] != '\0') {
      *problem = TrailerProblem::kBadReserved;
      return trailer;
    }
  }
  if ((trailer.flags & ~kFlagSigned) != 0) *problem = TrailerProblem::kBadReserved;
  return trailer;
}

}  // namespace kha::payload
