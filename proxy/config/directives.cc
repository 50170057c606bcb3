#include "proxy/config/directives.h"

namespace kha::proxy {
namespace {

// Longest timeout accepted: its milliseconds still fit a 32-bit int.
constexpr int64_t kMaxSeconds = 2147483;
constexpr int64_t kMaxRequestBytes = int64_t{1} << 50;

using Values = std::vector<Value>;
using Where = const SourceLocation&;

Service& NewService(std::vector<Service>& services, Values& v, Where at) {
  Service& service = services.emplace_back();
  if (!v.empty()) service.name = v[0].text;
  service.location = at;
  return service;
}

void NewBackend(Backend& backend, Where at) {
  backend.timeout = kInheritSeconds;
  backend.connect_timeout = kInheritSeconds;
  backend.location = at;
}

const Directive kGlobal[] = {
    {"User", ArgKind::kString, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->user = v[0].text; },
     "user to run as after binding the listeners (read from /etc/passwd)"},
    {"Group", ArgKind::kString, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->group = v[0].text; },
     "group to run as after binding the listeners (read from /etc/group)"},
    {"RootJail", ArgKind::kAbsolutePath, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->root_jail = v[0].text; },
     "folder to chroot into after start-up"},
    {"Daemon", ArgKind::kInteger, 0, 1, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->daemon = v[0].integer != 0; },
     "1 (default): detach into the background; 0: stay in the foreground"},
    {"LogFacility", ArgKind::kFacility, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) {
       s.config->log_to_stderr = v[0].integer < 0;
       if (v[0].integer >= 0) s.config->syslog_facility = static_cast<int>(v[0].integer);
     },
     "syslog facility (default daemon), or - for standard error"},
    {"LogLevel", ArgKind::kInteger, 0, 5, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->log_level = static_cast<int>(v[0].integer); },
     "0 none, 1 basic (default), 2 with backend, 3 Apache-like with virtual host, "
     "4 Apache combined, 5 with service, backend and time"},
    {"Alive", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->alive = Seconds(v[0].integer); },
     "seconds between probes of dead backends (default 30)"},
    {"Client", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->client_timeout = Seconds(v[0].integer); },
     "seconds a client may stay silent (default 10)"},
    {"TimeOut", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->timeout = Seconds(v[0].integer); },
     "seconds a backend may stay silent (default 15)"},
    {"ConnTO", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->connect_timeout = Seconds(v[0].integer); },
     "seconds to wait for a backend connection (default: TimeOut)"},
    {"Grace", ArgKind::kDuration, 0, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->grace = Seconds(v[0].integer); },
     "seconds in-flight requests may finish after a stop signal (default 30)"},
    {"Control", ArgKind::kAbsolutePath, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.config->control = v[0].text; },
     "path of the control socket kha-proxyctl talks to"},
    {"ListenHTTP", ArgKind::kName, 0, 0, ArgKind::kNone, true, Context::kListenHttp,
     [](Scope& s, Values& v, Where at) {
       Listener& listener = s.config->listeners.emplace_back();
       if (!v.empty()) listener.name = v[0].text;
       listener.client_timeout = kInheritSeconds;
       listener.log_level = kInheritLevel;
       listener.location = at;
       s.listener = &listener;
     },
     "an HTTP listener, up to its End"},
    {"Service", ArgKind::kName, 0, 0, ArgKind::kNone, true, Context::kService,
     [](Scope& s, Values& v, Where at) { s.service = &NewService(s.config->services, v, at); },
     "a global service, tried after the listener's own services"},
};

