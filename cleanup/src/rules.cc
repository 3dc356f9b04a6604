// Ruling lines: erase table and form rules, underlines and signature lines from the OCR image.
//
// Why: the recognizer reads a vertical rule beside a word as "|", "l" or "[", a rule touching a
// cell's text turns its letters into garbage, and a horizontal rule under a line merges it with the
// line below. Tables (lab results, medication administration records) and boxed forms are the
// commonest layouts in a chart, so the OCR input loses its rules; the display image keeps them.
//
// Method (morphological line extraction with character repair):
//   1. ink = pixels darker than kInkLevel;
//   2. horizontal rules: in every row, runs of ink at least kMinRuleLength long whose gaps are at
//      most kMaxRuleGap and which are at least kMinRunDensity ink (worn, dashed and faxed rules
//      are broken; a morphological opening would miss them), after a vertical dilation by one
//      pixel so a rule that steps by a pixel stays one run; vertical rules likewise by columns;
//   3. each candidate component is kept as a rule only when it is thin (at most kMaxThickness):
//      a filled bar, a shaded cell or a redaction box is not a rule,
//      and only when, along at least kMinClearShare of its length, a band kSideBand deep on both
//      sides is paper: characters touch a rule over a minority of its length, while a run through
//      the bottom rows of bold text has strokes leaving it at most columns;
//   4. repair: where a rule crosses a character, ink lies both above and below the rule (or both
//      sides of a vertical one); a closing of the remaining ink across the rule's thickness
//      restores those pixels, so only the rule between characters is erased.
// Parameters (inches, scaled by the page's dpi):
//   kMinRuleLength 0.4: longer than any character stroke of text up to 24 pt (an "l" of a 24 pt
//     title is ~0.25 in; a "T" bar ~0.15 in), shorter than a table cell's border or an underline of
//     a short word;
//   kMinVerticalRuleLength 0.3: vertical rules of a one-row cell are about a text line and a half
//     high;
//   kMaxThickness 0.03 (9 px at 300 dpi): rules are 0.5-2 pt; bars and shading are thicker;
//   kMaxRuleGap 0.03 (9 px at 300 dpi), kMinRunDensity 0.6: a broken rule's gaps are a few
//     pixels; word spaces in 8 pt text and up are wider, and strokes across a word are sparser;
//   kRepairSpan 0.02: the gap a crossing stroke bridges, a typical rule's thickness plus its edges
//     (wider, and the descenders of one table row would join the letters of the next).
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {
namespace {

constexpr int kInkLevel = 160;
constexpr double kMinRuleLength = 0.4;
constexpr double kMinVerticalRuleLength = 0.3;
constexpr double kMaxThickness = 0.03;
constexpr double kRepairSpan = 0.02;
constexpr double kMaxRuleGap = 0.03;
constexpr double kMinRunDensity = 0.6;
constexpr double kSideBand = 0.017;
constexpr double kMinClearShare = 0.8;

// Marks, row by row, the runs of `ink` at least `length` long in which no gap exceeds `max_gap`
// and at least kMinRunDensity of the pixels are ink: a rule printed whole, dashed by a worn
// toner cartridge or broken by a fax line. A row through a line of text has word spaces wider
// than max_gap and, between them, too little ink.
cv::Mat LongRuns(const cv::Mat& ink, int length, int max_gap) {
  cv::Mat runs = cv::Mat::zeros(ink.size(), CV_8UC1);
  for (int y = 0; y < ink.rows; ++y) {
    const uchar* in = ink.ptr<uchar>(y);
    uchar* out = runs.ptr<uchar>(y);
    int start = -1, last = -1, count = 0;
    auto close = [&] {
      const int span = last - start + 1;
      if (start >= 0 && span >= length && count >= kMinRunDensity * span) {
        std::fill(out + start, out + last + 1, uchar{255});
      }
    };
    for (int x = 0; x < ink.cols; ++x) {
      if (!in[x]) continue;
      if (start < 0 || x - last - 1 > max_gap) {
        close();
        start = x;
        count = 0;
      }
      last = x;
      ++count;
    }
    close();
  }
  return runs;
}

// Rules along one axis: the thin long runs of `ink`, as a mask of the ink pixels they cover.
cv::Mat FindRules(const cv::Mat& ink, double dpi, bool horizontal) {
  const int length = std::max(
      8,
      static_cast<int>(std::lround((horizontal ? kMinRuleLength : kMinVerticalRuleLength) * dpi)));
  const int max_thickness = std::max(2, static_cast<int>(std::lround(kMaxThickness * dpi)));
  const int max_gap = std::max(2, static_cast<int>(std::lround(kMaxRuleGap * dpi)));
  // Rows are scanned, so a vertical search runs on the transposed page. A one-pixel dilation
  // across the rule keeps a rule that steps by a pixel (residual skew, fax jitter) in one run.
  cv::Mat along;
  if (horizontal) {
    along = ink;
  } else {
    cv::transpose(ink, along);
  }
  cv::Mat bridged;
  cv::dilate(along, bridged, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, 3)));
  cv::Mat runs = LongRuns(bridged, length, max_gap);
  if (cv::countNonZero(runs) == 0) return cv::Mat::zeros(ink.size(), CV_8UC1);

  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(runs, labels, stats, centroids, 8, CV_32S);
  // Along most of its length a rule has paper right above and below it (a table border, a
  // signature line); where characters touch or cross it, they do so over a minority of its
  // length. A run through the bottom or middle of bold text has letter strokes leaving it at
  // most of its columns.
  const int band = std::max(2, static_cast<int>(std::lround(kSideBand * dpi)));
  std::vector<uchar> keep(n, 0);
  for (int i = 1; i < n; ++i) {
    const int x0 = stats.at<int>(i, cv::CC_STAT_LEFT), y0 = stats.at<int>(i, cv::CC_STAT_TOP);
    const int width = stats.at<int>(i, cv::CC_STAT_WIDTH);
    const int height = stats.at<int>(i, cv::CC_STAT_HEIGHT), y1 = y0 + height;
    // The one-pixel dilation above adds 2 to the thickness.
    if (height > max_thickness + 2) continue;
    int clear = 0;
    for (int x = x0; x < x0 + width; ++x) {
      bool touched = false;
      for (int y = std::max(0, y0 - band); y < y0 && !touched; ++y) touched = along.at<uchar>(y, x);
      for (int y = y1; y < std::min(along.rows, y1 + band) && !touched; ++y) {
        touched = along.at<uchar>(y, x);
      }
      clear += !touched;
    }
    keep[i] = clear >= kMinClearShare * width ? 255 : 0;
  }
  cv::Mat rules(runs.size(), CV_8UC1);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uchar* r = rules.ptr<uchar>(y);
    for (int x = 0; x < labels.cols; ++x) r[x] = keep[l[x]];
  }
  if (!horizontal) cv::transpose(rules, rules);
  cv::bitwise_and(rules, ink, rules);
  return rules;
}

}  // namespace

