// Kodak patch codes, found from bar widths.
//
// A patch code is four parallel black bars, each wide (0.20 inch) or narrow (0.08 inch), separated
// by narrow (0.08 inch) spaces, with a quiet zone around the symbol. Two bars are wide and two
// narrow; reading across the bars (left to right for vertical bars, top to bottom for horizontal
// ones), W = wide and N = narrow, the published table is:
//   PATCH 1  W W N N      PATCH 4 (toggle)  N W W N
//   PATCH 2  W N N W      PATCH 6           N N W W
//   PATCH 3  W N W N      PATCH T (transfer) N W N W
// Bars must be at least 0.75 inch long (Kodak's minimum for its shortest readers). A symbol read
// backwards (the sheet turned 180 degrees) swaps 1 and 6, 3 and T; 2 and 4 read the same.
//
// Method, at a working resolution of 100 dpi (a narrow bar is 8 pixels):
//   1. normalize: divide by the paper level (a grey dilation over 0.3 inch, wider than a wide
//      bar), so grey paper, gradients and faded toner all become ink-on-white;
//   2. binarize with Otsu's level (clamped to a sane range), then close and open with a 3x3 square,
//      which fills speckle holes in the bars and drops hairlines: table and form rules are at most
//      2 points (0.03 inch) thick and do not survive as bars; then keep, separately, what a
//      vertical and what a horizontal half-inch line fits in (an opening), which detaches bars
//      from bleed-through text, streaks and specks touching them;
//   3. every outer contour whose minimum-area rectangle is long (>= 0.7 inch), 0.04-0.30 inch
//      thick, at least 3 times longer than thick and at least 80% filled is a bar candidate, with
//      its own angle, so skewed and 90-degree-turned sheets need no deskewing;
//   4. bars parallel within 4 degrees and overlapping along their length by half the shorter one
//      form a group, sorted across the bars; every four consecutive bars whose spaces are
//      0.025-0.16 inch, whose widths split into two narrow (<= 0.135) and two wide (>= 0.14, at
//      least 1.5 times the widest narrow one) and which have 0.2 inch of quiet zone from the
//      group's other bars make a symbol, decoded with the table above.
// Thresholds are wide of the nominal sizes because photocopies thicken bars by a few hundredths of
// an inch and faxes blur them; the spacing and the two-plus-two width rule are what keep text,
// rules and shaded table headers from looking like a patch.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "internal.h"

