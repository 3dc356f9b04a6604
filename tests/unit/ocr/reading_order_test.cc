#include <algorithm>

#include <gtest/gtest.h>

#include <chartscan/ocr/reading_order.h>

namespace chartscan::ocr {
namespace {

// Builds lines of words from boxes: each inner vector is one Tesseract line of word boxes.
struct Layout {
  std::vector<LayoutLine> lines;
  std::vector<LayoutWord> words;

  void Line(int block, std::vector<Box> boxes) {
    LayoutLine l;
    l.block = block;
    for (const Box& b : boxes) {
      l.words.push_back(static_cast<int>(words.size()));
      words.push_back({b});
      l.box = l.box.United(b);
    }
    lines.push_back(l);
  }
};

// n words of a line set in the test pages' body type: 110 px wide, 130 px apart, `height` tall.
std::vector<Box> Words(int x, int y, int n, int height = 44) {
  std::vector<Box> boxes;
  for (int w = 0; w < n; ++w) boxes.push_back({x + w * 130, y, 110, height});
  return boxes;
}

// The index of the output line that holds `word`, or -1.
int LineOf(const std::vector<LayoutLine>& ordered, int word) {
  for (size_t i = 0; i < ordered.size(); ++i) {
    const auto& w = ordered[i].words;
    if (std::find(w.begin(), w.end(), word) != w.end()) return static_cast<int>(i);
  }
  return -1;
}

// Two runs of words as one Tesseract line across a gutter.
std::vector<Box> Joined(std::vector<Box> left, const std::vector<Box>& right) {
  left.insert(left.end(), right.begin(), right.end());
  return left;
}

std::vector<std::vector<int>> WordOrder(const std::vector<LayoutLine>& lines) {
  std::vector<std::vector<int>> out;
  for (const auto& l : lines) out.push_back(l.words);
  return out;
}

TEST(ReadingOrder, MergesFormLabelAndValueSplitIntoBlocksIntoOneRow) {
  // Tesseract often returns "MRN:" and "00482913" as separate one-line blocks.
  Layout l;
  l.Line(0, {{100, 100, 80, 30}});   // MRN:
  l.Line(1, {{400, 102, 160, 30}});  // 00482913
  l.Line(0, {{100, 150, 80, 30}});   // DOB:
  l.Line(1, {{400, 151, 160, 30}});  // 03/14/1952
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(WordOrder(ordered), (std::vector<std::vector<int>>{{0, 1}, {2, 3}}));
}

TEST(ReadingOrder, ReadsTwoColumnsOfProseDownTheLeftThenTheRight) {
  // Both columns on the same baselines, as when one font and leading run through the page: the
  // length of the lines (8 words) says prose, not form cells.
  Layout l;
  auto prose_line = [&](int block, int x, int y) {
    std::vector<Box> boxes;
    for (int w = 0; w < 8; ++w) boxes.push_back({x + w * 120, y, 100, 30});
    l.Line(block, boxes);
  };
  for (int i = 0; i < 4; ++i) prose_line(0, 100, 200 + i * 50);
  for (int i = 0; i < 4; ++i) prose_line(1, 1300, 200 + i * 50);
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(ordered[static_cast<size_t>(i)].words.front(), i * 8);
}

TEST(ReadingOrder, ReadsTableColumnsSplitIntoBlocksRowByRow) {
  // Three table columns, each returned by Tesseract as its own block.
  Layout l;
  const int ys[] = {500, 550, 600};
  for (int c = 0; c < 3; ++c) {
    for (int y : ys) l.Line(c, {{200 + c * 600, y + c, 150, 30}});
  }
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 3u);
  // Row 0 holds the first cell of each column: words 0, 3, 6.
  EXPECT_EQ(ordered[0].words, (std::vector<int>{0, 3, 6}));
  EXPECT_EQ(ordered[2].words, (std::vector<int>{2, 5, 8}));
}

TEST(ReadingOrder, KeepsHeaderAboveBodyAndFooterBelow) {
  Layout l;
  l.Line(2, {{1000, 3100, 300, 30}});  // Page 1 of 2, listed first by the engine
  l.Line(0, {{900, 100, 600, 50}});    // title
  l.Line(1, {{100, 300, 500, 30}, {620, 300, 500, 30}, {1140, 300, 500, 30}, {1660, 300, 500, 30}});
  l.Line(1, {{100, 350, 500, 30}, {620, 350, 500, 30}, {1140, 350, 500, 30}, {1660, 350, 500, 30}});
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_EQ(ordered.front().words, (std::vector<int>{1}));
  EXPECT_EQ(ordered.back().words, (std::vector<int>{0}));
}

TEST(ReadingOrder, DoesNotMergeConsecutiveLinesOfOneFragmentColumn) {
  Layout l;
  l.Line(0, {{100, 100, 300, 30}});
  l.Line(0, {{100, 135, 300, 30}});  // 5 px apart, no vertical overlap
  auto ordered = OrderLines(l.lines, l.words, 2550);
  EXPECT_EQ(ordered.size(), 2u);
}

// A narrow body under a header whose right-hand cells and address block stand beside the
// letterhead and the left cells (a fax progress note, 2026-12-02): the gutter right of the body
// runs the whole page, and the right-hand cells were read after the body.
Layout HeaderBesideANarrowBody(bool signature_beside_body) {
  Layout l;
  auto line = [&](int block, int x, int y, int n) {
    std::vector<Box> boxes;
    for (int w = 0; w < n; ++w) boxes.push_back({x + w * 110, y, 100, 30});
    l.Line(block, boxes);
  };
  line(0, 100, 100, 4);   // 0: letterhead       | 4: address line 1
  line(1, 1500, 100, 3);  //
  line(0, 100, 150, 3);   // 1: department       | 2: address line 2
  line(1, 1500, 150, 3);  //
  line(2, 100, 200, 3);   // 3: title
  line(3, 100, 250, 4);   // 4: Patient: cell    | MRN cell (middle) | DOB cell (right)
  line(3, 700, 250, 2);
  line(4, 1500, 250, 4);
  line(3, 100, 300, 2);  // 5: Sex: cell        | Encounter cell    | Attending cell
  line(3, 700, 300, 3);
  line(4, 1500, 300, 3);
  for (int i = 0; i < 8; ++i) line(5, 100, 400 + 50 * i, 9);  // body: 9 words, narrow
  if (signature_beside_body) {
    line(6, 1300, 500, 1);  // Signature
    line(6, 1300, 550, 9);  // Electronically signed by ...
  }
  return l;
}

TEST(ReadingOrder, HeaderCellsBesideALetterheadAreReadByRowsBeforeANarrowBody) {
  Layout l = HeaderBesideANarrowBody(false);
  auto ordered = OrderLines(l.lines, l.words, 2550);
  // The header rows come first, each row whole, then the body's eight lines.
  std::vector<int> first_words;
  for (const auto& line : ordered) first_words.push_back(line.words.front());
  ASSERT_GE(ordered.size(), 13u);
  const int body_first = 4 + 3 + 3 + 3 + 3 + 4 + 2 + 4 + 2 + 3 + 3;
  EXPECT_EQ(ordered[ordered.size() - 8].words.front(), body_first);
  // The DOB cell (words 17-20) is read in the row of the Patient cell, before the body.
  bool dob_before_body = false;
  for (std::size_t i = 0; i + 8 < ordered.size(); ++i) {
    for (int w : ordered[i].words) dob_before_body = dob_before_body || w == 20;
  }
  EXPECT_TRUE(dob_before_body);
}

TEST(ReadingOrder, SignatureBlockBesideTheBodyIsReadAfterIt) {
  Layout l = HeaderBesideANarrowBody(true);
  auto ordered = OrderLines(l.lines, l.words, 2550);
  const int signature_first = 4 + 3 + 3 + 3 + 3 + 4 + 2 + 4 + 2 + 3 + 3 + 8 * 9;
  EXPECT_EQ(ordered[ordered.size() - 2].words.front(), signature_first);
}

// Form cells whose label sits a few pixels above its value, with label boxes a little too tall
// (Tesseract's boxes from the accuracy batch, light lab report, 2026-12-02): the boxes touch, and
// the header was read column by column ("Birthdate:", "08/13/1993", ...) instead of by rows.
TEST(ReadingOrder, FormLabelsTouchingTheirValuesAreReadRowByRow) {
  Layout l;
  l.Line(0, {{289, 572, 99, 24}, {397, 572, 91, 24}});    // 0-1 Patient Name:
  l.Line(0, {{288, 606, 301, 31}});                       // 2   Julie A. Mendoza
  l.Line(1, {{843, 572, 112, 24}, {961, 572, 104, 35}});  // 3-4 Medical Record
  l.Line(1, {{842, 604, 216, 33}});                       // 5   0001036047
  l.Line(2, {{1384, 568, 146, 38}});                      // 6   Birthdate:
  l.Line(2, {{1386, 606, 198, 31}});                      // 7   08/13/1993
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(WordOrder(ordered), (std::vector<std::vector<int>>{{0, 1, 3, 4, 6}, {2, 5, 7}}));
}

// A facility's name beside its address block: the name's box spans two address lines, so every
// line has a partner on its baseline and the block looked like a grid. It is read block by block
// (clean radiology report and operative note, 2026-12-02).
TEST(ReadingOrder, LetterheadBesideAnAddressBlockIsReadBlockByBlock) {
  Layout l;
  l.Line(0, {{283, 166, 500, 67}, {800, 166, 576, 67}});  // 0-1 North Fork General Hospital
  l.Line(0, {{282, 246, 622, 40}});                       // 2   Clinical Laboratory Services
  l.Line(1, {{1914, 165, 378, 40}});                      // 3   5229 Meadow Way
  l.Line(1, {{1835, 211, 454, 36}});                      // 4   Centerville, MO 95185
  l.Line(1, {{1877, 257, 413, 31}});                      // 5   Phone 704-555-0194
  l.Line(1, {{1931, 304, 357, 31}});                      // 6   Fax 704-555-0122
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 6u);
  EXPECT_EQ(WordOrder(ordered), (std::vector<std::vector<int>>{{0, 1}, {2}, {3}, {4}, {5}, {6}}));
}

