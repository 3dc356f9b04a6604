// Diagnosis and procedure codes: structure rules, OCR repair and the code list they are checked
// against.
//
// Structure:
// - ICD-10-CM: a letter, a digit, a digit or letter, then optionally a dot (always after the third
//   character) and 1-4 more characters (3-7 without the dot). Positions 4-6 hold digits or the
//   placeholder X; a seventh character (A, D, S, fracture letters, obstetric digits) needs all six
//   before it, so a short code that takes one is padded with X ("T81.4XXA", not "T81.4A"); a code
//   never ends in a placeholder ("T81.4XX" is incomplete). Listed exceptions (F32.A) are valid
//   because they are in the CodeSet, not by structure.
// - CPT: five digits (Category I), or four digits and F (Category II), T (Category III) or U
//   (proprietary laboratory analyses).
// - HCPCS Level II: a letter A-V and four digits.
//
// CodeSet holds known codes with descriptions, per system. The library embeds a starter list
// compiled by the project (extract/data/codes.csv, a few hundred codes common on discharge
// summaries, H&Ps, lab, radiology and operative reports; descriptions in our own words, and as
// terms the official ICD-10-CM titles and the names clinicians print for each code). A
// facility may import the full CMS ICD-10-CM order file or a CSV; an imported system is marked
// complete, and from then on a code of that system must be in the set to be valid. A starter list
// is incomplete: membership raises confidence but absence does not reject a well-formed code.
//
// OCR repair (CheckCode): a leading digit or symbol read for a letter (1->I, 0->O, 5->S, 8->B,
// 2->Z, 6->G or E, $->S) and letters read for digits in digit positions (O->0, I/l->1, S->5,
// B->8, Z->2) are corrected only if the repaired code is structurally valid and, when the set has
// codes of that system, present in the set; and only if it is the one such code reached with as
// few substitutions (at most two).
//
// Thread safety: a CodeSet is safe for concurrent reads; mutation needs exclusive access.
// Errors: loaders return Status naming the file and line, never the file's content.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/env.h>
#include <chartscan/models/status.h>

namespace chartscan::extract {

enum class CodeSystem : std::uint8_t { kIcd10Cm, kCpt, kHcpcs };

std::string_view CodeSystemName(CodeSystem system);  // "ICD10CM", "CPT", "HCPCS"
std::optional<CodeSystem> CodeSystemFromName(std::string_view name);

// Canonical form: upper-case, ICD-10-CM with its dot after the third character ("E119" ->
// "E11.9"). Returns the input upper-cased if it is not a code of that system.
std::string CanonicalCode(std::string_view code, CodeSystem system);

bool IsWellFormedIcd10Cm(std::string_view code);  // with or without the dot
bool IsWellFormedCpt(std::string_view code);
bool IsWellFormedHcpcs(std::string_view code);
bool IsWellFormed(std::string_view code, CodeSystem system);

struct CodeEntry {
  std::string code;  // canonical
  std::string description;
  CodeSystem system = CodeSystem::kIcd10Cm;
  bool billable = true;  // ICD-10-CM order file header flag; categories are not billable
  // Other names documents print for the code ("CBC with differential", "HTN"): with the
  // description, what NamedOnLine looks for beside a code as read.
  std::vector<std::string> terms;
};

class CodeSet {
 public:
  CodeSet() = default;

  // The embedded starter list. Never fails (the list is checked by the tests).
  static const CodeSet& BuiltIn();

  // Adds or replaces one code; the code is canonicalized. kInvalidArgument if malformed.
  Status Add(std::string_view code, std::string_view description, CodeSystem system,
             bool billable = true, std::vector<std::string> terms = {});
  const CodeEntry* Find(std::string_view code, CodeSystem system) const;
  bool Contains(std::string_view code, CodeSystem system) const {
    return Find(code, system) != nullptr;
  }
  std::size_t size() const { return entries_.size(); }
  std::size_t Count(CodeSystem system) const;
  // Entries ordered by system then code.
  std::vector<const CodeEntry*> Entries() const;

  // A system whose full list was imported: codes absent from the set are invalid.
  bool IsComplete(CodeSystem system) const;
  void SetComplete(CodeSystem system, bool complete);

  // Listed codes of `system` within max_distance of a code as read (ReadingDistance), nearest
  // first.
  std::vector<std::pair<const CodeEntry*, double>> Near(std::string_view as_read, CodeSystem system,
                                                        double max_distance) const;

  // Adds every entry of other (other's entries win, keeping the terms of both); completeness
  // flags are or-ed.
  void Merge(const CodeSet& other);

