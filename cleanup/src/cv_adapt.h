// Bridges between chartscan::ImageView/Image and cv::Mat. Private to the cleanup stage.
#pragma once

#include <opencv2/core.hpp>

#include <chartscan/models/image.h>

namespace chartscan::cleanup {

// A cv::Mat header over the view's pixels; no copy. The Mat must not outlive the view's memory and
// must not be written to.
inline cv::Mat WrapView(const ImageView& v) {
  const int type = v.format() == PixelFormat::kGray8 ? CV_8UC1 : CV_8UC3;
  return cv::Mat(v.height(), v.width(), type, const_cast<std::uint8_t*>(v.data()),
                 static_cast<size_t>(v.stride()));
}

// Deep copy of an 8-bit single-channel Mat into an Image.
inline Image ToImage(const cv::Mat& gray) {
  CV_Assert(gray.type() == CV_8UC1);
  Image out(gray.cols, gray.rows, PixelFormat::kGray8);
  for (int y = 0; y < gray.rows; ++y) std::memcpy(out.row(y), gray.ptr(y), gray.cols);
  return out;
}

}  // namespace chartscan::cleanup