namespace chartscan::barcode::internal {
namespace {

constexpr double kWorkDpi = 100;
constexpr double kPaperWindowInches = 0.3;
constexpr double kMinBarLength = 0.7;
constexpr double kMinBarWidth = 0.04;
constexpr double kMaxBarWidth = 0.30;
constexpr double kMaxNarrow = 0.135;
constexpr double kMinWide = 0.14;
constexpr double kMinWideToNarrow = 1.5;
constexpr double kMinSpace = 0.025;
constexpr double kMaxSpace = 0.16;
constexpr double kQuietZone = 0.2;
constexpr double kMinFill = 0.8;
constexpr double kLineInches = 0.5;
constexpr double kMinElongation = 3;
constexpr double kMaxAngleDiff = 4;  // degrees
constexpr double kPi = 3.14159265358979323846;

struct Bar {
  cv::Point2d center;
  double angle = 0;  // of the long axis, degrees in [0, 180)
  double length = 0;
  double width = 0;
  cv::Rect bounds;
};

// Published patterns, wide = 1, first bar in the most significant bit.
struct PatchType {
  unsigned bits;
  const char* name;
};
constexpr std::array<PatchType, 6> kPatches = {{{0b1100, "PATCH 1"},
                                                {0b1001, "PATCH 2"},
                                                {0b1010, "PATCH 3"},
                                                {0b0110, "PATCH 4"},
                                                {0b0011, "PATCH 6"},
                                                {0b0101, "PATCH T"}}};

double AngleDiff(double a, double b) {
  double d = std::fabs(a - b);
  return std::min(d, 180 - d);
}

std::vector<Bar> FindBars(const cv::Mat& bw) {
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bw, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  const double min_area = kMinBarWidth * kMinBarLength * kWorkDpi * kWorkDpi * kMinFill;
  std::vector<Bar> bars;
  for (const auto& c : contours) {
    double area = cv::contourArea(c);
    if (area < min_area) continue;
    cv::RotatedRect r = cv::minAreaRect(c);
    cv::Point2f p[4];
    r.points(p);
    cv::Point2d e1 = p[1] - p[0], e2 = p[2] - p[1];
    double l1 = std::hypot(e1.x, e1.y), l2 = std::hypot(e2.x, e2.y);
    cv::Point2d along = l1 >= l2 ? e1 : e2;
    double length = std::max(l1, l2) / kWorkDpi, width = std::min(l1, l2) / kWorkDpi;
    if (length < kMinBarLength || width < kMinBarWidth || width > kMaxBarWidth) continue;
    if (length < kMinElongation * width) continue;
    if (area / (l1 * l2) < kMinFill) continue;
    double angle = std::atan2(along.y, along.x) * 180 / kPi;
    if (angle < 0) angle += 180;
    if (angle >= 180) angle -= 180;
    bars.push_back({cv::Point2d(r.center), angle, length, width, cv::boundingRect(c)});
  }
  return bars;
}

// Tries the four bars group[k..k+3] (sorted across the bars, positions in inches).
bool Decode(const std::vector<const Bar*>& group, const std::vector<double>& across, std::size_t k,
            const char*& name) {
  std::array<double, 4> w{};
  for (std::size_t i = 0; i < 4; ++i) w[i] = group[k + i]->width;
  auto lo = [&](std::size_t i) { return across[k + i] - w[i] / 2; };
  auto hi = [&](std::size_t i) { return across[k + i] + w[i] / 2; };
  for (std::size_t i = 0; i < 3; ++i) {
    double space = lo(i + 1) - hi(i);
    if (space < kMinSpace || space > kMaxSpace) return false;
  }
  if (k > 0 && lo(0) - (across[k - 1] + group[k - 1]->width / 2) < kQuietZone) return false;
  if (k + 4 < group.size() && (across[k + 4] - group[k + 4]->width / 2) - hi(3) < kQuietZone) {
    return false;
  }
  double longest = 0, shortest = 1e9;
  for (std::size_t i = 0; i < 4; ++i) {
    longest = std::max(longest, group[k + i]->length);
    shortest = std::min(shortest, group[k + i]->length);
  }
  if (shortest < 0.5 * longest) return false;
  std::array<double, 4> sorted = w;
  std::sort(sorted.begin(), sorted.end());
  if (sorted[1] > kMaxNarrow || sorted[2] < kMinWide) return false;
  if (sorted[2] < kMinWideToNarrow * sorted[1]) return false;
  double split = (sorted[1] + sorted[2]) / 2;
  unsigned bits = 0;
  for (std::size_t i = 0; i < 4; ++i) bits = (bits << 1) | (w[i] > split ? 1u : 0u);
  for (const PatchType& p : kPatches) {
    if (p.bits == bits) {
      name = p.name;
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<Found> FindPatchCodes(const cv::Mat& gray, double dpi) {
  CV_Assert(gray.type() == CV_8UC1 && dpi > 0);
  const double scale = kWorkDpi / dpi;
  cv::Mat work;
  cv::resize(gray, work, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  if (work.cols < 8 || work.rows < 8) return {};

  cv::Mat paper, norm, bw;
  int k = static_cast<int>(std::lround(kPaperWindowInches * kWorkDpi)) | 1;
  cv::dilate(work, paper, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, k)));
  cv::max(paper, 1, paper);
  cv::divide(work, paper, norm, 255.0);
  cv::Mat ignored;
  double level = cv::threshold(norm, ignored, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  level = std::clamp(level, 90.0, 210.0);
  cv::threshold(norm, bw, level, 255, cv::THRESH_BINARY_INV);
  cv::Mat square = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
  cv::morphologyEx(bw, bw, cv::MORPH_CLOSE, square);
  cv::morphologyEx(bw, bw, cv::MORPH_OPEN, square);

  // Bars run along one of the page axes (give or take skew): an opening with a half-inch line in
  // each direction keeps them whole and cuts away what touches them, such as bleed-through text,
  // toner streaks across the bars and specks on their edges.
  std::vector<Bar> bars;
  const int line = static_cast<int>(std::lround(kLineInches * kWorkDpi));
  for (cv::Size shape : {cv::Size(1, line), cv::Size(line, 1)}) {
    cv::Mat kept;
    cv::morphologyEx(bw, kept, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, shape));
    for (const Bar& b : FindBars(kept)) bars.push_back(b);
  }
  std::vector<Found> out;
  std::vector<bool> used(bars.size(), false);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if (used[i]) continue;
    const Bar& seed = bars[i];
    double t = seed.angle * kPi / 180;
    cv::Point2d u(std::cos(t), std::sin(t));
    // Across the bars: rightwards for vertical bars, downwards for horizontal ones.
    cv::Point2d n(-u.y, u.x);
    if (std::fabs(n.x) >= std::fabs(n.y) ? n.x < 0 : n.y < 0) n = -n;
    std::vector<const Bar*> group;
    for (std::size_t j = 0; j < bars.size(); ++j) {
      const Bar& b = bars[j];
      if (AngleDiff(b.angle, seed.angle) > kMaxAngleDiff) continue;
      double offset = std::fabs((b.center - seed.center).dot(u)) / kWorkDpi;
      double overlap = (b.length + seed.length) / 2 - offset;
      if (overlap < 0.5 * std::min(b.length, seed.length)) continue;
      group.push_back(&b);
      used[j] = true;
    }
    if (group.size() < 4) continue;
    std::sort(group.begin(), group.end(),
              [&](const Bar* a, const Bar* b) { return a->center.dot(n) < b->center.dot(n); });
    std::vector<double> across;
    for (const Bar* b : group) across.push_back(b->center.dot(n) / kWorkDpi);
    for (std::size_t s = 0; s + 4 <= group.size(); ++s) {
      const char* name = nullptr;
      if (!Decode(group, across, s, name)) continue;
      cv::Rect box = group[s]->bounds;
      for (std::size_t m = 1; m < 4; ++m) box |= group[s + m]->bounds;
      cv::Rect page_box(static_cast<int>(std::floor(box.x / scale)),
                        static_cast<int>(std::floor(box.y / scale)),
                        static_cast<int>(std::ceil(box.width / scale)),
                        static_cast<int>(std::ceil(box.height / scale)));
      page_box &= cv::Rect(0, 0, gray.cols, gray.rows);
      double reading = std::atan2(n.y, n.x) * 180 / kPi;
      if (reading < 0) reading += 360;
      out.push_back({name, "PatchCode", page_box, reading});
      s += 3;
    }
  }
  return out;
}

}  // namespace chartscan::barcode::internal
