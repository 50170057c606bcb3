// Compiling and matching the configuration's regular expressions. Matching
// uses the C library's POSIX regexec, as Pound does: libstdc++'s std::regex
// recurses once per character and overflows the stack on a few KiB of text
// with patterns such as "(a|b)*", which a proxy must never do.
#pragma once

#include <regex.h>

#include <memory>
#include <string>
#include <string_view>

#include "proxy/config/config.h"

namespace kha::proxy {

// A compiled POSIX extended regular expression (owns its regex_t).
class PosixRegex {
 public:
  // Compiles `source`; on failure error() says why and Search() is false.
  PosixRegex(const std::string& source, bool ignore_case);
  ~PosixRegex();
  PosixRegex(const PosixRegex&) = delete;
  PosixRegex& operator=(const PosixRegex&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool Search(std::string_view text) const;

 private:
  regex_t regex_{};
  std::string error_;
};

// Compiles `source` both ways (the model keeps both, see config.h); false
// with `error` set when either rejects it.
bool CompilePattern(const std::string& source, bool ignore_case, Pattern& pattern,
                    std::string& error);

// Whether `pattern` matches anywhere in `text` (search semantics, as Pound's
// regexec), with no limit on the length of `text`.
bool SearchPattern(const Pattern& pattern, std::string_view text);

}  // namespace kha::proxy
