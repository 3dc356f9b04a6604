// Code structure checks, OCR repair, and the CodeSet importers. Method: structure is checked
// character class by character class (codes.h). Repair enumerates the few readings of each
// confusable character (one substitution, then two) and keeps the candidate that is well formed
// and, when the set holds codes of that system, known, unless another one with as few
// substitutions is too. The CMS order file is parsed by fixed columns; CSV by RFC 4180 rules.
//
// A code read beyond those repairs is matched against the names printed beside it
// (CodeNamedOnLine): ReadingDistance is an edit distance whose costs follow OCR (a confusable
// character or a mark 0.5, anything else 1), computed row by row and abandoned once a row's
// minimum passes the limit, over the codes of about the reading's length only (by_length_). Of
// the listed codes within 2 edits (and 0.4 per character, so a three-character code allows one),
// those whose description or a term is on the line (three quarters of its words, each within an
// OCR edit or two) are kept, and the nearest wins when no other is within half an edit of it.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <chartscan/extract/codes.h>

#include "embedded_data.h"
#include "text_util.h"

namespace chartscan::extract {
namespace {

constexpr double kKnownConfidence = 1.0;
constexpr double kUnknownConfidence = 0.7;    // well formed, not in an incomplete list
constexpr double kRepairedConfidence = 0.85;  // repaired and known

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlnum(char c) { return IsDigit(c) || IsUpper(c); }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// ICD-10-CM without the dot, or empty if the dot is misplaced.
std::string Undotted(std::string_view code) {
  std::string u = Upper(code);
  auto dot = u.find('.');
  if (dot == std::string::npos) return u;
  if (dot != 3 || u.find('.', dot + 1) != std::string::npos || u.size() == 4) return {};
  u.erase(dot, 1);
  return u;
}

// Letter, digit, letter or digit, then up to four letters or digits (no dot).
bool LooseIcdShape(const std::string& u) {
  if (u.size() < 3 || u.size() > 7) return false;
  if (!IsUpper(u[0]) || !IsDigit(u[1]) || !IsAlnum(u[2])) return false;
  for (std::size_t i = 3; i < u.size(); ++i) {
    if (!IsAlnum(u[i])) return false;
  }
  return true;
}

int SystemIndex(CodeSystem s) { return static_cast<int>(s); }

std::string StatusPrefix(std::string_view source, std::size_t line) {
  return std::string(source) + ":" + std::to_string(line) + ": ";
}

// RFC 4180 fields of one record starting at pos; advances pos past the record's line break.
// Returns false on an unterminated quote.
bool ParseCsvRecord(std::string_view text, std::size_t& pos, std::vector<std::string>& fields,
                    std::size_t& lines) {
  fields.assign(1, std::string());
  bool quoted = false;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          fields.back().push_back('"');
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++lines;
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      return true;
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return !quoted;
}

std::string CsvQuote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// Readings of a character OCR may have confused, for a position expecting a letter or a digit.
std::string LetterReadings(char c) {
  switch (c) {
    case '1':
    case 'l':
      return "I";
    case '0':
      return "O";
    case '5':
      return "S";
    case '8':
      return "B";
    case '2':
      return "Z";
    case '6':  // a G, or an E whose arms noise closed
      return "GE";
    case '$':
      return "S";
    default:
      return "";
  }
}
// Rarer readings of an ICD-10-CM code's first letter, tried only when no usual one gives a valid
// code: a serif J read as a one or a three ("(118.9)", "345.909" for J18.9 and J45.909 on heavy
// pages, where the usual 1 -> I gives no code), an E whose lower arm noise took read as an F
// ("Obesity (F66.9)").
std::string RareLetterReadings(char c) {
  switch (c) {
    case '1':
    case '3':
      return "J";
    case 'F':
      return "E";
    default:
      return "";
  }
}
std::string DigitReadings(char c) {
  switch (c) {
    case 'O':
    case 'o':
    case 'Q':
    case 'D':
      return "0";
    case 'I':
    case 'l':
    case 'i':
    case '|':
      return "1";
    case '@':  // a zero with a speck inside ("L@3.115")
      return "0";
    case '&':  // an eight ("CPT &0053")
    case 'E':  // an eight read as a pound sign, which stands for an E ("(CPT £0053)")
      return "8";
    case 'T':  // a serif one, or a seven
      return "17";
    case 'S':
    case 's':
      return "5";
    case 'B':
      return "8";
    case 'Z':
      return "2";
    default:
      return "";
  }
}

}  // namespace

std::string_view CodeSystemName(CodeSystem system) {
  switch (system) {
    case CodeSystem::kIcd10Cm:
      return "ICD10CM";
    case CodeSystem::kCpt:
      return "CPT";
    case CodeSystem::kHcpcs:
      return "HCPCS";
  }
  return "";
}

std::optional<CodeSystem> CodeSystemFromName(std::string_view name) {
  std::string u = Upper(name);
  u.erase(std::remove(u.begin(), u.end(), '-'), u.end());
  if (u == "ICD10CM" || u == "ICD10") return CodeSystem::kIcd10Cm;
  if (u == "CPT") return CodeSystem::kCpt;
  if (u == "HCPCS") return CodeSystem::kHcpcs;
  return std::nullopt;
}

bool IsWellFormedIcd10Cm(std::string_view code) {
  std::string u = Undotted(code);
  if (!LooseIcdShape(u)) return false;
  // Positions 4-6 hold digits or the placeholder X (F32.A-style exceptions are valid only when
  // listed; see CheckCode); a code cannot end in a placeholder, which always makes room for what
  // follows (T81.4XXA, S06.0X0A, J09.X2).
  for (std::size_t i = 3; i < std::min<std::size_t>(u.size(), 6); ++i) {
    if (!IsDigit(u[i]) && u[i] != 'X') return false;
  }
  return u.back() != 'X' || u.size() < 4;
}

bool IsWellFormedCpt(std::string_view code) {
  if (code.size() != 5) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!IsDigit(code[i])) return false;
  }
  const char last = code[4];
  return IsDigit(last) || last == 'F' || last == 'T' || last == 'U';
}

