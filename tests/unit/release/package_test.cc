// The package writer and its checker over an in-memory filesystem (MemEnv): what is written, the
// order rules, and manifests that are damaged or hostile (a package is input from outside).
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chartscan/release/package.h>

#include "page_fixtures.h"

namespace chartscan::release {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kDir = "/pkg";

ReleasePage SmallPage(std::int64_t id) {
  std::vector<Word> words;
  testing::PixOwner pix(testing::DrawTextPage(425, 550, 6, 5, &words));
  return testing::MakePage(id, pix.pix, IFF_PNG, 50, std::move(words));
}

ReleaseChart ChartWithDocuments(std::int64_t chart_id, std::vector<std::int64_t> documents,
                                std::int64_t first_page) {
  ReleaseChart chart = testing::MakeChart();
  chart.chart.chart_id = chart_id;
  for (std::int64_t id : documents) {
    ReleaseDocument d = testing::MakeDocument({SmallPage(first_page++), SmallPage(first_page++)});
    d.document_id = id;
    chart.documents.push_back(std::move(d));
  }
  return chart;
}

class PackageTest : public ::testing::Test {
 protected:
  std::unique_ptr<PackageWriter> Writer(std::vector<Format> formats = {std::begin(kAllFormats),
                                                                       std::end(kAllFormats)}) {
    Result<std::unique_ptr<PackageWriter>> w = PackageWriter::Create(&env_, kDir, formats, {});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? std::move(*w) : nullptr;
  }
  // A whole package: charts 3 (documents 10, 11) and 5 (document 12), page 99 withheld.
  void WritePackage() {
    std::unique_ptr<PackageWriter> w = Writer();
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->AddChart(ChartWithDocuments(3, {10, 11}, 100)).ok());
    ASSERT_TRUE(w->AddChart(ChartWithDocuments(5, {12}, 200)).ok());
    w->Withhold(99, "blank");
    std::string sha;
    Result<Manifest> m = w->Finish({}, "R1", &sha);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    ASSERT_TRUE(w->Commit().ok());
  }
  std::string Read(const std::string& rel) {
    return static_cast<Env&>(env_).ReadFile(std::string(kDir) + "/" + rel).value();
  }
  void Write(const std::string& rel, const std::string& bytes) {
    ASSERT_TRUE(env_.WriteFileAtomic(std::string(kDir) + "/" + rel, bytes).ok());
  }

  MemEnv env_;
};

TEST_F(PackageTest, AWholePackageVerifiesAndListsEveryFile) {
  WritePackage();
  Result<PackageCheck> check = VerifyPackage(&env_, kDir);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_THAT(check->problems, IsEmpty());
  EXPECT_EQ(check->documents, 3);
  EXPECT_EQ(check->pages, 6);
  // 3 PDFs, 3 TIFFs, 3 HL7, 2 Bundles, the CSV and SHA256SUMS.
  EXPECT_EQ(check->files, 13);
  Manifest m = ReadManifest(&env_, kDir).value();
  EXPECT_EQ(m.release_id, "R1");
  ASSERT_EQ(m.withheld.size(), 1u);
  EXPECT_EQ(m.withheld[0].reason, "blank");
  EXPECT_THAT(Read("SHA256SUMS"), HasSubstr("  documents/D000012.pdf\n"));
  EXPECT_THAT(Read("documents.csv"), HasSubstr("D000011.pdf"));
}

TEST_F(PackageTest, AChartMayComeInPartsButNotOutOfOrder) {
  std::unique_ptr<PackageWriter> w = Writer();
  ASSERT_TRUE(w->AddChart(ChartWithDocuments(3, {10}, 100)).ok());
  ASSERT_TRUE(w->AddChart(ChartWithDocuments(3, {11}, 102)).ok()) << "a second part of chart 3";
  EXPECT_EQ(w->AddChart(ChartWithDocuments(3, {11}, 104)).code(), StatusCode::kInvalidArgument)
      << "document 11 again";
  EXPECT_EQ(w->AddChart(ChartWithDocuments(2, {20}, 106)).code(), StatusCode::kInvalidArgument)
      << "chart 2 after chart 3";
  ReleaseChart empty = ChartWithDocuments(4, {30}, 108);
  empty.documents[0].pages.clear();
  EXPECT_EQ(w->AddChart(empty).code(), StatusCode::kInvalidArgument);
  // The Bundle of chart 3 holds both parts.
  ASSERT_TRUE(w->Finish({}, "R2", nullptr).ok());
  ASSERT_TRUE(w->Commit().ok());
  const std::string bundle = Read("fhir/C000003.json");
  EXPECT_THAT(bundle, HasSubstr("D000010.pdf"));
  EXPECT_THAT(bundle, HasSubstr("D000011.pdf"));
}

