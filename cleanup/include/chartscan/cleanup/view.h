// Page images for people to look at (the viewer): thumbnails, evidence crops and originals turned
// upright, re-encoded from what the store keeps.
//
// Errors: kInvalidArgument for invalid options or a crop outside the image, kCorrupt for bytes
// that do not decode as an image, kInternal if OpenCV throws (converted here).
// Thread safety: reentrant.
#pragma once

#include <optional>
#include <string_view>

#include <chartscan/cleanup/cleanup.h>
#include <chartscan/models/geometry.h>
#include <chartscan/models/image.h>
#include <chartscan/models/status.h>

namespace chartscan::cleanup {

struct ViewOptions {
  int rotate_clockwise = 0;  // 0, 90, 180 or 270, applied first
  // Then cropped to this box (in the rotated image's pixels) grown by crop_margin on each side and
  // clipped to the image.
  std::optional<Box> crop;
  int crop_margin = 0;
  int max_width = 0;  // then scaled down (never up) to at most this width; 0: kept
  bool jpeg = false;  // JPEG (grey or colour scans) instead of PNG (bilevel and cleaned pages)
  int jpeg_quality = 85;

  Status Validate() const;
};

Result<EncodedImage> RenderForView(const ImageView& image, const ViewOptions& options);
// Decodes a stored image (PNG or JPEG bytes) first.
Result<EncodedImage> RenderForView(std::string_view encoded, const ViewOptions& options);

}  // namespace chartscan::cleanup
