// The control socket's protocol: one command line in, one answer out, then
// the connection closes (HAProxy's stats socket in its non-interactive mode),
// so `echo "show table" | socat - UNIX-CONNECT:/run/kha/proxy.sock` works too.
//
// An answer's first line is "ok" or "error: <message>"; after "ok" comes the
// command's output. Commands and their help are the table in protocol.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proxy/balance/runtime.h"

namespace kha::proxy::control {

struct CommandHelp {
  std::string_view usage;  // "disable backend L S B"
  std::string_view help;   // one sentence
};

// Every command, in the order "help" lists them.
std::vector<CommandHelp> Commands();

// Runs one command line (without its newline) against `runtime`; returns the
// whole answer, newline-terminated.
std::string ExecuteCommand(std::string_view line, balance::RuntimeControl& runtime);

// A parsed answer, for the client side.
struct Answer {
  bool ok = false;
  std::string body;  // after "ok": the output; after "error: ": the message
};
Answer ParseAnswer(std::string_view text);

}  // namespace kha::proxy::control
