#include "installer/apply/apply.h"

#include <cerrno>
#include <ctime>
#include <optional>
#include <set>
#include <utility>

#include "common/file_util.h"
#include "installer/apply/manifest.h"
#include "installer/apply/unified_diff.h"
#include "installer/digest/sha256.h"

namespace kha::apply {
namespace {

constexpr char kStateFolder[] = "/var/lib/kha";

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Target paths are absolute and normalised so that the symlink check sees
// every component, and they fit the manifest's one-line, tab-separated records.
void CheckTargetPath(const std::string& path) {
  auto fail = [&](const char* why) {
    throw ApplyError("bad target path \"" + path + "\": " + why + "; nothing was changed");
  };
  if (path.empty() || path[0] != '/') fail("not absolute");
  if (path == "/" || path.back() == '/') fail("not a file name");
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail("contains a control character");
  }
  for (size_t start = 1; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string_view part(path.data() + start, slash - start);
    if (part.empty() || part == "." || part == "..") fail("not normalised");
    start = slash + 1;
  }
  if (path == kStateFolder || path.starts_with(std::string(kStateFolder) + "/"))
    fail("inside kha's own /var/lib/kha");
}

std::string UtcTimestamp() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

// The manifest as it is (text and parsed); an empty one when there is none.
struct LoadedManifest {
  std::optional<std::string> text;
  Manifest manifest;
  int64_t mtime_ns = 0;  // when its content was written
};

LoadedManifest LoadManifest(Transaction& transaction) {
  LoadedManifest loaded;
  std::optional<FileStat> stat = transaction.CheckedStat(kManifestPath);
  if (!stat) return loaded;
  std::string host_path = transaction.HostPath(kManifestPath);
  if (stat->type != FileStat::Type::kRegular)
    throw ApplyError("the manifest " + host_path + " is not a regular file");
  loaded.text = transaction.disk().ReadFile(host_path);
  loaded.manifest = ParseManifest(*loaded.text, host_path);
  loaded.mtime_ns = stat->mtime_ns;
  return loaded;
}

Fingerprint FingerprintOf(const FileStat& stat) {
  return {stat.size, static_cast<uint64_t>(stat.inode), stat.mtime_ns, stat.ctime_ns};
}

struct PlannedFile {
  const FileToWrite* file = nullptr;
  Change change = Change::kCreated;
  std::string old_content;
  mode_t old_mode = 0;
  Owner old_owner;
  // The old content is not what kha wrote last time, so it is saved first.
  bool needs_backup = false;
  // An unchanged file with known content whose manifest fingerprint was
  // missing, stale or unproven, now proven by its digest: recorded, so the
  // next run need not read it.
  std::optional<Fingerprint> refreshed;
  std::optional<std::string> loaded;  // known content, once load() ran
};

// The content to write: the file's own, or its known content, loaded once.
const std::string& NewContent(PlannedFile& plan) {
  const FileToWrite& file = *plan.file;
  if (!file.known) return file.content;
  if (!plan.loaded) {
    plan.loaded = file.known->load();
    if (plan.loaded->size() != file.known->size)
      throw ApplyError("the content for " + file.path + " has " +
                       std::to_string(plan.loaded->size()) + " bytes, not the " +
                       std::to_string(file.known->size) + " its digest describes");
  }
  return *plan.loaded;
}

// Whether a file with known content is, without reading it, the one kha
// wrote: the manifest records that content for it, and the file keeps the
// fingerprint kha took after writing it. A fingerprint taken no earlier than
// the manifest was written could share its clock tick with a later change
// (coarse file times), so it proves nothing.
bool TrustedUnchanged(const FileToWrite& file, const FileStat& stat, const ManifestEntry* recorded,
                      int64_t manifest_mtime_ns) {
  return recorded != nullptr && recorded->sha256 == file.known->sha256 &&
         stat.mode == (file.mode & 07777) && recorded->fingerprint &&
         *recorded->fingerprint == FingerprintOf(stat) &&
         recorded->fingerprint->ctime_ns < manifest_mtime_ns;
}

std::vector<PlannedFile> Plan(Transaction& transaction, const std::vector<FileToWrite>& files,
                              const LoadedManifest& loaded) {
  std::set<std::string> seen;
  for (const FileToWrite& file : files) {
    CheckTargetPath(file.path);
    if (!seen.insert(file.path).second)
      throw ApplyError("the file " + file.path + " is listed twice; nothing was changed");
  }
  std::vector<PlannedFile> planned;
  for (const FileToWrite& file : files) {
    PlannedFile plan;
    plan.file = &file;
    std::optional<FileStat> stat = transaction.CheckedStat(file.path);
    if (stat) {
      std::string host_path = transaction.HostPath(file.path);
      if (stat->type != FileStat::Type::kRegular)
        throw ApplyError("cannot write " + file.path + ": " + host_path + " is not a regular file");
      plan.old_mode = stat->mode;
      plan.old_owner = {stat->uid, stat->gid};
      auto entry = loaded.manifest.files.find(file.path);
      const ManifestEntry* recorded =
          entry == loaded.manifest.files.end() ? nullptr : &entry->second;
      if (file.known && TrustedUnchanged(file, *stat, recorded, loaded.mtime_ns)) {
        plan.change = Change::kUnchanged;
        planned.push_back(std::move(plan));
        continue;
      }
      plan.old_content = transaction.disk().ReadFile(host_path);
      bool same_mode = plan.old_mode == (file.mode & 07777);
      std::string old_sha256;
      bool same = false;
      if (file.known) {
        old_sha256 = digest::Sha256Hex(plan.old_content);
        same = same_mode && old_sha256 == file.known->sha256;
      } else {
        same = same_mode && plan.old_content == file.content;
        if (!same) old_sha256 = digest::Sha256Hex(plan.old_content);
      }
      plan.change = same ? Change::kUnchanged : Change::kUpdated;
      bool written_by_kha = recorded != nullptr && recorded->sha256 == old_sha256;
      plan.needs_backup = !same && !written_by_kha;
      if (same && file.known && written_by_kha) plan.refreshed = FingerprintOf(*stat);
    }
    planned.push_back(std::move(plan));
  }
  return planned;
}

// /var/lib/kha/backup/<timestamp>, with ".1", ".2", … when a run in the same
// second already used it.
std::string ChooseBackupFolder(Transaction& transaction, const ApplyOptions& options) {
  std::string base = std::string(kBackupFolder) + "/" +
                     (options.timestamp.empty() ? UtcTimestamp() : options.timestamp);
  std::string folder = base;
  for (int n = 1; transaction.CheckedStat(folder); ++n) folder = base + "." + std::to_string(n);
  return folder;
}

std::string SizeText(size_t size) { return std::to_string(size) + " bytes"; }

std::string DiffFor(PlannedFile& plan) {
  const FileToWrite& file = *plan.file;
  const std::string& content = NewContent(plan);
  std::string relative = file.path.substr(1);
  // A line diff of machine code helps nobody (and costs a lot for an executable).
  bool binary = IsBinary(content) || IsBinary(plan.old_content);
  if (plan.change == Change::kCreated) {
    std::string diff = "new file mode " + OctalMode(file.mode) + "\n";
    if (binary) return diff + "binary file created (" + SizeText(content.size()) + ")\n";
    return diff + UnifiedDiff("", content, "/dev/null", "b/" + relative);
  }
  std::string diff;
  if (plan.old_mode != (file.mode & 07777))
    diff = "old mode " + OctalMode(plan.old_mode) + "\nnew mode " + OctalMode(file.mode) + "\n";
  if (plan.old_content == content) return diff;
  if (binary) {
    return diff + "binary file changed (" + SizeText(plan.old_content.size()) + " \u2192 " +
           SizeText(content.size()) + ")\n";
  }
  return diff + UnifiedDiff(plan.old_content, content, "a/" + relative, "b/" + relative);
}

[[noreturn]] void RollBackAndThrow(Transaction& transaction, const std::exception& error) {
  std::string message = error.what();
  bool changed = transaction.has_changes();
  std::vector<std::string> problems = transaction.Rollback();
  if (!changed) {
    if (!message.ends_with("nothing was changed")) message += "; nothing was changed";
  } else if (problems.empty()) {
    message += "; every change of this run was rolled back";
  } else {
    message += "; the rollback was incomplete:";
    for (const std::string& problem : problems) message += "\n  " + problem;
  }
  throw ApplyError(message);
}

std::string KeptMessage(const std::string& path, const std::string& saved_in) {
  return "kept " + path + ": changed since kha wrote it" + saved_in;
}

}  // namespace

