// Pixels that cross stage boundaries.
//
// ImageView is a non-owning view of 8-bit pixels (grey or RGB) with an explicit row stride, so a
// stage can hand its pixels to the next one without copying and without exposing cv::Mat, Pix* or
// any other third-party type. Image owns its pixels and gives out views.
//
// Lifetime: an ImageView is valid only while the memory it points at is alive and unchanged; views
// from an Image are invalidated when the Image is destroyed, moved from or reassigned.
// Thread safety: concurrent reads of one view are safe; Image follows the usual value rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace chartscan {

enum class PixelFormat : std::uint8_t {
  kGray8 = 1,  // one byte per pixel, 0 = black, 255 = white
  kRgb8 = 3,   // three bytes per pixel, R G B
};

constexpr int BytesPerPixel(PixelFormat f) { return static_cast<int>(f); }

// Scan resolution in dots per inch along each axis. Faxes are often anisotropic (204 x 98 dpi).
// Zero means unknown.
struct Resolution {
  double x_dpi = 0;
  double y_dpi = 0;
  bool known() const { return x_dpi > 0 && y_dpi > 0; }
  friend bool operator==(const Resolution&, const Resolution&) = default;
};

class ImageView {
 public:
  ImageView() = default;
  // Throws std::invalid_argument on a null pointer with non-zero size, non-positive dimensions or a
  // stride shorter than a row: these are programmer errors, not bad input.
  ImageView(const std::uint8_t* data, int width, int height, PixelFormat format,
            std::ptrdiff_t stride = 0)
      : data_(data),
        width_(width),
        height_(height),
        format_(format),
        stride_(stride ? stride : static_cast<std::ptrdiff_t>(width) * BytesPerPixel(format)) {
    if (width <= 0 || height <= 0 || data == nullptr ||
        stride_ < static_cast<std::ptrdiff_t>(width) * BytesPerPixel(format)) {
      throw std::invalid_argument("ImageView: invalid geometry");
    }
  }

  const std::uint8_t* data() const { return data_; }
  int width() const { return width_; }
  int height() const { return height_; }
  PixelFormat format() const { return format_; }
  std::ptrdiff_t stride() const { return stride_; }
  bool empty() const { return data_ == nullptr; }
  const std::uint8_t* row(int y) const { return data_ + y * stride_; }

 private:
  const std::uint8_t* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::kGray8;
  std::ptrdiff_t stride_ = 0;
};

// An owned, tightly packed 8-bit image.
class Image {
 public:
  Image() = default;
  Image(int width, int height, PixelFormat format, std::uint8_t fill = 255)
      : width_(width),
        height_(height),
        format_(format),
        pixels_(static_cast<std::size_t>(width) * height * BytesPerPixel(format), fill) {
    if (width <= 0 || height <= 0) throw std::invalid_argument("Image: invalid geometry");
  }
  // Deep copy of a view.
  static Image CopyOf(const ImageView& view);

  ImageView view() const {
    return empty() ? ImageView() : ImageView(pixels_.data(), width_, height_, format_);
  }
  std::uint8_t* data() { return pixels_.data(); }
  const std::uint8_t* data() const { return pixels_.data(); }
  std::uint8_t* row(int y) {
    return pixels_.data() + static_cast<std::size_t>(y) * width_ * BytesPerPixel(format_);
  }
  int width() const { return width_; }
  int height() const { return height_; }
  PixelFormat format() const { return format_; }
  std::ptrdiff_t stride() const {
    return static_cast<std::ptrdiff_t>(width_) * BytesPerPixel(format_);
  }
  bool empty() const { return pixels_.empty(); }
  std::size_t byte_size() const { return pixels_.size(); }

 private:
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::kGray8;
  std::vector<std::uint8_t> pixels_;
};

}  // namespace chartscan