// A lab table's last column ("Ref Range", "<100") stands beside the rest of its rows with a
// gutter only a line high, because a header line above the table reaches almost to it, and the
// page's footer continues that gutter to the bottom: the column was read after the whole page
// (light lab report, 2026-12-02). It is read with its rows.
TEST(ReadingOrder, TableColumnBesideANarrowGutterIsReadWithItsRows) {
  Layout l;
  l.Line(0, {{302, 216, 661, 49}});   // 0 Highland Park Medical Group
  l.Line(0, {{302, 270, 1616, 43}});  // 1 PATIENT: ... (reaches to 1918)
  l.Line(1, {{319, 378, 300, 50},
             {700, 378, 200, 50},
             {1000, 378, 200, 50},
             {1578, 378, 200, 50}});  // 2-5 Component Value Flag Units
  l.Line(1, {{1961, 384, 250, 43}});  // 6 Ref Range
  l.Line(2, {{319, 453, 100, 43}, {700, 453, 60, 43}, {1578, 453, 210, 43}});  // 7-9 BNP 11 pg/mL
  l.Line(2, {{1963, 453, 113, 34}});                                           // 10 <100
  l.Line(3, {{302, 563, 768, 63}});                                            // 11 COMMENTS: ...
  l.Line(3, {{300, 655, 1438, 57}});   // 12 Verified by: ...
  l.Line(4, {{302, 3121, 503, 39}});   // 13 Copy for medical records
  l.Line(4, {{2118, 3121, 219, 39}});  // 14 Page 2 of 2
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 7u);
  EXPECT_EQ(ordered[2].words, (std::vector<int>{2, 3, 4, 5, 6}));
  EXPECT_EQ(ordered[3].words, (std::vector<int>{7, 8, 9, 10}));
  EXPECT_EQ(ordered[6].words, (std::vector<int>{13, 14}));
}

// The right column of a two-column page ends early and holds a few short lines (a diet, the end
// of a service's name); it was taken for header cells beside the top of the left column and
// read with it row by row (photocopied discharge summary, 2026-12-02).
TEST(ReadingOrder, ShortRightColumnOfProseIsStillAColumn) {
  Layout l;
  const int left_lines[] = {3, 2, 5, 1, 6, 5, 2, 7, 7, 7, 7, 7, 7};
  for (int i = 0; i < 13; ++i) l.Line(0, Words(312, 710 + 52 * i, left_lines[i]));
  const int right_lines[] = {7, 6, 2, 5, 3};
  for (int i = 0; i < 5; ++i) l.Line(1, Words(1377, 710 + 52 * i, right_lines[i]));
  l.Line(1, {{2202, 866, 153, 44}});  // "Hospital", split off its line by a wide space
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_GE(ordered.size(), 18u);
  // The left column's 13 lines first, whole, then the right column.
  for (int i = 0; i < 13; ++i) {
    EXPECT_EQ(ordered[static_cast<size_t>(i)].box.x, 312) << i;
  }
}

