#include <algorithm>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <chartscan/ocr/engine.h>

namespace chartscan::ocr {
namespace {

TEST(OcrOptions, RejectsBadLanguageLists) {
  OcrOptions o;
  o.languages = "";
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o.languages = "eng; rm -rf";
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o.languages = "eng+osd";
  EXPECT_TRUE(o.Validate().ok());
}

TEST(Engine, MissingLanguageDataIsUnavailableNotACrash) {
  OcrOptions o;
  o.languages = "zzz";
  auto engine = Engine::Create(o);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(engine.status().message().find("zzz"), std::string::npos);
}

TEST(Engine, MissingTessdataFolderIsNotFound) {
  OcrOptions o;
  o.tessdata_dir = "/nonexistent/tessdata";
  EXPECT_EQ(Engine::Create(o).status().code(), StatusCode::kNotFound);
}

TEST(Engine, RejectsColourInput) {
  auto engine = Engine::Create({});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  Image rgb(10, 10, PixelFormat::kRgb8);
  EXPECT_EQ((*engine)->Recognize(rgb.view(), 300).status().code(), StatusCode::kInvalidArgument);
}

TEST(Engine, WhitePageHasNoWords) {
  auto engine = Engine::Create({});
  ASSERT_TRUE(engine.ok());
  Image white(1000, 1200, PixelFormat::kGray8, 255);
  auto r = (*engine)->Recognize(white.view(), 300);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->text.words.empty());
  EXPECT_EQ(r->text.text, "");
}

// Reads a fixture page from tests/unit/ocr/data (a cleaned OCR image of a generated page) with a
// fresh engine at 300 dpi.
Result<Recognition> RecognizeFixture(const std::string& name) {
  const char* source = std::getenv("CHARTSCAN_SOURCE_DIR");
  if (source == nullptr) return Status::NotFound("CHARTSCAN_SOURCE_DIR is not set");
  const cv::Mat page =
      cv::imread(std::string(source) + "/tests/unit/ocr/data/" + name, cv::IMREAD_GRAYSCALE);
  if (page.empty()) return Status::NotFound("fixture " + name);
  CHARTSCAN_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Engine::Create({}));
  const ImageView view(page.data, page.cols, page.rows, PixelFormat::kGray8,
                       static_cast<std::ptrdiff_t>(page.step));
  return engine->Recognize(view, 300);
}

// Regression: Tesseract joined the small address lines right of a letterhead's name into the
// name's text line and read them, scaled to the name's height, as "mam hinivientt". The band is a
// crop of the cleaned OCR image of a generated heavy-profile page (accuracy gate seed 20261125,
// page 20).
TEST(Engine, AddressBlockBesideALetterheadIsReadLineByLine) {
  auto r = RecognizeFixture("letterhead_beside_address_block.png");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& text = r->text.text;
  EXPECT_NE(text.find("North Fork Surgical Center\n"), std::string::npos) << text;
  EXPECT_NE(text.find("2289 Jefferson Parkway\n"), std::string::npos) << text;
  EXPECT_NE(text.find("21807"), std::string::npos) << text;
  EXPECT_GE(r->segments_reread, 1);
}

// Regression: the mirrored letterhead of the sheet's back ("Three Rivers Memorial") showed through
// beside this page's letterhead and was read as "jssycc08 ey sui oad?" after its name. The page
// is the cleaned OCR image of a generated heavy-profile page (accuracy gate seed 20261125, page
// 23): Tesseract's layout depends on the whole page, and a crop of the band reads differently.
TEST(Engine, ShowThroughBesideALetterheadIsDropped) {
  auto r = RecognizeFixture("letterhead_with_show_through.png");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& text = r->text.text;
  const std::string first = text.substr(0, text.find('\n'));
  EXPECT_TRUE(first.starts_with("Bayside Surgical Center")) << first;
  // At most one garbage word left of the four read from the show-through.
  EXPECT_LE(std::count(first.begin(), first.end(), ' '), 3) << first;
  EXPECT_NE(text.find("1018 Valley Dr."), std::string::npos) << text;
}

