// config::Config → Plan: the only file of the data path that knows the
// configuration model, so the two can change apart.
#include "proxy/config/config.h"
#include "proxy/config/pattern.h"
#include "proxy/net/server.h"
#include "proxy/net/server_impl.h"

namespace kha::proxy::net {
namespace {

// POSIX regexec through the config's SearchPattern: std::regex recurses per
// character and can overflow the stack on hostile input.
Matcher ToMatcher(const Pattern& pattern) {
  return [pattern](std::string_view text) { return SearchPattern(pattern, text); };
}

std::vector<Matcher> ToMatchers(const std::vector<Pattern>& patterns) {
  std::vector<Matcher> out;
  out.reserve(patterns.size());
  for (const Pattern& p : patterns) out.push_back(ToMatcher(p));
  return out;
}

BackendPlan ToBackend(const proxy::Backend& b, bool emergency) {
  BackendPlan plan;
  plan.state = std::make_shared<balance::Backend>(b.address.text, static_cast<uint16_t>(b.port),
                                                  b.priority, emergency);
  plan.state->SetDisabled(b.disabled);
  plan.timeout = b.timeout;
  plan.connect_timeout = b.connect_timeout;
  return plan;
}

ServicePlan ToService(const Service& s) {
  ServicePlan plan;
  plan.name = s.name;
  plan.url = ToMatchers(s.urls);
  plan.head_require = ToMatchers(s.head_require);
  plan.head_deny = ToMatchers(s.head_deny);
  for (const proxy::Backend& b : s.backends) {
    plan.backends.push_back(ToBackend(b, false));
  }
  if (s.emergency) plan.emergency = ToBackend(*s.emergency, true);
  if (s.health_check) {
    plan.health_check = s.health_check->path;
    plan.health_interval = s.health_check->interval;
  }
  return plan;
}

std::string PageFor(const Listener& l, int status) {
  auto it = l.error_pages.find(status);
  return it == l.error_pages.end() ? std::string() : it->second;
}

}  // namespace

Plan MakePlan(const Config& config, const Plan* previous) {
  Plan plan;
  plan.alive = config.alive;
  plan.grace = config.grace;
  for (const Listener& l : config.listeners) {
    ListenerPlan lp;
    lp.address = l.address.text;
    lp.port = static_cast<uint16_t>(l.port);
    lp.xhttp = l.xhttp;
    lp.client_timeout = l.client_timeout;
    lp.max_request = l.max_request > 0 ? static_cast<uint64_t>(l.max_request) : 0;
    if (l.check_url) lp.check_url = ToMatcher(*l.check_url);
    lp.head_remove = ToMatchers(l.head_remove);
    lp.add_header = l.add_header;
    lp.err413 = PageFor(l, 413);
    lp.err414 = PageFor(l, 414);
    lp.err500 = PageFor(l, 500);
    lp.err501 = PageFor(l, 501);
    lp.err503 = PageFor(l, 503);
    for (const Service& s : l.services) lp.services.push_back(ToService(s));
    plan.listeners.push_back(std::move(lp));
  }
  for (const Service& s : config.services) {
    plan.global_services.push_back(ToService(s));
  }
  if (previous != nullptr) AdoptBackendState(plan, *previous);
  return plan;
}

Server::Server(const Config& config) : Server(MakePlan(config)) {}

std::optional<std::string> Server::Reload(const Config& config) { return Reload(MakePlan(config)); }

}  // namespace kha::proxy::net
