#include "proxy/logging/request_log.h"

#include <time.h>

#include <cstdio>

namespace kha::proxy::logging {
namespace {

// Apache writes "-" for a field it does not have. Escapes what would let a client break out of a
// quoted field or start a new log line: quotes, backslashes and every byte outside printable ASCII.
std::string Escaped(const std::string& value) {
  if (value.empty()) return "-";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Unquoted fields must not contain spaces or control bytes either, or the
// line could no longer be split into fields.
std::string Token(const std::string& value) {
  if (value.empty()) return "-";
  std::string out;
  for (unsigned char c : value) {
    if (c <= 0x20 || c >= 0x7f || c == '"') {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// "[10/Oct/2000:13:55:36 +0000]", the Common Log Format's time.
std::string ClfTime(std::chrono::system_clock::time_point when) {
  time_t seconds = std::chrono::system_clock::to_time_t(when);
  struct tm tm {};
  gmtime_r(&seconds, &tm);
  char text[40];
  strftime(text, sizeof text, "[%d/%b/%Y:%H:%M:%S +0000]", &tm);
  return text;
}

std::string Seconds(std::chrono::microseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f sec", static_cast<double>(duration.count()) / 1e6);
  return text;
}

std::string StatusLine(const RequestLogEntry& entry) {
  return entry.response_line.empty() ? std::to_string(entry.status) : Escaped(entry.response_line);
}

// Level 1: "192.0.2.7 GET / HTTP/1.1 - HTTP/1.1 200 OK".
std::string Basic(const RequestLogEntry& entry) {
  return Token(entry.client_address) + " " + Escaped(entry.request_line) + " - " +
         StatusLine(entry);
}

// Levels 3 to 5 share Apache's combined format:
// client ident user [time] "request" status bytes "referer" "user-agent".
std::string Combined(const RequestLogEntry& entry) {
  std::string bytes =
      entry.response_body_bytes == 0 ? "-" : std::to_string(entry.response_body_bytes);
  return Token(entry.client_address) + " - " + Token(entry.user) + " " + ClfTime(entry.received) +
         " \"" + Escaped(entry.request_line) + "\" " + std::to_string(entry.status) + " " + bytes +
         " \"" + Escaped(entry.referer) + "\" \"" + Escaped(entry.user_agent) + "\"";
}

}  // namespace

std::string FormatRequestLog(int level, const RequestLogEntry& entry) {
  switch (level) {
    case 1:
      return Basic(entry);
    case 2:
      return Basic(entry) + " (" + Token(entry.virtual_host) + "/" + Token(entry.service) + " -> " +
             Token(entry.backend) + ") " + Seconds(entry.duration);
    case 3:
      return Token(entry.virtual_host) + " " + Combined(entry);
    case 4:
      return Combined(entry);
    case 5:
      return Combined(entry) + " (" + Token(entry.service) + " -> " + Token(entry.backend) + ") " +
             Seconds(entry.duration);
    default:
      return {};
  }
}

}  // namespace kha::proxy::logging
