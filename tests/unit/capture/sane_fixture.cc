#include "sane_fixture.h"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <stdlib.h>  // mkdtemp, setenv

namespace chartscan::capture::sane_fixture {
namespace {

// Owns the configuration folder and removes it when the process exits.
struct ConfigFolder {
  std::string path;
  ~ConfigFolder() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

ConfigFolder& Folder() {
  static ConfigFolder folder;
  return folder;
}

void CreateFolder(ConfigFolder& folder) {
  std::string pattern = (std::filesystem::temp_directory_path() / "chartscan-sane-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("sane_fixture: cannot create a temporary folder");
  }
  folder.path = buffer.data();
  std::ofstream dll(folder.path + "/dll.conf");
  dll << "# chartscan tests: SANE's virtual devices only\npnm\ntest\n";
  if (!dll) throw std::runtime_error("sane_fixture: cannot write dll.conf");
  // No trailing ':': SANE then reads this folder only, not /etc/sane.d.
  setenv("SANE_CONFIG_DIR", folder.path.c_str(), 1);
}

Status WriteFile(const std::string& path, const std::string& header, const std::uint8_t* data,
                 std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << header;
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) return Status::IoError(path + ": cannot write");
  return Status::Ok();
}

}  // namespace

const std::string& UseVirtualScanners() {
  static std::once_flag once;
  std::call_once(once, [] { CreateFolder(Folder()); });
  return Folder().path;
}

std::string ScratchPath(std::string_view file_name) {
  return UseVirtualScanners() + "/" + std::string(file_name);
}

Status WritePnm(const Image& image, const std::string& path) {
  if (image.empty()) return Status::InvalidArgument("WritePnm: empty image");
  const char* magic = image.format() == PixelFormat::kGray8 ? "P5" : "P6";
  const std::string header = std::string(magic) + "\n" + std::to_string(image.width()) + " " +
                             std::to_string(image.height()) + "\n255\n";
  return WriteFile(path, header, image.data(), image.byte_size());
}

Status WritePbm(const Image& image, const std::string& path) {
  if (image.empty() || image.format() != PixelFormat::kGray8) {
    return Status::InvalidArgument("WritePbm: needs a grey image");
  }
  const std::size_t row_bytes = (static_cast<std::size_t>(image.width()) + 7) / 8;
  std::vector<std::uint8_t> bits(row_bytes * static_cast<std::size_t>(image.height()), 0);
  for (int y = 0; y < image.height(); ++y) {
    const std::uint8_t* row = image.data() + static_cast<std::size_t>(y) * image.width();
    for (int x = 0; x < image.width(); ++x) {
      if (row[x] < 128) bits[y * row_bytes + x / 8] |= static_cast<std::uint8_t>(0x80 >> (x % 8));
    }
  }
  const std::string header =
      "P4\n" + std::to_string(image.width()) + " " + std::to_string(image.height()) + "\n";
  return WriteFile(path, header, bits.data(), bits.size());
}

Image PatternImage(int width, int height, PixelFormat format) {
  Image image(width, height, format);
  const int channels = BytesPerPixel(format);
  for (int y = 0; y < height; ++y) {
    std::uint8_t* row = image.row(y);
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        row[x * channels + c] = static_cast<std::uint8_t>((x * 7 + y * 13 + c * 85) % 256);
      }
    }
  }
  return image;
}

ScanSettings PnmSettings(const std::string& path) {
  ScanSettings settings;
  // "status" = yes clears every status-* simulation.
  settings.device_options = {{"status", "yes"}, {"three-pass", "no"},   {"hand-scanner", "no"},
                             {"grayify", "no"}, {"custom-gamma", "no"}, {"brightness", "0"},
                             {"contrast", "0"}, {"filename", path}};
  return settings;
}

ScanSettings SmallTestScan(ScanSource source, ScanColor color) {
  ScanSettings settings;
  settings.source = source;
  settings.color = color;
  settings.dpi = 50;
  // hand-scanner first: while it is on, the geometry options are inactive.
  settings.device_options = {{"hand-scanner", "no"},  {"read-return-value", "Default"},
                             {"read-delay", "no"},    {"read-limit", "no"},
                             {"ppl-loss", "0"},       {"fuzzy-parameters", "no"},
                             {"tl-x", "0"},           {"tl-y", "0"},
                             {"br-x", "20"},          {"br-y", "20"},
                             {"test-picture", "Grid"}};
  return settings;
}

}  // namespace chartscan::capture::sane_fixture

// LeakSanitizer (asan preset): SANE's test backend loses its picture buffer whenever sane_cancel
// kills its reader thread before the thread frees it, which happens on a cancel and, by a race in
// the backend, at the end of some pages. The leak is in libsane-test alone; our code is not
// suppressed. LSan calls this hook by name; other builds never do.
extern "C" const char* __lsan_default_suppressions() { return "leak:libsane-test.so\n"; }
