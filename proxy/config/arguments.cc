#include "proxy/config/arguments.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/did_you_mean.h"
#include "common/file_util.h"
#include "proxy/config/pattern.h"

namespace kha::proxy {
namespace {

struct Facility {
  std::string_view name;
  int value;
};

constexpr Facility kFacilities[] = {
    {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV}, {"cron", LOG_CRON},
    {"daemon", LOG_DAEMON}, {"ftp", LOG_FTP},           {"kern", LOG_KERN},
    {"lpr", LOG_LPR},       {"mail", LOG_MAIL},         {"news", LOG_NEWS},
    {"syslog", LOG_SYSLOG}, {"user", LOG_USER},         {"uucp", LOG_UUCP},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},     {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},     {"local5", LOG_LOCAL5},
    {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool IsTokenChar(char c) {
  // RFC 9110 5.6.2 tchar.
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string DescribeArgument(const Directive& directive, ArgKind kind) {
  std::string range =
      "from " + std::to_string(directive.min) + " to " + std::to_string(directive.max);
  switch (kind) {
    case ArgKind::kNone:
      return "no argument";
    case ArgKind::kName:
      return "an optional name";
    case ArgKind::kInteger:
      return directive.min == 0 && directive.max == 1 ? "0 or 1" : "an integer " + range;
    case ArgKind::kDuration:
      return "a number of seconds " + range;
    case ArgKind::kString:
      return "a non-empty string";
    case ArgKind::kAbsolutePath:
      return "an absolute path";
    case ArgKind::kAddress:
      return "a numeric IPv4 or IPv6 address";
    case ArgKind::kPort:
      return "a port number from 1 to 65535";
    case ArgKind::kUrlRegex:
    case ArgKind::kHeaderRegex:
      return "a regular expression";
    case ArgKind::kHeaderLine:
      return "a header line \"Name: value\"";
    case ArgKind::kFile:
      return "a file name";
    case ArgKind::kFacility:
      return "a syslog facility name or -";
    case ArgKind::kUrlPath:
      return "a path starting with /";
  }
  return "an argument";
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  std::string copy(text);
  std::array<unsigned char, sizeof(in6_addr)> bytes{};
  char canonical[INET6_ADDRSTRLEN] = {};
  IpAddress address;
  if (inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1) {
    inet_ntop(AF_INET, bytes.data(), canonical, sizeof canonical);
    address.family = IpAddress::Family::kIpv4;
  } else if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) == 1) {
    inet_ntop(AF_INET6, bytes.data(), canonical, sizeof canonical);
    address.family = IpAddress::Family::kIpv6;
  } else {
    return std::nullopt;
  }
  address.text = canonical;
  return address;
}

std::optional<std::string> ReadConfigFile(const std::string& path, std::string& error) {
  try {
    std::optional<std::string> content = ReadFileIfExists(path);
    if (!content) error = std::strerror(ENOENT);
    return content;
  } catch (const SystemError& e) {
    error = std::strerror(e.error_number());
    return std::nullopt;
  }
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

std::optional<Value> ConvertArgument(const Directive& directive, ArgKind kind, const Token& token,
                                     const std::string& file, const std::string& base_dir,
                                     Diagnostics& diagnostics) {
  Value value;
  value.text = token.text;
  const std::string name(directive.name);
  const std::string got = ", got \"" + token.text + "\"";
  auto fail = [&](const std::string& message, std::string hint = {}) -> std::optional<Value> {
    diagnostics.Error(file, token.line, token.column, message, std::move(hint));
    return std::nullopt;
  };
  auto expected = [&]() {
    return fail(name + " expects " + DescribeArgument(directive, kind) + got);
  };

  switch (kind) {
    case ArgKind::kNone:
      return expected();
    case ArgKind::kName:
      return value;
    case ArgKind::kInteger:
    case ArgKind::kDuration:
    case ArgKind::kPort: {
      const std::string& t = token.text;
      if (token.kind != Token::Kind::kWord || t.empty() ||
          t.find_first_not_of("0123456789") != std::string::npos)
        return expected();
      int64_t min = kind == ArgKind::kPort ? 1 : directive.min;
      int64_t max = kind == ArgKind::kPort ? 65535 : directive.max;
      auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), value.integer);
      if (error != std::errc() || end != t.data() + t.size() || value.integer < min ||
          value.integer > max)
        return expected();
      return value;
    }
    case ArgKind::kString:
      if (token.text.empty()) return expected();
      return value;
    case ArgKind::kAbsolutePath:
      if (token.text.empty() || token.text.front() != '/')
        return fail(name + " expects an absolute path" + got);
      return value;
    case ArgKind::kAddress: {
      std::optional<IpAddress> address = ParseIpAddress(token.text);
      if (!address) {
        std::string hint = EqualsIgnoringCase(token.text, "localhost")
                               ? "write 127.0.0.1 (or ::1) instead of localhost"
                               : "write the IP address, e.g. 10.211.55.14 or ::1";
        return fail("\"" + token.text +
                        "\" is not a numeric address (kha-proxy does not resolve host names)",
                    hint);
      }
      value.address = std::move(*address);
      return value;
    }
    case ArgKind::kUrlRegex:
    case ArgKind::kHeaderRegex: {
      std::string problem;
      if (!CompilePattern(token.text, kind == ArgKind::kHeaderRegex, value.pattern, problem))
        return fail("invalid regular expression \"" + token.text + "\" in " + name + ": " +
                    problem);
      return value;
    }
    case ArgKind::kHeaderLine: {
      const std::string& t = token.text;
      size_t colon = t.find(':');
      bool valid_name = colon != std::string::npos && colon > 0;
      for (size_t i = 0; valid_name && i < colon; ++i) valid_name = IsTokenChar(t[i]);
      if (!valid_name || HasControlCharacter(t)) return expected();
      return value;
    }
    case ArgKind::kFile: {
      std::string error;
      std::optional<std::string> content = ReadConfigFile(ResolvePath(base_dir, token.text), error);
      if (!content) return fail("cannot read " + name + " file \"" + token.text + "\": " + error);
      value.text = std::move(*content);
      return value;
    }
    case ArgKind::kFacility: {
      if (token.text == "-") {
        value.integer = -1;
        return value;
      }
      std::vector<std::string_view> names;
      for (const Facility& facility : kFacilities) {
        if (EqualsIgnoringCase(facility.name, token.text)) {
          value.integer = facility.value;
          return value;
        }
        names.push_back(facility.name);
      }
      std::optional<std::string> close = ClosestMatch(token.text, names);
      return fail("unknown syslog facility \"" + token.text + "\"",
                  close ? "did you mean \"" + *close + "\"?" : std::string());
    }
    case ArgKind::kUrlPath:
      if (token.text.empty() || token.text.front() != '/' || HasControlCharacter(token.text) ||
          token.text.find(' ') != std::string::npos)
        return expected();
      return value;
  }
  return expected();
}

}  // namespace kha::proxy
