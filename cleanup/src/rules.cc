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
//      pixel so a rule that steps by a pixel stays one run, and a closing along the row that joins
//      dots up to kDotGap apart (a dotted rule, or a thin one a standard-mode fax left as a jagged
//      band of dots, is under half ink in every row); vertical rules likewise by columns, at least
//      kMinVerticalRuleLength long; and cell borders: vertical runs at least kMinCellBorderLength
//      long, looked for once the horizontal rules are taken out, that run from one horizontal
//      rule to another (within kMaxRuleGap of both ends);
//   3. each candidate component is kept as a rule only when it is thin (at most kMaxThickness,
//      taken column by column when the component slants): a filled bar, a shaded cell or a
//      redaction box is not a rule, and only when, along at least kMinClearShare of its length, a
//      band kSideBand deep on both sides is paper: characters touch a rule over a minority of its
//      length, while a run through the bottom rows of bold text has strokes leaving it at most
//      columns. A horizontal rule with text on it along more of its length (a typed value on a
//      form line, a fax streak through a row of text) is kept too when paper lines both its sides
//      for a rule's length somewhere, or, when it is at least kMinStreakLength long, for
//      kMinStreakClear (a fax modem's lost scan row, a black line through a row of text, is bare
//      only across a column gutter); a vertical one is not (the inner line of a stamp's double
//      frame is touched so, and erasing it sets the stamp's words loose among the page's lines);
//   3b. dashed rules: a standard-mode fax leaves a table's dotted row rules as dashes
//      kMinPieceLength and longer with gaps wider than kMaxRuleGap; such pieces, thin and with
//      paper on both sides along kMinClearShare of their length, are rules when at least
//      kMinPieces of them stand level in a row, each within kMaxPieceGap of the next, over
//      kMinStreakLength in all (a dash in running text stands alone);
//   3c. light rules: on a page not binarized, a table's grid printed lighter than its words stays
//      grey (170-200) and is no ink at kInkLevel; steps 2-3b are run again among the pixels
//      darker than kRuleInkLevel, keeping only rules with paper on both sides (no streak let-off:
//      at that level a line of bold letters' grey edges joins into streak-long runs) that are
//      kMinLightRuleLength long, their dashes joined across kMaxPieceGap, and that cross
//      kMinGridCrossings rules of the other direction: a grid's. A grey signature line or a
//      stamp's frame (two crossings at its corners) stays, as at kInkLevel. The search runs at
//      half resolution, each pixel the darkest of its 2x2 block (a quarter of the cost); back at
//      full resolution only the grid's grey pixels go, so a title row's letters standing on a rule
//      stay;
//   4. repair: where a rule crosses a character, ink lies both above and below the rule (or both
//      sides of a vertical one); a closing of the remaining ink across the rule's thickness
//      restores those pixels, so only the rule between characters is erased; along a level
//      horizontal rule (and over a dashed rule's gaps), the pixels lighter than ink in its rows go
//      too: a grey rule is ink only in stretches, and the rest would print as grey marks;
//   5. signatures: a mark down to faint grey (kFaintInkLevel) touching a horizontal rule, taller
//      and wider than kMaxTextMark, under kMaxScribbleInk ink inside its box (strokes, not print
//      or a logo) and not lying along the sides of a rectangle (a stamp's frame), goes with its
//      line down to the rule, and so do the pieces a broken stroke fell into and the tips of its
//      strokes the rule's removal cut off on the line's far side. The recognizer reads no
//      handwriting; left without its line, a scribble is cut into letter-sized blocks read into
//      the label under it. The display image keeps the signature.
// Parameters (inches, scaled by the page's dpi):
//   kMinRuleLength 0.4: longer than any character stroke of text up to 24 pt (an "l" of a 24 pt
//     title is ~0.25 in; a "T" bar ~0.15 in), shorter than a table cell's border or an underline of
//     a short word;
//   kMinVerticalRuleLength 0.3: vertical rules of a one-row cell are about a text line and a half
//     high;
//   kMinCellBorderLength 0.2: a cell holding one line, or a small label over its value, is 0.2-0.3
//     in tall (a faxed form's header row: 85 px at 300 dpi); a border ends on the rules above and
//     below, while an "l" or a "1" is at most 0.15 in for text up to 14 pt and stands clear of the
//     rule below it, inside the cell's padding, even where a column of them stacks up;
//   kDotGap 0.015 (5 px at 300 dpi): the gaps between the dots of a dotted or faxed rule (a
//     standard-mode fax's rule upsampled to 300 dpi: 1-10 px). The closing also joins some
//     neighbouring stems in a row through text, but word spaces still break that row and the side
//     bands of step 3 still reject it (the accuracy gate moved on fax pages only);
//   kMinStreakLength 1.0, kMinStreakClear 0.2: a run of rule ink that long must join words across
//     gaps of at most kMaxRuleGap, so a row through text is never bare on both sides over more
//     than a letter's width (7-9 px at 300 dpi on the unit tests' pages) while gutters between
//     columns are 0.25-0.3 in;
//   kMinPieceLength 0.12, kMaxPieceGap 0.6, kMinPieces 3: an em dash of 10 pt type is 0.14 in, a
//     capital's bar under 0.1 in; a faxed dotted rule's dashes are 0.15-0.3 in, 0.1-0.4 in apart;
//   kMaxThickness 0.03 (9 px at 300 dpi): rules are 0.5-2 pt; bars and shading are thicker;
//   kMaxRuleGap 0.03 (9 px at 300 dpi), kMinRunDensity 0.6: a broken rule's gaps are a few
//     pixels; word spaces in 8 pt text and up are wider, and strokes across a word are sparser;
//   kMaxSlant 0.026 (1.5 degrees): a rule left slanting after deskew (residual skew, a warped or
//     faxed page) drifts under a degree end to end; a rubber stamp lands turned by several;
//   kSlantReach 3 (times kMaxRuleGap): a slanting rule's side bands start past the rows it covers
//     within this many columns, where its jagged edges and dots reach;
//   kSignatureReach 1.0: signatures are looked for within an inch of a rule, room for a
//     signature's loops or a stamp's whole frame;
//   kFrameBand 0.08, kMinFrameShare 0.6: a frame has 60% of its ink within 8% of its short side
//     of its rectangle's sides; a scribble meets them at a few points;
//   kMaxTextMark 0.2: taller than a capital of 18 pt text with its descender; a signature's loops
//     are 0.3 in and up; kMaxScribbleInk 0.2: a scribble's strokes cover 5-15% of its box, a
//     word's letters 30% and more; kMaxPieceInk 0.3: a piece of a broken scribble, a stroke or
//     two, is sparse beside a letter of print;
//   kRuleInkLevel 200, kMinLightRuleLength 1.0, kMinGridCrossings 3: a grey grid's rules are
//     170-200 after cleanup; a table's rules cross it, inches long, each meeting the three or more
//     rules of a table of two columns or rows, while the runs text forms at that level stop at a
//     word and a stamp's frame meets two;
//   kRepairSpan 0.02: the gap a crossing stroke bridges, a typical rule's thickness plus its edges
//     (wider, and the descenders of one table row would join the letters of the next).
#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {
namespace {

constexpr int kInkLevel = 160;
constexpr int kRuleInkLevel = 200;
constexpr double kMinLightRuleLength = 1.0;
constexpr std::size_t kMinGridCrossings = 3;
constexpr int kFaintInkLevel = 230;
constexpr double kMinRuleLength = 0.4;
constexpr double kMinVerticalRuleLength = 0.3;
constexpr double kMinCellBorderLength = 0.2;
constexpr double kDotGap = 0.015;
constexpr double kMaxThickness = 0.03;
constexpr double kRepairSpan = 0.02;
constexpr double kMaxRuleGap = 0.03;
constexpr double kMinRunDensity = 0.6;
constexpr double kSideBand = 0.017;
constexpr double kMinClearShare = 0.8;
constexpr double kMinStreakLength = 1.0;
constexpr double kMinStreakClear = 0.2;
constexpr double kMinPieceLength = 0.12;
constexpr double kMaxPieceGap = 0.6;
constexpr int kMinPieces = 3;
constexpr int kSlantReach = 3;
constexpr double kMaxSlant = 0.026;
constexpr double kMaxTextMark = 0.2;
constexpr double kMaxScribbleInk = 0.2;
constexpr double kMaxPieceInk = 0.3;
constexpr double kFrameBand = 0.08;
constexpr double kMinFrameShare = 0.6;
constexpr double kSignatureReach = 1.0;

// A run of rule ink along one row of the (possibly transposed) page: [begin, end] in that row.
struct Run {
  int row = 0, begin = 0, end = 0;
};

// The runs of `ink`, row by row, at least `length` long in which no gap exceeds `max_gap` and at
// least kMinRunDensity of the pixels are ink: a rule printed whole, dashed by a worn toner
// cartridge or broken by a fax line. A row through a line of text has word spaces wider than
// max_gap and, between them, too little ink. Runs come in row order, left to right.
std::vector<Run> LongRuns(const cv::Mat& ink, int length, int max_gap) {
  std::vector<Run> runs;
  for (int y = 0; y < ink.rows; ++y) {
    const uchar* in = ink.ptr<uchar>(y);
    int start = -1, last = -1, count = 0;
    auto close = [&] {
      const int span = last - start + 1;
      if (start >= 0 && span >= length && count >= kMinRunDensity * span) {
        runs.push_back({y, start, last});
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

int Find(std::vector<int>& parent, int i) {
  while (parent[static_cast<size_t>(i)] != i) {
    parent[static_cast<size_t>(i)] = parent[static_cast<size_t>(parent[static_cast<size_t>(i)])];
    i = parent[static_cast<size_t>(i)];
  }
  return i;
}

// Groups runs into 8-connected components (runs on consecutive rows that overlap or touch
// diagonally), the components a labelling of the run mask would give, in time proportional to the
// number of runs rather than to the page's pixels. Returns each run's component root.
std::vector<int> ConnectRuns(const std::vector<Run>& runs) {
  std::vector<int> parent(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) parent[i] = static_cast<int>(i);
  size_t prev_begin = 0, prev_end = 0;  // runs of the previous row: [prev_begin, prev_end)
  size_t i = 0;
  while (i < runs.size()) {
    const int row = runs[i].row;
    size_t j = i;
    while (j < runs.size() && runs[j].row == row) ++j;
    const bool adjacent = prev_end > prev_begin && runs[prev_begin].row == row - 1;
    if (adjacent) {
      size_t p = prev_begin;
      for (size_t k = i; k < j; ++k) {
        while (p < prev_end && runs[p].end + 1 < runs[k].begin) ++p;
        for (size_t q = p; q < prev_end && runs[q].begin <= runs[k].end + 1; ++q) {
          const int a = Find(parent, static_cast<int>(k)), b = Find(parent, static_cast<int>(q));
          if (a != b) parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
        }
      }
    }
    prev_begin = i;
    prev_end = j;
    i = j;
  }
  for (size_t k = 0; k < runs.size(); ++k) parent[k] = Find(parent, static_cast<int>(k));
  return parent;
}

// True when horizontal rules of `ends` (page orientation) lie within `reach` of both ends of the
// vertical component spanning columns [left, right] and rows [top, bottom]: it runs from rule to
// rule, as a cell's border does. Letters stacked in a column (an "l" of a label over an "l" of its
// value) may start under a rule, but a cell's padding keeps them off the rule below.
bool BoundsCell(const cv::Mat& ends, int left, int right, int top, int bottom, int reach) {
  const int x0 = std::max(0, left - reach), x1 = std::min(ends.cols - 1, right + reach);
  if (x1 < x0) return false;
  for (int end : {top, bottom}) {
    const int y0 = std::max(0, end - reach), y1 = std::min(ends.rows - 1, end + reach);
    if (y1 < y0 || cv::countNonZero(ends(cv::Range(y0, y1 + 1), cv::Range(x0, x1 + 1))) == 0) {
      return false;
    }
  }
  return true;
}

// True when most of the mark `mask` (255 on its pixels) lies along the sides of its smallest
// enclosing rectangle, however turned: a stamp's or a box's frame, even one a crossing rule broke
// open, which sparse as a scribble's strokes it may be, holds print. A scribble's strokes cross
// the inside of their rectangle and meet its sides at a few points.
bool FrameLike(const cv::Mat& mask) {
  std::vector<cv::Point> points;
  cv::findNonZero(mask, points);
  if (points.empty()) return false;
  const cv::RotatedRect rect = cv::minAreaRect(points);
  cv::Point2f corner[4];
  rect.points(corner);
  const double band = std::max(4.0, kFrameBand * std::min(rect.size.width, rect.size.height));
  size_t on_sides = 0;
  for (const cv::Point& p : points) {
    double nearest = 1e9;
    for (int i = 0; i < 4; ++i) {
      const cv::Point2f a = corner[i], b = corner[(i + 1) % 4];
      const cv::Point2f ab = b - a, ap = cv::Point2f(p) - a;
      const double t =
          std::clamp(ap.dot(ab) / std::max(1e-9, static_cast<double>(ab.dot(ab))), 0.0, 1.0);
      const cv::Point2f foot = a + ab * static_cast<float>(t);
      nearest = std::min(nearest, static_cast<double>(cv::norm(cv::Point2f(p) - foot)));
    }
    on_sides += nearest <= band;
  }
  return on_sides >= kMinFrameShare * static_cast<double>(points.size());
}

// Signatures on their lines: marks touching a horizontal rule (`near_rules`: the rules grown by a
// few pixels) that are taller and wider than `tall` yet mostly paper inside their box (strokes,
// not print) and not a frame are erased from `page` down to the rule, their anti-aliased edges
// with them. So are, within 2 `tall` to either side of such a scribble, `tall` above and `reach`
// below it, the pieces a broken stroke fell into (marks on a rule no taller than text or sparse,
// kMaxPieceInk; sparse marks reaching into the zone, on a rule or, over half as tall as text, off
// it) and the tips of strokes the rule's removal cut off under the line (marks under it a quarter
// as tall as text). Once its line is gone, a scribble left alone is cut by the recognizer's layout
// analysis into letter-sized blocks that are read into the label below it ("(Mk Sign El signed
// b").
void EraseSignatures(cv::Mat& page, const cv::Mat& near_rules, int tall, int reach) {
  // Down to faint grey: a scribble's thin ends and anti-aliased edges are lighter than print.
  cv::Mat ink, labels, stats, centroids;
  cv::threshold(page, ink, kFaintInkLevel, 255, cv::THRESH_BINARY_INV);
  const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  const auto box = [&](int l) {
    return cv::Rect(stats.at<int>(l, cv::CC_STAT_LEFT), stats.at<int>(l, cv::CC_STAT_TOP),
                    stats.at<int>(l, cv::CC_STAT_WIDTH), stats.at<int>(l, cv::CC_STAT_HEIGHT));
  };
  // The lowest row at which each mark touches a rule, -1 where it does not.
  std::vector<int> touches(static_cast<size_t>(count), -1);
  cv::Mat touching;
  cv::bitwise_and(ink, near_rules, touching);
  std::vector<cv::Point> points;
  cv::findNonZero(touching, points);
  for (const cv::Point& p : points) {
    int& lowest = touches[static_cast<size_t>(labels.at<int>(p))];
    lowest = std::max(lowest, p.y);
  }
  // 1: a scribble or a piece of one on the rule, erased down to the rule (a label under the line
  // that a stroke's tail ran into is part of the same mark, and stays); 2: erased whole.
  std::vector<uchar> erase_label(static_cast<size_t>(count), 0);
  struct Zone {
    cv::Rect area;
    int rule_top = 0;  // marks starting at or below this row are under the line
  };
  std::vector<Zone> zones;
  for (int l = 1; l < count; ++l) {
    const cv::Rect r = box(l);
    if (touches[static_cast<size_t>(l)] >= 0 && r.height > tall && r.width > tall &&
        stats.at<int>(l, cv::CC_STAT_AREA) < kMaxScribbleInk * r.area() &&
        !FrameLike(labels(r) == l)) {
      erase_label[static_cast<size_t>(l)] = 1;
      zones.push_back(
          {cv::Rect(r.x - 2 * tall, r.y - tall, r.width + 4 * tall, r.height + tall + reach),
           touches[static_cast<size_t>(l)] - reach / 2});
    }
  }
  if (zones.empty()) return;
  for (int l = 1; l < count; ++l) {
    const cv::Rect r = box(l);
    if (erase_label[static_cast<size_t>(l)]) continue;
    const bool sparse = stats.at<int>(l, cv::CC_STAT_AREA) < kMaxPieceInk * r.area();
    const bool on_rule = touches[static_cast<size_t>(l)] >= 0;
    for (const Zone& zone : zones) {
      const bool inside = (zone.area & r) == r, overlaps = (zone.area & r).area() > 0;
      if (!on_rule) {
        if (overlaps && r.height > tall / 2 && sparse) erase_label[static_cast<size_t>(l)] = 2;
      } else if (r.y >= zone.rule_top) {
        // Under the line only what is smaller than a letter goes: a stroke's tip, not a label.
        if (inside && r.height <= tall / 4) erase_label[static_cast<size_t>(l)] = 2;
      } else if ((inside && (r.height <= tall || sparse)) || (overlaps && sparse)) {
        erase_label[static_cast<size_t>(l)] = 1;  // down to the rule, like a scribble
      }
    }
  }
  cv::Mat erase = cv::Mat::zeros(page.size(), CV_8UC1);
  for (int y = 0; y < labels.rows; ++y) {
    const int* row = labels.ptr<int>(y);
    uchar* out = erase.ptr<uchar>(y);
    for (int x = 0; x < labels.cols; ++x) {
      const auto l = static_cast<size_t>(row[x]);
      out[x] = erase_label[l] == 2 || (erase_label[l] == 1 && y <= touches[l]) ? 255 : 0;
    }
  }
  cv::Mat others;
  cv::bitwise_and(ink, ~erase, others);
  cv::dilate(erase, erase, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  cv::bitwise_and(erase, ~others, erase);
  page.setTo(255, erase);
}

// Of the kept pieces (components whose root c has keep[c]), keeps only those in a row of at least
// kMinPieces pieces, each within kMaxPieceGap of the next and level with it (centres within
// kMaxSlant of the distance between them, plus two pixels), spanning kMinStreakLength in all: a
// dashed rule, not a dash in a line of text.
template <typename Extent>
void KeepCollinearPieces(const std::vector<Extent>& extent, const std::vector<int>& component,
                         double dpi, std::vector<uchar>& keep, std::vector<cv::Rect>* bands) {
  std::vector<size_t> kept;
  for (size_t c = 0; c < keep.size(); ++c) {
    if (keep[c] && component[c] == static_cast<int>(c)) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end(),
            [&](size_t a, size_t b) { return extent[a].x0 < extent[b].x0; });
  const int max_gap = static_cast<int>(std::lround(kMaxPieceGap * dpi));
  const int span = static_cast<int>(std::lround(kMinStreakLength * dpi));
  std::vector<int> parent(kept.size());
  for (size_t i = 0; i < kept.size(); ++i) parent[i] = static_cast<int>(i);
  for (size_t i = 0; i < kept.size(); ++i) {
    const Extent& a = extent[kept[i]];
    for (size_t j = i + 1; j < kept.size(); ++j) {
      const Extent& b = extent[kept[j]];
      if (b.x0 > a.x1 + max_gap) break;
      const double dx = std::max(1, b.x0 - a.x1);
      if (std::abs((a.y0 + a.y1) - (b.y0 + b.y1)) > 2 * (2 + kMaxSlant * dx)) continue;
      const int ra = Find(parent, static_cast<int>(i)), rb = Find(parent, static_cast<int>(j));
      if (ra != rb) parent[static_cast<size_t>(std::max(ra, rb))] = std::min(ra, rb);
    }
  }
  std::vector<int> count(kept.size(), 0), left(kept.size(), INT_MAX), right(kept.size(), -1),
      top(kept.size(), INT_MAX), bottom(kept.size(), -1);
  for (size_t i = 0; i < kept.size(); ++i) {
    const auto r = static_cast<size_t>(Find(parent, static_cast<int>(i)));
    ++count[r];
    left[r] = std::min(left[r], extent[kept[i]].x0);
    right[r] = std::max(right[r], extent[kept[i]].x1);
    top[r] = std::min(top[r], extent[kept[i]].y0);
    bottom[r] = std::max(bottom[r], extent[kept[i]].y1);
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    const auto r = static_cast<size_t>(Find(parent, static_cast<int>(i)));
    keep[kept[i]] = count[r] >= kMinPieces && right[r] - left[r] + 1 >= span;
    if (keep[kept[i]] && bands && r == i) {
      bands->emplace_back(left[r], top[r], right[r] - left[r] + 1, bottom[r] - top[r] + 1);
    }
  }
}

// The ink laid along one axis for a search row by row (transposed for a vertical search), and a
// copy with dots and steps joined, in which the runs are looked for. Both rule searches along an
// axis (whole rules and dashed ones) share it.
struct Axis {
  cv::Mat along, bridged;
};
Axis LayAlong(const cv::Mat& ink, double dpi, bool horizontal) {
  Axis axis;
  if (horizontal) {
    axis.along = ink;
  } else {
    cv::transpose(ink, axis.along);
  }
  // A one-pixel dilation across the rule keeps a rule that steps by a pixel (residual skew, fax
  // jitter) in one run.
  cv::dilate(axis.along, axis.bridged, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, 3)));
  // Dots of a dotted or faxed rule are a few pixels apart; closed along the rule they count as the
  // continuous line they stand for. Letters in a row of text are further apart than kDotGap.
  const int dot_gap = std::max(1, static_cast<int>(std::lround(kDotGap * dpi)));
  cv::morphologyEx(axis.bridged, axis.bridged, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(dot_gap + 1, 1)));
  return axis;
}

// Rules along one axis: the thin long runs of `ink` (laid along the axis in `axis`), as a mask of
// the ink pixels they cover. With `ends` (the horizontal rules, page orientation) it finds cell
// borders instead: vertical strokes of at least kMinCellBorderLength that run from one of those
// rules to another. With `pieces`, dashed horizontal rules (step 3b).
cv::Mat FindRules(const cv::Mat& ink, const Axis& axis, double dpi, bool horizontal,
                  const cv::Mat* ends = nullptr, bool pieces = false,
                  std::vector<cv::Rect>* bands = nullptr, bool paper_both_sides = false) {
  const double inches =
      pieces
          ? kMinPieceLength
          : (horizontal ? kMinRuleLength : (ends ? kMinCellBorderLength : kMinVerticalRuleLength));
  const int length = std::max(8, static_cast<int>(std::lround(inches * dpi)));
  const int max_thickness = std::max(2, static_cast<int>(std::lround(kMaxThickness * dpi)));
  const int max_gap = std::max(2, static_cast<int>(std::lround(kMaxRuleGap * dpi)));
  const cv::Mat& along = axis.along;
  const cv::Mat& bridged = axis.bridged;
  const std::vector<Run> runs = LongRuns(bridged, length, max_gap);
  cv::Mat rules = cv::Mat::zeros(ink.size(), CV_8UC1);
  if (runs.empty()) return rules;
  const std::vector<int> component = ConnectRuns(runs);

  struct Extent {
    int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  };
  std::vector<Extent> extent(runs.size());
  for (size_t k = 0; k < runs.size(); ++k) {
    Extent& e = extent[static_cast<size_t>(component[k])];
    e.x0 = std::min(e.x0, runs[k].begin);
    e.x1 = std::max(e.x1, runs[k].end);
    e.y0 = std::min(e.y0, runs[k].row);
    e.y1 = std::max(e.y1, runs[k].row);
  }
  // Along most of its length a rule has paper right above and below it (a table border, a
  // signature line); where characters touch or cross it, they do so over a minority of its
  // length. A run through the bottom or middle of bold text has letter strokes leaving it at
  // most of its columns. A rule that a line of text sits on (a value typed on a form's line, a
  // fax streak through a row of text) is touched over the text's length, but has a stretch of
  // paper on both sides at least a rule's length long, which no row through text has. Only
  // horizontal rules are let off so: text sits on those, while a vertical one touched along a
  // fifth of its length is the inner line of a stamp's or a box's double frame, and erasing it
  // sets the stamp's words loose among the page's lines. A signature across its line is erased
  // with it afterwards (EraseSignatures).
  // A rule left slanting by residual skew or a warped page spans more rows end to end than it is
  // thick: such a component is measured column by column, its thickness as the median of its
  // columns' and its side bands following the rows the rule covers near each column.
  const int band = std::max(2, static_cast<int>(std::lround(kSideBand * dpi)));
  const int reach = kSlantReach * max_gap;
  const int streak_length = static_cast<int>(std::lround(kMinStreakLength * dpi));
  const int streak_clear = static_cast<int>(std::lround(kMinStreakClear * dpi));
  std::vector<uchar> keep(runs.size(), 0);
  std::vector<int> top, bottom, thickness;
  for (size_t c = 0; c < runs.size(); ++c) {
    if (component[c] != static_cast<int>(c)) continue;
    const Extent& e = extent[c];
    const int x0 = e.x0, width = e.x1 - e.x0 + 1;
    // Rows each column's band starts after and ends before: the component's extent when it is
    // straight.
    top.assign(static_cast<size_t>(width), e.y0);
    bottom.assign(static_cast<size_t>(width), e.y1);
    // The one-pixel dilation above adds 2 to the thickness.
    if (e.y1 - e.y0 + 1 > max_thickness + 2) {
      std::vector<int> run_top(static_cast<size_t>(width), e.y1 + 1),
          run_bottom(run_top.size(), -1);
      for (size_t k = 0; k < runs.size(); ++k) {
        if (component[k] != static_cast<int>(c)) continue;
        for (int x = runs[k].begin; x <= runs[k].end; ++x) {
          const auto i = static_cast<size_t>(x - x0);
          run_top[i] = std::min(run_top[i], runs[k].row);
          run_bottom[i] = std::max(run_bottom[i], runs[k].row);
        }
      }
      thickness.clear();
      for (size_t i = 0; i < run_top.size(); ++i) {
        if (run_bottom[i] >= 0) thickness.push_back(run_bottom[i] - run_top[i] + 1);
      }
      const auto middle = thickness.begin() + static_cast<std::ptrdiff_t>(thickness.size() / 2);
      std::nth_element(thickness.begin(), middle, thickness.end());
      if (*middle > max_thickness + 2) continue;
      // Residual skew and warping leave a page's rules within a degree or so of level; a frame's
      // side turned further is a stamp's, round the print it holds.
      if (e.y1 - e.y0 + 1 - *middle > kMaxSlant * width) continue;
      // A slanting rule's dots and jagged edges reach a row or two past the runs of any one
      // column: each band starts past the rows the rule covers within `reach` of the column.
      for (int i = 0; i < width; ++i) {
        int above = e.y1, below = e.y0;
        for (int j = std::max(0, i - reach); j <= std::min(width - 1, i + reach); ++j) {
          if (run_bottom[static_cast<size_t>(j)] < 0) continue;
          above = std::min(above, run_top[static_cast<size_t>(j)]);
          below = std::max(below, run_bottom[static_cast<size_t>(j)]);
        }
        top[static_cast<size_t>(i)] = above;
        bottom[static_cast<size_t>(i)] = below;
      }
    }
    int clear = 0, stretch = 0, longest_stretch = 0;
    for (int x = x0; x < x0 + width; ++x) {
      const int above = top[static_cast<size_t>(x - x0)],
                below = bottom[static_cast<size_t>(x - x0)];
      bool touched = false;
      for (int y = std::max(0, above - band); y < above && !touched; ++y) {
        touched = along.at<uchar>(y, x);
      }
      for (int y = below + 1; y <= std::min(along.rows - 1, below + band) && !touched; ++y) {
        touched = along.at<uchar>(y, x);
      }
      clear += !touched;
      stretch = touched ? 0 : stretch + 1;
      longest_stretch = std::max(longest_stretch, stretch);
    }
    if (pieces) {
      keep[c] = e.y1 - e.y0 + 1 <= max_thickness + 2 && clear >= kMinClearShare * width;
    } else {
      keep[c] = clear >= kMinClearShare * width ||
                (!paper_both_sides && horizontal && longest_stretch >= length) ||
                (!paper_both_sides && horizontal && width >= streak_length &&
                 longest_stretch >= streak_clear);
    }
    if (keep[c] && ends) keep[c] = BoundsCell(*ends, e.y0, e.y1, x0, x0 + width - 1, max_gap);
    if (keep[c] && bands && !pieces && e.y1 - e.y0 + 1 <= max_thickness + 2) {
      bands->emplace_back(x0, e.y0, width, e.y1 - e.y0 + 1);
    }
  }
  if (pieces) KeepCollinearPieces(extent, component, dpi, keep, bands);
  // Kept runs drawn straight into the page's orientation (no transposing back).
  for (size_t k = 0; k < runs.size(); ++k) {
    if (!keep[static_cast<size_t>(component[k])]) continue;
    const Run& r = runs[k];
    if (horizontal) {
      std::fill(rules.ptr<uchar>(r.row) + r.begin, rules.ptr<uchar>(r.row) + r.end + 1, uchar{255});
    } else {
      for (int y = r.begin; y <= r.end; ++y) rules.at<uchar>(y, r.row) = 255;
    }
  }
  cv::bitwise_and(rules, ink, rules);
  return rules;
}

// Long pieces of `found` (rules along rows or columns): their components, dashes joined across
// kMaxPieceGap, kMinLightRuleLength long or longer. Returns the components' labels (0: none) and
// their count.
int LongRules(const cv::Mat& found, bool along_rows, double dpi, cv::Mat& labels) {
  const int join = std::max(1, static_cast<int>(std::lround(kMaxPieceGap * dpi)));
  cv::Mat joined, stats, centroids;
  cv::morphologyEx(found, joined, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT,
                                             along_rows ? cv::Size(join, 1) : cv::Size(1, join)));
  const int n = cv::connectedComponentsWithStats(joined, labels, stats, centroids, 8, CV_32S);
  std::vector<int> renumber(static_cast<std::size_t>(n), 0);
  int kept = 0;
  for (int i = 1; i < n; ++i) {
    const int length = stats.at<int>(i, along_rows ? cv::CC_STAT_WIDTH : cv::CC_STAT_HEIGHT);
    if (length >= kMinLightRuleLength * dpi) renumber[static_cast<std::size_t>(i)] = ++kept;
  }
  for (int y = 0; y < labels.rows; ++y) {
    const uchar* f = found.ptr<uchar>(y);
    int* l = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x)
      l[x] = f[x] ? renumber[static_cast<std::size_t>(l[x])] : 0;
  }
  return kept;
}

// Adds to `into` the rules of `labels` (LongRules) that cross kMinGridCrossings or more of the
// rules in `across` (the other direction's, dark and light), each counted once.
void AddGridRules(const cv::Mat& labels, int count, const cv::Mat& across, cv::Mat& into) {
  if (count == 0) return;
  cv::Mat across_labels;
  cv::Mat near;
  cv::dilate(across, near, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
  cv::connectedComponents(near, across_labels, 8, CV_32S);
  std::vector<std::vector<int>> met(static_cast<std::size_t>(count) + 1);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const int* a = across_labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (l[x] == 0 || a[x] == 0) continue;
      std::vector<int>& m = met[static_cast<std::size_t>(l[x])];
      if (std::find(m.begin(), m.end(), a[x]) == m.end()) m.push_back(a[x]);
    }
  }
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uchar* out = into.ptr<uchar>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (l[x] != 0 && met[static_cast<std::size_t>(l[x])].size() >= kMinGridCrossings)
        out[x] = 255;
    }
  }
}

