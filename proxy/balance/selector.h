// Smooth weighted round robin over a service's backends (the nginx scheme):
// with priorities 5,1,1 the order is a,a,b,a,c,a,a — spread out, not bursts.
// One Selector per event-loop thread and service, so picking takes no lock;
// backends' liveness is read from their shared atomics at each pick.
#pragma once

#include <span>
#include <vector>

#include "proxy/balance/backend.h"

namespace kha::proxy::balance {

class Selector {
 public:
  Selector() = default;
  explicit Selector(std::vector<Backend*> backends);

  // Returns the next usable backend, skipping those in `tried` (a retry after
  // a failure must not land on the same one), or nullptr if none is usable.
  Backend* Pick(std::span<Backend* const> tried = {});

  const std::vector<Backend*>& backends() const { return backends_; }

 private:
  std::vector<Backend*> backends_;
  std::vector<int> current_;  // smooth-WRR running weights, one per backend
};

}  // namespace kha::proxy::balance
