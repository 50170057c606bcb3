// The control socket: a Unix stream socket, mode 0600, served by one thread
// of its own so a slow operator never stalls the proxy's event loops. One
// command per connection (protocol.h).
#pragma once

#include <string>
#include <thread>

#include "proxy/balance/runtime.h"

namespace kha::proxy::control {

class ControlServer {
 public:
  // Creates the socket at `path` with mode 0600. A stale socket left by a
  // crashed proxy is replaced; a live one (something answers) or a path that
  // is not a socket is an error. Throws SystemError. Call before chroot and
  // before dropping privileges; the socket is removed by the destructor even
  // from inside a RootJail (it keeps a handle on the socket's folder).
  ControlServer(std::string path, balance::RuntimeControl& runtime);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Starts serving on a thread of its own.
  void Start();
  // Stops the thread (idempotent); the socket stays until destruction.
  void Stop();

  const std::string& path() const { return path_; }

 private:
  void Serve();
  void HandleConnection(int fd);

  const std::string path_;
  balance::RuntimeControl& runtime_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;       // an eventfd that wakes Serve() to return
  int directory_fd_ = -1;  // the socket's folder, for unlinkat() after chroot
  std::string basename_;
  ino_t inode_ = 0;  // ours; never remove a socket a newer proxy put there
  std::thread thread_;
};

}  // namespace kha::proxy::control
