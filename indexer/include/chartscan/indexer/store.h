// The chartscan store: a folder holding everything digitized, built to lose nothing.
//
//   <dir>/chartscan.db          SQLite (WAL, synchronous=FULL): batches, sources, pages, words,
//                               documents, fields, charts, the patient roster, failures, and an
//                               FTS5 index over page text
//   <dir>/codes.csv             an imported code list (extract::CodeSet::Save), when there is one
//   <dir>/originals/ab/<sha256> the original files, content-addressed by SHA-256, written once
//                               (atomically, then made read-only) and never modified
//   <dir>/images/ab/<sha256>.<ext>  the cleaned page images kept for display
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
#include <chartscan/models/status.h>

namespace chartscan::indexer {

struct StoreOptions {
  std::string dir = "chartscan-data";
  bool read_only = false;  // open an existing store for reading only; never creates anything
  int busy_timeout_ms = 10'000;

  Status Validate() const;
};

enum class SourceState { kPending, kComplete, kFailed };

// What fed a batch.
enum class BatchKind { kIngest, kScan, kWatch };
std::string_view BatchKindName(BatchKind k);  // "ingest", "scan", "watch"
// kOpen: being worked on, or interrupted (see BatchInfo::live); kStopped: stopped on purpose
// (Ctrl-C, a scanner fault) and resumable; kDone: finished.
enum class BatchState { kOpen, kStopped, kDone };
std::string_view BatchStateName(BatchState s);  // "open", "stopped", "done"

// Where a page is in its batch (see the journal guarantee above).
enum class PageStage { kArrived, kCleaned, kRecognized, kExtracted, kIndexed, kFailed };
std::string_view PageStageName(PageStage s);  // "arrived", ..., "indexed", "failed"
inline constexpr int kPageStageCount = 6;

struct BatchStart {
  BatchKind kind = BatchKind::kIngest;
  std::string name;
  // What to feed the batch again on resume, as the pipeline records it (JSON text: the paths of
  // an ingest, the scanner settings of a scan, the folder of a watch). Opaque to the store.
  std::string inputs;
  int declared_sheets = 0;  // sheets the operator counted (--sheets); 0: none declared
  bool duplex = false;      // each sheet gives two sides
};

struct BatchInfo {
  std::int64_t batch_id = 0;
  std::string name;
  BatchKind kind = BatchKind::kIngest;
  BatchState state = BatchState::kOpen;
  bool live = false;  // a process holds the batch's claim now (kOpen and !live: interrupted)
  std::string inputs;
  int declared_sheets = 0;
  bool duplex = false;
  std::string stop_reason;  // why it stopped (kStopped): "cancelled", a scanner fault...
  std::int64_t started_micros = 0;
  std::int64_t finished_micros = 0;  // 0 until done
  std::int64_t updated_micros = 0;   // last journal or state change
  // From the journal.
  int pages = 0;                              // pages that arrived (sides, blank ones included)
  std::array<int, kPageStageCount> stages{};  // pages per PageStage, by index
  int blank_pages = 0;
  int flagged_pages = 0;  // misfiled, or in a document that needs review
  int sources = 0;
  int file_failures = 0;  // files that could not be read at all
  int documents = 0;
  int lost_sides = 0;  // scanned sides lost in a crash before they were stored (rescan them)