// Rules printed lighter than the words, added to `horizontal` and `vertical` (step 3c above).
// `grey`: the page's pixels from kInkLevel up to (not including) kRuleInkLevel.
void AddLightRules(const cv::Mat& page, const cv::Mat& grey, double dpi, cv::Mat& horizontal,
                   cv::Mat& vertical) {
  // Looked for at half the resolution, each pixel the darkest of its 2x2 block (a thin rule keeps
  // its grey): a quarter of the pixels, and a grid's rules are inches long.
  cv::Mat darkest, small;
  cv::erode(page, darkest, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2, 2)),
            cv::Point(0, 0));
  cv::resize(darkest, small, cv::Size((page.cols + 1) / 2, (page.rows + 1) / 2), 0, 0,
             cv::INTER_NEAREST);
  darkest.release();
  const double half_dpi = dpi / 2;
  cv::Mat light;
  cv::threshold(small, light, kRuleInkLevel, 255, cv::THRESH_BINARY_INV);
  const Axis rows = LayAlong(light, half_dpi, true);
  // Only rules with paper on both sides: a grey streak through a row of text (a photocopy's)
  // would take the letters' strokes with it at this level.
  cv::Mat h =
      FindRules(light, rows, half_dpi, true, nullptr, false, nullptr, /*paper_both_sides=*/true);
  cv::bitwise_or(h, FindRules(light, rows, half_dpi, true, nullptr, /*pieces=*/true), h);
  const cv::Mat v = FindRules(light, LayAlong(light, half_dpi, false), half_dpi, false);
  cv::Mat h_labels, v_labels;
  const int h_count = LongRules(h, true, half_dpi, h_labels);
  const int v_count = LongRules(v, false, half_dpi, v_labels);
  if (h_count == 0 || v_count == 0) return;  // no grid
  cv::Mat small_h, small_v, grid_h = cv::Mat::zeros(small.size(), CV_8UC1),
                            grid_v = cv::Mat::zeros(small.size(), CV_8UC1);
  cv::resize(horizontal, small_h, small.size(), 0, 0, cv::INTER_NEAREST);
  cv::resize(vertical, small_v, small.size(), 0, 0, cv::INTER_NEAREST);
  cv::bitwise_or(small_h, h_labels > 0, small_h);
  cv::bitwise_or(small_v, v_labels > 0, small_v);
  AddGridRules(h_labels, h_count, small_v, grid_h);
  AddGridRules(v_labels, v_count, small_h, grid_v);
  // Back at full resolution (each half-resolution pixel covers its 2x2 block, the rule's width),
  // only the grey under the grid found: a letter standing on the rule (a table's title row) is
  // darker and stays.
  for (auto [grid, into] : {std::pair{&grid_h, &horizontal}, std::pair{&grid_v, &vertical}}) {
    if (cv::countNonZero(*grid) == 0) continue;
    cv::Mat up;
    cv::resize(*grid, up, page.size(), 0, 0, cv::INTER_NEAREST);
    cv::bitwise_and(up, grey, up);
    cv::bitwise_or(*into, up, *into);
  }
}

}  // namespace

