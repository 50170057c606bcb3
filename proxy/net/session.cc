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

#include "proxy/http/body.h"
#include "proxy/http/parser.h"
#include "proxy/http/rewrite.h"
#include "proxy/logging/log_sink.h"
#include "proxy/net/buffer.h"
#include "proxy/net/error_page.h"
#include "proxy/net/server_impl.h"
#include "proxy/net/worker.h"

namespace kha::proxy::net {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kBufferSize = size_t{16} * 1024;
// Request bodies up to this size are read whole before they are sent, so a
// failed backend can be replaced without the client noticing.
constexpr uint64_t kRetryBody = uint64_t{64} * 1024;
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

// The first value of a field, or empty.
std::string_view FieldValue(const http::MessageHead& head, std::string_view name) {
  for (const http::Field& field : head.fields) {
    if (http::EqualsIgnoreCase(field.name, name)) return field.value;
  }
  return {};
}

std::string_view FirstLine(std::string_view raw) { return raw.substr(0, raw.find("\r\n")); }

enum class Outcome {
  kKeepAlive,  // serve the next request on this connection
  kClose,      // done, close the client connection
};

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Worker& worker, int listener, tcp::socket client, const tcp::endpoint& peer)
      : worker_(worker),
        listener_index_(listener),
        client_(std::move(client)),
        backend_(worker.io),
        timer_(worker.io),
        in_(kBufferSize),
        from_backend_(kBufferSize) {
    asio::ip::address address = peer.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    client_address_ = address.to_string();
  }

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
  const ServicePlan* ChooseService();
  bool AnyFieldMatches(const Matcher& matcher);
  void BuildBackendHead();
  const BackendPlan* ChooseBackend(const ServicePlan& service,
                                   std::span<balance::Backend* const> tried);
  asio::awaitable<bool> Connect(const BackendPlan& backend);
  asio::awaitable<bool> ReadBody(uint64_t length);
  enum class StreamResult { kOk, kTooLarge, kFailed };
  asio::awaitable<StreamResult> StreamRequestBody();
  // kNothing: the backend closed without a byte (retry elsewhere); kBroken:
  // it failed after taking the request; kClientGone: the client went away.
  enum class ReadResult { kOk, kNothing, kBroken, kClientGone };
  asio::awaitable<ReadResult> ReadResponseHead();
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
  // The request being served; valid from a parsed head to the next request.
  const http::RequestHead* request() const {
    return request_parser_.state() == http::ParseState::kDone ? &request_parser_.head() : nullptr;
  }

  Worker& worker_;
  const int listener_index_;
  tcp::socket client_;
  tcp::socket backend_;
  asio::steady_timer timer_;
  Buffer in_;               // client → proxy, after the head: body bytes and pipelined requests
  Buffer from_backend_;     // backend → proxy
  std::string out_;         // heads the proxy writes, reused
  std::string scratch_;     // a "Name: value" line for HeadRequire/HeadDeny, reused
  std::string broken_why_;  // why ReadResponseHead gave up on the backend
  // The parsers own copies of the heads: their views stay valid while the
  // request is served, whatever happens to the socket buffers.
  http::RequestParser request_parser_;
  http::ResponseParser response_parser_;
  http::BodyReader body_reader_;
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
  std::string_view response_line_;  // into response_parser_'s head
  uint64_t body_bytes_ = 0;
  int status_ = 0;
  bool watch_armed_ = false;
  bool timed_out_ = false;
  bool idle_ = false;
  bool finished_ = false;
  bool client_must_close_ = false;
  bool client_keep_ = false;
};

void StartSession(Worker& worker, int listener, tcp::socket socket, const tcp::endpoint& peer) {
  auto session = std::make_shared<Session>(worker, listener, std::move(socket), peer);
  asio::co_spawn(worker.io, session->Run(), [](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      logging::LogError(std::string("connection failed: ") + e.what());
    }
  });
}

void CloseIdleSessions(Worker& worker) {
  for (Session* session : worker.sessions) session->CloseIfIdle();
}

asio::awaitable<void> Session::Run() {
  auto self = shared_from_this();
  worker_.sessions.insert(this);
  worker_.load.fetch_add(1, std::memory_order_relaxed);
  SetNoDelay(client_);
  while (true) {
    Outcome outcome = co_await ServeOne();
    if (outcome == Outcome::kClose) break;
  }
  finished_ = true;
  worker_.sessions.erase(this);
  worker_.load.fetch_sub(1, std::memory_order_relaxed);
  worker_.MaybeFinishStop();
  timer_.cancel();
  ReleaseBackend(false);
  // close() alone sends the FIN; a shutdown() first would only cost a call.
  asio::error_code ignored;
  client_.close(ignored);
}

