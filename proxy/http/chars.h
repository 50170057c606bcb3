// Character classes of RFC 9110 §5.6 as one lookup table, so the parser
// tests a byte with a single load.
#ifndef KHA_PROXY_HTTP_CHARS_H_
#define KHA_PROXY_HTTP_CHARS_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace kha::proxy::http::chars {

enum : uint8_t {
  kToken = 1 << 0,       // tchar: field names, methods, codings
  kFieldValue = 1 << 1,  // field-vchar, SP, HTAB (obs-text included)
  kTarget = 1 << 2,      // request-target bytes: VCHAR
  kHost = 1 << 3,        // uri-host and port: unreserved, pct-encoded, sub-delims, ":[]"
  kHex = 1 << 4,
  kDigit = 1 << 5,
  kAlpha = 1 << 6,
  kWhitespace = 1 << 7,  // SP, HTAB
};

constexpr std::array<uint8_t, 256> MakeTable() {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    uint8_t bits = 0;
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool vchar = c > 0x20 && c < 0x7f;
    if (digit) bits |= kDigit | kHex;
    if (alpha) bits |= kAlpha;
    if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= kHex;
    bool tchar = digit || alpha;
    for (char t : std::string_view("!#$%&'*+-.^_`|~")) tchar = tchar || c == t;
    if (tchar) bits |= kToken;
    if (vchar || c >= 0x80 || c == ' ' || c == '\t') bits |= kFieldValue;
    if (vchar) bits |= kTarget;
    bool host = digit || alpha;
    for (char h : std::string_view("-._~%!$&'()*+,;=:[]")) host = host || c == h;
    if (host) bits |= kHost;
    if (c == ' ' || c == '\t') bits |= kWhitespace;
    table[c] = bits;
  }
  return table;
}

inline constexpr std::array<uint8_t, 256> kTable = MakeTable();

inline bool Is(char c, uint8_t cls) { return (kTable[static_cast<unsigned char>(c)] & cls) != 0; }

// Eight bytes at a time (SWAR) for the long runs in a head. Each returns
// true when none of the 8 bytes at p needs a closer look; a false answer
// only sends the caller back to the byte table.
namespace swar {
inline constexpr uint64_t kOnes = 0x0101010101010101ull;
inline constexpr uint64_t kHigh = 0x8080808080808080ull;
inline uint64_t Load(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
// Some byte is below n (exact for n <= 128).
inline uint64_t AnyBelow(uint64_t x, uint8_t n) { return (x - kOnes * n) & ~x & kHigh; }
inline uint64_t AnyEqual(uint64_t x, uint8_t c) { return AnyBelow(x ^ (kOnes * c), 1); }
}  // namespace swar

// Field-value bytes other than HTAB: SP, VCHAR, obs-text.
inline bool PlainValueWord(const char* p) {
  const uint64_t x = swar::Load(p);
  return (swar::AnyBelow(x, 0x20) | swar::AnyEqual(x, 0x7f)) == 0;
}

// Request-target bytes: VCHAR.
inline bool PlainTargetWord(const char* p) {
  const uint64_t x = swar::Load(p);
  return (swar::AnyBelow(x, 0x21) | swar::AnyEqual(x, 0x7f) | (x & swar::kHigh)) == 0;
}

inline char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

}  // namespace kha::proxy::http::chars

#endif  // KHA_PROXY_HTTP_CHARS_H_
