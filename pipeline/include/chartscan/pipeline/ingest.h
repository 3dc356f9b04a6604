// Ingest: digitize files and folders into a store.
//
// The pipeline wires the stages and owns the concurrency; the stages know nothing of each other.
//
//   reader thread   DiscoverFiles -> read file -> store original (SHA-256) -> open source
//                   -> journal its pages "arrived" -> decode pages one at a time into a bounded
//                   queue
//   N workers       barcodes -> cleanup -> (blank? skip OCR) -> OCR (one Tesseract engine per
//                   worker) -> extract fields and page type -> encode display image
//                   -> store page, its index entry and its journal entry (one transaction)
//
// The queue holds at most `queue_depth` decoded pages, so memory stays flat however large the
// batch or a single multi-page file is. Sources already complete in the store are skipped; a
// source interrupted part-way resumes with the pages it is missing, so running the same ingest
// again never duplicates anything.
//
// Batches and resuming: every run works in a batch with a journal (indexer/store.h). A run
// continues an unfinished batch instead of starting one when told to (resume_batch), or when the
// last unfinished ingest batch was given exactly the same paths and no process is working on it
// (it was interrupted: Ctrl-C, a crash, SIGKILL, a power cut). Pages of the batch that arrived
// but were never stored are then done first, from the originals already in the store. Killing the
// process at any instant and running the same command again therefore finishes the batch with
// every page stored exactly once.
//
// Assembly: when every page of the batch is stored, the batch's pages (sources in the order the
// files were given, then page order; sources skipped as already complete included, so a re-run
// re-assembles them) are read back and split into documents (extract::FindBoundaries). Each
// document's page fields are merged (Extractor::MergeDocument), its type classified over its
// pages (Extractor::ClassifyDocument), and pages that the boundary step placed in it against their
// own evidence, or that name another patient than the one most of its pages name, are flagged
// misfiled and their fields left out of the merge (never silently merged). Documents are grouped
// into patient charts (extract::GroupCharts, existing charts of the store first), each chart is
// matched against the store's roster when it has one (extract::MatchRoster; matching nobody makes
// it an orphan) and everything is written in one store transaction (Store::Assemble), so re-running
// the same ingest reuses the same document and chart ids. A cancelled run marks its batch stopped
// and leaves assembly to the run that finishes it.
//
// Failures never stop the batch. A file that cannot be read or opened is recorded as a failure
// (with its original kept when it could be read) and reported; a page that cannot be decoded,
// cleaned or recognized is stored with its error, and the other pages go on. Errors name files by
// the path given and pages by number, never by content.
//
// Thread safety: Ingest may be called from one thread at a time per store. The progress callback
// is called from pipeline threads, serialized (never concurrently with itself).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <chartscan/barcode/barcode.h>
#include <chartscan/capture/source.h>
#include <chartscan/cleanup/cleanup.h>
#include <chartscan/extract/boundaries.h>
#include <chartscan/extract/extractor.h>
#include <chartscan/indexer/store.h>
#include <chartscan/ocr/engine.h>

namespace chartscan::pipeline {

struct IngestOptions {
  int workers = 0;      // 0: one per hardware thread
  int queue_depth = 0;  // decoded pages waiting for a worker; 0: two per worker
  std::string batch_name;
  capture::CaptureOptions capture;
  cleanup::CleanupOptions cleanup;
  ocr::OcrOptions ocr;
  extract::ExtractOptions extract;  // fields and document type of every recognized page
  // A second look at field values a label promised that the page's reading garbled or left in
  // doubt: each is read again on its own as one line, and kept where it reads as the field.
  bool reread_field_values = true;
  // Barcodes on each captured page (separator sheets, patient labels) for document boundaries.
  bool read_barcodes = true;
  barcode::BarcodeOptions barcode;
  extract::BoundaryOptions boundaries;
  bool assemble = true;  // documents and charts after the pages (off: one document per file)
  // Continue this unfinished batch (0: the interrupted batch of the same paths, else a new one).
  // With no paths given, the paths the batch was started with are ingested.
  std::int64_t resume_batch = 0;
  bool auto_resume = true;  // look for an interrupted batch of the same paths
  int declared_sheets = 0;  // sheets the operator counted (0: none); checked against the pages
  bool duplex = false;      // the files hold both sides of each sheet

  Status Validate() const;
  int EffectiveWorkers() const;
};

struct FileProblem {
  std::string path;
  int page = 0;  // 1-based; 0 = the whole file
  Status status;
};

struct IngestSummary {
  std::int64_t batch_id = 0;
  int files = 0;          // files considered
  int files_skipped = 0;  // already complete in the store
  int files_failed = 0;   // could not be read or opened
  int pages = 0;          // pages processed in this run (blank ones included)
  int blank_pages = 0;
  int failed_pages = 0;
  int timed_out_pages = 0;     // OCR stopped at the deadline (partial text kept)
  int documents = 0;           // documents assembled (or created, without assembly)
  int charts = 0;              // charts the assembled documents belong to
  int orphan_documents = 0;    // assembled documents with no patient identity to chart them by
  int unmatched_charts = 0;    // charts matching nobody on the store's roster (0 without one)
  int misfiled_pages = 0;      // pages flagged as possibly misfiled
  int roster_conflicts = 0;    // document fields marked for review: they disagree with the roster
  int mrns_doubted = 0;        // document MRNs marked for review: unlike the other MRNs' padding
  int separator_pages = 0;     // separator sheets (in no document)
  double mean_confidence = 0;  // over non-blank pages recognized in this run
  int values_reread = 0;       // field values read a second time whose second reading was kept
  double seconds = 0;
  bool resumed = false;     // an unfinished batch was continued
  std::string stop_reason;  // non-empty: the batch stopped before its end ("cancelled", a fault)
  std::vector<FileProblem> problems;

  double PagesPerMinute() const { return seconds > 0 ? pages * 60.0 / seconds : 0; }
  bool ok() const { return problems.empty(); }
};

struct Progress {
  int files_known = 0;
  int files_done = 0;
  int pages_known = 0;  // pages counted in files opened so far
  int pages_done = 0;
  int failures = 0;
  double seconds = 0;
};

using ProgressFn = std::function<void(const Progress&)>;

// The absolute, normalized form of paths as an ingest batch records them (to recognize the same
// ingest run again), and back.
std::string IngestInputs(const std::vector<std::string>& paths);
Result<std::vector<std::string>> IngestPathsOf(const std::string& inputs);

// Digitizes `paths` (files or folders) into `store`. Returns an error Status only when the batch
// cannot run at all (invalid options, language data missing, store unwritable); per-file and
// per-page problems are in the summary. Setting *cancel stops reading new pages; pages in flight
// are finished and stored, and the batch can be resumed by running the same ingest again.
// kInvalidArgument when no paths are given and no batch is resumed, kBusy when the batch to
// resume is being worked on by another process.
Result<IngestSummary> Ingest(indexer::Store& store, const std::vector<std::string>& paths,
                             const IngestOptions& options, const ProgressFn& progress = {},
                             const std::atomic<bool>* cancel = nullptr, Env* env = Env::Default());

}  // namespace chartscan::pipeline
