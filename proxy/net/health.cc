// Alive and HealthCheck: every Alive seconds, dead backends get a TCP
// connect (Pound's probe) and, in services with a HealthCheck path, every
// backend gets an HTTP GET whose answer must be 2xx: an apiserver that lost
// etcd still accepts TCP but answers /healthz with 500.
#include <charconv>
#include <string>
#include <unordered_map>

#include "proxy/logging/log_sink.h"
#include "proxy/net/server_impl.h"

namespace kha::proxy::net {

using asio::ip::tcp;

namespace {

struct Probe {
  explicit Probe(asio::io_context& io) : socket(io), timer(io) {}
  tcp::socket socket;
  asio::steady_timer timer;
  bool timed_out = false;
};

void Report(balance::Backend& backend, bool healthy, const std::string& why) {
  if (healthy) {
    if (backend.MarkAlive()) {
      logging::LogInfo("backend " + backend.name() + " is alive again");
    }
  } else if (backend.MarkDead(why)) {
    logging::LogWarning("backend " + backend.name() + " is dead: " + why);
  }
}

// Returns "" when healthy, else why not.
asio::awaitable<std::string> RunProbe(Worker& worker, BackendPlan backend, std::string path) {
  auto probe = std::make_shared<Probe>(worker.io);
  probe->timer.expires_after(backend.connect_timeout +
                             (path.empty() ? Seconds(0) : backend.timeout));
  probe->timer.async_wait([probe](const asio::error_code& ec) {
    if (ec) return;
    probe->timed_out = true;
    asio::error_code ignored;
    probe->socket.close(ignored);
  });
  struct CancelTimer {
    Probe& p;
    ~CancelTimer() { p.timer.cancel(); }
  } cancel{*probe};

  asio::error_code ec;
  asio::ip::address address = asio::ip::make_address(backend.state->address(), ec);
  if (ec) co_return "not a numeric address";
  co_await probe->socket.async_connect(tcp::endpoint(address, backend.state->port()),
                                       asio::redirect_error(asio::use_awaitable, ec));
  if (probe->timed_out) co_return "probe: connect timed out";
  if (ec) co_return "probe: connect: " + ec.message();
  if (path.empty()) co_return "";

  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + backend.state->name() +
                        "\r\nUser-Agent: kha-proxy health check\r\n"
                        "Connection: close\r\n\r\n";
  co_await asio::async_write(probe->socket, asio::buffer(request),
                             asio::redirect_error(asio::use_awaitable, ec));
  std::string answer;
  char chunk[512];
  while (!ec && answer.find("\r\n") == std::string::npos && answer.size() < 4096) {
    size_t n = co_await probe->socket.async_read_some(
        asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    answer.append(chunk, n);
  }
  std::string what = "health check GET " + path + ": ";
  if (probe->timed_out) co_return what + "no answer in time";
  size_t eol = answer.find("\r\n");
  int status = 0;
  if (eol != std::string::npos && answer.compare(0, 7, "HTTP/1.") == 0 && answer.size() >= 12) {
    std::from_chars(answer.data() + 9, answer.data() + 12, status);
  }
  if (status == 0) {
    co_return what + (ec ? ec.message() : std::string("not an HTTP answer"));
  }
  if (status < 200 || status > 299) co_return what + "status " + std::to_string(status);
  co_return "";
}

void Spawn(Worker& worker, const std::shared_ptr<const LivePlan>& live, const BackendPlan& backend,
           const std::string& path) {
  balance::Backend* state = backend.state.get();
  if (!worker.probing.insert(state).second) return;  // still probing
  asio::co_spawn(
      worker.io,
      [&worker, live, backend, path]() -> asio::awaitable<void> {
        std::string why = co_await RunProbe(worker, backend, path);
        worker.probing.erase(backend.state.get());
        if (!worker.stopping) Report(*backend.state, why.empty(), why);
      },
      asio::detached);
}

template <typename F>
void ForEachService(const Plan& plan, F f) {
  for (const ListenerPlan& l : plan.listeners) {
    for (const ServicePlan& s : l.services) f(s);
  }
  for (const ServicePlan& s : plan.global_services) f(s);
}

// Ticks at the shortest of Alive and every HealthCheck interval; each
// service is probed when its own interval has passed.
asio::awaitable<void> ProbeLoop(Worker& worker) {
  using Clock = std::chrono::steady_clock;
  std::unordered_map<const ServicePlan*, Clock::time_point> next_due;
  const LivePlan* seen = nullptr;
  while (!worker.stopping) {
    std::shared_ptr<const LivePlan> live = worker.plan;
    auto interval_of = [&](const ServicePlan& s) {
      Seconds alive = live->plan.alive.count() > 0 ? live->plan.alive : Seconds(30);
      return !s.health_check.empty() && s.health_interval.count() > 0 ? s.health_interval : alive;
    };
    Seconds tick = live->plan.alive.count() > 0 ? live->plan.alive : Seconds(30);
    ForEachService(live->plan,
                   [&](const ServicePlan& s) { tick = std::min(tick, interval_of(s)); });
    worker.probe_timer.expires_after(tick);
    asio::error_code ec;
    co_await worker.probe_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || worker.stopping) co_return;
    live = worker.plan;
    if (live.get() != seen) {
      next_due.clear();  // a reload: every service is due now
      seen = live.get();
    }
    Clock::time_point now = Clock::now();
    ForEachService(live->plan, [&](const ServicePlan& s) {
      auto [it, inserted] = next_due.try_emplace(&s, now);
      if (now < it->second) return;
      it->second = now + interval_of(s) - std::chrono::milliseconds(100);
      auto probe = [&](const BackendPlan& b) {
        if (!s.health_check.empty()) {
          Spawn(worker, live, b, s.health_check);
        } else if (!b.state->alive()) {
          Spawn(worker, live, b, "");
        }
      };
      for (const BackendPlan& b : s.backends) probe(b);
      if (s.emergency) probe(*s.emergency);
    });
  }
}

}  // namespace

void StartProber(Worker& worker) { asio::co_spawn(worker.io, ProbeLoop(worker), asio::detached); }

}  // namespace kha::proxy::net
