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

struct sqlite3;

namespace chartscan::indexer {

// The identity and title words indexed for a page beside its text (pages.ident): its document
// type in words and the normalized values of its identity and code fields.
std::string PageIdent(std::string_view doc_type, const std::vector<Field>& fields);

// The generation of the store's search vocabulary (search_meta.charts_gen).
Result<std::int64_t> VocabularyGeneration(sqlite3* db);
// Names, MRNs and codes of the store's charts, roster and documents.
Result<std::shared_ptr<const Vocabulary>> LoadVocabulary(sqlite3* db);

// Runs `query` on db inside the caller's read transaction. Options are validated by the caller.
Result<SearchResults> ExecuteSearch(sqlite3* db, const QueryNode& query, const Vocabulary& vocab,
                                    const SearchOptions& options);

}  // namespace chartscan::indexer
