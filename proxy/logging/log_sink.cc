#include "proxy/logging/log_sink.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kha::proxy::logging {
namespace {

struct FacilityName {
  std::string_view name;
  int code;  // unshifted, as in RFC 3164 section 4.1.1
};

constexpr std::array<FacilityName, 20> kFacilities{{
    {"kern", 0},      {"user", 1},    {"mail", 2},    {"daemon", 3},  {"auth", 4},
    {"syslog", 5},    {"lpr", 6},     {"news", 7},    {"uucp", 8},    {"cron", 9},
    {"authpriv", 10}, {"ftp", 11},    {"local0", 16}, {"local1", 17}, {"local2", 18},
    {"local3", 19},   {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23},
}};

// Big enough for any request line we accept; longer messages are cut, as
// syslog daemons would cut them anyway.
constexpr size_t kMaxDatagram = 8192;

std::mutex g_sink_mutex;
std::shared_ptr<LogSink> g_sink;
std::atomic<bool> g_verbose{false};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

void WriteLine(std::FILE* stream, std::string_view tag, std::string_view message) {
  std::string line;
  line.reserve(tag.size() + message.size() + 2);
  line.append(tag);
  line.append(message);
  line += '\n';
  // One fwrite per line so threads' lines do not interleave mid-line.
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fflush(stream);
}

}  // namespace

void StderrSink::Write(Priority priority, std::string_view message) {
  switch (priority) {
    case Priority::kError:
      WriteLine(stderr, "[ERROR] ", message);
      break;
    case Priority::kWarning:
      WriteLine(stderr, "[WARN] ", message);
      break;
    case Priority::kNotice:
      WriteLine(stderr, "[INFO] ", message);
      break;
    case Priority::kDebug:
      WriteLine(stderr, "[DEBUG] ", message);
      break;
    default:
      WriteLine(stderr, "", message);
  }
}

std::optional<int> ParseFacility(std::string_view name) {
  for (const FacilityName& facility : kFacilities) {
    if (EqualsIgnoringCase(name, facility.name)) return facility.code << 3;
  }
  return std::nullopt;
}

SyslogSink::SyslogSink(int facility, std::string tag, std::string socket_path, Clock clock)
    : facility_(facility),
      tag_(std::move(tag)),
      socket_path_(std::move(socket_path)),
      clock_(clock ? std::move(clock) : Clock([] { return std::time(nullptr); })) {
  Connect();
}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0) close(fd_);
}

void SyslogSink::Connect() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof address.sun_path) return;
  std::memcpy(address.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
  for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      fd_ = fd;
      stream_ = type == SOCK_STREAM;
      return;
    }
    int error = errno;
    close(fd);
    if (error != EPROTOTYPE) return;  // only a wrong socket type is worth a second try
  }
}

std::string SyslogSink::FormatLine(Priority priority, std::string_view message, std::time_t now,
                                   int pid) const {
  struct tm tm {};
  localtime_r(&now, &tm);
  // RFC 3164 section 4.1.2: "Mmm dd hh:mm:ss", the day padded with a space.
  char timestamp[32];
  strftime(timestamp, sizeof timestamp, "%b %e %H:%M:%S", &tm);
  std::string line = "<" + std::to_string(facility_ | static_cast<int>(priority)) + ">" +
                     timestamp + " " + tag_ + "[" + std::to_string(pid) + "]: ";
  line.append(message.substr(0, kMaxDatagram - std::min(kMaxDatagram, line.size())));
  return line;
}

void SyslogSink::Write(Priority priority, std::string_view message) {
  std::string line = FormatLine(priority, message, clock_(), static_cast<int>(getpid()));
  std::lock_guard lock(mutex_);
  if (stream_) line += '\0';  // stream syslog daemons split messages at NUL
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) Connect();
    if (fd_ < 0) return;
    if (send(fd_, line.data(), line.size(), MSG_NOSIGNAL) >= 0) return;
    Connect();  // the daemon restarted: its socket is a new one
  }
}

void SetSink(std::shared_ptr<LogSink> sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

std::shared_ptr<LogSink> CurrentSink() {
  std::lock_guard lock(g_sink_mutex);
  if (!g_sink) g_sink = std::make_shared<StderrSink>();
  return g_sink;
}

void LogError(std::string_view message) { CurrentSink()->Write(Priority::kError, message); }
void LogWarning(std::string_view message) { CurrentSink()->Write(Priority::kWarning, message); }
void LogInfo(std::string_view message) { CurrentSink()->Write(Priority::kNotice, message); }
void SetVerbose(bool verbose) { g_verbose.store(verbose); }
bool Verbose() { return g_verbose.load(std::memory_order_relaxed); }
void LogDebug(std::string_view message) {
  if (g_verbose.load()) CurrentSink()->Write(Priority::kDebug, message);
}
void LogRequest(std::string_view line) {
  if (!line.empty()) CurrentSink()->Write(Priority::kInfo, line);
}

}  // namespace kha::proxy::logging
