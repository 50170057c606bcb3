#include "common/log.h"

#include <cstdio>

#include "common/terminal.h"

namespace kha {
namespace {

bool g_quiet = false;

void Print(std::FILE* stream, const char* tag, const char* colour, std::string_view message) {
  if (ColourAllowed(stream)) {
    std::fprintf(stream, "%s%s\033[0m %.*s\n", colour, tag, static_cast<int>(message.size()),
                 message.data());
  } else {
    std::fprintf(stream, "%s %.*s\n", tag, static_cast<int>(message.size()), message.data());
  }
  std::fflush(stream);
}

}  // namespace

void Log::SetQuiet(bool quiet) { g_quiet = quiet; }
bool Log::quiet() { return g_quiet; }

void Log::Info(std::string_view message) {
  if (!g_quiet) Print(stdout, "[INFO]", "\033[32m", message);
}

void Log::Step(std::string_view message) {
  if (!g_quiet) Print(stdout, "==>", "\033[1;34m", message);
}

void Log::Warn(std::string_view message) { Print(stderr, "[WARN]", "\033[1;33m", message); }

void Log::Error(std::string_view message) { Print(stderr, "[ERROR]", "\033[1;31m", message); }

}  // namespace kha
