// One client connection: reads requests, picks a service and a backend,
// forwards the request and streams the answer back, retrying on another
// backend while nothing of the answer reached the client. Written as one
// C++20 coroutine per connection: the control flow reads top to bottom, and
// coroutine frames are recycled, so the hot path does not allocate.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstring>
#include <string>

#include "proxy/event/when_both.h"
#include "proxy/http/body.h"
#include "proxy/http/parser.h"
#include "proxy/http/rewrite.h"
#include "proxy/logging/log_sink.h"
#include "proxy/net/buffer.h"
#include "proxy/net/error_page.h"
#include "proxy/net/server_impl.h"
#include "proxy/net/worker.h"

namespace kha::proxy::net {

using Clock = event::Clock;
using event::IoResult;

namespace {

constexpr size_t kBufferSize = size_t{16} * 1024;
// Request bodies up to this size are read whole before they are sent, so a
// failed backend can be replaced without the client noticing.
constexpr uint64_t kRetryBody = uint64_t{64} * 1024;
constexpr int kMaxAttempts = 16;

// Long tunnels have no idle timeout (an idle `kubectl exec` shell is fine);
// keepalive probes still find peers that vanished.
void SetKeepAlive(event::Socket& socket) { socket.SetOption(SOL_SOCKET, SO_KEEPALIVE, 1); }

std::string ErrorText(int error) { return std::strerror(error); }

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

class Session {
 public:
  // Client sockets inherit TCP_NODELAY from their listener.
  Session(Worker& worker, int listener, int fd, const event::Endpoint& peer)
      : worker_(worker),
        listener_index_(listener),
        client_(worker.loop, fd),
        timer_(worker.loop, [this] { OnWatchFired(); }),
        in_(kBufferSize),
        from_backend_(kBufferSize),
        client_address_(peer.Address()) {
    worker_.sessions.insert(this);
    worker_.load.fetch_add(1, std::memory_order_relaxed);
  }
  // Also when the loop drops an unfinished session at the end of Grace.
  ~Session() { Unregister(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  event::Task<void> Run();

  // From Stop: a session waiting for a request that has not begun closes.
  void CloseIfIdle() {
    if (idle_) client_.Cancel();
  }

 private:
  event::Task<Outcome> ServeOne();
  event::Task<bool> ReadRequestHead();
  const ServicePlan* ChooseService();
  bool AnyFieldMatches(const Matcher& matcher);
  void BuildBackendHead();
  const BackendPlan* ChooseBackend(const ServicePlan& service,
                                   std::span<balance::Backend* const> tried);
  event::Task<bool> Connect(const BackendPlan& backend);
  event::Task<bool> ReadBody(uint64_t length);
  enum class StreamResult { kOk, kTooLarge, kFailed };
  event::Task<StreamResult> StreamRequestBody();
  // kNothing: the backend closed without a byte (retry elsewhere); kBroken:
  // it failed after taking the request; kClientGone: the client went away.
  enum class ReadResult { kOk, kNothing, kBroken, kClientGone };
  event::Task<ReadResult> ReadResponseHead();
  event::Task<bool> ForwardResponse(bool& backend_reusable);
  event::Task<void> Tunnel();
  event::Task<void> Pipe(event::Socket& from, event::Socket& to, Buffer& buffer, bool& failed);
  event::Task<Outcome> SendError(int status, bool keep_alive);
  void ReleaseBackend(bool reusable);
  void Log(int status);
  void Unregister() {
    if (!registered_) return;
    registered_ = false;
    worker_.sessions.erase(this);
    worker_.load.fetch_sub(1, std::memory_order_relaxed);
  }

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
    timer_.ExpireAt(deadline_);
  }
  void OnWatchFired() {
    watch_armed_ = false;
    if (finished_ || deadline_ == Clock::time_point::max()) return;
    if (Clock::now() >= deadline_) {
      timed_out_ = true;
      client_.Cancel();
      backend_.Cancel();
    } else {
      ArmWatch();
    }
  }

  const ListenerPlan& listener() const { return plan_->plan.listeners[listener_index_]; }
  Seconds backend_timeout() const { return current_ != nullptr ? current_->timeout : Seconds(15); }
  // The request being served; valid from a parsed head to the next request.
  const http::RequestHead* request() const {
    return request_parser_.state() == http::ParseState::kDone ? &request_parser_.head() : nullptr;
  }

  Worker& worker_;
  const int listener_index_;
  event::Socket client_;
  event::Socket backend_;
  event::Timer timer_;
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
  bool registered_ = true;  // in worker_.sessions and its load
};

namespace {

// The session lives in the frame: no allocation of its own.
event::Task<void> ServeConnection(Worker& worker, int listener, int fd, event::Endpoint peer) {
  Session session(worker, listener, fd, peer);
  co_await session.Run();
}

}  // namespace

void StartSession(Worker& worker, int listener, int fd, const event::Endpoint& peer) {
  worker.loop.Spawn(ServeConnection(worker, listener, fd, peer));
}

void CloseIdleSessions(Worker& worker) {
  for (Session* session : worker.sessions) session->CloseIfIdle();
}

event::Task<void> Session::Run() {
  while (true) {
    Outcome outcome = co_await ServeOne();
    if (outcome == Outcome::kClose) break;
  }
  finished_ = true;
  Unregister();
  worker_.MaybeFinishStop();
  timer_.Cancel();
  ReleaseBackend(false);
  // close() alone sends the FIN; a shutdown() first would only cost a call.
  client_.Close();
}

event::Task<bool> Session::ReadRequestHead() {
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
    IoResult got = co_await client_.ReadSome(in_.space(), in_.space_size());
    if (got.error != 0 || got.bytes == 0) co_return false;
    in_.Commit(got.bytes);
  }
  idle_ = false;
  co_return true;
}

event::Task<Outcome> Session::ServeOne() {
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
    if ((co_await client_.Write(kContinue)).error != 0) co_return Outcome::kClose;
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
    SetDeadline(chosen->timeout);
    const int write_error =
        (co_await backend_.Write(out_,
                                 in_.data().substr(0, body_kept && length_framed ? length : 0)))
            .error;
    if (write_error == 0 && !body_kept) {
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
    if (write_error == 0) {
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
      std::string why =
          write_error != 0 ? "write: " + ErrorText(write_error) : "closed before answering";
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

event::Task<bool> Session::Connect(const BackendPlan& backend) {
  int error = EINVAL;
  if (auto endpoint = event::Endpoint::Parse(backend.state->address(), backend.state->port())) {
    event::Connected connected = event::Socket::StartConnect(worker_.loop, *endpoint);
    error = connected.error;
    if (error == 0) {
      backend_ = std::move(connected.socket);
      SetDeadline(backend.connect_timeout);
      timed_out_ = false;
      error = co_await backend_.FinishConnect();
      if (timed_out_) error = ETIMEDOUT;
      timed_out_ = false;
    }
  }
  if (error != 0) {
    std::string why = "connect: " + ErrorText(error);
    if (backend.state->MarkDead(why)) {
      logging::LogWarning("backend " + backend.state->name() + " is dead: " + why);
    }
    backend_.Close();
    co_return false;
  }
  if (logging::Verbose()) logging::LogDebug("new connection to backend " + backend.state->name());
  co_return true;
}

event::Task<bool> Session::ReadBody(uint64_t length) {
  in_.Reserve(length);
  while (in_.size() < length) {
    SetDeadline(listener().client_timeout);
    IoResult got = co_await client_.ReadSome(in_.space(), in_.space_size());
    if (got.error != 0 || got.bytes == 0) co_return false;
    in_.Commit(got.bytes);
  }
  co_return true;
}

event::Task<Session::StreamResult> Session::StreamRequestBody() {
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
      if ((co_await backend_.Write(available.substr(0, take))).error != 0) {
        co_return StreamResult::kFailed;
      }
      in_.Consume(take);
    }
    if (body_reader_.state() == http::BodyState::kDone) co_return StreamResult::kOk;
    SetDeadline(listener().client_timeout);
    IoResult got = co_await client_.ReadSome(in_.space(), in_.space_size());
    if (got.error != 0 || got.bytes == 0) {
      client_.Close();
      co_return StreamResult::kFailed;
    }
    in_.Commit(got.bytes);
  }
}

event::Task<Session::ReadResult> Session::ReadResponseHead() {
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
          if ((co_await client_.Write(out_)).error != 0) co_return ReadResult::kClientGone;
        }
        response_parser_.Reset();
        continue;
      }
    }
    SetDeadline(backend_timeout());
    IoResult got = co_await backend_.ReadSome(from_backend_.space(), from_backend_.space_size());
    if (timed_out_) {
      broken_why_ =
          "no answer within TimeOut (" + std::to_string(backend_timeout().count()) + " s)";
      co_return ReadResult::kBroken;
    }
    if (got.error != 0 || got.bytes == 0) {
      if (!got_bytes) co_return ReadResult::kNothing;
      broken_why_ = "closed in the middle of an answer";
      co_return ReadResult::kBroken;
    }
    got_bytes = true;
    from_backend_.Commit(got.bytes);
  }
}