std::string_view ChangeName(Change change) {
  switch (change) {
    case Change::kCreated:
      return "create";
    case Change::kUpdated:
      return "update";
    case Change::kUnchanged:
      break;
  }
  return "unchanged";
}

bool AnyChange(const std::vector<FileResult>& results) {
  for (const FileResult& result : results) {
    if (result.change != Change::kUnchanged) return true;
  }
  return false;
}

bool IsBinary(std::string_view content) {
  constexpr size_t kWindow = 8192;
  std::string_view head = content.substr(0, kWindow);
  if (head.find('\0') != std::string_view::npos) return true;
  for (size_t i = 0; i < head.size();) {
    auto byte = static_cast<unsigned char>(head[i]);
    size_t length = byte < 0x80 ? 1 : (byte & 0xe0) == 0xc0 ? 2 : (byte & 0xf0) == 0xe0 ? 3 : 4;
    // Stray continuation bytes, overlong two-byte forms, beyond U+10FFFF.
    if ((byte >= 0x80 && byte < 0xc2) || byte > 0xf4) return true;
    // A character cut by the window is judged by the bytes there are.
    for (size_t k = 1; k < length && i + k < head.size(); ++k) {
      if ((static_cast<unsigned char>(head[i + k]) & 0xc0) != 0x80) return true;
    }
    if (i + length > head.size() && head.size() == content.size()) return true;  // cut short
    i += length;
  }
  return false;
}

