// Joins the data path to the log: turns net's per-request record into a line
// at its listener's LogLevel and hands it to the current sink. A reload
// swaps the levels without a lock on the request path.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/logging/request_log.h"
#include "proxy/net/server.h"

namespace kha::proxy::logging {

// The user name of an "Authorization: Basic …" value; empty for any other
// scheme or a value that does not decode.
std::string BasicAuthUser(std::string_view authorization);

// net's record (views) as the owned fields FormatRequestLog reads.
RequestLogEntry ToLogEntry(const net::RequestLogEntry& entry);

class RequestLogger {
 public:
  // One LogLevel per listener, in Config::listeners order.
  explicit RequestLogger(std::vector<int> levels) { SetLevels(std::move(levels)); }
  void SetLevels(std::vector<int> levels);
  // True when no listener logs requests: the hook can be left out entirely.
  bool Silent() const;

  void Log(const net::RequestLogEntry& entry) const;

 private:
  std::atomic<std::shared_ptr<const std::vector<int>>> levels_;
};

}  // namespace kha::proxy::logging
