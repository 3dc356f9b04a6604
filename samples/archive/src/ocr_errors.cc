// OCR error injection and the variants an engine without approximate matching can OR together.
//
// Identifier errors follow the recognizer's classic confusions between digits and letters of the
// same shape (0/O, 1/I/l, 5/S, 8/B) and, more rarely, one digit read as another. Name errors are
// what recognizers do to proper nouns: a letter dropped ("Margret"), letter pairs read as one
// letter or back (rn/m, cl/d, li/h, vv/w) and e/c. Ordinary words get the same letter confusions,
// and a word is now and then split by a spurious space or merged with the next one (a lost
// space). At most one error is made per word.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "page_text.h"

namespace chartscan::samples::archive {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Characters a recognizer confuses, each class a set of look-alikes.
constexpr std::string_view kConfusionClasses[] = {"0O", "1Il", "5S", "8B"};

std::string_view ClassOf(char c) {
  for (std::string_view cls : kConfusionClasses) {
    if (cls.find(c) != std::string_view::npos) return cls;
  }
  return {};
}

// Letter patterns and what they are misread as (both directions are listed).
struct LetterSwap {
  std::string_view from;
  std::string_view to;
};
constexpr LetterSwap kLetterSwaps[] = {
    {"rn", "m"}, {"m", "rn"}, {"cl", "d"}, {"d", "cl"}, {"li", "h"},
    {"h", "li"}, {"vv", "w"}, {"w", "vv"}, {"e", "c"},  {"c", "e"},
};

// Where in `word` a letter swap applies, as (swap index, position).
std::vector<std::pair<int, std::size_t>> SwapSites(std::string_view word) {
  std::vector<std::pair<int, std::size_t>> sites;
  for (int s = 0; s < static_cast<int>(std::size(kLetterSwaps)); ++s) {
    std::string_view from = kLetterSwaps[s].from;
    for (std::size_t pos = word.find(from); pos != std::string_view::npos;
         pos = word.find(from, pos + 1)) {
      sites.emplace_back(s, pos);
    }
  }
  return sites;
}

std::string ApplySwap(std::string_view word, int s, std::size_t pos) {
  std::string out(word.substr(0, pos));
  out += kLetterSwaps[s].to;
  out += word.substr(pos + kLetterSwaps[s].from.size());
  return out;
}

bool HasLetters(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return IsAlpha(c); });
}

}  // namespace

std::string MisspellName(std::string_view word, Rng& rng) {
  if (word.size() < 3) return {};
  auto sites = SwapSites(word);
  // Case-sensitive swaps only touch lower-case letters; the capital stays.
  sites.erase(
      std::remove_if(sites.begin(), sites.end(), [](const auto& s) { return s.second == 0; }),
      sites.end());
  if (!sites.empty() && rng.Chance(0.4)) {
    const auto& [s, pos] =
        sites[static_cast<std::size_t>(rng.Int(0, static_cast<int>(sites.size()) - 1))];
    return ApplySwap(word, s, pos);
  }
  std::vector<std::size_t> vowels;
  std::vector<std::size_t> interior;
  for (std::size_t i = 1; i + 1 < word.size(); ++i) {
    if (!IsAlpha(word[i])) continue;
    interior.push_back(i);
    if (std::string_view("aeiou").find(word[i]) != std::string_view::npos) vowels.push_back(i);
  }
  const std::vector<std::size_t>& from = vowels.empty() ? interior : vowels;
  if (from.empty()) return {};
  std::size_t drop = from[static_cast<std::size_t>(rng.Int(0, static_cast<int>(from.size()) - 1))];
  std::string out(word.substr(0, drop));
  out += word.substr(drop + 1);
  return out;
}

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConfusion:
      return "confusion";
    case ErrorKind::kDigit:
      return "digit";
    case ErrorKind::kName:
      return "name";
    case ErrorKind::kLetters:
      return "letters";
    case ErrorKind::kSplit:
      return "split";
    case ErrorKind::kMerge:
      return "merge";
  }
  return "unknown";
}

