// Writing a release package and checking it against its manifest (see package.h for the layout).
//
// Documents of a chart are encoded on worker threads (a PDF page is a G4 or JPEG encode and a
// text layer: CPU-bound), then written in document order from the calling thread, so file order,
// the CSV and the manifest do not depend on thread timing.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include <chartscan/release/formats.h>
#include <chartscan/release/package.h>

#include "digest.h"

namespace chartscan::release {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kPendingManifest = ".manifest.json.pending";
constexpr int kManifestVersion = 1;

std::string Join(const std::string& dir, std::string_view rel) {
  if (dir.empty() || dir.back() == '/') return dir + std::string(rel);
  return dir + "/" + std::string(rel);
}

std::string ScopeKindName(ReleaseScope::Kind k) {
  switch (k) {
    case ReleaseScope::Kind::kChart:
      return "chart";
    case ReleaseScope::Kind::kBatch:
      return "batch";
    case ReleaseScope::Kind::kAll:
      break;
  }
  return "all";
}

// One document's encoded files, before they are written.
struct EncodedDocument {
  Status status;
  std::string pdf;
  std::string tiff;
  std::string hl7;
};

class PackageWriterImpl final : public PackageWriter {
 public:
  PackageWriterImpl(Env* env, std::string dir, std::vector<Format> formats, ReleaseOptions options)
      : env_(env), dir_(std::move(dir)), options_(std::move(options)) {
    for (Format f : formats) formats_.insert(f);
  }

  bool Has(Format f) const { return formats_.count(f) > 0; }

  Status AddChart(const ReleaseChart& chart) override {
    const bool continuation = !first_chart_ && chart.chart.chart_id == last_chart_;
    if (!first_chart_ && chart.chart.chart_id < last_chart_) {
      return Status::InvalidArgument("release: charts must come in ascending id order (chart " +
                                     std::to_string(chart.chart.chart_id) + " after " +
                                     std::to_string(last_chart_) + ")");
    }
    for (const ReleaseDocument& d : chart.documents) {
      if (d.pages.empty()) {
        return Status::InvalidArgument("release: document " + std::to_string(d.document_id) +
                                       " has no page to release");
      }
      if (continuation || &d != &chart.documents.front()) {
        if (d.document_id <= last_document_) {
          return Status::InvalidArgument("release: documents of chart " +
                                         std::to_string(chart.chart.chart_id) +
                                         " must come in ascending id order");
        }
      }
      if (!released_documents_.insert(d.document_id).second) {
        return Status::InvalidArgument("release: document " + std::to_string(d.document_id) +
                                       " was given twice");
      }
      last_document_ = d.document_id;
    }
    if (!continuation) CHARTSCAN_RETURN_IF_ERROR(FlushChart());
    if (!continuation) {
      pending_ = chart;
      pending_.documents.clear();
    }
    first_chart_ = false;
    last_chart_ = chart.chart.chart_id;

    std::vector<EncodedDocument> encoded = EncodeAll(chart);
    for (std::size_t i = 0; i < chart.documents.size(); ++i) {
      const ReleaseDocument& d = chart.documents[i];
      EncodedDocument& e = encoded[i];
      if (e.status.code() == StatusCode::kInvalidArgument ||
          e.status.code() == StatusCode::kCorrupt) {
        // A page that cannot be encoded (its stored image is damaged): the document is not
        // released rather than released without that page, and its pages say why.
        const std::string reason =
            "document " + std::to_string(d.document_id) + " not released: " + e.status.message();
        for (const ReleasePage& p : d.pages) Withhold(p.page_id, reason);
        unreleased_.push_back(d.document_id);
        continue;
      }
      CHARTSCAN_RETURN_IF_ERROR(e.status);
      DocumentFiles f;
      f.document_id = d.document_id;
      f.page_count = static_cast<int>(d.pages.size());
      ManifestDocument md;
      md.document_id = d.document_id;
      md.chart_id = chart.chart.chart_id;
      md.type = d.type.name;
      for (const ReleasePage& p : d.pages) md.page_ids.push_back(p.page_id);
      if (Has(Format::kPdf)) {
        f.pdf_path = DocumentFileName(d.document_id, Format::kPdf);
        f.pdf_size = e.pdf.size();
        f.pdf_sha1_base64 = Sha1Base64(e.pdf);
        CHARTSCAN_ASSIGN_OR_RETURN(f.pdf_sha256, Write(f.pdf_path, e.pdf));
        md.files.push_back(f.pdf_path);
      }
      if (Has(Format::kTiff)) {
        f.tiff_path = DocumentFileName(d.document_id, Format::kTiff);
        f.tiff_size = e.tiff.size();
        f.tiff_sha1_base64 = Sha1Base64(e.tiff);
        CHARTSCAN_ASSIGN_OR_RETURN(f.tiff_sha256, Write(f.tiff_path, e.tiff));
        md.files.push_back(f.tiff_path);
      }
      if (Has(Format::kHl7)) {
        f.hl7_path = DocumentFileName(d.document_id, Format::kHl7);
        CHARTSCAN_RETURN_IF_ERROR(Write(f.hl7_path, e.hl7).status());
        md.files.push_back(f.hl7_path);
      }
      documents_.push_back(std::move(md));
      pending_files_.push_back(std::move(f));
      // The chart's Bundle and CSV rows need the document's values, not its pixels.
      ReleaseDocument kept = d;
      kept.pages.clear();
      pending_.documents.push_back(std::move(kept));
      e = EncodedDocument{};  // free the bytes as soon as they are on disk
    }
    return Status::Ok();
  }

