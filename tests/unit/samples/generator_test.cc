// Runs the built chartscan-samplegen on a tiny batch: output must be a pure function of the seed,
// and every truth file must describe its page consistently.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include <chartscan/samples/truth.h>

namespace chartscan::samples {
namespace {

namespace fs = std::filesystem;

#ifdef CHARTSCAN_SAMPLEGEN_PATH
constexpr const char* kSamplegen = CHARTSCAN_SAMPLEGEN_PATH;
#else
constexpr const char* kSamplegen = nullptr;
#endif

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out[e.path().filename().string()] = ReadAll(e.path());
  }
  return out;
}

class Samplegen : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (kSamplegen == nullptr) return;
    root_ = new fs::path(fs::temp_directory_path() /
                         ("chartscan-samplegen-test-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    ok_ = Generate("a", 11) && Generate("b", 11) && Generate("c", 12);
  }
  static void TearDownTestSuite() {
    if (root_ != nullptr) fs::remove_all(*root_);
    delete root_;
    root_ = nullptr;
  }
  void SetUp() override {
    if (kSamplegen == nullptr) GTEST_SKIP() << "chartscan-samplegen was not built";
    ASSERT_TRUE(ok_) << "chartscan-samplegen failed";
  }

  // A small mixed batch at low resolution: clean PNG, fax G4 TIFF and a born-digital PDF (whole
  // documents), one blank and one near-blank page.
  static bool Generate(const std::string& name, int seed) {
    std::string cmd = std::string(kSamplegen) + " --out " + (*root_ / name).string() + " --seed " +
                      std::to_string(seed) +
                      " --count 3 --blank 1 --near-blank 1 --profiles clean,fax,light"
                      " --formats png,tiff-g4,pdf-text --multipage --max-dpi 100 > /dev/null";
    return std::system(cmd.c_str()) == 0;
  }

  static fs::path* root_;
  static bool ok_;
};

fs::path* Samplegen::root_ = nullptr;
bool Samplegen::ok_ = false;

TEST_F(Samplegen, SameSeedGivesIdenticalFiles) {
  std::map<std::string, std::string> a = Files(*root_ / "a"), b = Files(*root_ / "b");
  ASSERT_EQ(a.size(), 10u);  // 5 page files, 5 truth files
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(bytes == b.at(name)) << name << " differs between runs with the same seed";
  }
}

TEST_F(Samplegen, DifferentSeedsGiveDifferentPages) {
  std::map<std::string, std::string> a = Files(*root_ / "a"), c = Files(*root_ / "c");
  std::string ta, tc;
  for (const auto& [name, bytes] : a) {
    if (name.ends_with(kTruthSuffix)) ta += bytes;
  }
  for (const auto& [name, bytes] : c) {
    if (name.ends_with(kTruthSuffix)) tc += bytes;
  }
  EXPECT_NE(ta, tc);
}

TEST_F(Samplegen, TruthDescribesEveryPageConsistently) {
  Result<std::vector<std::string>> truths = FindTruthFiles((*root_ / "a").string());
  ASSERT_TRUE(truths.ok()) << truths.status().ToString();
  ASSERT_EQ(truths->size(), 5u);
  int blank = 0, near_blank = 0, text_layer = 0;
  for (const std::string& path : *truths) {
    SCOPED_TRACE(path);
    Result<TruthFile> t = LoadTruth(path);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    std::string page_file = PageFileForTruth(path);
    ASSERT_TRUE(fs::exists(page_file));
    EXPECT_EQ(t->file, fs::path(page_file).filename().string());
    std::string head = ReadAll(page_file).substr(0, 4);
    std::string expected_head = t->format == "png"       ? "\x89PNG"
                                : t->format == "tiff-g4" ? std::string("II*\0", 4)
                                                         : "%PDF";
    EXPECT_EQ(head, expected_head);
    ASSERT_FALSE(t->pages.empty());
    if (t->text_layer) ++text_layer;
    for (std::size_t i = 0; i < t->pages.size(); ++i) {
      const TruthPage& p = t->pages[i];
      EXPECT_EQ(p.source_page, static_cast<int>(i) + 1);
      EXPECT_GT(p.width, 0);
      EXPECT_GT(p.height, 0);
      // US Letter at the page's resolution.
      EXPECT_NEAR(p.width, 8.5 * p.dpi_x, 1.0);
      EXPECT_NEAR(p.height, 11.0 * p.dpi_y, 1.0);
      if (p.blank) {
        ++blank;
        EXPECT_TRUE(p.text.empty());
        EXPECT_TRUE(p.lines.empty());
        EXPECT_FALSE(p.patient.has_value());
        continue;
      }
      if (p.near_blank) ++near_blank;
      ASSERT_FALSE(p.lines.empty());
      EXPECT_TRUE(p.patient.has_value());
      std::string joined;
      for (const TruthLine& l : p.lines) {
        if (!joined.empty()) joined += '\n';
        joined += l.text;
      }
      EXPECT_EQ(joined, p.text);
      auto inside = [&](const Box& b) {
        return !b.empty() && b.x >= 0 && b.y >= 0 && b.right() <= p.width && b.bottom() <= p.height;
      };
      for (const TruthLine& l : p.lines) EXPECT_TRUE(inside(l.bbox)) << l.text;
      for (const TruthField& f : p.fields) {
        EXPECT_TRUE(inside(f.bbox)) << f.name;
        // A field's value is printed on one of the page's lines.
        EXPECT_NE(p.text.find(f.value.substr(0, f.value.find(' '))), std::string::npos) << f.name;
      }
      for (const TruthMark& m : p.marks) EXPECT_TRUE(inside(m.bbox)) << m.kind;
    }
  }
  EXPECT_EQ(blank, 1);
  EXPECT_GE(near_blank, 1);
  EXPECT_EQ(text_layer, 1);
}

