// Word repair: a word the recognizer misread by a letter or two is given back the common word it
// was most likely printed as.
//
// On heavy photocopies and faxes the recognizer loses thin strokes and adds specks, and reads
// "meilitus", "heaith", "chioride", "pneamonia", "hypothyroidisin". Those words are then missing
// from search ("mellitus" does not find the page) and from the vocabularies extraction matches.
// Tesseract's own dictionary only nudges its beam search; it does not undo a letter the network
// read with confidence.
//
// Method (a noisy channel with the recognizer's confusions as the channel):
// 1. Words of lower-case letters, kMinRepairLetters or more, are looked at (punctuation around
//    them is kept), and capitalized ones where a sentence or a label starts (a lower-case word
//    after it on its line, no capitalized word before it), by substitutions only. Other
//    capitalized and upper-case words are names, acronyms and headings: measured on 578 pages,
//    repairing every word turned "CLIA" into "DIA" 44 times and names into words ("Llanes" ->
//    "Lanes", "Vitale" -> "Vitae", "Hiller" -> "Hillier"). A word Hunspell accepts as it stands
//    (with its inflections; a proper name) is left.
// 2. Candidates are the strings one or two confusions away. A confusion replaces a glyph shape by
//    one the recognizer takes it for: cheap ones (half a confusion) lose or add a thin stroke or a
//    dot (l/i/t/f, e/c, rn/m, cl/d, li/h, ri/n, ii/u, in/m, vv/w); others (one confusion) swap
//    round shapes (a/o/u/e, n/u, h/b, n/m, y/v, g/q, c/o, s/a) or add or drop an i or an l.
//    A word of kLongWordLetters letters or more may cost kRepairBudget (two cheap confusions or one
//    other), a shorter one kShortWordBudget (one cheap confusion): short words have many
//    neighbours ("lofi" is one swap from "loft", "fabs" from "tabs").
// 3. A candidate must be a word to Hunspell and a likely one: in the common word list or in an
//    extra dictionary (the medical one). Hunspell's American dictionary alone holds rare words
//    that garbled readings fall on ("rasks" -> "rusks", "hormal" -> "harmal").
// 4. The cheapest candidate is taken when it is the only one at its cost; a tie is left as read.
//
// Measured on 8 batches (578 heavy, fax, photocopy and clean pages) by simulating the repair on
// their exports: lower-case words alone, 293 repaired to the printed word, none that was read right
// changed, and 44 garbled words changed to another wrong word (29259 -> 28935 character errors);
// with the capitalized words that start a sentence or a label, 332 and 45 (28896).
#include "word_repair.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include <hunspell/hunspell.h>

