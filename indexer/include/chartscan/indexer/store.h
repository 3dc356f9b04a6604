// The chartscan store: a folder holding everything digitized, built to lose nothing.
//
//   <dir>/chartscan.db          SQLite (WAL, synchronous=FULL): batches, sources, pages, words,
//                               documents, fields, charts, the patient roster, failures, and an
//                               FTS5 index over page text
//   <dir>/codes.csv             an imported code list (extract::CodeSet::Save), when there is one
//   <dir>/originals/ab/<sha256> the original files, content-addressed by SHA-256, written once
//                               (atomically, then made read-only) and never modified
//   <dir>/images/ab/<sha256>.<ext>  the cleaned page images kept for display
//   <dir>/access.db             SQLite (WAL, synchronous=FULL), apart from chartscan.db so that
//                               neither waits for the other: the viewer's users and the
//                               append-only, hash-chained audit log
//
// Guarantees
// - Originals are stored once whatever path or batch they come from; storing the same bytes again
//   is a no-op that returns the same digest.
// - A page (source, 1-based source page) is stored at most once: PutPage on an existing page
//   replaces its row and index entry in one transaction, so re-ingest never duplicates.
// - A page is searchable as soon as PutPage returns OK; its image file is durable before its row.
// - Pages are read back in ingest order: sources in the order they were registered, then page
//   number.
// - Documents and charts are derived from pages by assembly (Assemble), which replaces the
//   documents of the sources it is given in one transaction: re-assembling the same pages reuses
//   the same document and chart ids and never duplicates them. Documents and charts left without
//   pages are deleted (they are derived data); sources and pages never are.
//
// - Every batch keeps a journal: a row per page that arrived in it, moved through the stages
//   arrived -> cleaned -> recognized -> extracted -> indexed (or failed). "indexed" and "failed"
//   are written in the same transaction as the page itself, so the journal never claims a page
//   the store does not hold. A batch is claimed by one process at a time (ClaimBatch, an advisory
//   lock on <dir>/locks/batch-<id>.lock that the kernel drops when the process dies), which is how
//   an open batch whose process was killed is told from one still running.
//
// Errors: SQLite codes are converted here. SQLITE_BUSY/LOCKED beyond the busy timeout -> kBusy;
// I/O and full-disk -> kIoError; a damaged database -> kCorrupt; a missing row -> kNotFound. A
// malformed search query -> kInvalidArgument with a message naming the problem (never SQLite's
// text).
//
// Thread safety: a Store may be used from many threads at once. Writes are serialized on one
// connection; reads use their own connections and never wait for a writer (WAL).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/barcode.h>
#include <chartscan/models/document.h>
#include <chartscan/models/env.h>
#include <chartscan/models/page.h>
#include <chartscan/models/records.h>
#include <chartscan/models/status.h>

namespace chartscan::indexer {

// The store's read records live in models (records.h) so that the stages that show them need not
// depend on the store; these names keep them reachable as indexer:: too.
using chartscan::AuditCheck;
using chartscan::AuditEvent;
using chartscan::BatchInfo;
using chartscan::BatchKind;
using chartscan::BatchKindName;
using chartscan::BatchState;
using chartscan::BatchStateName;
using chartscan::ChartInfo;
using chartscan::DocumentInfo;
using chartscan::FailureRecord;
using chartscan::kPageStageCount;
using chartscan::kRosterMatchNone;
using chartscan::PageImage;
using chartscan::PageStage;
using chartscan::PageStageName;
using chartscan::ReviewDecision;
using chartscan::ReviewItem;
using chartscan::ReviewKind;
using chartscan::ReviewQueue;
using chartscan::ReviewRecord;
using chartscan::Role;
using chartscan::SearchHit;
using chartscan::SearchOptions;
using chartscan::SearchResults;
using chartscan::StoredPage;
using chartscan::UserRecord;
using chartscan::UserUpdate;

struct StoreOptions {
  std::string dir = "chartscan-data";
  bool read_only = false;  // open an existing store for reading only; never creates anything
  int busy_timeout_ms = 10'000;