// Regression: a two-column discharge summary whose right column is short (seed 4711 of the
// accuracy preset, page 18). A header row above and a footer below run across the gutter, so the
// region has none; the widest gap between rows ran under the short right column and through the
// long left one, and was cut first: the left column's end was read after the right column.
TEST(ReadingOrder, LongColumnBesideAShortOneIsReadWholeBetweenSpanningLines) {
  Layout l;
  l.Line(0, Words(363, 560, 14));  // header row across both columns
  for (int i = 0; i < 12; ++i) l.Line(1, Words(361, 650 + 56 * i, 7));  // left column, upper part
  for (int i = 0; i < 6; ++i) l.Line(1, Words(420, 1390 + 56 * i, 6));  // after a 70 px gap
  for (int i = 0; i < 8; ++i) l.Line(2, Words(1383, 650 + 56 * i, 7));  // short right column
  l.Line(3, Words(363, 1900, 14));                                      // footer
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 28u);
  EXPECT_EQ(ordered[0].box.y, 560);
  for (int i = 0; i < 18; ++i) EXPECT_LT(ordered[static_cast<size_t>(1 + i)].box.x, 1000) << i;
  for (int i = 0; i < 8; ++i) EXPECT_EQ(ordered[static_cast<size_t>(19 + i)].box.x, 1383) << i;
  EXPECT_EQ(ordered[27].box.y, 1900);
}

// The same page's header: a title centred over both columns, then label and value cells on both
// sides of the gutter, read by rows before the columns are read down.
TEST(ReadingOrder, FormRowsUnderATitleAboveColumnsAreReadByRows) {
  Layout l;
  l.Line(0, {{854, 500, 300, 61}, {1190, 500, 300, 61}, {1524, 500, 300, 61}});  // title
  l.Line(1, Words(365, 600, 4));   // "Patient Name: Chavez, Robert"
  l.Line(2, Words(1485, 600, 2));  // "MR Number: ..."
  l.Line(1, Words(365, 656, 3));   // "Birth Date: ..."
  l.Line(2, Words(1485, 656, 2));  // "Sex: M"
  for (int i = 0; i < 12; ++i) l.Line(3, Words(361, 750 + 56 * i, 7));  // left column, upper part
  for (int i = 0; i < 6; ++i) l.Line(3, Words(420, 1490 + 56 * i, 6));
  for (int i = 0; i < 8; ++i) l.Line(4, Words(1383, 750 + 56 * i, 7));  // short right column
  l.Line(5, Words(363, 2000, 14));                                      // footer
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 30u);
  EXPECT_EQ(ordered[0].box.y, 500);
  EXPECT_EQ(ordered[1].box.y, 600);  // one row: both cells
  EXPECT_EQ(ordered[1].words.size(), 6u);
  EXPECT_EQ(ordered[2].box.y, 656);
  for (int i = 0; i < 18; ++i) EXPECT_LT(ordered[static_cast<size_t>(3 + i)].box.x, 1000) << i;
  for (int i = 0; i < 8; ++i) EXPECT_EQ(ordered[static_cast<size_t>(21 + i)].box.x, 1383) << i;
  EXPECT_EQ(ordered[29].box.y, 2000);
}

// A signature block set right of the top of a discharge summary's single long column, under a
// letterhead and two form rows too many to peel off: the widest gap between rows (a section
// break, 94 px) ran under the block and through the column, and the block was read between the
// hospital course and the medications (light discharge summary of seed 4711). The lines of the
// block are set in other sizes and do not share the column's baselines.
TEST(ReadingOrder, ShortBlockBesideTheTopOfALongColumnIsReadAfterTheColumn) {
  Layout l;
  l.Line(0, Words(852, 267, 3, 61));   // facility
  l.Line(0, Words(1031, 338, 4, 33));  // address
  l.Line(0, Words(999, 380, 4, 27));   // phone
  l.Line(1, Words(1050, 492, 2, 54));  // title
  l.Line(2, Words(280, 577, 12, 38));  // form row across the page
  l.Line(2, Words(280, 625, 14, 40));  // form row across the page
  std::vector<int> column{673, 740, 834, 898, 954, 1011, 1065, 1122, 1202};
  for (int y = 1263; y <= 1802; y += 47) column.push_back(y);
  column.push_back(1870);  // "Procedures: None." then the section break
  for (int y = 1964; y <= 2889; y += 55) column.push_back(y);
  for (size_t i = 0; i < column.size(); ++i) {
    const int h = i == 0 ? 30 : i == 1 ? 43 : i == 2 ? 48 : 39;  // NPI, diagnosis, heading
    l.Line(3, Words(280, column[i], 3 + static_cast<int>(i % 5), h));
  }
  l.Line(4, Words(1347, 865, 4, 45));   // "Physician Signature  Date"
  l.Line(4, Words(1346, 932, 7, 33));   // "Electronically signed by ..."
  l.Line(5, Words(1224, 3108, 3, 33));  // footer across the gutter
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 6 + column.size() + 3);
  size_t at = 6;
  for (size_t i = 0; i < column.size(); ++i, ++at) EXPECT_EQ(ordered[at].box.y, column[i]) << i;
  EXPECT_EQ(ordered[at++].box.y, 865);
  EXPECT_EQ(ordered[at++].box.y, 932);
  EXPECT_EQ(ordered[at].box.y, 3108);
}

// A signature block right of a discharge summary's diagnosis list, on the list's baselines:
// Tesseract ran each list item and the block's line beside it into one line. The block's labels
// ("Physician Signature", "Date/Time") are two short lines of one row above a long "Electronically
// signed by ..."; counted by lines, the block was mostly short, so it and the list were cut off
// as a grid and read by rows, each item with a piece of the block (seed 777, 235 errors, 100
// after).
TEST(ReadingOrder, SignatureBlockOnTheBaselinesOfAListBesideItIsReadAfterTheColumn) {
  Layout l;
  auto join = [](std::vector<Box> a, const std::vector<Box>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  l.Line(0, Words(308, 898, 2, 30));  // "DISCHARGE DIAGNOSES"
  l.Line(1, join(join(Words(368, 952, 3, 38), Words(1353, 952, 2, 35)), Words(1900, 952, 1, 35)));
  l.Line(1, join(Words(366, 1001, 3, 38), Words(1353, 1004, 8, 35)));
  l.Line(1, join(Words(366, 1043, 5, 46), Words(1353, 1043, 2, 27)));
  l.Line(2, Words(365, 1100, 6, 38));
  l.Line(2, Words(366, 1150, 3, 38));
  std::vector<int> prose;
  for (int y = 1220; y <= 2700; y += 44) prose.push_back(y);
  for (int y : prose) l.Line(3, Words(306, y, 7, 38));
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 1 + 5 + prose.size() + 3);
  const std::vector<int> left{898, 952, 1001, 1043, 1100, 1150};
  for (size_t i = 0; i < left.size(); ++i) {
    EXPECT_EQ(ordered[i].box.y, left[i]) << i;
    EXPECT_LT(ordered[i].box.right(), 1353) << i;
  }
  for (size_t i = 0; i < prose.size(); ++i) EXPECT_EQ(ordered[6 + i].box.y, prose[i]) << i;
  const size_t block = 6 + prose.size();
  EXPECT_EQ(ordered[block].box.y, 952);  // "Physician Signature  Date/Time", one row
  EXPECT_EQ(ordered[block].words.size(), 3u);
  EXPECT_EQ(ordered[block + 1].box.y, 1004);
  EXPECT_EQ(ordered[block + 2].box.y, 1043);
}

