// What chartscan knows about a page, as it travels from OCR to the store and out to exports.
//
// Coordinates of words, lines and field evidence are pixels of the page's cleaned image (the image
// kept for display, upright and deskewed), so a viewer can draw them directly over it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <chartscan/models/geometry.h>

namespace chartscan {

// One recognized word. confidence is 0-100 as reported by the recognizer (100 for a word taken
// from a PDF's own text layer).
struct Word {
  std::string text;
  Box box;
  float confidence = 0;
  int line = 0;  // index into PageText::lines
};

struct TextLine {
  Box box;
  int block = 0;  // lines of one block (paragraph, column, table cell run) share a number
};

// Where a page's text came from.
enum class TextOrigin : std::uint8_t {
  kNone = 0,       // blank page or nothing recognized
  kOcr = 1,        // recognized from the image
  kTextLayer = 2,  // taken from a PDF page's own text layer
};

struct PageText {
  std::vector<Word> words;      // reading order
  std::vector<TextLine> lines;  // reading order
  std::string text;             // words joined by spaces, lines by '\n'
  double mean_confidence = 0;   // mean word confidence 0-100; 0 when there are no words
  TextOrigin origin = TextOrigin::kNone;
};

// Builds PageText::text and mean_confidence from words and lines (words must be in reading order).
void FinalizePageText(PageText& text);

// Per-page figures recorded so poor pages can be flagged for rescanning.
struct PageQuality {
  int orientation = 0;  // clockwise degrees the page was turned to make it upright
  double skew = 0;      // degrees of skew corrected (positive = page was rotated clockwise)
  double orientation_confidence = 0;  // 0-1
  double contrast = 0;                // ink-to-paper contrast, 0-1 (1 = black on white)
  double blur = 0;            // mean stroke edge width in pixels at 300 dpi; higher is blurrier
  double noise = 0;           // speckles per square inch before cleanup
  double ink_coverage = 0;    // fraction of the page area that is ink after cleanup
  double background = 0;      // median paper grey level 0-255 before normalization
  double dpi = 0;             // resolution of the cleaned image
  double source_dpi = 0;      // resolution of the captured image (0 if unknown)
  bool binarized = false;     // the OCR input was binarized (else normalized grey)
  bool upsampled = false;     // the page was enlarged before OCR
  double ocr_confidence = 0;  // mean word confidence 0-100
};

// A field extracted from a document, with the evidence it came from.
struct Field {
  std::string name;        // e.g. "mrn", "dob"
  std::string value;       // as read
  std::string normalized;  // canonical form (ISO date, digits-only NPI...)
  double confidence = 0;   // 0-1
  int page_index = 0;      // 0-based page within its document
  Box box;                 // evidence, in that page's cleaned-image coordinates
  bool needs_review = false;
  // What the value means within its field, taken from the label it was found under: for a
  // date_of_service "collected", "exam", "surgery", "administration"...; empty when the label
  // gives no finer meaning or the field has no label.
  std::string role;
};

}  // namespace chartscan
