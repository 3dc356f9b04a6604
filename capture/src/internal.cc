// Limits, messages and the once-per-process setup of Leptonica.
#include "internal.h"

#include <algorithm>
#include <mutex>

#include <leptonica/allheaders.h>

namespace chartscan::capture {
namespace {

constexpr std::size_t kMaxLibraryMessage = 160;

}  // namespace

std::string PageLabel(const std::string& name, int index) {
  return "page " + std::to_string(index + 1) + " of " + name;
}

Status CheckDimensions(std::int64_t width, std::int64_t height, const CaptureOptions& options,
                       const std::string& where) {
  if (width <= 0 || height <= 0) {
    return Status::Corrupt(where + ": invalid image size " + std::to_string(width) + " x " +
                           std::to_string(height));
  }
  std::string size = std::to_string(width) + " x " + std::to_string(height) + " pixels";
  if (width > options.max_page_dimension || height > options.max_page_dimension) {
    return Status::TooLarge(where + ": " + size + " exceeds the limit of " +
                            std::to_string(options.max_page_dimension) + " pixels per side");
  }
  // Both sides are at most max_page_dimension (an int), so the product fits in 64 bits.
  if (width * height > options.max_page_pixels) {
    return Status::TooLarge(where + ": " + size + " exceeds the limit of " +
                            std::to_string(options.max_page_pixels) + " pixels per page");
  }
  return Status::Ok();
}

Status NoSuchPage(const std::string& name, int index, int page_count) {
  return Status::NotFound(name + ": no page " + std::to_string(static_cast<long long>(index) + 1) +
                          " (the file has " + std::to_string(page_count) + ")");
}

void InitializeImageLibraries() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

std::string SanitizeLibraryMessage(std::string_view message) {
  std::string out;
  out.reserve(std::min(message.size(), kMaxLibraryMessage));
  for (char c : message) {
    if (out.size() >= kMaxLibraryMessage) break;
    unsigned char u = static_cast<unsigned char>(c);
    if (u == '\n' || u == '\r' || u == '\t') {
      out += ' ';
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace chartscan::capture
