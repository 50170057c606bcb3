#include "installer/apply/disk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "common/file_util.h"

namespace kha::apply {
namespace {

int64_t Nanoseconds(const timespec& time) {
  return static_cast<int64_t>(time.tv_sec) * 1000000000 + time.tv_nsec;
}

}  // namespace

std::optional<FileStat> RealDisk::Stat(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw SystemError("cannot stat", path, errno);
  }
  FileStat result;
  if (S_ISREG(st.st_mode)) {
    result.type = FileStat::Type::kRegular;
  } else if (S_ISDIR(st.st_mode)) {
    result.type = FileStat::Type::kDirectory;
  } else if (S_ISLNK(st.st_mode)) {
    result.type = FileStat::Type::kSymlink;
  }
  result.mode = st.st_mode & 07777;
  result.inode = st.st_ino;
  result.uid = st.st_uid;
  result.gid = st.st_gid;
  result.size = static_cast<uint64_t>(st.st_size);
  result.mtime_ns = Nanoseconds(st.st_mtim);
  result.ctime_ns = Nanoseconds(st.st_ctim);
  return result;
}

std::string RealDisk::ReadFile(const std::string& path) { return kha::ReadFile(path); }

// The transaction fsyncs each folder once, after all of its files.
void RealDisk::WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  WriteFileAtomically(path, content, mode, FolderSync::kByCaller);
}

void RealDisk::MakeDirectory(const std::string& path, mode_t mode) {
  if (mkdir(path.c_str(), mode) != 0) throw SystemError("cannot create the folder", path, errno);
  // The umask may have narrowed the mode given to mkdir().
  if (chmod(path.c_str(), mode) != 0) throw SystemError("cannot chmod", path, errno);
}

void RealDisk::RemoveFile(const std::string& path) {
  if (unlink(path.c_str()) != 0) throw SystemError("cannot remove", path, errno);
}

void RealDisk::RemoveDirectory(const std::string& path) {
  if (rmdir(path.c_str()) != 0) throw SystemError("cannot remove the folder", path, errno);
}

void RealDisk::ChangeOwner(const std::string& path, Owner owner) {
  if (lchown(path.c_str(), owner.uid, owner.gid) != 0)
    throw SystemError("cannot change the owner of", path, errno);
}

void RealDisk::SyncDirectory(const std::string& path) { kha::SyncDirectory(path); }

FaultyDisk::FaultyDisk(Disk& inner, int fail_at_write, int error_number)
    : inner_(inner), fail_at_write_(fail_at_write), error_number_(error_number) {}

std::optional<FileStat> FaultyDisk::Stat(const std::string& path) { return inner_.Stat(path); }

std::string FaultyDisk::ReadFile(const std::string& path) { return inner_.ReadFile(path); }

void FaultyDisk::WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  if (++writes_ == fail_at_write_) throw SystemError("cannot write", path, error_number_);
  inner_.WriteFile(path, content, mode);
}

void FaultyDisk::MakeDirectory(const std::string& path, mode_t mode) {
  inner_.MakeDirectory(path, mode);
}

void FaultyDisk::RemoveFile(const std::string& path) { inner_.RemoveFile(path); }

void FaultyDisk::RemoveDirectory(const std::string& path) { inner_.RemoveDirectory(path); }

void FaultyDisk::ChangeOwner(const std::string& path, Owner owner) {
  inner_.ChangeOwner(path, owner);
}

void FaultyDisk::SyncDirectory(const std::string& path) {
  ++syncs_;
  inner_.SyncDirectory(path);
}

}  // namespace kha::apply
