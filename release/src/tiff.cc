// Multi-page TIFF of a released document, and the page decoding the PDF encoder shares.
//
// Pages are decoded with Leptonica (page_raster.h) and written with libtiff through TIFFClientOpen
// over an in-memory buffer, a directory per page. Bilevel pages are 1 bit CCITT G4 with
// Photometric MinIsWhite, as faxes and document archives expect (a set bit is ink, which is also
// Leptonica's 1 bpp convention, so rows go out as they are). Greyscale and colour pages are 8 bits
// per sample with Deflate and the horizontal predictor (lossless: the release keeps the stored
// pixels). Each directory carries the resolution from the page's dpi, PageNumber (index, count)
// and Software; no DateTime, so the bytes depend only on the pages.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>
#include <tiffio.h>

#include <chartscan/release/formats.h>

#include "page_raster.h"

namespace chartscan::release {

void PixDeleter::operator()(Pix* p) const { pixDestroy(&p); }

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

TIFF* OpenBuffer(Buffer* buffer, const char* mode) {
  return TIFFClientOpen("release", mode, buffer, &BufRead, &BufWrite, &BufSeek, &BufClose, &BufSize,
                        &BufMap, &BufUnmap);
}

std::string PageName(const ReleasePage& page) { return "page " + std::to_string(page.page_id); }

// An 8 bpp grey image whose pixels are all 0 or 255 is a bilevel page stored wide.
bool OnlyBlackAndWhite(Pix* grey) {
  const int w = pixGetWidth(grey), h = pixGetHeight(grey), wpl = pixGetWpl(grey);
  const l_uint32* data = pixGetData(grey);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      const int v = GET_DATA_BYTE(line, x);
      if (v != 0 && v != 255) return false;
    }
  }
  return true;
}

bool AllGrey(Pix* rgb) {
  const int w = pixGetWidth(rgb), h = pixGetHeight(rgb), wpl = pixGetWpl(rgb);
  const l_uint32* data = pixGetData(rgb);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < w; ++x) {
      l_int32 r, g, b;
      extractRGBValues(line[x], &r, &g, &b);
      if (r != g || g != b) return false;
    }
  }
  return true;
}

// Sets the tags shared by every directory; the caller sets the pixel layout.
void SetPageTags(TIFF* tif, const ReleasePage& page, int index, int count, int width, int height) {
  TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(width));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(height));
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
  TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(page.dpi));
  TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(page.dpi));
  TIFFSetField(tif, TIFFTAG_PAGENUMBER, static_cast<uint16_t>(index), static_cast<uint16_t>(count));
  TIFFSetField(tif, TIFFTAG_SOFTWARE, "chartscan");
}

// Writes one page's pixels into the current directory and closes it.
bool WritePage(TIFF* tif, const PageRaster& raster) {
  Pix* pix = raster.pix.get();
  const int width = pixGetWidth(pix), height = pixGetHeight(pix), wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  bool ok = true;
  if (raster.kind == RasterKind::kBilevel) {
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(tif, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
    // One strip: G4 codes each row against the previous one, so a page is one code stream (the
    // PDF embeds exactly that stream).
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<uint32_t>(height));
    std::vector<std::uint8_t> row(static_cast<size_t>((width + 7) / 8));
    for (int y = 0; y < height && ok; ++y) {
      const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
      // Leptonica keeps 32-bit words in host order with the first pixel in the high bit.
      for (size_t i = 0; i < row.size(); ++i)
        row[i] = static_cast<std::uint8_t>(GET_DATA_BYTE(line, i));
      ok = TIFFWriteScanline(tif, row.data(), static_cast<uint32_t>(y), 0) == 1;
    }
  } else {
    const bool rgb = raster.kind == RasterKind::kRgb;
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, rgb ? 3 : 1);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, rgb ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0));
    std::vector<std::uint8_t> row(static_cast<size_t>(width) * (rgb ? 3 : 1));
    for (int y = 0; y < height && ok; ++y) {
      const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
      if (rgb) {
        for (int x = 0; x < width; ++x) {
          l_int32 r, g, b;
          extractRGBValues(line[x], &r, &g, &b);
          row[3 * static_cast<size_t>(x)] = static_cast<std::uint8_t>(r);
          row[3 * static_cast<size_t>(x) + 1] = static_cast<std::uint8_t>(g);
          row[3 * static_cast<size_t>(x) + 2] = static_cast<std::uint8_t>(b);
        }
      } else {
        for (int x = 0; x < width; ++x) row[static_cast<size_t>(x)] = GET_DATA_BYTE(line, x);
      }
      ok = TIFFWriteScanline(tif, row.data(), static_cast<uint32_t>(y), 0) == 1;
    }
  }
  return ok && TIFFWriteDirectory(tif) == 1;
}

}  // namespace

