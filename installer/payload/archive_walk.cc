// Reading the tar inside a sealed file with libarchive: only tar, only
// directories and regular files, only what the manifest lists.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <set>

#include "common/file_util.h"
#include "common/terminal.h"
#include "installer/digest/sha256.h"
#include "installer/payload/sealed.h"

namespace kha::payload {
namespace {

constexpr int64_t kMaxManifestSize = 16 << 20;

struct ReadFree {
  void operator()(archive* reader) const { archive_read_free(reader); }
};
using Reader = std::unique_ptr<archive, ReadFree>;

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

Reader OpenReader(std::string_view data, std::string_view origin) {
  Reader reader(archive_read_new());
  if (!reader) throw PayloadError("out of memory opening an archive");
  archive_read_support_format_tar(reader.get());
  archive_read_support_filter_zstd(reader.get());
  archive_read_support_filter_xz(reader.get());
  if (archive_read_open_memory(reader.get(), data.data(), data.size()) != ARCHIVE_OK)
    throw PayloadError(std::string(origin) +
                       ": the archive is damaged: " + archive_error_string(reader.get()));
  return reader;
}

[[noreturn]] void Damaged(archive* reader, std::string_view origin) {
  const char* why = archive_error_string(reader);
  throw PayloadError(std::string(origin) +
                     ": the archive is damaged: " + (why != nullptr ? why : "unknown error"));
}

std::string_view KindOfEntry(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return "a hard link";
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
    case AE_IFDIR:
      return "";
    case AE_IFLNK:
      return "a symbolic link";
    default:
      return "a special file";
  }
}

}  // namespace

namespace {

// The first entry, which must be the manifest; `reader` stands before it.
// Messages name "archive" and get the file's name from the caller.
Manifest ReadManifestEntry(archive* reader, std::string* compression) {
  archive_entry* entry = nullptr;
  int status = archive_read_next_header(reader, &entry);
  if (status != ARCHIVE_OK) Damaged(reader, "archive");
  const char* name = archive_entry_pathname(entry);
  if (name == nullptr || name != kManifestName || archive_entry_filetype(entry) != AE_IFREG ||
      archive_entry_hardlink(entry) != nullptr)
    throw PayloadError("the archive does not start with its manifest");
  int64_t size = archive_entry_size(entry);
  if (size < 0 || size > kMaxManifestSize) throw PayloadError("the manifest is too large");
  std::string text(static_cast<size_t>(size), '\0');
  if (archive_read_data(reader, text.data(), text.size()) != size) Damaged(reader, "archive");
  if (compression != nullptr) *compression = archive_filter_name(reader, 0);
  try {
    return ParseManifest(text);
  } catch (const std::runtime_error& error) {
    throw PayloadError(error.what());
  }
}

// Every entry after the manifest, checked against it; see WalkArchive.
void WalkEntries(archive* reader, const Manifest& manifest, std::string_view origin,
                 const std::function<bool(const ManifestEntry&, const ReadBlock&)>& visit);

}  // namespace

Manifest SealedFile::ReadManifest(std::string_view data, std::string* compression) {
  Reader reader = OpenReader(data, "archive");
  return ReadManifestEntry(reader.get(), compression);
}

void WalkArchiveReadingManifest(
    std::string_view archive, std::string_view origin,
    const std::function<const Manifest&(Manifest manifest, std::string compression)>& found,
    const std::function<bool(const ManifestEntry&, const ReadBlock&)>& visit) {
  Reader reader;
  const Manifest* manifest = nullptr;
  try {
    reader = OpenReader(archive, "archive");
    std::string compression;
    Manifest read = ReadManifestEntry(reader.get(), &compression);
    manifest = &found(std::move(read), std::move(compression));
  } catch (const PayloadError& error) {
    throw PayloadError(std::string(origin) + ": " + error.what());
  }
  WalkEntries(reader.get(), *manifest, origin, visit);
}

