// The hot folder: deciding when a file dropped by a printer is complete.
//
// Nothing a printer does says "this file is finished" reliably across SMB, FTP and local writers:
// some write the final name from the first byte, some create an empty file and fill it later,
// some pause between pages. So a file is ready when it has settled: its size and modification time
// have not changed, as seen by us, for settle_ms (timed with env->NowMicros() when the change was
// observed, never by comparing the file's mtime with our clock, because a file server's clock may
// differ). inotify gives two stronger signals when the writer is on this machine or on the server
// that hosts the share: IN_CLOSE_WRITE (the writer closed it) and IN_MOVED_TO (an atomic rename
// into place, the usual "write temp, rename when done"); after either, closed_settle_ms without
// change is enough. closed_settle_ms is still a wait, not zero, because SMB servers close and
// reopen a file between chunks. IN_MODIFY restarts the settle even when the server keeps the mtime
// fixed (Samba's "sticky" write time after a client sets it). An empty file always waits the full
// settle_ms: printers create the file first and fill it afterwards.
//
// Polling stays as the safety net: a rescan every poll_ms catches what inotify cannot see (writes
// by other clients of a network mount, a dropped event queue, a watch limit reached, MemEnv). A
// temporary name is tracked like any file but never returned; when it disappears in the same scan
// in which a new name appears with the same size and mtime, that is a rename, and the final name
// keeps the temporary's settle history and counts as moved in.
//
// On restart nothing is remembered: a non-empty file already in the folder whose mtime is older
// than settle_ms is ready at once, any other waits to settle. Files leave only by an atomic rename
// into done/ or failed/, so every file is always in exactly one of the three folders.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <chartscan/capture/hot_folder.h>

#include "hot_folder_watch.h"

