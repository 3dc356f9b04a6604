// Record numbers, provider numbers and personal names.
//
// MRN: numeric or alphanumeric as the facility prints it ("00322818", "E9612127", "46-76803").
// Normalized to letters and digits only, upper-case, leading zeros kept.
//
// NPI: ten digits whose last is a Luhn check digit computed over "80840" followed by the first
// nine (the NPI standard's card-issuer prefix).
//
// Names: "Last, First M." and "First M. Last" (any case, optional "Dr." before and credentials
// such as MD or DO after) normalize to "FIRST LAST" upper-case: given name(s) and family name
// with middle initials dropped, the same convention as the samples' truth files. The family name
// is kept separately (the extractor reports it as a `patient_family_name` field).
//
// Thread safety: pure functions; an MrnPadding is immutable once built.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chartscan::extract {

struct ParsedIdentifier {
  std::string normalized;
  double confidence = 0;  // 0-1
  bool repaired = false;  // OCR confusions were corrected
  bool valid = true;      // NPI: the check digit matched
};

// An MRN: 4-20 letters, digits and dashes with at least 4 digits. Letters inside a run of digits
// that OCR confuses for digits (O, I, l, S, B) are repaired. A prefix of two or three letters whose
// last one is such a letter, right before the digits ("MRO656945"), is ambiguous (prefix "MRO", or
// "MR" and a zero?): confidence 0.5 at most, so the value goes to review.
std::optional<ParsedIdentifier> ParseMrn(std::string_view text);

// A facility's record numbers share a shape, often a fixed number of digits padded with zeros
// ("0008404556"). A zero of the padding misread (a speck inside it: "6008404556", "0608731102") or
// a stroke read before it ("100181643" for "00181643") gives a number no check digit catches, and
// the value was stored as read, with the recognizer's confidence. MrnPadding learns from the
// record numbers known (a store's charts and a batch's documents) how many zeros begin the
// numbers of each length, and doubts a number whose padding is broken:
// - all digits, n of them, where of the distinct n-digit numbers known (kMinPaddingSamples or
//   more) at least kPaddedShare begin with z >= 2 zeros, and exactly one of its first z digits
//   is not a zero; or
// - all digits, n + 1 of them, fewer than kMinPaddingSamples (n + 1)-digit numbers known, and one
//   digit taken from its first z + 1 leaves such a padded n-digit number (a digit put before the
//   padding, or into it).
// A facility whose numbers are not padded teaches no padding, and none of its numbers is doubted.
inline constexpr size_t kMinPaddingSamples = 4;
inline constexpr double kPaddedShare = 0.8;

class MrnPadding {
 public:
  // `known`: normalized MRNs; repeats count once.
  explicit MrnPadding(std::span<const std::string> known);
  // True when `mrn` (normalized) breaks the padding of the numbers of its length (see above).
  bool Doubts(std::string_view mrn) const;

 private:
  std::map<size_t, size_t> samples_;  // distinct all-digit numbers known, by length
  std::map<size_t, size_t> zeros_;    // leading zeros of the padded lengths (2 or more)
};

// True for ten digits with a valid NPI check digit.
bool IsValidNpi(std::string_view digits);
// The NPI check digit for nine digits (as a character '0'-'9').
char NpiCheckDigit(std::string_view nine_digits);
// Ten digits (spaces/dashes ignored). Confusable letters and stray points or commas between the
// digits are repaired only if the result passes the check; a ten-digit number failing the check
// is returned with valid=false, low confidence.
std::optional<ParsedIdentifier> ParseNpi(std::string_view text);

struct ParsedName {
  std::string normalized;  // "FIRST LAST"
  std::string given;       // "FIRST" (given names without initials)
  std::string family;      // "LAST"
  double confidence = 0;   // 0-1
  int tokens_used = 0;     // words consumed by ParseNameAt, including "Dr." and credentials
};

// A personal name starting at the first token; stops at a token that cannot be part of a name
// (digits, a lower-case word, a credential ends it). Needs a given and a family name.
std::optional<ParsedName> ParseNameAt(std::span<const std::string_view> tokens);
std::optional<ParsedName> ParseName(std::string_view text);

}  // namespace chartscan::extract
