// Broken configurations, each with the exact text `kha-proxy -c` prints.
#include <gtest/gtest.h>

#include "proxy/config/parse.h"

namespace kha::proxy {
namespace {

// A listener, service and backend that are complete, to wrap one bad line in.
std::string Wrap(const std::string& in_listener, const std::string& in_backend = "") {
  return "ListenHTTP\n"
         "  Address 127.0.0.1\n"
         "  Port 8080\n" +
         in_listener +
         "  Service\n"
         "    BackEnd\n"
         "      Address 127.0.0.1\n"
         "      Port 8081\n" +
         in_backend +
         "    End\n"
         "  End\n"
         "End\n";
}

struct BrokenConfig {
  const char* name;
  std::string text;
  std::string expected;
};

void PrintTo(const BrokenConfig& config, std::ostream* out) { *out << config.name; }

class Broken : public testing::TestWithParam<BrokenConfig> {};

TEST_P(Broken, ReportsExactly) {
  Diagnostics diagnostics;
  EXPECT_FALSE(ParseConfig(GetParam().text, "t.cfg", diagnostics));
  EXPECT_EQ(FormatDiagnostics(diagnostics), GetParam().expected);
}

const BrokenConfig kBroken[] = {
    {"UnknownKeywordWithHint", Wrap("  Prot 80\n"),
     "t.cfg:4.3: unknown directive \"Prot\" in ListenHTTP\n    did you mean \"Port\"?"},
    {"UnknownKeywordWithoutHint", "Frobnicate 1\n" + Wrap(""),
     "t.cfg:1.1: unknown directive \"Frobnicate\" in the global section"},
    {"UnknownKeywordInBackend", Wrap("", "      Prioirty 3\n"),
     "t.cfg:8.7: unknown directive \"Prioirty\" in BackEnd\n    did you mean \"Priority\"?"},
    {"MisplacedDirective", "Port 80\n" + Wrap(""),
     "t.cfg:1.1: Port is not allowed in the global section (it belongs in ListenHTTP, BackEnd "
     "or Emergency)"},
    {"MisplacedBlockIsSkippedWhole", Wrap("  BackEnd\n    Address 127.0.0.1\n    Port 1\n  End\n"),
     "t.cfg:4.3: BackEnd is not allowed in ListenHTTP (it belongs in Service)"},
    {"UrlInListener", Wrap("  URL \"^/api\"\n"),
     "t.cfg:4.3: URL is not allowed in ListenHTTP (it belongs in Service)"},
    {"ListenHttpsNotYet",
     "ListenHTTPS\n  Address 0.0.0.0\n  Port 443\n  Cert \"/x.pem\"\n  Service\n    BackEnd\n"
     "    End\n  End\nEnd\n" +
         Wrap(""),
     "t.cfg:1.1: ListenHTTPS is not supported yet: TLS arrives in a later kha-proxy release"},
    {"SessionNotYet",
     Wrap("").replace(Wrap("").find("  End\nEnd"), 0,
                      "    Session\n      Type IP\n      TTL 300\n    End\n"),
     "t.cfg:9.5: Session is not supported yet: sessions arrive in a later kha-proxy release"},
    {"CertNotYet", Wrap("  Cert \"/etc/x.pem\"\n"),
     "t.cfg:4.3: Cert is not supported yet: TLS arrives in a later kha-proxy release"},
    {"NotPlanned", Wrap("", "      HAport 81\n"),
     "t.cfg:8.7: HAport is not supported by kha-proxy"},
    {"TooManyArguments", Wrap("  xHTTP 1 2\n"), "t.cfg:4.11: xHTTP takes 1 argument, got 2"},
    {"MissingArgument", Wrap("  Client\n"),
     "t.cfg:4.9: Client expects a number of seconds from 1 to 2147483, got nothing"},
    {"IntegerAboveRange", "LogLevel 6\n" + Wrap(""),
     "t.cfg:1.10: LogLevel expects an integer from 0 to 5, got \"6\""},
    {"XhttpAboveRange", Wrap("  xHTTP 5\n"),
     "t.cfg:4.9: xHTTP expects an integer from 0 to 4, got \"5\""},
    {"PriorityBelowRange", Wrap("", "      Priority 0\n"),
     "t.cfg:8.16: Priority expects an integer from 1 to 9, got \"0\""},
    {"NegativeNumber", "Alive -1\n" + Wrap(""),
     "t.cfg:1.7: Alive expects a number of seconds from 1 to 2147483, got \"-1\""},
    {"NumberWithUnit", "TimeOut 15s\n" + Wrap(""),
     "t.cfg:1.9: TimeOut expects a number of seconds from 1 to 2147483, got \"15s\""},
    {"QuotedNumber", "Grace \"5\"\n" + Wrap(""),
     "t.cfg:1.7: Grace expects a number of seconds from 0 to 2147483, got \"5\""},
    {"HugeNumber", "Alive 99999999999999999999999\n" + Wrap(""),
     "t.cfg:1.7: Alive expects a number of seconds from 1 to 2147483, got "
     "\"99999999999999999999999\""},
    {"DaemonIsABoolean", "Daemon 2\n" + Wrap(""), "t.cfg:1.8: Daemon expects 0 or 1, got \"2\""},
    {"PortOutOfRange", Wrap("").replace(Wrap("").find("8080"), 4, "70000"),
     "t.cfg:3.8: Port expects a port number from 1 to 65535, got \"70000\""},
    {"PortZero", "ListenHTTP\n  Address 127.0.0.1\n  Port 0\nEnd\n",
     "t.cfg:1.1: ListenHTTP has no Service (and there is no global Service)\n"
     "t.cfg:3.8: Port expects a port number from 1 to 65535, got \"0\""},
    {"HostName", Wrap("", "").replace(Wrap("").find("127.0.0.1\n      Port 8081"), 9, "backend1"),
     "t.cfg:6.15: \"backend1\" is not a numeric address (kha-proxy does not resolve host "
     "names)\n    write the IP address, e.g. 10.211.55.14 or ::1"},
    {"Localhost", Wrap("").replace(Wrap("").find("127.0.0.1"), 9, "localhost"),
     "t.cfg:2.11: \"localhost\" is not a numeric address (kha-proxy does not resolve host "
     "names)\n    write 127.0.0.1 (or ::1) instead of localhost"},
    {"ShortIpv4", Wrap("").replace(Wrap("").find("127.0.0.1"), 9, "10.1"),
     "t.cfg:2.11: \"10.1\" is not a numeric address (kha-proxy does not resolve host names)\n"
     "    write the IP address, e.g. 10.211.55.14 or ::1"},
    {"BadUrlRegex", Wrap("").replace(Wrap("").find("    BackEnd"), 0, "    URL \"^/(api\"\n"),
     "t.cfg:5.9: invalid regular expression \"^/(api\" in URL: unbalanced ( )"},
    {"BadHeaderRegex",
     Wrap("").replace(Wrap("").find("    BackEnd"), 0, "    HeadRequire \"Host: [abc\"\n"),
     "t.cfg:5.17: invalid regular expression \"Host: [abc\" in HeadRequire: unbalanced [ ]"},
    {"BadRepeatCount", Wrap("  HeadRemove \"^X-a{2,1}\"\n"),
     "t.cfg:4.14: invalid regular expression \"^X-a{2,1}\" in HeadRemove: invalid repeat count "
     "in { }"},
    {"MissingEndNested", "ListenHTTP\n  Address 127.0.0.1\n  Port 80\n  Service\n    BackEnd\n",
     "t.cfg:6.1: missing End for BackEnd opened at line 5\n"
     "t.cfg:6.1: missing End for Service opened at line 4\n"
     "t.cfg:6.1: missing End for ListenHTTP opened at line 1"},
    {"MissingEndWithoutFinalNewline", "ListenHTTP\n  Address 127.0.0.1\n  Port 80",
     "t.cfg:3.10: missing End for ListenHTTP opened at line 1"},
    {"UnexpectedEnd", Wrap("") + "End\n", "t.cfg:11.1: unexpected End: no block is open"},
    {"EndWithArgument", Wrap("").replace(Wrap("").rfind("End"), 3, "End ListenHTTP"),
     "t.cfg:10.5: End takes no arguments, got 1"},
    {"DuplicateDirective", Wrap("  Port 8081\n"), "t.cfg:4.3: Port is already set at line 3"},
    {"DuplicateEmergency",
     Wrap("").replace(Wrap("").find("  End\nEnd"), 0,
                      "    Emergency\n      Address 127.0.0.1\n      Port 9\n    End\n"
                      "    Emergency\n      Address 127.0.0.1\n      Port 10\n    End\n"),
     "t.cfg:13.5: Emergency is already set at line 9"},
    {"RelativeControl", "Control \"pound.sock\"\n" + Wrap(""),
     "t.cfg:1.9: Control expects an absolute path, got \"pound.sock\""},
    {"EmptyUser", "User \"\"\n" + Wrap(""), "t.cfg:1.6: User expects a non-empty string, got \"\""},
    {"AddHeaderWithoutColon", Wrap("  AddHeader \"X-Forwarded-Proto https\"\n"),
     "t.cfg:4.13: AddHeader expects a header line \"Name: value\", got \"X-Forwarded-Proto "
     "https\""},
    {"AddHeaderBadName", Wrap("  AddHeader \"X Bad: 1\"\n"),
     "t.cfg:4.13: AddHeader expects a header line \"Name: value\", got \"X Bad: 1\""},
    {"UnknownFacility", "LogFacility dameon\n" + Wrap(""),
     "t.cfg:1.13: unknown syslog facility \"dameon\"\n    did you mean \"daemon\"?"},
    {"UnterminatedString", "User \"www-data\n" + Wrap(""), "t.cfg:1.6: missing closing quote"},
    {"ListenerWithoutService", "ListenHTTP\n  Address 127.0.0.1\n  Port 80\nEnd\n",
     "t.cfg:1.1: ListenHTTP has no Service (and there is no global Service)"},
    {"ListenerWithoutAddressAndPort",
     "ListenHTTP\n  Service\n    BackEnd\n      Address ::1\n      Port 1\n    End\n  End\nEnd\n",
     "t.cfg:1.1: ListenHTTP has no Address\nt.cfg:1.1: ListenHTTP has no Port"},
    {"ServiceWithoutBackend", "ListenHTTP\n  Address 127.0.0.1\n  Port 80\n  Service\n  End\nEnd\n",
     "t.cfg:4.3: Service has no BackEnd and no Emergency"},
    {"BackendWithoutPort", Wrap("").replace(Wrap("").find("      Port 8081\n"), 16, ""),
     "t.cfg:5.5: BackEnd has no Port"},
    {"EmergencyWithoutAddress",
     Wrap("").replace(Wrap("").find("  End\nEnd"), 0, "    Emergency\n      Port 9\n    End\n"),
     "t.cfg:9.5: Emergency has no Address"},
    {"SameAddressAndPortTwice", Wrap("") + Wrap(""),
     "t.cfg:11.1: ListenHTTP 127.0.0.1:8080 is already defined at line 1"},
    {"SameIpv6AddressTwice",
     Wrap("").replace(Wrap("").find("127.0.0.1"), 9, "::") +
         Wrap("").replace(Wrap("").find("127.0.0.1"), 9, "0::0"),
     "t.cfg:11.1: ListenHTTP [::]:8080 is already defined at line 1"},
    {"NoListener", "User \"www-data\"\n",
     "t.cfg: no ListenHTTP: kha-proxy would have nothing to listen on"},
    {"MissingErrorPage", Wrap("  Err503 \"no-such-503.html\"\n"),
     "t.cfg:4.10: cannot read Err503 file \"no-such-503.html\": No such file or directory"},
    {"HealthCheckRelativePath",
     Wrap("").replace(Wrap("").find("    BackEnd"), 0, "    HealthCheck \"healthz\"\n"),
     "t.cfg:5.17: HealthCheck expects a path starting with /, got \"healthz\""},
    {"HealthCheckTooManyArguments",
     Wrap("").replace(Wrap("").find("    BackEnd"), 0, "    HealthCheck \"/healthz\" 5 6\n"),
     "t.cfg:5.30: HealthCheck takes 1 or 2 arguments, got 3"},
    {"HealthCheckZeroInterval",
     Wrap("").replace(Wrap("").find("    BackEnd"), 0, "    HealthCheck \"/healthz\" 0\n"),
     "t.cfg:5.28: HealthCheck expects a number of seconds from 1 to 2147483, got \"0\""},
    {"ServiceWithTwoNames", Wrap("").replace(Wrap("").find("  Service"), 9, "  Service \"a\" b"),
     "t.cfg:4.15: Service takes at most 1 argument (a name), got 2"},
    {"BackendWithArgument", Wrap("").replace(Wrap("").find("    BackEnd"), 11, "    BackEnd 1"),
     "t.cfg:5.13: BackEnd takes no arguments, got 1"},
    {"EveryErrorIsReported",
     "LogLevel 9\nAlive x\n"
     "ListenHTTP\n  Adress 127.0.0.1\n  Port 80\n  Service\n    BackEnd\n      Port 1\n"
     "    End\n  End\nEnd\n",
     "t.cfg:1.10: LogLevel expects an integer from 0 to 5, got \"9\"\n"
     "t.cfg:2.7: Alive expects a number of seconds from 1 to 2147483, got \"x\"\n"
     "t.cfg:3.1: ListenHTTP has no Address\n"
     "t.cfg:4.3: unknown directive \"Adress\" in ListenHTTP\n    did you mean \"Address\"?\n"
     "t.cfg:7.5: BackEnd has no Address"},
};

INSTANTIATE_TEST_SUITE_P(Config, Broken, testing::ValuesIn(kBroken),
                         [](const testing::TestParamInfo<BrokenConfig>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace kha::proxy