// A form of label and value cells in two columns, the left one a row longer: cut between rows,
// the last two rows (one with a lone cell) were three lines, too few to look like a grid alone,
// and read as columns: "Date of Discharge", "Provider NPI", then "Discharging Physician" (a
// discharge summary of seed 777). A band of rows cut from a grid is read by rows like it.
TEST(ReadingOrder, LastRowsOfAFormWithALoneCellAreReadByRows) {
  Layout l;
  l.Line(0, Words(325, 592, 3, 35));   // "Name: Jackson, Judith"
  l.Line(0, Words(1215, 592, 4, 35));  // "Medical Record #: 00390127"
  l.Line(0, Words(325, 636, 4, 31));   // "Date of Birth: 05/28/1922"
  l.Line(0, Words(1215, 636, 4, 31));  // "Date of Admission: 06/05/2020"
  l.Line(0, Words(325, 679, 4, 38));   // "Date of Discharge: 06/10/2020"
  l.Line(0, Words(1215, 679, 5, 39));  // "Discharging Physician: Dr. Andrew Howard"
  l.Line(0, Words(325, 722, 3, 31));   // "Provider NPI: 1100518541"
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_EQ(ordered[0].words.size(), 7u);
  EXPECT_EQ(ordered[1].words.size(), 8u);
  EXPECT_EQ(ordered[2].box.y, 679);
  EXPECT_EQ(ordered[2].words.size(), 9u);
  EXPECT_EQ(ordered[3].box.y, 722);
}

// The foot of a consent form: signature labels on the left, "Date" labels beside them on the
// same baselines, the footer far below across the gutter. Read by rows, each label with its date.
TEST(ReadingOrder, DateLabelsBesideSignatureLabelsAboveAFooterAreReadByRows) {
  Layout l;
  for (int i = 0; i < 4; ++i)
    l.Line(0, Words(299, 880 + 50 * i, 15, 44));  // consent text, full width
  l.Line(0, Words(302, 1106, 5, 44));             // "Please check all that apply:"
  for (int i = 0; i < 5; ++i) l.Line(0, Words(384, 1171 + 55 * i, 3, 44));  // check box labels
  l.Line(0, Words(300, 1613, 6, 39));   // "Signature of Patient ..."
  l.Line(0, Words(1348, 1613, 1, 31));  // "Date"
  l.Line(0, Words(301, 1822, 6, 38));   // "Relationship to patient ..."
  l.Line(0, Words(299, 2025, 1, 44));   // "Witness"
  l.Line(0, Words(1169, 2029, 1, 31));  // "Date"
  l.Line(1, Words(1209, 3112, 3, 38));  // footer
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 14u);
  EXPECT_EQ(ordered[10].box.y, 1613);
  EXPECT_EQ(ordered[10].words.size(), 7u);  // the label and its date, one row
  EXPECT_EQ(ordered[11].box.y, 1822);
  EXPECT_EQ(ordered[12].words.size(), 2u);  // "Witness Date"
  EXPECT_EQ(ordered[13].box.y, 3112);
}

// One form row split at its wide space ("Ordering Provider: ..., MD" and "Provider NPI: ...")
// above a lone cell ("Account #: ...") on the left: three lines, too few for a grid, so the right
// cell was read as a column after the account number (light lab report, 2026-12-02).
TEST(ReadingOrder, RowSplitAtAWideSpaceAboveALoneCellStaysOneRow) {
  Layout l;
  l.Line(0, {{245, 626, 200, 47}, {460, 626, 200, 47}, {680, 626, 555, 47}});  // 0-2 Ordering...
  l.Line(0, {{1459, 631, 300, 34}, {1780, 631, 271, 34}});  // 3-4 Provider NPI: 1475447417
  l.Line(1, {{243, 688, 300, 33}, {560, 688, 189, 33}});    // 5-6 Account #: 728587577
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(WordOrder(ordered), (std::vector<std::vector<int>>{{0, 1, 2, 3, 4}, {5, 6}}));
}

// Label and value pairs in two columns far apart, the left ones 5-6 words long ("Admit Date:
// October 6, 2023" | "Discharge Date: October 13, 2023"): too many words for the cells of a
// grid, so each column was read down before the other (clean discharge summary of another
// generated batch, 2026-12-02). Across a gutter of several line heights they are a form's rows.
TEST(ReadingOrder, LongLabelValuePairsFarApartAreReadByRows) {
  Layout l;
  auto cell = [&](int block, int x, int y, int n) {
    std::vector<Box> boxes;
    for (int w = 0; w < n; ++w) boxes.push_back({x + w * 100, y, 90, 40});
    l.Line(block, boxes);
  };
  cell(0, 262, 567, 6);   // 0-5    Date of Birth: February 21, 1989
  cell(0, 260, 614, 5);   // 6-10   Admit Date: October 6, 2023
  cell(0, 262, 661, 5);   // 11-15  Discharging Physician: Dr Samuel Hill
  cell(1, 1339, 567, 2);  // 16-17  Sex: F
  cell(1, 1340, 614, 5);  // 18-22  Discharge Date: October 13, 2023
  cell(1, 1340, 661, 2);  // 23-24  NPI: 1308426331
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 3u);
  EXPECT_EQ(ordered[0].words.back(), 17);
  EXPECT_EQ(ordered[1].words.back(), 22);
  EXPECT_EQ(ordered[2].words.back(), 24);
}

