#include "proxy/event/task.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "proxy/event/loop.h"
#include "proxy/event/when_both.h"
#include "tests/unit/proxy/event/loopback.h"

namespace kha::proxy::event {
namespace {

Task<int> Add(int a, int b) { co_return a + b; }

Task<int> Nested(int depth) {
  if (depth == 0) co_return 0;
  co_return 1 + co_await Nested(depth - 1);
}

Task<std::string> Fails() {
  throw std::runtime_error("from inside");
  co_return "never";
}

TEST(TaskTest, ValuesComeBackThroughAwait) {
  Loop loop;
  int sum = 0;
  int depth = 0;
  testing::RunUntilDone(loop, [&]() -> Task<void> {
    sum = co_await Add(2, 3);
    depth = co_await Nested(10000);  // symmetric transfer: no stack growth
  }());
  EXPECT_EQ(sum, 5);
  EXPECT_EQ(depth, 10000);
}

TEST(TaskTest, AnExceptionReachesTheAwaitingTask) {
  Loop loop;
  std::string caught;
  testing::RunUntilDone(loop, [&]() -> Task<void> {
    try {
      co_await Fails();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  }());
  EXPECT_EQ(caught, "from inside");
}

TEST(TaskTest, AnExceptionThatEscapesASpawnedTaskGoesToTheErrorHandler) {
  Loop loop;
  std::string reported;
  loop.SetErrorHandler([&](const std::exception_ptr& error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      reported = e.what();
    }
  });
  loop.Spawn([]() -> Task<void> { co_await Fails(); }());
  EXPECT_EQ(reported, "from inside");
}

TEST(TaskTest, WhenBothWaitsForTheSlowerOfTwoTasks) {
  Loop loop;
  std::string order;
  auto after = [&](std::chrono::milliseconds delay, char mark) -> Task<void> {
    co_await Sleep(loop, delay);
    order += mark;
  };
  testing::RunUntilDone(loop, [&]() -> Task<void> {
    co_await WhenBoth(after(std::chrono::milliseconds(30), 'a'),
                      after(std::chrono::milliseconds(10), 'b'));
    order += 'z';
  }());
  EXPECT_EQ(order, "baz");
}

TEST(TaskTest, WhenBothRethrowsAfterBothFinished) {
  Loop loop;
  bool other_finished = false;
  std::string caught;
  auto fails_at_once = []() -> Task<void> { co_await Fails(); };
  auto finishes_later = [&]() -> Task<void> {
    co_await Sleep(loop, std::chrono::milliseconds(5));
    other_finished = true;
  };
  testing::RunUntilDone(loop, [&]() -> Task<void> {
    try {
      co_await WhenBoth(fails_at_once(), finishes_later());
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  }());
  EXPECT_TRUE(other_finished);
  EXPECT_EQ(caught, "from inside");
}

}  // namespace
}  // namespace kha::proxy::event
