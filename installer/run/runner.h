// Every external command kha-install runs (apt-get, dpkg, systemctl, initctl,
// make …) goes through a Runner: the real one executes and logs, the recording
// one only remembers, for --dry-run and tests.
#pragma once

#include <string>
#include <vector>

namespace kha::run {

struct Command {
  std::vector<std::string> argv;
  std::string working_directory;         // empty: inherit
  std::vector<std::string> environment;  // extra NAME=VALUE entries
};

struct Result {
  int exit_code = 0;   // the program's exit status; 128+N when killed by signal N
  std::string output;  // stdout and stderr, interleaved
};

// Shell-like quoting of argv for messages and logs: a b 'c d'.
std::string Describe(const Command& command);

class Runner {
 public:
  virtual ~Runner() = default;
  // Runs `command` to completion. A program that cannot be started is an
  // exit code of 127 with the reason in `output`, as a shell reports it.
  virtual Result Run(const Command& command) = 0;
};

// Forks and execs (no shell), appending the command line and its output to
// `log_path` when that is not empty.
class ProcessRunner : public Runner {
 public:
  explicit ProcessRunner(std::string log_path) : log_path_(std::move(log_path)) {}
  Result Run(const Command& command) override;

 private:
  std::string log_path_;
};

// Remembers commands and answers each with the next scripted result (success
// when the script runs out).
class RecordingRunner : public Runner {
 public:
  Result Run(const Command& command) override;
  void Script(Result result) { script_.push_back(std::move(result)); }
  const std::vector<Command>& commands() const { return commands_; }

 private:
  std::vector<Command> commands_;
  std::vector<Result> script_;
  size_t next_ = 0;
};

}  // namespace kha::run
