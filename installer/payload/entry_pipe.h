// The hand-off from the thread that decompresses and verifies a payload's
// entries to the thread that writes them, so that zstd and SHA-256 run while
// the file system creates and fills files (what tar gets from its zstd child).
// Bounded in bytes so that a large payload is never held whole in memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <utility>

#include "installer/payload/manifest.h"

namespace kha::payload {

struct PipeItem {
  enum class Kind {
    kBegin,     // a new entry: `entry`
    kData,      // the next bytes of the current entry: `data`
    kEnd,       // the current entry is complete and matched its digest
    kFinished,  // the archive is complete and matched its manifest
    kFailed,    // the reader refused the archive: `error`
  };
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

 private:
  static constexpr size_t kItemCost = 64;
  static constexpr size_t kMaxSpares = 8;

  const size_t max_bytes_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<PipeItem> items_;
  std::deque<std::string> spares_;
  size_t queued_bytes_ = 0;
  bool closed_ = false;
};

}  // namespace kha::payload
