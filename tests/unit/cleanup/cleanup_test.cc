// Cleanup on pages drawn here: lines of text at 300 dpi, turned, skewed, dirtied. The accuracy gate
// (tests/e2e) covers real fonts and the full degradation profiles; these tests pin each behaviour.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chartscan/cleanup/cleanup.h>
#include <chartscan/cleanup/view.h>

namespace chartscan::cleanup {
namespace {

constexpr double kDpi = 300;

const std::vector<std::string> kLines = {
    "DISCHARGE SUMMARY  Patient: Harlow Quimby  MRN 00482913",
    "Hospital course: the patient was admitted with dyspnea and",
    "a productive cough. Chest film showed a right lower lobe",
    "infiltrate. Treated with ceftriaxone and azithromycin; fever",
    "resolved by day two. Glucose controlled on sliding scale.",
    "Discharge diagnoses: J18.9 pneumonia, E11.9 type 2 diabetes.",
    "Follow up with primary physician in one week. Bring all",
    "medications to the appointment. Return for chest pain,",
    "shortness of breath or high fever. Signed: Dr. P. Okafor",
    "Diet: regular, carbohydrate controlled. Activity as tolerated.",
    "Pending labs: blood cultures, final read by the laboratory.",
    "Condition at discharge: stable, ambulating without help.",
};

// A letter-size page (2550x3300 at 300 dpi) of dark text on white.
cv::Mat TextPage(int first_line = 0, int line_count = 12) {
  cv::Mat page(3300, 2550, CV_8UC1, cv::Scalar(255));
  for (int i = 0; i < line_count; ++i) {
    const std::string& text = kLines[(first_line + i) % kLines.size()];
    cv::putText(page, text, {150, 300 + i * 90}, cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar(20), 3,
                cv::LINE_AA);
  }
  return page;
}

// Rotates about the centre by `degrees` clockwise on screen, filling with white.
cv::Mat Skew(const cv::Mat& page, double degrees) {
  cv::Mat m = cv::getRotationMatrix2D({page.cols / 2.0f, page.rows / 2.0f}, -degrees, 1.0);
  cv::Mat out;
  cv::warpAffine(page, out, m, page.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
  return out;
}

// Turns the page so that cleanup must turn it `clockwise_fix` degrees clockwise to make it upright.
cv::Mat Turn(const cv::Mat& page, int clockwise_fix) {
  cv::Mat out;
  if (clockwise_fix == 90) cv::rotate(page, out, cv::ROTATE_90_COUNTERCLOCKWISE);
  if (clockwise_fix == 180) cv::rotate(page, out, cv::ROTATE_180);
  if (clockwise_fix == 270) cv::rotate(page, out, cv::ROTATE_90_CLOCKWISE);
  if (clockwise_fix == 0) out = page.clone();
  return out;
}

// Grey, unevenly lit paper with Gaussian noise and salt-and-pepper speckle.
cv::Mat Dirty(const cv::Mat& page, unsigned seed, double paper = 200, double noise_sigma = 12) {
  std::mt19937 rng(seed);
  cv::Mat out(page.size(), CV_8UC1);
  std::normal_distribution<double> gauss(0, noise_sigma);
  std::uniform_real_distribution<double> u(0, 1);
  for (int y = 0; y < page.rows; ++y) {
    for (int x = 0; x < page.cols; ++x) {
      double light = paper - 40.0 * x / page.cols;  // shadow across the page
      double ink = page.at<uchar>(y, x) / 255.0;    // 1 = paper
      double v = 25 + (light - 25) * ink + gauss(rng);
      double r = u(rng);
      if (r < 0.004) v = 30;
      if (r > 0.998) v = 255;
      out.at<uchar>(y, x) = cv::saturate_cast<uchar>(v);
    }
  }
  return out;
}

Result<CleanedPage> Clean(const cv::Mat& page, double dpi = kDpi, bool bilevel = false,
                          const CleanupOptions& options = {}) {
  ImageView view(page.data, page.cols, page.rows, PixelFormat::kGray8, page.step);
  return CleanPage(view, Resolution{dpi, dpi}, bilevel, options);
}

TEST(CleanupOptions, RejectsNonsense) {
  CleanupOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.max_skew = 60;
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = {};
  o.min_dpi = 500;  // above max_dpi
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.target_dpi = 0;
  EXPECT_FALSE(o.Validate().ok());
}

TEST(CleanPage, InvalidOptionsAreAnErrorNotAThrow) {
  CleanupOptions o;
  o.max_skew = -1;
  auto r = Clean(TextPage(), kDpi, false, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(CleanPage, CleanUprightPageIsLeftAlone) {
  auto r = Clean(TextPage());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->blank);
  EXPECT_EQ(r->quality.orientation, 0);
  EXPECT_NEAR(r->quality.skew, 0, 0.05);
  EXPECT_DOUBLE_EQ(r->dpi, kDpi);
  EXPECT_EQ(r->image.width(), 2550);
  EXPECT_EQ(r->image.height(), 3300);
  EXPECT_GT(r->quality.ink_coverage, 0.005);
  EXPECT_GT(r->quality.contrast, 0.6);
}

class SkewIsCorrected : public testing::TestWithParam<double> {};

TEST_P(SkewIsCorrected, ToATenthOfADegree) {
  const double skew = GetParam();
  auto r = Clean(Skew(TextPage(), skew));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->quality.orientation, 0);
  EXPECT_NEAR(r->quality.skew, skew, 0.1);
}

INSTANTIATE_TEST_SUITE_P(CleanPage, SkewIsCorrected,
                         testing::Values(-14.5, -7.3, -1.5, -0.4, 0.6, 2.5, 9.1, 14.8));

class OrientationIsCorrected : public testing::TestWithParam<int> {};

TEST_P(OrientationIsCorrected, WithSmallSkew) {
  const int turn = GetParam();
  auto r = Clean(Turn(Skew(TextPage(), 1.2), turn));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->quality.orientation, turn);
  EXPECT_NEAR(r->quality.skew, 1.2, 0.1);
  // Upright again: a portrait page comes back portrait.
  EXPECT_GT(r->image.height(), r->image.width());
}

INSTANTIATE_TEST_SUITE_P(CleanPage, OrientationIsCorrected, testing::Values(0, 90, 180, 270));

TEST(CleanPage, ReadsThroughShadowGreyPaperAndSpeckle) {
  auto r = Clean(Dirty(Skew(TextPage(), -1.5), 7));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->blank);
  EXPECT_NEAR(r->quality.skew, -1.5, 0.1);
  EXPECT_LT(r->quality.background, 215);  // it measured the grey paper...
  // ...and handed OCR a white page: the cleaned background is pure paper almost everywhere.
  const Image& img = r->image;
  long white = 0;
  for (int y = 0; y < img.height(); ++y) {
    for (int x = 0; x < img.width(); ++x) white += img.view().row(y)[x] >= 250;
  }
  EXPECT_GT(white, 0.9 * img.width() * img.height());
}

// Pale print (a worn ribbon, a light copy) under heavy speckle, beside dark headings: grey paper at
// 225, the pale lines at 180, Gaussian noise and pepper. Whole pale words used to fall out of the
// ink mask, and so out of the OCR image, where their pixels straddled both thresholds.
TEST(CleanPage, PaleTextOnANoisyPageKeepsItsWords) {
  cv::Mat page(3300, 2550, CV_8UC1, cv::Scalar(255));
  cv::Mat pale_ink(page.size(), CV_8UC1, cv::Scalar(0));
  for (int i = 0; i < 12; ++i) {
    const bool heading = i % 4 == 0;
    cv::putText(heading ? page : pale_ink, kLines[static_cast<size_t>(i)], {150, 300 + i * 90},
                cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar(heading ? 20 : 255), heading ? 3 : 2,
                cv::LINE_AA);
  }
  std::mt19937 rng(5);
  std::normal_distribution<double> gauss(0, 22);
  std::uniform_real_distribution<double> u(0, 1);
  for (int y = 0; y < page.rows; ++y) {
    for (int x = 0; x < page.cols; ++x) {
      const double pale = pale_ink.at<uchar>(y, x) / 255.0;
      double v =
          page.at<uchar>(y, x) < 255 ? 25 + 200 * page.at<uchar>(y, x) / 255.0 : 225 - 60 * pale;
      v += gauss(rng);
      if (u(rng) < 0.01) v = 40;
      page.at<uchar>(y, x) = cv::saturate_cast<uchar>(v);
    }
  }
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ImageView ocr = r->ocr_view();
  ASSERT_EQ(ocr.width(), page.cols);  // neither turned nor deskewed
  ASSERT_EQ(ocr.height(), page.rows);
  long pale_pixels = 0, kept = 0;
  for (int y = 0; y < page.rows; ++y) {
    for (int x = 0; x < page.cols; ++x) {
      if (pale_ink.at<uchar>(y, x) < 200) continue;
      ++pale_pixels;
      kept += ocr.row(y)[x] < 250;
    }
  }
  EXPECT_GT(kept, 0.9 * pale_pixels) << kept << " of " << pale_pixels << " pale ink pixels kept";
}

TEST(CleanPage, NoisyOffWhitePageIsBlank) {
  cv::Mat empty(3300, 2550, CV_8UC1, cv::Scalar(255));
  auto r = Clean(Dirty(empty, 11, 225, 10));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->blank);
}

