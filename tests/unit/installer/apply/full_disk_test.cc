// A real full disk: a 64 KiB tmpfs as the root, and a run whose last file
// does not fit. Needs root (mount); skipped otherwise.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include <gtest/gtest.h>

#include "installer/apply/apply.h"
#include "tests/unit/installer/apply/temp_tree.h"

namespace kha::apply {
namespace {

using kha::testing::GetFile;
using kha::testing::PutFile;
using kha::testing::Snapshot;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    if (mount("kha-test", mountpoint_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              "size=64k,mode=0755") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount2(mountpoint_.path().c_str(), MNT_DETACH);
  }
  std::string At(const std::string& path) const { return mountpoint_.path() + path; }

  kha::testing::TempDir mountpoint_;
  bool mounted_ = false;
  RealDisk disk_;
};

TEST_F(FullDiskTest, AWriteThatOverflowsIsRolledBackCleanly) {
  const std::string root = mountpoint_.path();
  ApplyFiles(root, {{"/etc/kha/small", "v1\n", 0644}}, disk_, {"20260101T000000Z"});
  PutFile(At("/etc/existing.conf"), std::string(2000, 'm'), 0640);
  kha::testing::TreeSnapshot before = Snapshot(root);

  try {
    ApplyFiles(root,
               {{"/etc/kha/small", "v2\n", 0644},
                {"/etc/existing.conf", std::string(3000, 'k'), 0644},
                {"/etc/kha/big", std::string(size_t{256} * 1024, 'b'), 0644}},
               disk_, {"20260102T000000Z"});
    FAIL() << "256 KiB fit into a 64 KiB tmpfs";
  } catch (const ApplyError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot write " + At("/etc/kha/big") +
                  ": No space left on device; every change of this run was rolled back");
  }
  EXPECT_EQ(Snapshot(root), before);
  EXPECT_EQ(GetFile(At("/etc/kha/small")), "v1\n");
}

}  // namespace
}  // namespace kha::apply
