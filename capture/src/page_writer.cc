// TIFF writing over an in-memory buffer (TIFFClientOpen with our own I/O procedures), one page.
// Bilevel pages are packed 1 bit per pixel, MINISWHITE as faxes are, so ink (0 in our grey) is a
// set bit; anything below mid-grey counts as ink, which is exact for the 0/255 pixels capture
// produces for bilevel pages.
#include <algorithm>
#include <cstring>
#include <vector>

#include <tiffio.h>

#include <chartscan/capture/page_writer.h>

namespace chartscan::capture {
namespace {

struct Buffer {
  std::string bytes;
  toff_t pos = 0;
};

tmsize_t BufRead(thandle_t h, void* out, tmsize_t n) {
  auto* b = static_cast<Buffer*>(h);
  if (n <= 0 || b->pos >= b->bytes.size()) return 0;
  const toff_t count = std::min<toff_t>(static_cast<toff_t>(n), b->bytes.size() - b->pos);
  std::memcpy(out, b->bytes.data() + b->pos, static_cast<size_t>(count));
  b->pos += count;
  return static_cast<tmsize_t>(count);
}

tmsize_t BufWrite(thandle_t h, void* in, tmsize_t n) {
  auto* b = static_cast<Buffer*>(h);
  if (n < 0) return -1;
  const size_t end = static_cast<size_t>(b->pos) + static_cast<size_t>(n);
  if (end > b->bytes.size()) b->bytes.resize(end);
  std::memcpy(b->bytes.data() + b->pos, in, static_cast<size_t>(n));
  b->pos = end;
  return n;
}

toff_t BufSeek(thandle_t h, toff_t off, int whence) {
  auto* b = static_cast<Buffer*>(h);
  const toff_t base = whence == SEEK_CUR ? b->pos : whence == SEEK_END ? b->bytes.size() : 0;
  b->pos = base + off;
  return b->pos;
}

int BufClose(thandle_t) { return 0; }
toff_t BufSize(thandle_t h) { return static_cast<Buffer*>(h)->bytes.size(); }
int BufMap(thandle_t, void**, toff_t*) { return 0; }
void BufUnmap(thandle_t, void*, toff_t) {}

}  // namespace

Result<std::string> EncodeTiff(const CapturedPage& page, std::string_view description) {
  const Image& image = page.image;
  if (image.empty()) return Status::InvalidArgument("cannot write an empty page");
  Buffer buffer;
  TIFF* tif = TIFFClientOpen("page", "w", &buffer, &BufRead, &BufWrite, &BufSeek, &BufClose,
                             &BufSize, &BufMap, &BufUnmap);
  if (tif == nullptr) return Status::Internal("libtiff could not start a page");
  const bool rgb = image.format() == PixelFormat::kRgb8;
  const bool bilevel = page.bilevel && !rgb;
  const int width = image.width(), height = image.height();
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(width));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(height));
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
  if (bilevel) {
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(height));
  } else {
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, rgb ? 3 : 1);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, rgb ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    // Level 1: this runs on the scanning thread, between two sheets; size matters less than pace.
    TIFFSetField(tif, TIFFTAG_ZIPQUALITY, 1);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0));
  }
  if (page.resolution.known()) {
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(page.resolution.x_dpi));
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(page.resolution.y_dpi));
  }
  const std::string desc(description);
  if (!desc.empty()) TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, desc.c_str());
  TIFFSetField(tif, TIFFTAG_SOFTWARE, "chartscan");

  bool ok = true;
  std::vector<std::uint8_t> packed(static_cast<size_t>((width + 7) / 8));
  std::vector<std::uint8_t> scratch(static_cast<size_t>(width) * (rgb ? 3 : 1));
  for (int y = 0; y < height && ok; ++y) {
    const std::uint8_t* row = image.view().row(y);
    if (bilevel) {
      std::fill(packed.begin(), packed.end(), 0);
      for (int x = 0; x < width; ++x) {
        if (row[x] < 128) packed[static_cast<size_t>(x / 8)] |= 0x80 >> (x % 8);
      }
      ok = TIFFWriteScanline(tif, packed.data(), static_cast<uint32_t>(y), 0) == 1;
    } else {
      // libtiff applies the predictor in place, in the buffer it is given: never the caller's
      // pixels (the page goes on to be cleaned and recognized after this).
      scratch.assign(row, row + scratch.size());
      ok = TIFFWriteScanline(tif, scratch.data(), static_cast<uint32_t>(y), 0) == 1;
    }
  }
  ok = ok && TIFFWriteDirectory(tif) == 1;
  TIFFClose(tif);
  if (!ok) return Status::Internal("libtiff could not write a page");
  return std::move(buffer.bytes);
}

}  // namespace chartscan::capture
