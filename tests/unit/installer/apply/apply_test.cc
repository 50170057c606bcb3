#include "installer/apply/apply.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/unit/installer/apply/temp_tree.h"

namespace kha::apply {
namespace {

using kha::testing::Exists;
using kha::testing::GetFile;
using kha::testing::ModeOf;
using kha::testing::PutFile;
using kha::testing::Snapshot;

// sha256sum of "hello\n", "secret\n", "v1\n".
constexpr char kHello[] = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
constexpr char kSecret[] = "b37e50cedcd3e3f1ff64f4afc0422084ae694253cf399326868e07a35f4a45fb";

constexpr char kManifestHeader[] =
    "# kha manifest 1: the files kha-install wrote; read by `kha-install uninstall`.\n"
    "# file<TAB>PATH<TAB>MODE<TAB>SHA256<TAB>BACKUP (\"-\": nothing was there before)\n"
    "#   [<TAB>SIZE:INODE:MTIME:CTIME as kha left the file]\n"
    "# dir<TAB>PATH (a folder kha created)\n";

class ApplyTest : public ::testing::Test {
 protected:
  std::string At(const std::string& path) const { return dir_.path() + path; }
  const std::string& root() const { return dir_.path(); }

  // The exact ApplyError text of applying `files`.
  std::string ApplyErrorOf(const std::vector<FileToWrite>& files, Disk& disk) {
    try {
      ApplyFiles(root(), files, disk, options_);
    } catch (const ApplyError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  kha::testing::TempDir dir_;
  RealDisk disk_;
  ApplyOptions options_{"20260101T000000Z"};
};

TEST_F(ApplyTest, CreatesFilesFoldersAndTheManifest) {
  std::vector<FileResult> results = ApplyFiles(
      root(),
      {{"/etc/default/etcd", "hello\n", 0644}, {"/srv/kubernetes/server.key", "secret\n", 0600}},
      disk_, options_);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].path, "/etc/default/etcd");
  EXPECT_EQ(results[0].change, Change::kCreated);
  EXPECT_EQ(results[0].backup, "");
  EXPECT_EQ(results[1].change, Change::kCreated);
  EXPECT_TRUE(AnyChange(results));

  EXPECT_EQ(Snapshot(root()),
            (kha::testing::TreeSnapshot{
                {"/etc", "dir 0755"},
                {"/etc/default", "dir 0755"},
                {"/etc/default/etcd", "file 0644 hello\n"},
                {"/srv", "dir 0755"},
                {"/srv/kubernetes", "dir 0755"},
                {"/srv/kubernetes/server.key", "file 0600 secret\n"},
                {"/var", "dir 0755"},
                {"/var/lib", "dir 0755"},
                {"/var/lib/kha", "dir 0755"},
                {"/var/lib/kha/manifest", "file 0644 " + GetFile(At("/var/lib/kha/manifest"))},
            }));
  EXPECT_EQ(GetFile(At("/var/lib/kha/manifest")), std::string(kManifestHeader) +
                                                      "dir\t/etc\n"
                                                      "dir\t/etc/default\n"
                                                      "file\t/etc/default/etcd\t0644\t" +
                                                      kHello + "\t-\n" +
                                                      "dir\t/srv\n"
                                                      "dir\t/srv/kubernetes\n"
                                                      "file\t/srv/kubernetes/server.key\t0600\t" +
                                                      kSecret + "\t-\n" +
                                                      "dir\t/var\n"
                                                      "dir\t/var/lib\n"
                                                      "dir\t/var/lib/kha\n");
}

TEST_F(ApplyTest, ARootThatDoesNotExistYetIsCreated) {
  std::string nested = At("/demo/infra0");
  ApplyFiles(nested, {{"/etc/kha/pound.cfg", "hello\n", 0644}}, disk_, options_);
  EXPECT_EQ(GetFile(nested + "/etc/kha/pound.cfg"), "hello\n");
}

TEST_F(ApplyTest, ARelativeRootIsUnderTheCurrentFolder) {
  std::string previous = std::filesystem::current_path();
  std::filesystem::current_path(root());
  try {
    ApplyFiles("demo/infra0", {{"/etc/kha/pound.cfg", "hello\n", 0644}}, disk_, options_);
  } catch (...) {
    std::filesystem::current_path(previous);
    throw;
  }
  std::filesystem::current_path(previous);
  EXPECT_EQ(GetFile(At("/demo/infra0/etc/kha/pound.cfg")), "hello\n");
}

struct Identity {
  ino_t inode;
  timespec mtime;
};

Identity IdentityOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
  return {st.st_ino, st.st_mtim};
}

TEST_F(ApplyTest, ASecondIdenticalRunWritesNothing) {
  std::vector<FileToWrite> files = {{"/etc/default/etcd", "hello\n", 0644},
                                    {"/srv/kubernetes/server.key", "secret\n", 0600}};
  ApplyFiles(root(), files, disk_, options_);
  std::vector<std::string> paths = {"/etc/default/etcd", "/srv/kubernetes/server.key",
                                    "/var/lib/kha/manifest", "/etc/default", "/var/lib/kha"};
  std::vector<Identity> before;
  before.reserve(paths.size());
  for (const std::string& path : paths) before.push_back(IdentityOf(At(path)));
  kha::testing::TreeSnapshot tree = Snapshot(root());

  std::vector<FileResult> results = ApplyFiles(root(), files, disk_, {"20260102T000000Z"});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].change, Change::kUnchanged);
  EXPECT_EQ(results[1].change, Change::kUnchanged);
  EXPECT_FALSE(AnyChange(results));
  for (size_t i = 0; i < paths.size(); ++i) {
    Identity after = IdentityOf(At(paths[i]));
    EXPECT_EQ(after.inode, before[i].inode) << paths[i];
    EXPECT_EQ(after.mtime.tv_sec, before[i].mtime.tv_sec) << paths[i];
    EXPECT_EQ(after.mtime.tv_nsec, before[i].mtime.tv_nsec) << paths[i];
  }
  EXPECT_EQ(Snapshot(root()), tree);
}

