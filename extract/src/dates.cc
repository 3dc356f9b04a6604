// Date parsing. Method: each candidate is split into day, month and year parts by the printed
// separators (/ - . and spaces); the part order is decided by shape (a four-digit first part is a
// year, an alphabetic part is a month name, otherwise US month/day/year). Parts are validated as a
// calendar date. When a part mixes digits with letters that OCR often confuses for digits, those
// letters are mapped to digits and the date is accepted only if the repaired parts validate, at
// kRepairedConfidence. Two-digit years are placed by the reference date (see dates.h).
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include <chartscan/extract/dates.h>

#include "text_util.h"

namespace chartscan::extract {
namespace {

constexpr double kRepairedConfidence = 0.8;
// Born in the future or 130 years ago or more, or a service date a year or more ahead.
constexpr double kImplausibleConfidence = 0.3;
constexpr int kMinYear = 1850;
constexpr int kMaxYear = 2199;

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Strips punctuation that commonly hugs a date in running text.
std::string_view Trim(std::string_view s) {
  auto junk = [](char c) {
    return c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']' ||
           c == '"' || c == '\'';
  };
  // A speck between a label's colon and its date reads as a mark glued to the date
  // ("Collection Date:.02/28/2019", "Exam Date:-09/19/2023" on heavy pages); no date starts so.
  auto lead = [](char c) { return c == '.' || c == '-' || c == '_' || c == '~'; };
  while (!s.empty() && (junk(s.front()) || lead(s.front()))) s.remove_prefix(1);
  while (!s.empty() && (junk(s.back()) || s.back() == '.')) s.remove_suffix(1);
  return s;
}

// 1-12 for a month name or its abbreviation ("Mar", "Mar.", "Sept"), else 0.
int MonthFromName(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.size() < 3) return 0;
  std::string l = Lower(s);
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (l == kMonths[i] || (l.size() == 3 && kMonths[i].substr(0, 3) == l) ||
        (l == "sept" && i == 8)) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

char RepairDigit(char c) {
  switch (c) {
    case 'O':
    case 'o':
    case 'D':
    case 'Q':
      return '0';
    case 'l':
    case 'I':
    case '|':
    case 'i':
    case '}':  // a one whose foot broke away on a fax ("16-Sep-197}"); no date holds a brace
      return '1';
    case 'S':
    case 's':
      return '5';
    case 'B':
      return '8';
    default:
      return c;
  }
}

// Digits of a numeric part; repairs confusions when allowed. nullopt if not all digits.
std::optional<int> NumberPart(std::string_view s, bool allow_repair, bool& repaired) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  bool any_digit = false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      if (!allow_repair) return std::nullopt;
      char r = RepairDigit(c);
      if (r == c) return std::nullopt;
      repaired = true;
      c = r;
    } else {
      any_digit = true;
    }
    v = v * 10 + (c - '0');
  }
  if (!any_digit) return std::nullopt;  // "Sl" is a word, not a repaired number
  return v;
}

std::optional<int> FullYear(int value, std::size_t digits, int month, int day,
                            const DateParseOptions& o) {
  if (digits == 4) return value;
  if (digits != 2) return std::nullopt;
  int y = 2000 + value;
  if (o.birth_date) {
    if (CivilDate{y, month, day} > o.reference) y -= 100;
  } else if (y > o.reference.year + 20) {
    y -= 100;
  }
  return y;
}

std::optional<ParsedDate> Finish(int y, int m, int d, bool repaired, const DateParseOptions& o) {
  if (y < kMinYear || y > kMaxYear || !IsValidCivilDate(y, m, d)) return std::nullopt;
  ParsedDate p;
  p.date = {y, m, d};
  p.repaired = repaired;
  p.confidence = repaired ? kRepairedConfidence : 1.0;
  if (o.birth_date && (p.date > o.reference || p.date.year < o.reference.year - 130)) {
    p.confidence = std::min(p.confidence, kImplausibleConfidence);
  }
  // A service, admission or signature date a year or more after the scan: a misread year
  // ("04/13/2127" for 2022 on a heavy consent form). A year, not a day: a consent signed before
  // its procedure names the procedure's date, weeks or months ahead.
  if (!o.birth_date &&
      p.date >= CivilDate{o.reference.year + 1, o.reference.month, o.reference.day}) {
    p.confidence = std::min(p.confidence, kImplausibleConfidence);
  }
  return p;
}

