// Page file encoders for the sample generator: PNG, JPEG and TIFF (grey, 16-bit grey, RGB,
// CCITT G4 bilevel, multi-page), each carrying its resolution the way scanners write it.
//
// Thread safety: pure functions. Errors: Status naming the file (kIoError, kInternal).
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include <chartscan/models/status.h>

namespace chartscan::samples {

// PNG of a CV_8UC1, CV_16UC1 or CV_8UC3 (BGR) image with a pHYs chunk for the dpi.
Result<std::string> EncodePng(const cv::Mat& image, int dpi_x, int dpi_y);
// Baseline JPEG (grey or BGR) with the JFIF density set to the dpi.
Result<std::string> EncodeJpeg(const cv::Mat& image, int dpi_x, int dpi_y, int quality);

struct TiffPage {
  cv::Mat image;  // CV_8UC1, CV_16UC1 or CV_8UC3 (BGR); with g4, CV_8UC1 where < 128 is black
  int dpi_x = 300;
  int dpi_y = 300;
};

// One TIFF holding every page in order. g4: 1-bit CCITT Group 4 (min-is-white, as fax software
// writes it); otherwise Deflate-compressed grey or RGB.
Status WriteTiff(const std::string& path, const std::vector<TiffPage>& pages, bool g4);

// Writes bytes to path (truncating).
Status WriteBytes(const std::string& path, const std::string& bytes);

}  // namespace chartscan::samples
