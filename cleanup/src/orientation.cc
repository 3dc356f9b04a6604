// Page orientation: which way is up.
//
// Step 1, axis. Text lines give a sharp projection profile along their own direction only. The
// skew search (skew.cc) is run on the page and on its transpose; the transpose wins when its best
// profile is sharper by kAxisMargin, meaning the lines run vertically and the page was fed
// sideways. Rotating the page 90 degrees clockwise makes the lines horizontal (and mirrors the skew
// angle found on the transpose). Table rules sharpen a profile too: when neither profile is
// kClearAxis times the other, the axis is the one along which marks sit on common baselines (the
// size of the step 2 evidence, whichever its sign).
//
// Step 2, up or down. Type sits on its baseline: the bottoms of the marks of a line are aligned,
// their tops are not. Far more letters rise above the x-height (b d f h k l t, capitals, digits)
// than drop below the baseline (g j p q y, commas), about 5 to 1 in English prose; and on lines of
// capitals and digits, where the median top is the cap height, the lowercase letters and the
// periods, commas and colons fall short of it while still standing on the baseline. On the
// deskewed, horizontal page, character-sized components are grouped into lines by their vertical
// centres; in each line the median top and bottom of the components are the references, and
// components whose top, or whose bottom, is clearly off its reference (either way) are counted.
// Upside down, the counts swap. Evidence is the log ratio, weighted by how many such components
// were seen, so a page with three words decides weakly and says so. (Counting only marks above the
// median top against marks below the median bottom, as before, turned 1 upright page in 9 of
// generated batches upside down: lab reports and forms in capitals, photocopies and faxes.)
//
// Most pages are fed upright, and a page turned the wrong way costs a wasted reading before the
// pipeline's check turns it back (ocr reads upside-down text at 20-40 confidence), so a page is
// turned over only on evidence below -kUpsideDown: weaker evidence either way leaves it upright,
// with a low confidence that asks the pipeline to check its reading. On 200 generated pages this
// took the upright pages turned over from 21 to 1, and left one of 15 upside-down pages upright.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {
namespace {

constexpr double kAxisMargin = 1.15;
constexpr double kClearAxis = 1.5;  // profile ratio above which the sharper axis is taken as is
constexpr double kAnalysisDpi = 150;
constexpr double kUpsideDown = 0.2;  // evidence, a log ratio weighted by the amount of text

struct Comp {
  int top, bottom, height;
  double cy;
};

double Median(std::vector<int> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace

double UprightEvidence(const cv::Mat& binary, double dpi) {
  double d = dpi;
  cv::Mat img = ReduceBinary(binary, dpi, kAnalysisDpi, &d);
  cv::Mat labels, cc, centroids;
  const int n =
      cv::connectedComponentsWithStats(img, labels, cc, centroids, 8, CV_32S, cv::CCL_GRANA);
  std::vector<Comp> comps;
  for (int i = 1; i < n; ++i) {
    const int w = cc.at<int>(i, cv::CC_STAT_WIDTH), h = cc.at<int>(i, cv::CC_STAT_HEIGHT);
    if (h < 0.03 * d || h > 0.35 * d || w > 0.5 * d || cc.at<int>(i, cv::CC_STAT_AREA) < 6)
      continue;
    const int top = cc.at<int>(i, cv::CC_STAT_TOP);
    comps.push_back({top, top + h, h, top + h / 2.0});
  }
  if (comps.size() < 10) return 0;
  std::vector<int> heights;
  for (const Comp& c : comps) heights.push_back(c.height);
  const double median_h = Median(heights);
  std::sort(comps.begin(), comps.end(), [](const Comp& a, const Comp& b) { return a.cy < b.cy; });

  double top_off = 0, bottom_off = 0;
  size_t start = 0;
  auto flush = [&](size_t end) {
    if (end - start < 4) return;
    std::vector<int> tops, bottoms;
    for (size_t i = start; i < end; ++i) {
      tops.push_back(comps[i].top);
      bottoms.push_back(comps[i].bottom);
    }
    const double top_ref = Median(tops), bottom_ref = Median(bottoms);
    const double xh = bottom_ref - top_ref;
    if (xh < 2) return;
    for (size_t i = start; i < end; ++i) {
      if (std::abs(comps[i].top - top_ref) > 0.3 * xh) top_off += 1;
      if (std::abs(comps[i].bottom - bottom_ref) > 0.3 * xh) bottom_off += 1;
    }
  };
  for (size_t i = 1; i <= comps.size(); ++i) {
    if (i == comps.size() || comps[i].cy - comps[i - 1].cy > 0.35 * median_h) {
      flush(i);
      start = i;
    }
  }
  const double total = top_off + bottom_off;
  const double log_ratio = std::log((top_off + 2) / (bottom_off + 2));
  return log_ratio * std::min(1.0, total / 40.0);
}

OrientationEstimate DetectOrientation(const cv::Mat& binary, double dpi, double max_skew) {
  OrientationEstimate out;
  double d = dpi;
  cv::Mat reduced = ReduceBinary(binary, dpi, kAnalysisDpi, &d);
  SkewEstimate h = EstimateSkew(reduced, d, max_skew);
  SkewEstimate v = EstimateSkew(reduced.t(), d, max_skew);

  // A candidate axis's lines made horizontal: `turned` levelled by its skew.
  const auto levelled = [](const cv::Mat& turned, double skew) {
    if (std::abs(skew) <= 0.1) return turned;
    cv::Mat level = RotateExpand(turned, -skew, 0, true);
    cv::threshold(level, level, 127, 255, cv::THRESH_BINARY);
    return level;
  };
  // The transpose is the 90-degree turn mirrored, which reverses the slope.
  const double sideways_skew = -v.angle;
  bool sideways = v.score > h.score * kAxisMargin;
  double evidence;
  // Rules sharpen a profile as text lines do: the column rules of a table (a fax's dashed ones
  // above all) made a lab report's vertical profile win by a hair and the page was turned a
  // quarter. Where the profiles alone do not decide (ratio under kClearAxis), the axis is the one
  // along which marks sit on baselines: text read across its lines shows no such alignment.
  const double ratio = std::max(h.score, v.score) / std::max(std::min(h.score, v.score), 1e-9);
  const auto across = [&] {
    return UprightEvidence(levelled(RotateQuarter(reduced, 90), sideways_skew), d);
  };
  const auto along = [&] { return UprightEvidence(levelled(reduced, h.angle), d); };
  if (ratio < kClearAxis) {
    const double a = across(), b = along();
    sideways = std::abs(a) > std::abs(b);
    evidence = sideways ? a : b;
  } else {
    evidence = sideways ? across() : along();
  }
  double axis_ratio;
  if (sideways) {
    out.degrees = 90;
    out.skew = sideways_skew;
    out.skew_confidence = v.confidence;
    axis_ratio = v.score / std::max(h.score, 1e-9);
  } else {
    out.skew = h.angle;
    out.skew_confidence = h.confidence;
    axis_ratio = h.score > 0 ? h.score / std::max(v.score, 1e-9) : 1.0;
  }
  const double axis_confidence = std::clamp((axis_ratio - 1.0) / 0.5, 0.0, 1.0);
  if (evidence < -kUpsideDown) out.degrees = (out.degrees + 180) % 360;
  const double updown_confidence = std::clamp(std::abs(evidence) / std::log(3.0), 0.0, 1.0);
  out.confidence = std::min(axis_confidence, updown_confidence);
  return out;
}

}  // namespace chartscan::cleanup
