// The word filters of the Tesseract adapter, on word boxes and confidences alone (word_filter.h is
// private to the ocr stage; its directory is on this test's include path).
#include "word_filter.h"

#include <gtest/gtest.h>

namespace chartscan::ocr {
namespace {

constexpr int kWidth = 2550, kHeight = 3300;  // a letter page at 300 dpi

// A page of words: each Line() call adds one Tesseract line of words 30 px high, 18 px a character.
struct Page {
  std::vector<RawWord> raw;
  std::vector<LayoutLine> lines;

  void Line(int x, int y, std::vector<std::pair<std::string, float>> words, int height = 30) {
    LayoutLine line;
    for (const auto& [text, confidence] : words) {
      RawWord w;
      w.text = text;
      w.box = {x, y, 18 * static_cast<int>(text.size()), height};
      w.confidence = confidence;
      w.line = static_cast<int>(lines.size());
      x = w.box.right() + 15;
      line.words.push_back(static_cast<int>(raw.size()));
      line.box = line.box.United(w.box);
      raw.push_back(std::move(w));
    }
    lines.push_back(std::move(line));
  }

  // Body text read well: ten lines of ordinary words, so the page reads well overall.
  void Body() {
    for (int i = 0; i < 10; ++i) {
      Line(300, 600 + 50 * i, {{"Patient", 95}, {"tolerated", 96}, {"the", 97}, {"procedure", 94}});
    }
  }

