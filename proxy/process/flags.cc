#include "proxy/process/flags.h"

#include <algorithm>

namespace kha::proxy {
namespace {

size_t ValueCount(const FlagSpec& spec) {
  if (spec.arguments.empty()) return 0;
  return static_cast<size_t>(std::count(spec.arguments.begin(), spec.arguments.end(), ' ')) + 1;
}

const FlagSpec* FindShort(std::span<const FlagSpec> specs, char name) {
  for (const FlagSpec& spec : specs) {
    if (spec.short_name == name) return &spec;
  }
  return nullptr;
}

const FlagSpec* FindLong(std::span<const FlagSpec> specs, std::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (!spec.long_name.empty() && spec.long_name == name) return &spec;
  }
  return nullptr;
}

std::string Describe(const FlagSpec& spec) {
  std::string text = "-" + std::string(1, spec.short_name);
  if (!spec.long_name.empty()) text += " (--" + std::string(spec.long_name) + ")";
  return text;
}

}  // namespace

ParsedCommandLine ParseFlags(std::span<const char* const> arguments,
                             std::span<const FlagSpec> specs) {
  ParsedCommandLine result;
  size_t i = 0;
  // Takes `count` values for `spec`, the first possibly `attached` to the flag.
  auto take_values = [&](const FlagSpec& spec, std::string attached) {
    ParsedFlag flag{spec.short_name, {}};
    size_t count = ValueCount(spec);
    if (!attached.empty()) flag.values.push_back(std::move(attached));
    while (flag.values.size() < count) {
      if (i + 1 >= arguments.size()) {
        result.error = "option " + Describe(spec) + " needs " + std::string(spec.arguments);
        return false;
      }
      flag.values.emplace_back(arguments[++i]);
    }
    result.flags.push_back(std::move(flag));
    return true;
  };

  bool only_operands = false;
  for (; i < arguments.size(); ++i) {
    std::string_view word = arguments[i];
    if (only_operands || word.size() < 2 || word[0] != '-') {
      result.operands.emplace_back(word);
      continue;
    }
    if (word == "--") {
      only_operands = true;
      continue;
    }
    if (word.starts_with("--")) {
      std::string_view name = word.substr(2);
      std::string attached;
      if (size_t equals = name.find('='); equals != std::string_view::npos) {
        attached = std::string(name.substr(equals + 1));
        name = name.substr(0, equals);
      }
      const FlagSpec* spec = FindLong(specs, name);
      if (spec == nullptr) {
        result.error = "unknown option --" + std::string(name);
        return result;
      }
      if (ValueCount(*spec) == 0 && !attached.empty()) {
        result.error = "option --" + std::string(name) + " takes no value";
        return result;
      }
      if (!take_values(*spec, attached)) return result;
      continue;
    }
    for (size_t c = 1; c < word.size(); ++c) {
      const FlagSpec* spec = FindShort(specs, word[c]);
      if (spec == nullptr) {
        result.error = "unknown option -" + std::string(1, word[c]);
        return result;
      }
      if (ValueCount(*spec) > 0) {
        if (!take_values(*spec, std::string(word.substr(c + 1)))) return result;
        break;
      }
      result.flags.push_back(ParsedFlag{spec->short_name, {}});
    }
  }
  return result;
}

std::string FlagHelp(std::span<const FlagSpec> specs) {
  std::vector<std::string> left;
  size_t width = 0;
  for (const FlagSpec& spec : specs) {
    std::string text = "-" + std::string(1, spec.short_name);
    if (!spec.long_name.empty()) text += ", --" + std::string(spec.long_name);
    if (!spec.arguments.empty()) text += " " + std::string(spec.arguments);
    width = std::max(width, text.size());
    left.push_back(std::move(text));
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i) {
    out += "  " + left[i] + std::string(width - left[i].size() + 2, ' ') +
           std::string(specs[i].help) + "\n";
  }
  return out;
}

}  // namespace kha::proxy
