#include "proxy/control/render.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace kha::proxy::control {
namespace {

using balance::BackendView;
using balance::ListenerView;
using balance::RuntimeView;
using balance::ServiceView;

constexpr size_t kColumns = 9;
// Numbers read best right-aligned, words left-aligned.
constexpr std::array<bool, kColumns> kRightAligned = {false, false, false, false, false,
                                                      true,  true,  true,  false};
using Row = std::array<std::string, kColumns>;

std::string HostPort(const std::string& address, uint16_t port) {
  bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// Table cells stay on one line whatever a backend's error text holds.
std::string OneLine(const std::string& text) {
  std::string out = text;
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return out;
}

Row BackendRow(const std::string& id, const std::string& listener, const ServiceView& service,
               const BackendView& backend) {
  return Row{id,
             listener,
             OrDash(service.name),
             HostPort(backend.address, backend.port),
             std::string(balance::ToString(backend.status)),
             std::to_string(backend.priority),
             std::to_string(backend.active_connections),
             std::to_string(backend.requests_served),
             OrDash(OneLine(backend.last_error))};
}

void AddServiceRows(const std::string& listener_id, const std::string& listener,
                    const ServiceView& service, std::vector<Row>& rows) {
  std::string prefix = listener_id + "/" + std::to_string(service.index) + "/";
  for (const BackendView& backend : service.backends) {
    rows.push_back(BackendRow(prefix + std::to_string(backend.index), listener, service, backend));
  }
  if (service.emergency)
    rows.push_back(BackendRow(prefix + "e", listener, service, *service.emergency));
}

void AppendBackendJson(const BackendView& backend, std::string& out) {
  out += "{\"index\":" + std::to_string(backend.index);
  out += ",\"address\":" + JsonString(backend.address);
  out += ",\"port\":" + std::to_string(backend.port);
  out += ",\"priority\":" + std::to_string(backend.priority);
  out += ",\"status\":" + JsonString(balance::ToString(backend.status));
  out += ",\"active_connections\":" + std::to_string(backend.active_connections);
  out += ",\"requests_served\":" + std::to_string(backend.requests_served);
  out += ",\"last_error\":";
  out += backend.last_error.empty() ? "null" : JsonString(backend.last_error);
  out += "}";
}

void AppendServicesJson(const std::vector<ServiceView>& services, std::string& out) {
  out += "[";
  for (size_t i = 0; i < services.size(); ++i) {
    const ServiceView& service = services[i];
    if (i > 0) out += ",";
    out += "{\"index\":" + std::to_string(service.index);
    out += ",\"name\":" + JsonString(service.name);
    out += ",\"backends\":[";
    for (size_t b = 0; b < service.backends.size(); ++b) {
      if (b > 0) out += ",";
      AppendBackendJson(service.backends[b], out);
    }
    out += "],\"emergency\":";
    if (service.emergency) {
      AppendBackendJson(*service.emergency, out);
    } else {
      out += "null";
    }
    out += "}";
  }
  out += "]";
}

}  // namespace

std::string RenderTable(const RuntimeView& view) {
  std::vector<Row> rows{Row{"ID", "LISTENER", "SERVICE", "BACKEND", "STATE", "PRIORITY", "ACTIVE",
                            "REQUESTS", "LAST ERROR"}};
  for (const ListenerView& listener : view.listeners) {
    std::string name = listener.protocol + " " + HostPort(listener.address, listener.port);
    for (const ServiceView& service : listener.services) {
      AddServiceRows(std::to_string(listener.index), name, service, rows);
    }
  }
  for (const ServiceView& service : view.global_services) {
    AddServiceRows("-1", "global", service, rows);
  }

  std::array<size_t, kColumns> widths{};
  for (const Row& row : rows) {
    for (size_t c = 0; c < kColumns; ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const Row& row : rows) {
    std::string line;
    for (size_t c = 0; c < kColumns; ++c) {
      if (c > 0) line += "  ";
      std::string padding(widths[c] - row[c].size(), ' ');
      if (c == kColumns - 1) padding.clear();  // no trailing blanks after the last column
      line += kRightAligned[c] ? padding + row[c] : row[c] + padding;
    }
    out += line + "\n";
  }
  return out;
}

std::string RenderJson(const RuntimeView& view) {
  std::string out = "{\"listeners\":[";
  for (size_t i = 0; i < view.listeners.size(); ++i) {
    const ListenerView& listener = view.listeners[i];
    if (i > 0) out += ",";
    out += "{\"index\":" + std::to_string(listener.index);
    out += ",\"protocol\":" + JsonString(listener.protocol);
    out += ",\"address\":" + JsonString(listener.address);
    out += ",\"port\":" + std::to_string(listener.port);
    out += ",\"services\":";
    AppendServicesJson(listener.services, out);
    out += "}";
  }
  out += "],\"global_services\":";
  AppendServicesJson(view.global_services, out);
  out += "}\n";
  return out;
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04x", c);
          out += escape;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace kha::proxy::control
