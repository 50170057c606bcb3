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

TEST(ServicesToStop, ReverseStartOrderOfTheDefinitionsForTheInitSystem) {
  std::vector<std::string> paths = {"/etc/default/etcd",
                                    "/etc/systemd/system/etcd.service",
                                    "/etc/systemd/system/kha-proxy.service",
                                    "/etc/systemd/system/kube-apiserver.service",
                                    "/etc/systemd/system/kubelet.service",
                                    "/etc/init/flanneld.conf",
                                    "/usr/local/sbin/kha-proxy"};
  EXPECT_EQ(ServicesToStop(host::InitSystem::kSystemd, paths),
            (std::vector<std::string>{"kubelet", "kha-proxy", "kube-apiserver", "etcd"}));
  EXPECT_EQ(ServicesToStop(host::InitSystem::kUpstart, paths),
            (std::vector<std::string>{"flanneld"}));
  EXPECT_TRUE(ServicesToStop(host::InitSystem::kSystemd, {"/etc/kha/pound.cfg"}).empty());
}

TEST(StopService, SystemdStopsAndDisables) {
  run::RecordingRunner runner;
  StopService(host::InitSystem::kSystemd, "etcd", runner);
  DisableService(host::InitSystem::kSystemd, "etcd", runner);
  EXPECT_EQ(Described(runner), (std::vector<std::string>{"systemctl stop etcd.service",
                                                         "systemctl disable etcd.service"}));
}

TEST(StopService, AServiceThatIsNotRunningIsNoFailure) {
  run::RecordingRunner runner;
  runner.Script({5, "Failed to stop etcd.service: Unit etcd.service not loaded.\n"});
  StopService(host::InitSystem::kSystemd, "etcd", runner);
  runner.Script({1, "initctl: Unknown instance: \n"});
  StopService(host::InitSystem::kUpstart, "etcd", runner);
  runner.Script({1, "initctl: Unknown job: flanneld\n"});
  StopService(host::InitSystem::kUpstart, "flanneld", runner);
  DisableService(host::InitSystem::kUpstart, "flanneld", runner);  // nothing to run
  EXPECT_EQ(Described(runner),
            (std::vector<std::string>{"systemctl stop etcd.service", "initctl stop etcd",
                                      "initctl stop flanneld"}));
}

TEST(StopService, ARealFailureSaysWhatFailedAndWhy) {
  run::RecordingRunner runner;
  runner.Script({1, "Job for etcd.service canceled.\n"});
  try {
    StopService(host::InitSystem::kSystemd, "etcd", runner);
    FAIL() << "expected ServiceError";
  } catch (const ServiceError& error) {
    EXPECT_STREQ(error.what(),
                 "`systemctl stop etcd.service` failed with exit code 1:\n"
                 "Job for etcd.service canceled.\n");
  }
  runner.Script({1, "initctl: Rejected send message, 1 matched rules\n"});
  EXPECT_THROW(StopService(host::InitSystem::kUpstart, "etcd", runner), ServiceError);
}

}  // namespace
}  // namespace kha::services
