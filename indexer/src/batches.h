// Batches and their journal: the SQL behind Store's batch methods, and the claim lock.
// Internal to the indexer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <chartscan/indexer/store.h>

namespace chartscan::indexer {

std::optional<BatchKind> ParseBatchKind(std::string_view s);
std::optional<PageStage> ParsePageStage(std::string_view s);

// The claim file of a batch inside a store folder.
std::string BatchLockPath(const std::string& store_dir, std::int64_t batch_id);

// Takes the exclusive advisory lock (flock) on `path`, creating the file; kBusy when another
// open file description holds it, in this process or another. The kernel drops it when the
// process dies, however it dies.
Result<std::unique_ptr<BatchClaim>> LockBatch(const std::string& path, std::int64_t batch_id);
// Whether someone holds the lock on `path` now (false when the file does not exist). Creates
// nothing.
bool BatchLocked(const std::string& path);

// Inserts a batch row (state open) and returns its id. Runs inside the caller's transaction.
Result<std::int64_t> InsertBatch(sqlite3* db, const BatchStart& start, std::int64_t now);
// Reopens a batch for a new claim: state open, part-way journal entries back to arrived.
// kNotFound / kInvalidArgument (done) as Store::ClaimBatch says.
Status ReopenBatch(sqlite3* db, std::int64_t batch_id, std::int64_t now);
Status SetBatchState(sqlite3* db, std::int64_t batch_id, BatchState state, std::string_view reason,
                     std::int64_t now);
// Batches with journal counts (all of them, or one); `live` is left false for the caller.
Result<std::vector<BatchInfo>> ReadBatches(sqlite3* db, std::optional<std::int64_t> batch_id);
Status InsertJournal(sqlite3* db, std::int64_t batch_id, std::int64_t source_id,
                     const std::vector<int>& pages, std::int64_t now);
// Sets a page's stage; kNotFound when it is not journaled in the batch. With `upsert`, a page not
// journaled yet is added at that stage (PutPage's final stages).
Status UpdateJournal(sqlite3* db, std::int64_t batch_id, std::int64_t source_id, int source_page,
                     PageStage stage, std::int64_t now, bool upsert);
Result<std::vector<JournalEntry>> ReadJournal(sqlite3* db, std::int64_t batch_id);
// Source ids of a batch in the order their first page arrived.
Result<std::vector<std::int64_t>> ReadBatchSourceIds(sqlite3* db, std::int64_t batch_id);

}  // namespace chartscan::indexer