TEST(CleanPage, FaintBleedThroughAloneIsBlank) {
  // The mirrored text of the back side, diffused by the paper, showing through at 12% density
  // (typical for 75-90 g/m2 paper).
  cv::Mat back;
  cv::flip(TextPage(), back, 1);
  cv::GaussianBlur(back, back, {0, 0}, 1.5);
  cv::Mat page = 255 - (255 - back) * 0.12;
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->blank);
}

TEST(CleanPage, LonePageFooterIsNotBlank) {
  cv::Mat page(3300, 2550, CV_8UC1, cv::Scalar(250));
  cv::putText(page, "Page 2 of 2", {1100, 3100}, cv::FONT_HERSHEY_SIMPLEX, 1.2, cv::Scalar(30), 2,
              cv::LINE_AA);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->blank);
}

TEST(CleanPage, LoneSignatureIsNotBlank) {
  cv::Mat page(3300, 2550, CV_8UC1, cv::Scalar(250));
  std::vector<cv::Point> scribble;
  for (int i = 0; i <= 200; ++i) {
    double t = i / 200.0;
    scribble.push_back({static_cast<int>(1500 + 600 * t),
                        static_cast<int>(2800 + 60 * std::sin(t * 25) + 30 * std::sin(t * 7))});
  }
  cv::polylines(page, scribble, false, cv::Scalar(40), 4, cv::LINE_AA);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->blank);
}

TEST(CleanPage, DarkScannerBorderAloneIsBlank) {
  cv::Mat page(3300, 2550, CV_8UC1, cv::Scalar(245));
  cv::rectangle(page, {0, 0}, {2549, 3299}, cv::Scalar(10), 60);  // black frame from the lid
  cv::circle(page, {90, 800}, 40, cv::Scalar(15), cv::FILLED);    // punch holes
  cv::circle(page, {90, 2500}, 40, cv::Scalar(15), cv::FILLED);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->blank);
}

// Regression: a heavy scan skewed 2.5 degrees left its dark scanner border as a strip along the
// right edge, 3 px inside it and short of the top and bottom edges. Not touching the edge, it was
// kept as ink; its sharp profile across the page outweighed the skewed text lines' and the upright
// page was turned a quarter (read sideways at 83% CER).
TEST(CleanPage, BorderStripAFewPixelsInsideTheEdgeIsRemoved) {
  cv::Mat page = Skew(TextPage(), 2.5);
  cv::rectangle(page, cv::Rect(2550 - 3 - 110, 70, 110, 3200), cv::Scalar(15), cv::FILLED);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->quality.orientation, 0);
  EXPECT_NEAR(r->quality.skew, 2.5, 0.1);
  EXPECT_GT(r->image.height(), r->image.width());
}

// Regression: a faxed lab report's table, its columns ruled with dashed lines down the page, gave
// a profile across the page nearly as sharp as the text lines' and the upright page was turned a
// quarter (read sideways at 80% CER). Where the profiles do not decide, the baselines do.
TEST(CleanPage, DashedColumnRulesDoNotTurnAnUprightPage) {
  cv::Mat page = TextPage();
  for (int x = 120; x < 2500; x += 400) {
    for (int y = 150; y < 3200; y += 40) {
      cv::line(page, {x, y}, {x, y + 10}, cv::Scalar(20), 3);
    }
  }
  auto r = Clean(Skew(page, -0.8));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->quality.orientation, 0);
  EXPECT_GT(r->image.height(), r->image.width());
}

