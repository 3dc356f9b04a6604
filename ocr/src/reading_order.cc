// Reading order: see reading_order.h for the method.
//
// Parameters:
// - kGridAligned (0.7): a region is a grid (form cells, table) when at least this share of its
//   lines has a partner beside it on the same baseline band (vertical overlap >= kRowOverlap of
//   the shorter line, no horizontal overlap)...
// - kGridMaxWords (4): ...and its lines are short (median words per line at most this). Prose set
//   in two columns has aligned baselines too, with 5-12 words per line (6-7 in narrow columns of
//   11 pt text); table and form cells hold 1-3 words, a label with its value up to 4.
// - kTitleHeight (1.6): a line this many times the region's median height beside two lines
//   stacked one above the other is a title beside an address block (60-70 px beside lines of
//   30-40 px at 300 dpi), and the region is no grid however its baselines align: the letterhead
//   is read block by block, as printed. (Row by row it was read only when a row gap happened to
//   open.) The cells of a table row beside a tall line sit side by side, not stacked. The
//   letterhead's band (with the lines set under it within a line height) is cut off from what
//   lies below it first, so that a form below is still read by rows.
// - kMaxWordGap (2.5 line heights): a wider gap inside a Tesseract line is a gutter, and the line
//   is split there before ordering (a word space is ~0.3 line heights).
// - kMinGutter (1.5 word heights), kGutterReach (4 line heights), kMinGutterLines (2),
//   kColumnAlign (0.5 line heights): a narrower gap inside a Tesseract line is split too where a
//   column gutter runs through it (SplitAtGutters): justified monospaced columns on a fax have word
//   spaces as wide as their gutter (90 px at 300 dpi), but a space has words of the lines around
//   it across it, and no column of lines starts right after it.
// - kRowOverlap (0.5): tolerates baseline jitter and residual skew but keeps consecutive lines,
//   whose overlap is ~0, apart.
// - kRowTrim (0.15 of a line's height, at top and bottom): gaps between rows are looked for
//   between trimmed line boxes. A form label set tight above its value ("Birthdate:" 8 px above
//   "08/13/1993" at 300 dpi) often comes back from Tesseract with a box a few pixels too tall
//   (a stray pixel of the value or of an erased rule), which closed the only gap between the
//   label row and the value row, so the form was read column by column.
// - A title (kTitleHeight) alone in a region's first row is cut off first: centred over a form
//   whose columns it does not cross, it would go with the column on its side of the gutter, in
//   the middle of the form (a heavy history and physical of seed 424242, 314 errors; 136 after).
// - kDeepRowTrim (0.3), kRowTypeRatio (1.5): a grid with no gap between rows at kRowTrim (a speck
//   fused to one word, 53 px tall among words of 34-45, stretched its line's box into the next
//   row on a heavy discharge summary of seed 31415) has its rows looked for between boxes trimmed
//   by kDeepRowTrim of their height, and is read by them when each band holds cells side by side
//   on both sides of the gutter, none above another, their type sizes (median word heights)
//   within kRowTypeRatio: a letterhead's name (52 px type) beside its address block (31-33 px)
//   stays two blocks.
// - kNarrowGutter (1.5 median line heights), kWideGap (3 line heights): a gutter narrower than
//   kNarrowGutter is cut across first where a gap between rows at least kWideGap and twice as
//   wide crosses the region (a lab table's last column beside a short table above a half-empty
//   page, the page's footer below: the footer's gutter joined the column to it). Columns of text
//   are set 20 pt apart, ~1.5-2 line heights, and no gap that wide runs through both of them.
// - kFormGutter (4 line heights), kFormMaxWords (7): across a gutter this wide, rows of lines of
//   up to kFormMaxWords words (median) are a form's label and value pairs ("Admit Date: October
//   6, 2023"), read by rows like any grid. Columns of text are set ~2 line heights apart.
// - A short side of a gutter (less tall than the other side), mostly of short rows (kGridAligned
//   of its rows at most kGridMaxWords words, the lines of a row together), that forms a grid with
//   the lines beside it (one row of two cells is enough) is cut off with them, above and below, and
//   read by rows: header cells beside a letterhead, the last columns of a lab table beside longer
//   lines above and below the table. A column of prose beside the top of a longer one has a few
//   short lines (a list, a line's end) but not mostly.
// - kMaxPeeledRows (2), kMinColumnLines (3): where no gutter crosses a region, up to
//   kMaxPeeledRows rows at its top and at its bottom (a title, a footer) are taken for lines
//   spanning columns of prose below or above them, and the cut between rows is taken there
//   (ColumnBandCut), not at the widest gap. Rows of label and value cells under such a title
//   (kFormRowWords words at most a row; two lines of prose side by side hold 10-16) go with it.
// - kGridTailLines (3): a band of rows cut from a grid is read by rows like it when it holds at
//   most this many lines (two cells of a row and a lone cell under one of them: too few lines for
//   kGridAligned). A larger band is judged on its own: a grid's cut can hand down the first rows
//   of two columns of prose below a form, which must still be read as columns (a photocopied
//   discharge summary of the gate, 10 errors, 190 when every band inherited the grid).
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <functional>

