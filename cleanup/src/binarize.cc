// Threshold choice, binarization, and removal of noise, scanner borders and punch holes.
//
// Threshold. On a background-normalized page the paper is ~255 everywhere, so one global threshold
// suits the whole page (the local variation that adaptive methods such as Sauvola handle has been
// divided away). It is Otsu's threshold over the pixels darker than the paper, which splits real
// ink from the light marks around it (bleed-through, grey speckle, halo). Two guards:
// - it never goes above kMaxThreshold: a mark lighter than that has under ~12% contrast and is
//   bleed-through or dirt, not writing;
// - when the darkest mode is itself faint (faded thermal paper, light copies) Otsu still lands
//   between it and paper, so faint pages keep their text.
//
// Local threshold. Otsu over a page that holds bold and regular-weight text on dark, noisy paper
// splits the bold ink from the regular ink instead of ink from paper, and regular text is lost
// (measured: a heavy discharge summary kept only its bold headings). Grey pages are therefore
// also thresholded with Sauvola's method (window kSauvolaWindow, k = kSauvolaK), and a pixel is
// ink when either threshold says so: Sauvola's k keeps marks of low local contrast (bleed-through,
// smudges) as paper, and the global threshold keeps faint pages' faint text. Bilevel sources
// (faxes) skip it: their grey levels come from upsampling, not from the ink.
//
// Faint text on a noisy page (kLocalAndPale, asked for on pages with impulse noise). Where the
// print is light (a worn ribbon, a pale copy) and the paper is speckled, a letter's pixels
// straddle both thresholds and whole words fall out of the mask.
// Noise is a pixel wide and strokes are several, so on the page smoothed a little (Gaussian,
// kWeakSigma) the strokes stand clear of the noise, and a lower Sauvola k (kWeakK) catches them.
// That weak mask also catches bleed-through, which is as wide as a stroke; it is told apart by
// hysteresis: a weak component is kept only when at least kWeakSupport of its pixels, and three at
// least, are ink by the strict thresholds. Most faint letters have that many (measured 30-60%); a
// mirror-image letter from the back of the sheet mostly has under 30%. Weak ink is added only in
// bands of the page (kFaintBand tall) where faint letters are common, at least kFaintShare of the
// letter-sized components (kLetterArea) and kMinFaintLetters, a faint letter being one under
// kStrictOnly strict. Elsewhere it would only fatten dark letters with a halo (their weak
// components are 60-100% strict), which moved orientation and binarization decisions, and add
// clumps of noise that smoothing had joined. Measured (components of 60 px and up, 20-60% strict
// counted faint): a heavy page of pale Courier 78% faint; heavy pages printed dark under 5%; a
// clean page under 1%. Strict ink is kept whatever happens to its weak component, so a letter
// touching bleed-through is never lost.
//
// Speckle. Connected components (8-connected) of the ink mask are classified by area, scaled to
// the resolution: below kTinyArea they are always noise; up to kSmallArea they are kept only when
// their centre lies within 0.05 inch of a character-sized component's box (the dot of an i, a
// period, a decimal point); larger components are kept unless they are a scanner border (reaching
// within kEdgeReach of the edge and either a strip over 2 inches long, a solid slab over 0.5 inch,
// or a frame around the page; a border left a few pixels inside the edge by a skewed scan is one)
// or a punch hole (a solid disc 0.15-0.45 inch across, within 1.1 inch of an edge).
//
// Dotted letters (bilevel sources). A fax renders thin type (a light Courier in a lab table) as
// dots and dashes a scan line apart; upsampled, no piece of such a letter reaches kSmallArea and
// none is next to a character-sized component, so speckle removal dropped whole words ("Chloride"
// vanished from a 98 dpi lab report a person reads easily). On bilevel sources the mask is also
// closed with a kDotJoinWidth x kDotJoinHeight rectangle (one missing scan line at the fax's
// standard 98 lines per inch is 3 px at 300 dpi), and a piece about to be dropped is kept when
// its closed component is letter-sized (kLetterMinHeight-kLetterMaxSize tall, at most
// kLetterMaxSize wide, at least kSmallArea): specks stay apart when closed, and a dotted rule is
// longer than a letter. Only the pieces are kept, not the closing, so letters are not thickened
// (filling them in from the closed mask read worse). Measured on the fax pages of three accuracy
// seeds (24 pages): 8.68% -> 8.29%, 11.93% -> 11.91%, 2.97% -> 2.66% CER.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {
namespace {

constexpr double kMaxThreshold = 225;
constexpr double kTinyArea = 4;            // px at 300 dpi
constexpr double kSmallArea = 40;          // px at 300 dpi
constexpr double kEdgeReach = 0.02;        // inches (6 px at 300 dpi)
constexpr double kSauvolaWindow = 0.15;    // inches
constexpr int kDotJoinWidth = 3;           // px at 300 dpi
constexpr int kDotJoinHeight = 7;          // px at 300 dpi
constexpr double kLetterMinHeight = 0.06;  // inches
constexpr double kLetterMaxSize = 0.3;     // inches
constexpr float kSauvolaK = 0.2f;
constexpr int kSauvolaReduce = 3;

// A punch hole is a disc: ink fills the ellipse inscribed in its box (kDiscInside of it at least)
// and leaves the box's corners bare (kDiscOutside of them at most). Bold letters a photocopy
// darkened until their counters closed fill their ellipse as well ("M", "e" and "a" of a
// letterhead's "Old Mill Memorial Hospital", 0.8 inch from the top edge), but their stems and
// feet reach into the corners.
constexpr double kDiscInside = 0.85;
constexpr double kDiscOutside = 0.15;
bool SolidDisc(const cv::Mat& labels, int id, const cv::Rect& b) {
  const double cx = b.x + b.width / 2.0, cy = b.y + b.height / 2.0;
  const double rx = b.width / 2.0, ry = b.height / 2.0;
  long inside = 0, inside_ink = 0, outside = 0, outside_ink = 0;
  for (int y = b.y; y < b.y + b.height; ++y) {
    const int* l = labels.ptr<int>(y);
    const double dy = (y + 0.5 - cy) / ry;
    for (int x = b.x; x < b.x + b.width; ++x) {
      const double dx = (x + 0.5 - cx) / rx;
      const bool ink = l[x] == id;
      if (dx * dx + dy * dy <= 1.0) {
        ++inside;
        inside_ink += ink;
      } else {
        ++outside;
        outside_ink += ink;
      }
    }
  }
  return inside_ink >= kDiscInside * static_cast<double>(inside) &&
         outside_ink <= kDiscOutside * static_cast<double>(outside);
}
constexpr float kWeakK = 0.1f;
constexpr double kWeakSigma = 1.0;  // px at 300 dpi
constexpr double kWeakSupport = 0.3;
constexpr double kStrictOnly = 0.6;
constexpr double kFaintBand = 1.0;   // inches
constexpr double kLetterArea = 120;  // px at 300 dpi
constexpr double kFaintShare = 0.3;
constexpr int kMinFaintLetters = 20;

double Otsu(const std::array<double, 256>& hist, int lo, int hi) {
  double total = 0, sum = 0;
  for (int i = lo; i <= hi; ++i) {
    total += hist[i];
    sum += i * hist[i];
  }
  if (total <= 0) return (lo + hi) / 2.0;
  double w0 = 0, sum0 = 0, best = -1, best_t = (lo + hi) / 2.0;
  for (int t = lo; t < hi; ++t) {
    w0 += hist[t];
    sum0 += t * hist[t];
    const double w1 = total - w0;
    if (w0 <= 0 || w1 <= 0) continue;
    const double m0 = sum0 / w0, m1 = (sum - sum0) / w1;
    const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      best_t = t + 0.5;
    }
  }
  return best_t;
}

