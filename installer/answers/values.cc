#include "installer/answers/values.h"

#include <charconv>
#include <cstdint>
#include <limits>

namespace kha::answers {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsLetter(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }

std::string Quoted(std::string_view text) { return '"' + std::string(text) + '"'; }

std::string Hex(unsigned char c) {
  const char* digits = "0123456789ABCDEF";
  return std::string("U+00") + digits[c >> 4] + digits[c & 15];
}

// A decimal number of at most 9 digits (no sign, no leading '+'), else nullopt.
std::optional<int64_t> Decimal(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ValueError> CheckQuotable(std::string_view text) {
  static const char* const kHint =
      "values are written inside double quotes in /etc/default files and pound.cfg";
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || c == '$' || c == '`')
      return ValueError{std::string("must not contain '") + c + "'", kHint};
    if (c == '\n') return ValueError{"must not contain a newline", kHint};
    if (c == '\t') return ValueError{"must not contain a tab", kHint};
    if (byte < 0x20 || byte == 0x7F)
      return ValueError{"must not contain the control character " + Hex(byte), kHint};
  }
  return std::nullopt;
}

std::optional<ValueError> CheckWord(std::string_view text, bool allow_empty) {
  if (text.empty()) {
    if (allow_empty) return std::nullopt;
    return ValueError{"must not be empty", ""};
  }
  if (auto error = CheckQuotable(text)) return error;
  if (text.find(' ') != std::string_view::npos)
    return ValueError{"must not contain a space",
                      "each value is passed as one command-line argument"};
  return std::nullopt;
}

std::optional<ValueError> CheckAbsolutePath(std::string_view text) {
  if (auto error = CheckWord(text, false)) return error;
  if (text.front() != '/')
    return ValueError{Quoted(text) + " is not an absolute path",
                      "write a path starting with \"/\""};
  return std::nullopt;
}

std::optional<ValueError> CheckHttpPath(std::string_view text) {
  if (auto error = CheckWord(text, true)) return error;
  if (!text.empty() && text.front() != '/')
    return ValueError{Quoted(text) + " does not start with \"/\"",
                      "write a request path such as \"/healthz\", or \"\" for none"};
  return std::nullopt;
}

std::optional<ValueError> CheckDnsLabel(std::string_view text) {
  if (text.empty()) return ValueError{"must not be empty", ""};
  bool valid = text.size() <= 63 && text.front() != '-' && text.back() != '-';
  for (char c : text) valid = valid && (IsLower(c) || IsDigit(c) || c == '-');
  if (valid) return std::nullopt;
  if (auto error = CheckQuotable(text)) return error;
  return ValueError{Quoted(text) + " is not a DNS label",
                    "use at most 63 lowercase letters, digits and '-', starting and ending "
                    "with a letter or digit (RFC 1123)"};
}

std::optional<ValueError> CheckPluginName(std::string_view text) {
  bool valid = !text.empty();
  for (char c : text) valid = valid && (IsLetter(c) || IsDigit(c));
  if (valid) return std::nullopt;
  if (auto error = CheckWord(text, false)) return error;
  return ValueError{Quoted(text) + " is not an admission plugin name",
                    "plugin names are letters and digits, such as \"NamespaceLifecycle\""};
}

std::optional<ValueError> CheckPort(int64_t port) {
  if (port >= 1 && port <= 65535) return std::nullopt;
  return ValueError{"port " + std::to_string(port) + " is outside 1-65535", ""};
}

std::optional<ValueError> CheckInteger(int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return std::nullopt;
  if (max == std::numeric_limits<int64_t>::max())
    return ValueError{std::to_string(value) + " is less than " + std::to_string(min), ""};
  return ValueError{
      std::to_string(value) + " is outside " + std::to_string(min) + '-' + std::to_string(max), ""};
}

std::optional<ValueError> ParseIpv4Value(std::string_view text, Ipv4& out) {
  if (std::optional<Ipv4> ip = Ipv4::Parse(text)) {
    out = *ip;
    return std::nullopt;
  }
  return ValueError{Quoted(text) + " is not an IPv4 address",
                    "write four numbers 0-255 separated by dots, without leading zeros"};
}

std::optional<ValueError> ParseCidrValue(std::string_view text, Cidr& out) {
  if (std::optional<Cidr> cidr = Cidr::Parse(text)) {
    out = *cidr;
    return std::nullopt;
  }
  // Tell "host bits set" apart: the fix (the network's own address) is obvious.
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    std::optional<Ipv4> ip = Ipv4::Parse(text.substr(0, slash));
    std::optional<int64_t> prefix = Decimal(text.substr(slash + 1));
    if (ip && prefix && *prefix >= 0 && *prefix <= 32 && text.substr(slash + 1).size() <= 2) {
      Cidr network{*ip, static_cast<int>(*prefix)};
      network.base.value &= network.Mask();
      return ValueError{Quoted(text) + " has host bits set",
                        "did you mean \"" + network.ToString() + "\"?"};
    }
  }
  return ValueError{Quoted(text) + " is not a CIDR block",
                    "write an IPv4 network as a.b.c.d/n with n from 0 to 32"};
}

std::optional<ValueError> ParsePortRange(std::string_view text, PortRange& out) {
  size_t dash = text.find('-');
  std::optional<int64_t> first, last;
  if (dash != std::string_view::npos) {
    first = Decimal(text.substr(0, dash));
    last = Decimal(text.substr(dash + 1));
  }
  if (!first || !last) {
    if (auto error = CheckQuotable(text)) return error;
    return ValueError{Quoted(text) + " is not a port range",
                      "write FIRST-LAST, such as \"30000-32767\""};
  }
  if (auto error = CheckPort(*first)) return error;
  if (auto error = CheckPort(*last)) return error;
  if (*first > *last)
    return ValueError{"first port " + std::to_string(*first) + " is greater than last port " +
                          std::to_string(*last),
                      ""};
  out = PortRange{static_cast<int>(*first), static_cast<int>(*last)};
  return std::nullopt;
}

}  // namespace kha::answers
