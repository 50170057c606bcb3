#include "common/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace kha {
namespace {

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesWhenItGoes) {
  int raw = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  {
    UniqueFd fd(raw);
    EXPECT_TRUE(fd);
  }
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFd, ReleaseGivesTheDescriptorUp) {
  int raw = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  {
    UniqueFd fd(raw);
    EXPECT_EQ(fd.Release(), raw);
    EXPECT_FALSE(fd);
  }
  EXPECT_TRUE(IsOpen(raw));
  close(raw);
}

TEST(UniqueFd, MovingTransfersOwnershipAndClosesTheReplacedOne) {
  int first = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int second = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  UniqueFd a(first);
  UniqueFd b(second);
  b = std::move(a);
  EXPECT_FALSE(IsOpen(second));
  EXPECT_EQ(b.get(), first);
  UniqueFd c(std::move(b));
  EXPECT_EQ(c.get(), first);
  EXPECT_EQ(b.get(), -1);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  c.Reset();
  EXPECT_FALSE(IsOpen(first));
}

TEST(UniqueFd, AnEmptyOneIsFalse) { EXPECT_FALSE(UniqueFd()); }

}  // namespace
}  // namespace kha
