// Files whose content is known by its digest (the payload's executables): a
// rerun decides "unchanged" from the manifest's digest and the file's
// fingerprint without reading or loading it, yet still restores a file
// someone changed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>

#include "installer/apply/apply.h"
#include "installer/apply/manifest.h"
#include "installer/digest/sha256.h"
#include "tests/unit/installer/apply/temp_tree.h"

namespace kha::apply {
namespace {

using kha::testing::GetFile;
using kha::testing::PutFile;

// The real disk, counting reads by path and folder syncs.
class CountingDisk : public Disk {
 public:
  std::optional<FileStat> Stat(const std::string& path) override { return real_.Stat(path); }
  std::string ReadFile(const std::string& path) override {
    ++reads[path];
    return real_.ReadFile(path);
  }
  void WriteFile(const std::string& path, const std::string& content, mode_t mode) override {
    real_.WriteFile(path, content, mode);
  }
  void MakeDirectory(const std::string& path, mode_t mode) override {
    real_.MakeDirectory(path, mode);
  }
  void RemoveFile(const std::string& path) override { real_.RemoveFile(path); }
  void RemoveDirectory(const std::string& path) override { real_.RemoveDirectory(path); }
  void ChangeOwner(const std::string& path, Owner owner) override {
    real_.ChangeOwner(path, owner);
  }
  void SyncDirectory(const std::string& path) override {
    synced.push_back(path);
    real_.SyncDirectory(path);
  }

  std::map<std::string, int> reads;
  std::vector<std::string> synced;

 private:
  RealDisk real_;
};

class KnownContentTest : public ::testing::Test {
 protected:
  std::string At(const std::string& path) const { return dir_.path() + path; }

  // The executable as the payload would describe it, counting loads.
  FileToWrite Executable(const std::string& content) {
    KnownContent known{digest::Sha256Hex(content), content.size(), [this, content] {
                         ++loads_;
                         return content;
                       }};
    return FileToWrite("/usr/local/sbin/kha-proxy", std::move(known), 0755);
  }
  std::vector<FileResult> Apply(const std::vector<FileToWrite>& files) {
    return ApplyFiles(dir_.path(), files, disk_, {"20260101T000000Z"});
  }
  // As when the manifest was written a clock tick after the files (set
  // explicitly: how far apart they land depends on the kernel's clock).
  void AgeTheFilesBeforeTheManifest(int seconds) {
    struct stat st {};
    ASSERT_EQ(stat(At("/var/lib/kha/manifest").c_str(), &st), 0);
    timespec times[2] = {st.st_atim, st.st_mtim};
    times[1].tv_sec += seconds;
    ASSERT_EQ(utimensat(AT_FDCWD, At("/var/lib/kha/manifest").c_str(), times, 0), 0);
  }
  ManifestEntry Recorded() {
    return ParseManifest(GetFile(At("/var/lib/kha/manifest")), "m")
        .files.at("/usr/local/sbin/kha-proxy");
  }

