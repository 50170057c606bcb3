// One event-loop thread's world: its loop, acceptors, idle backend
// connections and live sessions. Only its own thread touches it, so none of
// this needs a lock; the Server talks to it by posting to `loop`.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "proxy/balance/selector.h"
#include "proxy/event/loop.h"
#include "proxy/event/socket.h"
#include "proxy/net/plan.h"
#include "proxy/net/server.h"

namespace kha::proxy::net {

class Session;

// Idle keep-alive connections to backends, per thread (no lock).
class BackendPool {
 public:
  // An idle connection to `backend` that still looks open, or nullopt. Looking
  // costs a syscall (a MSG_PEEK read) on every request, so a connection idle
  // for less than kTrustedIdle, with no event from epoll since, is taken as
  // it is when the caller can resend the request on a fresh connection:
  // backends close idle connections after seconds, and a stale one then
  // costs one retry, not an error.
  std::optional<event::Socket> Take(balance::Backend* backend, bool can_retry);
  void Put(const std::shared_ptr<balance::Backend>& backend, event::Socket socket);
  void Clear() { idle_.clear(); }

  static constexpr std::chrono::milliseconds kTrustedIdle{1000};

 private:
  struct Idle {
    event::Socket socket;
    std::chrono::steady_clock::time_point since;
  };
  struct Entry {
    std::shared_ptr<balance::Backend> keep;  // pins the key's address
    std::vector<Idle> sockets;
  };
  static constexpr size_t kMaxIdlePerBackend = 256;
  std::unordered_map<balance::Backend*, Entry> idle_;
};

// The parts of a Plan compiled for serving: selectors per thread.
struct LivePlan {
  Plan plan;
  // selectors[thread][service key]: one Selector per service per thread.
  // Mutable: each thread only ever touches selectors[its id].
  mutable std::vector<std::unordered_map<const ServicePlan*, balance::Selector>> selectors;
};

struct Worker {
  Worker(Server::Impl& server, int id);
  // Sessions and probes go first: their sockets and timers belong to `loop`.
  ~Worker() { loop.DestroyTasks(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  event::Loop loop;
  Server::Impl& server;
  const int id;
  std::shared_ptr<const LivePlan> plan;
  struct Acceptor {
    int listener;
    event::Socket socket;
  };
  std::vector<Acceptor> acceptors;
  BackendPool pool;
  std::unordered_set<Session*> sessions;
  // Client connections this loop serves, read by the other loops when they
  // place a new connection (relaxed: a hint, not a lock).
  std::atomic<int> load{0};
  bool stopping = false;
  event::Timer grace_timer{loop, [this] { loop.Stop(); }};  // Grace is over: drop what is left
  std::unordered_set<const balance::Backend*> probing;      // probes in flight

  // While stopping, ends the Grace wait once the last session closed.
  void MaybeFinishStop();

  balance::Selector& SelectorFor(const LivePlan& live, const ServicePlan& s) {
    return live.selectors[id].at(&s);
  }
};

// Serves a connection accepted by any loop; `fd` is not registered yet.
void StartSession(Worker& worker, int listener, int fd, const event::Endpoint& peer);
// Asks idle sessions to close (for Stop); busy ones close after their request.
void CloseIdleSessions(Worker& worker);

}  // namespace kha::proxy::net