#include <chartscan/ocr/reading_order.h>

namespace chartscan::ocr {
namespace {

constexpr double kGridAligned = 0.7;
constexpr size_t kGridMaxWords = 4;
constexpr double kRowOverlap = 0.5;
constexpr double kMaxWordGap = 2.5;
constexpr double kMaxBlockGap = 3.0;
constexpr double kMinGutter = 1.5;
constexpr double kGutterReach = 4.0;
constexpr size_t kMinGutterLines = 2;
constexpr double kColumnAlign = 0.5;
constexpr double kRowTrim = 0.15;
constexpr double kTitleHeight = 1.6;
constexpr double kNarrowGutter = 1.5;
constexpr double kWideGap = 3.0;
constexpr double kFormGutter = 4.0;
constexpr size_t kFormMaxWords = 7;
constexpr size_t kMaxPeeledRows = 2;
constexpr size_t kFormRowWords = 10;
constexpr size_t kMinColumnLines = 3;
constexpr size_t kGridTailLines = 3;
constexpr double kDeepRowTrim = 0.3;
constexpr double kRowTypeRatio = 1.5;

int VerticalOverlap(const Box& a, const Box& b) {
  return std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
}

// Some column lies under both boxes: one stands above the other, or they overlap.
bool ShareColumns(const Box& a, const Box& b) {
  return std::min(a.right(), b.right()) > std::max(a.x, b.x);
}

bool SameRow(const Box& a, const Box& b) {
  const int shorter = std::min(a.height, b.height);
  return shorter > 0 && VerticalOverlap(a, b) >= kRowOverlap * shorter &&
         (a.right() <= b.x || b.right() <= a.x);
}

// The median height of a line's words: its type size, which a speck fused to one word does not
// change.
int TextHeight(const LayoutLine& line, const std::vector<LayoutWord>& words) {
  std::vector<int> heights;
  for (int w : line.words) heights.push_back(words[static_cast<size_t>(w)].box.height);
  if (heights.empty()) return line.box.height;
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                   heights.end());
  return heights[heights.size() / 2];
}

// A line's vertical extent for finding gaps between rows (see kRowTrim).
std::pair<int, int> RowSpan(const Box& b, double trim_share = kRowTrim) {
  const int trim = static_cast<int>(trim_share * b.height);
  return {b.y + trim, b.bottom() - trim};
}

// A gap that no line crosses: the position of the cut through its middle, and its width.
struct Cut {
  int at = 0;
  int width = 0;
  int start() const { return at - width / 2; }  // where the gap begins
};

// The gaps along one axis (between rows, or between columns if `vertical`) that no line crosses,
// in order.
std::vector<Cut> Gaps(const std::vector<const LayoutLine*>& region, bool vertical,
                      double trim = kRowTrim) {
  std::vector<std::pair<int, int>> spans;
  for (const LayoutLine* l : region) {
    spans.push_back(vertical ? std::pair{l->box.x, l->box.right()} : RowSpan(l->box, trim));
  }
  std::sort(spans.begin(), spans.end());
  std::vector<Cut> gaps;
  if (spans.empty()) return gaps;
  int reach = spans.front().second;
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].first > reach)
      gaps.push_back({reach + (spans[i].first - reach) / 2, spans[i].first - reach});
    reach = std::max(reach, spans[i].second);
  }
  return gaps;
}

// The widest gap along one axis, or width 0.
Cut WidestGap(const std::vector<const LayoutLine*>& region, bool vertical, double trim = kRowTrim) {
  Cut best;
  for (const Cut& g : Gaps(region, vertical, trim)) {
    if (g.width > best.width) best = g;
  }
  return best;
}

// The nearest gap between rows that no line crosses, at or below y, or width 0.
Cut FirstGapBelow(const std::vector<const LayoutLine*>& region, int y) {
  for (const Cut& g : Gaps(region, /*vertical=*/false)) {
    if (g.start() >= y) return g;
  }
  return {};
}

// The nearest gap between rows that no line crosses, at or above y, or width 0.
Cut LastGapAbove(const std::vector<const LayoutLine*>& region, int y) {
  Cut last;
  for (const Cut& g : Gaps(region, /*vertical=*/false)) {
    if (g.start() + g.width > y) break;
    last = g;
  }
  return last;
}

int MedianHeight(const std::vector<const LayoutLine*>& region) {
  std::vector<int> heights;
  for (const LayoutLine* l : region) heights.push_back(l->box.height);
  std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                   heights.end());
  return heights[heights.size() / 2];
}

