// The barcode stage's boundary: checks input, makes a grey image with square pixels, runs the
// ZXing reader (zxing_reader.cc) and the patch-code finder (patch.cc), maps boxes back to the
// caller's pixels, classifies payloads and converts every exception into a Status.
//
// Anisotropic pages (a 204 x 98 dpi fax) are stretched along the coarser axis to the finer
// resolution before reading: ZXing and the patch finder both assume square pixels.
#include <algorithm>
#include <cmath>
#include <exception>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <chartscan/barcode/barcode.h>

#include "internal.h"

namespace chartscan::barcode {
namespace {

constexpr double kMaxDpi = 4800;
// Unknown resolution: assume a US Letter or A4 sheet, about 8.5 inches wide.
constexpr double kAssumedPageWidthInches = 8.5;

bool IsPatchType(const std::string& t) {
  static const char* const kTypes[] = {"1", "2", "3", "4", "6", "T"};
  return std::any_of(std::begin(kTypes), std::end(kTypes), [&](const char* k) { return t == k; });
}

// Compiled patterns for one call. std::regex objects are only read, so one call's matcher is safe;
// nothing is shared between calls.
struct Matcher {
  std::regex separator;
  bool has_separator = false;
  std::regex label;
  bool has_label = false;
};

Result<Matcher> Compile(const BarcodeOptions& o) {
  Matcher m;
  try {
    if (!o.separator_pattern.empty()) {
      m.separator = std::regex(o.separator_pattern, std::regex::ECMAScript);
      m.has_separator = true;
    }
    if (!o.patient_label_pattern.empty()) {
      m.label = std::regex(o.patient_label_pattern, std::regex::ECMAScript);
      m.has_label = true;
    }
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument(std::string("barcode options: bad pattern: ") + e.what());
  }
  return m;
}

BarcodeKind Kind(std::string_view payload, const BarcodeOptions& o, const Matcher& m) {
  for (const std::string& prefix : o.separator_prefixes) {
    if (!prefix.empty() && payload.starts_with(prefix)) return BarcodeKind::kSeparator;
  }
  if (m.has_separator && std::regex_match(payload.begin(), payload.end(), m.separator)) {
    return BarcodeKind::kSeparator;
  }
  if (m.has_label && std::regex_match(payload.begin(), payload.end(), m.label)) {
    return BarcodeKind::kPatientLabel;
  }
  return BarcodeKind::kOther;
}

cv::Mat Gray(const ImageView& page) {
  const int type = page.format() == PixelFormat::kGray8 ? CV_8UC1 : CV_8UC3;
  cv::Mat wrapped(page.height(), page.width(), type, const_cast<std::uint8_t*>(page.data()),
                  static_cast<std::size_t>(page.stride()));
  cv::Mat gray;
  if (type == CV_8UC1) {
    gray = wrapped.clone();
  } else {
    cv::cvtColor(wrapped, gray, cv::COLOR_RGB2GRAY);
  }
  return gray;
}

Result<std::vector<Barcode>> Read(const ImageView& page, Resolution res, const BarcodeOptions& o) {
  CHARTSCAN_RETURN_IF_ERROR(o.Validate());
  if (page.empty()) return Status::InvalidArgument("barcode: empty image");
  if (res.x_dpi < 0 || res.y_dpi < 0 || res.x_dpi > kMaxDpi || res.y_dpi > kMaxDpi) {
    return Status::InvalidArgument("barcode: resolution out of range");
  }
  if (static_cast<long long>(page.width()) * page.height() > o.max_pixels) {
    return Status::TooLarge("barcode: page of " + std::to_string(page.width()) + "x" +
                            std::to_string(page.height()) + " pixels exceeds the limit");
  }
  CHARTSCAN_ASSIGN_OR_RETURN(Matcher matcher, Compile(o));
  try {
    cv::Mat gray = Gray(page);
    // Square pixels at the finer of the two resolutions.
    double dpi = std::max(res.x_dpi, res.y_dpi);
    double sx = 1, sy = 1;
    if (res.known() && res.x_dpi != res.y_dpi) {
      sx = dpi / res.x_dpi;
      sy = dpi / res.y_dpi;
      cv::resize(gray, gray, cv::Size(), sx, sy, cv::INTER_LINEAR);
    }
    if (!res.known()) dpi = page.width() / kAssumedPageWidthInches;

    std::vector<internal::Found> found =
        internal::ReadWithZxing(gray, dpi, o.symbologies, o.retry_cleaned);
    std::size_t decoded = found.size();
    if (o.detect_patch_codes) {
      for (internal::Found& f : internal::FindPatchCodes(gray, dpi)) found.push_back(std::move(f));
    }

    std::vector<Barcode> out;
    for (std::size_t i = 0; i < found.size(); ++i) {
      const internal::Found& f = found[i];
      Barcode b;
      b.payload = f.payload;
      b.symbology = f.symbology;
      int x0 = static_cast<int>(std::floor(f.box.x / sx));
      int y0 = static_cast<int>(std::floor(f.box.y / sy));
      int x1 = std::min(page.width(), static_cast<int>(std::ceil(f.box.br().x / sx)));
      int y1 = std::min(page.height(), static_cast<int>(std::ceil(f.box.br().y / sy)));
      b.box = {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
      b.angle = f.angle;
      b.kind = i < decoded ? Kind(b.payload, o, matcher) : BarcodeKind::kPatch;
      out.push_back(std::move(b));
    }
    std::stable_sort(out.begin(), out.end(), [](const Barcode& a, const Barcode& b) {
      return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
    });
    return out;
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("barcode: OpenCV: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("barcode: ZXing: ") + e.what());
  }
}

}  // namespace

Status BarcodeOptions::Validate() const {
  try {
    internal::CheckSymbologies(symbologies);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("barcode options: ") + e.what());
  }
  for (const std::string& t : separator_patches) {
    if (!IsPatchType(t)) return Status::InvalidArgument("barcode options: unknown patch type " + t);
  }
  if (max_pixels <= 0) return Status::InvalidArgument("barcode options: max_pixels must be > 0");
  Result<Matcher> m = Compile(*this);
  return m.ok() ? Status::Ok() : m.status();
}

Result<std::vector<Barcode>> ReadBarcodes(const ImageView& page, double dpi,
                                          const BarcodeOptions& options) {
  return Read(page, Resolution{dpi, dpi}, options);
}

Result<std::vector<Barcode>> ReadBarcodes(const ImageView& page, Resolution resolution,
                                          const BarcodeOptions& options) {
  return Read(page, resolution, options);
}

Result<BarcodeKind> ClassifyPayload(std::string_view payload, const BarcodeOptions& options) {
  CHARTSCAN_ASSIGN_OR_RETURN(Matcher matcher, Compile(options));
  return Kind(payload, options, matcher);
}

SeparatorSheet ClassifySeparator(const std::vector<Barcode>& barcodes,
                                 const BarcodeOptions& options) {
  for (std::size_t i = 0; i < barcodes.size(); ++i) {
    if (barcodes[i].kind == BarcodeKind::kSeparator) {
      return {true, BarcodeKind::kSeparator, static_cast<int>(i)};
    }
  }
  for (std::size_t i = 0; i < barcodes.size(); ++i) {
    const Barcode& b = barcodes[i];
    if (b.kind != BarcodeKind::kPatch || !b.payload.starts_with("PATCH ")) continue;
    std::string type = b.payload.substr(6);
    if (std::find(options.separator_patches.begin(), options.separator_patches.end(), type) !=
        options.separator_patches.end()) {
      return {true, BarcodeKind::kPatch, static_cast<int>(i)};
    }
  }
  return {};
}

Result<SeparatorSheet> DetectSeparator(const ImageView& page, double dpi,
                                       const BarcodeOptions& options) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<Barcode> barcodes, ReadBarcodes(page, dpi, options));
  return ClassifySeparator(barcodes, options);
}

}  // namespace chartscan::barcode
