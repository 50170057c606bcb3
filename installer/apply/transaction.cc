#include "installer/apply/transaction.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <utility>

#include "common/file_util.h"
#include "common/log.h"

namespace kha::apply {
namespace {

// "/a/b/c" -> {"/a", "/a/b", "/a/b/c"}; paths were validated as absolute
// and normalised by the caller.
std::vector<std::string> Prefixes(const std::string& path) {
  std::vector<std::string> prefixes;
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    prefixes.push_back(path.substr(0, slash));
  }
  if (path != "/") prefixes.push_back(path);
  return prefixes;
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string SymlinkMessage(const std::string& host_path, const std::string& path) {
  return "refusing to follow the symlink " + host_path + " (on the way to " + path + ")";
}

std::string NotAFolderMessage(const std::string& path, const std::string& host_path) {
  return "cannot write " + path + ": " + host_path + " is not a folder";
}

}  // namespace

Transaction::Transaction(std::string root, Disk& disk) : root_(std::move(root)), disk_(disk) {
  if (root_.empty()) root_ = "/";
  if (root_[0] != '/') {
    // Made absolute once, so that walking up to create a missing root ends at "/".
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == nullptr)
      throw SystemError("cannot read", "the current folder", errno);
    root_ = std::string(cwd) + "/" + root_;
  }
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Transaction::~Transaction() {
  if (!open_) return;
  for (const std::string& problem : Rollback()) Log::Error(problem);
}

std::string Transaction::HostPath(const std::string& path) const {
  return root_ == "/" ? path : root_ + path;
}

std::optional<FileStat> Transaction::CheckedStat(const std::string& path) {
  std::vector<std::string> prefixes = Prefixes(path);
  for (size_t i = 0; i < prefixes.size(); ++i) {
    std::string host_path = HostPath(prefixes[i]);
    std::optional<FileStat> stat = disk_.Stat(host_path);
    if (!stat) return std::nullopt;  // nothing below a missing folder exists either
    if (stat->type == FileStat::Type::kSymlink) {
      throw ApplyError(SymlinkMessage(host_path, path));
    }
    if (i + 1 == prefixes.size()) return stat;
    if (stat->type != FileStat::Type::kDirectory)
      throw ApplyError(NotAFolderMessage(path, host_path));
  }
  return disk_.Stat(HostPath(path));  // only for path "/"
}

void Transaction::MakeRoot() {
  if (root_ == "/" || disk_.Stat(root_)) return;
  // Missing ancestors of the root, created top-down; undone like any folder.
  std::vector<std::string> missing;
  for (std::string folder = root_; folder != "/" && !disk_.Stat(folder); folder = ParentOf(folder))
    missing.insert(missing.begin(), folder);
  for (const std::string& folder : missing) {
    disk_.MakeDirectory(folder, 0755);
    unsynced_.insert(ParentOf(folder));
    Push(Undo::Kind::kRemoveDirectory, folder);
  }
}

std::vector<std::string> Transaction::MakeDirectories(const std::string& path) {
  MakeRoot();
  std::vector<std::string> created;
  for (const std::string& prefix : Prefixes(path)) {
    std::optional<FileStat> stat = CheckedStat(prefix);
    if (stat) {
      if (stat->type != FileStat::Type::kDirectory)
        throw ApplyError("cannot create the folder " + path + ": " + HostPath(prefix) +
                         " is not a folder");
      continue;
    }
    disk_.MakeDirectory(HostPath(prefix), 0755);
    unsynced_.insert(ParentOf(HostPath(prefix)));
    Push(Undo::Kind::kRemoveDirectory, HostPath(prefix));
    created.push_back(prefix);
  }
  return created;
}

void Transaction::Push(Undo::Kind kind, const std::string& host_path, std::string content,
                       const FileStat& stat) {
  undo_.push_back({kind, host_path, std::move(content), stat.mode, {stat.uid, stat.gid}});
}

void Transaction::WriteFile(const std::string& path, const std::string& content, mode_t mode,
                            std::optional<Owner> owner) {
  std::optional<FileStat> stat = CheckedStat(path);
  std::string host_path = HostPath(path);
  if (stat && stat->type != FileStat::Type::kRegular)
    throw ApplyError("cannot write " + path + ": " + host_path + " is not a regular file");
  std::string old_content = stat ? disk_.ReadFile(host_path) : "";
  disk_.WriteFile(host_path, content, mode);
  unsynced_.insert(ParentOf(host_path));
  if (stat) {
    Push(Undo::Kind::kRestoreFile, host_path, std::move(old_content), *stat);
  } else {
    Push(Undo::Kind::kRemoveFile, host_path);
  }
  if (owner) disk_.ChangeOwner(host_path, *owner);
}

void Transaction::RemoveFile(const std::string& path) {
  std::optional<FileStat> stat = CheckedStat(path);
  std::string host_path = HostPath(path);
  if (!stat || stat->type != FileStat::Type::kRegular)
    throw ApplyError("cannot remove " + path + ": " + host_path + " is not a regular file");
  std::string old_content = disk_.ReadFile(host_path);
  disk_.RemoveFile(host_path);
  unsynced_.insert(ParentOf(host_path));
  Push(Undo::Kind::kRestoreFile, host_path, std::move(old_content), *stat);
}

void Transaction::RemoveDirectory(const std::string& path) {
  std::optional<FileStat> stat = CheckedStat(path);
  std::string host_path = HostPath(path);
  if (!stat || stat->type != FileStat::Type::kDirectory)
    throw ApplyError("cannot remove the folder " + path + ": " + host_path + " is not a folder");
  disk_.RemoveDirectory(host_path);
  unsynced_.insert(ParentOf(host_path));
  Push(Undo::Kind::kMakeDirectory, host_path, "", *stat);
}

void Transaction::SyncIfPresent(const std::string& host_path) {
  // A folder removed later in the run needs none: its parent is synced too.
  if (disk_.Stat(host_path)) disk_.SyncDirectory(host_path);
}

void Transaction::SyncFolders() {
  while (!unsynced_.empty()) {
    std::string folder = std::move(unsynced_.extract(unsynced_.begin()).value());
    SyncIfPresent(folder);
  }
}

void Transaction::Commit() {
  try {
    SyncFolders();
  } catch (const std::exception& error) {
    Log::Error(error.what());
  }
  unsynced_.clear();
  undo_.clear();
  open_ = false;
}

std::vector<std::string> Transaction::Rollback() {
  std::vector<std::string> problems;
  for (auto undo = undo_.rbegin(); undo != undo_.rend(); ++undo) {
    try {
      switch (undo->kind) {
        case Undo::Kind::kRemoveFile:
          disk_.RemoveFile(undo->host_path);
          unsynced_.insert(ParentOf(undo->host_path));
          break;
        case Undo::Kind::kRestoreFile:
          disk_.WriteFile(undo->host_path, undo->content, undo->mode);
          unsynced_.insert(ParentOf(undo->host_path));
          disk_.ChangeOwner(undo->host_path, undo->owner);
          break;
        case Undo::Kind::kRemoveDirectory:
          disk_.RemoveDirectory(undo->host_path);
          unsynced_.insert(ParentOf(undo->host_path));
          break;
        case Undo::Kind::kMakeDirectory:
          disk_.MakeDirectory(undo->host_path, undo->mode);
          unsynced_.insert(ParentOf(undo->host_path));
          disk_.ChangeOwner(undo->host_path, undo->owner);
          break;
      }
    } catch (const std::exception& error) {
      problems.push_back(std::string("rollback: ") + error.what());
    }
  }
  for (const std::string& folder : unsynced_) {
    try {
      SyncIfPresent(folder);
    } catch (const std::exception& error) {
      problems.push_back(std::string("rollback: ") + error.what());
    }
  }
  unsynced_.clear();
  undo_.clear();
  open_ = false;
  return problems;
}

}  // namespace kha::apply
