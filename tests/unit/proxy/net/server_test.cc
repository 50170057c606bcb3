// The data path end to end in one process: a Server on loopback, backends in
// threads, raw-socket clients.
#include "proxy/net/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tests/unit/proxy/net/harness.h"

namespace kha::proxy::net {
namespace {

using namespace kha::proxy::net::testing;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kGet =
    "GET /api HTTP/1.1\r\nHost: example.test\r\nUser-Agent: t\r\n\r\n";

TEST(ServerTest, ForwardsAndAppendsForwardedFor) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  std::string response =
      Exchange(proxy.port(),
               "GET /x?y=1 HTTP/1.1\r\nHost: example.test\r\nX-Forwarded-For: 10.0.0.9\r\n"
               "Connection: keep-alive, X-Drop\r\nKeep-Alive: 5\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_EQ(BodyOf(response), "a GET /x?y=1");
  std::string seen = a.last_request();
  EXPECT_THAT(seen, StartsWith("GET /x?y=1 HTTP/1.1\r\n"));
  EXPECT_THAT(seen, HasSubstr("\r\nHost: example.test\r\n"));
  EXPECT_THAT(seen, HasSubstr("\r\nX-Forwarded-For: 10.0.0.9, 127.0.0.1\r\n"));
  EXPECT_THAT(seen, ::testing::Not(HasSubstr("Keep-Alive")));
  EXPECT_THAT(seen, ::testing::Not(HasSubstr("Connection")));
}

TEST(ServerTest, KeepAliveReusesBackendConnection) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}), 1);
  int fd = Connect(proxy.port());
  for (int i = 0; i < 5; ++i) {
    SendAll(fd, kGet);
    std::string response = ReadResponse(fd);
    ASSERT_EQ(StatusOf(response), 200) << response;
    EXPECT_EQ(BodyOf(response), "a GET /api");
  }
  Close(fd);
  EXPECT_EQ(a.requests, 5);
  EXPECT_EQ(a.connections, 1);
}

TEST(ServerTest, ManyKeepAliveClientsAcrossLoops) {
  // Connections a loop passes to a less busy one keep working there.
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}), 3);
  std::vector<int> clients;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) {
      if (round == 0) clients.push_back(Connect(proxy.port()));
      SendAll(clients[i], "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n");
      EXPECT_EQ(BodyOf(ReadResponse(clients[i])), "a GET /" + std::to_string(i));
    }
  }
  for (int fd : clients) Close(fd);
  EXPECT_EQ(a.requests, 80);
}

TEST(ServerTest, PipelinedRequestsAnsweredInOrder) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  int fd = Connect(proxy.port());
  SendAll(fd,
          "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n"
          "POST /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
          "GET /4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = ReadAll(fd);
  Close(fd);
  size_t p1 = all.find("a GET /1");
  size_t p3 = all.find("a POST /3");
  size_t p4 = all.find("a GET /4");
  ASSERT_NE(p1, std::string::npos) << all;
  ASSERT_NE(p3, std::string::npos) << all;
  ASSERT_NE(p4, std::string::npos) << all;
  EXPECT_LT(p1, p3);
  EXPECT_LT(p3, p4);
  EXPECT_EQ(all.find("a HEAD"), std::string::npos);  // no body for HEAD
  EXPECT_THAT(all, HasSubstr("Connection: close\r\n"));
}

