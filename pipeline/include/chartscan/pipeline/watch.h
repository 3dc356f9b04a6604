// Watch: digitize what networked printers drop into a hot folder, for as long as asked.
//
// Files are taken once complete (capture::HotFolder decides) and ingested as `Ingest` would, in
// one batch for the session, with several pages in flight. When every page of a file is stored,
// the file is assembled on its own (documents and charts, as an ingest assembles a batch) and
// moved into done/; a file that cannot be read or opened, or whose every page failed, is moved
// into failed/ with a .error.txt beside it saying why. A file is moved only after its pages are
// stored, so a crash at any moment leaves it in the folder or its pages in the store, and usually
// both: the restarted watch takes it again, finds it stored (content-addressed) and moves it.
// Nothing is lost and nothing is ingested twice.
//
// The session's batch: a watch continues the interrupted or stopped watch batch of the same
// folder when there is one (or `resume_batch`), and resumes the pages it had not finished from
// their stored originals. Setting *cancel ends the session: files being read are finished (or
// left whole in the folder), and the batch is done when every page that arrived is stored.
//
// Thread safety: one Watch per folder and store at a time. Callbacks come from the calling thread
// (events) or pipeline threads (progress), each serialized.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include <chartscan/capture/hot_folder.h>
#include <chartscan/pipeline/ingest.h>

namespace chartscan::pipeline {

struct WatchOptions {
  capture::HotFolderOptions folder;
  IngestOptions ingest;           // workers, cleanup, OCR, extraction... (assembly: per file)
  std::int64_t resume_batch = 0;  // 0: the interrupted watch batch of this folder, else a new one
  int poll_wait_ms = 500;         // longest wait for the folder before checking for finished files

  Status Validate() const;
};

// What became of one file.
struct WatchEvent {
  std::string path;      // where it was found
  std::string moved_to;  // done/... or failed/... (empty if the move itself failed)
  bool failed = false;
  bool already_stored = false;  // its content was in the store before (a copy, or a restart)
  int pages = 0;                // pages stored in this session
  int failed_pages = 0;
  int documents = 0;  // documents it was assembled into
  Status status;      // why it failed, or why it could not be moved
};
using WatchEventFn = std::function<void(const WatchEvent&)>;

// The folder JSON an watch batch records (to recognize the same folder again).
std::string WatchInputs(const std::string& dir);

// Runs until *cancel becomes true (cancel must not be null). Returns an error only when the
// session cannot run (folder missing, options invalid, the store failing); per-file problems are
// events and in the summary.
Result<IngestSummary> Watch(indexer::Store& store, const WatchOptions& options,
                            const ProgressFn& progress, const WatchEventFn& on_event,
                            const std::atomic<bool>* cancel, Env* env = Env::Default());

}  // namespace chartscan::pipeline
