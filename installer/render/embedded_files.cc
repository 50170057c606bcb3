#include "installer/render/embedded_files.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace kha::render {

std::string_view EmbeddedFileContent(std::string_view path) {
  std::span<const EmbeddedFile> files = EmbeddedFiles();
  auto it =
      std::lower_bound(files.begin(), files.end(), path,
                       [](const EmbeddedFile& file, std::string_view p) { return file.path < p; });
  if (it == files.end() || it->path != path)
    throw std::out_of_range("no embedded file \"" + std::string(path) + "\"");
  return it->content;
}

}  // namespace kha::render