// Sauvola's threshold T = m (1 + k (s / R - 1)) over a window about two text lines wide, as a
// mask (255 = ink) of the pixels of `gray` under it with k = kSauvolaK. m and s are the local mean
// and standard deviation of `gray`; R = 128 is the dynamic range of s for 8-bit images. kSauvolaK =
// 0.2 keeps marks of under ~25% local contrast (bleed-through, smudges) as paper. When `weak` is
// given it also gets the pale-print mask (see the file comment): the pixels of `smoothed` under the
// threshold with k = kWeakK, from the same local statistics.
cv::Mat SauvolaInk(const cv::Mat& gray, double dpi, const cv::Mat* smoothed = nullptr,
                   cv::Mat* weak = nullptr) {
  // The threshold surface is a window average, smooth at the scale of the window, so it is
  // computed on the page reduced kSauvolaReduce times in each direction and enlarged back: a
  // tenth of the arithmetic and of the memory, for a threshold within a grey level or two.
  const int f = kSauvolaReduce;
  cv::Mat small;
  cv::resize(gray, small, cv::Size(std::max(1, gray.cols / f), std::max(1, gray.rows / f)), 0, 0,
             cv::INTER_AREA);
  const int window = std::max(5, static_cast<int>(std::lround(kSauvolaWindow * dpi / f)) | 1);
  cv::Mat g, mean, sq_mean;
  small.convertTo(g, CV_32F);
  cv::boxFilter(g, mean, CV_32F, cv::Size(window, window), cv::Point(-1, -1), true,
                cv::BORDER_REPLICATE);
  cv::sqrBoxFilter(g, sq_mean, CV_32F, cv::Size(window, window), cv::Point(-1, -1), true,
                   cv::BORDER_REPLICATE);
  const bool both = weak != nullptr && smoothed != nullptr;
  cv::Mat threshold(small.size(), CV_8UC1), weak_threshold;
  if (both) weak_threshold.create(small.size(), CV_8UC1);
  for (int y = 0; y < small.rows; ++y) {
    const float* m = mean.ptr<float>(y);
    const float* q = sq_mean.ptr<float>(y);
    uchar* t = threshold.ptr<uchar>(y);
    uchar* tw = both ? weak_threshold.ptr<uchar>(y) : nullptr;
    for (int x = 0; x < small.cols; ++x) {
      const float spread = std::sqrt(std::max(0.0f, q[x] - m[x] * m[x])) / 128.0f - 1.0f;
      t[x] = cv::saturate_cast<uchar>(m[x] * (1.0f + kSauvolaK * spread));
      if (tw) tw[x] = cv::saturate_cast<uchar>(m[x] * (1.0f + kWeakK * spread));
    }
  }
  cv::resize(threshold, threshold, gray.size(), 0, 0, cv::INTER_LINEAR);
  cv::Mat ink;
  cv::compare(gray, threshold, ink, cv::CMP_LT);
  if (both) {
    threshold.release();
    cv::resize(weak_threshold, weak_threshold, gray.size(), 0, 0, cv::INTER_LINEAR);
    cv::compare(*smoothed, weak_threshold, *weak, cv::CMP_LT);
  }
  return ink;
}

