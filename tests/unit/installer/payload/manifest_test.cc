#include "installer/payload/manifest.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kha::payload {
namespace {

const std::string kDigest(64, 'a');

std::string ErrorOf(std::string_view text) {
  try {
    ParseManifest(text);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "no error";
}

TEST(Manifest, FormatThenParseGivesTheSameEntries) {
  Manifest manifest;
  manifest.version = "0.1.0";
  manifest.build_date = "2026-11-25";
  manifest.entries.push_back({"init", true, 0755, 0, ""});
  manifest.entries.push_back({"init/with space.conf", false, 0644, 12, kDigest});
  std::string text = FormatManifest(manifest);
  EXPECT_EQ(text,
            "kha-manifest 1\nversion 0.1.0\nbuild-date 2026-11-25\ndir 0755 0 - init\n"
            "file 0644 12 " +
                kDigest + " init/with space.conf\n");
  Manifest parsed = ParseManifest(text);
  EXPECT_EQ(parsed.version, "0.1.0");
  EXPECT_EQ(parsed.build_date, "2026-11-25");
  ASSERT_EQ(parsed.entries.size(), 2u);
  EXPECT_TRUE(parsed.entries[0].directory);
  EXPECT_EQ(parsed.entries[1].path, "init/with space.conf");
  EXPECT_EQ(parsed.entries[1].mode, 0644u);
  EXPECT_EQ(parsed.entries[1].size, 12u);
  EXPECT_EQ(parsed.entries[1].sha256, kDigest);
  EXPECT_EQ(parsed.Find("init/with space.conf"), &parsed.entries[1]);
  EXPECT_EQ(parsed.Find("nope"), nullptr);
}

TEST(Manifest, RefusesUnsafeAndMalformedLines) {
  EXPECT_EQ(ErrorOf(""), "manifest is empty");
  EXPECT_EQ(ErrorOf("kha-manifest 2\n"), "manifest line 1: expected \"kha-manifest 1\"");
  EXPECT_EQ(ErrorOf("kha-manifest 1\nfile 0644 1 " + kDigest + " ../etc/passwd\n"),
            "manifest line 2: unsafe path \"../etc/passwd\"");
  EXPECT_EQ(ErrorOf("kha-manifest 1\nfile 0644 1 " + kDigest + " /etc/passwd\n"),
            "manifest line 2: unsafe path \"/etc/passwd\"");
  EXPECT_EQ(ErrorOf("kha-manifest 1\nfile 4755 1 " + kDigest + " bin/x\n"),
            "manifest line 2: bad mode");
  EXPECT_EQ(ErrorOf("kha-manifest 1\nfile 0644 1 xyz bin/x\n"), "manifest line 2: bad SHA-256");
  EXPECT_EQ(ErrorOf("kha-manifest 1\ndir 0755 3 - bin\n"),
            "manifest line 2: a directory has size 0 and digest -");
  EXPECT_EQ(ErrorOf("kha-manifest 1\ndir 0755 0 - bin\ndir 0755 0 - bin\n"),
            "manifest line 3: duplicate path \"bin\"");
  EXPECT_EQ(ErrorOf("kha-manifest 1\nlink 0755 0 - bin\n"),
            "manifest line 2: unknown keyword \"link\"");
  EXPECT_EQ(ErrorOf("kha-manifest 1\nversion 1"), "manifest line 2: missing final newline");
}

TEST(Manifest, SafeRelativePaths) {
  EXPECT_TRUE(IsSafeRelativePath("bin/kha-proxy"));
  EXPECT_TRUE(IsSafeRelativePath("a..b/c"));
  EXPECT_FALSE(IsSafeRelativePath(""));
  EXPECT_FALSE(IsSafeRelativePath("/bin"));
  EXPECT_FALSE(IsSafeRelativePath("../bin"));
  EXPECT_FALSE(IsSafeRelativePath("bin/../../x"));
  EXPECT_FALSE(IsSafeRelativePath("bin/./x"));
  EXPECT_FALSE(IsSafeRelativePath("bin//x"));
  EXPECT_FALSE(IsSafeRelativePath("bin/"));
  EXPECT_FALSE(IsSafeRelativePath("bin\\..\\x"));
  EXPECT_FALSE(IsSafeRelativePath(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace kha::payload