std::vector<FileResult> PlanFiles(const std::string& root, const std::vector<FileToWrite>& files,
                                  Disk& disk, const ApplyOptions& options) {
  Transaction reader(root, disk);  // used for its checked look-ups only
  try {
    LoadedManifest loaded = LoadManifest(reader);
    std::vector<PlannedFile> planned = Plan(reader, files, loaded);
    std::vector<FileResult> results;
    std::string backup_folder;
    for (PlannedFile& plan : planned) {
      FileResult result{plan.file->path, plan.change, "", ""};
      if (plan.needs_backup) {
        if (backup_folder.empty()) backup_folder = ChooseBackupFolder(reader, options);
        result.backup = backup_folder + plan.file->path;
      }
      if (plan.change != Change::kUnchanged) result.diff = DiffFor(plan);
      results.push_back(std::move(result));
    }
    reader.Commit();
    return results;
  } catch (const std::exception& error) {
    RollBackAndThrow(reader, error);  // nothing to undo: only words the message
  }
}

std::vector<FileResult> ApplyFiles(Transaction& transaction, const std::vector<FileToWrite>& files,
                                   const ApplyOptions& options) {
  try {
    LoadedManifest loaded = LoadManifest(transaction);
    Manifest& manifest = loaded.manifest;
    std::vector<PlannedFile> planned = Plan(transaction, files, loaded);
    std::vector<FileResult> results;
    std::string backup_folder;
    bool refreshed = false;
    for (PlannedFile& plan : planned) {
      const FileToWrite& file = *plan.file;
      FileResult result{file.path, plan.change, "", ""};
      if (plan.change == Change::kUnchanged) {
        if (plan.refreshed) {
          manifest.files[file.path].fingerprint = plan.refreshed;
          refreshed = true;
        }
        results.push_back(std::move(result));
        continue;
      }
      if (plan.needs_backup) {
        if (backup_folder.empty()) backup_folder = ChooseBackupFolder(transaction, options);
        result.backup = backup_folder + file.path;
        for (std::string& folder : transaction.MakeDirectories(ParentOf(result.backup)))
          manifest.directories.insert(std::move(folder));
        transaction.WriteFile(result.backup, plan.old_content, plan.old_mode, plan.old_owner);
      }
      for (std::string& folder : transaction.MakeDirectories(ParentOf(file.path)))
        manifest.directories.insert(std::move(folder));
      const std::string& content = NewContent(plan);
      transaction.WriteFile(file.path, content, file.mode);

      ManifestEntry entry{static_cast<mode_t>(file.mode & 07777),
                          file.known ? file.known->sha256 : digest::Sha256Hex(content),
                          result.backup, std::nullopt};
      if (file.known) entry.fingerprint = FingerprintOf(*transaction.CheckedStat(file.path));
      plan.loaded.reset();  // an executable's copy is not kept past its write
      auto earlier = manifest.files.find(file.path);
      // Uninstall restores what was there before kha first wrote the file.
      if (earlier != manifest.files.end()) entry.backup = earlier->second.backup;
      manifest.files[file.path] = entry;
      results.push_back(std::move(result));
    }
    bool write_manifest = AnyChange(results) || refreshed;
    if (write_manifest) {
      for (std::string& folder : transaction.MakeDirectories(kStateFolder))
        manifest.directories.insert(std::move(folder));
    }
    // The files are durable before the manifest that names them.
    transaction.SyncFolders();
    if (write_manifest) {
      std::string text = FormatManifest(manifest);
      // A fingerprint proven again is rewritten even when the text is the
      // same: the manifest's newer time is what makes it trusted next time.
      if (text != loaded.text || refreshed) transaction.WriteFile(kManifestPath, text, 0644);
      transaction.SyncFolders();
    }
    return results;
  } catch (const std::exception& error) {
    RollBackAndThrow(transaction, error);
  }
}

