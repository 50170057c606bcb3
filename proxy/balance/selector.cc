#include "proxy/balance/selector.h"

#include <algorithm>

namespace kha::proxy::balance {

Selector::Selector(std::vector<Backend*> backends)
    : backends_(std::move(backends)), current_(backends_.size(), 0) {}

Backend* Selector::Pick(std::span<Backend* const> tried) {
  int total = 0;
  int best = -1;
  for (size_t i = 0; i < backends_.size(); ++i) {
    Backend* backend = backends_[i];
    if (!backend->Usable()) continue;
    if (std::find(tried.begin(), tried.end(), backend) != tried.end()) continue;
    int weight = std::max(backend->priority(), 1);
    current_[i] += weight;
    total += weight;
    if (best < 0 || current_[i] > current_[best]) best = static_cast<int>(i);
  }
  if (best < 0) return nullptr;
  current_[best] -= total;
  return backends_[best];
}

}  // namespace kha::proxy::balance
