// Scan: digitize paper from a scanner's feeder, each page through the pipeline as it arrives.
//
// The scanning thread only scans: each side is encoded as a TIFF original (capture::EncodeTiff,
// with device, batch and side in its description), written durably to the store, registered as a
// one-page source of the batch and journaled "arrived" before the next side is read; workers
// clean, recognize, extract and store it meanwhile. So the feeder runs at the scanner's pace, not
// OCR's, and a side the scanner delivered is never lost whatever happens next.
//
// A side is noted in the store (Store::NoteCapture) before its original is written, so even a
// crash in the milliseconds between the write and the registration is found when the batch is
// resumed: the side is registered if its original reached the disk, and otherwise reported lost,
// by side number, for the operator to scan that sheet again (the sheet count flags it as well).
//
// Faults: when the scanner reports one (paper jam, cover open, I/O error, device busy or gone...)
// the feed stops, every side scanned so far is finished and stored, and the batch is marked
// stopped with the fault's name. Resuming the batch (resume_batch) once the operator cleared the
// fault continues the same batch: side numbers carry on, pages scanned but not yet processed when
// the process died are processed from their originals, and assembly covers the whole batch in
// scanning order. The feeder running empty ends the batch (done, assembled). Ctrl-C (*cancel)
// stops the scanner at once (a partial side is discarded), finishes what was scanned and marks
// the batch stopped ("cancelled").
//
// Thread safety: one Scan per scanner at a time; callbacks as for Ingest.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <chartscan/capture/scanner.h>
#include <chartscan/pipeline/ingest.h>

namespace chartscan::pipeline {

struct ScanOptions {
  IngestOptions ingest;  // workers, cleanup, OCR...; batch_name and declared_sheets for the batch
  // Recorded with the batch so `--resume` can reopen the same device the same way.
  std::string device;
  capture::ScanSettings settings;
  std::int64_t resume_batch = 0;  // continue this stopped or interrupted scan batch

  Status Validate() const;
};

struct ScanSummary {
  IngestSummary ingest;  // pages processed in this run, documents, problems...
  int sides = 0;         // sides scanned in this run
  // From the first side asked for to the feed's end: the pace the operator sees at the scanner
  // (every side stored durably), independent of how long recognition takes afterwards.
  double feed_seconds = 0;
  capture::ScanFault fault = capture::ScanFault::kNone;  // what stopped the feed (kFeederEmpty:
                                                         // the normal end)
  std::string fault_message;                             // the scanner's words, for the operator
  // On resume: sides a crash caught after they were noted. Recovered ones had reached the disk
  // and are digitized now; lost ones (paths) did not, and their sheets must be scanned again.
  int recovered_sides = 0;
  std::vector<std::string> lost_sides;
};

// What a scan batch records, and back (device and settings).
std::string ScanInputs(const std::string& device, const capture::ScanSettings& settings);
Status ParseScanInputs(const std::string& inputs, std::string* device,
                       capture::ScanSettings* settings);

// Scans from `scanner` (already opened with options.settings) into `store` until the feeder is
// empty, a fault, or *cancel. Returns an error only when the batch cannot run (options invalid,
// language data missing, store failing, the batch to resume busy or not a scan batch).
Result<ScanSummary> Scan(indexer::Store& store, capture::Scanner& scanner,
                         const ScanOptions& options, const ProgressFn& progress = {},
                         const std::atomic<bool>* cancel = nullptr, Env* env = Env::Default());

}  // namespace chartscan::pipeline
