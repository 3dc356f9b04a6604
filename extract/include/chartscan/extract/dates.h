// Dates as printed on US charts, normalized to ISO 8601.
//
// ParseDate accepts the common US forms: 03/14/1952, 3/14/52, 1952-03-14, 14-Mar-1952,
// 14 Mar 1952, March 14, 1952, Mar 14 1952, 03-14-1952 and 03.14.1952. Numeric forms are read
// month first (US order) unless the year comes first. Impossible dates (02/30/2020) are rejected.
//
// Two-digit years take their century from a reference date the caller passes (normally the date
// of the scan): a birth date is never put in the future of the reference; other dates fall in the
// window from 80 years before to 20 years after it. A birth date after the reference or 130 years
// or more before it, and any other date a year or more after it, is read with a low confidence.
//
// OCR confusions inside the digits (O->0, l/I/|->1, S->5, B->8) are repaired only when the
// repaired text is a valid date; such a date carries a lower confidence and `repaired`.
//
// Thread safety: pure functions.
#pragma once

#include <compare>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chartscan::extract {

struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;

  std::string Iso() const;  // "YYYY-MM-DD"
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

bool IsValidCivilDate(int year, int month, int day);
// Strict "YYYY-MM-DD"; nullopt if malformed or impossible.
std::optional<CivilDate> ParseIsoDate(std::string_view text);
// The UTC calendar date of a time in microseconds since the epoch.
CivilDate CivilDateFromMicros(long long micros);

struct DateParseOptions {
  CivilDate reference{2000, 1, 1};  // "today" for two-digit years and future checks
  bool birth_date = false;          // never in the future of reference
  bool allow_ocr_repair = true;
};

struct ParsedDate {
  CivilDate date;
  double confidence = 0;  // 0-1: 1 for a clean read, lower when repaired or implausible
  bool repaired = false;  // OCR confusions were corrected
  int tokens_used = 0;    // words consumed by ParseDateAt
};

// A date made of the first 1-4 whitespace-separated tokens; surrounding punctuation such as a
// trailing comma, period or parenthesis is ignored. nullopt if they do not start with a date.
std::optional<ParsedDate> ParseDateAt(std::span<const std::string_view> tokens,
                                      const DateParseOptions& options);
// The whole text must be one date (surrounding punctuation and spaces ignored).
std::optional<ParsedDate> ParseDate(std::string_view text, const DateParseOptions& options);

}  // namespace chartscan::extract
