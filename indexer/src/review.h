// Verification: the review queue and clerks' decisions (see Store::Review and
// Store::ResolveReview).
//
// What needs review is stored by assembly: document_fields.needs_review (a field read with low
// confidence or conflicting between pages), documents.type_needs_review, pages.misfiled. An item
// is resolved by clearing its flag (a field is also marked verified) and recording the decision
// in review_decisions. Assembly rewrites documents and their fields from the pages, so after it
// writes, ReapplyDecisions applies the recorded decisions again to what it wrote.
//
// Every function here runs inside the caller's transaction (a write transaction for those that
// change anything) on the given connection.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <chartscan/models/records.h>
#include <chartscan/models/status.h>

namespace chartscan::indexer {

// Unresolved items, oldest document first (its type, its fields by seq, its misfiled pages by
// position); `total` counts them all.
Result<ReviewQueue> ReadReviewQueue(sqlite3* db, int offset, int limit);

// One unresolved item; kNotFound when it does not exist or is resolved.
Result<ReviewItem> ReadReviewItem(sqlite3* db, const std::string& item_id);
// Applies and records one decision (see Store::ResolveReview). The caller has checked the user and
// that a correction has a value.
Result<ReviewItem> ResolveReviewItem(sqlite3* db, const ReviewDecision& decision, std::int64_t now);

// The last misfile decision of a page, for assembly.
struct MisfileDecision {
  std::int64_t document_id = 0;  // the document the page was flagged in
  bool corrected = false;        // moved to the chart of `mrn` (else accepted where it was)
  std::string mrn;
  std::int64_t moved_to_document = 0;
};

// The misfile decisions of the pages of these sources, by page id.
Result<std::map<std::int64_t, MisfileDecision>> MisfileDecisions(
    sqlite3* db, const std::vector<std::int64_t>& source_ids);

// After assembly wrote `document_ids`: moves the pages a clerk moved again (reusing the document
// they were moved into when it still exists), then applies the field and type decisions recorded
// for those documents whose value before (or, for a correction, after) is still what the document
// holds, and recomputes needs_review of the documents it changed. Documents a move left empty are
// deleted; charts left empty are the caller's to drop.
Status ReapplyDecisions(sqlite3* db, const std::vector<std::int64_t>& document_ids,
                        const std::map<std::int64_t, MisfileDecision>& misfiles, std::int64_t now);

}  // namespace chartscan::indexer