TEST(CleanPage, BoldCapitalsNearTheTopEdgeAreNotPunchHoles) {
  // Regression: a letterhead's bold "M" and "O", 0.2 inch tall and 0.8 inch from the top, were
  // removed as punch holes ("aple Hollow Regional edical Center").
  // Blurred bold capitals in an upsampled fax are near-solid blocks: 60x52 px with a notch (the
  // gap between an M's legs), filling ~83% of their ellipse, where a punch hole fills ~100%.
  cv::Mat page = TextPage(1, 6);
  for (int i = 0; i < 5; ++i) {
    const int x = 300 + i * 160;
    cv::rectangle(page, cv::Rect(x, 190, 60, 52), cv::Scalar(0), cv::FILLED);
    cv::rectangle(page, cv::Rect(x + 16, 203, 28, 39), cv::Scalar(255), cv::FILLED);
  }
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  long dark = 0;
  for (int y = 150; y < 290; ++y) {
    for (int x = 300; x < 1100; ++x) dark += r->image.view().row(y)[x] < 128;
  }
  EXPECT_GT(dark, 5 * 1800) << "the letterhead capitals were erased";
}

// Regression: a photocopy darkened a letterhead's bold "M", "e" and "a" until their counters
// closed; round enough and filling their ellipse, 0.8 inch from the top edge, they were erased as
// punch holes ("Old ill mori l Hospit l"). A letter's foot and stem reach into the corners of its
// box, which a hole leaves bare. Here: blobs filling their ellipse and one corner of their box.
TEST(CleanPage, BoldLettersFillingTheirEllipseButNotItsCornersAreNotPunchHoles) {
  cv::Mat page = TextPage(1, 6);
  for (int i = 0; i < 5; ++i) {
    const int x = 300 + i * 160;
    cv::ellipse(page, {x + 30, 228}, {30, 28}, 0, 0, 360, cv::Scalar(0), cv::FILLED);
    cv::rectangle(page, cv::Rect(x + 30, 228, 30, 28), cv::Scalar(0), cv::FILLED);  // the foot
  }
  // A real punch hole stays a hole.
  cv::circle(page, {90, 900}, 50, cv::Scalar(10), cv::FILLED);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  long letters = 0, hole = 0;
  for (int y = 150; y < 300; ++y) {
    for (int x = 300; x < 1100; ++x) letters += r->image.view().row(y)[x] < 128;
  }
  for (int y = 850; y < 950; ++y) {
    for (int x = 40; x < 140; ++x) hole += r->image.view().row(y)[x] < 128;
  }
  EXPECT_GT(letters, 5 * 2000) << "the bold letters were erased";
  EXPECT_LT(hole, 100) << "the punch hole was kept";
}

