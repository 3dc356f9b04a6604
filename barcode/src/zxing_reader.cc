// Reading symbols with ZXing-cpp.
//
// Pages above 320 dpi are read at 300 dpi (a patient label's 10-15 mil modules are still 3-4
// pixels wide there, and ZXing's time grows with the pixel count), and every whole-page reading is
// of a copy at kReadDpi (200 dpi: 2-3 pixel modules, half the pixels of 300 dpi).
//
// 1. The copy is binarized with one global (Otsu) threshold after a 3x3 median, and read. ZXing's
//    own binarizer thresholds each 8x8 block by its neighbourhood; inside a QR code's large
//    modules the blocks are uniform and, on a faint or noisy scan, were thresholded into holes:
//    6 of 26 QR cover sheets on faint and heavy pages went unread that the global threshold reads
//    (and the symbols of 15 heavy pages). The median removes the speckle of noisy paper and
//    faxes; below kMedianMinDpi it would erase modules a pixel or two wide, and is skipped.
// 2. While nothing has been read: bars are looked for. A linear symbol is a row of bars, dark
//    strokes at least kMinBarHeight tall, kMinBars of them or more within kBarWindow of one row
//    (a page's text has 1-5 such strokes there: the stems of a heading, a table's rules; Code 128
//    labels 7-13). They are found on a local (mean) threshold of the copy, which shading does not
//    defeat, eroded along the bars, once as the page stands and once turned a quarter (a page fed
//    sideways). Only the bands of the page around such rows are read again, three ways in turn
//    until one reads: the grey band itself (ZXing's local binarizer, which the global threshold
//    can lose to shading), and two cleaned copies at the page's full resolution:
//    a. photocopied labels: toner spread thickens bars until a one-module space is a pixel or two
//       and the width ratios are lost. A 3x3 median (speckle), division by the paper level (a grey
//       dilation over ~0.25 inch, wider than any gap between modules, which flattens shadows and
//       lifts faint print to full contrast) and then a 3x3 grey dilation, which thins every dark
//       element by about two pixels and gives the spaces back;
//    b. heavy salt-and-pepper noise on grey paper: a 5x5 median and the same paper division.
//    A page without bars (most pages) costs one reading and the bar search; before it, every page
//    was read three times (the grey page, then the top 40% cleaned twice) and the cover sheets
//    above were still missed.
// Results are merged, dropping a symbol read twice at the same place.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>
#include <ZXing/Result.h>
#include <opencv2/imgproc.hpp>

#include "internal.h"