// Regression: Tesseract's layout analysis put the units column of these lab table rows ("K/uL",
// "mg/dL") in no block at all, and they were lost (the tesseract command loses them too). The
// band is a crop of the cleaned OCR image of a generated light-profile page (samplegen --preset
// accuracy --seed 777, page 16), made bilevel to keep the fixture small.
TEST(Engine, TableColumnOutsideEveryBlockIsReadOnItsOwn) {
  auto r = RecognizeFixture("lab_units_column_outside_every_block.png");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& text = r->text.text;
  EXPECT_NE(text.find("Platelets 361 K/uL 150-400\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Total Cholesterol 139 mg/dL 100-199\n"), std::string::npos) << text;
  size_t units = 0;
  for (size_t at = text.find("mg/dL"); at != std::string::npos; at = text.find("mg/dL", at + 1))
    ++units;
  EXPECT_GE(units, 3u) << text;
  EXPECT_GE(r->regions_recovered, 1);
}

// Regression: on a heavy medication administration record (held-out seed 9701, page 16, a PDF),
// Tesseract's layout analysis left the route column ("IV", "SC", "PO") in no block, and its cells,
// two letters each, were read back but dropped: a recovered line needed a word of three letters or
// digits (a logo's "oN" is not text). A column of four or more such lines is kept. The band is a
// crop of that page's cleaned OCR image, made bilevel.
TEST(Engine, ColumnOfTwoLetterCellsOutsideEveryBlockIsKept) {
  auto r = RecognizeFixture("mar_route_column_outside_every_block.png");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& text = r->text.text;
  size_t routes = 0;
  for (size_t at = text.find(" PO daily"); at != std::string::npos;
       at = text.find(" PO daily", at + 1)) {
    ++routes;
  }
  EXPECT_GE(routes, 4u) << text;
  EXPECT_NE(text.find("Amlodipine"), std::string::npos) << text;
}

// Regression: on a faint page the NPI "1989583087" was read "1989983087" at confidence 59 in its
// line; its check digit failed and the document went to review without a provider NPI. Read on
// its own, the number reads whole at 91. The band is a crop of the cleaned OCR image of a
// generated faint-profile page (the assembly gate's 05-faint-more-4.tif, page 2).
TEST(Engine, DoubtfulNumberIsReadAgainOnItsOwn) {
  auto r = RecognizeFixture("faint_npi_misread_in_its_line.png");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& text = r->text.text;
  EXPECT_NE(text.find("NPI #: 1989583087"), std::string::npos) << text;
  EXPECT_GE(r->numbers_reread, 1);
}

// A second look at one value (Engine::ReadLine). On a heavy progress note show-through fused above
// the birth date, and the page's reading gave "oarse/i973" in a box 74 px high. Read on its own in
// its line's text band (the extractor's ValueToReread box), the date reads whole. The band is a
// crop of the cleaned OCR image of a generated heavy-profile page (accuracy gate seed 20261125,
// page 23).
TEST(Engine, ValueReadOnItsOwnInItsLinesTextBand) {
  const char* source = std::getenv("CHARTSCAN_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  const cv::Mat page =
      cv::imread(std::string(source) + "/tests/unit/ocr/data/birth_date_under_show_through.png",
                 cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(page.empty());
  auto engine = Engine::Create({});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  const ImageView view(page.data, page.cols, page.rows, PixelFormat::kGray8,
                       static_cast<std::ptrdiff_t>(page.step));
  auto words = (*engine)->ReadLine(view, 300, {443, 84, 239, 46});
  ASSERT_TRUE(words.ok()) << words.status().ToString();
  ASSERT_EQ(words->size(), 1u);
  EXPECT_EQ((*words)[0].text, "09/26/1973");
  EXPECT_GE((*words)[0].confidence, 80);
  EXPECT_EQ((*engine)->ReadLine(view, 300, {page.cols + 10, 0, 50, 20}).status().code(),
            StatusCode::kInvalidArgument);
  // The engine reads whole pages as before after a line.
  auto whole = (*engine)->Recognize(view, 300);
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(whole->text.words.empty());
}

// Regression: a photocopied history and physical's "Patient: RAMOS, LISA R" was read "RAMOS,
// LISAR" (the recognizer put no space before the initial, 13 px of paper wide, as wide as the
// line's other spaces), and the patient's given name was extracted as "LISAR". The band is a crop
// of the cleaned OCR image of a generated photocopy-profile page (the assembly gate's
// 05-photocopy-2.tif, page 2).
TEST(Engine, InitialRunIntoTheGivenNameIsReadApart) {
  auto r = RecognizeFixture("initial_joined_to_given_name.png");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& text = r->text.text;
  EXPECT_NE(text.find("RAMOS, LISA R "), std::string::npos) << text;
  EXPECT_GE(r->words_split, 1);
}

}  // namespace
}  // namespace chartscan::ocr
