#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <chartscan/capture/source.h>

#include "fixtures.h"

namespace chartscan::capture {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace)

struct PixHolder {
  explicit PixHolder(PIX* p) : pix(p) {}
  ~PixHolder() { pixDestroy(&pix); }
  PIX* pix;
};

bool Contains(const Status& status, const std::string& part) {
  return status.message().find(part) != std::string::npos;
}

// --- single-image formats

TEST(SourceReader, ReadsGreyPngAsGray8WithItsPhysResolution) {
  PixHolder pix(MakeGreyPix(40, 30, 77));
  pixSetResolution(pix.pix, 300, 150);
  CapturedPage page = ReadOnly(EncodePng(pix.pix), "grey.png");
  ASSERT_EQ(page.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(page.image.width(), 40);
  EXPECT_EQ(page.image.height(), 30);
  EXPECT_EQ(GreyAt(page.image, 5, 5), 77);
  EXPECT_EQ(page.resolution, (Resolution{300, 150}));
  EXPECT_FALSE(page.bilevel);
  EXPECT_FALSE(page.text_layer.has_value());
}

TEST(SourceReader, ReportsUnknownResolutionAsZero) {
  PixHolder pix(MakeGreyPix(10, 10, 200));
  pixSetResolution(pix.pix, 0, 0);
  CapturedPage page = ReadOnly(EncodePng(pix.pix), "nores.png");
  EXPECT_FALSE(page.resolution.known());
  EXPECT_EQ(page.resolution, Resolution{});
}

TEST(SourceReader, ReadsColourPngAsRgb8) {
  PixHolder pix(MakeRgbPix(20, 10, 200, 30, 40));
  CapturedPage page = ReadOnly(EncodePng(pix.pix), "colour.png");
  ASSERT_EQ(page.image.format(), PixelFormat::kRgb8);
  const std::uint8_t* p = page.image.data();
  EXPECT_EQ(p[0], 200);
  EXPECT_EQ(p[1], 30);
  EXPECT_EQ(p[2], 40);
}

TEST(SourceReader, ReadsGreyContentInRgbFileAsGray8) {
  PixHolder pix(MakeRgbPix(20, 10, 90, 90, 90));
  CapturedPage page = ReadOnly(EncodePng(pix.pix), "rgb-grey.png");
  EXPECT_EQ(page.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(GreyAt(page.image, 3, 3), 90);
}

TEST(SourceReader, CompositesPngAlphaOntoWhite) {
  PixHolder pix(MakeRgbPix(8, 8, 0, 0, 0));
  pixSetSpp(pix.pix, 4);
  pixSetAllArbitrary(pix.pix, 0x00000000);  // black, fully transparent
  pixSetPixel(pix.pix, 0, 0, 0x000000ff);   // one opaque black pixel
  CapturedPage page = ReadOnly(EncodePng(pix.pix), "alpha.png");
  ASSERT_EQ(page.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(GreyAt(page.image, 0, 0), 0);
  EXPECT_EQ(GreyAt(page.image, 4, 4), 255);
}

TEST(SourceReader, ExpandsGreyAndColourPalettes) {
  PixHolder grey(pixCreate(4, 4, 8));
  PIXCMAP* grey_map = pixcmapCreate(8);
  pixcmapAddColor(grey_map, 10, 10, 10);
  pixcmapAddColor(grey_map, 240, 240, 240);
  pixSetColormap(grey.pix, grey_map);
  pixSetPixel(grey.pix, 1, 1, 1);
  CapturedPage g = ReadOnly(EncodePng(grey.pix), "grey-palette.png");
  ASSERT_EQ(g.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(GreyAt(g.image, 0, 0), 10);
  EXPECT_EQ(GreyAt(g.image, 1, 1), 240);

  PixHolder colour(pixCreate(4, 4, 8));
  PIXCMAP* colour_map = pixcmapCreate(8);
  pixcmapAddColor(colour_map, 255, 255, 255);
  pixcmapAddColor(colour_map, 0, 0, 200);
  pixSetColormap(colour.pix, colour_map);
  pixSetPixel(colour.pix, 2, 2, 1);
  CapturedPage c = ReadOnly(EncodePng(colour.pix), "colour-palette.png");
  ASSERT_EQ(c.image.format(), PixelFormat::kRgb8);
  const std::uint8_t* p = c.image.data() + (2 * 4 + 2) * 3;
  EXPECT_EQ(p[2], 200);
}

TEST(SourceReader, ExpandsOneBitPngToBlackAndWhiteAndMarksItBilevel) {
  PixHolder pix(pixCreate(16, 8, 1));
  pixSetPixel(pix.pix, 3, 2, 1);
  CapturedPage page = ReadOnly(EncodePng(pix.pix), "line-art.png");
  ASSERT_EQ(page.image.format(), PixelFormat::kGray8);
  EXPECT_TRUE(page.bilevel);
  EXPECT_EQ(GreyAt(page.image, 3, 2), 0);
  EXPECT_EQ(GreyAt(page.image, 4, 2), 255);
}

TEST(SourceReader, ReadsJpegWithItsJfifDensity) {
  PixHolder pix(MakeGreyPix(64, 48, 128));
  pixSetResolution(pix.pix, 200, 100);
  auto reader = SourceReader::Open(EncodeJpeg(pix.pix), "photo.jpg", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->kind(), SourceKind::kJpeg);
  auto page = (*reader)->ReadPage(0);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->image.format(), PixelFormat::kGray8);
  EXPECT_EQ(page->image.width(), 64);
  EXPECT_NEAR(GreyAt(page->image, 10, 10), 128, 2);
  EXPECT_EQ(page->resolution, (Resolution{200, 100}));
}

TEST(SourceReader, ReadsColourJpegAsRgb8) {
  PixHolder pix(MakeRgbPix(32, 32, 220, 40, 40));
  CapturedPage page = ReadOnly(EncodeJpeg(pix.pix), "red.jpg");
  ASSERT_EQ(page.image.format(), PixelFormat::kRgb8);
  EXPECT_GT(page.image.data()[0], 180);
  EXPECT_LT(page.image.data()[1], 90);
}

TEST(SourceReader, ReadsPnmBmpAndWebp) {
  PixHolder grey(MakeGreyPix(12, 9, 60));
  PixHolder rgb(MakeRgbPix(12, 9, 10, 120, 250));
  struct Case {
    std::string bytes;
    SourceKind kind;
    PixelFormat format;
  };
  std::vector<Case> cases = {
      {EncodePnm(grey.pix), SourceKind::kPnm, PixelFormat::kGray8},
      {EncodePnm(rgb.pix), SourceKind::kPnm, PixelFormat::kRgb8},
      {EncodeBmp(grey.pix), SourceKind::kBmp, PixelFormat::kGray8},
      {EncodeBmp(rgb.pix), SourceKind::kBmp, PixelFormat::kRgb8},
      {EncodeWebp(rgb.pix), SourceKind::kWebp, PixelFormat::kRgb8},
  };
  for (const Case& c : cases) {
    ASSERT_FALSE(c.bytes.empty());
    auto reader = SourceReader::Open(c.bytes, "image", {});
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->kind(), c.kind);
    EXPECT_EQ((*reader)->page_count(), 1);
    auto page = (*reader)->ReadPage(0);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->image.format(), c.format) << SourceKindName(c.kind);
    EXPECT_EQ(page->image.width(), 12);
    EXPECT_EQ(page->image.height(), 9);
  }
}

TEST(SourceReader, ReportsAMissingPageAsNotFound) {
  PixHolder pix(MakeGreyPix(4, 4, 0));
  auto reader = SourceReader::Open(EncodePng(pix.pix), "one.png", {});
  ASSERT_TRUE(reader.ok());
  auto page = (*reader)->ReadPage(1);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(page.status(), "one.png"));
}

