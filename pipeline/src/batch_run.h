// BatchRun: the machinery every way of feeding a batch shares (ingest of files, scanning, a hot
// folder). Internal to the pipeline.
//
//   feeder (the caller's thread)  AddFile / AddCaptured / QueuePending
//                                 -> original stored durably -> source registered -> pages
//                                    journaled "arrived" -> decoded pages into a bounded queue
//   N workers                     barcodes -> cleanup -> OCR -> extract -> display image
//                                 -> PutPage (page, index entry and journal "indexed" in one
//                                    transaction); "cleaned", "recognized", "extracted" journaled
//                                    on the way
//
// A batch is created, or an unfinished one claimed and continued (Start). Pages of sources the
// batch holds but never finished (the process was killed, a scanner jammed) are queued again from
// their stored originals (QueuePending), so resuming needs nothing but the store. A source is
// queued at most once per run, however many paths lead to it.
//
// Thread safety: the feeder methods are called from one thread; SourceDone callbacks come from
// worker threads or the feeder's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <chartscan/pipeline/ingest.h>

#include "assemble.h"
#include "bounded_queue.h"

namespace chartscan::pipeline {

// How a file or captured page ended up.
struct SourceOutcome {
  std::string path;
  std::int64_t source_id = 0;  // 0: never registered (unreadable, unopenable)
  Status file_status;          // not OK: the file could not be read or opened
  int pages = 0;               // pages stored in this run
  int failed_pages = 0;
  bool already_stored = false;  // complete before this run
};
using SourceDone = std::function<void(const SourceOutcome&)>;

// The last unfinished batch of this kind and exactly these inputs that no process is working on
// (interrupted or stopped); 0 when there is none.
Result<std::int64_t> FindResumable(const indexer::Store& store, indexer::BatchKind kind,
                                   const std::string& inputs);

class BatchRun {
 public:
  BatchRun(indexer::Store& store, const IngestOptions& options, const ProgressFn& progress,
           const std::atomic<bool>* cancel, Env* env);
  ~BatchRun();  // joins the workers if Finish was not reached
  BatchRun(const BatchRun&) = delete;
  BatchRun& operator=(const BatchRun&) = delete;

  // Creates the OCR engines and extractor, creates the batch (resume_batch == 0) or claims that
  // unfinished batch, and starts the workers.
  Status Start(const indexer::BatchStart& start, std::int64_t resume_batch);
  std::int64_t batch_id() const { return summary_.batch_id; }
  bool resumed() const { return resumed_; }
  bool Cancelled() const { return cancel_ && cancel_->load(); }
  // A store failure that stops the batch (OK while none).
  Status Fatal();

  // Queues the missing pages of the batch's unfinished sources from their stored originals;
  // `done` hears of each (with the path it was first registered under) when it is complete.
  Status QueuePending(const SourceDone& done = {});
  // Reads a file (or the files under a folder's path as DiscoverFiles gave it) and queues its
  // missing pages. Per-file problems are recorded, not returned; the Status is a store failure.
  Status AddFile(const std::string& path, const SourceDone& done = {});
  // Stores `original` (the encoded captured page) durably as a new one-page source named `path`,
  // journals it and queues `page` (already decoded).
  Status AddCaptured(std::string_view original, std::string_view kind, const std::string& path,
                     capture::CapturedPage page, const SourceDone& done = {});
  void AddKnownFiles(int files);  // for progress: files discovered but not read yet
  void AddProblem(const std::string& path, int page, const Status& status);

  // Assembles the given sources now (serialized with other assemblies of this run).
  Result<AssemblyCounts> Assemble(const std::vector<std::int64_t>& source_ids);
  // Closes the queue, joins the workers and, unless cancelled or stopped, assembles
  // `assembly_order` (empty: the sources in the order this run met them) and marks the batch
  // done. With a stop reason, the batch is marked stopped with it and not assembled. A cancel
  // stops the batch too, unless cancel_ends_batch (a hot folder ends its session with Ctrl-C):
  // then the batch is done when every page that arrived in it is stored.
  Result<IngestSummary> Finish(const std::vector<std::int64_t>& assembly_order,
                               const std::string& stop_reason, bool cancel_ends_batch = false);

 private:
  struct SourceWork;
  struct PageJob;
  Status QueueSource(capture::SourceReader& reader, const indexer::SourceInfo& info,
                     const std::string& path, const SourceDone& done);
  // A source read back from its stored original (named by `path` in errors).
  Result<std::unique_ptr<capture::SourceReader>> OpenStored(const std::string& sha256,
                                                            const std::string& path);
  void Work(ocr::Engine& engine);
  void ProcessPage(ocr::Engine& engine, PageJob& job);
  void FinishPage(SourceWork& source, bool failed);
  void Journal(const SourceWork& source, int page, indexer::PageStage stage);
  void NoteSource(std::int64_t source_id);
  void Report();

  indexer::Store& store_;
  const IngestOptions& options_;
  const ProgressFn& progress_fn_;
  const std::atomic<bool>* cancel_;
  Env* env_;
  BoundedQueue<std::unique_ptr<PageJob>> queue_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::unique_ptr<indexer::BatchClaim> claim_;
  bool resumed_ = false;
  std::optional<extract::Extractor> extractor_;
  std::vector<std::unique_ptr<ocr::Engine>> engines_;
  std::vector<std::thread> threads_;
  bool finished_ = false;

  std::mutex mu_;  // guards everything below, and serializes progress_fn_
  IngestSummary summary_;
  Progress progress_;
  double confidence_sum_ = 0;
  int confidence_pages_ = 0;
  Status fatal_;
  std::vector<std::int64_t> source_order_;     // sources met in this run, in order, no repeats
  std::set<std::int64_t> queued_sources_;      // sources queued in this run
  std::vector<std::int64_t> resumed_sources_;  // queued from the journal (QueuePending)
  // Sources with pages still in flight, so a file reaching one by another path can be told when
  // it is done.
  std::map<std::int64_t, std::shared_ptr<SourceWork>> active_;
  std::mutex assemble_mu_;
};

}  // namespace chartscan::pipeline