TEST(CleanPage, UpsamplesLowResolutionFax) {
  cv::Mat page = TextPage();
  cv::Mat fax;
  cv::resize(page, fax, {}, 100.0 / 300, 100.0 / 300, cv::INTER_AREA);
  cv::threshold(fax, fax, 160, 255, cv::THRESH_BINARY);
  auto r = Clean(fax, 100, /*bilevel=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->dpi, 300);
  EXPECT_TRUE(r->quality.upsampled);
  EXPECT_NEAR(r->image.width(), 2550, 3);
  EXPECT_FALSE(r->blank);
}

TEST(CleanPage, AnisotropicFaxPixelsAreMadeSquare) {
  cv::Mat page = TextPage();
  cv::Mat fax;
  cv::resize(page, fax, {}, 204.0 / 300, 98.0 / 300, cv::INTER_AREA);
  ImageView view(fax.data, fax.cols, fax.rows, PixelFormat::kGray8, fax.step);
  auto r = CleanPage(view, Resolution{204, 98}, false, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->image.width(), 2550, 4);
  EXPECT_NEAR(r->image.height(), 3300, 4);
  EXPECT_EQ(r->quality.orientation, 0);
}

// A fax renders thin type as dashes a scan line apart (every other row of the letters missing
// here); upsampled, no piece is character-sized, and speckle removal used to drop such words whole
// (62% of the dots' places kept ink on this page).
TEST(CleanPage, DottedFaxLettersAreKept) {
  cv::Mat fax(1078, 1734, CV_8UC1, cv::Scalar(255));  // US Letter at 204 x 98 dpi
  cv::Mat thin(fax.size(), CV_8UC1, cv::Scalar(0));
  for (int i = 0; i < 8; ++i) {
    const bool dotted = i % 2 == 1;
    cv::putText(dotted ? thin : fax, kLines[static_cast<size_t>(i)], {100, 120 + i * 40},
                cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(dotted ? 255 : 0), dotted ? 2 : 3,
                cv::LINE_8);
  }
  for (int y = 0; y < fax.rows; y += 2) fax.row(y).setTo(0, thin.row(y));
  CleanupOptions options;
  options.detect_orientation = false;
  options.deskew = false;
  ImageView view(fax.data, fax.cols, fax.rows, PixelFormat::kGray8, fax.step);
  auto r = CleanPage(view, Resolution{204, 98}, /*bilevel=*/true, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ImageView ocr = r->ocr_view();
  ASSERT_NEAR(ocr.width(), 2550, 4);
  ASSERT_NEAR(ocr.height(), 3300, 4);
  cv::Mat ink(ocr.height(), ocr.width(), CV_8UC1, const_cast<std::uint8_t*>(ocr.data()),
              static_cast<std::size_t>(ocr.stride()));
  ink = ink < 128;
  cv::dilate(ink, ink, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
  long dots = 0, kept = 0;
  for (int y = 0; y < fax.rows; y += 2) {
    for (int x = 0; x < fax.cols; ++x) {
      if (!thin.at<uchar>(y, x)) continue;
      ++dots;
      const int oy = std::min(ink.rows - 1, static_cast<int>((y + 0.5) * 300 / 98));
      const int ox = std::min(ink.cols - 1, static_cast<int>((x + 0.5) * 300 / 204));
      kept += ink.at<uchar>(oy, ox) != 0;
    }
  }
  EXPECT_GT(kept, 0.8 * dots) << kept << " of " << dots << " dots kept";
}

TEST(CleanPage, ColourScanIsAccepted) {
  cv::Mat grey = TextPage();
  cv::Mat rgb;
  cv::cvtColor(grey, rgb, cv::COLOR_GRAY2RGB);
  rgb.setTo(cv::Scalar(255, 244, 200), grey > 250);  // yellowed paper
  ImageView view(rgb.data, rgb.cols, rgb.rows, PixelFormat::kRgb8, rgb.step);
  auto r = CleanPage(view, Resolution{kDpi, kDpi}, false, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->image.format(), PixelFormat::kGray8);
  EXPECT_FALSE(r->blank);
}

TEST(CleanPage, RotateCleanedPageUpdatesOrientation) {
  auto r = Clean(TextPage());
  ASSERT_TRUE(r.ok());
  const int w = r->image.width(), h = r->image.height();
  RotateCleanedPage(*r, 90);
  EXPECT_EQ(r->quality.orientation, 90);
  EXPECT_EQ(r->image.width(), h);
  EXPECT_EQ(r->image.height(), w);
  RotateCleanedPage(*r, 270);
  EXPECT_EQ(r->quality.orientation, 0);
}

// A ruled table: a grid of 3 columns and 8 rows with a word in every cell; dashed horizontal
// rules stand for a worn toner cartridge or a fax; `rule_grey` prints the rules lighter than the
// words.
cv::Mat RuledTable(int rule_thickness, bool dashed = false, int rule_grey = 0) {
  cv::Mat page(3300, 2550, CV_8UC1, cv::Scalar(255));
  const int left = 200, top = 400, row = 90, widths[] = {900, 500, 600};
  auto hline = [&](int y, int x0, int x1) {
    for (int x = x0; x < x1; x += dashed ? 30 : x1 - x0) {
      const int end = dashed ? std::min(x + 24, x1) : x1;
      cv::rectangle(page, {x, y}, {end, y + rule_thickness - 1}, cv::Scalar(rule_grey), cv::FILLED);
    }
  };
  int x = left;
  for (int c = 0; c <= 3; ++c) {
    cv::rectangle(page, {x, top}, {x + rule_thickness - 1, top + 8 * row}, cv::Scalar(rule_grey),
                  cv::FILLED);
    if (c < 3) x += widths[c];
  }
  for (int r = 0; r <= 8; ++r) hline(top + r * row, left, x + rule_thickness);
  const char* words[] = {"Sodium", "140", "mmol/L"};
  for (int r = 0; r < 8; ++r) {
    int cx = left + 20;
    for (int c = 0; c < 3; ++c) {
      cv::putText(page, words[c], {cx, top + r * row + 62}, cv::FONT_HERSHEY_SIMPLEX, 1.6,
                  cv::Scalar(20), 3, cv::LINE_AA);
      cx += widths[c];
    }
  }
  return page;
}

cv::Mat Mat(const ImageView& v) {
  return cv::Mat(v.height(), v.width(), CV_8UC1, const_cast<std::uint8_t*>(v.data()), v.stride());
}
cv::Mat Mat(const Image& image) { return Mat(image.view()); }

// Ink pixels (darker than mid grey, or than `below`) inside a rectangle.
int InkIn(const cv::Mat& m, cv::Rect r, int below = 129) {
  cv::Mat ink;
  cv::compare(m(r), below, ink, cv::CMP_LT);
  return cv::countNonZero(ink);
}

// A cleaned RuledTable: its rules erased in the OCR image and kept for display, a rule pixel being
// one darker than `rule_below`; the words in the cells untouched.
void ExpectTableRulesErased(const CleanedPage& r, int rule_below) {
  const cv::Mat display = Mat(r.image), ocr = Mat(r.ocr_image);
  // A stretch of the top rule between cells and a stretch of a vertical rule between rows.
  const cv::Rect top_rule(700, 392, 300, 18), column_rule(1092, 420, 18, 40);
  EXPECT_GT(InkIn(display, top_rule, rule_below), 300);
  EXPECT_LT(InkIn(ocr, top_rule, rule_below), 10);
  EXPECT_GT(InkIn(display, column_rule, rule_below), 60);
  EXPECT_LT(InkIn(ocr, column_rule, rule_below), 5);
  const cv::Rect word(210, 420, 260, 60);
  EXPECT_NEAR(InkIn(ocr, word), InkIn(display, word), InkIn(display, word) * 0.02);
}

TEST(RuleRemoval, TableRulesAreErasedForOcrButKeptForDisplay) {
  for (bool dashed : {false, true}) {
    SCOPED_TRACE(dashed ? "dashed rules" : "solid rules");
    auto r = Clean(RuledTable(3, dashed));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_FALSE(r->ocr_image.empty()) << "rules were found";
    EXPECT_EQ(r->quality.orientation, 0);
    EXPECT_NEAR(r->quality.skew, 0, 0.05);
    ExpectTableRulesErased(*r, 129);
  }
}

// Regression: a heavy lab report (held-out seed 9601, page 29) kept its table's rules in the OCR
// image: printed lighter than its words, they were grey (170-200) after cleanup, lighter than ink,
// and no rule was found. The recognizer read the rows' cells out of order around them ("Sodium",
// "[Potassium", "-mmol/L 136-145").
TEST(RuleRemoval, RulesLighterThanTheWordsAreErased) {
  auto r = Clean(RuledTable(4, false, 185));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty()) << "no rule found";
  ExpectTableRulesErased(*r, 230);
}

// Regression: looked for among pixels as light as a grey rule's, the grey edges of a line of bold
// serif letters joined into a run a streak's length long, let off as a streak through text, and
// the letters went with it ("Well-appearing, alert, in mild distress." lost two words). Light
// rules need paper on both sides, which a row through text never has. The fixture is a band of
// the cleaned page (speed batch b/0007, a photocopy), saved as JPEG to keep it small.
TEST(RuleRemoval, GreyEdgesOfALineOfTextAreNoLightRule) {
  const char* source = std::getenv("CHARTSCAN_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  const cv::Mat band = cv::imread(
      std::string(source) + "/tests/unit/cleanup/data/photocopy_line_with_grey_edges.jpg",
      cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(band.empty());
  auto r = Clean(band);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const cv::Mat display = Mat(r->image);
  const cv::Mat ocr = r->ocr_image.empty() ? display : Mat(r->ocr_image);
  const cv::Rect line(0, 0, display.cols, display.rows);
  EXPECT_GE(InkIn(ocr, line), 0.99 * InkIn(display, line));
}

TEST(RuleRemoval, ThickBarsAndRunningTextAreNotRules) {
  cv::Mat page = TextPage();
  // A redaction bar: solid, 0.15 inch high.
  cv::rectangle(page, {300, 1500}, {1500, 1545}, cv::Scalar(0), cv::FILLED);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  if (r->ocr_image.empty()) return;  // nothing taken for a rule: the OCR reads the page as is
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  cv::Mat diff;
  cv::absdiff(display, ocr, diff);
  EXPECT_LT(cv::countNonZero(diff > 64), 200) << "text or the bar was erased as a rule";
}

TEST(RuleRemoval, CharacterCrossedByARuleKeepsItsStroke) {
  cv::Mat page = TextPage(0, 3);
  // A vertical stroke 1 inch tall crossing a horizontal rule: an "l" whose middle a form border
  // runs through. The stroke's pixels on the rule must survive.
  cv::rectangle(page, {150, 1000}, {2350, 1002}, cv::Scalar(0), cv::FILLED);
  cv::rectangle(page, {1200, 960}, {1205, 1040}, cv::Scalar(0), cv::FILLED);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty());
  const cv::Mat ocr = Mat(r->ocr_image);
  EXPECT_GT(InkIn(ocr, {1195, 995, 16, 12}), 12) << "the crossing stroke was cut";
  EXPECT_LT(InkIn(ocr, {600, 995, 300, 12}), 10) << "the rule beside it was kept";
}

// A faxed form header: one row of cells 0.28 inch tall (a small label over its value) between a
// top and a bottom rule, its vertical borders 85 px long at 300 dpi, under the 0.3 inch a
// vertical rule needs on its own. `dotted_top` draws the top rule as a standard-mode fax leaves it
// after upsampling: dots 5 px wide and 5 px apart, half ink in every row (each dot too big to be
// erased as a speck).
cv::Mat FormHeader(bool dotted_top) {
  cv::Mat page = TextPage(4, 4);
  const int left = 150, right = 2350, top = 1200, bottom = 1285, borders[] = {150, 900, 1500, 2350};
  if (dotted_top) {
    for (int x = left; x < right; x += 10) {
      cv::rectangle(page, {x, top}, {x + 4, top + 5}, cv::Scalar(0), cv::FILLED);
    }
  } else {
    cv::rectangle(page, {left, top}, {right, top + 2}, cv::Scalar(0), cv::FILLED);
  }
  cv::rectangle(page, {left, bottom}, {right, bottom + 2}, cv::Scalar(0), cv::FILLED);
  for (int x : borders) cv::rectangle(page, {x, top}, {x + 3, bottom}, cv::Scalar(0), cv::FILLED);
  const char* labels[] = {"PATIENT", "Med Rec #", "Sex"};
  const char* values[] = {"Haddad, Stephanie", "K2864098", "F"};
  for (int c = 0; c < 3; ++c) {
    cv::putText(page, labels[c], {borders[c] + 12, top + 30}, cv::FONT_HERSHEY_SIMPLEX, 0.8,
                cv::Scalar(20), 2, cv::LINE_AA);
    cv::putText(page, values[c], {borders[c] + 12, top + 72}, cv::FONT_HERSHEY_SIMPLEX, 1.2,
                cv::Scalar(20), 2, cv::LINE_AA);
  }
  return page;
}

TEST(RuleRemoval, ShortCellBordersBetweenRulesAreErased) {
  auto r = Clean(FormHeader(/*dotted_top=*/false));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty());
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  for (int x : {150, 900, 1500, 2350}) {
    SCOPED_TRACE(x);
    const cv::Rect border(x - 4, 1210, 12, 65);
    EXPECT_GT(InkIn(display, border), 150);
    EXPECT_LT(InkIn(ocr, border), 10) << "a cell border was read as text";
  }
  // The labels and values inside the cells are untouched.
  const cv::Rect value(912, 1240, 400, 40);
  EXPECT_NEAR(InkIn(ocr, value), InkIn(display, value), InkIn(display, value) * 0.02);
}

