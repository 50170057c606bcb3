// Every directive of every table, read into the model; the tables and the
// documentation kept in step.
#include <gtest/gtest.h>

#include <cctype>
#include <regex>

#include "common/file_util.h"
#include "proxy/config/directives.h"
#include "proxy/config/parse.h"
#include "proxy/config/pattern.h"
#include "temp_dir.h"

namespace kha::proxy {
namespace {

constexpr Context kContexts[] = {Context::kGlobal, Context::kListenHttp, Context::kService,
                                 Context::kBackend, Context::kEmergency};

// Uses every directive once (repeatable ones twice where that matters).
const char kEverything[] = R"(# every directive kha-proxy reads
User        "proxy"
Group       "proxy"
RootJail    "/var/empty"
Daemon      0
LogFacility local3
LogLevel    3
Alive       7
Client      11
TimeOut     40
ConnTO      4
Grace       12
Control     "/run/kha/ctl.socket"
Include     "extra.cfg"

ListenHTTP "api"
  Address    ::1
  Port       8443
  xHTTP      2
  Client     20
  MaxRequest 1048576
  LogLevel   5
  HeadRemove "^X-Forwarded-For:"
  HeadRemove "^Proxy:"
  AddHeader  "X-Proxy: kha"
  AddHeader  "X-Quoted: \"yes\""
  CheckURL   "^/[a-z/]*$"
  Err413     "pages/413.html"
  Err414     "pages/414.html"
  Err500     "pages/500.html"
  Err501     "pages/501.html"
  Err503     "pages/503.html"
  Service "apiserver"
    URL         "^/api"
    URL         "\.json$"
    HeadRequire "^Host: .*\.example\.com"
    HeadDeny    "^User-Agent: bad"
    HealthCheck "/healthz" 3
    BackEnd
      Address  10.0.0.1
      Port     6443
      Priority 9
      TimeOut  100
      ConnTO   2
    End
    BackEnd
      Address  2001:db8::1
      Port     6444
      Disabled 1
    End
    Emergency
      Address 127.0.0.1
      Port    9999
      TimeOut 5
      ConnTO  1
    End
  End
End

Service
  HealthCheck "/readyz"
  BackEnd
    Address 10.0.0.2
    Port    80
    Disabled 0
  End
End
)";

class Everything : public testing::Test {
 protected:
  void SetUp() override {
    for (int status : {413, 414, 500, 501, 503})
      dir_.Write("pages/" + std::to_string(status) + ".html", "page " + std::to_string(status));
    dir_.Write("extra.cfg", "Grace 13\n");
  }
  TempDir dir_;
};

TEST_F(Everything, EveryDirectiveIsExercisedByTheFixture) {
  for (Context context : kContexts) {
    for (const Directive& directive : DirectivesOf(context)) {
      std::regex line("(^|\n) *" + std::string(directive.name) + "( |\n)");
      EXPECT_TRUE(std::regex_search(kEverything, line))
          << directive.name << " of " << ContextName(context) << " is not exercised";
      EXPECT_FALSE(directive.help.empty()) << directive.name;
    }
  }
}

TEST_F(Everything, GraceTwiceAcrossAnIncludeIsReported) {
  Diagnostics diagnostics;
  std::string main = dir_.Write("main.cfg", kEverything);
  EXPECT_FALSE(LoadConfig(main, diagnostics));
  EXPECT_EQ(FormatDiagnostics(diagnostics),
            dir_.path() + "/extra.cfg:1.1: Grace is already set at " + main + " line 12");
}

TEST_F(Everything, FillsEveryField) {
  dir_.Write("extra.cfg", "# nothing but a comment\n");
  std::string main = dir_.Write("main.cfg", kEverything);
  Diagnostics diagnostics;
  std::optional<Config> config = LoadConfig(main, diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_EQ(config->user, "proxy");
  EXPECT_EQ(config->group, "proxy");
  EXPECT_EQ(config->root_jail, "/var/empty");
  EXPECT_FALSE(config->daemon);
  EXPECT_FALSE(config->log_to_stderr);
  EXPECT_EQ(config->syslog_facility, LOG_LOCAL3);
  EXPECT_EQ(config->log_level, 3);
  EXPECT_EQ(config->alive, Seconds(7));
  EXPECT_EQ(config->client_timeout, Seconds(11));
  EXPECT_EQ(config->timeout, Seconds(40));
  EXPECT_EQ(config->connect_timeout, Seconds(4));
  EXPECT_EQ(config->grace, Seconds(12));
  EXPECT_EQ(config->control, "/run/kha/ctl.socket");
  EXPECT_EQ(config->files, (std::vector<std::string>{main, dir_.path() + "/extra.cfg"}));

  ASSERT_EQ(config->listeners.size(), 1u);
  const Listener& listener = config->listeners[0];
  EXPECT_EQ(listener.name, "api");
  EXPECT_EQ(listener.address.text, "::1");
  EXPECT_EQ(listener.address.family, IpAddress::Family::kIpv6);
  EXPECT_EQ(listener.port, 8443);
  EXPECT_EQ(listener.xhttp, 2);
  EXPECT_EQ(listener.client_timeout, Seconds(20));
  EXPECT_EQ(listener.max_request, 1048576);
  EXPECT_EQ(listener.log_level, 5);
  ASSERT_EQ(listener.head_remove.size(), 2u);
  EXPECT_EQ(listener.head_remove[0].source, "^X-Forwarded-For:");
  EXPECT_TRUE(std::regex_search("x-forwarded-for: 1.2.3.4", *listener.head_remove[0].regex));
  EXPECT_FALSE(std::regex_search("X-Real-IP: 1.2.3.4", *listener.head_remove[0].regex));
  EXPECT_EQ(listener.add_header, (std::vector<std::string>{"X-Proxy: kha", "X-Quoted: \"yes\""}));
  ASSERT_TRUE(listener.check_url);
  EXPECT_TRUE(std::regex_search("/api/v", *listener.check_url->regex));
  EXPECT_FALSE(std::regex_search("/api/v1", *listener.check_url->regex));
  EXPECT_EQ(listener.error_pages, (std::map<int, std::string>{{413, "page 413"},
                                                              {414, "page 414"},
                                                              {500, "page 500"},
                                                              {501, "page 501"},
                                                              {503, "page 503"}}));

  ASSERT_EQ(listener.services.size(), 1u);
  const Service& service = listener.services[0];
  EXPECT_EQ(service.name, "apiserver");
  ASSERT_EQ(service.urls.size(), 2u);
  EXPECT_EQ(service.urls[1].source, "\\.json$");
  EXPECT_TRUE(std::regex_search("/api/x.json", *service.urls[1].regex));
  EXPECT_FALSE(std::regex_search("/api/xjson", *service.urls[1].regex));
  EXPECT_FALSE(std::regex_search("/API/x.json", *service.urls[0].regex));
  ASSERT_EQ(service.head_require.size(), 1u);
  EXPECT_TRUE(std::regex_search("host: api.EXAMPLE.com", *service.head_require[0].regex));
  EXPECT_TRUE(SearchPattern(service.head_require[0], "host: api.EXAMPLE.com"));
  EXPECT_FALSE(SearchPattern(service.head_require[0], "Host: example.org"));
  ASSERT_EQ(service.head_deny.size(), 1u);
  EXPECT_TRUE(std::regex_search("User-Agent: bad bot", *service.head_deny[0].regex));
  ASSERT_TRUE(service.health_check);
  EXPECT_EQ(service.health_check->path, "/healthz");
  EXPECT_EQ(service.health_check->interval, Seconds(3));
  EXPECT_EQ(service.health_check->location.line, 38);

  ASSERT_EQ(service.backends.size(), 2u);
  EXPECT_EQ(service.backends[0].address.text, "10.0.0.1");
  EXPECT_EQ(service.backends[0].port, 6443);
  EXPECT_EQ(service.backends[0].priority, 9);
  EXPECT_EQ(service.backends[0].timeout, Seconds(100));
  EXPECT_EQ(service.backends[0].connect_timeout, Seconds(2));
  EXPECT_FALSE(service.backends[0].disabled);
  EXPECT_EQ(service.backends[1].address.text, "2001:db8::1");
  EXPECT_EQ(service.backends[1].address.family, IpAddress::Family::kIpv6);
  EXPECT_EQ(service.backends[1].priority, 5);
  EXPECT_EQ(service.backends[1].timeout, Seconds(40));         // the global TimeOut
  EXPECT_EQ(service.backends[1].connect_timeout, Seconds(4));  // the global ConnTO
  EXPECT_TRUE(service.backends[1].disabled);
  ASSERT_TRUE(service.emergency);
  EXPECT_EQ(service.emergency->address.text, "127.0.0.1");
  EXPECT_EQ(service.emergency->port, 9999);
  EXPECT_EQ(service.emergency->timeout, Seconds(5));
  EXPECT_EQ(service.emergency->connect_timeout, Seconds(1));

  ASSERT_EQ(config->services.size(), 1u);
  const Service& global = config->services[0];
  EXPECT_TRUE(global.name.empty());
  ASSERT_TRUE(global.health_check);
  EXPECT_EQ(global.health_check->interval, Seconds(7));  // Alive
  ASSERT_EQ(global.backends.size(), 1u);
  EXPECT_EQ(global.backends[0].address.text, "10.0.0.2");
  EXPECT_FALSE(global.backends[0].disabled);
}

TEST(Defaults, AreThoseOfPound) {
  Diagnostics diagnostics;
  std::optional<Config> config = ParseConfig(
      "ListenHTTP\nAddress 0.0.0.0\nPort 80\nEnd\n"
      "Service\nBackEnd\nAddress 127.0.0.1\nPort 8080\nEnd\nEnd\n",
      "d.cfg", diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_TRUE(config->user.empty());
  EXPECT_TRUE(config->group.empty());
  EXPECT_TRUE(config->root_jail.empty());
  EXPECT_TRUE(config->daemon);
  EXPECT_FALSE(config->log_to_stderr);
  EXPECT_EQ(config->syslog_facility, LOG_DAEMON);
  EXPECT_EQ(config->log_level, 1);
  EXPECT_EQ(config->alive, Seconds(30));
  EXPECT_EQ(config->client_timeout, Seconds(10));
  EXPECT_EQ(config->timeout, Seconds(15));
  EXPECT_EQ(config->connect_timeout, Seconds(15));
  EXPECT_EQ(config->grace, Seconds(30));
  EXPECT_TRUE(config->control.empty());
  const Listener& listener = config->listeners.at(0);
  EXPECT_EQ(listener.xhttp, 0);
  EXPECT_EQ(listener.client_timeout, Seconds(10));
  EXPECT_EQ(listener.max_request, 0);
  EXPECT_EQ(listener.log_level, 1);
  EXPECT_TRUE(listener.services.empty());
  EXPECT_TRUE(listener.error_pages.empty());
  const Backend& backend = config->services.at(0).backends.at(0);
  EXPECT_EQ(backend.priority, 5);
  EXPECT_EQ(backend.timeout, Seconds(15));
  EXPECT_EQ(backend.connect_timeout, Seconds(15));
}

TEST(Defaults, GlobalValuesApplyWhereverTheyAreWritten) {
  Diagnostics diagnostics;
  std::optional<Config> config = ParseConfig(
      "ListenHTTP\nAddress 0.0.0.0\nPort 80\nService\nBackEnd\nAddress 127.0.0.1\nPort 8080\n"
      "End\nEnd\nEnd\nTimeOut 60\nClient 5\nLogLevel 0\nLogFacility -\n",
      "d.cfg", diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_TRUE(config->log_to_stderr);
  const Listener& listener = config->listeners.at(0);
  EXPECT_EQ(listener.client_timeout, Seconds(5));
  EXPECT_EQ(listener.log_level, 0);
  const Backend& backend = listener.services.at(0).backends.at(0);
  EXPECT_EQ(backend.timeout, Seconds(60));
  EXPECT_EQ(backend.connect_timeout, Seconds(60));  // ConnTO defaults to TimeOut
}

TEST(Keywords, AreCaseInsensitiveAndKeepValuesAsWritten) {
  Diagnostics diagnostics;
  std::optional<Config> config = ParseConfig(
      "user \"Www-Data\"\nLOGFACILITY LOCAL0\nlistenhttp\n\tADDRESS 127.0.0.1\n\tpOrT 80\n"
      "\tservice\n\t\turl \"^/A\"\n\t\tbackend\n\t\t\taddress 127.0.0.1\n\t\t\tport 81\n"
      "\t\tEND\n\t\tEMERGENCY\n\t\t\tAddress 127.0.0.1\n\t\t\tPort 82\n\t\tend\n\tEnd\neNd\n",
      "c.cfg", diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_EQ(config->user, "Www-Data");
  EXPECT_EQ(config->syslog_facility, LOG_LOCAL0);
  const Service& service = config->listeners.at(0).services.at(0);
  EXPECT_EQ(service.urls.at(0).source, "^/A");
  EXPECT_EQ(service.backends.at(0).port, 81);
  EXPECT_EQ(service.emergency->port, 82);
}

TEST(Documentation, NamesEveryDirective) {
  std::string doc = ReadFile(std::string(KHA_SOURCE_DIR) + "/docs/pound-cfg.md");
  for (Context context : kContexts) {
    for (const Directive& directive : DirectivesOf(context)) {
      EXPECT_NE(doc.find("`" + std::string(directive.name)), std::string::npos)
          << directive.name << " of " << ContextName(context) << " is not documented";
    }
  }
  for (const UnsupportedDirective& unsupported : UnsupportedDirectives())
    EXPECT_NE(doc.find(std::string(unsupported.name)), std::string::npos) << unsupported.name;
}

}  // namespace
}  // namespace kha::proxy
