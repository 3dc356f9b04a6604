// Skew estimation by projection profiles.
//
// Method (after Leptonica's skew.c and Postl's projection method): text lines are rows of ink. When
// ink pixels are projected onto the y axis along the true line direction, the profile alternates
// sharply between full rows (lines) and empty rows (leading); along any other direction the lines
// smear and the profile flattens. For each candidate angle a we project every ink point (x, y) to
// bin y - x*tan(a), which follows a line y = y0 + x*tan(a) exactly (a vertical shear, no image
// rotation needed), and score the profile by its differential square sum
// S(a) = sum_i (h[i] - h[i-1])^2, which rewards sharp line edges and ignores slow variation. The
// best angle maximizes S.
//
// Two passes: a sweep over [-max_skew, max_skew] in kCoarseStep steps on ink reduced to ~75 dpi,
// then a sweep of +-kCoarseStep in kFineStep steps on ink at ~150 dpi, finished with a parabola
// through the best score and its neighbours. At 150 dpi a 0.025 degree step moves the end of an
// 8.5 inch line by ~0.5 px, comfortably finer than the 0.1 degree accuracy we need.
//
// Confidence compares the peak with the median score: a page of text has one dominant peak; a
// page of noise or a photograph has none.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {
namespace {

constexpr double kCoarseStep = 0.2;
constexpr double kFineStep = 0.025;
constexpr size_t kMaxPoints = 400'000;

struct Points {
  std::vector<float> x;  // centred on the page middle, so the shear pivots about the centre
  std::vector<float> y;
  int height = 0;
  int width = 0;
};

Points InkPoints(const cv::Mat& binary, double dpi, double target_dpi) {
  cv::Mat reduced = ReduceBinary(binary, dpi, target_dpi, nullptr);
  Points p;
  p.width = reduced.cols;
  p.height = reduced.rows;
  const float cx = reduced.cols / 2.0f;
  size_t count = static_cast<size_t>(cv::countNonZero(reduced));
  const size_t stride = std::max<size_t>(1, count / kMaxPoints + 1);
  size_t k = 0;
  p.x.reserve(count / stride + 1);
  p.y.reserve(count / stride + 1);
  for (int y = 0; y < reduced.rows; ++y) {
    const uchar* row = reduced.ptr<uchar>(y);
    for (int x = 0; x < reduced.cols; ++x) {
      if (row[x] && (k++ % stride) == 0) {
        p.x.push_back(x - cx);
        p.y.push_back(static_cast<float>(y));
      }
    }
  }
  return p;
}

double Score(const Points& p, double degrees, std::vector<int>& hist) {
  const double t = std::tan(degrees * CV_PI / 180.0);
  const int offset = static_cast<int>(std::ceil(std::abs(t) * p.width / 2.0)) + 1;
  hist.assign(static_cast<size_t>(p.height + 2 * offset + 2), 0);
  const float tf = static_cast<float>(t);
  for (size_t i = 0; i < p.x.size(); ++i) {
    const int bin = static_cast<int>(p.y[i] - p.x[i] * tf + 0.5f) + offset;
    ++hist[static_cast<size_t>(bin)];
  }
  double s = 0;
  for (size_t i = 1; i < hist.size(); ++i) {
    const double d = hist[i] - hist[i - 1];
    s += d * d;
  }
  return s;
}

struct Sweep {
  double best_angle = 0;
  double best_score = 0;
  std::vector<double> scores;
};

Sweep RunSweep(const Points& p, double from, double to, double step) {
  Sweep s;
  std::vector<int> hist;
  const int n = static_cast<int>(std::round((to - from) / step)) + 1;
  s.scores.resize(static_cast<size_t>(n));
  int best = 0;
  for (int i = 0; i < n; ++i) {
    s.scores[static_cast<size_t>(i)] = Score(p, from + i * step, hist);
    if (s.scores[static_cast<size_t>(i)] > s.scores[static_cast<size_t>(best)]) best = i;
  }
  double a = from + best * step;
  // Parabolic interpolation through the peak and its neighbours.
  if (best > 0 && best < n - 1) {
    const double l = s.scores[static_cast<size_t>(best - 1)],
                 c = s.scores[static_cast<size_t>(best)],
                 r = s.scores[static_cast<size_t>(best + 1)];
    const double denom = l - 2 * c + r;
    if (denom < 0) a += step * 0.5 * (l - r) / denom;
  }
  s.best_angle = a;
  s.best_score = s.scores[static_cast<size_t>(best)];
  return s;
}

}  // namespace

cv::Mat ReduceBinary(const cv::Mat& binary, double dpi, double target_dpi, double* reduced_dpi) {
  if (dpi <= target_dpi * 1.2) {
    if (reduced_dpi) *reduced_dpi = dpi;
    return binary;
  }
  const double f = target_dpi / dpi;
  cv::Mat reduced;
  cv::resize(binary, reduced, cv::Size(), f, f, cv::INTER_AREA);
  // A reduced pixel is ink when a quarter or more of what it covers was: thin strokes survive.
  cv::threshold(reduced, reduced, 64, 255, cv::THRESH_BINARY);
  if (reduced_dpi) *reduced_dpi = dpi * f;
  return reduced;
}

SkewEstimate EstimateSkew(const cv::Mat& binary, double dpi, double max_skew) {
  SkewEstimate out;
  Points coarse = InkPoints(binary, dpi, 75);
  if (coarse.x.size() < 50) return out;
  Sweep c = RunSweep(coarse, -max_skew, max_skew, kCoarseStep);
  std::vector<double> sorted = c.scores;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2];
  out.confidence =
      c.best_score > 0 ? std::clamp((c.best_score - median) / c.best_score, 0.0, 1.0) : 0;

  Points fine = InkPoints(binary, dpi, 150);
  Sweep f =
      RunSweep(fine, c.best_angle - kCoarseStep * 1.5, c.best_angle + kCoarseStep * 1.5, kFineStep);
  out.angle = f.best_angle;
  // Normalized by the squared point count so scores of different images (e.g. a page and its
  // transpose) are comparable.
  const double n = static_cast<double>(fine.x.size());
  out.score = n > 0 ? f.best_score / (n * n) * 1000.0 : 0;
  return out;
}

}  // namespace chartscan::cleanup
