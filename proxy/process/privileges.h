// Giving up root after binding: an optional chroot (RootJail), then the
// User/Group from the configuration, in the only safe order (supplementary
// groups, group, user) and verified, so a failure can never leave the proxy
// running as root by accident.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace kha::proxy {

struct Identity {
  std::string user;  // for messages; may be empty when only Group was given
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // passed to setgroups(2)
  bool change_user = false;   // only Group given: keep the uid
};

// Looks `user` and `group` (either may be empty) up in `etc_dir`/passwd and
// `etc_dir`/group. nullopt when both are empty. Throws std::runtime_error
// naming the unknown user or group and the file searched.
std::optional<Identity> ResolveIdentity(const std::string& user, const std::string& group,
                                        const std::string& etc_dir = "/etc");

// chroot(dir) and chdir("/"). Throws SystemError.
void EnterRootJail(const std::string& dir);

// setgroups, setgid, setuid; then checks the real, effective and saved ids
// and that root cannot be regained. Throws std::runtime_error.
void DropPrivileges(const Identity& identity);

}  // namespace kha::proxy
