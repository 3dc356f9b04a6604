// A second look at field values (internal to the pipeline).
//
// Read in its line, a value is misread where the marks around it mislead the recognizer: on a
// heavy page a birth date with show-through fused above it came back "oarse/i973", on a fax
// "16-Sep- 197}". The page's words are right everywhere else, and the same pixels, read again on
// their own as one line in the line's text band, read "09/26/1973" and "16-Sep-1971". The
// extractor knows which values were promised by a label and not read well (ValueToReread); only
// those are read again, a few small images a page.
//
// Method, for each value to read again: the words the reader returns centred inside the value's
// box replace the words of the page's text centred there (one line's words, none cut by the box's
// edge: a label glued to its value, "MRN:0012", is left alone), and the page's fields are
// extracted again from that text. Up to five readings are made, in turn: of the box as given,
// taller and shorter by a quarter of its height, wider by a height, and wider and taller. Which
// pixels the recognizer sees at the box's edges sways it (a faxed "16-Sep-1971" came back
// "16-Sep-197}", "[16-Sep-1971", "16-Sep-1977" and "16-Sep- 197]" from boxes a few pixels apart).
// The first clear reading is kept, text and fields: its words read with a mean confidence of
// kClearWords or more, the field has a value at that place (confidence kValueFloor or more; the
// extractor decides, as for any reading, whether it goes to review), no reading before it gave
// another value, and no other field of the page is lost, added or changed. Where the first reading
// had a value, the second is kept only if it is the same value read with more confidence: a
// different value is no confirmation, and the first stays, for review. At most kMaxReadsPerPage
// readings a page.
//
// Measured on held-out pages (the fax and heavy pages of eight seeds, 128 pages), a first draft
// that also kept values two doubtful readings agreed on, for review, and that replaced a first
// reading with a different clear one, added 9 values: 4 right and 5 wrong (two of the wrong ones
// replacing right first readings, "5/14/1950" by "5/14/1956" at 0.88). Clarity was first judged on
// the field's confidence (0.8, then 0.85), which also counts the label: a value under a label read
// by fuzzy match (0.85) and placed below it (0.95) could never be clear, and a name read "ARA(76)
// FLORES(92)" passed at 0.80. It is now judged on the reading's own words.
#pragma once

#include <functional>
#include <vector>

#include <chartscan/extract/extractor.h>
#include <chartscan/models/geometry.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::pipeline::internal {

// Reads the text inside a box of the page's image as one line (ocr::Engine::ReadLine).
using ReadLineFn = std::function<Result<std::vector<Word>>(const Box&)>;

struct RereadCount {
  int read = 0;  // values read again
  int kept = 0;  // of them, second readings kept
};

// Reads again the values in `todo` and updates `text` and `fields` (as ExtractPage found them on
// `text`) where a second reading is kept. A failed read leaves the first reading.
RereadCount RereadFieldValues(const extract::Extractor& extractor, int page_index,
                              const std::vector<extract::ValueToReread>& todo,
                              const ReadLineFn& read_line, PageText& text,
                              std::vector<Field>& fields);

// Replaces the words of one line of `text` centred inside `box` by `words` (given that line,
// ordered left to right) and rebuilds the text. False, and `text` unchanged, when no word is
// centred there, the words centred there belong to several lines, or a word of that line is cut
// by the box's left or right edge.
bool ReplaceWordsIn(PageText& text, const Box& box, std::vector<Word> words);

}  // namespace chartscan::pipeline::internal