bool IsWellFormedHcpcs(std::string_view code) {
  if (code.size() != 5 || code[0] < 'A' || code[0] > 'V') return false;
  for (std::size_t i = 1; i < 5; ++i) {
    if (!IsDigit(code[i])) return false;
  }
  return true;
}

bool IsWellFormed(std::string_view code, CodeSystem system) {
  switch (system) {
    case CodeSystem::kIcd10Cm:
      return IsWellFormedIcd10Cm(code);
    case CodeSystem::kCpt:
      return IsWellFormedCpt(Upper(code));
    case CodeSystem::kHcpcs:
      return IsWellFormedHcpcs(Upper(code));
  }
  return false;
}

std::string CanonicalCode(std::string_view code, CodeSystem system) {
  if (system != CodeSystem::kIcd10Cm) return Upper(code);
  std::string u = Undotted(code);
  if (!LooseIcdShape(u)) return Upper(code);
  if (u.size() > 3) u.insert(3, ".");
  return u;
}

const CodeSet& CodeSet::BuiltIn() {
  static const CodeSet* set = [] {
    auto* s = new CodeSet();
    Status st = s->ImportCsv(data::kCodesCsv, "built-in codes.csv");
    if (!st.ok()) throw std::logic_error("embedded code list: " + st.ToString());
    return s;
  }();
  return *set;
}

Status CodeSet::Add(std::string_view code, std::string_view description, CodeSystem system,
                    bool billable, std::vector<std::string> terms) {
  // Listed codes may be exceptions to the structure rules (F32.A) or non-billable headers that
  // end in a placeholder, so the list only needs the loose shape.
  const bool ok =
      system == CodeSystem::kIcd10Cm ? LooseIcdShape(Undotted(code)) : IsWellFormed(code, system);
  if (!ok) {
    return Status::InvalidArgument("not a well-formed " + std::string(CodeSystemName(system)) +
                                   " code");
  }
  CodeEntry e;
  e.code = CanonicalCode(code, system);
  e.description = std::string(description);
  e.system = system;
  e.billable = billable;
  e.terms = std::move(terms);
  const std::pair<CodeSystem, std::string> key{system, e.code};
  if (!entries_.count(key)) Index(system, e.code);
  entries_[key] = std::move(e);
  return Status::Ok();
}