// A letterhead beside its address block, above a title and a form header in two columns, was
// read down the left (letterhead, title, the form's left column) and then the right (address,
// the form's right column) once a letterhead stopped counting as a grid: bench/run.sh's rotated
// discharge summary and heavy progress note, 14% and 17.5% CER (2026-12-02). The letterhead's
// band is cut off first and read block by block; the form below it by rows.
TEST(ReadingOrder, LetterheadAboveATwoColumnFormIsCutOffBeforeTheFormIsReadByRows) {
  Layout l;
  auto line = [&](int block, int x, int y, int w, int h, int n) {
    std::vector<Box> boxes;
    const int each = w / n;
    for (int i = 0; i < n; ++i) boxes.push_back({x + i * each, y, each - 12, h});
    l.Line(block, boxes);
  };
  line(0, 281, 242, 869, 73, 3);   // 0-2   Clearwater Family Clinic
  line(0, 280, 321, 472, 41, 3);   // 3-5   Department of Radiology
  line(1, 2067, 246, 233, 32, 3);  // 6-8   6504 Elm Dr.
  line(1, 1926, 294, 373, 37, 3);  // 9-11  Fairhaven, NY 23641
  line(1, 1911, 343, 390, 40, 3);  // 12-14 Phone (860) 555-0168
  line(1, 1955, 392, 346, 39, 3);  // 15-17 Fax (860) 555-0149
  line(2, 283, 503, 653, 65, 2);   // 18-19 Discharge Summary
  line(3, 297, 623, 647, 36, 4);   // 20-23 PATIENT: Andrew B. Martinez
  line(3, 297, 679, 535, 37, 4);   // 24-27 Date of Birth: 12/18/1980
  line(3, 296, 737, 593, 36, 3);   // 28-30 Admission Date: 03/29/2019
  line(3, 296, 794, 782, 46, 4);   // 31-34 Attending: FLORES, ZACHARY MD
  line(3, 296, 854, 468, 34, 3);   // 35-37 Account #: 666395293
  line(4, 1383, 624, 357, 35, 2);  // 38-39 MRN: K4698364
  line(4, 1384, 682, 144, 34, 2);  // 40-41 Sex: M
  line(4, 1383, 737, 634, 46, 4);  // 42-45 Date of Discharge: 04/02/2019
  line(4, 1383, 795, 361, 35, 2);  // 46-47 NPI: 1881197044
  auto ordered = OrderLines(l.lines, l.words, 2550);
  std::vector<int> firsts;
  for (const LayoutLine& o : ordered) firsts.push_back(o.words.front());
  // Letterhead, its second line, the address block; the title; then the form by rows.
  EXPECT_EQ(firsts, (std::vector<int>{0, 3, 6, 9, 12, 15, 18, 20, 24, 28, 31, 35}));
  ASSERT_EQ(ordered.size(), 12u);
  EXPECT_EQ(ordered[7].words, (std::vector<int>{20, 21, 22, 23, 38, 39}));  // PATIENT ... MRN ...
}

TEST(ReadingOrder, AddressLinesStackedBesideATitleAreNotMergedIntoItsRow) {
  // A letterhead's name (65 px, under kTitleHeight times the lines around it) with the first two
  // lines of its address block beside it, as the re-reading of a doubtful segment returns them.
  // All three share the title's height band; merged as cells of one row, the address words were
  // interleaved by x ("Group Brookfield, 7255 Riverside TX 15782 Ave.").
  Layout l;
  l.Line(0, {{260, 207, 90, 65}, {370, 207, 200, 65}, {590, 207, 220, 65}});  // St. Aurelia Medical
  l.Line(0, {{1973, 199, 100, 33}, {2090, 199, 150, 33}, {2255, 199, 63, 33}});  // 7255 Riverside
  l.Line(0, {{1951, 235, 170, 45}, {2135, 235, 50, 45}, {2200, 235, 118, 45}});  // Brookfield, TX
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 3u);
  EXPECT_EQ(WordOrder(ordered), (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}));
}

TEST(ReadingOrder, EmptyInputGivesNoLines) { EXPECT_TRUE(OrderLines({}, {}, 100).empty()); }

