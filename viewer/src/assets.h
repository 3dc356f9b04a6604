// The front end (viewer/web), built into the binary by cmake/EmbedFiles.cmake.
#pragma once

#include <cstddef>
#include <string_view>

namespace chartscan::viewer {

struct Asset {
  const char* data;
  std::size_t size;
  const char* content_type;
};

// The file of that exact name ("index.html", "js/search.js"), or null.
const Asset* FindAsset(std::string_view name);

}  // namespace chartscan::viewer
