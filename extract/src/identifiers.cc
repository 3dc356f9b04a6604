// MRN, NPI and name parsing. Method: MRNs and NPIs are read character by character after the
// printed separators are dropped; letters that OCR confuses for digits are mapped back only inside
// the digit run (an MRN's letter prefix is kept), and an NPI repair must pass the Luhn check.
// Names are read token by token: an optional honorific, then capitalized words and initials, then
// optional credentials; a comma after the first word(s) marks the "Last, First" order.
#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <chartscan/extract/identifiers.h>

#include "text_util.h"

namespace chartscan::extract {
namespace {

constexpr double kRepairedConfidence = 0.8;
// A letter prefix that ends in a letter OCR confuses with a digit, right before the digits
// ("MRO656945"): prefix "MRO" or "MR" and a leading zero? The print alone cannot say, and reading
// the same pixels again gives the same answer; the value goes to review.
constexpr double kAmbiguousPrefixConfidence = 0.5;
constexpr double kFailedCheckConfidence = 0.35;
constexpr double kNoisyNameFactor = 0.9;  // a name read through OCR noise or a repair
// A name read with a two-letter word taken for a middle initial (IsInitialWithPeriodReadAsO):
// under the review threshold.
constexpr double kInitialOrNameConfidence = 0.55;

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
char Upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

std::string UpperString(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Upper(c);
  return out;
}

char DigitFor(char c) {
  switch (c) {
    case 'O':
    case 'o':
    case 'Q':
      return '0';
    case 'I':
    case 'l':
    case '|':
    case '}':  // a one whose foot broke away ("E114898}" on a heavy page)
      return '1';
    case 'S':
      return '5';
    case 'B':
      return '8';
    default:
      return 0;
  }
}

std::string_view TrimPunct(std::string_view s) {
  // A speck before a value reads as a point or a quote (".1802804629").
  while (!s.empty() && (s.front() == '(' || s.front() == '#' || s.front() == ':' ||
                        s.front() == '.' || s.front() == '\'' || s.front() == '"')) {
    s.remove_prefix(1);
  }
  // ...and after it as a quote ("1448387559\"" on a heavy consent form), or as an underscore, the
  // end of the form line the value was typed on ("MR6509353_" on a fax): no identifier has one.
  while (!s.empty()) {
    if (s.back() == '.' || s.back() == ',' || s.back() == ';' || s.back() == ')' ||
        s.back() == ':' || s.back() == '"' || s.back() == '\'' || s.back() == '_') {
      s.remove_suffix(1);
    } else if (s.ends_with("\xE2\x80\x9D") || s.ends_with("\xE2\x80\x99")) {  // curly quotes
      s.remove_suffix(3);
    } else if (s.ends_with("\xC2\xB0")) {  // a speck read as a degree sign ("K1238370°")
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

bool IsCredential(std::string_view t) {
  static constexpr std::array<std::string_view, 22> kCredentials = {
      "MD",   "DO",  "RN",   "NP",  "PA", "PA-C", "DDS",  "DMD", "PHD", "MBBS", "FACS",
      "CRNA", "CNM", "APRN", "DPM", "OD", "FNP",  "ARNP", "LPN", "MLS", "DNP",  "FACP"};
  // A dash after it is a speck or a hyphen's start before the next form cell ("INGRID MD-").
  while (t.size() > 1 && t.back() == '-') t.remove_suffix(1);
  std::string u;
  for (char c : t) {
    if (c == '.' || c == ',') continue;
    if (c == '(') break;  // MLS(ASCP)
    u.push_back(Upper(c));
  }
  for (std::string_view k : kCredentials) {
    if (u == k) return true;
  }
  return false;
}

// A credential OCR read with one letter too many ("MID" for "MD": a stroke of the M read as a
// letter of its own), in capitals as printed. Taken only after the comma that ends a name written
// in mixed case ("Laura James, MID"), where a given name in capitals would be out of place.
bool IsCredentialWithExtraLetter(std::string_view t) {
  while (!t.empty() && (t.back() == '.' || t.back() == ',')) t.remove_suffix(1);
  if (t.size() < 3 || t.size() > 5) return false;
  for (char c : t) {
    if (c < 'A' || c > 'Z') return false;
  }
  for (std::size_t k = 1; k < t.size(); ++k) {
    std::string shorter(t);
    shorter.erase(k, 1);
    if (IsCredential(shorter)) return true;
  }
  return false;
}

bool IsHonorific(std::string_view t) {
  std::string u;
  for (char c : t) {
    if (c != '.') u.push_back(Upper(c));
  }
  return u == "DR" || u == "MR" || u == "MRS" || u == "MS" || u == "MISS";
}

bool IsParticle(std::string_view t) {
  return t == "de" || t == "del" || t == "la" || t == "van" || t == "von" || t == "da" ||
         t == "di" || t == "le" || t == "du" || t == "der";
}

// A middle initial OCR read as a look-alike symbol or digit ("Amanda $. Cruz"): the symbol
// alone, followed by the initial's period; or the initial with one symbol stuck before it. Initials
// are dropped from the normalized name, so which letter was printed does not matter, only that the
// slot holds an initial.
bool IsInitialLookAlike(std::string_view t) {
  if (t == "|") return true;  // an I without its period: "MATEO | BENNETT"
  if (t.size() < 2 || t.back() != '.') return false;
  t.remove_suffix(1);
  // A speck or symbol stuck before the initial itself ("Amanda $S. Cruz"): the letter is there.
  if (t.size() >= 2 && std::isupper(static_cast<unsigned char>(t.back())) != 0) {
    std::string_view mark = t.substr(0, t.size() - 1);
    const unsigned char first = static_cast<unsigned char>(mark.front());
    const bool one_ascii_mark = mark.size() == 1 && std::ispunct(first) != 0;
    const bool one_utf8_mark =
        first >= 0xC0 && mark.size() <= 4 && std::all_of(mark.begin() + 1, mark.end(), [](char c) {
          return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
        });
    if (one_ascii_mark || one_utf8_mark) return true;
  }
  static constexpr std::array<std::string_view, 10> kLookAlikes = {
      "$", "5", "0", "1", "|", "!", "8", "6", "\xE2\x82\xAC", "\xC2\xA3"};
  for (std::string_view k : kLookAlikes) {
    if (t == k) return true;
  }
  return false;
}

// A middle initial whose period was read as an "o" ("King, Arthur Vo", "Anthony Vo Williams" on
// faxes: a period blotted into a ring). "Vo", "Jo" and "Bo" are also names, so a name read with
// one goes to review (kInitialOrNameConfidence).
bool IsInitialWithPeriodReadAsO(std::string_view t) {
  while (!t.empty() && (t.back() == '.' || t.back() == ',')) t.remove_suffix(1);
  return t.size() == 2 && std::isupper(static_cast<unsigned char>(t[0])) != 0 && t[1] == 'o';
}

// A given name with its middle initial glued on, the space between lost ("DebraT. Taylor",
// "Wilson, OliviaG."): a capitalized word whose last letter alone is a capital, with the
// initial's period after it. Returns the given name, or an empty view.
std::string_view GivenNameBeforeGluedInitial(std::string_view t) {
  if (t.empty() || t.back() != '.') return {};
  while (!t.empty() && t.back() == '.') t.remove_suffix(1);
  if (t.size() < 4 || std::isupper(static_cast<unsigned char>(t.front())) == 0 ||
      std::isupper(static_cast<unsigned char>(t.back())) == 0) {
    return {};
  }
  const std::string_view given = t.substr(0, t.size() - 1);
  const bool lower_after_first = std::all_of(given.begin() + 1, given.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) != 0;
  });
  return lower_after_first ? given : std::string_view();
}

// A word of the sentence around a name ("signed by Dr. Moore on ...").
bool IsRunningTextWord(std::string_view t) {
  static constexpr std::array<std::string_view, 9> kWords = {"on",  "at",  "by", "in", "of",
                                                             "and", "for", "to", "the"};
  return std::find(kWords.begin(), kWords.end(), t) != kWords.end();
}

// A name word without its trailing comma or period: letters with inner ' or -.
bool IsNameWord(std::string_view w) {
  if (w.empty() || !IsAlpha(w.front()) || !std::isupper(static_cast<unsigned char>(w.front()))) {
    return false;
  }
  for (char c : w) {
    if (!IsAlpha(c) && c != '\'' && c != '-') return false;
  }
  return IsAlpha(w.back());
}

std::string_view TrimNamePunct(std::string_view w) {
  while (!w.empty() && (w.back() == ',' || w.back() == '.')) w.remove_suffix(1);
  return w;
}

// The length in bytes of a bracket, bar or quote mark ending `w` (0 for none).
std::size_t TrailingNoiseMark(std::string_view w) {
  for (std::string_view m : {"\u2019", "\u2018", "\u201D", "\u201C"}) {
    if (w.ends_with(m)) return m.size();
  }
  if (!w.empty() && std::string_view("]|}'\"`").find(w.back()) != std::string_view::npos) return 1;
  return 0;
}

bool HasCommaLater(std::span<const std::string_view> tokens, std::size_t from) {
  for (std::size_t k = from; k < tokens.size() && k < from + 4; ++k) {
    if (!tokens[k].empty() && tokens[k].back() == ',') return true;
  }
  return false;
}

}  // namespace

std::optional<ParsedIdentifier> ParseMrn(std::string_view text) {
  text = TrimPunct(text);
  std::string out;
  bool repaired = false;
  // A pound or euro sign read for the capital E of a prefix ("£9080913" on a heavy page).
  for (std::string_view e : {std::string_view("\xC2\xA3"), std::string_view("\xE2\x82\xAC")}) {
    if (text.starts_with(e) && text.size() > e.size() && IsDigit(text[e.size()])) {
      out.push_back('E');
      text.remove_prefix(e.size());
      repaired = true;
    }
  }
  int digits = 0;
  bool seen_digit = false;
  int prefix_letters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-' || c == ' ') continue;
    if (IsDigit(c)) {
      seen_digit = true;
      ++digits;
      out.push_back(c);
    } else if (IsAlpha(c) || c == '|' || (c == '}' && seen_digit)) {
      // Inside the digit run a confusable letter is a misread digit; elsewhere it is real.
      const bool next_digit = i + 1 < text.size() && IsDigit(text[i + 1]);
      if (seen_digit && DigitFor(c) != 0 && (next_digit || i + 1 == text.size())) {
        out.push_back(DigitFor(c));
        repaired = true;
        ++digits;
      } else if (!seen_digit) {
        ++prefix_letters;
        out.push_back(Upper(c));
      } else {
        out.push_back(Upper(c));
      }
    } else {
      return std::nullopt;
    }
  }
  if (out.size() < 4 || out.size() > 20 || digits < 4 || prefix_letters > 3) return std::nullopt;
  ParsedIdentifier p;
  p.normalized = out;
  p.repaired = repaired;
  p.confidence = repaired ? kRepairedConfidence : 1.0;
  const std::size_t last = static_cast<std::size_t>(prefix_letters) - 1;
  if (prefix_letters >= 2 && out.size() > last + 1 && DigitFor(out[last]) != 0 &&
      IsDigit(out[last + 1])) {
    p.confidence = std::min(p.confidence, kAmbiguousPrefixConfidence);
  }
  return p;
}

char NpiCheckDigit(std::string_view nine) {
  std::string s = "80840" + std::string(nine);
  int sum = 0;
  bool dbl = true;  // the rightmost digit of the payload is doubled (check digit excluded)
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool IsValidNpi(std::string_view d) {
  if (d.size() != 10) return false;
  for (char c : d) {
    if (!IsDigit(c)) return false;
  }
  return NpiCheckDigit(d.substr(0, 9)) == d[9];
}

// Two zeros that touch on a low-resolution fax read as "(X)" (any of the brackets around an X):
// the bracket pair is the zeros' outer halves, the X their inner ones. Only an NPI is repaired so:
// its check digit proves the repair.
bool IsJoinedZeros(std::string_view s) {
  auto open = [](char c) { return c == '(' || c == '{' || c == '['; };
  auto close = [](char c) { return c == ')' || c == '}' || c == ']'; };
  return s.size() >= 3 && open(s[0]) && (s[1] == 'X' || s[1] == 'x') && close(s[2]);
}

std::optional<ParsedIdentifier> ParseNpi(std::string_view text) {
  std::string joined_zeros;
  bool repaired = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsJoinedZeros(text.substr(i))) {
      joined_zeros += "00";
      i += 2;
      repaired = true;
    } else {
      joined_zeros.push_back(text[i]);
    }
  }
  text = TrimPunct(joined_zeros);
  std::string digits;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c == 'L' || c == '}' || c == ']' || c == '{' || c == '[' || c == '!' || c == '/') {
      // A serif 1 whose foot a fax's coarse rows merge into one bar reads as an L, a one on a
      // noisy page as a bracket, a brace or a slash ("19429}9154", "[49368/518"); an NPI has no
      // letters or marks, and the check digit must then hold.
      digits.push_back('1');
      repaired = true;
    } else if (c == '.' || c == ',') {
      // A speck on the line read as a point between digits ("1.425020124" on a fax). No NPI is
      // printed with one, so it is dropped like a misread letter: only if the check then holds.
      repaired = true;
    } else if (DigitFor(c) != 0) {
      digits.push_back(DigitFor(c));
      repaired = true;
    } else {
      return std::nullopt;
    }
  }
  if (digits.size() != 10) return std::nullopt;
  ParsedIdentifier p;
  p.normalized = digits;
  p.repaired = repaired;
  p.valid = IsValidNpi(digits);
  if (!p.valid) {
    if (repaired) return std::nullopt;  // a repair must produce a valid number
    p.confidence = kFailedCheckConfidence;
  } else {
    p.confidence = repaired ? kRepairedConfidence : 1.0;
  }
  return p;
}

