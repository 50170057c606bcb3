#include "proxy/net/server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "common/log.h"
#include "common/unique_fd.h"
#include "proxy/logging/log_sink.h"
#include "proxy/net/placement.h"
#include "proxy/net/server_impl.h"

namespace kha::proxy::net {

using event::Endpoint;

namespace {

constexpr int kBacklog = 1024;

int BindOne(const Endpoint& endpoint, const std::string& what) {
  int fd = ::socket(endpoint.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // Accepted sockets inherit it: no setsockopt per connection.
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // One socket that every loop accepts from, not one SO_REUSEPORT socket per
  // loop: the kernel hashes a new connection to a socket whether or not its
  // loop is busy, while a shared socket goes to whichever loop is free. With
  // 2 loops and Connection: close, p99 went from 8.8-11.3 ms to 7.6-8.0 ms
  // (wrk -c64, three alternating runs each).
  //
  // No TCP_DEFER_ACCEPT: it saves one EAGAIN read per connection, but the
  // loop then wakes only when the request arrives instead of while the
  // client is still writing it, and one request on a new connection took
  // 69 us instead of 53 us (wrk -c1, Connection: close, through loopback).
  if (::bind(fd, endpoint.data(), endpoint.size) != 0 || ::listen(fd, kBacklog) != 0) {
    int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), what);
  }
  // The answer carries the ACK of the request: otherwise Linux acks a new
  // connection's first segment at once, one packet more per Connection:
  // close request. After listen(), which resets it; new connections inherit it.
  int zero = 0;
  ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof zero);
  return fd;
}

// Another process listening with SO_REUSEPORT (e.g. an older kha-proxy)
// would let a second one bind beside it and silently take half the
// connections. A socket without it cannot bind where anything listens, so it
// tells whether the port is free, and says so in words.
void RefuseIfTaken(const Endpoint& endpoint, const std::string& what) {
  int fd = ::socket(endpoint.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int result = ::bind(fd, endpoint.data(), endpoint.size);
  int error = errno;
  ::close(fd);
  if (result != 0 && error == EADDRINUSE) {
    throw std::system_error(
        error, std::generic_category(),
        what + ": another process listens there (is kha-proxy already running?)");
  }
}

uint16_t LocalPort(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

void ForEachService(const Plan& plan, const auto& f) {
  for (const ListenerPlan& l : plan.listeners) {
    for (const ServicePlan& s : l.services) f(s);
  }
  for (const ServicePlan& s : plan.global_services) f(s);
}

Worker& LeastBusy(Worker& self) {
  const auto& workers = self.server.workers;
  const size_t pick = PickLoop(workers.size(), static_cast<size_t>(self.id), [&](size_t i) {
    return workers[i]->load.load(std::memory_order_relaxed);
  });
  return *workers[pick];
}

void Place(Worker& worker, int listener, int fd, const Endpoint& peer) {
  Worker& target = LeastBusy(worker);
  if (&target == &worker) {
    StartSession(worker, listener, fd, peer);
    return;
  }
  // Counted now, so the next accept on any loop already sees it.
  target.load.fetch_add(1, std::memory_order_relaxed);
  // Closed if it never arrives (a loop that stopped drops what was posted).
  target.loop.Post([&target, listener, owned = std::make_shared<UniqueFd>(fd), peer] {
    target.load.fetch_sub(1, std::memory_order_relaxed);  // the session counts itself
    StartSession(target, listener, owned->Release(), peer);
  });
}

event::Task<void> AcceptLoop(Worker& worker, Worker::Acceptor& acceptor) {
  while (!worker.stopping) {
    // The peer's address comes with the accept: no getpeername per client.
    event::Accepted accepted = co_await acceptor.socket.Accept();
    if (accepted.error != 0) {
      if (worker.stopping || accepted.error == ECANCELED) co_return;
      // Out of descriptors: back off instead of spinning on the error.
      co_await event::Sleep(worker.loop, std::chrono::milliseconds(100));
      continue;
    }
    Place(worker, acceptor.listener, accepted.fd, accepted.peer);
  }
}

void BeginStop(Worker& worker, Seconds grace) {
  if (worker.stopping) return;
  worker.stopping = true;
  for (Worker::Acceptor& a : worker.acceptors) {
    a.socket.Cancel();
    a.socket.Close();
  }
  CloseIdleSessions(worker);
  worker.grace_timer.ExpireAfter(grace);
  worker.MaybeFinishStop();
}

balance::BackendView ViewOf(int index, const BackendPlan& b) {
  balance::BackendView view;
  view.index = index;
  view.address = b.state->address();
  view.port = b.state->port();
  view.priority = b.state->priority();
  view.status = b.state->status();
  view.active_connections = b.state->active_connections();
  view.requests_served = b.state->requests_served();
  view.last_error = b.state->last_error();
  return view;
}

balance::ServiceView ViewOf(int index, const ServicePlan& s) {
  balance::ServiceView view;
  view.index = index;
  view.name = s.name;
  for (size_t i = 0; i < s.backends.size(); ++i) {
    view.backends.push_back(ViewOf(static_cast<int>(i), s.backends[i]));
  }
  if (s.emergency) view.emergency = ViewOf(0, *s.emergency);
  return view;
}

}  // namespace

Worker::Worker(Server::Impl& server, int id) : server(server), id(id) {
  loop.SetErrorHandler([](const std::exception_ptr& error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      logging::LogError(std::string("connection failed: ") + e.what());
    }
  });
}