namespace chartscan::ocr {
namespace {

struct Confusion {
  std::string_view read;     // what the recognizer put out
  std::string_view printed;  // what may have been printed
  double cost;
};

constexpr double kCheap = 0.5;
constexpr double kSwap = 1.0;

// Both directions are listed: a stroke is lost as often as a speck adds one.
constexpr std::array kConfusions = {
    Confusion{"l", "i", kCheap},  Confusion{"i", "l", kCheap},  Confusion{"t", "i", kCheap},
    Confusion{"i", "t", kCheap},  Confusion{"l", "t", kCheap},  Confusion{"t", "l", kSwap},
    Confusion{"t", "f", kCheap},  Confusion{"f", "t", kCheap},  Confusion{"e", "c", kCheap},
    Confusion{"c", "e", kCheap},  Confusion{"rn", "m", kCheap}, Confusion{"m", "rn", kCheap},
    Confusion{"cl", "d", kCheap}, Confusion{"d", "cl", kSwap},  Confusion{"li", "h", kCheap},
    Confusion{"h", "li", kCheap}, Confusion{"ri", "n", kCheap}, Confusion{"ii", "u", kCheap},
    Confusion{"in", "m", kCheap}, Confusion{"ni", "m", kCheap}, Confusion{"vv", "w", kCheap},
    Confusion{"a", "o", kSwap},   Confusion{"o", "a", kSwap},   Confusion{"u", "a", kSwap},
    Confusion{"a", "u", kSwap},   Confusion{"e", "o", kSwap},   Confusion{"o", "e", kSwap},
    Confusion{"c", "o", kSwap},   Confusion{"o", "c", kSwap},   Confusion{"n", "u", kSwap},
    Confusion{"u", "n", kSwap},   Confusion{"h", "b", kSwap},   Confusion{"b", "h", kSwap},
    Confusion{"n", "m", kSwap},   Confusion{"m", "n", kSwap},   Confusion{"y", "v", kSwap},
    Confusion{"v", "y", kSwap},   Confusion{"g", "q", kSwap},   Confusion{"q", "g", kSwap},
    Confusion{"j", "i", kSwap},   Confusion{"i", "j", kSwap},   Confusion{"s", "a", kSwap},
    Confusion{"i", "", kSwap},    Confusion{"l", "", kSwap},    Confusion{"", "i", kSwap},
    Confusion{"", "l", kSwap},
};

bool IsLowerWord(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Every string one confusion from `from`, with the cost of reaching it.
void Expand(const std::string& from, double cost, double budget,
            std::map<std::string, double>& reached, std::vector<std::string>& next) {
  for (const Confusion& c : kConfusions) {
    const double total = cost + c.cost;
    if (total > budget) continue;
    for (size_t at = 0; at <= from.size(); ++at) {
      if (!c.read.empty() && from.compare(at, c.read.size(), c.read) != 0) continue;
      std::string to = from.substr(0, at);
      to += c.printed;
      to += from.substr(at + c.read.size());
      if (to.empty()) continue;
      auto [it, inserted] = reached.emplace(to, total);
      if (inserted || total < it->second) {
        it->second = total;
        next.push_back(std::move(to));
      }
    }
  }
}

// `package`: the Debian package that ships the file when it is the default one, else empty.
Status CheckFile(const std::string& path, std::string_view package) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return Status::Ok();
  const std::string install = package.empty() ? "" : "install " + std::string(package) + ", ";
  return Status::NotFound("ocr: word repair needs " + path + " (" + install +
                          "or turn word repair off)");
}

// Adds the words of a plain list or of a Hunspell .dic file (the count line and /flags dropped)
// to `out`, lower-cased.
void ReadWords(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find_first_of("/\t\r "));
    if (line.empty() || std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    std::transform(line.begin(), line.end(), line.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.push_back(std::move(line));
  }
}

}  // namespace

Status WordRepairOptions::Validate() const {
  if (!enabled) return Status::Ok();
  const WordRepairOptions defaults;
  const auto from = [](bool is_default, std::string_view package) {
    return is_default ? package : std::string_view();
  };
  const std::string_view us = from(dictionary == defaults.dictionary, "hunspell-en-us");
  CHARTSCAN_RETURN_IF_ERROR(CheckFile(dictionary + ".aff", us));
  CHARTSCAN_RETURN_IF_ERROR(CheckFile(dictionary + ".dic", us));
  for (const std::string& d : extra_dictionaries) {
    const bool is_default =
        std::find(defaults.extra_dictionaries.begin(), defaults.extra_dictionaries.end(), d) !=
        defaults.extra_dictionaries.end();
    CHARTSCAN_RETURN_IF_ERROR(CheckFile(d, from(is_default, "hunspell-en-med")));
  }
  return CheckFile(common_words, from(common_words == defaults.common_words, "wamerican-small"));
}

struct WordRepairer::Impl {
  Hunhandle* hunspell = nullptr;
  // Common words and extra dictionaries' words, sorted: 8.7 MB where a hash set took 11.5.
  std::vector<std::string> likely;

  std::mutex mu;  // Hunspell's lookups keep state: one caller at a time

  ~Impl() {
    if (hunspell) Hunspell_destroy(hunspell);
  }
  bool IsWord(const std::string& w) const { return Hunspell_spell(hunspell, w.c_str()) != 0; }
  // The likely word `read` (lower-case) was misread from, or empty (see the file's comment);
  // `same_length`: substitutions only.
  std::string Best(const std::string& read, bool same_length) const;
};

WordRepairer::WordRepairer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
WordRepairer::~WordRepairer() = default;

Result<std::unique_ptr<WordRepairer>> WordRepairer::Load(const WordRepairOptions& options) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  // One loaded dictionary serves every repairer loaded with the same files while any is alive:
  // about 25 MB (Hunspell's tables 16 MB, the likely words 8.7 MB), once per worker before.
  static std::mutex cache_mu;
  static std::map<std::string, std::weak_ptr<Impl>> cache;
  std::string key = options.dictionary + '\n' + options.common_words;
  for (const std::string& d : options.extra_dictionaries) key += '\n' + d;
  std::lock_guard<std::mutex> cache_lock(cache_mu);
  if (std::shared_ptr<Impl> loaded = cache[key].lock()) {
    return std::unique_ptr<WordRepairer>(new WordRepairer(std::move(loaded)));
  }
  auto impl = std::make_shared<Impl>();
  const std::string aff = options.dictionary + ".aff", dic = options.dictionary + ".dic";
  impl->hunspell = Hunspell_create(aff.c_str(), dic.c_str());
  if (impl->hunspell == nullptr || Hunspell_spell(impl->hunspell, "word") == 0) {
    return Status::Unavailable("ocr: cannot load the Hunspell dictionary " + dic);
  }
  for (const std::string& d : options.extra_dictionaries) {
    if (Hunspell_add_dic(impl->hunspell, d.c_str()) != 0) {
      return Status::Unavailable("ocr: cannot load the Hunspell dictionary " + d);
    }
    ReadWords(d, impl->likely);
  }
  ReadWords(options.common_words, impl->likely);
  std::sort(impl->likely.begin(), impl->likely.end());
  impl->likely.erase(std::unique(impl->likely.begin(), impl->likely.end()), impl->likely.end());
  impl->likely.shrink_to_fit();
  cache[key] = impl;
  return std::unique_ptr<WordRepairer>(new WordRepairer(std::move(impl)));
}

