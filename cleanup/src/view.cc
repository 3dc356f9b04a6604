// Re-encoding stored page images for display. Downscaling uses area averaging (INTER_AREA), which
// keeps thin strokes of a bilevel page as grey instead of dropping them as nearest-neighbour
// sampling would; a scaled bilevel page is therefore written as 8-bit grey.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chartscan/cleanup/view.h>

#include "cv_adapt.h"
#include "png_writer.h"

namespace chartscan::cleanup {
namespace {

Result<EncodedImage> Render(cv::Mat m, const ViewOptions& o) {
  if (o.rotate_clockwise == 90) {
    cv::rotate(m, m, cv::ROTATE_90_CLOCKWISE);
  } else if (o.rotate_clockwise == 180) {
    cv::rotate(m, m, cv::ROTATE_180);
  } else if (o.rotate_clockwise == 270) {
    cv::rotate(m, m, cv::ROTATE_90_COUNTERCLOCKWISE);
  }
  if (o.crop) {
    const cv::Rect want(o.crop->x - o.crop_margin, o.crop->y - o.crop_margin,
                        o.crop->width + 2 * o.crop_margin, o.crop->height + 2 * o.crop_margin);
    const cv::Rect r = want & cv::Rect(0, 0, m.cols, m.rows);
    if (r.area() == 0) return Status::InvalidArgument("the crop lies outside the image");
    m = m(r);
  }
  if (o.max_width > 0 && m.cols > o.max_width) {
    const double f = static_cast<double>(o.max_width) / m.cols;
    cv::Mat small;
    cv::resize(m, small, cv::Size(o.max_width, std::max(1, static_cast<int>(m.rows * f + 0.5))), 0,
               0, cv::INTER_AREA);
    m = small;
  }
  if (!o.jpeg && m.type() == CV_8UC1) {
    // Grey pages (nearly all stored pages) through the stage's PNG writer, as at ingest.
    std::string bytes;
    if (!WriteGreyPng(ImageView(m.ptr(), m.cols, m.rows, PixelFormat::kGray8,
                                static_cast<std::ptrdiff_t>(m.step)),
                      &bytes)) {
      return Status::Internal("cleanup: image encoding failed");
    }
    return EncodedImage{std::move(bytes), "png", m.cols, m.rows};
  }
  std::vector<uchar> buf;
  bool ok = false;
  if (o.jpeg) {
    ok = cv::imencode(".jpg", m, buf, {cv::IMWRITE_JPEG_QUALITY, o.jpeg_quality});
  } else {
    ok = cv::imencode(
        ".png", m, buf,
        {cv::IMWRITE_PNG_COMPRESSION, 6, cv::IMWRITE_PNG_STRATEGY, cv::IMWRITE_PNG_STRATEGY_RLE});
  }
  if (!ok) return Status::Internal("cleanup: image encoding failed");
  return EncodedImage{std::string(buf.begin(), buf.end()), o.jpeg ? "jpeg" : "png", m.cols, m.rows};
}

}  // namespace

Status ViewOptions::Validate() const {
  if (rotate_clockwise % 90 != 0 || rotate_clockwise < 0 || rotate_clockwise >= 360) {
    return Status::InvalidArgument("rotation must be 0, 90, 180 or 270 degrees");
  }
  if (crop && (crop->width <= 0 || crop->height <= 0)) {
    return Status::InvalidArgument("a crop needs a positive width and height");
  }
  if (crop_margin < 0 || max_width < 0 || jpeg_quality < 1 || jpeg_quality > 100) {
    return Status::InvalidArgument("invalid view options");
  }
  return Status::Ok();
}

Result<EncodedImage> RenderForView(const ImageView& image, const ViewOptions& options) {
  if (Status s = options.Validate(); !s.ok()) return s;
  if (image.empty()) return Status::InvalidArgument("cleanup: nothing to render");
  try {
    cv::Mat m = WrapView(image);
    if (image.format() == PixelFormat::kRgb8) {
      cv::Mat bgr;
      cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
      return Render(bgr, options);
    }
    return Render(m, options);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("cleanup: OpenCV: ") + e.err);
  }
}

Result<EncodedImage> RenderForView(std::string_view encoded, const ViewOptions& options) {
  if (Status s = options.Validate(); !s.ok()) return s;
  try {
    const cv::Mat bytes(1, static_cast<int>(encoded.size()), CV_8UC1,
                        const_cast<char*>(encoded.data()));
    cv::Mat m = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
    if (m.empty()) return Status::Corrupt("the stored image does not decode");
    return Render(m, options);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("cleanup: OpenCV: ") + e.err);
  }
}

}  // namespace chartscan::cleanup
