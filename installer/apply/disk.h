// Every file-system call the apply step makes goes through Disk, so tests can
// inject faults (a full disk, an I/O error at the Nth write) without a real
// broken disk. Paths are host paths (ROOT already prepended).
//
// A change to a folder's entries (a rename into it, a new or removed entry)
// survives a crash only once SyncDirectory ran on that folder; callers sync
// each folder they touched once, after a batch of changes (Transaction does).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace kha::apply {

struct FileStat {
  enum class Type { kRegular, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
  mode_t mode = 0;  // permission bits only (07777)
  ino_t inode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // since the epoch
  // The inode's change time: every write, truncate, chmod, chown or rename of
  // the file moves it, and no user call can set it back.
  int64_t ctime_ns = 0;
};

// Who owns a file, kept when kha puts a file back (backups, rollback,
// uninstall); new content kha writes is owned by the installer's user.
struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
};

class Disk {
 public:
  virtual ~Disk() = default;
  // What is at `path`, without following a symlink there; nullopt when nothing
  // is. Other failures throw kha::SystemError, as every method here does.
  virtual std::optional<FileStat> Stat(const std::string& path) = 0;
  virtual std::string ReadFile(const std::string& path) = 0;
  // Atomic replace (temp file, fsync, rename); refuses a symlink at `path`.
  // The folder is not synced (see above).
  virtual void WriteFile(const std::string& path, const std::string& content, mode_t mode) = 0;
  // One folder whose parent exists, with exactly `mode`.
  virtual void MakeDirectory(const std::string& path, mode_t mode) = 0;
  virtual void RemoveFile(const std::string& path) = 0;
  // Fails with ENOTEMPTY (or EEXIST) when the folder is not empty.
  virtual void RemoveDirectory(const std::string& path) = 0;
  // lchown(2): never follows a symlink at `path`.
  virtual void ChangeOwner(const std::string& path, Owner owner) = 0;
  // fsync(2) of a folder, making the changes of its entries durable.
  virtual void SyncDirectory(const std::string& path) = 0;
};

// The machine's file system.
class RealDisk : public Disk {
 public:
  std::optional<FileStat> Stat(const std::string& path) override;
  std::string ReadFile(const std::string& path) override;
  void WriteFile(const std::string& path, const std::string& content, mode_t mode) override;
  void MakeDirectory(const std::string& path, mode_t mode) override;
  void RemoveFile(const std::string& path) override;
  void RemoveDirectory(const std::string& path) override;
  void ChangeOwner(const std::string& path, Owner owner) override;
  void SyncDirectory(const std::string& path) override;
};

// Passes every call to `inner`, but the `fail_at_write`-th WriteFile
// (counting from 1) throws kha::SystemError("cannot write", path,
// error_number) instead of writing. Later calls succeed again, so a rollback
// can run. 0 never fails.
class FaultyDisk : public Disk {
 public:
  FaultyDisk(Disk& inner, int fail_at_write, int error_number);
  int writes() const { return writes_; }  // WriteFile calls seen so far

  std::optional<FileStat> Stat(const std::string& path) override;
  std::string ReadFile(const std::string& path) override;
  void WriteFile(const std::string& path, const std::string& content, mode_t mode) override;
  void MakeDirectory(const std::string& path, mode_t mode) override;
  void RemoveFile(const std::string& path) override;
  void RemoveDirectory(const std::string& path) override;
  void ChangeOwner(const std::string& path, Owner owner) override;
  void SyncDirectory(const std::string& path) override;
  int syncs() const { return syncs_; }  // SyncDirectory calls seen so far

 private:
  Disk& inner_;
  int fail_at_write_;
  int error_number_;
  int writes_ = 0;
  int syncs_ = 0;
};

}  // namespace kha::apply
