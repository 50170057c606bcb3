#include "installer/render/escape.h"

#include <gtest/gtest.h>

#include "installer/render/render.h"

namespace kha::render {
namespace {

TEST(EscapeTest, ShellEscapesWhatDoubleQuotesWouldExpand) {
  EXPECT_EQ(Escape(Format::kShell, "a b$c\"d`e\\f'g"), "a b\\$c\\\"d\\`e\\\\f'g");
}

TEST(EscapeTest, SystemdDoublesSpecifiersAndDollars) {
  EXPECT_EQ(Escape(Format::kSystemd, "/opt/%n/$x\\y"), "/opt/%%n/$$x\\\\y");
  EXPECT_THROW(Escape(Format::kSystemd, "a\tb"), RenderError);
}

TEST(EscapeTest, PoundTakesPlainStringsOnly) {
  EXPECT_EQ(Escape(Format::kPound, "/var/run/pound/ctl socket"), "/var/run/pound/ctl socket");
  EXPECT_THROW(Escape(Format::kPound, "a\\b"), RenderError);
  EXPECT_THROW(Escape(Format::kPound, "a\rb"), RenderError);
}

TEST(EscapeTest, JsonEscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(Escape(Format::kJson, "v\"x\\\n"), "v\\\"x\\\\\\u000a");
}

}  // namespace
}  // namespace kha::render
