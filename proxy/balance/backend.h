// One backend's state, shared by every event-loop thread: atomics only on the
// hot path (choosing, counting); the last error text is the one locked field,
// touched only when something fails or the control socket asks.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace kha::proxy::balance {

enum class BackendStatus { kAlive, kDead, kDisabled };

// "alive", "dead", "disabled": the words kha-proxyctl prints.
std::string_view ToString(BackendStatus status);

class Backend {
 public:
  // `address` is numeric IPv4 or IPv6 text (no resolver in a static binary).
  Backend(std::string address, uint16_t port, int priority, bool emergency);
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  const std::string& address() const { return address_; }
  uint16_t port() const { return port_; }
  // "address:port" ("[v6]:port" for IPv6), used in logs and the control socket.
  const std::string& name() const { return name_; }
  int priority() const { return priority_; }
  bool emergency() const { return emergency_; }

  // Usable for new requests: alive and not disabled by the operator.
  bool Usable() const {
    return alive_.load(std::memory_order_relaxed) && !disabled_.load(std::memory_order_relaxed);
  }
  bool alive() const { return alive_.load(std::memory_order_relaxed); }
  bool disabled() const { return disabled_.load(std::memory_order_relaxed); }
  BackendStatus status() const;

  // Marks the backend dead and remembers why; returns true if it was alive.
  bool MarkDead(std::string_view why);
  // Marks it alive again (a probe succeeded); returns true if it was dead.
  bool MarkAlive();
  void SetDisabled(bool disabled) { disabled_.store(disabled, std::memory_order_relaxed); }

  std::string last_error() const;

  // Counters: relaxed atomics, read only for reporting.
  void ConnectionOpened() { active_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { active_.fetch_sub(1, std::memory_order_relaxed); }
  void RequestServed() { requests_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t active_connections() const { return active_.load(std::memory_order_relaxed); }
  uint64_t requests_served() const { return requests_.load(std::memory_order_relaxed); }

 private:
  const std::string address_;
  const uint16_t port_;
  const std::string name_;
  const int priority_;
  const bool emergency_;
  std::atomic<bool> alive_{true};
  std::atomic<bool> disabled_{false};
  std::atomic<uint64_t> active_{0};
  std::atomic<uint64_t> requests_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace kha::proxy::balance