TEST(ServerTest, RefusedBackendIsMarkedDeadAndClientSeesNoError) {
  TestBackend b("b");
  RunningProxy proxy(SimplePlan({ClosedPort(), b.port()}));
  for (int i = 0; i < 6; ++i) {
    std::string response =
        Exchange(proxy.port(), "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
    ASSERT_EQ(StatusOf(response), 200) << response;
    EXPECT_EQ(BodyOf(response), "b POST /p");
  }
  EXPECT_THAT(b.last_request(), ::testing::EndsWith("\r\n\r\nhello"));
  balance::RuntimeView view = proxy.server().Snapshot();
  const auto& backends = view.listeners.at(0).services.at(0).backends;
  EXPECT_EQ(backends[0].status, balance::BackendStatus::kDead);
  EXPECT_EQ(backends[0].last_error, "connect: Connection refused");
  EXPECT_EQ(backends[1].status, balance::BackendStatus::kAlive);
  EXPECT_EQ(backends[1].requests_served, 6u);
}

TEST(ServerTest, AllDeadAnswers503) {
  Plan plan = SimplePlan({ClosedPort()});
  plan.listeners[0].err503 = "<p>down</p>";
  RunningProxy proxy(std::move(plan));
  std::string response = Exchange(proxy.port(), kGet);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 503 Service Unavailable\r\n"));
  EXPECT_EQ(BodyOf(response), "<p>down</p>");
}

TEST(ServerTest, EmergencyServesWhenAllAreDead) {
  TestBackend e("e");
  Plan plan = SimplePlan({ClosedPort()});
  BackendPlan emergency;
  emergency.state = std::make_shared<balance::Backend>("127.0.0.1", e.port(), 1, true);
  plan.listeners[0].services[0].emergency = emergency;
  RunningProxy proxy(std::move(plan));
  std::string response = Exchange(proxy.port(), kGet);
  EXPECT_EQ(BodyOf(response), "e GET /api");
}

TEST(ServerTest, BackendDiedAfterKeepAliveIsRetriedOnAnother) {
  auto a = std::make_unique<TestBackend>("a");
  TestBackend b("b");
  RunningProxy proxy(SimplePlan({a->port(), b.port()}), 1);
  // Warm both pooled connections, then kill a.
  for (int i = 0; i < 4; ++i) ASSERT_EQ(StatusOf(Exchange(proxy.port(), kGet)), 200);
  a.reset();
  for (int i = 0; i < 10; ++i) {
    std::string response = Exchange(proxy.port(), kGet);
    ASSERT_EQ(StatusOf(response), 200) << response;
    EXPECT_EQ(BodyOf(response), "b GET /api");
  }
}

TEST(ServerTest, MethodAboveXhttpLevel) {
  TestBackend a("a");
  Plan plan = SimplePlan({a.port()});
  plan.listeners[0].xhttp = 0;
  RunningProxy proxy(std::move(plan));
  EXPECT_THAT(Exchange(proxy.port(), "PATCH /x HTTP/1.1\r\nHost: h\r\n\r\n"),
              StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_THAT(Exchange(proxy.port(), "BREW /x HTTP/1.1\r\nHost: h\r\n\r\n"),
              StartsWith("HTTP/1.1 501 Not Implemented\r\n"));
  EXPECT_EQ(a.requests, 0);
}

TEST(ServerTest, SmugglingShapesAreRefused) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  EXPECT_EQ(StatusOf(Exchange(proxy.port(),
                              "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")),
            400);
  EXPECT_EQ(StatusOf(Exchange(proxy.port(),
                              "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: zip\r\n\r\n")),
            501);
  EXPECT_EQ(StatusOf(Exchange(proxy.port(), "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n")), 400);
  EXPECT_EQ(a.requests, 0);
}

TEST(ServerTest, ChunkedBodiesForwardedWithBoundaries) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  std::string body = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n";
  std::string response = Exchange(
      proxy.port(), "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_THAT(a.last_request(), ::testing::EndsWith("\r\n\r\n" + body));
}

TEST(ServerTest, ExpectContinueIsAnswered) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  int fd = Connect(proxy.port());
  SendAll(fd, "PUT /e HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  // The proxy answers the Expect itself, then keeps the body for retries.
  EXPECT_EQ(ReadResponse(fd), "HTTP/1.1 100 Continue\r\n\r\n");
  SendAll(fd, "data");
  std::string response = ReadResponse(fd);
  Close(fd);
  EXPECT_EQ(BodyOf(response), "a PUT /e");
  EXPECT_THAT(a.last_request(), ::testing::EndsWith("\r\n\r\ndata"));
  EXPECT_THAT(a.last_request(), ::testing::Not(HasSubstr("Expect")));
}

TEST(ServerTest, InterimAnswersReachOnlyHttp11Clients) {
  TestBackend a("a");
  a.set_interim("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n");
  RunningProxy proxy(SimplePlan({a.port()}));
  int fd = Connect(proxy.port());
  SendAll(fd, kGet);
  EXPECT_EQ(ReadResponse(fd), "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n");
  EXPECT_EQ(BodyOf(ReadResponse(fd)), "a GET /api");
  Close(fd);
  // RFC 9110 §15.2: no 1xx to an HTTP/1.0 client.
  std::string response = Exchange(proxy.port(), "GET /old HTTP/1.0\r\nHost: h\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(BodyOf(response), "a GET /old");
}

TEST(ServerTest, Http10ClientsGetNoContinueNoUpgradeAndNoChunks) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  int fd = Connect(proxy.port());
  SendAll(fd, "PUT /e HTTP/1.0\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\ndata");
  std::string response = ReadResponse(fd);
  Close(fd);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(BodyOf(response), "a PUT /e");
  // HTTP/1.0 cannot upgrade: the backend sees a plain request, in 1.0, so
  // its answer cannot be chunked.
  response = Exchange(proxy.port(),
                      "GET /ws HTTP/1.0\r\nHost: h\r\nConnection: Upgrade\r\n"
                      "Upgrade: websocket\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_THAT(a.last_request(), StartsWith("GET /ws HTTP/1.0\r\n"));
  EXPECT_THAT(a.last_request(), ::testing::Not(HasSubstr("Upgrade")));
}

TEST(ServerTest, MaxRequestBoundsChunkedBodies) {
  TestBackend a("a");
  Plan plan = SimplePlan({a.port()});
  plan.listeners[0].max_request = 8;
  RunningProxy proxy(std::move(plan));
  const std::string head = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(StatusOf(Exchange(proxy.port(), head + "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n")), 200);
  std::string response = Exchange(proxy.port(), head + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_THAT(response, HasSubstr("Connection: close\r\n"));
  EXPECT_EQ(a.requests, 1);
}

TEST(ServerTest, UpgradeTunnelsBothWaysWithHalfClose) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  int fd = Connect(proxy.port());
  SendAll(fd,
          "POST /exec HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
          "Upgrade: SPDY/3.1\r\n\r\n");
  std::string head = ReadResponse(fd);
  ASSERT_THAT(head, StartsWith("HTTP/1.1 101 "));
  EXPECT_THAT(head, HasSubstr("Upgrade: SPDY/3.1\r\n"));
  SendAll(fd, std::string("\x80\x03\x00\x01 binary \x00 bytes", 19));
  ::shutdown(fd, SHUT_WR);
  // The backend echoes, sees our EOF through the proxy, then says "bye".
  std::string rest = ReadAll(fd);
  Close(fd);
  EXPECT_EQ(rest, std::string("\x80\x03\x00\x01 binary \x00 bytes", 19) + "bye");
}

TEST(ServerTest, HealthCheckMarksFailingBackendDeadAndBack) {
  TestBackend a("a");
  TestBackend b("b");
  Plan plan = SimplePlan({a.port(), b.port()});
  plan.listeners[0].services[0].health_check = "/healthz";
  auto a_state = plan.listeners[0].services[0].backends[0].state;
  RunningProxy proxy(std::move(plan));
  a.status = 500;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (a_state->alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(a_state->alive());
  EXPECT_EQ(a_state->last_error(), "health check GET /healthz: status 500");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(BodyOf(Exchange(proxy.port(), kGet)), "b GET /api");
  a.status = 200;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!a_state->alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(a_state->alive());
}

TEST(ServerTest, DeadBackendComesBackWithAlive) {
  TestBackend a("a");
  Plan plan = SimplePlan({a.port()});
  auto state = plan.listeners[0].services[0].backends[0].state;
  RunningProxy proxy(std::move(plan));
  state->MarkDead("test");
  EXPECT_EQ(StatusOf(Exchange(proxy.port(), kGet)), 503);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!state->alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(state->alive());
  EXPECT_EQ(StatusOf(Exchange(proxy.port(), kGet)), 200);
}

TEST(ServerTest, DisabledBackendGetsNoTraffic) {
  TestBackend a("a");
  TestBackend b("b");
  RunningProxy proxy(SimplePlan({a.port(), b.port()}));
  ASSERT_FALSE(proxy.server().SetBackendEnabled(0, 0, 0, false).has_value());
  EXPECT_EQ(proxy.server().SetBackendEnabled(0, 0, 7, false), "no such backend 0/0/7");
  EXPECT_EQ(proxy.server().SetBackendEnabled(3, 0, 0, false), "no such listener 3");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(BodyOf(Exchange(proxy.port(), kGet)), "b GET /api");
  EXPECT_EQ(proxy.server().Snapshot().listeners[0].services[0].backends[0].status,
            balance::BackendStatus::kDisabled);
}

TEST(ServerTest, ServiceSelectionByUrlAndHeaders) {
  TestBackend a("a");
  TestBackend b("b");
  Plan plan = SimplePlan({a.port()});
  ServicePlan special;
  special.name = "special";
  special.url.push_back([](std::string_view t) { return t.starts_with("/special"); });
  special.head_require.push_back(
      [](std::string_view line) { return line.starts_with("X-Team: blue"); });
  BackendPlan backend;
  backend.state = std::make_shared<balance::Backend>("127.0.0.1", b.port(), 1, false);
  special.backends.push_back(backend);
  plan.listeners[0].services.insert(plan.listeners[0].services.begin(), std::move(special));
  RunningProxy proxy(std::move(plan));
  EXPECT_EQ(
      BodyOf(Exchange(proxy.port(), "GET /special HTTP/1.1\r\nHost: h\r\nX-Team: blue\r\n\r\n")),
      "b GET /special");
  EXPECT_EQ(BodyOf(Exchange(proxy.port(), "GET /special HTTP/1.1\r\nHost: h\r\n\r\n")),
            "a GET /special");
  EXPECT_EQ(
      BodyOf(Exchange(proxy.port(), "GET /other HTTP/1.1\r\nHost: h\r\nX-Team: blue\r\n\r\n")),
      "a GET /other");
}

TEST(ServerTest, ReloadSwitchesBackendsForNewRequests) {
  TestBackend a("a");
  TestBackend b("b");
  RunningProxy proxy(SimplePlan({a.port()}));
  EXPECT_EQ(BodyOf(Exchange(proxy.port(), kGet)), "a GET /api");
  Plan next = SimplePlan({b.port()});
  next.listeners[0].port = proxy.port();
  EXPECT_EQ(proxy.server().Reload(std::move(next)), std::nullopt);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string body;
  while (body != "b GET /api" && std::chrono::steady_clock::now() < deadline) {
    body = BodyOf(Exchange(proxy.port(), kGet));
  }
  EXPECT_EQ(body, "b GET /api");
  EXPECT_EQ(proxy.server().Snapshot().listeners[0].services[0].backends[0].port, b.port());
}

// Sends `count` requests on fresh connections; returns their statuses.
std::vector<int> Statuses(uint16_t port, int count) {
  std::vector<int> statuses;
  statuses.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) statuses.push_back(StatusOf(Exchange(port, kGet)));
  return statuses;
}

TEST(ServerTest, BackendThatTakesRequestsAndNeverAnswersIsMarkedDead) {
  TestBackend silent("silent");
  TestBackend good("good");
  silent.delay_ms = 2500;
  Plan plan = SimplePlan({silent.port(), good.port()});
  plan.alive = Seconds(60);  // no probe brings it back during the test
  for (BackendPlan& b : plan.listeners[0].services[0].backends) b.timeout = Seconds(1);
  RunningProxy proxy(std::move(plan));
  std::vector<int> statuses = Statuses(proxy.port(), 4);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 500), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 3);
  EXPECT_EQ(silent.requests, 1);
  // The failed request's log line names the backend that failed it.
  const std::string name = "127.0.0.1:" + std::to_string(silent.port());
  EXPECT_THAT(proxy.log_lines(), ::testing::Contains("GET /api 500 " + name));
}