size_t MedianWords(const std::vector<const LayoutLine*>& region) {
  std::vector<size_t> words;
  for (const LayoutLine* a : region) words.push_back(a->words.size());
  const size_t lower_median = (words.size() - 1) / 2;
  std::nth_element(words.begin(), words.begin() + lower_median, words.end());
  return words[lower_median];
}

// The bottom of the first block of lines from the top: where a vertical gap wider than
// kMaxBlockGap median line heights first opens below the lines above it, or the region's bottom.
int FirstBlockBottom(const std::vector<const LayoutLine*>& region) {
  std::vector<std::pair<int, int>> spans;
  for (const LayoutLine* l : region) spans.push_back({l->box.y, l->box.bottom()});
  std::sort(spans.begin(), spans.end());
  const int limit = static_cast<int>(kMaxBlockGap * MedianHeight(region));
  int reach = spans.front().second;
  for (const auto& [top, bottom] : spans) {
    if (top - reach > limit) return reach;
    reach = std::max(reach, bottom);
  }
  return reach;
}

// One block of lines: no vertical gap inside wider than kMaxBlockGap median line heights (a
// signature block further down beside the body is another thing than header cells at the top).
bool Contiguous(const std::vector<const LayoutLine*>& region) {
  int bottom = 0;
  for (const LayoutLine* l : region) bottom = std::max(bottom, l->box.bottom());
  return FirstBlockBottom(region) == bottom;
}

// A title (kTitleHeight) beside a stacked block of lines: a letterhead, a facility's name beside
// its address block. Returns the title, or nullptr.
const LayoutLine* LetterheadTitle(const std::vector<const LayoutLine*>& region) {
  const int height = MedianHeight(region);
  for (const LayoutLine* a : region) {
    if (a->box.height < kTitleHeight * height) continue;
    std::vector<const LayoutLine*> beside;
    for (const LayoutLine* b : region) {
      if (a != b && SameRow(a->box, b->box)) {
        beside.push_back(b);
      }
    }
    // Two of them one above the other: a block of lines, not the cells of one row.
    for (const LayoutLine* b : beside) {
      for (const LayoutLine* c : beside) {
        const bool stacked = b->box.bottom() <= c->box.y + kRowOverlap * c->box.height &&
                             ShareColumns(b->box, c->box);
        if (stacked) return a;
      }
    }
  }
  return nullptr;
}

// The bottom (of the trimmed row spans, see kRowTrim) of a letterhead's band: its title, the
// lines beside it, and the lines set under any of those within a line's height (the rest of the
// address block, a department's name under the facility's), or -1 when the region holds no
// letterhead or nothing but it.
int LetterheadBottom(const std::vector<const LayoutLine*>& region) {
  const LayoutLine* title = LetterheadTitle(region);
  if (title == nullptr) return -1;
  const int height = MedianHeight(region);
  std::vector<const LayoutLine*> band{title};
  for (const LayoutLine* l : region) {
    if (l != title && SameRow(l->box, title->box)) band.push_back(l);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const LayoutLine* l : region) {
      if (std::find(band.begin(), band.end(), l) != band.end()) continue;
      const bool under = std::any_of(band.begin(), band.end(), [&](const LayoutLine* b) {
        const int gap = l->box.y - b->box.bottom();
        return gap >= -kRowOverlap * l->box.height && gap <= height && ShareColumns(b->box, l->box);
      });
      if (under) {
        band.push_back(l);
        grew = true;
      }
    }
  }
  if (band.size() == region.size()) return -1;
  int bottom = 0;
  for (const LayoutLine* l : band) bottom = std::max(bottom, RowSpan(l->box).second);
  return bottom;
}

bool GridLike(const std::vector<const LayoutLine*>& region, size_t max_words = kGridMaxWords) {
  size_t aligned = 0;
  for (const LayoutLine* a : region) {
    for (const LayoutLine* b : region) {
      if (a != b && SameRow(a->box, b->box)) {
        ++aligned;
        break;
      }
    }
  }
  if (aligned < kGridAligned * region.size() || MedianWords(region) > max_words) return false;
  // A letterhead is read block by block, not as a row of cells.
  return LetterheadTitle(region) == nullptr;
}

