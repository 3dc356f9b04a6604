#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chartscan/capture/source.h>

#include "fixtures.h"

namespace chartscan::capture {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace)

const std::vector<std::string> kNote = {"Invented Clinic Visit Summary",
                                        "Follow up in two weeks 2031"};

bool Contains(const Status& status, const std::string& part) {
  return status.message().find(part) != std::string::npos;
}

PdfImage ScanImage(int width, int height, int grey, const std::string& placement,
                   bool colour = false) {
  PIX* pix = colour ? MakeRgbPix(width, height, 200, 60, 20) : MakeGreyPix(width, height, grey);
  PdfImage image{EncodeJpeg(pix, 80), width, height, colour, placement};
  pixDestroy(&pix);
  return image;
}

PdfPageSpec TextPage(int rotate = 0) {
  PdfPageSpec page;
  page.rotate = rotate;
  page.text_ops = TextOps(72, 700, 24, kNote);
  return page;
}

std::vector<std::string> WordsOf(const PageText& text) {
  std::vector<std::string> words;
  for (const Word& w : text.words) words.push_back(w.text);
  return words;
}

long long AllDarkPixels(const Image& image) {
  return DarkPixels(image, {0, 0, image.width(), image.height()});
}

// The text's ink lies in the word boxes: each box holds ink, and next to none lies outside them.
void ExpectBoxesCoverTheInk(const CapturedPage& page) {
  ASSERT_TRUE(page.text_layer.has_value());
  long long inside = 0;
  for (const Word& word : page.text_layer->words) {
    EXPECT_FALSE(word.box.empty()) << word.text;
    long long dark = DarkPixels(page.image, word.box);
    EXPECT_GT(dark, 0) << word.text;
    inside += dark;
  }
  long long all = AllDarkPixels(page.image);
  EXPECT_GT(all, 0);
  EXPECT_GE(inside, all * 98 / 100) << "ink outside the word boxes";
}

TEST(PdfSource, KeepsRealTextLayerWithBoxesOnTheWords) {
  auto reader = SourceReader::Open(MakePdf({TextPage()}), "note.pdf", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->kind(), SourceKind::kPdf);
  ASSERT_EQ((*reader)->page_count(), 1);
  auto page = (*reader)->ReadPage(0);
  ASSERT_TRUE(page.ok()) << page.status().ToString();

  EXPECT_EQ(page->resolution, (Resolution{300, 300}));  // no image: default_pdf_dpi
  EXPECT_EQ(page->image.width(), 2550);
  EXPECT_EQ(page->image.height(), 3300);
  EXPECT_EQ(page->image.format(), PixelFormat::kGray8);
  EXPECT_FALSE(page->bilevel);

  ASSERT_TRUE(page->text_layer.has_value());
  const PageText& text = *page->text_layer;
  EXPECT_EQ(text.origin, TextOrigin::kTextLayer);
  EXPECT_EQ(text.text, kNote[0] + "\n" + kNote[1]);
  EXPECT_EQ(WordsOf(text),
            (std::vector<std::string>{"Invented", "Clinic", "Visit", "Summary", "Follow", "up",
                                      "in", "two", "weeks", "2031"}));
  ASSERT_EQ(text.lines.size(), 2u);
  EXPECT_EQ(text.words.front().line, 0);
  EXPECT_EQ(text.words.back().line, 1);
  EXPECT_EQ(text.mean_confidence, 100);
  for (const Word& w : text.words) EXPECT_EQ(w.confidence, 100);

  // "Invented" starts at x = 72 pt = 300 px; its baseline is 92 pt = 383 px from the top.
  const Box& first = text.words.front().box;
  EXPECT_NEAR(first.x, 300, 6);
  EXPECT_LT(first.y, 383);
  EXPECT_GE(first.bottom(), 380);
  EXPECT_LT(first.bottom(), 420);
  EXPECT_GT(first.width, first.height);
  EXPECT_LT(text.lines[0].box.bottom(), text.lines[1].box.bottom());
  ExpectBoxesCoverTheInk(*page);
}

TEST(PdfSource, MapsTextBoxesThroughPageRotation) {
  CapturedPage page = ReadOnly(MakePdf({TextPage(90)}), "rotated.pdf");
  // /Rotate 90 turns the letter page to landscape.
  EXPECT_EQ(page.image.width(), 3300);
  EXPECT_EQ(page.image.height(), 2550);
  ASSERT_TRUE(page.text_layer.has_value());
  EXPECT_EQ(page.text_layer->text, kNote[0] + "\n" + kNote[1]);
  // Turned clockwise, the first line runs top to bottom near the right edge.
  const Box& first = page.text_layer->words.front().box;
  EXPECT_GT(first.height, first.width);
  EXPECT_GT(first.x, 3300 / 2);
  EXPECT_NEAR(first.y, 300, 6);
  ExpectBoxesCoverTheInk(page);
}

