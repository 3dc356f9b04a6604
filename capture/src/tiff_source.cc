// TIFF sources: single and multi-page, decoded one page at a time.
//
// Open walks the directory chain once with libtiff over the in-memory bytes (TIFFClientOpenExt,
// with per-handle error handlers so the walk never prints) and records each page's header fields:
// size, samples, compression, photometric interpretation, orientation and resolution. That is cheap
// (no strip is read) and lets ReadPage check a page's dimensions before anything is decoded.
//
// ReadPage decodes one page with Leptonica (pixReadMemTiff), which handles CCITT G3/G4, packbits,
// LZW, deflate and JPEG compression, 1/2/4/8/16-bit grey, palettes, 8/16-bit RGB(A) and CMYK, and
// the Orientation tag. Tiled pages and old-style JPEG, which Leptonica refuses, go through
// libtiff's RGBA interface instead. Leptonica does not say why a page failed (and it clears
// libtiff's global error handlers whenever it opens a TIFF), so after a failure the page's
// scanlines are read once more with our own handle: the first libtiff error becomes the Status
// message, and a page libtiff reads cleanly is decoded through the RGBA interface. A page whose
// strips are damaged fails on its own; a page whose directory cannot be parsed ends the chain
// (libtiff cannot find what follows it) and fails when read.
//
// Resolution is taken from the directory in full precision: XResolution/YResolution with
// ResolutionUnit inch or centimetre; unit "none" (aspect ratio only) or missing tags give 0. Fax
// resolutions such as 204 x 98 dpi are kept as they are; the cleanup stage resamples.
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <tiffio.h>

#include "internal.h"
#include "pix_image.h"

namespace chartscan::capture {
namespace {

// libtiff refuses any single allocation above this while we walk directories, so a directory that
// claims a huge tag array cannot make us allocate it.
constexpr tmsize_t kMaxLibtiffAllocation = tmsize_t{256} << 20;

struct MemStream {
  const char* data = nullptr;
  toff_t size = 0;
  toff_t pos = 0;
};

tmsize_t StreamRead(thandle_t handle, void* buffer, tmsize_t n) {
  auto* s = static_cast<MemStream*>(handle);
  if (n <= 0 || s->pos >= s->size) return 0;
  toff_t count = std::min<toff_t>(static_cast<toff_t>(n), s->size - s->pos);
  std::memcpy(buffer, s->data + s->pos, static_cast<std::size_t>(count));
  s->pos += count;
  return static_cast<tmsize_t>(count);
}

tmsize_t StreamWrite(thandle_t, void*, tmsize_t) { return -1; }

toff_t StreamSeek(thandle_t handle, toff_t offset, int whence) {
  auto* s = static_cast<MemStream*>(handle);
  toff_t base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? s->size : 0;
  // toff_t is unsigned: a "negative" offset wraps around; refuse anything that overflows.
  if (offset > UINT64_MAX - base) return static_cast<toff_t>(-1);
  s->pos = base + offset;
  return s->pos;
}

int StreamClose(thandle_t) { return 0; }

toff_t StreamSize(thandle_t handle) { return static_cast<MemStream*>(handle)->size; }

int StreamMap(thandle_t handle, void** base, toff_t* size) {
  auto* s = static_cast<MemStream*>(handle);
  *base = const_cast<char*>(s->data);  // opened read-only: libtiff never writes through the map
  *size = s->size;
  return 1;
}

void StreamUnmap(thandle_t, void*, toff_t) {}

int OnHandleError(TIFF*, void* user_data, const char* module, const char* fmt, va_list ap) {
  auto* first = static_cast<std::string*>(user_data);
  if (first->empty()) {
    char buffer[512];
    std::vsnprintf(buffer, sizeof buffer, fmt, ap);
    *first = SanitizeLibraryMessage(module != nullptr && *module != '\0'
                                        ? std::string(module) + ": " + buffer
                                        : std::string(buffer));
  }
  return 1;  // handled: do not call the global handlers
}

int OnHandleWarning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

// An open libtiff handle over the bytes, with its own stream position and error slot.
class TiffHandle {
 public:
  explicit TiffHandle(const std::string& bytes) {
    stream_.data = bytes.data();
    stream_.size = bytes.size();
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, &OnHandleError, &first_error_);
    TIFFOpenOptionsSetWarningHandlerExtR(options, &OnHandleWarning, nullptr);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, kMaxLibtiffAllocation);
    // The name only appears in libtiff's own messages; the Status names the file itself.
    tif_ = TIFFClientOpenExt("tiff", "r", &stream_, &StreamRead, &StreamWrite, &StreamSeek,
                             &StreamClose, &StreamSize, &StreamMap, &StreamUnmap, options);
    TIFFOpenOptionsFree(options);
  }
  ~TiffHandle() {
    if (tif_ != nullptr) TIFFClose(tif_);
  }
  TiffHandle(const TiffHandle&) = delete;
  TiffHandle& operator=(const TiffHandle&) = delete;

