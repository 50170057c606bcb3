// Writing a node's files under a root safely: atomically, never through a
// symlink, with a backup of what was there, a manifest of what kha wrote, no
// write at all when nothing changed, and a full rollback on failure.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "installer/apply/apply_error.h"
#include "installer/apply/disk.h"
#include "installer/apply/transaction.h"

namespace kha::apply {

// Content known by its digest before it is read (an executable the payload
// carries, whose decompression is the costly part of a rerun): load() runs
// only when the file has to be written or diffed. It must return the content
// the digest names, checked by the loader (the payload checks every entry
// against its own manifest); a size other than `size` is an ApplyError.
// Such a file's manifest record keeps its fingerprint, so that a rerun tells
// it is unchanged without reading it.
struct KnownContent {
  std::string sha256;  // lower-case hex
  uint64_t size = 0;
  std::function<std::string()> load;
};

struct FileToWrite {
  FileToWrite(std::string path, std::string content, mode_t mode = 0644)
      : path(std::move(path)), content(std::move(content)), mode(mode) {}
  FileToWrite(std::string path, KnownContent known, mode_t mode)
      : path(std::move(path)), mode(mode), known(std::move(known)) {}

  std::string path;     // absolute inside the root, normalised: "/etc/default/etcd"
  std::string content;  // empty when `known` is set
  mode_t mode = 0644;   // 0600 for keys
  std::optional<KnownContent> known;
};

enum class Change { kCreated, kUpdated, kUnchanged };
std::string_view ChangeName(Change change);  // "create", "update", "unchanged"

struct FileResult {
  std::string path;
  Change change = Change::kUnchanged;
  // Where the previous content went (or would go, in a plan), inside the
  // root; empty when nothing is backed up.
  std::string backup;
  // Unified diff against what is there (PlanFiles only); for a mode change
  // also "old mode 0644\nnew mode 0600\n" first, as git prints it. Binary
  // content (a NUL byte or invalid UTF-8 in its first 8 KiB, see IsBinary)
  // is not diffed: "binary file changed (N bytes → M bytes)\n" instead.
  std::string diff;
};

struct ApplyOptions {
  // Names the backup folder /var/lib/kha/backup/<timestamp>/; empty means
  // the current UTC time as 20261125T144416Z.
  std::string timestamp;
};

// True when any result is a create or an update ("no change" otherwise).
bool AnyChange(const std::vector<FileResult>& results);

// Whether a line diff of `content` would be noise: a NUL byte, or a byte
// sequence that is not UTF-8, in its first 8 KiB.
bool IsBinary(std::string_view content);

// The dry run: what ApplyFiles would do to each file, with diffs; touches
// nothing. Throws ApplyError for a bad path, a symlink on the way, or a
// target that is not a regular file.
std::vector<FileResult> PlanFiles(const std::string& root, const std::vector<FileToWrite>& files,
                                  Disk& disk, const ApplyOptions& options = {});

// Writes the files inside `transaction` and records them in the manifest,
// leaving the transaction open so that later steps may still roll the files
// back. On any failure the whole transaction is rolled back, then ApplyError
// (message ready to print, saying that it was rolled back) is thrown.
std::vector<FileResult> ApplyFiles(Transaction& transaction, const std::vector<FileToWrite>& files,
                                   const ApplyOptions& options = {});
// The same in a transaction of its own, committed on success.
std::vector<FileResult> ApplyFiles(const std::string& root, const std::vector<FileToWrite>& files,
                                   Disk& disk, const ApplyOptions& options = {});

struct UninstallResult {
  bool had_manifest = false;          // false: kha had installed nothing here
  std::vector<std::string> removed;   // files kha created, now gone
  std::vector<std::string> restored;  // files put back from their backup
  std::vector<std::string> kept;      // changed since kha wrote them: left alone
  std::vector<std::string> warnings;  // one ready-to-print line per kept or missing file
};

// Removes what the manifest lists (files changed since kha wrote them are
// kept, with a warning), restores backups, removes the folders kha created
// when they are empty, then the manifest. Without a manifest it does nothing
// (had_manifest false). On failure rolls back and throws ApplyError. With
// `dry_run` it only reports what it would remove, restore and keep.
UninstallResult Uninstall(const std::string& root, Disk& disk, bool dry_run = false);

}  // namespace kha::apply