  int done_pages() const { return stages[static_cast<int>(PageStage::kIndexed)]; }
  int failed_pages() const { return stages[static_cast<int>(PageStage::kFailed)]; }
  // Sheets the captured sides make (a duplex sheet gives two sides, its blank back included).
  int sheets_captured() const { return duplex ? (pages + 1) / 2 : pages; }
  // The operator declared a count and the sides captured do not make exactly that many sheets.
  bool sheet_mismatch() const {
    return declared_sheets > 0 && pages != declared_sheets * (duplex ? 2 : 1);
  }
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
};

// A page as read back.
struct StoredPage {
  std::int64_t page_id = 0;
  std::int64_t batch_id = 0;
  std::int64_t source_id = 0;
  std::string source_path;  // the path as given at ingest
  std::string source_sha256;
  int source_page = 1;
  std::int64_t document_id = 0;
  bool blank = false;
  PageText text;  // words and lines included
  PageQuality quality;
  std::string doc_type;  // the page's own classification
  std::vector<Field> fields;
  std::vector<Barcode> barcodes;
  std::string error;
  std::string image_format;
  int image_width = 0;
  int image_height = 0;
  // Set by assembly (0 / empty / false before it ran):
  int document_page = 0;  // 1-based position in its document
  bool misfiled = false;  // its identity or footer disagrees with its document
  std::int64_t chart_id = 0;
  DocumentType document_type;  // its document's type (name empty before assembly)
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

// How a chart was matched to the roster: "mrn", "name_dob", "none" (a roster exists and nobody
// matched: the chart is an orphan) or "" (no roster when it was assembled: not matched).
inline constexpr std::string_view kRosterMatchNone = "none";

// A patient chart: the documents of one patient, keyed by MRN, else name and date of birth.
struct ChartInfo {
  std::int64_t chart_id = 0;
  std::string mrn;  // normalized; empty for a chart keyed by name and date of birth
  std::string patient_name;
  std::string dob;
  int documents = 0;
  std::int64_t patient_id = 0;  // the roster patient matched; 0: none
  std::string roster_match{};   // see kRosterMatchNone
  int pages = 0;                // over its documents
  int needs_review_documents = 0;
};

// A chart's roster match, as re-matched after a roster import.
struct ChartMatch {
  std::int64_t chart_id = 0;
  std::int64_t patient_id = 0;  // 0: none
  std::string roster_match;
  // Non-zero: the chart is another chart of the same patient; its documents move to this chart
  // and it is deleted (its match fields are then ignored).
  std::int64_t merge_into = 0;
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
  std::vector<std::int64_t> document_ids;  // per AssemblyWrite::documents
  std::vector<std::int64_t> chart_ids;     // per AssemblyWrite::charts
};

// A document as read back.
struct DocumentInfo {
  std::int64_t document_id = 0;
  std::int64_t batch_id = 0;
  std::int64_t chart_id = 0;  // 0: no chart
  DocumentType type;
  bool needs_review = false;
  std::string date_of_service;
  std::string boundary;
  std::vector<std::int64_t> page_ids;  // in document order
  std::vector<std::int64_t> misfiled_page_ids;
  std::vector<Field> fields;
};

struct PageImage {
  std::string bytes;
  std::string format;  // "png" or "jpeg"
  int width = 0;
  int height = 0;
};

struct SearchOptions {
  int limit = 20;
  int offset = 0;
  std::string highlight_begin = "[";
  std::string highlight_end = "]";
  int snippet_tokens = 12;
  // Also find what OCR may have misread: identifiers and codes with a confusable glyph (0/O,
  // 1/I/l, 5/S, 8/B) or by substring, names within one edit or sounding alike. Such hits come
  // after every exact hit and are marked approximate.
  bool approximate = true;
  // Work per search is bounded for queries that match a large part of an archive: pages are
  // counted up to this many (exact and approximate each), and when more match, hits are ranked
  // among the most recently stored this-many matches (SearchResults::total_capped). 100 or more.
  std::int64_t max_ranked = 2'000;
};

struct SearchHit {
  std::int64_t page_id = 0;
  std::string source_path;
  int source_page = 1;
  std::int64_t document_id = 0;  // 0: in no document (not assembled yet)
  int document_page = 0;         // 1-based within its document; 0 when not assembled
  std::string doc_type;          // its document's type
  std::string date_of_service;   // its document's date of service, ISO
  std::int64_t chart_id = 0;     // 0: no chart
  std::string mrn;               // its chart's
  std::string patient_name;      // its chart's
  std::string snippet;
  double score = 0;          // higher is better; meaningful within one result list
  bool approximate = false;  // found only by a widened match (see SearchOptions::approximate)
};

struct SearchResults {
  std::int64_t total = 0;        // all matching pages, not just this slice, approximate included
  std::int64_t exact_total = 0;  // of which found by exact matches; they come first
  // More pages match than SearchOptions::max_ranked: total and exact_total are lower bounds, and
  // hits were ranked among the most recently stored matches (narrow the query to rank them all).
  bool total_capped = false;
  std::vector<SearchHit> hits;
  // How the query was widened, one line each ("0O482913 ~ 00482913"), for the user.
  std::vector<std::string> approximations;
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

struct FailureRecord {
  std::int64_t batch_id = 0;
  std::string path;
  std::string sha256;  // empty if the file could not be read at all
  std::string code;    // StatusCodeName
  std::string message;
  std::int64_t at_micros = 0;
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
  // marked indexed backed by its page. Problems are reported, not errors; an error Status means
  // the check itself could not run.
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
  // weighing four times body text); filter-only queries list newest documents first. A malformed
  // query -> kInvalidArgument naming the problem.
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
  // Sets the roster match of existing charts, and merges the charts marked merge_into, in one
  // transaction; kNotFound for an unknown chart or merge target, kInvalidArgument for a chart
  // merged into itself (nothing is written then).
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
  virtual Result<StoreStats> Stats(std::optional<std::int64_t> batch_id) const = 0;
};

}  // namespace chartscan::indexer
