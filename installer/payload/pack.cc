#include "installer/payload/pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>

#include "common/file_util.h"
#include "common/unique_fd.h"
#include "installer/digest/sha256.h"

namespace kha::payload {
namespace {

constexpr size_t kBlock = 1 << 16;

struct WriteFree {
  void operator()(archive* writer) const { archive_write_free(writer); }
};
struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

UniqueFd OpenForReading(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) throw SystemError("cannot open", path, errno);
  return fd;
}

// Reads `fd` to its end in blocks, calling `consume` for each.
template <typename Consume>
void ReadBlocks(int fd, const std::string& path, Consume consume) {
  std::string buffer(kBlock, '\0');
  for (;;) {
    ssize_t got = read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw SystemError("cannot read", path, errno);
    if (got == 0) return;
    consume(std::string_view(buffer.data(), static_cast<size_t>(got)));
  }
}

void WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t written = write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) throw SystemError("cannot write", path, errno);
    data.remove_prefix(static_cast<size_t>(written));
  }
}

std::array<uint8_t, 32> HashRange(int fd, uint64_t offset, uint64_t length,
                                  const std::string& path) {
  digest::Sha256 hash;
  std::string buffer(kBlock, '\0');
  while (length > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length, buffer.size()));
    ssize_t got = pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw SystemError("cannot read back", path, got < 0 ? errno : EIO);
    hash.Update(buffer.data(), static_cast<size_t>(got));
    offset += static_cast<uint64_t>(got);
    length -= static_cast<uint64_t>(got);
  }
  return hash.Finish();
}

void AddMember(std::vector<PackMember>& members, const std::filesystem::path& source,
               const std::string& destination) {
  if (!IsSafeRelativePath(destination) || destination == kManifestName)
    throw std::runtime_error(source.string() + ": unsafe destination \"" + destination + "\"");
  struct stat status {};
  if (lstat(source.c_str(), &status) != 0) throw SystemError("cannot stat", source, errno);
  PackMember member;
  member.entry.path = destination;
  if (S_ISDIR(status.st_mode)) {
    member.entry.directory = true;
    member.entry.mode = 0755;
    members.push_back(member);
    std::vector<std::filesystem::path> children;
    for (const auto& child : std::filesystem::directory_iterator(source))
      children.push_back(child.path());
    std::sort(children.begin(), children.end());
    for (const auto& child : children)
      AddMember(members, child, destination + "/" + child.filename().string());
    return;
  }
  if (!S_ISREG(status.st_mode))
    throw std::runtime_error(source.string() +
                             ": not a regular file or folder (payloads hold no links or "
                             "special files)");
  member.entry.mode = (status.st_mode & 0111) != 0 ? 0755 : 0644;
  member.source = source.string();
  UniqueFd fd = OpenForReading(member.source);
  digest::Sha256 hash;
  uint64_t size = 0;
  ReadBlocks(fd.get(), member.source, [&](std::string_view block) {
    hash.Update(block);
    size += block.size();
  });
  std::array<uint8_t, 32> digest = hash.Finish();
  member.entry.size = size;
  member.entry.sha256 = digest::ToHex(digest.data(), digest.size());
  members.push_back(member);
}

// Parent folders a destination like "bin/kha-proxy" needs, so that every
// file's folder is listed (and created with a known mode).
void AddParents(std::vector<PackMember>& members, const std::string& destination) {
  for (size_t slash = destination.find('/'); slash != std::string::npos;
       slash = destination.find('/', slash + 1)) {
    std::string parent = destination.substr(0, slash);
    bool known = std::any_of(members.begin(), members.end(),
                             [&](const PackMember& m) { return m.entry.path == parent; });
    if (known) continue;
    PackMember folder;
    folder.entry.path = parent;
    folder.entry.directory = true;
    folder.entry.mode = 0755;
    members.push_back(folder);
  }
}

void WriteEntry(archive* writer, const ManifestEntry& listed, const std::string& out) {
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), listed.path.c_str());
  archive_entry_set_filetype(entry.get(), listed.directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(entry.get(), listed.mode);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(listed.size));
  archive_entry_set_mtime(entry.get(), 0, 0);  // reproducible builds
  if (archive_write_header(writer, entry.get()) != ARCHIVE_OK)
    throw std::runtime_error(out + ": " + archive_error_string(writer));
}

