// Memory for coroutine frames. A request runs the same few coroutines every
// time, so their frames are kept per thread and handed out again instead of
// going back to malloc.
#pragma once

#include <cstddef>

namespace kha::proxy::event {

void* AllocateFrame(size_t size);
void FreeFrame(void* frame, size_t size) noexcept;

}  // namespace kha::proxy::event
