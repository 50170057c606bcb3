#include "proxy/config/validate.h"

#include <map>
#include <utility>

#include "proxy/config/directives.h"

namespace kha::proxy {
namespace {

void ResolveBackend(const Config& config, Backend& backend) {
  if (backend.timeout == kInheritSeconds) backend.timeout = config.timeout;
  if (backend.connect_timeout == kInheritSeconds) backend.connect_timeout = config.connect_timeout;
}

void ResolveServices(const Config& config, std::vector<Service>& services) {
  for (Service& service : services) {
    for (Backend& backend : service.backends) ResolveBackend(config, backend);
    if (service.emergency) ResolveBackend(config, *service.emergency);
    if (service.health_check && service.health_check->interval == kInheritSeconds)
      service.health_check->interval = config.alive;
  }
}

void Report(Diagnostics& diagnostics, const SourceLocation& at, std::string message) {
  diagnostics.Error(at.file, at.line, at.column, std::move(message));
}

std::string Place(const SourceLocation& here, const SourceLocation& there) {
  std::string line = "line " + std::to_string(there.line);
  return here.file == there.file ? line : there.file + " " + line;
}

void ValidateBackend(const Backend& backend, std::string_view kind, Diagnostics& diagnostics) {
  if (backend.address.text.empty())
    Report(diagnostics, backend.location, std::string(kind) + " has no Address");
  if (backend.port == 0) Report(diagnostics, backend.location, std::string(kind) + " has no Port");
}

void ValidateServices(const std::vector<Service>& services, Diagnostics& diagnostics) {
  for (const Service& service : services) {
    if (service.backends.empty() && !service.emergency)
      Report(diagnostics, service.location, "Service has no BackEnd and no Emergency");
    for (const Backend& backend : service.backends)
      ValidateBackend(backend, "BackEnd", diagnostics);
    if (service.emergency) ValidateBackend(*service.emergency, "Emergency", diagnostics);
  }
}

std::string Endpoint(const Listener& listener) {
  const std::string& host = listener.address.text;
  std::string port = std::to_string(listener.port);
  return listener.address.family == IpAddress::Family::kIpv6 ? "[" + host + "]:" + port
                                                             : host + ":" + port;
}

}  // namespace

void ResolveInheritedValues(Config& config) {
  if (config.connect_timeout == kInheritSeconds) config.connect_timeout = config.timeout;
  for (Listener& listener : config.listeners) {
    if (listener.client_timeout == kInheritSeconds) listener.client_timeout = config.client_timeout;
    if (listener.log_level == kInheritLevel) listener.log_level = config.log_level;
    ResolveServices(config, listener.services);
  }
  ResolveServices(config, config.services);
}

void ValidateConfig(const Config& config, const std::string& main_file, Diagnostics& diagnostics) {
  if (config.listeners.empty())
    diagnostics.Error(main_file, 0, 0, "no ListenHTTP: kha-proxy would have nothing to listen on");
  std::map<std::pair<std::string, int>, const Listener*> endpoints;
  for (const Listener& listener : config.listeners) {
    if (listener.address.text.empty())
      Report(diagnostics, listener.location, "ListenHTTP has no Address");
    if (listener.port == 0) Report(diagnostics, listener.location, "ListenHTTP has no Port");
    if (listener.services.empty() && config.services.empty())
      Report(diagnostics, listener.location,
             "ListenHTTP has no Service (and there is no global Service)");
    if (!listener.address.text.empty() && listener.port != 0) {
      auto [it, inserted] =
          endpoints.emplace(std::make_pair(listener.address.text, listener.port), &listener);
      if (!inserted) {
        Report(diagnostics, listener.location,
               "ListenHTTP " + Endpoint(listener) + " is already defined at " +
                   Place(listener.location, it->second->location));
      }
    }
    ValidateServices(listener.services, diagnostics);
  }
  ValidateServices(config.services, diagnostics);
}

}  // namespace kha::proxy
