// Memory for coroutine frames. A request runs the same few coroutines every
// time, so their frames are kept per thread and handed out again instead of
// going back to malloc.
#pragma once

#include <cstddef>

namespace kha::proxy::event {

void* AllocateFrame(size_t size);
void FreeFrame(void* frame, size_t size) noexcept;

// A promise type that derives from this gets its frames from the cache.
struct RecycledFrame {
  static void* operator new(size_t size) { return AllocateFrame(size); }
  static void operator delete(void* frame, size_t size) noexcept { FreeFrame(frame, size); }
};

}  // namespace kha::proxy::event