namespace chartscan::barcode::internal {
namespace {

constexpr double kMaxReadDpi = 320;
constexpr double kFullDpi = 300;
constexpr double kReadDpi = 200;
constexpr double kMedianMinDpi = 180;
constexpr double kPaperWindowInches = 0.25;
// Bar search: a bar is at least kMinBarHeight of dark (a label's bars are 0.3-0.6 in, letters of
// text up to 14 pt under 0.15 in); kMinBars of them within kBarWindow of a row make a symbol's row
// (10-15 mil modules put 15-25 bars in 0.4 in). Rows are looked at every kBarRowStep; a band
// reaches kBandMargin above and below the rows that qualify, room for the symbol's whole height.
constexpr double kMinBarHeight = 0.15;
constexpr double kBarWindow = 0.4;
constexpr int kMinBars = 7;
constexpr double kBarRowStep = 0.02;
constexpr double kBandMargin = 0.35;
// Local threshold of the bar search: the mean over kLocalWindow, less kLocalOffset grey levels.
constexpr double kLocalWindow = 0.075;
constexpr double kLocalOffset = 10;

ZXing::BarcodeFormats Formats(const std::vector<std::string>& names) {
  ZXing::BarcodeFormats formats;
  for (const std::string& n : names) {
    ZXing::BarcodeFormat f = ZXing::BarcodeFormatFromString(n);
    if (f == ZXing::BarcodeFormat::None) throw std::invalid_argument("unknown symbology " + n);
    formats |= f;
  }
  return formats;  // empty means every format to ZXing
}

std::vector<Found> Read(const cv::Mat& gray, const ZXing::BarcodeFormats& formats,
                        bool try_rotate) {
  CV_Assert(gray.type() == CV_8UC1);
  cv::Mat image = gray.isContinuous() ? gray : gray.clone();
  ZXing::ImageView view(image.data, image.cols, image.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(image.step));
  ZXing::DecodeHints hints;
  // No downscaled pyramid: ZXing 1.4 merges the layers' linear results with a comparison that
  // asserts (aborts the process in Debian's build, zxing-cpp issue #740) when one symbol was read
  // on several rows of several layers. Pages come here at <= 300 dpi, where one layer reads them.
  hints.setFormats(formats).setTryHarder(true).setTryRotate(try_rotate).setTryDownscale(false);
  std::vector<Found> out;
  for (const ZXing::Result& r : ZXing::ReadBarcodes(view, hints)) {
    if (!r.isValid()) continue;
    const ZXing::Position& p = r.position();
    int x0 = image.cols, y0 = image.rows, x1 = 0, y1 = 0;
    for (const ZXing::PointI& pt : p) {
      x0 = std::min(x0, pt.x);
      y0 = std::min(y0, pt.y);
      x1 = std::max(x1, pt.x);
      y1 = std::max(y1, pt.y);
    }
    cv::Rect box(x0, y0, std::max(1, x1 - x0 + 1), std::max(1, y1 - y0 + 1));
    box &= cv::Rect(0, 0, image.cols, image.rows);
    out.push_back(
        {r.text(), ZXing::ToString(r.format()), box, static_cast<double>(r.orientation())});
  }
  return out;
}

// Median of size `median`, divided by the paper level; thinned by a 3x3 grey dilation if `thin`.
cv::Mat Cleaned(const cv::Mat& gray, double dpi, int median, bool thin) {
  cv::Mat clean, paper, norm;
  cv::medianBlur(gray, clean, median);
  int k = std::max(3, static_cast<int>(std::lround(kPaperWindowInches * dpi)) | 1);
  cv::dilate(clean, paper, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, k)));
  cv::max(paper, 1, paper);
  cv::divide(clean, paper, norm, 255.0);
  if (thin) cv::dilate(norm, norm, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  return norm;
}

// `copy` divided by its paper level, estimated at a quarter of the resolution (a grey dilation
// over kPaperWindowInches there, smoothed back up): shading and stains no longer cross a global
// threshold. The estimate at full resolution cost as much as a reading.
cv::Mat PaperDivided(const cv::Mat& copy, double dpi) {
  constexpr int kReduce = 4;
  cv::Mat small, paper, out;
  cv::resize(copy, small,
             cv::Size(std::max(1, copy.cols / kReduce), std::max(1, copy.rows / kReduce)), 0, 0,
             cv::INTER_AREA);
  const int k = std::max(3, static_cast<int>(std::lround(kPaperWindowInches * dpi / kReduce)) | 1);
  cv::dilate(small, small, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, k)));
  cv::resize(small, paper, copy.size(), 0, 0, cv::INTER_LINEAR);
  cv::max(paper, 1, paper);
  cv::divide(copy, paper, out, 255.0);
  return out;
}

bool SameSymbol(const Found& a, const Found& b) {
  return a.payload == b.payload && a.symbology == b.symbology && (a.box & b.box).area() > 0;
}

void Merge(std::vector<Found>& found, std::vector<Found> more) {
  for (Found& f : more) {
    const bool seen =
        std::any_of(found.begin(), found.end(), [&](const Found& o) { return SameSymbol(o, f); });
    if (!seen) found.push_back(std::move(f));
  }
}

// Boxes found on a copy scaled by `scale` (copy pixels per page pixel) and offset by `origin`
// (page pixels), back in the page's pixels.
void ToPage(std::vector<Found>& found, double scale, cv::Point origin, cv::Size page) {
  for (Found& f : found) {
    const cv::Rect b = f.box;
    const int x0 = static_cast<int>(std::floor(b.x / scale)) + origin.x;
    const int y0 = static_cast<int>(std::floor(b.y / scale)) + origin.y;
    const int x1 = static_cast<int>(std::ceil(b.br().x / scale)) + origin.x;
    const int y1 = static_cast<int>(std::ceil(b.br().y / scale)) + origin.y;
    f.box = cv::Rect(x0, y0, x1 - x0, y1 - y0) & cv::Rect(cv::Point(0, 0), page);
  }
}