void Worker::MaybeFinishStop() {
  if (stopping && sessions.empty()) loop.Stop();
}

std::shared_ptr<const LivePlan> Compile(const Plan& plan, int threads) {
  auto live = std::make_shared<LivePlan>();
  live->plan = plan;
  live->selectors.resize(static_cast<size_t>(std::max(threads, 1)));
  for (auto& map : live->selectors) {
    ForEachService(live->plan, [&](const ServicePlan& s) {
      std::vector<balance::Backend*> backends;
      for (const BackendPlan& b : s.backends) backends.push_back(b.state.get());
      map.emplace(&s, balance::Selector(std::move(backends)));
    });
  }
  return live;
}

void AdoptBackendState(Plan& next, const Plan& previous) {
  std::multimap<std::string, std::shared_ptr<balance::Backend>> old;
  ForEachService(previous, [&](const ServicePlan& s) {
    for (const BackendPlan& b : s.backends) old.emplace(b.state->name(), b.state);
    if (s.emergency) old.emplace(s.emergency->state->name(), s.emergency->state);
  });
  auto adopt = [&](BackendPlan& b) {
    auto [first, last] = old.equal_range(b.state->name());
    for (auto it = first; it != last; ++it) {
      if (it->second->priority() == b.state->priority() &&
          it->second->emergency() == b.state->emergency()) {
        b.state = it->second;
        old.erase(it);  // one old backend feeds one new one
        return;
      }
    }
  };
  auto walk = [&](std::vector<ServicePlan>& services) {
    for (ServicePlan& s : services) {
      for (BackendPlan& b : s.backends) adopt(b);
      if (s.emergency) adopt(*s.emergency);
    }
  };
  for (ListenerPlan& l : next.listeners) walk(l.services);
  walk(next.global_services);
}

Server::Server(Plan plan) : impl_(std::make_unique<Impl>(std::move(plan))) {}

Server::~Server() {
  for (auto& bound : impl_->bound) {
    if (bound.fd >= 0) ::close(bound.fd);
  }
}

void Server::SetRequestLog(RequestLogHook hook) {
  std::lock_guard lock(impl_->mutex);
  impl_->log_hook = std::move(hook);
}

void Server::Bind() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->bound.empty()) return;
  for (const ListenerPlan& l : impl_->plan.listeners) {
    std::string what = "bind " + l.address + ":" + std::to_string(l.port);
    std::optional<Endpoint> endpoint = Endpoint::Parse(l.address, l.port);
    if (!endpoint) {
      throw std::system_error(EINVAL, std::generic_category(), what + ": not a numeric address");
    }
    if (l.port != 0) RefuseIfTaken(*endpoint, what);
    Impl::BoundListener bound;
    bound.port = l.port;
    bound.fd = BindOne(*endpoint, what);
    if (bound.port == 0) bound.port = LocalPort(bound.fd);  // tests bind port 0
    impl_->bound.push_back(bound);
  }
}

std::vector<uint16_t> Server::BoundPorts() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<uint16_t> ports;
  for (const auto& bound : impl_->bound) ports.push_back(bound.port);
  return ports;
}

