// One client connection: reads requests, picks a service and a backend,
// forwards the request and streams the answer back, retrying on another
// backend while nothing of the answer reached the client. Written as one
// C++20 coroutine per connection: the control flow reads top to bottom and
// Asio recycles coroutine frames, so the hot path does not allocate.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <asio/experimental/awaitable_operators.hpp>
#include <chrono>
#include <string>

#include "common/log.h"
#include "proxy/http/parser.h"
#include "proxy/net/buffer.h"
#include "proxy/net/error_page.h"
#include "proxy/net/head.h"
#include "proxy/net/server_impl.h"
#include "proxy/net/worker.h"

namespace kha::proxy::net {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kBufferSize = 16 * 1024;
constexpr size_t kMaxHead = 64 * 1024;
// Request bodies up to this size are read whole before they are sent, so a
// failed backend can be replaced without the client noticing.
constexpr uint64_t kRetryBody = 64 * 1024;
constexpr int kMaxAttempts = 16;

void SetNoDelay(tcp::socket& socket) {
  int one = 1;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Long tunnels have no idle timeout (an idle `kubectl exec` shell is fine);
// keepalive probes still find peers that vanished.
void SetKeepAlive(tcp::socket& socket) {
  int one = 1;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
}

// Copies of the request fields needed after its head left the buffer; the
// strings keep their capacity from request to request.
struct SavedRequest {
  std::string method, target, version, host, referer, user_agent;
  std::string request_line;
  std::string authorization;
  int minor = 1;
};

enum class Outcome {
  kKeepAlive,  // serve the next request on this connection
  kClose,      // done, close the client connection
};

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Worker& worker, int listener, tcp::socket client)
      : worker_(worker),
        listener_index_(listener),
        client_(std::move(client)),
        backend_(worker.io),
        timer_(worker.io),
        in_(kBufferSize),
        from_backend_(kBufferSize) {}

  asio::awaitable<void> Run();

  // From Stop: a session waiting for a request that has not begun closes.
  void CloseIfIdle() {
    if (idle_) {
      asio::error_code ignored;
      client_.cancel(ignored);
    }
  }

 private:
  asio::awaitable<Outcome> ServeOne();
  asio::awaitable<bool> ReadRequestHead();
  const ServicePlan* ChooseService() const;
  void BuildBackendHead(bool upgrade);
  const BackendPlan* ChooseBackend(const ServicePlan& service,
                                   std::span<balance::Backend* const> tried);
  asio::awaitable<bool> Connect(const BackendPlan& backend);
  asio::awaitable<bool> ReadBody(uint64_t length);
  asio::awaitable<bool> StreamRequestBody(Framing framing, uint64_t length);
  enum class ReadResult { kOk, kNothing, kBroken };
  asio::awaitable<ReadResult> ReadResponseHead(bool forward_interim);
  asio::awaitable<bool> ForwardResponse(bool& backend_reusable);
  asio::awaitable<void> Tunnel();
  asio::awaitable<void> Pipe(tcp::socket& from, tcp::socket& to, Buffer& buffer, bool& failed);
  asio::awaitable<Outcome> SendError(int status, bool keep_alive);
  void ReleaseBackend(bool reusable);
  void Log(int status);

  // Idle deadlines: one timer per session, re-armed only when it fires, so
  // moving a deadline costs a clock read and no timer operation.
  void SetDeadline(Seconds timeout) {
    deadline_ = Clock::now() + timeout;
    if (!watch_armed_ || deadline_ < armed_at_) ArmWatch();
  }
  void ClearDeadline() { deadline_ = Clock::time_point::max(); }
  void ArmWatch() {
    watch_armed_ = true;
    armed_at_ = deadline_;
    uint64_t generation = ++watch_generation_;
    timer_.expires_at(deadline_);  // replaces a pending wait, if any
    timer_.async_wait([self = shared_from_this(), generation](const asio::error_code& ec) {
      if (generation != self->watch_generation_) return;  // superseded
      self->watch_armed_ = false;
      if (ec || self->finished_) return;
      if (self->deadline_ == Clock::time_point::max()) return;
      if (Clock::now() >= self->deadline_) {
        self->timed_out_ = true;
        asio::error_code ignored;
        self->client_.cancel(ignored);
        self->backend_.cancel(ignored);
      } else {
        self->ArmWatch();
      }
    });
  }