TEST(RuleRemoval, DottedFaxRuleIsErased) {
  auto r = Clean(FormHeader(/*dotted_top=*/true));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty());
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect dots(300, 1196, 550, 14), label(160, 1206, 700, 30);
  EXPECT_GT(InkIn(display, dots), 1000);
  EXPECT_LT(InkIn(ocr, dots), 20) << "the dotted rule was left to merge with the labels";
  EXPECT_NEAR(InkIn(ocr, label), InkIn(display, label), InkIn(display, label) * 0.03);
}

TEST(RuleRemoval, LettersAndDigitsStackedInACellAreNotBorders) {
  // A tall cell under a rule whose label and value start with an "l" and a column of "1"s one
  // above the other, each stroke about a line high, together as long as a cell border: they
  // start at the rule but stop short of the one below, where a border would end.
  cv::Mat page = TextPage(4, 4);
  const int top = 1200, bottom = 1400;
  cv::rectangle(page, {150, top}, {2350, top + 2}, cv::Scalar(0), cv::FILLED);
  cv::rectangle(page, {150, bottom}, {2350, bottom + 2}, cv::Scalar(0), cv::FILLED);
  cv::rectangle(page, {400, top + 6}, {404, top + 34}, cv::Scalar(20), cv::FILLED);   // "l"
  cv::rectangle(page, {400, top + 40}, {404, top + 72}, cv::Scalar(20), cv::FILLED);  // "l"
  for (int k = 0; k < 3; ++k) {  // "1"s of three values, 10 px apart
    const int y = top + 5 + k * 40;
    cv::rectangle(page, {800, y}, {804, y + 29}, cv::Scalar(20), cv::FILLED);
  }
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const cv::Mat display = Mat(r->image);
  const cv::Mat ocr = Mat(r->ocr_image.empty() ? r->image : r->ocr_image);
  for (const cv::Rect strokes : {cv::Rect(396, top + 6, 14, 68), cv::Rect(796, top + 5, 14, 112)}) {
    EXPECT_NEAR(InkIn(ocr, strokes), InkIn(display, strokes), 10) << "letter strokes were erased";
  }
}