TEST_F(ApplyTest, AForeignFileIsBackedUpOnceAndKhasOwnVersionsAreNot) {
  PutFile(At("/etc/default/etcd"), "old\n", 0640);
  std::vector<FileResult> results =
      ApplyFiles(root(), {{"/etc/default/etcd", "hello\n", 0644}}, disk_, options_);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].change, Change::kUpdated);
  const std::string backup = "/var/lib/kha/backup/20260101T000000Z/etc/default/etcd";
  EXPECT_EQ(results[0].backup, backup);
  EXPECT_EQ(GetFile(At(backup)), "old\n");
  EXPECT_EQ(ModeOf(At(backup)), 0640u);
  EXPECT_EQ(GetFile(At("/etc/default/etcd")), "hello\n");
  EXPECT_EQ(ModeOf(At("/etc/default/etcd")), 0644u);
  std::string manifest = std::string(kManifestHeader) + "file\t/etc/default/etcd\t0644\t" + kHello +
                         "\t" + backup + "\n" +
                         "dir\t/var\n"
                         "dir\t/var/lib\n"
                         "dir\t/var/lib/kha\n"
                         "dir\t/var/lib/kha/backup\n"
                         "dir\t/var/lib/kha/backup/20260101T000000Z\n"
                         "dir\t/var/lib/kha/backup/20260101T000000Z/etc\n"
                         "dir\t/var/lib/kha/backup/20260101T000000Z/etc/default\n";
  EXPECT_EQ(GetFile(At("/var/lib/kha/manifest")), manifest);

  // kha's own earlier output is replaced without a backup, and the manifest
  // still points at the foreign file for uninstall.
  results =
      ApplyFiles(root(), {{"/etc/default/etcd", "secret\n", 0644}}, disk_, {"20260102T000000Z"});
  EXPECT_EQ(results[0].change, Change::kUpdated);
  EXPECT_EQ(results[0].backup, "");
  EXPECT_FALSE(Exists(At("/var/lib/kha/backup/20260102T000000Z")));
  EXPECT_EQ(GetFile(At("/var/lib/kha/manifest")),
            std::string(kManifestHeader) + "file\t/etc/default/etcd\t0644\t" + kSecret + "\t" +
                backup + "\n" + manifest.substr(manifest.find("dir\t/var\n")));
}

