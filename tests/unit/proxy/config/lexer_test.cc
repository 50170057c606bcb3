#include "proxy/config/lexer.h"

#include <gtest/gtest.h>

namespace kha::proxy {
namespace {

TEST(LexConfig, SplitsLinesIntoKeywordAndArgumentsWithPositions) {
  Diagnostics diagnostics;
  std::vector<Statement> statements =
      LexConfig("# comment\n\n  Port\t8080  # trailing\nUser \"www-data\"\n", "f.cfg", diagnostics);
  EXPECT_TRUE(diagnostics.list().empty());
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].file, "f.cfg");
  EXPECT_EQ(statements[0].keyword.text, "Port");
  EXPECT_EQ(statements[0].keyword.line, 3);
  EXPECT_EQ(statements[0].keyword.column, 3);
  ASSERT_EQ(statements[0].arguments.size(), 1u);
  EXPECT_EQ(statements[0].arguments[0].text, "8080");
  EXPECT_EQ(statements[0].arguments[0].kind, Token::Kind::kWord);
  EXPECT_EQ(statements[0].arguments[0].column, 8);
  EXPECT_EQ(statements[1].keyword.line, 4);
  EXPECT_EQ(statements[1].arguments[0].kind, Token::Kind::kString);
  EXPECT_EQ(statements[1].arguments[0].text, "www-data");
  EXPECT_EQ(statements[1].arguments[0].column, 6);
}

TEST(LexConfig, ResolvesQuoteAndBackslashEscapesAndKeepsOthers) {
  Diagnostics diagnostics;
  std::vector<Statement> statements =
      LexConfig(R"(AddHeader "X-A: \"q\" \\ \.x # not a comment")", "f.cfg", diagnostics);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].arguments[0].text, R"(X-A: "q" \ \.x # not a comment)");
}

TEST(LexConfig, AcceptsCrLfLineEndsAndAFinalLineWithoutNewline) {
  Diagnostics diagnostics;
  std::vector<Statement> statements = LexConfig("Alive 1\r\nEnd", "f.cfg", diagnostics);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].arguments[0].text, "1");
  EXPECT_EQ(statements[1].keyword.text, "End");
  EXPECT_EQ(statements[1].keyword.line, 2);
}

TEST(LexConfig, EmptyQuotedStringIsAnArgument) {
  Diagnostics diagnostics;
  std::vector<Statement> statements = LexConfig("User \"\"", "f.cfg", diagnostics);
  ASSERT_EQ(statements.size(), 1u);
  ASSERT_EQ(statements[0].arguments.size(), 1u);
  EXPECT_EQ(statements[0].arguments[0].text, "");
}

TEST(LexConfig, ReportsUnterminatedStringAndLeadingStringAndGoesOn) {
  Diagnostics diagnostics;
  std::vector<Statement> statements = LexConfig(
      "User \"www-data\nGroup \"g\" \"x\\\"\n\"Alive\" 1\nAlive 2\n", "f.cfg", diagnostics);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].keyword.text, "Alive");
  ASSERT_EQ(diagnostics.list().size(), 3u);
  DiagnosticStyle style{'.', false, false, false};
  EXPECT_EQ(diagnostics.Format("", style),
            "f.cfg:1.6: missing closing quote\n"
            "f.cfg:2.11: missing closing quote\n"
            "f.cfg:3.1: expected a directive name, got a quoted string");
}

}  // namespace
}  // namespace kha::proxy
