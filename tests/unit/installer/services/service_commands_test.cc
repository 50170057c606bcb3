#include "installer/services/service_commands.h"

#include <gtest/gtest.h>

namespace kha::services {
namespace {

std::vector<std::string> Described(const run::RecordingRunner& runner) {
  std::vector<std::string> lines;
  for (const run::Command& command : runner.commands()) lines.push_back(run::Describe(command));
  return lines;
}

TEST(RestartServices, SystemdReloadsThenEnablesAndRestartsInOrder) {
  run::RecordingRunner runner;
  RestartServices(host::InitSystem::kSystemd, {"etcd", "kha-proxy"}, runner);
  EXPECT_EQ(Described(runner), (std::vector<std::string>{
                                   "systemctl daemon-reload",
                                   "systemctl enable etcd.service",
                                   "systemctl restart etcd.service",
                                   "systemctl enable kha-proxy.service",
                                   "systemctl restart kha-proxy.service",
                               }));
}

TEST(RestartServices, UpstartStartsAJobThatWasNotRunning) {
  run::RecordingRunner runner;
  runner.Script({0, ""});                               // reload-configuration
  runner.Script({1, "initctl: Unknown instance: \n"});  // restart etcd: stopped
  runner.Script({0, "etcd start/running\n"});           // start etcd
  runner.Script({0, ""});                               // restart kha-proxy
  RestartServices(host::InitSystem::kUpstart, {"etcd", "kha-proxy"}, runner);
  EXPECT_EQ(Described(runner), (std::vector<std::string>{
                                   "initctl reload-configuration",
                                   "initctl restart etcd",
                                   "initctl start etcd",
                                   "initctl restart kha-proxy",
                               }));
}

TEST(RestartServices, StopsAtTheFirstFailureWithItsOutput) {
  run::RecordingRunner runner;
  runner.Script({0, ""});
  runner.Script({0, ""});
  runner.Script({1, "Job for etcd.service failed.\n"});
  try {
    RestartServices(host::InitSystem::kSystemd, {"etcd", "kha-proxy"}, runner);
    FAIL() << "expected ServiceError";
  } catch (const ServiceError& error) {
    EXPECT_STREQ(error.what(),
                 "`systemctl restart etcd.service` failed with exit code 1:\n"
                 "Job for etcd.service failed.\n");
  }
  EXPECT_EQ(runner.commands().size(), 3u);
}

}  // namespace
}  // namespace kha::services