std::optional<ParsedName> ParseNameAt(std::span<const std::string_view> tokens) {
  std::size_t i = 0;
  if (i < tokens.size() && IsHonorific(tokens[i])) ++i;
  struct Part {
    std::string word;
    bool initial = false;
    bool comma = false;
  };
  std::vector<Part> parts;
  bool credentials = false;
  bool noisy = false;
  bool period_read_as_comma = false;
  bool initial_or_name = false;  // a two-letter word taken for an initial (see above)
  bool mixed_case = false;       // a name word so far has lower-case letters
  for (; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    const bool misread_credential =
        mixed_case && parts.size() >= 2 && parts.back().comma && IsCredentialWithExtraLetter(t);
    noisy = noisy || misread_credential;
    if (!parts.empty() && ((IsCredential(t) && !(t.size() == 1)) || misread_credential)) {
      credentials = true;
      ++i;
      while (i < tokens.size() && IsCredential(tokens[i])) ++i;
      break;
    }
    bool comma = !t.empty() && t.back() == ',';
    // A semicolon read for the comma after a family name ("GONZALEZ; MIGUEL O"): only after the
    // first word, like the period below.
    if (!comma && parts.empty() && t.size() >= 3 && t.back() == ';' && i + 1 < tokens.size() &&
        IsNameWord(t.substr(0, t.size() - 1))) {
      comma = true;
      noisy = true;
    }
    // OCR reads a comma as a period: "Perez. Mark" is "Perez, Mark". Only the first word of a
    // name can be a family name followed by a comma, and it is no abbreviation (three letters or
    // more: "St." or "Wm." stay periods); a later real comma keeps its say.
    if (!comma && parts.empty() && t.size() >= 4 && t.back() == '.' && i + 1 < tokens.size() &&
        IsNameWord(t.substr(0, t.size() - 1)) && !HasCommaLater(tokens, i + 1)) {
      comma = true;
      period_read_as_comma = true;
    }
    // The initial's slot: between name words, or last after "Last, First".
    const bool initial_slot = (i + 1 < tokens.size() && IsNameWord(TrimNamePunct(tokens[i + 1]))) ||
                              (parts.size() >= 2 && parts.front().comma);
    if (!parts.empty() && initial_slot && IsInitialLookAlike(t)) {
      parts.push_back({"", true, false});
      noisy = true;
      continue;
    }
    if (!parts.empty() && initial_slot && IsInitialWithPeriodReadAsO(t)) {
      parts.push_back({"", true, false});
      initial_or_name = true;
      continue;
    }
    // Only as a given name: after "Last," or first of "First M. Last".
    if (const std::string_view given = GivenNameBeforeGluedInitial(t);
        !given.empty() && IsNameWord(given) &&
        ((parts.size() == 1 && parts.front().comma) ||
         (parts.empty() && i + 1 < tokens.size() && IsNameWord(TrimNamePunct(tokens[i + 1]))))) {
      parts.push_back({UpperString(given), false, false});
      parts.push_back({"", true, false});
      mixed_case = true;
      continue;
    }
    std::string_view w = t;
    while (!w.empty() && (w.back() == ',' || w.back() == '.')) w.remove_suffix(1);
    if (comma && !w.empty() && w.back() == ';') w.remove_suffix(1);
    // A speck read as a colon after the given name of "Last, First" before its middle initial
    // ("MARTIN, JOAN: Q" on a photocopied history and physical). Only there: a colon after a name
    // word elsewhere ends the name at a label ("SMITH, JOHN DOB: ...").
    if (w.size() >= 3 && w.back() == ':' && parts.size() == 1 && parts.front().comma &&
        i + 1 < tokens.size() && IsNameWord(w.substr(0, w.size() - 1))) {
      std::string_view next = TrimNamePunct(tokens[i + 1]);
      if (next.size() == 1 && std::isupper(static_cast<unsigned char>(next[0]))) {
        w.remove_suffix(1);
        noisy = true;
      }
    }
    // ...and a colon after the last word of the value, with nothing after it to be a label's
    // value ("RACHEL WHITE:" in a heavy form's cell).
    if (w.size() >= 3 && w.back() == ':' && !parts.empty() && i + 1 == tokens.size() &&
        IsNameWord(w.substr(0, w.size() - 1))) {
      w.remove_suffix(1);
      noisy = true;
    }
    // A bracket or bar stuck to the end of a name word is OCR noise from a form's cell border or
    // a broken stroke ("ANA]"), a quote mark a speck beside its last letter ("TAYLOR’" on a
    // rotated consent; no name ends in a quote, an apostrophe stands inside one: "O'NEIL"); the
    // word stays a name word, with less confidence.
    if (const std::size_t mark = TrailingNoiseMark(w);
        mark > 0 && w.size() >= mark + 2 && IsAlpha(w[w.size() - mark - 1])) {
      w.remove_suffix(mark);
      noisy = true;
    }
    // ...and so is a closing parenthesis with no opening one, with a speck read as a period or a
    // comma before it ("COOK, MARGARET.)" in a heavy form's cell, "WOOD)" on a fax).
    if (w.size() >= 3 && w.back() == ')' && w.find('(') == std::string_view::npos) {
      std::string_view bare = w.substr(0, w.size() - 1);
      if (bare.back() == '.' || bare.back() == ',') bare.remove_suffix(1);
      if (bare.size() >= 2 && IsAlpha(bare.back())) {
        w = bare;
        noisy = true;
      }
    }
    // A space read as a hyphen between a name and the next word of running text ("signed by
    // Dr. Emily Moore-on 2/13/2023"): each part of a hyphenated name is capitalized, so a
    // lower-case preposition after the last hyphen ends the name before it.
    bool ends_name = false;
    if (const std::size_t dash = w.rfind('-'); !parts.empty() && dash != std::string_view::npos &&
                                               dash > 0 && IsRunningTextWord(w.substr(dash + 1))) {
      w = w.substr(0, dash);
      ends_name = true;
      noisy = true;
    }
    // A word before a pound sign, or ending in one, heads a label ("RYAN PATEL Kec #: 41-6532",
    // "Kec" for "Rec" on a fax): no name word is followed by one.
    if (!parts.empty() && (t.find('#') != std::string_view::npos ||
                           (i + 1 < tokens.size() && tokens[i + 1].starts_with('#')))) {
      break;
    }
    if (IsParticle(w) && i + 1 < tokens.size()) {
      parts.push_back({std::string(w), false, comma});
      continue;
    }
    if (!IsNameWord(w)) break;
    if (parts.size() >= 5) return std::nullopt;  // too long for a name: a sentence
    parts.push_back({UpperString(w), w.size() == 1, comma});
    if (ends_name) {
      ++i;
      break;
    }
    mixed_case = mixed_case || std::any_of(w.begin(), w.end(), [](char c) {
                   return std::islower(static_cast<unsigned char>(c)) != 0;
                 });
    if (comma && parts.size() >= 2 && i + 1 < tokens.size() && IsCredential(tokens[i + 1])) {
      continue;  // "Robert Cruz, MD"
    }
  }
  // Drop a particle left dangling at the end.
  while (!parts.empty() && IsParticle(parts.back().word)) parts.pop_back();
  if (parts.empty()) return std::nullopt;
  std::vector<std::string> given, family;
  std::size_t comma_at = parts.size();
  for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
    if (parts[k].comma) {
      comma_at = k;
      break;
    }
  }
  // No family name is one letter: a comma after a middle initial is its period misread
  // ("Stephanie C, Rivera" on a heavy discharge summary), and the name is First M. Last.
  if (comma_at > 0 && comma_at < parts.size() && parts[comma_at].initial) {
    comma_at = parts.size();
    period_read_as_comma = true;
  }
  if (comma_at < parts.size()) {  // Last, First M.
    for (std::size_t k = 0; k <= comma_at; ++k) family.push_back(parts[k].word);
    for (std::size_t k = comma_at + 1; k < parts.size(); ++k) {
      if (!parts[k].initial) given.push_back(parts[k].word);
    }
  } else {  // First M. Last
    std::size_t last = parts.size() - 1;
    if (parts[last].initial) return std::nullopt;
    // A family name may carry particles ("van Dyke").
    std::size_t fam_begin = last;
    while (fam_begin > 1 && IsParticle(parts[fam_begin - 1].word)) --fam_begin;
    for (std::size_t k = fam_begin; k <= last; ++k) family.push_back(parts[k].word);
    for (std::size_t k = 0; k < fam_begin; ++k) {
      if (!parts[k].initial) given.push_back(parts[k].word);
    }
  }
  if (given.empty() || family.empty()) return std::nullopt;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& w : v) s += (s.empty() ? "" : " ") + UpperString(w);
    return s;
  };
  ParsedName n;
  n.given = join(given);
  n.family = join(family);
  n.normalized = n.given + " " + n.family;
  n.tokens_used = static_cast<int>(i);
  n.confidence = parts.size() <= 3 ? 0.95 : 0.85;
  if (credentials) n.confidence = std::min(1.0, n.confidence + 0.03);
  if (noisy) n.confidence *= kNoisyNameFactor;
  if (period_read_as_comma) n.confidence *= kNoisyNameFactor;
  if (initial_or_name) n.confidence = std::min(n.confidence, kInitialOrNameConfidence);
  return n;
}