  // Parses the CMS ICD-10-CM order file format: 5-character order number, space, 7-character
  // code (no dot), space, header flag 0/1, space, 60-character short description, space, long
  // description. Blank lines are skipped. Marks ICD-10-CM complete. source names the input in
  // error messages.
  Status ImportCmsOrderFile(std::string_view contents, std::string_view source);
  // Parses CSV "code,description[,system[,billable[,terms]]]" (terms separated by '|'; RFC 4180
  // quoting; an optional header line
  // starting with "code"; lines starting with '#' are comments). A row without a system is read by
  // shape: five digits or four digits and F/T/U are CPT, a letter and four digits without a dot
  // HCPCS (write ICD-10-CM codes of that shape with their dot, "J11.00"), anything else of ICD
  // shape ICD-10-CM. Does not change completeness unless mark_complete.
  Status ImportCsv(std::string_view contents, std::string_view source, bool mark_complete = false);
  // Reads a file and picks the parser by content (fixed-width order file vs CSV).
  Status ImportFile(const std::string& path, Env& env = *Env::Default());

  // Persistence: one CSV "code,description,system,billable,terms" with a header and a "#complete"
  // line; Save writes <dir>/codes.csv atomically, Load reads it back.
  std::string ToCsv() const;
  Status Save(const std::string& dir, Env& env = *Env::Default()) const;
  static Result<CodeSet> Load(const std::string& dir, Env& env = *Env::Default());

 private:
  void Index(CodeSystem system, const std::string& code);

  std::map<std::pair<CodeSystem, std::string>, CodeEntry> entries_;
  bool complete_[3] = {false, false, false};
  // Codes by system and by their count of letters and digits, for Near: a reading is compared
  // only with codes of about its length, in a flat list rather than the map's nodes.
  static constexpr std::size_t kIndexedLengths = 9;
  std::vector<std::string> by_length_[3][kIndexedLengths];
};

struct CodeCheck {
  std::string code;  // canonical
  bool well_formed = false;
  bool known = false;  // present in the set
  bool valid = false;  // well formed, and known if the set is complete for the system
  bool repaired = false;
  double confidence = 0;  // 0-1 validation factor
};

// Validates a code as printed, repairing OCR confusions as described above. nullopt if neither
// the text nor any permitted repair is valid.
std::optional<CodeCheck> CheckCode(std::string_view text, CodeSystem system, const CodeSet& set,
                                   bool allow_repair = true);

// How many OCR edits separate a code as read from a code: a substitution OCR commonly makes
// (0/O/D/Q, 1/I/L/T/7, 5/S/$/6, 8/B/&/0/3/6/9, 2/Z, 6/G, E/F/pound sign, J/1/3) or a period,
// comma or mark added, dropped or read for another costs 0.5; any other substitution, insertion
// or deletion 1. Case is ignored; marks around the reading are not counted. Once the distance
// must exceed `limit`, returns some value above it.
double ReadingDistance(std::string_view as_read, std::string_view code,
                       double limit = std::numeric_limits<double>::infinity());

// The words of a printed line as NamedOnLine compares them: lower-case runs of letters and
// digits ("Community-acquired" gives "community" and "acquired"). An ampersand or a dollar sign
// between two letters is the B or the S it was misread for ("C&C" gives "cbc").
std::vector<std::string> LineWords(const std::vector<std::string>& tokens);

// Whether the entry's description or one of its terms is printed among `words` (LineWords): three
// quarters of its words of three or more letters or digits are there, spelled alike or within an
// OCR edit (two for words of eight letters or more), and they make three letters or more.
bool NamedOnLine(const CodeEntry& entry, const std::vector<std::string>& words);

// A code as read that is not a listed code ("GO3.9", "85045", "(18,9"), beside words naming a
// listed one ("Hypothyroidism, unspecified", "CBC WITH DIFFERENTIAL", "pneumonia"): the listed
// code of `system` named on the line (NamedOnLine) and nearest the reading (ReadingDistance at
// most 2, and at most 0.4 per character of the code), when no other named code is as near.
// nullopt otherwise. The check is marked repaired; the caller sets its confidence.
// CodeNamedOnLine is CodesNear then NamedAmong; a caller trying one reading against several sets
// of words (a line alone, then with the line above) finds the candidates once.
struct NamedCode {
  CodeCheck check;
  double distance = 0;
};
using CodeCandidates = std::vector<std::pair<const CodeEntry*, double>>;
// Listed codes the reading could be, with their ReadingDistance, nearest first.
CodeCandidates CodesNear(std::string_view as_read, CodeSystem system, const CodeSet& set);
std::optional<NamedCode> NamedAmong(const CodeCandidates& candidates,
                                    const std::vector<std::string>& words);
std::optional<NamedCode> CodeNamedOnLine(std::string_view as_read, CodeSystem system,
                                         const CodeSet& set, const std::vector<std::string>& words);

}  // namespace chartscan::extract
