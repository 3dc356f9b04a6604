#include "fixtures.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace chartscan::capture::fixtures {
namespace {

// --- libtiff over a growable in-memory file

struct MemFile {
  std::string data;
  toff_t pos = 0;
};

tmsize_t MemRead(thandle_t h, void* buffer, tmsize_t n) {
  auto* f = static_cast<MemFile*>(h);
  if (n <= 0 || f->pos >= f->data.size()) return 0;
  auto count = std::min<toff_t>(static_cast<toff_t>(n), f->data.size() - f->pos);
  std::memcpy(buffer, f->data.data() + f->pos, count);
  f->pos += count;
  return static_cast<tmsize_t>(count);
}

tmsize_t MemWrite(thandle_t h, void* buffer, tmsize_t n) {
  auto* f = static_cast<MemFile*>(h);
  if (n <= 0) return 0;
  if (f->pos + n > f->data.size()) f->data.resize(f->pos + n);
  std::memcpy(f->data.data() + f->pos, buffer, static_cast<std::size_t>(n));
  f->pos += static_cast<toff_t>(n);
  return n;
}

toff_t MemSeek(thandle_t h, toff_t offset, int whence) {
  auto* f = static_cast<MemFile*>(h);
  toff_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->data.size() : 0;
  f->pos = base + offset;
  return f->pos;
}

int MemClose(thandle_t) { return 0; }
toff_t MemSize(thandle_t h) { return static_cast<MemFile*>(h)->data.size(); }
int MemMap(thandle_t, void**, toff_t*) { return 0; }
void MemUnmap(thandle_t, void*, toff_t) {}

TIFF* OpenMem(MemFile* file, const char* mode) {
  return TIFFClientOpen("fixture", mode, file, &MemRead, &MemWrite, &MemSeek, &MemClose, &MemSize,
                        &MemMap, &MemUnmap);
}

void WriteDirectory(TIFF* tif, const TiffPageSpec& page) {
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, page.width);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, page.height);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, page.bits_per_sample);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, page.samples_per_pixel);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, page.photometric);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, page.compression);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  if (page.x_resolution) TIFFSetField(tif, TIFFTAG_XRESOLUTION, double{*page.x_resolution});
  if (page.y_resolution) TIFFSetField(tif, TIFFTAG_YRESOLUTION, double{*page.y_resolution});
  if (page.x_resolution || page.y_resolution) {
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, page.resolution_unit);
  }
  if (!page.colormap.empty()) {
    std::size_t n = std::size_t{1} << page.bits_per_sample;
    std::vector<std::uint16_t> map = page.colormap;
    TIFFSetField(tif, TIFFTAG_COLORMAP, map.data(), map.data() + n, map.data() + 2 * n);
  }
  if (page.alpha) {
    std::uint16_t extra = EXTRASAMPLE_UNASSALPHA;
    TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
  }
  const std::size_t row_bytes =
      (static_cast<std::size_t>(page.width) * page.bits_per_sample * page.samples_per_pixel + 7) /
      8;
  if (page.tile_size > 0) {
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, page.tile_size);
    TIFFSetField(tif, TIFFTAG_TILELENGTH, page.tile_size);
    const std::size_t pixel_bytes = page.bits_per_sample * page.samples_per_pixel / 8;
    std::vector<std::uint8_t> tile(static_cast<std::size_t>(page.tile_size) * page.tile_size *
                                   pixel_bytes);
    for (std::uint32_t ty = 0; ty < page.height; ty += page.tile_size) {
      for (std::uint32_t tx = 0; tx < page.width; tx += page.tile_size) {
        std::fill(tile.begin(), tile.end(), 0);
        for (std::uint32_t y = 0; y < page.tile_size && ty + y < page.height; ++y) {
          for (std::uint32_t x = 0; x < page.tile_size && tx + x < page.width; ++x) {
            std::memcpy(&tile[(y * page.tile_size + x) * pixel_bytes],
                        &page.samples[(ty + y) * row_bytes + (tx + x) * pixel_bytes], pixel_bytes);
          }
        }
        TIFFWriteTile(tif, tile.data(), tx, ty, 0, 0);
      }
    }
  } else {
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, page.height);
    std::vector<std::uint8_t> row(row_bytes);
    for (std::uint32_t y = 0; y < page.height; ++y) {
      std::memcpy(row.data(), &page.samples[y * row_bytes], row_bytes);
      TIFFWriteScanline(tif, row.data(), y, 0);
    }
  }
  TIFFWriteDirectory(tif);
}

