// What the viewer reads and writes, as one interface: the viewer depends on this, not on the store,
// so it stays a stage that depends only on models. The pipeline wires a Catalog over the real store
// (chartscan/pipeline/catalog.h), with the image work (thumbnails, evidence crops, originals
// rendered) and the validation of corrected values done by the stages that own them.
//
// Contract for implementations
// - Thread safety: every method may be called from many threads at once (one per HTTP request).
// - Errors are values: kNotFound for an unknown id, kInvalidArgument for a malformed query or an
//   invalid corrected value (with a message a clerk can act on, never naming patient data beyond
//   the value they typed), kBusy / kIoError when the store cannot answer now.
// - Nothing here writes to the audit log by itself; the server audits each access explicitly.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/geometry.h>
#include <chartscan/models/records.h>
#include <chartscan/models/status.h>

namespace chartscan::viewer {

enum class ImageKind {
  kCleaned,   // the image OCR read; word boxes are in its coordinates
  kOriginal,  // the page as captured, rendered from the stored original, turned upright
  kThumb,     // the cleaned image, small
};

struct ImageRequest {
  std::int64_t page_id = 0;
  ImageKind kind = ImageKind::kCleaned;
  // kCleaned only: crop to this box (cleaned-image coordinates) grown by a margin, for evidence.
  std::optional<Box> crop;
};

struct ImageBytes {
  std::string bytes;
  std::string content_type;  // "image/png" or "image/jpeg"
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Search and reading.
  virtual Result<SearchResults> Search(std::string_view query,
                                       const SearchOptions& options) const = 0;
  virtual Result<StoredPage> GetPage(std::int64_t page_id) const = 0;
  virtual Result<std::int64_t> PageIdAt(std::int64_t source_id, int source_page) const = 0;
  // Indexes into the page's words that the query matches (see indexer::Store::MatchWords).
  virtual Result<std::vector<int>> MatchWords(std::string_view query, std::int64_t page_id,
                                              bool approximate) const = 0;
  virtual Result<ImageBytes> PageImage(const ImageRequest& request) const = 0;
  virtual Result<DocumentInfo> GetDocument(std::int64_t document_id) const = 0;
  virtual Result<ChartInfo> GetChart(std::int64_t chart_id) const = 0;
  virtual Result<std::vector<DocumentInfo>> ChartDocuments(std::int64_t chart_id) const = 0;
  // The document as one line of `chartscan export --format documents-jsonl`, with each page's
  // text: what a clerk downloads.
  virtual Result<std::string> ExportDocument(std::int64_t document_id) const = 0;
  virtual Result<std::vector<BatchInfo>> Batches() const = 0;
  virtual Result<BatchInfo> GetBatch(std::int64_t batch_id) const = 0;
  virtual Result<std::vector<FailureRecord>> Failures(std::int64_t batch_id) const = 0;
  // Calls fn for every page of a batch, in ingest order.
  virtual Status ForEachPageOfBatch(std::int64_t batch_id,
                                    const std::function<Status(const StoredPage&)>& fn) const = 0;

  // Verification. Resolve validates and normalizes a corrected value as extraction would (dates
  // to ISO 8601, an NPI by its check digit, a code by the code set, a type by its name) before it
  // is stored: kInvalidArgument naming the problem otherwise.
  virtual Result<ReviewQueue> Review(int offset, int limit) const = 0;
  virtual Result<ReviewItem> Resolve(const ReviewDecision& decision) = 0;

  // Users and the audit log.
  virtual Result<UserRecord> AddUser(std::string_view name, Role role,
                                     std::string_view password_hash) = 0;
  virtual Result<UserRecord> GetUser(std::string_view name) const = 0;
  virtual Result<std::vector<UserRecord>> Users() const = 0;
  virtual Result<UserRecord> UpdateUser(const UserUpdate& update) = 0;
  virtual Result<UserRecord> RecordLogin(std::string_view name, bool success, int max_failures,
                                         std::int64_t lock_micros) = 0;
  virtual Result<AuditEvent> Audit(const AuditEvent& event) = 0;
  virtual Result<std::vector<AuditEvent>> AuditLog(std::int64_t after_seq, int limit) const = 0;
  virtual Result<AuditCheck> VerifyAudit() const = 0;
};

}  // namespace chartscan::viewer
