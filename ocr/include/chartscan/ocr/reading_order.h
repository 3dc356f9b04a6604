// Reading order for recognized lines.
//
// Tesseract's layout analysis returns text blocks in an order that is right for running text and
// columns but splits tables and forms into many small blocks (one per column of cells, or one per
// label and value), which it then lists column by column. A clerk reads a form or a table row by
// row: "MRN: 00482913" belongs on one line, and a lab result row is "Glucose 182 mg/dL 70-99 H".
//
// Method. Blocks are first classified: a block is a *column block* when it holds at least
// kMinColumnLines lines of running text and is narrower than the page; everything else is a
// *fragment*. Fragments whose lines share a baseline band (vertical overlap >= kRowOverlap of the
// shorter line) are merged into rows, left to right. Column blocks keep Tesseract's internal line
// order; blocks are then ordered top to bottom, with side-by-side column blocks that overlap
// vertically ordered left to right (so a two-column page reads down the left column, then down the
// right).
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
