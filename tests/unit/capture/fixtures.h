// Test inputs for the capture stage, built in memory: TIFFs written field by field with libtiff,
// other rasters with Leptonica, hand-made headers for hostile files, and PDFs written object by
// object. All text in them is invented.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>
#include <tiffio.h>

#include <chartscan/capture/source.h>

namespace chartscan::capture::fixtures {

// --- rasters

// One TIFF directory. `samples` holds the rows as libtiff expects them for TIFFWriteScanline (or
// the tiles for a tiled page), in native byte order for 16-bit samples.
struct TiffPageSpec {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint16_t bits_per_sample = 8;
  std::uint16_t samples_per_pixel = 1;
  std::uint16_t photometric = PHOTOMETRIC_MINISBLACK;
  std::uint16_t compression = COMPRESSION_NONE;
  std::optional<float> x_resolution;
  std::optional<float> y_resolution;
  std::uint16_t resolution_unit = RESUNIT_INCH;
  std::vector<std::uint16_t> colormap;  // 3 << bits_per_sample entries: reds, greens, blues
  bool alpha = false;                   // last sample is unassociated alpha
  std::uint32_t tile_size = 0;          // > 0: tiled with square tiles of this size
  std::vector<std::uint8_t> samples;
};

// Writes the pages as one TIFF (BigTIFF when `big`).
std::string WriteTiff(const std::vector<TiffPageSpec>& pages, bool big = false);

// A 1-bit fax page, min-is-white (set bits are black), with a black rectangle at (x, y, w, h).
TiffPageSpec FaxPage(std::uint32_t width, std::uint32_t height, std::uint16_t compression, int x,
                     int y, int w, int h);

// An 8-bit grey page filled with `value`.
TiffPageSpec GreyPage(std::uint32_t width, std::uint32_t height, std::uint8_t value,
                      std::uint16_t compression = COMPRESSION_NONE);

// Where the first strip of directory `page` starts, and its byte count.
std::pair<std::uint64_t, std::uint64_t> FirstStrip(const std::string& tiff, int page);

// A classic little-endian TIFF whose one directory (written before the data, as many scanners do)
// claims width x height 8-bit grey pixels in one strip, followed by `data_bytes` bytes of 0x80.
std::string TiffClaimingSize(std::uint32_t width, std::uint32_t height,
                             std::size_t data_bytes = 16);

// Points the first directory's "next directory" link of a classic little-endian TIFF at `offset`.
void SetSecondDirectoryOffset(std::string& tiff, std::uint32_t offset);

// A PNG signature, an IHDR claiming width x height 8-bit grey, a small IDAT and IEND (valid CRCs).
std::string PngClaimingSize(std::uint32_t width, std::uint32_t height);

// Leptonica encoders (the Pix is not consumed).
std::string EncodePng(PIX* pix);
std::string EncodeJpeg(PIX* pix, int quality = 90);
std::string EncodePnm(PIX* pix);
std::string EncodeBmp(PIX* pix);
std::string EncodeWebp(PIX* pix);

// An 8-bit grey Pix filled with `value`, or a 32-bit RGB Pix filled with r, g, b.
PIX* MakeGreyPix(int width, int height, int value);
PIX* MakeRgbPix(int width, int height, int r, int g, int b);

// --- PDFs

// Builds a PDF from object bodies; object numbers start at 1 in the order they are added.
class PdfBuilder {
 public:
  int Add(std::string body);
  // A stream object; `dict` holds the entries without << >> and without /Length.
  int AddStream(const std::string& dict, const std::string& data);
  // Reserves a number now, body given later with Set (for objects that refer to each other).
  int Reserve();
  void Set(int object, std::string body);
  std::string Build(int root) const;

 private:
  std::vector<std::string> objects_;
};

struct PdfImage {
  std::string jpeg;  // DCTDecode data
  int width = 0;
  int height = 0;
  bool colour = false;
  std::string placement;  // the "a b c d e f" of the cm that places the unit square
};

struct PdfPageSpec {
  double width = 612;
  double height = 792;
  int rotate = 0;
  std::vector<PdfImage> images;
  std::string text_ops;         // content operators drawn after the images, font /F1 available
  std::string to_unicode_cmap;  // non-empty: attached to /F1 as its ToUnicode stream
};

std::string MakePdf(const std::vector<PdfPageSpec>& pages);

// "BT /F1 size Tf x y Td (text) Tj ET" for each line, one below the other (y down by 1.5 size).
std::string TextOps(double x, double y, double size, const std::vector<std::string>& lines,
                    bool invisible = false);

// Encrypts with qpdf (user password required to open). nullopt when qpdf is unavailable.
std::optional<std::string> EncryptWithQpdf(const std::string& pdf);

// --- reading

// Opens the bytes and reads every page; the first failure, or OK.
Status FirstError(const std::string& bytes, const std::string& name,
                  const CaptureOptions& options = {});

// Reads page `index` or fails the test.
CapturedPage ReadOnly(const std::string& bytes, const std::string& name, int index = 0,
                      const CaptureOptions& options = {});

// Grey value at (x, y) (for RGB the mean of the channels).
int GreyAt(const Image& image, int x, int y);

// Count of pixels darker than `threshold` inside `box` (clipped to the image).
long long DarkPixels(const Image& image, const Box& box, int threshold = 128);

}  // namespace chartscan::capture::fixtures
