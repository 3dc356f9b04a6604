// The SQLite-backed Store.
//
// Connections: one writer, opened at Open() and used under write_mu_, so writes are serialized
// and every write is one BEGIN IMMEDIATE transaction; readers come from a small pool of read-only
// (query_only) connections, one per call, so in WAL mode a read sees the last committed state and
// never waits for the writer. Connections are opened NOMUTEX: each is used by one thread at a time.
//
// Files: the database always lives on the real filesystem (SQLite does its own I/O), while
// originals and page images go through the Env, so tests may keep them in a MemEnv. An image is
// written (durably, atomically) before the transaction that refers to it; a crash in between
// leaves at most an unreferenced file, never a row pointing at nothing.
#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <mutex>
#include <type_traits>
#include <utility>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chartscan/indexer/store.h>

#include "access.h"
#include "batches.h"
#include "page_codec.h"
#include "query.h"
#include "review.h"
#include "schema.h"
#include "search.h"
#include "sqlite_util.h"
#include "tokenizer.h"

namespace chartscan::indexer {

Status StoreOptions::Validate() const {
  if (dir.empty()) return Status::InvalidArgument("store directory is empty");
  if (busy_timeout_ms < 0) {
    return Status::InvalidArgument("busy_timeout_ms must not be negative, got " +
                                   std::to_string(busy_timeout_ms));
  }
  return Status::Ok();
}

std::string_view SourceStateName(SourceState s) {
  switch (s) {
    case SourceState::kPending:
      return "pending";
    case SourceState::kComplete:
      return "complete";
    case SourceState::kFailed:
      return "failed";
  }
  return "pending";
}

std::string Store::Sha256Hex(std::string_view bytes) {
  static const int sodium_ready = sodium_init();  // thread-safe once; SHA-256 needs no CPU probe
  (void)sodium_ready;
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

namespace {

constexpr char kDbName[] = "chartscan.db";
constexpr std::size_t kMaxIdleReaders = 8;

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status CheckSha256(std::string_view s) {
  if (IsSha256Hex(s)) return Status::Ok();
  return Status::InvalidArgument("not a lowercase hex SHA-256 digest: '" +
                                 std::string(s.substr(0, 80)) + "'");
}

SourceState ParseState(std::string_view s) {
  if (s == "complete") return SourceState::kComplete;
  if (s == "failed") return SourceState::kFailed;
  return SourceState::kPending;
}

std::string JoinPath(const std::string& a, std::string_view b) {
  if (a.empty() || a.back() == '/') return a + std::string(b);
  return a + "/" + std::string(b);
}

// fsync of a folder on the real filesystem, so entries made in it survive a crash.
Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(dir + ": cannot open folder to sync");
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError(dir + ": fsync failed");
}

const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

// Columns read by ReadPage, in order.
constexpr char kPageSelect[] =
    "SELECT p.id, p.batch_id, p.source_id, s.path, s.sha256, p.source_page, p.document_id, "
    "p.blank, p.text, p.origin, p.mean_confidence, p.words, p.lines, p.quality, p.doc_type, "
    "p.error, p.image_format, p.image_width, p.image_height, p.barcodes, p.document_page, "
    "p.misfiled, d.chart_id, d.doc_type, d.doc_type_confidence, d.type_needs_review "
    "FROM pages p JOIN sources s ON s.id = p.source_id "
    "LEFT JOIN documents d ON d.id = p.document_id ";

constexpr char kFieldSelect[] =
    "SELECT name, value, normalized, confidence, page_index, box_x, box_y, box_width, box_height, "
    "needs_review FROM fields WHERE page_id = ?1 ORDER BY seq";

// A row of kFieldSelect or of the document-field query: the columns name .. needs_review, and
// role as an 11th column when the query has one.
Field ReadFieldRow(const Stmt& row, bool with_role) {
  Field f;
  f.name = row.Text(0);
  f.value = row.Text(1);
  f.normalized = row.Text(2);
  f.confidence = row.Double(3);
  f.page_index = row.Int(4);
  f.box = {row.Int(5), row.Int(6), row.Int(7), row.Int(8)};
  f.needs_review = row.Int(9) != 0;
  if (with_role) f.role = row.Text(10);
  return f;
}

Result<StoredPage> ReadPage(const Stmt& row, Stmt& fields) {
  StoredPage p;
  p.page_id = row.Int64(0);
  p.batch_id = row.Int64(1);
  p.source_id = row.Int64(2);
  p.source_path = row.Text(3);
  p.source_sha256 = row.Text(4);
  p.source_page = row.Int(5);
  p.document_id = row.Int64(6);
  p.blank = row.Int(7) != 0;
  p.text.text = row.Text(8);
  int origin = row.Int(9);
  p.text.origin = origin >= 0 && origin <= 2 ? static_cast<TextOrigin>(origin) : TextOrigin::kNone;
  p.text.mean_confidence = row.Double(10);
  CHARTSCAN_ASSIGN_OR_RETURN(p.text.words, DecodeWords(row.Text(11)));
  CHARTSCAN_ASSIGN_OR_RETURN(p.text.lines, DecodeLines(row.Text(12)));
  CHARTSCAN_ASSIGN_OR_RETURN(p.quality, DecodeQuality(row.Text(13)));
  p.doc_type = row.Text(14);
  p.error = row.Text(15);
  p.image_format = row.Text(16);
  p.image_width = row.Int(17);
  p.image_height = row.Int(18);
  CHARTSCAN_ASSIGN_OR_RETURN(p.barcodes, DecodeBarcodes(row.Text(19)));
  p.document_page = row.Int(20);
  p.misfiled = row.Int(21) != 0;
  p.chart_id = row.IsNull(22) ? 0 : row.Int64(22);
  if (!row.IsNull(23) && !row.Text(23).empty()) {
    p.document_type.name = row.Text(23);
    p.document_type.confidence = row.Double(24);
    p.document_type.needs_review = row.Int(25) != 0;
  } else {
    p.document_type.name.clear();
  }

  fields.Reset();
  fields.Bind(1, p.page_id);
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, fields.Step());
    if (!more) break;
    p.fields.push_back(ReadFieldRow(fields, /*with_role=*/false));
  }
  return p;
}

// Reads documents with their pages and fields: prepare with the WHERE/ORDER BY of the documents
// wanted, bind and step docs(), and Read() each row.
class DocumentReader {
 public:
  Status Prepare(sqlite3* db, const std::string& where) {
    CHARTSCAN_RETURN_IF_ERROR(docs_.Prepare(db,
                                            ("SELECT id, batch_id, chart_id, doc_type, "
                                             "doc_type_confidence, needs_review, date_of_service, "
                                             "boundary, type_needs_review FROM documents " +
                                             where)
                                                .c_str(),
                                            "list documents"));
    CHARTSCAN_RETURN_IF_ERROR(pages_.Prepare(
        db, "SELECT id, misfiled FROM pages WHERE document_id = ?1 ORDER BY document_page",
        "list document pages"));
    return fields_.Prepare(db,
                           "SELECT name, value, normalized, confidence, page_index, box_x, box_y, "
                           "box_width, box_height, needs_review, role FROM document_fields WHERE "
                           "document_id = ?1 ORDER BY seq",
                           "read document fields");
  }
  Stmt& docs() { return docs_; }

  Result<DocumentInfo> Read() {
    DocumentInfo d;
    d.document_id = docs_.Int64(0);
    d.batch_id = docs_.IsNull(1) ? 0 : docs_.Int64(1);
    d.chart_id = docs_.IsNull(2) ? 0 : docs_.Int64(2);
    d.type.name = docs_.Text(3);
    d.type.confidence = docs_.Double(4);
    d.needs_review = docs_.Int(5) != 0;
    d.date_of_service = docs_.Text(6);
    d.boundary = docs_.Text(7);
    d.type.needs_review = docs_.Int(8) != 0;
    pages_.Reset();
    pages_.Bind(1, d.document_id);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, pages_.Step());
      if (!row) break;
      d.page_ids.push_back(pages_.Int64(0));
      if (pages_.Int(1) != 0) d.misfiled_page_ids.push_back(pages_.Int64(0));
    }
    fields_.Reset();
    fields_.Bind(1, d.document_id);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, fields_.Step());
      if (!row) break;
      d.fields.push_back(ReadFieldRow(fields_, /*with_role=*/true));
    }
    return d;
  }

 private:
  Stmt docs_, pages_, fields_;
};

// Position of a type in kDocumentTypeNames; unknown names after every known one.
int TypeOrder(const std::string& name) {
  int i = 0;
  for (const char* t : kDocumentTypeNames) {
    if (name == t) return i;
    ++i;
  }
  return i;
}

constexpr char kChartSelect[] =
    "SELECT c.id, c.mrn, c.patient_name, c.dob, count(d.id), c.patient_id, c.roster_match, "
    "coalesce(sum(d.page_count), 0), coalesce(sum(d.needs_review), 0) FROM charts c LEFT JOIN "
    "documents d ON d.chart_id = c.id AND d.page_count > 0 ";

ChartInfo ReadChartRow(const Stmt& st) {
  ChartInfo c;
  c.chart_id = st.Int64(0);
  c.mrn = st.Text(1);
  c.patient_name = st.Text(2);
  c.dob = st.Text(3);
  c.documents = st.Int(4);
  c.patient_id = st.IsNull(5) ? 0 : st.Int64(5);
  c.roster_match = st.Text(6);
  c.pages = st.Int(7);
  c.needs_review_documents = st.Int(8);
  return c;
}

class SqliteStore;

// A pooled read connection, returned to the pool when the lease ends.
class ReadLease {
 public:
  ReadLease(const SqliteStore* store, DbHandle db) : store_(store), db_(std::move(db)) {}
  ReadLease(ReadLease&&) = default;
  ReadLease& operator=(ReadLease&&) = delete;
  ~ReadLease();
  sqlite3* get() const { return db_.get(); }

 private:
  const SqliteStore* store_;
  DbHandle db_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(StoreOptions options, Env* env)
      : options_(std::move(options)), env_(env), db_path_(JoinPath(options_.dir, kDbName)) {}

