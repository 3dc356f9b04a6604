// The FTS5 tokenizer "chartscan": unicode61 that keeps identifiers whole.
//
// Medical records are searched by identifiers as much as by words: ICD-10 codes (E11.9, I10),
// record numbers (00482913), dates (03/14/2024), NDCs (0002-8215-01). unicode61 alone splits these
// at '.', '-' and '/'. This tokenizer runs unicode61 with those three characters as token
// characters, then trims them from both ends of each token, so "E11.9." at the end of a sentence
// indexes as "e11.9" and "-" between words indexes nothing. Offsets are adjusted to match, so
// snippet() and highlight() mark exactly the identifier in the stored, unmodified text. Queries go
// through the same tokenizer, so a query term is normalized the same way.
//
// In documents (not queries) a joined token is also indexed by its parts at the same position:
// "E11.9" as e11.9, e11 and 9; "follow-up" as follow-up, follow and up. A query for the whole
// identifier matches only the identifier; a query for a part ("E11", "smith" in "Dr.Smith",
// "1956" in "03/14/1956") finds it too, which also rescues words OCR ran together with a period.
//
// The tokenizer is part of the schema: changing what it emits needs a migration that rebuilds the
// index (INSERT INTO page_fts(page_fts) VALUES('rebuild')). Tools that open chartscan.db without
// registering it can read every table except page_fts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include <chartscan/models/status.h>

namespace chartscan::indexer {

inline constexpr char kTokenizerName[] = "chartscan";

// Registers the tokenizer on one connection; must precede any use of the FTS table on it.
Status RegisterTokenizer(sqlite3* db);

// A token as the index sees it: folded (lower case, diacritics removed, joiners trimmed).
// `position` counts tokens from 0; the parts of a joined token (document mode) share its position.
struct TextToken {
  std::string text;
  int position = 0;
};

// The tokenizer, called directly: what the index holds for a document's text (document = true,
// parts of joined tokens included) or what a query term becomes (document = false). For marking
// matched words without a second tokenizer that could fold differently from the index. Uses one
// connection (on which RegisterTokenizer ran); not thread-safe, like the connection.
class TextTokenizer {
 public:
  static Result<TextTokenizer> Create(sqlite3* db);
  TextTokenizer(TextTokenizer&& other) noexcept;
  TextTokenizer& operator=(TextTokenizer&&) = delete;
  TextTokenizer(const TextTokenizer&) = delete;
  ~TextTokenizer();

  Result<std::vector<TextToken>> Tokenize(std::string_view text, bool document) const;

 private:
  TextTokenizer() = default;
  struct Impl;
  Impl* impl_ = nullptr;
};

}  // namespace chartscan::indexer