TEST(ServerTest, BackendThatAnswersNonsenseIsMarkedDead) {
  TestBackend broken("broken");
  TestBackend good("good");
  broken.set_interim("BOGUS\r\n\r\n");
  Plan plan = SimplePlan({broken.port(), good.port()});
  plan.alive = Seconds(60);
  RunningProxy proxy(std::move(plan));
  std::vector<int> statuses = Statuses(proxy.port(), 4);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 500), 1);
  EXPECT_EQ(broken.requests, 1);
  EXPECT_EQ(good.requests, 3);
}

TEST(ServerTest, RefusesAPortAnotherProxyListensOn) {
  // A plain bind would fail too; the message says what to look for.
  RunningProxy first(SimplePlan({ClosedPort()}));
  Plan plan = SimplePlan({ClosedPort()});
  plan.listeners[0].port = first.port();
  Server second(std::move(plan));
  try {
    second.Bind();
    ADD_FAILURE() << "a second server bound port " << first.port();
  } catch (const std::system_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("already running"));
  }
}

TEST(ServerTest, ReloadThatMovesAListenerChangesNothing) {
  TestBackend a("a");
  TestBackend b("b");
  RunningProxy proxy(SimplePlan({a.port()}));
  Plan next = SimplePlan({b.port()});
  next.listeners[0].address = "127.0.0.2";
  std::optional<std::string> refused = proxy.server().Reload(std::move(next));
  ASSERT_TRUE(refused.has_value());
  EXPECT_THAT(*refused, HasSubstr("restart kha-proxy"));
  EXPECT_EQ(BodyOf(Exchange(proxy.port(), kGet)), "a GET /api");
  EXPECT_EQ(b.requests, 0);
}