const CodeEntry* CodeSet::Find(std::string_view code, CodeSystem system) const {
  auto it = entries_.find({system, CanonicalCode(code, system)});
  return it == entries_.end() ? nullptr : &it->second;
}

std::size_t CodeSet::Count(CodeSystem system) const {
  std::size_t n = 0;
  for (const auto& codes : by_length_[SystemIndex(system)]) n += codes.size();
  return n;
}

std::vector<const CodeEntry*> CodeSet::Entries() const {
  std::vector<const CodeEntry*> out;
  out.reserve(entries_.size());
  for (const auto& [key, e] : entries_) out.push_back(&e);
  return out;
}

bool CodeSet::IsComplete(CodeSystem system) const { return complete_[SystemIndex(system)]; }
void CodeSet::SetComplete(CodeSystem system, bool complete) {
  complete_[SystemIndex(system)] = complete;
}

void CodeSet::Merge(const CodeSet& other) {
  for (const auto& [key, e] : other.entries_) {
    if (!entries_.count(key)) Index(key.first, key.second);
    CodeEntry& mine = entries_[key];
    std::vector<std::string> terms = std::move(mine.terms);
    mine = e;
    for (std::string& t : terms) {
      if (std::find(mine.terms.begin(), mine.terms.end(), t) == mine.terms.end()) {
        mine.terms.push_back(std::move(t));
      }
    }
  }
  for (int i = 0; i < 3; ++i) complete_[i] = complete_[i] || other.complete_[i];
}

Status CodeSet::ImportCmsOrderFile(std::string_view contents, std::string_view source) {
  std::size_t line_no = 0, pos = 0, added = 0;
  while (pos < contents.size()) {
    std::size_t end = contents.find('\n', pos);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(' ') == std::string_view::npos) continue;
    // 5 order + space + 7 code + space + flag + space + at least a short description.
    if (line.size() < 17 || line[5] != ' ' || line[13] != ' ' || line[15] != ' ') {
      return Status::Corrupt(StatusPrefix(source, line_no) +
                             "not in the ICD-10-CM order file layout");
    }
    for (std::size_t i = 0; i < 5; ++i) {
      if (!IsDigit(line[i])) {
        return Status::Corrupt(StatusPrefix(source, line_no) + "order number is not numeric");
      }
    }
    std::string code = TrimSpaces(line.substr(6, 7));
    char flag = line[14];
    if (flag != '0' && flag != '1') {
      return Status::Corrupt(StatusPrefix(source, line_no) + "header flag must be 0 or 1");
    }
    std::string short_desc =
        TrimSpaces(line.substr(16, std::min<std::size_t>(60, line.size() - 16)));
    std::string long_desc = line.size() > 77 ? TrimSpaces(line.substr(77)) : short_desc;
    Status st =
        Add(code, long_desc.empty() ? short_desc : long_desc, CodeSystem::kIcd10Cm, flag == '1');
    if (!st.ok()) {
      return Status::Corrupt(StatusPrefix(source, line_no) + "malformed ICD-10-CM code");
    }
    ++added;
  }
  if (added == 0) return Status::Corrupt(std::string(source) + ": no codes");
  SetComplete(CodeSystem::kIcd10Cm, true);
  return Status::Ok();
}