// Columns between lines that span them. A title above two columns (or a footer below) runs
// across the gutter, so the region has none, and the widest gap between rows is cut first; when
// one column is longer than the other, that gap can run under the short one and through the long
// one, and the long column's end was read after the short column (a discharge summary of seed
// 4711, its title centred above the columns). Rows are peeled off the top and the bottom, at most
// kMaxPeeledRows of each, fewest first, until the lines left have a gutter with columns of prose
// beside it (kMinColumnLines lines or more on each side, more than kGridMaxWords words a line,
// median); the cut returned is the gap under the last row peeled off the top (and under the form
// rows that follow it: rows of cells side by side, kFormRowWords words at most, "Patient Name:
// Chavez, Robert R." beside "MR Number: 00947818"), else above the last one peeled off the
// bottom. Cuts between rows keep the order from top to bottom, so this
// only decides which band is read as columns. Width 0 when there is no such band.
Cut ColumnBandCut(const std::vector<const LayoutLine*>& region) {
  const std::vector<Cut> gaps = Gaps(region, /*vertical=*/false);
  const auto columns_of_prose = [&](int top, int bottom) {
    std::vector<const LayoutLine*> band;
    for (const LayoutLine* l : region) {
      const int start = RowSpan(l->box).first;
      if (start >= top && start < bottom) band.push_back(l);
    }
    if (band.size() < 2 * kMinColumnLines) return false;
    const Cut gutter = WidestGap(band, /*vertical=*/true);
    if (gutter.width == 0) return false;
    std::vector<const LayoutLine*> left, right;
    for (const LayoutLine* l : band) (l->box.x < gutter.at ? left : right).push_back(l);
    return left.size() >= kMinColumnLines && right.size() >= kMinColumnLines &&
           MedianWords(left) > kGridMaxWords && MedianWords(right) > kGridMaxWords;
  };
  const size_t n = gaps.size();
  for (size_t peeled = 1; peeled <= 2 * kMaxPeeledRows; ++peeled) {
    for (size_t top = std::min(peeled, kMaxPeeledRows) + 1; top-- > 0;) {
      const size_t bottom = peeled - top;
      if (bottom > kMaxPeeledRows || top + bottom > n) continue;
      const int from = top > 0 ? gaps[top - 1].at : INT_MIN;
      const int to = bottom > 0 ? gaps[n - bottom].at : INT_MAX;
      if (!columns_of_prose(from, to)) continue;
      if (top == 0) return gaps[n - bottom];
      // Form rows between the title and the columns (label and value cells on both sides of the
      // gutter) go with the title, to be read by rows: the cut is taken under the last of them.
      size_t last = top;
      for (size_t rows = top + 1; rows + bottom < n; ++rows) {
        std::vector<const LayoutLine*> row;
        size_t words = 0;
        for (const LayoutLine* l : region) {
          const int start = RowSpan(l->box).first;
          if (start >= gaps[rows - 2].at && start < gaps[rows - 1].at) {
            row.push_back(l);
            words += l->words.size();
          }
        }
        const bool cells = row.size() >= 2 && words <= kFormRowWords &&
                           std::none_of(row.begin(), row.end(), [&](const LayoutLine* a) {
                             return std::any_of(row.begin(), row.end(), [&](const LayoutLine* b) {
                               return a != b && ShareColumns(a->box, b->box);
                             });
                           });
        if (!cells || !columns_of_prose(gaps[rows - 1].at, to)) break;
        last = rows;
      }
      return gaps[last - 1];
    }
  }
  return {};
}