  Status Validate() const;
};

enum class SourceState { kPending, kComplete, kFailed };

struct BatchStart {
  BatchKind kind = BatchKind::kIngest;
  std::string name;
  // What to feed the batch again on resume, as the pipeline records it (JSON text: the paths of
  // an ingest, the scanner settings of a scan, the folder of a watch). Opaque to the store.
  std::string inputs;
  int declared_sheets = 0;  // sheets the operator counted (--sheets); 0: none declared
  bool duplex = false;      // each sheet gives two sides
};

// A scanned side between NoteCapture and its registration (see Store::NoteCapture).
struct PendingCapture {
  std::int64_t batch_id = 0;
  std::string path;
  std::string sha256;
  std::string kind;
  std::uint64_t size = 0;
  bool lost = false;  // its original never reached the disk: the sheet must be scanned again
  std::int64_t at_micros = 0;
};

// A page of a batch's journal.
struct JournalEntry {
  std::int64_t source_id = 0;
  int source_page = 1;
  PageStage stage = PageStage::kArrived;
  std::int64_t updated_micros = 0;
};

// Holds a batch's claim until destroyed (or until the process ends, however it ends).
class BatchClaim {
 public:
  virtual ~BatchClaim() = default;
  virtual std::int64_t batch_id() const = 0;
};

// What Check found. ok() when nothing is wrong.
struct CheckReport {
  std::int64_t pages = 0;
  std::int64_t indexed_pages = 0;  // entries in the full-text index
  std::int64_t sources = 0;
  std::int64_t originals_checked = 0;
  std::vector<std::string> problems;  // one line each, naming ids and files, never content
  bool ok() const { return problems.empty(); }
};
std::string_view SourceStateName(SourceState s);  // "pending", "complete", "failed"

struct SourceInfo {
  std::int64_t source_id = 0;
  std::string sha256;  // lowercase hex
  std::string kind;    // "png", "tiff", "pdf"...
  std::uint64_t size = 0;
  int page_count = 0;
  SourceState state = SourceState::kPending;
  std::string error;  // set when kFailed
  std::string path;   // the path given when first ingested
};

// A page as written by the pipeline.
struct PageWrite {
  std::int64_t batch_id = 0;
  std::int64_t source_id = 0;
  int source_page = 1;           // 1-based
  std::int64_t document_id = 0;  // 0 = none (blank or failed page)
  bool blank = false;
  PageText text;
  PageQuality quality;
  std::string doc_type;  // empty = not classified
  std::vector<Field> fields;
  std::vector<Barcode> barcodes;  // boxes in pixels of the captured (not cleaned) image
  std::string error;              // non-empty: this page could not be processed (source kept)
  // The cleaned image for display, already encoded; empty when there is none (failed page).
  std::string image_bytes;
  std::string image_format;  // "png" or "jpeg"
  int image_width = 0;
  int image_height = 0;
  // A small JPEG of the same image for result lists, made while the page is in memory; kept
  // beside the image (derived data, content-addressed by the image). Empty: none.
  std::string thumb_bytes;
};

// A patient of the facility's roster (the master patient index), one per MRN.
struct PatientRecord {
  std::int64_t patient_id = 0;  // set when read back; ignored by ImportPatients
  std::string mrn;              // normalized (extract::NormalizeRosterMrn)
  std::string family_name;      // upper-case
  std::string given_name;       // upper-case
  std::string dob;              // ISO 8601
  std::string sex;              // "M", "F", "X", "U" or empty
};

struct PatientImportResult {
  int added = 0;
  int updated = 0;  // an MRN already on the roster: its name, DOB and sex replaced
};

// A chart's roster match, as re-matched after a roster import.
struct ChartMatch {
  std::int64_t chart_id = 0;
  std::int64_t patient_id = 0;  // 0: none
  std::string roster_match;
  // Non-zero: the chart is another chart of the same patient; its documents move to this chart
  // and it is deleted (its match fields are then ignored).
  std::int64_t merge_into = 0;
  // Fields of its documents to mark for review, as (document id, index into
  // DocumentInfo::fields): they disagree with the roster patient. A field a clerk has verified
  // keeps the clerk's decision.
  std::vector<std::pair<std::int64_t, int>> review_fields{};
};

// A document as assembly writes it.
struct DocumentWrite {
  std::vector<std::int64_t> page_ids;  // in document order; blank back sides included
  std::vector<std::int64_t> misfiled_page_ids;
  std::string boundary;  // why the document starts (extract::BoundaryReasonName)
  DocumentType type;
  bool needs_review = false;
  std::string date_of_service;  // ISO 8601 or empty
  std::vector<Field> fields;    // merged; Field::page_index indexes page_ids
  int chart = -1;               // index into AssemblyWrite::charts; -1: no chart (orphan)
};

struct ChartWrite {
  std::int64_t chart_id = 0;  // an existing chart (from Charts()), or 0 to create one
  std::string mrn;
  std::string patient_name;
  std::string dob;
  std::int64_t patient_id = 0;  // a patient id from Patients(), or 0
  std::string roster_match{};   // see ChartInfo
};

struct AssemblyWrite {
  std::int64_t batch_id = 0;
  // The sources whose pages were assembled: every page of these sources loses its previous
  // document link, then gets the one given here (pages in no document keep none).
  std::vector<std::int64_t> source_ids;
  std::vector<ChartWrite> charts;
  std::vector<DocumentWrite> documents;
};

struct AssemblyResult {
  // Per AssemblyWrite::documents. Clerks' decisions are applied again after the documents are
  // written (see Store::ResolveReview): a page a clerk moved out of its document is moved again,
  // so a document given here as that page alone no longer exists afterwards.
  std::vector<std::int64_t> document_ids;
  std::vector<std::int64_t> chart_ids;  // per AssemblyWrite::charts
};

struct StoreStats {
  std::int64_t sources = 0;
  std::int64_t failed_sources = 0;
  std::int64_t failures = 0;  // file-level failures recorded (unreadable files)
  std::int64_t pages = 0;
  std::int64_t blank_pages = 0;
  std::int64_t failed_pages = 0;
  std::int64_t documents = 0;
  double mean_confidence = 0;  // over non-blank OCR'd pages
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options,
                                             Env* env = Env::Default());
  virtual ~Store() = default;

