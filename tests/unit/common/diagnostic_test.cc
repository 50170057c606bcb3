#include "common/diagnostic.h"

#include <gtest/gtest.h>

namespace kha {
namespace {

TEST(FormatDiagnostic, PrintsPlaceLineCaretAndHint) {
  Diagnostic d{Severity::kError,         "answers.toml", 2, 3, "unknown key \"tokn\" in [cluster]",
               "did you mean \"token\"?"};
  EXPECT_EQ(FormatDiagnostic(d, "[cluster]\n  tokn = 1\n"),
            "answers.toml:2:3: error: unknown key \"tokn\" in [cluster]\n"
            "      tokn = 1\n"
            "      ^\n"
            "    did you mean \"token\"?");
}

TEST(FormatDiagnostic, PoundStyleUsesDotAndNoSeverityWord) {
  Diagnostic d{Severity::kError, "pound.cfg", 3, 1, "unrecognized keyword", {}};
  DiagnosticStyle style{'.', false, false, false};
  EXPECT_EQ(FormatDiagnostic(d, "a\nb\nFoo\n", style), "pound.cfg:3.1: unrecognized keyword");
}

TEST(Diagnostics, SortsByPlaceAndTellsErrorsFromWarnings) {
  Diagnostics all;
  all.Warning("f", 5, 1, "later");
  EXPECT_FALSE(all.HasErrors());
  all.Error("f", 1, 1, "first");
  EXPECT_TRUE(all.HasErrors());
  DiagnosticStyle style;
  style.show_source = false;
  EXPECT_EQ(all.Format("", style), "f:1:1: error: first\nf:5:1: warning: later");
}

}  // namespace
}  // namespace kha
