// Files read and written whole. Writes are atomic: a temporary file in the
// same folder, fsync, rename over the target, fsync the folder, so a crash
// leaves either the old content or the new, never a mix.
#pragma once

#include <sys/types.h>

#include <optional>
#include <stdexcept>
#include <string>

namespace kha {

// An operating-system failure naming the path and what was being done.
class SystemError : public std::runtime_error {
 public:
  SystemError(const std::string& what_was_done, const std::string& path, int error_number);
  int error_number() const { return error_number_; }

 private:
  int error_number_;
};

// The whole file, or nullopt when it does not exist; other failures throw SystemError.
std::optional<std::string> ReadFileIfExists(const std::string& path);
// The whole file; throws SystemError when it cannot be read.
std::string ReadFile(const std::string& path);

// Replaces `path` atomically with `content` and the given mode. Never follows a
// symlink at `path` (the rename replaces the link itself, and a link is refused
// before anything is written). Throws SystemError. The folder is fsynced too,
// unless the caller batches that (FolderSync::kByCaller) to sync each folder once.
enum class FolderSync { kNow, kByCaller };
void WriteFileAtomically(const std::string& path, const std::string& content, mode_t mode,
                         FolderSync folder_sync = FolderSync::kNow);

// Creates `path` and its missing parents with `mode`; throws SystemError.
void MakeDirectories(const std::string& path, mode_t mode = 0755);

// fsync()s a folder so a rename or unlink in it survives a crash.
void SyncDirectory(const std::string& path);

}  // namespace kha
