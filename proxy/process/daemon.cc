#include "proxy/process/daemon.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <utility>

#include "common/file_util.h"

namespace kha::proxy {
namespace {

void WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the parent is gone; nobody is left to tell
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// The parent's side: 'R' means ready; anything else is the daemon's error.
[[noreturn]] void WaitForReport(int fd) {
  std::string report;
  char buffer[1024];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    report.append(buffer, static_cast<size_t>(n));
  }
  if (report == "R") _exit(0);
  if (report.empty()) report = "kha-proxy: the daemon exited during start-up\n";
  // write(2), not stdio: _exit() would drop what a stdio buffer holds.
  WriteAll(STDERR_FILENO, report);
  _exit(1);
}

}  // namespace

DaemonHandle::~DaemonHandle() {
  if (report_fd_ >= 0) close(report_fd_);
}

DaemonHandle::DaemonHandle(DaemonHandle&& other) noexcept
    : report_fd_(std::exchange(other.report_fd_, -1)) {}

DaemonHandle& DaemonHandle::operator=(DaemonHandle&& other) noexcept {
  if (this != &other) {
    if (report_fd_ >= 0) close(report_fd_);
    report_fd_ = std::exchange(other.report_fd_, -1);
  }
  return *this;
}

void DaemonHandle::Ready() {
  if (report_fd_ < 0) return;
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) close(null);
  }
  WriteAll(report_fd_, "R");
  close(report_fd_);
  report_fd_ = -1;
}

void DaemonHandle::Fail(std::string_view message) {
  if (report_fd_ < 0) return;
  std::string text(message);
  if (text.empty() || text.back() != '\n') text += '\n';
  WriteAll(report_fd_, text);
  close(report_fd_);
  report_fd_ = -1;
}

DaemonHandle Daemonize() {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw SystemError("cannot create", "pipe", errno);
  std::fflush(nullptr);
  pid_t child = fork();
  if (child < 0) throw SystemError("cannot fork", "kha-proxy", errno);
  if (child > 0) {
    close(pipe_fds[1]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    WaitForReport(pipe_fds[0]);
  }
  close(pipe_fds[0]);
  if (setsid() < 0) {
    DaemonHandle(pipe_fds[1]).Fail("kha-proxy: setsid failed");
    _exit(1);
  }
  // The second fork makes sure the daemon, no session leader, can never get
  // a controlling terminal back.
  pid_t daemon = fork();
  if (daemon < 0) {
    DaemonHandle(pipe_fds[1]).Fail("kha-proxy: second fork failed");
    _exit(1);
  }
  if (daemon > 0) _exit(0);
  if (chdir("/") != 0) {
    DaemonHandle(pipe_fds[1]).Fail("kha-proxy: cannot change to /");
    _exit(1);
  }
  return DaemonHandle(pipe_fds[1]);
}

}  // namespace kha::proxy