TEST(ServerTest, ErrorAnswersToHeadHaveNoBody) {
  RunningProxy proxy(SimplePlan({ClosedPort()}));
  int fd = Connect(proxy.port());
  SendAll(fd, "HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string data;
  size_t head_end = 0;
  ASSERT_TRUE(testing::detail::ReadHead(fd, data, head_end));
  EXPECT_THAT(data.substr(0, head_end), StartsWith("HTTP/1.1 503 "));
  EXPECT_THAT(data.substr(0, head_end), HasSubstr("\r\nContent-Length: "));
  // The connection stays: the GET after it must get its own answer, not
  // the HEAD's page.
  Pending(fd) = data.substr(head_end);
  SendAll(fd, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string get = ReadResponse(fd);
  Close(fd);
  EXPECT_THAT(get, StartsWith("HTTP/1.1 503 "));
  EXPECT_THAT(BodyOf(get), HasSubstr("<html>"));
}

TEST(ServerTest, RequestLogHookSeesEachRequest) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}));
  Exchange(proxy.port(), kGet);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (proxy.log_lines().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(proxy.log_lines().size(), 1u);
  EXPECT_EQ(proxy.log_lines()[0], "GET /api 200 127.0.0.1:" + std::to_string(a.port()));
}

TEST(ServerTest, StopFinishesInFlightRequest) {
  TestBackend a("a");
  a.delay_ms = 500;
  auto proxy = std::make_unique<RunningProxy>(SimplePlan({a.port()}));
  int fd = Connect(proxy->port());
  SendAll(fd, kGet);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::thread stopper([&] { proxy->server().Stop(std::chrono::seconds(5)); });
  std::string response = ReadResponse(fd);
  Close(fd);
  stopper.join();
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_THAT(response, HasSubstr("Connection: close\r\n"));
  proxy.reset();
}

