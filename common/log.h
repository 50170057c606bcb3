// User-facing messages: "[INFO] …" to stdout, "[WARN]"/"[ERROR]" to stderr,
// coloured only where ColourAllowed says so. Quiet mode keeps warnings and errors.
#pragma once

#include <string_view>

namespace kha {

class Log {
 public:
  static void SetQuiet(bool quiet);
  static bool quiet();

  static void Info(std::string_view message);
  // A step header ("==> writing files"): one line before each phase of work.
  static void Step(std::string_view message);
  static void Warn(std::string_view message);
  static void Error(std::string_view message);
};

}  // namespace kha
