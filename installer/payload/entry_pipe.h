// The hand-off from the thread that decompresses and verifies a payload's
// entries to the thread that writes them, so that zstd and SHA-256 run while
// the file system creates and fills files (what tar gets from its zstd child).
// Bounded in bytes so that a large payload is never held whole in memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "installer/payload/manifest.h"

namespace kha::payload {

// The pipe's budget while a writer drains it: enough to keep the writer busy
// while zstd fills the next blocks (libarchive hands out blocks of up to 128 KiB).
inline constexpr size_t kPipeBytes = 2 << 20;
// The budget while nobody drains it yet because SealedFile::Open is still
// hashing the ~7 MiB before the payload: more than today's whole payload
// (3.2 MiB unpacked), so the lookahead never waits on the hash. Memory held is
// at most this plus one block and the pipe's spare buffers.
inline constexpr size_t kLookaheadBytes = 8 << 20;

struct PipeItem {
  enum class Kind {
    kManifest,  // the archive's manifest was read and announced (a Lookahead's first item)
    kBegin,     // a new entry: `entry`
    kData,      // the next bytes of the current entry: `data`
    kEnd,       // the current entry is complete and matched its digest
    kFinished,  // the archive is complete and matched its manifest
    kFailed,    // the reader refused the archive: `error`
  };
  static PipeItem ManifestRead() { return {Kind::kManifest, nullptr, {}, {}}; }
  static PipeItem Begin(const ManifestEntry& entry) { return {Kind::kBegin, &entry, {}, {}}; }
  static PipeItem Data(std::string data) { return {Kind::kData, nullptr, std::move(data), {}}; }
  static PipeItem End() { return {Kind::kEnd, nullptr, {}, {}}; }
  static PipeItem Finished() { return {Kind::kFinished, nullptr, {}, {}}; }
  static PipeItem Failed(std::exception_ptr error) {
    return {Kind::kFailed, nullptr, {}, std::move(error)};
  }

  Kind kind = Kind::kFinished;
  const ManifestEntry* entry = nullptr;
  std::string data;
  std::exception_ptr error;
};

class EntryPipe {
 public:
  // Holds up to `max_bytes` of data (at least one item) before Push waits.
  explicit EntryPipe(size_t max_bytes) : max_bytes_(max_bytes) {}
  EntryPipe(const EntryPipe&) = delete;
  EntryPipe& operator=(const EntryPipe&) = delete;

  // Producer: waits for room; false once the consumer has closed the pipe,
  // which means "stop reading".
  bool Push(PipeItem item);
  // Producer: an emptied data buffer to fill again (saves an allocation and
  // the page faults of a fresh 128 KiB block), or an empty string.
  std::string SpareBuffer();

  // Consumer: waits for the next item.
  PipeItem Pop();
  // Consumer: gives a written data buffer back for reuse.
  void Recycle(std::string buffer);
  // Consumer: stops the producer (its next Push returns false) and drops what
  // is queued.
  void Close();

  // Changes the budget; a producer waiting for room sees the new one.
  void SetMaxBytes(size_t max_bytes);
  // What the queued items cost against the budget (tests).
  size_t QueuedBytes();

 private:
  static constexpr size_t kItemCost = 64;
  static constexpr size_t kMaxSpares = 8;

  size_t max_bytes_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<PipeItem> items_;
  std::deque<std::string> spares_;
  size_t queued_bytes_ = 0;
  bool closed_ = false;
};

// Walks a verified archive on its own thread (WalkArchive, sealed.h) and feeds
// `pipe`; a refusal reaches the consumer as kFailed, in order, after every
// block before it. Destroying a PipeFeeder closes the pipe, which stops the
// walk, and joins the thread. `archive`, `manifest`, `origin` and `pipe` must
// outlive it.
class PipeFeeder {
 public:
  PipeFeeder(std::string_view archive, const Manifest& manifest, std::string_view origin,
             EntryPipe& pipe);
  // For a payload not yet verified: runs `verify` first (it throws PayloadError
  // to refuse), then reads the manifest from the archive itself into
  // `*manifest` and `*compression`, announces it with kManifest, and walks on.
  // The consumer reads neither before it popped kManifest.
  PipeFeeder(std::string_view archive, std::function<void()> verify, Manifest* manifest,
             std::string* compression, std::string_view origin, EntryPipe& pipe);
  ~PipeFeeder();
  PipeFeeder(const PipeFeeder&) = delete;
  PipeFeeder& operator=(const PipeFeeder&) = delete;

 private:
  using Visit = std::function<bool(const ManifestEntry&, const std::function<std::string_view()>&)>;
  void Feed(const std::function<void(const Visit&)>& walk);
  bool FeedEntry(const ManifestEntry& listed, const std::function<std::string_view()>& read);

  EntryPipe& pipe_;
  std::thread thread_;
};

// A payload being decompressed ahead of its use: SealedFile::Open starts one
// before it hashes the bytes before the payload, and Extract or Check takes
// it over. Its thread checks the payload's digest and signature, reads the
// manifest into the SealedFile's, then feeds the entries. Owns what its
// thread reads except the archive bytes and the manifest, which SealedFile
// keeps at fixed addresses.
class Lookahead {
 public:
  Lookahead(std::string_view archive, std::function<void()> verify, Manifest* manifest,
            std::string* compression, std::string origin, size_t max_bytes)
      : origin_(std::move(origin)),
        pipe_(max_bytes),
        feeder_(archive, std::move(verify), manifest, compression, origin_, pipe_) {}
  EntryPipe& pipe() { return pipe_; }

 private:
  std::string origin_;
  EntryPipe pipe_;
  PipeFeeder feeder_;  // last: stopped and joined before the rest goes
};

}  // namespace kha::payload
