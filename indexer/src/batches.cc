#include "batches.h"

#include <algorithm>
#include <cerrno>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sqlite_util.h"

namespace chartscan::indexer {

std::optional<BatchKind> ParseBatchKind(std::string_view s) {
  for (BatchKind k : {BatchKind::kIngest, BatchKind::kScan, BatchKind::kWatch}) {
    if (BatchKindName(k) == s) return k;
  }
  return std::nullopt;
}

std::optional<PageStage> ParsePageStage(std::string_view s) {
  for (int i = 0; i < kPageStageCount; ++i) {
    if (PageStageName(static_cast<PageStage>(i)) == s) return static_cast<PageStage>(i);
  }
  return std::nullopt;
}

namespace {

BatchState ParseBatchState(std::string_view s) {
  if (s == "done") return BatchState::kDone;
  if (s == "stopped") return BatchState::kStopped;
  return BatchState::kOpen;
}

class FlockClaim final : public BatchClaim {
 public:
  FlockClaim(int fd, std::int64_t batch_id) : fd_(fd), batch_id_(batch_id) {}
  ~FlockClaim() override { ::close(fd_); }  // closing the description drops the lock
  std::int64_t batch_id() const override { return batch_id_; }

 private:
  int fd_;
  std::int64_t batch_id_;
};

}  // namespace

std::string BatchLockPath(const std::string& store_dir, std::int64_t batch_id) {
  std::string dir = store_dir;
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir + "locks/batch-" + std::to_string(batch_id) + ".lock";
}

Result<std::unique_ptr<BatchClaim>> LockBatch(const std::string& path, std::int64_t batch_id) {
  const std::string dir = path.substr(0, path.rfind('/'));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IoError(dir + ": cannot create the lock folder");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(path + ": cannot open the batch lock");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Busy("batch " + std::to_string(batch_id) +
                          " is being worked on by another chartscan");
    }
    return Status::IoError(path + ": cannot lock the batch");
  }
  return std::unique_ptr<BatchClaim>(std::make_unique<FlockClaim>(fd, batch_id));
}

bool BatchLocked(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // also drops the shared lock when it was granted
  return locked;
}

Result<std::int64_t> InsertBatch(sqlite3* db, const BatchStart& start, std::int64_t now) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      "INSERT INTO batches (name, started_micros, kind, state, inputs, "
      "declared_sheets, duplex, updated_micros) VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?2)",
      "create batch"));
  st.Bind(1, start.name);
  st.Bind(2, now);
  st.Bind(3, BatchKindName(start.kind));
  st.Bind(4, start.inputs);
  st.Bind(5, start.declared_sheets);
  st.Bind(6, start.duplex ? 1 : 0);
  CHARTSCAN_RETURN_IF_ERROR(st.Run());
  return sqlite3_last_insert_rowid(db);
}

Status ReopenBatch(sqlite3* db, std::int64_t batch_id, std::int64_t now) {
  Stmt find;
  CHARTSCAN_RETURN_IF_ERROR(
      find.Prepare(db, "SELECT state FROM batches WHERE id = ?1", "find batch"));
  find.Bind(1, batch_id);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return Status::NotFound("no batch with id " + std::to_string(batch_id));
  if (find.Text(0) == "done") {
    return Status::InvalidArgument("batch " + std::to_string(batch_id) + " is already done");
  }
  CHARTSCAN_RETURN_IF_ERROR(find.Run());
  Stmt reset;
  CHARTSCAN_RETURN_IF_ERROR(reset.Prepare(
      db,
      "UPDATE journal SET stage = 'arrived', updated_micros = ?2 WHERE batch_id = ?1 AND "
      "stage IN ('cleaned', 'recognized', 'extracted')",
      "reset unfinished journal entries"));
  reset.Bind(1, batch_id);
  reset.Bind(2, now);
  CHARTSCAN_RETURN_IF_ERROR(reset.Run());
  return SetBatchState(db, batch_id, BatchState::kOpen, "", now);
}

Status SetBatchState(sqlite3* db, std::int64_t batch_id, BatchState state, std::string_view reason,
                     std::int64_t now) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(
      st.Prepare(db,
                 "UPDATE batches SET state = ?2, stop_reason = ?3, updated_micros = ?4, "
                 "finished_micros = CASE WHEN ?2 = 'done' THEN ?4 ELSE NULL END WHERE id = ?1",
                 "set batch state"));
  st.Bind(1, batch_id);
  st.Bind(2, BatchStateName(state));
  st.Bind(3, reason);
  st.Bind(4, now);
  CHARTSCAN_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db) == 0) {
    return Status::NotFound("no batch with id " + std::to_string(batch_id));
  }
  return Status::Ok();
}

