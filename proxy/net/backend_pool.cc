#include <sys/socket.h>

#include "proxy/net/worker.h"

namespace kha::proxy::net {

namespace {

// An idle connection the backend closed shows EOF (or stray bytes) without
// blocking; checking costs one syscall and saves most stale-reuse retries.
bool LooksOpen(const event::Socket& socket) {
  char byte;
  ssize_t n = ::recv(socket.fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

std::optional<event::Socket> BackendPool::Take(balance::Backend* backend, bool can_retry) {
  auto it = idle_.find(backend);
  if (it == idle_.end()) return std::nullopt;
  std::vector<Idle>& sockets = it->second.sockets;
  while (!sockets.empty()) {
    Idle idle = std::move(sockets.back());  // the most recently used: least likely closed
    sockets.pop_back();
    // Epoll's word that bytes or a FIN arrived since costs nothing to ask.
    bool fresh_enough = can_retry && !idle.socket.MaybeReadable() &&
                        std::chrono::steady_clock::now() - idle.since < kTrustedIdle;
    if (fresh_enough || LooksOpen(idle.socket)) return std::move(idle.socket);
  }
  return std::nullopt;
}

void BackendPool::Put(const std::shared_ptr<balance::Backend>& backend, event::Socket socket) {
  Entry& entry = idle_[backend.get()];
  if (entry.keep == nullptr) entry.keep = backend;
  if (entry.sockets.size() >= kMaxIdlePerBackend) return;  // closes it
  entry.sockets.push_back({std::move(socket), std::chrono::steady_clock::now()});
}

}  // namespace kha::proxy::net