void AppendLe16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}

void AppendLe32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

void AppendBe32(std::string& s, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t Crc32(const std::string& bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xffffffffu;
}

void AppendPngChunk(std::string& png, const std::string& type, const std::string& data) {
  AppendBe32(png, static_cast<std::uint32_t>(data.size()));
  png += type + data;
  AppendBe32(png, Crc32(type + data));
}

std::string TakeLeptonicaBuffer(l_uint8* data, size_t size) {
  std::string out(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return out;
}

std::string PdfEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

std::string WriteTiff(const std::vector<TiffPageSpec>& pages, bool big) {
  MemFile file;
  TIFF* tif = OpenMem(&file, big ? "w8" : "w");
  if (tif == nullptr) return "";
  for (const TiffPageSpec& page : pages) WriteDirectory(tif, page);
  TIFFClose(tif);
  return file.data;
}

TiffPageSpec FaxPage(std::uint32_t width, std::uint32_t height, std::uint16_t compression, int x,
                     int y, int w, int h) {
  TiffPageSpec page;
  page.width = width;
  page.height = height;
  page.bits_per_sample = 1;
  page.photometric = PHOTOMETRIC_MINISWHITE;
  page.compression = compression;
  const std::size_t row_bytes = (width + 7) / 8;
  page.samples.assign(row_bytes * height, 0);
  for (int yy = y; yy < y + h; ++yy) {
    for (int xx = x; xx < x + w; ++xx) {
      page.samples[yy * row_bytes + xx / 8] |= static_cast<std::uint8_t>(0x80 >> (xx % 8));
    }
  }
  return page;
}

TiffPageSpec GreyPage(std::uint32_t width, std::uint32_t height, std::uint8_t value,
                      std::uint16_t compression) {
  TiffPageSpec page;
  page.width = width;
  page.height = height;
  page.compression = compression;
  page.samples.assign(static_cast<std::size_t>(width) * height, value);
  return page;
}

std::pair<std::uint64_t, std::uint64_t> FirstStrip(const std::string& tiff, int page) {
  MemFile file{tiff, 0};
  TIFF* tif = OpenMem(&file, "r");
  std::pair<std::uint64_t, std::uint64_t> out{0, 0};
  if (tif == nullptr) return out;
  if (TIFFSetDirectory(tif, static_cast<tdir_t>(page))) {
    std::uint64_t* offsets = nullptr;
    std::uint64_t* counts = nullptr;
    if (TIFFGetField(tif, TIFFTAG_STRIPOFFSETS, &offsets) &&
        TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &counts)) {
      out = {offsets[0], counts[0]};
    }
  }
  TIFFClose(tif);
  return out;
}

std::string TiffClaimingSize(std::uint32_t width, std::uint32_t height, std::size_t data_bytes) {
  struct Entry {
    std::uint16_t tag, type;
    std::uint32_t value;
  };
  constexpr std::uint16_t kShort = 3, kLong = 4;
  const std::uint32_t data_offset = 8 + 2 + 9 * 12 + 4;
  std::uint64_t bytes = std::uint64_t{width} * height;
  const Entry entries[] = {
      {256, kLong, width},
      {257, kLong, height},
      {258, kShort, 8},
      {259, kShort, 1},
      {262, kShort, 1},
      {273, kLong, data_offset},
      {277, kShort, 1},
      {278, kLong, height},
      {279, kLong, static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, 0xffffffffu))},
  };
  std::string tiff = "II";
  AppendLe16(tiff, 42);
  AppendLe32(tiff, 8);
  AppendLe16(tiff, 9);
  for (const Entry& e : entries) {
    AppendLe16(tiff, e.tag);
    AppendLe16(tiff, e.type);
    AppendLe32(tiff, 1);
    if (e.type == kShort) {
      AppendLe16(tiff, static_cast<std::uint16_t>(e.value));
      AppendLe16(tiff, 0);
    } else {
      AppendLe32(tiff, e.value);
    }
  }
  AppendLe32(tiff, 0);
  tiff += std::string(data_bytes, '\x80');
  return tiff;
}

