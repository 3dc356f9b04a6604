// Single-image sources (PNG, JPEG, PNM, BMP, WebP) decoded from memory with Leptonica.
//
// Open reads only the header and checks the container's structure, so a file with absurd dimensions
// or a truncated stream is refused before any pixel buffer exists:
// - PNG: the signature, IHDR, and a walk over the chunk lengths up to IEND (a file cut short ends
//   inside a chunk or before IEND). Width and height come from IHDR.
// - JPEG: libjpeg's header read via Leptonica, and the end-of-image marker must follow the last
//   start-of-scan (a truncated JPEG otherwise decodes "successfully" with a grey bottom).
// - BMP: the DIB header is parsed here because Leptonica's header reader for BMP decodes the image.
// - PNM, WebP: Leptonica's header readers.
// Resolution comes from the file as Leptonica reports it (PNG pHYs, JPEG JFIF density, BMP pixels
// per metre), 0 when absent.
#include <cstdlib>
#include <string>

#include "internal.h"
#include "pix_image.h"

namespace chartscan::capture {
namespace {

std::uint32_t Be32(std::string_view s, std::size_t at) {
  auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i]));
  };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

std::uint32_t Le32(std::string_view s, std::size_t at) {
  auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i]));
  };
  return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}

std::uint16_t Le16(std::string_view s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    static_cast<unsigned char>(s[at + 1]) << 8);
}

const l_uint8* Bytes(const std::string& s) { return reinterpret_cast<const l_uint8*>(s.data()); }

struct Header {
  std::int64_t width = 0;
  std::int64_t height = 0;
  bool bilevel = false;
};

Result<Header> ReadPngHeader(std::string_view data, const std::string& name) {
  // Signature (8) + IHDR chunk (length 4, type 4, 13 bytes of data, CRC 4).
  if (data.size() < 33 || data.substr(12, 4) != "IHDR" || Be32(data, 8) != 13) {
    return Status::Corrupt(name + ": PNG header is damaged");
  }
  Header h;
  h.width = Be32(data, 16);
  h.height = Be32(data, 20);
  const int bit_depth = static_cast<unsigned char>(data[24]);
  const int color_type = static_cast<unsigned char>(data[25]);
  h.bilevel = bit_depth == 1 && (color_type == 0 || color_type == 3);
  // Walk the chunks: libpng would also notice truncation, but only after allocating the image.
  std::size_t pos = 8;
  while (pos + 12 <= data.size()) {
    std::uint32_t length = Be32(data, pos);
    if (length > 0x7fffffffu) return Status::Corrupt(name + ": PNG chunk length is damaged");
    if (data.size() - pos - 12 < length) break;
    if (data.substr(pos + 4, 4) == "IEND") return h;
    pos += 12 + static_cast<std::size_t>(length);
  }
  return Status::Corrupt(name + ": PNG data is truncated (no IEND chunk)");
}

Result<Header> ReadJpegHeader(const std::string& data, const std::string& name) {
  auto sos = data.rfind("\xff\xda");
  auto eoi = data.rfind("\xff\xd9");
  if (sos == std::string::npos) return Status::Corrupt(name + ": JPEG has no image data");
  if (eoi == std::string::npos || eoi < sos) {
    return Status::Corrupt(name + ": JPEG data is truncated (no end-of-image marker)");
  }
  l_int32 w = 0, h = 0, spp = 0;
  if (readHeaderMemJpeg(Bytes(data), data.size(), &w, &h, &spp, nullptr, nullptr) != 0) {
    return Status::Corrupt(name + ": JPEG header is damaged");
  }
  return Header{w, h, false};
}

Result<Header> ReadBmpHeader(std::string_view data, const std::string& name) {
  if (data.size() < 26) return Status::Corrupt(name + ": BMP header is truncated");
  Header h;
  std::uint32_t dib_size = Le32(data, 14);
  int bits = 0;
  if (dib_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sides
    h.width = Le16(data, 18);
    h.height = Le16(data, 20);
    bits = Le16(data, 24);
  } else {
    if (data.size() < 30) return Status::Corrupt(name + ": BMP header is truncated");
    h.width = static_cast<std::int32_t>(Le32(data, 18));
    h.height = std::llabs(static_cast<std::int32_t>(Le32(data, 22)));  // negative = top-down
    bits = Le16(data, 28);
  }
  h.bilevel = bits == 1;
  return h;
}

