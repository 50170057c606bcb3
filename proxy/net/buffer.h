// A connection's byte buffer: allocated once, reused for every request, grown
// only for an unusually large head or a body kept for a retry.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>

namespace kha::proxy::net {

// Never zero-filled: untouched pages stay out of RSS, which is what keeps
// 1,000 idle keep-alive clients cheap; only [begin, end) is ever read.
class Buffer {
 public:
  explicit Buffer(size_t capacity)
      : data_(std::make_unique_for_overwrite<char[]>(capacity)), capacity_(capacity) {}

  std::string_view data() const { return {data_.get() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return capacity_; }

  // Free room after the data; compacts first when the tail is full.
  char* space() {
    if (end_ == capacity_ && begin_ > 0) Compact();
    return data_.get() + end_;
  }
  size_t space_size() const { return capacity_ - end_ + (end_ == capacity_ ? begin_ : 0); }

  void Commit(size_t n) { end_ += n; }
  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }

  // Makes room for `total` bytes of data starting at the front. Moves the
  // data: views into it are invalid afterwards.
  void Reserve(size_t total) {
    if (total > capacity_) {
      auto bigger = std::make_unique_for_overwrite<char[]>(total);
      std::memcpy(bigger.get(), data_.get() + begin_, size());
      end_ = size();
      begin_ = 0;
      data_ = std::move(bigger);
      capacity_ = total;
    } else if (begin_ + total > capacity_) {
      Compact();
    }
  }

  void Compact() {
    if (begin_ == 0) return;
    std::memmove(data_.get(), data_.get() + begin_, size());
    end_ -= begin_;
    begin_ = 0;
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace kha::proxy::net