void SetSecondDirectoryOffset(std::string& tiff, std::uint32_t offset) {
  auto le = [&](std::size_t at, int n) {
    std::uint32_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(tiff[at + i]);
    return v;
  };
  const std::uint32_t ifd = le(4, 4);
  const std::uint32_t link = ifd + 2 + 12 * le(ifd, 2);
  for (int i = 0; i < 4; ++i) tiff[link + i] = static_cast<char>((offset >> (8 * i)) & 0xff);
}

std::string PngClaimingSize(std::uint32_t width, std::uint32_t height) {
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  AppendBe32(ihdr, width);
  AppendBe32(ihdr, height);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grey, deflate, no filter, no interlace
  AppendPngChunk(png, "IHDR", ihdr);
  AppendPngChunk(png, "IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8));
  AppendPngChunk(png, "IEND", "");
  return png;
}

std::string EncodePng(PIX* pix) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMemPng(&data, &size, pix, 0.0) != 0) return "";
  return TakeLeptonicaBuffer(data, size);
}

std::string EncodeJpeg(PIX* pix, int quality) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMemJpeg(&data, &size, pix, quality, 0) != 0) return "";
  return TakeLeptonicaBuffer(data, size);
}

std::string EncodePnm(PIX* pix) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMemPnm(&data, &size, pix) != 0) return "";
  return TakeLeptonicaBuffer(data, size);
}

std::string EncodeBmp(PIX* pix) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMemBmp(&data, &size, pix) != 0) return "";
  return TakeLeptonicaBuffer(data, size);
}

std::string EncodeWebp(PIX* pix) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMemWebP(&data, &size, pix, 80, 1) != 0) return "";
  return TakeLeptonicaBuffer(data, size);
}

PIX* MakeGreyPix(int width, int height, int value) {
  PIX* pix = pixCreate(width, height, 8);
  pixSetAllArbitrary(pix, static_cast<l_uint32>(value));
  return pix;
}

PIX* MakeRgbPix(int width, int height, int r, int g, int b) {
  PIX* pix = pixCreate(width, height, 32);
  l_uint32 color = 0;
  composeRGBPixel(r, g, b, &color);
  pixSetAllArbitrary(pix, color);
  return pix;
}

int PdfBuilder::Add(std::string body) {
  objects_.push_back(std::move(body));
  return static_cast<int>(objects_.size());
}

int PdfBuilder::AddStream(const std::string& dict, const std::string& data) {
  return Add("<< " + dict + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data +
             "\nendstream");
}

int PdfBuilder::Reserve() { return Add(""); }

void PdfBuilder::Set(int object, std::string body) {
  objects_[static_cast<std::size_t>(object - 1)] = std::move(body);
}

std::string PdfBuilder::Build(int root) const {
  std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects_[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects_.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects_.size() + 1) + " /Root " +
         std::to_string(root) + " 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string MakePdf(const std::vector<PdfPageSpec>& pages) {
  PdfBuilder pdf;
  const int catalog = pdf.Reserve();
  const int tree = pdf.Reserve();
  std::string kids;
  for (const PdfPageSpec& page : pages) {
    std::string font_dict = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica";
    if (page.to_unicode_cmap.empty()) {
      font_dict += " /Encoding /WinAnsiEncoding";
    } else {
      font_dict +=
          " /ToUnicode " + std::to_string(pdf.AddStream("", page.to_unicode_cmap)) + " 0 R";
    }
    const int font = pdf.Add(font_dict + " >>");
    std::string xobjects, content;
    for (std::size_t i = 0; i < page.images.size(); ++i) {
      const PdfImage& image = page.images[i];
      const int object =
          pdf.AddStream("/Type /XObject /Subtype /Image /Width " + std::to_string(image.width) +
                            " /Height " + std::to_string(image.height) + " /ColorSpace " +
                            (image.colour ? "/DeviceRGB" : "/DeviceGray") +
                            " /BitsPerComponent 8 /Filter /DCTDecode",
                        image.jpeg);
      xobjects += "/Im" + std::to_string(i) + " " + std::to_string(object) + " 0 R ";
      content += "q " + image.placement + " cm /Im" + std::to_string(i) + " Do Q\n";
    }
    content += page.text_ops;
    const int contents = pdf.AddStream("", content);
    const int object = pdf.Add(
        "<< /Type /Page /Parent " + std::to_string(tree) + " 0 R /MediaBox [0 0 " +
        Num(page.width) + " " + Num(page.height) + "] /Rotate " + std::to_string(page.rotate) +
        " /Resources << /Font << /F1 " + std::to_string(font) + " 0 R >> /XObject << " + xobjects +
        ">> >> /Contents " + std::to_string(contents) + " 0 R >>");
    kids += std::to_string(object) + " 0 R ";
  }
  pdf.Set(tree,
          "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>");
  pdf.Set(catalog, "<< /Type /Catalog /Pages " + std::to_string(tree) + " 0 R >>");
  return pdf.Build(catalog);
}