TEST(ServerTest, OutOfDescriptorsItPausesAcceptingAndServesOnceOneIsFree) {
  TestBackend a("a");
  RunningProxy proxy(SimplePlan({a.port()}), 1);
  ASSERT_EQ(StatusOf(Exchange(proxy.port(), kGet)), 200);  // pools a backend connection

  // Leave the process no descriptor at all, then free one for the client.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd = ::dup(0); fd >= 0; fd = ::dup(0)) fillers.push_back(fd);
  ASSERT_EQ(errno, EMFILE);
  ASSERT_GE(fillers.size(), 2u);
  ::close(fillers.back());
  fillers.pop_back();
  int client = Connect(proxy.port());  // queued: the proxy's accept fails with EMFILE
  SendAll(client, kGet);

  // It waits between attempts instead of spinning on the error.
  rusage before{};
  rusage after{};
  ::getrusage(RUSAGE_SELF, &before);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ::getrusage(RUSAGE_SELF, &after);
  auto cpu_ms = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000 +
           (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1000;
  };
  const long paused_cpu_ms = cpu_ms(after) - cpu_ms(before);  // checked with descriptors back

  ::close(fillers.back());  // one descriptor: enough for the client, the backend is pooled
  fillers.pop_back();
  std::string response = ReadResponse(client);
  Close(client);
  for (int fd : fillers) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_LT(paused_cpu_ms, 200);
  EXPECT_EQ(StatusOf(response), 200) << response;
}

}  // namespace
}  // namespace kha::proxy::net
