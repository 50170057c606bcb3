#include <gtest/gtest.h>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "proxy/balance/backend.h"
#include "proxy/net/worker.h"

namespace kha::proxy::net {
namespace {

using asio::ip::tcp;

// A real loopback connection: `proxy_side` is what the pool holds, `backend_side`
// the backend's end of it.
struct Connection {
  explicit Connection(asio::io_context& io)
      : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        proxy_side(io),
        backend_side(io) {
    proxy_side.connect(acceptor.local_endpoint());
    acceptor.accept(backend_side);
  }
  tcp::acceptor acceptor;
  tcp::socket proxy_side;
  tcp::socket backend_side;
};

class BackendPoolTest : public ::testing::Test {
 protected:
  // The FIN of a closed backend side has reached the proxy side's socket.
  static void CloseAndSettle(tcp::socket& backend_side) {
    backend_side.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  asio::io_context io_;
  std::shared_ptr<balance::Backend> backend_ =
      std::make_shared<balance::Backend>("127.0.0.1", 1, 5, false);
  BackendPool pool_;
};

TEST_F(BackendPoolTest, AnOpenConnectionIsTakenWhetherOrNotTheRequestCanBeResent) {
  Connection connection(io_);
  pool_.Put(backend_, std::move(connection.proxy_side));
  std::optional<tcp::socket> checked = pool_.Take(backend_.get(), false);
  ASSERT_TRUE(checked.has_value());
  EXPECT_TRUE(checked->is_open());
  pool_.Put(backend_, std::move(*checked));
  EXPECT_TRUE(pool_.Take(backend_.get(), true).has_value());
  EXPECT_FALSE(pool_.Take(backend_.get(), true).has_value());  // the pool is empty now
}

TEST_F(BackendPoolTest, AClosedConnectionIsDroppedWhenTheRequestCannotBeResent) {
  Connection connection(io_);
  pool_.Put(backend_, std::move(connection.proxy_side));
  CloseAndSettle(connection.backend_side);
  EXPECT_FALSE(pool_.Take(backend_.get(), false).has_value());
  EXPECT_FALSE(pool_.Take(backend_.get(), true).has_value());  // it was closed, not kept
}

TEST_F(BackendPoolTest, ARecentlyPooledConnectionIsTakenUncheckedWhenTheRequestCanBeResent) {
  // The saved MSG_PEEK: a connection idle for less than kTrustedIdle is handed
  // out as it is, and the caller's retry covers a backend that closed it.
  Connection connection(io_);
  pool_.Put(backend_, std::move(connection.proxy_side));
  CloseAndSettle(connection.backend_side);
  std::optional<tcp::socket> unchecked = pool_.Take(backend_.get(), true);
  ASSERT_TRUE(unchecked.has_value());
  char byte = 0;
  asio::error_code ec;
  EXPECT_EQ(unchecked->read_some(asio::buffer(&byte, 1), ec), 0u);
  EXPECT_EQ(ec, asio::error::eof);
}

TEST_F(BackendPoolTest, TheMostRecentlyUsedConnectionComesFirst) {
  Connection older(io_);
  Connection newer(io_);
  const uint16_t newer_port = newer.proxy_side.local_endpoint().port();
  pool_.Put(backend_, std::move(older.proxy_side));
  pool_.Put(backend_, std::move(newer.proxy_side));
  std::optional<tcp::socket> taken = pool_.Take(backend_.get(), true);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->local_endpoint().port(), newer_port);
}

}  // namespace
}  // namespace kha::proxy::net