Result<PageRaster> DecodePage(const ReleasePage& page, int bilevel_threshold) {
  if (!(page.dpi > 0)) {
    return Status::InvalidArgument(PageName(page) + ": the page has no resolution (dpi)");
  }
  const auto* bytes = reinterpret_cast<const l_uint8*>(page.image.bytes.data());
  const size_t size = page.image.bytes.size();
  PageRaster out;
  if (size > 0) out.pix.reset(pixReadMem(bytes, size));
  if (out.pix == nullptr) {
    return Status::InvalidArgument(PageName(page) + ": the page image does not decode");
  }
  // PNG text chunks become the Pix's text, which Leptonica would write into a JPEG comment.
  pixSetText(out.pix.get(), nullptr);
  l_int32 format = IFF_UNKNOWN;
  findFileFormatBuffer(bytes, &format);
  if (format == IFF_JFIF_JPEG) {
    l_int32 w = 0, h = 0, spp = 0, ycck = 0, cmyk = 0;
    if (readHeaderMemJpeg(bytes, size, &w, &h, &spp, &ycck, &cmyk) == 0 && !ycck && !cmyk &&
        (spp == 1 || spp == 3)) {
      out.stored_jpeg = true;
      out.jpeg_components = spp;
    }
  }
  if (pixGetColormap(out.pix.get()) != nullptr) {
    out.pix.reset(pixRemoveColormap(out.pix.get(), REMOVE_CMAP_BASED_ON_SRC));
  }
  if (out.pix != nullptr && pixGetDepth(out.pix.get()) == 32) {
    if (AllGrey(out.pix.get())) {
      out.pix.reset(pixConvertRGBToLuminance(out.pix.get()));
    } else {
      out.kind = RasterKind::kRgb;
      return out;
    }
  }
  if (out.pix != nullptr && pixGetDepth(out.pix.get()) == 1) {
    out.kind = RasterKind::kBilevel;
    return out;
  }
  if (out.pix != nullptr && pixGetDepth(out.pix.get()) != 8) {
    out.pix.reset(pixConvertTo8(out.pix.get(), 0));
  }
  if (out.pix == nullptr) {
    return Status::InvalidArgument(PageName(page) + ": the page image has an unsupported layout");
  }
  if (bilevel_threshold > 0 || (!out.stored_jpeg && OnlyBlackAndWhite(out.pix.get()))) {
    out.pix.reset(
        pixThresholdToBinary(out.pix.get(), bilevel_threshold > 0 ? bilevel_threshold : 128));
    out.stored_jpeg = false;
    if (out.pix == nullptr) return Status::Internal(PageName(page) + ": Leptonica refused");
    out.kind = RasterKind::kBilevel;
    return out;
  }
  out.kind = RasterKind::kGrey;
  return out;
}

Result<std::string> EncodeG4(Pix* bilevel) {
  Buffer buffer;
  TIFF* tif = OpenBuffer(&buffer, "w");
  if (tif == nullptr) return Status::Internal("libtiff could not start a G4 strip");
  PageRaster raster;
  raster.kind = RasterKind::kBilevel;
  raster.pix.reset(pixClone(bilevel));
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(pixGetWidth(bilevel)));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(pixGetHeight(bilevel)));
  const bool written = WritePage(tif, raster);
  TIFFClose(tif);
  if (!written) return Status::Internal("libtiff could not encode a G4 strip");
  buffer.pos = 0;
  tif = OpenBuffer(&buffer, "r");
  if (tif == nullptr) return Status::Internal("libtiff could not read back a G4 strip");
  std::string strip;
  uint64_t* counts = nullptr;
  if (TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &counts) == 1 && counts != nullptr) {
    strip.resize(static_cast<size_t>(counts[0]));
    if (TIFFReadRawStrip(tif, 0, strip.data(), static_cast<tmsize_t>(strip.size())) !=
        static_cast<tmsize_t>(strip.size())) {
      strip.clear();
    }
  }
  TIFFClose(tif);
  if (strip.empty()) return Status::Internal("libtiff could not read back a G4 strip");
  return strip;
}

Result<std::string> EncodeTiff(const ReleaseDocument& document, const ReleaseOptions& options) {
  if (document.pages.empty()) {
    return Status::InvalidArgument("document " + std::to_string(document.document_id) +
                                   " has no pages");
  }
  Buffer buffer;
  TIFF* tif = OpenBuffer(&buffer, "w");
  if (tif == nullptr) return Status::Internal("libtiff could not start a TIFF");
  const int count = static_cast<int>(document.pages.size());
  for (int i = 0; i < count; ++i) {
    const ReleasePage& page = document.pages[static_cast<size_t>(i)];
    Result<PageRaster> raster = DecodePage(page, options.bilevel_threshold);
    if (!raster.ok()) {
      TIFFClose(tif);
      return raster.status();
    }
    SetPageTags(tif, page, i, count, pixGetWidth(raster->pix.get()),
                pixGetHeight(raster->pix.get()));
    if (!WritePage(tif, *raster)) {
      TIFFClose(tif);
      return Status::Internal(PageName(page) + ": libtiff could not write the page");
    }
  }
  TIFFClose(tif);
  return std::move(buffer.bytes);
}

}  // namespace chartscan::release
