// Document boundaries: which pages of a batch belong together, and patient identity comparison.
//
// Input is one BoundaryPage per page of the batch in batch order (source files in the order they
// were given, then page order): a small summary of what the page says about itself. Output is
// the documents as page lists, the separator sheets and the blank pages that sit between
// documents. FindBoundaries is a pure function of its input.
//
// Evidence, in order of trust (a more trusted rule decides before a less trusted one is asked):
//   1. Separator sheets (a barcode of kind kSeparator, or a patch code). The sheet is not content
//      of any document; the next page always starts one.
//   2. Patient-label barcodes (kind kPatientLabel; other barcodes are ignored). A label that
//      differs from the current document's label starts a new document; the same label rules out
//      an identity change.
//   3. "Page N of M" footers. Page 1 starts a document. Page N > 1 of the current document's M,
//      after the last page number seen, continues it: across a blank back side, across a new
//      source file (a clerk may scan one document per file or a whole stack per file), and
//      across an identity or title change (that page is then a possible misfile for assembly to
//      flag, never a reason to split). A page N > 1 of a different M contradicts the current
//      document.
//   4. A change of patient identity (MRN; else name, DOB) or of the document title's type
//      contradicts the current document. Identity values are compared tolerantly (SameMrn,
//      SameName, SameDob) so one misread character does not split a document.
//   5. A new source file starts a new document.
//   6. A blank page between two pages starts a new document after it, unless a footer says the
//      document continues (then the blank page is a back side and stays inside the document).
//      BoundaryOptions::blank_page_splits turns this rule off for duplex batches without footers.
// A contradicted page (3, 4) starts a new document, except a single stray page between two pages
// that both continue the current document (by footer, or by agreeing identity in the same file):
// it is kept in place and listed in DocumentSpan::misplaced, so assembly flags it as a possible
// misfile instead of splitting the document in two.
//
// Failed pages (no text) carry no evidence: they continue the current document unless a new
// source file starts.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/extract/classify.h>
#include <chartscan/models/barcode.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::extract {

// "Page N of M", "Page N/M", "Pg. N of M" (any case; O, l and I read for digits repaired).
struct PageFooter {
  int number = 0;  // N, 1-based
  int count = 0;   // M >= N
};

// The last footer mention in the text (footers come last in reading order); nullopt when there
// is none or N > M. Numbers above 999 are not footers.
std::optional<PageFooter> ParsePageFooter(std::string_view text);

// What one page says about where it belongs.
struct BoundaryPage {
  std::int64_t source_id = 0;  // pages of one source file share it
  int source_page = 1;         // 1-based within the source (for reports only)
  bool blank = false;
  // Normalized identity as ExtractPage reports it ("FIRST LAST", letters and digits, ISO date);
  // empty when the page does not show it.
  std::string mrn;
  std::string patient_name;
  std::string dob;
  // The document type a title on the page names (FindTitleType in classify.h); empty when none.
  std::string title_type;
  std::optional<PageFooter> footer;
  std::vector<Barcode> barcodes;
};

// What made a document start where it does.
enum class BoundaryReason {
  kBatchStart,
  kSeparator,
  kPatientLabel,
  kFirstPageFooter,
  kFooterMismatch,
  kIdentityChange,
  kTitleChange,
  kNewSource,
  kAfterBlank,
};
std::string_view BoundaryReasonName(BoundaryReason reason);  // "separator", "identity_change"...

struct DocumentSpan {
  // Indices into the input, ascending; blank back sides inside the document included.
  std::vector<int> pages;
  BoundaryReason reason = BoundaryReason::kBatchStart;
  // Pages kept in this document although their own footer or identity points elsewhere.
  std::vector<int> misplaced;
};

struct Boundaries {
  std::vector<int> starts;  // first page of each document, ascending
  std::vector<DocumentSpan> documents;
  std::vector<int> separators;    // separator sheets (in no document)
  std::vector<int> loose_blanks;  // blank pages between documents (in no document)
};

struct BoundaryOptions {
  bool blank_page_splits = true;  // rule 6
  // Record numbers of at least kMinFuzzyMrnLength characters this many edits apart are the same
  // (one misread character); 0 demands equality after OCR-confusion folding.
  int mrn_edits = 1;

  Status Validate() const;
};

// kInvalidArgument when the options do not validate; otherwise the boundaries.
Result<Boundaries> FindBoundaries(std::span<const BoundaryPage> pages,
                                  const BoundaryOptions& options = {});

// The boundary summary of a recognized page from its text and the fields ExtractPage found on it
// (the most confident value of each identity field is used).
BoundaryPage SummarizePage(const PageText& page, std::span<const Field> fields,
                           const DocTypeRules& rules);

// ---- Identity comparison (also used to group documents into charts) ---------------------------

inline constexpr int kMinFuzzyMrnLength = 6;

// Who a page or document says it is about; empty members are unknown.
struct PatientIdentity {
  std::string mrn;           // normalized, may be empty
  std::string patient_name;  // "FIRST LAST", may be empty
  std::string dob;           // ISO 8601, may be empty
};

// Two identities name different patients: record numbers decide when both are known (SameMrn);
// otherwise names that are both known and not SameName, or dates of birth that are both known and
// not SameDob, differ. Unknown parts never differ.
bool DifferentPatients(const PatientIdentity& a, const PatientIdentity& b, int mrn_edits = 1);

// Equal after upper-casing and folding characters OCR confuses (O/0, I/L/1, S/5, B/8, Z/2), or
// within max_edits edits when both have at least kMinFuzzyMrnLength characters. Empty never
// matches.
bool SameMrn(std::string_view a, std::string_view b, int max_edits = 1);
// Names as letters and spaces, any case, within one edit per eight letters (at least one).
bool SameName(std::string_view a, std::string_view b);
// ISO dates equal or differing in one character (a misread digit).
bool SameDob(std::string_view a, std::string_view b);

}  // namespace chartscan::extract
