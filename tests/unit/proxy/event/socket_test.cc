#include "proxy/event/socket.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "tests/unit/proxy/event/loopback.h"

namespace kha::proxy::event {
namespace {

using std::chrono::milliseconds;
using testing::LoopbackPair;
using testing::RunUntilDone;

void SendAll(int fd, std::string_view bytes) {
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(bytes.size()));
}

TEST(EndpointTest, ParsesNumericAddressesOnly) {
  std::optional<Endpoint> v4 = Endpoint::Parse("127.0.0.1", 8080);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->family(), AF_INET);
  EXPECT_EQ(v4->port(), 8080);
  EXPECT_EQ(v4->Address(), "127.0.0.1");
  std::optional<Endpoint> v6 = Endpoint::Parse("::1", 443);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->Address(), "::1");
  EXPECT_FALSE(Endpoint::Parse("localhost", 80).has_value());
  EXPECT_FALSE(Endpoint::Parse("127.0.0.1 ", 80).has_value());
  // A v4 client on a v6 listener is logged as v4.
  EXPECT_EQ(Endpoint::Parse("::ffff:10.1.2.3", 1)->Address(), "10.1.2.3");
}

TEST(SocketTest, AReadAfterAShortReadWaitsForTheNextBytes) {
  Loop loop;
  LoopbackPair pair;
  Socket socket(loop, pair.near);
  SendAll(pair.far.get(), "first");
  Timer later(loop, [&] { SendAll(pair.far.get(), "second"); });
  std::string got;
  RunUntilDone(loop, [&]() -> Task<void> {
    char buffer[64];
    IoResult one = co_await socket.ReadSome(buffer, sizeof buffer);
    got.append(buffer, one.bytes);
    later.ExpireAfter(milliseconds(10));
    IoResult two = co_await socket.ReadSome(buffer, sizeof buffer);
    got.append("|").append(buffer, two.bytes);
  }());
  EXPECT_EQ(got, "first|second");
}

TEST(SocketTest, TheEndOfStreamAfterAShortReadIsNotMissed) {
  // Bytes and FIN arrive together: the short read drains the bytes, and
  // the next read must see the end at once instead of waiting for an edge
  // that never comes (EPOLLRDHUP is what tells it).
  Loop loop;
  LoopbackPair pair;
  Socket socket(loop, pair.near);
  SendAll(pair.far.get(), "last words");
  pair.far.Reset();
  std::this_thread::sleep_for(milliseconds(10));
  std::string got;
  IoResult end{99, 0};
  Timer guard(loop, [&] { socket.Cancel(); });  // a hang becomes ECANCELED
  guard.ExpireAfter(std::chrono::seconds(5));
  RunUntilDone(loop, [&]() -> Task<void> {
    char buffer[64];
    IoResult one = co_await socket.ReadSome(buffer, sizeof buffer);
    got.assign(buffer, one.bytes);
    end = co_await socket.ReadSome(buffer, sizeof buffer);
  }());
  EXPECT_EQ(got, "last words");
  EXPECT_EQ(end.error, 0);
  EXPECT_EQ(end.bytes, 0u);
}

TEST(SocketTest, AWriteLargerThanTheSocketBufferCompletesAsThePeerReads) {
  Loop loop;
  LoopbackPair pair;
  Socket socket(loop, pair.near);
  const std::string big(size_t{8} * 1024 * 1024, 'k');
  size_t received = 0;
  std::thread reader([&] {
    std::this_thread::sleep_for(milliseconds(20));  // the writer blocks first
    char buffer[65536];
    ssize_t n = 0;
    while ((n = ::recv(pair.far.get(), buffer, sizeof buffer, 0)) > 0) {
      received += static_cast<size_t>(n);
    }
  });
  IoResult sent;
  RunUntilDone(loop, [&]() -> Task<void> {
    sent = co_await socket.Write(std::string_view(big).substr(0, 100),
                                 std::string_view(big).substr(100));
    socket.Close();
  }());
  reader.join();
  EXPECT_EQ(sent.error, 0);
  EXPECT_EQ(sent.bytes, big.size());
  EXPECT_EQ(received, big.size());
}

TEST(SocketTest, BytesWrittenBeforeCloseArriveWithTheEndOfStream) {
  Loop loop;
  LoopbackPair pair;
  Socket socket(loop, pair.near);
  RunUntilDone(loop, [&]() -> Task<void> {
    IoResult sent = co_await socket.WriteBeforeClose("HTTP/1.1 200 OK\r\n", "\r\n");
    EXPECT_EQ(sent.bytes, 19u);
    socket.Close();
  }());
  std::string got;
  char buffer[64];
  ssize_t n = 0;
  while ((n = ::recv(pair.far.get(), buffer, sizeof buffer, 0)) > 0) got.append(buffer, n);
  EXPECT_EQ(n, 0);
  EXPECT_EQ(got, "HTTP/1.1 200 OK\r\n\r\n");
}

TEST(SocketTest, CancelWakesAWaitingReadWithECANCELED) {
  Loop loop;
  LoopbackPair pair;
  Socket socket(loop, pair.near);
  Timer cancel(loop, [&] { socket.Cancel(); });
  cancel.ExpireAfter(milliseconds(5));
  IoResult got;
  RunUntilDone(loop, [&]() -> Task<void> {
    char byte;
    got = co_await socket.ReadSome(&byte, 1);
  }());
  EXPECT_EQ(got.error, ECANCELED);
  EXPECT_TRUE(socket.is_open());  // cancelling is not closing
}

TEST(SocketTest, ConnectReachesAListenerAndAcceptNamesThePeer) {
  Loop loop;
  int listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  Endpoint any = *Endpoint::Parse("127.0.0.1", 0);
  ASSERT_EQ(::bind(listen_fd, any.data(), any.size), 0);
  ASSERT_EQ(::listen(listen_fd, 8), 0);
  sockaddr_storage bound{};
  socklen_t size = sizeof bound;
  ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &size);
  const uint16_t port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  Socket listener = Socket::SharedListener(loop, listen_fd);
  Accepted accepted;
  int connect_error = -1;
  int nodelay = 0;
  RunUntilDone(loop, [&]() -> Task<void> {
    Connected connected = Socket::StartConnect(loop, *Endpoint::Parse("127.0.0.1", port));
    EXPECT_EQ(connected.error, 0);
    connect_error = co_await connected.socket.FinishConnect();
    socklen_t length = sizeof nodelay;
    ::getsockopt(connected.socket.fd(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &length);
    accepted = co_await listener.Accept();
  }());
  EXPECT_EQ(connect_error, 0);
  EXPECT_NE(nodelay, 0);
  EXPECT_EQ(accepted.error, 0);
  ASSERT_GE(accepted.fd, 0);
  EXPECT_EQ(accepted.peer.Address(), "127.0.0.1");
  ::close(accepted.fd);
}

TEST(SocketTest, ConnectToAClosedPortReportsTheRefusal) {
  Loop loop;
  uint16_t port = 0;
  {
    LoopbackPair pair;  // its listener is closed now: nothing listens there
    port = pair.port;
    ::close(pair.near);
  }
  int error = 0;
  RunUntilDone(loop, [&]() -> Task<void> {
    Connected connected = Socket::StartConnect(loop, *Endpoint::Parse("127.0.0.1", port));
    error = connected.error != 0 ? connected.error : co_await connected.socket.FinishConnect();
  }());
  EXPECT_EQ(error, ECONNREFUSED);
}

}  // namespace
}  // namespace kha::proxy::event
