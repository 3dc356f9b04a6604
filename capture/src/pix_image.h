// Leptonica Pix to chartscan Image. Private to the capture stage.
#pragma once

#include <memory>

#include <leptonica/allheaders.h>

#include <chartscan/models/image.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

// Converts any Pix Leptonica's readers produce to Gray8 or Rgb8: colormaps expanded (to grey when
// every entry is grey), 1-bit expanded to 0/255, 2/4-bit stretched, 16-bit reduced to its high
// byte, alpha composited onto white. The result is Gray8 when every pixel is grey, else Rgb8.
// Fails (kInternal naming `where`) only when Leptonica cannot allocate a conversion.
Result<Image> PixToImage(PIX* pix, const std::string& where);

// Converts 0x00RRGGBB words (Cairo's RGB24 layout) to Gray8 when every pixel is grey, else Rgb8.
// `row_words` is the stride in 32-bit words.
Image PackedRgbToImage(const std::uint32_t* pixels, int width, int height,
                       std::ptrdiff_t row_words);

}  // namespace chartscan::capture