// Row ranges [begin, end) of `bars` (a mask of strokes at least kMinBarHeight tall, as its rows
// stand) holding kMinBars bars within kBarWindow of one row, grown by kBandMargin and merged.
std::vector<cv::Range> BarBands(const cv::Mat& bars, double dpi) {
  const int window = static_cast<int>(std::lround(kBarWindow * dpi));
  const int step = std::max(1, static_cast<int>(std::lround(kBarRowStep * dpi)));
  const int margin = static_cast<int>(std::lround(kBandMargin * dpi));
  std::vector<cv::Range> bands;
  std::vector<int> starts;
  for (int y = 0; y < bars.rows; y += step) {
    const uchar* row = bars.ptr<uchar>(y);
    starts.clear();
    for (int x = 0; x < bars.cols; ++x) {
      if (row[x] && (x == 0 || !row[x - 1])) starts.push_back(x);
    }
    bool symbol = false;
    for (size_t i = 0, j = 0; i < starts.size() && !symbol; ++i) {
      while (starts[i] - starts[j] > window) ++j;
      symbol = static_cast<int>(i - j + 1) >= kMinBars;
    }
    if (!symbol) continue;
    const int begin = std::max(0, y - margin), end = std::min(bars.rows, y + margin + 1);
    if (!bands.empty() && begin <= bands.back().end) {
      bands.back().end = std::max(bands.back().end, end);
    } else {
      bands.emplace_back(begin, end);
    }
  }
  return bands;
}

}  // namespace

void CheckSymbologies(const std::vector<std::string>& symbologies) { (void)Formats(symbologies); }

std::vector<Found> ReadWithZxing(const cv::Mat& gray, double dpi,
                                 const std::vector<std::string>& symbologies, bool retry_cleaned) {
  ZXing::BarcodeFormats formats = Formats(symbologies);
  cv::Mat page = gray;
  double scale = 1;
  if (dpi > kMaxReadDpi) {
    scale = kFullDpi / dpi;
    cv::resize(gray, page, cv::Size(), scale, scale, cv::INTER_AREA);
    dpi = kFullDpi;
  }
  const double d = dpi > 0 ? dpi : kFullDpi;
  // The reading copy.
  cv::Mat copy = page;
  double reduce = 1;
  if (d > kReadDpi * 1.05) {
    reduce = kReadDpi / d;
    cv::resize(page, copy, cv::Size(), reduce, reduce, cv::INTER_AREA);
  }
  const double copy_dpi = d * reduce;

  // 1. Global threshold.
  cv::Mat binary = PaperDivided(copy, copy_dpi);
  if (copy_dpi >= kMedianMinDpi) cv::medianBlur(binary, binary, 3);
  cv::threshold(binary, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  std::vector<Found> found = Read(binary, formats, true);
  binary.release();
  ToPage(found, reduce, {0, 0}, page.size());

  // 2. Bands of bars, read again.
  if (found.empty() && retry_cleaned) {
    cv::Mat ink;
    const int window = std::max(3, static_cast<int>(std::lround(kLocalWindow * copy_dpi)) | 1);
    cv::adaptiveThreshold(copy, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, window,
                          kLocalOffset);
    const int tall = std::max(2, static_cast<int>(std::lround(kMinBarHeight * copy_dpi)));
    for (const bool sideways : {false, true}) {
      if (!found.empty()) break;
      cv::Mat bars;
      cv::erode(ink, bars,
                cv::getStructuringElement(cv::MORPH_RECT,
                                          sideways ? cv::Size(tall, 1) : cv::Size(1, tall)));
      if (sideways) cv::transpose(bars, bars);
      for (const cv::Range& band : BarBands(bars, copy_dpi)) {
        if (!found.empty()) break;
        // The band in the page's pixels: rows as the page stands, columns if turned.
        const int b0 = static_cast<int>(std::floor(band.start / reduce));
        const int b1 = std::min(sideways ? page.cols : page.rows,
                                static_cast<int>(std::ceil(band.end / reduce)));
        const cv::Rect area =
            sideways ? cv::Rect(b0, 0, b1 - b0, page.rows) : cv::Rect(0, b0, page.cols, b1 - b0);
        const cv::Mat strip = page(area);
        for (int pass = 0; pass < 3 && found.empty(); ++pass) {
          cv::Mat image = pass == 0   ? strip
                          : pass == 1 ? Cleaned(strip, d, 3, true)
                                      : Cleaned(strip, d, 5, false);
          std::vector<Found> more = Read(image, formats, sideways);
          ToPage(more, 1, area.tl(), page.size());
          Merge(found, std::move(more));
        }
      }
    }
  }
  if (scale != 1) ToPage(found, scale, {0, 0}, gray.size());
  return found;
}

}  // namespace chartscan::barcode::internal