// --- TIFF

TEST(SourceReader, ReadsEveryPageOfMultipageG4Tiff) {
  std::vector<TiffPageSpec> pages;
  for (int i = 0; i < 3; ++i) {
    pages.push_back(FaxPage(120, 80, COMPRESSION_CCITTFAX4, 10 + 20 * i, 10, 15, 30));
    pages.back().x_resolution = 200;
    pages.back().y_resolution = 200;
  }
  std::string tiff = WriteTiff(pages);
  auto reader = SourceReader::Open(tiff, "fax.tif", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->kind(), SourceKind::kTiff);
  ASSERT_EQ((*reader)->page_count(), 3);
  for (int i = 0; i < 3; ++i) {
    auto page = (*reader)->ReadPage(i);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->index, i);
    EXPECT_TRUE(page->bilevel);
    ASSERT_EQ(page->image.format(), PixelFormat::kGray8);
    EXPECT_EQ(page->image.width(), 120);
    EXPECT_EQ(GreyAt(page->image, 12 + 20 * i, 20), 0) << "page " << i;
    EXPECT_EQ(GreyAt(page->image, 5, 5), 255);
    EXPECT_EQ(page->resolution, (Resolution{200, 200}));
  }
}

TEST(SourceReader, KeepsAnisotropicFaxResolutionOfG3Tiff) {
  TiffPageSpec fax = FaxPage(1728, 200, COMPRESSION_CCITTFAX3, 100, 50, 300, 20);
  fax.x_resolution = 204;
  fax.y_resolution = 98;
  CapturedPage page = ReadOnly(WriteTiff({fax}), "fax-standard.tif");
  EXPECT_EQ(page.resolution, (Resolution{204, 98}));
  EXPECT_TRUE(page.bilevel);
  EXPECT_EQ(page.image.width(), 1728);
  EXPECT_EQ(page.image.height(), 200);
  EXPECT_EQ(GreyAt(page.image, 200, 60), 0);
}