event::Task<bool> Session::ForwardResponse(bool& backend_reusable) {
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
      SetDeadline(listener().client_timeout);
      const std::string_view head = first ? std::string_view(out_) : std::string_view();
      const std::string_view body = available.substr(0, take);
      // The caller closes a connection it does not keep right after this.
      IoResult sent = done && !client_keep ? co_await client_.WriteBeforeClose(head, body)
                                           : co_await client_.Write(head, body);
      if (sent.error != 0) {
        backend_reusable = false;
        co_return false;
      }
      first = false;
      from_backend_.Consume(take);
      body_bytes_ += take;
    }
    if (done) break;
    SetDeadline(backend_timeout());
    IoResult got = co_await backend_.ReadSome(from_backend_.space(), from_backend_.space_size());
    if (got.error != 0 || got.bytes == 0) {
      backend_reusable = false;
      // Read-until-close ends here; any other framing was cut short.
      co_return until_close && !timed_out_;
    }
    from_backend_.Commit(got.bytes);
  }
  // Bytes past the answer mean the backend is confused: do not reuse it.
  if (!from_backend_.empty()) backend_reusable = false;
  ClearDeadline();
  co_return true;
}

event::Task<void> Session::Tunnel() {
  const http::ResponseHead& resp = response_parser_.head();
  status_ = resp.status;
  response_line_ = FirstLine(resp.raw);
  http::WriteResponseHead(resp, request_parser_.head().version_minor, true, &out_);
  ClearDeadline();
  const int error = (co_await client_.Write(out_)).error;
  Log(status_);
  if (error != 0) {
    ReleaseBackend(false);
    co_return;
  }
  SetKeepAlive(client_);
  SetKeepAlive(backend_);
  bool failed = false;
  co_await event::WhenBoth(Pipe(client_, backend_, in_, failed),
                           Pipe(backend_, client_, from_backend_, failed));
  ReleaseBackend(false);
}

