#include "installer/payload/entry_pipe.h"

#include <utility>

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

}  // namespace kha::payload
