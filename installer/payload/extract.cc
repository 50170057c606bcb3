// Extraction straight to the destination with archive_write_disk. The work is
// done from inside the destination (fchdir) so that libarchive's symlink and
// ".." checks cover only the archive's own paths, not the folders leading to
// the destination (which may legitimately contain symlinks, e.g. /var/run).
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include "common/file_util.h"
#include "common/terminal.h"
#include "installer/payload/sealed.h"

namespace kha::payload {
namespace {

struct WriteFree {
  void operator()(archive* writer) const { archive_write_free(writer); }
};
struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

// Changes the working folder for the extraction and always changes it back.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::string& dir) {
    previous_ = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (previous_ < 0) throw PayloadError(SystemError("cannot open", ".", errno).what(), 1);
    if (chdir(dir.c_str()) != 0) {
      int error = errno;
      close(previous_);
      throw PayloadError(SystemError("cannot enter", dir, error).what(), 1);
    }
  }
  ~WorkingDirectory() {
    // Nothing sensible is left to do if the old folder is gone; the process ends soon.
    if (fchdir(previous_) != 0) Restore();
    close(previous_);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  static void Restore() {
    if (chdir("/") != 0) return;
  }
  int previous_;
};

constexpr int kExtractFlags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                              ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                              ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

}  // namespace

void ExtractArchive(std::string_view data, const Manifest& manifest, std::string_view origin,
                    const std::string& dir, bool show_progress) {
  try {
    MakeDirectories(dir, 0755);
  } catch (const SystemError& error) {
    throw PayloadError(error.what(), 1);
  }
  unsigned long long total = 0;
  for (const ManifestEntry& entry : manifest.entries) total += entry.size;
  ProgressBar progress("extracting", total, show_progress);

  WorkingDirectory inside(dir);
  std::unique_ptr<archive, WriteFree> writer(archive_write_disk_new());
  if (!writer) throw PayloadError("out of memory", 1);
  // No archive_write_disk_set_standard_lookup: owners are never restored, so
  // no user or group name is ever looked up (a static binary must not use NSS).
  archive_write_disk_set_options(writer.get(), kExtractFlags);
  auto fail = [&](const std::string& path) {
    const char* why = archive_error_string(writer.get());
    throw PayloadError(dir + "/" + path + ": " + (why != nullptr ? why : "cannot extract"), 1);
  };

  WalkArchive(data, manifest, origin, [&](const ManifestEntry& listed, const ReadBlock& read) {
    std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), listed.path.c_str());
    archive_entry_set_filetype(entry.get(), listed.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), listed.mode);
    if (!listed.directory)
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(listed.size));
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) fail(listed.path);
    try {
      for (std::string_view block = read(); !block.empty(); block = read()) {
        if (archive_write_data(writer.get(), block.data(), block.size()) !=
            static_cast<la_ssize_t>(block.size()))
          fail(listed.path);
        progress.Advance(block.size());
      }
    } catch (const PayloadError&) {
      // A file that failed its digest must not stay behind.
      archive_write_finish_entry(writer.get());
      if (!listed.directory) unlink(listed.path.c_str());
      throw;
    }
    if (archive_write_finish_entry(writer.get()) != ARCHIVE_OK) fail(listed.path);
    return false;
  });
  // Directory modes are applied at close, still from inside the destination.
  if (archive_write_close(writer.get()) != ARCHIVE_OK) fail(".");
  progress.Finish();
}

}  // namespace kha::payload