  const ListenerPlan& listener() const { return plan_->plan.listeners[listener_index_]; }
  Seconds backend_timeout() const { return current_ != nullptr ? current_->timeout : Seconds(15); }

  Worker& worker_;
  const int listener_index_;
  tcp::socket client_;
  tcp::socket backend_;
  asio::steady_timer timer_;
  Buffer in_;            // client → proxy
  Buffer from_backend_;  // backend → proxy
  std::string out_;      // heads the proxy writes, reused
  Head request_;
  Head response_;
  SavedRequest saved_;
  std::string client_address_;
  std::shared_ptr<const LivePlan> plan_;
  const ServicePlan* service_ = nullptr;
  const BackendPlan* current_ = nullptr;
  std::shared_ptr<balance::Backend> current_state_;  // pins current_'s state
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point armed_at_ = Clock::time_point::max();
  uint64_t watch_generation_ = 0;
  Clock::time_point started_;
  std::chrono::system_clock::time_point received_;
  std::string response_line_;
  uint64_t body_bytes_ = 0;
  int status_ = 0;
  bool watch_armed_ = false;
  bool timed_out_ = false;
  bool idle_ = false;
  bool finished_ = false;
  bool client_must_close_ = false;
  bool client_keep_ = false;
};

void StartSession(Worker& worker, int listener, tcp::socket socket) {
  auto session = std::make_shared<Session>(worker, listener, std::move(socket));
  asio::co_spawn(worker.io, session->Run(), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      kha::Log::Error(std::string("kha-proxy: connection failed: ") + e.what());
    }
  });
}

void CloseIdleSessions(Worker& worker) {
  for (Session* session : worker.sessions) session->CloseIfIdle();
}

asio::awaitable<void> Session::Run() {
  auto self = shared_from_this();
  worker_.sessions.insert(this);
  SetNoDelay(client_);
  asio::error_code ec;
  tcp::endpoint peer = client_.remote_endpoint(ec);
  if (!ec) {
    asio::ip::address address = peer.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    client_address_ = address.to_string();
  }
  while (true) {
    Outcome outcome = co_await ServeOne();
    if (outcome == Outcome::kClose) break;
  }
  finished_ = true;
  worker_.sessions.erase(this);
  worker_.MaybeFinishStop();
  timer_.cancel();
  ReleaseBackend(false);
  client_.shutdown(tcp::socket::shutdown_both, ec);
  client_.close(ec);
}

asio::awaitable<bool> Session::ReadRequestHead() {
  size_t scanned = 0;
  idle_ = in_.empty();
  while (true) {
    if (!in_.empty()) {
      int error_status = 0;
      ParseResult result = ParseRequestHead(in_.data(), kMaxHead, scanned, request_, error_status);
      if (result == ParseResult::kDone) break;
      if (result == ParseResult::kError) {
        status_ = error_status;
        co_return false;
      }
    }
    if (worker_.stopping && in_.empty()) co_return false;
    if (in_.space_size() == 0) in_.Reserve(std::min(in_.capacity() * 2, kMaxHead + 1));
    SetDeadline(plan_->plan.listeners[listener_index_].client_timeout);
    asio::error_code ec;
    size_t n = co_await client_.async_read_some(asio::buffer(in_.space(), in_.space_size()),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) co_return false;
    idle_ = false;
    in_.Commit(n);
  }
  idle_ = false;
  co_return true;
}

