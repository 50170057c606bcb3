// The data path's own view of a configuration: what a listener does with a
// request, with shared backend state. Built from config::Config by
// MakePlan (plan_from_config.cc) or directly by tests. Immutable once built;
// a reload builds a new Plan and keeps Backend objects whose address,
// port and priority did not change, so their state and counters survive.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/balance/backend.h"

namespace kha::proxy::net {

using Seconds = std::chrono::seconds;
// A compiled pattern (the config's regexes); true when it matches.
using Matcher = std::function<bool(std::string_view)>;

struct BackendPlan {
  std::shared_ptr<balance::Backend> state;
  Seconds timeout{15};          // TimeOut: idle time waiting on the backend
  Seconds connect_timeout{15};  // ConnTO
};

struct ServicePlan {
  std::string name;
  std::vector<Matcher> url;           // all must match the request target
  std::vector<Matcher> head_require;  // each must match some header line
  std::vector<Matcher> head_deny;     // none may match any header line
  std::vector<BackendPlan> backends;
  std::optional<BackendPlan> emergency;
  std::string health_check;    // HealthCheck path; empty: TCP probes only
  Seconds health_interval{0};  // 0: every Alive seconds
};

struct ListenerPlan {
  std::string address;  // numeric
  uint16_t port = 0;
  int xhttp = 0;
  Seconds client_timeout{10};  // Client: idle time waiting on the client
  uint64_t max_request = 0;    // MaxRequest body limit, 0 = none
  Matcher check_url;           // CheckURL: targets not matching get 501; empty: none
  std::vector<Matcher> head_remove;
  std::vector<std::string> add_header;  // whole "Name: value" lines
  // Err413/414/500/501/503 bodies; empty: the built-in page.
  std::string err413, err414, err500, err501, err503;
  std::vector<ServicePlan> services;
};

struct Plan {
  std::vector<ListenerPlan> listeners;
  std::vector<ServicePlan> global_services;  // tried after a listener's own
  Seconds alive{30};
  Seconds grace{30};
};

}  // namespace kha::proxy::net
