#include "proxy/process/command_line.h"

#include <gtest/gtest.h>

#include <vector>

#include "proxy/process/flags.h"

namespace kha::proxy {
namespace {

ProxyOptions Parse(std::vector<const char*> arguments) { return ParseProxyCommandLine(arguments); }

TEST(ProxyCommandLineTest, DefaultsArePounds) {
  ProxyOptions options = Parse({});
  EXPECT_EQ(options.error, "");
  EXPECT_EQ(options.config_path, "/etc/kha/pound.cfg");
  EXPECT_EQ(options.pid_file, "");
  EXPECT_FALSE(options.check_only);
  EXPECT_FALSE(options.foreground);
  EXPECT_FALSE(options.log_to_stderr);
}

TEST(ProxyCommandLineTest, EveryFlag) {
  ProxyOptions options = Parse({"-c", "-f", "/tmp/p.cfg", "-p", "/run/p.pid", "-v", "-F"});
  EXPECT_EQ(options.error, "");
  EXPECT_TRUE(options.check_only);
  EXPECT_EQ(options.config_path, "/tmp/p.cfg");
  EXPECT_EQ(options.pid_file, "/run/p.pid");
  EXPECT_TRUE(options.verbose);
  EXPECT_TRUE(options.foreground);
  EXPECT_FALSE(options.log_to_stderr);
}

TEST(ProxyCommandLineTest, CombinedAndAttachedLikeGetopt) {
  ProxyOptions options = Parse({"-cvf/etc/x.cfg"});
  EXPECT_EQ(options.error, "");
  EXPECT_TRUE(options.check_only);
  EXPECT_TRUE(options.verbose);
  EXPECT_EQ(options.config_path, "/etc/x.cfg");
}

TEST(ProxyCommandLineTest, StderrLoggingImpliesForeground) {
  ProxyOptions options = Parse({"-e"});
  EXPECT_TRUE(options.log_to_stderr);
  EXPECT_TRUE(options.foreground);
}

TEST(ProxyCommandLineTest, HelpAndVersionLongAndShort) {
  EXPECT_TRUE(Parse({"-h"}).help);
  EXPECT_TRUE(Parse({"--help"}).help);
  EXPECT_TRUE(Parse({"-V"}).version);
  EXPECT_TRUE(Parse({"--version"}).version);
}

TEST(ProxyCommandLineTest, UsageErrorsAreExact) {
  EXPECT_EQ(Parse({"-x"}).error, "unknown option -x");
  EXPECT_EQ(Parse({"--verbose"}).error, "unknown option --verbose");
  EXPECT_EQ(Parse({"-f"}).error, "option -f needs FILE");
  EXPECT_EQ(Parse({"-c", "pound.cfg"}).error,
            "unexpected argument \"pound.cfg\" (the configuration file is given with -f)");
  EXPECT_EQ(Parse({"--help=yes"}).error, "option --help takes no value");
}

TEST(ProxyCommandLineTest, HelpTeachesEveryFlagWithAnExample) {
  std::string help = ProxyHelp();
  EXPECT_TRUE(help.starts_with("Usage: kha-proxy [-c] [-e] [-F] [-v] [-f FILE] [-p PIDFILE]\n"));
  EXPECT_NE(help.find("  -f FILE        read the configuration from FILE"), std::string::npos)
      << help;
  EXPECT_NE(help.find("  -h, --help     print this help and exit\n"), std::string::npos) << help;
  EXPECT_NE(help.find("kha-proxy -c -f /etc/kha/pound.cfg && kha-proxy -e"), std::string::npos);
}

constexpr FlagSpec kCtlLike[] = {
    {'c', "", "SOCKET", "socket"},
    {'b', "", "L S B", "disable"},
    {'j', "json", "", "json"},
};

TEST(FlagsTest, MultiValueFlagsTakeNegativeNumbersAsValues) {
  std::vector<const char*> arguments = {"-c", "/s", "-b", "-1", "0", "2", "--json"};
  ParsedCommandLine parsed = ParseFlags(arguments, kCtlLike);
  ASSERT_EQ(parsed.error, "");
  ASSERT_EQ(parsed.flags.size(), 3u);
  EXPECT_EQ(parsed.flags[1].short_name, 'b');
  EXPECT_EQ(parsed.flags[1].values, (std::vector<std::string>{"-1", "0", "2"}));
  EXPECT_EQ(parsed.flags[2].short_name, 'j');
}

TEST(FlagsTest, MissingValuesAndOperands) {
  std::vector<const char*> short_of_values = {"-b", "0", "1"};
  EXPECT_EQ(ParseFlags(short_of_values, kCtlLike).error, "option -b needs L S B");
  std::vector<const char*> with_operands = {"a", "--", "-c"};
  ParsedCommandLine parsed = ParseFlags(with_operands, kCtlLike);
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.operands, (std::vector<std::string>{"a", "-c"}));
}

}  // namespace
}  // namespace kha::proxy