event::Task<void> Session::Pipe(event::Socket& from, event::Socket& to, Buffer& buffer,
                                bool& failed) {
  while (!failed) {
    if (!buffer.empty()) {
      if ((co_await to.Write(buffer.data())).error != 0) break;
      buffer.Consume(buffer.size());
    }
    IoResult got = co_await from.ReadSome(buffer.space(), buffer.space_size());
    if (got.error != 0) break;
    if (got.bytes == 0) {
      // Half-close: the other side learns no more bytes are coming, and
      // may still answer.
      to.ShutdownSend();
      co_return;
    }
    buffer.Commit(got.bytes);
  }
  // Either direction failing ends the tunnel: wake the other one up.
  failed = true;
  from.Cancel();
  to.Cancel();
}

event::Task<Outcome> Session::SendError(int status, bool keep_alive) {
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
  const int error =
      (keep_alive ? co_await client_.Write(out_) : co_await client_.WriteBeforeClose(out_)).error;
  ClearDeadline();
  body_bytes_ = 0;
  response_line_ = {};
  Log(status);
  co_return keep_alive&& error == 0 ? Outcome::kKeepAlive : Outcome::kClose;
}

void Session::ReleaseBackend(bool reusable) {
  if (current_state_ != nullptr) {
    current_state_->ConnectionClosed();
    if (reusable) {
      worker_.pool.Put(current_state_, std::move(backend_));
    } else {
      backend_.Close();
    }
    current_state_.reset();
  } else {
    backend_.Close();
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
