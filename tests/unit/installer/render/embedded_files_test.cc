#include "installer/render/embedded_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kha::render {
namespace {

TEST(EmbeddedFilesTest, EveryTemplateInitFileAndScriptIsEmbeddedAsItIsOnDisk) {
  namespace fs = std::filesystem;
  const fs::path source = KHA_SOURCE_DIR;
  size_t on_disk = 0;
  for (const char* dir : {"payload/templates", "init", "scripts"}) {
    for (const auto& entry : fs::recursive_directory_iterator(source / dir)) {
      std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || name[0] == '.' || name.back() == '~') continue;
      ++on_disk;
      std::string relative = fs::relative(entry.path(), source).generic_string();
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      EXPECT_EQ(EmbeddedFileContent(relative), content.str()) << relative;
    }
  }
  EXPECT_EQ(EmbeddedFiles().size(), on_disk);
}

TEST(EmbeddedFilesTest, SortedByPath) {
  auto files = EmbeddedFiles();
  for (size_t i = 1; i < files.size(); ++i) EXPECT_LT(files[i - 1].path, files[i].path);
}

TEST(EmbeddedFilesTest, UnknownPathIsAnError) {
  try {
    EmbeddedFileContent("init/systemd/nope.service");
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "no embedded file \"init/systemd/nope.service\"");
  }
}

}  // namespace
}  // namespace kha::render
