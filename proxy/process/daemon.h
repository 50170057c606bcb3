// Turning into a daemon (fork, setsid, fork, stdio to /dev/null) without
// losing start-up errors: the process the user started waits until the
// daemon reports ready or failed, and exits 0 or 1 with the daemon's message.
#pragma once

#include <string_view>

namespace kha::proxy {

class DaemonHandle {
 public:
  DaemonHandle() = default;  // foreground: Ready and Fail do nothing
  explicit DaemonHandle(int report_fd) : report_fd_(report_fd) {}
  ~DaemonHandle();
  DaemonHandle(DaemonHandle&& other) noexcept;
  DaemonHandle& operator=(DaemonHandle&& other) noexcept;

  // Start-up is done: the waiting parent exits 0; stdin, stdout and stderr
  // now point at /dev/null.
  void Ready();
  // Start-up failed: the waiting parent prints `message` to stderr and exits 1.
  void Fail(std::string_view message);

 private:
  int report_fd_ = -1;
};

// Forks twice and returns in the daemon (new session, folder "/"). The
// calling process never returns from here. Call before any thread exists.
// Throws SystemError when fork or setsid fails.
DaemonHandle Daemonize();

}  // namespace kha::proxy