  std::vector<std::string> Kept() const {
    std::vector<std::string> out;
    for (const LayoutLine& l : lines) {
      for (int i : l.words) out.push_back(raw[static_cast<size_t>(i)].text);
    }
    return out;
  }
  bool Has(const std::string& word) const {
    const auto kept = Kept();
    return std::find(kept.begin(), kept.end(), word) != kept.end();
  }
};

TEST(WordFilter, SpaceAtTheStartOfAWordIsTrimmedWithItsCharacterBox) {
  // A heavy operative report's record number came back as " £3273481-" and was not found after
  // its label "MR#".
  RawWord w;
  w.text = " E12 ";
  w.symbols = {{0, 2, 1}, {3, 10, 2}, {11, 18, 3}, {19, 26, 4}, {27, 29, 5}};
  TrimWordSpaces(w);
  EXPECT_EQ(w.text, "E12");
  ASSERT_EQ(w.symbols.size(), 3u);
  EXPECT_EQ(w.symbols.front().left, 3);
  EXPECT_EQ(w.symbols.back().end, 3u);
  RawWord plain;
  plain.text = "E12";
  plain.symbols = {{3, 10, 1}, {11, 18, 2}, {19, 26, 3}};
  TrimWordSpaces(plain);
  EXPECT_EQ(plain.text, "E12");
  EXPECT_EQ(plain.symbols.size(), 3u);
}

TEST(WordFilter, LineOfDoubtfulFragmentsAtThePageEdgeIsNoise) {
  // The remains of a noisy scanner border 50 px below the top edge, read at 43 and 46.
  Page p;
  p.Body();
  p.Line(1200, 50, {{"wee", 43}});
  p.Line(1130, 72, {{"Ses", 46}});
  DropImplausibleWords(p.raw, p.lines, kWidth, kHeight, 300);
  EXPECT_FALSE(p.Has("wee"));
  EXPECT_FALSE(p.Has("Ses"));
  EXPECT_TRUE(p.Has("procedure"));
}

TEST(WordFilter, DoubtfulWordOfAFaxHeaderAtTheEdgeIsKept) {
  // A fax header line set 40 px from the top: one word read at 45 among words read well.
  Page p;
  p.Body();
  p.Line(100, 40, {{"05/14/2020", 93}, {"FROM:", 45}, {"Prairie", 91}, {"FAX", 92}});
  DropImplausibleWords(p.raw, p.lines, kWidth, kHeight, 300);
  EXPECT_TRUE(p.Has("FROM:"));
}

TEST(WordFilter, LineOfFaintFragmentsOnAWellReadPageIsNoise) {
  // Speckled remains of bleed-through beside a letterhead, mid-page: short fragments read at 23-35.
  Page p;
  p.Body();
  p.Line(1317, 263, {{"mee", 28}, {"ME", 35}, {"Ee", 26}, {"sy", 23}});
  DropImplausibleWords(p.raw, p.lines, kWidth, kHeight, 300);
  EXPECT_TRUE(p.Kept().size() == 40u) << "only the body is left";
  EXPECT_FALSE(p.Has("mee"));
}

TEST(WordFilter, LineOfRealWordsReadBadlyIsKept) {
  // A garbled lab row and a lone last word of a sentence keep words of 4+ letters: kept for search.
  Page p;
  p.Body();
  p.Line(300, 1200, {{"Yotal", 30}, {"Bilirubin,", 25}, {"9", 20}});
  p.Line(300, 1250, {{"morning.", 37}});
  DropImplausibleWords(p.raw, p.lines, kWidth, kHeight, 300);
  EXPECT_TRUE(p.Has("Bilirubin,"));
  EXPECT_TRUE(p.Has("morning."));
}

TEST(WordFilter, FragmentsOnAPageReadBadlyThroughoutAreKept) {
  // A poor fax: every line doubtful. Nothing says which lines are noise, so none is dropped.
  Page p;
  for (int i = 0; i < 10; ++i) p.Line(300, 600 + 50 * i, {{"Sod", 35}, {"ium", 38}, {"13B", 30}});
  DropImplausibleWords(p.raw, p.lines, kWidth, kHeight, 300);
  EXPECT_EQ(p.Kept().size(), 30u);
}

TEST(WordFilter, BarFarShorterThanTheTextIsASpeckHoweverSurelyRead) {
  // Regression: a 2 px speck read "|" at 72 between a record number and a birth date on a form's
  // row cost the birth date. A bar of full height (a table rule) and a short period stay.
  Page p;
  p.Body();
  p.Line(300, 1200, {{"W4057953", 83}, {"|", 72}, {"07/15/1970", 96}});
  p.raw.back().box.x += 400;
  p.raw[p.raw.size() - 2].box = {p.raw[p.raw.size() - 3].box.right() + 11, 1200, 2, 2};
  p.Line(300, 1300, {{"Na", 95}, {"|", 90}, {"140", 94}, {".", 90}});
  p.raw.back().box.height = 6;
  DropImplausibleWords(p.raw, p.lines, kWidth, kHeight, 300);
  const std::vector<std::string> kept = p.Kept();
  ASSERT_EQ(kept.size(), 46u);
  EXPECT_EQ(std::vector<std::string>(kept.begin() + 40, kept.end()),
            (std::vector<std::string>{"W4057953", "07/15/1970", "Na", "|", "140", "."}));
}

TEST(LoneDoubtfulWords, ShortWordAloneOnItsLineReadWithDoubtIsNoise) {
  // Specks and a signature's piece beside a heavy discharge summary's text, read at 52 and 49.
  Page p;
  p.Body();
  p.Line(486, 290, {{"\u00ABot", 52}});
  p.Line(462, 2233, {{"LAV", 49}});
  DropLoneDoubtfulWords(p.raw, p.lines);
  EXPECT_FALSE(p.Has("\u00ABot"));
  EXPECT_FALSE(p.Has("LAV"));
  EXPECT_EQ(p.Kept().size(), 40u);
}

TEST(LoneDoubtfulWords, LoneWordsReadWellOrLongAndWordsInLinesAreKept) {
  Page p;
  p.Body();
  p.Line(300, 1200, {{"Page", 91}});            // read well
  p.Line(300, 1250, {{"Electronically", 45}});  // long: garbled text, still found by search
  p.Line(300, 1300, {{"Sodium", 95}, {"g/dL", 45}});
  DropLoneDoubtfulWords(p.raw, p.lines);
  EXPECT_TRUE(p.Has("Page"));
  EXPECT_TRUE(p.Has("Electronically"));
  EXPECT_TRUE(p.Has("g/dL"));
}

TEST(LoneDoubtfulWords, OnAPageReadBadlyThroughoutLoneWordsAreKept) {
  Page p;
  for (int i = 0; i < 10; ++i) p.Line(300, 600 + 50 * i, {{"Sod", 35}});
  DropLoneDoubtfulWords(p.raw, p.lines);
  EXPECT_EQ(p.Kept().size(), 10u);
}

TEST(GarbledLines, LineOfShortWordsReadBadlyIsNoise) {
  // Show-through left grey on a heavy operative report, read as words at 0-70.
  Page p;
  p.Body();
  p.Line(300, 1200, {{"ka", 70}, {"ae,", 28}, {"pt", 5}, {"ote", 0}, {"$e", 32}, {"ma", 48}});
  p.Line(300, 1300, {{"ps", 32}, {"TH", 21}, {"E", 21}, {"GEA", 16}, {"EL", 38}, {"RE", 45}});
  DropGarbledLines(p.raw, p.lines);
  EXPECT_TRUE(p.Has("ka"));  // one word read at 70: perhaps text
  EXPECT_FALSE(p.Has("GEA"));
  EXPECT_EQ(p.Kept().size(), 46u);
}

TEST(GarbledLines, GarbledLineWithALongWordOrOnAPageReadBadlyIsKept) {
  Page p;
  p.Body();
  p.Line(300, 1200, {{"Hhysiciat", 7}, {"Signature", 0}});
  p.Line(300, 1300, {{"Hy", 29}, {"nanatremia", 29}});
  DropGarbledLines(p.raw, p.lines);
  EXPECT_EQ(p.Kept().size(), 44u);

  Page fax;  // every line read with doubt: a poor fax, whose short words are all there is
  for (int i = 0; i < 6; ++i) fax.Line(300, 600 + 50 * i, {{"Pt", 30}, {"is", 40}, {"ok", 20}});
  DropGarbledLines(fax.raw, fax.lines);
  EXPECT_EQ(fax.Kept().size(), 18u);
}

TEST(DoubtfulSegments, LineIsCutAtWideGapsAndOnlyItsDoubtfulPartIsReadAgain) {
  // "North Fork Surgical Center" read well, then 700 px further the address lines read as garbage.
  Page p;
  p.Line(463, 299, {{"North", 96}, {"Fork", 96}, {"Surgical", 96}, {"Center", 96}});
  p.raw.push_back({"mam", {2039, 295, 81, 27}, 4, 0, {}});
  p.raw.push_back({"hinivientt", {2132, 294, 308, 79}, 0, 0, {}});
  p.lines[0].words.push_back(4);
  p.lines[0].words.push_back(5);
  p.Line(300, 600, {{"Hospital", 45}, {"day", 40}, {"3.", 50}});  // doubtful, no gap
  p.Line(300, 700, {{"She", 95}, {"reports", 96}});
  const auto segments = DoubtfulSegments(p.raw, p.lines, 30);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].words, (std::vector<int>{4, 5}));  // least confident first
  EXPECT_EQ(segments[0].line, 0u);
  EXPECT_EQ(segments[0].box, (Box{2039, 294, 401, 79}));
  EXPECT_EQ(segments[1].line, 1u);
  EXPECT_EQ(segments[1].words.size(), 3u);
}

