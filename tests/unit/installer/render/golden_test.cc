// Compares every file rendered for the example cluster with its golden copy
// in tests/golden/<init>/<node>/<path>, and fails on a missing or extra file.
// After an intended change, rewrite the golden files with
//   KHA_UPDATE_GOLDEN=1 build/.../kha_installer_tests --gtest_filter='Golden*'
// and review the diff before committing it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "installer/render/render.h"
#include "tests/unit/installer/render/example_cluster.h"

namespace kha::render {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct GoldenCase {
  host::InitSystem init;
  std::string node;
};

void PrintTo(const GoldenCase& c, std::ostream* out) {
  *out << host::InitSystemName(c.init) << "/" << c.node;
}

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, EveryRenderedFileMatchesItsGoldenFile) {
  const GoldenCase& param = GetParam();
  answers::Cluster cluster = testing::ExampleCluster();
  const answers::Node* node = cluster.FindNode(param.node);
  ASSERT_NE(node, nullptr);
  std::vector<RenderedFile> files = RenderNode(cluster, *node, node->roles, param.init);

  const fs::path root = fs::path(KHA_SOURCE_DIR) / "tests/golden" /
                        std::string(host::InitSystemName(param.init)) / param.node;
  const bool update = std::getenv("KHA_UPDATE_GOLDEN") != nullptr;
  if (update) {
    fs::remove_all(root);
    for (const RenderedFile& file : files) {
      fs::path path = root / file.path.substr(1);
      fs::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << file.content;
    }
  }

  std::set<std::string> rendered;
  for (const RenderedFile& file : files) {
    rendered.insert(file.path);
    fs::path golden = root / file.path.substr(1);
    ASSERT_TRUE(fs::is_regular_file(golden)) << "no golden file " << golden << " for " << file.path;
    EXPECT_EQ(file.content, Slurp(golden)) << "differs from " << golden;
  }
  ASSERT_TRUE(fs::is_directory(root)) << root;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string path = "/" + fs::relative(entry.path(), root).generic_string();
    EXPECT_TRUE(rendered.count(path)) << "golden file " << entry.path() << " was not rendered";
  }
}

INSTANTIATE_TEST_SUITE_P(ExampleCluster, GoldenTest,
                         ::testing::Values(GoldenCase{host::InitSystem::kUpstart, "infra0"},
                                           GoldenCase{host::InitSystem::kUpstart, "infra1"},
                                           GoldenCase{host::InitSystem::kUpstart, "infra2"},
                                           GoldenCase{host::InitSystem::kSystemd, "infra0"},
                                           GoldenCase{host::InitSystem::kSystemd, "infra1"},
                                           GoldenCase{host::InitSystem::kSystemd, "infra2"}),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           return std::string(host::InitSystemName(info.param.init)) + "_" +
                                  info.param.node;
                         });

}  // namespace
}  // namespace kha::render