  TIFF* get() const { return tif_; }
  const std::string& first_error() const { return first_error_; }
  void clear_error() { first_error_.clear(); }

 private:
  MemStream stream_;
  std::string first_error_;
  TIFF* tif_ = nullptr;
};

struct TiffPage {
  std::string problem;  // non-empty when the directory itself could not be read
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint16_t bits_per_sample = 1;
  std::uint16_t samples_per_pixel = 1;
  std::uint16_t compression = COMPRESSION_NONE;
  std::uint16_t photometric = PHOTOMETRIC_MINISWHITE;
  std::uint16_t sample_format = SAMPLEFORMAT_UINT;
  std::uint16_t orientation = ORIENTATION_TOPLEFT;
  bool tiled = false;
  Resolution resolution;
};

Resolution ReadResolution(TIFF* tif) {
  float x = 0, y = 0;
  std::uint16_t unit = RESUNIT_INCH;
  if (!TIFFGetField(tif, TIFFTAG_XRESOLUTION, &x) || !TIFFGetField(tif, TIFFTAG_YRESOLUTION, &y)) {
    return {};
  }
  TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
  double scale = unit == RESUNIT_INCH ? 1.0 : unit == RESUNIT_CENTIMETER ? 2.54 : 0.0;
  Resolution r{x * scale, y * scale};
  if (!std::isfinite(r.x_dpi) || !std::isfinite(r.y_dpi) || !r.known()) return {};
  return r;
}

TiffPage ReadDirectory(TIFF* tif) {
  TiffPage page;
  if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &page.width) ||
      !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &page.height)) {
    page.problem = "the page has no width or height";
    return page;
  }
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &page.bits_per_sample);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &page.samples_per_pixel);
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &page.compression);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &page.sample_format);
  TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &page.orientation);
  if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &page.photometric)) {
    page.photometric = page.samples_per_pixel >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISWHITE;
  }
  page.tiled = TIFFIsTiled(tif) != 0;
  page.resolution = ReadResolution(tif);
  // Orientations 5-8 transpose the stored raster; the resolution follows the axes.
  if (page.orientation >= ORIENTATION_LEFTTOP && page.orientation <= ORIENTATION_LEFTBOT) {
    std::swap(page.resolution.x_dpi, page.resolution.y_dpi);
  }
  return page;
}

// Sample layouts capture does not decode: say so rather than calling the page damaged.
std::string UnsupportedReason(const TiffPage& page) {
  if (page.sample_format != SAMPLEFORMAT_UINT) return "floating-point or signed samples";
  switch (page.bits_per_sample) {
    case 1:
    case 2:
    case 4:
    case 8:
    case 16:
      break;
    default:
      return std::to_string(page.bits_per_sample) + "-bit samples";
  }
  if (page.samples_per_pixel < 1 || page.samples_per_pixel > 4 ||
      (page.samples_per_pixel == 2 && page.bits_per_sample != 8)) {
    return std::to_string(page.samples_per_pixel) + " samples per pixel";
  }
  switch (page.photometric) {
    case PHOTOMETRIC_MINISWHITE:
    case PHOTOMETRIC_MINISBLACK:
    case PHOTOMETRIC_RGB:
    case PHOTOMETRIC_PALETTE:
    case PHOTOMETRIC_SEPARATED:
    case PHOTOMETRIC_YCBCR:
      break;
    default:
      return "photometric interpretation " + std::to_string(page.photometric);
  }
  if (!TIFFIsCODECConfigured(page.compression)) {
    return "compression scheme " + std::to_string(page.compression);
  }
  return "";
}