  static std::string Sha256Hex(std::string_view bytes);

  // Batches: one per ingest run.
  virtual Result<std::int64_t> BeginBatch(std::string_view name) = 0;
  // Marks a batch done (state kDone, finished time set).
  virtual Status FinishBatch(std::int64_t batch_id) = 0;
  // A new batch, already claimed by the caller.
  virtual Result<std::unique_ptr<BatchClaim>> CreateBatch(const BatchStart& start) = 0;
  // Claims an existing batch to continue it: kBusy when another process (or another claim in
  // this one) holds it, kNotFound for an unknown id, kInvalidArgument for a batch already done.
  // Journal entries left part-way (cleaned, recognized, extracted) go back to "arrived": their
  // work was lost with the process and will be redone. The batch becomes kOpen again.
  virtual Result<std::unique_ptr<BatchClaim>> ClaimBatch(std::int64_t batch_id) = 0;
  // Marks a batch stopped on purpose, with the reason (kept until it is resumed and finished).
  virtual Status StopBatch(std::int64_t batch_id, std::string_view reason) = 0;
  // Every batch, by id, with its journal counts; one batch (kNotFound when unknown).
  virtual Result<std::vector<BatchInfo>> Batches() const = 0;
  virtual Result<BatchInfo> GetBatch(std::int64_t batch_id) const = 0;
  // Records pages as arrived in a batch (pages already journaled keep their stage).
  virtual Status JournalArrived(std::int64_t batch_id, std::int64_t source_id,
                                const std::vector<int>& source_pages) = 0;
  // Moves a journaled page to a working stage (cleaned, recognized, extracted); "indexed" and
  // "failed" are written by PutPage. kNotFound when the page was never journaled in the batch.
  virtual Status JournalStage(std::int64_t batch_id, std::int64_t source_id, int source_page,
                              PageStage stage) = 0;
  virtual Result<std::vector<JournalEntry>> Journal(std::int64_t batch_id) const = 0;
  // The sources of a batch in the order their first page arrived.
  virtual Result<std::vector<SourceInfo>> BatchSources(std::int64_t batch_id) const = 0;
  // Verifies the store: SQLite's integrity check, every page indexed exactly once (text pages
  // once in the full-text index, nothing else there), every page image and original present
  // (and, with verify_originals, every original still matching its SHA-256), every journal entry
  // marked indexed backed by its page, and the audit log's hash chain (VerifyAudit). Problems are
  // reported, not errors; an error Status means the check itself could not run.
  virtual Result<CheckReport> Check(bool verify_originals) const = 0;