namespace chartscan::capture {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();
constexpr int kCancelCheckMs = 100;
constexpr int kMaxNumberedNames = 10'000;

std::string TrimSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string BaseName(const std::string& path) {
  std::string p = TrimSlashes(path);
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string ParentOf(const std::string& path) {
  std::string p = TrimSlashes(path);
  auto slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Our own reports, never input.
bool IsErrorReport(const std::string& name) { return EndsWith(Lower(name), ".error.txt"); }

// Names that writers use while a file is incomplete, and hidden names (rsync and some FTP servers
// write ".name.XXXXXX"). Tracked for renames, never returned.
bool IsTemporaryName(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '~' || name.back() == '~') return true;
  std::string lower = Lower(name);
  for (std::string_view ext : {".tmp", ".part", ".partial", ".crdownload", ".filepart", ".swp"}) {
    if (EndsWith(lower, ext)) return true;
  }
  return false;
}

// "scan.pdf", n=2 -> "scan-2.pdf"; "scan" -> "scan-2".
std::string NumberedName(const std::string& name, int n) {
  if (n == 0) return name;
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return name + "-" + std::to_string(n);
  return name.substr(0, dot) + "-" + std::to_string(n) + name.substr(dot);
}

std::string FormatUtc(std::int64_t micros) {
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string millis = std::to_string(1000 + (micros / 1000) % 1000).substr(1);  // zero-padded
  return std::string(buf, n) + "." + millis + "Z";
}

class SleepingWaiter final : public Waiter {
 public:
  WaitOutcome Wait(int timeout_ms, std::vector<WatchEvent>*) override {
    std::unique_lock lock(mu_);
    WaitOutcome outcome;
    outcome.woken = cv_.wait_for(lock, std::chrono::milliseconds(std::max(0, timeout_ms)),
                                 [this] { return woken_; });
    woken_ = false;
    return outcome;
  }
  WaitOutcome Drain(std::vector<WatchEvent>*) override { return {}; }
  void Wake() override {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }
  bool watching() const override { return false; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
};

// What we know of one name in the folder.
struct Entry {
  bool seen = false;       // listed by a scan: size and mtime are known
  bool temporary = false;  // tracked for renames, never returned
  bool returned = false;
  bool event_since_scan = false;  // inotify reported on it since the last scan
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::int64_t changed_at = 0;      // our clock when the last change was observed
  std::int64_t closed_at = kNever;  // closed after writing / moved in, with no change since
};

struct Vanished {
  std::uint64_t size;
  std::int64_t mtime;
  std::int64_t changed_at;
};

class HotFolderImpl final : public HotFolder {
 public:
  HotFolderImpl(const HotFolderOptions& options, Env* env, std::string dir, std::string done,
                std::string failed, std::unique_ptr<Waiter> waiter)
      : options_(options),
        env_(env),
        dir_(std::move(dir)),
        done_(std::move(done)),
        failed_(std::move(failed)),
        waiter_(std::move(waiter)),
        settle_(std::int64_t{options.settle_ms} * 1000),
        closed_settle_(std::int64_t{options.closed_settle_ms} * 1000) {}

  Status Start() {
    // The watch is in place before the first listing, so nothing written in between is missed.
    return Scan(/*initial=*/true);
  }

  Result<std::vector<std::string>> Poll() override {
    ApplyEvents(waiter_->Drain(&events_));
    CHARTSCAN_RETURN_IF_ERROR(Scan(/*initial=*/false));
    return Collect();
  }

  Result<std::vector<std::string>> WaitReady(int timeout_ms,
                                             const std::atomic<bool>* cancel) override {
    const auto start = SteadyClock::now();
    const auto deadline = start + std::chrono::milliseconds(timeout_ms);
    auto Cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(std::vector<std::string> ready, Poll());
      if (!ready.empty() || Cancelled()) return ready;
      // Events update what we know without a rescan; rescan when poll_ms has passed, when a file
      // may have become ready, or when events were lost.
      const auto scan_due = SteadyClock::now() + std::chrono::milliseconds(options_.poll_ms);
      for (bool just_scanned = true;; just_scanned = false) {
        const auto now = SteadyClock::now();
        if (timeout_ms >= 0 && now >= deadline) return Poll();
        if (now >= scan_due) break;
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(scan_due - now);
        if (timeout_ms >= 0) {
          wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
        }
        if (cancel != nullptr) wait = std::min(wait, std::chrono::milliseconds(kCancelCheckMs));
        std::int64_t until_ready = MicrosUntilMaybeReady();
        // Right after a scan nothing should be due; if something is (a file that lists as empty but
        // is no regular file), wait a little rather than spin.
        if (until_ready <= 0 && !just_scanned) break;
        until_ready = std::clamp<std::int64_t>(until_ready, 10'000, 3'600'000'000);
        wait = std::min<std::chrono::milliseconds>(
            wait, std::chrono::milliseconds((until_ready + 999) / 1000));
        WaitOutcome outcome =
            waiter_->Wait(static_cast<int>(std::max<std::int64_t>(1, wait.count())), &events_);
        ApplyEvents(outcome);
        if (outcome.woken || Cancelled()) return Poll();
        if (outcome.overflow) break;
      }
    }
  }

  Result<std::string> MoveToDone(const std::string& path) override {
    return MoveInto(done_, path, nullptr);
  }

  Result<std::string> MoveToFailed(const std::string& path, const Status& why) override {
    return MoveInto(failed_, path, &why);
  }

  void Forget(const std::string& path) override {
    if (!InFolder(path)) return;
    auto it = entries_.find(BaseName(path));
    if (it != entries_.end()) it->second.returned = false;
  }

  void Wake() override { waiter_->Wake(); }

  bool UsesInotify() const override { return waiter_->watching(); }

 private:
  bool InFolder(const std::string& path) const { return ParentOf(path) == dir_; }

  Entry& Track(const std::string& name) {
    auto [it, inserted] = entries_.try_emplace(name);
    if (inserted) it->second.temporary = IsTemporaryName(name);
    return it->second;
  }

  void ApplyEvents(const WaitOutcome& outcome) {
    const std::int64_t now = env_->NowMicros();
    for (const WatchEvent& event : events_) {
      if (IsErrorReport(event.name)) continue;
      switch (event.kind) {
        case WatchEventKind::kChanged: {
          Entry& e = Track(event.name);
          e.changed_at = now;
          e.closed_at = kNever;
          e.event_since_scan = true;
          break;
        }
        case WatchEventKind::kClosed: {
          bool known = entries_.count(event.name) > 0;
          Entry& e = Track(event.name);
          if (!known) e.changed_at = now;
          e.closed_at = now;
          e.event_since_scan = true;
          break;
        }
        case WatchEventKind::kMovedIn: {
          // Whatever had this name before has been replaced: a new file.
          Forgotten(event.name);
          Entry& e = Track(event.name);
          e.changed_at = now;
          e.closed_at = now;
          e.event_since_scan = true;
          break;
        }
        case WatchEventKind::kGone:
          Forgotten(event.name);
          break;
      }
    }
    events_.clear();
    if (outcome.overflow) {
      // Events were dropped: a close we recorded may have been followed by writes we never heard
      // of. Only what scans see counts until new events arrive.
      for (auto& [name, e] : entries_) {
        e.closed_at = kNever;
        e.event_since_scan = false;
      }
    }
  }

  // Drops a name, keeping what a rename match needs.
  void Forgotten(const std::string& name) {
    auto it = entries_.find(name);
    if (it == entries_.end()) return;
    const Entry& e = it->second;
    if (e.seen && !e.returned && e.size > 0) vanished_.push_back({e.size, e.mtime, e.changed_at});
    entries_.erase(it);
  }

  Status Scan(bool initial) {
    auto listing = env_->ListDir(dir_);
    if (!listing.ok()) {
      if (listing.status().code() == StatusCode::kNotFound) {
        return Status::NotFound("hot folder " + dir_ + " does not exist");
      }
      return listing.status().WithContext("hot folder " + dir_);
    }
    const std::int64_t now = env_->NowMicros();
    std::set<std::string> listed;
    std::vector<std::string> first_seen;
    for (const FileInfo& info : *listing) {
      if (info.is_directory) continue;
      std::string name = BaseName(info.path);
      if (name.empty() || IsErrorReport(name)) continue;
      listed.insert(name);
      Entry& e = Track(name);
      const bool changed = !e.seen || e.size != info.size || e.mtime != info.modified_micros;
      if (changed && !e.event_since_scan) {
        // A change inotify did not report (polling, a remote writer): time it from now, and any
        // close we heard of came before it.
        e.changed_at = now;
        e.closed_at = kNever;
        if (!e.seen && initial && info.size > 0 && info.modified_micros <= now - settle_) {
          e.changed_at = info.modified_micros;  // untouched for settle_ms before we started
        }
      }
      if (!e.seen && !initial) first_seen.push_back(name);
      e.seen = true;
      e.size = info.size;
      e.mtime = info.modified_micros;
      e.event_since_scan = false;
      // The system clock went back: restart the wait rather than stall until it catches up.
      e.changed_at = std::min(e.changed_at, now);
      if (e.closed_at != kNever) e.closed_at = std::min(e.closed_at, now);
    }
    std::vector<std::string> gone;
    for (const auto& [name, e] : entries_) {
      if (!listed.count(name)) gone.push_back(name);
    }
    for (const std::string& name : gone) Forgotten(name);
    MatchRenames(first_seen, now);
    if (!waiter_->watching()) waiter_->Rewatch();
    return Status::Ok();
  }

  // A name that vanished and a new one with the same size and mtime, both since the last scan:
  // a rename (typically temporary -> final), which is how writers say they are done.
  void MatchRenames(const std::vector<std::string>& first_seen, std::int64_t now) {
    for (const std::string& name : first_seen) {
      Entry& e = entries_.at(name);
      if (e.temporary || e.size == 0) continue;
      const Vanished* match = nullptr;
      int matches = 0;
      for (const Vanished& v : vanished_) {
        if (v.size == e.size && v.mtime == e.mtime) {
          match = &v;
          ++matches;
        }
      }
      if (matches != 1) continue;
      e.changed_at = std::min(e.changed_at, match->changed_at);
      if (e.closed_at == kNever) e.closed_at = now;
    }
    vanished_.clear();
  }

  // Our clock time from which `e` may be ready (it may still change before then).
  std::int64_t MaybeReadyAt(const Entry& e) const {
    std::int64_t at = e.changed_at + settle_;
    if (e.closed_at != kNever && (e.size > 0 || !e.seen)) {
      at = std::min(at, std::max(e.changed_at, e.closed_at) + closed_settle_);
    }
    return at;
  }

  std::int64_t MicrosUntilMaybeReady() {
    std::int64_t until = std::numeric_limits<std::int64_t>::max();
    const std::int64_t now = env_->NowMicros();
    for (const auto& [name, e] : entries_) {
      if (e.temporary || e.returned) continue;
      until = std::min(until, MaybeReadyAt(e) - now);
    }
    return until;
  }

  std::vector<std::string> Collect() {
    const std::int64_t now = env_->NowMicros();
    std::vector<std::pair<std::int64_t, std::string>> ready;
    for (auto& [name, e] : entries_) {
      if (!e.seen || e.temporary || e.returned || MaybeReadyAt(e) > now) continue;
      if (e.size == 0 && !env_->Stat(JoinPath(dir_, name)).ok()) {
        // Not a regular file after all (a FIFO or socket lists as empty): look again later.
        e.changed_at = now;
        continue;
      }
      ready.emplace_back(e.mtime, name);
    }
    std::sort(ready.begin(), ready.end());
    std::vector<std::string> paths;
    paths.reserve(ready.size());
    for (auto& [mtime, name] : ready) {
      entries_.at(name).returned = true;
      paths.push_back(JoinPath(dir_, name));
    }
    return paths;
  }

  Status RenameWithoutReplacing(const std::string& from, const std::string& to) {
    if (env_ == Env::Default()) {
      Status status = RenameNoReplace(from, to);
      if (status.code() != StatusCode::kUnsupported) return status;
    }
    // Only this process moves files into done/ and failed/; the check and the rename are not one
    // step, but nobody else takes names there.
    if (env_->Exists(to)) return Status::AlreadyExists(to + ": exists");
    return env_->Rename(from, to);
  }

  std::string ErrorReport(const std::string& path, const std::string& moved_to,
                          const Status& why) const {
    std::string report;
    report += "file: " + path + "\n";
    report += "moved to: " + moved_to + "\n";
    report += "when: " + FormatUtc(env_->NowMicros()) + "\n";
    report += "code: " + std::string(StatusCodeName(why.code())) + "\n";
    report += "message: " + why.message() + "\n";
    return report;
  }

  Result<std::string> MoveInto(const std::string& target_dir, const std::string& path,
                               const Status* why) {
    auto info = env_->Stat(path);
    if (!info.ok()) return info.status();
    if (info->is_directory) return Status::InvalidArgument(path + ": is a folder, not a file");
    const std::string name = BaseName(path);
    // Recreated if someone removed it since Open.
    CHARTSCAN_RETURN_IF_ERROR(env_->CreateDirs(target_dir));
    for (int n = 0; n < kMaxNumberedNames; ++n) {
      const std::string target = JoinPath(target_dir, NumberedName(name, n));
      const std::string report = target + ".error.txt";
      if (env_->Exists(target) || (why != nullptr && env_->Exists(report))) continue;
      if (why != nullptr) {
        Status written = env_->WriteFileAtomic(report, ErrorReport(path, target, *why));
        if (!written.ok()) return written.WithContext("writing the error report for " + path);
      }
      Status moved = RenameWithoutReplacing(path, target);
      if (moved.ok()) {
        if (InFolder(path)) entries_.erase(name);
        return target;
      }
      // Best effort: the report describes a move that did not happen. If it stays (a failed
      // remove), it is an orphan beside no file, which the next attempt steps around.
      if (why != nullptr) static_cast<void>(env_->Remove(report));
      if (moved.code() != StatusCode::kAlreadyExists) {
        return moved.WithContext("moving " + path + " to " + target);
      }
    }
    return Status::AlreadyExists(path + ": no free name in " + target_dir + " after " +
                                 std::to_string(kMaxNumberedNames) + " tries");
  }

  const HotFolderOptions options_;
  Env* const env_;
  const std::string dir_;
  const std::string done_;
  const std::string failed_;
  const std::unique_ptr<Waiter> waiter_;
  const std::int64_t settle_;
  const std::int64_t closed_settle_;
  std::map<std::string, Entry> entries_;
  std::vector<Vanished> vanished_;  // since the last scan, for rename matching
  std::vector<WatchEvent> events_;  // scratch, reused
};

bool IsDotName(const std::string& path) {
  std::string p = TrimSlashes(path);
  return p == "." || p == "..";
}

}  // namespace

std::unique_ptr<Waiter> NewSleepingWaiter() { return std::make_unique<SleepingWaiter>(); }

Status HotFolderOptions::Validate() const {
  if (dir.empty()) return Status::InvalidArgument("hot folder: dir is not set");
  if (settle_ms <= 0) return Status::InvalidArgument("hot folder: settle_ms must be positive");
  if (closed_settle_ms < 0 || closed_settle_ms > settle_ms) {
    return Status::InvalidArgument("hot folder: closed_settle_ms must be in [0, settle_ms]");
  }
  if (poll_ms <= 0) return Status::InvalidArgument("hot folder: poll_ms must be positive");
  if (done_dir.empty() || failed_dir.empty() || IsDotName(done_dir) || IsDotName(failed_dir)) {
    return Status::InvalidArgument("hot folder: done_dir and failed_dir must name subfolders");
  }
  if (TrimSlashes(done_dir) == TrimSlashes(failed_dir)) {
    return Status::InvalidArgument("hot folder: done_dir and failed_dir must differ");
  }
  return Status::Ok();
}

Result<std::unique_ptr<HotFolder>> HotFolder::Open(const HotFolderOptions& options, Env* env) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  if (env == nullptr) return Status::InvalidArgument("hot folder: env is null");
  const std::string dir = TrimSlashes(options.dir);
  auto info = env->Stat(dir);
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("hot folder " + dir + " does not exist");
    }
    return info.status().WithContext("hot folder " + dir);
  }
  if (!info->is_directory) return Status::InvalidArgument("hot folder " + dir + " is not a folder");

  auto resolve = [&dir](const std::string& sub) {
    return TrimSlashes(sub[0] == '/' ? sub : JoinPath(dir, sub));
  };
  const std::string done = resolve(options.done_dir);
  const std::string failed = resolve(options.failed_dir);
  for (const std::string* sub : {&done, &failed}) {
    if (*sub == dir || *sub == ParentOf(dir)) {
      return Status::InvalidArgument("hot folder " + dir + ": " + *sub +
                                     " cannot hold processed files");
    }
    CHARTSCAN_RETURN_IF_ERROR(env->CreateDirs(*sub));
  }

  std::unique_ptr<Waiter> waiter;
  if (env == Env::Default()) {
    // Moves must be renames, which only stay atomic within one filesystem.
    for (const std::string* sub : {&done, &failed}) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool same, SameFilesystem(dir, *sub));
      if (!same) {
        return Status::InvalidArgument("hot folder " + dir + ": " + *sub +
                                       " is on another filesystem (moves must be renames)");
      }
    }
    if (options.use_inotify) {
      Status why;
      waiter = NewInotifyWaiter(dir, &why);  // null: fall back to polling
    }
  }
  if (waiter == nullptr) waiter = NewSleepingWaiter();

  auto folder = std::make_unique<HotFolderImpl>(options, env, dir, done, failed, std::move(waiter));
  CHARTSCAN_RETURN_IF_ERROR(folder->Start());
  return std::unique_ptr<HotFolder>(std::move(folder));
}

}  // namespace chartscan::capture
