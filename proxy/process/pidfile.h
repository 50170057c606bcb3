// The pidfile: written atomically once the daemon runs, removed on exit even
// from inside a RootJail, and only while it still names this process.
#pragma once

#include <sys/types.h>

#include <string>

namespace kha::proxy {

class PidFile {
 public:
  // Writes "PID\n" to `path` (temp file + rename, mode 0644). Throws SystemError.
  PidFile(std::string path, pid_t pid);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const pid_t pid_;
  int directory_fd_ = -1;  // the pidfile's folder, for unlinkat() after chroot
  std::string basename_;
};

}  // namespace kha::proxy