TEST_F(PackageTest, RefusesAFolderThatHoldsFilesAndBadOptions) {
  ASSERT_TRUE(env_.CreateDirs(kDir).ok());
  Write("other.txt", "x");
  EXPECT_EQ(PackageWriter::Create(&env_, kDir, {Format::kPdf}, {}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(PackageWriter::Create(&env_, "/new", {}, {}).status().code(),
            StatusCode::kInvalidArgument);
  ReleaseOptions bad;
  bad.mrn_system = "not a uri";
  EXPECT_EQ(PackageWriter::Create(&env_, "/new", {Format::kPdf}, bad).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PackageTest, WithoutCommitThePackageIsIncomplete) {
  std::unique_ptr<PackageWriter> w = Writer({Format::kPdf});
  ASSERT_TRUE(w->AddChart(ChartWithDocuments(3, {10}, 100)).ok());
  ASSERT_TRUE(w->Finish({}, "R3", nullptr).ok());
  EXPECT_EQ(VerifyPackage(&env_, kDir).status().code(), StatusCode::kNotFound);
}

TEST_F(PackageTest, PathsOutsideThePackageAndOversizedFilesAreProblemsNotReads) {
  WritePackage();
  std::string manifest = Read("manifest.json");
  const std::string csv_entry = "\"path\": \"documents.csv\"";
  ASSERT_NE(manifest.find(csv_entry), std::string::npos);
  manifest.replace(manifest.find(csv_entry), csv_entry.size(), "\"path\": \"../etc/passwd\"");
  Write("manifest.json", manifest);
  Write("documents/D000010.pdf", Read("documents/D000010.pdf") + std::string(1 << 20, 'x'));
  Result<PackageCheck> check = VerifyPackage(&env_, kDir);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  const std::string problems = ::testing::PrintToString(check->problems);
  EXPECT_THAT(problems, HasSubstr("a path outside the package: ../etc/passwd"));
  EXPECT_THAT(problems, HasSubstr("documents/D000010.pdf is larger than"));
}

TEST_F(PackageTest, DamagedManifestsAreRefusedOrReportedNeverACrash) {
  WritePackage();
  const std::string good = Read("manifest.json");
  std::mt19937 rng(20261202);
  int corrupt = 0, reported = 0;
  for (int i = 0; i < 300; ++i) {
    std::string m = good;
    switch (i % 4) {
      case 0:  // truncated
        m.resize(rng() % m.size());
        break;
      case 1:  // bytes changed
        for (int k = 0; k < 4; ++k) m[rng() % m.size()] = static_cast<char>(rng() % 256);
        break;
      case 2: {  // a number made huge or negative
        const std::size_t at = m.find_first_of("0123456789", rng() % m.size());
        if (at != std::string::npos) m.insert(at, i % 8 == 2 ? "-" : "99999999999999999999");
        break;
      }
      default:  // a value's type changed
        const std::size_t at = m.find(": ", rng() % m.size());
        if (at != std::string::npos) m.insert(at + 2, "[");
        break;
    }
    Write("manifest.json", m);
    Result<PackageCheck> check = VerifyPackage(&env_, kDir);
    if (!check.ok()) {
      EXPECT_EQ(check.status().code(), StatusCode::kCorrupt) << check.status().ToString();
      ++corrupt;
    } else if (!check->ok()) {
      ++reported;
    }
  }
  EXPECT_GT(corrupt, 100);
  EXPECT_GT(reported, 10);
}

}  // namespace
}  // namespace chartscan::release
