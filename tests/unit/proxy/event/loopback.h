// Real loopback TCP connections for tests of the event loop and its users.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "common/unique_fd.h"
#include "proxy/event/loop.h"

namespace kha::proxy::event::testing {

// Both ends of one connection: `near` non-blocking (for a Socket), `far`
// blocking (the test plays the peer with plain calls).
struct LoopbackPair {
  LoopbackPair() {
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    EXPECT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), size), 0);
    EXPECT_EQ(::listen(listener.get(), 1), 0);
    EXPECT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &size), 0);
    port = ntohs(address.sin_port);
    near = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::connect(near, reinterpret_cast<sockaddr*>(&address), size), 0);
    far = UniqueFd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    EXPECT_GE(far.get(), 0);
    ::fcntl(near, F_SETFL, ::fcntl(near, F_GETFL) | O_NONBLOCK);
  }
  int near = -1;  // handed to a Socket, which closes it
  UniqueFd far;
  uint16_t port = 0;  // the listener's
};

// Runs `loop` until `task` finished (it must end by itself).
inline void RunUntilDone(Loop& loop, Task<void> task) {
  auto wrapper = [](Loop& l, Task<void> t) -> Task<void> {
    co_await std::move(t);
    l.Stop();
  };
  loop.Spawn(wrapper(loop, std::move(task)));
  loop.Run();
}

// Lets the loop take in what epoll has to say for `time`.
inline void RunFor(Loop& loop, std::chrono::milliseconds time) {
  auto stop = [](Loop& l, std::chrono::milliseconds t) -> Task<void> {
    co_await Sleep(l, t);
    l.Stop();
  };
  loop.Spawn(stop(loop, time));
  loop.Run();
}

}  // namespace kha::proxy::event::testing
