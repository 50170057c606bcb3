// The pound.cfg reader (lexer, directive tables, validation) on arbitrary
// text. Invariants: a configuration comes back exactly when no error was
// found, every diagnostic points into the text, and reading is repeatable.
// Include and ErrNNN read files; inputs naming them are skipped so the
// fuzzer never reads the machine's files (/dev/zero would never end).
#include <algorithm>
#include <cctype>
#include <string>

#include "proxy/config/parse.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr char kFileName[] = "/nonexistent/kha-fuzz/pound.cfg";

bool ReadsFiles(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.find("include") != std::string::npos || text.find("err") != std::string::npos;
}

std::string Summary(const std::optional<kha::proxy::Config>& config,
                    const kha::Diagnostics& diagnostics) {
  std::string s = config ? "ok " + std::to_string(config->listeners.size()) : "failed";
  for (const kha::Diagnostic& d : diagnostics.list()) {
    s += "\n" + std::to_string(d.line) + "." + std::to_string(d.column) + " " + d.message;
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (ReadsFiles(text)) return 0;
  kha::Diagnostics diagnostics;
  const std::optional<kha::proxy::Config> config =
      kha::proxy::ParseConfig(text, kFileName, diagnostics);
  KHA_FUZZ_CHECK(config.has_value() == !diagnostics.HasErrors());
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const kha::Diagnostic& d : diagnostics.list()) {
    KHA_FUZZ_CHECK(!d.message.empty());
    // 0 means the whole file (no position).
    KHA_FUZZ_CHECK(d.line >= 0 && d.line <= lines);
    KHA_FUZZ_CHECK(d.column >= 0 && static_cast<size_t>(d.column) <= size + 1);
  }
  kha::Diagnostics again;
  KHA_FUZZ_CHECK(Summary(kha::proxy::ParseConfig(text, kFileName, again), again) ==
                 Summary(config, diagnostics));
  return 0;
}