Status CodeSet::ImportCsv(std::string_view contents, std::string_view source, bool mark_complete) {
  std::size_t pos = 0, line_no = 1;
  std::vector<std::string> f;
  bool complete_seen[3] = {false, false, false};
  while (pos < contents.size()) {
    const std::size_t record_line = line_no;
    std::size_t extra_lines = 0;
    if (!ParseCsvRecord(contents, pos, f, extra_lines)) {
      return Status::Corrupt(StatusPrefix(source, record_line) + "unterminated quoted field");
    }
    line_no += 1 + extra_lines;
    if (f.size() == 1 && TrimSpaces(f[0]).empty()) continue;  // blank line
    std::string first = TrimSpaces(f[0]);
    if (!first.empty() && first[0] == '#') {
      // "#complete,ICD10CM" (written by ToCsv) or a comment.
      if (first == "#complete" && f.size() >= 2) {
        auto sys = CodeSystemFromName(TrimSpaces(f[1]));
        if (!sys) return Status::Corrupt(StatusPrefix(source, record_line) + "unknown system");
        complete_seen[SystemIndex(*sys)] = true;
      }
      continue;
    }
    if (record_line == 1 && Upper(first) == "CODE") continue;  // header
    if (f.size() < 2 || f.size() > 5) {
      return Status::Corrupt(StatusPrefix(source, record_line) +
                             "expected code,description[,system[,billable[,terms]]]");
    }
    std::optional<CodeSystem> system;
    if (f.size() >= 3 && !TrimSpaces(f[2]).empty()) {
      system = CodeSystemFromName(TrimSpaces(f[2]));
      if (!system) return Status::Corrupt(StatusPrefix(source, record_line) + "unknown system");
    } else {
      std::string u = Upper(first);
      if (IsWellFormedCpt(u)) {
        system = CodeSystem::kCpt;
      } else if (IsWellFormedHcpcs(u)) {  // letter + 4 digits without a dot
        system = CodeSystem::kHcpcs;
      } else if (LooseIcdShape(Undotted(u))) {
        system = CodeSystem::kIcd10Cm;
      } else {
        return Status::Corrupt(StatusPrefix(source, record_line) + "malformed code");
      }
    }
    bool billable = true;
    if (f.size() >= 4) {
      std::string b = TrimSpaces(f[3]);
      if (b != "0" && b != "1" && !b.empty()) {
        return Status::Corrupt(StatusPrefix(source, record_line) + "billable must be 0 or 1");
      }
      billable = b != "0";
    }
    std::vector<std::string> terms;
    if (f.size() == 5) {
      std::string_view rest = f[4];
      while (!rest.empty()) {
        const std::size_t bar = rest.find('|');
        std::string term = TrimSpaces(rest.substr(0, bar));
        if (!term.empty()) terms.push_back(std::move(term));
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
    }
    if (!Add(first, TrimSpaces(f[1]), *system, billable, std::move(terms)).ok()) {
      return Status::Corrupt(StatusPrefix(source, record_line) + "malformed " +
                             std::string(CodeSystemName(*system)) + " code");
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (complete_seen[i]) complete_[i] = true;
  }
  if (mark_complete) {
    for (const auto& [key, e] : entries_) complete_[SystemIndex(key.first)] = true;
  }
  return Status::Ok();
}

Status CodeSet::ImportFile(const std::string& path, Env& env) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::string contents, env.ReadFile(path));
  // The order file starts with a 5-digit order number and a space; a CSV never does.
  const bool order_file = contents.size() > 16 && IsDigit(contents[0]) && IsDigit(contents[4]) &&
                          contents[5] == ' ' && contents[13] == ' ';
  return order_file ? ImportCmsOrderFile(contents, path) : ImportCsv(contents, path);
}

std::string CodeSet::ToCsv() const {
  std::string out = "code,description,system,billable,terms\n";
  for (int i = 0; i < 3; ++i) {
    if (complete_[i]) {
      out += "#complete," + std::string(CodeSystemName(static_cast<CodeSystem>(i))) + "\n";
    }
  }
  for (const auto& [key, e] : entries_) {
    out += CsvQuote(e.code) + "," + CsvQuote(e.description) + "," +
           std::string(CodeSystemName(e.system)) + "," + (e.billable ? "1" : "0");
    std::string terms;
    for (const std::string& t : e.terms) terms += (terms.empty() ? "" : "|") + t;
    out += "," + CsvQuote(terms) + "\n";
  }
  return out;
}

Status CodeSet::Save(const std::string& dir, Env& env) const {
  CHARTSCAN_RETURN_IF_ERROR(env.CreateDirs(dir));
  return env.WriteFileAtomic(dir + "/codes.csv", ToCsv());
}