  Status Init();

  Result<std::int64_t> BeginBatch(std::string_view name) override {
    BatchStart start;
    start.name = std::string(name);
    return Write([&](sqlite3* db) { return InsertBatch(db, start, env_->NowMicros()); });
  }

  Status FinishBatch(std::int64_t batch_id) override {
    return Write([&](sqlite3* db) {
      return SetBatchState(db, batch_id, BatchState::kDone, "", env_->NowMicros());
    });
  }

  Result<std::unique_ptr<BatchClaim>> CreateBatch(const BatchStart& start) override {
    if (start.declared_sheets < 0) {
      return Status::InvalidArgument("declared sheet count must not be negative");
    }
    CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t id, Write([&](sqlite3* db) {
                                 return InsertBatch(db, start, env_->NowMicros());
                               }));
    return LockBatch(BatchLockPath(options_.dir, id), id);
  }

  Result<std::unique_ptr<BatchClaim>> ClaimBatch(std::int64_t batch_id) override {
    CHARTSCAN_RETURN_IF_ERROR(CheckWritable());
    // Lock first: only the holder may reset the journal of a batch.
    CHARTSCAN_ASSIGN_OR_RETURN(std::unique_ptr<BatchClaim> claim,
                               LockBatch(BatchLockPath(options_.dir, batch_id), batch_id));
    CHARTSCAN_RETURN_IF_ERROR(
        Write([&](sqlite3* db) { return ReopenBatch(db, batch_id, env_->NowMicros()); }));
    return claim;
  }

  Status StopBatch(std::int64_t batch_id, std::string_view reason) override {
    return Write([&](sqlite3* db) {
      return SetBatchState(db, batch_id, BatchState::kStopped, reason, env_->NowMicros());
    });
  }

  Result<std::vector<BatchInfo>> Batches() const override { return ReadBatchInfo(std::nullopt); }

  Result<BatchInfo> GetBatch(std::int64_t batch_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<BatchInfo> found, ReadBatchInfo(batch_id));
    if (found.empty()) return NoSuch("batch", batch_id);
    return found.front();
  }

  Status JournalArrived(std::int64_t batch_id, std::int64_t source_id,
                        const std::vector<int>& source_pages) override {
    return Write([&](sqlite3* db) {
      return InsertJournal(db, batch_id, source_id, source_pages, env_->NowMicros());
    });
  }

  Status JournalStage(std::int64_t batch_id, std::int64_t source_id, int source_page,
                      PageStage stage) override {
    if (stage == PageStage::kIndexed || stage == PageStage::kFailed) {
      return Status::InvalidArgument("a page is journaled indexed or failed by PutPage only");
    }
    // Working stages are for people watching a batch; after a crash they are reset anyway
    // (ClaimBatch). So they are committed without waiting for the disk: a page costs three
    // journal commits, and three fsyncs a page were 4% of an ingest's time. Durability of what
    // follows is unaffected: the next full commit syncs the log up to and including these.
    return Write(
        [&](sqlite3* db) {
          return UpdateJournal(db, batch_id, source_id, source_page, stage, env_->NowMicros(),
                               /*upsert=*/false);
        },
        /*durable=*/false);
  }

  Result<std::vector<JournalEntry>> Journal(std::int64_t batch_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    return ReadJournal(lease.get(), batch_id);
  }

  Result<std::vector<SourceInfo>> BatchSources(std::int64_t batch_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<std::int64_t> ids, ReadBatchSourceIds(db, batch_id));
    std::vector<SourceInfo> out;
    for (std::int64_t id : ids) {
      CHARTSCAN_ASSIGN_OR_RETURN(std::optional<SourceInfo> info, FindSourceById(db, id));
      if (info) out.push_back(std::move(*info));
    }
    return out;
  }

  Result<CheckReport> Check(bool verify_originals) const override;

  Result<std::string> PutOriginal(std::string_view bytes) override {
    CHARTSCAN_RETURN_IF_ERROR(CheckWritable());
    std::string sha = Sha256Hex(bytes);
    std::string path = OriginalPath(sha);
    CHARTSCAN_RETURN_IF_ERROR(PutContentFile(path, bytes, /*read_only=*/true));
    return sha;
  }

  Result<std::string> ReadOriginal(const std::string& sha256) const override {
    CHARTSCAN_RETURN_IF_ERROR(CheckSha256(sha256));
    CHARTSCAN_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFile(OriginalPath(sha256)));
    if (Sha256Hex(bytes) != sha256) {
      return Status::Corrupt("original " + sha256 + " no longer matches its digest");
    }
    return bytes;
  }

  Result<SourceInfo> RegisterSource(std::int64_t batch_id, const std::string& path,
                                    const std::string& sha256, std::string_view kind,
                                    std::uint64_t size, int page_count) override {
    return Register(batch_id, path, sha256, kind, size, page_count, /*journal=*/false);
  }

  Result<SourceInfo> RegisterArrivedSource(std::int64_t batch_id, const std::string& path,
                                           const std::string& sha256, std::string_view kind,
                                           std::uint64_t size, int page_count) override {
    return Register(batch_id, path, sha256, kind, size, page_count, /*journal=*/true);
  }

  Result<SourceInfo> Register(std::int64_t batch_id, const std::string& path,
                              const std::string& sha256, std::string_view kind, std::uint64_t size,
                              int page_count, bool journal) {
    CHARTSCAN_RETURN_IF_ERROR(CheckSha256(sha256));
    if (page_count < 0) return Status::InvalidArgument("negative page count for " + path);
    if (batch_id <= 0) return Status::InvalidArgument("no batch given for " + path);
    return Write([&](sqlite3* db) -> Result<SourceInfo> {
      CHARTSCAN_ASSIGN_OR_RETURN(std::optional<SourceInfo> found, FindSource(db, sha256));
      if (!found) {
        Stmt ins;
        CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(db,
                                              "INSERT INTO sources (sha256, kind, size, "
                                              "page_count, path, batch_id, registered_micros) "
                                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                              "register source"));
        ins.Bind(1, sha256);
        ins.Bind(2, kind);
        ins.Bind(3, static_cast<std::int64_t>(size));
        ins.Bind(4, page_count);
        ins.Bind(5, path);
        ins.Bind(6, batch_id);
        ins.Bind(7, env_->NowMicros());
        CHARTSCAN_RETURN_IF_ERROR(ins.Run());
        CHARTSCAN_ASSIGN_OR_RETURN(found, FindSource(db, sha256));
        if (!found) return Status::Internal("registered source vanished: " + sha256);
      }
      Stmt seen;
      CHARTSCAN_RETURN_IF_ERROR(seen.Prepare(
          db, "INSERT OR IGNORE INTO source_paths (batch_id, source_id, path) VALUES (?1, ?2, ?3)",
          "record source path"));
      seen.Bind(1, batch_id);
      seen.Bind(2, found->source_id);
      seen.Bind(3, path);
      CHARTSCAN_RETURN_IF_ERROR(seen.Run());
      if (journal) {
        Stmt done;
        CHARTSCAN_RETURN_IF_ERROR(done.Prepare(
            db, "DELETE FROM captures WHERE batch_id = ?1 AND sha256 = ?2", "clear capture"));
        done.Bind(1, batch_id);
        done.Bind(2, sha256);
        CHARTSCAN_RETURN_IF_ERROR(done.Run());
      }
      if (journal && found->state != SourceState::kComplete) {
        std::vector<int> pages;
        for (int i = 1; i <= found->page_count; ++i) pages.push_back(i);
        CHARTSCAN_RETURN_IF_ERROR(
            InsertJournal(db, batch_id, found->source_id, pages, env_->NowMicros()));
      }
      return *found;
    });
  }

  Status NoteCapture(std::int64_t batch_id, const std::string& path, const std::string& sha256,
                     std::string_view kind, std::uint64_t size) override {
    CHARTSCAN_RETURN_IF_ERROR(CheckSha256(sha256));
    return Write([&](sqlite3* db) -> Status {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
          db,
          "INSERT OR REPLACE INTO captures (batch_id, sha256, path, kind, size, state, at_micros) "
          "VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
          "note capture"));
      st.Bind(1, batch_id);
      st.Bind(2, sha256);
      st.Bind(3, path);
      st.Bind(4, kind);
      st.Bind(5, static_cast<std::int64_t>(size));
      st.Bind(6, env_->NowMicros());
      return st.Run();
    });
  }

  Result<std::vector<PendingCapture>> PendingCaptures(std::int64_t batch_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(lease.get(),
                                         "SELECT path, sha256, kind, size, state, at_micros FROM "
                                         "captures WHERE batch_id = ?1 ORDER BY at_micros, path",
                                         "list captures"));
    st.Bind(1, batch_id);
    std::vector<PendingCapture> out;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      out.push_back({batch_id, st.Text(0), st.Text(1), st.Text(2),
                     static_cast<std::uint64_t>(st.Int64(3)), st.Text(4) == "lost", st.Int64(5)});
    }
    return out;
  }

  Status MarkCaptureLost(std::int64_t batch_id, const std::string& sha256) override {
    return Write([&](sqlite3* db) -> Status {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(
          st.Prepare(db, "UPDATE captures SET state = 'lost' WHERE batch_id = ?1 AND sha256 = ?2",
                     "mark capture lost"));
      st.Bind(1, batch_id);
      st.Bind(2, sha256);
      CHARTSCAN_RETURN_IF_ERROR(st.Run());
      if (sqlite3_changes(db) == 0) return Status::NotFound("no such capture in batch");
      return Status::Ok();
    });
  }

  Result<std::set<int>> StoredPages(std::int64_t source_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    CHARTSCAN_ASSIGN_OR_RETURN(bool exists, RowExists(db, "sources", source_id));
    if (!exists) return NoSuch("source", source_id);
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db, "SELECT source_page FROM pages WHERE source_id = ?1", "list stored pages"));
    st.Bind(1, source_id);
    std::set<int> pages;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      pages.insert(st.Int(0));
    }
    return pages;
  }

  Status CompleteSource(std::int64_t source_id) override {
    return SetSourceState(source_id, SourceState::kComplete, "");
  }

  Status FailSource(std::int64_t source_id, const Status& why) override {
    return SetSourceState(source_id, SourceState::kFailed, why.ToString());
  }

  Status RecordFailure(std::int64_t batch_id, const std::string& path, const std::string& sha256,
                       const Status& why) override {
    return Write([&](sqlite3* db) -> Status {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                           "INSERT INTO failures (batch_id, path, sha256, code, "
                                           "message, at_micros) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                           "record failure"));
      st.BindId(1, batch_id);
      st.Bind(2, path);
      st.Bind(3, sha256);
      st.Bind(4, StatusCodeName(why.code()));
      st.Bind(5, why.message());
      st.Bind(6, env_->NowMicros());
      return st.Run();
    });
  }

  Result<std::vector<FailureRecord>> Failures(std::optional<std::int64_t> batch_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(lease.get(),
                                         "SELECT batch_id, path, sha256, code, message, at_micros "
                                         "FROM failures WHERE ?1 IS NULL OR batch_id = ?1 "
                                         "ORDER BY id",
                                         "list failures"));
    if (batch_id) st.Bind(1, *batch_id);
    std::vector<FailureRecord> out;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      out.push_back({st.Int64(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Int64(5)});
    }
    return out;
  }

  Result<std::int64_t> CreateDocument(std::int64_t batch_id, std::int64_t source_id) override {
    return Write([&](sqlite3* db) { return InsertDocument(db, batch_id, source_id); });
  }

  Result<std::int64_t> DocumentForSource(std::int64_t batch_id, std::int64_t source_id) override {
    return Write([&](sqlite3* db) -> Result<std::int64_t> {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                           "SELECT min(document_id) FROM pages WHERE "
                                           "source_id = ?1 AND document_id IS NOT NULL",
                                           "find document of source"));
      st.Bind(1, source_id);
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row && !st.IsNull(0)) return st.Int64(0);
      return InsertDocument(db, batch_id, source_id);
    });
  }

  // A page checked, its image written and its columns encoded, ready for its transaction.
  struct PreparedPage {
    const PageWrite* page = nullptr;
    std::string image_sha;
    std::string words;
    std::string lines;
    std::string quality;
    std::string barcodes;
    std::string ident;
  };

  Result<PreparedPage> PreparePage(const PageWrite& page) {
    if (page.source_id <= 0) return Status::InvalidArgument("page has no source");
    if (page.source_page < 1) {
      return Status::InvalidArgument("page number " + std::to_string(page.source_page) +
                                     " of source " + std::to_string(page.source_id) +
                                     " is not 1-based");
    }
    PreparedPage prepared;
    prepared.page = &page;
    if (!page.image_bytes.empty()) {
      if (page.image_format != "png" && page.image_format != "jpeg") {
        return Status::InvalidArgument("page image format must be png or jpeg, got '" +
                                       page.image_format + "'");
      }
      prepared.image_sha = Sha256Hex(page.image_bytes);
      CHARTSCAN_RETURN_IF_ERROR(PutContentFile(ImagePath(prepared.image_sha, page.image_format),
                                               page.image_bytes, /*read_only=*/false));
      if (!page.thumb_bytes.empty()) {
        CHARTSCAN_RETURN_IF_ERROR(PutContentFile(ThumbPath(prepared.image_sha), page.thumb_bytes,
                                                 /*read_only=*/false));
      }
    }
    // Encoding happens outside the write lock so concurrent writers only queue for SQLite work.
    prepared.words = EncodeWords(page.text.words);
    prepared.lines = EncodeLines(page.text.lines);
    prepared.quality = EncodeQuality(page.quality);
    prepared.barcodes = EncodeBarcodes(page.barcodes);
    prepared.ident = PageIdent(page.doc_type, page.fields);
    return prepared;
  }

  Result<std::int64_t> PutPage(const PageWrite& page) override {
    CHARTSCAN_RETURN_IF_ERROR(CheckWritable());
    CHARTSCAN_ASSIGN_OR_RETURN(PreparedPage prepared, PreparePage(page));
    return Write([&](sqlite3* db) { return WritePage(db, prepared); });
  }

  Result<std::vector<std::int64_t>> PutPages(const std::vector<PageWrite>& pages) override {
    CHARTSCAN_RETURN_IF_ERROR(CheckWritable());
    std::vector<PreparedPage> prepared;
    prepared.reserve(pages.size());
    for (const PageWrite& page : pages) {
      CHARTSCAN_ASSIGN_OR_RETURN(PreparedPage p, PreparePage(page));
      prepared.push_back(std::move(p));
    }
    return Write([&](sqlite3* db) -> Result<std::vector<std::int64_t>> {
      std::vector<std::int64_t> ids;
      ids.reserve(prepared.size());
      for (const PreparedPage& p : prepared) {
        CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t id, WritePage(db, p));
        ids.push_back(id);
      }
      return ids;
    });
  }

  // The page row, its fields, its index entry and its journal entry, inside the caller's write
  // transaction. The index has no copy of the text (external content): a page replaced must be
  // taken out of it with the values it was indexed with, read here before they are overwritten.
  Result<std::int64_t> WritePage(sqlite3* db, const PreparedPage& prepared) {
    const PageWrite& page = *prepared.page;
    const std::string& image_sha = prepared.image_sha;
    {
      Stmt old;
      CHARTSCAN_RETURN_IF_ERROR(old.Prepare(
          db, "SELECT id, text, ident FROM pages WHERE source_id = ?1 AND source_page = ?2",
          "read replaced page"));
      old.Bind(1, page.source_id);
      old.Bind(2, page.source_page);
      CHARTSCAN_ASSIGN_OR_RETURN(bool found, old.Step());
      if (found) {
        Stmt unindex;
        CHARTSCAN_RETURN_IF_ERROR(unindex.Prepare(
            db, "INSERT INTO page_fts (page_fts, rowid, text, ident) VALUES ('delete', ?1, ?2, ?3)",
            "replace page index"));
        unindex.Bind(1, old.Int64(0));
        unindex.Bind(2, old.Text(1));
        unindex.Bind(3, old.Text(2));
        CHARTSCAN_RETURN_IF_ERROR(unindex.Run());
      }
    }
    Stmt up;
    CHARTSCAN_RETURN_IF_ERROR(up.Prepare(
        db,
        "INSERT INTO pages (batch_id, source_id, source_page, document_id, blank, text, origin, "
        "mean_confidence, word_count, words, lines, quality, doc_type, error, image_sha256, "
        "image_format, image_width, image_height, updated_micros, barcodes, ident) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) "
        "ON CONFLICT (source_id, source_page) DO UPDATE SET batch_id = excluded.batch_id, "
        "document_id = excluded.document_id, blank = excluded.blank, text = excluded.text, "
        "origin = excluded.origin, mean_confidence = excluded.mean_confidence, "
        "word_count = excluded.word_count, words = excluded.words, lines = excluded.lines, "
        "quality = excluded.quality, doc_type = excluded.doc_type, error = excluded.error, "
        "image_sha256 = excluded.image_sha256, image_format = excluded.image_format, "
        "image_width = excluded.image_width, image_height = excluded.image_height, "
        "updated_micros = excluded.updated_micros, barcodes = excluded.barcodes, "
        "ident = excluded.ident RETURNING id",
        "store page"));
    up.BindId(1, page.batch_id);
    up.Bind(2, page.source_id);
    up.Bind(3, page.source_page);
    up.BindId(4, page.document_id);
    up.Bind(5, page.blank ? 1 : 0);
    up.Bind(6, page.text.text);
    up.Bind(7, static_cast<int>(page.text.origin));
    up.Bind(8, page.text.mean_confidence);
    up.Bind(9, static_cast<std::int64_t>(page.text.words.size()));
    up.Bind(10, prepared.words);
    up.Bind(11, prepared.lines);
    up.Bind(12, prepared.quality);
    up.Bind(13, page.doc_type);
    up.Bind(14, page.error);
    up.Bind(15, image_sha);
    up.Bind(16, image_sha.empty() ? std::string() : page.image_format);
    up.Bind(17, image_sha.empty() ? 0 : page.image_width);
    up.Bind(18, image_sha.empty() ? 0 : page.image_height);
    up.Bind(19, env_->NowMicros());
    up.Bind(20, prepared.barcodes);
    up.Bind(21, prepared.ident);
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, up.Step());
    if (!row) return Status::Internal("page upsert returned no id");
    const std::int64_t id = up.Int64(0);
    CHARTSCAN_RETURN_IF_ERROR(up.Run());  // finish the statement before the next one

    Stmt del;
    CHARTSCAN_RETURN_IF_ERROR(
        del.Prepare(db, "DELETE FROM fields WHERE page_id = ?1", "replace page fields"));
    del.Bind(1, id);
    CHARTSCAN_RETURN_IF_ERROR(del.Run());
    if (!page.fields.empty()) {
      Stmt ins;
      CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(
          db,
          "INSERT INTO fields (page_id, seq, name, value, normalized, confidence, page_index, "
          "box_x, box_y, box_width, box_height, needs_review) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
          "?7, ?8, ?9, ?10, ?11, ?12)",
          "store page fields"));
      int seq = 0;
      for (const Field& f : page.fields) {
        ins.Reset();
        ins.Bind(1, id);
        ins.Bind(2, seq++);
        ins.Bind(3, f.name);
        ins.Bind(4, f.value);
        ins.Bind(5, f.normalized);
        ins.Bind(6, f.confidence);
        ins.Bind(7, f.page_index);
        ins.Bind(8, f.box.x);
        ins.Bind(9, f.box.y);
        ins.Bind(10, f.box.width);
        ins.Bind(11, f.box.height);
        ins.Bind(12, f.needs_review ? 1 : 0);
        CHARTSCAN_RETURN_IF_ERROR(ins.Run());
      }
    }

    {
      Stmt index;
      CHARTSCAN_RETURN_IF_ERROR(index.Prepare(
          db, "INSERT INTO page_fts (rowid, text, ident) VALUES (?1, ?2, ?3)", "index page"));
      index.Bind(1, id);
      index.Bind(2, page.text.text);
      index.Bind(3, prepared.ident);
      CHARTSCAN_RETURN_IF_ERROR(index.Run());
    }
    if (page.batch_id != 0) {
      CHARTSCAN_RETURN_IF_ERROR(UpdateJournal(
          db, page.batch_id, page.source_id, page.source_page,
          page.error.empty() ? PageStage::kIndexed : PageStage::kFailed, env_->NowMicros(),
          /*upsert=*/true));
    }
    return id;
  }

  Result<SearchResults> Search(std::string_view query,
                               const SearchOptions& options) const override {
    if (options.limit < 0 || options.offset < 0) {
      return Status::InvalidArgument("search limit and offset must not be negative");
    }
    if (options.snippet_tokens < 1 || options.snippet_tokens > 64) {
      return Status::InvalidArgument("snippet_tokens must be between 1 and 64");
    }
    if (options.max_ranked < 100) {
      return Status::InvalidArgument("max_ranked must be at least 100");
    }
    if (options.broad_filter_documents < 1) {
      return Status::InvalidArgument("broad_filter_documents must be at least 1");
    }
    CHARTSCAN_ASSIGN_OR_RETURN(QueryNode parsed, ParseQuery(query));
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    // One read transaction, so the counts and the slice describe the same snapshot.
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    std::shared_ptr<const Vocabulary> vocab;
    if (options.approximate) {
      CHARTSCAN_ASSIGN_OR_RETURN(vocab, SearchVocabulary(db));
    } else {
      vocab = std::make_shared<const Vocabulary>();
    }
    return QueryError(ExecuteSearch(db, parsed, *vocab, options));
  }

  Status ForEachPage(const std::function<Status(const StoredPage&)>& fn) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    Stmt rows;
    Stmt fields;
    CHARTSCAN_RETURN_IF_ERROR(
        rows.Prepare(db, (std::string(kPageSelect) + "ORDER BY p.source_id, p.source_page").c_str(),
                     "list pages"));
    CHARTSCAN_RETURN_IF_ERROR(fields.Prepare(db, kFieldSelect, "read page fields"));
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, rows.Step());
      if (!more) return Status::Ok();
      CHARTSCAN_ASSIGN_OR_RETURN(StoredPage page, ReadPage(rows, fields));
      CHARTSCAN_RETURN_IF_ERROR(fn(page));
    }
  }

  Result<StoredPage> GetPage(std::int64_t page_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    Stmt row;
    Stmt fields;
    CHARTSCAN_RETURN_IF_ERROR(
        row.Prepare(db, (std::string(kPageSelect) + "WHERE p.id = ?1").c_str(), "read page"));
    CHARTSCAN_RETURN_IF_ERROR(fields.Prepare(db, kFieldSelect, "read page fields"));
    row.Bind(1, page_id);
    CHARTSCAN_ASSIGN_OR_RETURN(bool found, row.Step());
    if (!found) return NoSuch("page", page_id);
    return ReadPage(row, fields);
  }

  Status ForEachPageOfSources(const std::vector<std::int64_t>& source_ids,
                              const std::function<Status(const StoredPage&)>& fn) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    Stmt rows;
    Stmt fields;
    CHARTSCAN_RETURN_IF_ERROR(rows.Prepare(
        db, (std::string(kPageSelect) + "WHERE p.source_id = ?1 ORDER BY p.source_page").c_str(),
        "list pages of source"));
    CHARTSCAN_RETURN_IF_ERROR(fields.Prepare(db, kFieldSelect, "read page fields"));
    for (std::int64_t source_id : source_ids) {
      rows.Reset();
      rows.Bind(1, source_id);
      for (;;) {
        CHARTSCAN_ASSIGN_OR_RETURN(bool more, rows.Step());
        if (!more) break;
        CHARTSCAN_ASSIGN_OR_RETURN(StoredPage page, ReadPage(rows, fields));
        CHARTSCAN_RETURN_IF_ERROR(fn(page));
      }
    }
    return Status::Ok();
  }

  Result<AssemblyResult> Assemble(const AssemblyWrite& a) override {
    for (const DocumentWrite& d : a.documents) {
      if (d.chart < -1 || d.chart >= static_cast<int>(a.charts.size())) {
        return Status::InvalidArgument("assembly: chart index " + std::to_string(d.chart) +
                                       " out of range");
      }
      if (d.page_ids.empty()) return Status::InvalidArgument("assembly: a document has no pages");
    }
    return Write([&](sqlite3* db) -> Result<AssemblyResult> {
      AssemblyResult out;
      const std::int64_t now = env_->NowMicros();
      // The pages of the sources, with their current documents.
      std::map<std::int64_t, std::int64_t> old_doc;  // page id -> document id (0: none)
      std::map<std::int64_t, std::int64_t> source_of;
      {
        Stmt st;
        CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
            db, "SELECT id, document_id FROM pages WHERE source_id = ?1", "list source pages"));
        for (std::int64_t src : a.source_ids) {
          st.Reset();
          st.Bind(1, src);
          for (;;) {
            CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
            if (!more) break;
            old_doc[st.Int64(0)] = st.IsNull(1) ? 0 : st.Int64(1);
            source_of[st.Int64(0)] = src;
          }
        }
      }
      // Pages a clerk moved out of a misfiled document are moved again after the documents are
      // written (ReapplyDecisions); their document is kept for them, not given to another.
      using Misfiles = std::map<std::int64_t, MisfileDecision>;
      CHARTSCAN_ASSIGN_OR_RETURN(const Misfiles misfiles, MisfileDecisions(db, a.source_ids));
      auto moved = [&](std::int64_t page) {
        auto it = misfiles.find(page);
        return it != misfiles.end() && it->second.corrected;
      };
      for (const DocumentWrite& d : a.documents) {
        for (std::int64_t id : d.page_ids) {
          if (!old_doc.count(id)) {
            return Status::InvalidArgument("assembly: page " + std::to_string(id) +
                                           " is not a page of the assembled sources");
          }
        }
      }
      // Charts.
      {
        Stmt ins;
        CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(db,
                                              "INSERT INTO charts (mrn, patient_name, dob, "
                                              "created_micros, patient_id, roster_match) VALUES "
                                              "(?1, ?2, ?3, ?4, ?5, ?6)",
                                              "create chart"));
        Stmt up;
        CHARTSCAN_RETURN_IF_ERROR(up.Prepare(db,
                                             "UPDATE charts SET patient_name = ?2, dob = ?3, "
                                             "patient_id = ?4, roster_match = ?5 WHERE id = ?1",
                                             "update chart"));
        for (const ChartWrite& c : a.charts) {
          if (c.chart_id == 0) {
            ins.Reset();
            ins.Bind(1, c.mrn);
            ins.Bind(2, c.patient_name);
            ins.Bind(3, c.dob);
            ins.Bind(4, now);
            ins.BindId(5, c.patient_id);
            ins.Bind(6, c.roster_match);
            CHARTSCAN_RETURN_IF_ERROR(ins.Run());
            out.chart_ids.push_back(sqlite3_last_insert_rowid(db));
          } else {
            up.Reset();
            up.Bind(1, c.chart_id);
            up.Bind(2, c.patient_name);
            up.Bind(3, c.dob);
            up.BindId(4, c.patient_id);
            up.Bind(5, c.roster_match);
            CHARTSCAN_RETURN_IF_ERROR(up.Run());
            if (sqlite3_changes(db) == 0) return NoSuch("chart", c.chart_id);
            out.chart_ids.push_back(c.chart_id);
          }
        }
      }
      // Document ids: each document keeps the previous document most of its pages were in,
      // unless an earlier document already took it, so re-assembling the same pages changes no
      // id.
      std::set<std::int64_t> previous;
      for (const auto& [page, doc] : old_doc) {
        if (doc != 0) previous.insert(doc);
      }
      std::set<std::int64_t> taken;
      for (const DocumentWrite& d : a.documents) {
        std::map<std::int64_t, int> votes;
        for (std::int64_t id : d.page_ids) {
          if (old_doc[id] != 0 && !taken.count(old_doc[id]) && !moved(id)) ++votes[old_doc[id]];
        }
        std::int64_t chosen = 0;
        int best = 0;
        for (const auto& [doc, n] : votes) {
          if (n > best) {
            best = n;
            chosen = doc;
          }
        }
        if (chosen == 0) {
          CHARTSCAN_ASSIGN_OR_RETURN(chosen,
                                     InsertDocument(db, a.batch_id, source_of[d.page_ids.front()]));
        }
        taken.insert(chosen);
        out.document_ids.push_back(chosen);
      }
      // Unlink every page of the sources, then link them again.
      {
        Stmt st;
        CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                             "UPDATE pages SET document_id = NULL, "
                                             "document_page = 0, misfiled = 0 WHERE source_id = ?1",
                                             "unlink pages"));
        for (std::int64_t src : a.source_ids) {
          st.Reset();
          st.Bind(1, src);
          CHARTSCAN_RETURN_IF_ERROR(st.Run());
        }
      }
      Stmt doc_up, del_fields, ins_field, link;
      CHARTSCAN_RETURN_IF_ERROR(doc_up.Prepare(
          db,
          "UPDATE documents SET chart_id = ?2, doc_type = ?3, doc_type_confidence = ?4, "
          "needs_review = ?5, date_of_service = ?6, page_count = ?7, boundary = ?8, "
          "assembled_micros = ?9, type_needs_review = ?10 WHERE id = ?1",
          "update document"));
      CHARTSCAN_RETURN_IF_ERROR(del_fields.Prepare(
          db, "DELETE FROM document_fields WHERE document_id = ?1", "replace document fields"));
      CHARTSCAN_RETURN_IF_ERROR(ins_field.Prepare(
          db,
          "INSERT INTO document_fields (document_id, seq, name, value, normalized, confidence, "
          "page_index, page_id, box_x, box_y, box_width, box_height, needs_review, role) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
          "store document fields"));
      CHARTSCAN_RETURN_IF_ERROR(link.Prepare(
          db, "UPDATE pages SET document_id = ?2, document_page = ?3, misfiled = ?4 WHERE id = ?1",
          "link page"));
      for (std::size_t k = 0; k < a.documents.size(); ++k) {
        const DocumentWrite& d = a.documents[k];
        const std::int64_t id = out.document_ids[k];
        doc_up.Reset();
        doc_up.Bind(1, id);
        doc_up.BindId(2, d.chart >= 0 ? out.chart_ids[static_cast<std::size_t>(d.chart)] : 0);
        doc_up.Bind(3, d.type.name);
        doc_up.Bind(4, d.type.confidence);
        doc_up.Bind(5, d.needs_review ? 1 : 0);
        doc_up.Bind(6, d.date_of_service);
        doc_up.Bind(7, static_cast<int>(d.page_ids.size()));
        doc_up.Bind(8, d.boundary);
        doc_up.Bind(9, now);
        doc_up.Bind(10, d.type.needs_review ? 1 : 0);
        CHARTSCAN_RETURN_IF_ERROR(doc_up.Run());
        del_fields.Reset();
        del_fields.Bind(1, id);
        CHARTSCAN_RETURN_IF_ERROR(del_fields.Run());
        int seq = 0;
        for (const Field& f : d.fields) {
          ins_field.Reset();
          ins_field.Bind(1, id);
          ins_field.Bind(2, seq++);
          ins_field.Bind(3, f.name);
          ins_field.Bind(4, f.value);
          ins_field.Bind(5, f.normalized);
          ins_field.Bind(6, f.confidence);
          ins_field.Bind(7, f.page_index);
          const bool on_page =
              f.page_index >= 0 && f.page_index < static_cast<int>(d.page_ids.size());
          ins_field.BindId(8, on_page ? d.page_ids[static_cast<std::size_t>(f.page_index)] : 0);
          ins_field.Bind(9, f.box.x);
          ins_field.Bind(10, f.box.y);
          ins_field.Bind(11, f.box.width);
          ins_field.Bind(12, f.box.height);
          ins_field.Bind(13, f.needs_review ? 1 : 0);
          ins_field.Bind(14, f.role);
          CHARTSCAN_RETURN_IF_ERROR(ins_field.Run());
        }
        const std::set<std::int64_t> misfiled(d.misfiled_page_ids.begin(),
                                              d.misfiled_page_ids.end());
        for (std::size_t i = 0; i < d.page_ids.size(); ++i) {
          link.Reset();
          link.Bind(1, d.page_ids[i]);
          link.Bind(2, id);
          link.Bind(3, static_cast<int>(i) + 1);
          link.Bind(4, misfiled.count(d.page_ids[i]) ? 1 : 0);
          CHARTSCAN_RETURN_IF_ERROR(link.Run());
        }
      }
      // Clerks' decisions outlive the documents they were made on.
      CHARTSCAN_RETURN_IF_ERROR(ReapplyDecisions(db, out.document_ids, misfiles, now));
      // Derived rows left without pages go.
      {
        Stmt del;
        CHARTSCAN_RETURN_IF_ERROR(del.Prepare(db,
                                              "DELETE FROM documents WHERE id = ?1 AND NOT EXISTS "
                                              "(SELECT 1 FROM pages WHERE document_id = ?1)",
                                              "drop empty document"));
        for (std::int64_t doc : previous) {
          if (taken.count(doc)) continue;
          del.Reset();
          del.Bind(1, doc);
          CHARTSCAN_RETURN_IF_ERROR(del.Run());
        }
        CHARTSCAN_RETURN_IF_ERROR(Exec(db,
                                       "DELETE FROM charts WHERE NOT EXISTS (SELECT 1 FROM "
                                       "documents WHERE documents.chart_id = charts.id)",
                                       "drop empty charts"));
      }
      // Codes of the documents changed: the search vocabulary reloads (see Store::Search).
      CHARTSCAN_RETURN_IF_ERROR(
          Exec(db, "UPDATE search_meta SET charts_gen = charts_gen + 1", "mark search vocabulary"));
      return out;
    });
  }

  Result<std::vector<ChartInfo>> Charts() const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(lease.get(), (std::string(kChartSelect) + "GROUP BY c.id ORDER BY c.id").c_str(),
                   "list charts"));
    std::vector<ChartInfo> out;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      out.push_back(ReadChartRow(st));
    }
    return out;
  }

  Status SetChartMatches(const std::vector<ChartMatch>& matches) override {
    return Write([&](sqlite3* db) -> Status {
      Stmt up, move, drop, exists;
      CHARTSCAN_RETURN_IF_ERROR(
          up.Prepare(db, "UPDATE charts SET patient_id = ?2, roster_match = ?3 WHERE id = ?1",
                     "set chart match"));
      CHARTSCAN_RETURN_IF_ERROR(move.Prepare(
          db, "UPDATE documents SET chart_id = ?2 WHERE chart_id = ?1", "merge chart documents"));
      CHARTSCAN_RETURN_IF_ERROR(
          drop.Prepare(db, "DELETE FROM charts WHERE id = ?1", "merge chart"));
      CHARTSCAN_RETURN_IF_ERROR(
          exists.Prepare(db, "SELECT 1 FROM charts WHERE id = ?1", "find merge target"));
      for (const ChartMatch& m : matches) {
        if (m.merge_into == 0) continue;
        if (m.merge_into == m.chart_id) {
          return Status::InvalidArgument("chart " + std::to_string(m.chart_id) +
                                         " cannot be merged into itself");
        }
        exists.Reset();
        exists.Bind(1, m.merge_into);
        CHARTSCAN_ASSIGN_OR_RETURN(bool found, exists.Step());
        if (!found) return NoSuch("chart", m.merge_into);
        move.Reset();
        move.Bind(1, m.chart_id);
        move.Bind(2, m.merge_into);
        CHARTSCAN_RETURN_IF_ERROR(move.Run());
        drop.Reset();
        drop.Bind(1, m.chart_id);
        CHARTSCAN_RETURN_IF_ERROR(drop.Run());
        if (sqlite3_changes(db) == 0) return NoSuch("chart", m.chart_id);
      }
      Stmt flag, flag_document;
      CHARTSCAN_RETURN_IF_ERROR(flag.Prepare(db,
                                             "UPDATE document_fields SET needs_review = 1 WHERE "
                                             "document_id = ?1 AND seq = ?2 AND verified = 0",
                                             "mark field for review"));
      CHARTSCAN_RETURN_IF_ERROR(flag_document.Prepare(
          db, "UPDATE documents SET needs_review = 1 WHERE id = ?1", "mark field for review"));
      for (const ChartMatch& m : matches) {
        for (const auto& [document_id, index] : m.review_fields) {
          flag.Reset();
          flag.Bind(1, document_id);
          flag.Bind(2, index);
          CHARTSCAN_RETURN_IF_ERROR(flag.Run());
          if (sqlite3_changes(db) == 0) continue;  // verified by a clerk, or gone
          flag_document.Reset();
          flag_document.Bind(1, document_id);
          CHARTSCAN_RETURN_IF_ERROR(flag_document.Run());
        }
      }
      for (const ChartMatch& m : matches) {
        if (m.merge_into != 0) continue;
        up.Reset();
        up.Bind(1, m.chart_id);
        up.BindId(2, m.patient_id);
        up.Bind(3, m.roster_match);
        CHARTSCAN_RETURN_IF_ERROR(up.Run());
        if (sqlite3_changes(db) == 0) return NoSuch("chart", m.chart_id);
      }
      return Status::Ok();
    });
  }

  Result<PatientImportResult> ImportPatients(const std::vector<PatientRecord>& patients) override {
    for (const PatientRecord& p : patients) {
      if (p.mrn.empty()) return Status::InvalidArgument("patients: a patient has no MRN");
    }
    return Write([&](sqlite3* db) -> Result<PatientImportResult> {
      PatientImportResult out;
      const std::int64_t now = env_->NowMicros();
      Stmt find, ins, up;
      CHARTSCAN_RETURN_IF_ERROR(
          find.Prepare(db, "SELECT id FROM patients WHERE mrn = ?1", "find patient"));
      CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(db,
                                            "INSERT INTO patients (mrn, family_name, given_name, "
                                            "dob, sex, imported_micros) VALUES (?1, ?2, ?3, ?4, "
                                            "?5, ?6)",
                                            "add patient"));
      CHARTSCAN_RETURN_IF_ERROR(up.Prepare(db,
                                           "UPDATE patients SET family_name = ?2, given_name = "
                                           "?3, dob = ?4, sex = ?5, imported_micros = ?6 WHERE "
                                           "id = ?1",
                                           "update patient"));
      for (const PatientRecord& p : patients) {
        find.Reset();
        find.Bind(1, p.mrn);
        CHARTSCAN_ASSIGN_OR_RETURN(bool found, find.Step());
        Stmt& st = found ? up : ins;
        st.Reset();
        if (found) {
          st.Bind(1, find.Int64(0));
        } else {
          st.Bind(1, p.mrn);
        }
        st.Bind(2, p.family_name);
        st.Bind(3, p.given_name);
        st.Bind(4, p.dob);
        st.Bind(5, p.sex);
        st.Bind(6, now);
        CHARTSCAN_RETURN_IF_ERROR(st.Run());
        ++(found ? out.updated : out.added);
      }
      return out;
    });
  }

  Result<std::vector<PatientRecord>> Patients() const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
        lease.get(), "SELECT id, mrn, family_name, given_name, dob, sex FROM patients ORDER BY mrn",
        "list patients"));
    std::vector<PatientRecord> out;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      out.push_back({st.Int64(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)});
    }
    return out;
  }

  Status ForEachDocument(const std::function<Status(const DocumentInfo&)>& fn) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    DocumentReader reader;
    CHARTSCAN_RETURN_IF_ERROR(reader.Prepare(db, "WHERE page_count > 0 ORDER BY id"));
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, reader.docs().Step());
      if (!more) return Status::Ok();
      CHARTSCAN_ASSIGN_OR_RETURN(DocumentInfo d, reader.Read());
      CHARTSCAN_RETURN_IF_ERROR(fn(d));
    }
  }

  Result<DocumentInfo> GetDocument(std::int64_t document_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    DocumentReader reader;
    CHARTSCAN_RETURN_IF_ERROR(reader.Prepare(db, "WHERE id = ?1 AND page_count > 0"));
    reader.docs().Bind(1, document_id);
    CHARTSCAN_ASSIGN_OR_RETURN(bool found, reader.docs().Step());
    if (!found) return NoSuch("document", document_id);
    CHARTSCAN_ASSIGN_OR_RETURN(DocumentInfo d, reader.Read());
    CHARTSCAN_RETURN_IF_ERROR(ReadReviews(db, d));
    return d;
  }

  // Who accepted or corrected the document's fields and type, matched to the fields as they read
  // now (a field decision holds the value it left the field with).
  static Status ReadReviews(sqlite3* db, DocumentInfo& d) {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "SELECT kind, field, normalized_after, action, user, "
                                         "at_micros FROM review_decisions WHERE document_id = ?1 "
                                         "AND kind <> 'misfile' ORDER BY id",
                                         "read review decisions"));
    st.Bind(1, d.document_id);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::Ok();
      ReviewRecord r;
      r.field = st.Text(0) == "type" ? "doc_type" : st.Text(1);
      r.action = st.Text(3);
      r.user = st.Text(4);
      r.at_micros = st.Int64(5);
      if (st.Text(0) == "field") {
        const std::string after = st.Text(2);
        for (std::size_t i = 0; i < d.fields.size(); ++i) {
          if (d.fields[i].name == r.field && d.fields[i].normalized == after) {
            r.field_index = static_cast<int>(i);
            break;
          }
        }
      }
      d.reviews.push_back(std::move(r));
    }
  }

  Result<ChartInfo> GetChart(std::int64_t chart_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
        lease.get(), (std::string(kChartSelect) + "WHERE c.id = ?1 GROUP BY c.id").c_str(),
        "read chart"));
    st.Bind(1, chart_id);
    CHARTSCAN_ASSIGN_OR_RETURN(bool found, st.Step());
    if (!found) return NoSuch("chart", chart_id);
    return ReadChartRow(st);
  }

  Result<std::vector<DocumentInfo>> ChartDocuments(std::int64_t chart_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    CHARTSCAN_ASSIGN_OR_RETURN(bool exists, RowExists(db, "charts", chart_id));
    if (!exists) return NoSuch("chart", chart_id);
    DocumentReader reader;
    CHARTSCAN_RETURN_IF_ERROR(
        reader.Prepare(db, "WHERE chart_id = ?1 AND page_count > 0 ORDER BY id"));
    reader.docs().Bind(1, chart_id);
    std::vector<DocumentInfo> out;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, reader.docs().Step());
      if (!more) break;
      CHARTSCAN_ASSIGN_OR_RETURN(DocumentInfo d, reader.Read());
      out.push_back(std::move(d));
    }
    // ISO dates sort as text; an empty date sorts below every date, so comes last.
    std::stable_sort(out.begin(), out.end(), [](const DocumentInfo& a, const DocumentInfo& b) {
      const int ta = TypeOrder(a.type.name), tb = TypeOrder(b.type.name);
      if (ta != tb) return ta < tb;
      if (ta == static_cast<int>(std::size(kDocumentTypeNames)) && a.type.name != b.type.name) {
        return a.type.name < b.type.name;
      }
      return a.date_of_service > b.date_of_service;
    });
    return out;
  }

  Result<std::int64_t> PageIdAt(std::int64_t source_id, int source_page) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(lease.get(), "SELECT id FROM pages WHERE source_id = ?1 AND source_page = ?2",
                   "find page"));
    st.Bind(1, source_id);
    st.Bind(2, source_page);
    CHARTSCAN_ASSIGN_OR_RETURN(bool found, st.Step());
    return found ? st.Int64(0) : std::int64_t{0};
  }

  Result<std::vector<int>> MatchWords(std::string_view query, std::int64_t page_id,
                                      bool approximate) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(QueryNode parsed, ParseQuery(query));
    CHARTSCAN_ASSIGN_OR_RETURN(StoredPage page, GetPage(page_id));
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    std::shared_ptr<const Vocabulary> vocab;
    if (approximate) {
      CHARTSCAN_ASSIGN_OR_RETURN(vocab, SearchVocabulary(db));
    } else {
      vocab = std::make_shared<const Vocabulary>();
    }
    CHARTSCAN_ASSIGN_OR_RETURN(TextTokenizer tokenizer, TextTokenizer::Create(db));
    return QueryError(
        MatchPageWords(db, tokenizer, parsed, *vocab, approximate, page.text.words, page.fields));
  }

  Result<ReviewQueue> Review(int offset, int limit) const override {
    if (offset < 0 || limit < 0) {
      return Status::InvalidArgument("review offset and limit must not be negative");
    }
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    return ReadReviewQueue(db, offset, limit);
  }

  Result<ReviewItem> GetReviewItem(const std::string& item_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    return ReadReviewItem(db, item_id);
  }

  Result<ReviewItem> ResolveReview(const ReviewDecision& decision) override {
    if (decision.user.empty()) return Status::InvalidArgument("a review decision needs a user");
    if (!decision.accept && decision.value.empty() && decision.normalized.empty()) {
      return Status::InvalidArgument("a correction needs a value");
    }
    return Write([&](sqlite3* db) { return ResolveReviewItem(db, decision, env_->NowMicros()); });
  }

  Result<UserRecord> AddUser(std::string_view name, Role role,
                             std::string_view password_hash) override {
    return access_->AddUser(name, role, password_hash);
  }
  Result<UserRecord> GetUser(std::string_view name) const override {
    return access_->GetUser(name);
  }
  Result<std::vector<UserRecord>> Users() const override { return access_->Users(); }
  Result<UserRecord> UpdateUser(const UserUpdate& update) override {
    return access_->UpdateUser(update);
  }
  Result<UserRecord> RecordLogin(std::string_view name, bool success, int max_failures,
                                 std::int64_t lock_micros) override {
    return access_->RecordLogin(name, success, max_failures, lock_micros);
  }
  Result<AuditEvent> Audit(const AuditEvent& event) override { return access_->Audit(event); }
  Result<std::vector<AuditEvent>> AuditLog(std::int64_t after_seq, int limit) const override {
    return access_->AuditLog(after_seq, limit);
  }
  Result<AuditCheck> VerifyAudit() const override { return access_->VerifyAudit(); }

  Result<PageImage> ReadPageThumb(std::int64_t page_id) const override {
    std::string sha;
    {
      CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
          lease.get(), "SELECT image_sha256 FROM pages WHERE id = ?1", "read page thumbnail"));
      st.Bind(1, page_id);
      CHARTSCAN_ASSIGN_OR_RETURN(bool found, st.Step());
      if (!found) return NoSuch("page", page_id);
      sha = st.Text(0);
    }
    Result<std::string> bytes =
        sha.empty() ? Result<std::string>(Status::NotFound("")) : env_->ReadFile(ThumbPath(sha));
    if (!bytes.ok()) {
      if (bytes.status().code() != StatusCode::kNotFound) return bytes.status();
      return Status::NotFound("page " + std::to_string(page_id) + " has no thumbnail");
    }
    PageImage thumb;
    thumb.format = "jpeg";
    thumb.bytes = std::move(*bytes);
    return thumb;
  }

  Result<PageImage> ReadPageImage(std::int64_t page_id) const override {
    std::string sha;
    PageImage image;
    {
      CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(lease.get(),
                                           "SELECT image_sha256, image_format, image_width, "
                                           "image_height FROM pages WHERE id = ?1",
                                           "read page image"));
      st.Bind(1, page_id);
      CHARTSCAN_ASSIGN_OR_RETURN(bool found, st.Step());
      if (!found) return NoSuch("page", page_id);
      sha = st.Text(0);
      image.format = st.Text(1);
      image.width = st.Int(2);
      image.height = st.Int(3);
    }
    if (sha.empty()) return Status::NotFound("page " + std::to_string(page_id) + " has no image");
    CHARTSCAN_ASSIGN_OR_RETURN(image.bytes, env_->ReadFile(ImagePath(sha, image.format)));
    return image;
  }

  Result<StoreStats> Stats(std::optional<std::int64_t> batch_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    if (batch_id) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool exists, RowExists(db, "batches", *batch_id));
      if (!exists) return NoSuch("batch", *batch_id);
    }
    // ?1 is NULL for the whole store. A batch's sources are those it saw, including ones that an
    // earlier batch registered; its documents are those it created or put pages into.
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
        db,
        "SELECT "
        "(SELECT count(*) FROM sources WHERE ?1 IS NULL OR id IN "
        "  (SELECT source_id FROM source_paths WHERE batch_id = ?1)), "
        "(SELECT count(*) FROM sources WHERE state = 'failed' AND (?1 IS NULL OR id IN "
        "  (SELECT source_id FROM source_paths WHERE batch_id = ?1))), "
        "(SELECT count(*) FROM failures WHERE ?1 IS NULL OR batch_id = ?1), "
        "(SELECT count(*) FROM pages WHERE ?1 IS NULL OR batch_id = ?1), "
        "(SELECT count(*) FROM pages WHERE blank != 0 AND (?1 IS NULL OR batch_id = ?1)), "
        "(SELECT count(*) FROM pages WHERE error != '' AND (?1 IS NULL OR batch_id = ?1)), "
        "(SELECT count(*) FROM documents WHERE ?1 IS NULL OR batch_id = ?1 OR id IN "
        "  (SELECT document_id FROM pages WHERE batch_id = ?1)), "
        "(SELECT avg(mean_confidence) FROM pages WHERE blank = 0 AND error = '' AND "
        "  word_count > 0 AND (?1 IS NULL OR batch_id = ?1))",
        "compute statistics"));
    if (batch_id) st.Bind(1, *batch_id);
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
    StoreStats stats;
    if (!row) return stats;
    stats.sources = st.Int64(0);
    stats.failed_sources = st.Int64(1);
    stats.failures = st.Int64(2);
    stats.pages = st.Int64(3);
    stats.blank_pages = st.Int64(4);
    stats.failed_pages = st.Int64(5);
    stats.documents = st.Int64(6);
    stats.mean_confidence = st.IsNull(7) ? 0.0 : st.Double(7);
    return stats;
  }

  // Returns a read connection to the pool (or closes it when the pool is full).
  void Release(DbHandle db) const {
    if (db == nullptr) return;
    if (sqlite3_get_autocommit(db.get()) == 0) {
      if (sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK) return;
    }
    std::lock_guard lock(pool_mu_);
    if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(db));
  }

 private:
  static Status NoSuch(std::string_view what, std::int64_t id) {
    return Status::NotFound("no " + std::string(what) + " with id " + std::to_string(id));
  }

  // The vocabulary for widening queries. Loading it reads every chart and the names and MRNs
  // pages read; it is kept until charts, the roster or documents' codes change (each assembly).
  // While one search reloads it, the others go on with the previous one rather than wait: a
  // widening a batch behind is better than a stalled search.
  Result<std::shared_ptr<const Vocabulary>> SearchVocabulary(sqlite3* db) const {
    CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t gen, VocabularyGeneration(db));
    {
      std::lock_guard lock(vocab_mu_);
      if (vocab_ != nullptr && (gen == vocab_gen_ || vocab_loading_)) return vocab_;
      vocab_loading_ = true;
    }
    Result<std::shared_ptr<const Vocabulary>> loaded = LoadVocabulary(db);
    std::lock_guard lock(vocab_mu_);
    vocab_loading_ = false;
    if (!loaded.ok()) return loaded.status();
    vocab_ = *loaded;
    vocab_gen_ = gen;
    return vocab_;
  }

  // A failure to parse or run a MATCH expression is the query's fault: report it in our words.
  // Busy, I/O and corruption keep their own codes.
  template <typename T>
  static T QueryError(T r) {
    const Status& s = StatusOf(r);
    if (s.code() == StatusCode::kInternal) {
      return Status::InvalidArgument("search query could not be understood");
    }
    return r;
  }

  Result<std::vector<BatchInfo>> ReadBatchInfo(std::optional<std::int64_t> batch_id) const {
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    sqlite3* db = lease.get();
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<BatchInfo> batches, ReadBatches(db, batch_id));
    for (BatchInfo& b : batches) {
      b.live = b.state != BatchState::kDone && BatchLocked(BatchLockPath(options_.dir, b.batch_id));
    }
    return batches;
  }

  std::string OriginalPath(const std::string& sha) const {
    return JoinPath(options_.dir, "originals/" + sha.substr(0, 2) + "/" + sha);
  }
  std::string ImagePath(const std::string& sha, const std::string& format) const {
    return JoinPath(options_.dir, "images/" + sha.substr(0, 2) + "/" + sha + "." + format);
  }
  // The thumbnail of the image with that digest, beside it.
  std::string ThumbPath(const std::string& image_sha) const {
    return JoinPath(options_.dir,
                    "images/" + image_sha.substr(0, 2) + "/" + image_sha + ".thumb.jpg");
  }

  // Writes content-addressed bytes unless a file of the same size is already there (same digest
  // means same bytes); a differing size means a damaged file, which is replaced.
  Status PutContentFile(const std::string& path, std::string_view bytes, bool read_only) {
    Result<FileInfo> info = env_->Stat(path);
    if (info.ok() && !info->is_directory && info->size == bytes.size()) return Status::Ok();
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    const bool new_dir = !env_->Exists(dir.string());
    CHARTSCAN_RETURN_IF_ERROR(env_->CreateDirs(dir.string()));
    // WriteFileAtomic syncs the file's own folder; a folder just made (images/ab) must also be
    // durable in its parents, or a crash could lose the file with it.
    if (new_dir && env_ == Env::Default()) {
      CHARTSCAN_RETURN_IF_ERROR(SyncDirectory(dir.parent_path().string()));
      CHARTSCAN_RETURN_IF_ERROR(SyncDirectory(dir.parent_path().parent_path().string()));
    }
    CHARTSCAN_RETURN_IF_ERROR(env_->WriteFileAtomic(path, bytes));
    // Env has no permission call; on the real filesystem make the original read-only directly.
    if (read_only && env_ == Env::Default() && ::chmod(path.c_str(), 0444) != 0) {
      return Status::IoError(path + ": could not make read-only");
    }
    return Status::Ok();
  }

  Status CheckWritable() const {
    if (writer_ == nullptr) {
      return Status::InvalidArgument("store at " + options_.dir + " was opened read-only");
    }
    return Status::Ok();
  }

  // Runs fn(db) in one write transaction on the writer connection; commits if it succeeds.
  // With durable=false the commit does not wait for the disk (synchronous=NORMAL for this one
  // transaction): a crash may lose it, never corrupt anything, and the next durable commit makes
  // it durable too (the write-ahead log is synced in order).
  template <typename Fn>
  std::invoke_result_t<Fn&, sqlite3*> Write(Fn&& fn, bool durable = true) {
    CHARTSCAN_RETURN_IF_ERROR(CheckWritable());
    std::lock_guard lock(write_mu_);
    sqlite3* db = writer_.get();
    if (!durable) {
      CHARTSCAN_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous = NORMAL", "relax sync"));
    }
    Status s = Exec(db, "BEGIN IMMEDIATE", "begin write");
    auto result = s.ok() ? fn(db) : decltype(fn(db))(s);
    s = StatusOf(result);
    if (s.ok()) s = Exec(db, "COMMIT", "commit write");
    if (!s.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    if (!durable) {
      // Back to full durability before anything else is written on this connection.
      Status restored = Exec(db, "PRAGMA synchronous = FULL", "restore sync");
      if (s.ok()) s = restored;
    }
    if (!s.ok()) return s;
    return result;
  }

  Status SetSourceState(std::int64_t source_id, SourceState state, const std::string& error) {
    return Write([&](sqlite3* db) -> Status {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
          db, "UPDATE sources SET state = ?2, error = ?3 WHERE id = ?1", "update source state"));
      st.Bind(1, source_id);
      st.Bind(2, SourceStateName(state));
      st.Bind(3, error);
      CHARTSCAN_RETURN_IF_ERROR(st.Run());
      if (sqlite3_changes(db) == 0) return NoSuch("source", source_id);
      return Status::Ok();
    });
  }

  static Result<std::optional<SourceInfo>> FindSource(sqlite3* db, const std::string& sha256) {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "SELECT id, sha256, kind, size, page_count, state, error, "
                                         "path FROM sources WHERE sha256 = ?1",
                                         "find source"));
    st.Bind(1, sha256);
    return ReadSourceRow(st);
  }

  static Result<std::optional<SourceInfo>> FindSourceById(sqlite3* db, std::int64_t id) {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "SELECT id, sha256, kind, size, page_count, state, error, "
                                         "path FROM sources WHERE id = ?1",
                                         "find source"));
    st.Bind(1, id);
    return ReadSourceRow(st);
  }

  static Result<std::optional<SourceInfo>> ReadSourceRow(Stmt& st) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<SourceInfo>();
    SourceInfo info;
    info.source_id = st.Int64(0);
    info.sha256 = st.Text(1);
    info.kind = st.Text(2);
    info.size = static_cast<std::uint64_t>(st.Int64(3));
    info.page_count = st.Int(4);
    info.state = ParseState(st.Text(5));
    info.error = st.Text(6);
    info.path = st.Text(7);
    return std::optional<SourceInfo>(std::move(info));
  }

  Result<std::int64_t> InsertDocument(sqlite3* db, std::int64_t batch_id, std::int64_t source_id) {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
        db, "INSERT INTO documents (batch_id, source_id) VALUES (?1, ?2)", "create document"));
    st.BindId(1, batch_id);
    st.BindId(2, source_id);
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
    return sqlite3_last_insert_rowid(db);
  }

  static Result<bool> RowExists(sqlite3* db, const char* table, std::int64_t id) {
    Stmt st;
    std::string sql = std::string("SELECT 1 FROM ") + table + " WHERE id = ?1";
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db, sql.c_str(), "look up row"));
    st.Bind(1, id);
    return st.Step();
  }

  Result<DbHandle> OpenConnection(bool writer) const {
    sqlite3* raw = nullptr;
    int flags = SQLITE_OPEN_NOMUTEX |
                (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
    int rc = sqlite3_open_v2(db_path_.c_str(), &raw, flags, nullptr);
    DbHandle db(raw);
    if (rc != SQLITE_OK) return SqliteStatus(rc, db.get(), "open " + db_path_);
    sqlite3_extended_result_codes(db.get(), 1);
    sqlite3_busy_timeout(db.get(), options_.busy_timeout_ms);
    CHARTSCAN_RETURN_IF_ERROR(RegisterTokenizer(db.get()));
    CHARTSCAN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA foreign_keys = ON", "open " + db_path_));
    // An archive's index is gigabytes: reads map it rather than copy it through read(2), and
    // each connection keeps a larger cache of the b-tree pages it walks (FTS5 merges on the
    // writer touch many). Both are ceilings, not allocations.
    CHARTSCAN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA mmap_size = 2147418112", "open " + db_path_));
    CHARTSCAN_RETURN_IF_ERROR(
        Exec(db.get(), writer ? "PRAGMA cache_size = -65536" : "PRAGMA cache_size = -16384",
             "open " + db_path_));
    if (writer) {
      Stmt wal;
      CHARTSCAN_RETURN_IF_ERROR(
          wal.Prepare(db.get(), "PRAGMA journal_mode = WAL", "open " + db_path_));
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, wal.Step());
      if (!row || wal.Text(0) != "wal") {
        return Status::IoError(db_path_ + ": could not switch to write-ahead logging");
      }
      CHARTSCAN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA synchronous = FULL", "open " + db_path_));
      // Keep -wal and -shm after the last writer closes: a read-only open can then attach to them
      // instead of having to create them, so it never adds files to the store. With a size limit
      // set, SQLite empties the kept WAL on close (and bounds it while open), so the database file
      // alone holds the data between runs.
      CHARTSCAN_RETURN_IF_ERROR(
          Exec(db.get(), "PRAGMA journal_size_limit = 67108864", "open " + db_path_));
      int persist = 1;
      sqlite3_file_control(db.get(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    } else {
      // Searches run on readers; what they need in temp is made before query_only forbids it.
      CHARTSCAN_RETURN_IF_ERROR(PrepareSearchConnection(db.get()));
      CHARTSCAN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA query_only = ON", "open " + db_path_));
    }
    return db;
  }

  Result<ReadLease> AcquireReader() const {
    {
      std::lock_guard lock(pool_mu_);
      if (!idle_readers_.empty()) {
        DbHandle db = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return ReadLease(this, std::move(db));
      }
    }
    CHARTSCAN_ASSIGN_OR_RETURN(DbHandle db, OpenConnection(/*writer=*/false));
    return ReadLease(this, std::move(db));
  }

  const StoreOptions options_;
  Env* const env_;
  const std::string db_path_;

  mutable std::mutex write_mu_;  // Check runs FTS5's integrity check on the writer
  // The search vocabulary, reloaded when the store's vocabulary generation moves.
  mutable std::mutex vocab_mu_;
  mutable std::shared_ptr<const Vocabulary> vocab_;
  mutable std::int64_t vocab_gen_ = -1;
  mutable bool vocab_loading_ = false;
  DbHandle writer_;                      // null when read-only
  std::unique_ptr<AccessStore> access_;  // users and the audit log, in a database of their own

  mutable std::mutex pool_mu_;
  mutable std::vector<DbHandle> idle_readers_;
};

ReadLease::~ReadLease() {
  if (db_ != nullptr) store_->Release(std::move(db_));
}

Result<CheckReport> SqliteStore::Check(bool verify_originals) const {
  CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
  sqlite3* db = lease.get();
  CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
  CheckReport report;
  auto problem = [&](std::string line) { report.problems.push_back(std::move(line)); };
  // Runs a query and reports each row it returns with describe(row).
  auto each = [&](const char* sql, const char* what, auto&& describe) -> Status {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db, sql, what));
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) return Status::Ok();
      CHARTSCAN_RETURN_IF_ERROR(describe(st));
    }
  };
  CHARTSCAN_RETURN_IF_ERROR(
      each("PRAGMA integrity_check", "check database integrity", [&](const Stmt& st) {
        if (st.Text(0) != "ok") problem("database: " + st.Text(0));
        return Status::Ok();
      }));
  CHARTSCAN_RETURN_IF_ERROR(
      each("SELECT (SELECT count(*) FROM pages), (SELECT count(*) FROM page_fts_docsize), "
           "(SELECT count(*) FROM sources)",
           "count pages", [&](const Stmt& st) {
             report.pages = st.Int64(0);
             report.indexed_pages = st.Int64(1);
             report.sources = st.Int64(2);
             return Status::Ok();
           }));
  // The index holds one entry (a docsize row) per page and nothing else; FTS5's own integrity
  // check then compares every entry's terms with its page's current text, so a page indexed
  // twice, stale or missing is found.
  CHARTSCAN_RETURN_IF_ERROR(
      each("SELECT p.id FROM pages p WHERE NOT EXISTS "
           "(SELECT 1 FROM page_fts_docsize d WHERE d.id = p.id)",
           "check index coverage", [&](const Stmt& st) {
             problem("page " + std::to_string(st.Int64(0)) + ": not in the search index");
             return Status::Ok();
           }));
  CHARTSCAN_RETURN_IF_ERROR(each(
      "SELECT d.id FROM page_fts_docsize d LEFT JOIN pages p ON p.id = d.id WHERE p.id IS NULL",
      "check index entries", [&](const Stmt& st) {
        problem("search index entry " + std::to_string(st.Int64(0)) + ": no page with that text");
        return Status::Ok();
      }));
  // FTS5's integrity check is an INSERT of a command, so it runs on the writer connection (it
  // writes nothing). A store opened read-only cannot run it; the checks above still ran.
  if (writer_ != nullptr) {
    std::lock_guard lock(write_mu_);
    Status fts =
        Exec(writer_.get(), "INSERT INTO page_fts (page_fts, rank) VALUES ('integrity-check', 1)",
             "check search index");
    if (fts.code() == StatusCode::kCorrupt || fts.code() == StatusCode::kInternal) {
      problem("search index: does not match the page text");
    } else if (!fts.ok()) {
      return fts;
    }
  }
  CHARTSCAN_RETURN_IF_ERROR(
      each("SELECT s.id, s.page_count, (SELECT count(*) FROM pages p WHERE p.source_id = s.id) "
           "FROM sources s WHERE s.state = 'complete'",
           "check sources", [&](const Stmt& st) {
             if (st.Int(2) != st.Int(1)) {
               problem("source " + std::to_string(st.Int64(0)) + ": complete with " +
                       std::to_string(st.Int(2)) + " of its " + std::to_string(st.Int(1)) +
                       " pages stored");
             }
             return Status::Ok();
           }));
  CHARTSCAN_RETURN_IF_ERROR(
      each("SELECT j.batch_id, j.source_id, j.source_page FROM journal j WHERE j.stage IN "
           "('indexed', 'failed') AND NOT EXISTS (SELECT 1 FROM pages p WHERE "
           "p.source_id = j.source_id AND p.source_page = j.source_page)",
           "check journal", [&](const Stmt& st) {
             problem("batch " + std::to_string(st.Int64(0)) + ": journal says page " +
                     std::to_string(st.Int(2)) + " of source " + std::to_string(st.Int64(1)) +
                     " is stored, but it is not");
             return Status::Ok();
           }));
  CHARTSCAN_RETURN_IF_ERROR(each(
      "SELECT p.id, p.batch_id FROM pages p WHERE p.batch_id IS NOT NULL AND NOT EXISTS "
      "(SELECT 1 FROM journal j WHERE j.batch_id = p.batch_id AND j.source_id = p.source_id AND "
      "j.source_page = p.source_page AND j.stage IN ('indexed', 'failed'))",
      "check journaled pages", [&](const Stmt& st) {
        problem("page " + std::to_string(st.Int64(0)) + ": stored but not journaled in batch " +
                std::to_string(st.Int64(1)));
        return Status::Ok();
      }));
  CHARTSCAN_RETURN_IF_ERROR(
      each("SELECT id, image_sha256, image_format FROM pages WHERE image_sha256 <> ''",
           "check page images", [&](const Stmt& st) {
             const std::string path = ImagePath(st.Text(1), st.Text(2));
             Result<FileInfo> info = env_->Stat(path);
             if (!info.ok() || info->size == 0) {
               problem("page " + std::to_string(st.Int64(0)) + ": image file missing: " + path);
             }
             return Status::Ok();
           }));
  CHARTSCAN_RETURN_IF_ERROR(
      each("SELECT id, sha256, size FROM sources", "check originals", [&](const Stmt& st) {
        const std::string sha = st.Text(1);
        const std::string where = "source " + std::to_string(st.Int64(0)) + ": original " + sha;
        Result<FileInfo> info = env_->Stat(OriginalPath(sha));
        if (!info.ok()) {
          problem(where + " is missing");
        } else if (info->size != static_cast<std::uint64_t>(st.Int64(2))) {
          problem(where + " has the wrong size");
        } else if (verify_originals) {
          Result<std::string> bytes = ReadOriginal(sha);
          if (!bytes.ok()) problem(where + ": " + bytes.status().message());
          ++report.originals_checked;
        }
        return Status::Ok();
      }));
  // The audit log lives in access.db; a broken chain is a problem of the store like any other.
  CHARTSCAN_ASSIGN_OR_RETURN(AuditCheck audit, VerifyAudit());
  if (!audit.ok) problem("audit log: " + audit.problem);
  return report;
}

