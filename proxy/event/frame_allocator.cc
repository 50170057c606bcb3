#include "proxy/event/frame_allocator.h"

#include <array>
#include <new>

namespace kha::proxy::event {

namespace {

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer must see every frame freed, or it cannot catch a use
// after the coroutine ended.
constexpr bool kRecycle = false;
#else
constexpr bool kRecycle = true;
#endif

constexpr size_t kGranule = 64;
constexpr size_t kClasses = 64;       // frames up to 4 KiB are kept
constexpr size_t kKeepPerClass = 64;  // bounds what an idle thread holds

struct FreeFrameLink {
  FreeFrameLink* next;
};

// One list per size class; the thread's frames go back to malloc when the
// thread ends.
struct FrameCache {
  struct List {
    FreeFrameLink* head = nullptr;
    size_t count = 0;
  };
  std::array<List, kClasses> lists;

  ~FrameCache() {
    for (List& list : lists) {
      while (list.head != nullptr) {
        FreeFrameLink* next = list.head->next;
        ::operator delete(list.head);
        list.head = next;
      }
    }
  }
};

thread_local FrameCache cache;

size_t ClassOf(size_t size) { return (size + kGranule - 1) / kGranule; }

}  // namespace

void* AllocateFrame(size_t size) {
  const size_t c = ClassOf(size);
  if (kRecycle && c < kClasses) {
    FrameCache::List& list = cache.lists[c];
    if (list.head != nullptr) {
      FreeFrameLink* frame = list.head;
      list.head = frame->next;
      --list.count;
      return frame;
    }
    return ::operator new(c* kGranule);
  }
  return ::operator new(size);
}

void FreeFrame(void* frame, size_t size) noexcept {
  const size_t c = ClassOf(size);
  if (kRecycle && c < kClasses) {
    FrameCache::List& list = cache.lists[c];
    if (list.count < kKeepPerClass) {
      list.head = new (frame) FreeFrameLink{list.head};
      ++list.count;
      return;
    }
  }
  ::operator delete(frame);
}

}  // namespace kha::proxy::event
