#include "proxy/control/protocol.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "common/did_you_mean.h"
#include "proxy/control/render.h"

namespace kha::proxy::control {
namespace {

using Words = std::vector<std::string_view>;
using Handler = std::string (*)(const Words& arguments, balance::RuntimeControl& runtime);

struct Command {
  std::string_view name;  // one or two words: "help", "show table"
  int arguments;
  std::string_view argument_names;
  std::string_view help;
  Handler handler;
};

std::string Ok(std::string_view body) { return "ok\n" + std::string(body); }
std::string Error(std::string_view message) { return "error: " + std::string(message) + "\n"; }

Words SplitWords(std::string_view line) {
  Words words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::optional<int> ParseIndex(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string SetBackend(const Words& arguments, balance::RuntimeControl& runtime, bool enabled) {
  std::array<int, 3> index{};
  for (size_t i = 0; i < 3; ++i) {
    std::optional<int> value = ParseIndex(arguments[i]);
    if (!value) {
      return Error("\"" + std::string(arguments[i]) + "\" is not a number (expected L S B)");
    }
    index[i] = *value;
  }
  std::optional<std::string> failure =
      runtime.SetBackendEnabled(index[0], index[1], index[2], enabled);
  if (failure) return Error(*failure);
  return Ok("");
}

std::string HelpText();

// The command table: each entry carries its help, which "help" prints.
constexpr std::array<Command, 5> kCommands{{
    {"help", 0, "", "list the commands",
     [](const Words&, balance::RuntimeControl&) { return Ok(HelpText()); }},
    {"show table", 0, "",
     "listeners, services and backends with state, priority, active connections, requests "
     "served and last error, as an aligned table",
     [](const Words&, balance::RuntimeControl& runtime) {
       return Ok(RenderTable(runtime.Snapshot()));
     }},
    {"show json", 0, "", "the same as \"show table\", as one JSON object",
     [](const Words&, balance::RuntimeControl& runtime) {
       return Ok(RenderJson(runtime.Snapshot()));
     }},
    {"disable backend", 3, "L S B",
     "stop sending new requests to backend B of service S in listener L (L = -1: global "
     "services); established connections finish",
     [](const Words& arguments, balance::RuntimeControl& runtime) {
       return SetBackend(arguments, runtime, false);
     }},
    {"enable backend", 3, "L S B", "send requests to a disabled backend again",
     [](const Words& arguments, balance::RuntimeControl& runtime) {
       return SetBackend(arguments, runtime, true);
     }},
}};

std::string Usage(const Command& command) {
  std::string usage(command.name);
  if (!command.argument_names.empty()) usage += " " + std::string(command.argument_names);
  return usage;
}

std::string HelpText() {
  size_t width = 0;
  for (const Command& command : kCommands) width = std::max(width, Usage(command).size());
  std::string text;
  for (const Command& command : kCommands) {
    std::string usage = Usage(command);
    text += "  " + usage + std::string(width - usage.size() + 2, ' ') + std::string(command.help) +
            "\n";
  }
  return text;
}

// How many leading words of `words` name `command`, or 0 when they do not.
size_t MatchLength(const Command& command, const Words& words) {
  Words name = SplitWords(command.name);
  if (words.size() < name.size()) return 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (words[i] != name[i]) return 0;
  }
  return name.size();
}

}  // namespace

std::vector<CommandHelp> Commands() {
  std::vector<CommandHelp> list;
  list.reserve(std::size(kCommands));
  for (const Command& command : kCommands) list.push_back({command.name, command.help});
  return list;
}

std::string ExecuteCommand(std::string_view line, balance::RuntimeControl& runtime) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Words words = SplitWords(line);
  if (words.empty()) return Error("empty command; try \"help\"");
  for (const Command& command : kCommands) {
    size_t length = MatchLength(command, words);
    if (length == 0) continue;
    Words arguments(words.begin() + static_cast<long>(length), words.end());
    if (static_cast<int>(arguments.size()) != command.arguments) {
      return Error("usage: " + Usage(command));
    }
    return command.handler(arguments, runtime);
  }
  std::vector<std::string_view> names;
  names.reserve(std::size(kCommands));
  for (const Command& command : kCommands) names.push_back(command.name);
  std::string attempt(words[0]);
  if (words.size() > 1) attempt += " " + std::string(words[1]);
  std::optional<std::string> guess = ClosestMatch(attempt, names);
  std::string message = "unknown command \"" + std::string(line) + "\"";
  if (guess) return Error(message + "; did you mean \"" + *guess + "\"?");
  return Error(message + "; try \"help\"");
}

Answer ParseAnswer(std::string_view text) {
  if (text.starts_with("ok\n")) return Answer{true, std::string(text.substr(3))};
  if (text.starts_with("error: ")) {
    std::string_view message = text.substr(7);
    if (!message.empty() && message.back() == '\n') message.remove_suffix(1);
    return Answer{false, std::string(message)};
  }
  return Answer{false, "unexpected answer from the control socket: \"" +
                           std::string(text.substr(0, 80)) + "\""};
}

}  // namespace kha::proxy::control
