// The rendered ETCD_OPTS of infra0..2 against the runbook's own etcd command
// lines (tests/fixtures/seed/etcd-commands.txt), flag by flag. The runbook
// writes -data-dir with one dash; etcd's flag parser reads both spellings,
// so flags are compared by name without their dashes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "installer/render/render.h"
#include "tests/unit/installer/render/example_cluster.h"

namespace kha::render {
namespace {

using Flags = std::map<std::string, std::string>;

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// "--a x -b=y" → {a: x, b: y}; fails the test on a repeated flag.
Flags ParseFlags(const std::vector<std::string>& words) {
  Flags flags;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string word = words[i];
    EXPECT_EQ(word[0], '-') << "not a flag: " << word;
    word.erase(0, word.find_first_not_of('-'));
    std::string value;
    if (size_t eq = word.find('='); eq != std::string::npos) {
      value = word.substr(eq + 1);
      word.resize(eq);
    } else if (i + 1 < words.size() && words[i + 1][0] != '-') {
      value = words[++i];
    }
    EXPECT_FALSE(flags.count(word)) << "repeated flag " << word;
    flags[word] = value;
  }
  return flags;
}

// node name → the words after "sudo" of the runbook's command.
std::map<std::string, std::vector<std::string>> SeedCommands() {
  std::ifstream in(std::string(KHA_SOURCE_DIR) + "/tests/fixtures/seed/etcd-commands.txt");
  std::map<std::string, std::vector<std::string>> commands;
  std::string name;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# ", 0) == 0) {
      name = line.substr(2);
    } else if (!line.empty()) {
      std::vector<std::string> words = Words(line);
      EXPECT_EQ(words.at(0), "sudo");
      commands[name] = std::vector<std::string>(words.begin() + 1, words.end());
    }
  }
  return commands;
}

std::string EtcdOpts(const answers::Cluster& cluster, const answers::Node& node) {
  for (const RenderedFile& file :
       RenderNode(cluster, node, {answers::Role::kEtcd}, host::InitSystem::kSystemd)) {
    if (file.path != "/etc/default/etcd") continue;
    const std::string prefix = "\nETCD_OPTS=\"";
    size_t begin = file.content.find(prefix);
    EXPECT_NE(begin, std::string::npos) << file.content;
    begin += prefix.size();
    size_t end = file.content.find('"', begin);
    EXPECT_EQ(file.content.substr(end), "\"\n") << "ETCD_OPTS must be the last line";
    return file.content.substr(begin, end - begin);
  }
  ADD_FAILURE() << "no /etc/default/etcd rendered";
  return "";
}

TEST(EtcdSeedTest, FixtureHoldsTheRunbooksThreeCommands) {
  EXPECT_THAT(SeedCommands(), ::testing::SizeIs(3));
}

TEST(EtcdSeedTest, RenderedFlagsEqualTheRunbooksCommands) {
  answers::Cluster cluster = testing::ExampleCluster();
  std::map<std::string, std::vector<std::string>> seed = SeedCommands();
  for (const answers::Node& node : cluster.nodes) {
    SCOPED_TRACE(node.name);
    ASSERT_TRUE(seed.count(node.name));
    const std::vector<std::string>& command = seed[node.name];
    EXPECT_EQ(command.at(0), cluster.etcd.bin);  // the unit runs this binary
    Flags expected = ParseFlags(std::vector<std::string>(command.begin() + 1, command.end()));
    Flags rendered = ParseFlags(Words(EtcdOpts(cluster, node)));
    EXPECT_EQ(rendered, expected);
    EXPECT_EQ(expected.size(), 9u);  // the parser saw every flag of the runbook
  }
}

TEST(EtcdSeedTest, DataDirIsWrittenWithTwoDashes) {
  answers::Cluster cluster = testing::ExampleCluster();
  EXPECT_THAT(EtcdOpts(cluster, cluster.nodes[0]), ::testing::HasSubstr(" --data-dir /opt/etcd "));
}

TEST(EtcdSeedTest, ExtraArgsFollowTheRunbooksFlags) {
  answers::Cluster cluster = testing::ExampleCluster();
  cluster.etcd.extra_args = {"--enable-v2", "--heartbeat-interval=200"};
  std::string opts = EtcdOpts(cluster, cluster.nodes[1]);
  EXPECT_THAT(opts, ::testing::EndsWith(
                        " --initial-cluster-state new --enable-v2 --heartbeat-interval=200"));
}

}  // namespace
}  // namespace kha::render
