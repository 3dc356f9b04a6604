// Field extraction from recognized pages, and the per-document merge.
//
// Input is OCR output (PageText: words with boxes, confidences 0-100 and line indices). Output is
// chartscan::Field values: name, the value as read, its normalized form, a confidence in [0, 1],
// the page and the evidence box (union of the value words' boxes), needs_review, and the label's
// role for dates.
//
// Fields found by label (names, record numbers, dates, NPI): labels come from FieldRules and are
// matched tolerantly (any case when followed by a colon, else starting upper-case; punctuation
// ignored; one wrong, missing or extra character in labels of five or more letters). The value is
// the text to the RIGHT of the label on the same line, up to the next label; or, when nothing
// follows the label, the text BELOW it on the next line (forms with small labels above values).
// A date's meaning comes from its label (never "the first date on the page"). The patient's
// family name is reported as an extra field, patient_family_name.
//
// Fields found without labels: facility (a top line ending in a facility word such as
// "Hospital"), and codes (icd10, cpt, hcpcs) anywhere in the text, validated against a CodeSet
// and told apart from other numbers by context (see codes.h and page_extractor.cc).
//
// Confidence = mean OCR confidence of the value words / 100 x label match quality x validation
// (date repaired, NPI check digit, code known...). Below review_threshold a field needs review.
//
// ExtractDocument merges page fields: one value per single-valued field chosen by agreement
// (summed confidence of equal normalized values) and confidence; multi-valued fields keep every
// distinct value in order of first appearance. Two different values of an identity field
// (patient_name, mrn, dob) or of any single-valued field with comparable support mark the field
// needs_review instead of silently picking one. Each page's own name/MRN/DOB is reported so a
// later step can flag misfiled pages.
//
// Second look: ExtractPage can also say where a value that a label promised was not read well: no
// value parsed next to the label (a date read "oarse/i973"), or one that needs review (low OCR
// confidence, a failed NPI check digit). The caller reads those boxes again on their own (the
// pipeline, with ocr::Engine::ReadLine), puts the new words in the page's text and extracts again.
//
// Thread safety: an Extractor is immutable after Create and may be used from many threads. The
// rules and code set it points at must outlive it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <chartscan/extract/classify.h>
#include <chartscan/extract/codes.h>
#include <chartscan/extract/dates.h>
#include <chartscan/extract/rules.h>
#include <chartscan/models/document.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::extract {

struct ExtractOptions {
  // "YYYY-MM-DD": today for two-digit years and birth-date checks. Empty: the UTC date of
  // Env::Default()'s clock when the Extractor is created.
  std::string reference_date;
  double review_threshold = 0.6;  // fields and types below this confidence need review
  // Null means the built-in rules / code list. Not owned; must outlive the Extractor.
  const FieldRules* field_rules = nullptr;
  const DocTypeRules* doc_type_rules = nullptr;
  const CodeSet* codes = nullptr;

  Status Validate() const;
};

// A value to read again: the words a label's value was looked for in, as a box of page pixels.
// Horizontally the words' extent (at most the words the field's type can use); vertically the
// text band of their line (median top and bottom of its words), so that marks fused to a word
// (show-through above it, a rule under it) do not set the height of the second reading.
struct ValueToReread {
  std::string field;  // FieldRule::name
  Box box;
  bool found = false;  // a value was read, but needs review; else none parsed
};

class Extractor {
 public:
  // kInvalidArgument if the options do not validate.
  static Result<Extractor> Create(const ExtractOptions& options = {});

  // Fields of one page, in reading order. page_index is copied into each field.
  std::vector<Field> ExtractPage(const PageText& page, int page_index = 0) const;
  // The same, also listing in `reread` (cleared first) the values worth a second reading: of
  // names, record numbers, dates and NPIs that are output, those found by a label (not inferred)
  // whose value needs review, and those whose label was found with words next to it that did not
  // parse, when no value of that field was found elsewhere on the page. At most kMaxRereads a page.
  static constexpr int kMaxRereads = 6;
  std::vector<Field> ExtractPage(const PageText& page, int page_index,
                                 std::vector<ValueToReread>* reread) const;
  // Fields of every page merged into one document; pages in document order.
  DocumentFields ExtractDocument(std::span<const PageText> pages) const;
  // Merges already extracted page fields (page_fields[i] belongs to page i).
  DocumentFields MergeDocument(std::span<const std::vector<Field>> page_fields) const;

  DocumentType ClassifyPage(const PageText& page) const;
  DocumentType ClassifyDocument(std::span<const PageText> pages) const;

  const ExtractOptions& options() const { return options_; }

 private:
  explicit Extractor(ExtractOptions o) : options_(std::move(o)) {}
  ExtractOptions options_;
  CivilDate reference_;
};

// Convenience: ExtractDocument with an Extractor made from options.
Result<DocumentFields> ExtractDocument(std::span<const PageText> pages,
                                       const ExtractOptions& options = {});

}  // namespace chartscan::extract
