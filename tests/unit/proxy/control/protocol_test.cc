#include "proxy/control/protocol.h"

#include <gtest/gtest.h>

#include "proxy/control/render.h"
#include "tests/unit/proxy/control/fake_runtime.h"

namespace kha::proxy::control {
namespace {

TEST(ProtocolTest, HelpListsEveryCommandFromTheTable) {
  FakeRuntime runtime;
  std::string answer = ExecuteCommand("help", runtime);
  ASSERT_TRUE(answer.starts_with("ok\n")) << answer;
  for (const CommandHelp& command : Commands()) {
    EXPECT_NE(answer.find(command.help), std::string::npos) << command.usage;
  }
  EXPECT_NE(answer.find("  disable backend L S B  stop sending new requests"), std::string::npos)
      << answer;
}

TEST(ProtocolTest, ShowTableAndJson) {
  FakeRuntime runtime;
  EXPECT_EQ(ExecuteCommand("show table", runtime), "ok\n" + RenderTable(SampleView()));
  EXPECT_EQ(ExecuteCommand("  show   json \r", runtime), "ok\n" + RenderJson(SampleView()));
}

TEST(ProtocolTest, DisableAndEnableABackend) {
  FakeRuntime runtime;
  EXPECT_EQ(ExecuteCommand("disable backend 0 0 1", runtime), "ok\n");
  EXPECT_EQ(runtime.Snapshot().listeners[0].services[0].backends[1].status,
            balance::BackendStatus::kDisabled);
  EXPECT_EQ(ExecuteCommand("enable backend -1 0 0", runtime), "ok\n");
  EXPECT_EQ(runtime.Snapshot().global_services[0].backends[0].status,
            balance::BackendStatus::kAlive);
}

TEST(ProtocolTest, ErrorsSayWhatIsWrong) {
  FakeRuntime runtime;
  EXPECT_EQ(ExecuteCommand("disable backend 0 0 7", runtime), "error: no such backend 0/0/7\n");
  EXPECT_EQ(ExecuteCommand("disable backend 0 x 1", runtime),
            "error: \"x\" is not a number (expected L S B)\n");
  EXPECT_EQ(ExecuteCommand("disable backend 0 0", runtime),
            "error: usage: disable backend L S B\n");
  EXPECT_EQ(ExecuteCommand("show tabel", runtime),
            "error: unknown command \"show tabel\"; did you mean \"show table\"?\n");
  EXPECT_EQ(ExecuteCommand("reboot", runtime), "error: unknown command \"reboot\"; try \"help\"\n");
  EXPECT_EQ(ExecuteCommand("", runtime), "error: empty command; try \"help\"\n");
  EXPECT_EQ(ExecuteCommand("help me", runtime), "error: usage: help\n");
}

TEST(ProtocolTest, ParseAnswer) {
  Answer ok = ParseAnswer("ok\nbody\n");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.body, "body\n");
  Answer error = ParseAnswer("error: no such backend 1/2/3\n");
  EXPECT_FALSE(error.ok);
  EXPECT_EQ(error.body, "no such backend 1/2/3");
  Answer garbage = ParseAnswer("HTTP/1.1 400 Bad Request\r\n");
  EXPECT_FALSE(garbage.ok);
  EXPECT_EQ(garbage.body,
            "unexpected answer from the control socket: \"HTTP/1.1 400 Bad Request\r\n\"");
}

}  // namespace
}  // namespace kha::proxy::control
