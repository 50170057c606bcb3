// Server internals shared by the data path's files (not a public header).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "proxy/net/server.h"
#include "proxy/net/worker.h"

namespace kha::proxy::net {

struct Server::Impl {
  explicit Impl(Plan plan) : plan(std::move(plan)) {}

  const RequestLogHook& request_log() const { return log_hook; }

  // Everything below is control plane: guarded by `mutex`, never touched by
  // the hot path (workers get their own copies by post).
  mutable std::mutex mutex;
  Plan plan;
  std::shared_ptr<const LivePlan> live;  // compiled for `threads`
  int threads = 0;
  RequestLogHook log_hook;
  struct BoundListener {
    int fd = -1;  // one listening socket; every loop accepts from a duplicate
    uint16_t port = 0;
  };
  std::vector<BoundListener> bound;
  // Fixed while the loops run: they read it without the mutex (LeastBusy).
  std::vector<std::unique_ptr<Worker>> workers;
  bool stop_requested = false;
  Seconds stop_grace{0};
};

// Builds the per-thread selectors for `plan`.
std::shared_ptr<const LivePlan> Compile(const Plan& plan, int threads);

// Gives backends of `next` that also exist in `previous` (same address, port
// and priority, same service position) the previous shared state.
void AdoptBackendState(Plan& next, const Plan& previous);

// Starts the Alive/HealthCheck prober on `worker` (worker 0).
void StartProber(Worker& worker);

}  // namespace kha::proxy::net