// A short column beside the top of a long one, under a header too tall to peel off
// (ColumnBandCut): the widest gap between rows, `across`, runs under the short column and
// through the long one (at a section break), and cut there the short column was read in the
// middle of the long one: a signature block set to the right of a discharge summary's diagnoses
// came between its hospital course and its medications (a discharge summary of seed 4711, with
// its scribble erased by hand), and the top of the right column of one of the accuracy gate's
// rotated progress notes was read out of its place (579 errors, 1 after).
// Returns the highest gap above `across` below which the lines have a gutter (kNarrowGutter line
// heights or wider), with lines beside each other on both sides of it, one side ending above
// `across`, mostly on baselines of its own, and the other running on below it; cut
// there, the order from top to bottom is kept and the band below is read column by column. Width
// 0 when there is none (the widest gap is cut), and when `across` is wider than kWideGap line
// heights.
Cut ColumnsBelowCut(const std::vector<const LayoutLine*>& region, const Cut& across) {
  const double line_height = MedianHeight(region);
  // A break between sections of a column; wider, the page's white space ends what is above it
  // (the gap above a footer, under a signature block at the foot of a form).
  if (across.width > kWideGap * line_height) return {};
  for (const Cut& gap : Gaps(region, /*vertical=*/false)) {
    if (gap.at >= across.at) break;
    std::vector<const LayoutLine*> below;
    for (const LayoutLine* l : region) {
      if (RowSpan(l->box).first >= gap.at) below.push_back(l);
    }
    const Cut gutter = WidestGap(below, /*vertical=*/true);
    if (gutter.width < kNarrowGutter * line_height) continue;
    // The sides stand beside each other (a footer beside the last line above it is no column),
    // and one of them ends above `across`.
    Box left, right;
    for (const LayoutLine* l : below) {
      Box& side = l->box.x < gutter.at ? left : right;
      side = side.United(l->box);
    }
    // The short side may run on below `across` too (a signature block at the foot of the short
    // column, below a section break of the long one), as long as it ends well above the long one
    // (kWideGap line heights): cut at `across`, both columns would be cut. Sides that end
    // together are not a short column beside a long one (a footer's pieces apart on both sides).
    const bool beside = VerticalOverlap(left, right) >= line_height;
    const bool short_left = left.bottom() < right.bottom();
    const int short_bottom = std::min(left.bottom(), right.bottom());
    const int long_bottom = std::max(left.bottom(), right.bottom());
    if (!beside || long_bottom <= across.at ||
        (short_bottom > across.at && short_bottom + kWideGap * line_height > long_bottom)) {
      continue;
    }
    // Cells of a form or a table beside the lines they belong with share their baselines: such a
    // short side is read by rows, as before. A block set apart (another size, its own spacing)
    // does not line up with the column beside it.
    // A short column of prose set on the same baselines as the long one (two columns typeset
    // together: a history and physical's assessment and plan beside its examination, seed 8102)
    // is a column too: of its lines above `across`, kMinColumnLines at least and most have more
    // than kGridMaxWords words (a form's last column of cells over the short column does not;
    // the gap under the form is the one to cut, as before). The end of a sentence wrapped onto a
    // short line under a long one ("and S2, no murmurs." under "HEART: Regular rate and rhythm,
    // normal S1") is prose too: a narrow column of examination findings and a numbered plan, beside
    // the long column of a history and physical, has as many such ends as long lines (a heavy H&P
    // of seed 9401, its long column's tail read after the short column: 997 errors).
    const auto wrapped_end = [&](const LayoutLine* a) {
      const LayoutLine* above = nullptr;
      for (const LayoutLine* b : below) {
        if (b == a || (b->box.x < gutter.at) != short_left || b->box.y >= a->box.y) continue;
        if (!above || b->box.y > above->box.y) above = b;
      }
      return above != nullptr && above->words.size() > kGridMaxWords &&
             a->box.y - above->box.bottom() < line_height &&
             std::abs(a->box.x - above->box.x) < 2 * line_height;
    };
    size_t short_lines = 0, aligned = 0, upper = 0, prose = 0;
    for (const LayoutLine* a : below) {
      if ((a->box.x < gutter.at) != short_left) continue;
      ++short_lines;
      if (RowSpan(a->box).first < across.at) {
        ++upper;
        prose += a->words.size() > kGridMaxWords || wrapped_end(a);
      }
      aligned += std::any_of(below.begin(), below.end(), [&](const LayoutLine* b) {
        return (b->box.x < gutter.at) != short_left && SameRow(a->box, b->box);
      });
    }
    if (2 * aligned < short_lines || (prose >= kMinColumnLines && 2 * prose > upper)) {
      return gap;
    }
  }
  return {};
}

// Appends to `out` the pieces of a line whose words `ordered` run left to right, cut before each
// word for which `cut(gap_left, gap_right)` holds of the gap between it and the piece so far.
template <typename CutAt>
void SplitLine(int block, const std::vector<int>& ordered, const std::vector<LayoutWord>& words,
               CutAt cut, std::vector<LayoutLine>& out) {
  LayoutLine piece;
  piece.block = block;
  for (int w : ordered) {
    const Box& wb = words[static_cast<size_t>(w)].box;
    if (!piece.words.empty() && cut(piece.box.right(), wb.x)) {
      out.push_back(std::move(piece));
      piece = LayoutLine{};
      piece.block = block;
    }
    piece.words.push_back(w);
    piece.box = piece.box.United(wb);
  }
  if (!piece.words.empty()) out.push_back(std::move(piece));
}

// Splits lines (words sorted left to right) at word gaps that a column gutter runs through: gaps
// at least kMinGutter of the line's median word height wide, through which no word of the lines
// within kGutterReach line heights above and below passes, while at least kMinGutterLines of those
// lines have words left of it and as many start a column right of it (their first word past the
// gap within kColumnAlign line heights of where the line's own next word starts: a form's cells
// further along a row start wherever their labels end). A narrow column of justified text (a
// monospaced fax) has word spaces as wide as the gutter beside it, and Tesseract ran one of its
// lines on into the next column's; a space in justified text has words of the lines around it
// across it.
std::vector<LayoutLine> SplitAtGutters(std::vector<LayoutLine> lines,
                                       const std::vector<LayoutWord>& words) {
  std::vector<LayoutLine> out;
  out.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const LayoutLine& l = lines[i];
    if (l.words.size() < 2) {
      out.push_back(l);
      continue;
    }
    const int height = TextHeight(l, words);
    const int min_gutter = static_cast<int>(kMinGutter * height);
    const int reach = static_cast<int>(kGutterReach * height);
    const int align = static_cast<int>(kColumnAlign * height);
    const auto through = [&](int gap_left, int gap_right) {
      // Column edges are ragged by a few pixels; the gutter's middle half must be clear.
      const int left = gap_left + (gap_right - gap_left) / 4;
      const int right = gap_right - (gap_right - gap_left) / 4;
      size_t on_left = 0, aligned_right = 0;
      for (size_t j = 0; j < lines.size(); ++j) {
        const Box& b = lines[j].box;
        if (j == i || b.bottom() < l.box.y - reach || b.y > l.box.bottom() + reach) continue;
        bool seen_left = false;
        int first_right = INT_MAX;
        for (int w : lines[j].words) {
          const Box& wb = words[static_cast<size_t>(w)].box;
          if (wb.right() > left && wb.x < right) return false;
          seen_left = seen_left || wb.right() <= left;
          if (wb.x >= right) first_right = std::min(first_right, wb.x);
        }
        on_left += seen_left;
        aligned_right += first_right != INT_MAX && std::abs(first_right - gap_right) <= align;
      }
      return on_left >= kMinGutterLines && aligned_right >= kMinGutterLines;
    };
    SplitLine(
        l.block, l.words, words,
        [&](int left, int right) { return right - left >= min_gutter && through(left, right); },
        out);
  }
  return out;
}

}  // namespace

