#include "installer/answers/values.h"

#include <gtest/gtest.h>

namespace kha::answers {
namespace {

std::string MessageOf(const std::optional<ValueError>& error) {
  return error ? error->message : "ok";
}

TEST(Values, QuotableRejectsWhatEndsOrExpandsADoubleQuotedString) {
  EXPECT_EQ(MessageOf(CheckQuotable("plain value, with spaces; and ' quotes")), "ok");
  EXPECT_EQ(MessageOf(CheckQuotable("caf\xC3\xA9")), "ok");  // UTF-8 is fine
  EXPECT_EQ(MessageOf(CheckQuotable("a\"b")), "must not contain '\"'");
  EXPECT_EQ(MessageOf(CheckQuotable("a\\b")), "must not contain '\\'");
  EXPECT_EQ(MessageOf(CheckQuotable("$HOME")), "must not contain '$'");
  EXPECT_EQ(MessageOf(CheckQuotable("`id`")), "must not contain '`'");
  EXPECT_EQ(MessageOf(CheckQuotable("a\nb")), "must not contain a newline");
  EXPECT_EQ(MessageOf(CheckQuotable("a\rb")), "must not contain the control character U+000D");
  EXPECT_EQ(MessageOf(CheckQuotable(std::string_view("a\0b", 3))),
            "must not contain the control character U+0000");
  EXPECT_EQ(CheckQuotable("$")->hint,
            "values are written inside double quotes in /etc/default files and pound.cfg");
}

TEST(Values, WordsAreOneArgument) {
  EXPECT_EQ(MessageOf(CheckWord("--max-pods=50", false)), "ok");
  EXPECT_EQ(MessageOf(CheckWord("", true)), "ok");
  EXPECT_EQ(MessageOf(CheckWord("", false)), "must not be empty");
  EXPECT_EQ(MessageOf(CheckWord("a b", false)), "must not contain a space");
  EXPECT_EQ(MessageOf(CheckWord("a\tb", false)), "must not contain a tab");
}

TEST(Values, Paths) {
  EXPECT_EQ(MessageOf(CheckAbsolutePath("/opt/bin/etcd")), "ok");
  EXPECT_EQ(MessageOf(CheckAbsolutePath("opt/bin")), "\"opt/bin\" is not an absolute path");
  EXPECT_EQ(MessageOf(CheckAbsolutePath("")), "must not be empty");
  EXPECT_EQ(MessageOf(CheckHttpPath("/healthz")), "ok");
  EXPECT_EQ(MessageOf(CheckHttpPath("")), "ok");
  EXPECT_EQ(MessageOf(CheckHttpPath("healthz")), "\"healthz\" does not start with \"/\"");
}

TEST(Values, DnsLabels) {
  EXPECT_EQ(MessageOf(CheckDnsLabel("infra0")), "ok");
  EXPECT_EQ(MessageOf(CheckDnsLabel("0-a")), "ok");
  EXPECT_EQ(MessageOf(CheckDnsLabel("a")), "ok");
  EXPECT_EQ(MessageOf(CheckDnsLabel(std::string(63, 'x'))), "ok");
  EXPECT_EQ(MessageOf(CheckDnsLabel(std::string(64, 'x'))),
            "\"" + std::string(64, 'x') + "\" is not a DNS label");
  EXPECT_EQ(MessageOf(CheckDnsLabel("-a")), "\"-a\" is not a DNS label");
  EXPECT_EQ(MessageOf(CheckDnsLabel("a-")), "\"a-\" is not a DNS label");
  EXPECT_EQ(MessageOf(CheckDnsLabel("Infra0")), "\"Infra0\" is not a DNS label");
  EXPECT_EQ(MessageOf(CheckDnsLabel("a.b")), "\"a.b\" is not a DNS label");
  EXPECT_EQ(MessageOf(CheckDnsLabel("")), "must not be empty");
  // Characters that must never reach a file are named as such.
  EXPECT_EQ(MessageOf(CheckDnsLabel("a$b")), "must not contain '$'");
}

TEST(Values, PluginNames) {
  EXPECT_EQ(MessageOf(CheckPluginName("NamespaceLifecycle")), "ok");
  EXPECT_EQ(MessageOf(CheckPluginName("A,B")), "\"A,B\" is not an admission plugin name");
  EXPECT_EQ(MessageOf(CheckPluginName("")), "must not be empty");
}

TEST(Values, PortsAndIntegers) {
  EXPECT_EQ(MessageOf(CheckPort(1)), "ok");
  EXPECT_EQ(MessageOf(CheckPort(65535)), "ok");
  EXPECT_EQ(MessageOf(CheckPort(0)), "port 0 is outside 1-65535");
  EXPECT_EQ(MessageOf(CheckPort(65536)), "port 65536 is outside 1-65535");
  EXPECT_EQ(MessageOf(CheckInteger(3, 0, 3)), "ok");
  EXPECT_EQ(MessageOf(CheckInteger(-1, 0, 3)), "-1 is outside 0-3");
  EXPECT_EQ(MessageOf(CheckInteger(0, 1, std::numeric_limits<int64_t>::max())), "0 is less than 1");
}

TEST(Values, Addresses) {
  Ipv4 ip;
  EXPECT_EQ(MessageOf(ParseIpv4Value("10.211.55.14", ip)), "ok");
  EXPECT_EQ(ip.ToString(), "10.211.55.14");
  EXPECT_EQ(MessageOf(ParseIpv4Value("10.211.55", ip)), "\"10.211.55\" is not an IPv4 address");

  Cidr cidr;
  EXPECT_EQ(MessageOf(ParseCidrValue("10.244.0.0/16", cidr)), "ok");
  EXPECT_EQ(cidr.ToString(), "10.244.0.0/16");
  EXPECT_EQ(MessageOf(ParseCidrValue("10.244.0.0/33", cidr)),
            "\"10.244.0.0/33\" is not a CIDR block");
  EXPECT_EQ(MessageOf(ParseCidrValue("10.244.0.0/016", cidr)),
            "\"10.244.0.0/016\" is not a CIDR block");
  EXPECT_EQ(MessageOf(ParseCidrValue("10.244.0.0/-1", cidr)),
            "\"10.244.0.0/-1\" is not a CIDR block");
  std::optional<ValueError> host_bits = ParseCidrValue("10.244.1.1/16", cidr);
  EXPECT_EQ(MessageOf(host_bits), "\"10.244.1.1/16\" has host bits set");
  EXPECT_EQ(host_bits->hint, "did you mean \"10.244.0.0/16\"?");
  EXPECT_EQ(ParseCidrValue("10.0.0.1/0", cidr)->hint, "did you mean \"0.0.0.0/0\"?");
  EXPECT_EQ(cidr.ToString(), "10.244.0.0/16");  // untouched by failures
}

TEST(Values, PortRanges) {
  PortRange range;
  EXPECT_EQ(MessageOf(ParsePortRange("1-65535", range)), "ok");
  EXPECT_EQ(range, (PortRange{1, 65535}));
  EXPECT_EQ(MessageOf(ParsePortRange("8080-8080", range)), "ok");
  EXPECT_EQ(range, (PortRange{8080, 8080}));
  EXPECT_EQ(MessageOf(ParsePortRange("30000", range)), "\"30000\" is not a port range");
  EXPECT_EQ(MessageOf(ParsePortRange("30000-", range)), "\"30000-\" is not a port range");
  EXPECT_EQ(MessageOf(ParsePortRange(" 1-2", range)), "\" 1-2\" is not a port range");
  EXPECT_EQ(MessageOf(ParsePortRange("+1-2", range)), "\"+1-2\" is not a port range");
  EXPECT_EQ(MessageOf(ParsePortRange("1-2-3", range)), "\"1-2-3\" is not a port range");
  EXPECT_EQ(MessageOf(ParsePortRange("1-$x", range)), "must not contain '$'");
  EXPECT_EQ(MessageOf(ParsePortRange("9-8", range)), "first port 9 is greater than last port 8");
  EXPECT_EQ(MessageOf(ParsePortRange("0-8", range)), "port 0 is outside 1-65535");
  EXPECT_EQ(MessageOf(ParsePortRange("1-99999", range)), "port 99999 is outside 1-65535");
  EXPECT_EQ(range, (PortRange{8080, 8080}));  // untouched by failures
}

}  // namespace
}  // namespace kha::answers
