// Character classes of RFC 9110 §5.6 as one lookup table, so the parser
// tests a byte with a single load.
#ifndef KHA_PROXY_HTTP_CHARS_H_
#define KHA_PROXY_HTTP_CHARS_H_

#include <array>
#include <cstdint>
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

inline char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

}  // namespace kha::proxy::http::chars

#endif  // KHA_PROXY_HTTP_CHARS_H_