  // Stores bytes under their SHA-256 unless already present; returns the hex digest.
  virtual Result<std::string> PutOriginal(std::string_view bytes) = 0;
  virtual Result<std::string> ReadOriginal(const std::string& sha256) const = 0;

  // Registers a source by digest, or returns the existing one (its state tells whether it is
  // complete). The path is recorded as seen in this batch either way.
  virtual Result<SourceInfo> RegisterSource(std::int64_t batch_id, const std::string& path,
                                            const std::string& sha256, std::string_view kind,
                                            std::uint64_t size, int page_count) = 0;
  // RegisterSource, and its pages journaled as arrived in the batch, in one transaction: for a
  // page that exists nowhere but in the store (a scanned side), so no crash can leave it
  // registered but unknown to its batch.
  virtual Result<SourceInfo> RegisterArrivedSource(std::int64_t batch_id, const std::string& path,
                                                   const std::string& sha256, std::string_view kind,
                                                   std::uint64_t size, int page_count) = 0;
  // Records durably that a captured page (a scanned side, which exists nowhere else) is about to
  // be written as original `sha256` and registered as `path` in the batch. RegisterArrivedSource
  // of that digest in that batch clears the record in its own transaction; a crash in between
  // leaves it for PendingCaptures. kInvalidArgument for a malformed digest.
  virtual Status NoteCapture(std::int64_t batch_id, const std::string& path,
                             const std::string& sha256, std::string_view kind,
                             std::uint64_t size) = 0;
  // The captures of a batch still recorded (pending, and those marked lost), oldest first.
  virtual Result<std::vector<PendingCapture>> PendingCaptures(std::int64_t batch_id) const = 0;
  // Marks a pending capture lost (its original is not in the store).
  virtual Status MarkCaptureLost(std::int64_t batch_id, const std::string& sha256) = 0;
  // 1-based page numbers already stored for a source (to resume an interrupted source).
  virtual Result<std::set<int>> StoredPages(std::int64_t source_id) const = 0;
  virtual Status CompleteSource(std::int64_t source_id) = 0;
  virtual Status FailSource(std::int64_t source_id, const Status& why) = 0;
  // A file that could not be registered as a source (unreadable, too large to keep...).
  virtual Status RecordFailure(std::int64_t batch_id, const std::string& path,
                               const std::string& sha256, const Status& why) = 0;
  virtual Result<std::vector<FailureRecord>> Failures(
      std::optional<std::int64_t> batch_id) const = 0;

  virtual Result<std::int64_t> CreateDocument(std::int64_t batch_id, std::int64_t source_id) = 0;
  // The first document that holds pages of this source, or a new one when there is none (so an
  // interrupted source resumes into the same document).
  virtual Result<std::int64_t> DocumentForSource(std::int64_t batch_id, std::int64_t source_id) = 0;

  // Writes the image file, then the page row, its words and its index entry in one transaction,
  // with the page's journal entry in its batch (indexed, or failed when it has an error).
  // Returns the page id.
  virtual Result<std::int64_t> PutPage(const PageWrite& page) = 0;
  // PutPage for many pages in one transaction (bulk loads: archive migration, benchmarks): all
  // are stored or none is. Returns the page ids in the order given.
  virtual Result<std::vector<std::int64_t>> PutPages(const std::vector<PageWrite>& pages) = 0;

