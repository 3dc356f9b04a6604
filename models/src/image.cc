#include <cstring>

#include <chartscan/models/image.h>

namespace chartscan {

Image Image::CopyOf(const ImageView& view) {
  if (view.empty()) return {};
  Image out(view.width(), view.height(), view.format());
  const std::size_t row_bytes =
      static_cast<std::size_t>(view.width()) * BytesPerPixel(view.format());
  for (int y = 0; y < view.height(); ++y) std::memcpy(out.row(y), view.row(y), row_bytes);
  return out;
}

}  // namespace chartscan