TEST(ReadingOrder, ShortColumnOfProseUnderFormCellsIsReadAfterTheLongColumn) {
  // A heavy progress note of seed 27182 (boxes as read): a form of label and value rows across the
  // page, then a long left column and a short right one (disposition, billing, signature). The
  // form's right cells and the short column made one "mostly short" side, and the short column
  // was read into the middle of the left one (397 errors). Lines in Tesseract's order.
  Layout l;
  l.Line(
      1,
      {{360, 548, 258, 64}, {644, 550, 286, 63}, {953, 550, 145, 56}});  // Hospital Progress Note
  l.Line(1, {{367, 646, 92, 40},
             {980, 650, 64, 26},
             {1057, 651, 58, 27},
             {1127, 653, 15, 20},
             {1471, 651, 74, 24},
             {1558, 651, 69, 26},
             {2008, 651, 69, 33}});  // Name Med Rec # Birth Date Sex.
  l.Line(2, {{371, 689, 147, 40},
             {535, 689, 74, 33},
             {624, 690, 30, 31},
             {980, 689, 168, 33},
             {1464, 689, 222, 34},
             {1999, 691, 43, 31}});  // Cooper, Eric P. 7855440 05/09/1966 'M
  l.Line(3, {{370, 741, 162, 36},
             {544, 753, 70, 24},
             {1008, 746, 157, 37},
             {1753, 753, 52, 23},
             {1817, 754, 16, 21}});  // Encounter Date Physician NPI #
  l.Line(4, {{370, 790, 217, 40},
             {1013, 792, 49, 42},
             {1081, 790, 132, 33},
             {1228, 791, 126, 32},
             {1754, 790, 239, 45}});  // 06/07/2022 Dr. Hiroshi James 1090563697
  l.Line(5, {{358, 910, 247, 54}});   // Subjective
  l.Line(5, {{359, 992, 154, 45},
             {528, 993, 115, 40},
             {611, 987, 39, 57},
             {660, 994, 53, 42},
             {727, 996, 136, 44},
             {875, 991, 126, 43},
             {1018, 991, 196, 35}});  // Hospital day 6. He reports feeling somewhat
  l.Line(5, {{359, 1052, 109, 33},
             {482, 1052, 112, 42},
             {611, 1053, 52, 32},
             {678, 1052, 126, 34},
             {819, 1052, 229, 41}});  // better today. He denies hemoptysis,
  l.Line(5, {{356, 1111, 273, 35},
             {642, 1120, 37, 25},
             {693, 1112, 208, 42},
             {913, 1112, 191, 41},
             {1117, 1113, 92, 33}});  // hematochezia or orthopnea. Tolerating clear
  l.Line(5, {{358, 1169, 123, 43},
             {495, 1171, 69, 41},
             {579, 1171, 211, 42},
             {804, 1165, 75, 52},
             {888, 1169, 222, 38},
             {1127, 1172, 83, 33},
             {1226, 1172, 30, 32}});  // liquids and ambulating with assistance. Pain is
  l.Line(5, {{360, 1231, 92, 34}});   // 1/10.
  l.Line(5, {{358, 1324, 222, 62}});  // Objective
  l.Line(5, {{357, 1413, 127, 34},
             {500, 1413, 56, 33},
             {578, 1411, 131, 36},
             {734, 1414, 119, 41},
             {868, 1412, 61, 34},
             {945, 1414, 56, 37},
             {1019, 1414, 58, 32},
             {1093, 1414, 58, 36},
             {1164, 1414, 107, 40}});  // Vitals: BP 134/76. mmHg, HR 93, RR 20, Temp
  l.Line(5, {{1400, 890, 259, 43},
             {1672, 888, 189, 43},
             {1876, 885, 192, 47},
             {2078, 888, 106, 35},
             {2192, 876, 39, 46},
             {2248, 883, 113, 40}});  // Disposition: Anticipate discharge home in ito2
  l.Line(5, {{1410, 950, 99, 41}});   // days.
  l.Line(5, {{1411, 1030, 122, 42},
             {1552, 1030, 83, 42},
             {1650, 1021, 118, 42},
             {1784, 1048, 11, 5},
             {1811, 1020, 230, 51},
             {2057, 1030, 146, 44},
             {2219, 1038, 82, 24}});  // Billing: CPT 99232 - Subsequent hospital care
  l.Line(5, {{1455, 1182, 44, 49}});  // f
  l.Line(5, {{1411, 1275, 156, 51},
             {2042, 1285, 77, 28},
             {2133, 1282, 59, 30},
             {2205, 1284, 78, 28}});  // Signature Date and Time
  l.Line(6, {{1411, 1343, 218, 34},
             {1640, 1343, 110, 35},
             {1762, 1344, 39, 34},
             {1813, 1343, 112, 28},
             {1939, 1344, 116, 28},
             {2071, 1342, 56, 34},
             {2139, 1349, 39, 22}});  // Electranically signed by Hiroshi James. MD on
  l.Line(
      6,
      {{1409, 1394, 185, 28}, {1607, 1397, 30, 25}, {1649, 1393, 92, 29}});  // 06/07/2022 at 21:30
  l.Line(7, {{358, 1474, 83, 33},
             {456, 1474, 29, 37},
             {497, 1473, 113, 41},
             {626, 1472, 85, 34},
             {725, 1481, 45, 25},
             {786, 1480, 96, 26},
             {898, 1473, 53, 33}});  // 98.5 F, SpO2 92% on room air.
  l.Line(7, {{358, 1553, 173, 34},
             {544, 1553, 89, 33},
             {647, 1553, 71, 33},
             {732, 1553, 165, 34},
             {915, 1553, 31, 32},
             {962, 1560, 45, 26},
             {1022, 1553, 103, 34},
             {1141, 1554, 158, 38}});  // General: Alert and oriented in no acute distress.
  l.Line(7, {{358, 1628, 326, 51},
             {703, 1617, 190, 62},
             {908, 1633, 157, 41},
             {1081, 1633, 141, 41},
             {1239, 1641, 46, 25}});  // Cardiovascular: irregularly irrequiar rhythm, no
  l.Line(7, {{358, 1701, 180, 26}});  // murmurs.
  l.Line(7, {{359, 1774, 140, 41},
             {516, 1774, 167, 32},
             {698, 1778, 34, 29},
             {747, 1774, 58, 32},
             {821, 1774, 82, 41},
             {912, 1774, 109, 34},
             {1037, 1780, 45, 27},
             {1096, 1774, 181, 32}});  // Lungs: Crackles at the right base, no wheezes.
  l.Line(7, {{359, 1852, 209, 34},
             {588, 1853, 83, 35},
             {689, 1854, 217, 35},
             {923, 1853, 283, 37}});  // Abdomen: Soft, non-tender, non-distended,
  l.Line(
      7,
      {{359, 1912, 130, 33}, {504, 1912, 111, 33}, {630, 1912, 149, 34}});  // normal bowel sounds.
  l.Line(
      7,
      {{359, 1992, 245, 34}, {621, 1992, 53, 33}, {688, 1993, 142, 33}});  // Extremities: No edema.
  l.Line(7, {{358, 2072, 112, 33},
             {487, 2073, 98, 32},
             {602, 2072, 92, 38},
             {711, 2073, 77, 40},
             {806, 2073, 90, 36},
             {913, 2071, 54, 34},
             {982, 2072, 79, 35},
             {1079, 2073, 25, 32},
             {1119, 2073, 69, 37},
             {1204, 2073, 44, 32}});  // Labs: W&C 13.7, Hgb 10.2, Na 131, K 4.5, Cr
  l.Line(7, {{358, 2132, 82, 33}});   // 0.97
  l.Line(7, {{358, 3191, 86, 36},
             {456, 3192, 42, 28},
             {510, 3184, 126, 36},
             {649, 3193, 124, 27},
             {2229, 3192, 84, 35},
             {2327, 3191, 47, 29}});  // Copy for medical records Page 1/1
  auto ordered = OrderLines(l.lines, l.words, 2713);
  std::vector<int> first_words;
  for (const LayoutLine& line : ordered) first_words.push_back(line.words.front());
  // The words that open "Disposition", "Subjective" and the footer, by their index in l.words.
  const auto at = [&](int word) {
    return std::find(first_words.begin(), first_words.end(), word) - first_words.begin();
  };
  EXPECT_LT(at(140), at(62));     // the left column's last line ("0.97") before "Disposition:"
  EXPECT_LT(at(62), at(141));     // and the short column before the footer
  EXPECT_EQ(at(91), at(53) + 1);  // "Vitals: ... Temp" goes on with "98.5 F"
  EXPECT_LT(at(21), at(26));      // the form before the columns
  // The form's first row stays one row, its right cells with it.
  const auto row = std::find_if(ordered.begin(), ordered.end(),
                                [](const LayoutLine& line) { return line.words.front() == 3; });
  ASSERT_NE(row, ordered.end());
  EXPECT_EQ(row->words, (std::vector<int>{3, 4, 5, 6, 7, 8, 9}));
}