int RemoveRules(cv::Mat& page, double dpi) {
  cv::Mat ink;
  cv::threshold(page, ink, kInkLevel, 255, cv::THRESH_BINARY_INV);
  cv::Mat horizontal;
  std::vector<cv::Rect> bands;
  {
    const Axis rows = LayAlong(ink, dpi, true);
    horizontal = FindRules(ink, rows, dpi, true, nullptr, false, &bands);
    cv::bitwise_or(horizontal, FindRules(ink, rows, dpi, true, nullptr, /*pieces=*/true, &bands),
                   horizontal);
  }
  cv::Mat vertical = FindRules(ink, LayAlong(ink, dpi, false), dpi, false);
  {
    cv::Mat grey;  // a binary page has nothing between the two levels
    cv::inRange(page, kInkLevel, kRuleInkLevel - 1, grey);
    if (cv::countNonZero(grey) > 0) AddLightRules(page, grey, dpi, horizontal, vertical);
  }
  // Cell borders, looked for with the horizontal rules taken out: a border running on through a
  // rule into a letter's stem in the next row would otherwise be one stroke with text beside it.
  cv::Mat unruled, borders;
  cv::bitwise_and(ink, ~horizontal, unruled);
  borders = FindRules(unruled, LayAlong(unruled, dpi, false), dpi, false, &horizontal);
  cv::bitwise_or(vertical, borders, vertical);
  cv::Mat rules;
  cv::bitwise_or(horizontal, vertical, rules);
  const int ruled = cv::countNonZero(rules);
  if (ruled == 0) return 0;

  // Character repair: ink left after removing the rules, closed across a rule's thickness, refills
  // the rule pixels that lie inside a crossing stroke. Only the rules' surroundings take part.
  // Scoped, like the releases after it, so that the signature search below does not add its
  // buffers to these (a worker's peak memory).
  {
    const int span = std::max(3, static_cast<int>(std::lround(kRepairSpan * dpi)) + 3);
    const cv::Rect roi =
        (cv::boundingRect(rules) + cv::Size(2 * span, 2 * span) - cv::Point(span, span)) &
        cv::Rect(0, 0, page.cols, page.rows);
    const cv::Mat ink_r = ink(roi), rules_r = rules(roi);
    cv::Mat text;
    cv::bitwise_and(ink_r, ~rules_r, text);
    cv::Mat across_h, across_v;
    cv::morphologyEx(text, across_h, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, span)));
    cv::morphologyEx(text, across_v, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(span, 1)));
    cv::Mat erase_h, erase_v;
    cv::bitwise_and(horizontal(roi), ~across_h, erase_h);
    cv::bitwise_and(vertical(roi), ~across_v, erase_v);
    cv::Mat erase;
    cv::bitwise_or(erase_h, erase_v, erase);
    // A rule's anti-aliased edge is lighter than kInkLevel; left behind it would print a dotted
    // line the recognizer reads as punctuation. Grow the erased area over it, but never onto text.
    cv::dilate(erase, erase, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    cv::bitwise_and(erase, ~text, erase);
    cv::Mat page_r = page(roi);
    page_r.setTo(255, erase);
  }
  // A grey rule's core is ink only in places: between them, and round the erased stretches, its
  // pixels stay grey and print as a broken outline the recognizer reads as letters ("COURSE
  // pocee"). Along each straight horizontal rule, what is lighter than ink goes too; crossing
  // strokes and text on the rule are ink and stay.
  for (cv::Rect band : bands) {
    band = (band + cv::Size(0, 2) - cv::Point(0, 1)) & cv::Rect(0, 0, page.cols, page.rows);
    cv::Mat area = page(band);
    area.setTo(255, area > kInkLevel);
  }
  ink.release();
  vertical.release();
  unruled.release();
  borders.release();
  rules.release();

  // Signatures, looked for only in the strips of rows within an inch of a horizontal rule (a
  // signature with its loops, or a stamp's whole frame, that the frame test needs to see):
  // labelling the whole page's marks cost more than finding its rules.
  const int band = std::max(2, static_cast<int>(std::lround(kSideBand * dpi)));
  const int tall = static_cast<int>(std::lround(kMaxTextMark * dpi));
  const int reach = static_cast<int>(std::lround(kSignatureReach * dpi));
  int strip_begin = -1, strip_end = -1;
  const auto erase_in_strip = [&] {
    if (strip_begin < 0) return;
    const cv::Range rows(strip_begin, strip_end);
    cv::Mat strip = page.rowRange(rows), near_rules;
    cv::dilate(horizontal.rowRange(rows), near_rules,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * band + 1, 2 * band + 1)));
    EraseSignatures(strip, near_rules, tall, 4 * band + 1);
  };
  for (int y = 0; y < horizontal.rows; ++y) {
    // cv::countNonZero is vectorized; cv::reduce's row maximum is not, and cost as much as the
    // whole signature search.
    if (cv::countNonZero(horizontal.row(y)) == 0) continue;
    const int begin = std::max(0, y - reach), end = std::min(page.rows, y + reach + 1);
    if (strip_begin >= 0 && begin <= strip_end) {
      strip_end = std::max(strip_end, end);
    } else {
      erase_in_strip();
      strip_begin = begin;
      strip_end = end;
    }
  }
  erase_in_strip();
  return ruled;
}

}  // namespace chartscan::cleanup