TEST(DoubtfulSegments, TwoLinesReadAsOneAreReadAgainThoughTheirMeanIsFair) {
  // A letterhead's "Phone (614) 555-0136" over "Fax (614) 555-0175", set tight, read as one line
  // of words twice the text's height: "Phone era 2e0 0136", mean confidence 54.
  Page p;
  p.Line(1960, 263, {{"Phone", 96}, {"era", 41}, {"2e0", 0}, {"0136", 81}}, 61);
  // A title of that height read well, and a line of the text's height with one doubtful word,
  // are not.
  p.Line(266, 203, {{"Mercy", 96}, {"Ridge", 96}, {"Health", 95}, {"Center", 96}}, 62);
  p.Line(300, 700, {{"She", 95}, {"reports", 20}, {"less", 96}, {"pain", 96}});
  const auto segments = DoubtfulSegments(p.raw, p.lines, 30);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0].line, 0u);
  EXPECT_EQ(segments[0].words.size(), 4u);
}

TEST(DoubtfulSegments, AtMostEightAPage) {
  Page p;
  for (int i = 0; i < 20; ++i) p.Line(300, 100 + 50 * i, {{"xx", static_cast<float>(i)}});
  const auto segments = DoubtfulSegments(p.raw, p.lines, 30);
  ASSERT_EQ(segments.size(), static_cast<size_t>(kMaxRereads));
  EXPECT_EQ(segments.front().confidence, 0);
  EXPECT_EQ(segments.back().confidence, 7);
}