TEST(SourceReader, ConvertsCentimetreResolutionToDpi) {
  TiffPageSpec grey = GreyPage(10, 10, 100);
  grey.x_resolution = 80;
  grey.y_resolution = 40;
  grey.resolution_unit = RESUNIT_CENTIMETER;
  CapturedPage page = ReadOnly(WriteTiff({grey}), "cm.tif");
  EXPECT_NEAR(page.resolution.x_dpi, 203.2, 1e-3);
  EXPECT_NEAR(page.resolution.y_dpi, 101.6, 1e-3);

  grey.resolution_unit = RESUNIT_NONE;  // aspect ratio only
  EXPECT_FALSE(ReadOnly(WriteTiff({grey}), "ratio.tif").resolution.known());
}

TEST(SourceReader, ScalesSixteenBitGreyTiffToEightBits) {
  TiffPageSpec page;
  page.width = 4;
  page.height = 2;
  page.bits_per_sample = 16;
  std::vector<std::uint16_t> values = {0, 0x4000, 0x8000, 0xffff, 0x1234, 0xff00, 0x00ff, 0x7f00};
  page.samples.resize(values.size() * 2);
  std::memcpy(page.samples.data(), values.data(), page.samples.size());
  CapturedPage out = ReadOnly(WriteTiff({page}), "grey16.tif");
  ASSERT_EQ(out.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(GreyAt(out.image, 0, 0), 0);
  EXPECT_EQ(GreyAt(out.image, 1, 0), 0x40);
  EXPECT_EQ(GreyAt(out.image, 2, 0), 0x80);
  EXPECT_EQ(GreyAt(out.image, 3, 0), 0xff);
  EXPECT_EQ(GreyAt(out.image, 1, 1), 0xff);
  EXPECT_EQ(GreyAt(out.image, 3, 1), 0x7f);
}

TEST(SourceReader, ScalesSixteenBitRgbTiffToEightBits) {
  TiffPageSpec page;
  page.width = 2;
  page.height = 1;
  page.bits_per_sample = 16;
  page.samples_per_pixel = 3;
  page.photometric = PHOTOMETRIC_RGB;
  std::vector<std::uint16_t> values = {0xffff, 0x8000, 0x0000, 0x1000, 0x1000, 0x1000};
  page.samples.resize(values.size() * 2);
  std::memcpy(page.samples.data(), values.data(), page.samples.size());
  CapturedPage out = ReadOnly(WriteTiff({page}), "rgb16.tif");
  ASSERT_EQ(out.image.format(), PixelFormat::kRgb8);
  const std::uint8_t* p = out.image.data();
  EXPECT_EQ(p[0], 255);
  EXPECT_NEAR(p[1], 128, 1);
  EXPECT_EQ(p[2], 0);
  EXPECT_NEAR(p[3], 16, 1);
}

TEST(SourceReader, ReadsColourTiffAsRgb8AndGreyRgbTiffAsGray8) {
  TiffPageSpec colour;
  colour.width = 3;
  colour.height = 2;
  colour.samples_per_pixel = 3;
  colour.photometric = PHOTOMETRIC_RGB;
  colour.compression = COMPRESSION_LZW;
  colour.samples = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90};
  CapturedPage out = ReadOnly(WriteTiff({colour}), "colour.tif");
  ASSERT_EQ(out.image.format(), PixelFormat::kRgb8);
  const std::uint8_t* p = out.image.data();
  EXPECT_EQ(p[0], 255);
  EXPECT_EQ(p[4], 255);
  EXPECT_EQ(p[8], 255);
  EXPECT_EQ(p[9], 10);

  TiffPageSpec grey = colour;
  grey.samples.assign(grey.samples.size(), 77);
  CapturedPage g = ReadOnly(WriteTiff({grey}), "grey-rgb.tif");
  EXPECT_EQ(g.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(GreyAt(g.image, 1, 1), 77);
}

TEST(SourceReader, DropsTiffAlphaOntoWhite) {
  TiffPageSpec rgba;
  rgba.width = 2;
  rgba.height = 1;
  rgba.samples_per_pixel = 4;
  rgba.photometric = PHOTOMETRIC_RGB;
  rgba.alpha = true;
  rgba.samples = {0, 0, 0, 255, 0, 0, 0, 0};  // opaque black, transparent black
  CapturedPage out = ReadOnly(WriteTiff({rgba}), "rgba.tif");
  ASSERT_EQ(out.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(GreyAt(out.image, 0, 0), 0);
  EXPECT_EQ(GreyAt(out.image, 1, 0), 255);
}

TEST(SourceReader, ExpandsTiffPalettes) {
  TiffPageSpec page;
  page.width = 2;
  page.height = 1;
  page.bits_per_sample = 8;
  page.photometric = PHOTOMETRIC_PALETTE;
  page.colormap.assign(3 * 256, 0);
  auto set = [&](int index, int r, int g, int b) {
    page.colormap[index] = static_cast<std::uint16_t>(r * 257);
    page.colormap[256 + index] = static_cast<std::uint16_t>(g * 257);
    page.colormap[512 + index] = static_cast<std::uint16_t>(b * 257);
  };
  set(0, 30, 30, 30);
  set(1, 220, 220, 220);
  page.samples = {0, 1};
  CapturedPage grey = ReadOnly(WriteTiff({page}), "grey-palette.tif");
  ASSERT_EQ(grey.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(GreyAt(grey.image, 0, 0), 30);
  EXPECT_EQ(GreyAt(grey.image, 1, 0), 220);

  set(1, 0, 128, 255);
  CapturedPage colour = ReadOnly(WriteTiff({page}), "colour-palette.tif");
  ASSERT_EQ(colour.image.format(), PixelFormat::kRgb8);
  EXPECT_EQ(colour.image.data()[3], 0);
  EXPECT_EQ(colour.image.data()[4], 128);
  EXPECT_EQ(colour.image.data()[5], 255);
}

TEST(SourceReader, ReadsCmykTiffAsRgb) {
  TiffPageSpec page;
  page.width = 2;
  page.height = 1;
  page.samples_per_pixel = 4;
  page.photometric = PHOTOMETRIC_SEPARATED;
  page.samples = {0, 0, 0, 0, 0, 255, 255, 0};  // white, red
  CapturedPage out = ReadOnly(WriteTiff({page}), "cmyk.tif");
  ASSERT_EQ(out.image.format(), PixelFormat::kRgb8);
  const std::uint8_t* p = out.image.data();
  EXPECT_EQ(p[0], 255);
  EXPECT_EQ(p[3], 255);
  EXPECT_EQ(p[4], 0);
  EXPECT_EQ(p[5], 0);
}

TEST(SourceReader, ReadsTiledTiff) {
  TiffPageSpec page = GreyPage(40, 24, 200);
  page.tile_size = 16;
  for (int y = 18; y < 22; ++y) {
    for (int x = 30; x < 36; ++x) page.samples[y * 40 + x] = 5;
  }
  CapturedPage out = ReadOnly(WriteTiff({page}), "tiled.tif");
  ASSERT_EQ(out.image.format(), PixelFormat::kGray8);
  EXPECT_EQ(out.image.width(), 40);
  EXPECT_EQ(out.image.height(), 24);
  EXPECT_EQ(GreyAt(out.image, 0, 0), 200);
  EXPECT_EQ(GreyAt(out.image, 31, 19), 5);
}

TEST(SourceReader, ReadsBigTiff) {
  std::string tiff = WriteTiff({GreyPage(8, 8, 33), GreyPage(8, 8, 66)}, /*big=*/true);
  ASSERT_EQ(tiff.substr(0, 4), std::string("II+\0", 4));
  auto reader = SourceReader::Open(tiff, "big.tif", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->page_count(), 2);
  auto page = (*reader)->ReadPage(1);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(GreyAt(page->image, 0, 0), 66);
}

TEST(SourceReader, KeepsOtherPagesReadableWhenAMiddleTiffPageIsCorrupt) {
  std::string tiff = WriteTiff({GreyPage(64, 64, 10, COMPRESSION_ADOBE_DEFLATE),
                                GreyPage(64, 64, 20, COMPRESSION_ADOBE_DEFLATE),
                                GreyPage(64, 64, 30, COMPRESSION_ADOBE_DEFLATE)});
  auto [offset, count] = FirstStrip(tiff, 1);
  ASSERT_GT(count, 0u);
  for (std::uint64_t i = 0; i < count; ++i) tiff[offset + i] = static_cast<char>(0xA5 ^ i);
  auto reader = SourceReader::Open(tiff, "chart.tif", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->page_count(), 3);
  auto first = (*reader)->ReadPage(0);
  auto middle = (*reader)->ReadPage(1);
  auto last = (*reader)->ReadPage(2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(GreyAt(first->image, 0, 0), 10);
  EXPECT_EQ(GreyAt(last->image, 0, 0), 30);
  ASSERT_FALSE(middle.ok());
  EXPECT_EQ(middle.status().code(), StatusCode::kCorrupt);
  EXPECT_TRUE(Contains(middle.status(), "page 2 of chart.tif")) << middle.status().ToString();
  // libtiff's reason reaches the message.
  EXPECT_TRUE(Contains(middle.status(), "Decoding error")) << middle.status().ToString();
}

TEST(SourceReader, FlagsABrokenTiffDirectoryChainAsADamagedLastPage) {
  std::string tiff = WriteTiff({GreyPage(8, 8, 10), GreyPage(8, 8, 20), GreyPage(8, 8, 30)});
  SetSecondDirectoryOffset(tiff, 0x7ffffff0);  // beyond the end of the file
  auto reader = SourceReader::Open(tiff, "chain.tif", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->page_count(), 2);
  EXPECT_TRUE((*reader)->ReadPage(0).ok());
  auto broken = (*reader)->ReadPage(1);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kCorrupt);
  EXPECT_TRUE(Contains(broken.status(), "page 2 of chain.tif")) << broken.status().ToString();

  // A chain that links back to its first directory must end, not loop.
  std::string loop = WriteTiff({GreyPage(8, 8, 10), GreyPage(8, 8, 20)});
  std::uint32_t first_directory = 0;
  std::memcpy(&first_directory, loop.data() + 4, 4);  // little-endian host and file
  SetSecondDirectoryOffset(loop, first_directory);
  auto looped = SourceReader::Open(loop, "loop.tif", {});
  ASSERT_TRUE(looped.ok()) << looped.status().ToString();
  EXPECT_LE((*looped)->page_count(), 2);
  EXPECT_TRUE((*looped)->ReadPage(0).ok());
}

TEST(SourceReader, RefusesTiffWithMorePagesThanTheLimit) {
  CaptureOptions options;
  options.max_pages = 2;
  Status status = FirstError(WriteTiff({GreyPage(4, 4, 1), GreyPage(4, 4, 2), GreyPage(4, 4, 3)}),
                             "many.tif", options);
  EXPECT_EQ(status.code(), StatusCode::kTooLarge);
  EXPECT_TRUE(Contains(status, "many.tif"));
}

TEST(SourceReader, RefusesUnsupportedTiffSampleFormats) {
  TiffPageSpec page = GreyPage(4, 4, 0);
  page.bits_per_sample = 32;
  page.samples.assign(4 * 4 * 4, 0);
  std::string tiff = WriteTiff({page});
  Status status = FirstError(tiff, "float.tif");
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_TRUE(Contains(status, "page 1 of float.tif"));
}

// --- limits and hostile input

TEST(SourceReader, RefusesAbsurdDimensionsBeforeDecoding) {
  auto start = std::chrono::steady_clock::now();
  auto png = SourceReader::Open(PngClaimingSize(200000, 200000), "huge.png", {});
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.status().code(), StatusCode::kTooLarge);
  EXPECT_TRUE(Contains(png.status(), "huge.png"));
  EXPECT_TRUE(Contains(png.status(), "200000 x 200000"));

  // Within the per-side limit but over the pixel budget.
  auto wide = SourceReader::Open(PngClaimingSize(50000, 50000), "wide.png", {});
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().code(), StatusCode::kTooLarge);

  auto tiff = SourceReader::Open(TiffClaimingSize(200000, 200000), "huge.tif", {});
  ASSERT_TRUE(tiff.ok()) << tiff.status().ToString();
  auto page = (*tiff)->ReadPage(0);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kTooLarge);
  EXPECT_TRUE(Contains(page.status(), "page 1 of huge.tif"));
  // Decoding 40 gigapixels would take far longer (or abort under the sanitizers).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SourceReader, RefusesFilesOverTheSizeLimit) {
  CaptureOptions options;
  options.max_file_bytes = 100;
  PixHolder pix(MakeGreyPix(64, 64, 3));
  Status status = FirstError(EncodeBmp(pix.pix), "big.bmp", options);
  EXPECT_EQ(status.code(), StatusCode::kTooLarge);
}

