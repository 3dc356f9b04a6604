// Reading symbols with ZXing-cpp.
//
// ZXing binarizes internally (a local-average threshold for 2D codes, a per-row histogram valley
// for linear ones), which copes with clean and lightly degraded scans. Three kinds of scan defeat
// it on some pages, so while nothing has been read the page is read again from cleaned copies:
//   1. photocopied labels: toner spread thickens bars until a one-module space is a pixel or two
//      and the width ratios are lost. A 3x3 median (speckle), division by the paper level (a grey
//      dilation over ~0.25 inch, wider than any gap between modules, which flattens shadows and
//      lifts faint print to full contrast) and then a 3x3 grey dilation, which thins every dark
//      element by about two pixels and gives the spaces back;
//   2. heavy salt-and-pepper noise on grey paper: a 5x5 median and the same paper division. A 5x5
//      median keeps 4-5 pixel modules but removes specks that break QR finder patterns.
// Results are merged, dropping a symbol read twice at the same place. The rereads cover the top
// kRetryBand of the page only, where patient labels go.
//
// Pages above 320 dpi are read at 300 dpi: a patient label's 10-15 mil modules are still 3-4
// pixels wide and ZXing's time grows with the pixel count. The first reading is at 200 dpi (half
// the time; 2-3 pixel modules), the rereads of cleaned copies at the full 300.
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
constexpr double kReadDpi = 300;
constexpr double kFirstPassDpi = 200;
constexpr double kPaperWindowInches = 0.25;
constexpr double kRetryBand = 0.4;  // share of the page height reread from cleaned copies

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
  CV_Assert(gray.type() == CV_8UC1 && gray.isContinuous());
  ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum,
                        static_cast<int>(gray.step));
  ZXing::DecodeHints hints;
  // No downscaled pyramid: ZXing 1.4 merges the layers' linear results with a comparison that
  // asserts (aborts the process in Debian's build, zxing-cpp issue #740) when one symbol was read
  // on several rows of several layers. Pages come here at <= 300 dpi, where one layer reads them.
  hints.setFormats(formats).setTryHarder(true).setTryRotate(try_rotate).setTryDownscale(false);
  std::vector<Found> out;
  for (const ZXing::Result& r : ZXing::ReadBarcodes(view, hints)) {
    if (!r.isValid()) continue;
    const ZXing::Position& p = r.position();
    int x0 = gray.cols, y0 = gray.rows, x1 = 0, y1 = 0;
    for (const ZXing::PointI& pt : p) {
      x0 = std::min(x0, pt.x);
      y0 = std::min(y0, pt.y);
      x1 = std::max(x1, pt.x);
      y1 = std::max(y1, pt.y);
    }
    cv::Rect box(x0, y0, std::max(1, x1 - x0 + 1), std::max(1, y1 - y0 + 1));
    box &= cv::Rect(0, 0, gray.cols, gray.rows);
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

bool SameSymbol(const Found& a, const Found& b) {
  return a.payload == b.payload && a.symbology == b.symbology && (a.box & b.box).area() > 0;
}

}  // namespace

void CheckSymbologies(const std::vector<std::string>& symbologies) { (void)Formats(symbologies); }

std::vector<Found> ReadWithZxing(const cv::Mat& gray, double dpi,
                                 const std::vector<std::string>& symbologies, bool retry_cleaned) {
  ZXing::BarcodeFormats formats = Formats(symbologies);
  cv::Mat page = gray;
  double scale = 1;
  if (dpi > kMaxReadDpi) {
    scale = kReadDpi / dpi;
    cv::resize(gray, page, cv::Size(), scale, scale, cv::INTER_AREA);
    dpi = kReadDpi;
  }
  if (!page.isContinuous()) page = page.clone();
  // The first pass reads a copy at kFirstPassDpi: separator symbols and clean labels have modules
  // of 2-3 pixels there, and ZXing takes half the time. The rereads below keep the full
  // resolution, which photocopied labels with thickened bars need.
  std::vector<Found> found;
  if (dpi > kFirstPassDpi * 1.05) {
    const double reduce = kFirstPassDpi / dpi;
    cv::Mat reduced;
    cv::resize(page, reduced, cv::Size(), reduce, reduce, cv::INTER_AREA);
    found = Read(reduced, formats, true);
    for (Found& f : found) {
      const cv::Rect b = f.box;
      const int x0 = static_cast<int>(std::floor(b.x / reduce));
      const int y0 = static_cast<int>(std::floor(b.y / reduce));
      const int x1 = static_cast<int>(std::ceil(b.br().x / reduce));
      const int y1 = static_cast<int>(std::ceil(b.br().y / reduce));
      f.box = cv::Rect(x0, y0, x1 - x0, y1 - y0) & cv::Rect(0, 0, page.cols, page.rows);
    }
  } else {
    found = Read(page, formats, true);
  }
  if (retry_cleaned) {
    const double d = dpi > 0 ? dpi : kReadDpi;
    // Only the top of the page is reread: patient labels are stuck there, and a separator sheet's
    // large symbol is read by the first pass. Rereading the whole page cost more than reading it.
    // "The top" presumes an upright page, where a label's bars stand upright: linear symbols are
    // looked for along rows only (a third less time for the rereads).
    const cv::Mat top = page.rowRange(0, std::max(1, static_cast<int>(page.rows * kRetryBand)));
    for (int pass = 0; pass < 2 && found.empty(); ++pass) {
      cv::Mat cleaned = pass == 0 ? Cleaned(top, d, 3, true) : Cleaned(top, d, 5, false);
      for (Found& f : Read(cleaned, formats, false)) {
        bool seen = std::any_of(found.begin(), found.end(),
                                [&](const Found& o) { return SameSymbol(o, f); });
        if (!seen) found.push_back(std::move(f));
      }
    }
  }
  if (scale != 1) {
    for (Found& f : found) {
      cv::Rect b = f.box;
      int x0 = static_cast<int>(std::floor(b.x / scale));
      int y0 = static_cast<int>(std::floor(b.y / scale));
      int x1 = static_cast<int>(std::ceil(b.br().x / scale));
      int y1 = static_cast<int>(std::ceil(b.br().y / scale));
      f.box = cv::Rect(x0, y0, x1 - x0, y1 - y0) & cv::Rect(0, 0, gray.cols, gray.rows);
    }
  }
  return found;
}

}  // namespace chartscan::barcode::internal
