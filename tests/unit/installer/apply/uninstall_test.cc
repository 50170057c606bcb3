#include <gtest/gtest.h>

#include "installer/apply/apply.h"
#include "tests/unit/installer/apply/temp_tree.h"

namespace kha::apply {
namespace {

using kha::testing::Exists;
using kha::testing::GetFile;
using kha::testing::PutFile;
using kha::testing::Snapshot;
using Paths = std::vector<std::string>;

class UninstallTest : public ::testing::Test {
 protected:
  std::string At(const std::string& path) const { return dir_.path() + path; }
  const std::string& root() const { return dir_.path(); }

  // A host with a file of its own that kha replaces, and one it never touches.
  void SetUp() override {
    PutFile(At("/etc/existing.conf"), "mine\n", 0640);
    PutFile(At("/etc/hostname"), "infra0\n");
    original_ = Snapshot(root());
    ApplyFiles(root(),
               {{"/etc/a.conf", "a\n", 0644},
                {"/etc/existing.conf", "kha\n", 0644},
                {"/etc/kha/pound.cfg", "pound\n", 0644},
                {"/srv/kubernetes/server.key", "key\n", 0600}},
               disk_, {"20260101T000000Z"});
  }

  kha::testing::TempDir dir_;
  RealDisk disk_;
  kha::testing::TreeSnapshot original_;
};

TEST_F(UninstallTest, PutsTheTreeBackAsItWas) {
  UninstallResult result = Uninstall(root(), disk_);
  EXPECT_TRUE(result.had_manifest);
  EXPECT_EQ(result.removed,
            (Paths{"/etc/a.conf", "/etc/kha/pound.cfg", "/srv/kubernetes/server.key"}));
  EXPECT_EQ(result.restored, (Paths{"/etc/existing.conf"}));
  EXPECT_EQ(result.kept, Paths{});
  EXPECT_EQ(result.warnings, Paths{});
  // The backup was moved back, the folders kha made are gone, and so is /var.
  EXPECT_EQ(Snapshot(root()), original_);
}

TEST_F(UninstallTest, ADryRunReportsTheSameAndTouchesNothing) {
  PutFile(At("/etc/kha/pound.cfg"), "edited\n");
  kha::testing::TreeSnapshot before = Snapshot(root());
  UninstallResult planned = Uninstall(root(), disk_, /*dry_run=*/true);
  EXPECT_EQ(Snapshot(root()), before);
  EXPECT_TRUE(planned.had_manifest);
  EXPECT_EQ(planned.removed, (Paths{"/etc/a.conf", "/srv/kubernetes/server.key"}));
  EXPECT_EQ(planned.restored, (Paths{"/etc/existing.conf"}));
  EXPECT_EQ(planned.kept, (Paths{"/etc/kha/pound.cfg"}));

  UninstallResult done = Uninstall(root(), disk_);
  EXPECT_EQ(done.removed, planned.removed);
  EXPECT_EQ(done.restored, planned.restored);
  EXPECT_EQ(done.kept, planned.kept);
  EXPECT_EQ(done.warnings, planned.warnings);
}

TEST_F(UninstallTest, KeepsFilesChangedSinceKhaWroteThemWithAWarning) {
  PutFile(At("/etc/existing.conf"), "edited\n");
  PutFile(At("/etc/kha/pound.cfg"), "edited\n");
  UninstallResult result = Uninstall(root(), disk_);
  EXPECT_EQ(result.kept, (Paths{"/etc/existing.conf", "/etc/kha/pound.cfg"}));
  EXPECT_EQ(result.warnings,
            (Paths{"kept /etc/existing.conf: changed since kha wrote it; the file it replaced is "
                   "in /var/lib/kha/backup/20260101T000000Z/etc/existing.conf",
                   "kept /etc/kha/pound.cfg: changed since kha wrote it"}));
  EXPECT_EQ(result.removed, (Paths{"/etc/a.conf", "/srv/kubernetes/server.key"}));
  EXPECT_EQ(GetFile(At("/etc/existing.conf")), "edited\n");
  EXPECT_EQ(GetFile(At("/etc/kha/pound.cfg")), "edited\n");
  EXPECT_EQ(GetFile(At("/var/lib/kha/backup/20260101T000000Z/etc/existing.conf")), "mine\n");
  EXPECT_FALSE(Exists(At("/var/lib/kha/manifest")));
  EXPECT_FALSE(Exists(At("/srv")));
}

TEST_F(UninstallTest, AFileRemovedByHandIsReportedAndItsBackupStillRestored) {
  std::filesystem::remove(At("/etc/kha/pound.cfg"));
  std::filesystem::remove(At("/etc/existing.conf"));
  UninstallResult result = Uninstall(root(), disk_);
  EXPECT_EQ(result.warnings, (Paths{"/etc/existing.conf was already removed",
                                    "/etc/kha/pound.cfg was already removed"}));
  EXPECT_EQ(result.restored, (Paths{"/etc/existing.conf"}));
  EXPECT_EQ(Snapshot(root()), original_);
}

TEST_F(UninstallTest, ASymlinkInPlaceOfAFileIsKept) {
  std::filesystem::remove(At("/etc/a.conf"));
  ASSERT_EQ(symlink("/etc/hostname", At("/etc/a.conf").c_str()), 0);
  UninstallResult result = Uninstall(root(), disk_);
  EXPECT_EQ(result.kept, (Paths{"/etc/a.conf"}));
  EXPECT_EQ(result.warnings, (Paths{"kept /etc/a.conf: changed since kha wrote it"}));
  EXPECT_EQ(std::filesystem::read_symlink(At("/etc/a.conf")), "/etc/hostname");
}

TEST_F(UninstallTest, ABackupIsRestoredEvenWhenItsFolderWasRemoved) {
  std::filesystem::remove_all(At("/etc"));
  UninstallResult result = Uninstall(root(), disk_);
  EXPECT_EQ(result.restored, (Paths{"/etc/existing.conf"}));
  EXPECT_EQ(GetFile(At("/etc/existing.conf")), "mine\n");
  EXPECT_EQ(kha::testing::ModeOf(At("/etc/existing.conf")), 0640u);
}

TEST_F(UninstallTest, ASecondUninstallDoesNothingAndSaysSo) {
  Uninstall(root(), disk_);
  kha::testing::TreeSnapshot after_first = Snapshot(root());
  UninstallResult second = Uninstall(root(), disk_);
  EXPECT_FALSE(second.had_manifest);
  EXPECT_EQ(second.removed, Paths{});
  EXPECT_EQ(second.restored, Paths{});
  EXPECT_EQ(Snapshot(root()), after_first);
}

TEST_F(UninstallTest, AFailureMidwayRollsTheUninstallBack) {
  kha::testing::TreeSnapshot installed = Snapshot(root());
  // /etc/a.conf is removed first (not a write), then restoring
  // /etc/existing.conf is the first write: it fails.
  FaultyDisk faulty(disk_, 1, EIO);
  try {
    Uninstall(root(), faulty);
    FAIL() << "no error";
  } catch (const ApplyError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot write " + At("/etc/existing.conf") +
                  ": Input/output error; every change of this run was rolled back");
  }
  EXPECT_EQ(Snapshot(root()), installed);
}

TEST_F(UninstallTest, ASymlinkPlantedOnTheWayIsRefused) {
  kha::testing::TempDir outside;
  PutFile(outside.path() + "/server.key", "key\n", 0600);
  std::filesystem::remove_all(At("/srv/kubernetes"));
  ASSERT_EQ(symlink(outside.path().c_str(), At("/srv/kubernetes").c_str()), 0);
  kha::testing::TreeSnapshot before = Snapshot(root());
  try {
    Uninstall(root(), disk_);
    FAIL() << "no error";
  } catch (const ApplyError& error) {
    EXPECT_EQ(std::string(error.what()), "refusing to follow the symlink " + At("/srv/kubernetes") +
                                             " (on the way to /srv/kubernetes/server.key); every "
                                             "change of this run was rolled back");
  }
  EXPECT_EQ(Snapshot(root()), before);
  EXPECT_EQ(GetFile(outside.path() + "/server.key"), "key\n");
}

}  // namespace
}  // namespace kha::apply
