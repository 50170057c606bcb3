// User and group look-ups by reading /etc/passwd and /etc/group directly.
// The executables link statically, and glibc's getpwnam() would load the
// host's NSS modules at run time (reference/static-build.md), so we parse
// the files ourselves; accounts that live only in LDAP and the like are not seen.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kha {

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;  // the primary group
  std::string home;
  std::string shell;
};

struct Group {
  std::string name;
  gid_t gid = 0;
  std::vector<std::string> members;
};

// Parses passwd(5) / group(5) text. Lines that are blank, comments ('#'),
// NIS compat entries ('+'/'-'), or malformed (too few fields, an id that is
// not a number) are skipped, as glibc's files backend skips them.
std::vector<Account> ParsePasswd(std::string_view text);
std::vector<Group> ParseGroup(std::string_view text);

// The first entry named `name` in `etc_dir`/passwd or `etc_dir`/group; nullopt
// when there is none or the file does not exist. Throws SystemError when the
// file exists but cannot be read.
std::optional<Account> LookupUser(std::string_view name, const std::string& etc_dir = "/etc");
std::optional<Group> LookupGroup(std::string_view name, const std::string& etc_dir = "/etc");

// The groups `user` belongs to: `primary_gid` first, then every group in
// `etc_dir`/group listing `user` as a member, each gid once. What
// initgroups(3) would pass to setgroups(2).
std::vector<gid_t> SupplementaryGroups(std::string_view user, gid_t primary_gid,
                                       const std::string& etc_dir = "/etc");

}  // namespace kha
