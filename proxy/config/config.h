// The configuration kha-proxy runs with: plain structs filled from a
// pound.cfg by ParseConfig/LoadConfig (proxy/config/parse.h). Every default
// is Pound's documented default; every value has been checked at load time,
// so the runtime never re-validates (addresses are numeric, regexes compiled,
// timeouts inherited from the global ones).
#pragma once

#include <syslog.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace kha::proxy {

using Seconds = std::chrono::seconds;

// Where a block or directive was written, for runtime log messages.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// A POSIX extended regular expression compiled once at load. Header patterns
// are case-insensitive (field names are, RFC 9110 5.1); URL patterns are not.
// Match with SearchPattern (proxy/config/pattern.h), which uses `posix`:
// std::regex_search on `regex` recurses once per character in libstdc++ and
// overflows the stack on a few KiB of hostile text.
class PosixRegex;
struct Pattern {
  std::string source;                       // as written in the file
  std::shared_ptr<const std::regex> regex;  // never null in a loaded Config
  std::shared_ptr<const PosixRegex> posix;  // never null in a loaded Config
};

// A numeric address: kha-proxy never resolves host names (static binary, no NSS).
struct IpAddress {
  enum class Family { kIpv4, kIpv6 };
  Family family = Family::kIpv4;
  std::string text;  // canonical numeric form, e.g. "10.211.55.14" or "::1"
};

struct Backend {
  IpAddress address;
  int port = 0;
  int priority = 5;       // 1-9: relative weight when choosing among live backends
  bool disabled = false;  // `Disabled 1`: configured but not used until enabled
  // Idle timeout waiting for the backend (no byte for this long), never a
  // limit on the whole response. Inherited from the global TimeOut.
  Seconds timeout{15};
  // Connect timeout; inherited from the global ConnTO, which defaults to TimeOut.
  Seconds connect_timeout{15};
  SourceLocation location;
};

// kha extension: `HealthCheck "/path" [interval]` in a Service. A backend
// answering anything but 2xx to `GET path` is marked dead.
struct HealthCheck {
  std::string path;     // starts with '/'
  Seconds interval{0};  // resolved at load: the global Alive when not given
  SourceLocation location;
};

struct Service {
  std::string name;                   // optional `Service "name"`
  std::vector<Pattern> urls;          // URL: every one must match the request target
  std::vector<Pattern> head_require;  // HeadRequire: each must match some header line
  std::vector<Pattern> head_deny;     // HeadDeny: none may match any header line
  std::vector<Backend> backends;
  std::optional<Backend> emergency;  // served only while every backend is dead
  std::optional<HealthCheck> health_check;
  SourceLocation location;
};

// Only kHttp is accepted today; TLS (ListenHTTPS) and L4 arrive later and
// will add their own fields here.
enum class ListenerProtocol { kHttp, kHttps };

struct Listener {
  ListenerProtocol protocol = ListenerProtocol::kHttp;
  std::string name;  // optional `ListenHTTP "name"`
  IpAddress address;
  int port = 0;
  // Accepted methods: 0 GET/POST/HEAD, 1 + PUT/PATCH/DELETE, 2 + WebDAV,
  // 3 + Microsoft WebDAV extensions, 4 + Microsoft RPC.
  int xhttp = 0;
  Seconds client_timeout{10};           // Client: idle timeout on the client side; inherited
  int64_t max_request = 0;              // MaxRequest: largest request body in bytes; 0 = no limit
  int log_level = 1;                    // inherited from the global LogLevel unless set
  std::vector<Pattern> head_remove;     // request header lines matching any are dropped
  std::vector<std::string> add_header;  // complete "Name: value" lines added to requests
  std::optional<Pattern> check_url;     // request targets not matching get 501
  std::map<int, std::string> error_pages;  // status (413 414 500 501 503) → page body
  std::vector<Service> services;           // tried in order, before the global ones
  SourceLocation location;
};

struct Config {
  std::string user;                  // empty: keep the user we started as
  std::string group;                 // empty: keep the group
  std::string root_jail;             // empty: no chroot
  bool daemon = true;                // Daemon 0 keeps the proxy in the foreground
  bool log_to_stderr = false;        // LogFacility -
  int syslog_facility = LOG_DAEMON;  // LogFacility NAME, as a <syslog.h> value
  int log_level = 1;                 // 0 none … 5 extended with service/backend and time
  Seconds alive{30};                 // Alive: how often dead backends are probed
  Seconds client_timeout{10};        // Client
  Seconds timeout{15};               // TimeOut
  Seconds connect_timeout{15};       // ConnTO; defaults to TimeOut
  Seconds grace{30};                 // Grace: how long in-flight requests may finish on stop
  std::string control;               // Control socket path (absolute); empty: none
  std::vector<Listener> listeners;
  std::vector<Service> services;   // global services, tried after a listener's own
  std::vector<std::string> files;  // every file read (the main one first, then includes)
};

}  // namespace kha::proxy
