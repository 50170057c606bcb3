#include "proxy/control/server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/file_util.h"
#include "proxy/control/protocol.h"
#include "proxy/logging/log_sink.h"

namespace kha::proxy::control {
namespace {

// A command is one short line; anything longer is not a client of ours.
constexpr size_t kMaxCommand = 4096;
// A client gets this long to send its command and read the answer.
constexpr int kClientTimeoutMs = 5000;

sockaddr_un AddressOf(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    throw SystemError("control socket path too long:", path, ENAMETOOLONG);
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// True when something accepts connections at `path`.
bool SomeoneListens(const sockaddr_un& address) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool listening = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return listening;
}

int RemainingMs(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on `fd` until `deadline`; false on timeout or error.
bool WaitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    int ready = poll(&entry, 1, RemainingMs(deadline));
    if (ready > 0) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

}  // namespace

ControlServer::ControlServer(std::string path, balance::RuntimeControl& runtime)
    : path_(std::move(path)), runtime_(runtime) {
  sockaddr_un address = AddressOf(path_);
  size_t slash = path_.rfind('/');
  std::string directory = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  basename_ = slash == std::string::npos ? path_ : path_.substr(slash + 1);

  struct stat existing {};
  if (lstat(path_.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      throw SystemError("refusing to replace, not a socket:", path_, EEXIST);
    }
    if (SomeoneListens(address)) {
      throw SystemError("another process serves the control socket", path_, EADDRINUSE);
    }
    if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
      throw SystemError("cannot remove stale control socket", path_, errno);
    }
  }

  directory_fd_ = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd_ < 0) throw SystemError("cannot open folder", directory, errno);
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) throw SystemError("cannot create control socket", path_, errno);
  // The umask makes bind() create the socket as 0600 at once: no moment in
  // which another user could connect.
  mode_t old_umask = umask(0177);
  int bound = bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  int bind_error = errno;
  umask(old_umask);
  if (bound != 0) {
    int error = bind_error;
    close(listen_fd_);
    close(directory_fd_);
    throw SystemError("cannot bind control socket", path_, error);
  }
  struct stat created {};
  if (chmod(path_.c_str(), 0600) != 0 || stat(path_.c_str(), &created) != 0 ||
      listen(listen_fd_, 16) != 0) {
    int error = errno;
    unlink(path_.c_str());
    close(listen_fd_);
    close(directory_fd_);
    throw SystemError("cannot set up control socket", path_, error);
  }
  inode_ = created.st_ino;
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    int error = errno;
    unlink(path_.c_str());
    close(listen_fd_);
    close(directory_fd_);
    throw SystemError("cannot create eventfd for", path_, error);
  }
}

ControlServer::~ControlServer() {
  Stop();
  struct stat current {};
  if (fstatat(directory_fd_, basename_.c_str(), &current, AT_SYMLINK_NOFOLLOW) == 0 &&
      current.st_ino == inode_ && unlinkat(directory_fd_, basename_.c_str(), 0) != 0) {
    logging::LogWarning("cannot remove control socket " + path_ + ": " + std::strerror(errno));
  }
  close(listen_fd_);
  close(stop_fd_);
  close(directory_fd_);
}

void ControlServer::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Serve(); });
}

void ControlServer::Stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  ssize_t written = write(stop_fd_, &one, sizeof one);
  (void)written;  // an eventfd write of 1 cannot fail short of overflow
  thread_.join();
}

void ControlServer::Serve() {
  for (;;) {
    pollfd entries[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(entries, 2, -1) < 0) {
      if (errno == EINTR) continue;
      logging::LogError(std::string("control socket poll failed: ") + std::strerror(errno));
      return;
    }
    if (entries[1].revents != 0) return;
    int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
        logging::LogWarning(std::string("control socket accept failed: ") + std::strerror(errno));
      }
      continue;
    }
    HandleConnection(client);
    close(client);
  }
}

void ControlServer::HandleConnection(int fd) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kClientTimeoutMs);
  std::string line;
  bool complete = false;
  while (!complete && line.size() <= kMaxCommand) {
    if (!WaitFor(fd, POLLIN, deadline)) return;  // a silent client gets no answer
    char buffer[512];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return;
    }
    if (n == 0) {
      complete = true;  // "echo -n cmd | socat" sends no newline
      break;
    }
    line.append(buffer, static_cast<size_t>(n));
    size_t newline = line.find('\n');
    if (newline != std::string::npos) {
      line.resize(newline);
      complete = true;
    }
  }
  std::string answer =
      complete ? ExecuteCommand(line, runtime_)
               : "error: command longer than " + std::to_string(kMaxCommand) + " bytes\n";
  size_t sent = 0;
  while (sent < answer.size()) {
    if (!WaitFor(fd, POLLOUT, deadline)) return;
    ssize_t n = send(fd, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return;
    }
    sent += static_cast<size_t>(n);
  }
  // Closing with unread input would reset the connection and could destroy
  // the answer in flight: end our side, then drain a bounded amount.
  shutdown(fd, SHUT_WR);
  for (size_t drained = 0; drained < 65536 && WaitFor(fd, POLLIN, deadline);) {
    char buffer[4096];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
}

}  // namespace kha::proxy::control