// A form line 2000 px (6.7 in) long with a value typed on it along its first 1400 px: the value's
// letters stand on the line over far more than a fifth of its length. `slant` drops the line's
// right end by that many pixels (a warped page, residual skew), the value following it.
cv::Mat ValueOnAFormLine(int slant) {
  cv::Mat page = TextPage(0, 4);
  const int left = 250, right = 2250, y = 1200;
  cv::line(page, {left, y}, {right, y + slant}, cv::Scalar(0), 3, cv::LINE_8);
  for (int k = 0; k < 4; ++k) {
    const int x = left + 20 + k * 350;
    const int baseline = y - 2 + slant * (x - left) / (right - left);
    cv::putText(page, "Morales", {x, baseline}, cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar(20), 3,
                cv::LINE_AA);
  }
  return page;
}

TEST(RuleRemoval, RuleUnderATypedValueIsErased) {
  for (int slant : {0, 14}) {
    SCOPED_TRACE(slant);
    auto r = Clean(ValueOnAFormLine(slant));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_FALSE(r->ocr_image.empty()) << "no rule found";
    const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
    // The stretch of line past the value, and the value's letters.
    const cv::Rect bare(1750, 1190 + slant * 3 / 4, 450, 20 + slant / 4);
    const cv::Rect letters(270, 1150, 1300, 40);
    EXPECT_GT(InkIn(display, bare), 900);
    EXPECT_LT(InkIn(ocr, bare), 20) << "the line stayed under the value";
    EXPECT_NEAR(InkIn(ocr, letters), InkIn(display, letters), InkIn(display, letters) * 0.02);
  }
}

// Regression: a fax modem's lost scan row, printed as a black line 1-2 px thick, ran through a row
// of a two-column history and physical from the left column's text across the 0.28 inch gutter
// into the right column's. Paper lay on both its sides only over the gutter, under the 0.4 inch
// a rule's bare stretch needed, so it stayed; the recognizer joined the two columns' words across
// it into one ("rash-er——Lungs:_Decreased"), no gutter was left between them, and the page was
// read row by row across both columns (1269 errors of 2465 characters; 137 once erased).
TEST(RuleRemoval, FaxStreakThroughTwoColumnsOfTextIsErased) {
  cv::Mat page(3300, 2550, CV_8UC1, cv::Scalar(255));
  const int gutter_left = 1150, gutter_right = 1235, row = 90, streak_row = 5;
  for (int i = 0; i < 12; ++i) {
    // Each column set flush to the gutter: text cut at the column's edge.
    for (const auto& [x0, x1] : {std::pair{150, gutter_left}, std::pair{gutter_right, 2350}}) {
      cv::Mat column = page(cv::Range(240 + i * row, 240 + (i + 1) * row), cv::Range(x0, x1));
      cv::putText(column, kLines[static_cast<size_t>(i) % kLines.size()], {0, 60},
                  cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar(20), 3, cv::LINE_AA);
    }
  }
  const int y = 240 + streak_row * row + 45;  // through the middle of the letters
  cv::line(page, {700, y}, {1900, y}, cv::Scalar(0), 2, cv::LINE_8);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty()) << "no rule found";
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect gutter(gutter_left + 8, y - 8, gutter_right - gutter_left - 16, 16);
  EXPECT_GT(InkIn(display, gutter), 100);
  EXPECT_LT(InkIn(ocr, gutter), 5) << "the streak stayed across the gutter";
  // The rows above and below the streak's are untouched.
  const cv::Rect rows_above(150, 240 + (streak_row - 1) * row, 2200, row);
  const cv::Rect rows_below(150, 240 + (streak_row + 1) * row, 2200, row);
  EXPECT_EQ(InkIn(ocr, rows_above), InkIn(display, rows_above));
  EXPECT_EQ(InkIn(ocr, rows_below), InkIn(display, rows_below));
}

// Regression: a lab report's table faxed in standard mode (98 dpi down the page) kept its dotted
// row rules only as dashes 0.15-0.3 inch long with wider gaps between them, shorter than a rule
// and too far apart to join into one. Left on the page under and beside the results, they were
// read into them ("141" as "bap"; 505 errors of 1442 characters on that page, 340 once erased).
TEST(RuleRemoval, DashesLeftOfADottedFaxRuleAreErased) {
  cv::Mat page = TextPage(0, 3);
  const int y = 1200;
  for (int x = 200; x < 2300; x += 120) {
    cv::rectangle(page, {x, y}, {x + 74, y + 2}, cv::Scalar(0), cv::FILLED);
  }
  cv::putText(page, "Sodium 141 mmol/L", {220, y - 20}, cv::FONT_HERSHEY_SIMPLEX, 1.6,
              cv::Scalar(20), 3, cv::LINE_AA);
  // Dashes in running text, three to a line but far apart: not a rule.
  const int text_y = 1500;
  cv::putText(page, "dose -- 40 mg", {220, text_y}, cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar(20),
              3, cv::LINE_AA);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty()) << "no rule found";
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect dashes(900, y - 6, 1300, 14);  // clear of the letters above
  EXPECT_GT(InkIn(display, dashes), 1000);
  EXPECT_LT(InkIn(ocr, dashes), 20) << "the dashes stayed";
  const cv::Rect letters(200, y - 70, 700, 60), text(200, text_y - 50, 700, 70);
  EXPECT_NEAR(InkIn(ocr, letters), InkIn(display, letters), InkIn(display, letters) * 0.02);
  EXPECT_EQ(InkIn(ocr, text), InkIn(display, text));
}

// Regression: a heavy discharge summary's heading underline was grey, its core darker than ink
// only in stretches. The dashed rule search erased those stretches, and the rest of the rule, and
// each erased stretch's grey outline, stayed as a broken row of grey marks under the heading, read
// as letters ("HOSPITAL COURSE pocee"; 83 errors on that page, 75 once they went).
TEST(RuleRemoval, GreyRestOfAGreyRuleErasedInStretchesGoesWithIt) {
  cv::Mat page = TextPage(0, 3);
  const int y = 1200, left = 200, right = 2300;
  cv::putText(page, "HOSPITAL COURSE", {left, y - 12}, cv::FONT_HERSHEY_SIMPLEX, 1.6,
              cv::Scalar(20), 4, cv::LINE_AA);
  // A rule 4 px thick with lighter edges: mid grey, darker than ink in 0.2 inch stretches 0.35
  // inch apart.
  page(cv::Range(y - 1, y), cv::Range(left, right)).setTo(215);
  page(cv::Range(y + 4, y + 5), cv::Range(left, right)).setTo(215);
  page(cv::Range(y, y + 4), cv::Range(left, right)).setTo(185);
  for (int x = left; x + 60 < right; x += 105) {
    page(cv::Range(y, y + 4), cv::Range(x, x + 60)).setTo(110);
  }
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty()) << "no rule found";
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect rule(left + 700, y - 3, 1300, 10);  // right of the heading's letters
  cv::Mat grey_left;
  cv::compare(ocr(rule), 235, grey_left, cv::CMP_LT);
  EXPECT_GT(InkIn(display, rule), 1000);
  EXPECT_LT(cv::countNonZero(grey_left), 30) << "grey rest of the rule stayed";
  const cv::Rect letters(left, y - 80, 650, 66);
  EXPECT_NEAR(InkIn(ocr, letters), InkIn(display, letters), InkIn(display, letters) * 0.02);
}

