#include "proxy/process/pidfile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file_util.h"
#include "proxy/logging/log_sink.h"

namespace kha::proxy {

PidFile::PidFile(std::string path, pid_t pid) : path_(std::move(path)), pid_(pid) {
  size_t slash = path_.rfind('/');
  std::string directory = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  basename_ = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  directory_fd_ = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd_ < 0) throw SystemError("cannot open folder of pidfile", path_, errno);
  try {
    WriteFileAtomically(path_, std::to_string(pid_) + "\n", 0644);
  } catch (...) {
    close(directory_fd_);
    throw;
  }
}

PidFile::~PidFile() {
  // Another instance may have taken the path over since: remove only our own.
  char content[32] = {};
  int fd = openat(directory_fd_, basename_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    ssize_t n = read(fd, content, sizeof content - 1);
    close(fd);
    std::string expected = std::to_string(pid_) + "\n";
    if (n > 0 && expected == content && unlinkat(directory_fd_, basename_.c_str(), 0) != 0) {
      logging::LogWarning("cannot remove pidfile " + path_ + ": " + std::strerror(errno));
    }
  }
  close(directory_fd_);
}

}  // namespace kha::proxy
