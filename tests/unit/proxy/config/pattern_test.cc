#include "proxy/config/pattern.h"

#include <gtest/gtest.h>

#include <string>

namespace kha::proxy {
namespace {

Pattern Compile(const std::string& source, bool ignore_case = false) {
  Pattern pattern;
  std::string error;
  EXPECT_TRUE(CompilePattern(source, ignore_case, pattern, error)) << error;
  return pattern;
}

TEST(SearchPattern, MatchesAnywhereLikeRegexec) {
  EXPECT_TRUE(SearchPattern(Compile("/api"), "/v1/api/x"));
  EXPECT_FALSE(SearchPattern(Compile("^/api"), "/v1/api/x"));
  EXPECT_FALSE(SearchPattern(Compile("^/API"), "/api"));
  EXPECT_TRUE(SearchPattern(Compile("^host: .*\\.example\\.com$", true), "Host: a.EXAMPLE.com"));
  EXPECT_TRUE(SearchPattern(Compile("^(GET|HEAD) "), "HEAD /"));
}

TEST(SearchPattern, LooksOnlyAtTheGivenText) {
  std::string buffer = "/api/secret";
  EXPECT_FALSE(SearchPattern(Compile("secret"), std::string_view(buffer).substr(0, 5)));
  EXPECT_TRUE(SearchPattern(Compile("^/api/$"), std::string_view(buffer).substr(0, 5)));
}

// std::regex overflows the stack on text like this (libstdc++ recurses per
// character); the matcher the runtime uses must not (runs under ASan).
TEST(SearchPattern, LongTextDoesNotExhaustTheStack) {
  std::string text(1 << 20, 'a');
  EXPECT_TRUE(SearchPattern(Compile("^(a|b)*$"), text));
  EXPECT_FALSE(SearchPattern(Compile(".*x"), text));
  std::string header = "Host: " + std::string(1 << 20, 'a') + ".example.com";
  EXPECT_TRUE(SearchPattern(Compile("^Host: .*\\.example\\.com", true), header));
}

TEST(CompilePattern, ReportsWhatIsWrong) {
  Pattern pattern;
  std::string error;
  EXPECT_FALSE(CompilePattern("(a", false, pattern, error));
  EXPECT_EQ(error, "unbalanced ( )");
  EXPECT_FALSE(CompilePattern("[abc", true, pattern, error));
  EXPECT_EQ(error, "unbalanced [ ]");
}

TEST(CompilePattern, RefusesRepetitionsThatWouldTakeGigabytes) {
  // glibc copies what a repetition repeats: these would exhaust memory.
  Pattern pattern;
  std::string error;
  EXPECT_FALSE(CompilePattern("^Hos" + std::string(100, '+') + "t", false, pattern, error));
  EXPECT_EQ(error, "a repetition directly after another (such as \"++\")");
  EXPECT_FALSE(CompilePattern("((a{10}){10}){20}", false, pattern, error));
  EXPECT_EQ(error, "repetitions nest too deep (more than 1000 copies)");
  EXPECT_FALSE(CompilePattern("x{5000}", false, pattern, error));
  // Ordinary patterns, and the characters inside brackets or escaped, pass.
  EXPECT_TRUE(SearchPattern(Compile("((a{10}){10}){10}"), std::string(1000, 'a')));
  EXPECT_TRUE(SearchPattern(Compile("^/api/v1/[a-z+*]+(/[^/]*)?$"), "/api/v1/pods/x"));
  EXPECT_TRUE(SearchPattern(Compile("a\\++"), "a++"));
  EXPECT_TRUE(SearchPattern(Compile("[]+]+"), "]+"));
  EXPECT_TRUE(SearchPattern(Compile("[[:alpha:]]+x"), "abx"));
}

}  // namespace
}  // namespace kha::proxy
