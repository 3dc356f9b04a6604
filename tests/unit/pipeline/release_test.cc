// Releasing from a real store (pages, images, documents and charts written as ingest and assembly
// write them) and checking packages against it: what is released, what is left out and why,
// repeatability, the audit record, and tampered packages that `release verify` must reject.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chartscan/pipeline/release.h>

#include "../indexer/test_store.h"

namespace chartscan::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A white page with a black bar where each word is; 1-bit-looking (0/255) or grey.
std::string PagePng(const PageText& text, bool grey) {
  cv::Mat img(1100, 850, CV_8UC1, cv::Scalar(grey ? 235 : 255));
  for (const Word& w : text.words) {
    cv::rectangle(img, cv::Rect(w.box.x, w.box.y, w.box.width, w.box.height),
                  cv::Scalar(grey ? 60 : 0), cv::FILLED);
  }
  std::vector<unsigned char> png;
  cv::imencode(".png", img, png);
  return std::string(png.begin(), png.end());
}

Field MakeField(std::string name, std::string value) {
  Field f;
  f.name = std::move(name);
  f.value = value;
  f.normalized = std::move(value);
  f.confidence = 0.95;
  f.box = {10, 20, 80, 12};
  return f;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::map<std::string, std::string> FilesUnder(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadAll(e.path());
  }
  return out;
}

class Release : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = indexer::testing::OpenStore(dir_.Sub("store"));
    ASSERT_TRUE(store_);
    batch_ = store_->BeginBatch("ward 4").value();
    // Source 1: chart A's discharge summary (pages 1-2, then a blank back), its progress note
    // (page 4, grey). Source 2: chart B's lab report, and a page that failed.
    const char* texts[] = {
        "DISCHARGE SUMMARY Patient: Margaret Johnson MRN: 00482913",
        "Follow up in clinic. Continue warfarin.",
        "",
        "PROGRESS NOTE stable overnight",
        "LABORATORY REPORT potassium 4.1",
        "",
    };
    const std::int64_t s1 = indexer::testing::AddSource(*store_, batch_, "/in/a.tif", "a", 4);
    const std::int64_t s2 = indexer::testing::AddSource(*store_, batch_, "/in/b.tif", "b", 2);
    for (int i = 0; i < 6; ++i) {
      const bool first = i < 4;
      indexer::PageWrite w =
          indexer::testing::TextPage(batch_, first ? s1 : s2, first ? i + 1 : i - 3, texts[i]);
      w.blank = i == 2;
      if (i == 5) {
        w.error = "the page could not be decoded";
      } else {
        w.image_bytes = PagePng(w.text, i == 3);
        w.image_format = "png";
        w.image_width = 850;
        w.image_height = 1100;
        w.quality.dpi = 100;
      }
      pages_.push_back(store_->PutPage(w).value());
    }
    indexer::AssemblyWrite a;
    a.batch_id = batch_;
    a.source_ids = {s1, s2};
    a.charts.push_back({0, "00482913", "MARGARET JOHNSON", "1952-03-14", 0, ""});
    a.charts.push_back({0, "A77120", "ROBERT KING", "1961-07-30", 0, ""});
    auto doc = [&](std::vector<std::int64_t> pages, std::string type, int chart) {
      indexer::DocumentWrite d;
      d.page_ids = std::move(pages);
      d.boundary = "start";
      d.type.name = std::move(type);
      d.type.confidence = 0.9;
      d.date_of_service = "2019-04-02";
      d.fields = {MakeField("provider", "Alan Grant MD"), MakeField("icd10", "E11.9")};
      d.chart = chart;
      return d;
    };
    a.documents.push_back(doc({pages_[0], pages_[1], pages_[2]}, "discharge_summary", 0));
    a.documents.push_back(doc({pages_[3]}, "progress_note", 0));
    a.documents.push_back(doc({pages_[4]}, "lab_report", 1));
    indexer::AssemblyResult r = store_->Assemble(a).value();
    documents_ = r.document_ids;
    charts_ = r.chart_ids;
  }

  ReleaseRequest Request(std::string name, release::ReleaseScope scope = {}) {
    ReleaseRequest request;
    request.dir = dir_.Sub(std::move(name));
    request.scope = scope;
    request.formats = {std::begin(release::kAllFormats), std::end(release::kAllFormats)};
    request.options.facility_name = "Riverside Clinic";
    return request;
  }

  // Releases as the CLI does: recorded in the store's audit log before the manifest is in place.
  Result<ReleaseSummary> Run(const ReleaseRequest& request) {
    return pipeline::Release(*store_, Env::Default(), request,
                             [&](const release::Manifest& m, const std::string& sha) {
                               AuditEvent e;
                               e.user = "cli:test";
                               e.action = "release";
                               e.target = ReleaseAuditTarget(m.release_id);
                               e.detail = ReleaseAuditDetail(m, sha);
                               e.remote = "cli";
                               return store_->Audit(e).status();
                             });
  }

  std::vector<std::string> Problems(const std::string& dir) {
    Result<release::PackageCheck> check = VerifyRelease(store_.get(), Env::Default(), dir);
    EXPECT_TRUE(check.ok()) << check.status().ToString();
    return check.ok() ? check->problems : std::vector<std::string>{"check failed"};
  }

  indexer::testing::TempDir dir_;
  std::unique_ptr<indexer::Store> store_;
  std::int64_t batch_ = 0;
  std::vector<std::int64_t> pages_;
  std::vector<std::int64_t> documents_;
  std::vector<std::int64_t> charts_;
};

