// Roster parsing and matching; the file format and the method are described in roster.h.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <chartscan/extract/roster.h>

#include "text_util.h"

namespace chartscan::extract {
namespace {

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// One CSV record: fields split on commas, double-quoted fields may hold commas and "" for a quote.
// nullopt for an unterminated quote.
std::optional<std::vector<std::string>> SplitCsv(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (quoted) return std::nullopt;
  out.push_back(Trim(cur));
  return out;
}

// Upper-case name part; letters, spaces, hyphens and apostrophes only (nullopt otherwise).
std::optional<std::string> NamePart(std::string_view s) {
  std::string out;
  for (char c : Trim(s)) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u)) {
      out += static_cast<char>(std::toupper(u));
    } else if (c == ' ' || c == '-' || c == '\'' || c == '.') {
      if (c != '.') out += c;
    } else {
      return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<std::string> Sex(std::string_view s) {
  std::string v = internal::Lower(Trim(s));
  if (v.empty()) return std::string();
  if (v == "m" || v == "male") return std::string("M");
  if (v == "f" || v == "female") return std::string("F");
  if (v == "x" || v == "o" || v == "other") return std::string("X");
  if (v == "u" || v == "unknown") return std::string("U");
  return std::nullopt;
}

// The letters of `s`, and its digits when `digits`, upper-cased.
std::string UpperKept(std::string_view s, bool digits) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) || (digits && std::isdigit(u))) out += static_cast<char>(std::toupper(u));
  }
  return out;
}

// Upper-case letters only.
std::string Letters(std::string_view s) { return UpperKept(s, /*digits=*/false); }

// Letters only, digits OCR reads for letters folded back, "RN" (read for M) folded to M.
std::string FoldName(std::string_view s) {
  std::string letters;
  for (char c : s) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    switch (u) {
      case '0':
        u = 'O';
        break;
      case '1':
        u = 'I';
        break;
      case '5':
        u = 'S';
        break;
      case '8':
        u = 'B';
        break;
      default:
        break;
    }
    if (std::isalpha(static_cast<unsigned char>(u))) letters += u;
  }
  std::string out;
  for (std::size_t i = 0; i < letters.size(); ++i) {
    if (letters[i] == 'R' && i + 1 < letters.size() && letters[i + 1] == 'N') {
      out += 'M';
      ++i;
    } else {
      out += letters[i];
    }
  }
  return out;
}

// Edits between two name parts, or -1 when beyond the part's tolerance.
int NamePartEdits(std::string_view roster_part, std::string_view extracted_part) {
  const std::string a = FoldName(roster_part), b = FoldName(extracted_part);
  if (a.empty() || b.empty()) return -1;
  const int limit = static_cast<int>(std::min(a.size(), b.size())) <= kShortNamePart ? 1 : 2;
  const int d = internal::BoundedEditDistance(a, b, limit);
  return d <= limit ? d : -1;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::string_view w : internal::SplitSpaces(s)) {
    if (!w.empty()) out.push_back(w);
  }
  return out;
}

}  // namespace

Status RosterParseOptions::Validate() const {
  if (!IsValidCivilDate(reference.year, reference.month, reference.day)) {
    return Status::InvalidArgument("roster: the reference date is not a valid date");
  }
  return Status::Ok();
}

std::string NormalizeRosterMrn(std::string_view mrn) { return UpperKept(mrn, /*digits=*/true); }

Result<std::vector<RosterPatient>> ParseRoster(std::string_view csv, std::string_view file_name,
                                               const RosterParseOptions& options) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  const std::string file(file_name);
  auto error = [&](int line, const std::string& what) {
    return Status::InvalidArgument(file + ":" + std::to_string(line) + ": " + what);
  };
  std::map<std::string, int> column;  // lower-case header -> index
  std::size_t columns = 0;
  std::vector<RosterPatient> out;
  std::map<std::string, int> mrn_line;
  int line_no = 0;
  bool header = false;
  std::size_t pos = 0;
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // a spreadsheet's byte-order mark
  while (pos < csv.size()) {
    std::size_t end = csv.find('\n', pos);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    auto cells = SplitCsv(line);
    if (!cells) return error(line_no, "unterminated quoted field");
    if (!header) {
      header = true;
      columns = cells->size();
      for (std::size_t i = 0; i < cells->size(); ++i) {
        column[internal::Lower((*cells)[i])] = static_cast<int>(i);
      }
      for (const char* need : {"mrn", "dob"}) {
        if (!column.count(need)) {
          return error(line_no, std::string("missing column '") + need + "' in the header");
        }
      }
      const bool split = column.count("last") && column.count("first");
      if (!split && !column.count("name")) {
        return error(line_no, "missing name columns: need 'last' and 'first', or 'name'");
      }
      continue;
    }
    if (cells->size() != columns) {
      return error(line_no, "expected " + std::to_string(columns) + " fields, found " +
                                std::to_string(cells->size()));
    }
    auto cell = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() ? std::string() : (*cells)[static_cast<std::size_t>(it->second)];
    };
    RosterPatient p;
    p.line = line_no;
    p.mrn = NormalizeRosterMrn(cell("mrn"));
    if (p.mrn.empty()) return error(line_no, "empty MRN");
    std::string last = cell("last"), first = cell("first");
    if (last.empty() && first.empty() && column.count("name")) {
      const std::string name = cell("name");
      const std::size_t comma = name.find(',');
      if (comma == std::string::npos) {
        return error(line_no, "name must be written \"Last, First\"");
      }
      last = name.substr(0, comma);
      first = name.substr(comma + 1);
    }
    auto family = NamePart(last);
    auto given = NamePart(first);
    if (!family || !given) {
      return error(line_no, "the name needs a family and a given name, in letters");
    }
    p.family = *family;
    // Middle initials are dropped, as extracted names drop them; a middle name is kept (a page
    // may print it, and then it is no misreading).
    std::string kept;
    const std::vector<std::string_view> given_words = Words(*given);
    for (std::size_t w = 0; w < given_words.size(); ++w) {
      if (w > 0 && Letters(given_words[w]).size() <= 1) continue;
      kept += (kept.empty() ? "" : " ") + std::string(given_words[w]);
    }
    p.given = kept.empty() ? *given : kept;
    DateParseOptions dates;
    dates.reference = options.reference;
    dates.birth_date = true;
    dates.allow_ocr_repair = false;
    auto dob = ParseDate(cell("dob"), dates);
    if (!dob) return error(line_no, "date of birth is not a date (use 1952-03-14 or 03/14/1952)");
    p.dob = dob->date.Iso();
    auto sex = Sex(cell("sex"));
    if (!sex) return error(line_no, "sex must be M, F, X or U");
    p.sex = *sex;
    if (auto [it, fresh] = mrn_line.emplace(p.mrn, line_no); !fresh) {
      return error(line_no, "MRN already given on line " + std::to_string(it->second));
    }
    out.push_back(std::move(p));
  }
  if (!header) return error(1, "empty file: expected a header row");
  return out;
}