TEST(SourceReader, RefusesZeroByteFile) {
  Status status = FirstError("", "empty.png");
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(Contains(status, "empty.png"));
}

TEST(SourceReader, RefusesRandomBytesWithAnImageExtension) {
  std::mt19937 rng(1234);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  ASSERT_EQ(SniffKind(bytes), SourceKind::kUnknown);
  Status status = FirstError(bytes, "scan.tif");
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_TRUE(Contains(status, "scan.tif"));
}

TEST(SourceReader, RefusesTextFile) {
  Status status = FirstError("Invented visit note: patient reports no complaints.\n", "note.png");
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_FALSE(Contains(status, "complaints"));
}

TEST(SourceReader, RefusesTruncatedImagesOfEveryKind) {
  PixHolder grey(MakeGreyPix(300, 200, 90));
  PixHolder rgb(MakeRgbPix(300, 200, 10, 200, 30));
  struct Case {
    std::string name;
    std::string bytes;
  };
  std::vector<Case> cases = {
      {"cut.png", EncodePng(grey.pix)},
      {"cut.jpg", EncodeJpeg(rgb.pix)},
      {"cut.tif", WriteTiff({GreyPage(300, 200, 90, COMPRESSION_ADOBE_DEFLATE)})},
      {"cut-g4.tif", WriteTiff({FaxPage(1728, 1100, COMPRESSION_CCITTFAX4, 10, 10, 900, 900)})},
      {"cut-ifd-first.tif", TiffClaimingSize(64, 64, 64 * 64)},
      {"cut.bmp", EncodeBmp(rgb.pix)},
      {"cut.pnm", EncodePnm(grey.pix)},
      {"cut.webp", EncodeWebp(rgb.pix)},
  };
  for (const Case& c : cases) {
    ASSERT_GT(c.bytes.size(), 40u) << c.name;
    for (double fraction : {0.5, 0.9}) {
      std::string cut = c.bytes.substr(0, static_cast<std::size_t>(c.bytes.size() * fraction));
      Status status = FirstError(cut, c.name);
      EXPECT_FALSE(status.ok()) << c.name << " cut at " << fraction;
      EXPECT_EQ(status.code(), StatusCode::kCorrupt) << status.ToString();
      EXPECT_TRUE(Contains(status, c.name)) << status.ToString();
    }
  }
}