TEST(PdfSource, MapsTextBoxesThroughUpsideDownPages) {
  CapturedPage page = ReadOnly(MakePdf({TextPage(180)}), "upside-down.pdf");
  EXPECT_EQ(page.image.width(), 2550);
  ASSERT_TRUE(page.text_layer.has_value());
  ExpectBoxesCoverTheInk(page);
}

TEST(PdfSource, RasterizesScannedPageAtNativeResolution) {
  PdfPageSpec page;
  page.images.push_back(ScanImage(1700, 2200, 100, "612 0 0 792 0 0"));  // 200 dpi, full page
  CapturedPage out = ReadOnly(MakePdf({page}), "scan.pdf");
  EXPECT_EQ(out.resolution, (Resolution{200, 200}));
  EXPECT_EQ(out.image.width(), 1700);
  EXPECT_EQ(out.image.height(), 2200);
  EXPECT_EQ(out.image.format(), PixelFormat::kGray8);
  EXPECT_NEAR(GreyAt(out.image, 850, 1100), 100, 3);
  EXPECT_FALSE(out.text_layer.has_value());
}

TEST(PdfSource, ClampsNativeResolutionToTheConfiguredRange) {
  PdfPageSpec coarse;
  coarse.images.push_back(ScanImage(850, 1100, 90, "612 0 0 792 0 0"));  // 100 dpi
  CapturedPage low = ReadOnly(MakePdf({coarse}), "coarse.pdf");
  EXPECT_EQ(low.resolution, (Resolution{150, 150}));
  EXPECT_EQ(low.image.width(), 1275);

  PdfPageSpec fine;
  fine.width = 72;
  fine.height = 72;
  fine.images.push_back(ScanImage(1200, 1200, 90, "72 0 0 72 0 0"));  // 1200 dpi
  CapturedPage high = ReadOnly(MakePdf({fine}), "fine.pdf");
  EXPECT_EQ(high.resolution, (Resolution{600, 600}));
  EXPECT_EQ(high.image.width(), 600);
}

TEST(PdfSource, MeasuresResolutionOfAnImagePlacedSideways) {
  PdfPageSpec page;
  // Landscape pixels turned onto a portrait page: 2200 px along 11 in, 1700 px along 8.5 in.
  page.images.push_back(ScanImage(2200, 1700, 120, "0 792 -612 0 612 0"));
  CapturedPage out = ReadOnly(MakePdf({page}), "sideways.pdf");
  EXPECT_EQ(out.resolution, (Resolution{200, 200}));
}

TEST(PdfSource, IgnoresSmallImagesWhenChoosingResolution) {
  PdfPageSpec page = TextPage();
  page.images.push_back(ScanImage(100, 100, 0, "72 0 0 72 450 650"));  // a 1-inch 100 dpi logo
  CapturedPage out = ReadOnly(MakePdf({page}), "letterhead.pdf");
  EXPECT_EQ(out.resolution, (Resolution{300, 300}));
}

TEST(PdfSource, RendersColourPageAsRgb) {
  PdfPageSpec page;
  page.images.push_back(ScanImage(850, 1100, 0, "612 0 0 792 0 0", /*colour=*/true));
  CapturedPage out = ReadOnly(MakePdf({page}), "colour.pdf");
  EXPECT_EQ(out.image.format(), PixelFormat::kRgb8);
}

TEST(PdfSource, KeepsInvisibleOcrTextOverAScan) {
  PdfPageSpec page;
  page.images.push_back(ScanImage(1700, 2200, 230, "612 0 0 792 0 0"));
  page.text_ops = TextOps(72, 700, 24, kNote, /*invisible=*/true);
  CapturedPage out = ReadOnly(MakePdf({page}), "ocred-scan.pdf");
  EXPECT_EQ(out.resolution, (Resolution{200, 200}));
  ASSERT_TRUE(out.text_layer.has_value());
  EXPECT_EQ(out.text_layer->words.size(), 10u);
  EXPECT_NEAR(out.text_layer->words.front().box.x, 200, 5);
}

