// Linux side of the hot folder: an inotify watch on the folder and an eventfd for Wake(), waited
// on together with poll(2); plus renameat2(RENAME_NOREPLACE) so a move into done/ or failed/ can
// never replace a file already there.
//
// Subfolder events (IN_ISDIR) are dropped. A watch on a folder that is removed or renamed ends
// (IN_IGNORED); the HotFolder then polls and calls Rewatch() after each successful scan.
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hot_folder_watch.h"

namespace chartscan::capture {
namespace {

constexpr std::uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY |
                                     IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF |
                                     IN_ONLYDIR | IN_EXCL_UNLINK;

std::string ErrnoText(int err) { return std::generic_category().message(err); }

std::string Parent(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void SyncFolder(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  static_cast<void>(::fsync(fd));
  ::close(fd);
}

class InotifyWaiter final : public Waiter {
 public:
  InotifyWaiter(std::string dir, int inotify_fd, int event_fd)
      : dir_(std::move(dir)), inotify_fd_(inotify_fd), event_fd_(event_fd) {
    Rewatch();
  }
  ~InotifyWaiter() override {
    ::close(inotify_fd_);
    ::close(event_fd_);
  }

  WaitOutcome Wait(int timeout_ms, std::vector<WatchEvent>* events) override {
    std::array<pollfd, 2> fds{};
    fds[0] = {event_fd_, POLLIN, 0};
    fds[1] = {inotify_fd_, POLLIN, 0};
    WaitOutcome outcome;
    int n = ::poll(fds.data(), fds.size(), timeout_ms < 0 ? 0 : timeout_ms);
    if (n <= 0) return outcome;  // timeout, or EINTR: the caller loops and recomputes its wait
    if (fds[0].revents & POLLIN) {
      std::uint64_t count = 0;
      while (::read(event_fd_, &count, sizeof count) < 0 && errno == EINTR) {
      }
      outcome.woken = true;
    }
    if (fds[1].revents & POLLIN) ReadEvents(events, &outcome);
    return outcome;
  }

  WaitOutcome Drain(std::vector<WatchEvent>* events) override {
    WaitOutcome outcome;
    ReadEvents(events, &outcome);
    return outcome;
  }

  void Wake() override {
    std::uint64_t one = 1;
    while (::write(event_fd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }

  bool watching() const override { return watch_ >= 0; }

  void Rewatch() override {
    if (watch_ >= 0) return;
    watch_ = ::inotify_add_watch(inotify_fd_, dir_.c_str(), kWatchMask);
  }

 private:
  void ReadEvents(std::vector<WatchEvent>* events, WaitOutcome* outcome) {
    alignas(inotify_event) std::array<char, 16 * 1024> buf;
    for (;;) {
      ssize_t len = ::read(inotify_fd_, buf.data(), buf.size());
      if (len < 0 && errno == EINTR) continue;
      if (len <= 0) return;  // EAGAIN: nothing more pending
      for (ssize_t off = 0; off < len;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf.data() + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        if (ev->mask & IN_Q_OVERFLOW) outcome->overflow = true;
        if (ev->wd != watch_) continue;  // a watch we already dropped
        if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
          // The folder went away or moved: the path no longer names what we watch.
          if (!(ev->mask & IN_IGNORED)) ::inotify_rm_watch(inotify_fd_, watch_);
          watch_ = -1;
          outcome->overflow = true;  // whatever happens next is only seen by scans
          continue;
        }
        if (ev->len == 0 || (ev->mask & IN_ISDIR)) continue;
        WatchEvent event;
        event.name = ev->name;  // NUL-terminated (padded) by the kernel
        if (ev->mask & IN_CLOSE_WRITE) {
          event.kind = WatchEventKind::kClosed;
        } else if (ev->mask & IN_MOVED_TO) {
          event.kind = WatchEventKind::kMovedIn;
        } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
          event.kind = WatchEventKind::kGone;
        } else if (ev->mask & (IN_CREATE | IN_MODIFY)) {
          event.kind = WatchEventKind::kChanged;
        } else {
          continue;
        }
        events->push_back(std::move(event));
      }
    }
  }

  const std::string dir_;
  const int inotify_fd_;
  const int event_fd_;
  int watch_ = -1;
};

}  // namespace

std::unique_ptr<Waiter> NewInotifyWaiter(const std::string& dir, Status* why) {
  int inotify_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0) {
    *why = Status::Unavailable(dir + ": inotify: " + ErrnoText(errno));
    return nullptr;
  }
  int event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd < 0) {
    *why = Status::Unavailable(dir + ": eventfd: " + ErrnoText(errno));
    ::close(inotify_fd);
    return nullptr;
  }
  return std::make_unique<InotifyWaiter>(dir, inotify_fd, event_fd);
}

Status RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    int err = errno;
    switch (err) {
      case EEXIST:
        return Status::AlreadyExists(to + ": exists");
      case EINVAL:
      case ENOSYS:
      case ENOTSUP:
        return Status::Unsupported(to + ": rename without replacing is not supported here");
      case ENOENT:
        return Status::NotFound(from);
      default:
        return Status::IoError(from + ": cannot move to " + to + ": " + ErrnoText(err));
    }
  }
  SyncFolder(Parent(to));
  SyncFolder(Parent(from));
  return Status::Ok();
}

Result<bool> SameFilesystem(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  if (::stat(a.c_str(), &sa) != 0) return Status::IoError(a + ": " + ErrnoText(errno));
  if (::stat(b.c_str(), &sb) != 0) return Status::IoError(b + ": " + ErrnoText(errno));
  return sa.st_dev == sb.st_dev;
}

}  // namespace chartscan::capture
