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
// itself. Paeth alone compresses cleaned pages as well (within 1%) in half the time (116 -> 55 ms
// a page on bench/run.sh's pages), and run-length matching suits pages of long runs of paper
// white.
bool WriteGreyPng(const ImageView& image, std::string* out);

}  // namespace chartscan::cleanup
