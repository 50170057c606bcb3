// The directives of each context of pound.cfg, declared as data: keyword,
// argument kind and range, typed setter, help text. The parser checks
// argument counts, types and contexts in one place from these tables.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/config/config.h"
#include "proxy/config/lexer.h"

namespace kha::proxy {

enum class Context { kNone, kGlobal, kListenHttp, kService, kBackend, kEmergency };

// "the global section", "ListenHTTP", "Service", "BackEnd", "Emergency".
std::string_view ContextName(Context context);

enum class ArgKind {
  kNone,          // takes no argument
  kName,          // a block's optional name
  kInteger,       // a decimal integer in [min, max]
  kDuration,      // whole seconds in [min, max]
  kString,        // any string, quoted or not
  kAbsolutePath,  // a string starting with '/'
  kAddress,       // a numeric IPv4 or IPv6 address
  kPort,          // 1-65535
  kUrlRegex,      // POSIX extended regex, case-sensitive
  kHeaderRegex,   // POSIX extended regex, case-insensitive
  kHeaderLine,    // "Name: value"
  kFile,          // a file read whole at load, relative to the config file's folder
  kFacility,      // "-" or a syslog facility name
  kUrlPath,       // an origin-form path starting with '/'
};

// One converted argument.
struct Value {
  int64_t integer = 0;
  std::string text;  // strings, paths, file contents
  IpAddress address;
  Pattern pattern;
};

// The objects the current block fills; a block directive's setter creates
// the child object and points the scope at it.
struct Scope {
  Config* config = nullptr;
  Listener* listener = nullptr;
  Service* service = nullptr;
  Backend* backend = nullptr;
};

// `values` holds one Value per argument given (possibly fewer than the
// directive allows; for a block, none when its arguments were wrong).
using Setter = void (*)(Scope& scope, std::vector<Value>& values, const SourceLocation& where);

struct Directive {
  std::string_view name;  // as documented; matched case-insensitively
  ArgKind argument = ArgKind::kNone;
  int64_t min = 0;  // range of kInteger/kDuration arguments (also of the optional one)
  int64_t max = 0;
  ArgKind optional_argument = ArgKind::kNone;  // a second argument that may be left out
  bool repeatable = false;                     // else a second occurrence is an error
  Context opens = Context::kNone;              // a block directive: the context it opens
  Setter set = nullptr;
  std::string_view help;
};

std::span<const Directive> DirectivesOf(Context context);

// Pound keywords kha-proxy recognises but does not implement (yet).
struct UnsupportedDirective {
  std::string_view name;
  bool block;  // opens a block that ends with End (its body is skipped)
  std::string_view reason;
};
std::span<const UnsupportedDirective> UnsupportedDirectives();

// Sentinels for values inherited from the global section once it is read
// whole (so the order of directives in the file does not matter).
inline constexpr Seconds kInheritSeconds{-1};
inline constexpr int kInheritLevel = -1;

}  // namespace kha::proxy