// Hysteresis (see the file comment): strict ink, plus the weak components that hold enough of it
// in bands of the page where faint letters are common. `weak` is consumed; the result is `strict`
// itself when nothing is added.
cv::Mat KeepSupportedWeakInk(const cv::Mat& strict, cv::Mat& weak, double dpi) {
  cv::bitwise_or(weak, strict, weak);
  cv::Mat labels, cc, centroids;
  const int n =
      cv::connectedComponentsWithStats(weak, labels, cc, centroids, 8, CV_32S, cv::CCL_GRANA);
  std::vector<int> support(static_cast<size_t>(n), 0);
  for (int y = 0; y < weak.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const uchar* st = strict.ptr<uchar>(y);
    for (int x = 0; x < weak.cols; ++x) support[static_cast<size_t>(l[x])] += st[x] != 0;
  }
  const int band = std::max(1, static_cast<int>(kFaintBand * dpi));
  const int letter = std::max(4, static_cast<int>(kLetterArea * (dpi / 300.0) * (dpi / 300.0)));
  std::vector<int> faint_letters(static_cast<size_t>(weak.rows / band + 1), 0);
  std::vector<int> letters(faint_letters.size(), 0);
  std::vector<uchar> keep(static_cast<size_t>(n), 0);
  for (int i = 1; i < n; ++i) {
    const int area = cc.at<int>(i, cv::CC_STAT_AREA);
    const double strict_share = support[static_cast<size_t>(i)] / static_cast<double>(area);
    if (support[static_cast<size_t>(i)] < 3 || strict_share < kWeakSupport) continue;
    keep[static_cast<size_t>(i)] = 1;
    if (area < letter) continue;
    const auto b = static_cast<size_t>(centroids.at<double>(i, 1) / band);
    ++letters[b];
    faint_letters[b] += strict_share < kStrictOnly;
  }
  bool any = false;
  for (int i = 1; i < n; ++i) {
    if (!keep[static_cast<size_t>(i)]) continue;
    const auto b = static_cast<size_t>(centroids.at<double>(i, 1) / band);
    keep[static_cast<size_t>(i)] =
        faint_letters[b] >= kMinFaintLetters && faint_letters[b] >= kFaintShare * letters[b];
    any |= keep[static_cast<size_t>(i)] != 0;
  }
  if (!any) return strict;
  for (int y = 0; y < weak.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const uchar* st = strict.ptr<uchar>(y);
    uchar* w = weak.ptr<uchar>(y);
    for (int x = 0; x < weak.cols; ++x) {
      w[x] = (st[x] || keep[static_cast<size_t>(l[x])]) ? 255 : 0;
    }
  }
  return weak;
}

