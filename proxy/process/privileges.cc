#include "proxy/process/privileges.h"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/accounts.h"
#include "common/file_util.h"

namespace kha::proxy {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

std::optional<Identity> ResolveIdentity(const std::string& user, const std::string& group,
                                        const std::string& etc_dir) {
  if (user.empty() && group.empty()) return std::nullopt;
  Identity identity;
  identity.gid = getgid();
  identity.uid = getuid();
  if (!user.empty()) {
    std::optional<Account> account = LookupUser(user, etc_dir);
    if (!account) {
      throw std::runtime_error("unknown User \"" + user + "\" (not in " + etc_dir + "/passwd)");
    }
    identity.user = user;
    identity.uid = account->uid;
    identity.gid = account->gid;
    identity.change_user = true;
  }
  if (!group.empty()) {
    std::optional<Group> found = LookupGroup(group, etc_dir);
    if (!found) {
      throw std::runtime_error("unknown Group \"" + group + "\" (not in " + etc_dir + "/group)");
    }
    identity.gid = found->gid;
  }
  identity.groups = user.empty() ? std::vector<gid_t>{identity.gid}
                                 : SupplementaryGroups(user, identity.gid, etc_dir);
  if (identity.groups.empty() || identity.groups.front() != identity.gid) {
    identity.groups.insert(identity.groups.begin(), identity.gid);
  }
  return identity;
}

void EnterRootJail(const std::string& dir) {
  if (chroot(dir.c_str()) != 0) throw SystemError("cannot chroot to", dir, errno);
  if (chdir("/") != 0) throw SystemError("cannot change to / in", dir, errno);
}

void DropPrivileges(const Identity& identity) {
  std::string who =
      identity.user.empty() ? "group " + std::to_string(identity.gid) : "user " + identity.user;
  if (setgroups(identity.groups.size(), identity.groups.data()) != 0) {
    Fail("cannot set supplementary groups for " + who);
  }
  if (setresgid(identity.gid, identity.gid, identity.gid) != 0) {
    Fail("cannot change group to " + std::to_string(identity.gid));
  }
  if (identity.change_user && setresuid(identity.uid, identity.uid, identity.uid) != 0) {
    Fail("cannot change user to " + who);
  }

  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  getresuid(&ruid, &euid, &suid);
  getresgid(&rgid, &egid, &sgid);
  if (rgid != identity.gid || egid != identity.gid || sgid != identity.gid) {
    throw std::runtime_error("group change to " + std::to_string(identity.gid) +
                             " did not take effect");
  }
  if (identity.change_user) {
    if (ruid != identity.uid || euid != identity.uid || suid != identity.uid) {
      throw std::runtime_error("user change to " + who + " did not take effect");
    }
    if (identity.uid != 0 && setuid(0) == 0) {
      throw std::runtime_error("root privileges could be regained after changing to " + who);
    }
  }
}

}  // namespace kha::proxy
