// Non-blocking sockets on a Loop, awaited from Tasks:
//
//   IoResult got = co_await socket.ReadSome(buffer, size);  // bytes == 0: end of stream
//   IoResult sent = co_await socket.Write(head, body);       // all of both, gathered
//   Connected c = Socket::StartConnect(loop, endpoint);
//   int error = c.error != 0 ? c.error : co_await c.socket.FinishConnect();
//
// An operation tries the system call first only when epoll's last word says
// it can succeed; otherwise it waits for the edge and performs the call from
// the loop. Errors come back as errno values, never as exceptions.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proxy/event/loop.h"

namespace kha::proxy::event {

// A numeric IPv4 or IPv6 address with a port.
struct Endpoint {
  sockaddr_storage storage{};
  socklen_t size = 0;

  // nullopt unless `address` is a numeric IPv4 or IPv6 address.
  static std::optional<Endpoint> Parse(const std::string& address, uint16_t port);

  int family() const { return storage.ss_family; }
  const sockaddr* data() const { return reinterpret_cast<const sockaddr*>(&storage); }
  uint16_t port() const;
  // The numeric address; an IPv4-mapped IPv6 address as plain IPv4.
  std::string Address() const;
};

class Socket;
struct Connected;

struct IoResult {
  size_t bytes = 0;
  int error = 0;  // an errno value; ECANCELED after Cancel
};

class Socket {
 public:
  Socket() = default;
  // Takes ownership of a connected non-blocking `fd` and registers it. It
  // counts as writable, and as readable only once epoll says so.
  Socket(Loop& loop, int fd) : Socket(loop, fd, Loop::Interest::kStream) {}
  // The same for this loop's duplicate of a listening socket that other
  // loops accept from too.
  static Socket SharedListener(Loop& loop, int fd) {
    return Socket(loop, fd, Loop::Interest::kSharedListener);
  }
  Socket(Socket&& other) noexcept { *this = std::move(other); }
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() { Close(); }

  bool is_open() const { return watch_ != nullptr; }
  int fd() const { return watch_ != nullptr ? watch_->fd : -1; }
  // Epoll reported bytes or an end of stream not read yet: an idle pooled
  // connection with this set is no longer a clean one.
  bool MaybeReadable() const { return watch_ != nullptr && watch_->readable; }

  // Wakes a waiting operation with ECANCELED (from the loop, not inline).
  void Cancel();
  // Closes without waking anyone; waiting operations must be cancelled first.
  void Close();
  void ShutdownSend();
  void SetOption(int level, int name, int value);

  // A new TCP socket (TCP_NODELAY set) connecting to `endpoint`, registered
  // once connect() began: its FinishConnect can be cancelled like any wait.
  static Connected StartConnect(Loop& loop, const Endpoint& endpoint);

  class ReadAwaiter;
  class WriteAwaiter;
  class AcceptAwaiter;
  class ConnectAwaiter;
  // The outcome of StartConnect's connection: 0 or an errno value.
  ConnectAwaiter FinishConnect();
  ReadAwaiter ReadSome(char* data, size_t size);
  // Writes all of `first` then all of `second`, in as few calls as the
  // socket allows.
  WriteAwaiter Write(std::string_view first, std::string_view second = {});
  // The same for the last bytes before Close: the kernel holds them back
  // (MSG_MORE) so that the close's FIN leaves in the same segment, one
  // packet fewer per Connection: close request. Only when Close follows
  // at once: otherwise they wait for the kernel's 200 ms cork timeout.
  WriteAwaiter WriteBeforeClose(std::string_view first, std::string_view second = {});
  // For a listener: the next connection, non-blocking and close-on-exec.
  AcceptAwaiter Accept();

 private:
  Socket(Loop& loop, int fd, Loop::Interest interest);
  Watch* watch_ = nullptr;    // its loop is watch_->loop
  bool shared_file_ = false;  // a dup'd descriptor: see Loop::Close
};

// What every socket operation shares: it runs at once when epoll's last
// word allows, else it parks on the watch and the loop runs `Attempt` on the
// next edge. `kWrites` picks the direction; the result is the derived
// operation's.
template <typename Operation, bool kWrites>
class WatchAwaiter : protected IoWaiter {
 public:
  bool await_ready() {
    if (watch_ == nullptr) {
      error_ = EBADF;
      return true;
    }
    return (kWrites ? watch_->writable : watch_->readable) && Operation::Attempt(*this);
  }
  void await_suspend(std::coroutine_handle<> awaiting) {
    handle = awaiting;
    (kWrites ? watch_->writer : watch_->reader) = this;
  }

 protected:
  explicit WatchAwaiter(Watch* watch) : watch_(watch) { attempt = &Operation::Attempt; }
  // The operation's own errno value, or ECANCELED if Cancel woke it.
  int error() const { return cancelled != 0 ? cancelled : error_; }

  Watch* watch_;
  int error_ = 0;
};

class Socket::ReadAwaiter : public WatchAwaiter<ReadAwaiter, false> {
 public:
  ReadAwaiter(Watch* watch, char* data, size_t size)
      : WatchAwaiter(watch), data_(data), size_(size) {}
  IoResult await_resume() const { return {bytes_, error()}; }

 private:
  friend WatchAwaiter;
  static bool Attempt(IoWaiter& waiter);
  char* data_;
  size_t size_;
  size_t bytes_ = 0;
};

class Socket::WriteAwaiter : public WatchAwaiter<WriteAwaiter, true> {
 public:
  WriteAwaiter(Watch* watch, std::string_view first, std::string_view second, int flags)
      : WatchAwaiter(watch), parts_{first, second}, flags_(flags) {}
  IoResult await_resume() const { return {bytes_, error()}; }

 private:
  friend WatchAwaiter;
  static bool Attempt(IoWaiter& waiter);
  std::string_view parts_[2];
  int flags_;
  size_t bytes_ = 0;
};

struct Accepted {
  int fd = -1;  // not yet registered: the connection may go to another loop
  Endpoint peer;
  int error = 0;
};

class Socket::AcceptAwaiter : public WatchAwaiter<AcceptAwaiter, false> {
 public:
  explicit AcceptAwaiter(Watch* watch) : WatchAwaiter(watch) {}
  Accepted await_resume() const { return {fd_, peer_, error()}; }

 private:
  friend WatchAwaiter;
  static bool Attempt(IoWaiter& waiter);
  int fd_ = -1;
  Endpoint peer_;
};

struct Connected {
  Socket socket;  // open unless error != 0
  int error = 0;
};

class Socket::ConnectAwaiter : public WatchAwaiter<ConnectAwaiter, true> {
 public:
  explicit ConnectAwaiter(Watch* watch) : WatchAwaiter(watch) {}
  int await_resume() const { return error(); }

 private:
  friend WatchAwaiter;
  static bool Attempt(IoWaiter& waiter);
};

inline Socket::ConnectAwaiter Socket::FinishConnect() { return ConnectAwaiter(watch_); }

inline Socket::ReadAwaiter Socket::ReadSome(char* data, size_t size) {
  return {watch_, data, size};
}
inline Socket::WriteAwaiter Socket::Write(std::string_view first, std::string_view second) {
  return {watch_, first, second, MSG_NOSIGNAL};
}
inline Socket::WriteAwaiter Socket::WriteBeforeClose(std::string_view first,
                                                     std::string_view second) {
  return {watch_, first, second, MSG_NOSIGNAL | MSG_MORE};
}
inline Socket::AcceptAwaiter Socket::Accept() { return AcceptAwaiter(watch_); }

}  // namespace kha::proxy::event