std::string TextOps(double x, double y, double size, const std::vector<std::string>& lines,
                    bool invisible) {
  std::string ops;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ops += "BT " + std::string(invisible ? "3 Tr " : "") + "/F1 " + Num(size) + " Tf " + Num(x) +
           " " + Num(y - static_cast<double>(i) * 1.5 * size) + " Td (" + PdfEscape(lines[i]) +
           ") Tj ET\n";
  }
  return ops;
}

std::optional<std::string> EncryptWithQpdf(const std::string& pdf) {
  if (std::system("qpdf --version > /dev/null 2>&1") != 0) return std::nullopt;
  static std::atomic<int> counter{0};
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("chartscan-capture-" + std::to_string(::getpid()) +
                                              "-" + std::to_string(counter++));
  fs::create_directories(dir);
  fs::path in = dir / "plain.pdf", out = dir / "locked.pdf";
  std::ofstream(in, std::ios::binary) << pdf;
  std::string command = "qpdf --encrypt invented-user invented-owner 256 -- '" + in.string() +
                        "' '" + out.string() + "' > /dev/null 2>&1";
  int rc = std::system(command.c_str());
  std::optional<std::string> result;
  if (rc == 0) {
    std::error_code ec;
    auto size = fs::file_size(out, ec);
    if (!ec) {
      std::string data(size, '\0');
      if (std::FILE* f = std::fopen(out.c_str(), "rb")) {
        if (std::fread(data.data(), 1, size, f) == size) result = std::move(data);
        std::fclose(f);
      }
    }
  }
  fs::remove_all(dir);
  return result;
}

Status FirstError(const std::string& bytes, const std::string& name,
                  const CaptureOptions& options) {
  auto reader = SourceReader::Open(bytes, name, options);
  if (!reader.ok()) return reader.status();
  for (int i = 0; i < (*reader)->page_count(); ++i) {
    auto page = (*reader)->ReadPage(i);
    if (!page.ok()) return page.status();
  }
  return Status::Ok();
}

CapturedPage ReadOnly(const std::string& bytes, const std::string& name, int index,
                      const CaptureOptions& options) {
  auto reader = SourceReader::Open(bytes, name, options);
  if (!reader.ok()) {
    ADD_FAILURE() << reader.status().ToString();
    return {};
  }
  auto page = (*reader)->ReadPage(index);
  if (!page.ok()) {
    ADD_FAILURE() << page.status().ToString();
    return {};
  }
  return std::move(page).value();
}

int GreyAt(const Image& image, int x, int y) {
  const std::uint8_t* p = image.data() + (static_cast<std::size_t>(y) * image.width() + x) *
                                             BytesPerPixel(image.format());
  if (image.format() == PixelFormat::kGray8) return p[0];
  return (p[0] + p[1] + p[2]) / 3;
}

long long DarkPixels(const Image& image, const Box& box, int threshold) {
  Box clipped = box.Intersected({0, 0, image.width(), image.height()});
  long long count = 0;
  for (int y = clipped.y; y < clipped.bottom(); ++y) {
    for (int x = clipped.x; x < clipped.right(); ++x) {
      if (GreyAt(image, x, y) < threshold) ++count;
    }
  }
  return count;
}

}  // namespace chartscan::capture::fixtures