// For each component of `binary` closed by the dot-joining rectangle (see the file comment): its
// label image and whether it is letter-sized.
struct DotJoin {
  cv::Mat labels;
  std::vector<uchar> letter;
};

DotJoin JoinDots(const cv::Mat& binary, double dpi, int min_area) {
  const double f = dpi / 300.0;
  const cv::Size kernel(std::max(1, static_cast<int>(std::lround(kDotJoinWidth * f))),
                        std::max(1, static_cast<int>(std::lround(kDotJoinHeight * f))));
  cv::Mat closed, stats, centroids;
  cv::morphologyEx(binary, closed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, kernel));
  DotJoin out;
  const int n = cv::connectedComponentsWithStats(closed, out.labels, stats, centroids, 8, CV_32S,
                                                 cv::CCL_GRANA);
  out.letter.assign(static_cast<size_t>(std::max(n, 1)), 0);
  const double min_h = kLetterMinHeight * dpi, max_size = kLetterMaxSize * dpi;
  for (int i = 1; i < n; ++i) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    out.letter[static_cast<size_t>(i)] = h >= min_h && h <= max_size && w <= max_size &&
                                         stats.at<int>(i, cv::CC_STAT_AREA) >= min_area;
  }
  return out;
}

}  // namespace

InkStats ChooseThreshold(const cv::Mat& normalized) {
  // Counted in four interleaved integer tables: a page is mostly one value (paper), and one table
  // would serialize every pixel on the same counter.
  std::array<std::array<std::uint32_t, 256>, 4> counts{};
  for (int y = 0; y < normalized.rows; ++y) {
    const uchar* p = normalized.ptr<uchar>(y);
    int x = 0;
    for (; x + 4 <= normalized.cols; x += 4) {
      ++counts[0][p[x]];
      ++counts[1][p[x + 1]];
      ++counts[2][p[x + 2]];
      ++counts[3][p[x + 3]];
    }
    for (; x < normalized.cols; ++x) ++counts[0][p[x]];
  }
  std::array<double, 256> hist{};
  for (int i = 0; i < 256; ++i) {
    hist[static_cast<size_t>(i)] =
        static_cast<double>(counts[0][static_cast<size_t>(i)]) + counts[1][static_cast<size_t>(i)] +
        counts[2][static_cast<size_t>(i)] + counts[3][static_cast<size_t>(i)];
  }
  // Paper level: the brightest strong mode. Normalization puts it near 255, but clipped noise can
  // spread it; take the median of the brightest 60% of pixels.
  double total = 0;
  for (double h : hist) total += h;
  double acc = 0;
  int paper = 255;
  for (int i = 255; i >= 0; --i) {
    acc += hist[i];
    if (acc >= total * 0.3) {
      paper = i;
      break;
    }
  }
  // Otsu over everything darker than the paper's lower shoulder.
  const int hi = std::max(1, std::min(254, paper - 8));
  InkStats s;
  s.threshold = std::min(Otsu(hist, 0, hi), kMaxThreshold);
  // Ink level: median of pixels below the threshold.
  double ink_total = 0;
  for (int i = 0; i < static_cast<int>(s.threshold); ++i) ink_total += hist[i];
  double run = 0;
  s.ink_level = s.threshold;
  for (int i = 0; i < static_cast<int>(s.threshold); ++i) {
    run += hist[i];
    if (run >= ink_total / 2) {
      s.ink_level = i;
      break;
    }
  }
  s.contrast = std::clamp((paper - s.ink_level) / 255.0, 0.0, 1.0);
  return s;
}

