// Header-only (the tests' glob compiles only *_test.cc files).
// In-process test driver for the data path: a real Server on loopback with a
// plan built in code, blocking test backends in threads, and raw-socket
// clients, so tests see exactly the bytes a real client would.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "proxy/net/server.h"

namespace kha::proxy::net::testing {

// A tiny HTTP/1.1 backend: answers every request with
// "<name> <method> <target>" (status settable), keeps connections alive,
// and for "Upgrade:" requests answers 101 and echoes bytes until EOF, then
// writes "bye" and closes.
class TestBackend {
 public:
  explicit TestBackend(std::string name);
  ~TestBackend();

  uint16_t port() const { return port_; }
  // Stops listening and closes every connection (a backend that died).
  void Stop();

  std::atomic<int> status{200};
  std::atomic<int> requests{0};
  std::atomic<int> connections{0};
  std::atomic<int> delay_ms{0};  // before answering
  // The last request as received, head and body.
  std::string last_request() const;
  // Interim responses (e.g. a 103) sent before every final answer.
  void set_interim(std::string interim);

 private:
  void AcceptLoop();
  void Serve(int fd);

  std::string name_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::string last_request_;
  std::string interim_;
  std::atomic<bool> stopped_{false};
};

// A port nothing listens on (connections are refused).
inline uint16_t ClosedPort();

// The proxy, running on `threads` event loops until destroyed.
class RunningProxy {
 public:
  explicit RunningProxy(Plan plan, int threads = 2);
  ~RunningProxy();
  uint16_t port() const { return port_; }
  Server& server() { return server_; }
  std::vector<std::string> log_lines() const;

 private:
  Server server_;
  uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> log_;
};

// A plan with one listener on 127.0.0.1:0 and one service over `ports`.
inline Plan SimplePlan(const std::vector<uint16_t>& ports, int priority = 1);

// Blocking client helpers; every read gives up after 5 s.
inline int Connect(uint16_t port);
inline void SendAll(int fd, std::string_view data);
// One response: head, then its body by Content-Length, chunked or close.
inline std::string ReadResponse(int fd);
// Everything until the peer closes.
inline std::string ReadAll(int fd);
// Sends one request on a new connection and returns the response.
inline std::string Exchange(uint16_t port, std::string_view request);
inline void Close(int fd);
inline int StatusOf(std::string_view response);
inline std::string BodyOf(std::string_view response);

namespace detail {

inline void SetTimeout(int fd) {
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

inline int Listen(uint16_t* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 128) != 0) {
    throw std::runtime_error("test backend: bind failed");
  }
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  *port = ntohs(address.sin_port);
  return fd;
}

// Reads until `data` holds a complete message head; false on EOF/error.
inline bool ReadHead(int fd, std::string& data, size_t& head_end) {
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    char chunk[4096];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    data.append(chunk, static_cast<size_t>(n));
  }
  head_end += 4;
  return true;
}

inline std::string FieldValue(std::string_view head, std::string_view name) {
  std::string lower(head);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string key = "\r\n" + std::string(name) + ":";
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = lower.find(key);
  if (at == std::string::npos) return "";
  size_t start = at + key.size();
  size_t end = head.find("\r\n", start);
  std::string value(head.substr(start, end - start));
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return value;
}

// Reads a body framed by `head` from `data` (+ the socket); returns the
// message length within data, or npos when the peer closed early.
inline size_t ReadBody(int fd, std::string& data, size_t head_end, bool response) {
  std::string head = data.substr(0, head_end);
  std::string length = FieldValue(head, "content-length");
  std::string coding = FieldValue(head, "transfer-encoding");
  auto more = [&] {
    char chunk[4096];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    data.append(chunk, static_cast<size_t>(n));
    return true;
  };
  if (response &&
      (head.compare(9, 3, "204") == 0 || head.compare(9, 3, "304") == 0 || head[9] == '1')) {
    return head_end;
  }
  if (!coding.empty()) {
    size_t end;
    while ((end = data.find("\r\n0\r\n\r\n", head_end - 2)) == std::string::npos) {
      if (!more()) return std::string::npos;
    }
    return end + 7;
  }
  if (!length.empty()) {
    size_t total = head_end + std::stoul(length);
    while (data.size() < total) {
      if (!more()) return std::string::npos;
    }
    return total;
  }
  if (!response) return head_end;
  while (more()) {
  }
  return data.size();
}

}  // namespace detail

inline TestBackend::TestBackend(std::string name) : name_(std::move(name)) {
  listen_fd_ = detail::Listen(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

inline TestBackend::~TestBackend() {
  Stop();
  acceptor_.join();
  for (auto& t : threads_) t.join();
  for (int fd : fds_) ::close(fd);
}

inline void TestBackend::Stop() {
  if (stopped_.exchange(true)) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  std::lock_guard lock(mutex_);
  for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
}

inline std::string TestBackend::last_request() const {
  std::lock_guard lock(mutex_);
  return last_request_;
}

inline void TestBackend::set_interim(std::string interim) {
  std::lock_guard lock(mutex_);
  interim_ = std::move(interim);
}

inline void TestBackend::AcceptLoop() {
  while (true) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0 || stopped_) {
      if (fd >= 0) ::close(fd);
      break;
    }
    ++connections;
    std::lock_guard lock(mutex_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd] { Serve(fd); });
  }
  ::close(listen_fd_);
}

