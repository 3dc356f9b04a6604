// Exact quarter turns and skew rotation with an expanded canvas.
//
// RotateExpand grows the canvas to the rotated page's bounding box: a page scanned 10 degrees off
// has text in its corners that a same-size rotation would cut away.
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "steps.h"

namespace chartscan::cleanup {

cv::Mat RotateQuarter(const cv::Mat& img, int clockwise_degrees) {
  cv::Mat out;
  switch (((clockwise_degrees % 360) + 360) % 360) {
    case 90:
      cv::rotate(img, out, cv::ROTATE_90_CLOCKWISE);
      break;
    case 180:
      cv::rotate(img, out, cv::ROTATE_180);
      break;
    case 270:
      cv::rotate(img, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    default:
      out = img;
      break;
  }
  return out;
}

cv::Mat RotateExpand(const cv::Mat& img, double degrees, int fill, bool binary) {
  // cv::getRotationMatrix2D turns counter-clockwise (as seen on screen) for positive angles.
  const cv::Point2f centre(img.cols / 2.0f, img.rows / 2.0f);
  cv::Mat m = cv::getRotationMatrix2D(centre, -degrees, 1.0);
  const double r = degrees * CV_PI / 180.0;
  const double c = std::abs(std::cos(r)), s = std::abs(std::sin(r));
  const int w = static_cast<int>(std::ceil(img.cols * c + img.rows * s));
  const int h = static_cast<int>(std::ceil(img.cols * s + img.rows * c));
  m.at<double>(0, 2) += (w - img.cols) / 2.0;
  m.at<double>(1, 2) += (h - img.rows) / 2.0;
  cv::Mat out;
  cv::warpAffine(img, out, m, cv::Size(w, h), binary ? cv::INTER_NEAREST : cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar(fill));
  return out;
}

}  // namespace chartscan::cleanup
