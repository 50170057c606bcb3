#include "proxy/event/loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <system_error>

namespace kha::proxy::event {

namespace {

constexpr int kMaxEvents = 256;

[[noreturn]] void ThrowErrno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

// The frame that owns a spawned Task: linked into the loop while it runs,
// and freeing itself when the Task is done.
struct Loop::Root {
  // NOLINTNEXTLINE(readability-identifier-naming): the name C++ requires
  struct promise_type : RecycledFrame {
    RootLink link;

    Root get_return_object() noexcept {
      return Root{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Unlink {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> done) noexcept {
        RootLink& link = done.promise().link;
        link.prev->next = link.next;
        link.next->prev = link.prev;
        done.destroy();
      }
      void await_resume() noexcept {}
    };
    Unlink final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // Start catches everything
  };
  std::coroutine_handle<promise_type> handle;
};

Loop::Root Loop::Start(Loop* loop, Task<void> task) {
  try {
    co_await std::move(task);
  } catch (...) {
    if (loop->on_error_) loop->on_error_(std::current_exception());
  }
}

Timer::Timer(Loop& loop, std::function<void()> on_fire)
    : loop_(loop), on_fire_(std::move(on_fire)) {}

void Timer::ExpireAt(Clock::time_point when) {
  if (armed()) loop_.HeapRemove(this);
  when_ = when;
  loop_.HeapPush(this);
}

void Timer::Cancel() {
  if (armed()) loop_.HeapRemove(this);
}

Loop::Loop() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) ThrowErrno("epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(epoll_fd_);
    ThrowErrno("eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // the wake-up descriptor
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) {
    ::close(wake_fd_);
    ::close(epoll_fd_);
    ThrowErrno("epoll_ctl");
  }
}

Loop::~Loop() {
  DestroyTasks();
  for (Timer* timer : heap_) timer->slot_ = Timer::kNotArmed;
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void Loop::Spawn(Task<void> task) {
  Root root = Start(this, std::move(task));
  RootLink& link = root.handle.promise().link;
  link.handle = root.handle;
  link.next = roots_.next;
  link.prev = &roots_;
  roots_.next->prev = &link;
  roots_.next = &link;
  root.handle.resume();
}

void Loop::DestroyTasks() {
  while (roots_.next != &roots_) {
    RootLink* link = roots_.next;
    link->prev->next = link->next;
    link->next->prev = link->prev;
    link->handle.destroy();
  }
  ready_.clear();  // nothing parked may run after its frame is gone
}

void Loop::Post(std::function<void()> f) {
  bool was_empty = false;
  {
    std::lock_guard lock(posted_mutex_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(f));
  }
  if (was_empty) {
    uint64_t one = 1;
    // Fails only when the counter is full, and then the loop is awake anyway.
    [[maybe_unused]] ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
  }
}

Watch* Loop::Register(int fd, Interest interest) {
  Watch* watch = free_watches_;
  if (watch != nullptr) {
    free_watches_ = watch->next_free;
    *watch = Watch{};
  } else {
    watch = &watches_.emplace_back();
  }
  watch->loop = this;
  watch->fd = fd;
  watch->out_armed = interest == Interest::kConnecting;
  epoll_event event{};
  event.data.ptr = watch;
  int result = -1;
  if (interest == Interest::kSharedListener) {
    event.events = EPOLLIN | EPOLLET | EPOLLEXCLUSIVE;
    result = ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    if (result != 0 && errno == EINVAL) {  // before Linux 4.5
      event.events = EPOLLIN | EPOLLET;
      result = ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
    }
  } else {
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (watch->out_armed ? EPOLLOUT : 0U);
    result = ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  }
  if (result != 0) {
    int error = errno;
    watch->fd = -1;
    watch->next_free = free_watches_;
    free_watches_ = watch;
    throw std::system_error(error, std::generic_category(), "epoll_ctl");
  }
  return watch;
}

void Watch::WriteBlocked() {
  writable = false;
  if (!out_armed) loop->ArmWritable(this);
}

void Loop::ArmWritable(Watch* watch) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.ptr = watch;
  // Modifying re-checks readiness: room that appeared meanwhile is reported.
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, watch->fd, &event) == 0) {
    watch->out_armed = true;
  } else {
    watch->writable = true;  // cannot wait for it: let the next write find out
  }
}

