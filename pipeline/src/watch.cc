#include <filesystem>
#include <mutex>

#include <nlohmann/json.hpp>

#include <chartscan/pipeline/watch.h>

#include "batch_run.h"

namespace chartscan::pipeline {

Status WatchOptions::Validate() const {
  CHARTSCAN_RETURN_IF_ERROR(folder.Validate());
  CHARTSCAN_RETURN_IF_ERROR(ingest.Validate());
  if (resume_batch < 0) return Status::InvalidArgument("watch: batch ids are positive");
  if (poll_wait_ms <= 0) return Status::InvalidArgument("watch: poll_wait_ms must be positive");
  return Status::Ok();
}

std::string WatchInputs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(dir, ec);
  return nlohmann::json{{"dir", ec ? dir : abs.lexically_normal().string()}}.dump();
}

namespace {

// Files whose pages are all stored (or that failed), waiting to be assembled and moved by the
// watch loop's thread. Filled from worker threads.
class Outcomes {
 public:
  explicit Outcomes(capture::HotFolder& folder) : folder_(folder) {}
  void Add(const SourceOutcome& o) {
    {
      std::lock_guard lock(mu_);
      items_.push_back(o);
    }
    folder_.Wake();
  }
  std::vector<SourceOutcome> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(items_, {});
  }

 private:
  capture::HotFolder& folder_;
  std::mutex mu_;
  std::vector<SourceOutcome> items_;
};

}  // namespace

Result<IngestSummary> Watch(indexer::Store& store, const WatchOptions& options,
                            const ProgressFn& progress, const WatchEventFn& on_event,
                            const std::atomic<bool>* cancel, Env* env) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  if (cancel == nullptr) return Status::InvalidArgument("watch: a cancel flag is required");
  CHARTSCAN_ASSIGN_OR_RETURN(std::unique_ptr<capture::HotFolder> folder,
                             capture::HotFolder::Open(options.folder, env));
  indexer::BatchStart start;
  start.kind = indexer::BatchKind::kWatch;
  start.name = options.ingest.batch_name.empty() ? "watch" : options.ingest.batch_name;
  start.inputs = WatchInputs(options.folder.dir);
  std::int64_t resume = options.resume_batch;
  if (resume != 0) {
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::BatchInfo batch, store.GetBatch(resume));
    if (batch.kind != indexer::BatchKind::kWatch) {
      return Status::InvalidArgument("batch " + std::to_string(resume) + " is not a watch batch");
    }
  } else {
    CHARTSCAN_ASSIGN_OR_RETURN(resume,
                               FindResumable(store, indexer::BatchKind::kWatch, start.inputs));
  }

  IngestOptions ingest = options.ingest;
  ingest.assemble = false;  // each file is assembled on its own as it completes
  BatchRun run(store, ingest, progress, cancel, env);
  CHARTSCAN_RETURN_IF_ERROR(run.Start(start, resume));
  Outcomes outcomes(*folder);
  const SourceDone done = [&outcomes](const SourceOutcome& o) { outcomes.Add(o); };
  if (run.resumed()) CHARTSCAN_RETURN_IF_ERROR(run.QueuePending(done));

  // Assembles and moves the files whose pages are all stored.
  auto settle = [&]() -> Status {
    for (const SourceOutcome& o : outcomes.Take()) {
      WatchEvent event;
      event.path = o.path;
      event.already_stored = o.already_stored;
      event.pages = o.pages;
      event.failed_pages = o.failed_pages;
      event.status = o.file_status;
      event.failed = !o.file_status.ok() || (o.pages > 0 && o.failed_pages == o.pages);
      if (event.failed && o.file_status.ok()) {
        event.status = Status::Corrupt(o.path + ": none of its " + std::to_string(o.pages) +
                                       " pages could be processed (see chartscan batch show " +
                                       std::to_string(run.batch_id()) + ")");
      }
      if (!event.failed && o.source_id != 0 && options.ingest.assemble) {
        // A store failure here stops the session; the file stays for the next one.
        CHARTSCAN_ASSIGN_OR_RETURN(AssemblyCounts counts, run.Assemble({o.source_id}));
        event.documents = counts.documents;
      }
      Result<std::string> moved =
          event.failed ? folder->MoveToFailed(o.path, event.status) : folder->MoveToDone(o.path);
      if (moved.ok()) {
        event.moved_to = *moved;
      } else {
        // Left in the folder: the next session takes it again and finds it stored.
        if (event.status.ok()) event.status = moved.status();
        run.AddProblem(o.path, 0, moved.status());
      }
      if (on_event) on_event(event);
    }
    return Status::Ok();
  };

  Status stopped_by;
  while (!run.Cancelled()) {
    Result<std::vector<std::string>> ready = folder->WaitReady(options.poll_wait_ms, cancel);
    if (!ready.ok()) {
      stopped_by = ready.status();  // the folder went away: stop, keep what was done
      break;
    }
    for (const std::string& path : *ready) {
      if (run.Cancelled()) break;
      Status s = run.AddFile(path, done);
      // Files finished while this one was read are moved now, not after the whole list.
      if (s.ok()) s = settle();
      if (!s.ok()) {
        stopped_by = s;
        break;
      }
    }
    if (!stopped_by.ok()) break;
    stopped_by = settle();
    if (!stopped_by.ok()) break;
  }
  Result<IngestSummary> summary =
      run.Finish({}, stopped_by.ok() ? "" : std::string(StatusCodeName(stopped_by.code())),
                 /*cancel_ends_batch=*/true);
  // Files whose last pages were stored while the session ended are moved now.
  if (summary.ok()) CHARTSCAN_RETURN_IF_ERROR(settle());
  CHARTSCAN_RETURN_IF_ERROR(stopped_by);
  return summary;
}

}  // namespace chartscan::pipeline
