// The cleanup steps, as separate functions over cv::Mat so each can be tested on its own.
// Private to the cleanup stage. All images are CV_8UC1 unless stated; binary images hold 0 (paper)
// and 255 (ink) so OpenCV's connected components and morphology treat ink as foreground.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace chartscan::cleanup {

// --- background.cc
// Divides the page by an estimate of its paper (background) brightness, so shadows, grey or yellow
// paper and uneven lighting become uniform white. Returns the normalized page and the median paper
// level of the input.
cv::Mat NormalizeBackground(const cv::Mat& gray, double dpi, double* paper_level);

// --- binarize.cc
struct InkStats {
  double ink_level = 0;    // typical grey of ink strokes in the normalized page
  double threshold = 128;  // grey level separating ink from paper
  double contrast = 0;     // (paper - ink) / 255 of the normalized page
};
// Chooses a global threshold on a background-normalized page: Otsu's split of the darker-than-
// paper pixels, constrained so faint bleed-through (light, low-contrast marks) stays paper.
InkStats ChooseThreshold(const cv::Mat& normalized);

// A connected component of ink that survived cleanup.
struct Component {
  cv::Rect box;
  int area = 0;
};

struct InkMask {
  cv::Mat binary;                     // 255 = ink
  std::vector<Component> components;  // what is left after cleanup, in no particular order
  int speckles_removed = 0;           // noise components dropped
  int borders_removed = 0;            // scanner borders and punch holes dropped
};

// Thresholds the normalized page and, in one connected-component pass, drops speckle (components
// too small to be a dot or a stroke, unless they sit next to text: the dot of an i, a period),
// dark scanner borders (large components touching the edge) and punch holes (round solid blobs
// near an edge).
// Which thresholds make the mask (see binarize.cc).
enum class InkThresholds {
  kGlobal,        // the global threshold alone, and dotted letters kept: bilevel sources, whose
                  // grey comes from upsampling
  kLocal,         // and Sauvola's local threshold: grey sources
  kLocalAndPale,  // and pale print recovered by hysteresis: grey sources under impulse noise
};
InkMask ExtractInk(const cv::Mat& normalized, double threshold, double dpi, InkThresholds which);

// --- skew.cc
struct SkewEstimate {
  double angle = 0;       // degrees; text lines run along y = y0 + x * tan(angle) (y down)
  double score = 0;       // sharpness of the best projection (differential square sum, normalized)
  double confidence = 0;  // 0-1: how much the best angle stands out from the rest
};
// Projection-profile skew search over [-max_skew, max_skew] on the ink of a binary page, best
// given at about 150 dpi (it reduces further for its coarse pass).
SkewEstimate EstimateSkew(const cv::Mat& binary, double dpi, double max_skew);

// A binary page reduced to about `target_dpi` (no-op when it is already at or below it).
cv::Mat ReduceBinary(const cv::Mat& binary, double dpi, double target_dpi, double* reduced_dpi);

// --- orientation.cc
struct OrientationEstimate {
  int degrees = 0;        // clockwise rotation that makes the page upright: 0, 90, 180, 270
  double confidence = 0;  // 0-1
  double skew = 0;        // skew of the text lines after that rotation
  double skew_confidence = 0;
};
// Finds the text direction (lines horizontal or vertical, from projection sharpness) and then
// up versus down (ascenders outnumber descenders in Latin text).
OrientationEstimate DetectOrientation(const cv::Mat& binary, double dpi, double max_skew);
// Up/down decision on an already horizontal, deskewed binary page: > 0 upright, < 0 upside down,
// magnitude is evidence (log ratio scaled by the amount of text).
double UprightEvidence(const cv::Mat& binary, double dpi);

// --- blank.cc
struct BlankDecision {
  bool blank = true;
  int text_lines = 0;  // chains of character-sized marks
  int marks = 0;       // signature strokes, stamps, rules
};
// Decides from the components left by ExtractInk; text lines are looked for both horizontally and
// vertically, so the decision does not depend on orientation (and may run before it is known).
BlankDecision DecideBlank(const std::vector<Component>& components, cv::Size page, double dpi);

// --- quality.cc
// Mean width, in pixels at 300 dpi, of the transition between ink and paper: ~1-2 for a sharp
// scan, 3+ for a blurred one.
double EstimateBlur(const cv::Mat& normalized, const cv::Mat& binary, double dpi);

// --- geometry.cc
// Rotates by `degrees` (clockwise, y down) about the centre, growing the canvas so no corner is
// lost and filling with `fill`. Bilinear for grey (cubic rings around strokes and costs twice as
// much), nearest for binary.
cv::Mat RotateExpand(const cv::Mat& img, double degrees, int fill, bool binary);
cv::Mat RotateQuarter(const cv::Mat& img, int clockwise_degrees);

// --- rules.cc
// Erases long thin horizontal and vertical rules (table and form borders, underlines, signature
// lines) from an upright, deskewed grey page (255 = paper), keeping the strokes of characters they
// cross, and the signatures scribbled on those lines. Returns the number of ink pixels found on
// rules (0: page unchanged).
int RemoveRules(cv::Mat& page, double dpi);

// --- specks.cc
// Erases tiny marks lying apart from any character (toner specks, dirt) from an upright grey page
// (255 = paper), and with erase_tiny the tiniest marks unless they touch a character. Returns the
// number of specks erased (0: page unchanged).
int RemoveIsolatedSpecks(cv::Mat& page, double dpi, bool erase_tiny);

}  // namespace chartscan::cleanup
