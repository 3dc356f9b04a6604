// Synthetic page fixtures for the barcode tests, drawn with OpenCV and ZXing's writer: white US
// Letter pages with Hershey text, table rules, Code 128 and QR symbols and Kodak patch codes, plus
// skew and scanner-like degradation. All content is invented.
#pragma once

#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include <chartscan/models/image.h>

namespace chartscan::barcode::testing {

// A white 8.5 x 11 inch grey page at dpi.
cv::Mat LetterPage(double dpi);

// A Code 128 symbol with its top-left corner at (x, y) inches: module width and bar height in
// inches. Returns the symbol's box in pixels.
cv::Rect DrawCode128(cv::Mat& page, const std::string& payload, double x, double y, double dpi,
                     double module = 0.015, double height = 0.4);
cv::Rect DrawQr(cv::Mat& page, const std::string& payload, double x, double y, double dpi,
                double module = 0.04);
// Kodak patch code of type "1", "2", "3", "4", "6" or "T": vertical bars from y to y + length
// inches, the first bar's left edge at x inches.
cv::Rect DrawPatch(cv::Mat& page, const std::string& type, double x, double y, double length,
                   double dpi);
// A patch sheet as printed for scanning: the pattern three times across the page, 4 inches long,
// with a caption.
void DrawPatchSheet(cv::Mat& page, const std::string& type, double dpi);
// Lines of text and a ruled table (grid with a thick header rule), like a chart page.
void DrawTextAndTable(cv::Mat& page, double dpi);
// A patient label: Code 128 MRN above name and DOB text, at (x, y) inches.
cv::Rect DrawPatientLabel(cv::Mat& page, const std::string& mrn, double x, double y, double dpi);

// Rotates the page content by degrees (positive = clockwise), paper colour in the corners.
cv::Mat Skewed(const cv::Mat& page, double degrees);
// Grey paper, washed-out ink, blur and gaussian noise: a light, noisy scan.
cv::Mat Degraded(const cv::Mat& page, std::uint64_t seed);

// A non-owning view of a continuous CV_8UC1 or CV_8UC3 (RGB order) Mat.
ImageView View(const cv::Mat& m);

}  // namespace chartscan::barcode::testing
