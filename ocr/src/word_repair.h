// Repair of words the recognizer misread by a letter or two (see word_repair.cc for the method).
// Private to the ocr stage: engine.cc applies it to every page it reads.
//
// A WordRepairer holds a Hunspell dictionary and a set of common words, loaded once per process
// for the same files and shared by every repairer loaded with them (each engine, so each worker
// thread, owns a repairer). Thread-safe: calls on repairers sharing a dictionary are serialized
// (Hunspell's lookups keep state); a page's repair takes about 0.1 ms.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/page.h>
#include <chartscan/models/status.h>
#include <chartscan/ocr/engine.h>

namespace chartscan::ocr {

// Most a repair may cost, in confusions (word_repair.cc): kRepairBudget for a word of
// kLongWordLetters letters or more, kShortWordBudget (one cheap confusion) below that, and words
// under kMinRepairLetters letters are left as read.
inline constexpr double kRepairBudget = 1.0;
inline constexpr double kShortWordBudget = 0.5;
inline constexpr size_t kLongWordLetters = 6;
inline constexpr size_t kMinRepairLetters = 4;

class WordRepairer {
 public:
  // Loads the dictionaries `options` names. Fails with kNotFound naming a file that is missing
  // and kUnavailable when Hunspell cannot load the dictionary.
  static Result<std::unique_ptr<WordRepairer>> Load(const WordRepairOptions& options);
  ~WordRepairer();
  WordRepairer(const WordRepairer&) = delete;
  WordRepairer& operator=(const WordRepairer&) = delete;

  // The common word `word` (lower-case letters only) was most likely misread from, or an empty
  // string when `word` is a word, is not lower-case letters, or no single repair is clearly best.
  std::string Repair(std::string_view word) const;

  // The same for a capitalized word ("Hospitat" -> "Hospital"), by substitutions only (no letter
  // added or dropped); empty when Hunspell knows it as it stands (a word, a proper name).
  std::string RepairCapitalized(std::string_view word) const;

  // Repairs the lower-case words of a page in place (punctuation around a word is kept: "heaith,"
  // becomes "health,"), and the capitalized words that start a sentence or a label: followed on
  // their line by a lower-case word, and not preceded there by a capitalized one (so that names,
  // "Justin Edwaids", "Dr. Becker", "Llanes, Maria", are left as read). `words` in reading order
  // with their line numbers. Returns how many words changed.
  int RepairWords(std::vector<Word>& words) const;

 private:
  struct Impl;
  explicit WordRepairer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace chartscan::ocr
