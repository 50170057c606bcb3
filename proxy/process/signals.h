// The proxy's process signals, taken synchronously: TERM and INT stop, HUP
// reloads. Blocked before any thread starts so every thread inherits the
// mask and only WaitForSignal ever sees them; SIGPIPE is ignored (a closed
// socket is an error value on write, not a death).
#pragma once

#include <chrono>
#include <optional>

namespace kha::proxy {

enum class ProcessSignal { kStop, kReload };

// Call in main before creating threads.
void BlockProcessSignals();

// The next TERM/INT (kStop) or HUP (kReload), or nullopt after `timeout`.
std::optional<ProcessSignal> WaitForSignal(std::chrono::milliseconds timeout);

}  // namespace kha::proxy