Result<CodeSet> CodeSet::Load(const std::string& dir, Env& env) {
  const std::string path = dir + "/codes.csv";
  CHARTSCAN_ASSIGN_OR_RETURN(std::string contents, env.ReadFile(path));
  CodeSet set;
  CHARTSCAN_RETURN_IF_ERROR(set.ImportCsv(contents, path));
  return set;
}

std::optional<CodeCheck> CheckCode(std::string_view text, CodeSystem system, const CodeSet& set,
                                   bool allow_repair) {
  auto evaluate = [&](std::string_view candidate, bool repaired) -> std::optional<CodeCheck> {
    // An ICD-10-CM code must start with an upper-case letter as printed; "l10" is a misread.
    if (!repaired && system == CodeSystem::kIcd10Cm && !candidate.empty() &&
        !IsUpper(candidate[0])) {
      return std::nullopt;
    }
    CodeCheck c;
    c.code = CanonicalCode(candidate, system);
    c.known = set.Contains(c.code, system);
    c.well_formed = IsWellFormed(candidate, system);
    if (!c.well_formed && !c.known) return std::nullopt;
    c.repaired = repaired;
    if (repaired && set.Count(system) > 0 && !c.known) return std::nullopt;
    if (set.IsComplete(system) && !c.known) return std::nullopt;
    c.valid = true;
    c.confidence = repaired ? kRepairedConfidence : c.known ? kKnownConfidence : kUnknownConfidence;
    return c;
  };
  std::string raw(text);
  if (system != CodeSystem::kIcd10Cm) raw = Upper(raw);
  // A code as read that is well formed but not listed, while one letter of it read as the digit
  // it resembles makes a listed one ("K8Q.20": K80.20), was that listed code.
  std::optional<CodeCheck> as_read = evaluate(raw, false);
  if (as_read && (as_read->known || set.Count(system) == 0)) return as_read;
  if (!allow_repair || raw.size() > 8) return as_read;

  // Readings per position: what the character could have been.
  std::vector<std::string> readings(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char ch = raw[i];
    std::string alt;
    if (ch == '.') {
      readings[i] = ".";
      continue;
    }
    const bool want_letter =
        (system == CodeSystem::kIcd10Cm && i == 0) || (system == CodeSystem::kHcpcs && i == 0);
    const bool want_digit = system == CodeSystem::kCpt ? i < 4
                            : system == CodeSystem::kHcpcs
                                ? i > 0
                                : i == 1 || (i >= 2 && ch != '.');  // ICD: digits mostly
    if (want_letter) {
      alt = LetterReadings(ch);
    } else if (want_digit) {
      alt = DigitReadings(ch);
    }
    readings[i] = std::string(1, ch) + alt;
  }
  // One substitution, then two. A repair is taken only when it is the one valid reading with
  // that few substitutions: two valid codes a misread apart ("611.9": G11.9 or E11.9) are not
  // for a guess.
  const std::size_t n = raw.size();
  std::optional<CodeCheck> found;
  bool ambiguous = false;
  auto consider = [&](const std::string& candidate) {
    auto c = evaluate(candidate, true);
    if (!c) return;
    if (found && found->code != c->code) ambiguous = true;
    if (!found) found = std::move(c);
  };
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t ka = 1; ka < readings[a].size(); ++ka) {
      std::string c1 = raw;
      c1[a] = readings[a][ka];
      consider(c1);
    }
  }
  // The first letter's rarer readings, when the usual ones gave nothing: taken only when known
  // (a well-formed code as read, unknown, stays as read otherwise), and only for a code with its
  // period: an area code in parentheses, "(390) 556-0106", is no "J90".
  if (!found && !ambiguous && system == CodeSystem::kIcd10Cm && set.Count(system) > 0 &&
      raw.find('.') != std::string::npos) {
    for (char alt : RareLetterReadings(raw[0])) {
      std::string c1 = raw;
      c1[0] = alt;
      consider(c1);
    }
  }
  if (as_read) return ambiguous || !found ? as_read : found;
  if (ambiguous) return std::nullopt;
  if (found) return found;
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t ka = 1; ka < readings[a].size(); ++ka) {
      std::string c1 = raw;
      c1[a] = readings[a][ka];
      for (std::size_t b = a + 1; b < n; ++b) {
        for (std::size_t kb = 1; kb < readings[b].size(); ++kb) {
          std::string c2 = c1;
          c2[b] = readings[b][kb];
          consider(c2);
        }
      }
    }
  }
  if (ambiguous) return std::nullopt;
  return found;
}

