// The chartscan command, run as a subprocess on a temporary store.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Output {
  int rc = -1;
  std::string out;
  std::string err;
};

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("chartscan-cli-" +
             std::string(testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
             std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "in");
  }
  void TearDown() override { fs::remove_all(root_); }

  Output Run(const std::string& args, const std::string& env = "") {
    const fs::path out = root_ / "stdout", err = root_ / "stderr";
    const std::string cmd =
        env + " " + CHARTSCAN_CLI + " " + args + " > " + out.string() + " 2> " + err.string();
    const int rc = std::system(cmd.c_str());
    Output o;
    o.rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    o.out = Slurp(out);
    o.err = Slurp(err);
    return o;
  }

  static std::string Slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string WritePage(const std::string& name, const std::vector<std::string>& lines) {
    cv::Mat page(1100, 2550, CV_8UC1, cv::Scalar(255));
    for (size_t i = 0; i < lines.size(); ++i) {
      cv::putText(page, lines[i], {150, 250 + static_cast<int>(i) * 110}, cv::FONT_HERSHEY_SIMPLEX,
                  2.0, cv::Scalar(20), 4, cv::LINE_AA);
    }
    const fs::path p = root_ / "in" / name;
    cv::imwrite(p.string(), page);
    return p.string();
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    const fs::path p = root_ / "in" / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  std::string Store() const { return (root_ / "store").string(); }

  fs::path root_;
};

TEST_F(CliTest, IngestSearchExportRoundTrip) {
  WritePage("note.png", {"PROGRESS NOTE", "Metformin continued"});
  Output in = Run("ingest --quiet --store " + Store() + " " + (root_ / "in").string());
  ASSERT_EQ(in.rc, 0) << in.err;
  EXPECT_NE(in.out.find("pages       1"), std::string::npos) << in.out;
  EXPECT_NE(in.out.find("chartscan search"), std::string::npos) << "tells the user what next";

  Output search = Run("search --json --store " + Store() + " metformin");
  ASSERT_EQ(search.rc, 0) << search.err;
  auto j = nlohmann::json::parse(search.out);
  ASSERT_EQ(j["total"], 1);
  EXPECT_EQ(j["hits"][0]["source_page"], 1);
  EXPECT_NE(j["hits"][0]["source"].get<std::string>().find("note.png"), std::string::npos);

  Output human = Run("search --store " + Store() + " metformin");
  EXPECT_EQ(human.rc, 0);
  EXPECT_NE(human.out.find("note.png"), std::string::npos) << human.out;

  Output exported = Run("export --format jsonl --store " + Store());
  ASSERT_EQ(exported.rc, 0) << exported.err;
  auto page = nlohmann::json::parse(exported.out.substr(0, exported.out.find('\n')));
  for (const char* key : {"page_id", "source", "source_page", "document_id", "blank", "orientation",
                          "skew", "text", "confidence", "doc_type", "fields"}) {
    EXPECT_TRUE(page.contains(key)) << "export contract lost key " << key;
  }
  EXPECT_EQ(page["source_page"], 1);
  EXPECT_EQ(page["blank"], false);
  EXPECT_TRUE(page["fields"].is_array());
  EXPECT_NE(page["text"].get<std::string>().find("Metformin"), std::string::npos);
}

TEST_F(CliTest, StoreComesFromEnvironmentWhenNotGiven) {
  const std::string page = WritePage("a.png", {"CONSENT"});
  Output in = Run("ingest --quiet " + page, "CHARTSCAN_STORE=" + Store());
  ASSERT_EQ(in.rc, 0) << in.err;
  EXPECT_TRUE(fs::exists(root_ / "store" / "chartscan.db"));
}

TEST_F(CliTest, FailedFilesGiveExitStatusOneAndAOneLineErrorEach) {
  WritePage("good.png", {"LAB REPORT"});
  Write("empty.tif", "");
  Write("text.pdf", "not a pdf at all");
  Output in = Run("ingest --quiet --store " + Store() + " " + (root_ / "in").string());
  EXPECT_EQ(in.rc, 1);
  int error_lines = 0;
  std::istringstream lines(in.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("empty.tif") != std::string::npos) ++error_lines;
    if (line.find("text.pdf") != std::string::npos) ++error_lines;
  }
  EXPECT_EQ(error_lines, 2) << in.err;
  EXPECT_NE(in.out.find("pages       1"), std::string::npos) << "the good page was digitized";
}

