// WriteGreyPng (see png_writer.h): libpng, unfiltered rows and run-length deflate.
#include "png_writer.h"

#include <png.h>
#include <zlib.h>

namespace chartscan::cleanup {
namespace {

// libpng's output callback: appends to the std::string given as the write pointer. libpng is C
// and reports errors by longjmp, so an exception must not cross it: a failed append becomes a
// png_error, which longjmps back to WriteGreyPng.
void AppendPng(png_structp png, png_bytep data, size_t size) {
  try {
    static_cast<std::string*>(png_get_io_ptr(png))
        ->append(reinterpret_cast<const char*>(data), size);
  } catch (...) {
    png_error(png, "out of memory");
  }
}

}  // namespace

// Only plain values live in this frame: libpng's errors longjmp back to the setjmp below.
bool WriteGreyPng(const ImageView& image, std::string* out) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, AppendPng, nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width()),
               static_cast<png_uint_32>(image.height()), 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_compression_level(png, 6);
  png_set_compression_strategy(png, Z_RLE);
  png_write_info(png, info);
  for (int y = 0; y < image.height(); ++y) {
    png_write_row(png, const_cast<png_bytep>(image.row(y)));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace chartscan::cleanup