std::vector<FileResult> ApplyFiles(const std::string& root, const std::vector<FileToWrite>& files,
                                   Disk& disk, const ApplyOptions& options) {
  Transaction transaction(root, disk);
  std::vector<FileResult> results = ApplyFiles(transaction, files, options);
  transaction.Commit();
  return results;
}

UninstallResult Uninstall(const std::string& root, Disk& disk, bool dry_run) {
  Transaction transaction(root, disk);
  UninstallResult result;
  try {
    LoadedManifest loaded = LoadManifest(transaction);
    if (!loaded.text) {
      transaction.Commit();
      return result;
    }
    result.had_manifest = true;
    for (const auto& [path, entry] : loaded.manifest.files) {
      std::string host_path = transaction.HostPath(path);
      // A symlink on the way is refused; one at the file itself means
      // someone replaced kha's file, which is then kept like any change.
      std::optional<FileStat> stat = disk.Stat(host_path);
      if (stat && stat->type == FileStat::Type::kSymlink) {
        transaction.CheckedStat(ParentOf(path));
      } else {
        stat = transaction.CheckedStat(path);
      }
      std::optional<std::string> backup;
      if (!entry.backup.empty() && transaction.CheckedStat(entry.backup))
        backup = disk.ReadFile(transaction.HostPath(entry.backup));
      std::string saved_in =
          entry.backup.empty() ? "" : "; the file it replaced is in " + entry.backup;

      if (stat && (stat->type != FileStat::Type::kRegular ||
                   digest::Sha256Hex(disk.ReadFile(host_path)) != entry.sha256)) {
        result.kept.push_back(path);
        result.warnings.push_back(KeptMessage(path, saved_in));
        continue;
      }
      if (!stat) result.warnings.push_back(path + " was already removed");
      if (!entry.backup.empty() && !backup) {
        result.warnings.push_back("cannot restore " + path + ": its backup " + entry.backup +
                                  " is missing");
      }
      if (backup) {
        if (!dry_run) {
          FileStat saved = *transaction.CheckedStat(entry.backup);
          transaction.MakeDirectories(ParentOf(path));  // its folder may be gone too
          transaction.WriteFile(path, *backup, saved.mode, Owner{saved.uid, saved.gid});
          transaction.RemoveFile(entry.backup);
        }
        result.restored.push_back(path);
      } else if (stat) {
        if (!dry_run) transaction.RemoveFile(path);
        result.removed.push_back(path);
      }
    }
    if (dry_run) {
      transaction.Commit();  // nothing was changed
      return result;
    }
    transaction.RemoveFile(kManifestPath);
    // Deepest first: a folder sorts after its parent.
    for (auto folder = loaded.manifest.directories.rbegin();
         folder != loaded.manifest.directories.rend(); ++folder) {
      std::optional<FileStat> stat = transaction.CheckedStat(*folder);
      if (!stat || stat->type != FileStat::Type::kDirectory) continue;
      try {
        transaction.RemoveDirectory(*folder);
      } catch (const SystemError& error) {
        // Someone else's files live there now: the folder stays.
        if (error.error_number() != ENOTEMPTY && error.error_number() != EEXIST) throw;
      }
    }
    transaction.SyncFolders();
    transaction.Commit();
    return result;
  } catch (const std::exception& error) {
    RollBackAndThrow(transaction, error);
  }
}

}  // namespace kha::apply