  // Search over page text and the identity of each page's document and chart, in the query
  // language described in indexer/src/query.h: words, "phrases", prefix*, AND/OR/NOT, parentheses,
  // and filters mrn:, name:, dob:, type:, date:, batch:, code:. Identifiers like E11.9 or 00482913
  // are matched as written; with options.approximate also as OCR may have misread them (after
  // the exact hits, marked). Hits are ranked by relevance (BM25, identity and title words
  // weighing four times body text); filter-only queries list newest documents first. A prefix
  // finds every word starting so, unless more than 64 different words do: then it finds the 64
  // most frequent, and SearchResults::approximations says so. A malformed query ->
  // kInvalidArgument naming the problem.
  virtual Result<SearchResults> Search(std::string_view query,
                                       const SearchOptions& options) const = 0;

  // Calls fn for every page in ingest order; stops at and returns the first non-OK status.
  virtual Status ForEachPage(const std::function<Status(const StoredPage&)>& fn) const = 0;
  // Calls fn for every page of the given sources, in the order the sources are given, then page
  // number. Unknown source ids have no pages.
  virtual Status ForEachPageOfSources(const std::vector<std::int64_t>& source_ids,
                                      const std::function<Status(const StoredPage&)>& fn) const = 0;

  // Writes the documents and charts of an assembly in one transaction (see the guarantees
  // above). kInvalidArgument for a page id that is not a page of the given sources or a chart
  // index out of range; nothing is written then.
  virtual Result<AssemblyResult> Assemble(const AssemblyWrite& assembly) = 0;
  // Every chart, by id.
  virtual Result<std::vector<ChartInfo>> Charts() const = 0;
  // Sets the roster match of existing charts, merges the charts marked merge_into and marks their
  // review_fields (with their documents) for review, in one transaction; kNotFound for an unknown
  // chart or merge target, kInvalidArgument for a chart merged into itself (nothing is written
  // then).
  virtual Status SetChartMatches(const std::vector<ChartMatch>& matches) = 0;

  // The roster: adds patients, or updates the row of an MRN already there, in one transaction.
  // kInvalidArgument for an empty MRN; nothing is written then.
  virtual Result<PatientImportResult> ImportPatients(
      const std::vector<PatientRecord>& patients) = 0;
  // The roster, by MRN.
  virtual Result<std::vector<PatientRecord>> Patients() const = 0;
  // Calls fn for every assembled document (page_count > 0) by id; stops at the first non-OK
  // status.
  virtual Status ForEachDocument(const std::function<Status(const DocumentInfo&)>& fn) const = 0;
  virtual Result<StoredPage> GetPage(std::int64_t page_id) const = 0;
  virtual Result<PageImage> ReadPageImage(std::int64_t page_id) const = 0;
  // The page's thumbnail (JPEG; width and height left 0). kNotFound for an unknown page or one
  // stored without a thumbnail (pages stored before thumbnails were made).
  virtual Result<PageImage> ReadPageThumb(std::int64_t page_id) const = 0;
  virtual Result<StoreStats> Stats(std::optional<std::int64_t> batch_id) const = 0;

  // ---- Reading for the viewer ----
  // kNotFound for an unknown id (a document without pages is unknown).
  virtual Result<DocumentInfo> GetDocument(std::int64_t document_id) const = 0;
  virtual Result<ChartInfo> GetChart(std::int64_t chart_id) const = 0;
  // A chart's documents, by type (in kDocumentTypeNames order; other names after), then newest
  // date of service first (documents without one last), then id. kNotFound for an unknown chart.
  virtual Result<std::vector<DocumentInfo>> ChartDocuments(std::int64_t chart_id) const = 0;
  // The page id of a source's page; 0 when that page is not stored.
  virtual Result<std::int64_t> PageIdAt(std::int64_t source_id, int source_page) const = 0;
  // Indexes into the page's words (StoredPage::text.words), ascending, of the words the query
  // matches: its words, phrases, prefixes and filter values (mrn:, name:, dob:, code:), tokenized
  // and folded as the index folds them, and with `approximate` also the widened forms Search
  // would use. A phrase marks its words only where they stand in order. mrn:, dob: and code: also
  // mark the words inside the evidence box of a page field holding the value (a date of birth
  // printed 03/14/1952 for dob:1952-03-14). Words under NOT, and type:, date:, batch:, mark
  // nothing. kInvalidArgument for a malformed query, kNotFound for an unknown page.
  virtual Result<std::vector<int>> MatchWords(std::string_view query, std::int64_t page_id,
                                              bool approximate) const = 0;

