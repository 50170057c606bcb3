#include "installer/host/os_release.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/unit/installer/apply/temp_tree.h"

namespace kha::host {
namespace {

using Fields = std::map<std::string, std::string>;

TEST(ParseReleaseAssignmentsTest, QuotingAsOsReleaseDefinesIt) {
  Fields fields = ParseReleaseAssignments(
      "# a comment\n"
      "\n"
      "PLAIN=ubuntu\n"
      "DOUBLE=\"Ubuntu 16.04.7 LTS\"\n"
      "ESCAPES=\"say \\\"hi\\\" \\$HOME \\\\ \\` \\n\"\n"
      "SINGLE='no $expansion \\ here'\n"
      "  INDENTED=yes\n"
      "UNQUOTED_ESCAPE=a\\ b\n"
      "TRAILING=\"value\"   # comment\n"
      "EMPTY=\n"
      "not an assignment\n"
      "1BAD=key\n"
      "UNTERMINATED=\"open");
  EXPECT_EQ(fields, (Fields{{"PLAIN", "ubuntu"},
                            {"DOUBLE", "Ubuntu 16.04.7 LTS"},
                            {"ESCAPES", "say \"hi\" $HOME \\ ` \\n"},
                            {"SINGLE", "no $expansion \\ here"},
                            {"INDENTED", "yes"},
                            {"UNQUOTED_ESCAPE", "a b"},
                            {"TRAILING", "value"},
                            {"EMPTY", ""},
                            {"UNTERMINATED", "open"}}));
}

TEST(ParseReleaseAssignmentsTest, LaterAssignmentWins) {
  EXPECT_EQ(ParseReleaseAssignments("ID=a\nID=b\n"), (Fields{{"ID", "b"}}));
}

TEST(UnderRootTest, JoinsWithoutDoubleSlashes) {
  EXPECT_EQ(UnderRoot("/", "/etc/os-release"), "/etc/os-release");
  EXPECT_EQ(UnderRoot("", "/etc/os-release"), "/etc/os-release");
  EXPECT_EQ(UnderRoot("/tmp/r/", "/etc/os-release"), "/tmp/r/etc/os-release");
  EXPECT_EQ(UnderRoot("/tmp/r", "/etc/os-release"), "/tmp/r/etc/os-release");
}

TEST(ReadOsReleaseTest, PrefersEtcOverUsrLibOverLsbRelease) {
  testing::TempDir root;
  EXPECT_FALSE(ReadOsRelease(root.path()).has_value());

  testing::PutFile(root.path() + "/etc/lsb-release",
                   "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_DESCRIPTION=\"lsb\"\n");
  std::optional<OsRelease> os = ReadOsRelease(root.path());
  ASSERT_TRUE(os);
  EXPECT_EQ(os->id, "ubuntu");
  EXPECT_EQ(os->source_path, root.path() + "/etc/lsb-release");

  testing::PutFile(root.path() + "/usr/lib/os-release", "ID=debian\nVERSION_ID=\"11\"\n");
  os = ReadOsRelease(root.path());
  ASSERT_TRUE(os);
  EXPECT_EQ(os->id, "debian");
  EXPECT_EQ(os->source_path, root.path() + "/usr/lib/os-release");

  testing::PutFile(root.path() + "/etc/os-release", "ID=ubuntu\nVERSION_ID=\"16.04\"\n");
  os = ReadOsRelease(root.path());
  ASSERT_TRUE(os);
  EXPECT_EQ(os->version_id, "16.04");
  EXPECT_EQ(os->source_path, root.path() + "/etc/os-release");
}

TEST(ReadOsReleaseTest, MissingIdDefaultsToLinux) {
  testing::TempDir root;
  testing::PutFile(root.path() + "/etc/os-release", "NAME=Something\n");
  EXPECT_EQ(ReadOsRelease(root.path())->id, "linux");
}

TEST(ReadOsReleaseTest, AbsoluteSymlinkIsResolvedInsideTheRoot) {
  // The running host is Debian; the root holds Ubuntu 16.04 behind an
  // absolute link, which must not lead out to the host's own file.
  testing::TempDir root;
  testing::PutFile(root.path() + "/usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"16.04\"\n");
  std::filesystem::create_directories(root.path() + "/etc");
  ASSERT_EQ(symlink("/usr/lib/os-release", (root.path() + "/etc/os-release").c_str()), 0);
  std::optional<OsRelease> os = ReadOsRelease(root.path());
  ASSERT_TRUE(os);
  EXPECT_EQ(os->id, "ubuntu");
  EXPECT_EQ(os->version_id, "16.04");
}

}  // namespace
}  // namespace kha::host