TEST_F(CliTest, IngestJsonSummaryIsMachineReadable) {
  WritePage("a.png", {"RADIOLOGY REPORT"});
  Output in = Run("ingest --json --store " + Store() + " " + (root_ / "in").string());
  ASSERT_EQ(in.rc, 0) << in.err;
  auto j = nlohmann::json::parse(in.out);
  EXPECT_EQ(j["pages"], 1);
  EXPECT_TRUE(j["problems"].empty());
  EXPECT_GT(j["pages_per_minute"].get<double>(), 0);
}

TEST_F(CliTest, SearchWithoutAStoreSaysSoAndExitsTwo) {
  Output s = Run("search --store " + (root_ / "nothing").string() + " anything");
  EXPECT_EQ(s.rc, 2);
  EXPECT_FALSE(s.err.empty());
  EXPECT_FALSE(fs::exists(root_ / "nothing")) << "a read-only command must not create a store";
}

TEST_F(CliTest, MalformedQueryIsAUsageErrorNotACrash) {
  WritePage("a.png", {"OPERATIVE REPORT"});
  ASSERT_EQ(Run("ingest --quiet --store " + Store() + " " + (root_ / "in").string()).rc, 0);
  Output s = Run("search --store " + Store() + " '\"unclosed'");
  EXPECT_EQ(s.rc, 2);
  EXPECT_NE(s.err.find("quotation mark"), std::string::npos) << s.err;
}

TEST_F(CliTest, UnknownSubcommandIsAnError) { EXPECT_NE(Run("frobnicate").rc, 0); }

TEST_F(CliTest, CodesImportKeepsTheListInTheStoreAndListCountsIt) {
  // Invented descriptions; the codes are real ICD-10-CM and CPT codes.
  const std::string csv =
      Write("codes.csv", "code,description,system\nE11.9,sugar illness,ICD10CM\n99213,visit,CPT\n");
  Output imported = Run("codes import --store " + Store() + " " + csv);
  EXPECT_EQ(imported.rc, 0) << imported.err;
  EXPECT_TRUE(fs::exists(fs::path(Store()) / "codes.csv"));
  Output listed = Run("codes list --json --store " + Store());
  ASSERT_EQ(listed.rc, 0) << listed.err;
  nlohmann::json j = nlohmann::json::parse(listed.out);
  std::map<std::string, int> imported_counts;
  for (const auto& sys : j["systems"]) imported_counts[sys["system"]] = sys["imported"];
  EXPECT_EQ(imported_counts["ICD10CM"], 1);
  EXPECT_EQ(imported_counts["CPT"], 1);
}

TEST_F(CliTest, CodesImportOfABadFileNamesFileAndLineAndExitsOne) {
  const std::string bad = Write("bad.csv", "code,description\nE11.9,fine\nNOT A CODE,broken\n");
  Output o = Run("codes import --store " + Store() + " " + bad);
  EXPECT_EQ(o.rc, 1);
  EXPECT_NE(o.err.find("bad.csv"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("3"), std::string::npos) << o.err;  // the line
  EXPECT_FALSE(fs::exists(fs::path(Store()) / "codes.csv"));
  EXPECT_EQ(Run("codes import --store " + Store() + " " + (root_ / "missing.csv").string()).rc, 1);
}

TEST_F(CliTest, CodesWithoutAFileIsAUsageError) {
  EXPECT_EQ(Run("codes import").rc, 2);
  EXPECT_EQ(Run("codes").rc, 2);
}

TEST_F(CliTest, DocumentsExportListsAssembledDocuments) {
  WritePage("note.png", {"PROGRESS NOTE", "MRN: 00482913", "Page 1 of 1"});
  ASSERT_EQ(Run("ingest --quiet --store " + Store() + " " + (root_ / "in").string()).rc, 0);
  Output o = Run("export --format documents-jsonl --store " + Store());
  ASSERT_EQ(o.rc, 0) << o.err;
  nlohmann::json j = nlohmann::json::parse(o.out.substr(0, o.out.find('\n')));
  EXPECT_EQ(j["pages"].size(), 1u);
  EXPECT_TRUE(j["chart_id"].is_number());
  EXPECT_EQ(j["doc_type"], "progress_note");
  EXPECT_TRUE(j["misfiled_pages"].empty());
  Output pages = Run("export --format jsonl --store " + Store());
  nlohmann::json p = nlohmann::json::parse(pages.out.substr(0, pages.out.find('\n')));
  EXPECT_EQ(p["chart_id"], j["chart_id"]);
  EXPECT_EQ(p["document_type"], "progress_note");
  EXPECT_EQ(p["misfiled"], false);
}

}  // namespace
