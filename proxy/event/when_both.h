// co_await WhenBoth(a, b): runs two Tasks at once on the current loop and
// resumes the caller when both have finished (the first exception, if any,
// is rethrown). A tunnel's two directions are its user.
#pragma once

#include <coroutine>
#include <exception>
#include <utility>

#include "proxy/event/task.h"

namespace kha::proxy::event {

class WhenBoth {
 public:
  WhenBoth(Task<void> first, Task<void> second)
      : first_(std::move(first)), second_(std::move(second)) {}
  WhenBoth(const WhenBoth&) = delete;
  WhenBoth& operator=(const WhenBoth&) = delete;
  ~WhenBoth() {
    for (Child& child : children_) {
      if (child.handle) child.handle.destroy();
    }
  }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> awaiting) {
    awaiting_ = awaiting;
    children_[0] = Run(std::move(first_), this);
    children_[1] = Run(std::move(second_), this);
    children_[0].handle.resume();
    children_[1].handle.resume();
    // One count is this call's own: whoever brings it to zero resumes the
    // caller, and that is never done from in here.
    return --pending_ != 0;
  }
  void await_resume() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct Child {
    // NOLINTNEXTLINE(readability-identifier-naming): the name C++ requires
    struct promise_type : RecycledFrame {
      // Given the coroutine's own arguments (C++20), so it knows its join.
      promise_type(Task<void>& /*task*/, WhenBoth* owner) : join(owner) {}
      WhenBoth* join;
      Child get_return_object() noexcept {
        return Child{std::coroutine_handle<promise_type>::from_promise(*this)};
      }
      std::suspend_always initial_suspend() noexcept { return {}; }
      struct Done {
        bool await_ready() noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> done) noexcept {
          WhenBoth* join = done.promise().join;
          if (--join->pending_ == 0) return join->awaiting_;
          return std::noop_coroutine();
        }
        void await_resume() noexcept {}
      };
      Done final_suspend() noexcept { return {}; }
      void return_void() noexcept {}
      void unhandled_exception() noexcept { std::terminate(); }  // Run catches everything
    };
    std::coroutine_handle<promise_type> handle;
  };

  static Child Run(Task<void> task, WhenBoth* join) {
    try {
      co_await std::move(task);
    } catch (...) {
      if (!join->error_) join->error_ = std::current_exception();
    }
  }
  Task<void> first_;
  Task<void> second_;
  Child children_[2];
  std::coroutine_handle<> awaiting_;
  int pending_ = 3;
  std::exception_ptr error_;
};

}  // namespace kha::proxy::event
