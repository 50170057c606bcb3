#include "installer/apply/disk.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/file_util.h"

namespace kha::apply {
namespace {

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
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
  return result;
}

std::string RealDisk::ReadFile(const std::string& path) { return kha::ReadFile(path); }

void RealDisk::WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  WriteFileAtomically(path, content, mode);
}

// Creating or removing an entry is durable only once its folder is synced.
void RealDisk::MakeDirectory(const std::string& path, mode_t mode) {
  if (mkdir(path.c_str(), mode) != 0) throw SystemError("cannot create the folder", path, errno);
  // The umask may have narrowed the mode given to mkdir().
  if (chmod(path.c_str(), mode) != 0) throw SystemError("cannot chmod", path, errno);
  SyncDirectory(ParentOf(path));
}

void RealDisk::RemoveFile(const std::string& path) {
  if (unlink(path.c_str()) != 0) throw SystemError("cannot remove", path, errno);
  SyncDirectory(ParentOf(path));
}

void RealDisk::RemoveDirectory(const std::string& path) {
  if (rmdir(path.c_str()) != 0) throw SystemError("cannot remove the folder", path, errno);
  SyncDirectory(ParentOf(path));
}

void RealDisk::ChangeOwner(const std::string& path, Owner owner) {
  if (lchown(path.c_str(), owner.uid, owner.gid) != 0)
    throw SystemError("cannot change the owner of", path, errno);
}

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

}  // namespace kha::apply
