// Page text as the archive generator builds it: lines of pieces, each piece a word with its
// punctuation and what kind of word it is, so OCR errors can be injected where a recognizer makes
// them (identifiers, names, ordinary words; never in labels) and fields can be read back from the
// pieces that print them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <chartscan/samples/archive.h>
#include <chartscan/samples/rng.h>

namespace chartscan::samples::archive {

enum class PieceKind {
  kPlain,       // an ordinary word
  kName,        // a patient's or provider's name word
  kIdentifier,  // a word with a digit: MRN, date, code, value
  kLabel,       // printed by the form ("MRN:", "Page"): not corrupted
};

struct Piece {
  std::string before;  // punctuation before the word: "("
  std::string text;    // the word, where errors go
  std::string after;   // punctuation after it: "),"
  PieceKind kind = PieceKind::kPlain;
  std::string field;      // the field this piece prints ("mrn", "icd10"...), or empty
  std::string sep = " ";  // what follows the piece on its line ("" when merged, "  " in headers)
};

using Line = std::vector<Piece>;

// Builds one line.
class LineBuilder {
 public:
  // Words of running text, split at spaces; leading and trailing punctuation is kept apart from
  // each word; a word with a digit is an identifier.
  LineBuilder& Text(std::string_view text);
  LineBuilder& Label(std::string_view text);  // form text, never corrupted (may hold spaces)
  LineBuilder& Name(std::string_view word, std::string_view field = {});
  LineBuilder& Id(std::string_view value, std::string_view field = {}, std::string_view before = {},
                  std::string_view after = {});
  LineBuilder& After(std::string_view punct);  // punctuation after the last piece
  LineBuilder& Gap();                          // two spaces after the last piece (header columns)
  Line Take();
  bool empty() const { return line_.empty(); }

 private:
  Line line_;
};

std::string RenderLine(const Line& line);
int CountWords(std::string_view text);

// Injects OCR errors into the lines in place, at the rates given, recording each error and each
// opportunity.
void InjectErrors(std::vector<Line>& lines, const OcrErrorRates& rates, Rng& rng,
                  std::vector<InjectedError>& errors, ErrorOpportunities& opportunities);

// A name word as OCR misspells it: a dropped interior letter (a vowel when there is one) or a
// letter swap (rn/m, cl/d, li/h, vv/w, e/c) after the first letter. Empty when the word is too
// short to misspell.
std::string MisspellName(std::string_view word, Rng& rng);

// "03/I4/1952" -> "1952-03-14" after undoing letter-for-digit confusions; empty when the printed
// date is not a valid MM/DD/YYYY date.
std::string RepairedIsoDate(std::string_view printed);

}  // namespace chartscan::samples::archive