class TiffSource final : public SourceReader {
 public:
  TiffSource(std::string bytes, std::string name, CaptureOptions options,
             std::vector<TiffPage> pages)
      : bytes_(std::move(bytes)),
        name_(std::move(name)),
        options_(options),
        pages_(std::move(pages)) {}

  SourceKind kind() const override { return SourceKind::kTiff; }
  int page_count() const override { return static_cast<int>(pages_.size()); }

  Result<CapturedPage> ReadPage(int index) override {
    if (index < 0 || index >= page_count()) return NoSuchPage(name_, index, page_count());
    const TiffPage& info = pages_[static_cast<std::size_t>(index)];
    const std::string where = PageLabel(name_, index);
    if (!info.problem.empty()) {
      return Status::Corrupt(where + ": the page directory is damaged (" + info.problem + ")");
    }
    CHARTSCAN_RETURN_IF_ERROR(CheckDimensions(info.width, info.height, options_, where));
    if (std::string reason = UnsupportedReason(info); !reason.empty()) {
      return Status::Unsupported(where + ": " + reason + " are not supported");
    }

    CapturedPage page;
    page.index = index;
    page.resolution = info.resolution;
    page.bilevel = info.bits_per_sample == 1 && info.samples_per_pixel == 1;
    if (info.tiled || info.compression == COMPRESSION_OJPEG) {
      CHARTSCAN_ASSIGN_OR_RETURN(page.image, DecodeRgba(index, where));
      return page;
    }

    PixPtr pix(
        pixReadMemTiff(reinterpret_cast<const l_uint8*>(bytes_.data()), bytes_.size(), index));
    if (!pix) {
      // Leptonica says only that it failed. Read the page's scanlines with libtiff to learn why:
      // a libtiff error means the data is damaged; none means the layout is one Leptonica does
      // not handle, which libtiff's RGBA interface still decodes.
      std::string error = Diagnose(index);
      if (!error.empty()) return Status::Corrupt(where + ": the page is damaged (" + error + ")");
      CHARTSCAN_ASSIGN_OR_RETURN(page.image, DecodeRgba(index, where));
      return page;
    }
    CHARTSCAN_ASSIGN_OR_RETURN(page.image, PixToImage(pix.get(), where));
    // Leptonica inverts min-is-white only for 1- and 8-bit pages.
    if (info.bits_per_sample == 16 && info.samples_per_pixel == 1 &&
        info.photometric == PHOTOMETRIC_MINISWHITE) {
      for (std::size_t i = 0; i < page.image.byte_size(); ++i) {
        page.image.data()[i] = static_cast<std::uint8_t>(255 - page.image.data()[i]);
      }
    }
    return page;
  }

 private:
  // The first libtiff error met while reading every scanline of page `index`; empty when the page
  // reads cleanly. One scanline is buffered at a time.
  std::string Diagnose(int index) const {
    TiffHandle handle(bytes_);
    TIFF* tif = handle.get();
    if (tif == nullptr || !TIFFSetDirectory(tif, static_cast<tdir_t>(index))) {
      return handle.first_error().empty() ? "unreadable directory" : handle.first_error();
    }
    const tmsize_t line_size = TIFFScanlineSize(tif);
    std::uint32_t height = 0;
    std::uint16_t planar = PLANARCONFIG_CONTIG, samples = 1;
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
    if (line_size <= 0) return handle.first_error();
    std::vector<std::uint8_t> line(static_cast<std::size_t>(line_size));
    const std::uint16_t planes = planar == PLANARCONFIG_SEPARATE ? samples : 1;
    for (std::uint16_t plane = 0; plane < planes; ++plane) {
      for (std::uint32_t row = 0; row < height; ++row) {
        if (TIFFReadScanline(tif, line.data(), row, plane) < 0) {
          return handle.first_error().empty() ? "unreadable scanline" : handle.first_error();
        }
      }
    }
    return handle.first_error();
  }

