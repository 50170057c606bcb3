// Test helpers: a temporary folder removed afterwards, and a snapshot of a
// whole tree (type, mode, content or link target of every entry) so tests
// can assert that a tree is byte for byte what it was.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace kha::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/kha-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes a file (creating its folders) with exactly `mode`.
inline void PutFile(const std::string& path, const std::string& content, mode_t mode = 0644) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  ::chmod(path.c_str(), mode);
}

inline std::string GetFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

inline bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

inline mode_t ModeOf(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  return st.st_mode & 07777;
}

// relative path -> "dir 0755", "file 0644 <content>", "link <target>".
using TreeSnapshot = std::map<std::string, std::string>;

inline TreeSnapshot Snapshot(const std::string& root) {
  TreeSnapshot snapshot;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    std::string path = entry.path().string();
    std::string relative = path.substr(root.size());
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(ModeOf(path)));
    if (entry.is_symlink()) {
      snapshot[relative] = "link " + std::filesystem::read_symlink(entry.path()).string();
    } else if (entry.is_directory()) {
      snapshot[relative] = std::string("dir ") + mode;
    } else {
      snapshot[relative] = std::string("file ") + mode + " " + GetFile(path);
    }
  }
  return snapshot;
}

}  // namespace kha::testing
