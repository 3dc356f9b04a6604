// Approximate matching for search: what OCR gets wrong in identifiers and names, and how a query
// is widened to find it anyway.
//
// Identifiers (MRNs, codes, dates, NPIs) are misread one glyph at a time, between shapes that
// look alike: 0/O, 1/I/l, 5/S, 8/B. ConfusionCanonical maps every member of a class to one
// character (o->0, i/l->1, s->5, b->8), so two spellings that differ only by such confusions have
// the same canonical form; ConfusionVariants spells out the single substitutions of a word for
// the full-text index, which can only look terms up exactly.
//
// Names are misread by dropped, doubled or confused letters ("Margret" for "Margaret") and are
// also spelled differently by the people who write them ("Kathryn", "Catherine"). A name term
// is therefore widened to the terms of the name vocabulary within one edit (Damerau: insertion,
// deletion, substitution or transposition of adjacent letters), found through a deletion
// neighbourhood (every term is filed under itself and each of its one-letter deletions; two
// words within one edit share a key), to the terms with the same phonetic key (PhoneticKey: a
// small Metaphone-like code, below), and to the terms that read the same once the letter groups
// a recognizer confuses are merged (OcrCanonical: li->h, cl->d, rn->m, vv->w; "tirnothy" and
// "davicl" are two edits from their names but the same after it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace chartscan::indexer {

// Lower-cased, each confusable glyph replaced by its class's digit.
std::string ConfusionCanonical(std::string_view word);
// The word (lower-cased) with one confusable glyph replaced by another member of its class, for
// every position; the word itself is not included. Bounded by `max` variants.
std::vector<std::string> ConfusionVariants(std::string_view word, std::size_t max = 48);

// A phonetic key for an ASCII name, letters only ("" for a word with no letters): similar-
// sounding English spellings share it (Catherine/Kathryn, Smith/Smyth, Jon/John).
std::string PhoneticKey(std::string_view word);

// Lower-cased, with the multi-letter confusions of OCR folded: "li" -> "h", then "cl" -> "d",
// "rn" -> "m", "vv" -> "w" (the order matters: "miclielle" must become "michelle").
std::string OcrCanonical(std::string_view word);

// Optimal string alignment distance (Levenshtein plus adjacent transposition), bytes.
int EditDistance(std::string_view a, std::string_view b);

// Name, identifier and code vocabularies of a store, for widening queries. Built once per change
// of the store's charts (see Store::Search); immutable and safe to share between threads after.
class Vocabulary {
 public:
  // A name: its words become name terms. of_record: a chart's or the roster's name (a person
  // the facility knows), rather than a name as a page read it (possibly misread).
  void AddName(std::string_view name, bool of_record);
  // An MRN or other identifier, and a medical code, as normalized in the store.
  void AddIdentifier(std::string_view id);
  void AddCode(std::string_view code);
  // Call once after the last Add.
  void Finish();

  // Name terms (lower-case) within one edit of `word` or sounding like it, `word` excluded.
  // When `word` is itself a name of record, other names of record are left out: "Johnston" is
  // another patient, not a misreading of "Johnson"; names only pages read still come.
  std::vector<std::string> SimilarNames(std::string_view word, std::size_t max = 16) const;
  // Identifiers equal to `id` up to confusions, or (for 5 or more characters) containing it;
  // `id` itself excluded. Lower-case, as the index holds them.
  std::vector<std::string> SimilarIdentifiers(std::string_view id, std::size_t max = 16) const;
  // Identifiers as stored (original case) confusable with `id`, `id` included when present.
  std::vector<std::string> ConfusableIdentifiers(std::string_view id, std::size_t max = 16) const;
  // Codes as stored (upper-case) confusable with `code`.
  std::vector<std::string> ConfusableCodes(std::string_view code, std::size_t max = 16) const;

  // Whether the word (any case) is a name term, of record or as a page read it.
  bool IsName(std::string_view word) const;

  std::size_t name_terms() const { return names_.size(); }
  std::size_t identifiers() const { return ids_.size(); }

 private:
  std::vector<std::string> names_;         // distinct, lower-case
  std::vector<std::string> record_names_;  // the names of record among them (sorted at Finish)
  std::unordered_map<std::string, std::vector<int>> deletions_;  // key -> names_ index
  std::unordered_map<std::string, std::vector<int>> phonetic_;
  std::unordered_map<std::string, std::vector<int>> ocr_canonical_;
  std::vector<std::string> ids_;        // distinct, as stored
  std::vector<std::string> ids_lower_;  // the same, lower-case (substring search)
  std::unordered_map<std::string, std::vector<int>> id_canonical_;
  std::vector<std::string> codes_;
  std::unordered_map<std::string, std::vector<int>> code_canonical_;
  bool finished_ = false;
};

}  // namespace chartscan::indexer