std::vector<LayoutLine> OrderLines(const std::vector<LayoutLine>& lines,
                                   const std::vector<LayoutWord>& words, int page_width) {
  (void)page_width;
  // Tesseract sometimes runs one text line across a gutter (a letterhead's name and the address
  // block beside it, two form cells): split lines at gaps far wider than a word space first, and
  // let the cuts below put the pieces in order.
  std::vector<LayoutLine> pieces;
  for (const LayoutLine& l : lines) {
    if (l.words.empty() || l.box.width <= 0 || l.box.height <= 0) continue;
    std::vector<int> ws = l.words;
    std::stable_sort(ws.begin(), ws.end(),
                     [&](int a, int b) { return words[a].box.x < words[b].box.x; });
    const int max_gap = static_cast<int>(kMaxWordGap * l.box.height);
    SplitLine(
        l.block, ws, words, [&](int left, int right) { return right - left > max_gap; }, pieces);
  }
  pieces = SplitAtGutters(std::move(pieces), words);
  std::vector<const LayoutLine*> all;
  for (const LayoutLine& l : pieces) {
    if (l.box.width > 0 && l.box.height > 0) all.push_back(&l);
  }
  std::vector<LayoutLine> out;
  int block = 0;
  auto emit = [&](std::vector<const LayoutLine*> row) {
    LayoutLine merged;
    merged.block = block;
    for (const LayoutLine* l : row) {
      merged.box = merged.box.United(l->box);
      merged.words.insert(merged.words.end(), l->words.begin(), l->words.end());
    }
    if (row.size() > 1) {
      std::stable_sort(merged.words.begin(), merged.words.end(),
                       [&](int a, int b) { return words[a].box.x < words[b].box.x; });
    }
    out.push_back(std::move(merged));
  };

  // Recursive XY-cut: columns before rows, except in grids, which read row by row.
  // `in_grid`: the region is a band of rows cut from a grid (see kGridTailLines).
  std::function<void(std::vector<const LayoutLine*>, bool)> order =
      [&](std::vector<const LayoutLine*> region, bool in_grid) {
        if (region.empty()) return;
        if (region.size() == 1) {
          emit(region);
          return;
        }
        const Cut across = WidestGap(region, /*vertical=*/false);  // a gap between rows
        const Cut down = WidestGap(region, /*vertical=*/true);     // a gutter between columns
        auto split = [&](const Cut& cut, bool vertical, bool rows_of_grid = false,
                         double trim = kRowTrim) {
          std::vector<const LayoutLine*> first, second;
          for (const LayoutLine* l : region) {
            const int start = vertical ? l->box.x : RowSpan(l->box, trim).first;
            (start < cut.at ? first : second).push_back(l);
          }
          order(std::move(first), rows_of_grid);
          order(std::move(second), rows_of_grid);
        };
        // A letterhead above other lines is cut off first: read block by block itself (see
        // GridLike), it must not make the form below it read column by column.
        if (const int band = LetterheadBottom(region); band >= 0) {
          const Cut below = FirstGapBelow(region, band);
          if (below.width > 0) {
            split(below, false);
            return;
          }
        }
        const double line_height = MedianHeight(region);
        // A title alone in the region's first row (a report's name centred over a form whose
        // columns it does not cross) is read first: a gutter left or right of it would put it
        // into the middle of the form.
        if (down.width > 0) {
          const LayoutLine* top = *std::min_element(
              region.begin(), region.end(), [](const LayoutLine* a, const LayoutLine* b) {
                return RowSpan(a->box).first < RowSpan(b->box).first;
              });
          if (top->box.height >= kTitleHeight * line_height) {
            const Cut below = FirstGapBelow(region, RowSpan(top->box).second);
            const bool alone = std::none_of(region.begin(), region.end(), [&](const LayoutLine* l) {
              return l != top && RowSpan(l->box).first < below.at;
            });
            if (below.width > 0 && alone) {
              split(below, false);
              return;
            }
          }
        }
        if (down.width > 0 && down.width < kNarrowGutter * line_height &&
            across.width >= 2 * down.width && across.width >= kWideGap * line_height) {
          split(across, false);
          return;
        }
        // Label and value pairs set in two columns far apart ("Admit Date: October 6, 2023" |
        // "Discharge Date: October 13, 2023") hold up to kFormMaxWords words a line.
        const bool grid =
            (in_grid && region.size() <= kGridTailLines) || GridLike(region) ||
            (down.width >= kFormGutter * line_height && GridLike(region, kFormMaxWords));
        if (down.width > 0 && (across.width == 0 || !grid)) {
          // Cells of one row (every line shares a band with the first, and they sit side by side)
          // become one line. Two lines one above the other beside a taller one are a block of
          // lines beside a title (an address block beside a letterhead's name), read as columns.
          const auto side_by_side = [&] {
            return std::none_of(region.begin(), region.end(), [&](const LayoutLine* a) {
              return std::any_of(region.begin(), region.end(), [&](const LayoutLine* b) {
                return a != b && ShareColumns(a->box, b->box);
              });
            });
          };
          const bool one_row =
              across.width == 0 &&
              std::all_of(region.begin(), region.end(),
                          [&](const LayoutLine* l) {
                            return l == region.front() || SameRow(l->box, region.front()->box);
                          }) &&
              side_by_side();
          if (one_row) {
            std::sort(region.begin(), region.end(),
                      [](const LayoutLine* a, const LayoutLine* b) { return a->box.x < b->box.x; });
            emit(std::move(region));
            ++block;
            return;
          }
          // A grid whose rows touch: a speck fused to a word stretched a line's box into the row
          // next to it (see kDeepRowTrim). Its rows are looked for between line boxes trimmed
          // deeper before it is read by columns, and taken when each band is a row of cells:
          // lines on both sides of the gutter, none above another, of one type size (within
          // kRowTypeRatio). A letterhead's name and department beside its address block are two
          // blocks of stacked lines, the name's type larger.
          if (grid && across.width == 0) {
            const Cut deep = WidestGap(region, /*vertical=*/false, kDeepRowTrim);
            std::vector<const LayoutLine*> bands[2];
            for (const LayoutLine* l : region) {
              bands[RowSpan(l->box, kDeepRowTrim).first < deep.at ? 0 : 1].push_back(l);
            }
            const auto row_of_cells = [&](const std::vector<const LayoutLine*>& band) {
              int smallest = INT_MAX, largest = 0;
              bool left = false, right = false;
              for (const LayoutLine* a : band) {
                (a->box.x < down.at ? left : right) = true;
                const int h = TextHeight(*a, words);
                smallest = std::min(smallest, h);
                largest = std::max(largest, h);
                for (const LayoutLine* b : band) {
                  if (a != b && ShareColumns(a->box, b->box)) return false;
                }
              }
              return left && right && largest <= kRowTypeRatio * smallest;
            };
            if (deep.width > 0 && row_of_cells(bands[0]) && row_of_cells(bands[1])) {
              split(deep, false, /*rows_of_grid=*/true, kDeepRowTrim);
              return;
            }
          }
          // A short side beside a tall one (an address block and header cells right of a
          // letterhead and form rows, above a narrow body; a lab table's last columns beside the
          // rest of the page) is not a column: when it and the lines beside it form a grid, the
          // band they share is cut off, above first, then below, and read by rows.
          std::vector<const LayoutLine*> left, right;
          for (const LayoutLine* l : region) (l->box.x < down.at ? left : right).push_back(l);
          auto extent = [](const std::vector<const LayoutLine*>& side) {
            Box b;
            for (const LayoutLine* l : side) b = b.United(l->box);
            return b;
          };
          const Box lb = extent(left), rb = extent(right);
          const bool right_short = rb.height < lb.height;
          const std::vector<const LayoutLine*>& tall = right_short ? left : right;
          const std::vector<const LayoutLine*>& side = right_short ? right : left;
          const Box sb = right_short ? rb : lb;
          const Box tb = right_short ? lb : rb;
          const bool room_above = sb.y > tb.y + sb.height / 2;
          const bool room_below = sb.bottom() < tb.bottom() - sb.height / 2;
          if (room_above || room_below) {
            std::vector<const LayoutLine*> band(side);
            for (const LayoutLine* l : tall) {
              if (l->box.y < sb.bottom() && l->box.bottom() > sb.y) band.push_back(l);
            }
            // Short lines counted by rows of the side: a signature block's "Physician Signature"
            // and "Date/Time" labels are two lines but one row, above a long "Electronically
            // signed by ..." (a discharge summary of seed 777, its block read into the diagnoses
            // beside it); a lab table's unit and range cells are short together too.
            size_t rows = 0, short_rows = 0;
            int prose_top = INT_MAX;  // the first row of more than kGridMaxWords words
            for (const LayoutLine* a : side) {
              const bool first = std::none_of(side.begin(), side.end(), [&](const LayoutLine* b) {
                return b != a && SameRow(a->box, b->box) &&
                       (b->box.x < a->box.x || (b->box.x == a->box.x && b < a));
              });
              if (!first) continue;
              size_t row_words = 0;
              for (const LayoutLine* b : side) {
                if (b == a || SameRow(a->box, b->box)) row_words += b->words.size();
              }
              ++rows;
              if (row_words <= kGridMaxWords) {
                ++short_rows;
              } else {
                prose_top = std::min(prose_top, RowSpan(a->box).first);
              }
            }
            // A side that holds kMinColumnLines rows of prose is a column under the short cells
            // above it: a progress note's form cells over a short right column of disposition,
            // billing and signature (seed 27182) made the side "mostly short", and the column was
            // read into the middle of the long left one (397 errors). The form above the column
            // is cut off to be read by rows, and the columns below it are read as columns.
            if (rows - short_rows >= kMinColumnLines) {
              const Cut cut = LastGapAbove(region, prose_top);
              // Only under cells: every line beside and in the side above the cut is short. A
              // side whose short lines stand beside a column's prose (label and value lines beside
              // a discharge summary's diagnoses, the gate's photocopy) is judged as before.
              const bool cells_above =
                  std::all_of(region.begin(), region.end(), [&](const LayoutLine* l) {
                    const int start = RowSpan(l->box).first;
                    return start < sb.y || start >= cut.at || l->words.size() <= kGridMaxWords;
                  });
              // And at least two rows of them (a form's label row and value row): a lone short
              // line atop a column is the end of a sentence carried over from the foot of the
              // column before it ("daily labs.", a light progress note of seed 31415).
              const auto cell_lines = std::count_if(
                  side.begin(), side.end(),
                  [&](const LayoutLine* l) { return RowSpan(l->box).first < cut.at; });
              if (cut.width > 0 && cut.at > sb.y && cells_above && cell_lines >= 2) {
                split(cut, false);
                return;
              }
            }
            if (band.size() >= 2 && short_rows >= kGridAligned * rows && Contiguous(side) &&
                GridLike(band)) {
              int side_top = sb.bottom(), side_bottom = 0;
              for (const LayoutLine* l : side) {
                side_top = std::min(side_top, RowSpan(l->box).first);
                side_bottom = std::max(side_bottom, RowSpan(l->box).second);
              }
              const Cut cut =
                  room_above ? LastGapAbove(region, side_top) : FirstGapBelow(region, side_bottom);
              if (cut.width > 0) {
                split(cut, false);
                return;
              }
            }
            // A short side at the top made of blocks apart (a letterhead's address block, then
            // the last column of the form under it, beside a narrow body: a faxed progress note
            // of the accuracy gate, once its dotted rules were erased): the band of its first
            // block is cut off first, and what lies below is judged on its own.
            const int first_block_bottom = FirstBlockBottom(side);
            if (!room_above && short_rows >= kGridAligned * rows &&
                first_block_bottom < sb.bottom()) {
              const Cut cut = FirstGapBelow(region, first_block_bottom);
              if (cut.width > 0) {
                split(cut, false);
                return;
              }
            }
          }
          split(down, true);
          ++block;
          return;
        }
        if (across.width > 0) {
          Cut band = ColumnBandCut(region);
          if (band.width == 0) band = ColumnsBelowCut(region, across);
          split(band.width > 0 ? band : across, false, grid && band.width == 0);
          return;
        }
        // Lines that overlap in both directions: top to bottom, except that lines side by side
        // whose middles lie within half a line height of the first one's are a row, read left to
        // right: a table's header cells, one pushed up by a speck above it and none cut off from
        // the others by a gap, were read top to bottom ("Ref Range", "Flag", "Units",
        // "Component" on a heavy lab report of seed 8101).
        std::sort(region.begin(), region.end(), [](const LayoutLine* a, const LayoutLine* b) {
          return a->box.y != b->box.y ? a->box.y < b->box.y : a->box.x < b->box.x;
        });
        const int half_line = MedianHeight(region) / 2;
        const auto middle = [](const LayoutLine* l) { return l->box.y + l->box.height / 2; };
        for (auto row = region.begin(); row != region.end();) {
          auto end = std::next(row);
          while (end != region.end() && std::abs(middle(*end) - middle(*row)) <= half_line &&
                 std::none_of(row, end, [&](const LayoutLine* l) {
                   return ShareColumns(l->box, (*end)->box);
                 })) {
            ++end;
          }
          std::stable_sort(row, end, [](const LayoutLine* a, const LayoutLine* b) {
            return a->box.x < b->box.x;
          });
          for (auto l = row; l != end; ++l) emit({*l});
          row = end;
        }
        ++block;
      };
  order(std::move(all), false);
  return out;
}

}  // namespace chartscan::ocr
