#include "fixtures.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <opencv2/imgproc.hpp>

namespace chartscan::barcode::testing {
namespace {

int Px(double inches, double dpi) { return static_cast<int>(std::lround(inches * dpi)); }

ZXing::BitMatrix Encode(ZXing::BarcodeFormat format, const std::string& payload) {
  return ZXing::MultiFormatWriter(format).setMargin(0).encode(payload, 0, 0);
}

}  // namespace

cv::Mat LetterPage(double dpi) { return cv::Mat(Px(11, dpi), Px(8.5, dpi), CV_8UC1, 255); }

cv::Rect DrawCode128(cv::Mat& page, const std::string& payload, double x, double y, double dpi,
                     double module, double height) {
  ZXing::BitMatrix m = Encode(ZXing::BarcodeFormat::Code128, payload);
  int y0 = Px(y, dpi), y1 = Px(y + height, dpi);
  for (int i = 0; i < m.width(); ++i) {
    if (!m.get(i, 0)) continue;
    int x0 = Px(x + i * module, dpi), x1 = Px(x + (i + 1) * module, dpi);
    cv::rectangle(page, cv::Rect(x0, y0, x1 - x0, y1 - y0), 0, cv::FILLED);
  }
  return {Px(x, dpi), y0, Px(m.width() * module, dpi), y1 - y0};
}

cv::Rect DrawQr(cv::Mat& page, const std::string& payload, double x, double y, double dpi,
                double module) {
  ZXing::BitMatrix m = Encode(ZXing::BarcodeFormat::QRCode, payload);
  for (int r = 0; r < m.height(); ++r) {
    for (int c = 0; c < m.width(); ++c) {
      if (!m.get(c, r)) continue;
      int x0 = Px(x + c * module, dpi), x1 = Px(x + (c + 1) * module, dpi);
      int y0 = Px(y + r * module, dpi), y1 = Px(y + (r + 1) * module, dpi);
      cv::rectangle(page, cv::Rect(x0, y0, x1 - x0, y1 - y0), 0, cv::FILLED);
    }
  }
  return {Px(x, dpi), Px(y, dpi), Px(m.width() * module, dpi), Px(m.height() * module, dpi)};
}

cv::Rect DrawPatch(cv::Mat& page, const std::string& type, double x, double y, double length,
                   double dpi) {
  const char* bits = type == "1"   ? "WWNN"
                     : type == "2" ? "WNNW"
                     : type == "3" ? "WNWN"
                     : type == "4" ? "NWWN"
                     : type == "6" ? "NNWW"
                                   : "NWNW";
  double at = x;
  for (int i = 0; i < 4; ++i) {
    double w = bits[i] == 'W' ? 0.2 : 0.08;
    cv::rectangle(page,
                  cv::Rect(Px(at, dpi), Px(y, dpi), Px(at + w, dpi) - Px(at, dpi), Px(length, dpi)),
                  0, cv::FILLED);
    at += w + 0.08;
  }
  return {Px(x, dpi), Px(y, dpi), Px(at - 0.08 - x, dpi), Px(length, dpi)};
}

void DrawPatchSheet(cv::Mat& page, const std::string& type, double dpi) {
  for (double x : {1.0, 3.85, 6.7}) DrawPatch(page, type, x, 1.0, 4.0, dpi);
  cv::putText(page, "PATCH " + type, cv::Point(Px(3.2, dpi), Px(6.5, dpi)), cv::FONT_HERSHEY_DUPLEX,
              dpi / 100.0, 0, std::max(1, Px(0.02, dpi)));
}

void DrawTextAndTable(cv::Mat& page, double dpi) {
  const char* lines[] = {"PROGRESS NOTE", "Patient: Jane Q Sample   MRN: 00123456",
                         "Subjective: patient reports improved sleep and appetite.",
                         "Assessment and plan: continue current medication, recheck in 2 weeks."};
  double y = 1.0;
  for (const char* l : lines) {
    cv::putText(page, l, cv::Point(Px(0.8, dpi), Px(y, dpi)), cv::FONT_HERSHEY_SIMPLEX,
                dpi / 300.0 * 1.1, 0, std::max(1, Px(0.008, dpi)));
    y += 0.3;
  }
  // A grid table: thick header rule, thin cell rules, six columns.
  double top = 3.0, left = 0.8, right = 7.7;
  cv::rectangle(page, cv::Rect(Px(left, dpi), Px(top, dpi), Px(right - left, dpi), Px(0.3, dpi)),
                200, cv::FILLED);
  for (int r = 0; r <= 10; ++r) {
    double yy = top + 0.3 * r;
    int thick = r == 1 ? Px(0.03, dpi) : std::max(1, Px(0.007, dpi));
    cv::line(page, cv::Point(Px(left, dpi), Px(yy, dpi)), cv::Point(Px(right, dpi), Px(yy, dpi)), 0,
             thick);
  }
  for (int c = 0; c <= 6; ++c) {
    double xx = left + (right - left) * c / 6;
    cv::line(page, cv::Point(Px(xx, dpi), Px(top, dpi)), cv::Point(Px(xx, dpi), Px(top + 3, dpi)),
             0, std::max(1, Px(0.01, dpi)));
  }
  for (int r = 0; r < 10; ++r) {
    cv::putText(page, "12/03/2024  CBC  4.5  x10^3/uL",
                cv::Point(Px(0.9, dpi), Px(top + 0.22 + 0.3 * r, dpi)), cv::FONT_HERSHEY_SIMPLEX,
                dpi / 300.0 * 0.8, 0, std::max(1, Px(0.006, dpi)));
  }
}

cv::Rect DrawPatientLabel(cv::Mat& page, const std::string& mrn, double x, double y, double dpi) {
  cv::Rect box = DrawCode128(page, mrn, x + 0.1, y + 0.05, dpi, 0.015, 0.35);
  cv::putText(page, "SAMPLE, JANE Q   DOB 03/14/1952",
              cv::Point(Px(x + 0.1, dpi), Px(y + 0.6, dpi)), cv::FONT_HERSHEY_SIMPLEX,
              dpi / 300.0 * 0.7, 0, std::max(1, Px(0.006, dpi)));
  cv::putText(page, "MRN " + mrn, cv::Point(Px(x + 0.1, dpi), Px(y + 0.75, dpi)),
              cv::FONT_HERSHEY_SIMPLEX, dpi / 300.0 * 0.7, 0, std::max(1, Px(0.006, dpi)));
  return box;
}

cv::Mat Skewed(const cv::Mat& page, double degrees) {
  cv::Point2f c(page.cols / 2.0f, page.rows / 2.0f);
  // OpenCV's positive angle is counter-clockwise on screen.
  cv::Mat m = cv::getRotationMatrix2D(c, -degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(page, out, m, page.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 255);
  return out;
}

cv::Mat Degraded(const cv::Mat& page, std::uint64_t seed) {
  cv::Mat f;
  page.convertTo(f, CV_32F);
  // Ink at 40% grey on 88% grey paper, softened, then noise.
  f = 100 + f * ((225.0 - 100.0) / 255.0);
  cv::GaussianBlur(f, f, cv::Size(0, 0), 0.8);
  cv::Mat noise(f.size(), CV_32F);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0, 14);
  f += noise;
  cv::Mat out;
  f.convertTo(out, CV_8U);
  return out;
}

ImageView View(const cv::Mat& m) {
  return ImageView(m.data, m.cols, m.rows,
                   m.channels() == 1 ? PixelFormat::kGray8 : PixelFormat::kRgb8,
                   static_cast<std::ptrdiff_t>(m.step));
}

}  // namespace chartscan::barcode::testing