InkMask ExtractInk(const cv::Mat& normalized, double threshold, double dpi, InkThresholds which) {
  InkMask out;
  cv::threshold(normalized, out.binary, threshold, 255, cv::THRESH_BINARY_INV);
  // Regular-weight text beside bold text on a dark, noisy page can sit above the global threshold
  // (Otsu splits the bold ink from the regular ink rather than ink from paper); Sauvola's local
  // threshold finds it, and still leaves low-contrast bleed-through as paper.
  if (which == InkThresholds::kLocal) {
    cv::bitwise_or(out.binary, SauvolaInk(normalized, dpi), out.binary);
  } else if (which == InkThresholds::kLocalAndPale) {
    cv::Mat smoothed, weak;
    const double sigma = kWeakSigma * dpi / 300.0;
    cv::GaussianBlur(normalized, smoothed, cv::Size(0, 0), sigma, sigma);
    cv::Mat strict = SauvolaInk(normalized, dpi, &smoothed, &weak);
    smoothed.release();
    cv::bitwise_or(out.binary, strict, strict);
    out.binary = KeepSupportedWeakInk(strict, weak, dpi);
  }
  cv::Mat labels, cc, centroids;
  const int n =
      cv::connectedComponentsWithStats(out.binary, labels, cc, centroids, 8, CV_32S, cv::CCL_GRANA);
  if (n <= 1) return out;

  const double scale = (dpi / 300.0) * (dpi / 300.0);
  const int tiny = std::max(1, static_cast<int>(kTinyArea * scale));
  const int small = std::max(tiny + 1, static_cast<int>(kSmallArea * scale));
  const int w = out.binary.cols, h = out.binary.rows;
  const int edge = static_cast<int>(std::lround(kEdgeReach * dpi));

  enum : uchar { kDrop = 0, kKeep = 1, kUndecided = 2 };
  std::vector<uchar> keep(static_cast<size_t>(n), kKeep);
  keep.front() = kDrop;

  // Grid of character-sized boxes, for the "next to text" test of small components.
  const int cell = std::max(16, static_cast<int>(0.2 * dpi));
  const int gw = w / cell + 1, gh = h / cell + 1;
  std::vector<std::vector<int>> grid(static_cast<size_t>(gw) * gh);
  auto box = [&](int i) {
    return cv::Rect(cc.at<int>(i, cv::CC_STAT_LEFT), cc.at<int>(i, cv::CC_STAT_TOP),
                    cc.at<int>(i, cv::CC_STAT_WIDTH), cc.at<int>(i, cv::CC_STAT_HEIGHT));
  };

  for (int i = 1; i < n; ++i) {
    const int area = cc.at<int>(i, cv::CC_STAT_AREA);
    const cv::Rect b = box(i);
    if (area < tiny) {
      keep[static_cast<size_t>(i)] = kDrop;
      ++out.speckles_removed;
      continue;
    }
    if (area < small) {
      keep[static_cast<size_t>(i)] = kUndecided;
      continue;
    }
    const bool touches =
        b.x <= edge || b.y <= edge || b.x + b.width >= w - edge || b.y + b.height >= h - edge;
    // Scanner border: touches the edge and is a long strip, a big solid slab or a frame.
    const bool strip = b.width > 2.0 * dpi || b.height > 2.0 * dpi;
    const bool slab = b.width > 0.5 * dpi && b.height > 0.5 * dpi && area > 0.5 * b.area();
    const bool frame = b.width > 0.8 * w && b.height > 0.8 * h;
    // Punch hole: a solid disc 0.15-0.45 inch across within ~1 inch of an edge. "Solid" is strict
    // (within 10% of a filled ellipse): a bold capital M or O in a letterhead near the top edge is
    // as big and as square, but fills only 75-85% of its ellipse.
    const double lo = 0.15 * dpi, hi = 0.45 * dpi, margin = 1.1 * dpi;
    const double cx = centroids.at<double>(i, 0), cy = centroids.at<double>(i, 1);
    const bool round = b.width >= lo && b.width <= hi && b.height >= lo && b.height <= hi &&
                       std::abs(b.width - b.height) < 0.25 * std::max(b.width, b.height);
    const double fill = area / (CV_PI / 4.0 * b.width * b.height);
    const bool near_edge = cx < margin || cy < margin || cx > w - margin || cy > h - margin;
    if ((touches && (strip || slab || frame)) ||
        (round && fill > 0.9 && fill < 1.1 && near_edge && SolidDisc(labels, i, b))) {
      keep[static_cast<size_t>(i)] = kDrop;
      ++out.borders_removed;
      continue;
    }
    for (int gy = b.y / cell; gy <= (b.y + b.height) / cell && gy < gh; ++gy) {
      for (int gx = b.x / cell; gx <= (b.x + b.width) / cell && gx < gw; ++gx) {
        grid[static_cast<size_t>(gy) * gw + gx].push_back(i);
      }
    }
  }

  // Small components stay when their centre is within `near` of a kept character's box. A dash
  // (a thin horizontal bar: list bullet, minus sign, "-" between words) may stand a word space or
  // more from its neighbours, so it is looked for further along its line.
  // Horizontally the reach is wider: in monospaced type a colon or period sits centred in a full
  // character cell, up to ~0.08 inch from the letter before it.
  const int near = std::max(2, static_cast<int>(0.05 * dpi));
  const int dot_reach = std::max(near, static_cast<int>(0.1 * dpi));
  const int dash_reach = std::max(near, static_cast<int>(0.3 * dpi));
  const int dash_max_height = std::max(2, static_cast<int>(0.025 * dpi));
  for (int i = 1; i < n; ++i) {
    if (keep[static_cast<size_t>(i)] != kUndecided) continue;
    const int cx = static_cast<int>(centroids.at<double>(i, 0));
    const int cy = static_cast<int>(centroids.at<double>(i, 1));
    const cv::Rect self = box(i);
    const bool dash = self.height <= dash_max_height && self.width >= 2.5 * self.height;
    const int near_x = dash ? dash_reach : dot_reach;
    bool close = false;
    for (int gy = std::max(0, (cy - near) / cell);
         gy <= std::min(gh - 1, (cy + near) / cell) && !close; ++gy) {
      for (int gx = std::max(0, (cx - near_x) / cell);
           gx <= std::min(gw - 1, (cx + near_x) / cell) && !close; ++gx) {
        for (int j : grid[static_cast<size_t>(gy) * gw + gx]) {
          const cv::Rect b = box(j);
          const int dx = std::max({b.x - cx, 0, cx - (b.x + b.width)});
          const int dy = std::max({b.y - cy, 0, cy - (b.y + b.height)});
          if (dx <= near_x && dy <= near) {
            close = true;
            break;
          }
        }
      }
    }
    keep[static_cast<size_t>(i)] = close ? kKeep : kDrop;
    out.speckles_removed += !close;
  }

  // Dotted letters of a bilevel source: pieces dropped as speckle that join into a letter.
  if (which == InkThresholds::kGlobal && out.speckles_removed > 0) {
    const DotJoin joined = JoinDots(out.binary, dpi, small);
    for (int y = 0; y < h; ++y) {
      const int* l = labels.ptr<int>(y);
      const int* j = joined.labels.ptr<int>(y);
      for (int x = 0; x < w; ++x) {
        const auto i = static_cast<size_t>(l[x]);
        if (l[x] == 0 || keep[i] != kDrop || !joined.letter[static_cast<size_t>(j[x])]) continue;
        if (cc.at<int>(l[x], cv::CC_STAT_AREA) >= small) continue;  // a border or a punch hole
        keep[i] = kKeep;
        --out.speckles_removed;
      }
    }
  }
  if (out.speckles_removed + out.borders_removed > 0) {
    for (int y = 0; y < h; ++y) {
      const int* l = labels.ptr<int>(y);
      uchar* b = out.binary.ptr<uchar>(y);
      for (int x = 0; x < w; ++x) {
        if (b[x] && keep[static_cast<size_t>(l[x])] == kDrop) b[x] = 0;
      }
    }
  }
  out.components.reserve(static_cast<size_t>(n));
  for (int i = 1; i < n; ++i) {
    if (keep[static_cast<size_t>(i)] == kKeep)
      out.components.push_back({box(i), cc.at<int>(i, cv::CC_STAT_AREA)});
  }
  return out;
}

}  // namespace chartscan::cleanup