  kha::testing::TempDir dir_;
  CountingDisk disk_;
  int loads_ = 0;
  const std::string binary_ = std::string("\177ELF\2\1\1\0", 8) + std::string(5000, 'x');
};

TEST_F(KnownContentTest, AFirstRunLoadsOnceAndRecordsTheFingerprint) {
  std::vector<FileResult> results = Apply({Executable(binary_)});
  EXPECT_EQ(results[0].change, Change::kCreated);
  EXPECT_EQ(loads_, 1);
  EXPECT_EQ(GetFile(At("/usr/local/sbin/kha-proxy")), binary_);
  ManifestEntry entry = Recorded();
  EXPECT_EQ(entry.sha256, digest::Sha256Hex(binary_));
  ASSERT_TRUE(entry.fingerprint);
  std::optional<FileStat> stat = RealDisk().Stat(At("/usr/local/sbin/kha-proxy"));
  EXPECT_EQ(entry.fingerprint->size, binary_.size());
  EXPECT_EQ(entry.fingerprint->inode, stat->inode);
  EXPECT_EQ(entry.fingerprint->ctime_ns, stat->ctime_ns);
}

TEST_F(KnownContentTest, ARerunNeitherReadsNorLoadsNorWrites) {
  Apply({Executable(binary_)});
  AgeTheFilesBeforeTheManifest(1);
  std::string manifest = GetFile(At("/var/lib/kha/manifest"));
  std::optional<FileStat> before = RealDisk().Stat(At("/var/lib/kha/manifest"));
  disk_.reads.clear();
  loads_ = 0;

  std::vector<FileResult> results = Apply({Executable(binary_)});
  EXPECT_EQ(results[0].change, Change::kUnchanged);
  EXPECT_EQ(loads_, 0);
  EXPECT_EQ(disk_.reads.count(At("/usr/local/sbin/kha-proxy")), 0u);
  EXPECT_EQ(RealDisk().Stat(At("/var/lib/kha/manifest"))->ctime_ns, before->ctime_ns);
  EXPECT_EQ(GetFile(At("/var/lib/kha/manifest")), manifest);
}

TEST_F(KnownContentTest, AFileChangedInPlaceIsRestoredFromTheContent) {
  Apply({Executable(binary_)});
  AgeTheFilesBeforeTheManifest(1);
  // Same size, same inode: only the change time tells.
  std::string tampered = binary_;
  tampered[100] = 'y';
  {
    std::FILE* file = std::fopen(At("/usr/local/sbin/kha-proxy").c_str(), "r+");
    ASSERT_NE(file, nullptr);
    std::fseek(file, 100, SEEK_SET);
    std::fputc('y', file);
    std::fclose(file);
  }
  ASSERT_EQ(GetFile(At("/usr/local/sbin/kha-proxy")), tampered);
  loads_ = 0;

  std::vector<FileResult> results = Apply({Executable(binary_)});
  EXPECT_EQ(results[0].change, Change::kUpdated);
  EXPECT_EQ(loads_, 1);
  EXPECT_EQ(GetFile(At("/usr/local/sbin/kha-proxy")), binary_);
  // Not kha's content: saved first, as any edit of a kha file is.
  EXPECT_EQ(GetFile(At(results[0].backup)), tampered);
}

TEST_F(KnownContentTest, AChmodIsAChangeToo) {
  Apply({Executable(binary_)});
  AgeTheFilesBeforeTheManifest(1);
  ASSERT_EQ(chmod(At("/usr/local/sbin/kha-proxy").c_str(), 0700), 0);
  EXPECT_EQ(Apply({Executable(binary_)})[0].change, Change::kUpdated);
  EXPECT_EQ(kha::testing::ModeOf(At("/usr/local/sbin/kha-proxy")), 0755u);
}

TEST_F(KnownContentTest, AnUnprovenFingerprintIsCheckedByDigestThenTrusted) {
  Apply({Executable(binary_)});
  // The manifest written in the same clock tick as the file (a coarse clock):
  // a change in that tick would keep the fingerprint, so the file is read.
  AgeTheFilesBeforeTheManifest(-1);
  loads_ = 0;
  disk_.reads.clear();
  EXPECT_EQ(Apply({Executable(binary_)})[0].change, Change::kUnchanged);
  EXPECT_EQ(loads_, 0);
  EXPECT_EQ(disk_.reads[At("/usr/local/sbin/kha-proxy")], 1);
  // Proven by its digest, the fingerprint was recorded again in a manifest
  // written now, so the next run trusts it.
  disk_.reads.clear();
  EXPECT_EQ(Apply({Executable(binary_)})[0].change, Change::kUnchanged);
  EXPECT_EQ(disk_.reads.count(At("/usr/local/sbin/kha-proxy")), 0u);
}

TEST_F(KnownContentTest, AManifestWithoutFingerprintsIsUpgradedOnce) {
  Apply({Executable(binary_)});
  Manifest manifest = ParseManifest(GetFile(At("/var/lib/kha/manifest")), "m");
  manifest.files["/usr/local/sbin/kha-proxy"].fingerprint.reset();
  PutFile(At("/var/lib/kha/manifest"), FormatManifest(manifest));
  disk_.reads.clear();
  EXPECT_EQ(Apply({Executable(binary_)})[0].change, Change::kUnchanged);
  EXPECT_EQ(disk_.reads[At("/usr/local/sbin/kha-proxy")], 1);
  EXPECT_TRUE(Recorded().fingerprint);
  EXPECT_EQ(loads_, 1);  // the first run's only
}

TEST_F(KnownContentTest, ANewVersionIsLoadedAndWritten) {
  Apply({Executable(binary_)});
  std::string next = binary_ + "v2";
  std::vector<FileResult> results = Apply({Executable(next)});
  EXPECT_EQ(results[0].change, Change::kUpdated);
  EXPECT_EQ(results[0].backup, "");  // kha's own earlier version
  EXPECT_EQ(GetFile(At("/usr/local/sbin/kha-proxy")), next);
  EXPECT_EQ(Recorded().sha256, digest::Sha256Hex(next));
}

TEST_F(KnownContentTest, ALoaderThatGivesTheWrongSizeIsRefusedAndRolledBack) {
  FileToWrite file = Executable(binary_);
  file.known->size += 1;
  try {
    Apply({{"/etc/kha/pound.cfg", "x\n", 0644}, file});
    FAIL() << "no error";
  } catch (const ApplyError& error) {
    EXPECT_EQ(std::string(error.what()),
              "the content for /usr/local/sbin/kha-proxy has 5008 bytes, not the 5009 its "
              "digest describes; every change of this run was rolled back");
  }
  EXPECT_TRUE(kha::testing::Snapshot(dir_.path()).empty());
}

TEST_F(KnownContentTest, EachFolderIsSyncedOnceAfterItsFilesAndBeforeTheManifest) {
  Apply({{"/etc/default/etcd", "1\n", 0644},
         {"/etc/default/flanneld", "2\n", 0644},
         {"/etc/kha/pound.cfg", "3\n", 0644},
         Executable(binary_)});
  std::vector<std::string> synced = disk_.synced;
  std::sort(synced.begin(), synced.end());
  EXPECT_EQ(std::adjacent_find(synced.begin(), synced.end()), synced.end())
      << "a folder was synced twice";
  EXPECT_EQ(disk_.synced.back(), At("/var/lib/kha"));  // the manifest's, last
  for (const char* folder : {"/etc", "/etc/default", "/etc/kha", "/usr/local/sbin", "/var/lib"})
    EXPECT_NE(std::find(synced.begin(), synced.end(), At(folder)), synced.end()) << folder;
}

TEST_F(KnownContentTest, ADryRunShowsSizesNotBytes) {
  PutFile(At("/usr/local/sbin/kha-proxy"), std::string("\177ELF\0old", 8), 0755);
  std::vector<FileResult> results = PlanFiles(dir_.path(), {Executable(binary_)}, disk_);
  EXPECT_EQ(results[0].change, Change::kUpdated);
  EXPECT_EQ(results[0].diff, "binary file changed (8 bytes \u2192 5008 bytes)\n");

  results = PlanFiles(dir_.path(), {{"/usr/local/sbin/kha-proxyctl", std::string("\0\1", 2), 0755}},
                      disk_);
  EXPECT_EQ(results[0].diff, "new file mode 0755\nbinary file created (2 bytes)\n");
}

TEST(IsBinaryTest, NulBytesAndInvalidUtf8AreBinaryTextIsNot) {
  EXPECT_FALSE(IsBinary(""));
  EXPECT_FALSE(IsBinary("ETCD_OPTS=\"--name infra0\"\n"));
  EXPECT_FALSE(IsBinary("# caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\xa6\n"));  // é → 📦
  EXPECT_TRUE(IsBinary(std::string("a\0b", 3)));
  EXPECT_TRUE(IsBinary("\xff\xfe-"));                // a UTF-16 byte-order mark
  EXPECT_TRUE(IsBinary("latin-1 caf\xe9\n"));        // a lead byte without its continuation
  EXPECT_TRUE(IsBinary("\x80 stray continuation"));  // no lead byte
  EXPECT_TRUE(IsBinary("overlong \xc0\xaf"));
  EXPECT_TRUE(IsBinary("cut short \xe2\x86"));
  // Only the first 8 KiB count, and a character the window cuts is no fault.
  EXPECT_FALSE(IsBinary(std::string(8192, 'a') + std::string("\0", 1)));
  EXPECT_FALSE(IsBinary(std::string(8191, 'a') + "\xe2\x86\x92"));
}

}  // namespace
}  // namespace kha::apply
