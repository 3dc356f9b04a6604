// EncodeTiff: a captured page written as a TIFF original reads back to the same page.
#include <gtest/gtest.h>

#include <chartscan/capture/page_writer.h>
#include <chartscan/capture/source.h>

namespace chartscan::capture {
namespace {

CapturedPage Page(PixelFormat format, bool bilevel) {
  CapturedPage page;
  page.image = Image(301, 97, format);
  const int channels = format == PixelFormat::kRgb8 ? 3 : 1;
  for (int y = 0; y < 97; ++y) {
    for (int x = 0; x < 301 * channels; ++x) {
      page.image.row(y)[x] = bilevel ? ((x / 7 + y / 5) % 2 ? 255 : 0)
                                     : static_cast<std::uint8_t>((x * 37 + y * 11) % 256);
    }
  }
  page.resolution = {204, 196};
  page.bilevel = bilevel;
  return page;
}

void ExpectRoundTrip(const CapturedPage& page) {
  const Image before = page.image;
  auto tiff = EncodeTiff(page, "chartscan scan; device test:0; batch 1; side 1");
  ASSERT_TRUE(tiff.ok()) << tiff.status().ToString();
  // Regression: libtiff's predictor used to difference the caller's rows in place, so the page
  // went on to cleanup and OCR as noise while the file itself was right.
  EXPECT_TRUE(std::equal(before.data(), before.data() + before.byte_size(), page.image.data()))
      << "encoding must not touch the page";
  auto reader = SourceReader::Open(*tiff, "side", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto back = (*reader)->ReadPage(0);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->bilevel, page.bilevel);
  EXPECT_EQ(back->resolution, page.resolution);
  ASSERT_EQ(back->image.format(), page.image.format());
  ASSERT_EQ(back->image.width(), page.image.width());
  ASSERT_EQ(back->image.height(), page.image.height());
  EXPECT_TRUE(std::equal(before.data(), before.data() + before.byte_size(), back->image.data()));
}

TEST(EncodeTiff, GreyPageReadsBackTheSameAndIsLeftUntouched) {
  ExpectRoundTrip(Page(PixelFormat::kGray8, false));
}
TEST(EncodeTiff, ColourPageReadsBackTheSame) { ExpectRoundTrip(Page(PixelFormat::kRgb8, false)); }
TEST(EncodeTiff, BilevelPageIsGroup4AndReadsBackTheSame) {
  ExpectRoundTrip(Page(PixelFormat::kGray8, true));
}

TEST(EncodeTiff, TwoCapturesOfTheSamePaperAreDistinctFiles) {
  const CapturedPage page = Page(PixelFormat::kGray8, true);
  auto a = EncodeTiff(page, "side 1");
  auto b = EncodeTiff(page, "side 2");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(*a, *EncodeTiff(page, "side 1")) << "deterministic";
}

TEST(EncodeTiff, EmptyPageIsRefused) {
  EXPECT_EQ(EncodeTiff(CapturedPage{}, "x").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace chartscan::capture
