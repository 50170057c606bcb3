// A RuntimeControl over a fixed view, standing in for net::Server.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "proxy/balance/runtime.h"

namespace kha::proxy::control {

inline balance::BackendView Backend(int index, std::string address, uint16_t port, int priority,
                                    balance::BackendStatus status, uint64_t active,
                                    uint64_t requests, std::string last_error = {}) {
  balance::BackendView view;
  view.index = index;
  view.address = std::move(address);
  view.port = port;
  view.priority = priority;
  view.status = status;
  view.active_connections = active;
  view.requests_served = requests;
  view.last_error = std::move(last_error);
  return view;
}

// The seed's shape: one listener with the apiservers, plus one global service.
inline balance::RuntimeView SampleView() {
  using balance::BackendStatus;
  balance::RuntimeView view;
  balance::ListenerView listener;
  listener.index = 0;
  listener.protocol = "http";
  listener.address = "0.0.0.0";
  listener.port = 8080;
  balance::ServiceView api;
  api.index = 0;
  api.name = "apiservers";
  api.backends.push_back(Backend(0, "10.211.55.14", 8081, 5, BackendStatus::kAlive, 3, 1520));
  api.backends.push_back(Backend(1, "10.211.55.15", 8081, 5, BackendStatus::kDead, 0, 1433,
                                 "connect: Connection refused"));
  api.emergency = Backend(0, "127.0.0.1", 9000, 1, BackendStatus::kAlive, 0, 0);
  listener.services.push_back(api);
  view.listeners.push_back(listener);
  balance::ServiceView global;
  global.index = 0;
  global.backends.push_back(Backend(0, "::1", 80, 1, BackendStatus::kDisabled, 0, 7));
  view.global_services.push_back(global);
  return view;
}

class FakeRuntime : public balance::RuntimeControl {
 public:
  balance::RuntimeView Snapshot() const override {
    std::lock_guard lock(mutex_);
    return view_;
  }

  std::optional<std::string> SetBackendEnabled(int listener, int service, int backend,
                                               bool enabled) override {
    std::lock_guard lock(mutex_);
    balance::BackendView* found = Find(listener, service, backend);
    if (found == nullptr) {
      return "no such backend " + std::to_string(listener) + "/" + std::to_string(service) + "/" +
             std::to_string(backend);
    }
    found->status = enabled ? balance::BackendStatus::kAlive : balance::BackendStatus::kDisabled;
    return std::nullopt;
  }

 private:
  balance::BackendView* Find(int listener, int service, int backend) {
    std::vector<balance::ServiceView>* services = nullptr;
    if (listener == -1) {
      services = &view_.global_services;
    } else if (listener >= 0 && listener < static_cast<int>(view_.listeners.size())) {
      services = &view_.listeners[static_cast<size_t>(listener)].services;
    } else {
      return nullptr;
    }
    if (service < 0 || service >= static_cast<int>(services->size())) return nullptr;
    auto& backends = (*services)[static_cast<size_t>(service)].backends;
    if (backend < 0 || backend >= static_cast<int>(backends.size())) return nullptr;
    return &backends[static_cast<size_t>(backend)];
  }

  mutable std::mutex mutex_;
  balance::RuntimeView view_ = SampleView();
};

}  // namespace kha::proxy::control
