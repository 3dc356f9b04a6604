// A hot folder: the shared folder into which networked multifunction printers drop their scans.
//
// Printers write slowly (over SMB or FTP, seconds to minutes for a long colour scan); some write a
// temporary name and rename it when done, others write the final name from the first byte. So a
// file is taken only once it has settled: its size and modification time have not changed for
// settle_ms, or for the shorter closed_settle_ms after inotify saw the writer close it or saw it
// renamed into the folder. A rename within the folder (temporary name -> final name) is tracked by
// the final name. Everything is decided from what is in the folder: the hot folder keeps no state
// on disk, so what is still in the folder after a crash or restart is still to do (and the caller
// stores content-addressed, so a file taken twice around a crash is recognized as already stored).
// Processed files leave the folder by MoveToDone or MoveToFailed.
//
// What is taken: regular files directly in `dir` (never in done/, failed/ or any other subfolder).
// Skipped: hidden names (".x"), temporary names (*.tmp, *.part, *.partial, *.crdownload,
// *.filepart, *.swp, "~*", names ending in "~") and *.error.txt.
//
// Paths: returned paths are `dir` (without trailing '/') + "/" + the file name.
// Errors: Status values naming the folder or file by path, never by content. A folder that
// disappears makes Poll()/WaitReady() fail with kNotFound until it is back.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <chartscan/models/env.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {

struct HotFolderOptions {
  std::string dir;
  int settle_ms = 2000;  // a file is ready once its size and mtime have not changed for this long
  int closed_settle_ms = 500;  // ... shorter once inotify saw it closed after writing or moved in
  int poll_ms = 1000;  // rescan interval: the safety net for missed events and network mounts
  std::string done_dir = "done";      // relative to dir (or absolute)
  std::string failed_dir = "failed";  // relative to dir (or absolute)
  // inotify is used only with the real Env (Env::Default()); false relies on polling alone.
  bool use_inotify = true;

  // kInvalidArgument unless: dir is set; settle_ms > 0; 0 <= closed_settle_ms <= settle_ms;
  // poll_ms > 0; done_dir and failed_dir are set, differ and are neither "." nor "..".
  Status Validate() const;
};

// Ownership: a HotFolder owns its inotify watch and wake descriptor (closed on destruction); `env`
// is not owned and must outlive it.
// Thread safety: Wake() may be called from any thread; everything else from one thread.
// Wake() must not race with destruction.
class HotFolder {
 public:
  // Creates done/ and failed/ when missing. kNotFound when dir does not exist, kInvalidArgument
  // for options that fail Validate(), a dir that is not a folder, done/failed resolving to dir
  // itself or (real Env) lying on another filesystem than dir. With the real Env, inotify speeds up
  // detection (fallback: polling when inotify is unavailable, e.g. MemEnv or too many watches).
  static Result<std::unique_ptr<HotFolder>> Open(const HotFolderOptions& options,
                                                 Env* env = Env::Default());
  virtual ~HotFolder() = default;
  // Rescans now (non-blocking) and returns files that became ready since they were last returned,
  // oldest modification first then by name. A file is returned once; it is returned again only if
  // it is still in the folder after Forget(path) or in a new HotFolder (a restart). A file that
  // leaves the folder is forgotten, so a new file later given the same name is returned again.
  // Fails (kNotFound, kIoError) when the folder cannot be listed.
  virtual Result<std::vector<std::string>> Poll() = 0;
  // Blocks until at least one file is ready, timeout_ms passes, *cancel becomes true or Wake() is
  // called; returns what Poll() would (possibly empty: a cancel or timeout is not an error).
  // timeout_ms < 0 waits without limit. `cancel` may be null; it is checked at least every 100 ms.
  // A Wake() that arrives while nobody waits makes the next WaitReady() return at once.
  virtual Result<std::vector<std::string>> WaitReady(int timeout_ms,
                                                     const std::atomic<bool>* cancel) = 0;
  // Moves a processed file into done/ (keeping its name; "name-1.pdf", "name-2.pdf"... when taken)
  // and returns the new path. Atomic rename on the same filesystem; never replaces a file already
  // in done/ (recreated if it was removed). kNotFound when the file is gone; on any failure the
  // file stays where it was.
  virtual Result<std::string> MoveToDone(const std::string& path) = 0;
  // Writes "<new name>.error.txt" (atomically: what failed, the status code and message, when) and
  // then moves the file into failed/. Returns the new path of the file. A crash between the two
  // steps leaves the file in the folder (to be taken again) and an orphaned .error.txt in failed/.
  virtual Result<std::string> MoveToFailed(const std::string& path, const Status& why) = 0;
  virtual void Forget(const std::string& path) = 0;  // it may be returned again
  virtual void Wake() = 0;

  // True while inotify watches the folder (false: polling every poll_ms only).
  virtual bool UsesInotify() const = 0;
};

}  // namespace chartscan::capture
