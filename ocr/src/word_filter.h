// Word-level filters of the Tesseract adapter (engine.cc), kept apart from Tesseract so that they
// can be tested on word boxes and confidences alone. Private to the ocr stage.
//
// Confidences are Tesseract's word confidences (0-100); boxes are in the page image's pixels.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/geometry.h>
#include <chartscan/models/image.h>
#include <chartscan/models/page.h>
#include <chartscan/ocr/reading_order.h>

namespace chartscan::ocr {

// One character of a word as Tesseract placed it: its horizontal extent in the page image and
// the byte offset in the word's text just past it.
struct SymbolSpan {
  int left = 0;
  int right = 0;
  size_t end = 0;
};

// A word as Tesseract returned it, before reading order.
struct RawWord {
  std::string text;
  Box box;
  float confidence = 0;
  int line = 0;
  // Left to right, covering `text` exactly; empty when unknown (a word whose text was replaced).
  std::vector<SymbolSpan> symbols;
};

// Below this word confidence (0-100), a word without any letter or digit is taken for noise.
inline constexpr float kNoiseMarkConfidence = 60;
// Doubtful words (below kNoiseMarkConfidence) are also dropped when their shape is not that of
// text on this page: height under kMinHeightRatio or over kMaxHeightRatio times the median height
// of the page's confident words, or width per character outside kMinAdvanceRatio..kMaxAdvanceRatio
// times theirs. Scanner-lid borders, shadows at the page edge and drum streaks are read as such
// "words" (a 5 px high "see", a 245 px high "aA", eight letters in 12 px). A word of marks that
// stand as tall as a line ("|", "!", "(", "/") under kMinHeightRatio times that height is a speck
// however confidently read: a 2 px "|" read at 72 between two values of a form's row.
inline constexpr float kConfidentWord = 80;
inline constexpr double kMinHeightRatio = 0.45, kMaxHeightRatio = 2.2;
inline constexpr double kMinAdvanceRatio = 0.3, kMaxAdvanceRatio = 3.0;
// Noise words at the page edge: below kEdgeNoiseConfidence within kEdgeZoneSide inches of the left
// or right edge or kEdgeZoneEnd inches of the top or bottom (borders and the shadow of the page
// edge; printed text keeps a wider margin or is read with higher confidence). A doubtful word
// there is also noise when nothing on its line was read with confidence (kConfidentWord): the
// remains of a noisy scanner border or a drum streak come back as lines of one or two short
// "words" read at 40-50 ("wee", "Bae", "vy"), while a fax header or a footer set that close to the
// edge is a line of words read mostly well.
inline constexpr float kEdgeNoiseConfidence = 40;
// On a page read well overall (mean word confidence kPageReadWell or more), a line of fragments
// (no word of kFragmentAlnum letters or digits) none of which reaches kEdgeNoiseConfidence is
// noise too, wherever it is: the speckled remains of bleed-through or of a faint stamp ("mee ME Ee
// sy", read at 23-35). A line of real words read that badly keeps some longer ones ("Yotal
// Bilirubin,", "morning." at 37) and is kept: garbled, it still holds what search can find. On a
// page read badly throughout (a poor fax) every line is kept.
inline constexpr float kPageReadWell = 60;
inline constexpr size_t kFragmentAlnum = 4;
// On such a page a line of the final reading order that holds one short word (kLoneWordChars
// characters or fewer) read with doubt (under kNoiseMarkConfidence) is noise as well: a clump of
// specks, a piece of a signature with no line under it, the edge of a stamp ("«ot", "LAV", "KfOA~"
// on a heavy discharge summary, read at 4-52). Only lines as finally ordered count: in Tesseract's
// own lines a table's cells stand alone ("g/dL" in a lab table, "q8h" in a medication record, read
// at 40-60), and reading order joins them into their rows.
inline constexpr size_t kLoneWordChars = 5;
// On a page read at a mean word confidence of kGarbledLinePage or more, a line of the final
// reading order of two or more short words (none of kGarbledLineLongWord letters or digits), none
// read at kGarbledLineWord or more and read at a mean under kGarbledLineMean, is noise read as
// text: show-through that cleanup left grey, the edge of a stamp, a blot ("ka ae, pt ote $e ma FE",
// "ps TH E GEA EL RE" on heavy pages). A line holding a longer word is kept however badly read
// ("Hhysiciat Signature", "Hy nanatremia"): garbled, it still holds what search can find.
inline constexpr float kGarbledLinePage = 70;
inline constexpr size_t kGarbledLineLongWord = 6;
inline constexpr float kGarbledLineWord = 50, kGarbledLineMean = 35;
inline constexpr double kEdgeZoneSide = 0.5, kEdgeZoneEnd = 0.3;

// Segments of lines read again on their own (see engine.cc, "Re-reading doubtful segments"): lines
// are cut at gaps wider than kSegmentGap median word heights; segments below kDoubtfulSegment mean
// confidence are doubtful; at most kMaxRereads of them a page, the least confident first.
inline constexpr double kSegmentGap = 2.5;
inline constexpr float kDoubtfulSegment = 50;
// ...and so is a segment kMergedLineHeight word heights tall or more holding a word read under
// kDoubtfulSegment: two lines read as one.
inline constexpr double kMergedLineHeight = 1.8;
inline constexpr int kMaxRereads = 8;

// Doubtful numbers read again on their own (see engine.cc, "Re-reading doubtful numbers"): a word
// read under kDoubtfulNumber with at least kNumberMinDigits digits, digits at least half of its
// letters and digits (an NPI, a record number, a date, a lab value); at most kMaxNumberRereads a
// page, the least confident first. A second reading replaces the first when it is number-shaped
// too and its confidence beats the first by kNumberRereadGain and reaches kNumberRereadFloor.
inline constexpr float kDoubtfulNumber = 60;
inline constexpr size_t kNumberMinDigits = 4;
inline constexpr int kMaxNumberRereads = 12;
inline constexpr float kNumberRereadGain = 20;
inline constexpr float kNumberRereadFloor = 70;

// Ink no line took in (see engine.cc, "Reading ink no line took in"). Sizes are in the page's
// median height of confidently read words (a word box, ascenders and descenders included):
// - a mark (connected component) of text size is kMarkMinHeight..kMarkMaxHeight high and at most
//   kMarkMaxWidth wide: the x-height of a letter is ~0.5, a capital or an ascender ~0.7-0.8, and a
//   rule, a border or a blot is longer or taller;
// - it is covered when its centre lies in a line Tesseract returned, grown by kMarkCoverPad;
// - uncovered marks closer than kMarkJoinX across and kMarkJoinY down (gaps between boxes) belong
//   to one region: letters of a word and words of a line are closer than 1.5, the rows of a table
//   column about one height apart;
// - a region of at least kMinRegionMarks marks is read again, at most kMaxRecoveries a page, the
//   ones with the most marks first; with more than kMaxUncoveredMarks uncovered marks the page is
//   noise, not text Tesseract missed, and nothing is read again.
inline constexpr double kMarkMinHeight = 0.4, kMarkMaxHeight = 1.6, kMarkMaxWidth = 3.0;
inline constexpr double kMarkCoverPad = 0.3;
inline constexpr double kMarkJoinX = 1.5, kMarkJoinY = 1.2;
inline constexpr size_t kMinRegionMarks = 3;
inline constexpr int kMaxRecoveries = 6;
inline constexpr size_t kMaxUncoveredMarks = 2000;

// Removes spaces at either end of a word's text, and the character boxes of those spaces. The
// recognizer now and then starts a word with one (" £3273481-" on a heavy operative report): a
// word never holds a space, and a value that starts with one was not found after its label.
void TrimWordSpaces(RawWord& w);

size_t CodePoints(std::string_view utf8);
size_t AlnumCount(std::string_view utf8);
bool HasAlnum(std::string_view utf8);
double Median(std::vector<double> v);

// At least kNumberMinDigits ASCII digits, and digits at least half of the word's letters and
// digits.
bool IsNumberShaped(std::string_view utf8);
// Indices (into `raw`) of the words of `lines` worth reading again as numbers (see
// kDoubtfulNumber), the least confident first, at most kMaxNumberRereads.
std::vector<int> DoubtfulNumbers(const std::vector<RawWord>& raw,
                                 const std::vector<LayoutLine>& lines);
// Whether a second reading (`text` at `confidence`) of a doubtful number read at `before` should
// replace it.
bool NumberRereadIsBetter(float before, std::string_view text, float confidence);
// The text that replaces a doubtful number: the second reading's letters and digits with the first
// reading's marks at either end. The padded box read the second time takes in a speck or the
// edge of a neighbour's letter beside the number ("555-0158:", "13:12:" for "13:12."), which its
// line's reading had placed; the second reading is trusted for what it is there for, the number.
std::string MergeNumberReread(std::string_view first, std::string_view second);

// A word read with confidence (kConfidentWord) of at least two characters and a box: the words
// whose size stands for the page's text size.
bool IsConfidentWord(const RawWord& w);
// Mean confidence (0-100) of the words of `lines`; 0 for none.
double MeanConfidence(const std::vector<RawWord>& raw, const std::vector<LayoutLine>& lines);
// Mean confidence of the words of `lines` is kPageReadWell or more.
bool PageReadWell(const std::vector<RawWord>& raw, const std::vector<LayoutLine>& lines);
// The median height of the confidently read words of a page read well: the scale of the second
// looks at a page (re-reads, ink no line took in). 0 when fewer than 5 words were read with
// confidence or the page was not read well.
double ReadWellWordHeight(const std::vector<RawWord>& raw, const std::vector<LayoutLine>& lines);
// The box covering the words `indices` of `raw` (empty for none).
Box WordsBox(const std::vector<RawWord>& raw, const std::vector<int>& indices);

// Removes noise words (see the constants above) from `lines`, recomputing the box of a line that
// lost words (Tesseract's line box includes them). `raw` is indexed by the lines' word indices;
// `width` x `height` is the page image at `dpi`.
void DropImplausibleWords(const std::vector<RawWord>& raw, std::vector<LayoutLine>& lines,
                          int width, int height, double dpi);

// Removes lone doubtful words (see kLoneWordChars) from `lines`, which are in reading order, when
// the page was read well. Measured on the 210 pages of three accuracy seeds: 17 such words, 12 of
// them noise and the rest garbled pieces of text ("Rowin" for "Room", "O9:4L" for a time) that
// search would not find either. Heavy CER 2.07% -> 1.92%, 4.80% -> 4.76%, 3.02% -> 2.95%; fax,
// faint and lowres a little better; two heavy pages worse by 3 and 4 characters. A short word that
// ends a paragraph alone on its line and is read with doubt goes too; none did on these pages.
void DropLoneDoubtfulWords(const std::vector<RawWord>& raw, std::vector<LayoutLine>& lines);

// Removes lines of garbled short words (see kGarbledLinePage) from `lines`, which are in reading
// order. Measured with the lines dropped from the exports of five batches (60 fresh heavy pages,
// the fax and heavy pages of eight seeds, a fresh fax batch, the gate's seed and the speed batch):
// errors 3571 -> 3392, 8892 -> 8783, 4438 -> 4382, 1557 -> 1551 and 984 -> 977.
void DropGarbledLines(const std::vector<RawWord>& raw, std::vector<LayoutLine>& lines);

// Regions of text-size marks (`marks`: boxes of connected components) centred inside `area` and
// outside every box of `covered` (Tesseract's lines), largest first; see the constants above.
// `word_height` is the page's median height of confidently read words.
std::vector<Box> UncoveredRegions(const std::vector<Box>& marks, const std::vector<Box>& covered,
                                  const Box& area, double word_height);

// Stray marks read as punctuation. On a speckled page a speck beside a word is read into it: a
// period after a word in mid-sentence ("was. found"), an opening quote before it ("‘and"). Measured
// on the heavy and photocopied pages of three accuracy seeds, spurious trailing periods and
// leading quotes were the two commonest errors (110 and 52 characters of about 1,700). Where the
// words themselves say the mark cannot be punctuation, it goes:
// - a period ending a word of kMinDotWordLetters or more lower-case letters when the next word in
//   reading order starts with a lower-case letter (a sentence does not end there), unless the word
//   is an abbreviation written with a period (kDottedAbbreviations: "vs. placebo");
// - a curly opening quote starting a word when no closing quote (or apostrophe, which is the same
//   mark) follows within kQuoteReach words on its line.
// A period after a capitalized word, a number or at a line's end cannot be told from a real one by
// the text and is left; only the mark is removed, the word and its box stay. On the 210 pages of
// the three seeds no page read worse and 41 read better (103 characters): heavy 2.14% -> 2.07%,
// 4.98% -> 4.80%, 3.08% -> 3.02%; photocopy 1.78% -> 1.63%, 0.90% -> 0.74%, 1.88% -> 1.76%.
inline constexpr size_t kMinDotWordLetters = 2;
inline constexpr size_t kQuoteReach = 8;
inline constexpr std::string_view kDottedAbbreviations[] = {
    "al",  "approx", "av",  "ca",   "caps", "cf",  "dept", "dx", "est", "etc", "fx", "hr",  "hrs",
    "hx",  "inj",    "lb",  "lbs",  "min",  "mo",  "mos",  "no", "nos", "oz",  "pt", "pts", "rx",
    "sec", "sx",     "tab", "tabs", "tx",   "viz", "vs",   "wk", "wks", "yr",  "yrs"};

// Removes stray punctuation (above) from `words`, which are in reading order.
void DropStrayPunctuation(std::vector<Word>& words);

// Joined words. Tesseract's recognizer places spaces from what it reads, not from the gaps it
// sees: a middle initial after a given name in capitals ("RAMOS, LISA R" read "LISAR" on a
// photocopied history and physical) or before a family name ("TOMAS A CARTER" read "ACARTER."), a
// dose and its unit in a medication table ("2 mg" read "2mg") run together although a person sees
// the space. A word is split at an empty stretch of columns inside its box (ink by Otsu's threshold
// over the box, as the OCR image keeps grey strokes, pale on faint and noisy pages; a column inked
// in no more than kSpeckColumnShare of the box's rows holds only a speck) when that stretch is
//   - at least kSplitSpaceShare of the line's word spacing (the median gap between its words
//     closer than kMaxSpaceHeights word heights; the page's median gap per word height times the
//     word's height when the line has fewer than two such gaps),
//   - at least kSplitMinHeights of the word's height (small text's letter gaps are a pixel or two),
//   - and at least kSplitStandOut times the word's next widest gap: letters of a monospaced font
//     ("mmol/L") stand apart evenly, a space stands out.
// The characters left of the gap (by Tesseract's character boxes, whose left edges are in order)
// go to the first word, those right of it to the second, and the split is made only when the two
// are of a kind that is written apart: a number and a word (a dose and its unit) or a name in
// capitals and a one-letter initial, either way round. Elsewhere a gap that wide is inside a word:
// the digit 1 of a font with figures of one width stands 10-12 px from its neighbours at 300 dpi
// ("136", "202 1" for "2021"), the broken letters of a noisy page gape ("prov ider"), and a speck
// read as a trailing mark would become a word. Both keep the word's confidence; their boxes end at
// the gap. Measured on the 210 pages of seeds 20261125, 777 and 4711: 40 splits, all right ("4 mg",
// "75 mcg", "ANA I", "DONNA H"), 13 pages better and none worse; a draft without the kinds rule
// made 69 splits on the first seed alone, most of them wrong. The initial before a family name
// and the specks added two more ("A CARTER.", "25 mg"), none lost.
inline constexpr double kSplitSpaceShare = 0.7;
inline constexpr double kSplitMinHeights = 0.2;
inline constexpr double kSplitStandOut = 2.5;
inline constexpr double kMaxSpaceHeights = 2.0;
inline constexpr double kSpeckColumnShare = 0.06;

// Splits joined words (above) of `lines` in `page`, the 8-bit grey image that was recognized.
// New words are appended to `raw` and placed after their first half in their line. Returns how
// many words were split.
int SplitJoinedWords(const ImageView& page, std::vector<RawWord>& raw,
                     std::vector<LayoutLine>& lines);

struct Segment {
  size_t line = 0;         // index into the lines given
  std::vector<int> words;  // indices into raw, left to right
  Box box;
  float confidence = 0;  // mean word confidence
};

// The doubtful segments of `lines`, least confident first. `word_height` is the page's median
// height of confidently read words.
std::vector<Segment> DoubtfulSegments(const std::vector<RawWord>& raw,
                                      const std::vector<LayoutLine>& lines, double word_height);

}  // namespace chartscan::ocr
