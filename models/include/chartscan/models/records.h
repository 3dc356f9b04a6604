// What the store holds, as read back: batches, pages, documents, charts, search results, users and
// the audit log. These are domain records shared by the stages that read the store (the indexer
// that writes them, the viewer that shows them, the CLI that prints them); they carry no behaviour
// beyond small derived values. Standard library only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/barcode.h>
#include <chartscan/models/document.h>
#include <chartscan/models/geometry.h>
#include <chartscan/models/page.h>

namespace chartscan {

// What fed a batch.
enum class BatchKind { kIngest, kScan, kWatch };
std::string_view BatchKindName(BatchKind k);  // "ingest", "scan", "watch"
// kOpen: being worked on, or interrupted (see BatchInfo::live); kStopped: stopped on purpose
// (Ctrl-C, a scanner fault) and resumable; kDone: finished.
enum class BatchState { kOpen, kStopped, kDone };
std::string_view BatchStateName(BatchState s);  // "open", "stopped", "done"

// Where a page is in its batch (see the journal guarantee in indexer/store.h).
enum class PageStage { kArrived, kCleaned, kRecognized, kExtracted, kIndexed, kFailed };
std::string_view PageStageName(PageStage s);  // "arrived", ..., "indexed", "failed"
inline constexpr int kPageStageCount = 6;

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

// A clerk's decision on one of a document's fields or on its type, as the store records it.
struct ReviewRecord {
  std::string field;     // field name; "doc_type" for the type
  int field_index = -1;  // into DocumentInfo::fields; -1 for the type or a field no longer there
  std::string action;    // "accepted" or "corrected"
  std::string user;
  std::int64_t at_micros = 0;
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
  // Decisions on its fields and type, oldest first (Store::GetDocument only; empty elsewhere).
  std::vector<ReviewRecord> reviews;
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
  // A type:, date: or code: filter that picks at least this many documents is checked on each
  // page visited instead of listed whole (a query plan, not a result: the same pages come back
  // either way; tests lower it to compare both plans on a small store). 1 or more.
  std::int64_t broad_filter_documents = 5'000;
};

struct SearchHit {
  std::int64_t page_id = 0;
  std::string source_path;
  int source_page = 1;
  std::int64_t document_id = 0;  // 0: in no document (not assembled yet)
  int document_page = 0;         // 1-based within its document; 0 when not assembled
  int document_pages = 0;        // pages in its document; 0 when not assembled
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

struct FailureRecord {
  std::int64_t batch_id = 0;
  std::string path;
  std::string sha256;  // empty if the file could not be read at all
  std::string code;    // StatusCodeName
  std::string message;
  std::int64_t at_micros = 0;
};

// ---- Verification ----------------------------------------------------------------------------

// What a clerk is asked to look at.
enum class ReviewKind {
  kField,    // a document field marked for review: low confidence or conflicting values
  kType,     // the document type is uncertain
  kMisfile,  // a page whose identity (MRN, name, DOB) disagrees with its document's
};
std::string_view ReviewKindName(ReviewKind k);  // "field", "type", "misfile"

struct ReviewItem {
  // Stable and opaque to clients: "f:<document_id>:<field seq>", "t:<document_id>",
  // "m:<page_id>".
  std::string item_id;
  ReviewKind kind = ReviewKind::kField;
  std::int64_t document_id = 0;
  std::int64_t chart_id = 0;  // 0: none
  std::int64_t page_id = 0;   // the page holding the evidence; 0 when unknown
  std::string field;          // field name; "doc_type" for kType; for kMisfile the identity field
  std::string value;          // as read (kType: the type name)
  std::string normalized;
  double confidence = 0;  // 0-1
  std::string reason;     // for the clerk: "low confidence", "conflicting values"...
  // For an identity field (mrn, patient_name, dob) of a document whose chart matched a roster
  // patient: that patient's value ("GIVEN FAMILY" for a name); empty otherwise.
  std::string roster_value;
  Box box;  // evidence in the page's cleaned image; empty when there is none
  // Set once resolved (resolved items leave the queue but are returned by ResolveReview (a
  // ReviewDecision)).
  bool resolved = false;
  std::string resolution;  // "accepted" or "corrected"
  std::string resolved_by;
  std::int64_t resolved_micros = 0;
};

struct ReviewQueue {
  std::int64_t total = 0;  // unresolved items in the whole store
  std::vector<ReviewItem> items;
};

// A clerk's decision on a review item.
struct ReviewDecision {
  std::string item_id;
  bool accept = true;      // true: the value read is right; false: replace it by `value`
  std::string value;       // the corrected value as typed (when !accept)
  std::string normalized;  // its canonical form, validated by the caller (extract's rules)
  std::string user;        // who decided
};

// ---- Users and the audit log --------------------------------------------------------------------

// What a viewer user may do; each role includes the ones before it.
enum class Role {
  kTechnician = 1,  // search and view
  kClerk = 2,       // also ingest, verify and correct
  kAdmin = 3,       // also manage users and read the audit log
};
std::string_view RoleName(Role r);                     // "technician", "clerk", "admin"
std::optional<Role> ParseRole(std::string_view name);  // nullopt for anything else

struct UserRecord {
  std::int64_t user_id = 0;
  std::string name;
  Role role = Role::kTechnician;
  // libsodium's crypto_pwhash_str (Argon2id) encoding, salt and parameters included. Never
  // printed, logged or sent to a client.
  std::string password_hash;
  bool disabled = false;
  int failed_logins = 0;                 // failures in a row since the last success
  std::int64_t locked_until_micros = 0;  // a login before then is refused; 0: not locked
  std::int64_t created_micros = 0;
  std::int64_t last_login_micros = 0;  // 0: never
};

// A change to an existing user; unset members are left as they are.
struct UserUpdate {
  std::string name;
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;
  bool unlock = false;  // clears failed_logins and locked_until
};

// One access, as the audit log keeps it. The log is append-only and chained: each event's hash
// covers its own content and the previous event's hash, so changing, removing or reordering any
// event breaks the chain from there on. It names what was touched by id and never holds OCR text.
struct AuditEvent {
  std::int64_t seq = 0;        // 1, 2, 3... without gaps; set by the store
  std::int64_t at_micros = 0;  // set by the store from its clock
  std::string user;    // a viewer user; "cli:<login>" for the command line; the name typed for a
                       // failed login
  std::string action;  // "login", "login_failed", "logout", "search", "view_page", "view_image",
                       // "view_chart", "view_document", "export", "review_accept",
                       // "review_correct", "user_add", "user_change", "release"...
  std::string target;  // what was touched, by id: "page:41", "chart:3", "document:7", "user:ann"
  std::string detail;  // e.g. the query typed, the field corrected; never OCR text or values read
  std::string remote;  // client address; "cli" for the command line
  std::string prev_hash;  // hex SHA-256 of the previous event; 64 zeros for the first
  std::string hash;       // hex SHA-256 of this event (see the store for the exact encoding)
};

struct AuditCheck {
  std::int64_t events = 0;
  bool ok = true;
  std::int64_t first_bad_seq = 0;  // where the chain first breaks (when !ok)
  std::string problem;             // one sentence, by sequence number
  std::string head_hash;           // the last event's hash: record it elsewhere to anchor the log
};

}  // namespace chartscan
