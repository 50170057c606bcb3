// Include: relative to the including file, errors naming the included file,
// missing files, loops and runaway depth.
#include <gtest/gtest.h>

#include "proxy/config/parse.h"
#include "temp_dir.h"

namespace kha::proxy {
namespace {

const char kBackends[] =
    "BackEnd\n"
    "  Address 10.0.0.1\n"
    "  Port 80\n"
    "End\n";

class IncludeTest : public testing::Test {
 protected:
  std::string Errors(const std::string& main_file) {
    Diagnostics diagnostics;
    EXPECT_FALSE(LoadConfig(main_file, diagnostics));
    return FormatDiagnostics(diagnostics);
  }
  TempDir dir_;
};

TEST_F(IncludeTest, ReadsFilesRelativeToTheIncludingFile) {
  dir_.Write("conf.d/listener.cfg",
             "ListenHTTP\n  Address 127.0.0.1\n  Port 8080\n  Service\n"
             "    Include \"backends/all.cfg\"\n  End\nEnd\n");
  dir_.Write("conf.d/backends/all.cfg", std::string(kBackends) + "Include \"../../more.cfg\"\n");
  dir_.Write("more.cfg", "BackEnd\n  Address 10.0.0.2\n  Port 81\nEnd\n");
  std::string main = dir_.Write("pound.cfg", "Alive 3\nInclude \"conf.d/listener.cfg\"\n");
  Diagnostics diagnostics;
  std::optional<Config> config = LoadConfig(main, diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_EQ(config->alive, Seconds(3));
  const Service& service = config->listeners.at(0).services.at(0);
  ASSERT_EQ(service.backends.size(), 2u);
  EXPECT_EQ(service.backends[0].address.text, "10.0.0.1");
  EXPECT_EQ(service.backends[0].location.file, dir_.path() + "/conf.d/backends/all.cfg");
  EXPECT_EQ(service.backends[1].address.text, "10.0.0.2");
  EXPECT_EQ(service.backends[1].location.file, dir_.path() + "/conf.d/backends/../../more.cfg");
  EXPECT_EQ(config->files.size(), 4u);
}

TEST_F(IncludeTest, ErrorsNameTheIncludedFileAndShowItsLine) {
  std::string inner = dir_.Write("inner.cfg", "# backends\nBackEnd\n  Adress 10.0.0.1\nEnd\n");
  std::string main =
      dir_.Write("pound.cfg",
                 "ListenHTTP\n  Adress 127.0.0.1\n  Port 1\n  Service\n    Include \"inner.cfg\"\n"
                 "  End\nEnd\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(LoadConfig(main, diagnostics));
  EXPECT_EQ(FormatDiagnostics(diagnostics), main + ":1.1: ListenHTTP has no Address\n" + main +
                                                ":2.3: unknown directive \"Adress\" in ListenHTTP\n"
                                                "    did you mean \"Address\"?\n" +
                                                inner + ":2.1: BackEnd has no Address\n" + inner +
                                                ":2.1: BackEnd has no Port\n" + inner +
                                                ":3.3: unknown directive \"Adress\" in BackEnd\n"
                                                "    did you mean \"Address\"?");
  DiagnosticStyle compiler_style;
  compiler_style.show_source = true;
  std::string with_source = FormatDiagnostics(diagnostics, compiler_style);
  EXPECT_NE(with_source.find(inner + ":3:3: error: unknown directive \"Adress\" in BackEnd\n"
                                     "      Adress 10.0.0.1\n"
                                     "      ^\n"),
            std::string::npos)
      << with_source;
}

TEST_F(IncludeTest, MissingFileIsReportedAtItsName) {
  std::string main = dir_.Write("pound.cfg", "User \"u\"\n  Include \"nowhere.cfg\"\n");
  EXPECT_EQ(Errors(main), main +
                              ":2.11: cannot read include file \"nowhere.cfg\": No such file or "
                              "directory\n" +
                              main + ": no ListenHTTP: kha-proxy would have nothing to listen on");
}

TEST_F(IncludeTest, IncludeNeedsOneArgument) {
  std::string main = dir_.Write("pound.cfg", "Include\nInclude \"a\" \"b\"\n");
  EXPECT_EQ(Errors(main), main + ":1.8: Include expects a non-empty string, got nothing\n" + main +
                              ":2.13: Include takes 1 argument, got 2\n" + main +
                              ": no ListenHTTP: kha-proxy would have nothing to listen on");
}

TEST_F(IncludeTest, LoopIsReportedOnce) {
  std::string a = dir_.Write("a.cfg", "Include \"b.cfg\"\n");
  std::string b = dir_.Write("b.cfg", "Grace 1\nInclude \"./a.cfg\"\n");
  EXPECT_EQ(Errors(a), b + ":2.9: Include loop: \"./a.cfg\" is already being read\n" + a +
                           ": no ListenHTTP: kha-proxy would have nothing to listen on");
}

TEST_F(IncludeTest, SelfIncludeIsALoop) {
  std::string main = dir_.Write("self.cfg", "Include \"self.cfg\"\n");
  EXPECT_EQ(Errors(main), main + ":1.9: Include loop: \"self.cfg\" is already being read\n" + main +
                              ": no ListenHTTP: kha-proxy would have nothing to listen on");
}

TEST_F(IncludeTest, TheSameFileMayBeIncludedTwiceSideBySide) {
  dir_.Write("backend.cfg", kBackends);
  std::string main = dir_.Write(
      "pound.cfg",
      "ListenHTTP\n  Address 127.0.0.1\n  Port 1\n  Service\n    Include \"backend.cfg\"\n"
      "    Include \"backend.cfg\"\n  End\nEnd\n");
  Diagnostics diagnostics;
  std::optional<Config> config = LoadConfig(main, diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_EQ(config->listeners.at(0).services.at(0).backends.size(), 2u);
}

TEST_F(IncludeTest, DepthIsLimited) {
  // level0.cfg includes level1.cfg … each one level deeper, 20 in all.
  for (int i = 0; i < 20; ++i)
    dir_.Write("level" + std::to_string(i) + ".cfg",
               "Include \"level" + std::to_string(i + 1) + ".cfg\"\n");
  dir_.Write("level20.cfg", "Grace 1\n");
  std::string main = dir_.path() + "/level0.cfg";
  EXPECT_EQ(Errors(main), dir_.path() +
                              "/level16.cfg:1.9: Include nested more than 16 levels deep\n" + main +
                              ": no ListenHTTP: kha-proxy would have nothing to listen on");
}

TEST_F(IncludeTest, ErrorPagesAreReadRelativeToTheirFile) {
  dir_.Write("sub/pages/503.html", "<h1>down</h1>\n");
  dir_.Write("sub/listener.cfg",
             "ListenHTTP\n  Address 127.0.0.1\n  Port 1\n  Err503 \"pages/503.html\"\n"
             "  Service\n" +
                 std::string(kBackends) + "  End\nEnd\n");
  std::string main = dir_.Write("pound.cfg", "Include \"sub/listener.cfg\"\n");
  Diagnostics diagnostics;
  std::optional<Config> config = LoadConfig(main, diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_EQ(config->listeners.at(0).error_pages.at(503), "<h1>down</h1>\n");
}

}  // namespace
}  // namespace kha::proxy