TEST(DoubtfulNumbers, IdentifiersDatesAndValuesReadWithDoubtAreReadAgain) {
  Page p;
  p.Body();
  p.Line(300, 100, {{"NPI:", 90}, {"WS11894622", 0}, {"MRN:", 92}, {"K286409%", 32}});
  p.Line(300, 150, {{"DOB:", 90}, {"16-Sep-2003", 29}, {"Glucose", 40}, {"1989583087", 95}});
  const auto doubtful = DoubtfulNumbers(p.raw, p.lines);
  std::vector<std::string> texts;
  for (int i : doubtful) texts.push_back(p.raw[static_cast<size_t>(i)].text);
  // The least confident first; a word read well and a doubtful word of letters are left alone.
  EXPECT_EQ(texts, (std::vector<std::string>{"WS11894622", "16-Sep-2003", "K286409%"}));
}

TEST(DoubtfulNumbers, ShortNumbersAndWordsWithAFewDigitsAreNotNumbers) {
  EXPECT_FALSE(IsNumberShaped("123"));      // too short to be worth a second look
  EXPECT_FALSE(IsNumberShaped("SpO2"));     // a word with a digit
  EXPECT_FALSE(IsNumberShaped("RAD39Z1"));  // three digits of seven
  EXPECT_TRUE(IsNumberShaped("RAD3921399"));
  EXPECT_TRUE(IsNumberShaped("03/14/1952"));
  EXPECT_TRUE(IsNumberShaped("14-Mar-1952"));
}

TEST(DoubtfulNumbers, AtMostTwelveAPage) {
  Page p;
  for (int i = 0; i < 20; ++i) p.Line(300, 100 + 50 * i, {{"12345", static_cast<float>(i)}});
  const auto doubtful = DoubtfulNumbers(p.raw, p.lines);
  ASSERT_EQ(doubtful.size(), static_cast<size_t>(kMaxNumberRereads));
  EXPECT_EQ(p.raw[static_cast<size_t>(doubtful.back())].confidence, kMaxNumberRereads - 1);
}

TEST(DoubtfulNumbers, SecondReadingMustBeANumberAndSurer) {
  EXPECT_TRUE(NumberRereadIsBetter(0, "1511894622", 97));
  EXPECT_TRUE(NumberRereadIsBetter(59, "1989583087", 91));
  EXPECT_FALSE(NumberRereadIsBetter(59, "1989583087", 70));  // not surer by enough
  // Under the floor: a heavy page's "2.$72.001A" (S72.001A, which code repair can restore) read
  // again as "2.872.001A" at 57, a fax's NPI as "1811894622" at 59.
  EXPECT_FALSE(NumberRereadIsBetter(9, "2.872.001A", 57));
  EXPECT_FALSE(NumberRereadIsBetter(18, "1811894622", 59));
  EXPECT_FALSE(NumberRereadIsBetter(10, "Sodium", 95));  // a word, not a number
}

TEST(DoubtfulNumbers, SecondReadingReplacesTheNumberNotTheMarksAtItsEnds) {
  EXPECT_EQ(MergeNumberReread("WS11894622", "1511894622"), "1511894622");
  EXPECT_EQ(MergeNumberReread("555-0158", "555-0158:"), "555-0158");
  EXPECT_EQ(MergeNumberReread("13:12.", "13:12:"), "13:12.");
  EXPECT_EQ(MergeNumberReread("(8O061),", "80061)"), "(80061),");
  EXPECT_EQ(MergeNumberReread("\u2018548411430", "548411430"), "\u2018548411430");
  EXPECT_EQ(MergeNumberReread("=60900)\u2014", "0900"), "=0900)\u2014");
}