// Regression: a faxed progress note set in two narrow columns of justified monospaced type (seed
// 555 of the fax profile, page 19). The left column's word spaces were as wide as the 90 px
// gutter, so Tesseract ran one of its lines on into the right column's ("... to the planning."),
// no gutter crossed the region, and the short right column was read row by row into the left
// one (487 errors of 1375 characters; 69 once the line was split at the gutter).
TEST(ReadingOrder, LineRunAcrossTheGutterOfJustifiedColumnsIsSplitThere) {
  Layout l;
  auto justified = [&](int i) {  // 5 words of varied widths filling 270..1230
    std::vector<Box> boxes;
    const int widths[] = {100 + (i * 37) % 90, 130 + (i * 53) % 70, 90 + (i * 29) % 110,
                          120 + (i * 41) % 60, 110 + (i * 17) % 80};
    int total = 0;
    for (int w : widths) total += w;
    const int space = (960 - total) / 4;
    for (int w = 0, x = 270; w < 5; ++w) {
      const int width = w == 4 ? 1230 - x : widths[w];
      boxes.push_back({x, 900 + 62 * i, width, 44});
      x += widths[w] + space;
    }
    return boxes;
  };
  for (int i = 0; i < 10; ++i) {
    std::vector<Box> boxes = justified(i);
    if (i == 4) {  // run on into the right column's line beside it
      for (const Box& b : Words(1320, 872 + 62 * i, 4)) boxes.push_back(b);
    }
    l.Line(0, boxes);
  }
  // The right column's lines sit between the left one's baselines, as set in another type size.
  for (int i = 0; i < 6; ++i) {
    if (i != 4) l.Line(1, Words(1320, 872 + 62 * i, 4));
  }
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 16u);
  // The left column's 10 lines first, each alone, then the right column's 6.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(ordered[static_cast<size_t>(i)].box.x, 270) << i;
    EXPECT_EQ(ordered[static_cast<size_t>(i)].box.right(), 1230) << i;
  }
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(ordered[static_cast<size_t>(10 + i)].box.x, 1320) << i;
    EXPECT_EQ(ordered[static_cast<size_t>(10 + i)].box.y, 872 + 62 * i) << i;
  }
}

// Regression: a faxed progress note of the accuracy gate, once its dotted rules were erased. The
// only gutter through the page runs between a letterhead's address block and, further down, the
// last column of the form under the title, on the right, and everything else on the left (a
// narrow body below). That short side is two blocks apart, so it was no band of cells, and the
// page was cut down the gutter: the address and the form's last column were read after the body.
// The band of its first block is cut off first.
TEST(ReadingOrder, AddressBlockAndAFormsLastColumnApartOnTheRightAreReadInTheirRows) {
  Layout l;
  l.Line(0, Words(113, 65, 8, 39));                                     // fax header, left half
  l.Line(1, Words(279, 218, 4, 54));                                    // facility name
  l.Line(1, Words(1927, 215, 3, 40));                                   // address, line 1
  l.Line(1, Words(277, 261, 3, 40));                                    // department
  l.Line(1, Words(1983, 261, 2, 40));                                   // address, line 2
  l.Line(1, Words(2029, 331, 2, 32));                                   // address, line 3
  l.Line(2, Words(993, 432, 3, 63));                                    // title
  l.Line(3, Words(294, 538, 3, 39));                                    // form: Patient
  l.Line(3, Words(958, 538, 2, 39));                                    // MRN
  l.Line(3, Words(1657, 538, 4, 39));                                   // Date of Birth
  l.Line(3, Words(294, 589, 2, 39));                                    // Sex
  l.Line(3, Words(958, 589, 3, 39));                                    // Encounter Date
  l.Line(3, Words(1655, 589, 4, 39));                                   // Attending
  l.Line(3, Words(294, 644, 3, 38));                                    // Provider NPI
  for (int i = 0; i < 24; ++i) l.Line(4, Words(277, 776 + 56 * i, 7));  // narrow body
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_GE(ordered.size(), 30u);
  // Where each word was read: the index of its output line.
  const int address_end = 20, title = 22, patient = 25, birth = 30, sex = 34, attending = 39,
            body = 46;
  EXPECT_LT(LineOf(ordered, address_end), LineOf(ordered, title)) << "the address after the title";
  EXPECT_EQ(LineOf(ordered, birth), LineOf(ordered, patient)) << "the date of birth out of its row";
  EXPECT_EQ(LineOf(ordered, attending), LineOf(ordered, sex)) << "the attending out of its row";
  EXPECT_LT(LineOf(ordered, attending), LineOf(ordered, body))
      << "the form's last column after the body";
}

// Regression: a heavy history and physical (seed 424242) has its title centred over a form of two
// columns of label and value cells, starting right of the left column's end. The gutter between
// the columns ran left of the title, which went with the right column, and the page was read: the
// left column, the chief complaint under it, the title, then the right column (314 errors; 65 once
// the title is read first and the form by rows).
TEST(ReadingOrder, TitleCentredOverAFormIsReadBeforeTheForm) {
  Layout l;
  l.Line(1, Words(548, 277, 3, 70));  // facility name
  l.Line(2, Words(551, 354, 5, 28));  // address
  l.Line(2, Words(547, 394, 5, 27));  // phone
  l.Line(3, Words(934, 529, 4, 65));  // title
  // Each row one Tesseract line across both cells; the right column ends a little lower than the
  // left one's last label and value row, as a line box with a descender does.
  for (const auto& [y, left, right, height] :
       {std::tuple{619, 4, 3, 30}, {666, 2, 2, 30}, {708, 4, 5, 41}}) {
    l.Line(4, Joined(Words(315, y, left, 30), Words(1268, y, right, height)));
  }
  l.Line(5, Words(315, 759, 3, 28));                                         // provider NPI
  l.Line(5, Words(314, 828, 3, 30));                                         // chief complaint
  l.Line(6, Words(316, 906, 4, 33));                                         // heading
  for (int i = 0; i < 10; ++i) l.Line(6, Words(314, 965 + 45 * i, 15, 38));  // body
  auto ordered = OrderLines(l.lines, l.words, 2550);
  const int title = 13, patient = 17, mrn = 21, sex = 26, complaint = 40;
  EXPECT_LT(LineOf(ordered, title), LineOf(ordered, patient))
      << "the title after the form's first cell";
  EXPECT_EQ(LineOf(ordered, mrn), LineOf(ordered, patient)) << "the MRN out of its row";
  EXPECT_LT(LineOf(ordered, sex), LineOf(ordered, complaint))
      << "the right column after the chief complaint";
}