inline void TestBackend::Serve(int fd) {
  std::string data;
  while (!stopped_) {
    size_t head_end;
    if (!detail::ReadHead(fd, data, head_end)) break;
    size_t end = detail::ReadBody(fd, data, head_end, false);
    if (end == std::string::npos) break;
    std::string request = data.substr(0, end);
    data.erase(0, end);
    std::string interim;
    {
      std::lock_guard lock(mutex_);
      last_request_ = request;
      interim = interim_;
    }
    ++requests;
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
    std::string line = request.substr(0, request.find("\r\n"));
    size_t sp = line.find(' ');
    std::string method = line.substr(0, sp);
    std::string target = line.substr(sp + 1, line.rfind(' ') - sp - 1);
    if (!detail::FieldValue(request, "upgrade").empty()) {
      std::string answer = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " +
                           detail::FieldValue(request, "upgrade") + "\r\n\r\n" + data;
      SendAll(fd, answer);
      char chunk[4096];
      ssize_t n;
      while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) {
        SendAll(fd, std::string_view(chunk, static_cast<size_t>(n)));
      }
      SendAll(fd, "bye");
      ::shutdown(fd, SHUT_WR);
      break;
    }
    std::string body = name_;
    body.append(" ").append(method).append(" ").append(target);
    std::string answer = interim;
    answer.append("HTTP/1.1 ")
        .append(std::to_string(status.load()))
        .append(" Test\r\nContent-Length: ")
        .append(std::to_string(body.size()))
        .append("\r\n\r\n")
        .append(method == "HEAD" ? "" : body);
    SendAll(fd, answer);
  }
  ::shutdown(fd, SHUT_RDWR);
}

inline uint16_t ClosedPort() {
  uint16_t port;
  int fd = detail::Listen(&port);
  ::close(fd);
  return port;
}

inline RunningProxy::RunningProxy(Plan plan, int threads) : server_(std::move(plan)) {
  server_.SetRequestLog([this](const RequestLogEntry& e) {
    std::lock_guard lock(mutex_);
    log_.push_back(std::string(e.method) + " " + std::string(e.uri) + " " +
                   std::to_string(e.status) + " " + std::string(e.backend));
  });
  server_.Bind();
  port_ = server_.BoundPorts().at(0);
  thread_ = std::thread([this, threads] { server_.Run(threads); });
}

inline RunningProxy::~RunningProxy() {
  server_.Stop(std::chrono::seconds(0));
  thread_.join();
}

inline std::vector<std::string> RunningProxy::log_lines() const {
  std::lock_guard lock(mutex_);
  return log_;
}

inline Plan SimplePlan(const std::vector<uint16_t>& ports, int priority) {
  Plan plan;
  plan.alive = Seconds(1);
  ListenerPlan listener;
  listener.address = "127.0.0.1";
  listener.port = 0;
  listener.xhttp = 1;
  listener.client_timeout = Seconds(5);
  ServicePlan service;
  service.name = "api";
  for (uint16_t port : ports) {
    BackendPlan backend;
    backend.state = std::make_shared<balance::Backend>("127.0.0.1", port, priority, false);
    backend.timeout = Seconds(5);
    backend.connect_timeout = Seconds(2);
    service.backends.push_back(backend);
  }
  listener.services.push_back(std::move(service));
  plan.listeners.push_back(std::move(listener));
  return plan;
}

inline int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("connect to the proxy failed");
  }
  detail::SetTimeout(fd);
  return fd;
}

inline void SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Bytes read past a response stay here for the next ReadResponse on that fd.
inline std::string& Pending(int fd) {
  thread_local std::vector<std::pair<int, std::string>> pending;
  for (auto& [f, s] : pending) {
    if (f == fd) return s;
  }
  pending.emplace_back(fd, "");
  return pending.back().second;
}

inline std::string ReadResponse(int fd) {
  std::string& data = Pending(fd);
  size_t head_end;
  if (!detail::ReadHead(fd, data, head_end)) {
    std::string partial = data;
    data.clear();
    return partial;
  }
  size_t end = detail::ReadBody(fd, data, head_end, true);
  if (end == std::string::npos) end = data.size();
  std::string response = data.substr(0, end);
  data.erase(0, end);
  return response;
}

inline std::string ReadAll(int fd) {
  std::string data = std::move(Pending(fd));
  Pending(fd).clear();
  char chunk[4096];
  ssize_t n;
  while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) data.append(chunk, static_cast<size_t>(n));
  return data;
}

inline void Close(int fd) {
  Pending(fd).clear();
  ::close(fd);
}

inline std::string Exchange(uint16_t port, std::string_view request) {
  int fd = Connect(port);
  SendAll(fd, request);
  std::string response = ReadResponse(fd);
  Pending(fd).clear();
  ::close(fd);
  return response;
}

inline int StatusOf(std::string_view response) {
  if (response.size() < 12) return 0;
  return std::stoi(std::string(response.substr(9, 3)));
}

inline std::string BodyOf(std::string_view response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string_view::npos ? "" : std::string(response.substr(end + 4));
}

}  // namespace kha::proxy::net::testing
