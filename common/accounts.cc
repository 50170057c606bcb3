#include "common/accounts.h"

#include <algorithm>
#include <charconv>

#include "common/file_util.h"

namespace kha {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    size_t end = line.find(separator, start);
    if (end == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

// Calls `handle` with the fields of every line that is not blank, a comment
// or a NIS compat entry.
template <typename Handle>
void ForEachEntry(std::string_view text, Handle handle) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || line.front() == '+' || line.front() == '-') {
      continue;
    }
    handle(SplitFields(line, ':'));
  }
}

template <typename Id>
std::optional<Id> ParseId(std::string_view text) {
  unsigned long value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  // (uid_t)-1 means "no change" to setuid(2) and friends; never hand it out.
  if (value >= static_cast<unsigned long>(static_cast<Id>(-1))) return std::nullopt;
  return static_cast<Id>(value);
}

std::string ReadEtcFile(const std::string& etc_dir, const char* name) {
  return ReadFileIfExists(etc_dir + "/" + name).value_or(std::string());
}

}  // namespace

std::vector<Account> ParsePasswd(std::string_view text) {
  std::vector<Account> accounts;
  ForEachEntry(text, [&](const std::vector<std::string_view>& fields) {
    // name:password:uid:gid:gecos:home:shell
    if (fields.size() != 7 || fields[0].empty()) return;
    std::optional<uid_t> uid = ParseId<uid_t>(fields[2]);
    std::optional<gid_t> gid = ParseId<gid_t>(fields[3]);
    if (!uid || !gid) return;
    accounts.push_back(Account{std::string(fields[0]), *uid, *gid, std::string(fields[5]),
                               std::string(fields[6])});
  });
  return accounts;
}

std::vector<Group> ParseGroup(std::string_view text) {
  std::vector<Group> groups;
  ForEachEntry(text, [&](const std::vector<std::string_view>& fields) {
    // name:password:gid:member,member,...
    if (fields.size() != 4 || fields[0].empty()) return;
    std::optional<gid_t> gid = ParseId<gid_t>(fields[2]);
    if (!gid) return;
    Group group{std::string(fields[0]), *gid, {}};
    if (!fields[3].empty()) {
      for (std::string_view member : SplitFields(fields[3], ',')) {
        if (!member.empty()) group.members.emplace_back(member);
      }
    }
    groups.push_back(std::move(group));
  });
  return groups;
}

std::optional<Account> LookupUser(std::string_view name, const std::string& etc_dir) {
  for (Account& account : ParsePasswd(ReadEtcFile(etc_dir, "passwd"))) {
    if (account.name == name) return std::move(account);
  }
  return std::nullopt;
}

std::optional<Group> LookupGroup(std::string_view name, const std::string& etc_dir) {
  for (Group& group : ParseGroup(ReadEtcFile(etc_dir, "group"))) {
    if (group.name == name) return std::move(group);
  }
  return std::nullopt;
}

std::vector<gid_t> SupplementaryGroups(std::string_view user, gid_t primary_gid,
                                       const std::string& etc_dir) {
  std::vector<gid_t> gids{primary_gid};
  for (const Group& group : ParseGroup(ReadEtcFile(etc_dir, "group"))) {
    bool member =
        std::find(group.members.begin(), group.members.end(), user) != group.members.end();
    if (member && std::find(gids.begin(), gids.end(), group.gid) == gids.end()) {
      gids.push_back(group.gid);
    }
  }
  return gids;
}

}  // namespace kha
