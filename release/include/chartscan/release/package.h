// A release package on disk, and the proof that it is whole.
//
//   <dir>/documents/D000042.pdf   searchable PDF/A-2b per document        (--format pdf)
//   <dir>/documents/D000042.tif   multi-page TIFF per document            (--format tiff)
//   <dir>/fhir/C000007.json       FHIR R4 transaction Bundle per chart    (--format fhir)
//   <dir>/hl7/D000042.hl7         HL7 v2.5 MDM^T02 per document           (--format hl7)
//   <dir>/documents.csv           one row per document                    (--format csv)
//   <dir>/SHA256SUMS              every file above, `sha256sum -c` format
//   <dir>/manifest.json           the release: its id and scope, every document with its pages in
//                                 order and its files, the pages of the scope left out and why,
//                                 and every file with its size and SHA-256
//
// File names carry ids only, never patient data (documents.csv and the FHIR Bundles say whose
// they are). The manifest is written last, so a package without one is incomplete. Apart from
// the manifest (which holds the release id), releasing the same scope twice writes identical files.
//
// Thread safety: a PackageWriter is used from one thread; VerifyPackage and ReadManifest are
// thread-safe. Errors are values: kAlreadyExists for a target folder that holds files,
// kIoError naming the file, kInvalidArgument for documents the encoders cannot encode (naming the
// document and page by id), kCorrupt for a manifest that cannot be parsed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <chartscan/models/env.h>
#include <chartscan/models/status.h>
#include <chartscan/release/release.h>

namespace chartscan::release {

inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kChecksumsFile = "SHA256SUMS";
inline constexpr std::string_view kCsvFile = "documents.csv";

// What was released, as the manifest records it.
struct ReleaseScope {
  enum class Kind { kAll, kChart, kBatch };
  Kind kind = Kind::kAll;
  std::int64_t chart_id = 0;  // kChart
  std::int64_t batch_id = 0;  // kBatch
  // "all", "chart:7", "batch:3": ids, never the MRN typed.
  std::string Describe() const;
};

struct ManifestFile {
  std::string path;  // relative, '/'-separated
  std::uint64_t size = 0;
  std::string sha256;
};

struct ManifestDocument {
  std::int64_t document_id = 0;
  std::int64_t chart_id = 0;
  std::string type;
  std::vector<std::int64_t> page_ids;  // released pages, in document order
  std::vector<std::string> files;      // its PDF, TIFF and HL7 files
};

// A page of the scope that is in no released document, and why ("blank", "failed": the page
// could not be processed and has no image, "unassembled": in no document yet).
struct WithheldPage {
  std::int64_t page_id = 0;
  std::string reason;
};

struct Manifest {
  std::string release_id;
  ReleaseScope scope;
  std::vector<Format> formats;
  std::vector<ManifestDocument> documents;  // by chart, then document id
  std::vector<WithheldPage> withheld;       // by page id
  std::vector<ManifestFile> files;          // every file but the manifest, by path
  std::int64_t pages() const;               // released pages
};

// Writes one package. Create, AddChart for each chart (documents are encoded and written as they
// come, so memory holds one chart at a time), Withhold pages left out, then Finish.
class PackageWriter {
 public:
  // `dir` must not exist or be an empty folder (kAlreadyExists otherwise: a release never writes
  // over another). formats must be non-empty; options are validated here.
  static Result<std::unique_ptr<PackageWriter>> Create(Env* env, std::string dir,
                                                       std::vector<Format> formats,
                                                       ReleaseOptions options);
  virtual ~PackageWriter() = default;

  // Encodes the chart's documents into the formats asked for and writes their files. Charts must
  // come in ascending chart_id order (0, the orphans, first) and documents in ascending id, so the
  // package is the same however the caller found them; kInvalidArgument otherwise, or for a
  // document without pages or given twice. A chart may be given in several consecutive parts
  // (the same chart_id again, later documents), so memory holds a few documents' pixels at a time;
  // its FHIR Bundle and CSV rows are written once the next chart (or Finish) comes.
  virtual Status AddChart(const ReleaseChart& chart) = 0;
  // A document one of whose pages cannot be encoded (kInvalidArgument or kCorrupt from an
  // encoder: a damaged stored image) is not released: AddChart goes on with the others, its pages
  // are withheld with the reason, and its id is listed here. Other errors stop AddChart.
  virtual const std::vector<std::int64_t>& unreleased_documents() const = 0;
  virtual void Withhold(std::int64_t page_id, std::string reason) = 0;
  // Writes documents.csv and SHA256SUMS, then the manifest under a temporary name, and returns it
  // with the manifest's own SHA-256 (`manifest_sha256`). Commit() renames it into place: the
  // caller records the release (the audit log) in between, so a package whose release could not
  // be recorded is left incomplete.
  virtual Result<Manifest> Finish(const ReleaseScope& scope, const std::string& release_id,
                                  std::string* manifest_sha256) = 0;
  virtual Status Commit() = 0;
};

// Reads <dir>/manifest.json. kNotFound when there is none (an incomplete package), kCorrupt when
// it cannot be parsed.
Result<Manifest> ReadManifest(Env* env, const std::string& dir);

// What VerifyPackage (and the pipeline's cross-check against the store) found.
struct PackageCheck {
  std::int64_t files = 0;  // files checked against the manifest
  std::int64_t documents = 0;
  std::int64_t pages = 0;
  std::string manifest_sha256;
  std::vector<std::string> problems;  // one line each, naming files and ids, never content
  bool ok() const { return problems.empty(); }
};

// Checks the package against its own manifest: every file listed is there with its size and
// SHA-256, no file is there that is not listed, SHA256SUMS agrees, every document's files exist,
// and no page is in two documents. Problems are reported in the result; an error status means the
// check could not run (no manifest: kNotFound; unreadable manifest: kCorrupt).
Result<PackageCheck> VerifyPackage(Env* env, const std::string& dir);

}  // namespace chartscan::release
