#include "installer/payload/sealed.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>
#include <vector>

#include "common/file_util.h"
#include "common/unique_fd.h"
#include "installer/digest/sha256.h"
#include "installer/payload/builtin_keys.h"
#include "installer/payload/ed25519.h"
#include "installer/payload/entry_pipe.h"

namespace kha::payload {
namespace {

// How far from the end a misplaced trailer is looked for, to tell "extra bytes"
// from "not a payload at all".
constexpr uint64_t kTrailerSearchWindow = 1 << 20;

std::string DigestHex(const std::array<uint8_t, 32>& digest) {
  return digest::ToHex(digest.data(), digest.size());
}

std::array<uint8_t, 32> Sha256Of(const unsigned char* data, uint64_t size) {
  digest::Sha256 hash;
  hash.Update(data, size);
  return hash.Finish();
}

// The SHA-256 of the first `length` bytes of `fd`, read through one reused
// buffer. Reading the mapping instead faults in every page of it: on the
// Firecracker VM measured, hashing the 7.5 MiB executable took 10-13 ms that
// way against 7 ms with pread, and the faults held up the thread
// decompressing the payload meanwhile.
std::array<uint8_t, 32> Sha256OfFile(int fd, uint64_t length, const std::string& path) {
  constexpr size_t kChunk = 256 << 10;
  std::vector<unsigned char> buffer(kChunk);
  digest::Sha256 hash;
  uint64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, length - done));
    ssize_t n = pread(fd, buffer.data(), want, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw PayloadError(SystemError("cannot read", path, errno).what());
    if (n == 0) throw PayloadError(path + ": the file became shorter while it was read");
    hash.Update(buffer.data(), static_cast<size_t>(n));
    done += static_cast<uint64_t>(n);
  }
  return hash.Finish();
}

std::string NotSealedMessage(const std::string& path, Kind kind) {
  return kind == Kind::kInstaller
             ? path +
                   ": no payload found: the file is truncated or is not a kha-install "
                   "executable with a payload"
             : path + ": no bundle trailer found: the file is truncated or is not a kha bundle";
}

// Finds the trailer when it is not at the very end, to name the problem.
[[noreturn]] void ExplainMissingTrailer(const std::string& path, Kind kind, std::string_view file) {
  std::string_view magic = MagicFor(kind);
  size_t window = static_cast<size_t>(std::min<uint64_t>(file.size(), kTrailerSearchWindow));
  std::string_view tail = file.substr(file.size() - window);
  for (size_t at = tail.rfind(magic); at != std::string_view::npos;
       at = at == 0 ? std::string_view::npos : tail.rfind(magic, at - 1)) {
    size_t remaining = tail.size() - at;
    if (remaining < kTrailerSize) {
      throw PayloadError(path + ": the " + std::string(NameFor(kind)) +
                         " trailer is cut short: the file is truncated");
    }
    TrailerProblem problem;
    DecodeTrailer(kind, tail.substr(at, kTrailerSize), &problem);
    if (problem == TrailerProblem::kNone) {
      throw PayloadError(path + ": " + std::to_string(remaining - kTrailerSize) +
                         " unexpected bytes after the " + std::string(NameFor(kind)) +
                         " trailer: the file was changed after it was built");
    }
  }
  throw PayloadError(NotSealedMessage(path, kind));
}

std::vector<PublicKey> TrustedKeys(const TrustOptions& trust) {
  std::vector<PublicKey> keys;
  if (trust.use_builtin_keys) {
    for (std::string_view pem : BuiltinPublicKeyPems())
      keys.push_back(PublicKey::FromPem(pem, "built-in key"));
  }
  for (const std::string& pem : trust.trusted_key_pems)
    keys.push_back(PublicKey::FromPem(pem, "trusted key"));
  for (const std::string& file : trust.trusted_key_files) {
    try {
      keys.push_back(PublicKey::FromPemFile(file));
    } catch (const std::exception& error) {
      throw PayloadError(std::string("trusted key ") + error.what());
    }
  }
  return keys;
}

void VerifySignature(const std::string& path, Kind kind, const Trailer& trailer,
                     const TrustOptions& trust) {
  std::string name(NameFor(kind));
  if (trust.listing_only) return;
  if (!trailer.is_signed()) {
    if (trust.require_signature)
      throw PayloadError(path + ": the " + name + " is unsigned and a signature is required");
    return;
  }
  std::string id = KeyIdHex(trailer.key_id);
  for (const PublicKey& key : TrustedKeys(trust)) {
    if (key.id() != trailer.key_id) continue;
    if (!key.Verify(SignedPart(kind, trailer), trailer.signature)) {
      std::string message = path;
      message.append(": the ").append(name).append(" signature by key ").append(id);
      message.append(" does not verify: the file was tampered with");
      throw PayloadError(message);
    }
    return;
  }
  throw PayloadError(path + ": the " + name + " is signed by key " + id +
                     ", which is not trusted (give its public key with --trusted-key)");
}

}  // namespace