  const std::vector<std::int64_t>& unreleased_documents() const override { return unreleased_; }

  void Withhold(std::int64_t page_id, std::string reason) override {
    withheld_.push_back({page_id, std::move(reason)});
  }

  Result<Manifest> Finish(const ReleaseScope& scope, const std::string& release_id,
                          std::string* manifest_sha256) override {
    if (release_id.empty()) return Status::InvalidArgument("release: empty release id");
    CHARTSCAN_RETURN_IF_ERROR(FlushChart());
    if (Has(Format::kCsv)) {
      CHARTSCAN_RETURN_IF_ERROR(Write(std::string(kCsvFile), CsvHeader() + csv_).status());
    }
    std::sort(files_.begin(), files_.end(),
              [](const ManifestFile& a, const ManifestFile& b) { return a.path < b.path; });
    std::string sums;
    for (const ManifestFile& f : files_) sums += f.sha256 + "  " + f.path + "\n";
    CHARTSCAN_RETURN_IF_ERROR(Write(std::string(kChecksumsFile), sums).status());
    std::sort(files_.begin(), files_.end(),
              [](const ManifestFile& a, const ManifestFile& b) { return a.path < b.path; });

    Manifest m;
    m.release_id = release_id;
    m.scope = scope;
    for (Format f : kAllFormats) {
      if (Has(f)) m.formats.push_back(f);
    }
    m.documents = documents_;
    m.withheld = withheld_;
    std::sort(m.withheld.begin(), m.withheld.end(),
              [](const WithheldPage& a, const WithheldPage& b) { return a.page_id < b.page_id; });
    m.files = files_;
    const std::string text = EncodeManifest(m);
    if (manifest_sha256 != nullptr) *manifest_sha256 = Sha256Hex(text);
    CHARTSCAN_RETURN_IF_ERROR(env_->WriteFileAtomic(Join(dir_, kPendingManifest), text));
    finished_ = true;
    return m;
  }

  Status Commit() override {
    if (!finished_) return Status::InvalidArgument("release: Commit before Finish");
    return env_->Rename(Join(dir_, kPendingManifest), Join(dir_, kManifestFile));
  }

  static std::string EncodeManifest(const Manifest& m);

 private:
  // Writes the FHIR Bundle and CSV rows of the chart whose documents are all written.
  Status FlushChart() {
    if (pending_.documents.empty()) return Status::Ok();
    std::string fhir_path;
    if (Has(Format::kFhir)) {
      fhir_path = ChartFileName(pending_.chart.chart_id);
      CHARTSCAN_ASSIGN_OR_RETURN(std::string bundle,
                                 EncodeFhirBundle(pending_, pending_files_, options_));
      CHARTSCAN_RETURN_IF_ERROR(Write(fhir_path, bundle).status());
    }
    if (Has(Format::kCsv)) {
      for (std::size_t i = 0; i < pending_.documents.size(); ++i) {
        csv_ += CsvRow(pending_, pending_.documents[i], pending_files_[i], fhir_path);
      }
    }
    pending_ = ReleaseChart{};
    pending_files_.clear();
    return Status::Ok();
  }