Result<Header> ReadPnmHeader(const std::string& data, const std::string& name) {
  l_int32 w = 0, h = 0, d = 0, type = 0, bps = 0, spp = 0;
  if (readHeaderMemPnm(Bytes(data), data.size(), &w, &h, &d, &type, &bps, &spp) != 0) {
    return Status::Corrupt(name + ": PNM header is damaged");
  }
  return Header{w, h, d == 1};
}

Result<Header> ReadWebpHeader(const std::string& data, const std::string& name) {
  l_int32 w = 0, h = 0, spp = 0;
  if (readHeaderMemWebP(Bytes(data), data.size(), &w, &h, &spp) != 0) {
    return Status::Corrupt(name + ": WebP header is damaged");
  }
  return Header{w, h, false};
}

class RasterSource final : public SourceReader {
 public:
  RasterSource(SourceKind kind, std::string bytes, std::string name, Header header)
      : kind_(kind), bytes_(std::move(bytes)), name_(std::move(name)), header_(header) {}

  SourceKind kind() const override { return kind_; }
  int page_count() const override { return 1; }

  Result<CapturedPage> ReadPage(int index) override {
    if (index != 0) return NoSuchPage(name_, index, 1);
    const std::string where = PageLabel(name_, 0);
    PixPtr pix(Decode());
    if (!pix) {
      return Status::Corrupt(where + ": the " + std::string(SourceKindName(kind_)) +
                             " data is damaged and could not be decoded");
    }
    CapturedPage page;
    page.index = 0;
    CHARTSCAN_ASSIGN_OR_RETURN(page.image, PixToImage(pix.get(), where));
    page.resolution = {static_cast<double>(pixGetXRes(pix.get())),
                       static_cast<double>(pixGetYRes(pix.get()))};
    if (!page.resolution.known()) page.resolution = {};
    page.bilevel = header_.bilevel;
    return page;
  }

 private:
  PIX* Decode() const {
    const l_uint8* data = Bytes(bytes_);
    const size_t size = bytes_.size();
    switch (kind_) {
      case SourceKind::kPng:
        return pixReadMemPng(data, size);
      case SourceKind::kJpeg: {
        // Warnings (extraneous bytes, odd markers) still give a whole image; truncation was
        // refused at Open.
        l_int32 warnings = 0;
        return pixReadMemJpeg(data, size, 0, 1, &warnings, 0);
      }
      case SourceKind::kPnm:
        return pixReadMemPnm(data, size);
      case SourceKind::kBmp:
        return pixReadMemBmp(data, size);
      case SourceKind::kWebp:
        return pixReadMemWebP(data, size);
      default:
        return nullptr;
    }
  }

  SourceKind kind_;
  std::string bytes_;
  std::string name_;
  Header header_;
};

}  // namespace

Result<std::unique_ptr<SourceReader>> OpenRasterSource(SourceKind kind, std::string bytes,
                                                       std::string name,
                                                       const CaptureOptions& options) {
  Result<Header> header = Status::Internal(name + ": not a raster kind");
  switch (kind) {
    case SourceKind::kPng:
      header = ReadPngHeader(bytes, name);
      break;
    case SourceKind::kJpeg:
      header = ReadJpegHeader(bytes, name);
      break;
    case SourceKind::kBmp:
      header = ReadBmpHeader(bytes, name);
      break;
    case SourceKind::kPnm:
      header = ReadPnmHeader(bytes, name);
      break;
    case SourceKind::kWebp:
      header = ReadWebpHeader(bytes, name);
      break;
    default:
      break;
  }
  if (!header.ok()) return header.status();
  CHARTSCAN_RETURN_IF_ERROR(CheckDimensions(header->width, header->height, options, name));
  return std::unique_ptr<SourceReader>(
      std::make_unique<RasterSource>(kind, std::move(bytes), std::move(name), *header));
}

}  // namespace chartscan::capture
