#include "proxy/event/socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kha::proxy::event {

std::optional<Endpoint> Endpoint::Parse(const std::string& address, uint16_t port) {
  Endpoint endpoint;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&endpoint.storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    endpoint.size = sizeof(sockaddr_in);
    return endpoint;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&endpoint.storage);
  if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    endpoint.size = sizeof(sockaddr_in6);
    return endpoint;
  }
  return std::nullopt;
}

uint16_t Endpoint::port() const {
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
}

std::string Endpoint::Address() const {
  char text[INET6_ADDRSTRLEN] = "";
  if (family() == AF_INET6) {
    const in6_addr& address = reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&address)) {
      ::inet_ntop(AF_INET, &address.s6_addr[12], text, sizeof text);
    } else {
      ::inet_ntop(AF_INET6, &address, text, sizeof text);
    }
  } else if (family() == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, text,
                sizeof text);
  }
  return text;
}

Socket::Socket(Loop& loop, int fd, Loop::Interest interest)
    : shared_file_(interest == Loop::Interest::kSharedListener) {
  try {
    watch_ = loop.Register(fd, interest);
    watch_->writable = interest == Loop::Interest::kStream;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    Close();
    watch_ = std::exchange(other.watch_, nullptr);
    shared_file_ = other.shared_file_;
  }
  return *this;
}

void Socket::Cancel() {
  if (watch_ != nullptr) watch_->loop->Cancel(watch_);
}

void Socket::Close() {
  if (Watch* watch = std::exchange(watch_, nullptr)) watch->loop->Close(watch, shared_file_);
}

void Socket::ShutdownSend() {
  if (watch_ != nullptr) ::shutdown(watch_->fd, SHUT_WR);
}

void Socket::SetOption(int level, int name, int value) {
  if (watch_ != nullptr) ::setsockopt(watch_->fd, level, name, &value, sizeof value);
}

bool Socket::ReadAwaiter::Attempt(IoWaiter& waiter) {
  auto& self = static_cast<ReadAwaiter&>(waiter);
  while (true) {
    const ssize_t n = ::recv(self.watch_->fd, self.data_, self.size_, 0);
    if (n >= 0) {
      if (static_cast<size_t>(n) < self.size_) self.watch_->ShortRead();
      self.bytes_ = static_cast<size_t>(n);
      return true;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      self.watch_->readable = false;
      return false;
    }
    self.error_ = errno;
    return true;
  }
}

bool Socket::WriteAwaiter::Attempt(IoWaiter& waiter) {
  auto& self = static_cast<WriteAwaiter&>(waiter);
  while (!self.parts_[0].empty() || !self.parts_[1].empty()) {
    iovec iov[2];
    msghdr message{};
    message.msg_iov = iov;
    for (std::string_view part : self.parts_) {
      if (part.empty()) continue;
      iov[message.msg_iovlen].iov_base = const_cast<char*>(part.data());
      iov[message.msg_iovlen].iov_len = part.size();
      ++message.msg_iovlen;
    }
    const ssize_t n = ::sendmsg(self.watch_->fd, &message, self.flags_);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        self.watch_->WriteBlocked();
        return false;
      }
      self.error_ = errno;
      return true;
    }
    size_t sent = static_cast<size_t>(n);
    self.bytes_ += sent;
    for (std::string_view& part : self.parts_) {
      const size_t from_part = std::min(sent, part.size());
      part.remove_prefix(from_part);
      sent -= from_part;
    }
    if (!self.parts_[0].empty() || !self.parts_[1].empty()) {
      // A short write filled the send buffer: the kernel signals the next
      // EPOLLOUT edge when room frees up, so trying again now would only
      // return EAGAIN.
      self.watch_->WriteBlocked();
      return false;
    }
  }
  return true;
}

bool Socket::AcceptAwaiter::Attempt(IoWaiter& waiter) {
  auto& self = static_cast<AcceptAwaiter&>(waiter);
  while (true) {
    socklen_t size = sizeof self.peer_.storage;
    const int fd = ::accept4(self.watch_->fd, reinterpret_cast<sockaddr*>(&self.peer_.storage),
                             &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      self.fd_ = fd;
      self.peer_.size = size;
      return true;
    }
    // A connection reset while queued is not the listener's problem.
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      self.watch_->readable = false;
      return false;
    }
    self.error_ = errno;
    return true;
  }
}

Connected Socket::StartConnect(Loop& loop, const Endpoint& endpoint) {
  Connected result;
  const int fd = ::socket(endpoint.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    result.error = errno;
    return result;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc = 0;
  do {
    rc = ::connect(fd, endpoint.data(), endpoint.size);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) {
    result.error = errno;
    ::close(fd);
    return result;
  }
  // Registered only now: epoll reports a socket that is not connecting yet
  // as hung up.
  result.socket = Socket(loop, fd, rc == 0 ? Loop::Interest::kStream : Loop::Interest::kConnecting);
  return result;
}

bool Socket::ConnectAwaiter::Attempt(IoWaiter& waiter) {
  auto& self = static_cast<ConnectAwaiter&>(waiter);
  socklen_t size = sizeof self.error_;
  if (::getsockopt(self.watch_->fd, SOL_SOCKET, SO_ERROR, &self.error_, &size) != 0) {
    self.error_ = errno;
  }
  return true;
}

}  // namespace kha::proxy::event
