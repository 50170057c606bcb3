// Holds SIGINT, SIGTERM, SIGHUP and SIGQUIT back while files change, so a
// Ctrl-C or a kill never lands between two writes of one transaction: the
// run finishes or rolls back first, then the signal takes effect.
#pragma once

#include <signal.h>

namespace kha::install {

class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();  // restores the mask; a held signal is delivered then
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  // True when one of the held signals arrived: the caller should roll back.
  bool Pending() const;

 private:
  sigset_t held_;
  sigset_t previous_;
};

}  // namespace kha::install