constexpr Box kPage{0, 0, kWidth, kHeight};

// Letter-size marks (height 16-24 px for words 30 px high) of a word at (x, y).
std::vector<Box> Marks(int x, int y, int letters) {
  std::vector<Box> out;
  for (int i = 0; i < letters; ++i)
    out.push_back({x + 18 * i, y + (i % 2 ? 6 : 0), 14, 24 - 8 * (i % 2)});
  return out;
}

TEST(UncoveredRegions, ColumnOfWordsNoLineCoversIsOneRegion) {
  // Table rows read without their units column: five rows 60 px apart, each with a 4-letter unit.
  std::vector<Box> lines, marks;
  for (int row = 0; row < 5; ++row) {
    const int y = 1000 + 60 * row;
    lines.push_back({280, y, 700, 30});                             // "Total Cholesterol 139"
    lines.push_back({1586, y, 200, 30});                            // "100-199"
    for (const Box& b : Marks(300, y + 3, 12)) marks.push_back(b);  // covered letters
    for (const Box& b : Marks(1314, y + 3, 4)) marks.push_back(b);  // the lost units
  }
  const auto regions = UncoveredRegions(marks, lines, kPage, 30);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].x, 1314);
  EXPECT_EQ(regions[0].y, 1003);
  EXPECT_EQ(regions[0].bottom(), 1003 + 4 * 60 + 24);
}

TEST(UncoveredRegions, RulesBlotsAndLoneMarksAreNoRegion) {
  std::vector<Box> marks = {{100, 500, 1800, 4},   // a rule
                            {100, 600, 6, 300},    // a border
                            {900, 900, 200, 180},  // a blot
                            {1500, 1500, 14, 24},  // two letters, too few for a word
                            {1518, 1500, 14, 24}};
  for (int i = 0; i < 30; ++i) marks.push_back({200 + 40 * i, 2000, 5, 5});  // specks
  EXPECT_TRUE(UncoveredRegions(marks, {}, kPage, 30).empty());
}

TEST(UncoveredRegions, MarksAtThePageEdgeAreNoRegion) {
  // The remains of punch holes and a scanner border within 0.3 inch of the left edge.
  std::vector<Box> marks = Marks(90, 1538, 4);
  for (const Box& b : Marks(90, 1590, 4)) marks.push_back(b);
  EXPECT_EQ(UncoveredRegions(marks, {}, kPage, 30).size(), 1u);
  EXPECT_TRUE(UncoveredRegions(marks, {}, {150, 90, kWidth - 300, kHeight - 180}, 30).empty());
}

TEST(UncoveredRegions, PageOfUncoveredNoiseIsNotReadAgain) {
  std::vector<Box> marks;
  for (int i = 0; i < 3000; ++i) marks.push_back({(i % 60) * 40, (i / 60) * 60, 14, 20});
  EXPECT_TRUE(UncoveredRegions(marks, {}, kPage, 30).empty());
}

TEST(UncoveredRegions, AtMostSixRegionsTheLargestFirst) {
  std::vector<Box> marks;
  for (int r = 0; r < 9; ++r) {
    for (const Box& b : Marks(100 + 250 * r, 100 + 300 * r, 3 + r)) marks.push_back(b);
  }
  const auto regions = UncoveredRegions(marks, {}, kPage, 30);
  ASSERT_EQ(regions.size(), static_cast<size_t>(kMaxRecoveries));
  EXPECT_EQ(regions.front().x, 100 + 250 * 8);
  EXPECT_EQ(regions.back().x, 100 + 250 * 3);
}

// Words in reading order, one line per inner list.
std::vector<Word> Words(const std::vector<std::vector<std::string>>& lines) {
  std::vector<Word> out;
  for (size_t l = 0; l < lines.size(); ++l) {
    for (const std::string& t : lines[l]) out.push_back({t, {}, 90, static_cast<int>(l)});
  }
  return out;
}

