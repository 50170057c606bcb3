// A Transaction changes files under a root and remembers how to undo each
// change, so a failure at any later point (a full disk while writing, a
// service that will not start) can put the tree back as it was.
//
//   apply::Transaction transaction(root, disk);
//   apply::ApplyFiles(transaction, files);   // rolls back and throws on failure
//   StartServices(...);                      // the caller's later steps
//   transaction.Commit();                    // or transaction.Rollback()
//
// The folders whose entries changed are fsynced once each by SyncFolders()
// (ApplyFiles calls it before it writes the manifest), not once per file.
//
// Paths given to it are absolute inside the root ("/etc/default/etcd").
// Every folder below the root on the way to a path is checked with lstat: a
// symlink there is refused (ApplyError naming it) and nothing is changed.
#pragma once

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "installer/apply/apply_error.h"
#include "installer/apply/disk.h"

namespace kha::apply {

class Transaction {
 public:
  Transaction(std::string root, Disk& disk);
  // Rolls back unless Commit() or Rollback() ran.
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const std::string& root() const { return root_; }
  Disk& disk() { return disk_; }
  // ROOT joined with a path inside it.
  std::string HostPath(const std::string& path) const;

  // What is at `path` (not following a symlink there) after checking that no
  // folder on the way is a symlink or not a folder (ApplyError otherwise).
  std::optional<FileStat> CheckedStat(const std::string& path);

  // Creates the missing folders of `path` (it included) with mode 0755 and
  // returns them, top-down. The root itself is created when missing, but it
  // is never reported (it is not inside itself).
  std::vector<std::string> MakeDirectories(const std::string& path);
  // Replaces or creates `path` atomically; its folder must exist. With an
  // owner (putting back an earlier file), the new file gets that owner.
  void WriteFile(const std::string& path, const std::string& content, mode_t mode,
                 std::optional<Owner> owner = std::nullopt);
  void RemoveFile(const std::string& path);
  void RemoveDirectory(const std::string& path);
  // fsyncs each folder changed since the last call, once; throws SystemError.
  void SyncFolders();

  // Syncs the folders still unsynced, then forgets how to undo: the changes
  // stay. A folder that cannot be synced is logged, not thrown: the changes
  // are already live and must not be undone after the services saw them.
  void Commit();
  // Undoes every change in reverse order, going on past failures; returns
  // the problems met (empty when the tree is back as it was).
  std::vector<std::string> Rollback();
  bool open() const { return open_; }
  // Whether anything was changed that a rollback would undo.
  bool has_changes() const { return !undo_.empty(); }

 private:
  struct Undo {
    enum class Kind { kRemoveFile, kRestoreFile, kRemoveDirectory, kMakeDirectory };
    Kind kind;
    std::string host_path;
    std::string content;
    mode_t mode = 0;
    Owner owner;
  };
  void Push(Undo::Kind kind, const std::string& host_path, std::string content = "",
            const FileStat& stat = {});
  void MakeRoot();
  void SyncIfPresent(const std::string& host_path);

  std::string root_;
  Disk& disk_;
  std::vector<Undo> undo_;
  std::set<std::string> unsynced_;  // host paths of folders with changed entries
  bool open_ = true;
};

}  // namespace kha::apply