void Loop::Close(Watch* watch, bool explicit_delete) {
  if (explicit_delete) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, watch->fd, nullptr);
  ::close(watch->fd);
  watch->fd = -1;
  watch->reader = nullptr;
  watch->writer = nullptr;
  retired_.push_back(watch);
}

void Loop::Cancel(Watch* watch) {
  for (IoWaiter** waiter : {&watch->reader, &watch->writer}) {
    if (*waiter == nullptr) continue;
    (*waiter)->cancelled = ECANCELED;
    Schedule((*waiter)->handle);
    *waiter = nullptr;
  }
}

void Loop::Dispatch(Watch* watch, uint32_t events) {
  if (watch->fd < 0) return;  // closed earlier in this round
  if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) watch->peer_closed = true;
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) watch->readable = true;
  if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0) watch->writable = true;
  if (IoWaiter* reader = watch->reader; reader != nullptr && watch->readable) {
    if (reader->attempt(*reader)) {
      watch->reader = nullptr;
      reader->handle.resume();
    }
  }
  // The reader may have closed the descriptor; Close cleared the writer then.
  if (IoWaiter* writer = watch->writer; writer != nullptr && watch->writable) {
    if (writer->attempt(*writer)) {
      watch->writer = nullptr;
      writer->handle.resume();
    }
  }
}

void Loop::RunReady() {
  running_.swap(ready_);
  for (std::coroutine_handle<> handle : running_) handle.resume();
  running_.clear();
  {
    std::lock_guard lock(posted_mutex_);
    posted_running_.swap(posted_);
  }
  for (auto& f : posted_running_) f();
  posted_running_.clear();
}

void Loop::Run() {
  epoll_event events[kMaxEvents];
  while (!stopped_) {
    RunReady();
    if (stopped_) break;
    const int timeout = ready_.empty() ? MillisecondsToNextTimer() : 0;
    const int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == nullptr) {
        uint64_t count = 0;
        [[maybe_unused]] ssize_t ignored = ::read(wake_fd_, &count, sizeof count);
        continue;  // RunReady takes the posted work
      }
      Dispatch(static_cast<Watch*>(events[i].data.ptr), events[i].events);
    }
    for (Watch* watch : retired_) {
      watch->next_free = free_watches_;
      free_watches_ = watch;
    }
    retired_.clear();
    FireTimers();
  }
  stopped_ = false;  // a later Run runs again
}

int Loop::MillisecondsToNextTimer() const {
  if (heap_.empty()) return -1;
  const auto wait = heap_.front()->when_ - Clock::now();
  if (wait <= Clock::duration::zero()) return 0;
  // Rounded up: waking a little early would only mean a second wait.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

void Loop::FireTimers() {
  if (heap_.empty()) return;
  const Clock::time_point now = Clock::now();
  while (!heap_.empty() && heap_.front()->when_ <= now) {
    Timer* timer = heap_.front();
    HeapRemove(timer);
    timer->on_fire_();  // may re-arm it, or destroy other timers
  }
}

void Loop::HeapPush(Timer* timer) {
  heap_.push_back(timer);
  timer->slot_ = heap_.size() - 1;
  HeapUp(timer->slot_);
}

void Loop::HeapRemove(Timer* timer) {
  const size_t slot = timer->slot_;
  timer->slot_ = Timer::kNotArmed;
  Timer* last = heap_.back();
  heap_.pop_back();
  if (last == timer) return;
  HeapSet(slot, last);
  HeapUp(slot);
  HeapDown(last->slot_);
}

void Loop::HeapUp(size_t slot) {
  Timer* timer = heap_[slot];
  while (slot > 0) {
    const size_t parent = (slot - 1) / 2;
    if (heap_[parent]->when_ <= timer->when_) break;
    HeapSet(slot, heap_[parent]);
    slot = parent;
  }
  HeapSet(slot, timer);
}

void Loop::HeapDown(size_t slot) {
  Timer* timer = heap_[slot];
  const size_t size = heap_.size();
  while (true) {
    size_t child = 2 * slot + 1;
    if (child >= size) break;
    if (child + 1 < size && heap_[child + 1]->when_ < heap_[child]->when_) ++child;
    if (timer->when_ <= heap_[child]->when_) break;
    HeapSet(slot, heap_[child]);
    slot = child;
  }
  HeapSet(slot, timer);
}

}  // namespace kha::proxy::event
