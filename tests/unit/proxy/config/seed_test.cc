// The seed runbook's pound.cfg must load unchanged (with real addresses in
// place of its x.x.x.x placeholders) into the model the runtime uses.
#include <gtest/gtest.h>

#include "common/file_util.h"
#include "proxy/config/parse.h"

namespace kha::proxy {
namespace {

std::string Fixture(const std::string& name) {
  return ReadFile(std::string(KHA_SOURCE_DIR) + "/tests/fixtures/pound/" + name);
}

TEST(SeedConfig, LoadsIntoTheExpectedModel) {
  Diagnostics diagnostics;
  std::optional<Config> config = ParseConfig(Fixture("seed-ips.cfg"), "seed-ips.cfg", diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_TRUE(diagnostics.list().empty());
  EXPECT_EQ(config->user, "www-data");
  EXPECT_EQ(config->group, "www-data");
  EXPECT_EQ(config->log_level, 1);
  EXPECT_EQ(config->alive, Seconds(1));
  EXPECT_EQ(config->control, "/var/run/pound/poundctl.socket");
  EXPECT_TRUE(config->daemon);
  EXPECT_TRUE(config->services.empty());
  EXPECT_EQ(config->files, std::vector<std::string>{"seed-ips.cfg"});

  ASSERT_EQ(config->listeners.size(), 1u);
  const Listener& listener = config->listeners[0];
  EXPECT_EQ(listener.protocol, ListenerProtocol::kHttp);
  EXPECT_EQ(listener.address.text, "0.0.0.0");
  EXPECT_EQ(listener.address.family, IpAddress::Family::kIpv4);
  EXPECT_EQ(listener.port, 8080);
  EXPECT_EQ(listener.xhttp, 1);
  EXPECT_EQ(listener.client_timeout, Seconds(10));
  EXPECT_EQ(listener.log_level, 1);
  EXPECT_EQ(listener.location.line, 10);
  EXPECT_EQ(listener.location.column, 1);

  ASSERT_EQ(listener.services.size(), 1u);
  const Service& service = listener.services[0];
  EXPECT_TRUE(service.urls.empty());
  EXPECT_FALSE(service.emergency);
  EXPECT_FALSE(service.health_check);
  ASSERT_EQ(service.backends.size(), 3u);
  const char* addresses[] = {"10.211.55.14", "10.211.55.15", "10.211.55.16"};
  for (size_t i = 0; i < 3; ++i) {
    const Backend& backend = service.backends[i];
    EXPECT_EQ(backend.address.text, addresses[i]);
    EXPECT_EQ(backend.port, 8081);
    EXPECT_EQ(backend.priority, 5);
    EXPECT_EQ(backend.timeout, Seconds(15));
    EXPECT_EQ(backend.connect_timeout, Seconds(15));
    EXPECT_FALSE(backend.disabled);
    EXPECT_EQ(backend.location.line, 15 + 4 * static_cast<int>(i));
    EXPECT_EQ(backend.location.column, 9);
  }
}

TEST(SeedConfig, PlaceholdersAreRejectedAsNotNumericAddresses) {
  Diagnostics diagnostics;
  EXPECT_FALSE(ParseConfig(Fixture("seed.cfg"), "seed.cfg", diagnostics));
  const std::string hint = "\n    write the IP address, e.g. 10.211.55.14 or ::1";
  EXPECT_EQ(FormatDiagnostics(diagnostics),
            "seed.cfg:16.21: \"x.x.x.x\" is not a numeric address (kha-proxy does not resolve "
            "host names)" +
                hint +
                "\n"
                "seed.cfg:20.21: \"y.y.y.y\" is not a numeric address (kha-proxy does not resolve "
                "host names)" +
                hint +
                "\n"
                "seed.cfg:24.21: \"z.z.z.z\" is not a numeric address (kha-proxy does not resolve "
                "host names)" +
                hint);
}

TEST(SeedConfig, LoadConfigReadsTheFileItself) {
  Diagnostics diagnostics;
  std::string path = std::string(KHA_SOURCE_DIR) + "/tests/fixtures/pound/seed-ips.cfg";
  std::optional<Config> config = LoadConfig(path, diagnostics);
  ASSERT_TRUE(config) << FormatDiagnostics(diagnostics);
  EXPECT_EQ(config->files, std::vector<std::string>{path});
  EXPECT_EQ(config->listeners[0].services[0].backends[0].location.file, path);
}

TEST(SeedConfig, LoadConfigReportsAMissingFile) {
  Diagnostics diagnostics;
  EXPECT_FALSE(LoadConfig("/nonexistent/pound.cfg", diagnostics));
  EXPECT_EQ(FormatDiagnostics(diagnostics),
            "/nonexistent/pound.cfg: cannot read the configuration file: No such file or "
            "directory");
}

}  // namespace
}  // namespace kha::proxy
