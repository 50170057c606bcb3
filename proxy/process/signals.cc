#include "proxy/process/signals.h"

#include <signal.h>

#include <cerrno>

namespace kha::proxy {
namespace {

sigset_t ProcessSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockProcessSignals() {
  sigset_t set = ProcessSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

std::optional<ProcessSignal> WaitForSignal(std::chrono::milliseconds timeout) {
  sigset_t set = ProcessSignals();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec wait{static_cast<time_t>(seconds.count()),
                static_cast<long>((timeout - seconds).count() * 1000000)};
  for (;;) {
    int signal_number = sigtimedwait(&set, nullptr, &wait);
    if (signal_number == SIGHUP) return ProcessSignal::kReload;
    if (signal_number == SIGTERM || signal_number == SIGINT) return ProcessSignal::kStop;
    if (signal_number < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
}

}  // namespace kha::proxy
