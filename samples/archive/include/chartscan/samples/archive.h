// A synthetic archive: many pages of invented chart text, built for search, without OCR.
//
// Method. A roster of invented patients is drawn first (given and family names from
// chartscan/samples/vocabulary.h, a unique 8-digit MRN with leading zeros, a date of birth), and
// the archive's pages are shared out among them (one page each, the rest by a weight in [0.25,
// 1.75] drawn per patient, so charts vary in size while the total is exactly
// ArchiveOptions::pages). A patient's pages are
// then cut into documents of the ten chartscan document types, each with a date of service in
// 2005-2024, a provider and a clinical "case" (diagnoses with ICD-10 codes, medications, labs, a
// procedure or an imaging exam with its CPT code) that the document's sections agree with. A page
// is a header (facility; "Patient: <First Last>  MRN: <mrn>  DOB: <MM/DD/YYYY>"; date of service
// and provider), the title on page 1, section lines until the page holds about words_per_page
// words, and "Page k of n" (plus the signature on the last page), lines joined by '\n'.
//
// OCR errors are then injected into a copy of the text, as a recognizer makes them, at the rates
// of OcrErrorRates, each per opportunity (an identifier printed, a name word printed, an ordinary
// word): confusions inside identifiers (0/O, 1/I/l, 5/S, 8/B: an MRN printed "0O482913"), a wrong
// digit, names misspelled (a dropped letter "Margret", rn/m, cl/d, e/c...), letter confusions in
// ordinary words, and words split in two or merged with the next. The clean text is kept as
// ArchivePage::truth with the list of errors, so tests know which pages carry which errors.
//
// Everything is a function of ArchiveOptions alone: each patient's documents come from a random
// stream forked from the seed by the patient's index, so any patient can be generated on its own
// (PatientDocuments) and the whole archive streams in constant memory (ForEachDocument). The error
// stream is separate from the text stream: changing the error rates never changes the clean text.
//
// Thread safety: an Archive is immutable after construction; its const methods may be called from
// several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::samples::archive {

// Each rate is the chance, per opportunity, that the recognizer gets it wrong.
struct OcrErrorRates {
  double identifier_confusion = 0.02;  // per identifier printed (MRN, dates, codes, lab values)
  double identifier_digit = 0.005;     // per identifier printed: one digit read as another
  double name = 0.02;                  // per name word printed (patient or provider)
  double letters = 0.004;              // per ordinary word that has a confusable letter pattern
  double split = 0.001;                // per ordinary word of 6 letters or more: split in two
  double merge = 0.001;  // per ordinary word followed by another on its line: merged with it

  Status Validate() const;
};

struct ArchiveOptions {
  std::uint64_t seed = 1;
  std::int64_t pages = 1'000'000;
  int patients = 0;          // 0: one per 20 pages (50,000 for a million pages); at most `pages`
  int words_per_page = 300;  // the mean; each page draws its own target within +-15%
  int pages_per_batch = 10'000;  // a document goes to batch (its first page's ordinal / this)
  int first_year = 2005;         // dates of service
  int last_year = 2024;
  OcrErrorRates errors;

  Status Validate() const;
  int patient_count() const;  // patients, resolved
};

enum class ErrorKind {
  kConfusion,  // identifier: 0/O, 1/I/l, 5/S, 8/B
  kDigit,      // identifier: a digit read as another digit
  kName,       // a name word misspelled
  kLetters,    // an ordinary word with confused letters (rn/m, cl/d, e/c...)
  kSplit,      // a word split in two
  kMerge,      // two words merged
};
inline constexpr int kErrorKindCount = 6;
std::string_view ErrorKindName(ErrorKind kind);  // "confusion", "digit", "name", ...

struct InjectedError {
  ErrorKind kind = ErrorKind::kConfusion;
  std::string truth;    // as it should read ("00482913"; "chest pain" for a merge)
  std::string printed;  // as printed ("0O482913"; "chestpain")
};

