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

TEST(DoubtfulSegments, LineIsCutAtWideGapsAndOnlyItsDoubtfulPartIsReadAgain) {
  // "North Fork Surgical Center" read well, then 700 px further the address lines read as garbage.
  Page p;
  p.Line(463, 299, {{"North", 96}, {"Fork", 96}, {"Surgical", 96}, {"Center", 96}});
  p.raw.push_back({"mam", {2039, 295, 81, 27}, 4, 0});
  p.raw.push_back({"hinivientt", {2132, 294, 308, 79}, 0, 0});
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

TEST(DoubtfulSegments, AtMostEightAPage) {
  Page p;
  for (int i = 0; i < 20; ++i) p.Line(300, 100 + 50 * i, {{"xx", static_cast<float>(i)}});
  const auto segments = DoubtfulSegments(p.raw, p.lines, 30);
  ASSERT_EQ(segments.size(), static_cast<size_t>(kMaxRereads));
  EXPECT_EQ(segments.front().confidence, 0);
  EXPECT_EQ(segments.back().confidence, 7);
}

}  // namespace
}  // namespace chartscan::ocr
