#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <chartscan/models/env.h>

namespace chartscan {
namespace {

std::string Normalize(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string Parent(const std::string& p) {
  auto pos = p.rfind('/');
  if (pos == std::string::npos) return "";
  return pos == 0 ? "/" : p.substr(0, pos);
}

}  // namespace

struct MemEnv::State {
  std::mutex mu;
  std::map<std::string, std::pair<std::string, std::int64_t>> files;  // data, mtime
  std::set<std::string> dirs{"", "/", "."};
  std::int64_t now = 1'700'000'000'000'000;
};

MemEnv::MemEnv() : state_(std::make_unique<State>()) {}
MemEnv::~MemEnv() = default;

Result<std::string> MemEnv::ReadFile(const std::string& path, std::uint64_t max_bytes) {
  std::lock_guard lock(state_->mu);
  auto it = state_->files.find(Normalize(path));
  if (it == state_->files.end()) {
    if (state_->dirs.count(Normalize(path)))
      return Status::InvalidArgument(path + ": is a directory");
    return Status::NotFound(path);
  }
  if (it->second.first.size() > max_bytes) return Status::TooLarge(path + ": exceeds the limit");
  return it->second.first;
}

Status MemEnv::WriteFileAtomic(const std::string& path, std::string_view data) {
  std::lock_guard lock(state_->mu);
  std::string p = Normalize(path);
  if (!state_->dirs.count(Parent(p))) return Status::NotFound(Parent(p));
  state_->files[p] = {std::string(data), state_->now};
  return Status::Ok();
}

Result<FileInfo> MemEnv::Stat(const std::string& path) {
  std::lock_guard lock(state_->mu);
  std::string p = Normalize(path);
  if (state_->dirs.count(p)) return FileInfo{p, true, 0, state_->now};
  auto it = state_->files.find(p);
  if (it == state_->files.end()) return Status::NotFound(path);
  return FileInfo{p, false, it->second.first.size(), it->second.second};
}

bool MemEnv::Exists(const std::string& path) {
  std::lock_guard lock(state_->mu);
  std::string p = Normalize(path);
  return state_->dirs.count(p) || state_->files.count(p);
}

Result<std::vector<FileInfo>> MemEnv::ListDir(const std::string& path) {
  std::lock_guard lock(state_->mu);
  std::string p = Normalize(path);
  if (!state_->dirs.count(p)) return Status::NotFound(path);
  std::vector<FileInfo> out;
  for (const auto& d : state_->dirs) {
    if (d != p && !d.empty() && Parent(d) == p) out.push_back({d, true, 0, state_->now});
  }
  for (const auto& [f, v] : state_->files) {
    if (Parent(f) == p) out.push_back({f, false, v.first.size(), v.second});
  }
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Status MemEnv::CreateDirs(const std::string& path) {
  std::lock_guard lock(state_->mu);
  for (std::string p = Normalize(path); !p.empty() && p != "/"; p = Parent(p)) {
    if (state_->files.count(p)) return Status::AlreadyExists(p + ": is a file");
    state_->dirs.insert(p);
  }
  return Status::Ok();
}

Status MemEnv::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(state_->mu);
  auto it = state_->files.find(Normalize(from));
  if (it == state_->files.end()) return Status::NotFound(from);
  if (!state_->dirs.count(Parent(Normalize(to)))) return Status::NotFound(Parent(to));
  auto value = std::move(it->second);
  state_->files.erase(it);
  state_->files[Normalize(to)] = std::move(value);
  return Status::Ok();
}

Status MemEnv::Remove(const std::string& path) {
  std::lock_guard lock(state_->mu);
  std::string p = Normalize(path);
  if (state_->files.erase(p)) return Status::Ok();
  if (state_->dirs.count(p)) {
    for (const auto& [f, v] : state_->files) {
      if (Parent(f) == p) return Status::IoError(path + ": directory not empty");
    }
    state_->dirs.erase(p);
  }
  return Status::Ok();
}

std::int64_t MemEnv::NowMicros() {
  std::lock_guard lock(state_->mu);
  return state_->now;
}

void MemEnv::SetNowMicros(std::int64_t now) {
  std::lock_guard lock(state_->mu);
  state_->now = now;
}

void MemEnv::AdvanceMicros(std::int64_t delta) {
  std::lock_guard lock(state_->mu);
  state_->now += delta;
}

}  // namespace chartscan
