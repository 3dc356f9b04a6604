#include <string>

#include <gtest/gtest.h>

#include <chartscan/capture/source.h>

namespace chartscan::capture {
namespace {

using namespace std::string_literals;

TEST(SniffKind, RecognizesEachImageKindByMagicBytes) {
  EXPECT_EQ(SniffKind("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s), SourceKind::kPng);
  EXPECT_EQ(SniffKind("\xff\xd8\xff\xe0\0\x10JFIF"s), SourceKind::kJpeg);
  EXPECT_EQ(SniffKind("II*\0\x08\0\0\0"s), SourceKind::kTiff);
  EXPECT_EQ(SniffKind("MM\0*\0\0\0\x08"s), SourceKind::kTiff);
  EXPECT_EQ(SniffKind("RIFF\x10\0\0\0WEBPVP8 "s), SourceKind::kWebp);
  EXPECT_EQ(SniffKind("BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0"s), SourceKind::kBmp);
  EXPECT_EQ(SniffKind("%PDF-1.7\n"), SourceKind::kPdf);
}

TEST(SniffKind, RecognizesBigTiffInBothByteOrders) {
  EXPECT_EQ(SniffKind("II+\0\x08\0\0\0"s), SourceKind::kTiff);
  EXPECT_EQ(SniffKind("MM\0+\0\x08\0\0"s), SourceKind::kTiff);
}

TEST(SniffKind, RecognizesEveryPnmVariant) {
  for (char variant = '1'; variant <= '6'; ++variant) {
    std::string head = std::string("P") + variant + "\n# scanner comment\n12 8\n";
    EXPECT_EQ(SniffKind(head), SourceKind::kPnm) << head;
  }
  EXPECT_EQ(SniffKind("P5 640 480 255\n"), SourceKind::kPnm);
}

TEST(SniffKind, FindsPdfHeaderAfterLeadingBytes) {
  EXPECT_EQ(SniffKind("\r\n\xef\xbb\xbf  %PDF-1.4\n"s), SourceKind::kPdf);
  EXPECT_EQ(SniffKind(std::string(1500, ' ') + "%PDF-1.4"), SourceKind::kUnknown);
}

TEST(SniffKind, DoesNotTakeTextThatStartsLikeAMagicNumber) {
  EXPECT_EQ(SniffKind("BMI chart for the invented patient, see page 2"), SourceKind::kUnknown);
  EXPECT_EQ(SniffKind("P1 follow-up visit notes"), SourceKind::kUnknown);
  EXPECT_EQ(SniffKind("RIFF but not a picture"), SourceKind::kUnknown);
  EXPECT_EQ(SniffKind(""), SourceKind::kUnknown);
  EXPECT_EQ(SniffKind("\xff\xd8"s), SourceKind::kUnknown);
}

TEST(SourceKindName, NamesEveryKind) {
  EXPECT_EQ(SourceKindName(SourceKind::kPng), "png");
  EXPECT_EQ(SourceKindName(SourceKind::kJpeg), "jpeg");
  EXPECT_EQ(SourceKindName(SourceKind::kTiff), "tiff");
  EXPECT_EQ(SourceKindName(SourceKind::kPdf), "pdf");
  EXPECT_EQ(SourceKindName(SourceKind::kPnm), "pnm");
  EXPECT_EQ(SourceKindName(SourceKind::kBmp), "bmp");
  EXPECT_EQ(SourceKindName(SourceKind::kWebp), "webp");
  EXPECT_EQ(SourceKindName(SourceKind::kUnknown), "unknown");
}

TEST(CaptureOptions, DefaultsAreValid) { EXPECT_TRUE(CaptureOptions{}.Validate().ok()); }

TEST(CaptureOptions, RejectsInconsistentLimits) {
  CaptureOptions o;
  o.max_pages = 0;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = {};
  o.min_pdf_dpi = 700;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = {};
  o.default_pdf_dpi = 100;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = {};
  o.max_page_pixels = -1;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
}

TEST(SourceReader, RefusesInvalidOptionsNamingTheFile) {
  CaptureOptions o;
  o.max_page_dimension = 0;
  auto r = SourceReader::Open("%PDF-1.4\n", "in/a.pdf", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("in/a.pdf"), std::string::npos);
}

}  // namespace
}  // namespace chartscan::capture
