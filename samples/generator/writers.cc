// Encoders for generated pages. See writers.h.
//
// OpenCV's encoders do not record a resolution, which capture needs for fax pages (204 x 98 dpi
// pixels are not square), so EncodePng inserts a pHYs chunk after IHDR and EncodeJpeg fills in the
// JFIF density fields. TIFF goes through libtiff directly for G4, 16-bit and multi-page output.
#include "writers.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <tiffio.h>

namespace chartscan::samples {
namespace {

std::uint32_t Crc32(const unsigned char* data, std::size_t n, std::uint32_t crc = 0) {
  static const std::array<std::uint32_t, 256> kTable = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i) crc = kTable[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void PutBe32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xFF));
}

std::uint32_t DotsPerMeter(int dpi) { return static_cast<std::uint32_t>(dpi / 0.0254 + 0.5); }

}  // namespace

Result<std::string> EncodePng(const cv::Mat& image, int dpi_x, int dpi_y) {
  std::vector<unsigned char> buf;
  try {
    cv::imencode(".png", image, buf, {cv::IMWRITE_PNG_COMPRESSION, 9});
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("PNG encoding: ") + e.what());
  }
  std::string png(buf.begin(), buf.end());
  constexpr std::size_t kAfterIhdr = 8 + 4 + 4 + 13 + 4;
  if (png.size() < kAfterIhdr) return Status::Internal("PNG encoding: short output");
  std::string chunk;
  PutBe32(chunk, 9);
  chunk += "pHYs";
  PutBe32(chunk, DotsPerMeter(dpi_x));
  PutBe32(chunk, DotsPerMeter(dpi_y));
  chunk.push_back(1);  // unit: metre
  PutBe32(chunk, Crc32(reinterpret_cast<const unsigned char*>(chunk.data()) + 4, 4 + 9));
  png.insert(kAfterIhdr, chunk);
  return png;
}

Result<std::string> EncodeJpeg(const cv::Mat& image, int dpi_x, int dpi_y, int quality) {
  std::vector<unsigned char> buf;
  try {
    cv::imencode(".jpg", image, buf, {cv::IMWRITE_JPEG_QUALITY, quality});
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("JPEG encoding: ") + e.what());
  }
  std::string jpg(buf.begin(), buf.end());
  // SOI, APP0 marker and length, "JFIF\0", version, then units and X/Y density.
  if (jpg.size() > 18 && jpg.compare(6, 5, std::string("JFIF\0", 5)) == 0) {
    jpg[13] = 1;  // dots per inch
    jpg[14] = static_cast<char>(dpi_x >> 8);
    jpg[15] = static_cast<char>(dpi_x & 0xFF);
    jpg[16] = static_cast<char>(dpi_y >> 8);
    jpg[17] = static_cast<char>(dpi_y & 0xFF);
  }
  return jpg;
}

Status WriteTiff(const std::string& path, const std::vector<TiffPage>& pages, bool g4) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (tif == nullptr) return Status::IoError(path + ": cannot open for writing");
  Status st;
  const auto n = static_cast<std::uint16_t>(pages.size());
  for (std::uint16_t i = 0; i < n && st.ok(); ++i) {
    const TiffPage& p = pages[i];
    const cv::Mat& img = p.image;
    int channels = img.channels();
    int bits = g4 ? 1 : (img.depth() == CV_16U ? 16 : 8);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(img.cols));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(img.rows));
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, static_cast<std::uint16_t>(bits));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, static_cast<std::uint16_t>(channels));
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(p.dpi_x));
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(p.dpi_y));
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(tif, TIFFTAG_SOFTWARE, "chartscan-samplegen (synthetic)");
    if (n > 1) {
      TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
      TIFFSetField(tif, TIFFTAG_PAGENUMBER, i, n);
    }
    if (g4) {
      TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
      TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
      TIFFSetField(tif, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
      TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(img.rows));
    } else {
      TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
                   channels == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
      TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
      TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
      TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0));
    }
    std::vector<unsigned char> row(static_cast<std::size_t>(TIFFScanlineSize(tif)));
    for (int y = 0; y < img.rows && st.ok(); ++y) {
      if (g4) {
        std::fill(row.begin(), row.end(), 0);
        const std::uint8_t* src = img.ptr<std::uint8_t>(y);
        for (int x = 0; x < img.cols; ++x) {
          if (src[x] < 128) row[static_cast<std::size_t>(x >> 3)] |= 0x80 >> (x & 7);
        }
      } else if (channels == 3) {
        const std::uint8_t* src = img.ptr<std::uint8_t>(y);
        for (int x = 0; x < img.cols; ++x) {  // BGR -> RGB
          row[3 * x] = src[3 * x + 2];
          row[3 * x + 1] = src[3 * x + 1];
          row[3 * x + 2] = src[3 * x];
        }
      } else {
        std::memcpy(row.data(), img.ptr(y), row.size());
      }
      if (TIFFWriteScanline(tif, row.data(), static_cast<std::uint32_t>(y), 0) < 0) {
        st = Status::IoError(path + ": writing TIFF rows failed");
      }
    }
    if (st.ok() && !TIFFWriteDirectory(tif)) st = Status::IoError(path + ": writing TIFF page");
  }
  TIFFClose(tif);
  return st;
}

Status WriteBytes(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError(path + ": cannot open for writing");
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return Status::IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace chartscan::samples
