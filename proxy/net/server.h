// kha-proxy's data path: listeners, proxying, failover, health probes and
// tunnels, one event loop (proxy/event) per thread. Typical use from main:
//
//   net::Server server(config);
//   server.SetRequestLog(hook);
//   server.Bind();              // as root: ports below 1024
//   DropPrivileges();
//   std::thread signals(...);   // calls server.Stop(grace) / Reload(config)
//   server.Run(threads);        // returns once stopped
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/balance/runtime.h"
#include "proxy/net/plan.h"

namespace kha::proxy {
struct Config;
}

namespace kha::proxy::net {

// The fields a Pound LogLevel line needs; views valid during the call only.
struct RequestLogEntry {
  int listener = 0;         // index in Config::listeners (its LogLevel)
  std::string_view client;  // client address, numeric
  std::string_view method;
  std::string_view uri;
  std::string_view version;  // "HTTP/1.1"
  std::string_view request_line;
  int status = 0;
  std::string_view response_line;  // "HTTP/1.1 200 OK"; empty for local answers
  std::string_view authorization;  // the Authorization value (Basic user)
  uint64_t bytes = 0;              // response body bytes sent to the client
  std::string_view host;
  std::string_view referer;
  std::string_view user_agent;
  std::string_view service;                        // service name, may be empty
  std::string_view backend;                        // "address:port", or "-" for a local answer
  std::chrono::system_clock::time_point received;  // request head complete
  std::chrono::microseconds duration{0};
};

// Called on the event-loop thread that served the request: keep it short and
// thread-safe.
using RequestLogHook = std::function<void(const RequestLogEntry&)>;

class Server final : public balance::RuntimeControl {
 public:
  explicit Server(const Config& config);
  explicit Server(Plan plan);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Set before Run.
  void SetRequestLog(RequestLogHook hook);

  // Binds every listener (one socket each, which every loop accepts from).
  // Throws std::system_error naming the address on failure.
  void Bind();
  // The ports actually bound, in listener order (port 0 in the plan picks one).
  std::vector<uint16_t> BoundPorts() const;

  // Serves on `threads` event loops (>= 1) until Stop; returns after every
  // connection finished or Grace ran out.
  void Run(int threads);

  // Stops accepting, lets in-flight requests finish within `grace`, then
  // closes what is left. Thread-safe; callable from a signal-handling thread
  // (not from inside a signal handler). Before or during Run.
  void Stop(std::chrono::seconds grace);

  // New requests use `config`; established connections keep going. Listeners
  // are matched by position; their sockets stay bound, so a reload that
  // adds, removes or moves a listener is refused: the returned message says
  // why, and nothing changed. Thread-safe.
  [[nodiscard]] std::optional<std::string> Reload(const Config& config);
  [[nodiscard]] std::optional<std::string> Reload(Plan plan);

  balance::RuntimeView Snapshot() const override;
  std::optional<std::string> SetBackendEnabled(int listener, int service, int backend,
                                               bool enabled) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Builds the data path's plan from a parsed configuration; backends found in
// `previous` (same address, port, priority) keep their shared state.
Plan MakePlan(const Config& config, const Plan* previous = nullptr);

}  // namespace kha::proxy::net
