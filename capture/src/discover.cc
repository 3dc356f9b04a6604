// Walking input paths into the list of files to ingest.
//
// Folders are walked depth-first with each folder's entries in byte order of their names, so the
// same tree always gives the same list. Inside folders a file is taken for its extension, or, when
// the extension says nothing, for its magic bytes (scanners and fax servers write names such as
// "0001" or "page.001"). Hidden entries and the temporary names that copy tools and editors leave
// behind while a file is still being written are skipped, so a half-copied scan is not ingested.
#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>

#include <chartscan/capture/source.h>

namespace chartscan::capture {
namespace {

constexpr std::uint64_t kMaxSniffBytes = 64ull << 20;
constexpr int kMaxDepth = 32;
constexpr std::array<std::string_view, 12> kKnownExtensions = {
    "png", "jpg", "jpeg", "tif", "tiff", "pdf", "pnm", "pbm", "pgm", "ppm", "bmp", "webp"};

std::string BaseName(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string LowerExtension(const std::string& base) {
  auto dot = base.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  std::string ext = base.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool IsHidden(const std::string& base) { return !base.empty() && base[0] == '.'; }

bool IsTemporary(const std::string& base) {
  if (!base.empty() && base[0] == '~') return true;
  std::string ext = LowerExtension(base);
  return ext == "tmp" || ext == "part";
}

bool HasKnownExtension(const std::string& base) {
  std::string ext = LowerExtension(base);
  return std::find(kKnownExtensions.begin(), kKnownExtensions.end(), ext) != kKnownExtensions.end();
}

class Walker {
 public:
  Walker(Env& env, std::vector<Status>* problems) : env_(env), problems_(problems) {}

  void AddNamed(const std::string& path) {
    auto info = env_.Stat(path);
    if (!info.ok()) {
      Report(info.status());
      return;
    }
    if (info->is_directory) {
      Walk(path, 0);
    } else {
      Add(path);
    }
  }

  std::vector<std::string> Take() { return std::move(files_); }

 private:
  void Walk(const std::string& dir, int depth) {
    if (depth >= kMaxDepth) {
      Report(Status::Unsupported(dir + ": folders nested deeper than " + std::to_string(kMaxDepth) +
                                 " levels are not walked"));
      return;
    }
    auto listing = env_.ListDir(dir);
    if (!listing.ok()) {
      Report(listing.status());
      return;
    }
    std::vector<FileInfo> entries = std::move(listing).value();
    std::sort(entries.begin(), entries.end(), [](const FileInfo& a, const FileInfo& b) {
      return BaseName(a.path) < BaseName(b.path);
    });
    for (const FileInfo& entry : entries) {
      std::string base = BaseName(entry.path);
      if (base.empty() || IsHidden(base) || IsTemporary(base)) continue;
      if (entry.is_directory) {
        Walk(entry.path, depth + 1);
      } else if (HasKnownExtension(base) || HasImageMagic(entry)) {
        Add(entry.path);
      }
    }
  }

  bool HasImageMagic(const FileInfo& entry) {
    if (entry.size == 0 || entry.size > kMaxSniffBytes) return false;
    auto data = env_.ReadFile(entry.path, kMaxSniffBytes);
    if (!data.ok()) {
      // Not ours to judge yet: an unreadable file with an unknown name is simply not taken, but the
      // operator should know something in the folder could not be looked at.
      Report(data.status());
      return false;
    }
    return SniffKind(std::string_view(*data).substr(0, 1024)) != SourceKind::kUnknown;
  }

  void Add(const std::string& path) {
    if (seen_.insert(path).second) files_.push_back(path);
  }

  void Report(Status status) {
    if (problems_ != nullptr) problems_->push_back(std::move(status));
  }

  Env& env_;
  std::vector<Status>* problems_;
  std::vector<std::string> files_;
  std::set<std::string> seen_;
};

}  // namespace

std::vector<std::string> DiscoverFiles(Env& env, const std::vector<std::string>& paths,
                                       std::vector<Status>* problems) {
  Walker walker(env, problems);
  for (const std::string& path : paths) walker.AddNamed(path);
  return walker.Take();
}

}  // namespace chartscan::capture
