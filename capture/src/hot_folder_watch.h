// How a HotFolder waits, and the few OS calls the Env does not offer. Private to the capture stage:
// the inotify/eventfd code lives in hot_folder_inotify.cc and no OS type appears here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <chartscan/models/status.h>

namespace chartscan::capture {

enum class WatchEventKind {
  kChanged,  // created or written to (IN_CREATE, IN_MODIFY)
  kClosed,   // closed after writing (IN_CLOSE_WRITE)
  kMovedIn,  // renamed into the folder (IN_MOVED_TO)
  kGone,     // deleted or renamed away (IN_DELETE, IN_MOVED_FROM)
};

struct WatchEvent {
  WatchEventKind kind = WatchEventKind::kChanged;
  std::string name;  // file name within the folder
};

struct WaitOutcome {
  bool woken = false;     // Wake() was called
  bool overflow = false;  // the kernel dropped events: what was recorded from events is unreliable
};

// Thread safety: Wake() from any thread; the rest from the HotFolder's thread.
class Waiter {
 public:
  virtual ~Waiter() = default;
  // Blocks up to timeout_ms for folder events or a Wake() (consumed); appends events read.
  virtual WaitOutcome Wait(int timeout_ms, std::vector<WatchEvent>* events) = 0;
  // Reads pending events without blocking; a pending Wake() stays pending.
  virtual WaitOutcome Drain(std::vector<WatchEvent>* events) = 0;
  virtual void Wake() = 0;
  // True while folder events arrive (an inotify watch is in place).
  virtual bool watching() const = 0;
  // Tries to watch again after the watch was lost (folder removed and recreated, watch limit).
  virtual void Rewatch() {}
};

// Sleeps on a condition variable; sees no folder events. Portable; used with any Env.
std::unique_ptr<Waiter> NewSleepingWaiter();

// inotify on `dir` plus an eventfd for Wake(). Null (with *why set) when inotify or eventfd cannot
// be created; a watch that cannot be added yet (e.g. the per-user watch limit) leaves watching()
// false and is retried by Rewatch().
std::unique_ptr<Waiter> NewInotifyWaiter(const std::string& dir, Status* why);

// rename(2) that never replaces: kAlreadyExists when `to` exists, kUnsupported when the filesystem
// cannot do it (the caller falls back), else kNotFound/kIoError naming `from`. On success both
// folders are fsynced (best effort: a lost rename only means the file is taken again).
Status RenameNoReplace(const std::string& from, const std::string& to);

// Whether two existing paths are on one filesystem (so a rename between them is atomic).
Result<bool> SameFilesystem(const std::string& a, const std::string& b);

}  // namespace chartscan::capture
