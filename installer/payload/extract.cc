// Extraction straight to the destination with archive_write_disk. The work is
// done from inside the destination (fchdir) so that libarchive's symlink and
// ".." checks cover only the archive's own paths, not the folders leading to
// the destination (which may legitimately contain symlinks, e.g. /var/run).
// Another thread decompresses and verifies the entries while this one writes
// them, as tar lets its zstd child decompress while it writes.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include "common/file_util.h"
#include "common/terminal.h"
#include "installer/payload/entry_pipe.h"
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
  EntryPipe pipe(kPipeBytes);
  PipeFeeder feeder(data, manifest, origin, pipe);
  ExtractFromPipe(pipe, manifest, dir, show_progress);
}

void ExtractFromPipe(EntryPipe& pipe, const Manifest& manifest, const std::string& dir,
                     bool show_progress) {
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
  auto failure = [&](const std::string& path) {
    const char* why = archive_error_string(writer.get());
    return PayloadError(dir + "/" + path + ": " + (why != nullptr ? why : "cannot extract"), 1);
  };

  const ManifestEntry* current = nullptr;  // between kBegin and kEnd
  // A file that failed its digest, or could not be written whole, must not stay behind.
  auto abandon = [&] {
    if (current == nullptr) return;
    archive_write_finish_entry(writer.get());
    if (!current->directory) unlink(current->path.c_str());
    current = nullptr;
  };
  for (PipeItem item = pipe.Pop(); item.kind != PipeItem::Kind::kFinished; item = pipe.Pop()) {
    switch (item.kind) {
      case PipeItem::Kind::kBegin: {
        const ManifestEntry& listed = *item.entry;
        std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
        archive_entry_set_pathname(entry.get(), listed.path.c_str());
        archive_entry_set_filetype(entry.get(), listed.directory ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(entry.get(), listed.mode);
        if (!listed.directory)
          archive_entry_set_size(entry.get(), static_cast<la_int64_t>(listed.size));
        if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK)
          throw failure(listed.path);
        current = &listed;
        break;
      }
      case PipeItem::Kind::kData:
        if (archive_write_data(writer.get(), item.data.data(), item.data.size()) !=
            static_cast<la_ssize_t>(item.data.size())) {
          PayloadError error = failure(current->path);
          abandon();
          throw error;
        }
        progress.Advance(item.data.size());
        pipe.Recycle(std::move(item.data));
        break;
      case PipeItem::Kind::kEnd:
        if (archive_write_finish_entry(writer.get()) != ARCHIVE_OK) throw failure(current->path);
        current = nullptr;
        break;
      case PipeItem::Kind::kFailed:
        abandon();
        std::rethrow_exception(item.error);
      case PipeItem::Kind::kManifest:  // taken by SealedFile::Open
      case PipeItem::Kind::kFinished:
        break;
    }
  }
  // Directory modes are applied at close, still from inside the destination.
  if (archive_write_close(writer.get()) != ARCHIVE_OK) throw failure(".");
  progress.Finish();
}

}  // namespace kha::payload
