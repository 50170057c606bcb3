#include "installer/apply/manifest.h"

#include <gtest/gtest.h>

#include "installer/apply/apply_error.h"

namespace kha::apply {
namespace {

constexpr char kHello[] = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
constexpr char kSecret[] = "b37e50cedcd3e3f1ff64f4afc0422084ae694253cf399326868e07a35f4a45fb";

constexpr char kHeader[] =
    "# kha manifest 1: the files kha-install wrote; read by `kha-install uninstall`.\n"
    "# file<TAB>PATH<TAB>MODE<TAB>SHA256<TAB>BACKUP (\"-\": nothing was there before)\n"
    "#   [<TAB>SIZE:INODE:MTIME:CTIME as kha left the file]\n"
    "# dir<TAB>PATH (a folder kha created)\n";

TEST(ManifestTest, FormatsRecordsInPathOrder) {
  Manifest manifest;
  manifest.files["/etc/kha/pound.cfg"] = {0644, kHello, "", std::nullopt};
  manifest.files["/srv/kubernetes/server.key"] = {0600, kSecret,
                                                  "/var/lib/kha/backup/20260101T000000Z/srv/"
                                                  "kubernetes/server.key",
                                                  std::nullopt};
  manifest.directories = {"/etc/kha", "/var/lib/kha"};
  EXPECT_EQ(FormatManifest(manifest),
            std::string(kHeader) +
                "dir\t/etc/kha\n"
                "file\t/etc/kha/pound.cfg\t0644\t" +
                kHello + "\t-\n" + "file\t/srv/kubernetes/server.key\t0600\t" + kSecret +
                "\t/var/lib/kha/backup/20260101T000000Z/srv/kubernetes/server.key\n"
                "dir\t/var/lib/kha\n");
  EXPECT_EQ(ParseManifest(FormatManifest(manifest), "m"), manifest);
}

TEST(ManifestTest, AFingerprintIsASixthField) {
  Manifest manifest;
  manifest.files["/usr/local/sbin/kha-proxy"] = {
      0755, kHello, "", Fingerprint{2483080, 1234567, 1795627746931052094, 1795627746931512608}};
  EXPECT_EQ(FormatManifest(manifest), std::string(kHeader) +
                                          "file\t/usr/local/sbin/kha-proxy\t0755\t" + kHello +
                                          "\t-\t2483080:1234567:1795627746931052094:"
                                          "1795627746931512608\n");
  EXPECT_EQ(ParseManifest(FormatManifest(manifest), "m"), manifest);
}

TEST(ManifestTest, EmptyManifestRoundTrips) {
  EXPECT_EQ(ParseManifest(FormatManifest(Manifest{}), "m"), Manifest{});
}

TEST(ManifestTest, MalformedLinesNameFileAndLine) {
  std::string hash = kHello;
  struct Case {
    std::string text;
    std::string message;
  } cases[] = {
      {"# c\nfile\t/x\t0644\n",
       "/var/lib/kha/manifest:2: expected 5 or 6 tab-separated fields, got 3"},
      {"file\t/x\t0944\t" + hash + "\t-\n", "/var/lib/kha/manifest:1: bad mode \"0944\""},
      {"file\t/x\t0644\tabc\t-\n", "/var/lib/kha/manifest:1: bad SHA-256 \"abc\""},
      {"file\tx\t0644\t" + hash + "\t-\n", "/var/lib/kha/manifest:1: path is not absolute"},
      {"file\t/x\t0644\t" + hash + "\t-\t12:34:56\n",
       "/var/lib/kha/manifest:1: bad file identity \"12:34:56\" (expected SIZE:INODE:MTIME:CTIME)"},
      {"file\t/x\t0644\t" + hash + "\t-\t1:2:3:x\n",
       "/var/lib/kha/manifest:1: bad file identity \"1:2:3:x\" (expected SIZE:INODE:MTIME:CTIME)"},
      {"dir\t/x\textra\n", "/var/lib/kha/manifest:1: expected 2 tab-separated fields, got 3"},
      {"dir\t\n", "/var/lib/kha/manifest:1: empty field 2"},
      {"link\t/x\n", "/var/lib/kha/manifest:1: unknown record \"link\" (expected file or dir)"},
  };
  for (const Case& c : cases) {
    try {
      ParseManifest(c.text, "/var/lib/kha/manifest");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const ApplyError& error) {
      EXPECT_EQ(std::string(error.what()), c.message);
    }
  }
}

}  // namespace
}  // namespace kha::apply