std::string WordRepairer::Impl::Best(const std::string& read, bool same_length) const {
  if (IsWord(read)) return {};
  const double budget = read.size() >= kLongWordLetters ? kRepairBudget : kShortWordBudget;
  std::map<std::string, double> reached{{read, 0.0}};
  std::vector<std::string> frontier{read};
  // Two rounds reach any two confusions (the budget allows no more: the cheapest costs half).
  for (int round = 0; round < 2 && !frontier.empty(); ++round) {
    std::vector<std::string> next;
    for (const std::string& from : frontier) Expand(from, reached[from], budget, reached, next);
    frontier = std::move(next);
  }
  std::string best;
  double best_cost = budget + 1;
  bool tie = false;
  for (const auto& [candidate, cost] : reached) {
    if (cost == 0 || cost > best_cost || (same_length && candidate.size() != read.size())) {
      continue;
    }
    if (!std::binary_search(likely.begin(), likely.end(), candidate) || !IsWord(candidate)) {
      continue;
    }
    if (cost == best_cost) {
      tie = true;
    } else {
      best = candidate;
      best_cost = cost;
      tie = false;
    }
  }
  return tie ? std::string() : best;
}

std::string WordRepairer::Repair(std::string_view word) const {
  if (word.size() < kMinRepairLetters || !IsLowerWord(word)) return {};
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->Best(std::string(word), /*same_length=*/false);
}

std::string WordRepairer::RepairCapitalized(std::string_view word) const {
  if (word.size() < kMinRepairLetters || !(word[0] >= 'A' && word[0] <= 'Z') ||
      !IsLowerWord(word.substr(1))) {
    return {};
  }
  // Hunspell takes "Hospital" for "hospital" at the start of a sentence, and knows proper names.
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->IsWord(std::string(word))) return {};
  std::string lower(word);
  lower[0] = static_cast<char>(lower[0] - 'A' + 'a');
  std::string best = impl_->Best(lower, /*same_length=*/true);
  if (!best.empty()) best[0] = static_cast<char>(best[0] - 'a' + 'A');
  return best;
}

int WordRepairer::RepairWords(std::vector<Word>& words) const {
  int repaired = 0;
  const auto starts_upper = [](const std::string& t) {
    return !t.empty() && std::isupper(static_cast<unsigned char>(t[0]));
  };
  const auto starts_lower = [](const std::string& t) {
    return !t.empty() && std::islower(static_cast<unsigned char>(t[0]));
  };
  for (size_t i = 0; i < words.size(); ++i) {
    Word& w = words[i];
    const size_t first = w.text.find_first_not_of("([\"'");
    if (first == std::string::npos) continue;
    const size_t last = w.text.find_last_not_of(")]\"'.,;:!?");
    if (last == std::string::npos || last < first) continue;
    const std::string_view core = std::string_view(w.text).substr(first, last + 1 - first);
    std::string repaired_core = Repair(core);
    // A capitalized word is repaired only where a sentence or a label starts: a lower-case word
    // follows it on its line, and no capitalized word (a given name, "Dr.") comes before it.
    if (repaired_core.empty() && i + 1 < words.size() && words[i + 1].line == w.line &&
        starts_lower(words[i + 1].text) &&
        !(i > 0 && words[i - 1].line == w.line && starts_upper(words[i - 1].text))) {
      repaired_core = RepairCapitalized(core);
    }
    if (repaired_core.empty()) continue;
    w.text = w.text.substr(0, first) + repaired_core + w.text.substr(last + 1);
    ++repaired;
  }
  return repaired;
}

}  // namespace chartscan::ocr