// Regression: on a heavy discharge summary (seed 31415) a speck fused to the "MD." of "Attending:
// WALKER, DIANE MD." made it 53 px tall among words of 34-45, and the line's box reached up into
// the form row above. No gap was left between the rows "Date of Admission | Date of Discharge" and
// "Attending | NPI", and the two were read column by column. Rows are found where most of a line's
// words stand.
TEST(ReadingOrder, SpeckFusedToOneWordDoesNotJoinTwoFormRows) {
  Layout l;
  // The word boxes as read, punctuation and specks making some taller than the rest.
  l.Line(6, {{437, 712, 77, 31},
             {526, 713, 31, 30},
             {570, 713, 186, 31},
             {765, 713, 141, 31},
             {920, 714, 26, 33},
             {960, 703, 86, 41}});  // Date of Admission: October 1, 2022
  l.Line(6, {{436, 754, 171, 38}, {621, 753, 172, 34}, {808, 753, 106, 45}, {936, 737, 66, 53}});
  l.Line(4, {{1464, 712, 79, 32},
             {1553, 713, 31, 30},
             {1598, 712, 179, 38},
             {1790, 713, 180, 41},
             {1941, 708, 36, 53},
             {1984, 713, 87, 44}});  // Date of Discharge: ...
  l.Line(4, {{1464, 753, 103, 31}, {1541, 748, 34, 49}, {1584, 754, 214, 39}});  // NPI #: ...
  auto ordered = OrderLines(l.lines, l.words, 2550);
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(ordered[0].words, (std::vector<int>{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(ordered[1].words, (std::vector<int>{6, 7, 8, 9, 16, 17, 18}));
  // The line put out still covers its words, the speck's too.
  EXPECT_EQ(ordered[1].box.y, 737);
}

// Regression: a heavy history and physical (seed 8102) set in two columns on shared baselines, the
// right one short (the end of the examination, assessment and plan, then a signature block lower
// down). The widest gap between rows was a section break in the long left column, above the
// signature block: cut there, the right column was read in the middle of the left one (768 errors
// of 2210 characters).
TEST(ReadingOrder, ShortColumnOnTheSameBaselinesIsReadAfterTheLongOne) {
  Layout l;
  l.Line(0, Words(845, 510, 6, 60));                          // title
  for (int y : {589, 654}) l.Line(1, Words(345, y, 14, 40));  // form rows across the gutter
  // Rows of both columns as Tesseract returns them: one line across the gutter.
  for (int i = 0; i < 13; ++i) {
    const std::vector<Box> left = Words(345, 742 + 50 * i, 7, 40);
    l.Line(2, i < 10 ? Joined(left, Words(1405, 742 + 50 * i, 7, 40)) : left);
  }
  const int right_first = 6 + 2 * 14 + 7;  // after the title, the form and the first row's left
  for (int j = 0; j < 17; ++j) {
    // After a section break; the signature block on the right.
    const std::vector<Box> left = Words(345, 1462 + 50 * j, 7, 40);
    l.Line(3, j == 1 || j == 2 ? Joined(left, Words(1405, 1462 + 50 * j, 5, 40)) : left);
  }
  const int left_last = static_cast<int>(l.words.size()) - 1;
  auto ordered = OrderLines(l.lines, l.words, 2550);
  EXPECT_GT(LineOf(ordered, right_first), LineOf(ordered, left_last))
      << "the right column inside the left one";
}

// Regression: a heavy history and physical (seed 9401) under a title and two identity rows that
// cross its gutter: a long left column and a short right one of findings and a numbered plan,
// whose sentences wrap onto short lines. The widest gap between rows was a section break of the
// left column below the right one's end, and the left column's tail was read after the right
// column (997 errors on the page).
TEST(ReadingOrder, LongColumnsTailIsNotReadAfterAShortColumnOfWrappedProse) {
  Layout l;
  l.Line(0, Words(862, 488, 6, 77));   // title
  l.Line(1, Words(396, 570, 14, 56));  // identity rows across the gutter
  l.Line(1, Words(396, 627, 14, 49));
  std::vector<int> left_first_word;
  int y = 700;
  for (int i = 0; i < 48; ++i) {
    // A section break every 8 lines; the widest one below the right column's end.
    y += i == 0 ? 0 : (i % 8 == 0 ? (i == 40 ? 46 : 28) : 7) + 40;
    left_first_word.push_back(static_cast<int>(l.words.size()));
    l.Line(2, Words(396, y, 7, 40));
  }
  const int right_first = static_cast<int>(l.words.size());
  for (int j = 0; j < 24; ++j) {
    // Long lines, each with its sentence's end on a short line under it.
    l.Line(3, Words(1425, 700 + 47 * j, j % 2 == 0 ? 7 : 1, 40));
  }
  auto ordered = OrderLines(l.lines, l.words, 2810);
  for (int i = 1; i < 48; ++i) {
    EXPECT_EQ(LineOf(ordered, left_first_word[static_cast<size_t>(i)]),
              LineOf(ordered, left_first_word[static_cast<size_t>(i) - 1]) + 1)
        << "left line " << i << " is not read right after the one above it";
  }
  EXPECT_GT(LineOf(ordered, right_first), LineOf(ordered, left_first_word.back()))
      << "the right column inside the left one";
}

// Regression: a heavy lab report (seed 8101) whose table header row overlaps, through specks, the
// line above it and a speck line read over its "Units": no gap either way, and the header was read
// top to bottom ("Ref Range", "Flag", "Units", "Component", "Value"). Word boxes as read.
TEST(ReadingOrder, HeaderCellsOverlappingTheirNeighboursAreReadLeftToRight) {
  Layout l;
  l.Line(8, {{349, 670, 194, 42},
             {556, 670, 79, 33},
             {640, 658, 136, 76},
             {821, 662, 188, 60},
             {1025, 671, 125, 33},
             {1181, 650, 188, 58},
             {1376, 658, 206, 47},
             {1596, 662, 100, 41},
             {1731, 653, 174, 57},
             {1918, 665, 50, 51},
             {1967, 668, 158, 66},
             {2140, 670, 88, 33}});                        // Accession: ... Reported: ...
  l.Line(9, {{365, 745, 219, 47}, {1166, 748, 103, 32}});  // Component Value
  l.Line(9, {{1832, 718, 58, 26}, {1933, 710, 43, 34}, {1999, 714, 32, 30}});     // specks
  l.Line(11, {{1707, 740, 108, 40}, {2027, 749, 61, 31}, {2103, 724, 124, 65}});  // Units Ref Range
  l.Line(14, {{1455, 740, 78, 47}});                                              // Flag
  auto ordered = OrderLines(l.lines, l.words, 2550);
  std::vector<int> firsts;
  for (const LayoutLine& o : ordered) firsts.push_back(o.words.front());
  // The accession line, the specks above "Units", then the header left to right: Component,
  // Value, Flag, Units, Ref Range.
  EXPECT_EQ(firsts, (std::vector<int>{0, 14, 12, 13, 20, 17, 18}));
}
}  // namespace
}  // namespace chartscan::ocr