void WalkArchive(std::string_view data, const Manifest& manifest, std::string_view origin,
                 const std::function<bool(const ManifestEntry&, const ReadBlock&)>& visit) {
  Reader reader = OpenReader(data, origin);
  archive_entry* entry = nullptr;
  int status = archive_read_next_header(reader.get(), &entry);
  if (status == ARCHIVE_OK) {
    const char* raw_name = archive_entry_pathname(entry);
    if (raw_name == nullptr || raw_name != kManifestName)
      throw PayloadError(std::string(origin) + ": the archive does not start with its manifest");
  } else if (status == ARCHIVE_EOF) {
    throw PayloadError(std::string(origin) + ": the archive does not start with its manifest");
  } else {
    Damaged(reader.get(), origin);
  }
  WalkEntries(reader.get(), manifest, origin, visit);
}

namespace {

void WalkEntries(archive* reader, const Manifest& manifest, std::string_view origin,
                 const std::function<bool(const ManifestEntry&, const ReadBlock&)>& visit) {
  std::string prefix = std::string(origin) + ": entry ";
  std::set<const ManifestEntry*> seen;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(reader, &entry)) == ARCHIVE_OK) {
    const char* raw_name = archive_entry_pathname(entry);
    std::string path = raw_name != nullptr ? raw_name : "";
    // tar writers end folder names with '/'; the manifest does not.
    if (archive_entry_filetype(entry) == AE_IFDIR && path.size() > 1 && path.back() == '/')
      path.pop_back();
    if (!IsSafeRelativePath(path))
      throw PayloadError(prefix + Quote(path) +
                         " is not a safe relative path (absolute, empty or with ..): refused");
    std::string_view odd = KindOfEntry(entry);
    if (!odd.empty())
      throw PayloadError(prefix + Quote(path) + " is " + std::string(odd) + ": refused");
    const ManifestEntry* listed = manifest.Find(path);
    if (listed == nullptr)
      throw PayloadError(prefix + Quote(path) + " is not in the manifest: refused");
    if (!seen.insert(listed).second)
      throw PayloadError(prefix + Quote(path) + " appears twice: refused");
    bool directory = archive_entry_filetype(entry) == AE_IFDIR;
    uint32_t permissions = static_cast<uint32_t>(archive_entry_perm(entry));
    int64_t size = archive_entry_size(entry);
    if (directory != listed->directory || permissions != listed->mode ||
        (!directory && (size < 0 || static_cast<uint64_t>(size) != listed->size)))
      throw PayloadError(prefix + Quote(path) +
                         " does not match the manifest (type, mode or size): refused");

    // Hashes what the visitor reads; the end of data is only reported after
    // the digest and size matched, so nothing unverified is ever committed.
    digest::Sha256 hash;
    uint64_t next_offset = 0;
    bool ended = directory;
    ReadBlock read = [&]() -> std::string_view {
      while (!ended) {
        const void* buffer = nullptr;
        size_t length = 0;
        la_int64_t offset = 0;
        int result = archive_read_data_block(reader, &buffer, &length, &offset);
        if (result == ARCHIVE_EOF) {
          std::array<uint8_t, 32> digest = hash.Finish();
          ended = true;
          if (next_offset != listed->size ||
              digest::ToHex(digest.data(), digest.size()) != listed->sha256)
            throw PayloadError(prefix + Quote(path) +
                               " does not match its SHA-256 in the manifest: refused");
          break;
        }
        if (result != ARCHIVE_OK) Damaged(reader, origin);
        if (static_cast<uint64_t>(offset) != next_offset)
          throw PayloadError(prefix + Quote(path) + " is sparse: refused");
        next_offset += length;
        hash.Update(buffer, length);
        if (length > 0) return std::string_view(static_cast<const char*>(buffer), length);
      }
      return {};
    };
    if (visit(*listed, read)) return;
    while (!read().empty()) {
    }
  }
  if (status != ARCHIVE_EOF) Damaged(reader, origin);
  for (const ManifestEntry& listed : manifest.entries) {
    if (seen.count(&listed) == 0)
      throw PayloadError(prefix + Quote(listed.path) +
                         " is listed in the manifest but missing from the archive");
  }
}

}  // namespace

}  // namespace kha::payload