TEST_F(Release, EveryNonBlankPageIsInExactlyOneDocumentAndTheRestIsListedWithItsReason) {
  ReleaseRequest request = Request("all");
  Result<ReleaseSummary> summary = Run(request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const release::Manifest& m = summary->manifest;
  ASSERT_EQ(m.documents.size(), 3u);
  EXPECT_EQ(m.documents[0].page_ids, (std::vector<std::int64_t>{pages_[0], pages_[1]}));
  EXPECT_EQ(m.documents[1].page_ids, (std::vector<std::int64_t>{pages_[3]}));
  EXPECT_EQ(m.documents[2].page_ids, (std::vector<std::int64_t>{pages_[4]}));
  EXPECT_EQ(m.pages(), 4);
  ASSERT_EQ(m.withheld.size(), 2u);
  EXPECT_EQ(m.withheld[0].page_id, pages_[2]);
  EXPECT_EQ(m.withheld[0].reason, "blank");
  EXPECT_EQ(m.withheld[1].page_id, pages_[5]);
  EXPECT_EQ(m.withheld[1].reason, "failed");
  for (const char* f : {"documents.csv", "SHA256SUMS", "manifest.json"}) {
    EXPECT_TRUE(fs::exists(request.dir + "/" + f)) << f;
  }
  for (std::int64_t id : documents_) {
    for (release::Format f :
         {release::Format::kPdf, release::Format::kTiff, release::Format::kHl7}) {
      EXPECT_TRUE(fs::exists(request.dir + "/" + release::DocumentFileName(id, f)))
          << release::DocumentFileName(id, f);
    }
  }
  for (std::int64_t chart : charts_) {
    EXPECT_TRUE(fs::exists(request.dir + "/" + release::ChartFileName(chart)));
  }
  EXPECT_TRUE(fs::exists(request.dir + "/documents.csv"));
  EXPECT_THAT(Problems(request.dir), IsEmpty());
}

TEST_F(Release, FileNamesAndTheAuditRecordCarryIdsNeverPatientData) {
  ReleaseRequest request = Request("all");
  Result<ReleaseSummary> summary = Run(request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  for (const auto& [path, bytes] : FilesUnder(request.dir)) {
    EXPECT_THAT(path, Not(HasSubstr("00482913")));
    EXPECT_THAT(path, Not(HasSubstr("JOHNSON")));
  }
  std::vector<AuditEvent> log = store_->AuditLog(0, 100).value();
  ASSERT_FALSE(log.empty());
  const AuditEvent& e = log.back();
  EXPECT_EQ(e.action, "release");
  EXPECT_EQ(e.target, "release:" + summary->manifest.release_id);
  EXPECT_THAT(e.detail, HasSubstr("scope=all"));
  EXPECT_THAT(e.detail, HasSubstr("manifest_sha256=" + summary->manifest_sha256));
  EXPECT_THAT(e.detail, Not(HasSubstr("00482913")));
}

TEST_F(Release, SameScopeTwiceGivesIdenticalFilesApartFromTheManifest) {
  ReleaseRequest first = Request("one");
  ReleaseRequest second = Request("two");
  ASSERT_TRUE(Run(first).ok());
  ASSERT_TRUE(Run(second).ok());
  std::map<std::string, std::string> a = FilesUnder(first.dir);
  std::map<std::string, std::string> b = FilesUnder(second.dir);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [path, bytes] : a) {
    ASSERT_TRUE(b.count(path)) << path;
    if (path == "manifest.json") {
      EXPECT_NE(bytes, b[path]) << "each release has its own id";
      continue;
    }
    EXPECT_TRUE(bytes == b[path]) << path << " differs between two releases of the same scope";
  }
  nlohmann::json ma = nlohmann::json::parse(a["manifest.json"]);
  nlohmann::json mb = nlohmann::json::parse(b["manifest.json"]);
  ma.erase("release_id");
  mb.erase("release_id");
  EXPECT_EQ(ma, mb);
}

TEST_F(Release, AChartScopeReleasesThatChartOnlyAndIsFoundByItsMrnAsTyped) {
  Result<std::int64_t> chart = FindChartByMrn(*store_, "a77120");
  ASSERT_TRUE(chart.ok()) << chart.status().ToString();
  EXPECT_EQ(*chart, charts_[1]);
  EXPECT_EQ(FindChartByMrn(*store_, "99999").status().code(), StatusCode::kNotFound);
  release::ReleaseScope scope;
  scope.kind = release::ReleaseScope::Kind::kChart;
  scope.chart_id = *chart;
  ReleaseRequest request = Request("chart", scope);
  Result<ReleaseSummary> summary = Run(request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->manifest.documents.size(), 1u);
  EXPECT_EQ(summary->manifest.documents[0].document_id, documents_[2]);
  EXPECT_TRUE(summary->manifest.withheld.empty());
  EXPECT_FALSE(fs::exists(request.dir + "/" + release::ChartFileName(charts_[0])));
  EXPECT_THAT(Problems(request.dir), IsEmpty());
}

TEST_F(Release, ABatchScopeListsItsFailedPage) {
  release::ReleaseScope scope;
  scope.kind = release::ReleaseScope::Kind::kBatch;
  scope.batch_id = batch_;
  ReleaseRequest request = Request("batch", scope);
  request.formats = {release::Format::kPdf, release::Format::kCsv};
  Result<ReleaseSummary> summary = Run(request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->manifest.pages(), 4);
  EXPECT_FALSE(fs::exists(request.dir + "/hl7"));
  EXPECT_THAT(Problems(request.dir), IsEmpty());
}

TEST_F(Release, RefusesATargetThatHoldsFiles) {
  ReleaseRequest request = Request("busy");
  fs::create_directories(request.dir);
  std::ofstream(request.dir + "/keep.txt") << "someone's work";
  Result<ReleaseSummary> summary = Run(request);
  EXPECT_EQ(summary.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(request.dir + "/keep.txt"), "someone's work");
}

TEST_F(Release, UnknownChartOrBatchIsNotFound) {
  release::ReleaseScope scope;
  scope.kind = release::ReleaseScope::Kind::kBatch;
  scope.batch_id = 999;
  EXPECT_EQ(Run(Request("nope", scope)).status().code(), StatusCode::kNotFound);
}

TEST_F(Release, AReleaseThatCannotBeAuditedIsLeftIncomplete) {
  ReleaseRequest request = Request("unrecorded");
  Result<ReleaseSummary> summary = pipeline::Release(
      *store_, Env::Default(), request, [](const release::Manifest&, const std::string&) {
        return Status::IoError("the audit log is on a full disk");
      });
  EXPECT_EQ(summary.status().code(), StatusCode::kIoError);
  EXPECT_FALSE(fs::exists(request.dir + "/manifest.json"));
  EXPECT_EQ(VerifyRelease(store_.get(), Env::Default(), request.dir).status().code(),
            StatusCode::kNotFound);
}

TEST_F(Release, ADocumentWithADamagedPageImageIsHeldBackAndTheRestIsReleased) {
  // Damage the stored image of the lab report's page (chart B), leaving the others whole.
  const std::string image_sha = indexer::Store::Sha256Hex(store_->ReadPageImage(pages_[4])->bytes);
  const std::string image =
      dir_.Sub("store") + "/images/" + image_sha.substr(0, 2) + "/" + image_sha + ".png";
  ASSERT_TRUE(fs::exists(image)) << image;
  fs::permissions(image, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(image, std::ios::binary | std::ios::trunc) << "not a PNG any more";
  ReleaseRequest request = Request("damaged");
  Result<ReleaseSummary> summary = Run(request);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->unreleased_documents, std::vector<std::int64_t>{documents_[2]});
  ASSERT_EQ(summary->manifest.documents.size(), 2u);
  bool listed = false;
  for (const release::WithheldPage& w : summary->manifest.withheld) {
    if (w.page_id == pages_[4]) {
      listed = true;
      EXPECT_THAT(w.reason,
                  HasSubstr("document " + std::to_string(documents_[2]) + " not released"));
      EXPECT_THAT(w.reason, HasSubstr("page " + std::to_string(pages_[4])));
    }
  }
  EXPECT_TRUE(listed);
  EXPECT_FALSE(fs::exists(request.dir + "/" +
                          release::DocumentFileName(documents_[2], release::Format::kPdf)));
  // The package is whole as a package, but not as a release of the scope.
  const std::string problems = ::testing::PrintToString(Problems(request.dir));
  EXPECT_THAT(problems, HasSubstr("document " + std::to_string(documents_[2]) +
                                  " of the scope is not in the package"));
}

TEST_F(Release, ADocumentWhosePageImageIsMissingIsHeldBack) {
  const std::string image_sha = indexer::Store::Sha256Hex(store_->ReadPageImage(pages_[3])->bytes);
  fs::remove(dir_.Sub("store") + "/images/" + image_sha.substr(0, 2) + "/" + image_sha + ".png");
  Result<ReleaseSummary> summary = Run(Request("missing"));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->unreleased_documents, std::vector<std::int64_t>{documents_[1]});
  EXPECT_EQ(summary->manifest.documents.size(), 2u);
}

