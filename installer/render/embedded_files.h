// The templates, init files and scripts compiled into kha-install
// (payload/templates/**, init/**, scripts/**; see embed_files.cmake).
#pragma once

#include <span>
#include <string_view>

namespace kha::render {

struct EmbeddedFile {
  std::string_view path;  // relative to the source tree, e.g. "init/systemd/etcd.service"
  std::string_view content;
};

// Every embedded file, sorted by path.
std::span<const EmbeddedFile> EmbeddedFiles();

// The content of the embedded file at `path`; throws std::out_of_range naming
// the path when there is none (a build that lost a template is a bug).
std::string_view EmbeddedFileContent(std::string_view path);

}  // namespace kha::render