asio::awaitable<bool> Session::ReadRequestHead() {
  request_parser_.Reset();
  bool began = false;  // bytes of this request arrived (it is not idle)
  while (true) {
    if (!in_.empty()) {
      began = true;
      size_t used = request_parser_.Feed(in_.data());
      in_.Consume(used);
      if (request_parser_.state() == http::ParseState::kDone) break;
      if (request_parser_.state() == http::ParseState::kError) {
        status_ = request_parser_.error().status;
        if (logging::Verbose()) {
          logging::LogDebug("request from " + client_address_ + " refused with " +
                            std::to_string(status_) + ": " +
                            std::string(request_parser_.error().reason));
        }
        co_return false;
      }
    }
    idle_ = !began;
    if (worker_.stopping && !began) co_return false;
    SetDeadline(listener().client_timeout);
    asio::error_code ec;
    size_t n = co_await client_.async_read_some(asio::buffer(in_.space(), in_.space_size()),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) co_return false;
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
  response_line_ = {};
  if (!co_await ReadRequestHead()) {
    ClearDeadline();
    // A parse error gets its answer; a closed or idle connection does not.
    if (status_ != 0) co_return co_await SendError(status_, false);
    co_return Outcome::kClose;
  }
  started_ = Clock::now();
  received_ = std::chrono::system_clock::now();
  const http::RequestHead& req = request_parser_.head();
  const ListenerPlan& lp = listener();
  const bool has_body = req.framing != http::BodyFraming::kNone;

  int method_status = http::MethodStatus(req.method, lp.xhttp);
  if (method_status == 0 && lp.check_url && !lp.check_url(req.target)) {
    method_status = 501;  // Pound's CheckURL
  }
  if (method_status != 0) {
    // The body, if any, was not read: the connection cannot continue.
    co_return co_await SendError(method_status, !has_body && req.keep_alive);
  }
  if (lp.max_request > 0 && req.framing == http::BodyFraming::kContentLength &&
      req.content_length > lp.max_request) {
    co_return co_await SendError(413, false);
  }
  service_ = ChooseService();
  if (service_ == nullptr) co_return co_await SendError(503, !has_body && req.keep_alive);
  const bool upgrade = req.upgrade != http::UpgradeProtocol::kNone;
  const uint64_t length = req.content_length;
  const bool length_framed = req.framing == http::BodyFraming::kContentLength;
  // Expect: 100-continue is answered here, and the body then handled like
  // any other, so it can be kept for a retry (RFC 9110 §10.1.1 lets an
  // intermediary answer; the backend sees no Expect).
  const bool expect_continue = req.expect_continue && has_body;
  client_keep_ = req.keep_alive && !upgrade;
  BuildBackendHead();
  body_reader_.Start(req);
  if (expect_continue) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    SetDeadline(lp.client_timeout);
    asio::error_code ec;
    co_await asio::async_write(client_, asio::buffer(kContinue),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Outcome::kClose;
  }

  // Whole small bodies are kept so another backend can get them again.
  bool body_kept = !has_body;
  if (length_framed && length <= kRetryBody) {
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
      // A streamed body cannot be sent twice, so its connection must be checked.
      if (auto pooled = worker_.pool.Take(chosen->state.get(), body_kept)) {
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
        asio::buffer(in_.data().substr(0, body_kept && length_framed ? length : 0))};
    SetDeadline(chosen->timeout);
    asio::error_code ec;
    co_await asio::async_write(backend_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !body_kept) {
      // Streamed bodies cannot be sent twice: past this point, no retry.
      body_consumed = true;
      StreamResult streamed = co_await StreamRequestBody();
      if (streamed != StreamResult::kOk) {
        ReleaseBackend(false);
        if (timed_out_ || !client_.is_open()) co_return Outcome::kClose;
        co_return co_await SendError(streamed == StreamResult::kTooLarge ? 413 : 500, false);
      }
      body_sent = true;
    }
    if (!ec) {
      head_result = co_await ReadResponseHead();
      if (head_result == ReadResult::kOk) break;
    }
    // Nothing of the answer reached the client: try again if the body can
    // be sent again.
    ReleaseBackend(false);
    if (head_result == ReadResult::kClientGone) co_return Outcome::kClose;
    if (head_result == ReadResult::kBroken) {
      // It took the request and then failed it: an apiserver that hangs or
      // talks nonsense still accepts TCP, so Alive probes alone would keep
      // sending it requests. current_ stays for the log line.
      if (chosen->state->MarkDead(broken_why_)) {
        logging::LogWarning("backend " + chosen->state->name() + " is dead: " + broken_why_);
      }
      break;
    }
    if (body_consumed) {
      head_result = ReadResult::kBroken;
      break;
    }
    if (fresh) {
      std::string why = ec ? "write: " + ec.message() : "closed before answering";
      if (chosen->state->MarkDead(why)) {
        logging::LogWarning("backend " + chosen->state->name() + " is dead: " + why);
      }
      tried_storage[tried++] = chosen->state.get();
    } else {
      use_pool = false;  // a stale pooled connection: retry on a fresh one
      if (logging::Verbose()) {
        logging::LogDebug("pooled connection to backend " + chosen->state->name() +
                          " was closed; retrying on a new one");
      }
    }
    current_ = nullptr;
  }
  if (body_kept && length_framed) in_.Consume(length);
  if (current_ == nullptr || head_result != ReadResult::kOk) {
    ReleaseBackend(false);
    bool no_backend = current_ == nullptr && head_result == ReadResult::kNothing;
    co_return co_await SendError(no_backend ? 503 : 500, no_backend && body_kept && client_keep_);
  }

  // Counted once the backend answered, before the client sees it.
  current_->state->RequestServed();
  const http::ResponseHead& resp = response_parser_.head();
  if (resp.framing == http::BodyFraming::kTunnel) {
    // A 101 only for an upgrade the client asked for (never to HTTP/1.0),
    // a tunnel only for a CONNECT.
    if (resp.status == 101 ? !upgrade : !req.is_connect) {
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

bool Session::AnyFieldMatches(const Matcher& matcher) {
  for (const http::Field& field : request_parser_.head().fields) {
    scratch_.assign(field.name).append(": ").append(field.value);
    if (matcher(scratch_)) return true;
  }
  return false;
}

const ServicePlan* Session::ChooseService() {
  const http::RequestHead& req = request_parser_.head();
  auto matches = [&](const ServicePlan& s) {
    for (const Matcher& url : s.url) {
      if (!url(req.target)) return false;
    }
    for (const Matcher& require : s.head_require) {
      if (!AnyFieldMatches(require)) return false;
    }
    for (const Matcher& deny : s.head_deny) {
      if (AnyFieldMatches(deny)) return false;
    }
    return true;
  };
  for (const ServicePlan& s : listener().services) {
    if (matches(s)) return &s;
  }
  for (const ServicePlan& s : plan_->plan.global_services) {
    if (matches(s)) return &s;
  }
  return nullptr;
}

void Session::BuildBackendHead() {
  const ListenerPlan& lp = listener();
  http::RequestRewrite rewrite;
  if (!lp.head_remove.empty()) {
    rewrite.head_remove = [&lp](std::string_view line) {
      for (const Matcher& m : lp.head_remove) {
        if (m(line)) return true;
      }
      return false;
    };
  }
  rewrite.add_headers = lp.add_header;
  http::WriteRequestHead(request_parser_.head(), client_address_, rewrite, &out_);
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
      logging::LogWarning("backend " + backend.state->name() + " is dead: " + why);
    }
    asio::error_code ignored;
    backend_.close(ignored);
    co_return false;
  }
  SetNoDelay(backend_);
  if (logging::Verbose()) logging::LogDebug("new connection to backend " + backend.state->name());
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

asio::awaitable<Session::StreamResult> Session::StreamRequestBody() {
  const uint64_t max_request = listener().max_request;
  while (true) {
    std::string_view available = in_.data();
    const size_t take = body_reader_.Feed(available.data(), available.size());
    if (body_reader_.state() == http::BodyState::kError) co_return StreamResult::kFailed;
    // MaxRequest also bounds chunked bodies, whose size is known only as
    // they arrive (Content-Length was checked before anything was sent).
    if (max_request > 0 && body_reader_.chunk_data_size() > max_request) {
      co_return StreamResult::kTooLarge;
    }
    if (take > 0) {
      SetDeadline(backend_timeout());
      asio::error_code ec;
      co_await asio::async_write(backend_, asio::buffer(available.data(), take),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return StreamResult::kFailed;
      in_.Consume(take);
    }
    if (body_reader_.state() == http::BodyState::kDone) co_return StreamResult::kOk;
    SetDeadline(listener().client_timeout);
    asio::error_code ec;
    size_t n = co_await client_.async_read_some(asio::buffer(in_.space(), in_.space_size()),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec || n == 0) {
      client_.close(ec);
      co_return StreamResult::kFailed;
    }
    in_.Commit(n);
  }
}

asio::awaitable<Session::ReadResult> Session::ReadResponseHead() {
  const http::RequestHead& req = request_parser_.head();
  response_parser_.Reset();
  response_parser_.Expect(req.is_head, req.is_connect);
  bool got_bytes = !from_backend_.empty();
  while (true) {
    if (!from_backend_.empty()) {
      size_t used = response_parser_.Feed(from_backend_.data());
      from_backend_.Consume(used);
      if (response_parser_.state() == http::ParseState::kError) {
        broken_why_.assign("invalid response: ").append(response_parser_.error().reason);
        co_return ReadResult::kBroken;
      }
      if (response_parser_.state() == http::ParseState::kDone) {
        const http::ResponseHead& resp = response_parser_.head();
        if (!resp.interim()) co_return ReadResult::kOk;
        // Interim answers (103…) go to HTTP/1.1 clients; HTTP/1.0 clients
        // cannot take them (RFC 9110 §15.2), and a 100 is dropped: the
        // proxy answered Expect itself.
        if (req.version_minor >= 1 && resp.status != 100) {
          http::WriteResponseHead(resp, req.version_minor, true, &out_);
          SetDeadline(listener().client_timeout);
          asio::error_code ec;
          co_await asio::async_write(client_, asio::buffer(out_),
                                     asio::redirect_error(asio::use_awaitable, ec));
          if (ec) co_return ReadResult::kClientGone;
        }
        response_parser_.Reset();
        continue;
      }
    }
    SetDeadline(backend_timeout());
    asio::error_code ec;
    size_t n = co_await backend_.async_read_some(
        asio::buffer(from_backend_.space(), from_backend_.space_size()),
        asio::redirect_error(asio::use_awaitable, ec));
    if (timed_out_) {
      broken_why_ =
          "no answer within TimeOut (" + std::to_string(backend_timeout().count()) + " s)";
      co_return ReadResult::kBroken;
    }
    if (ec || n == 0) {
      if (!got_bytes) co_return ReadResult::kNothing;
      broken_why_ = "closed in the middle of an answer";
      co_return ReadResult::kBroken;
    }
    got_bytes = true;
    from_backend_.Commit(n);
  }
}

asio::awaitable<bool> Session::ForwardResponse(bool& backend_reusable) {
  const http::ResponseHead& resp = response_parser_.head();
  status_ = resp.status;
  response_line_ = FirstLine(resp.raw);
  const bool until_close = resp.framing == http::BodyFraming::kUntilClose;
  bool client_keep = client_keep_ && !client_must_close_ && !worker_.stopping && !until_close;
  backend_reusable = backend_reusable && resp.keep_alive && !until_close;
  // The request's persistence was decided by the caller; tell the client.
  http::WriteResponseHead(resp, request_parser_.head().version_minor, client_keep, &out_);
  if (!client_keep) client_must_close_ = true;
  body_reader_.Start(resp);

  bool first = true;
  while (true) {
    std::string_view available = from_backend_.data();
    const size_t take = body_reader_.Feed(available.data(), available.size());
    if (body_reader_.state() == http::BodyState::kError) {
      backend_reusable = false;
      co_return false;
    }
    const bool done = body_reader_.state() == http::BodyState::kDone;
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
      co_return until_close && !timed_out_;
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
  const http::ResponseHead& resp = response_parser_.head();
  status_ = resp.status;
  response_line_ = FirstLine(resp.raw);
  http::WriteResponseHead(resp, request_parser_.head().version_minor, true, &out_);
  ClearDeadline();
  asio::error_code ec;
  co_await asio::async_write(client_, asio::buffer(out_),
                             asio::redirect_error(asio::use_awaitable, ec));
  Log(status_);
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
  const http::RequestHead* req = request();
  FormatErrorResponse(status, custom, keep_alive, req != nullptr && req->is_head, out_);
  if (started_ == Clock::time_point()) started_ = Clock::now();
  SetDeadline(listener().client_timeout);
  asio::error_code ec;
  co_await asio::async_write(client_, asio::buffer(out_),
                             asio::redirect_error(asio::use_awaitable, ec));
  ClearDeadline();
  body_bytes_ = 0;
  response_line_ = {};
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
  entry.response_line = response_line_;
  entry.received = received_;
  entry.client = client_address_;
  entry.status = status;
  entry.bytes = body_bytes_;
  if (const http::RequestHead* req = request()) {
    entry.authorization = FieldValue(*req, "authorization");
    entry.method = req->method;
    entry.uri = req->target;
    entry.version = req->version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    entry.request_line = FirstLine(req->raw);
    entry.host = req->host;
    entry.referer = FieldValue(*req, "referer");
    entry.user_agent = FieldValue(*req, "user-agent");
  }
  entry.service = service_ != nullptr ? std::string_view(service_->name) : "";
  entry.backend =
      current_ != nullptr ? std::string_view(current_->state->name()) : std::string_view("-");
  entry.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  hook(entry);
}

}  // namespace kha::proxy::net
