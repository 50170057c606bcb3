#include "installer/payload/entry_pipe.h"

#include <exception>
#include <utility>

#include "installer/payload/sealed.h"

namespace kha::payload {

bool EntryPipe::Push(PipeItem item) {
  size_t cost = item.data.size() + kItemCost;
  std::unique_lock<std::mutex> lock(mutex_);
  // An empty queue always takes the item, so one block larger than the
  // budget still passes.
  not_full_.wait(lock,
                 [&] { return closed_ || items_.empty() || queued_bytes_ + cost <= max_bytes_; });
  if (closed_) return false;
  queued_bytes_ += cost;
  items_.push_back(std::move(item));
  lock.unlock();
  not_empty_.notify_one();
  return true;
}

std::string EntryPipe::SpareBuffer() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (spares_.empty()) return {};
  std::string buffer = std::move(spares_.front());
  spares_.pop_front();
  return buffer;
}

PipeItem EntryPipe::Pop() {
  std::unique_lock<std::mutex> lock(mutex_);
  not_empty_.wait(lock, [&] { return !items_.empty(); });
  PipeItem item = std::move(items_.front());
  items_.pop_front();
  queued_bytes_ -= item.data.size() + kItemCost;
  lock.unlock();
  not_full_.notify_one();
  return item;
}

void EntryPipe::Recycle(std::string buffer) {
  buffer.clear();
  std::lock_guard<std::mutex> lock(mutex_);
  if (spares_.size() < kMaxSpares) spares_.push_back(std::move(buffer));
}

void EntryPipe::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    items_.clear();
    queued_bytes_ = 0;
  }
  not_full_.notify_all();
}

void EntryPipe::SetMaxBytes(size_t max_bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    max_bytes_ = max_bytes;
  }
  not_full_.notify_all();
}

size_t EntryPipe::QueuedBytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_bytes_;
}

PipeFeeder::PipeFeeder(std::string_view archive, const Manifest& manifest, std::string_view origin,
                       EntryPipe& pipe)
    : pipe_(pipe), thread_([this, archive, &manifest, origin] {
        Feed([&](const Visit& visit) { WalkArchive(archive, manifest, origin, visit); });
      }) {}

PipeFeeder::PipeFeeder(std::string_view archive, std::function<void()> verify, Manifest* manifest,
                       std::string* compression, std::string_view origin, EntryPipe& pipe)
    : pipe_(pipe),
      thread_([this, archive, verify = std::move(verify), manifest, compression, origin] {
        Feed([&](const Visit& visit) {
          verify();
          auto announce = [&](Manifest read, std::string filter) -> const Manifest& {
            *manifest = std::move(read);
            *compression = std::move(filter);
            // Returns false only when the consumer is gone; the walk then
            // stops at its first Push.
            pipe_.Push(PipeItem::ManifestRead());
            return *manifest;
          };
          WalkArchiveReadingManifest(archive, origin, announce, visit);
        });
      }) {}

PipeFeeder::~PipeFeeder() {
  pipe_.Close();
  thread_.join();
}

void PipeFeeder::Feed(const std::function<void(const Visit&)>& walk) {
  try {
    // Returning true from the visitor ends the walk: the consumer closed the pipe.
    walk([this](const ManifestEntry& listed, const std::function<std::string_view()>& read) {
      return FeedEntry(listed, read);
    });
    pipe_.Push(PipeItem::Finished());
  } catch (...) {
    pipe_.Push(PipeItem::Failed(std::current_exception()));
  }
}

bool PipeFeeder::FeedEntry(const ManifestEntry& listed,
                           const std::function<std::string_view()>& read) {
  if (!pipe_.Push(PipeItem::Begin(listed))) return true;
  for (std::string_view block = read(); !block.empty(); block = read()) {
    // libarchive reuses its block for the next read, so the pipe gets a copy.
    std::string copy = pipe_.SpareBuffer();
    copy.assign(block);
    if (!pipe_.Push(PipeItem::Data(std::move(copy)))) return true;
  }
  return !pipe_.Push(PipeItem::End());
}

}  // namespace kha::payload