std::optional<ParsedName> ParseName(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) tokens.push_back(text.substr(i, j - i));
    i = j;
  }
  auto n = ParseNameAt(tokens);
  if (!n || n->tokens_used != static_cast<int>(tokens.size())) return std::nullopt;
  return n;
}

MrnPadding::MrnPadding(std::span<const std::string> known) {
  std::map<size_t, std::set<std::string_view>> by_length;
  for (const std::string& m : known) {
    if (internal::AllDigits(m)) by_length[m.size()].insert(m);
  }
  for (const auto& [length, numbers] : by_length) {
    samples_[length] = numbers.size();
    if (numbers.size() < kMinPaddingSamples) continue;
    // The most zeros that kPaddedShare of the numbers begin with; a number is never all padding.
    for (size_t z = 2; z + 2 < length; ++z) {
      const auto padded = std::count_if(numbers.begin(), numbers.end(), [&](std::string_view m) {
        return m.find_first_not_of('0') >= z;
      });
      if (static_cast<double>(padded) < kPaddedShare * static_cast<double>(numbers.size())) break;
      zeros_[length] = z;
    }
  }
}

bool MrnPadding::Doubts(std::string_view mrn) const {
  if (!internal::AllDigits(mrn)) return false;
  if (auto z = zeros_.find(mrn.size()); z != zeros_.end()) {
    const auto broken = std::count_if(mrn.begin(), mrn.begin() + static_cast<long>(z->second),
                                      [](char c) { return c != '0'; });
    if (broken == 1) return true;
  }
  auto shorter = zeros_.find(mrn.size() - 1);
  auto same = samples_.find(mrn.size());
  if (shorter == zeros_.end() || (same != samples_.end() && same->second >= kMinPaddingSamples)) {
    return false;
  }
  for (size_t i = 0; i <= shorter->second; ++i) {
    std::string rest(mrn);
    rest.erase(i, 1);
    if (rest.find_first_not_of('0') >= shorter->second) return true;
  }
  return false;
}

}  // namespace chartscan::extract
