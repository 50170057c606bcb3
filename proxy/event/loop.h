// One thread's event loop: epoll in edge-triggered mode, a timer heap, and a
// queue other threads post to. kha-proxy runs one per core.
//
// Why not Asio (which kha-proxy used first): for a Connection: close request
// it made 12.4 system calls (an explicit EPOLL_CTL_DEL, an ioctl for
// O_NONBLOCK, a setsockopt, speculative accepts and reads); this loop makes
// about 8, HAProxy about 8.5. Keep-alive requests cost about 4 calls either
// way, but about 20% less CPU here (perf stat on the syscall tracepoints and
// /proc CPU times, wrk -c64 through loopback). It remembers what epoll said:
// a read that came back short drained the socket, so the next read waits
// for the next edge instead of trying first (EPOLLRDHUP tells an end of
// stream apart, so a close is never missed).
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <coroutine>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "proxy/event/task.h"

namespace kha::proxy::event {

using Clock = std::chrono::steady_clock;

class Loop;

// An operation parked on a descriptor. `attempt` performs it once the
// descriptor is ready and returns false while it would still block.
struct IoWaiter {
  std::coroutine_handle<> handle;
  bool (*attempt)(IoWaiter&) = nullptr;
  int cancelled = 0;  // ECANCELED once Cancel woke it
};

// What epoll last said about a descriptor, and who waits on it.
struct Watch {
  Loop* loop = nullptr;
  int fd = -1;
  bool readable = false;
  bool writable = false;
  bool peer_closed = false;  // EPOLLRDHUP, EPOLLHUP or EPOLLERR seen: reads never block again
  bool out_armed = false;    // EPOLLOUT is in the registration
  IoWaiter* reader = nullptr;
  IoWaiter* writer = nullptr;
  Watch* next_free = nullptr;

  // A read returned fewer bytes than asked: the socket is empty until the
  // next edge, unless the peer closed (then reads return 0 at once).
  void ShortRead() {
    if (!peer_closed) readable = false;
  }
  // A write would block: from now on epoll must report room to write.
  void WriteBlocked();
};

// Calls `on_fire` on the loop's thread once the deadline passes. Re-arming
// moves it; destroying or cancelling it disarms it.
class Timer {
 public:
  Timer(Loop& loop, std::function<void()> on_fire);
  ~Timer() { Cancel(); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void ExpireAt(Clock::time_point when);
  void ExpireAfter(Clock::duration delay) { ExpireAt(Clock::now() + delay); }
  void Cancel();
  bool armed() const { return slot_ != kNotArmed; }

 private:
  friend class Loop;
  static constexpr size_t kNotArmed = static_cast<size_t>(-1);
  Loop& loop_;
  std::function<void()> on_fire_;
  Clock::time_point when_;
  size_t slot_ = kNotArmed;  // index in the loop's heap
};

// co_await Sleep(loop, delay): resumes from the loop once `delay` passed.
class Sleep {
 public:
  Sleep(Loop& loop, Clock::duration delay)
      : timer_(loop, [this] { awaiting_.resume(); }), delay_(delay) {}
  bool await_ready() const noexcept { return delay_ <= Clock::duration::zero(); }
  void await_suspend(std::coroutine_handle<> awaiting) {
    awaiting_ = awaiting;
    timer_.ExpireAfter(delay_);
  }
  void await_resume() const noexcept {}

 private:
  Timer timer_;
  Clock::duration delay_;
  std::coroutine_handle<> awaiting_;
};

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs until Stop. On the loop's own thread.
  void Run();
  // Makes Run return after the current round, or at once if it has not
  // started yet. On the loop's thread.
  void Stop() { stopped_ = true; }
  // Runs `f` on the loop's thread soon. Any thread.
  void Post(std::function<void()> f);

  // Starts `task` now; its frame is freed when it finishes, or by
  // DestroyTasks. An exception that escapes it goes to the error handler.
  void Spawn(Task<void> task);
  // Destroys every unfinished task (at shutdown, after Run returned).
  void DestroyTasks();
  void SetErrorHandler(std::function<void(std::exception_ptr)> handler) {
    on_error_ = std::move(handler);
  }

  enum class Interest {
    // EPOLLIN and EPOLLRDHUP; EPOLLOUT only once a write would block: a new
    // socket is writable at once, and asking for that would cost every
    // accepted connection a wake-up of its own.
    kStream,
    kConnecting,  // EPOLLOUT from the start: it says the connect finished
    // A listener every loop waits on: EPOLLEXCLUSIVE (Linux 4.5) wakes one
    // waiting loop per connection instead of all; older kernels wake all.
    kSharedListener,
  };
  // Registers `fd`, edge-triggered. Throws std::system_error.
  Watch* Register(int fd, Interest interest);
  void ArmWritable(Watch* watch);
  // Forgets `watch` (its waiters are not woken) and closes its descriptor.
  // `explicit_delete` for a descriptor whose file other descriptors share
  // (a dup'd listener): closing one copy would not remove it from epoll.
  void Close(Watch* watch, bool explicit_delete);
  // Wakes the operations waiting on `watch` with ECANCELED, from the loop.
  void Cancel(Watch* watch);

  // Resumes `handle` from the loop soon.
  void Schedule(std::coroutine_handle<> handle) { ready_.push_back(handle); }

 private:
  friend class Timer;
  struct RootLink {
    RootLink* prev = this;
    RootLink* next = this;
    std::coroutine_handle<> handle;
  };
  struct Root;
  static Root Start(Loop* loop, Task<void> task);

  void Dispatch(Watch* watch, uint32_t events);
  void RunReady();
  void FireTimers();
  int MillisecondsToNextTimer() const;
  void HeapPush(Timer* timer);
  void HeapRemove(Timer* timer);
  void HeapUp(size_t slot);
  void HeapDown(size_t slot);
  void HeapSet(size_t slot, Timer* timer) {
    heap_[slot] = timer;
    timer->slot_ = slot;
  }

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: another thread posted
  bool stopped_ = false;
  std::vector<std::coroutine_handle<>> ready_;
  std::vector<std::coroutine_handle<>> running_;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::vector<std::function<void()>> posted_running_;
  std::deque<Watch> watches_;  // stable addresses; epoll holds pointers
  Watch* free_watches_ = nullptr;
  // Closed during a round of events: freed after it, since a later event of
  // the same round may still name them.
  std::vector<Watch*> retired_;
  std::vector<Timer*> heap_;
  RootLink roots_;
  std::function<void(std::exception_ptr)> on_error_;
};

}  // namespace kha::proxy::event