  // libtiff's RGBA interface: any layout libtiff understands, 8 bits per channel, oriented.
  Result<Image> DecodeRgba(int index, const std::string& where) const {
    TiffHandle handle(bytes_);
    if (handle.get() == nullptr || !TIFFSetDirectory(handle.get(), static_cast<tdir_t>(index))) {
      return Status::Corrupt(where + ": the page directory is damaged");
    }
    std::uint32_t w = 0, h = 0;
    TIFFGetField(handle.get(), TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(handle.get(), TIFFTAG_IMAGELENGTH, &h);
    // Re-check against what this handle sees; the sizes were checked at Open for this directory.
    CHARTSCAN_RETURN_IF_ERROR(CheckDimensions(w, h, options_, where));
    std::vector<std::uint32_t> raster(static_cast<std::size_t>(w) * h);
    if (!TIFFReadRGBAImageOriented(handle.get(), w, h, raster.data(), ORIENTATION_TOPLEFT,
                                   /*stop_on_error=*/1)) {
      std::string why = handle.first_error().empty() ? "the image data could not be decoded"
                                                     : handle.first_error();
      return Status::Corrupt(where + ": the page is damaged (" + why + ")");
    }
    // ABGR words; composite alpha onto white, then pack as 0x00RRGGBB.
    for (std::uint32_t& p : raster) {
      std::uint32_t a = TIFFGetA(p), r = TIFFGetR(p), g = TIFFGetG(p), b = TIFFGetB(p);
      if (a != 255) {
        r = (r * a + 255 * (255 - a) + 127) / 255;
        g = (g * a + 255 * (255 - a) + 127) / 255;
        b = (b * a + 255 * (255 - a) + 127) / 255;
      }
      p = r << 16 | g << 8 | b;
    }
    return PackedRgbToImage(raster.data(), static_cast<int>(w), static_cast<int>(h), w);
  }

  std::string bytes_;
  std::string name_;
  CaptureOptions options_;
  std::vector<TiffPage> pages_;
};

}  // namespace

Result<std::unique_ptr<SourceReader>> OpenTiffSource(std::string bytes, std::string name,
                                                     const CaptureOptions& options) {
  std::vector<TiffPage> pages;
  {
    TiffHandle handle(bytes);
    if (handle.get() == nullptr) {
      std::string why = handle.first_error().empty() ? "not a readable TIFF" : handle.first_error();
      return Status::Corrupt(name + ": the TIFF is damaged or truncated (" + why + ")");
    }
    for (;;) {
      pages.push_back(ReadDirectory(handle.get()));
      if (static_cast<std::int64_t>(pages.size()) > options.max_pages) {
        return Status::TooLarge(name + ": more than " + std::to_string(options.max_pages) +
                                " pages");
      }
      if (TIFFLastDirectory(handle.get())) break;
      handle.clear_error();
      if (!TIFFReadDirectory(handle.get())) {
        // A next directory exists but cannot be parsed. It becomes a page that fails when read,
        // so the document is flagged instead of silently losing its tail.
        TiffPage broken;
        broken.problem =
            handle.first_error().empty() ? "unreadable directory" : handle.first_error();
        pages.push_back(std::move(broken));
        break;
      }
    }
  }
  if (static_cast<std::int64_t>(pages.size()) > options.max_pages) {
    return Status::TooLarge(name + ": more than " + std::to_string(options.max_pages) + " pages");
  }
  return std::unique_ptr<SourceReader>(
      std::make_unique<TiffSource>(std::move(bytes), std::move(name), options, std::move(pages)));
}

}  // namespace chartscan::capture
