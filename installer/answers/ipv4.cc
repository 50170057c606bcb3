#include "installer/answers/ipv4.h"

#include <charconv>

namespace kha::answers {

std::optional<Ipv4> Ipv4::Parse(std::string_view text) {
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 3 || (digits > 1 && text[0] == '0')) return std::nullopt;
    unsigned octet = 0;
    std::from_chars(text.data(), text.data() + digits, octet);
    if (octet > 255) return std::nullopt;
    value = value << 8 | octet;
    text.remove_prefix(digits);
  }
  if (!text.empty()) return std::nullopt;
  return Ipv4{value};
}

std::string Ipv4::ToString() const {
  return std::to_string(value >> 24) + '.' + std::to_string(value >> 16 & 255) + '.' +
         std::to_string(value >> 8 & 255) + '.' + std::to_string(value & 255);
}

std::optional<Cidr> Cidr::Parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::optional<Ipv4> base = Ipv4::Parse(text.substr(0, slash));
  std::string_view bits = text.substr(slash + 1);
  if (!base || bits.empty() || bits.size() > 2 || (bits.size() > 1 && bits[0] == '0'))
    return std::nullopt;
  int prefix = -1;
  auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (error != std::errc() || end != bits.data() + bits.size() || prefix < 0 || prefix > 32)
    return std::nullopt;
  Cidr cidr{*base, prefix};
  if ((base->value & ~cidr.Mask()) != 0) return std::nullopt;
  return cidr;
}

std::string Cidr::ToString() const { return base.ToString() + '/' + std::to_string(prefix); }

bool Cidr::Overlaps(const Cidr& other) const {
  const Cidr& wider = prefix <= other.prefix ? *this : other;
  const Cidr& narrower = prefix <= other.prefix ? other : *this;
  return wider.Contains(narrower.base);
}

}  // namespace kha::answers
