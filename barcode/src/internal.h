// Pieces of the barcode stage shared between its source files. Private to the stage.
//
// Both readers work on a cv::Mat of 8-bit grey pixels with square pixels at a known resolution
// and return boxes in that Mat's pixels; barcode.cc maps them back to the caller's page.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include <chartscan/barcode/barcode.h>

namespace chartscan::barcode::internal {

struct Found {
  std::string payload;
  std::string symbology;
  cv::Rect box;  // in the pixels of the Mat that was searched
  double angle = 0;
};

// Kodak patch codes on a grey page with square pixels at dpi (> 0). patch.cc explains the method.
std::vector<Found> FindPatchCodes(const cv::Mat& gray, double dpi);

// The symbols ZXing reads on a grey page. symbologies are validated names (empty: all).
// retry_cleaned: while nothing is read, read again cleaned copies (see zxing_reader.cc).
// Throws whatever ZXing or OpenCV throw; the caller converts.
std::vector<Found> ReadWithZxing(const cv::Mat& gray, double dpi,
                                 const std::vector<std::string>& symbologies, bool retry_cleaned);

// Throws std::invalid_argument on an unknown name.
void CheckSymbologies(const std::vector<std::string>& symbologies);

}  // namespace chartscan::barcode::internal
