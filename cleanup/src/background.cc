// Background normalization.
//
// Method: estimate the paper brightness at every pixel and divide the page by it (the "background
// normalization" of Leptonica's pixBackgroundNorm, done with OpenCV). The estimate is a grey
// morphological closing of a reduced page: closing (max filter, then min filter) with a structuring
// element larger than any glyph erases text, leaving the paper with its shadows, gradients and
// tint; dark regions larger than the element (scanner borders, black margins) survive the closing
// and so are divided away too. The reduction keeps the filter cheap; the estimate is smoothed and
// scaled back up with linear interpolation, which is right because illumination varies slowly.
//
// Parameters (at the page's dpi):
// - reduction: one reduced pixel per ~1/37 inch (8x at 300 dpi).
// - closing element: ~0.4 inch, larger than bold 24 pt headings and punch holes (kept dark so they
//   can be recognized and removed later) but smaller than shadows and borders.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {

cv::Mat NormalizeBackground(const cv::Mat& gray, double dpi, double* paper_level) {
  const int factor = std::max(1, static_cast<int>(dpi / 37.5 + 0.5));
  cv::Mat small;
  cv::resize(gray, small,
             cv::Size(std::max(1, gray.cols / factor), std::max(1, gray.rows / factor)), 0, 0,
             cv::INTER_AREA);
  const int k = std::max(3, static_cast<int>(0.4 * dpi / factor) | 1);
  cv::Mat bg;
  cv::morphologyEx(small, bg, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k)));
  cv::medianBlur(bg, bg, 5);
  cv::GaussianBlur(bg, bg, cv::Size(0, 0), 2.0);

  if (paper_level) {
    std::vector<uchar> values(bg.begin<uchar>(), bg.end<uchar>());
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    *paper_level = values.empty() ? 255 : values[values.size() / 2];
  }

  cv::Mat bg_full;
  cv::resize(bg, bg_full, gray.size(), 0, 0, cv::INTER_LINEAR);
  // gray * 255 / bg with a fixed-point reciprocal table: same result as cv::divide to within one
  // grey level, at a fraction of the cost of its per-pixel floating-point division.
  std::array<std::uint32_t, 256> reciprocal{};
  for (int b = 0; b < 256; ++b)
    reciprocal[static_cast<size_t>(b)] = (255u << 16) / static_cast<std::uint32_t>(std::max(b, 1));
  cv::Mat normalized(gray.size(), CV_8UC1);
  for (int y = 0; y < gray.rows; ++y) {
    const uchar* g = gray.ptr<uchar>(y);
    const uchar* b = bg_full.ptr<uchar>(y);
    uchar* o = normalized.ptr<uchar>(y);
    for (int x = 0; x < gray.cols; ++x) {
      const std::uint32_t v = (g[x] * reciprocal[b[x]] + (1u << 15)) >> 16;
      o[x] = static_cast<uchar>(std::min<std::uint32_t>(v, 255));
    }
  }
  return normalized;
}

}  // namespace chartscan::cleanup