// A signature line 1200 px long under the label "Physician Signature", with a scribble 0.3 in tall
// along its first 1050 px whose loops run down onto the line over a third of its length. `dense`
// draws a solid logo 0.3 in square on the line instead: print, not a scribble.
cv::Mat SignatureBlock(bool dense) {
  cv::Mat page = TextPage(0, 4);
  const int left = 300, right = 1500, y = 1300;
  cv::line(page, {left, y}, {right, y}, cv::Scalar(0), 3, cv::LINE_8);
  cv::putText(page, "Physician Signature", {left, y + 60}, cv::FONT_HERSHEY_SIMPLEX, 1.4,
              cv::Scalar(20), 3, cv::LINE_AA);
  if (dense) {
    cv::rectangle(page, {left + 100, y - 92}, {left + 190, y - 2}, cv::Scalar(0), cv::FILLED);
    return page;
  }
  std::vector<cv::Point> scribble;
  for (int x = left + 10; x < left + 1050; x += 3) {
    const double loop = std::pow(std::abs(std::sin((x - left) / 50.0)), 4);
    scribble.push_back({x, y - 2 - static_cast<int>(90 * loop)});
  }
  cv::polylines(page, scribble, false, cv::Scalar(0), 4, cv::LINE_AA);
  return page;
}

TEST(RuleRemoval, SignatureOnItsLineIsErasedWithTheLine) {
  // Left without its line, the scribble's loops would be cut into letters read into the label.
  auto r = Clean(SignatureBlock(/*dense=*/false));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty());
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect signature(300, 1200, 1210, 110), label(290, 1320, 700, 50);
  EXPECT_GT(InkIn(display, signature), 5000);
  EXPECT_LT(InkIn(ocr, signature), 50) << "the signature or its line was left";
  EXPECT_NEAR(InkIn(ocr, label), InkIn(display, label), InkIn(display, label) * 0.02);
}

TEST(RuleRemoval, SolidMarkOnALineIsNotASignature) {
  auto r = Clean(SignatureBlock(/*dense=*/true));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty());
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect logo(405, 1213, 80, 80);
  EXPECT_GT(InkIn(display, logo), 6000);
  EXPECT_NEAR(InkIn(ocr, logo), InkIn(display, logo), 20) << "a solid mark was erased";
}

TEST(RuleRemoval, StampFrameOnARuleIsNotASignature) {
  // A "RECEIVED" stamp turned 4 degrees, its frame standing on a table rule: as sparse as a
  // scribble inside its box, but its ink runs along the sides of a rectangle, round print.
  cv::Mat page = TextPage(0, 4);
  cv::line(page, {300, 1300}, {1500, 1300}, cv::Scalar(0), 3, cv::LINE_8);
  const cv::RotatedRect frame({800, 1215}, {520, 160}, 4);
  cv::Point2f corner[4];
  frame.points(corner);
  for (int i = 0; i < 4; ++i) {
    cv::line(page, corner[i], corner[(i + 1) % 4], cv::Scalar(60), 5, cv::LINE_AA);
  }
  cv::putText(page, "RECEIVED", {600, 1240}, cv::FONT_HERSHEY_SIMPLEX, 2.0, cv::Scalar(60), 5,
              cv::LINE_AA);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty());
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect top_of_frame(560, 1120, 480, 60), left_side(530, 1150, 40, 120);
  for (const cv::Rect part : {top_of_frame, left_side}) {
    EXPECT_GT(InkIn(display, part), 500);
    EXPECT_NEAR(InkIn(ocr, part), InkIn(display, part), 20) << "the stamp's frame was erased";
  }
}

TEST(RuleRemoval, RotatingTheCleanedPageRotatesTheOcrImageToo) {
  auto r = Clean(RuledTable(3));
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->ocr_image.empty());
  RotateCleanedPage(*r, 90);
  EXPECT_EQ(r->ocr_image.width(), r->image.width());
  EXPECT_EQ(r->ocr_image.height(), r->image.height());
  EXPECT_EQ(r->ocr_view().data(), r->ocr_image.view().data());
}

TEST(CleanPage, FaxStoredAsGreyIsCleanedLikeAOneBitFax) {
  // A standard-mode fax some program converted to 8-bit grey: only 0 and 255, but not flagged
  // bilevel. Enlarged without smoothing its glyphs stayed staircases three pixels a step; cleaned
  // with a grey scan's thresholds and without the rescue of dotted letters, a 98 dpi fax stored
  // so read "VOonSeyy 2003" for a date the one-bit file gave whole.
  cv::Mat page = TextPage();
  cv::Mat fax;
  cv::resize(page, fax, {}, 204.0 / 300, 98.0 / 300, cv::INTER_AREA);
  cv::threshold(fax, fax, 160, 255, cv::THRESH_BINARY);
  const auto stored = [&](bool bilevel) {
    ImageView view(fax.data, fax.cols, fax.rows, PixelFormat::kGray8, fax.step);
    return CleanPage(view, Resolution{204, 98}, bilevel, {});
  };
  auto one_bit = stored(true), grey = stored(false);
  ASSERT_TRUE(one_bit.ok() && grey.ok());
  EXPECT_EQ(one_bit->quality.noise, grey->quality.noise);
  for (const auto& [a, b] : {std::pair{Mat(one_bit->image), Mat(grey->image)},
                             std::pair{Mat(one_bit->ocr_view()), Mat(grey->ocr_view())}}) {
    ASSERT_EQ(a.size(), b.size());
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    EXPECT_EQ(cv::countNonZero(diff), 0) << "the grey-stored fax was cleaned otherwise";
  }
}

