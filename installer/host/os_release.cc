#include "installer/host/os_release.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <vector>

#include "common/file_util.h"

namespace kha::host {
namespace {

bool IsKey(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Shell-style value: quoted and unquoted pieces may not be concatenated per
// os-release(5), but accepting them costs nothing and matches what sh does.
std::string UnquoteValue(std::string_view raw) {
  std::string value;
  size_t i = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '"') {
      ++i;
      while (i < raw.size() && raw[i] != '"') {
        if (raw[i] == '\\' && i + 1 < raw.size() &&
            std::string_view("$\"\\`").find(raw[i + 1]) != std::string_view::npos) {
          ++i;
        }
        value += raw[i++];
      }
      ++i;  // the closing quote (or past the end when it is missing)
    } else if (c == '\'') {
      ++i;
      while (i < raw.size() && raw[i] != '\'') value += raw[i++];
      ++i;
    } else if (c == '\\' && i + 1 < raw.size()) {
      value += raw[i + 1];
      i += 2;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      break;  // an unquoted blank ends the value (a trailing comment may follow)
    } else {
      value += c;
      ++i;
    }
  }
  return value;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The file's content, following one absolute symlink inside ROOT rather than
// out to the running host's file.
std::optional<std::string> ReadUnderRoot(const std::string& root, const std::string& relative,
                                         std::string* path_read) {
  std::string path = UnderRoot(root, relative);
  *path_read = path;
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    std::vector<char> target(4096);
    ssize_t n = readlink(path.c_str(), target.data(), target.size() - 1);
    if (n < 0) throw SystemError("cannot read the link", path, errno);
    std::string link(target.data(), static_cast<size_t>(n));
    if (!link.empty() && link[0] == '/') return ReadFileIfExists(UnderRoot(root, link));
  }
  return ReadFileIfExists(path);
}

}  // namespace

std::map<std::string, std::string> ParseReleaseAssignments(std::string_view text) {
  std::map<std::string, std::string> result;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);

    line = TrimLeft(line);
    if (line.empty() || line[0] == '#') continue;
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view key = line.substr(0, equals);
    if (!IsKey(key)) continue;
    result[std::string(key)] = UnquoteValue(line.substr(equals + 1));
  }
  return result;
}

std::string UnderRoot(const std::string& root, std::string_view absolute_path) {
  std::string joined = root;
  while (!joined.empty() && joined.back() == '/') joined.pop_back();
  if (absolute_path.empty() || absolute_path[0] != '/') joined += '/';
  joined += absolute_path;
  return joined;
}

std::optional<OsRelease> ReadOsRelease(const std::string& root) {
  for (const char* relative : {"/etc/os-release", "/usr/lib/os-release"}) {
    std::string path;
    std::optional<std::string> text = ReadUnderRoot(root, relative, &path);
    if (!text) continue;
    std::map<std::string, std::string> fields = ParseReleaseAssignments(*text);
    OsRelease os;
    // os-release(5): "If not set, a default of "ID=linux" may be used."
    os.id = fields.count("ID") ? Lower(fields["ID"]) : "linux";
    os.version_id = fields["VERSION_ID"];
    os.pretty_name = fields["PRETTY_NAME"];
    os.source_path = path;
    return os;
  }
  std::string path;
  std::optional<std::string> text = ReadUnderRoot(root, "/etc/lsb-release", &path);
  if (!text) return std::nullopt;
  std::map<std::string, std::string> fields = ParseReleaseAssignments(*text);
  OsRelease os;
  os.id = Lower(fields["DISTRIB_ID"]);
  os.version_id = fields["DISTRIB_RELEASE"];
  os.pretty_name = fields["DISTRIB_DESCRIPTION"];
  os.source_path = path;
  return os;
}

}  // namespace kha::host
