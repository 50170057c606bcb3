#include "proxy/logging/request_logger.h"

#include <algorithm>

#include "proxy/logging/log_sink.h"

namespace kha::proxy::logging {
namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string BasicAuthUser(std::string_view authorization) {
  // RFC 7617: the scheme is case-insensitive, then base64("user:password").
  if (!StartsWithIgnoringCase(authorization, "basic ")) return {};
  std::string_view encoded = authorization.substr(6);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && (encoded.back() == '=' || encoded.back() == ' ')) {
    encoded.remove_suffix(1);
  }
  std::string decoded;
  unsigned bits = 0;
  int count = 0;
  for (char c : encoded) {
    int value = Base64Value(c);
    if (value < 0) return {};
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      decoded += static_cast<char>((bits >> count) & 0xff);
    }
  }
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return {};
  return decoded.substr(0, colon);
}

RequestLogEntry ToLogEntry(const net::RequestLogEntry& entry) {
  RequestLogEntry out;
  out.client_address = entry.client;
  out.request_line = entry.request_line;
  out.status = entry.status;
  out.response_line = entry.response_line;
  out.virtual_host = entry.host;
  out.user = BasicAuthUser(entry.authorization);
  out.referer = entry.referer;
  out.user_agent = entry.user_agent;
  out.service = entry.service;
  out.backend = entry.backend;
  out.response_body_bytes = entry.bytes;
  out.received = entry.received;
  out.duration = entry.duration;
  return out;
}

void RequestLogger::SetLevels(std::vector<int> levels) {
  levels_.store(std::make_shared<const std::vector<int>>(std::move(levels)));
}

bool RequestLogger::Silent() const {
  std::shared_ptr<const std::vector<int>> levels = levels_.load();
  return std::all_of(levels->begin(), levels->end(), [](int level) { return level <= 0; });
}

void RequestLogger::Log(const net::RequestLogEntry& entry) const {
  std::shared_ptr<const std::vector<int>> levels = levels_.load();
  if (entry.listener < 0 || static_cast<size_t>(entry.listener) >= levels->size()) return;
  int level = (*levels)[static_cast<size_t>(entry.listener)];
  if (level <= 0) return;
  LogRequest(FormatRequestLog(level, ToLogEntry(entry)));
}

}  // namespace kha::proxy::logging
