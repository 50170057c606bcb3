// Files kha puts back (backups, rollbacks, uninstall) keep their owner.
// Changing owners needs root; skipped otherwise.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "installer/apply/apply.h"
#include "tests/unit/installer/apply/temp_tree.h"

namespace kha::apply {
namespace {

using kha::testing::GetFile;
using kha::testing::PutFile;

Owner OwnerOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
  return {st.st_uid, st.st_gid};
}

class OwnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "changing owners needs root";
    PutFile(At("/etc/default/kubelet"), "theirs\n", 0640);
    ASSERT_EQ(lchown(At("/etc/default/kubelet").c_str(), 1234, 5678), 0);
  }
  std::string At(const std::string& path) const { return dir_.path() + path; }

  kha::testing::TempDir dir_;
  RealDisk disk_;
  const std::vector<FileToWrite> files_ = {{"/etc/default/kubelet", "kha\n", 0644},
                                           {"/etc/kha/pound.cfg", "kha\n", 0644}};
};

TEST_F(OwnerTest, BackupAndUninstallKeepTheOwner) {
  std::vector<FileResult> results = ApplyFiles(dir_.path(), files_, disk_, {"20260101T000000Z"});
  Owner backup = OwnerOf(At(results[0].backup));
  EXPECT_EQ(backup.uid, 1234u);
  EXPECT_EQ(backup.gid, 5678u);
  EXPECT_EQ(OwnerOf(At("/etc/default/kubelet")).uid, 0u);  // kha's own content

  Uninstall(dir_.path(), disk_);
  EXPECT_EQ(GetFile(At("/etc/default/kubelet")), "theirs\n");
  Owner restored = OwnerOf(At("/etc/default/kubelet"));
  EXPECT_EQ(restored.uid, 1234u);
  EXPECT_EQ(restored.gid, 5678u);
}

TEST_F(OwnerTest, RollbackKeepsTheOwner) {
  FaultyDisk faulty(disk_, 3, EIO);  // backup, kubelet, then pound.cfg fails
  EXPECT_THROW(ApplyFiles(dir_.path(), files_, faulty, {"20260101T000000Z"}), ApplyError);
  EXPECT_EQ(GetFile(At("/etc/default/kubelet")), "theirs\n");
  Owner restored = OwnerOf(At("/etc/default/kubelet"));
  EXPECT_EQ(restored.uid, 1234u);
  EXPECT_EQ(restored.gid, 5678u);
}

}  // namespace
}  // namespace kha::apply