namespace {

bool IsMark(char c) { return !IsAlnum(c); }

// Pairs of characters OCR reads one for the other on code-sized print (upper-cased), as a table.
struct ConfusionTable {
  bool pair[256][256] = {};
  ConfusionTable() {
    static constexpr std::string_view kPairs[] = {"0O", "0Q", "0D", "0@", "OQ", "OD", "1I", "1L",
                                                  "1|", "1T", "17", "1J", "3J", "IL", "5S", "5$",
                                                  "56", "S$", "8B", "8&", "80", "83", "86", "89",
                                                  "60", "90", "2Z", "6G", "EF", "E8", "B3"};
    for (std::string_view p : kPairs) {
      const auto a = static_cast<unsigned char>(p[0]), b = static_cast<unsigned char>(p[1]);
      pair[a][b] = pair[b][a] = true;
    }
  }
};

bool Confusable(char a, char b) {
  static const ConfusionTable table;
  return table.pair[static_cast<unsigned char>(a)][static_cast<unsigned char>(b)];
}

// The reading as ReadingDistance compares it: upper-case, without the marks around it.
std::string ComparableReading(std::string_view as_read) {
  std::string a = Upper(as_read);
  while (!a.empty() && IsMark(a.front())) a.erase(a.begin());
  while (!a.empty() && IsMark(a.back())) a.pop_back();
  return a;
}

// ReadingDistance of a comparable reading and an upper-case code; `row` is scratch space.
double Distance(std::string_view a, std::string_view b, double limit, std::vector<double>& row) {
  auto indel = [](char c) { return IsMark(c) ? 0.5 : 1.0; };
  row.resize(b.size() + 1);
  row[0] = 0;
  for (std::size_t j = 1; j <= b.size(); ++j) row[j] = row[j - 1] + indel(b[j - 1]);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const char x = a[i - 1];
    double diagonal = row[0];
    row[0] += indel(x);
    double row_min = row[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const char y = b[j - 1];
      const double sub = x == y ? 0 : (Confusable(x, y) || (IsMark(x) && IsMark(y))) ? 0.5 : 1.0;
      const double above = row[j];
      row[j] = std::min({above + indel(x), row[j - 1] + indel(y), diagonal + sub});
      diagonal = above;
      row_min = std::min(row_min, row[j]);
    }
    // No later row can come in under this row's minimum: most of a 70,000-code list is
    // dismissed after a character or two.
    if (row_min > limit) return row_min;
  }
  return row[b.size()];
}

std::size_t AlnumCount(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), IsAlnum));
}

// Two words a letter or two apart that mean opposites ("hyponatremia", "hypernatremia").
bool Opposites(std::string_view a, std::string_view b) {
  auto starts = [](std::string_view w, std::string_view p) { return w.substr(0, p.size()) == p; };
  return (starts(a, "hypo") && starts(b, "hyper")) || (starts(a, "hyper") && starts(b, "hypo"));
}

bool PrintedAlike(const std::string& phrase_word, const std::vector<std::string>& words) {
  const int limit = phrase_word.size() >= 8 ? 2 : phrase_word.size() >= 5 ? 1 : 0;
  for (const std::string& w : words) {
    if (w == phrase_word) return true;
    if (limit > 0 && !Opposites(w, phrase_word) &&
        internal::BoundedEditDistance(w, phrase_word, limit) <= limit) {
      return true;
    }
  }
  return false;
}