asio::awaitable<Outcome> Session::ServeOne() {
  plan_ = worker_.plan;  // a reload applies from the next request on
  status_ = 0;
  body_bytes_ = 0;
  service_ = nullptr;
  current_ = nullptr;
  started_ = Clock::time_point();
  response_line_.clear();
  for (std::string* field :
       {&saved_.method, &saved_.target, &saved_.version, &saved_.host, &saved_.referer,
        &saved_.user_agent, &saved_.request_line, &saved_.authorization}) {
    field->clear();
  }
  if (!co_await ReadRequestHead()) {
    ClearDeadline();
    // A parse error gets its answer; a closed or idle connection does not.
    if (status_ != 0) co_return co_await SendError(status_, false);
    co_return Outcome::kClose;
  }
  started_ = Clock::now();
  received_ = std::chrono::system_clock::now();
  const Head& req = request_;
  for (const Header& h : req.headers) {
    if (EqualsIgnoreCase(h.name, "authorization")) saved_.authorization.assign(h.value);
  }
  saved_.method.assign(req.method);
  saved_.target.assign(req.target);
  saved_.version.assign(req.version);
  saved_.host.assign(req.host);
  saved_.referer.assign(req.referer);
  saved_.user_agent.assign(req.user_agent);
  saved_.request_line.assign(in_.data().substr(0, in_.data().find("\r\n")));
  saved_.minor = req.minor;
  const ListenerPlan& lp = listener();

  int method_status = http::MethodStatus(req.method, lp.xhttp);
  if (method_status == 0 && lp.check_url && !lp.check_url(req.target)) {
    method_status = 501;  // Pound's CheckURL
  }
  if (method_status != 0) {
    in_.Consume(req.size);
    // The body, if any, was not read: the connection cannot continue.
    co_return co_await SendError(method_status, req.framing == Framing::kNone && req.Persistent());
  }
  if (lp.max_request > 0 && req.framing == Framing::kLength &&
      req.content_length > lp.max_request) {
    in_.Consume(req.size);
    co_return co_await SendError(413, false);
  }
  service_ = ChooseService();
  if (service_ == nullptr) {
    in_.Consume(req.size);
    co_return co_await SendError(503, req.framing == Framing::kNone && req.Persistent());
  }
  const bool upgrade = req.conn_upgrade && !req.upgrade.empty();
  const Framing framing = req.framing;
  const uint64_t length = req.content_length;
  // Expect: 100-continue is answered here, and the body then handled like
  // any other, so it can be kept for a retry (RFC 9110 §10.1.1 lets an
  // intermediary answer; the backend sees no Expect).
  const bool expect_continue = req.expect_continue && framing != Framing::kNone && req.minor >= 1;
  client_keep_ = req.Persistent() && !upgrade;
  BuildBackendHead(upgrade);
  in_.Consume(req.size);  // request_'s views are invalid from here on
  if (expect_continue) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    SetDeadline(lp.client_timeout);
    asio::error_code ec;
    co_await asio::async_write(client_, asio::buffer(kContinue),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Outcome::kClose;
  }

  // Whole small bodies are kept so another backend can get them again.
  bool body_kept = framing == Framing::kNone;
  if (framing == Framing::kLength && length <= kRetryBody) {
    if (!co_await ReadBody(length)) co_return Outcome::kClose;
    body_kept = true;
  }

  std::array<balance::Backend*, kMaxAttempts> tried_storage{};
  size_t tried = 0;
  bool use_pool = true;
  bool body_sent = body_kept;
  bool body_consumed = false;  // some body bytes left the client's buffer
  ReadResult head_result = ReadResult::kNothing;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    current_ = nullptr;
    const BackendPlan* chosen =
        ChooseBackend(*service_, std::span<balance::Backend* const>(tried_storage.data(), tried));
    if (chosen == nullptr) break;
    bool fresh = true;
    if (use_pool) {
      if (auto pooled = worker_.pool.Take(chosen->state.get())) {
        backend_ = std::move(*pooled);
        fresh = false;
      }
    }
    current_ = chosen;
    current_state_ = chosen->state;
    if (fresh && !co_await Connect(*chosen)) {
      tried_storage[tried++] = chosen->state.get();
      current_ = nullptr;
      current_state_.reset();
      continue;
    }
    chosen->state->ConnectionOpened();
    // Head and kept body leave in one gathered write.
    std::array<asio::const_buffer, 2> buffers{
        asio::buffer(out_),
        asio::buffer(in_.data().substr(0, body_kept && framing == Framing::kLength ? length : 0))};
    SetDeadline(chosen->timeout);
    asio::error_code ec;
    co_await asio::async_write(backend_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !body_kept) {
      // Streamed bodies cannot be sent twice: past this point, no retry.
      body_consumed = true;
      if (!co_await StreamRequestBody(framing, length)) {
        ReleaseBackend(false);
        if (timed_out_ || !client_.is_open()) co_return Outcome::kClose;
        co_return co_await SendError(500, false);
      }
      body_sent = true;
    }
    if (!ec) {
      head_result = co_await ReadResponseHead(/*forward_interim=*/true);
      if (head_result == ReadResult::kOk) break;
    }
    // Nothing of the answer reached the client: try again if the body can
    // be sent again.
    ReleaseBackend(false);
    if (head_result == ReadResult::kBroken || body_consumed) {
      head_result = ReadResult::kBroken;
      current_ = nullptr;
      break;
    }
    if (fresh) {
      std::string why = ec ? "write: " + ec.message() : "closed before answering";
      if (chosen->state->MarkDead(why)) {
        kha::Log::Warn("kha-proxy: backend " + chosen->state->name() + " is dead: " + why);
      }
      tried_storage[tried++] = chosen->state.get();
    } else {
      use_pool = false;  // a stale pooled connection: retry on a fresh one
    }
    current_ = nullptr;
  }
  if (body_kept && framing == Framing::kLength) in_.Consume(length);
  if (current_ == nullptr || head_result != ReadResult::kOk) {
    ReleaseBackend(false);
    bool no_backend = current_ == nullptr && head_result == ReadResult::kNothing;
    co_return co_await SendError(no_backend ? 503 : 500, no_backend && body_kept && client_keep_);
  }

  // Counted once the backend answered, before the client sees it.
  current_->state->RequestServed();
  if (response_.status == 101) {
    if (!upgrade) {
      ReleaseBackend(false);
      co_return co_await SendError(500, false);
    }
    co_await Tunnel();
    co_return Outcome::kClose;
  }
  bool backend_reusable = body_sent;
  bool ok = co_await ForwardResponse(backend_reusable);
  ReleaseBackend(ok && backend_reusable);
  Log(status_);
  if (!ok || !client_keep_ || client_must_close_ || worker_.stopping) {
    co_return Outcome::kClose;
  }
  co_return Outcome::kKeepAlive;
}

