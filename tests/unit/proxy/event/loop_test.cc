#include "proxy/event/loop.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/unit/proxy/event/loopback.h"

namespace kha::proxy::event {
namespace {

using std::chrono::milliseconds;

TEST(LoopTest, TimersFireInDeadlineOrderAndCancelledOnesNever) {
  Loop loop;
  std::string fired;
  const Clock::time_point now = Clock::now();
  Timer late(loop, [&] { fired += 'c'; });
  Timer early(loop, [&] { fired += 'a'; });
  Timer middle(loop, [&] { fired += 'b'; });
  Timer cancelled(loop, [&] { fired += 'x'; });
  Timer moved(loop, [&] { fired += 'm'; });
  late.ExpireAt(now + milliseconds(30));
  cancelled.ExpireAt(now + milliseconds(5));
  early.ExpireAt(now + milliseconds(10));
  middle.ExpireAt(now + milliseconds(20));
  moved.ExpireAt(now + milliseconds(1));
  moved.ExpireAt(now + milliseconds(25));  // re-arming moves it
  cancelled.Cancel();
  EXPECT_FALSE(cancelled.armed());
  testing::RunFor(loop, milliseconds(50));
  EXPECT_EQ(fired, "abmc");
}

TEST(LoopTest, ATimerDestroyedBeforeItsDeadlineDoesNotFire) {
  Loop loop;
  bool fired = false;
  {
    Timer timer(loop, [&] { fired = true; });
    timer.ExpireAfter(milliseconds(1));
  }
  testing::RunFor(loop, milliseconds(10));
  EXPECT_FALSE(fired);
}

TEST(LoopTest, WorkPostedFromAnotherThreadRunsOnTheLoopsThread) {
  Loop loop;
  std::thread::id ran_on;
  std::thread poster([&] {
    std::this_thread::sleep_for(milliseconds(10));  // the loop sleeps in epoll_wait by now
    loop.Post([&] {
      ran_on = std::this_thread::get_id();
      loop.Stop();
    });
  });
  loop.Run();  // returns only because the posted work ran
  poster.join();
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(LoopTest, DestroyingTheLoopEndsUnfinishedTasks) {
  bool local_destroyed = false;
  struct Flag {
    bool& destroyed;
    ~Flag() { destroyed = true; }
  };
  {
    Loop loop;
    loop.Spawn([](Loop& l, bool& flag) -> Task<void> {
      Flag guard{flag};
      co_await Sleep(l, std::chrono::hours(1));
    }(loop, local_destroyed));
    EXPECT_FALSE(local_destroyed);
  }
  EXPECT_TRUE(local_destroyed);
}

}  // namespace
}  // namespace kha::proxy::event
