#include "installer/run/runner.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/file_util.h"

namespace kha::run {
namespace {

TEST(ProcessRunner, CapturesOutputAndExitCode) {
  ProcessRunner runner("");
  Result result = runner.Run({{"sh", "-c", "echo out; echo err >&2; exit 3"}, "", {}});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "out\nerr\n");
}

TEST(ProcessRunner, MissingProgramIs127WithReason) {
  ProcessRunner runner("");
  Result result = runner.Run({{"kha-no-such-program"}, "", {}});
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_EQ(result.output, "kha-no-such-program: No such file or directory");
}

TEST(ProcessRunner, PassesWorkingDirectoryAndEnvironment) {
  char folder[] = "/tmp/kha-runner-XXXXXX";
  ASSERT_NE(mkdtemp(folder), nullptr);
  std::string log = std::string(folder) + "/log";
  ProcessRunner runner(log);
  Result result = runner.Run({{"sh", "-c", "pwd; echo $KHA_X"}, folder, {"KHA_X=42"}});
  EXPECT_EQ(result.output, std::string(folder) + "\n42\n");
  std::string logged = ReadFile(log);
  EXPECT_NE(logged.find("$ sh -c 'pwd; echo $KHA_X'\n"), std::string::npos) << logged;
  EXPECT_NE(logged.find("exit 0\n"), std::string::npos);
  unlink(log.c_str());
  rmdir(folder);
}

TEST(RecordingRunner, RecordsAndReplaysScript) {
  RecordingRunner runner;
  runner.Script({1, "failed"});
  EXPECT_EQ(runner.Run({{"apt-get", "install", "-y", "socat"}, "", {}}).exit_code, 1);
  EXPECT_EQ(runner.Run({{"true"}, "", {}}).exit_code, 0);
  ASSERT_EQ(runner.commands().size(), 2u);
  EXPECT_EQ(Describe(runner.commands()[0]), "apt-get install -y socat");
}

TEST(Describe, QuotesWordsAShellWouldSplit) {
  EXPECT_EQ(Describe({{"echo", "a b", "it's", ""}, "", {}}), "echo 'a b' 'it'\\''s' ''");
}

}  // namespace
}  // namespace kha::run
