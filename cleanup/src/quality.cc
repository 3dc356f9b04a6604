// Blur estimate.
//
// A sharp ink edge goes from ink to paper within a pixel or two; a blurred one spreads over
// several. For a ramp of width w and height C (paper minus ink), the 3x3 Sobel response peaks at
// about 4C/w (Sobel's weights sum to 4 across the edge, spread over w pixels, at most 4C). We take
// the strongest responses along the ink boundary (the 75th percentile of Sobel magnitude on pixels
// next to the ink mask edge) and report w = 4C / response, scaled to 300 dpi.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {

double EstimateBlur(const cv::Mat& normalized, const cv::Mat& binary, double dpi) {
  // Every third row is plenty for a page-wide statistic and keeps this a few milliseconds.
  std::vector<float> mags;
  std::vector<int> ink;
  for (int y = 1; y < binary.rows - 1; y += 3) {
    const uchar* b = binary.ptr<uchar>(y);
    const uchar* up = binary.ptr<uchar>(y - 1);
    const uchar* down = binary.ptr<uchar>(y + 1);
    const uchar* n0 = normalized.ptr<uchar>(y - 1);
    const uchar* n1 = normalized.ptr<uchar>(y);
    const uchar* n2 = normalized.ptr<uchar>(y + 1);
    for (int x = 1; x < binary.cols - 1; ++x) {
      // An ink pixel with a paper neighbour is on the ink boundary.
      if (!b[x] || (b[x - 1] && b[x + 1] && up[x] && down[x])) continue;
      const float gx =
          (n0[x + 1] + 2.0f * n1[x + 1] + n2[x + 1]) - (n0[x - 1] + 2.0f * n1[x - 1] + n2[x - 1]);
      const float gy =
          (n2[x - 1] + 2.0f * n2[x] + n2[x + 1]) - (n0[x - 1] + 2.0f * n0[x] + n0[x + 1]);
      mags.push_back(std::sqrt(gx * gx + gy * gy));
      ink.push_back(n1[x]);
    }
  }
  if (mags.size() < 100) return 0;
  std::nth_element(mags.begin(), mags.begin() + mags.size() * 3 / 4, mags.end());
  const float response = mags[mags.size() * 3 / 4];
  std::nth_element(ink.begin(), ink.begin() + ink.size() / 2, ink.end());
  // Boundary pixels sit part-way up the ramp; the full contrast is about twice their distance
  // from paper.
  const double contrast = std::clamp(2.0 * (255.0 - ink[ink.size() / 2]), 20.0, 255.0);
  if (response <= 0) return 0;
  return 4.0 * contrast / response * (300.0 / dpi);
}

}  // namespace chartscan::cleanup
