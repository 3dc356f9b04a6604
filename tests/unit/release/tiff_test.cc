// EncodeTiff: read back with libtiff, a directory per page with the promised compression, tags and
// the input's pixels; repeatable bytes; errors naming the page.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <tiffio.h>
#include <unistd.h>

#include <chartscan/release/formats.h>

#include "page_fixtures.h"

namespace chartscan::release {
namespace {

using testing::DrawTextPage;
using testing::GreyFrom;
using testing::MakeDocument;
using testing::MakePage;
using testing::PixOwner;

class TiffFile {
 public:
  explicit TiffFile(const std::string& bytes) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "release_tiff_XXXXXX").string();
    const int fd = mkstemp(tmpl.data());
    path_ = tmpl;
    close(fd);
    std::ofstream(path_, std::ios::binary) << bytes;
    tif = TIFFOpen(path_.c_str(), "r");
  }
  ~TiffFile() {
    if (tif != nullptr) TIFFClose(tif);
    std::filesystem::remove(path_);
  }
  TIFF* tif = nullptr;

 private:
  std::string path_;
};

// Every pixel of the current directory equals `expected` (1 bpp: 1 = ink; 8 bpp grey).
void ExpectPixelsEqual(TIFF* tif, Pix* expected) {
  const int w = pixGetWidth(expected), h = pixGetHeight(expected);
  std::vector<unsigned char> row(static_cast<size_t>(TIFFScanlineSize(tif)));
  int mismatches = 0;
  for (int y = 0; y < h; ++y) {
    ASSERT_EQ(TIFFReadScanline(tif, row.data(), static_cast<uint32_t>(y), 0), 1);
    const l_uint32* line = pixGetData(expected) + y * pixGetWpl(expected);
    for (int x = 0; x < w; ++x) {
      const int want = pixGetDepth(expected) == 1 ? GET_DATA_BIT(line, x) : GET_DATA_BYTE(line, x);
      const int got = pixGetDepth(expected) == 1
                          ? (row[static_cast<size_t>(x / 8)] >> (7 - x % 8)) & 1
                          : row[static_cast<size_t>(x)];
      mismatches += want != got;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

struct Fixture {
  Fixture() {
    ink = DrawTextPage(850, 1100, 6, 5, &words);
    grey = GreyFrom(ink);
    jpeg_bytes = testing::Encode(grey, IFF_JFIF_JPEG);
    jpeg_decoded =
        pixReadMem(reinterpret_cast<const l_uint8*>(jpeg_bytes.data()), jpeg_bytes.size());
  }
  ~Fixture() {
    pixDestroy(&ink);
    pixDestroy(&grey);
    pixDestroy(&jpeg_decoded);
  }
  ReleaseDocument Document() const {
    ReleasePage jpeg = MakePage(3, grey, IFF_JFIF_JPEG, 100, words);
    jpeg.image.bytes = jpeg_bytes;
    return MakeDocument(
        {MakePage(1, ink, IFF_PNG, 100, words), MakePage(2, grey, IFF_PNG, 100, words), jpeg});
  }
  Pix* ink = nullptr;
  Pix* grey = nullptr;
  Pix* jpeg_decoded = nullptr;
  std::string jpeg_bytes;
  std::vector<Word> words;
};

TEST(ReleaseTiff, PageDirectoriesReadBackWithTheirPixels) {
  Fixture f;
  Result<std::string> tiff = EncodeTiff(f.Document());
  ASSERT_TRUE(tiff.ok()) << tiff.status().ToString();
  TiffFile t(*tiff);
  ASSERT_NE(t.tif, nullptr);
  ASSERT_EQ(TIFFNumberOfDirectories(t.tif), 3);

  const uint16_t want_compression[] = {COMPRESSION_CCITTFAX4, COMPRESSION_ADOBE_DEFLATE,
                                       COMPRESSION_ADOBE_DEFLATE};
  Pix* want_pixels[] = {f.ink, f.grey, f.jpeg_decoded};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("page " + std::to_string(i));
    ASSERT_EQ(TIFFSetDirectory(t.tif, static_cast<tdir_t>(i)), 1);
    uint32_t width = 0, height = 0;
    uint16_t compression = 0, bits = 0, photometric = 0, unit = 0, page = 0, pages = 0;
    float xres = 0, yres = 0;
    TIFFGetField(t.tif, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(t.tif, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetField(t.tif, TIFFTAG_COMPRESSION, &compression);
    TIFFGetField(t.tif, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetField(t.tif, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetField(t.tif, TIFFTAG_XRESOLUTION, &xres);
    TIFFGetField(t.tif, TIFFTAG_YRESOLUTION, &yres);
    TIFFGetField(t.tif, TIFFTAG_RESOLUTIONUNIT, &unit);
    ASSERT_EQ(TIFFGetField(t.tif, TIFFTAG_PAGENUMBER, &page, &pages), 1);
    EXPECT_EQ(width, 850u);
    EXPECT_EQ(height, 1100u);
    EXPECT_EQ(compression, want_compression[i]);
    EXPECT_EQ(bits, i == 0 ? 1 : 8);
    EXPECT_EQ(photometric, i == 0 ? PHOTOMETRIC_MINISWHITE : PHOTOMETRIC_MINISBLACK);
    EXPECT_FLOAT_EQ(xres, 100.f);
    EXPECT_FLOAT_EQ(yres, 100.f);
    EXPECT_EQ(unit, RESUNIT_INCH);
    EXPECT_EQ(page, i);
    EXPECT_EQ(pages, 3);
    char* software = nullptr;
    ASSERT_EQ(TIFFGetField(t.tif, TIFFTAG_SOFTWARE, &software), 1);
    EXPECT_STREQ(software, "chartscan");
    char* datetime = nullptr;
    EXPECT_EQ(TIFFGetField(t.tif, TIFFTAG_DATETIME, &datetime), 0);
    if (i > 0) {
      uint16_t predictor = 0;
      TIFFGetField(t.tif, TIFFTAG_PREDICTOR, &predictor);
      EXPECT_EQ(predictor, PREDICTOR_HORIZONTAL);
    }
    ExpectPixelsEqual(t.tif, want_pixels[i]);
  }
}

TEST(ReleaseTiff, SameInputGivesSameBytes) {
  Fixture f;
  const ReleaseDocument doc = f.Document();
  Result<std::string> a = EncodeTiff(doc);
  Result<std::string> b = EncodeTiff(doc);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
}

TEST(ReleaseTiff, UndecodableImageIsInvalidArgumentNamingThePage) {
  Fixture f;
  ReleaseDocument doc = f.Document();
  doc.pages[1].page_id = 901;
  doc.pages[1].image.bytes = "garbage";
  Result<std::string> tiff = EncodeTiff(doc);
  ASSERT_FALSE(tiff.ok());
  EXPECT_EQ(tiff.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(tiff.status().message().find("page 901"), std::string::npos);

  Result<std::string> empty = EncodeTiff(MakeDocument({}));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace chartscan::release