TEST_F(ApplyTest, AUsersEditOfAKhaFileIsBackedUpBeforeItIsReplaced) {
  ApplyFiles(root(), {{"/etc/kha/pound.cfg", "hello\n", 0644}}, disk_, options_);
  PutFile(At("/etc/kha/pound.cfg"), "edited by hand\n");
  std::vector<FileResult> results =
      ApplyFiles(root(), {{"/etc/kha/pound.cfg", "hello\n", 0644}}, disk_, {"20260102T000000Z"});
  EXPECT_EQ(results[0].change, Change::kUpdated);
  EXPECT_EQ(results[0].backup, "/var/lib/kha/backup/20260102T000000Z/etc/kha/pound.cfg");
  EXPECT_EQ(GetFile(At(results[0].backup)), "edited by hand\n");
  // The file did not exist before kha: uninstall still removes it.
  EXPECT_NE(GetFile(At("/var/lib/kha/manifest"))
                .find(std::string("file\t/etc/kha/pound.cfg\t0644\t") + kHello + "\t-\n"),
            std::string::npos);
}

TEST_F(ApplyTest, AModeChangeAloneIsAnUpdate) {
  PutFile(At("/srv/kubernetes/server.key"), "secret\n", 0644);
  std::vector<FileResult> results =
      ApplyFiles(root(), {{"/srv/kubernetes/server.key", "secret\n", 0600}}, disk_, options_);
  EXPECT_EQ(results[0].change, Change::kUpdated);
  EXPECT_EQ(ModeOf(At("/srv/kubernetes/server.key")), 0600u);
  EXPECT_EQ(ModeOf(At(results[0].backup)), 0644u);
}

TEST_F(ApplyTest, EntriesFromEarlierRunsAreKept) {
  ApplyFiles(root(), {{"/etc/a", "hello\n", 0644}}, disk_, options_);
  ApplyFiles(root(), {{"/etc/b", "secret\n", 0600}}, disk_, options_);
  EXPECT_EQ(GetFile(At("/var/lib/kha/manifest")), std::string(kManifestHeader) +
                                                      "dir\t/etc\n"
                                                      "file\t/etc/a\t0644\t" +
                                                      kHello + "\t-\n" + "file\t/etc/b\t0600\t" +
                                                      kSecret + "\t-\n" +
                                                      "dir\t/var\n"
                                                      "dir\t/var/lib\n"
                                                      "dir\t/var/lib/kha\n");
}

TEST_F(ApplyTest, BackupsOfTwoRunsInOneSecondDoNotCollide) {
  PutFile(At("/etc/a"), "1\n");
  ApplyFiles(root(), {{"/etc/a", "hello\n", 0644}}, disk_, options_);
  PutFile(At("/etc/b"), "2\n");
  std::vector<FileResult> results =
      ApplyFiles(root(), {{"/etc/b", "hello\n", 0644}}, disk_, options_);
  EXPECT_EQ(results[0].backup, "/var/lib/kha/backup/20260101T000000Z.1/etc/b");
  EXPECT_EQ(GetFile(At(results[0].backup)), "2\n");
}

TEST_F(ApplyTest, ASymlinkAtTheFileIsRefusedAndNothingIsWritten) {
  kha::testing::TempDir outside;
  PutFile(outside.path() + "/victim", "keep\n");
  PutFile(At("/etc/default/kubelet"), "x\n");
  ASSERT_EQ(symlink((outside.path() + "/victim").c_str(), At("/etc/default/etcd").c_str()), 0);
  kha::testing::TreeSnapshot before = Snapshot(root());

  EXPECT_EQ(
      ApplyErrorOf(
          {{"/etc/kha/pound.cfg", "hello\n", 0644}, {"/etc/default/etcd", "hello\n", 0644}}, disk_),
      "refusing to follow the symlink " + At("/etc/default/etcd") +
          " (on the way to /etc/default/etcd); nothing was changed");
  EXPECT_EQ(Snapshot(root()), before);
  EXPECT_EQ(GetFile(outside.path() + "/victim"), "keep\n");
}

TEST_F(ApplyTest, ASymlinkAtAParentFolderIsRefusedAndNothingIsWritten) {
  kha::testing::TempDir outside;
  ASSERT_EQ(symlink(outside.path().c_str(), At("/etc").c_str()), 0);
  kha::testing::TreeSnapshot before = Snapshot(root());

  EXPECT_EQ(ApplyErrorOf({{"/etc/default/etcd", "hello\n", 0644}}, disk_),
            "refusing to follow the symlink " + At("/etc") +
                " (on the way to /etc/default/etcd); nothing was changed");
  EXPECT_EQ(Snapshot(root()), before);
  EXPECT_TRUE(Snapshot(outside.path()).empty());
}