void WriteData(archive* writer, std::string_view data, const std::string& out) {
  if (archive_write_data(writer, data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
    throw std::runtime_error(out + ": " + archive_error_string(writer));
}

void SetCompression(archive* writer, const std::string& compression, int level) {
  int status = ARCHIVE_OK;
  std::string option;
  if (compression == "zstd") {
    status = archive_write_add_filter_zstd(writer);
    option = "zstd:compression-level=" + std::to_string(level);
  } else if (compression == "xz") {
    status = archive_write_add_filter_xz(writer);
    option = "xz:compression-level=" + std::to_string(level);
  } else if (compression != "none") {
    throw std::runtime_error("unknown compression \"" + compression + "\" (zstd, xz or none)");
  }
  if (status == ARCHIVE_OK && !option.empty())
    status = archive_write_set_options(writer, option.c_str());
  if (status != ARCHIVE_OK)
    throw std::runtime_error("cannot set up " + compression + ": " + archive_error_string(writer));
}

Trailer MakeTrailer(Kind kind, uint64_t offset, uint64_t length,
                    const std::array<uint8_t, 32>& prefix_sha256,
                    const std::array<uint8_t, 32>& payload_sha256, const PrivateKey* key) {
  Trailer trailer;
  trailer.payload_offset = offset;
  trailer.payload_length = length;
  trailer.prefix_sha256 = prefix_sha256;
  trailer.payload_sha256 = payload_sha256;
  if (key != nullptr) {
    trailer.flags |= kFlagSigned;
    trailer.key_id = key->Public().id();
    trailer.signature = key->Sign(SignedPart(kind, trailer));
  }
  return trailer;
}

}  // namespace

std::vector<PackMember> CollectMembers(const std::vector<PackInput>& inputs) {
  std::vector<PackMember> members;
  for (const PackInput& input : inputs) {
    AddParents(members, input.destination);
    AddMember(members, input.source, input.destination);
  }
  std::stable_sort(members.begin(), members.end(), [](const PackMember& a, const PackMember& b) {
    return a.entry.path < b.entry.path;
  });
  for (size_t i = 1; i < members.size(); ++i) {
    if (members[i].entry.path == members[i - 1].entry.path)
      throw std::runtime_error("two inputs land at \"" + members[i].entry.path + "\"");
  }
  return members;
}

uint64_t Pack(const PackOptions& options, const std::string& out) {
  std::vector<PackMember> members = CollectMembers(options.inputs);
  Manifest manifest;
  manifest.version = options.version;
  manifest.build_date = options.build_date;
  for (const PackMember& member : members) manifest.entries.push_back(member.entry);
  std::string manifest_text = FormatManifest(manifest);

  std::string temporary = out + ".kha-XXXXXX";
  UniqueFd fd(mkstemp(temporary.data()));
  if (fd.get() < 0) throw SystemError("cannot create", temporary, errno);
  try {
    uint64_t offset = 0;
    if (!options.stub_path.empty()) {
      UniqueFd stub = OpenForReading(options.stub_path);
      ReadBlocks(stub.get(), options.stub_path, [&](std::string_view block) {
        WriteAll(fd.get(), block, temporary);
        offset += block.size();
      });
    }

    std::unique_ptr<archive, WriteFree> writer(archive_write_new());
    if (!writer) throw std::runtime_error("out of memory");
    // Calling the pax writer directly keeps every other format (and the xar
    // writer's libxml2) out of a static link.
    archive_write_set_format_pax_restricted(writer.get());
    SetCompression(writer.get(), options.compression, options.level);
    archive_write_set_bytes_in_last_block(writer.get(), 1);
    if (archive_write_open_fd(writer.get(), fd.get()) != ARCHIVE_OK)
      throw std::runtime_error(out + ": " + archive_error_string(writer.get()));

    ManifestEntry manifest_entry;
    manifest_entry.path = std::string(kManifestName);
    manifest_entry.mode = 0644;
    manifest_entry.size = manifest_text.size();
    WriteEntry(writer.get(), manifest_entry, out);
    WriteData(writer.get(), manifest_text, out);
    for (const PackMember& member : members) {
      WriteEntry(writer.get(), member.entry, out);
      if (member.entry.directory) continue;
      UniqueFd source = OpenForReading(member.source);
      digest::Sha256 hash;
      ReadBlocks(source.get(), member.source, [&](std::string_view block) {
        hash.Update(block);
        WriteData(writer.get(), block, out);
      });
      std::array<uint8_t, 32> digest = hash.Finish();
      if (digest::ToHex(digest.data(), digest.size()) != member.entry.sha256)
        throw std::runtime_error(member.source + ": changed while it was being packed");
    }
    if (archive_write_close(writer.get()) != ARCHIVE_OK)
      throw std::runtime_error(out + ": " + archive_error_string(writer.get()));

    off_t end = lseek(fd.get(), 0, SEEK_END);
    if (end < 0) throw SystemError("cannot seek", temporary, errno);
    uint64_t length = static_cast<uint64_t>(end) - offset;
    Trailer trailer =
        MakeTrailer(options.kind, offset, length, HashRange(fd.get(), 0, offset, temporary),
                    HashRange(fd.get(), offset, length, temporary), options.key);
    WriteAll(fd.get(), EncodeTrailer(options.kind, trailer), temporary);
    mode_t mode = options.kind == Kind::kInstaller ? 0755 : 0644;
    if (fchmod(fd.get(), mode) != 0 || fsync(fd.get()) != 0)
      throw SystemError("cannot finish", temporary, errno);
    if (close(fd.Release()) != 0) throw SystemError("cannot close", temporary, errno);
    if (rename(temporary.c_str(), out.c_str()) != 0)
      throw SystemError("cannot rename into", out, errno);
    return length;
  } catch (...) {
    unlink(temporary.c_str());
    throw;
  }
}

std::string Seal(Kind kind, std::string_view stub, std::string_view archive,
                 const PrivateKey* key) {
  auto hash = [](std::string_view data) {
    digest::Sha256 sha;
    sha.Update(data);
    return sha.Finish();
  };
  Trailer trailer = MakeTrailer(kind, stub.size(), archive.size(), hash(stub), hash(archive), key);
  std::string sealed(stub);
  sealed += archive;
  sealed += EncodeTrailer(kind, trailer);
  return sealed;
}

}  // namespace kha::payload
