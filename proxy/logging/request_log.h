// One line per proxied request, in the formats Pound's LogLevel selects:
//   0  nothing
//   1  client, request line, response status line
//   2  as 1, plus virtual host, service, backend and time taken
//   3  Apache combined log format preceded by the virtual host
//   4  Apache combined log format
//   5  as 4, plus service, backend and time taken
// Pure formatting: the sinks (syslog, stderr) live in log_sink.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kha::proxy::logging {

struct RequestLogEntry {
  std::string client_address;  // numeric, without port: "192.0.2.7"
  std::string request_line;    // as received: "GET /healthz HTTP/1.1"
  int status = 0;              // 200
  std::string response_line;   // "HTTP/1.1 200 OK"; empty: the status number stands in
  std::string virtual_host;    // the Host header; empty when absent
  std::string user;            // from Authorization: Basic; empty when absent
  std::string referer;         // empty when absent
  std::string user_agent;      // empty when absent
  std::string service;         // the Service's name; empty when unnamed
  std::string backend;         // "10.0.0.2:8080"
  uint64_t response_body_bytes = 0;
  std::chrono::system_clock::time_point received;  // when the request line arrived
  std::chrono::microseconds duration{0};           // until the response was sent
};

constexpr int kMinLogLevel = 0;
constexpr int kMaxLogLevel = 5;

// The line for `entry` at `level` (no trailing newline); empty at level 0 or
// outside 0..5. Times are UTC. Quoted fields escape '"', '\\' and control
// bytes (\xHH) so a client cannot forge extra log lines or fields.
std::string FormatRequestLog(int level, const RequestLogEntry& entry);

}  // namespace kha::proxy::logging