// How many chances each kind of error had on a page (to check rates against).
struct ErrorOpportunities {
  int confusable_identifiers = 0;  // identifiers with a 0, O, 1, I, l, 5, S, 8 or B (kConfusion)
  int identifiers = 0;             // words with a digit (kDigit)
  int names = 0;                   // name words of 3 letters or more (kName)
  int letter_words = 0;            // ordinary words with a confusable letter pattern (kLetters)
  int long_words = 0;              // ordinary words of 6 characters or more (kSplit)
  int merge_words = 0;             // ordinary words followed by another on their line (kMerge)
};

struct Patient {
  int index = 0;
  std::string given;
  std::string family;
  std::string sex;              // "M" or "F"
  std::string mrn;              // 8 digits, leading zeros kept
  std::string dob;              // ISO 8601
  std::int64_t first_page = 0;  // ordinal of the patient's first page
  int pages = 0;

  std::string full_name() const { return given + " " + family; }  // "Margaret Johnson"
};

struct ArchivePage {
  std::int64_t ordinal = 0;  // 0-based over the archive, in generation order
  int page = 1;              // 1-based within its document
  std::string text;          // as printed: OCR errors included
  std::string truth;         // the same page without errors
  std::vector<InjectedError> errors;
  ErrorOpportunities opportunities;
  // As an extractor would report them from this page: value as printed, normalized from the
  // printed value (errors kept), lower confidence where an error touched the value.
  std::vector<Field> fields;
  double confidence = 0;  // mean word confidence 0-100
};

struct ArchiveDocument {
  int patient = 0;                 // index into Archive::patients()
  int ordinal_in_patient = 0;      // 0-based, in date order
  int batch = 0;                   // batch ordinal (see ArchiveOptions::pages_per_batch)
  std::string type;                // one of kDocumentTypeNames
  std::string date_of_service;     // ISO 8601
  std::string provider;            // "Susan Patel, MD"
  std::string path;                // "archive/p00012345/doc-003.pdf"
  std::vector<std::string> icd10;  // codes the document prints, in order of first appearance
  std::vector<std::string> cpt;
  std::vector<ArchivePage> pages;
  // Merged as assembly would, from the truth: patient_name ("MARGARET JOHNSON"), mrn, dob,
  // date_of_service, provider, then every icd10 and cpt code. page_index 0.
  std::vector<Field> fields;

  std::string text() const;  // the printed pages joined by '\f' (what the document's digest is of)
};

// Stable key of a page, independent of any store: "<patient>/<document>/<page>" (0-based patient
// and document ordinals, 1-based page), e.g. "12345/3/2" is page 2 of
// archive/p00012345/doc-003.pdf.
std::string PageKey(const ArchiveDocument& doc, int page);

class Archive {
 public:
  // Draws the roster. options must Validate() (throws std::invalid_argument otherwise: misuse).
  explicit Archive(const ArchiveOptions& options);

  const ArchiveOptions& options() const { return options_; }
  const std::vector<Patient>& patients() const { return patients_; }

  // The documents of one patient, in date order, with their pages and errors.
  std::vector<ArchiveDocument> PatientDocuments(int patient) const;

  // Every document, patient by patient; stops at and returns the first non-OK status.
  Status ForEachDocument(const std::function<Status(const ArchiveDocument&)>& fn) const;

 private:
  ArchiveOptions options_;
  std::vector<Patient> patients_;
  std::vector<std::string> provider_given_;
  std::vector<std::string> provider_family_;
  std::vector<std::string> facilities_;
};

// Spellings an OCR error could have turned `word` into, or that could have been misread as it:
// for identifiers the confusion classes (0/O, 1/I/l, 5/S, 8/B) applied at up to `max_edits`
// positions; for words also a dropped, doubled or inserted letter and rn/m, cl/d, e/c, li/h, vv/w.
// Lower case, without `word` itself, sorted. Used to give engines without approximate matching
// the same chance (an OR of the variants).
std::vector<std::string> IdentifierVariants(std::string_view word, int max_edits);
std::vector<std::string> NameVariants(std::string_view word);

}  // namespace chartscan::samples::archive