const ServicePlan* Session::ChooseService() const {
  const ListenerPlan& lp = listener();
  auto matches = [&](const ServicePlan& s) {
    for (const Matcher& url : s.url) {
      if (!url(request_.target)) return false;
    }
    for (const Matcher& require : s.head_require) {
      bool found = false;
      for (const Header& h : request_.headers) {
        if (require(h.line)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    for (const Matcher& deny : s.head_deny) {
      for (const Header& h : request_.headers) {
        if (deny(h.line)) return false;
      }
    }
    return true;
  };
  for (const ServicePlan& s : lp.services) {
    if (matches(s)) return &s;
  }
  for (const ServicePlan& s : plan_->plan.global_services) {
    if (matches(s)) return &s;
  }
  return nullptr;
}

void Session::BuildBackendHead(bool upgrade) {
  const ListenerPlan& lp = listener();
  out_.clear();
  out_.append(request_.method)
      .append(" ")
      .append(request_.target)
      .append(" ")
      .append(request_.version)
      .append("\r\n");
  bool forwarded = false;
  for (const Header& h : request_.headers) {
    if (IsHopByHop(h.name) || EqualsIgnoreCase(h.name, "expect")) continue;
    bool removed = false;
    for (const Matcher& m : lp.head_remove) {
      if (m(h.line)) {
        removed = true;
        break;
      }
    }
    if (removed) continue;
    if (!forwarded && EqualsIgnoreCase(h.name, "x-forwarded-for")) {
      out_.append(h.line).append(", ").append(client_address_).append("\r\n");
      forwarded = true;
      continue;
    }
    out_.append(h.line).append("\r\n");
  }
  if (!forwarded) {
    out_.append("X-Forwarded-For: ").append(client_address_).append("\r\n");
  }
  for (const std::string& line : lp.add_header) out_.append(line).append("\r\n");
  if (upgrade) {
    out_.append("Connection: Upgrade\r\nUpgrade: ").append(request_.upgrade).append("\r\n");
  }
  out_.append("\r\n");
}

const BackendPlan* Session::ChooseBackend(const ServicePlan& service,
                                          std::span<balance::Backend* const> tried) {
  balance::Backend* picked = worker_.SelectorFor(*plan_, service).Pick(tried);
  if (picked != nullptr) {
    for (const BackendPlan& b : service.backends) {
      if (b.state.get() == picked) return &b;
    }
  }
  // Pound's Emergency: used only when every regular backend is down.
  if (service.emergency && service.emergency->state->Usable() &&
      std::find(tried.begin(), tried.end(), service.emergency->state.get()) == tried.end()) {
    return &*service.emergency;
  }
  return nullptr;
}

asio::awaitable<bool> Session::Connect(const BackendPlan& backend) {
  asio::error_code ec;
  asio::ip::address address = asio::ip::make_address(backend.state->address(), ec);
  if (!ec) {
    backend_ = tcp::socket(worker_.io);
    SetDeadline(backend.connect_timeout);
    timed_out_ = false;
    co_await backend_.async_connect(tcp::endpoint(address, backend.state->port()),
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (timed_out_) ec = asio::error::timed_out;
    timed_out_ = false;
  }
  if (ec) {
    std::string why = "connect: " + ec.message();
    if (backend.state->MarkDead(why)) {
      kha::Log::Warn("kha-proxy: backend " + backend.state->name() + " is dead: " + why);
    }
    asio::error_code ignored;
    backend_.close(ignored);
    co_return false;
  }
  SetNoDelay(backend_);
  co_return true;
}

asio::awaitable<bool> Session::ReadBody(uint64_t length) {
  in_.Reserve(length);
  while (in_.size() < length) {
    SetDeadline(listener().client_timeout);
    asio::error_code ec;
    size_t n = co_await client_.async_read_some(asio::buffer(in_.space(), in_.space_size()),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) co_return false;
    in_.Commit(n);
  }
  co_return true;
}

asio::awaitable<bool> Session::StreamRequestBody(Framing framing, uint64_t length) {
  ChunkedScanner chunks;
  uint64_t remaining = length;
  while (true) {
    std::string_view available = in_.data();
    size_t take = 0;
    bool done = false;
    if (framing == Framing::kLength) {
      take = static_cast<size_t>(std::min<uint64_t>(remaining, available.size()));
      remaining -= take;
      done = remaining == 0;
    } else if (framing == Framing::kChunked) {
      take = chunks.Feed(available);
      if (chunks.failed()) co_return false;
      done = chunks.done();
    } else {
      done = true;
    }
    if (take > 0) {
      SetDeadline(backend_timeout());
      asio::error_code ec;
      co_await asio::async_write(backend_, asio::buffer(available.data(), take),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
      in_.Consume(take);
    }
    if (done) co_return true;
    SetDeadline(listener().client_timeout);
    asio::error_code ec;
    size_t n = co_await client_.async_read_some(asio::buffer(in_.space(), in_.space_size()),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) {
      client_.close(ec);
      co_return false;
    }
    in_.Commit(n);
  }
}

asio::awaitable<Session::ReadResult> Session::ReadResponseHead(bool forward_interim) {
  size_t scanned = 0;
  bool got_bytes = !from_backend_.empty();
  while (true) {
    if (!from_backend_.empty()) {
      ParseResult result =
          ParseResponseHead(from_backend_.data(), kMaxHead, scanned, saved_.method, response_);
      if (result == ParseResult::kError) co_return ReadResult::kBroken;
      if (result == ParseResult::kDone) {
        int status = response_.status;
        if (status >= 200 || status == 101) co_return ReadResult::kOk;
        // Interim answers (103…) go to HTTP/1.1 clients as they are; a 100
        // is dropped: the proxy answered Expect itself.
        if (forward_interim && saved_.minor >= 1 && status != 100) {
          SetDeadline(listener().client_timeout);
          asio::error_code ec;
          co_await asio::async_write(client_,
                                     asio::buffer(from_backend_.data().substr(0, response_.size)),
                                     asio::redirect_error(asio::use_awaitable, ec));
          if (ec) co_return ReadResult::kBroken;
        }
        from_backend_.Consume(response_.size);
        scanned = 0;
        continue;
      }
    }
    if (from_backend_.space_size() == 0) {
      if (from_backend_.capacity() > kMaxHead) co_return ReadResult::kBroken;
      from_backend_.Reserve(from_backend_.capacity() * 2);
    }
    SetDeadline(backend_timeout());
    asio::error_code ec;
    size_t n = co_await backend_.async_read_some(
        asio::buffer(from_backend_.space(), from_backend_.space_size()),
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) {
      co_return got_bytes || timed_out_ ? ReadResult::kBroken : ReadResult::kNothing;
    }
    got_bytes = true;
    from_backend_.Commit(n);
  }
}

asio::awaitable<bool> Session::ForwardResponse(bool& backend_reusable) {
  const Head& resp = response_;
  status_ = resp.status;
  const Framing framing = resp.framing;
  bool client_keep =
      client_keep_ && !client_must_close_ && !worker_.stopping && framing != Framing::kUntilClose;
  backend_reusable = backend_reusable && resp.Persistent() && framing != Framing::kUntilClose;
  // The request's persistence was decided by the caller; tell the client.
  out_.clear();
  std::string_view data = from_backend_.data();
  response_line_.assign(data.substr(0, data.find("\r\n")));
  out_.append(response_line_).append("\r\n");
  for (const Header& h : resp.headers) {
    if (IsHopByHop(h.name)) continue;
    out_.append(h.line).append("\r\n");
  }
  if (!client_keep) {
    out_.append("Connection: close\r\n");
    client_must_close_ = true;
  } else if (saved_.minor == 0) {
    out_.append("Connection: keep-alive\r\n");
  }
  out_.append("\r\n");
  const uint64_t length = resp.content_length;
  from_backend_.Consume(resp.size);

  ChunkedScanner chunks;
  uint64_t remaining = length;
  bool first = true;
  while (true) {
    std::string_view available = from_backend_.data();
    size_t take = 0;
    bool done = false;
    switch (framing) {
      case Framing::kNone:
        done = true;
        break;
      case Framing::kLength:
        take = static_cast<size_t>(std::min<uint64_t>(remaining, available.size()));
        remaining -= take;
        done = remaining == 0;
        break;
      case Framing::kChunked:
        take = chunks.Feed(available);
        if (chunks.failed()) {
          backend_reusable = false;
          co_return false;
        }
        done = chunks.done();
        break;
      case Framing::kUntilClose:
        take = available.size();
        break;
    }
    if (take > 0 || first) {
      std::array<asio::const_buffer, 2> buffers{
          asio::buffer(first ? std::string_view(out_) : std::string_view()),
          asio::buffer(available.data(), take)};
      SetDeadline(listener().client_timeout);
      asio::error_code ec;
      co_await asio::async_write(client_, buffers, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        backend_reusable = false;
        co_return false;
      }
      first = false;
      from_backend_.Consume(take);
      body_bytes_ += take;
    }
    if (done) break;
    SetDeadline(backend_timeout());
    asio::error_code ec;
    size_t n = co_await backend_.async_read_some(
        asio::buffer(from_backend_.space(), from_backend_.space_size()),
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) {
      backend_reusable = false;
      // Read-until-close ends here; any other framing was cut short.
      co_return framing == Framing::kUntilClose && !timed_out_;
    }
    from_backend_.Commit(n);
  }
  // Bytes past the answer mean the backend is confused: do not reuse it.
  if (!from_backend_.empty()) backend_reusable = false;
  ClearDeadline();
  co_return true;
}

asio::awaitable<void> Session::Tunnel() {
  using namespace asio::experimental::awaitable_operators;
  status_ = 101;
  out_.clear();
  std::string_view data = from_backend_.data();
  out_.append(data.substr(0, response_.size));
  from_backend_.Consume(response_.size);
  ClearDeadline();
  asio::error_code ec;
  co_await asio::async_write(client_, asio::buffer(out_),
                             asio::redirect_error(asio::use_awaitable, ec));
  Log(101);
  if (ec) {
    ReleaseBackend(false);
    co_return;
  }
  SetKeepAlive(client_);
  SetKeepAlive(backend_);
  bool failed = false;
  co_await (Pipe(client_, backend_, in_, failed) && Pipe(backend_, client_, from_backend_, failed));
  ReleaseBackend(false);
}

asio::awaitable<void> Session::Pipe(tcp::socket& from, tcp::socket& to, Buffer& buffer,
                                    bool& failed) {
  asio::error_code ec;
  while (!failed) {
    if (!buffer.empty()) {
      co_await asio::async_write(to, asio::buffer(buffer.data()),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      buffer.Consume(buffer.size());
    }
    size_t n = co_await from.async_read_some(asio::buffer(buffer.space(), buffer.space_size()),
                                             asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof) {
      // Half-close: the other side learns no more bytes are coming, and
      // may still answer.
      asio::error_code ignored;
      to.shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
    if (ec) break;
    buffer.Commit(n);
  }
  // Either direction failing ends the tunnel: wake the other one up.
  failed = true;
  asio::error_code ignored;
  from.cancel(ignored);
  to.cancel(ignored);
}

asio::awaitable<Outcome> Session::SendError(int status, bool keep_alive) {
  keep_alive = keep_alive && !worker_.stopping;
  status_ = status;
  std::string_view custom;
  if (plan_ != nullptr) {
    const ListenerPlan& lp = listener();
    switch (status) {
      case 413:
        custom = lp.err413;
        break;
      case 414:
        custom = lp.err414;
        break;
      case 500:
        custom = lp.err500;
        break;
      case 501:
        custom = lp.err501;
        break;
      case 503:
        custom = lp.err503;
        break;
      default:
        break;
    }
  }
  FormatErrorResponse(status, custom, keep_alive, out_);
  if (started_ == Clock::time_point()) started_ = Clock::now();
  SetDeadline(plan_->plan.listeners[listener_index_].client_timeout);
  asio::error_code ec;
  co_await asio::async_write(client_, asio::buffer(out_),
                             asio::redirect_error(asio::use_awaitable, ec));
  ClearDeadline();
  body_bytes_ = 0;
  Log(status);
  co_return keep_alive && !ec ? Outcome::kKeepAlive : Outcome::kClose;
}

void Session::ReleaseBackend(bool reusable) {
  if (current_state_ != nullptr) {
    current_state_->ConnectionClosed();
    if (reusable) {
      worker_.pool.Put(current_state_, std::move(backend_));
      backend_ = tcp::socket(worker_.io);
    } else {
      asio::error_code ignored;
      backend_.close(ignored);
    }
    current_state_.reset();
  } else if (backend_.is_open()) {
    asio::error_code ignored;
    backend_.close(ignored);
  }
  from_backend_.Consume(from_backend_.size());
}

void Session::Log(int status) {
  const RequestLogHook& hook = worker_.server.request_log();
  if (!hook) return;
  RequestLogEntry entry;
  entry.listener = listener_index_;
  entry.response_line =
      status == status_ && status != 101 ? std::string_view(response_line_) : std::string_view();
  entry.authorization = saved_.authorization;
  entry.received = received_;
  entry.client = client_address_;
  entry.method = saved_.method;
  entry.uri = saved_.target;
  entry.version = saved_.version;
  entry.request_line = saved_.request_line;
  entry.status = status;
  entry.bytes = body_bytes_;
  entry.host = saved_.host;
  entry.referer = saved_.referer;
  entry.user_agent = saved_.user_agent;
  entry.service = service_ != nullptr ? std::string_view(service_->name) : "";
  entry.backend =
      current_ != nullptr ? std::string_view(current_->state->name()) : std::string_view("-");
  entry.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  hook(entry);
}

}  // namespace kha::proxy::net
