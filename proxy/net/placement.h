// Which event loop serves a new client connection. The loop that accepts is
// whichever woke first, so a burst of long keep-alive clients (a few dozen at
// once) can land mostly on one loop, and those clients then see the worst
// latencies. A loop that accepts while it serves clearly more than the least
// busy one passes the connection there; within the margin it keeps it, so
// short connections rarely cross threads.
#pragma once

#include <cstddef>

namespace kha::proxy::net {

inline constexpr int kHandOffMargin = 2;

// `load_of(i)` is loop i's current number of connections; returns `self`
// unless another loop has more than `margin` fewer (the least busy one).
template <typename LoadOf>
size_t PickLoop(size_t loops, size_t self, LoadOf load_of, int margin = kHandOffMargin) {
  size_t best = self;
  int best_load = load_of(self) - margin;
  for (size_t i = 0; i < loops; ++i) {
    const int load = load_of(i);
    if (load < best_load) {
      best = i;
      best_load = load;
    }
  }
  return best;
}

}  // namespace kha::proxy::net
