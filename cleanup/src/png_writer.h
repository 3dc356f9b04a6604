// The stage's writer of 8-bit grey PNGs (display images and view renders). Private to cleanup.
#pragma once

#include <string>

#include <chartscan/models/image.h>

namespace chartscan::cleanup {

// Appends an 8-bit grey PNG of `image` (kGray8) to `out`; false if libpng fails (out of memory),
// with `out` then holding a partial file. Thread-safe: no shared state.
//
// Written with libpng rather than cv::imencode to choose the row filter: OpenCV leaves libpng to
// try all five filters on every row and keep the best, which took more time than the compression
// itself. Rows are written unfiltered: run-length matching already finds the long runs of paper
// white a cleaned page is made of, and computing Paeth's predictor cost more than compressing
// (measured on 24 cleaned pages of the speed batch, one core: Paeth 26 ms and 615 KB a page,
// none 15 ms and 709 KB, beside 3.7 MB a page for the original PNG scans the store keeps).
bool WriteGreyPng(const ImageView& image, std::string* out);

}  // namespace chartscan::cleanup
