// What long-running commands (ingest, scan, watch) share: Ctrl-C handling and the progress line.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <chartscan/pipeline/ingest.h>

namespace chartscan::cli {

// First Ctrl-C (or SIGTERM) sets the flag: the command finishes the pages in flight and stops
// cleanly. A second one terminates at once (the batch is then resumed from its journal).
void InstallInterruptHandler();
void RestoreInterruptHandler();
std::atomic<bool>& InterruptFlag();
inline bool Interrupted() { return InterruptFlag().load(); }

// "12.3s", "4m05s", "2h10m".
std::string Duration(double seconds);

// On a terminal: one line rewritten in place, at most four times a second. Otherwise (logs, CI,
// a pipe): a plain line every ten seconds and at the end. Shows pages done of pages known, files,
// pages/min, time left and failures so far. Never shows file content or patient data.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool enabled);
  void operator()(const pipeline::Progress& p);
  // Clears the progress line before other output (on a terminal).
  void Clear();
  void Finish() { Clear(); }

 private:
  bool enabled_;
  bool tty_;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace chartscan::cli
