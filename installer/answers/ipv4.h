// IPv4 addresses and CIDR blocks as the answer file uses them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kha::answers {

struct Ipv4 {
  uint32_t value = 0;  // host byte order

  // Dotted quad with exactly four decimal parts 0-255, no leading zeros
  // (they would be octal to inet_aton); nullopt otherwise.
  static std::optional<Ipv4> Parse(std::string_view text);
  std::string ToString() const;
  bool operator==(const Ipv4&) const = default;
  // The 0 flagged here is the one the compiler synthesizes when it rewrites
  // `a < b` as `(a <=> b) < 0`; there is no literal to replace.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const Ipv4&) const = default;
};

struct Cidr {
  Ipv4 base;
  int prefix = 0;  // 0-32

  // "a.b.c.d/n"; nullopt for a bad address, a prefix outside 0-32, or host
  // bits set below the prefix.
  static std::optional<Cidr> Parse(std::string_view text);
  std::string ToString() const;
  uint32_t Mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  bool Contains(Ipv4 ip) const { return (ip.value & Mask()) == base.value; }
  bool Overlaps(const Cidr& other) const;
  bool operator==(const Cidr&) const = default;
};

}  // namespace kha::answers