void Server::Run(int threads) {
  threads = std::max(threads, 1);
  Bind();
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stop_requested) return;
    impl_->threads = threads;
    impl_->live = Compile(impl_->plan, threads);
    for (int t = 0; t < threads; ++t) {
      auto worker = std::make_unique<Worker>(*impl_, t);
      worker->plan = impl_->live;
      for (size_t l = 0; l < impl_->bound.size(); ++l) {
        const Impl::BoundListener& bound = impl_->bound[l];
        int fd = ::fcntl(bound.fd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) throw std::system_error(errno, std::generic_category(), "dup listener");
        // Edge-triggered like the rest: a loop accepts until EAGAIN, and
        // after EMFILE it can pause without epoll reporting the listener
        // again and again.
        worker->acceptors.push_back(Worker::Acceptor{
            static_cast<int>(l), event::Socket::SharedListener(worker->loop, fd)});
      }
      impl_->workers.push_back(std::move(worker));
    }
    // The workers own duplicates now; close the originals so a stopped
    // server releases its ports.
    for (auto& bound : impl_->bound) {
      ::close(bound.fd);
      bound.fd = -1;
    }
  }
  for (auto& worker : impl_->workers) {
    for (Worker::Acceptor& acceptor : worker->acceptors) {
      worker->loop.Spawn(AcceptLoop(*worker, acceptor));
    }
  }
  StartProber(*impl_->workers[0]);
  std::vector<std::thread> others;
  for (int t = 1; t < threads; ++t) {
    others.emplace_back([w = impl_->workers[t].get()] { w->loop.Run(); });
  }
  impl_->workers[0]->loop.Run();
  for (auto& t : others) t.join();
  std::lock_guard lock(impl_->mutex);
  impl_->workers.clear();
}

void Server::Stop(std::chrono::seconds grace) {
  std::lock_guard lock(impl_->mutex);
  impl_->stop_requested = true;
  impl_->stop_grace = grace;
  for (auto& worker : impl_->workers) {
    Worker* w = worker.get();
    w->loop.Post([w, grace] { BeginStop(*w, grace); });
  }
}

std::optional<std::string> Server::Reload(Plan plan) {
  std::lock_guard lock(impl_->mutex);
  const Plan& old = impl_->plan;
  // Sockets stay bound across a reload (privileges may be gone), so the
  // listeners must stay where they are; anything else needs a restart.
  bool same_listeners = plan.listeners.size() == old.listeners.size();
  for (size_t i = 0; same_listeners && i < plan.listeners.size(); ++i) {
    same_listeners =
        plan.listeners[i].address == old.listeners[i].address &&
        (plan.listeners[i].port == old.listeners[i].port || old.listeners[i].port == 0);
  }
  if (!same_listeners) {
    return "listeners were added, removed or moved; restart kha-proxy to apply";
  }
  AdoptBackendState(plan, old);
  impl_->plan = std::move(plan);
  if (impl_->workers.empty()) return std::nullopt;
  impl_->live = Compile(impl_->plan, impl_->threads);
  for (auto& worker : impl_->workers) {
    Worker* w = worker.get();
    w->loop.Post([w, live = impl_->live] {
      w->plan = live;
      w->pool.Clear();  // connections to removed backends go with it
    });
  }
  return std::nullopt;
}

balance::RuntimeView Server::Snapshot() const {
  std::lock_guard lock(impl_->mutex);
  balance::RuntimeView view;
  const Plan& plan = impl_->plan;
  for (size_t l = 0; l < plan.listeners.size(); ++l) {
    const ListenerPlan& lp = plan.listeners[l];
    balance::ListenerView listener;
    listener.index = static_cast<int>(l);
    listener.protocol = "http";
    listener.address = lp.address;
    listener.port = l < impl_->bound.size() ? impl_->bound[l].port : lp.port;
    for (size_t s = 0; s < lp.services.size(); ++s) {
      listener.services.push_back(ViewOf(static_cast<int>(s), lp.services[s]));
    }
    view.listeners.push_back(std::move(listener));
  }
  for (size_t s = 0; s < plan.global_services.size(); ++s) {
    view.global_services.push_back(ViewOf(static_cast<int>(s), plan.global_services[s]));
  }
  return view;
}

std::optional<std::string> Server::SetBackendEnabled(int listener, int service, int backend,
                                                     bool enabled) {
  std::lock_guard lock(impl_->mutex);
  const Plan& plan = impl_->plan;
  std::string where =
      std::to_string(listener) + "/" + std::to_string(service) + "/" + std::to_string(backend);
  const std::vector<ServicePlan>* services = nullptr;
  if (listener == -1) {
    services = &plan.global_services;
  } else if (listener >= 0 && static_cast<size_t>(listener) < plan.listeners.size()) {
    services = &plan.listeners[listener].services;
  } else {
    return "no such listener " + std::to_string(listener);
  }
  if (service < 0 || static_cast<size_t>(service) >= services->size()) {
    return "no such service " + std::to_string(listener) + "/" + std::to_string(service);
  }
  const ServicePlan& s = (*services)[service];
  if (backend < 0 || static_cast<size_t>(backend) >= s.backends.size()) {
    return "no such backend " + where;
  }
  s.backends[backend].state->SetDisabled(!enabled);
  return std::nullopt;
}

}  // namespace kha::proxy::net