SealedFile SealedFile::Open(const std::string& path, Kind kind, const TrustOptions& trust,
                            const OpenOptions& options) {
  SealedFile sealed;
  sealed.path_ = path;
  sealed.kind_ = kind;
  // Kept open until Open returns: the code before the payload is hashed through read().
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw PayloadError(SystemError("cannot open", path, errno).what());
  struct stat status {};
  if (fstat(fd.get(), &status) != 0)
    throw PayloadError(SystemError("cannot stat", path, errno).what());
  sealed.size_ = static_cast<uint64_t>(status.st_size);
  if (sealed.size_ < kTrailerSize) throw PayloadError(NotSealedMessage(path, kind));
  void* map = mmap(nullptr, sealed.size_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (map == MAP_FAILED) throw PayloadError(SystemError("cannot map", path, errno).what());
  sealed.map_ = static_cast<const unsigned char*>(map);

  std::string_view file(reinterpret_cast<const char*>(sealed.map_), sealed.size_);
  std::string name(NameFor(kind));
  TrailerProblem problem;
  sealed.trailer_ = DecodeTrailer(kind, file.substr(file.size() - kTrailerSize), &problem);
  switch (problem) {
    case TrailerProblem::kNone:
      break;
    case TrailerProblem::kBadMagic:
      ExplainMissingTrailer(path, kind, file);
    case TrailerProblem::kBadDigest:
    case TrailerProblem::kBadReserved:
      throw PayloadError(path + ": the " + name + " trailer is corrupted");
    case TrailerProblem::kBadVersion:
      throw PayloadError(
          path + ": " + name + " format version " + std::to_string(sealed.trailer_.version) +
          " is not supported (this build reads version " + std::to_string(kFormatVersion) + ")");
  }
  const Trailer& trailer = sealed.trailer_;
  uint64_t body = sealed.size_ - kTrailerSize;
  if (trailer.payload_offset > body || trailer.payload_length != body - trailer.payload_offset) {
    throw PayloadError(path + ": the " + name + " trailer does not match the file's size (" +
                       std::to_string(sealed.size_) +
                       " bytes): the file is truncated or was changed");
  }
  // The bytes before the payload are most of the file (~6.7 MiB of static
  // code, never parsed here). A problem with them is the one reported first.
  auto check_prefix = [&](EntryPipe* lookahead) {
    std::string_view prefix = file.substr(0, trailer.payload_offset);
    std::array<uint8_t, 32> digest = options.prefix_digest
                                         ? options.prefix_digest(prefix, lookahead)
                                         : Sha256OfFile(fd.get(), trailer.payload_offset, path);
    if (digest != trailer.prefix_sha256) {
      throw PayloadError(path + ": checksum mismatch in the " +
                         (kind == Kind::kInstaller ? "executable" : "bundle header") +
                         " before the " + name + ": the file is corrupted");
    }
  };
  sealed.archive_ = file.substr(trailer.payload_offset, trailer.payload_length);
  // The payload's digest and signature, which come before anything reads it.
  auto check_payload = [path, kind, trailer, trust, archive = sealed.archive_, name] {
    std::array<uint8_t, 32> actual =
        Sha256Of(reinterpret_cast<const unsigned char*>(archive.data()), archive.size());
    if (actual != trailer.payload_sha256) {
      throw PayloadError(path + ": " + name + " checksum mismatch (expected " +
                         DigestHex(trailer.payload_sha256) + ", got " + DigestHex(actual) +
                         "): the file is corrupted");
    }
    VerifySignature(path, kind, trailer, trust);
  };

  if (options.lookahead) {
    // The lookahead's thread checks the payload, reads its manifest and
    // decompresses ahead while this one hashes the executable: of the two,
    // the payload's chain is what an extraction waits for.
    sealed.lookahead_ =
        std::make_unique<Lookahead>(sealed.archive_, check_payload, sealed.manifest_.get(),
                                    &sealed.compression_, path, kLookaheadBytes);
    EntryPipe& pipe = sealed.lookahead_->pipe();
    // On a mismatch the lookahead is stopped and joined as `sealed` goes.
    check_prefix(&pipe);
    PipeItem first = pipe.Pop();
    if (first.kind == PipeItem::Kind::kFailed) std::rethrow_exception(first.error);
    // Verified: from here the lookahead only keeps what a writer needs at hand.
    pipe.SetMaxBytes(kPipeBytes);
    return sealed;
  }
  try {
    check_payload();
    try {
      *sealed.manifest_ = ReadManifest(sealed.archive_, &sealed.compression_);
    } catch (const PayloadError& error) {
      throw PayloadError(path + ": " + error.what());
    }
  } catch (const PayloadError&) {
    check_prefix(nullptr);
    throw;
  }
  check_prefix(nullptr);
  return sealed;
}

SealedFile::SealedFile() : manifest_(std::make_unique<Manifest>()) {}

SealedFile::~SealedFile() {
  // The lookahead's thread reads the mapping: stop it first.
  lookahead_.reset();
  if (map_ != nullptr) munmap(const_cast<unsigned char*>(map_), size_);
}

SealedFile::SealedFile(SealedFile&& other) noexcept
    : path_(std::move(other.path_)),
      kind_(other.kind_),
      map_(std::exchange(other.map_, nullptr)),
      size_(other.size_),
      trailer_(other.trailer_),
      manifest_(std::move(other.manifest_)),
      compression_(std::move(other.compression_)),
      archive_(other.archive_),
      lookahead_(other.TakeLookahead()) {}

std::unique_ptr<Lookahead> SealedFile::TakeLookahead() const {
  std::lock_guard<std::mutex> lock(lookahead_mutex_);
  return std::move(lookahead_);
}

std::string SealedFile::signer() const {
  return trailer_.is_signed() ? KeyIdHex(trailer_.key_id) : "unsigned";
}

void SealedFile::Check() const {
  if (std::unique_ptr<Lookahead> ahead = TakeLookahead()) {
    // The lookahead already checks every entry; only its verdict is wanted.
    EntryPipe& pipe = ahead->pipe();
    for (PipeItem item = pipe.Pop(); item.kind != PipeItem::Kind::kFinished; item = pipe.Pop()) {
      if (item.kind == PipeItem::Kind::kFailed) std::rethrow_exception(item.error);
      if (item.kind == PipeItem::Kind::kData) pipe.Recycle(std::move(item.data));
    }
    return;
  }
  WalkArchive(archive_, *manifest_, path_, [](const ManifestEntry&, const ReadBlock& read) {
    while (!read().empty()) {
    }
    return false;
  });
}

std::string SealedFile::ReadEntry(std::string_view entry_path) const {
  // A lookahead would only hold memory and a core from here on: stop it.
  TakeLookahead().reset();
  const ManifestEntry* wanted = manifest_->Find(entry_path);
  if (wanted == nullptr || wanted->directory)
    throw PayloadError(path_ + ": no file \"" + std::string(entry_path) + "\" in the " +
                       std::string(NameFor(kind_)));
  std::string contents;
  contents.reserve(wanted->size);
  WalkArchive(archive_, *manifest_, path_, [&](const ManifestEntry& entry, const ReadBlock& read) {
    if (&entry != wanted) return false;
    for (std::string_view block = read(); !block.empty(); block = read()) contents += block;
    return true;
  });
  return contents;
}

void SealedFile::ExtractEntryToFile(std::string_view entry_path, const std::string& destination,
                                    uint32_t mode) const {
  // A lookahead would only hold memory and a core from here on: stop it.
  TakeLookahead().reset();
  const ManifestEntry* wanted = manifest_->Find(entry_path);
  if (wanted == nullptr || wanted->directory)
    throw PayloadError(path_ + ": no file \"" + std::string(entry_path) + "\" in the " +
                       std::string(NameFor(kind_)));
  WalkArchive(archive_, *manifest_, path_, [&](const ManifestEntry& entry, const ReadBlock& read) {
    if (&entry != wanted) return false;
    std::string temporary = destination + ".kha-XXXXXX";
    int fd = mkstemp(temporary.data());
    if (fd < 0) throw PayloadError(SystemError("cannot create", temporary, errno).what(), 1);
    try {
      for (std::string_view block = read(); !block.empty(); block = read()) {
        while (!block.empty()) {
          ssize_t written = write(fd, block.data(), block.size());
          if (written < 0 && errno == EINTR) continue;
          if (written < 0)
            throw PayloadError(SystemError("cannot write", temporary, errno).what(), 1);
          block.remove_prefix(static_cast<size_t>(written));
        }
      }
      if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
        throw PayloadError(SystemError("cannot finish", temporary, errno).what(), 1);
      int fd_to_close = std::exchange(fd, -1);
      if (close(fd_to_close) != 0)
        throw PayloadError(SystemError("cannot close", temporary, errno).what(), 1);
      if (rename(temporary.c_str(), destination.c_str()) != 0)
        throw PayloadError(SystemError("cannot rename into", destination, errno).what(), 1);
    } catch (...) {
      if (fd >= 0) close(fd);
      unlink(temporary.c_str());
      throw;
    }
    return true;
  });
}

void SealedFile::Extract(const std::string& dir, bool show_progress) const {
  if (std::unique_ptr<Lookahead> ahead = TakeLookahead()) {
    ExtractFromPipe(ahead->pipe(), *manifest_, dir, show_progress);
    return;
  }
  ExtractArchive(archive_, *manifest_, path_, dir, show_progress);
}

}  // namespace kha::payload