TEST_F(ApplyTest, ASymlinkedStateFolderIsRefused) {
  kha::testing::TempDir outside;
  std::filesystem::create_directories(At("/var/lib"));
  ASSERT_EQ(symlink(outside.path().c_str(), At("/var/lib/kha").c_str()), 0);
  EXPECT_EQ(ApplyErrorOf({{"/etc/default/etcd", "hello\n", 0644}}, disk_),
            "refusing to follow the symlink " + At("/var/lib/kha") +
                " (on the way to /var/lib/kha/manifest); nothing was changed");
  EXPECT_FALSE(Exists(At("/etc")));
  EXPECT_TRUE(Snapshot(outside.path()).empty());
}

TEST_F(ApplyTest, BadTargetPathsAreRefused) {
  struct Case {
    std::vector<FileToWrite> files;
    std::string message;
  } cases[] = {
      {{{"etc/x", "", 0644}}, "bad target path \"etc/x\": not absolute; nothing was changed"},
      {{{"/etc/../x", "", 0644}},
       "bad target path \"/etc/../x\": not normalised; nothing was changed"},
      {{{"/etc//x", "", 0644}}, "bad target path \"/etc//x\": not normalised; nothing was changed"},
      {{{"/etc/./x", "", 0644}},
       "bad target path \"/etc/./x\": not normalised; nothing was changed"},
      {{{"/etc/x/", "", 0644}},
       "bad target path \"/etc/x/\": not a file name; nothing was changed"},
      {{{"/etc/a\tb", "", 0644}},
       "bad target path \"/etc/a\tb\": contains a control character; nothing was changed"},
      {{{"/var/lib/kha/manifest", "", 0644}},
       "bad target path \"/var/lib/kha/manifest\": inside kha's own /var/lib/kha; nothing was "
       "changed"},
      {{{"/etc/x", "1", 0644}, {"/etc/x", "2", 0644}},
       "the file /etc/x is listed twice; nothing was changed"},
  };
  for (const Case& c : cases) EXPECT_EQ(ApplyErrorOf(c.files, disk_), c.message);
  EXPECT_TRUE(Snapshot(root()).empty());
}

TEST_F(ApplyTest, SomethingElseInTheWayIsRefused) {
  std::filesystem::create_directories(At("/etc/default/etcd"));
  EXPECT_EQ(ApplyErrorOf({{"/etc/default/etcd", "hello\n", 0644}}, disk_),
            "cannot write /etc/default/etcd: " + At("/etc/default/etcd") +
                " is not a regular file; nothing was changed");
  PutFile(At("/opt"), "a file\n");
  EXPECT_EQ(ApplyErrorOf({{"/opt/bin/etcd", "hello\n", 0644}}, disk_),
            "cannot write /opt/bin/etcd: " + At("/opt") + " is not a folder; nothing was changed");
}

// A tree as a second run finds it: a manifest from a first run that wrote
// /etc/kha/one, and a foreign /etc/existing.conf.
class RollbackTest : public ApplyTest {
 protected:
  void SetUp() override {
    ApplyFiles(root(), {{"/etc/kha/one", "v1\n", 0644}}, disk_, options_);
    PutFile(At("/etc/existing.conf"), "mine\n", 0640);
    before_ = Snapshot(root());
  }
  std::vector<FileToWrite> FiveFiles() const {
    return {{"/etc/kha/one", "v2\n", 0644},
            {"/etc/kha/two", "v2\n", 0644},
            {"/opt/new/dir/three", "v2\n", 0644},
            {"/etc/existing.conf", "v2\n", 0644},
            {"/etc/kha/five", "v2\n", 0600}};
  }
  kha::testing::TreeSnapshot before_;
};

TEST_F(RollbackTest, AFailureAtTheThirdOfFiveFilesRestoresTheTreeByteForByte) {
  FaultyDisk faulty(disk_, 3, EIO);
  EXPECT_EQ(ApplyErrorOf(FiveFiles(), faulty),
            "cannot write " + At("/opt/new/dir/three") +
                ": Input/output error; every change of this run was rolled back");
  EXPECT_EQ(Snapshot(root()), before_);
}

TEST_F(RollbackTest, AFailureWritingTheManifestUndoesBackupsAndFolders) {
  // Writes: one, two, three, the backup of existing.conf, existing.conf,
  // five, then the manifest as the 7th.
  FaultyDisk faulty(disk_, 7, ENOSPC);
  EXPECT_EQ(ApplyErrorOf(FiveFiles(), faulty),
            "cannot write " + At("/var/lib/kha/manifest") +
                ": No space left on device; every change of this run was rolled back");
  EXPECT_EQ(Snapshot(root()), before_);
}

