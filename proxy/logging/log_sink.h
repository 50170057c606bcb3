// Where kha-proxy's messages and request lines go: syslog (RFC 3164 lines
// written to /dev/log ourselves, so the static binary needs no libc syslog
// state) or stderr (LogFacility "-" or -e). One process-wide sink, thread-safe.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kha::proxy::logging {

// syslog(3) severities.
enum class Priority { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

class LogSink {
 public:
  virtual ~LogSink() = default;
  // One message without a trailing newline. Must be safe to call from any thread.
  virtual void Write(Priority priority, std::string_view message) = 0;
};

// Lines on stderr: "[ERROR] …", "[WARN] …", "[INFO] …" (notice), "[DEBUG] …";
// request lines (Priority::kInfo, from LogRequest) as they are.
class StderrSink : public LogSink {
 public:
  void Write(Priority priority, std::string_view message) override;
};

// The facility code (already shifted: daemon = 3 << 3) for a LogFacility name
// such as "daemon", "local0" or "authpriv"; nullopt for an unknown name.
std::optional<int> ParseFacility(std::string_view name);

// Datagrams "<PRI>Mmm dd hh:mm:ss TAG[PID]: message" to a Unix socket, the way
// a local syslog daemon expects them (no hostname: the daemon adds its own).
// The socket is connected at construction so a later chroot does not matter;
// a failed send reconnects once, then the message is dropped.
class SyslogSink : public LogSink {
 public:
  using Clock = std::function<std::time_t()>;
  SyslogSink(int facility, std::string tag, std::string socket_path = "/dev/log",
             Clock clock = nullptr);
  ~SyslogSink() override;
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  void Write(Priority priority, std::string_view message) override;

  // The datagram Write sends, for tests and for the fallback path.
  std::string FormatLine(Priority priority, std::string_view message, std::time_t now,
                         int pid) const;

 private:
  void Connect();

  const int facility_;
  const std::string tag_;
  const std::string socket_path_;
  const Clock clock_;
  std::mutex mutex_;
  int fd_ = -1;
  bool stream_ = false;  // some syslog daemons listen on a stream socket
};

// The process-wide sink; stderr until SetSink is called.
void SetSink(std::shared_ptr<LogSink> sink);
std::shared_ptr<LogSink> CurrentSink();

void LogError(std::string_view message);
void LogWarning(std::string_view message);
void LogInfo(std::string_view message);
// Messages that only -v asks for.
void SetVerbose(bool verbose);
bool Verbose();  // to skip building a debug message nobody reads
void LogDebug(std::string_view message);
// One request line as FormatRequestLog made it (skipped when empty).
void LogRequest(std::string_view line);

}  // namespace kha::proxy::logging