const Directive kListenHttp[] = {
    {"Address", ArgKind::kAddress, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->address = v[0].address; },
     "numeric IP address to listen on (0.0.0.0 or :: for every interface)"},
    {"Port", ArgKind::kPort, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->port = static_cast<int>(v[0].integer); },
     "TCP port to listen on"},
    {"xHTTP", ArgKind::kInteger, 0, 4, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->xhttp = static_cast<int>(v[0].integer); },
     "accepted methods: 0 GET POST HEAD, 1 + PUT PATCH DELETE, 2 + WebDAV, "
     "3 + Microsoft WebDAV, 4 + Microsoft RPC"},
    {"Client", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->client_timeout = Seconds(v[0].integer); },
     "seconds a client may stay silent (default: the global Client)"},
    {"MaxRequest", ArgKind::kInteger, 0, kMaxRequestBytes, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->max_request = v[0].integer; },
     "largest request body in bytes (0: no limit); larger ones get 413"},
    {"LogLevel", ArgKind::kInteger, 0, 5, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->log_level = static_cast<int>(v[0].integer); },
     "log level of this listener (default: the global LogLevel)"},
    {"HeadRemove", ArgKind::kHeaderRegex, 0, 0, ArgKind::kNone, true, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->head_remove.push_back(v[0].pattern); },
     "drop request header lines matching this pattern"},
    {"AddHeader", ArgKind::kHeaderLine, 0, 0, ArgKind::kNone, true, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->add_header.push_back(v[0].text); },
     "add this complete header line to every request"},
    {"CheckURL", ArgKind::kUrlRegex, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->check_url = v[0].pattern; },
     "reject (501) request targets that do not match this pattern"},
    {"Err413", ArgKind::kFile, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->error_pages[413] = v[0].text; },
     "file whose content is the body of 413 answers"},
    {"Err414", ArgKind::kFile, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->error_pages[414] = v[0].text; },
     "file whose content is the body of 414 answers"},
    {"Err500", ArgKind::kFile, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->error_pages[500] = v[0].text; },
     "file whose content is the body of 500 answers"},
    {"Err501", ArgKind::kFile, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->error_pages[501] = v[0].text; },
     "file whose content is the body of 501 answers"},
    {"Err503", ArgKind::kFile, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.listener->error_pages[503] = v[0].text; },
     "file whose content is the body of 503 answers"},
    {"Service", ArgKind::kName, 0, 0, ArgKind::kNone, true, Context::kService,
     [](Scope& s, Values& v, Where at) { s.service = &NewService(s.listener->services, v, at); },
     "a service of this listener, up to its End"},
};

const Directive kService[] = {
    {"URL", ArgKind::kUrlRegex, 0, 0, ArgKind::kNone, true, Context::kNone,
     [](Scope& s, Values& v, Where) { s.service->urls.push_back(v[0].pattern); },
     "serve only request targets matching this pattern (all URL lines must match)"},
    {"HeadRequire", ArgKind::kHeaderRegex, 0, 0, ArgKind::kNone, true, Context::kNone,
     [](Scope& s, Values& v, Where) { s.service->head_require.push_back(v[0].pattern); },
     "serve only requests with a header line matching this pattern"},
    {"HeadDeny", ArgKind::kHeaderRegex, 0, 0, ArgKind::kNone, true, Context::kNone,
     [](Scope& s, Values& v, Where) { s.service->head_deny.push_back(v[0].pattern); },
     "do not serve requests with a header line matching this pattern"},
    {"HealthCheck", ArgKind::kUrlPath, 1, kMaxSeconds, ArgKind::kDuration, false, Context::kNone,
     [](Scope& s, Values& v, Where at) {
       s.service->health_check =
           HealthCheck{v[0].text, v.size() > 1 ? Seconds(v[1].integer) : kInheritSeconds, at};
     },
     "kha extension: GET this path on every backend every N seconds (default: Alive); "
     "a backend answering other than 2xx is dead"},
    {"BackEnd", ArgKind::kNone, 0, 0, ArgKind::kNone, true, Context::kBackend,
     [](Scope& s, Values&, Where at) {
       s.backend = &s.service->backends.emplace_back();
       NewBackend(*s.backend, at);
     },
     "a backend server, up to its End"},
    {"Emergency", ArgKind::kNone, 0, 0, ArgKind::kNone, false, Context::kEmergency,
     [](Scope& s, Values&, Where at) {
       s.backend = &s.service->emergency.emplace();
       NewBackend(*s.backend, at);
     },
     "the server used while every backend is dead, up to its End"},
};

