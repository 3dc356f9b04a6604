// Answering a parsed query from the store's tables (see search.cc for the method).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/indexer/store.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

#include "fuzzy.h"
#include "query.h"
#include "tokenizer.h"

struct sqlite3;

namespace chartscan::indexer {

// The identity and title words indexed for a page beside its text (pages.ident): its document
// type in words and the normalized values of its identity and code fields.
std::string PageIdent(std::string_view doc_type, const std::vector<Field>& fields);

// Readies a connection for ExecuteSearch: the index's term dictionary, which prefix terms are
// expanded through, as a table in temp. Run once per connection, outside a transaction (a
// rollback would undo it) and before PRAGMA query_only (which forbids even temp tables).
// Idempotent.
Status PrepareSearchConnection(sqlite3* db);

// The generation of the store's search vocabulary (search_meta.charts_gen).
Result<std::int64_t> VocabularyGeneration(sqlite3* db);
// Names, MRNs and codes of the store's charts, roster and documents.
Result<std::shared_ptr<const Vocabulary>> LoadVocabulary(sqlite3* db);

// Runs `query` on db inside the caller's read transaction, on a connection PrepareSearchConnection
// readied. Options are validated by the caller.
Result<SearchResults> ExecuteSearch(sqlite3* db, const QueryNode& query, const Vocabulary& vocab,
                                    const SearchOptions& options);

// Indexes into `words` (a page's words, in order) of the words `query` matches, for highlighting
// (see Store::MatchWords). Query terms and the page's words are folded by `tokenizer` exactly as
// the index folds them; with `approximate`, every term also matches the alternatives the
// widened search would look up (the same Compiler decides). A phrase marks its words only where
// they stand in order. mrn:, dob: and code: filters also mark the words inside the evidence box
// of a page field (`fields`) holding an accepted value. Words right of a NOT, and type:, date:
// and batch: filters, mark nothing. db is the caller's read connection (to tell common words).
Result<std::vector<int>> MatchPageWords(sqlite3* db, const TextTokenizer& tokenizer,
                                        const QueryNode& query, const Vocabulary& vocab,
                                        bool approximate, const std::vector<Word>& words,
                                        const std::vector<Field>& fields);

}  // namespace chartscan::indexer
