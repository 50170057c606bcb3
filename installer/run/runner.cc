#include "installer/run/runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

extern char** environ;

namespace kha::run {
namespace {

bool NeedsQuoting(const std::string& word) {
  if (word.empty()) return true;
  for (char c : word)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_./=:,+@%", c) != nullptr))
      return true;
  return false;
}

void AppendToLog(const std::string& log_path, const std::string& text) {
  if (log_path.empty()) return;
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return;  // the log is a convenience; the result still reaches the caller
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0 && errno != EINTR) break;
    if (n > 0) done += static_cast<size_t>(n);
  }
  close(fd);
}

}  // namespace

std::string Describe(const Command& command) {
  std::string text;
  for (const std::string& word : command.argv) {
    if (!text.empty()) text += ' ';
    if (!NeedsQuoting(word)) {
      text += word;
      continue;
    }
    text += '\'';
    for (char c : word) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
    text += '\'';
  }
  return text;
}

Result ProcessRunner::Run(const Command& command) {
  Result result;
  if (command.argv.empty()) return {127, "empty command"};

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return {127, std::string("pipe: ") + std::strerror(errno)};

  // Build everything the child needs before fork: only async-signal-safe calls after it.
  std::vector<char*> argv;
  for (const std::string& word : command.argv) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> environment_storage;
  for (char** entry = environ; *entry != nullptr; ++entry) environment_storage.emplace_back(*entry);
  for (const std::string& extra : command.environment) environment_storage.push_back(extra);
  std::vector<char*> environment;
  environment.reserve(environment_storage.size() + 1);
  for (std::string& entry : environment_storage) environment.push_back(entry.data());
  environment.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return {127, std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    // The installer holds termination signals back while it changes files;
    // the programs it runs must not inherit that.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    if (!command.working_directory.empty() && chdir(command.working_directory.c_str()) != 0)
      _exit(127);
    // execvpe searches PATH without NSS.
    execvpe(argv[0], argv.data(), environment.data());
    const char* reason = std::strerror(errno);
    ssize_t ignored = write(STDERR_FILENO, argv[0], std::strlen(argv[0]));
    ignored = write(STDERR_FILENO, ": ", 2);
    ignored = write(STDERR_FILENO, reason, std::strlen(reason));
    (void)ignored;
    _exit(127);
  }
  close(pipe_fds[1]);
  char buffer[8192];
  for (;;) {
    ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  AppendToLog(log_path_, std::string(stamp) + " $ " + Describe(command) + "\n" + result.output +
                             (result.output.empty() || result.output.back() == '\n' ? "" : "\n") +
                             "exit " + std::to_string(result.exit_code) + "\n");
  return result;
}

Result RecordingRunner::Run(const Command& command) {
  commands_.push_back(command);
  if (next_ < script_.size()) return script_[next_++];
  return {};
}

}  // namespace kha::run
