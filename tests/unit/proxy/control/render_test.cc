#include "proxy/control/render.h"

#include <gtest/gtest.h>

#include "tests/unit/proxy/control/fake_runtime.h"

namespace kha::proxy::control {
namespace {

TEST(RenderTableTest, OneAlignedRowPerBackend) {
  EXPECT_EQ(RenderTable(SampleView()),
            "ID      LISTENER           SERVICE     BACKEND            STATE     PRIORITY  ACTIVE  "
            "REQUESTS  LAST ERROR\n"
            "0/0/0   http 0.0.0.0:8080  apiservers  10.211.55.14:8081  alive            5       3  "
            "    1520  -\n"
            "0/0/1   http 0.0.0.0:8080  apiservers  10.211.55.15:8081  dead             5       0  "
            "    1433  connect: Connection refused\n"
            "0/0/e   http 0.0.0.0:8080  apiservers  127.0.0.1:9000     alive            1       0  "
            "       0  -\n"
            "-1/0/0  global             -           [::1]:80           disabled         1       0  "
            "       7  -\n");
}

TEST(RenderTableTest, EmptyViewIsTheHeaderOnly) {
  EXPECT_EQ(RenderTable({}),
            "ID  LISTENER  SERVICE  BACKEND  STATE  PRIORITY  ACTIVE  REQUESTS  LAST ERROR\n");
}

TEST(RenderTableTest, ErrorTextStaysOnOneLine) {
  balance::RuntimeView view;
  balance::ServiceView service;
  service.backends.push_back(
      Backend(0, "10.0.0.1", 80, 1, balance::BackendStatus::kDead, 0, 0, "line1\nline2"));
  view.global_services.push_back(service);
  std::string table = RenderTable(view);
  EXPECT_NE(table.find("line1 line2\n"), std::string::npos) << table;
}

TEST(RenderJsonTest, EveryFieldForMachines) {
  EXPECT_EQ(RenderJson(SampleView()),
            "{\"listeners\":[{\"index\":0,\"protocol\":\"http\",\"address\":\"0.0.0.0\","
            "\"port\":8080,\"services\":[{\"index\":0,\"name\":\"apiservers\",\"backends\":["
            "{\"index\":0,\"address\":\"10.211.55.14\",\"port\":8081,\"priority\":5,"
            "\"status\":\"alive\",\"active_connections\":3,\"requests_served\":1520,"
            "\"last_error\":null},"
            "{\"index\":1,\"address\":\"10.211.55.15\",\"port\":8081,\"priority\":5,"
            "\"status\":\"dead\",\"active_connections\":0,\"requests_served\":1433,"
            "\"last_error\":\"connect: Connection refused\"}],"
            "\"emergency\":{\"index\":0,\"address\":\"127.0.0.1\",\"port\":9000,\"priority\":1,"
            "\"status\":\"alive\",\"active_connections\":0,\"requests_served\":0,"
            "\"last_error\":null}}]}],"
            "\"global_services\":[{\"index\":0,\"name\":\"\",\"backends\":["
            "{\"index\":0,\"address\":\"::1\",\"port\":80,\"priority\":1,\"status\":\"disabled\","
            "\"active_connections\":0,\"requests_served\":7,\"last_error\":null}],"
            "\"emergency\":null}]}\n");
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonString("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
}

}  // namespace
}  // namespace kha::proxy::control
