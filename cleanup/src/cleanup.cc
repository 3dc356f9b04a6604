// CleanPage: the cleanup steps in order (see cleanup.h), and the adapter that turns OpenCV
// exceptions into Status values.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chartscan/cleanup/cleanup.h>

#include "cv_adapt.h"
#include "png_writer.h"
#include "steps.h"

namespace chartscan::cleanup {
namespace {

// Median height of character-sized marks on a 300 dpi page of 10-12 pt text (x-height letters
// dominate). Used only when a file does not record its resolution.
constexpr double kMedianGlyphHeightAt300 = 24;
// Speckles removed per square inch above which a page is median-filtered (a clean scan has under
// 1, a worn photocopy 20-40, a noisy fax or a dirty scanner glass hundreds).
constexpr double kImpulseNoise = 60;
// Speckles removed per square inch below which the tiniest marks beside letters are taken for
// noise and erased from the OCR image (see specks.cc): lightly degraded scans show 1-7. On
// noisier pages (photocopies, 13-32; salt and pepper, hundreds) as many of them are fragments of
// strokes, and erasing them there merged words ("A CARTER" read "ACARTER") and cost patient
// names as often as it removed stray punctuation.
constexpr double kQuietPage = 10;
// Share of grey (neither 0 nor 255) pixels up to which an 8-bit page is a bilevel one stored as
// grey.
constexpr double kMaxGreyShare = 0.001;

cv::Mat ToGray(const ImageView& page) {
  cv::Mat src = WrapView(page);
  cv::Mat gray;
  if (page.format() == PixelFormat::kRgb8) {
    cv::cvtColor(src, gray, cv::COLOR_RGB2GRAY);
  } else {
    gray = src.clone();
  }
  return gray;
}

// Resolution from text size when the file records none: a quick Otsu binarization and the median
// height of character-sized components.
double EstimateDpiFromText(const cv::Mat& gray) {
  cv::Mat binary;
  cv::threshold(gray, binary, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, cc, centroids;
  const int n =
      cv::connectedComponentsWithStats(binary, labels, cc, centroids, 8, CV_32S, cv::CCL_GRANA);
  std::vector<int> heights;
  for (int i = 1; i < n; ++i) {
    const int h = cc.at<int>(i, cv::CC_STAT_HEIGHT), w = cc.at<int>(i, cv::CC_STAT_WIDTH);
    if (h >= 4 && h < gray.rows / 8 && w < gray.cols / 8 && cc.at<int>(i, cv::CC_STAT_AREA) >= 6) {
      heights.push_back(h);
    }
  }
  if (heights.size() < 30) return 300;
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  return std::clamp(300.0 * heights[heights.size() / 2] / kMedianGlyphHeightAt300, 72.0, 1200.0);
}

// True when every pixel is pure black or pure white: a fax or lineart page stored as 8-bit grey
// (a fax server's TIFF converted by another program, a PDF of a fax rendered without smoothing).
// Any scan of paper, even a clean one, has sensor noise and anti-aliased edges.
bool IsTwoLevel(const cv::Mat& gray) {
  cv::Mat mid;
  cv::inRange(gray, cv::Scalar(1), cv::Scalar(254), mid);
  return cv::countNonZero(mid) <=
         static_cast<int>(kMaxGreyShare * static_cast<double>(gray.total()));
}

Result<CleanedPage> Clean(const ImageView& page, Resolution resolution, bool bilevel,
                          const CleanupOptions& options) {
  CleanedPage out;
  PageQuality& q = out.quality;
  cv::Mat gray = ToGray(page);
  // A fax converted to 8-bit grey (a fax server's TIFF rewritten by another program, a PDF of a
  // fax rendered without smoothing) is as bilevel as the one-bit file, and is cleaned the same
  // way: its broken strokes need the same thresholds and the same rescue of dotted letters.
  // Treated as a grey scan, a 98 dpi fax stored in eight bits read "VOonSeyy 2003" for a date of
  // birth the one-bit file gives whole.
  if (!bilevel && page.format() == PixelFormat::kGray8) bilevel = IsTwoLevel(gray);

  // 1. Working resolution, square pixels.
  double xdpi = resolution.x_dpi, ydpi = resolution.y_dpi;
  if (!resolution.known()) xdpi = ydpi = EstimateDpiFromText(gray);
  q.source_dpi = resolution.known() ? std::max(resolution.x_dpi, resolution.y_dpi) : 0;
  const double base = std::max(xdpi, ydpi);
  const double dpi =
      (base >= options.min_dpi && base <= options.max_dpi) ? base : options.target_dpi;
  const double sx = dpi / xdpi, sy = dpi / ydpi;
  if (std::abs(sx - 1) > 0.02 || std::abs(sy - 1) > 0.02) {
    const bool up = sx > 1 || sy > 1;
    cv::Mat resized;
    cv::resize(gray, resized,
               cv::Size(std::max(1, static_cast<int>(std::lround(gray.cols * sx))),
                        std::max(1, static_cast<int>(std::lround(gray.rows * sy)))),
               0, 0, up ? cv::INTER_CUBIC : cv::INTER_AREA);
    gray = resized;
    q.upsampled = up;
    // Bilevel pages enlarged become staircases; a blur about half the enlargement wide turns the
    // steps back into the smooth strokes the recognizer was trained on.
    if (up && bilevel) {
      cv::GaussianBlur(gray, gray, cv::Size(0, 0), std::max(0.5, 0.45 * sx),
                       std::max(0.5, 0.45 * sy));
    }
  }
  q.dpi = dpi;

  // 2. Background.
  double paper = 255;
  cv::Mat normalized = NormalizeBackground(gray, dpi, &paper);
  q.background = paper;
  gray.release();

  // 3. Threshold, ink mask, noise, borders, punch holes.
  InkStats ink = ChooseThreshold(normalized);
  InkMask mask = ExtractInk(normalized, ink.threshold, dpi,
                            bilevel ? InkThresholds::kGlobal : InkThresholds::kLocal);
  const double square_inches = (normalized.cols / dpi) * (normalized.rows / dpi);
  q.noise = mask.speckles_removed / std::max(square_inches, 1e-6);
  // Impulse noise (salt and pepper from worn scanners and fax lines, toner specks) also sits on
  // and inside strokes, where speckle removal cannot tell it from ink: the recognizer then reads
  // pitted letters. A 3x3 median removes isolated pixels and pits while keeping strokes of 3 px
  // and more (any text of 6 pt and up at 300 dpi), so noisy pages are filtered and masked again.
  // Only there is pale print looked for (it is noise that breaks pale letters apart: on a quiet
  // page the strict thresholds keep them whole), which spares every other page its cost, about a
  // tenth of cleanup's time.
  if (q.noise > kImpulseNoise) {
    cv::medianBlur(normalized, normalized, 3);
    ink = ChooseThreshold(normalized);
    mask = ExtractInk(normalized, ink.threshold, dpi,
                      bilevel ? InkThresholds::kGlobal : InkThresholds::kLocalAndPale);
  }
  q.contrast = ink.contrast * paper / 255.0;
  q.blur = EstimateBlur(normalized, mask.binary, dpi);
  double ink_area = 0;
  for (const Component& c : mask.components) ink_area += c.area;
  q.ink_coverage = ink_area / static_cast<double>(mask.binary.total());

  // 4. Blank? Decided on what survived cleanup, before (and instead of) orientation.
  out.blank = DecideBlank(mask.components, mask.binary.size(), dpi).blank;

  // 5. Orientation and skew.
  OrientationEstimate orient;
  if (out.blank) {
    orient.confidence = 0;
  } else if (options.detect_orientation) {
    orient = DetectOrientation(mask.binary, dpi, options.max_skew);
  } else if (options.deskew) {
    double reduced_dpi = dpi;
    cv::Mat reduced = ReduceBinary(mask.binary, dpi, 150, &reduced_dpi);
    SkewEstimate s = EstimateSkew(reduced, reduced_dpi, options.max_skew);
    orient.skew = s.angle;
    orient.skew_confidence = s.confidence;
    orient.confidence = 1;
  }
  if (!options.deskew) orient.skew = 0;
  q.orientation = orient.degrees;
  q.orientation_confidence = orient.confidence;

  // 6. The OCR image, composed before rotation so only one image is rotated. Binarize where noise
  // dominates and strokes are sharp; otherwise keep the grey strokes (the LSTM recognizer reads
  // grey levels) with everything outside the slightly grown ink mask set to paper white, and faint
  // ink stretched toward full-contrast black.
  bool use_binary = options.binarize == BinarizeMode::kAlways;
  if (options.binarize == BinarizeMode::kAuto) use_binary = q.noise > 50 && q.blur < 2.5;
  q.binarized = use_binary;
  cv::Mat page_image;
  if (use_binary) {
    cv::bitwise_not(mask.binary, page_image);
  } else {
    cv::Mat grown;
    cv::dilate(mask.binary, grown, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    const double gain = std::clamp(215.0 / std::max(1.0, 255.0 - ink.ink_level), 1.0, 4.0);
    cv::Mat stretched;
    normalized.convertTo(stretched, CV_8U, gain, 255.0 * (1.0 - gain));
    page_image = cv::Mat(stretched.size(), CV_8UC1, cv::Scalar(255));
    stretched.copyTo(page_image, grown);
  }
  normalized.release();
  mask.binary.release();

  // 7. One rotation: the quarter turn that makes the lines horizontal exactly, then the skew
  // (skipped below 0.05 degree, where it moves the end of a line by under a quarter pixel). A page
  // upside down is turned over last, after rules and specks, exactly as the pipeline turns over a
  // page that reads better so (RotateCleanedPage): the pixels given to the recognizer are the same
  // whichever way up cleanup guessed, and a better guess changes the cost of a page, never its
  // text. (Turned over before the skew rotation, the page was resampled at other sub-pixel
  // positions, and its text could read differently.)
  const bool turn_over = orient.degrees >= 180;
  if (orient.degrees % 180 != 0) page_image = RotateQuarter(page_image, orient.degrees % 180);
  if (std::abs(orient.skew) >= 0.05) {
    // Bilinear then re-threshold: smoother edges than nearest-neighbour on a bilevel page.
    page_image = RotateExpand(page_image, -orient.skew, 255, false);
    if (use_binary) cv::threshold(page_image, page_image, 127, 255, cv::THRESH_BINARY);
    q.skew = orient.skew;
  }
  if (!out.blank) {
    cv::Mat for_ocr = page_image.clone();
    int changed = options.remove_rules ? RemoveRules(for_ocr, dpi) : 0;
    changed += RemoveIsolatedSpecks(for_ocr, dpi, /*erase_tiny=*/!bilevel && q.noise < kQuietPage);
    if (changed > 0) out.ocr_image = ToImage(turn_over ? RotateQuarter(for_ocr, 180) : for_ocr);
  }
  out.image = ToImage(turn_over ? RotateQuarter(page_image, 180) : page_image);
  out.dpi = dpi;
  return out;
}

}  // namespace

Status CleanupOptions::Validate() const {
  if (!(target_dpi >= 100 && target_dpi <= 1200))
    return Status::InvalidArgument("cleanup: target dpi out of range");
  if (!(min_dpi > 0 && min_dpi <= target_dpi && target_dpi <= max_dpi)) {
    return Status::InvalidArgument("cleanup: need 0 < min_dpi <= target_dpi <= max_dpi");
  }
  if (!(max_skew >= 0 && max_skew <= 45))
    return Status::InvalidArgument("cleanup: max_skew must be within 0-45 degrees");
  return Status::Ok();
}

Result<CleanedPage> CleanPage(const ImageView& page, Resolution resolution, bool bilevel,
                              const CleanupOptions& options) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  if (page.empty()) return Status::InvalidArgument("cleanup: empty image");
  try {
    return Clean(page, resolution, bilevel, options);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("cleanup: OpenCV: ") + e.err);
  } catch (const std::bad_alloc&) {
    return Status::TooLarge("cleanup: out of memory for a " + std::to_string(page.width()) + "x" +
                            std::to_string(page.height()) + " page");
  }
}

void SetThreadsPerPage(int threads) { cv::setNumThreads(threads > 0 ? threads : -1); }

void RotateCleanedPage(CleanedPage& page, int clockwise_degrees) {
  const int d = ((clockwise_degrees % 360) + 360) % 360;
  if (d == 0 || page.image.empty()) return;
  page.image = ToImage(RotateQuarter(WrapView(page.image.view()), d));
  if (!page.ocr_image.empty()) {
    page.ocr_image = ToImage(RotateQuarter(WrapView(page.ocr_image.view()), d));
  }
  page.quality.orientation = (page.quality.orientation + d) % 360;
}

Result<EncodedImage> EncodeForDisplay(const CleanedPage& page) {
  if (page.image.empty()) return Status::InvalidArgument("cleanup: nothing to encode");
  try {
    std::string bytes;
    if (!page.quality.binarized) {
      bytes.reserve(static_cast<size_t>(page.image.width()) * page.image.height() / 8);
      if (!WriteGreyPng(page.image.view(), &bytes)) {
        return Status::Internal("cleanup: PNG encoding failed");
      }
      return EncodedImage{std::move(bytes), "png", page.image.width(), page.image.height()};
    }
    // 1-bit rows are written unfiltered whatever is asked (libpng filters only 8-bit and deeper
    // rows by default), so OpenCV's writer is as quick here. Run-length deflate: cleaned pages are
    // long runs of one value, and RLE matching compresses them better than the default strategy
    // and takes a third less time.
    std::vector<uchar> buf;
    const std::vector<int> params = {cv::IMWRITE_PNG_COMPRESSION, 6,
                                     cv::IMWRITE_PNG_STRATEGY,    cv::IMWRITE_PNG_STRATEGY_RLE,
                                     cv::IMWRITE_PNG_BILEVEL,     1};
    if (!cv::imencode(".png", WrapView(page.image.view()), buf, params)) {
      return Status::Internal("cleanup: PNG encoding failed");
    }
    return EncodedImage{std::string(buf.begin(), buf.end()), "png", page.image.width(),
                        page.image.height()};
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("cleanup: OpenCV: ") + e.err);
  }
}

}  // namespace chartscan::cleanup