Result<std::vector<BatchInfo>> ReadBatches(sqlite3* db, std::optional<std::int64_t> batch_id) {
  std::vector<BatchInfo> out;
  {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
        db,
        "SELECT id, name, kind, state, inputs, declared_sheets, duplex, stop_reason, "
        "started_micros, finished_micros, updated_micros, "
        "(SELECT count(*) FROM source_paths sp WHERE sp.batch_id = b.id), "
        "(SELECT count(*) FROM failures f WHERE f.batch_id = b.id), "
        "(SELECT count(*) FROM documents d WHERE d.batch_id = b.id AND d.page_count > 0), "
        "(SELECT count(*) FROM captures c WHERE c.batch_id = b.id AND c.state = 'lost') "
        "FROM batches b WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        "list batches"));
    if (batch_id) st.Bind(1, *batch_id);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      BatchInfo b;
      b.batch_id = st.Int64(0);
      b.name = st.Text(1);
      b.kind = ParseBatchKind(st.Text(2)).value_or(BatchKind::kIngest);
      b.state = ParseBatchState(st.Text(3));
      b.inputs = st.Text(4);
      b.declared_sheets = st.Int(5);
      b.duplex = st.Int(6) != 0;
      b.stop_reason = st.Text(7);
      b.started_micros = st.Int64(8);
      b.finished_micros = st.IsNull(9) ? 0 : st.Int64(9);
      b.updated_micros = st.Int64(10);
      b.sources = st.Int(11);
      b.file_failures = st.Int(12);
      b.documents = st.Int(13);
      b.lost_sides = st.Int(14);
      out.push_back(std::move(b));
    }
  }
  if (out.empty()) return out;
  auto find = [&](std::int64_t id) -> BatchInfo* {
    // Batches are sorted by id.
    auto it = std::lower_bound(out.begin(), out.end(), id,
                               [](const BatchInfo& b, std::int64_t v) { return b.batch_id < v; });
    return it != out.end() && it->batch_id == id ? &*it : nullptr;
  };
  {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "SELECT batch_id, stage, count(*), max(updated_micros) "
                                         "FROM journal WHERE ?1 IS NULL OR batch_id = ?1 "
                                         "GROUP BY batch_id, stage",
                                         "count journal"));
    if (batch_id) st.Bind(1, *batch_id);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      BatchInfo* b = find(st.Int64(0));
      std::optional<PageStage> stage = ParsePageStage(st.Text(1));
      if (b == nullptr || !stage) continue;
      b->stages[static_cast<int>(*stage)] += st.Int(2);
      b->pages += st.Int(2);
      b->updated_micros = std::max(b->updated_micros, st.Int64(3));
    }
  }
  {
    // A page counts in the batch that journaled it, even when a later batch stored it again.
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db,
                   "SELECT j.batch_id, sum(p.blank != 0), "
                   "sum(p.misfiled != 0 OR coalesce(d.needs_review, 0) != 0) "
                   "FROM journal j JOIN pages p ON p.source_id = j.source_id AND "
                   "p.source_page = j.source_page LEFT JOIN documents d ON d.id = p.document_id "
                   "WHERE ?1 IS NULL OR j.batch_id = ?1 GROUP BY j.batch_id",
                   "count flagged pages"));
    if (batch_id) st.Bind(1, *batch_id);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      BatchInfo* b = find(st.Int64(0));
      if (b == nullptr) continue;
      b->blank_pages = st.Int(1);
      b->flagged_pages = st.Int(2);
    }
  }
  return out;
}

Status InsertJournal(sqlite3* db, std::int64_t batch_id, std::int64_t source_id,
                     const std::vector<int>& pages, std::int64_t now) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                       "INSERT OR IGNORE INTO journal (batch_id, source_id, "
                                       "source_page, stage, updated_micros) VALUES "
                                       "(?1, ?2, ?3, 'arrived', ?4)",
                                       "journal arrived pages"));
  for (int page : pages) {
    if (page < 1) return Status::InvalidArgument("journal page numbers are 1-based");
    st.Reset();
    st.Bind(1, batch_id);
    st.Bind(2, source_id);
    st.Bind(3, page);
    st.Bind(4, now);
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Status UpdateJournal(sqlite3* db, std::int64_t batch_id, std::int64_t source_id, int source_page,
                     PageStage stage, std::int64_t now, bool upsert) {
  Stmt st;
  if (upsert) {
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db,
                   "INSERT INTO journal (batch_id, source_id, source_page, stage, updated_micros) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (batch_id, source_id, source_page) "
                   "DO UPDATE SET stage = excluded.stage, updated_micros = excluded.updated_micros",
                   "journal page stage"));
  } else {
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "UPDATE journal SET stage = ?4, updated_micros = ?5 "
                                         "WHERE batch_id = ?1 AND source_id = ?2 AND "
                                         "source_page = ?3",
                                         "journal page stage"));
  }
  st.Bind(1, batch_id);
  st.Bind(2, source_id);
  st.Bind(3, source_page);
  st.Bind(4, PageStageName(stage));
  st.Bind(5, now);
  CHARTSCAN_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db) == 0) {
    return Status::NotFound("page " + std::to_string(source_page) + " of source " +
                            std::to_string(source_id) + " is not in the journal of batch " +
                            std::to_string(batch_id));
  }
  return Status::Ok();
}

Result<std::vector<JournalEntry>> ReadJournal(sqlite3* db, std::int64_t batch_id) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                       "SELECT source_id, source_page, stage, updated_micros "
                                       "FROM journal WHERE batch_id = ?1 ORDER BY id",
                                       "read journal"));
  st.Bind(1, batch_id);
  std::vector<JournalEntry> out;
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    out.push_back({st.Int64(0), st.Int(1), ParsePageStage(st.Text(2)).value_or(PageStage::kArrived),
                   st.Int64(3)});
  }
  return out;
}

Result<std::vector<std::int64_t>> ReadBatchSourceIds(sqlite3* db, std::int64_t batch_id) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                       "SELECT source_id FROM journal WHERE batch_id = ?1 "
                                       "GROUP BY source_id ORDER BY min(id)",
                                       "list batch sources"));
  st.Bind(1, batch_id);
  std::vector<std::int64_t> out;
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    out.push_back(st.Int64(0));
  }
  return out;
}

}  // namespace chartscan::indexer