const Directive kBackend[] = {
    {"Address", ArgKind::kAddress, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->address = v[0].address; },
     "numeric IP address of the server"},
    {"Port", ArgKind::kPort, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->port = static_cast<int>(v[0].integer); },
     "TCP port of the server"},
    {"Priority", ArgKind::kInteger, 1, 9, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->priority = static_cast<int>(v[0].integer); },
     "relative weight among live backends (default 5)"},
    {"TimeOut", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->timeout = Seconds(v[0].integer); },
     "seconds this server may stay silent (default: the global TimeOut)"},
    {"ConnTO", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->connect_timeout = Seconds(v[0].integer); },
     "seconds to wait for a connection (default: the global ConnTO)"},
    {"Disabled", ArgKind::kInteger, 0, 1, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->disabled = v[0].integer != 0; },
     "1: start disabled (kha-proxyctl can enable it)"},
};

const Directive kEmergency[] = {
    {"Address", ArgKind::kAddress, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->address = v[0].address; },
     "numeric IP address of the emergency server"},
    {"Port", ArgKind::kPort, 0, 0, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->port = static_cast<int>(v[0].integer); },
     "TCP port of the emergency server"},
    {"TimeOut", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->timeout = Seconds(v[0].integer); },
     "seconds this server may stay silent (default: the global TimeOut)"},
    {"ConnTO", ArgKind::kDuration, 1, kMaxSeconds, ArgKind::kNone, false, Context::kNone,
     [](Scope& s, Values& v, Where) { s.backend->connect_timeout = Seconds(v[0].integer); },
     "seconds to wait for a connection (default: the global ConnTO)"},
};

constexpr std::string_view kTls = "is not supported yet: TLS arrives in a later kha-proxy release";
constexpr std::string_view kSessions =
    "is not supported yet: sessions arrive in a later kha-proxy release";
constexpr std::string_view kNotPlanned = "is not supported by kha-proxy";

const UnsupportedDirective kUnsupported[] = {
    {"ListenHTTPS", true, kTls},
    {"Cert", false, kTls},
    {"Ciphers", false, kTls},
    {"ClientCert", false, kTls},
    {"CAlist", false, kTls},
    {"VerifyList", false, kTls},
    {"CRLlist", false, kTls},
    {"NoHTTPS11", false, kTls},
    {"HTTPS", false, kTls},
    {"SSLEngine", false, kTls},
    {"SSLAllowClientRenegotiation", false, kTls},
    {"SSLHonorCipherOrder", false, kTls},
    {"Disable", false, kTls},
    {"DHParams", false, kTls},
    {"ECDHCurve", false, kTls},
    {"Session", true, kSessions},
    {"Redirect", false, kNotPlanned},
    {"DynScale", false, kNotPlanned},
    {"IgnoreCase", false, kNotPlanned},
    {"RewriteLocation", false, kNotPlanned},
    {"RewriteDestination", false, kNotPlanned},
    {"HAport", false, kNotPlanned},
    {"Anonymise", false, kNotPlanned},
};

}  // namespace

std::string_view ContextName(Context context) {
  switch (context) {
    case Context::kGlobal:
      return "the global section";
    case Context::kListenHttp:
      return "ListenHTTP";
    case Context::kService:
      return "Service";
    case Context::kBackend:
      return "BackEnd";
    case Context::kEmergency:
      return "Emergency";
    case Context::kNone:
      break;
  }
  return "nowhere";
}

std::span<const Directive> DirectivesOf(Context context) {
  switch (context) {
    case Context::kGlobal:
      return kGlobal;
    case Context::kListenHttp:
      return kListenHttp;
    case Context::kService:
      return kService;
    case Context::kBackend:
      return kBackend;
    case Context::kEmergency:
      return kEmergency;
    case Context::kNone:
      break;
  }
  return {};
}

std::span<const UnsupportedDirective> UnsupportedDirectives() { return kUnsupported; }

}  // namespace kha::proxy
