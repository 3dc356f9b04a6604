// Pix to Image. Grey detection is exact (R == G == B for every pixel): a colour scan of a black and
// white page keeps its colour noise and stays RGB, while a rendered or converted grey page (where
// the channels are equal by construction) becomes Gray8 at a third of the memory.
#include "pix_image.h"

#include <cstring>
#include <string>

namespace chartscan::capture {
namespace {

Image Expand1Bit(PIX* pix) {
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  Image out(w, h, PixelFormat::kGray8);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    std::uint8_t* dst = out.row(y);
    for (int x = 0; x < w; ++x) {
      // Leptonica's 1 bit is ink.
      dst[x] = GET_DATA_BIT(line, x) ? 0 : 255;
    }
  }
  return out;
}

Image Copy8Bit(PIX* pix) {
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  Image out(w, h, PixelFormat::kGray8);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    std::uint8_t* dst = out.row(y);
    for (int x = 0; x < w; ++x) dst[x] = static_cast<std::uint8_t>(GET_DATA_BYTE(line, x));
  }
  return out;
}

bool IsGrey(std::uint32_t rgb) {
  return ((rgb >> 16) & 0xff) == ((rgb >> 8) & 0xff) && ((rgb >> 8) & 0xff) == (rgb & 0xff);
}

}  // namespace

Image PackedRgbToImage(const std::uint32_t* pixels, int width, int height,
                       std::ptrdiff_t row_words) {
  bool grey = true;
  for (int y = 0; y < height && grey; ++y) {
    const std::uint32_t* line = pixels + y * row_words;
    for (int x = 0; x < width; ++x) {
      if (!IsGrey(line[x])) {
        grey = false;
        break;
      }
    }
  }
  Image out(width, height, grey ? PixelFormat::kGray8 : PixelFormat::kRgb8);
  for (int y = 0; y < height; ++y) {
    const std::uint32_t* line = pixels + y * row_words;
    std::uint8_t* dst = out.row(y);
    if (grey) {
      for (int x = 0; x < width; ++x) dst[x] = static_cast<std::uint8_t>(line[x] & 0xff);
    } else {
      for (int x = 0; x < width; ++x) {
        dst[3 * x] = static_cast<std::uint8_t>((line[x] >> 16) & 0xff);
        dst[3 * x + 1] = static_cast<std::uint8_t>((line[x] >> 8) & 0xff);
        dst[3 * x + 2] = static_cast<std::uint8_t>(line[x] & 0xff);
      }
    }
  }
  return out;
}

Result<Image> PixToImage(PIX* pix, const std::string& where) {
  PixPtr holder;  // owns whichever intermediate conversion `current` points at
  PIX* current = pix;
  auto advance = [&](PIX* next) {
    if (next == nullptr) return false;
    holder.reset(next);
    current = next;
    return true;
  };
  auto failed = [&](const char* step) {
    return Status::Internal(where + ": could not " + step + " (out of memory?)");
  };

  if (PIXCMAP* cmap = pixGetColormap(current)) {
    l_int32 has_color = 0;
    pixcmapHasColor(cmap, &has_color);
    if (!advance(pixRemoveColormap(
            current, has_color ? REMOVE_CMAP_TO_FULL_COLOR : REMOVE_CMAP_TO_GRAYSCALE))) {
      return failed("expand the palette");
    }
  }

  switch (pixGetDepth(current)) {
    case 1:
      return Expand1Bit(current);
    case 2:
    case 4:
      if (!advance(pixConvertTo8(current, 0))) return failed("widen the samples");
      return Copy8Bit(current);
    case 8:
      return Copy8Bit(current);
    case 16:
      if (!advance(pixConvert16To8(current, L_MS_BYTE))) return failed("narrow the samples");
      return Copy8Bit(current);
    case 24:
      if (!advance(pixConvert24To32(current))) return failed("widen the samples");
      break;
    case 32:
      break;
    default:
      return Status::Unsupported(where + ": " + std::to_string(pixGetDepth(current)) +
                                 "-bit pixels are not supported");
  }

  if (pixGetSpp(current) == 4) {
    // Transparent regions show the paper: composite onto white.
    if (!advance(pixAlphaBlendUniform(current, 0xffffff00))) return failed("remove transparency");
  }
  // Leptonica's 32-bit pixel is 0xRRGGBBAA, so `>> 8` gives the 0x00RRGGBB IsGrey expects.
  const int w = pixGetWidth(current), h = pixGetHeight(current), wpl = pixGetWpl(current);
  const l_uint32* data = pixGetData(current);
  bool grey = true;
  for (int y = 0; y < h && grey; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      if (!IsGrey(line[x] >> 8)) {
        grey = false;
        break;
      }
    }
  }
  Image out(w, h, grey ? PixelFormat::kGray8 : PixelFormat::kRgb8);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    std::uint8_t* dst = out.row(y);
    for (int x = 0; x < w; ++x) {
      l_uint32 p = line[x];
      if (grey) {
        dst[x] = static_cast<std::uint8_t>((p >> L_GREEN_SHIFT) & 0xff);
      } else {
        dst[3 * x] = static_cast<std::uint8_t>((p >> L_RED_SHIFT) & 0xff);
        dst[3 * x + 1] = static_cast<std::uint8_t>((p >> L_GREEN_SHIFT) & 0xff);
        dst[3 * x + 2] = static_cast<std::uint8_t>((p >> L_BLUE_SHIFT) & 0xff);
      }
    }
  }
  return out;
}

}  // namespace chartscan::capture