std::vector<std::string> Texts(const std::vector<Word>& words) {
  std::vector<std::string> out;
  for (const Word& w : words) out.push_back(w.text);
  return out;
}

TEST(DropStrayPunctuation, PeriodBeforeALowerCaseWordGoes) {
  std::vector<Word> w = Words({{"She", "was.", "found", "to", "have."}, {"chest", "pain."}});
  DropStrayPunctuation(w);
  EXPECT_EQ(Texts(w),
            (std::vector<std::string>{"She", "was", "found", "to", "have", "chest", "pain."}));
}

TEST(DropStrayPunctuation, SentenceEndsAbbreviationsAndNumbersKeepTheirPeriods) {
  std::vector<Word> w = Words({{"chest", "pain.", "She", "improved", "vs.", "placebo", "e.g.",
                                "rest", "on", "day", "2.", "then", "Dr.", "smith", "x."}});
  const std::vector<std::string> before = Texts(w);
  DropStrayPunctuation(w);
  EXPECT_EQ(Texts(w), before);
}

TEST(DropStrayPunctuation, OpeningQuoteWithoutItsCloseGoes) {
  std::vector<Word> w = Words({{"\u2018hyponatremia", "\u2018and", "GERD"}, {"\u201Cwho"}});
  DropStrayPunctuation(w);
  EXPECT_EQ(Texts(w), (std::vector<std::string>{"hyponatremia", "and", "GERD", "who"}));
}

TEST(DropStrayPunctuation, QuotedWordsKeepTheirQuotes) {
  std::vector<Word> w = Words({{"states", "\u201CI", "feel", "fine\u201D", "and", "\u2018ok\u2019",
                                "\u2018patient\u2019s"}});
  const std::vector<std::string> before = Texts(w);
  DropStrayPunctuation(w);
  EXPECT_EQ(Texts(w), before);
}

TEST(DropStrayPunctuation, AClosingQuoteOnTheNextLineDoesNotCount) {
  std::vector<Word> w = Words({{"\u201Cthe"}, {"end\u201D"}});
  DropStrayPunctuation(w);
  EXPECT_EQ(Texts(w), (std::vector<std::string>{"the", "end\u201D"}));
}

// A line of words drawn as blocks of ink, one block 16 x 30 px a character, with the symbol boxes
// Tesseract gives: `gaps[i]` is the gap after character i of the word (3 px where not given).
struct InkLine {
  Image image{1200, 200, PixelFormat::kGray8, 255};
  std::vector<RawWord> raw;
  std::vector<LayoutLine> lines{LayoutLine{}};
  int x = 20;

  void Add(const std::string& text, std::vector<int> gaps = {}, int space = 15) {
    RawWord w;
    w.text = text;
    for (size_t i = 0; i < text.size(); ++i) {
      if (i > 0) x += i - 1 < gaps.size() ? gaps[i - 1] : 3;
      for (int y = 50; y < 80; ++y) {
        std::fill_n(image.data() + y * image.width() + x, 16, std::uint8_t{0});
      }
      w.symbols.push_back({x, x + 16, i + 1});
      x += 16;
    }
    w.box = {w.symbols.front().left, 50, x - w.symbols.front().left, 30};
    w.confidence = 45;
    x += space;
    lines[0].words.push_back(static_cast<int>(raw.size()));
    raw.push_back(std::move(w));
  }
  std::vector<std::string> Texts() const {
    std::vector<std::string> out;
    for (int i : lines[0].words) out.push_back(raw[static_cast<size_t>(i)].text);
    return out;
  }
};

TEST(SplitJoinedWords, InitialRunIntoTheGivenNameIsSplitAtTheSpaceTheImageShows) {
  InkLine l;
  l.Add("Patient:");
  l.Add("RAMOS,");
  l.Add("LISAR", {3, 3, 3, 14});
  l.Add("MR#:");
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 1);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"Patient:", "RAMOS,", "LISA", "R", "MR#:"}));
  const RawWord& lisa = l.raw[static_cast<size_t>(l.lines[0].words[2])];
  const RawWord& r = l.raw[static_cast<size_t>(l.lines[0].words[3])];
  EXPECT_EQ(lisa.box.right(), r.box.x - 14);
  EXPECT_EQ(r.box.width, 16);
  EXPECT_EQ(r.confidence, lisa.confidence);
  ASSERT_EQ(r.symbols.size(), 1u);
  EXPECT_EQ(r.symbols[0].end, 1u);
}

