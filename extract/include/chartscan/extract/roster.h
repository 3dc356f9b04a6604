// The master patient index: a facility's roster of patients, and matching extracted identities
// against it.
//
// Roster files are CSV with a header row naming the columns, in any order (case-insensitive;
// unknown columns are ignored):
//   mrn, dob                required
//   last, first             the name in two columns, or
//   name                    one column "Last, First" (quote it: "Doe, Jane")
//   sex                     optional: M, F, X, U (or male, female, other, unknown); empty allowed
// Dates are read by ParseDate (ISO or the common US forms) as birth dates against a reference
// date, with no OCR repair (the file is typed data). MRNs are normalized to upper-case letters
// and digits, leading zeros kept. A malformed row, a missing column or an MRN given twice is an
// error naming the file and the 1-based line; nothing of the file is returned then.
//
// Matching (MatchRoster), in order:
//   1. Exact MRN: the identity's normalized MRN equals a roster MRN character for character. A
//      misread digit is not an MRN match; such a chart falls through to step 2. An MRN whose
//      roster patient disagrees with everything else the identity carries (a different name, as
//      step 2 compares names, and a different date of birth, or the one of the two it has) is no
//      match at all: a wrong record number on a page is for a clerk, and the chart is an orphan.
//   2. Name and date of birth: the date of birth equal (ISO) and both name parts close: the family
//      name against the identity's last name word, the given name against its first word, each
//      after folding digits OCR reads for letters (0->O, 1->I, 5->S, 8->B) and "RN"->"M", within
//      one edit for parts of up to kShortNamePart letters and two edits for longer ones. The
//      roster patient with the fewest edits wins; a tie between two patients is no match (an
//      ambiguous identity is for a clerk, not a guess).
//   3. Otherwise none: the chart is an orphan.
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/extract/boundaries.h>
#include <chartscan/extract/dates.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::extract {

struct RosterPatient {
  std::string mrn;     // normalized
  std::string family;  // upper-case, as written (letters, spaces, hyphens, apostrophes)
  std::string given;   // upper-case, middle names kept, middle initials dropped ("MARY ANN")
  std::string dob;     // ISO 8601
  std::string sex;     // "M", "F", "X", "U" or empty
  int line = 0;        // 1-based line in the file it came from

  // "GIVEN FAMILY", the convention of extracted patient_name fields.
  std::string DisplayName() const { return given + " " + family; }
};

struct RosterParseOptions {
  CivilDate reference{2000, 1, 1};  // "today": two-digit years, and no birth date after it

  Status Validate() const;
};

// Parses a whole roster file's text. `file_name` names the file in error messages.
Result<std::vector<RosterPatient>> ParseRoster(std::string_view csv, std::string_view file_name,
                                               const RosterParseOptions& options);

// Upper-case letters and digits of an MRN, leading zeros kept.
std::string NormalizeRosterMrn(std::string_view mrn);

inline constexpr int kShortNamePart = 6;

enum class RosterMatchKind { kNone, kMrn, kNameDob };
std::string_view RosterMatchKindName(RosterMatchKind kind);  // "none", "mrn", "name_dob"

struct RosterMatch {
  int index = -1;  // into the roster; -1 when kind is kNone
  RosterMatchKind kind = RosterMatchKind::kNone;
};

RosterMatch MatchRoster(std::span<const RosterPatient> roster, const PatientIdentity& identity);

// Whether a field extracted from a document disagrees with the roster patient the document's chart
// matched: an MRN other than the patient's (both normalized), a date of birth other than theirs,
// or a patient name ("GIVEN ... FAMILY") that does not spell the patient's given name (its first
// word, or all of it) and family name, letter for letter (case, spaces, hyphens, apostrophes and
// a middle initial aside; no OCR folding: "WILIAM", "J0HN" and a word more disagree), and a family
// name field likewise. Matching
// tolerates OCR errors so that a misread page still finds its patient; the value read is then
// wrong, and a clerk should see it rather than trust it. Other fields and empty values never
// disagree.
bool DiffersFromRoster(const RosterPatient& patient, const Field& field);

// Indices into `fields` of those not yet marked for review that differ from `patient`: the ones
// a clerk should now verify.
std::vector<std::size_t> FieldsDifferingFromRoster(const RosterPatient& patient,
                                                   std::span<const Field> fields);

}  // namespace chartscan::extract
