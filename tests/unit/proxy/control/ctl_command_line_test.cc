#include "proxy/control/ctl_command_line.h"

#include <gtest/gtest.h>

#include <vector>

namespace kha::proxy::control {
namespace {

CtlOptions Parse(std::vector<const char*> arguments) { return ParseCtlCommandLine(arguments); }

TEST(CtlCommandLineTest, ListsByDefault) {
  CtlOptions options = Parse({"-c", "/run/kha.sock"});
  EXPECT_EQ(options.error, "");
  EXPECT_EQ(options.socket_path, "/run/kha.sock");
  EXPECT_EQ(CommandFor(options), "show table");
  EXPECT_EQ(CommandFor(Parse({"-c", "/s", "--json"})), "show json");
}

TEST(CtlCommandLineTest, DisableAndEnableLikePoundctl) {
  CtlOptions disable = Parse({"-c", "/s", "-b", "0", "1", "2"});
  EXPECT_EQ(disable.error, "");
  EXPECT_EQ(CommandFor(disable), "disable backend 0 1 2");
  CtlOptions enable = Parse({"-B", "-1", "0", "3", "-c", "/s"});
  EXPECT_EQ(enable.error, "");
  EXPECT_EQ(CommandFor(enable), "enable backend -1 0 3");
}

TEST(CtlCommandLineTest, UsageErrorsAreExact) {
  EXPECT_EQ(Parse({}).error, "missing -c SOCKET (the Control path from kha-proxy's configuration)");
  EXPECT_EQ(Parse({"-c", "/s", "-b", "0", "x", "1"}).error,
            "-b: \"x\" is not an index (a number, -1 for the global services)");
  EXPECT_EQ(Parse({"-c", "/s", "-B", "0", "-2", "1"}).error,
            "-B: \"-2\" is not an index (a number, -1 for the global services)");
  EXPECT_EQ(Parse({"-c", "/s", "-b", "0", "0"}).error, "option -b needs L S B");
  EXPECT_EQ(Parse({"-c", "/s", "-b", "0", "0", "0", "-B", "0", "0", "0"}).error,
            "give one -b or -B at a time");
  EXPECT_EQ(Parse({"-c", "/s", "--json", "-b", "0", "0", "0"}).error,
            "--json applies to the listing only");
  EXPECT_EQ(Parse({"-c", "/s", "list"}).error, "unexpected argument \"list\"");
}

TEST(CtlCommandLineTest, HelpNeedsNoSocketAndTeaches) {
  CtlOptions options = Parse({"--help"});
  EXPECT_EQ(options.error, "");
  EXPECT_TRUE(options.help);
  std::string help = CtlHelp();
  EXPECT_NE(help.find("  -b L S B       disable backend B of service S in listener L"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("kha-proxyctl -c /var/run/pound/poundctl.socket -b 0 0 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace kha::proxy::control
