// chartscan watch: digitize what arrives in a hot folder until Ctrl-C.
//
// One line per file as it is finished ("done" or "FAILED", pages, where it was moved); the
// progress line in between on a terminal. Files are named by path only.
#include <iostream>

#include <chartscan/pipeline/watch.h>

#include "commands.h"
#include "progress.h"

namespace chartscan::cli {

int RunWatch(const WatchArgs& args) {
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  const std::string& dir = work->dir;
  auto& store = work->store;
  pipeline::WatchOptions options;
  options.folder.dir = args.folder;
  options.folder.settle_ms = args.settle_ms;
  options.folder.closed_settle_ms = std::min(options.folder.closed_settle_ms, args.settle_ms);
  options.ingest.workers = args.workers;
  options.ingest.batch_name = args.batch;
  options.resume_batch = args.resume;
  options.ingest.extract.codes = work->codes.get();
  if (Status s = options.Validate(); !s.ok()) {
    std::cerr << "chartscan: " << s.ToString() << "\n";
    return kExitError;
  }

  InstallInterruptHandler();
  ProgressPrinter printer(!args.quiet);
  std::fprintf(stderr, "Watching %s (into %s, %d workers). Ctrl-C to stop.\n", args.folder.c_str(),
               dir.c_str(), options.ingest.EffectiveWorkers());
  int failed_files = 0;
  auto result = pipeline::Watch(
      *store, options, [&](const pipeline::Progress& p) { printer(p); },
      [&](const pipeline::WatchEvent& e) {
        printer.Clear();
        if (e.failed) ++failed_files;
        std::string what = e.failed ? "FAILED " : "done   ";
        std::string detail;
        if (e.already_stored) {
          detail = "already stored";
        } else {
          detail = std::to_string(e.pages) + (e.pages == 1 ? " page" : " pages");
          if (e.failed_pages && !e.failed)
            detail += ", " + std::to_string(e.failed_pages) + " failed";
          if (e.documents) {
            detail += ", " + std::to_string(e.documents) +
                      (e.documents == 1 ? " document" : " documents");
          }
        }
        if (e.failed) detail = e.status.ToString();
        std::printf("%s %s (%s)%s%s\n", what.c_str(), e.path.c_str(), detail.c_str(),
                    e.moved_to.empty() ? "" : " -> ", e.moved_to.c_str());
        if (e.moved_to.empty() && !e.status.ok() && !e.failed) {
          std::printf("        not moved: %s\n", e.status.ToString().c_str());
        }
        std::fflush(stdout);
      },
      &InterruptFlag());
  printer.Finish();
  RestoreInterruptHandler();
  if (!result.ok()) {
    std::cerr << "chartscan: watch stopped: " << result.status().ToString() << "\n";
    return kExitError;
  }
  std::printf("Watch of %s ended: batch %lld, %d files, %d pages (%d failed), %d files set aside\n",
              args.folder.c_str(), static_cast<long long>(result->batch_id), result->files,
              result->pages, result->failed_pages, failed_files);
  if (!result->stop_reason.empty()) {
    std::printf("Pages were still in progress; chartscan watch %s continues them.\n",
                args.folder.c_str());
  }
  return failed_files ? kExitSomeFailed : kExitOk;
}

}  // namespace chartscan::cli
