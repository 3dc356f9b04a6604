// Reading order for recognized lines.
//
// Tesseract's layout analysis returns text blocks in an order that is right for running text and
// columns but splits tables and forms into many small blocks (one per column of cells, or one per
// label and value), which it then lists column by column. A clerk reads a form or a table row by
// row: "MRN: 00482913" belongs on one line, and a lab result row is "Glucose 182 mg/dL 70-99 H".
//
// Method: recursive XY-cut over the line boxes. In each region the widest gutter that no line
// crosses splits it into columns (read left, then right) and the widest gap between rows splits it
// into bands (read top, then bottom). Columns go first, so a two-column page reads down the left
// column and then down the right, unless the region is a grid: most of its lines have a neighbour
// on the same baseline and they are short (form cells, table cells). Grids are cut into rows
// first, and the cells of one row are merged into one line, left to right. A gutter beside a
// narrow body may run the whole page: when the side it cuts off is one short block of short lines
// beside part of the other side (an address block and header cells beside a letterhead and form
// rows; the last columns of a lab table), and that block with the lines beside it is a grid, the
// band is cut off above and below the block first and read by rows. A narrow gutter (under 1.5
// line heights: cell spacing, not a column gutter) yields to a row gap several lines wide. Gaps
// between rows are looked for between line boxes trimmed at top and bottom (Tesseract's boxes of
// form labels set tight above their values often touch them), and a title beside a stacked block of
// smaller lines (a letterhead's name beside its address) is no row of a grid. Where the widest gap
// between rows would run under a short block and through the long column beside it (a signature
// block beside the top of a discharge summary), the cut is taken above both instead, so the block
// is read after the column, not in its middle. Lines that overlap in
// both directions (no cut possible) are read top to bottom, then left to right.
#pragma once

#include <vector>

#include <chartscan/models/geometry.h>

namespace chartscan::ocr {

struct LayoutLine {
  Box box;
  int block = 0;           // Tesseract block number
  std::vector<int> words;  // indices of the line's words, left to right
};

struct LayoutWord {
  Box box;
};

// Returns the lines in reading order. Lines merged into one row come back as one LayoutLine whose
// word list is the union sorted left to right; block numbers are renumbered in reading order.
std::vector<LayoutLine> OrderLines(const std::vector<LayoutLine>& lines,
                                   const std::vector<LayoutWord>& words, int page_width);

}  // namespace chartscan::ocr