TEST(PdfSource, TreatsShortOrGarbageTextAsScanned) {
  PdfPageSpec short_text;
  short_text.text_ops = TextOps(72, 700, 24, {"Pg 1"});
  EXPECT_FALSE(ReadOnly(MakePdf({short_text}), "short.pdf").text_layer.has_value());

  PdfPageSpec punctuation;
  punctuation.text_ops = TextOps(72, 700, 12, {"#$%&*+=<>?@ ~^ #$%&*+=<>?@ ~^ #$%&*+=<>?@ ~^ x1"});
  EXPECT_FALSE(ReadOnly(MakePdf({punctuation}), "punct.pdf").text_layer.has_value());

  // A font whose ToUnicode map sends every code to the private-use area, as broken OCR layers do.
  PdfPageSpec private_use;
  private_use.text_ops = TextOps(72, 700, 24, kNote);
  private_use.to_unicode_cmap =
      "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
      "1 begincodespacerange <00> <FF> endcodespacerange\n"
      "1 beginbfrange <20> <7E> <E020> endbfrange\n"
      "endcmap CMapName currentdict /CMap defineresource pop end end";
  EXPECT_FALSE(ReadOnly(MakePdf({private_use}), "pua.pdf").text_layer.has_value());

  EXPECT_FALSE(ReadOnly(MakePdf({PdfPageSpec{}}), "blank.pdf").text_layer.has_value());
}

TEST(PdfSource, HonoursTheMinimumTextLayerLength) {
  CaptureOptions options;
  options.min_text_layer_chars = 200;
  EXPECT_FALSE(ReadOnly(MakePdf({TextPage()}), "note.pdf", 0, options).text_layer.has_value());
}

TEST(PdfSource, RefusesPasswordProtectedPdf) {
  auto locked = EncryptWithQpdf(MakePdf({TextPage()}));
  if (!locked) GTEST_SKIP() << "qpdf is not installed";
  Status status = FirstError(*locked, "locked.pdf");
  EXPECT_EQ(status.code(), StatusCode::kEncrypted);
  EXPECT_TRUE(Contains(status, "locked.pdf"));
  EXPECT_TRUE(Contains(status, "password-protected"));
}

TEST(PdfSource, RefusesPdfWithoutPages) {
  Status status = FirstError(MakePdf({}), "empty.pdf");
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(Contains(status, "empty.pdf"));
}

TEST(PdfSource, RefusesDamagedPdfWithoutQuotingIt) {
  Status status =
      FirstError("%PDF-1.4\n1 0 obj << /Inventedsecret (Zanzibar) >>\ngarbage\n", "damaged.pdf");
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(Contains(status, "damaged.pdf"));
  EXPECT_FALSE(Contains(status, "Zanzibar"));
}

TEST(PdfSource, SurvivesTruncation) {
  PdfPageSpec scan;
  scan.images.push_back(ScanImage(400, 500, 100, "612 0 0 792 0 0"));
  std::string pdf = MakePdf({TextPage(), scan});
  for (double fraction : {0.05, 0.2, 0.5, 0.8, 0.95, 0.99}) {
    std::string cut = pdf.substr(0, static_cast<std::size_t>(pdf.size() * fraction));
    Status status = FirstError(cut, "cut.pdf");
    if (!status.ok()) {
      EXPECT_EQ(status.code(), StatusCode::kCorrupt) << fraction << ": " << status.ToString();
      EXPECT_TRUE(Contains(status, "cut.pdf"));
    }
  }
}

TEST(PdfSource, CountsPagesAndRespectsThePageLimit) {
  std::string pdf = MakePdf({TextPage(), PdfPageSpec{}, TextPage(270)});
  auto reader = SourceReader::Open(pdf, "three.pdf", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->page_count(), 3);
  auto last = (*reader)->ReadPage(2);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->index, 2);
  auto missing = (*reader)->ReadPage(3);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  CaptureOptions options;
  options.max_pages = 2;
  EXPECT_EQ(FirstError(pdf, "three.pdf", options).code(), StatusCode::kTooLarge);
}

TEST(PdfSource, LowersResolutionToFitThePixelLimit) {
  CaptureOptions options;
  options.max_page_pixels = 4'000'000;  // a letter page at 300 dpi is 8.4 million
  CapturedPage page = ReadOnly(MakePdf({TextPage()}), "note.pdf", 0, options);
  EXPECT_LT(page.resolution.x_dpi, 300);
  EXPECT_GE(page.resolution.x_dpi, options.min_pdf_dpi);
  EXPECT_LE(static_cast<long long>(page.image.width()) * page.image.height(), 4'000'000);
  ExpectBoxesCoverTheInk(page);
}

TEST(PdfSource, RefusesPageTooLargeEvenAtMinimumResolution) {
  PdfPageSpec poster;
  poster.width = 14400;  // 200 inches
  poster.height = 14400;
  Status status = FirstError(MakePdf({poster}), "poster.pdf");
  EXPECT_EQ(status.code(), StatusCode::kTooLarge);
  EXPECT_TRUE(Contains(status, "page 1 of poster.pdf")) << status.ToString();
}

TEST(PdfSource, OpensPdfWithLeadingBytes) {
  auto reader = SourceReader::Open("\r\n\r\n" + MakePdf({TextPage()}), "prefixed.pdf", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->page_count(), 1);
  EXPECT_TRUE((*reader)->ReadPage(0).ok());
}

}  // namespace
}  // namespace chartscan::capture