  std::vector<EncodedDocument> EncodeAll(const ReleaseChart& chart) const {
    std::vector<EncodedDocument> out(chart.documents.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < out.size(); i = next++) {
        const ReleaseDocument& d = chart.documents[i];
        EncodedDocument& e = out[i];
        if (Has(Format::kPdf) || Has(Format::kHl7)) {
          Result<std::string> pdf = EncodePdf(chart, d, options_);
          if (!pdf.ok()) {
            e.status = pdf.status();
            continue;
          }
          e.pdf = std::move(*pdf);
        }
        if (Has(Format::kTiff)) {
          Result<std::string> tiff = EncodeTiff(d, options_);
          if (!tiff.ok()) {
            e.status = tiff.status();
            continue;
          }
          e.tiff = std::move(*tiff);
        }
        if (Has(Format::kHl7)) {
          Result<std::string> hl7 = EncodeHl7Mdm(chart, d, e.pdf, options_);
          if (!hl7.ok()) {
            e.status = hl7.status();
            continue;
          }
          e.hl7 = std::move(*hl7);
        }
        if (!Has(Format::kPdf)) e.pdf.clear();
      }
    };
    const unsigned threads =
        std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                        static_cast<unsigned>(chart.documents.size())));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    return out;
  }

  // Writes a file of the package and records it; returns its SHA-256.
  Result<std::string> Write(const std::string& rel, std::string_view bytes) {
    const std::string path = Join(dir_, rel);
    const std::size_t slash = path.rfind('/');
    if (slash != std::string::npos) {
      const std::string parent = path.substr(0, slash);
      if (made_dirs_.insert(parent).second) {
        CHARTSCAN_RETURN_IF_ERROR(env_->CreateDirs(parent));
      }
    }
    CHARTSCAN_RETURN_IF_ERROR(env_->WriteFileAtomic(path, bytes));
    ManifestFile f{rel, bytes.size(), Sha256Hex(bytes)};
    files_.push_back(f);
    return f.sha256;
  }

  Env* env_;
  std::string dir_;
  ReleaseOptions options_;
  std::set<Format> formats_;
  bool first_chart_ = true;
  std::int64_t last_chart_ = 0;
  std::int64_t last_document_ = 0;
  ReleaseChart pending_;  // the chart being written, its documents without pages
  std::vector<DocumentFiles> pending_files_;
  std::set<std::int64_t> released_documents_;
  std::set<std::string> made_dirs_;
  std::vector<ManifestDocument> documents_;
  std::vector<WithheldPage> withheld_;
  std::vector<std::int64_t> unreleased_;
  std::vector<ManifestFile> files_;
  std::string csv_;
  bool finished_ = false;
};

std::string PackageWriterImpl::EncodeManifest(const Manifest& m) {
  Json j;
  j["format"] = "chartscan-release";
  j["version"] = kManifestVersion;
  j["release_id"] = m.release_id;
  Json scope;
  scope["kind"] = ScopeKindName(m.scope.kind);
  if (m.scope.kind == ReleaseScope::Kind::kChart) scope["chart_id"] = m.scope.chart_id;
  if (m.scope.kind == ReleaseScope::Kind::kBatch) scope["batch_id"] = m.scope.batch_id;
  j["scope"] = scope;
  Json formats = Json::array();
  for (Format f : m.formats) formats.push_back(std::string(FormatName(f)));
  j["formats"] = formats;
  j["page_count"] = m.pages();
  Json docs = Json::array();
  for (const ManifestDocument& d : m.documents) {
    docs.push_back({{"document_id", d.document_id},
                    {"chart_id", d.chart_id},
                    {"type", d.type},
                    {"page_ids", d.page_ids},
                    {"files", d.files}});
  }
  j["documents"] = docs;
  Json withheld = Json::array();
  for (const WithheldPage& w : m.withheld) {
    withheld.push_back({{"page_id", w.page_id}, {"reason", w.reason}});
  }
  j["withheld_pages"] = withheld;
  Json files = Json::array();
  for (const ManifestFile& f : m.files) {
    files.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
  }
  j["files"] = files;
  return j.dump(1) + "\n";
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A relative path that stays inside the package.
bool SafeRelative(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string::npos ||
      p.find('\0') != std::string::npos) {
    return false;
  }
  std::stringstream parts(p);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

Result<Manifest> ParseManifest(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corrupt("the manifest is not JSON");
  }
  try {
    if (j.at("format") != "chartscan-release") {
      return Status::Corrupt("the manifest is not a chartscan release manifest");
    }
    if (j.at("version").get<int>() > kManifestVersion) {
      return Status::Corrupt("the manifest is of a newer version than this chartscan reads");
    }
    Manifest m;
    m.release_id = j.at("release_id").get<std::string>();
    const Json& scope = j.at("scope");
    const std::string kind = scope.at("kind").get<std::string>();
    if (kind == "chart") {
      m.scope.kind = ReleaseScope::Kind::kChart;
      m.scope.chart_id = scope.at("chart_id").get<std::int64_t>();
    } else if (kind == "batch") {
      m.scope.kind = ReleaseScope::Kind::kBatch;
      m.scope.batch_id = scope.at("batch_id").get<std::int64_t>();
    } else if (kind != "all") {
      return Status::Corrupt("the manifest's scope '" + kind + "' is unknown");
    }
    for (const Json& f : j.at("formats")) {
      std::optional<Format> format = ParseFormat(f.get<std::string>());
      if (!format) return Status::Corrupt("the manifest names an unknown format");
      m.formats.push_back(*format);
    }
    for (const Json& d : j.at("documents")) {
      ManifestDocument md;
      md.document_id = d.at("document_id").get<std::int64_t>();
      md.chart_id = d.at("chart_id").get<std::int64_t>();
      md.type = d.at("type").get<std::string>();
      md.page_ids = d.at("page_ids").get<std::vector<std::int64_t>>();
      md.files = d.at("files").get<std::vector<std::string>>();
      m.documents.push_back(std::move(md));
    }
    for (const Json& w : j.at("withheld_pages")) {
      m.withheld.push_back(
          {w.at("page_id").get<std::int64_t>(), w.at("reason").get<std::string>()});
    }
    for (const Json& f : j.at("files")) {
      m.files.push_back({f.at("path").get<std::string>(), f.at("size").get<std::uint64_t>(),
                         f.at("sha256").get<std::string>()});
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corrupt(std::string("the manifest is malformed: ") + e.what());
  }
}

// Every file under dir, relative, '/'-separated.
Status ListFiles(Env* env, const std::string& dir, const std::string& prefix,
                 std::vector<std::string>& out) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<FileInfo> entries, env->ListDir(dir));
  for (const FileInfo& e : entries) {
    std::string name = e.path;
    const std::size_t slash = name.rfind('/');
    if (slash != std::string::npos) name = name.substr(slash + 1);
    const std::string rel = prefix.empty() ? name : prefix + "/" + name;
    if (e.is_directory) {
      CHARTSCAN_RETURN_IF_ERROR(ListFiles(env, Join(dir, name), rel, out));
    } else {
      out.push_back(rel);
    }
  }
  return Status::Ok();
}

}  // namespace