std::string_view RosterMatchKindName(RosterMatchKind kind) {
  switch (kind) {
    case RosterMatchKind::kMrn:
      return "mrn";
    case RosterMatchKind::kNameDob:
      return "name_dob";
    case RosterMatchKind::kNone:
      break;
  }
  return "none";
}

namespace {

// Edits between a roster patient's name and an extracted name's words ("GIVEN ... FAMILY"), or -1
// when either part is too far.
int NameEdits(const RosterPatient& p, const std::vector<std::string_view>& words) {
  if (words.size() < 2) return -1;
  // A family name of several words ("DE LA CRUZ") is everything after the given name.
  int family = NamePartEdits(p.family, words.back());
  if (words.size() > 2) {
    std::string rest;
    for (std::size_t w = 1; w < words.size(); ++w) rest += words[w];
    const int whole = NamePartEdits(p.family, rest);
    if (whole >= 0 && (family < 0 || whole < family)) family = whole;
  }
  const std::vector<std::string_view> given_words = Words(p.given);
  const int given = NamePartEdits(
      given_words.empty() ? std::string_view(p.given) : given_words.front(), words.front());
  if (family < 0 || given < 0) return -1;
  return family + given;
}

}  // namespace

RosterMatch MatchRoster(std::span<const RosterPatient> roster, const PatientIdentity& identity) {
  const std::vector<std::string_view> words = Words(identity.patient_name);
  const std::string mrn = NormalizeRosterMrn(identity.mrn);
  if (!mrn.empty()) {
    for (std::size_t i = 0; i < roster.size(); ++i) {
      if (roster[i].mrn != mrn) continue;
      // The record number is trusted unless everything else on the chart contradicts it.
      const bool has_name = words.size() >= 2, has_dob = !identity.dob.empty();
      const bool name_agrees = has_name && NameEdits(roster[i], words) >= 0;
      const bool dob_agrees = has_dob && identity.dob == roster[i].dob;
      const bool contradicted = (has_name && !name_agrees) || (has_dob && !dob_agrees);
      if (contradicted && !name_agrees && !dob_agrees) return {};
      return {static_cast<int>(i), RosterMatchKind::kMrn};
    }
  }
  if (words.size() < 2 || identity.dob.empty()) return {};
  int best = -1, best_edits = 0;
  bool tie = false;
  for (std::size_t i = 0; i < roster.size(); ++i) {
    const RosterPatient& p = roster[i];
    if (p.dob != identity.dob) continue;
    const int edits = NameEdits(p, words);
    if (edits < 0) continue;
    if (best < 0 || edits < best_edits) {
      best = static_cast<int>(i);
      best_edits = edits;
      tie = false;
    } else if (edits == best_edits) {
      tie = true;
    }
  }
  if (best < 0 || tie) return {};
  return {best, RosterMatchKind::kNameDob};
}

bool DiffersFromRoster(const RosterPatient& patient, const Field& field) {
  if (field.normalized.empty()) return false;
  if (field.name == "mrn") return NormalizeRosterMrn(field.normalized) != patient.mrn;
  if (field.name == "dob") return field.normalized != patient.dob;
  if (field.name == "patient_family_name")
    return Letters(field.normalized) != Letters(patient.family);
  if (field.name != "patient_name") return false;
  // The name's letters, a middle initial aside, must spell the given name (its first word, or
  // all of it) and the family name: a word more ("CARL PR ABERNATHY", a speck read into the name)
  // is a misreading like a letter more.
  const std::vector<std::string_view> words = Words(field.normalized);
  std::string read;
  for (std::size_t w = 0; w < words.size(); ++w) {
    const std::string letters = Letters(words[w]);
    if (letters.size() == 1 && w > 0 && w + 1 < words.size()) continue;
    read += letters;
  }
  const std::vector<std::string_view> given = Words(patient.given);
  const std::string family = Letters(patient.family);
  if (given.empty()) return true;
  return read != Letters(given.front()) + family && read != Letters(patient.given) + family;
}

std::vector<std::size_t> FieldsDifferingFromRoster(const RosterPatient& patient,
                                                   std::span<const Field> fields) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!fields[i].needs_review && DiffersFromRoster(patient, fields[i])) out.push_back(i);
  }
  return out;
}

}  // namespace chartscan::extract
