#include "proxy/balance/backend.h"

namespace kha::proxy::balance {

std::string_view ToString(BackendStatus status) {
  switch (status) {
    case BackendStatus::kAlive:
      return "alive";
    case BackendStatus::kDead:
      return "dead";
    case BackendStatus::kDisabled:
      return "disabled";
  }
  return "unknown";
}

namespace {

std::string JoinName(const std::string& address, uint16_t port) {
  if (address.find(':') != std::string::npos) {
    return "[" + address + "]:" + std::to_string(port);
  }
  return address + ":" + std::to_string(port);
}

}  // namespace

Backend::Backend(std::string address, uint16_t port, int priority, bool emergency)
    : address_(std::move(address)),
      port_(port),
      name_(JoinName(address_, port_)),
      priority_(priority),
      emergency_(emergency) {}

BackendStatus Backend::status() const {
  if (disabled()) return BackendStatus::kDisabled;
  return alive() ? BackendStatus::kAlive : BackendStatus::kDead;
}

bool Backend::MarkDead(std::string_view why) {
  {
    std::lock_guard lock(error_mutex_);
    last_error_.assign(why);
  }
  return alive_.exchange(false, std::memory_order_relaxed);
}

bool Backend::MarkAlive() { return !alive_.exchange(true, std::memory_order_relaxed); }

std::string Backend::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

}  // namespace kha::proxy::balance