class TamperedRelease : public Release {
 protected:
  void SetUp() override {
    Release::SetUp();
    request_ = Request("pkg");
    Result<ReleaseSummary> summary = Run(request_);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    manifest_ = summary->manifest;
    ASSERT_THAT(Problems(request_.dir), IsEmpty());
  }
  std::string Path(const std::string& rel) const { return request_.dir + "/" + rel; }

  ReleaseRequest request_;
  release::Manifest manifest_;
};

TEST_F(TamperedRelease, AChangedPdfIsRejected) {
  const std::string pdf = Path(release::DocumentFileName(documents_[0], release::Format::kPdf));
  std::string bytes = ReadAll(pdf);
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(pdf, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_THAT(::testing::PrintToString(Problems(request_.dir)),
              HasSubstr("does not match its SHA-256"));
}

TEST_F(TamperedRelease, ARemovedOrAddedFileIsRejected) {
  fs::remove(Path(release::DocumentFileName(documents_[1], release::Format::kTiff)));
  std::ofstream(Path("documents/extra.pdf")) << "%PDF-1.7";
  const std::string problems = ::testing::PrintToString(Problems(request_.dir));
  EXPECT_THAT(problems, HasSubstr("is missing"));
  EXPECT_THAT(problems, HasSubstr("documents/extra.pdf is in the package but not in the manifest"));
}

TEST_F(TamperedRelease, ADocumentDroppedFromAConsistentlyRewrittenManifestIsCaughtByTheStore) {
  // Someone removes a document and rewrites the manifest to match: the package agrees with
  // itself, but not with the store nor with the manifest digest the audit log recorded.
  nlohmann::ordered_json m = nlohmann::ordered_json::parse(ReadAll(Path("manifest.json")));
  std::set<std::string> dropped;
  for (const auto& f : m["documents"][2]["files"]) dropped.insert(f.get<std::string>());
  m["documents"].erase(m["documents"].begin() + 2);
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  std::string sums;
  for (const auto& f : m["files"]) {
    const std::string p = f["path"];
    if (dropped.count(p)) {
      fs::remove(Path(p));
    } else {
      files.push_back(f);
      if (p != "SHA256SUMS") sums += f["sha256"].get<std::string>() + "  " + p + "\n";
    }
  }
  std::ofstream(Path("SHA256SUMS"), std::ios::trunc) << sums;
  for (auto& f : files) {
    if (f["path"] == "SHA256SUMS") {
      f["size"] = sums.size();
      f["sha256"] = indexer::Store::Sha256Hex(sums);
    }
  }
  m["files"] = files;
  std::ofstream(Path("manifest.json"), std::ios::trunc) << m.dump(1) << "\n";
  const std::string problems = ::testing::PrintToString(Problems(request_.dir));
  EXPECT_THAT(problems, HasSubstr("document " + std::to_string(documents_[2]) +
                                  " of the scope is not in the package"));
  EXPECT_THAT(problems, HasSubstr("differs from the one recorded in the audit log"));
  EXPECT_THAT(problems, Not(HasSubstr("SHA256SUMS")));
}

TEST_F(TamperedRelease, APageMovedBetweenDocumentsIsRejected) {
  nlohmann::ordered_json m = nlohmann::ordered_json::parse(ReadAll(Path("manifest.json")));
  auto& first = m["documents"][0]["page_ids"];
  const std::int64_t moved = first.back();
  first.erase(first.size() - 1);
  m["documents"][1]["page_ids"].push_back(moved);
  std::ofstream(Path("manifest.json"), std::ios::trunc) << m.dump(1) << "\n";
  const std::string problems = ::testing::PrintToString(Problems(request_.dir));
  EXPECT_THAT(problems, HasSubstr("pages in the package differ from the store's"));
}

TEST_F(TamperedRelease, WithoutTheStoreThePackageIsCheckedAgainstItself) {
  Result<release::PackageCheck> check = VerifyRelease(nullptr, Env::Default(), request_.dir);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->ok()) << ::testing::PrintToString(check->problems);
  EXPECT_EQ(check->documents, 3);
  EXPECT_EQ(check->pages, 4);
  std::ofstream(Path("SHA256SUMS"), std::ios::app) << std::string(64, 'a') << "  ghost.pdf\n";
  check = VerifyRelease(nullptr, Env::Default(), request_.dir);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok());
}

}  // namespace
}  // namespace chartscan::pipeline