TEST(SourceReader, SurvivesEveryTruncationOfASmallTiffAndPng) {
  // Every prefix: no crash, no hang; each either reads or fails as corrupt.
  PixHolder pix(MakeGreyPix(16, 16, 128));
  for (const std::string& whole :
       {EncodePng(pix.pix), WriteTiff({FaxPage(64, 32, COMPRESSION_CCITTFAX4, 4, 4, 20, 10),
                                       GreyPage(16, 16, 7, COMPRESSION_LZW)})}) {
    for (std::size_t n = 1; n < whole.size(); ++n) {
      Status status = FirstError(whole.substr(0, n), "prefix");
      if (!status.ok()) {
        EXPECT_TRUE(status.code() == StatusCode::kCorrupt ||
                    status.code() == StatusCode::kUnsupported)
            << n << ": " << status.ToString();
      }
    }
  }
}

TEST(SourceReader, ReadersOnSeparateThreadsAgree) {
  std::string tiff = WriteTiff({FaxPage(400, 300, COMPRESSION_CCITTFAX4, 50, 50, 100, 100),
                                GreyPage(200, 100, 42, COMPRESSION_LZW)});
  PixHolder pix(MakeRgbPix(100, 80, 1, 2, 3));
  std::string png = EncodePng(pix.pix);
  std::string bad = tiff.substr(0, tiff.size() / 2);
  PdfPageSpec card;
  card.width = 300;
  card.height = 100;
  card.text_ops = TextOps(10, 60, 10, {"Invented appointment card for testing threads"});
  std::string pdf = MakePdf({card});
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        auto reader = SourceReader::Open(tiff, "t.tif", {});
        if (!reader.ok() || (*reader)->page_count() != 2) {
          ++failures[t];
          continue;
        }
        auto page = (*reader)->ReadPage(1);
        if (!page.ok() || GreyAt(page->image, 0, 0) != 42) ++failures[t];
        if (FirstError(png, "t.png").code() != StatusCode::kOk) ++failures[t];
        if (FirstError(bad, "bad.tif").ok()) ++failures[t];
        auto card_reader = SourceReader::Open(pdf, "card.pdf", {});
        if (!card_reader.ok()) {
          ++failures[t];
          continue;
        }
        auto card_page = (*card_reader)->ReadPage(0);
        if (!card_page.ok() || !card_page->text_layer || card_page->text_layer->words.size() != 6) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace chartscan::capture
