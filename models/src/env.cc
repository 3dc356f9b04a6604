// Env::Default(): std::filesystem for files, POSIX for the fsyncs that make writes durable.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chartscan/models/env.h>

namespace chartscan {
namespace {

namespace fs = std::filesystem;

Status FromErrorCode(const std::error_code& ec, const std::string& path) {
  if (ec == std::errc::no_such_file_or_directory) return Status::NotFound(path);
  return Status::IoError(path + ": " + ec.message());
}

Status FromErrno(int err, const std::string& path) {
  return FromErrorCode(std::error_code(err, std::generic_category()), path);
}

std::int64_t ToMicros(fs::file_time_type t) {
  auto sys = std::chrono::file_clock::to_sys(t);
  return std::chrono::duration_cast<std::chrono::microseconds>(sys.time_since_epoch()).count();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FromErrno(errno, dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : FromErrno(err, dir);
}

class PosixEnv final : public Env {
 public:
  Result<std::string> ReadFile(const std::string& path, std::uint64_t max_bytes) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return FromErrno(errno, path);
    std::string data;
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return Status::InvalidArgument(path + ": is a directory");
      }
      if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        return Status::TooLarge(path + ": " + std::to_string(st.st_size) +
                                " bytes exceeds the limit of " + std::to_string(max_bytes));
      }
      data.reserve(static_cast<std::size_t>(st.st_size));
    }
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return FromErrno(err, path);
      }
      if (n == 0) break;
      data.append(buf, static_cast<std::size_t>(n));
      if (data.size() > max_bytes) {
        ::close(fd);
        return Status::TooLarge(path + ": exceeds the limit of " + std::to_string(max_bytes) +
                                " bytes");
      }
    }
    ::close(fd);
    return data;
  }

  Status WriteFileAtomic(const std::string& path, std::string_view data) override {
    fs::path target(path);
    std::string dir = target.parent_path().string();
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rng());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return FromErrno(errno, tmp);
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return FromErrno(err, path);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return FromErrno(err, path);
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return FromErrno(err, path);
    }
    return SyncDirectory(dir);
  }

  Result<FileInfo> Stat(const std::string& path) override {
    std::error_code ec;
    auto st = fs::status(path, ec);
    if (ec) return FromErrorCode(ec, path);
    FileInfo info;
    info.path = path;
    info.is_directory = fs::is_directory(st);
    if (!info.is_directory) {
      info.size = fs::file_size(path, ec);
      if (ec) return FromErrorCode(ec, path);
    }
    auto t = fs::last_write_time(path, ec);
    if (!ec) info.modified_micros = ToMicros(t);
    return info;
  }

  bool Exists(const std::string& path) override {
    std::error_code ec;
    return fs::exists(path, ec);
  }

  Result<std::vector<FileInfo>> ListDir(const std::string& path) override {
    std::error_code ec;
    fs::directory_iterator it(path, ec);
    if (ec) return FromErrorCode(ec, path);
    std::vector<FileInfo> out;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) return FromErrorCode(ec, path);
      FileInfo info;
      info.path = it->path().string();
      std::error_code ec2;
      info.is_directory = it->is_directory(ec2);
      if (!info.is_directory) info.size = it->file_size(ec2);
      auto t = it->last_write_time(ec2);
      if (!ec2) info.modified_micros = ToMicros(t);
      out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return out;
  }

  Status CreateDirs(const std::string& path) override {
    std::error_code ec;
    fs::create_directories(path, ec);
    return ec ? FromErrorCode(ec, path) : Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return FromErrno(errno, from);
    return SyncDirectory(fs::path(to).parent_path().string());
  }

  Status Remove(const std::string& path) override {
    std::error_code ec;
    if (!fs::remove(path, ec) && ec) return FromErrorCode(ec, path);
    return Status::Ok();
  }

  std::int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();  // never destroyed: usable from static destructors
  return env;
}

}  // namespace chartscan