TEST_F(RollbackTest, ALaterStepCanRollTheFilesBack) {
  {
    Transaction transaction(root(), disk_);
    std::vector<FileResult> results = ApplyFiles(transaction, FiveFiles(), options_);
    EXPECT_TRUE(AnyChange(results));
    EXPECT_EQ(GetFile(At("/opt/new/dir/three")), "v2\n");
    EXPECT_TRUE(transaction.Rollback().empty());
  }
  EXPECT_EQ(Snapshot(root()), before_);

  {
    Transaction transaction(root(), disk_);
    ApplyFiles(transaction, FiveFiles(), options_);
  }  // neither committed nor rolled back: the destructor rolls back
  EXPECT_EQ(Snapshot(root()), before_);

  {
    Transaction transaction(root(), disk_);
    ApplyFiles(transaction, FiveFiles(), options_);
    transaction.Commit();
  }
  EXPECT_EQ(GetFile(At("/opt/new/dir/three")), "v2\n");
}

TEST_F(ApplyTest, PlanFilesGivesDecisionsAndDiffsAndTouchesNothing) {
  PutFile(At("/etc/default/etcd"), "ETCD_OPTS=\"--name infra0\"\nETCD_DEBUG=0\n");
  PutFile(At("/etc/default/same"), "same\n");
  PutFile(At("/srv/kubernetes/server.key"), "secret\n", 0644);
  kha::testing::TreeSnapshot before = Snapshot(root());

  std::vector<FileResult> results =
      PlanFiles(root(),
                {{"/etc/default/etcd", "ETCD_OPTS=\"--name infra1\"\nETCD_DEBUG=0\n", 0644},
                 {"/etc/kha/pound.cfg", "User \"www-data\"\nGroup \"www-data\"\n", 0644},
                 {"/etc/default/same", "same\n", 0644},
                 {"/srv/kubernetes/server.key", "secret\n", 0600}},
                disk_, options_);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].change, Change::kUpdated);
  EXPECT_EQ(results[0].backup, "/var/lib/kha/backup/20260101T000000Z/etc/default/etcd");
  EXPECT_EQ(results[0].diff,
            "--- a/etc/default/etcd\n"
            "+++ b/etc/default/etcd\n"
            "@@ -1,2 +1,2 @@\n"
            "-ETCD_OPTS=\"--name infra0\"\n"
            "+ETCD_OPTS=\"--name infra1\"\n"
            " ETCD_DEBUG=0\n");
  EXPECT_EQ(results[1].change, Change::kCreated);
  EXPECT_EQ(results[1].backup, "");
  EXPECT_EQ(results[1].diff,
            "new file mode 0644\n"
            "--- /dev/null\n"
            "+++ b/etc/kha/pound.cfg\n"
            "@@ -0,0 +1,2 @@\n"
            "+User \"www-data\"\n"
            "+Group \"www-data\"\n");
  EXPECT_EQ(results[2].change, Change::kUnchanged);
  EXPECT_EQ(results[2].diff, "");
  EXPECT_EQ(results[3].change, Change::kUpdated);
  EXPECT_EQ(results[3].diff, "old mode 0644\nnew mode 0600\n");
  EXPECT_EQ(Snapshot(root()), before);
}

TEST_F(ApplyTest, PlanFilesRefusesSymlinksLikeApplyFiles) {
  kha::testing::TempDir outside;
  ASSERT_EQ(symlink(outside.path().c_str(), At("/etc").c_str()), 0);
  try {
    PlanFiles(root(), {{"/etc/default/etcd", "x\n", 0644}}, disk_, options_);
    FAIL() << "no error";
  } catch (const ApplyError& error) {
    EXPECT_EQ(std::string(error.what()), "refusing to follow the symlink " + At("/etc") +
                                             " (on the way to /etc/default/etcd); nothing was "
                                             "changed");
  }
}

TEST(ChangeNameTest, NamesEachDecision) {
  EXPECT_EQ(ChangeName(Change::kCreated), "create");
  EXPECT_EQ(ChangeName(Change::kUpdated), "update");
  EXPECT_EQ(ChangeName(Change::kUnchanged), "unchanged");
}

}  // namespace
}  // namespace kha::apply
