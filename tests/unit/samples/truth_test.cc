#include <string>

#include <gtest/gtest.h>

#include <chartscan/models/env.h>
#include <chartscan/samples/truth.h>

namespace chartscan::samples {
namespace {

TruthFile Example() {
  TruthFile t;
  t.file = "0007-heavy-discharge_summary.tif";
  t.format = "tiff";
  t.variant = "gray16";
  t.profile = "heavy";
  t.seed = 42;
  TruthPage p;
  p.source_page = 1;
  p.orientation = 90;
  p.skew = -1.37;
  p.width = 2550;
  p.height = 3300;
  p.page_to_image = {0.999, 0.0239, 12.5, -0.0239, 0.999, 80.25};
  p.doc_type = "discharge_summary";
  p.document_index = 0;
  p.document_id = "D0007";
  p.document_page = 1;
  p.document_pages = 2;
  p.text = "Invented Clinic\nMRN: 000123";
  p.lines = {{"Invented Clinic", {100, 90, 600, 40}, 1}, {"MRN: 000123", {100, 200, 300, 30}, 2}};
  p.fields = {{"mrn", "000123", "000123", {180, 200, 220, 30}},
              {"facility", "Invented Clinic", "Invented Clinic", {100, 90, 600, 40}}};
  p.patient = TruthPatient{"Ada", "Q", "Example", "F", "1950-02-03", "000123"};
  p.marks = {{"signature", {300, 2800, 400, 90}}};
  t.pages.push_back(p);
  TruthPage blank;
  blank.source_page = 2;
  blank.blank = true;
  blank.width = 2550;
  blank.height = 3300;
  t.pages.push_back(blank);
  return t;
}

TEST(Truth, SerializeParseRoundTrip) {
  TruthFile t = Example();
  std::string json = SerializeTruth(t);
  Result<TruthFile> back = ParseTruth(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->file, t.file);
  EXPECT_EQ(back->variant, "gray16");
  EXPECT_EQ(back->seed, 42u);
  ASSERT_EQ(back->pages.size(), 2u);
  const TruthPage& p = back->pages[0];
  EXPECT_EQ(p.orientation, 90);
  EXPECT_DOUBLE_EQ(p.skew, -1.37);
  EXPECT_DOUBLE_EQ(p.page_to_image[5], 80.25);
  EXPECT_EQ(p.text, t.pages[0].text);
  ASSERT_EQ(p.lines.size(), 2u);
  EXPECT_EQ(p.lines[1].bbox, (Box{100, 200, 300, 30}));
  EXPECT_EQ(p.lines[1].block, 2);
  ASSERT_TRUE(p.patient.has_value());
  EXPECT_EQ(p.patient->dob, "1950-02-03");
  ASSERT_NE(p.FindField("mrn"), nullptr);
  EXPECT_EQ(p.FindField("mrn")->bbox, (Box{180, 200, 220, 30}));
  EXPECT_EQ(p.FindField("npi"), nullptr);
  EXPECT_EQ(p.marks.at(0).kind, "signature");
  EXPECT_TRUE(back->pages[1].blank);
  EXPECT_FALSE(back->pages[1].patient.has_value());
  // Equal truths serialize to identical bytes.
  EXPECT_EQ(SerializeTruth(*back), json);
}

TEST(Truth, SeparatorAndBarcodesRoundTripAndDefaultWhenAbsent) {
  TruthFile t = Example();
  t.pages[1].blank = false;
  t.pages[1].separator = true;
  t.pages[1].barcodes.push_back({"CHARTSCAN-SEP", "Code128", "separator", {10, 20, 300, 90}});
  t.pages[0].barcodes.push_back({"00123456", "Code128", "patient_label", {5, 6, 7, 8}});
  Result<TruthFile> back = ParseTruth(SerializeTruth(t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->pages[0].separator);
  ASSERT_EQ(back->pages[0].barcodes.size(), 1u);
  EXPECT_EQ(back->pages[0].barcodes[0].kind, "patient_label");
  EXPECT_TRUE(back->pages[1].separator);
  ASSERT_EQ(back->pages[1].barcodes.size(), 1u);
  EXPECT_EQ(back->pages[1].barcodes[0].payload, "CHARTSCAN-SEP");
  EXPECT_EQ(back->pages[1].barcodes[0].bbox, (Box{10, 20, 300, 90}));
  // Files written before the keys existed read as no separator and no barcodes.
  Result<TruthFile> old = ParseTruth(R"({"file": "a.png", "pages": [{"text": "x"}]})");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_FALSE(old->pages[0].separator);
  EXPECT_TRUE(old->pages[0].barcodes.empty());
}

TEST(Truth, ParseRejectsNewerVersion) {
  TruthFile t = Example();
  t.version = kTruthVersion + 1;
  Result<TruthFile> r = ParseTruth(SerializeTruth(t));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
}

TEST(Truth, ParseRejectsMalformedInput) {
  for (const char* bad : {"", "{", "[1, 2]", "{\"version\": 1}", "{\"file\": \"a.png\"}",
                          "{\"file\": \"a.png\", \"pages\": [{\"blank\": true}]}",
                          "{\"file\": \"a.png\", \"pages\": [{\"text\": \"x\", \"lines\": "
                          "[{\"text\": \"x\", \"bbox\": [1, 2, 3]}]}]}",
                          "{\"file\": 7, \"pages\": []}"}) {
    Result<TruthFile> r = ParseTruth(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << bad;
  }
}

TEST(Truth, LoadNamesThePathNotTheContent) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/batch/sub").ok());
  ASSERT_TRUE(env.WriteFileAtomic("/batch/b.png.truth.json", SerializeTruth(Example())).ok());
  ASSERT_TRUE(env.WriteFileAtomic("/batch/sub/a.png.truth.json", "{\"secret patient\"").ok());
  ASSERT_TRUE(env.WriteFileAtomic("/batch/a.png", "not truth").ok());

  Result<TruthFile> good = LoadTruth("/batch/b.png.truth.json", env);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->pages.size(), 2u);

  Result<TruthFile> bad = LoadTruth("/batch/sub/a.png.truth.json", env);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/batch/sub/a.png.truth.json"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("secret"), std::string::npos);

  EXPECT_FALSE(LoadTruth("/batch/missing.truth.json", env).ok());
}

TEST(Truth, FindTruthFilesRecursesAndSorts) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/b/z").ok());
  ASSERT_TRUE(env.WriteFileAtomic("/b/z/1.png.truth.json", "{}").ok());
  ASSERT_TRUE(env.WriteFileAtomic("/b/2.tif.truth.json", "{}").ok());
  ASSERT_TRUE(env.WriteFileAtomic("/b/2.tif", "x").ok());
  Result<std::vector<std::string>> files = FindTruthFiles("/b", env);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, (std::vector<std::string>{"/b/2.tif.truth.json", "/b/z/1.png.truth.json"}));
}

TEST(Truth, PageFileForTruth) {
  EXPECT_EQ(PageFileForTruth("dir/0001-clean.png.truth.json"), "dir/0001-clean.png");
  EXPECT_EQ(PageFileForTruth("dir/0001-clean.png"), "dir/0001-clean.png");
}

}  // namespace
}  // namespace chartscan::samples
