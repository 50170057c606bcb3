#include "proxy/config/pattern.h"

#include <regex>

namespace kha::proxy {
namespace {

// Our own words for std::regex's error codes: the library's what() text
// differs between standard library versions, and tests pin messages.
std::string RegexProblem(std::regex_constants::error_type code) {
  namespace rc = std::regex_constants;
  switch (code) {
    case rc::error_collate:
      return "invalid collating element";
    case rc::error_ctype:
      return "invalid character class";
    case rc::error_escape:
      return "invalid escape";
    case rc::error_backref:
      return "invalid back reference";
    case rc::error_brack:
      return "unbalanced [ ]";
    case rc::error_paren:
      return "unbalanced ( )";
    case rc::error_brace:
      return "unbalanced { }";
    case rc::error_badbrace:
      return "invalid repeat count in { }";
    case rc::error_range:
      return "invalid character range";
    case rc::error_badrepeat:
      return "*, +, ? or { } repeats nothing";
    default:
      return "too complex";
  }
}

}  // namespace

PosixRegex::PosixRegex(const std::string& source, bool ignore_case) {
  int flags = REG_EXTENDED | REG_NOSUB | (ignore_case ? REG_ICASE : 0);
  int code = regcomp(&regex_, source.c_str(), flags);
  if (code != 0) {
    char message[256];
    regerror(code, &regex_, message, sizeof message);
    error_ = message;
    if (error_.empty()) error_ = "invalid regular expression";
  }
}

PosixRegex::~PosixRegex() {
  if (ok()) regfree(&regex_);
}

bool PosixRegex::Search(std::string_view text) const {
  if (!ok()) return false;
  // REG_STARTEND bounds the text by pmatch[0], so no NUL-terminated copy is needed.
  regmatch_t bounds[1];
  bounds[0].rm_so = 0;
  bounds[0].rm_eo = static_cast<regoff_t>(text.size());
  return regexec(&regex_, text.data(), 1, bounds, REG_STARTEND) == 0;
}

bool CompilePattern(const std::string& source, bool ignore_case, Pattern& pattern,
                    std::string& error) {
  auto flags = std::regex::extended | std::regex::optimize;
  if (ignore_case) flags |= std::regex::icase;
  try {
    pattern.regex = std::make_shared<const std::regex>(source, flags);
  } catch (const std::regex_error& e) {
    error = RegexProblem(e.code());
    return false;
  }
  auto posix = std::make_shared<const PosixRegex>(source, ignore_case);
  if (!posix->ok()) {
    error = posix->error();
    return false;
  }
  pattern.source = source;
  pattern.posix = std::move(posix);
  return true;
}

bool SearchPattern(const Pattern& pattern, std::string_view text) {
  return pattern.posix->Search(text);
}

}  // namespace kha::proxy
