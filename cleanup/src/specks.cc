// Isolated specks: erase tiny marks far from any character from the OCR image, and the tiniest
// everywhere.
//
// Why: toner specks on photocopies, dirt on the scanner glass and pitted fax lines leave dots in
// empty space. The recognizer attaches a dot to the nearest word, whose box then reaches into the
// line above or below; line boxes that overlap defeat the reading-order cuts and a form's cells
// come out scrambled. A dot that belongs to text (the dot of an i, a period, a decimal point)
// lies right beside a character.
//
// Method: connected components of the marks darker than kMarkLevel; components of at most
// kMaxSpeck square inches are erased unless their centre lies within kNearText inches of a larger
// component (measured along each axis: a square reach, which dilation computes in two cheap
// passes). Parameters:
//   kMaxSpeck 0.0003 (27 px at 300 dpi): a speck of toner or dirt; a period of 8 pt text is ~40 px;
//   kNearText 0.04 (12 px at 300 dpi): the dot of an i stands 0.01-0.025 inch above its stem, a
//     period 0.005-0.02 inch after its letter;
//   kMarkLevel 200: grey specks count too; the recognizer binarizes them as ink.
//   kTinySpeck 0.0001 (9 px at 300 dpi), kTinyNear 0.015 (5 px at 300 dpi): smaller marks are
//     erased unless their centre lies within kTinyNear of a larger component. The smallest part
//     of a glyph on a clean 300 dpi page (a period or the dot of an i in 8 pt type) covers 14 px
//     and more; the noise of lightly degraded scans leaves 4-9 px specks, and those 8-12 px
//     beside a word were read as punctuation ("Results.", "Units:", "81.2."). Fragments of
//     strokes broken by a photocopier's screen or a fax's scan lines are as small but touch the
//     rest of their stroke, or nearly. Only on quiet greyscale pages (the caller decides): on
//     bilevel scans (faxes) the scan lines break thin strokes into dots apart from each other,
//     and on noisy pages too many of the tiny marks are parts of letters.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {
namespace {

constexpr int kMarkLevel = 200;
constexpr double kMaxSpeck = 0.0003;
constexpr double kNearText = 0.04;
constexpr double kTinySpeck = 0.0001;
constexpr double kTinyNear = 0.015;

}  // namespace

int RemoveIsolatedSpecks(cv::Mat& page, double dpi, bool erase_tiny) {
  cv::Mat marks;
  cv::threshold(page, marks, kMarkLevel, 255, cv::THRESH_BINARY_INV);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(marks, labels, stats, centroids, 8, CV_32S);
  if (n <= 1) return 0;
  const int max_area = std::max(2, static_cast<int>(std::lround(kMaxSpeck * dpi * dpi)));
  std::vector<uchar> big(static_cast<size_t>(n), 0);
  for (int i = 1; i < n; ++i)
    big[static_cast<size_t>(i)] = stats.at<int>(i, cv::CC_STAT_AREA) > max_area;
  // Per-component work stays inside the components' boxes: specks are tiny, so clearing them
  // from the marks (to leave the text) and later from the page costs next to nothing, where a
  // pass over every pixel's label cost more than the labelling.
  auto for_pixels = [&](int i, auto&& fn) {
    const int x0 = stats.at<int>(i, cv::CC_STAT_LEFT), y0 = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    for (int y = y0; y < y0 + h; ++y) {
      const int* l = labels.ptr<int>(y);
      for (int x = x0; x < x0 + w; ++x) {
        if (l[x] == i) fn(y, x);
      }
    }
  };
  cv::Mat text = marks.clone();
  for (int i = 1; i < n; ++i) {
    if (!big[static_cast<size_t>(i)])
      for_pixels(i, [&](int y, int x) { text.at<uchar>(y, x) = 0; });
  }
  const int tiny_area = static_cast<int>(std::lround(kTinySpeck * dpi * dpi));
  const int tiny_reach = std::max(1, static_cast<int>(std::lround(kTinyNear * dpi)));
  cv::Mat touching;
  if (erase_tiny) {
    cv::dilate(text, touching,
               cv::getStructuringElement(cv::MORPH_RECT,
                                         cv::Size(2 * tiny_reach + 1, 2 * tiny_reach + 1)));
  }
  const int reach = std::max(1, static_cast<int>(std::lround(kNearText * dpi)));
  cv::dilate(text, text,
             cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * reach + 1, 2 * reach + 1)));
  std::vector<uchar> erase(static_cast<size_t>(n), 0);
  int erased = 0;
  for (int i = 1; i < n; ++i) {
    if (big[static_cast<size_t>(i)]) continue;
    const int cx = std::clamp(static_cast<int>(centroids.at<double>(i, 0)), 0, page.cols - 1);
    const int cy = std::clamp(static_cast<int>(centroids.at<double>(i, 1)), 0, page.rows - 1);
    const bool tiny = erase_tiny && stats.at<int>(i, cv::CC_STAT_AREA) <= tiny_area;
    if (!text.at<uchar>(cy, cx) || (tiny && !touching.at<uchar>(cy, cx))) {
      erase[static_cast<size_t>(i)] = 1;
      ++erased;
    }
  }
  if (erased == 0) return 0;
  for (int i = 1; i < n; ++i) {
    if (erase[static_cast<size_t>(i)])
      for_pixels(i, [&](int y, int x) { page.at<uchar>(y, x) = 255; });
  }
  return erased;
}

}  // namespace chartscan::cleanup
