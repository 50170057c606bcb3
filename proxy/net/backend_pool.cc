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

std::optional<asio::ip::tcp::socket> BackendPool::Take(balance::Backend* backend) {
  auto it = idle_.find(backend);
  if (it == idle_.end()) return std::nullopt;
  std::vector<asio::ip::tcp::socket>& sockets = it->second.sockets;
  while (!sockets.empty()) {
    asio::ip::tcp::socket socket = std::move(sockets.back());
    sockets.pop_back();
    if (LooksOpen(socket)) return socket;
    asio::error_code ignored;
    socket.close(ignored);
  }
  return std::nullopt;
}

void BackendPool::Put(const std::shared_ptr<balance::Backend>& backend,
                      asio::ip::tcp::socket socket) {
  Entry& entry = idle_[backend.get()];
  if (entry.keep == nullptr) entry.keep = backend;
  if (entry.sockets.size() >= kMaxIdlePerBackend) return;  // closes it
  entry.sockets.push_back(std::move(socket));
}

}  // namespace kha::proxy::net