TEST(SpeckRemoval, StraySpecksLeaveTheOcrImageButDotsOfLettersStay) {
  cv::Mat page = TextPage(0, 4);
  // A row of letter-sized marks with a toner speck (3 px across) 13 px under each: near enough
  // to text to survive speckle removal, too far to be part of a letter.
  for (int k = 0; k < 20; ++k) {
    const int x = 200 + k * 60;
    cv::rectangle(page, {x, 1500}, {x + 29, 1544}, cv::Scalar(20), cv::FILLED);
    cv::rectangle(page, {x + 14, 1558}, {x + 16, 1560}, cv::Scalar(30), cv::FILLED);
  }
  // A lone "i": a 5 px dot 6 px above its stem.
  cv::rectangle(page, {1800, 1500}, {1805, 1544}, cv::Scalar(20), cv::FILLED);
  cv::rectangle(page, {1801, 1489}, {1805, 1493}, cv::Scalar(20), cv::FILLED);
  auto r = Clean(page);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->ocr_image.empty());
  const cv::Mat display = Mat(r->image), ocr = Mat(r->ocr_image);
  const cv::Rect specks(200, 1552, 1200, 14);
  EXPECT_GT(InkIn(display, specks), 60);
  EXPECT_LT(InkIn(ocr, specks), 5);
  EXPECT_GT(InkIn(ocr, {1799, 1487, 9, 9}), 15) << "the dot of the i was erased";
  const cv::Rect text(150, 230, 2200, 300);
  EXPECT_NEAR(InkIn(ocr, text), InkIn(display, text), InkIn(display, text) * 0.01);
}

// The noise of a lightly degraded scan leaves specks of a few pixels where a period would stand,
// 9 px after a letter, and the recognizer read them as punctuation ("Results.", "81.2."). They
// leave the OCR image; as small a fragment 1 px off its stroke stays, and on a bilevel (fax)
// source, whose scan lines break thin strokes into such dots, the specks stay too.
TEST(SpeckRemoval, TinySpecksBesideLettersLeaveTheOcrImageButNotFragmentsOfStrokes) {
  for (const bool bilevel : {false, true}) {
    cv::Mat page = TextPage(0, 4);
    for (int k = 0; k < 20; ++k) {
      const int x = 200 + k * 60;
      cv::rectangle(page, {x, 1500}, {x + 29, 1544}, cv::Scalar(0), cv::FILLED);
      cv::rectangle(page, {x + 39, 1540}, {x + 41, 1542}, cv::Scalar(0), cv::FILLED);
      cv::rectangle(page, {x + 31, 1510}, {x + 33, 1512}, cv::Scalar(0), cv::FILLED);
    }
    if (bilevel) cv::threshold(page, page, 128, 255, cv::THRESH_BINARY);
    auto r = Clean(page, kDpi, bilevel);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const cv::Mat display = Mat(r->image),
                  ocr = Mat(r->ocr_image.empty() ? r->image : r->ocr_image);
    int specks_display = 0, specks_ocr = 0, fragments_ocr = 0;
    for (int k = 0; k < 20; ++k) {
      const int x = 200 + k * 60;
      specks_display += InkIn(display, {x + 38, 1539, 5, 5});
      specks_ocr += InkIn(ocr, {x + 38, 1539, 5, 5});
      fragments_ocr += InkIn(ocr, {x + 31, 1510, 3, 3});
    }
    EXPECT_GT(specks_display, 20 * 6) << "bilevel " << bilevel;
    if (bilevel) {
      EXPECT_GT(specks_ocr, 20 * 6);
    } else {
      EXPECT_LT(specks_ocr, 5);
    }
    EXPECT_GT(fragments_ocr, 20 * 6) << "bilevel " << bilevel;
  }
}

TEST(EncodeForDisplay, WritesPng) {
  auto r = Clean(TextPage());
  ASSERT_TRUE(r.ok());
  auto enc = EncodeForDisplay(*r);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(enc->format, "png");
  ASSERT_GT(enc->bytes.size(), 8u);
  EXPECT_EQ(enc->bytes.substr(1, 3), "PNG");
  EXPECT_EQ(enc->width, r->image.width());
}

// The display PNG of a grey page is written by cleanup itself (libpng, one row filter); it must
// decode to exactly the cleaned pixels.
TEST(EncodeForDisplay, GreyPngDecodesToTheCleanedPixels) {
  auto r = Clean(TextPage());
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->quality.binarized);
  auto enc = EncodeForDisplay(*r);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  const cv::Mat bytes(1, static_cast<int>(enc->bytes.size()), CV_8UC1, enc->bytes.data());
  const cv::Mat decoded = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(decoded.type(), CV_8UC1);
  const ImageView v = r->image.view();
  const cv::Mat cleaned(v.height(), v.width(), CV_8UC1, const_cast<std::uint8_t*>(v.data()),
                        static_cast<size_t>(v.stride()));
  ASSERT_EQ(decoded.size(), cleaned.size());
  EXPECT_EQ(cv::countNonZero(decoded != cleaned), 0);
}

// A view of part of a grey page is a window into rows longer than it: the PNG must hold the
// window's pixels, row by row, not the bytes that follow each of its rows in memory.
TEST(RenderForView, GreyCropDecodesToTheCroppedPixels) {
  Image page(300, 200, PixelFormat::kGray8);
  for (int y = 0; y < page.height(); ++y) {
    for (int x = 0; x < page.width(); ++x) page.row(y)[x] = static_cast<std::uint8_t>(x * 7 + y);
  }
  ViewOptions o;
  o.crop = Box{40, 30, 101, 57};
  o.crop_margin = 0;
  auto enc = RenderForView(page.view(), o);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  ASSERT_EQ(enc->format, "png");
  const cv::Mat bytes(1, static_cast<int>(enc->bytes.size()), CV_8UC1, enc->bytes.data());
  const cv::Mat decoded = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(decoded.type(), CV_8UC1);
  ASSERT_EQ(decoded.cols, 101);
  ASSERT_EQ(decoded.rows, 57);
  int wrong = 0;
  for (int y = 0; y < decoded.rows; ++y) {
    for (int x = 0; x < decoded.cols; ++x)
      wrong += decoded.at<std::uint8_t>(y, x) != page.row(30 + y)[40 + x];
  }
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace chartscan::cleanup