Status SqliteStore::Init() {
  Env* real = Env::Default();
  if (options_.read_only) {
    // Never create anything: not the folder, not an empty database.
    if (!real->Exists(db_path_)) {
      return Status::NotFound("no chartscan store in " + options_.dir);
    }
    CHARTSCAN_ASSIGN_OR_RETURN(ReadLease lease, AcquireReader());
    CHARTSCAN_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(lease.get()));
    if (version == 0) return Status::NotFound(options_.dir + " holds no chartscan store");
    if (version != CurrentSchemaVersion()) {
      return Status::Unsupported(
          options_.dir + " has schema version " + std::to_string(version) +
          "; this chartscan reads version " + std::to_string(CurrentSchemaVersion()) +
          (version < CurrentSchemaVersion() ? " (open it for writing once)" : ""));
    }
    CHARTSCAN_ASSIGN_OR_RETURN(access_, AccessStore::Open(options_.dir, /*read_only=*/true,
                                                          options_.busy_timeout_ms, env_));
    return Status::Ok();
  }
  CHARTSCAN_RETURN_IF_ERROR(real->CreateDirs(options_.dir));
  if (env_ != real) CHARTSCAN_RETURN_IF_ERROR(env_->CreateDirs(options_.dir));
  CHARTSCAN_ASSIGN_OR_RETURN(writer_, OpenConnection(/*writer=*/true));
  Status migrated = Migrate(writer_.get());
  if (!migrated.ok()) {
    writer_.reset();
    return migrated.WithContext(db_path_);
  }
  CHARTSCAN_ASSIGN_OR_RETURN(access_, AccessStore::Open(options_.dir, /*read_only=*/false,
                                                        options_.busy_timeout_ms, env_));
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options, Env* env) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  if (env == nullptr) return Status::InvalidArgument("no Env given to Store::Open");
  auto store = std::make_unique<SqliteStore>(options, env);
  CHARTSCAN_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace chartscan::indexer
