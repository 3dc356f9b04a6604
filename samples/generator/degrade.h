// Scanner, paper and transmission effects applied to a rendered page.
//
// A profile turns an ink-coverage map (render.h) into the grey or bilevel image a scanner or fax
// machine would have stored, and records the geometry it applied (skew, orientation, scanner
// margin) as the 2x3 page_to_image map of truth.h. Profiles:
//   clean      300 dpi, white paper, skew <= 0.3 degrees
//   light      300 dpi, slightly grey paper, mild noise, skew up to 2 degrees
//   heavy      300 dpi, uneven grey paper, illumination gradient and binding shadow, mirrored
//              bleed-through from the back side, low contrast, gaussian and salt-and-pepper noise,
//              dark scanner lid around the sheet, punch holes, 1-3 degrees skew
//   fax        204 x 98 (or 200 x 200) dpi bilevel: noisy threshold, dropped rows, speckles
//   faint      faded thermal print: light grey text fading unevenly
//   photocopy  boosted contrast and heavier strokes, halftone-dotted grey background, toner
//              specks and drum streaks
//   lowres     150 dpi grey, soft, meant to be stored as a JPEG
//   rotated    light scan turned 90, 180 or 270 degrees, small skew
//   blank      no content: off-white noisy paper, sometimes faint bleed-through
// Every random choice comes from the Rng passed in, so a profile is deterministic in it.
//
// Thread safety: pure functions. Errors: OpenCV exceptions become Status (kInternal).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include <chartscan/models/status.h>
#include <chartscan/samples/rng.h>

namespace chartscan::samples {

struct Degraded {
  cv::Mat image;         // CV_8UC1; 0 and 255 only when bilevel
  bool bilevel = false;  // fax: store as CCITT G4
  int orientation = 0;   // clockwise degrees that make image upright
  double skew = 0;       // degrees, positive = content rotated clockwise
  std::array<double, 6> page_to_image = {1, 0, 0, 0, 1, 0};
};

const std::vector<std::string>& ProfileNames();  // every profile above, blank last
bool IsProfile(std::string_view name);

// The resolution a profile renders at; fax picks 204 x 98 or 200 x 200 from rng.
void ProfileResolution(std::string_view profile, Rng& rng, int& dpi_x, int& dpi_y);

// Applies a profile to ink (CV_8UC1 coverage at the profile's resolution). back_ink, if not
// empty, is the ink of another page of the same size; profiles that show bleed-through mirror it
// as the back of the sheet. Blank pages pass an all-zero ink map.
Result<Degraded> Degrade(std::string_view profile, const cv::Mat& ink, const cv::Mat& back_ink,
                         int dpi_x, int dpi_y, Rng rng);

}  // namespace chartscan::samples
