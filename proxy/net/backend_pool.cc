#include <sys/socket.h>

#include "proxy/net/worker.h"

namespace kha::proxy::net {

namespace {

// An idle connection the backend closed shows EOF (or stray bytes) without
// blocking; checking costs one syscall and saves most stale-reuse retries.
bool LooksOpen(asio::ip::tcp::socket& socket) {
  char byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

std::optional<asio::ip::tcp::socket> BackendPool::Take(balance::Backend* backend, bool can_retry) {
  auto it = idle_.find(backend);
  if (it == idle_.end()) return std::nullopt;
  std::vector<Idle>& sockets = it->second.sockets;
  while (!sockets.empty()) {
    Idle idle = std::move(sockets.back());  // the most recently used: least likely closed
    sockets.pop_back();
    bool fresh_enough = can_retry && std::chrono::steady_clock::now() - idle.since < kTrustedIdle;
    if (fresh_enough || LooksOpen(idle.socket)) return std::move(idle.socket);
    asio::error_code ignored;
    idle.socket.close(ignored);
  }
  return std::nullopt;
}

void BackendPool::Put(const std::shared_ptr<balance::Backend>& backend,
                      asio::ip::tcp::socket socket) {
  Entry& entry = idle_[backend.get()];
  if (entry.keep == nullptr) entry.keep = backend;
  if (entry.sockets.size() >= kMaxIdlePerBackend) return;  // closes it
  entry.sockets.push_back({std::move(socket), std::chrono::steady_clock::now()});
}

}  // namespace kha::proxy::net
