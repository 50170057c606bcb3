#include "proxy/config/pattern.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <regex>
#include <vector>

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

// glibc's regcomp copies the subtree under every repetition: "a++++…"
// doubles it per '+', and nested counts multiply. Such a pattern in a
// config file would take gigabytes to load, so patterns whose copies
// would exceed this many are refused before they are compiled.
constexpr uint64_t kMaxCopies = 1000;

bool IsRepeat(char c) { return c == '*' || c == '+' || c == '?' || c == '{'; }

// The most copies a repetition at `i` ("*", "+", "?", "{n}", "{n,}",
// "{n,m}") makes of what it repeats; `i` moves past it. Counts are only
// estimated; regcomp reports malformed braces itself.
uint64_t Copies(const std::string& source, size_t& i) {
  const char c = source[i++];
  if (c != '{') return c == '+' ? 2 : 1;
  uint64_t low = 0, high = 0;
  bool comma = false, have_high = false;
  for (; i < source.size() && source[i] != '}'; ++i) {
    const char d = source[i];
    if (d == ',') {
      comma = true;
    } else if (d >= '0' && d <= '9') {
      uint64_t& n = comma ? high : low;
      n = std::min<uint64_t>(n * 10 + static_cast<uint64_t>(d - '0'), kMaxCopies + 1);
      have_high = have_high || comma;
    }
  }
  if (i < source.size()) ++i;  // the '}'
  if (!comma) return std::max<uint64_t>(low, 1);
  return have_high ? std::max<uint64_t>(high, 1) : low + 1;
}

// Why `source` would be too costly to compile, or nothing.
std::optional<std::string> RepetitionProblem(const std::string& source) {
  // Per open group: the largest copy count of anything inside it.
  std::vector<uint64_t> inner{1};
  uint64_t last_atom = 1;  // copies inside the atom just read
  bool after_repeat = false;
  for (size_t i = 0; i < source.size();) {
    const char c = source[i];
    if (IsRepeat(c) && !(c == '{' && (i + 1 >= source.size() || !isdigit(source[i + 1])))) {
      if (after_repeat) return "a repetition directly after another (such as \"++\")";
      const uint64_t copies = std::min(last_atom * Copies(source, i), kMaxCopies + 1);
      if (copies > kMaxCopies) {
        return "repetitions nest too deep (more than " + std::to_string(kMaxCopies) + " copies)";
      }
      inner.back() = std::max(inner.back(), copies);
      after_repeat = true;
      continue;
    }
    after_repeat = false;
    last_atom = 1;
    if (c == '\\') {
      i += 2;
    } else if (c == '[') {
      // A bracket expression is one atom; "]" right after "[" or "[^" is literal.
      size_t j = i + 1;
      if (j < source.size() && source[j] == '^') ++j;
      if (j < source.size() && source[j] == ']') ++j;
      while (j < source.size() && source[j] != ']') {
        if (source[j] == '[' && j + 1 < source.size() &&
            (source[j + 1] == ':' || source[j + 1] == '.' || source[j + 1] == '=')) {
          const size_t end = source.find(std::string{source[j + 1], ']'}, j + 2);
          j = end == std::string::npos ? source.size() : end + 2;
        } else {
          ++j;
        }
      }
      i = j + 1;
    } else if (c == '(') {
      inner.push_back(1);
      ++i;
    } else if (c == ')' && inner.size() > 1) {
      last_atom = inner.back();
      inner.pop_back();
      inner.back() = std::max(inner.back(), last_atom);
      ++i;
    } else {
      ++i;
    }
  }
  return std::nullopt;
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
  if (std::optional<std::string> problem = RepetitionProblem(source)) {
    error = *problem;
    return false;
  }
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