bool PhraseOnLine(std::string_view phrase, const std::vector<std::string>& words) {
  std::vector<std::string> own = LineWords({std::string(phrase)});
  std::size_t needed = 0, found = 0, letters = 0;
  for (const std::string& w : own) {
    if (w.size() < 3) continue;
    ++needed;
    if (PrintedAlike(w, words)) {
      ++found;
      letters += w.size();
    }
  }
  return needed > 0 && found * 4 >= needed * 3 && letters >= 3;
}

}  // namespace

double ReadingDistance(std::string_view as_read, std::string_view code, double limit) {
  std::vector<double> row;
  return Distance(ComparableReading(as_read), Upper(code), limit, row);
}

std::vector<std::string> LineWords(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  for (const std::string& tok : tokens) {
    std::string w;
    for (std::size_t i = 0; i < tok.size(); ++i) {
      const char c = tok[i];
      // A mark between two letters is a letter misread: "C&C" for "CBC", "Di$charge".
      const bool inside = !w.empty() && std::isalpha(static_cast<unsigned char>(w.back())) &&
                          i + 1 < tok.size() &&
                          std::isalpha(static_cast<unsigned char>(tok[i + 1]));
      if (inside && (c == '&' || c == '$')) {
        w.push_back(c == '&' ? 'b' : 's');
      } else if (std::isalnum(static_cast<unsigned char>(c))) {
        w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (!w.empty()) {
        out.push_back(std::move(w));
        w.clear();
      }
    }
    if (!w.empty()) out.push_back(std::move(w));
  }
  return out;
}

bool NamedOnLine(const CodeEntry& entry, const std::vector<std::string>& words) {
  if (PhraseOnLine(entry.description, words)) return true;
  return std::any_of(entry.terms.begin(), entry.terms.end(),
                     [&](const std::string& t) { return PhraseOnLine(t, words); });
}

void CodeSet::Index(CodeSystem system, const std::string& code) {
  by_length_[SystemIndex(system)][std::min(AlnumCount(code), kIndexedLengths - 1)].push_back(code);
}

std::vector<std::pair<const CodeEntry*, double>> CodeSet::Near(std::string_view as_read,
                                                               CodeSystem system,
                                                               double max_distance) const {
  std::vector<std::pair<const CodeEntry*, double>> out;
  const std::string reading = ComparableReading(as_read);
  const std::size_t n = AlnumCount(reading);
  std::vector<double> row;
  for (std::size_t m = 0; m < kIndexedLengths; ++m) {
    // Each letter or digit more or fewer costs at least 1.
    if (static_cast<double>(n > m ? n - m : m - n) > max_distance) continue;
    for (const std::string& code : by_length_[SystemIndex(system)][m]) {
      const double d = Distance(reading, code, max_distance, row);
      if (d <= max_distance) out.emplace_back(Find(code, system), d);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.second < y.second; });
  return out;
}

CodeCandidates CodesNear(std::string_view as_read, CodeSystem system, const CodeSet& set) {
  constexpr double kMaxDistance = 2.0;
  constexpr double kPerCharacter = 0.4;
  CodeCandidates near = set.Near(as_read, system, kMaxDistance);
  std::erase_if(near, [](const auto& c) {
    return c.second > kPerCharacter * static_cast<double>(AlnumCount(c.first->code));
  });
  return near;
}

std::optional<NamedCode> NamedAmong(const CodeCandidates& candidates,
                                    const std::vector<std::string>& words) {
  std::optional<NamedCode> best;
  for (const auto& [entry, d] : candidates) {
    if (!NamedOnLine(*entry, words)) continue;
    if (best) {
      // Sorted nearest first: a second named code as near leaves the choice to a person.
      if (d < best->distance + 0.5) return std::nullopt;
      break;
    }
    NamedCode found;
    found.check.code = entry->code;
    found.check.well_formed = found.check.known = found.check.valid = found.check.repaired = true;
    found.distance = d;
    best = found;
  }
  return best;
}

std::optional<NamedCode> CodeNamedOnLine(std::string_view as_read, CodeSystem system,
                                         const CodeSet& set,
                                         const std::vector<std::string>& words) {
  return NamedAmong(CodesNear(as_read, system, set), words);
}

}  // namespace chartscan::extract
