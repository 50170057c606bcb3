#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

namespace kha {
namespace {

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  void Reset(int fd) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

void WriteAll(int fd, const std::string& content, const std::string& path) {
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError("cannot write", path, errno);
    }
    written += static_cast<size_t>(n);
  }
}

}  // namespace

SystemError::SystemError(const std::string& what_was_done, const std::string& path,
                         int error_number)
    : std::runtime_error(what_was_done + " " + path + ": " + std::strerror(error_number)),
      error_number_(error_number) {}

std::optional<std::string> ReadFileIfExists(const std::string& path) {
  FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw SystemError("cannot open", path, errno);
  }
  std::string content;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError("cannot read", path, errno);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

std::string ReadFile(const std::string& path) {
  std::optional<std::string> content = ReadFileIfExists(path);
  if (!content) throw SystemError("cannot open", path, ENOENT);
  return *content;
}

void WriteFileAtomically(const std::string& path, const std::string& content, mode_t mode,
                         FolderSync folder_sync) {
  struct stat existing {};
  if (lstat(path.c_str(), &existing) == 0 && S_ISLNK(existing.st_mode))
    throw SystemError("refusing to write through the symlink", path, ELOOP);

  const std::string folder = ParentOf(path);
  std::random_device random;
  std::string temporary;
  FileDescriptor fd(-1);
  for (int attempt = 0; attempt < 16 && fd.get() < 0; ++attempt) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", random());
    temporary = folder + "/.kha-tmp-" + suffix;
    fd.Reset(open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0 && errno != EEXIST) throw SystemError("cannot create", temporary, errno);
  }
  if (fd.get() < 0) throw SystemError("cannot create a temporary file in", folder, EEXIST);

  try {
    WriteAll(fd.get(), content, path);
    // The umask may have narrowed the mode given to open().
    if (fchmod(fd.get(), mode) != 0) throw SystemError("cannot chmod", temporary, errno);
    if (fsync(fd.get()) != 0) throw SystemError("cannot fsync", temporary, errno);
    if (close(fd.Release()) != 0) throw SystemError("cannot close", temporary, errno);
    if (rename(temporary.c_str(), path.c_str()) != 0)
      throw SystemError("cannot rename into", path, errno);
  } catch (...) {
    unlink(temporary.c_str());
    throw;
  }
  if (folder_sync == FolderSync::kNow) SyncDirectory(folder);
}

void MakeDirectories(const std::string& path, mode_t mode) {
  if (path.empty() || path == "/" || path == ".") return;
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    throw SystemError("not a directory:", path, ENOTDIR);
  }
  MakeDirectories(ParentOf(path), mode);
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
    throw SystemError("cannot create directory", path, errno);
}

void SyncDirectory(const std::string& path) {
  FileDescriptor fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw SystemError("cannot open directory", path, errno);
  if (fsync(fd.get()) != 0 && errno != EINVAL) throw SystemError("cannot fsync", path, errno);
}

}  // namespace kha
