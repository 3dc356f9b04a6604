// Env: the filesystem and clock as seen by chartscan.
//
// Stages that touch files or time do so through an Env so tests can substitute an in-memory fake
// (MemEnv) and so every OS error becomes a Status naming the path. Env::Default() is backed by
// std::filesystem and the system clock.
//
// Thread safety: every Env implementation must be safe for concurrent use from many threads.
// Errors: every method returns a Status/Result; none throws for an OS failure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/status.h>

namespace chartscan {

struct FileInfo {
  std::string path;
  bool is_directory = false;
  std::uint64_t size = 0;
  std::int64_t modified_micros = 0;  // last modification, microseconds since the epoch
};

class Env {
 public:
  virtual ~Env() = default;

  // Whole file contents. Fails with kTooLarge (without reading) if the file exceeds max_bytes.
  virtual Result<std::string> ReadFile(const std::string& path,
                                       std::uint64_t max_bytes = UINT64_MAX) = 0;
  // Writes data to path durably and atomically: to a temporary name in the same directory,
  // fsync, rename over path, fsync the directory. A crash leaves either the old or the new file.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data) = 0;
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Direct children of a directory, sorted by name.
  virtual Result<std::vector<FileInfo>> ListDir(const std::string& path) = 0;
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual std::int64_t NowMicros() = 0;

  // The process-wide real Env. Never null; lives until exit.
  static Env* Default();
};

// An Env whose files live in memory and whose clock is set by hand; for tests.
class MemEnv final : public Env {
 public:
  MemEnv();
  ~MemEnv() override;
  Result<std::string> ReadFile(const std::string& path, std::uint64_t max_bytes) override;
  Status WriteFileAtomic(const std::string& path, std::string_view data) override;
  Result<FileInfo> Stat(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Result<std::vector<FileInfo>> ListDir(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  std::int64_t NowMicros() override;

  void SetNowMicros(std::int64_t now);
  void AdvanceMicros(std::int64_t delta);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace chartscan
