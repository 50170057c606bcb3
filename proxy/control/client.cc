#include "proxy/control/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kha::proxy::control {
namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string ConnectFailure(const std::string& path, int error) {
  std::string where = "control socket " + path + ": ";
  switch (error) {
    case ENOENT:
      return where +
             "no such file (is kha-proxy running, and does its config set Control to this "
             "path?)";
    case EACCES:
    case EPERM:
      return where +
             "permission denied (the socket is mode 0600: run kha-proxyctl as the "
             "user that started kha-proxy, usually root)";
    case ECONNREFUSED:
      return where + "connection refused (a stale socket: kha-proxy is not running)";
    case ENOTSOCK:
      return where + "not a socket";
    default:
      return where + std::strerror(error);
  }
}

int RemainingMs(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

void Wait(int fd, short events, std::chrono::steady_clock::time_point deadline,
          const std::string& path) {
  for (;;) {
    pollfd entry{fd, events, 0};
    int ready = poll(&entry, 1, RemainingMs(deadline));
    if (ready > 0) return;
    if (ready == 0) throw ControlError("control socket " + path + ": kha-proxy did not answer");
    if (errno != EINTR) throw ControlError(ConnectFailure(path, errno));
  }
}

}  // namespace

std::string SendCommand(const std::string& socket_path, std::string_view command,
                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof address.sun_path) {
    throw ControlError("control socket " + socket_path + ": path too long");
  }
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);

  Socket socket_fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket_fd.get() < 0) throw ControlError(ConnectFailure(socket_path, errno));
  if (connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw ControlError(ConnectFailure(socket_path, errno));
  }

  std::string request = std::string(command) + "\n";
  size_t sent = 0;
  while (sent < request.size()) {
    Wait(socket_fd.get(), POLLOUT, deadline, socket_path);
    ssize_t n = send(socket_fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw ControlError(ConnectFailure(socket_path, errno));
    }
    sent += static_cast<size_t>(n);
  }

  std::string answer;
  for (;;) {
    Wait(socket_fd.get(), POLLIN, deadline, socket_path);
    char buffer[4096];
    ssize_t n = read(socket_fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET && !answer.empty()) break;  // the answer arrived whole first
      throw ControlError(ConnectFailure(socket_path, errno));
    }
    if (n == 0) break;
    answer.append(buffer, static_cast<size_t>(n));
  }
  if (answer.empty()) {
    throw ControlError("control socket " + socket_path + ": kha-proxy closed without answering");
  }
  return answer;
}

}  // namespace kha::proxy::control
