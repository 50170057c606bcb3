#include "installer/install/signal_guard.h"

#include <initializer_list>

namespace kha::install {

SignalGuard::SignalGuard() {
  sigemptyset(&held_);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&held_, signal);
  sigprocmask(SIG_BLOCK, &held_, &previous_);
}

SignalGuard::~SignalGuard() { sigprocmask(SIG_SETMASK, &previous_, nullptr); }

bool SignalGuard::Pending() const {
  sigset_t pending;
  sigpending(&pending);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
    if (sigismember(&pending, signal) == 1) return true;
  return false;
}

}  // namespace kha::install