// --mixed-multipage with --separators and --patient-labels: one stack file per two documents, a
// separator sheet (not content, not blank) before each document, labels carried as barcodes.
TEST(SamplegenStacks, SeparatorSheetsAndLabelsAreDescribedPerPage) {
  if (kSamplegen == nullptr) GTEST_SKIP() << "chartscan-samplegen was not built";
  fs::path root =
      fs::temp_directory_path() / ("chartscan-samplegen-stack-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto run = [&](const std::string& name) {
    std::string cmd = std::string(kSamplegen) + " --out " + (root / name).string() +
                      " --seed 5 --count 4 --blank 0 --near-blank 0 --profiles clean,light"
                      " --separators barcode --patient-labels --mixed-multipage 2"
                      " --formats tiff --max-dpi 100 > /dev/null";
    return std::system(cmd.c_str()) == 0;
  };
  ASSERT_TRUE(run("a") && run("b"));
  std::map<std::string, std::string> a = Files(root / "a"), b = Files(root / "b");
  ASSERT_EQ(a.size(), 4u);  // two stacks and their truth
  EXPECT_TRUE(a == b) << "stacks differ between runs with the same seed";

  Result<std::vector<std::string>> truths = FindTruthFiles((root / "a").string());
  ASSERT_TRUE(truths.ok()) << truths.status().ToString();
  int separators = 0, labels = 0;
  std::vector<std::string> ids, mrns;
  for (const std::string& path : *truths) {
    Result<TruthFile> t = LoadTruth(path);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_GE(t->pages.size(), 4u);
    EXPECT_TRUE(t->pages.front().separator) << "a stack starts with a separator sheet";
    int expected_document = -1;
    for (const TruthPage& p : t->pages) {
      if (p.separator) {
        ++separators;
        ++expected_document;
        EXPECT_FALSE(p.blank);
        EXPECT_TRUE(p.document_id.empty());
        EXPECT_EQ(p.document_index, -1);
        EXPECT_FALSE(p.patient.has_value());
        ASSERT_EQ(p.barcodes.size(), 1u);
        EXPECT_EQ(p.barcodes[0].kind, "separator");
        EXPECT_TRUE(p.barcodes[0].payload.starts_with("CHARTSCAN-SEP") ||
                    p.barcodes[0].payload.starts_with("SEP-"));
        continue;
      }
      EXPECT_EQ(p.document_index, expected_document);
      ASSERT_TRUE(p.patient.has_value());
      if (ids.empty() || ids.back() != p.document_id) {
        ids.push_back(p.document_id);
        mrns.push_back(p.patient->mrn);
      }
      for (const TruthBarcode& bc : p.barcodes) {
        ++labels;
        EXPECT_EQ(bc.kind, "patient_label");
        EXPECT_EQ(bc.format, "Code128");
        EXPECT_EQ(bc.payload, p.patient->mrn);
        EXPECT_TRUE(!bc.bbox.empty() && bc.bbox.right() <= p.width && bc.bbox.bottom() <= p.height);
      }
    }
  }
  EXPECT_EQ(separators, 4);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_NE(mrns[0], mrns[1]) << "documents of one stack belong to different patients";
  EXPECT_GE(labels, 1);
  fs::remove_all(root);
}

}  // namespace
}  // namespace chartscan::samples
