// The running proxy as the control socket sees it: a snapshot of listeners,
// services and backends, and the one operator action (enable/disable a
// backend). Thread-safe: implemented by net::Server over atomics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proxy/balance/backend.h"

namespace kha::proxy::balance {

struct BackendView {
  int index = 0;  // position in its service, as poundctl numbers them
  std::string address;
  uint16_t port = 0;
  int priority = 0;
  BackendStatus status = BackendStatus::kAlive;
  uint64_t active_connections = 0;
  uint64_t requests_served = 0;
  std::string last_error;  // empty when nothing failed yet
};

struct ServiceView {
  int index = 0;
  std::string name;  // the Service "name" from the config, may be empty
  std::vector<BackendView> backends;
  std::optional<BackendView> emergency;
};

struct ListenerView {
  int index = 0;
  std::string protocol;  // "http"
  std::string address;
  uint16_t port = 0;
  std::vector<ServiceView> services;
};

struct RuntimeView {
  std::vector<ListenerView> listeners;
  std::vector<ServiceView> global_services;  // Service blocks outside listeners
};

class RuntimeControl {
 public:
  virtual ~RuntimeControl() = default;

  virtual RuntimeView Snapshot() const = 0;

  // Enables or disables a backend (poundctl -B/-b): `listener` -1 addresses
  // the global services. Returns an error text ("no such backend 0/1/7")
  // or nullopt on success.
  virtual std::optional<std::string> SetBackendEnabled(int listener, int service, int backend,
                                                       bool enabled) = 0;
};

}  // namespace kha::proxy::balance
