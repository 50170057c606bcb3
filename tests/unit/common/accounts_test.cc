#include "common/accounts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace kha {
namespace {

using ::testing::ElementsAre;

// An /etc of odd lines: comments, blanks, CRLF, NIS compat entries, missing
// fields, ids that are not numbers, and a duplicate name (the first wins).
constexpr char kPasswd[] =
    "# users\n"
    "root:x:0:0:root:/root:/bin/bash\n"
    "\n"
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\r\n"
    "short:x:1000:1000\n"
    "badid:x:abc:100:gecos:/home/badid:/bin/sh\n"
    "negative:x:-5:100:gecos:/:/bin/sh\n"
    "nouid:x::100:gecos:/:/bin/sh\n"
    "+nisuser::::::\n"
    "-excluded::::::\n"
    ":x:7:7:no name:/:/bin/sh\n"
    "pound:x:108:112::/nonexistent:/bin/false\n"
    "pound:x:999:999::/second:/bin/false\n"
    "kube:x:4294967295:1:max id:/:/bin/sh\n"
    "last:x:2000:2000:no newline:/home/last:/bin/zsh";

constexpr char kGroup[] =
    "root:x:0:\n"
    "# a comment\n"
    "www-data:x:33:\n"
    "pound:x:112:\n"
    "adm:x:4:syslog,pound\n"
    "ssl-cert:x:111:postgres,pound,\n"
    "broken:x:12\n"
    "badgid:x:twelve:pound\n"
    "again:x:112:pound\n"
    "audio:x:29:alice\n";

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kha-accounts-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ + "/passwd") << kPasswd;
    std::ofstream(dir_ + "/group") << kGroup;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(AccountsTest, FindsUsersAndSkipsMalformedLines) {
  std::optional<Account> www = LookupUser("www-data", dir_);
  ASSERT_TRUE(www.has_value());
  EXPECT_EQ(www->uid, 33u);
  EXPECT_EQ(www->gid, 33u);
  EXPECT_EQ(www->home, "/var/www");
  EXPECT_EQ(www->shell, "/usr/sbin/nologin");  // the CR of a CRLF line is not kept

  EXPECT_FALSE(LookupUser("short", dir_));
  EXPECT_FALSE(LookupUser("badid", dir_));
  EXPECT_FALSE(LookupUser("negative", dir_));
  EXPECT_FALSE(LookupUser("nouid", dir_));
  EXPECT_FALSE(LookupUser("+nisuser", dir_));
  EXPECT_FALSE(LookupUser("", dir_));
  EXPECT_FALSE(LookupUser("kube", dir_));  // (uid_t)-1 would mean "unchanged"
  EXPECT_FALSE(LookupUser("nobody-here", dir_));
  EXPECT_FALSE(LookupUser("Root", dir_));  // names are case-sensitive
}

TEST_F(AccountsTest, FirstDuplicateWinsAndLastLineNeedsNoNewline) {
  std::optional<Account> pound = LookupUser("pound", dir_);
  ASSERT_TRUE(pound.has_value());
  EXPECT_EQ(pound->uid, 108u);
  EXPECT_EQ(pound->home, "/nonexistent");

  std::optional<Account> last = LookupUser("last", dir_);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->uid, 2000u);
  EXPECT_EQ(last->shell, "/bin/zsh");
}

TEST_F(AccountsTest, FindsGroupsWithMembers) {
  std::optional<Group> adm = LookupGroup("adm", dir_);
  ASSERT_TRUE(adm.has_value());
  EXPECT_EQ(adm->gid, 4u);
  EXPECT_THAT(adm->members, ElementsAre("syslog", "pound"));

  std::optional<Group> ssl = LookupGroup("ssl-cert", dir_);
  ASSERT_TRUE(ssl.has_value());
  EXPECT_THAT(ssl->members, ElementsAre("postgres", "pound"));  // trailing comma ignored

  std::optional<Group> root = LookupGroup("root", dir_);
  ASSERT_TRUE(root.has_value());
  EXPECT_TRUE(root->members.empty());

  EXPECT_FALSE(LookupGroup("broken", dir_));
  EXPECT_FALSE(LookupGroup("badgid", dir_));
  EXPECT_FALSE(LookupGroup("wheel", dir_));
}

TEST_F(AccountsTest, SupplementaryGroupsStartWithThePrimaryOnceEach) {
  // "again" has the same gid as the primary group: listed once.
  EXPECT_THAT(SupplementaryGroups("pound", 112, dir_), ElementsAre(112u, 4u, 111u));
  EXPECT_THAT(SupplementaryGroups("www-data", 33, dir_), ElementsAre(33u));
  EXPECT_THAT(SupplementaryGroups("alice", 1000, dir_), ElementsAre(1000u, 29u));
}

TEST_F(AccountsTest, MissingFilesFindNothing) {
  std::string empty = dir_ + "/empty";
  std::filesystem::create_directory(empty);
  EXPECT_FALSE(LookupUser("root", empty));
  EXPECT_FALSE(LookupGroup("root", empty));
  EXPECT_THAT(SupplementaryGroups("root", 0, empty), ElementsAre(0u));
}

TEST(ParsePasswdTest, ReadsEveryField) {
  std::vector<Account> accounts = ParsePasswd("a:x:1:2:A person:/home/a:/bin/sh\n");
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].name, "a");
  EXPECT_EQ(accounts[0].uid, 1u);
  EXPECT_EQ(accounts[0].gid, 2u);
  EXPECT_EQ(accounts[0].home, "/home/a");
  EXPECT_EQ(accounts[0].shell, "/bin/sh");
}

TEST(ParsePasswdTest, TooManyFieldsIsMalformed) {
  EXPECT_TRUE(ParsePasswd("a:x:1:2:g:/h:/s:extra\n").empty());
  EXPECT_TRUE(ParseGroup("g:x:1:a:extra\n").empty());
}

}  // namespace
}  // namespace kha