void InjectErrors(std::vector<Line>& lines, const OcrErrorRates& rates, Rng& rng,
                  std::vector<InjectedError>& errors, ErrorOpportunities& opp) {
  for (Line& line : lines) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      Piece& p = line[i];
      if (p.text.empty()) continue;
      switch (p.kind) {
        case PieceKind::kLabel:
          break;
        case PieceKind::kIdentifier: {
          std::vector<std::size_t> confusable;
          std::vector<std::size_t> digits;
          for (std::size_t k = 0; k < p.text.size(); ++k) {
            if (!ClassOf(p.text[k]).empty()) confusable.push_back(k);
            if (IsDigit(p.text[k])) digits.push_back(k);
          }
          if (!confusable.empty()) ++opp.confusable_identifiers;
          if (!digits.empty()) ++opp.identifiers;
          if (!confusable.empty() && rng.Chance(rates.identifier_confusion)) {
            std::size_t k = confusable[static_cast<std::size_t>(
                rng.Int(0, static_cast<int>(confusable.size()) - 1))];
            std::string_view cls = ClassOf(p.text[k]);
            std::string others;
            for (char c : cls) {
              if (c != p.text[k]) others += c;
            }
            std::string printed = p.text;
            printed[k] =
                others[static_cast<std::size_t>(rng.Int(0, static_cast<int>(others.size()) - 1))];
            errors.push_back({ErrorKind::kConfusion, p.text, printed});
            p.text = std::move(printed);
          } else if (!digits.empty() && rng.Chance(rates.identifier_digit)) {
            std::size_t k =
                digits[static_cast<std::size_t>(rng.Int(0, static_cast<int>(digits.size()) - 1))];
            std::string printed = p.text;
            char c = static_cast<char>('0' + rng.Int(0, 8));
            if (c >= printed[k]) ++c;  // any digit but the right one
            printed[k] = c;
            errors.push_back({ErrorKind::kDigit, p.text, printed});
            p.text = std::move(printed);
          }
          break;
        }
        case PieceKind::kName: {
          if (p.text.size() < 3) break;
          ++opp.names;
          if (rng.Chance(rates.name)) {
            std::string printed = MisspellName(p.text, rng);
            if (!printed.empty() && printed != p.text) {
              errors.push_back({ErrorKind::kName, p.text, printed});
              p.text = std::move(printed);
            }
          }
          break;
        }
        case PieceKind::kPlain: {
          if (!HasLetters(p.text)) break;
          const bool can_merge = i + 1 < line.size() && line[i + 1].kind == PieceKind::kPlain &&
                                 p.sep == " " && p.after.empty() && line[i + 1].before.empty();
          const bool can_split = p.text.size() >= 6;
          auto sites = SwapSites(p.text);
          if (can_merge) ++opp.merge_words;
          if (can_split) ++opp.long_words;
          if (!sites.empty()) ++opp.letter_words;
          if (can_merge && rng.Chance(rates.merge)) {
            errors.push_back(
                {ErrorKind::kMerge, p.text + " " + line[i + 1].text, p.text + line[i + 1].text});
            p.sep = "";
            ++i;  // the next word is part of this error
          } else if (can_split && rng.Chance(rates.split)) {
            std::size_t at =
                static_cast<std::size_t>(rng.Int(2, static_cast<int>(p.text.size()) - 2));
            std::string printed = p.text.substr(0, at) + " " + p.text.substr(at);
            errors.push_back({ErrorKind::kSplit, p.text, printed});
            p.text = std::move(printed);
          } else if (!sites.empty() && rng.Chance(rates.letters)) {
            const auto& [s, pos] =
                sites[static_cast<std::size_t>(rng.Int(0, static_cast<int>(sites.size()) - 1))];
            std::string printed = ApplySwap(p.text, s, pos);
            errors.push_back({ErrorKind::kLetters, p.text, printed});
            p.text = std::move(printed);
          }
          break;
        }
      }
    }
  }
}

std::string RepairedIsoDate(std::string_view printed) {
  std::string s;
  for (char c : printed) {
    switch (c) {
      case 'O':
      case 'o':
        s += '0';
        break;
      case 'I':
      case 'l':
        s += '1';
        break;
      case 'S':
        s += '5';
        break;
      case 'B':
        s += '8';
        break;
      default:
        s += c;
    }
  }
  if (s.size() != 10 || s[2] != '/' || s[5] != '/') return {};
  for (std::size_t i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (!IsDigit(s[i])) return {};
  }
  const int m = std::stoi(s.substr(0, 2));
  const int d = std::stoi(s.substr(3, 2));
  const int y = std::stoi(s.substr(6, 4));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] || y < 1850 || y > 2100) return {};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return {};
  return s.substr(6, 4) + "-" + s.substr(0, 2) + "-" + s.substr(3, 2);
}

std::vector<std::string> IdentifierVariants(std::string_view word, int max_edits) {
  std::string base;
  for (char c : word) base += Lower(c);
  // Lower-case classes: o/0, 1/i/l, 5/s, 8/b.
  auto cls = [](char c) -> std::string_view {
    switch (c) {
      case '0':
      case 'o':
        return "0o";
      case '1':
      case 'i':
      case 'l':
        return "1il";
      case '5':
      case 's':
        return "5s";
      case '8':
      case 'b':
        return "8b";
      default:
        return {};
    }
  };
  std::set<std::string> out;
  std::vector<std::string> frontier = {base};
  for (int e = 0; e < max_edits; ++e) {
    std::vector<std::string> next;
    for (const std::string& w : frontier) {
      for (std::size_t k = 0; k < w.size(); ++k) {
        for (char c : cls(w[k])) {
          if (c == w[k]) continue;
          std::string v = w;
          v[k] = c;
          if (v != base && out.insert(v).second) next.push_back(v);
        }
      }
    }
    frontier = std::move(next);
  }
  return {out.begin(), out.end()};
}

std::vector<std::string> NameVariants(std::string_view word) {
  std::string base;
  for (char c : word) base += Lower(c);
  std::set<std::string> out;
  // A letter the recognizer dropped, or one it invented.
  for (std::size_t i = 0; i <= base.size(); ++i) {
    for (char c = 'a'; c <= 'z'; ++c) out.insert(base.substr(0, i) + c + base.substr(i));
  }
  for (std::size_t i = 0; i < base.size(); ++i) out.insert(base.substr(0, i) + base.substr(i + 1));
  for (const auto& [s, pos] : SwapSites(base)) out.insert(ApplySwap(base, s, pos));
  out.erase(base);
  out.erase("");
  return {out.begin(), out.end()};
}

}  // namespace chartscan::samples::archive
