#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "proxy/balance/backend.h"
#include "proxy/net/worker.h"
#include "tests/unit/proxy/event/loopback.h"

namespace kha::proxy::net {
namespace {

using event::testing::LoopbackPair;

class BackendPoolTest : public ::testing::Test {
 protected:
  // The pool's end of a real loopback connection; `pair.far` is the backend's.
  event::Socket Pooled(LoopbackPair& pair) { return event::Socket(loop_, pair.near); }

  // The FIN of a closed backend side has reached the proxy side's socket.
  static void CloseAndSettle(LoopbackPair& pair) {
    pair.far.Reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  event::Loop loop_;
  std::shared_ptr<balance::Backend> backend_ =
      std::make_shared<balance::Backend>("127.0.0.1", 1, 5, false);
  BackendPool pool_;  // after loop_: its sockets close first
};

TEST_F(BackendPoolTest, AnOpenConnectionIsTakenWhetherOrNotTheRequestCanBeResent) {
  LoopbackPair pair;
  pool_.Put(backend_, Pooled(pair));
  std::optional<event::Socket> checked = pool_.Take(backend_.get(), false);
  ASSERT_TRUE(checked.has_value());
  EXPECT_TRUE(checked->is_open());
  pool_.Put(backend_, std::move(*checked));
  EXPECT_TRUE(pool_.Take(backend_.get(), true).has_value());
  EXPECT_FALSE(pool_.Take(backend_.get(), true).has_value());  // the pool is empty now
}

TEST_F(BackendPoolTest, AClosedConnectionIsDroppedWhenTheRequestCannotBeResent) {
  LoopbackPair pair;
  pool_.Put(backend_, Pooled(pair));
  CloseAndSettle(pair);
  EXPECT_FALSE(pool_.Take(backend_.get(), false).has_value());
  EXPECT_FALSE(pool_.Take(backend_.get(), true).has_value());  // it was closed, not kept
}

TEST_F(BackendPoolTest, ARecentlyPooledConnectionIsTakenUncheckedWhenTheRequestCanBeResent) {
  // The saved MSG_PEEK: a connection idle for less than kTrustedIdle is handed
  // out as it is, and the caller's retry covers a backend that closed it.
  LoopbackPair pair;
  pool_.Put(backend_, Pooled(pair));
  CloseAndSettle(pair);  // the loop has not run: epoll's news is not read yet
  std::optional<event::Socket> unchecked = pool_.Take(backend_.get(), true);
  ASSERT_TRUE(unchecked.has_value());
  char byte = 0;
  EXPECT_EQ(::recv(unchecked->fd(), &byte, 1, 0), 0);  // end of stream
}

TEST_F(BackendPoolTest, AConnectionEpollReportedClosedIsCheckedEvenWhenRecent) {
  LoopbackPair pair;
  pool_.Put(backend_, Pooled(pair));
  CloseAndSettle(pair);
  event::testing::RunFor(loop_, std::chrono::milliseconds(5));  // the FIN's event arrives
  EXPECT_FALSE(pool_.Take(backend_.get(), true).has_value());
}

TEST_F(BackendPoolTest, TheMostRecentlyUsedConnectionComesFirst) {
  LoopbackPair older;
  LoopbackPair newer;
  const int newer_fd = newer.near;
  pool_.Put(backend_, Pooled(older));
  pool_.Put(backend_, Pooled(newer));
  std::optional<event::Socket> taken = pool_.Take(backend_.get(), true);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->fd(), newer_fd);
}

}  // namespace
}  // namespace kha::proxy::net
