// Alive and HealthCheck: every Alive seconds, dead backends get a TCP
// connect (Pound's probe) and, in services with a HealthCheck path, every
// backend gets an HTTP GET whose answer must be 2xx: an apiserver that lost
// etcd still accepts TCP but answers /healthz with 500.
#include <charconv>
#include <cstring>
#include <string>
#include <unordered_map>

#include "proxy/logging/log_sink.h"
#include "proxy/net/server_impl.h"

namespace kha::proxy::net {

namespace {

void Report(balance::Backend& backend, bool healthy, const std::string& why) {
  if (healthy) {
    if (backend.MarkAlive()) {
      logging::LogInfo("backend " + backend.name() + " is alive again");
    }
  } else if (backend.MarkDead(why)) {
    logging::LogWarning("backend " + backend.name() + " is dead: " + why);
  }
}

// Returns "" when healthy, else why not. The whole probe has one deadline,
// the backend's ConnTO (plus its TimeOut for a HealthCheck).
event::Task<std::string> RunProbe(Worker& worker, BackendPlan backend, std::string path) {
  std::optional<event::Endpoint> endpoint =
      event::Endpoint::Parse(backend.state->address(), backend.state->port());
  if (!endpoint) co_return "not a numeric address";
  event::Connected connected = event::Socket::StartConnect(worker.loop, *endpoint);
  if (connected.error != 0) {
    co_return "probe: connect: " + std::string(std::strerror(connected.error));
  }
  event::Socket& socket = connected.socket;
  bool timed_out = false;
  event::Timer deadline(worker.loop, [&] {
    timed_out = true;
    socket.Cancel();
  });
  deadline.ExpireAfter(backend.connect_timeout + (path.empty() ? Seconds(0) : backend.timeout));
  const int error = co_await socket.FinishConnect();
  if (timed_out) co_return "probe: connect timed out";
  if (error != 0) co_return "probe: connect: " + std::string(std::strerror(error));
  if (path.empty()) co_return "";

  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + backend.state->name() +
                        "\r\nUser-Agent: kha-proxy health check\r\n"
                        "Connection: close\r\n\r\n";
  event::IoResult io = co_await socket.Write(request);
  std::string answer;
  char chunk[512];
  while (io.error == 0 && answer.find("\r\n") == std::string::npos && answer.size() < 4096) {
    io = co_await socket.ReadSome(chunk, sizeof chunk);
    if (io.error == 0 && io.bytes == 0) break;  // closed
    answer.append(chunk, io.bytes);
  }
  std::string what = "health check GET " + path + ": ";
  if (timed_out) co_return what + "no answer in time";
  size_t eol = answer.find("\r\n");
  int status = 0;
  if (eol != std::string::npos && answer.compare(0, 7, "HTTP/1.") == 0 && answer.size() >= 12) {
    std::from_chars(answer.data() + 9, answer.data() + 12, status);
  }
  if (status == 0) {
    co_return what + (io.error != 0 ? std::string(std::strerror(io.error)) : "not an HTTP answer");
  }
  if (status < 200 || status > 299) co_return what + "status " + std::to_string(status);
  co_return "";
}

// `backend` and `path` are copies: the probe outlives no plan it needs.
event::Task<void> ProbeAndReport(Worker& worker, BackendPlan backend, std::string path) {
  std::string why = co_await RunProbe(worker, backend, path);
  worker.probing.erase(backend.state.get());
  if (!worker.stopping) Report(*backend.state, why.empty(), why);
}

void Spawn(Worker& worker, const BackendPlan& backend, const std::string& path) {
  balance::Backend* state = backend.state.get();
  if (!worker.probing.insert(state).second) return;  // still probing
  worker.loop.Spawn(ProbeAndReport(worker, backend, path));
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
event::Task<void> ProbeLoop(Worker& worker) {
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
    co_await event::Sleep(worker.loop, tick);
    if (worker.stopping) co_return;
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
          Spawn(worker, b, s.health_check);
        } else if (!b.state->alive()) {
          Spawn(worker, b, "");
        }
      };
      for (const BackendPlan& b : s.backends) probe(b);
      if (s.emergency) probe(*s.emergency);
    });
  }
}

}  // namespace

void StartProber(Worker& worker) { worker.loop.Spawn(ProbeLoop(worker)); }

}  // namespace kha::proxy::net