// One token: 03/14/1952, 3/14/52, 1952-03-14, 14-Mar-1952, 03-14-1952, 03.14.1952.
std::optional<ParsedDate> ParseOneToken(std::string_view token, const DateParseOptions& o,
                                        bool allow_repair) {
  std::vector<std::string_view> parts;
  char sep = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (c == '/' || c == '-' || c == '.') {
      if (sep == 0) sep = c;
      if (c != sep) return std::nullopt;
      parts.push_back(token.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(token.substr(start));
  if (parts.size() != 3) return std::nullopt;
  bool repaired = false;
  // Day-Mon-Year.
  if (int m = MonthFromName(parts[1]); m > 0) {
    auto d = NumberPart(parts[0], allow_repair, repaired);
    auto y = NumberPart(parts[2], allow_repair, repaired);
    if (!d || !y || parts[0].size() > 2) return std::nullopt;
    auto year = FullYear(*y, parts[2].size(), m, *d, o);
    if (!year) return std::nullopt;
    return Finish(*year, m, *d, repaired, o);
  }
  std::array<std::optional<int>, 3> n;
  for (int i = 0; i < 3; ++i) n[i] = NumberPart(parts[i], allow_repair, repaired);
  if (!n[0] || !n[1] || !n[2]) return std::nullopt;
  if (parts[0].size() == 4) {  // year first
    if (parts[1].size() > 2 || parts[2].size() > 2) return std::nullopt;
    return Finish(*n[0], *n[1], *n[2], repaired, o);
  }
  if (parts[0].size() > 2 || parts[1].size() > 2) return std::nullopt;
  auto year = FullYear(*n[2], parts[2].size(), *n[0], *n[1], o);
  if (!year) return std::nullopt;
  return Finish(*year, *n[0], *n[1], repaired, o);
}

// A date opening with a bracket that is never closed ("(2/15/1943"): the bracket is most often a
// misread 1 ("12/15/1943"), the narrow glyph OCR confuses with ( [ | and l. Read that way when
// the result is a valid date; else the bracket is a stray mark (nullopt here).
std::optional<ParsedDate> UnclosedBracketReadForOne(std::string_view raw,
                                                    const DateParseOptions& o) {
  if (raw.size() < 2 || (raw[0] != '(' && raw[0] != '[') ||
      !std::isdigit(static_cast<unsigned char>(raw[1])) ||
      raw.find_first_of(")]") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string one = "1" + std::string(Trim(raw.substr(1)));
  auto p = ParseOneToken(one, o, false);
  if (!p) return std::nullopt;
  p->repaired = true;
  p->confidence = std::min(p->confidence, kRepairedConfidence);
  p->tokens_used = 1;
  return p;
}

std::optional<ParsedDate> ParseAt(std::span<const std::string_view> tokens,
                                  const DateParseOptions& o, bool allow_repair) {
  if (tokens.empty()) return std::nullopt;
  if (auto p = UnclosedBracketReadForOne(tokens[0], o)) return p;
  const std::string_view t0 = Trim(tokens[0]);
  if (auto p = ParseOneToken(t0, o, allow_repair)) {
    p->tokens_used = 1;
    return p;
  }
  // "92/04/1971": a month's leading zero read as a 9 (or a 6 or an 8, the digits OCR confuses with
  // it) on a heavy page. No month starts so; the zero is read back only when the date then holds.
  if (allow_repair && t0.size() >= 8 && (t0[0] == '6' || t0[0] == '8' || t0[0] == '9') &&
      std::isdigit(static_cast<unsigned char>(t0[1])) && t0[1] != '0' &&
      (t0[2] == '/' || t0[2] == '-')) {
    const std::string zero = "0" + std::string(t0.substr(1));
    if (auto p = ParseOneToken(zero, o, false)) {
      p->repaired = true;
      p->confidence = std::min(p->confidence, kRepairedConfidence);
      p->tokens_used = 1;
      return p;
    }
  }
  // 10241953: the slashes of a heavy page's date lost, or a form's date printed without them.
  // Month, day and year (a month is at most 12) or year, month and day (a year starts 19 or 20)
  // cannot both read, so the order is never a guess.
  if (allow_repair && t0.size() == 8 && internal::AllDigits(t0)) {
    auto num = [&](std::size_t at, std::size_t n) {
      return std::stoi(std::string(t0.substr(at, n)));
    };
    auto p = Finish(num(4, 4), num(0, 2), num(2, 2), true, o);
    if (!p && (t0.starts_with("19") || t0.starts_with("20"))) {
      p = Finish(num(0, 4), num(4, 2), num(6, 2), true, o);
    }
    if (p) {
      p->tokens_used = 1;
      return p;
    }
  }
  if (tokens.size() < 2) return std::nullopt;
  // "11- Nov-2024": a space read after a hyphen inside the date.
  if (t0.size() >= 2 && t0.back() == '-') {
    const std::string joined = std::string(t0) + std::string(Trim(tokens[1]));
    if (auto p = ParseOneToken(joined, o, allow_repair)) {
      p->tokens_used = 2;
      return p;
    }
  }
  // "January 29,1951": the space after the day's comma lost. Day and four-digit year on either
  // side of the comma, so nothing else reads this way.
  if (int m = MonthFromName(tokens[0]); m > 0) {
    const std::string_view dy = Trim(tokens[1]);
    const std::size_t comma = dy.find(',');
    if (comma != std::string_view::npos && comma >= 1 && comma <= 2 &&
        internal::AllDigits(dy.substr(0, comma)) && dy.size() == comma + 5 &&
        internal::AllDigits(dy.substr(comma + 1))) {
      auto p = Finish(std::stoi(std::string(dy.substr(comma + 1))), m,
                      std::stoi(std::string(dy.substr(0, comma))), false, o);
      if (p) p->tokens_used = 2;
      return p;
    }
  }
  if (tokens.size() < 3) return std::nullopt;
  const std::string_view t1 = Trim(tokens[1]);
  const std::string_view t2 = Trim(tokens[2]);
  bool repaired = false;
  // 03 25 2024: the slashes of a faint or broken print lost. Month and day of one or two digits
  // and a four-digit year, so that three unrelated small numbers are not taken for a date.
  if (allow_repair && internal::AllDigits(t0) && internal::AllDigits(t1) &&
      internal::AllDigits(t2) && t0.size() <= 2 && t1.size() <= 2 && t2.size() == 4) {
    auto p = Finish(std::stoi(std::string(t2)), std::stoi(std::string(t0)),
                    std::stoi(std::string(t1)), true, o);
    if (p) p->tokens_used = 3;
    return p;
  }
  auto year_of = [&](std::string_view s, int m, int d) -> std::optional<int> {
    auto y = NumberPart(s, allow_repair, repaired);
    if (!y || s.size() != 4) return std::nullopt;  // spelled dates print four-digit years
    return FullYear(*y, s.size(), m, d, o);
  };
  // March 14, 1952 / Mar 14 1952 / Mar. 14, 1952
  if (int m = MonthFromName(tokens[0]); m > 0) {
    auto d = NumberPart(t1, allow_repair, repaired);
    if (d && t1.size() <= 2) {
      if (auto y = year_of(t2, m, *d)) {
        auto p = Finish(*y, m, *d, repaired, o);
        if (p) p->tokens_used = 3;
        return p;
      }
    }
    return std::nullopt;
  }
  // 14 Mar 1952 / 14 March 1952
  if (int m = MonthFromName(t1); m > 0) {
    auto d = NumberPart(t0, allow_repair, repaired);
    if (d && t0.size() <= 2) {
      if (auto y = year_of(t2, m, *d)) {
        auto p = Finish(*y, m, *d, repaired, o);
        if (p) p->tokens_used = 3;
        return p;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::string CivilDate::Iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool IsValidCivilDate(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) max = 29;
  return day <= max;
}

std::optional<CivilDate> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const std::size_t begin[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (std::size_t i = begin[k]; i < begin[k] + len[k]; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  }
  if (!IsValidCivilDate(v[0], v[1], v[2])) return std::nullopt;
  return CivilDate{v[0], v[1], v[2]};
}

CivilDate CivilDateFromMicros(long long micros) {
  // Howard Hinnant's civil_from_days.
  long long z = micros / 86'400'000'000LL;
  if (micros < 0 && micros % 86'400'000'000LL != 0) --z;
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

std::optional<ParsedDate> ParseDateAt(std::span<const std::string_view> tokens,
                                      const DateParseOptions& options) {
  if (auto p = ParseAt(tokens, options, false)) return p;
  if (!options.allow_ocr_repair) return std::nullopt;
  return ParseAt(tokens, options, true);
}

std::optional<ParsedDate> ParseDate(std::string_view text, const DateParseOptions& options) {
  std::vector<std::string_view> tokens = internal::SplitSpaces(text);
  auto p = ParseDateAt(tokens, options);
  if (!p || p->tokens_used != static_cast<int>(tokens.size())) return std::nullopt;
  return p;
}

}  // namespace chartscan::extract