TEST(SplitJoinedWords, EvenlySpacedLettersOfAMonospacedWordStayWhole) {
  InkLine l;
  l.Add("5.0", {12, 12}, 40);
  l.Add("mmol/L", {12, 12, 12, 12, 12}, 40);
  l.Add("3.5-5.1", {12, 12, 12, 12, 12, 12}, 40);
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 0);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"5.0", "mmol/L", "3.5-5.1"}));
}

TEST(SplitJoinedWords, LettersSpacedOutEvenlyInAHeadingStayWhole) {
  // Tracked capitals: every letter gap about as wide as a space, none standing out.
  InkLine l;
  l.Add("ADMISSION", {10, 11, 10, 10, 11, 10, 10, 11}, 14);
  l.Add("HISTORY", {10, 10, 11, 10, 10, 10}, 14);
  l.Add("AND", {10, 11}, 14);
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 0);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"ADMISSION", "HISTORY", "AND"}));
}

TEST(SplitJoinedWords, GapsInsideNumbersAndLowerCaseWordsAreNotSpaces) {
  // Regression: the first draft split "1.56" into "1 .56" (a figure 1 stands apart in a font
  // whose figures share one width) and "provider" into "prov ider" (broken letters on a noisy
  // page).
  InkLine l;
  l.Add("Creatinine");
  l.Add("1.56", {14});
  l.Add("2021", {3, 3, 14});
  l.Add("provider", {3, 3, 3, 14});
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 0);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"Creatinine", "1.56", "2021", "provider"}));
}

TEST(SplitJoinedWords, ASpeckReadAsATrailingMarkStaysWithItsWord) {
  InkLine l;
  l.Add("was");
  l.Add("found.", {3, 3, 3, 3, 16});
  l.Add("in");
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 0);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"was", "found.", "in"}));
}

TEST(SplitJoinedWords, WordWithoutCharacterBoxesIsLeftAlone) {
  InkLine l;
  l.Add("Patient:");
  l.Add("RAMOS,");
  l.Add("LISAR", {3, 3, 3, 14});
  l.raw[2].symbols.clear();  // its text was replaced by a second reading
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 0);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"Patient:", "RAMOS,", "LISAR"}));
}

TEST(SplitJoinedWords, InitialRunIntoTheFamilyNameIsSplitThroughASpeckInTheSpace) {
  // "TOMAS A CARTER" read "ACARTER." on a photocopy with toner specks in the space (two pixels
  // in a 48 px word; here one in 30, the most kSpeckColumnShare lets through).
  InkLine l;
  l.Add("Name:");
  l.Add("TOMAS");
  l.Add("ACARTER.", {15, 3, 3, 3, 3, 3, 3});
  const int speck_x = l.raw[2].symbols[0].right + 7;
  l.image.data()[64 * l.image.width() + speck_x] = 0;
  l.Add("Medical");
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 1);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"Name:", "TOMAS", "A", "CARTER.", "Medical"}));
}

TEST(SplitJoinedWords, ACapitalStandingApartAtTheStartOfAWordInLowerCaseStaysWhole) {
  InkLine l;
  l.Add("Patient");
  l.Add("Asleep", {15});
  l.Add("now");
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 0);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"Patient", "Asleep", "now"}));
}

TEST(SplitJoinedWords, DoseRunIntoItsUnitIsSplit) {
  InkLine l;
  l.Add("Ondansetron");
  l.Add("4mg", {15});
  l.Add("IV");
  l.Add("q6h");
  EXPECT_EQ(SplitJoinedWords(l.image.view(), l.raw, l.lines), 1);
  EXPECT_EQ(l.Texts(), (std::vector<std::string>{"Ondansetron", "4", "mg", "IV", "q6h"}));
}

}  // namespace
}  // namespace chartscan::ocr
