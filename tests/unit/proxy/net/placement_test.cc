#include "proxy/net/placement.h"

#include <gtest/gtest.h>

#include <vector>

namespace kha::proxy::net {
namespace {

size_t Pick(const std::vector<int>& loads, size_t self, int margin = kHandOffMargin) {
  return PickLoop(
      loads.size(), self, [&](size_t i) { return loads[i]; }, margin);
}

TEST(PickLoop, KeepsTheConnectionWithinTheMargin) {
  EXPECT_EQ(Pick({5}, 0), 0u);
  EXPECT_EQ(Pick({10, 10}, 0), 0u);
  EXPECT_EQ(Pick({10, 8}, 0), 0u);  // 2 more is within the margin
  EXPECT_EQ(Pick({0, 0, 0, 0}, 3), 3u);
}

TEST(PickLoop, PassesToTheLeastBusyBeyondTheMargin) {
  EXPECT_EQ(Pick({10, 7}, 0), 1u);
  EXPECT_EQ(Pick({3, 9, 1, 2}, 1), 2u);
  EXPECT_EQ(Pick({3, 9, 1, 1}, 1), 2u);  // ties go to the first
  EXPECT_EQ(Pick({4, 5}, 1, 0), 0u);
}

TEST(PickLoop, SequentialConnectionsEndBalanced) {
  // Every connection arrives on loop 0 (the worst a hash can do): the
  // loops end within the margin of each other.
  std::vector<int> loads(3, 0);
  for (int n = 0; n < 60; ++n) ++loads[Pick(loads, 0)];
  EXPECT_LE(loads[0] - loads[1], kHandOffMargin + 1);
  EXPECT_LE(loads[0] - loads[2], kHandOffMargin + 1);
  EXPECT_EQ(loads[0] + loads[1] + loads[2], 60);
}

}  // namespace
}  // namespace kha::proxy::net