  // ---- Verification ----
  // Unresolved review items, oldest document first (within a document: its type, its fields by
  // seq, its misfiled pages in order): fields marked needs_review, uncertain document types, and
  // pages flagged misfiled. `total` counts every unresolved item. kInvalidArgument for a negative
  // offset or limit.
  virtual Result<ReviewQueue> Review(int offset, int limit) const = 0;
  // One unresolved item of the queue; kNotFound when unknown or already resolved.
  virtual Result<ReviewItem> GetReviewItem(const std::string& item_id) const = 0;
  // Resolves one item in one transaction: an accepted item is marked verified; a corrected field
  // takes the new value and normalized form (on its document and on the page it was read from, so
  // search and export use it from then on, and its pages are re-indexed; a corrected MRN moves the
  // document to the chart of that MRN, created if there is none); a corrected type (one of
  // kDocumentTypeNames) replaces the document's type; a corrected misfile moves the page into a
  // document of its own in the chart of the MRN given (created if there is none). Every decision
  // is kept (who, when, the value before and after) and applied again when the document is
  // re-assembled. The document's needs_review is recomputed. kNotFound for an unknown or already
  // resolved item, kInvalidArgument for an empty user, a correction without a value or an unknown
  // type. Returns the item as now (for a moved page: its new document and chart).
  virtual Result<ReviewItem> ResolveReview(const ReviewDecision& decision) = 0;

  // ---- Users and the audit log (kept in <dir>/access.db, so that neither waits for ingest) ----
  // A store opened read-only reads them (none when there is no access.db) and refuses changes
  // (kInvalidArgument). User names are case-sensitive.
  // kAlreadyExists for a name taken, kInvalidArgument for an empty or malformed name (1-64 of
  // [A-Za-z0-9._@-]) or an empty hash.
  virtual Result<UserRecord> AddUser(std::string_view name, Role role,
                                     std::string_view password_hash) = 0;
  virtual Result<UserRecord> GetUser(std::string_view name) const = 0;  // kNotFound
  virtual Result<std::vector<UserRecord>> Users() const = 0;            // by name
  // kNotFound; kInvalidArgument for an empty password hash.
  virtual Result<UserRecord> UpdateUser(const UserUpdate& update) = 0;
  // Records a login attempt by a known user. Success clears the failure count and any lock and
  // sets the last login time. A failure adds one; at `max_failures` in a row the user is locked
  // for `lock_micros` from now (and the count starts again). Returns the user as now. kNotFound
  // for an unknown name; kInvalidArgument for max_failures < 1 or a negative lock time.
  virtual Result<UserRecord> RecordLogin(std::string_view name, bool success, int max_failures,
                                         std::int64_t lock_micros) = 0;
  // Appends an event (seq, time and hashes are set here) durably before returning it.
  // kInvalidArgument for an event without an action.
  virtual Result<AuditEvent> Audit(const AuditEvent& event) = 0;
  // Events with seq > after_seq, oldest first, at most `limit`.
  virtual Result<std::vector<AuditEvent>> AuditLog(std::int64_t after_seq, int limit) const = 0;
  // Recomputes the whole chain (the hash encoding is in indexer/src/access.h); a broken link, a
  // missing or altered event, or missing newest events are reported in the result, not as an
  // error.
  virtual Result<AuditCheck> VerifyAudit() const = 0;
};

}  // namespace chartscan::indexer