std::string ReleaseScope::Describe() const {
  switch (kind) {
    case Kind::kChart:
      return "chart:" + std::to_string(chart_id);
    case Kind::kBatch:
      return "batch:" + std::to_string(batch_id);
    case Kind::kAll:
      break;
  }
  return "all";
}

std::int64_t Manifest::pages() const {
  std::int64_t n = 0;
  for (const ManifestDocument& d : documents) n += static_cast<std::int64_t>(d.page_ids.size());
  return n;
}

Result<std::unique_ptr<PackageWriter>> PackageWriter::Create(Env* env, std::string dir,
                                                             std::vector<Format> formats,
                                                             ReleaseOptions options) {
  if (formats.empty()) return Status::InvalidArgument("release: no format asked for");
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  if (dir.empty()) return Status::InvalidArgument("release: no target folder");
  if (env->Exists(dir)) {
    CHARTSCAN_ASSIGN_OR_RETURN(FileInfo info, env->Stat(dir));
    if (!info.is_directory) {
      return Status::AlreadyExists(dir + " exists and is not a folder");
    }
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<FileInfo> entries, env->ListDir(dir));
    if (!entries.empty()) {
      return Status::AlreadyExists(
          dir + " is not empty: a release is written into a new or empty folder");
    }
  }
  CHARTSCAN_RETURN_IF_ERROR(env->CreateDirs(dir));
  return std::unique_ptr<PackageWriter>(
      new PackageWriterImpl(env, std::move(dir), std::move(formats), std::move(options)));
}

namespace {

// The manifest and the SHA-256 of its bytes, from one read.
Result<Manifest> LoadManifest(Env* env, const std::string& dir, std::string* sha256) {
  const std::string path = Join(dir, kManifestFile);
  if (!env->Exists(path)) {
    return Status::NotFound(dir + " has no " + std::string(kManifestFile) +
                            ": it is not a release package, or its release did not finish");
  }
  CHARTSCAN_ASSIGN_OR_RETURN(std::string text, env->ReadFile(path, 1ull << 30));
  if (sha256 != nullptr) *sha256 = Sha256Hex(text);
  Result<Manifest> m = ParseManifest(text);
  if (!m.ok()) return Status::Corrupt(path + ": " + m.status().message());
  return m;
}

}  // namespace

