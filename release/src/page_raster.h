// Private to the release stage: a released page's stored image decoded with Leptonica, shared by
// the PDF and TIFF encoders (implemented in tiff.cc, beside the libtiff G4 encoder).
#pragma once

#include <memory>
#include <string>

#include <chartscan/models/status.h>
#include <chartscan/release/release.h>

struct Pix;

namespace chartscan::release {

struct PixDeleter {
  void operator()(Pix* p) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

enum class RasterKind { kBilevel, kGrey, kRgb };

struct PageRaster {
  RasterKind kind = RasterKind::kGrey;
  // kBilevel: 1 bpp, 1 = ink (Leptonica's convention); kGrey: 8 bpp, no colormap; kRgb: 32 bpp.
  PixPtr pix;
  bool stored_jpeg = false;  // the stored bytes are a JPEG the PDF may embed as they are
  int jpeg_components = 0;   // 1 or 3 when stored_jpeg
};

// Decodes page.image.bytes. A page counts as bilevel when it is 1 bpp, or grey with only the
// values 0 and 255 (how cleanup stores bilevel pages as 8-bit PNG). With bilevel_threshold > 0 a
// greyscale page is made bilevel too (levels below the threshold become ink); colour pages stay
// colour. kInvalidArgument naming the page by id when the bytes do not decode or dpi is not
// positive.
Result<PageRaster> DecodePage(const ReleasePage& page, int bilevel_threshold = 0);

// The CCITT G4 (T.6) code of a 1 bpp image, 1 = black, as one strip with white runs first, the
// way /CCITTFaxDecode /K -1 (BlackIs1 false) reads it.
Result<std::string> EncodeG4(Pix* bilevel);

}  // namespace chartscan::release