int RemoveRules(cv::Mat& page, double dpi) {
  cv::Mat ink;
  cv::threshold(page, ink, kInkLevel, 255, cv::THRESH_BINARY_INV);
  cv::Mat horizontal = FindRules(ink, dpi, true);
  cv::Mat vertical = FindRules(ink, dpi, false);
  cv::Mat rules;
  cv::bitwise_or(horizontal, vertical, rules);
  const int ruled = cv::countNonZero(rules);
  if (ruled == 0) return 0;

  // Character repair: ink left after removing the rules, closed across a rule's thickness, refills
  // the rule pixels that lie inside a crossing stroke.
  const int span = std::max(3, static_cast<int>(std::lround(kRepairSpan * dpi)) + 3);
  cv::Mat text;
  cv::bitwise_and(ink, ~rules, text);
  cv::Mat across_h, across_v;
  cv::morphologyEx(text, across_h, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, span)));
  cv::morphologyEx(text, across_v, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(span, 1)));
  cv::Mat erase_h, erase_v;
  cv::bitwise_and(horizontal, ~across_h, erase_h);
  cv::bitwise_and(vertical, ~across_v, erase_v);
  cv::Mat erase;
  cv::bitwise_or(erase_h, erase_v, erase);
  // A rule's anti-aliased edge is lighter than kInkLevel; left behind it would print a dotted
  // line the recognizer reads as punctuation. Grow the erased area over it, but never onto text.
  cv::dilate(erase, erase, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  cv::bitwise_and(erase, ~text, erase);
  page.setTo(255, erase);
  return ruled;
}

}  // namespace chartscan::cleanup