Result<Manifest> ReadManifest(Env* env, const std::string& dir) {
  return LoadManifest(env, dir, nullptr);
}

Result<PackageCheck> VerifyPackage(Env* env, const std::string& dir) {
  PackageCheck check;
  CHARTSCAN_ASSIGN_OR_RETURN(Manifest m, LoadManifest(env, dir, &check.manifest_sha256));
  auto problem = [&](std::string p) { check.problems.push_back(std::move(p)); };

  std::map<std::string, const ManifestFile*> listed;
  for (const ManifestFile& f : m.files) {
    if (!SafeRelative(f.path)) {
      problem("the manifest lists a path outside the package: " + f.path);
      continue;
    }
    if (!IsHex64(f.sha256)) problem("the manifest's SHA-256 of " + f.path + " is malformed");
    if (!listed.emplace(f.path, &f).second) problem("the manifest lists " + f.path + " twice");
  }
  std::vector<std::string> present;
  CHARTSCAN_RETURN_IF_ERROR(ListFiles(env, dir, "", present));
  std::set<std::string> present_set(present.begin(), present.end());
  for (const std::string& p : present) {
    if (p == kManifestFile) continue;
    if (!listed.count(p)) problem(p + " is in the package but not in the manifest");
  }
  for (const auto& [path, f] : listed) {
    if (!present_set.count(path)) {
      problem(path + " is missing");
      continue;
    }
    // Read no more than the manifest says the file holds: a package is input from outside.
    Result<std::string> bytes = env->ReadFile(Join(dir, path), f->size);
    if (!bytes.ok()) {
      problem(bytes.status().code() == StatusCode::kTooLarge
                  ? path + " is larger than the " + std::to_string(f->size) +
                        " bytes the manifest says"
                  : path + " cannot be read: " + bytes.status().message());
      continue;
    }
    ++check.files;
    if (bytes->size() != f->size) {
      problem(path + " is " + std::to_string(bytes->size()) + " bytes; the manifest says " +
              std::to_string(f->size));
    } else if (Sha256Hex(*bytes) != f->sha256) {
      problem(path + " does not match its SHA-256 in the manifest (changed after release)");
    }
  }
  // SHA256SUMS must list exactly the other files with the manifest's digests.
  if (auto it = listed.find(std::string(kChecksumsFile)); it != listed.end()) {
    Result<std::string> sums = env->ReadFile(Join(dir, kChecksumsFile));
    if (sums.ok()) {
      std::set<std::string> in_sums;
      std::stringstream lines(*sums);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.size() < 67 || line.compare(64, 2, "  ") != 0) {
          problem(std::string(kChecksumsFile) + " has a malformed line");
          continue;
        }
        const std::string sha = line.substr(0, 64);
        const std::string path = line.substr(66);
        in_sums.insert(path);
        auto f = listed.find(path);
        if (f == listed.end()) {
          problem(std::string(kChecksumsFile) + " lists " + path + ", which the manifest does not");
        } else if (f->second->sha256 != sha) {
          problem(std::string(kChecksumsFile) + " and the manifest disagree on " + path);
        }
      }
      for (const auto& [path, f] : listed) {
        if (path != kChecksumsFile && !in_sums.count(path)) {
          problem(std::string(kChecksumsFile) + " does not list " + path);
        }
      }
    }
  } else {
    problem(std::string(kChecksumsFile) + " is not in the manifest");
  }
  // Documents: their files are listed; no page twice.
  std::map<std::int64_t, std::int64_t> page_document;
  std::set<std::int64_t> documents;
  for (const ManifestDocument& d : m.documents) {
    ++check.documents;
    if (!documents.insert(d.document_id).second) {
      problem("document " + std::to_string(d.document_id) + " is listed twice");
    }
    if (d.page_ids.empty()) problem("document " + std::to_string(d.document_id) + " has no page");
    for (const std::string& f : d.files) {
      if (!listed.count(f)) {
        problem("document " + std::to_string(d.document_id) + "'s file " + f +
                " is not in the manifest");
      }
    }
    for (std::int64_t p : d.page_ids) {
      ++check.pages;
      auto [it, fresh] = page_document.emplace(p, d.document_id);
      if (!fresh) {
        problem("page " + std::to_string(p) + " is in documents " + std::to_string(it->second) +
                " and " + std::to_string(d.document_id));
      }
    }
  }
  for (const WithheldPage& w : m.withheld) {
    if (page_document.count(w.page_id)) {
      problem("page " + std::to_string(w.page_id) + " is both released and withheld");
    }
  }
  return check;
}

}  // namespace chartscan::release
