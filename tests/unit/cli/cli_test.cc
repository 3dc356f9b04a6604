// The chartscan command, run as a subprocess on a temporary store.
#include <algorithm>
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

// Invented patients: Mary Holt is on the roster, Amos Quill is not.
constexpr const char* kRoster =
    "mrn,last,first,dob,sex\n00482913,Holt,Mary,1952-03-14,F\n00733120,Whitcombe,Harriet,"
    "1948-11-02,F\n";

TEST_F(CliTest, PatientsImportStoresTheRosterAndListShowsIt) {
  const std::string roster = Write("roster.csv", kRoster);
  Output imported = Run("patients import --store " + Store() + " " + roster);
  ASSERT_EQ(imported.rc, 0) << imported.err;
  EXPECT_NE(imported.out.find("2 patients"), std::string::npos) << imported.out;
  Output listed = Run("patients list --json --store " + Store());
  ASSERT_EQ(listed.rc, 0) << listed.err;
  nlohmann::json j = nlohmann::json::parse(listed.out);
  ASSERT_EQ(j["patients"].size(), 2u);
  EXPECT_EQ(j["patients"][0]["mrn"], "00482913");
  EXPECT_EQ(j["patients"][0]["dob"], "1952-03-14");
  Output human = Run("patients list --store " + Store());
  EXPECT_NE(human.out.find("WHITCOMBE, HARRIET"), std::string::npos) << human.out;
  // "Last, First" in one column imports the same way; an MRN already there is updated.
  const std::string named =
      Write("named.csv", "mrn,name,dob\n00482913,\"Holt, Mary\",03/14/1952\n");
  Output again = Run("patients import --store " + Store() + " " + named);
  EXPECT_EQ(again.rc, 0) << again.err;
  EXPECT_NE(again.out.find("1 updated"), std::string::npos) << again.out;
}

TEST_F(CliTest, PatientsImportOfABadFileNamesFileAndLineAndExitsOne) {
  const std::string bad =
      Write("bad.csv", "mrn,last,first,dob\n00482913,Holt,Mary,1952-03-14\n1,Roe,Rick,soon\n");
  Output o = Run("patients import --store " + Store() + " " + bad);
  EXPECT_EQ(o.rc, 1);
  EXPECT_NE(o.err.find("bad.csv:3"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(fs::path(Store()) / "chartscan.db")) << "nothing stored";
  const std::string no_dob = Write("nodob.csv", "mrn,last,first\n1,Roe,Rick\n");
  Output missing = Run("patients import --store " + Store() + " " + no_dob);
  EXPECT_EQ(missing.rc, 1);
  EXPECT_NE(missing.err.find("nodob.csv:1"), std::string::npos) << missing.err;
  EXPECT_EQ(Run("patients import --store " + Store() + " " + (root_ / "none.csv").string()).rc, 1);
  EXPECT_EQ(Run("patients import").rc, 2);
  EXPECT_EQ(Run("patients").rc, 2);
}

TEST_F(CliTest, ChartsAndDocumentsListRosterMatchesAndOrphans) {
  WritePage("a.png", {"PROGRESS NOTE", "MRN: 00482913", "DOB: 03/14/1952", "Page 1 of 1"});
  WritePage("b.png", {"LAB REPORT", "MRN: 00771204", "DOB: 07/03/1961", "Page 1 of 1"});
  ASSERT_EQ(Run("ingest --quiet --store " + Store() + " " + (root_ / "in").string()).rc, 0);

  // Before a roster is loaded nothing is an orphan.
  Output before = Run("charts --json --store " + Store());
  ASSERT_EQ(before.rc, 0) << before.err;
  nlohmann::json b = nlohmann::json::parse(before.out);
  EXPECT_EQ(b["roster_loaded"], false);
  ASSERT_EQ(b["charts"].size(), 2u);
  for (const auto& c : b["charts"]) EXPECT_EQ(c["orphan"], false);

  // Importing the roster re-matches the stored charts.
  const std::string roster = Write("roster.csv", kRoster);
  Output imported = Run("patients import --store " + Store() + " " + roster);
  ASSERT_EQ(imported.rc, 0) << imported.err;
  EXPECT_NE(imported.out.find("1 by MRN"), std::string::npos) << imported.out;
  Output charts = Run("charts --json --store " + Store());
  ASSERT_EQ(charts.rc, 0) << charts.err;
  nlohmann::json j = nlohmann::json::parse(charts.out);
  ASSERT_EQ(j["charts"].size(), 2u);
  std::map<std::string, nlohmann::json> by_mrn;
  for (const auto& c : j["charts"]) by_mrn[c["mrn"]] = c;
  EXPECT_EQ(by_mrn["00482913"]["roster_match"], "mrn");
  EXPECT_EQ(by_mrn["00482913"]["patient"]["mrn"], "00482913");
  EXPECT_EQ(by_mrn["00482913"]["documents"], 1);
  EXPECT_EQ(by_mrn["00482913"]["pages"], 1);
  EXPECT_EQ(by_mrn["00771204"]["roster_match"], "none");
  EXPECT_EQ(by_mrn["00771204"]["orphan"], true);

  Output orphans = Run("charts --orphans --store " + Store());
  ASSERT_EQ(orphans.rc, 0) << orphans.err;
  EXPECT_NE(orphans.out.find("00771204"), std::string::npos) << orphans.out;
  EXPECT_EQ(orphans.out.find("00482913"), std::string::npos) << orphans.out;
  EXPECT_NE(orphans.out.find("ORPHAN"), std::string::npos) << orphans.out;

  Output docs = Run("documents --json --store " + Store());
  ASSERT_EQ(docs.rc, 0) << docs.err;
  nlohmann::json d = nlohmann::json::parse(docs.out);
  ASSERT_EQ(d["documents"].size(), 2u);
  for (const char* key : {"document_id", "chart_id", "doc_type", "date_of_service", "pages",
                          "needs_review", "misfiled_pages", "orphan"}) {
    EXPECT_TRUE(d["documents"][0].contains(key)) << "documents listing lacks " << key;
  }
  const std::int64_t chart = by_mrn["00482913"]["chart_id"];
  Output one = Run("documents --json --chart " + std::to_string(chart) + " --store " + Store());
  nlohmann::json o = nlohmann::json::parse(one.out);
  ASSERT_EQ(o["documents"].size(), 1u);
  EXPECT_EQ(o["documents"][0]["doc_type"], "progress_note");
  EXPECT_EQ(o["documents"][0]["orphan"], false);
  Output orphan_docs = Run("documents --json --orphans --store " + Store());
  nlohmann::json od = nlohmann::json::parse(orphan_docs.out);
  ASSERT_EQ(od["documents"].size(), 1u);
  EXPECT_EQ(od["documents"][0]["doc_type"], "lab_report");

  Output table = Run("documents --store " + Store());
  ASSERT_EQ(table.rc, 0) << table.err;
  EXPECT_NE(table.out.find("progress_note"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("PROGRESS NOTE"), std::string::npos) << "no OCR text in listings";
  Output review = Run("documents --needs-review --json --store " + Store());
  ASSERT_EQ(review.rc, 0) << review.err;
  // Parsed into a variable: a range-for over a member of a temporary reads freed memory.
  const nlohmann::json listed = nlohmann::json::parse(review.out);
  for (const auto& doc : listed["documents"]) {
    EXPECT_EQ(doc["needs_review"], true);
  }
}

TEST_F(CliTest, ListingsWithoutAStoreExitTwo) {
  EXPECT_EQ(Run("charts --store " + (root_ / "nothing").string()).rc, 2);
  EXPECT_EQ(Run("documents --store " + (root_ / "nothing").string()).rc, 2);
  EXPECT_EQ(Run("documents --chart x --store " + Store()).rc, 2);
  EXPECT_FALSE(fs::exists(root_ / "nothing"));
}

// SANE's virtual devices only (no real scanner is probed): a configuration folder of the test's.
std::string VirtualScanners(const fs::path& root) {
  fs::create_directories(root / "sane");
  std::ofstream(root / "sane" / "dll.conf") << "pnm\ntest\n";
  return "SANE_CONFIG_DIR=" + (root / "sane").string();
}

TEST_F(CliTest, ScannersListsDevicesWithSourcesAndModes) {
  const std::string env = VirtualScanners(root_);
  Output o = Run("scanners --json", env);
  ASSERT_EQ(o.rc, 0) << o.err;
  auto j = nlohmann::json::parse(o.out);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& d : j["scanners"]) by_name[d["name"].get<std::string>()] = d;
  ASSERT_TRUE(by_name.count("test:0")) << o.out;
  EXPECT_NE(by_name["test:0"]["sources"].dump().find("Automatic Document Feeder"),
            std::string::npos);
  EXPECT_NE(by_name["test:0"]["modes"].dump().find("Color"), std::string::npos);
  EXPECT_FALSE(by_name["test:0"]["options"].empty());
  o = Run("scanners", env);
  EXPECT_EQ(o.rc, 0);
  EXPECT_NE(o.out.find("pnm:0"), std::string::npos);
}

TEST_F(CliTest, ScanStopsAtAJamSaysWhatToDoAndResumeFinishesTheBatch) {
  const std::string env = VirtualScanners(root_);
  // The pnm device feeds one page from a file; "status-jammed" makes it report a paper jam.
  cv::Mat page(1100, 2550, CV_8UC1, cv::Scalar(255));
  cv::putText(page, "PROGRESS NOTE", {150, 250}, cv::FONT_HERSHEY_SIMPLEX, 2.0, cv::Scalar(20), 4);
  const std::string pgm = (root_ / "in" / "sheet.pgm").string();
  cv::imwrite(pgm, page);
  Output o = Run("scan --store " + Store() +
                     " --device pnm:0 --dpi 300 --sheets 1 --option filename=" + pgm +
                     " --option status-jammed=yes",
                 env);
  EXPECT_EQ(o.rc, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("jam"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("scan --store " + Store() + " --resume 1"), std::string::npos) << o.out;
  Output b = Run("batches --store " + Store() + " --json");
  ASSERT_EQ(b.rc, 0);
  auto batches = nlohmann::json::parse(b.out)["batches"];
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]["status"], "stopped (jammed)");
  EXPECT_EQ(batches[0]["kind"], "scan");

  // The operator clears the jam; the batch goes on with the same device and settings.
  o = Run("scan --store " + Store() + " --resume 1 --option status-jammed=no --json", env);
  ASSERT_EQ(o.rc, 0) << o.out << o.err;
  auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["batch_id"], 1);
  EXPECT_EQ(j["sides"], 1);
  EXPECT_EQ(j["fault"], "feeder_empty");
  EXPECT_EQ(j["sheet_mismatch"], false);
  b = Run("batch show --store " + Store() + " --json 1");
  ASSERT_EQ(b.rc, 0);
  auto batch = nlohmann::json::parse(b.out);
  EXPECT_EQ(batch["status"], "done");
  EXPECT_EQ(batch["done"], 1);
  ASSERT_EQ(batch["sources"].size(), 1u);
  EXPECT_NE(batch["sources"][0]["path"].get<std::string>().find("scan:pnm:0/batch-1/side-0001"),
            std::string::npos);
  Output s = Run("search --store " + Store() + " --json progress");
  ASSERT_EQ(s.rc, 0);
  EXPECT_EQ(nlohmann::json::parse(s.out)["total"], 1);
}

TEST_F(CliTest, ScanOfAnUnknownDeviceCannotStart) {
  const std::string env = VirtualScanners(root_);
  Output o = Run("scan --store " + Store() + " --device nosuch:0", env);
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("nosuch:0"), std::string::npos) << o.err;
}

TEST_F(CliTest, BatchesShowAndCheckDescribeTheStore) {
  WritePage("a.png", {"PROGRESS NOTE", "Ambulating"});
  Write("broken.pdf", "%PDF-1.4 not really");
  Output o = Run("ingest --quiet --store " + Store() + " --sheets 3 " + (root_ / "in").string());
  EXPECT_EQ(o.rc, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("MISMATCH"), std::string::npos) << o.out;
  o = Run("batches --store " + Store());
  ASSERT_EQ(o.rc, 0);
  EXPECT_NE(o.out.find("1/3 MISMATCH"), std::string::npos) << o.out;
  o = Run("batch show --store " + Store() + " 1");
  ASSERT_EQ(o.rc, 0);
  EXPECT_NE(o.out.find("Files set aside (1)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("broken.pdf"), std::string::npos);
  EXPECT_EQ(o.out.find("Ambulating"), std::string::npos) << "never OCR text";
  o = Run("batch show --store " + Store() + " 7");
  EXPECT_EQ(o.rc, 2);
  o = Run("check --store " + Store() + " --verify-originals --json");
  ASSERT_EQ(o.rc, 0) << o.out;
  auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["pages"], 1);
  EXPECT_EQ(j["originals_checked"], 1) << "one per source (the unreadable file is no source)";
}

}  // namespace

namespace {

// ---- The viewer's users and the audit log, from the command line ----

TEST_F(CliTest, ServeRefusesToStartWithoutAnAdministrator) {
  Output s = Run("serve --port 0 --store " + Store());
  EXPECT_EQ(s.rc, 2);
  EXPECT_NE(s.err.find("users add NAME --role admin"), std::string::npos) << s.err;
}

TEST_F(CliTest, ServeRefusesANetworkAddressWithoutTls) {
  ASSERT_EQ(Run("users add ada --role admin --password-stdin --store " + Store(),
                "echo 'a long enough passphrase' |")
                .rc,
            0);
  Output s = Run("serve --bind 0.0.0.0 --port 0 --store " + Store());
  EXPECT_EQ(s.rc, 2);
  EXPECT_NE(s.err.find("without TLS"), std::string::npos) << s.err;
}

TEST_F(CliTest, UsersAreAddedWithStrongPasswordsAndListedWithoutThem) {
  Output weak =
      Run("users add ada --role admin --password-stdin --store " + Store(), "echo short |");
  EXPECT_EQ(weak.rc, 2);
  EXPECT_NE(weak.err.find("at least 12"), std::string::npos) << weak.err;
  ASSERT_EQ(Run("users add ada --role admin --password-stdin --store " + Store(),
                "echo 'a long enough passphrase' |")
                .rc,
            0);
  EXPECT_EQ(Run("users add ada --role clerk --password-stdin --store " + Store(),
                "echo 'a long enough passphrase' |")
                .rc,
            2);
  EXPECT_EQ(Run("users add bob --role superuser --password-stdin --store " + Store(),
                "echo 'a long enough passphrase' |")
                .rc,
            2);
  ASSERT_EQ(Run("users set ada --disable --store " + Store()).rc, 0);
  Output list = Run("users list --json --store " + Store());
  ASSERT_EQ(list.rc, 0);
  auto users = nlohmann::json::parse(list.out);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["role"], "admin");
  EXPECT_EQ(users[0]["disabled"], true);
  EXPECT_EQ(list.out.find("argon2"), std::string::npos);
}

TEST_F(CliTest, AuditVerifyPassesAnIntactLogAndNamesTheEventOfATamperedOne) {
  ASSERT_EQ(Run("users add ada --role admin --password-stdin --store " + Store(),
                "echo 'a long enough passphrase' |")
                .rc,
            0);
  ASSERT_EQ(Run("users set ada --role clerk --store " + Store()).rc, 0);
  Output ok = Run("audit verify --json --store " + Store());
  ASSERT_EQ(ok.rc, 0) << ok.out << ok.err;
  EXPECT_EQ(nlohmann::json::parse(ok.out)["events"], 2);
  // The export holds every event with its hashes, and its own row.
  Output csv = Run("audit export --format csv --store " + Store());
  ASSERT_EQ(csv.rc, 0);
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4);  // header + 3 events
  EXPECT_NE(csv.out.find("audit_export"), std::string::npos);
  // Someone with the database file rewrites an event behind the triggers.
  const std::string db = Store() + "/access.db";
  ASSERT_EQ(std::system(("sqlite3 " + db +
                         " \"SELECT group_concat(name, ' ') FROM sqlite_master WHERE "
                         "type='trigger' AND tbl_name='audit'\" > " +
                         (root_ / "triggers").string())
                            .c_str()),
            0);
  const std::string triggers = Slurp(root_ / "triggers");
  std::string drop;
  std::istringstream names(triggers);
  for (std::string n; names >> n;) drop += "DROP TRIGGER " + n + "; ";
  ASSERT_EQ(std::system(("sqlite3 " + db + " \"" + drop +
                         "UPDATE audit SET detail = 'role admin' WHERE seq = 2\"")
                            .c_str()),
            0);
  Output broken = Run("audit verify --store " + Store());
  EXPECT_EQ(broken.rc, 1);
  EXPECT_NE(broken.out.find("event 2"), std::string::npos) << broken.out;
  // `chartscan check` reports it with the store's other problems.
  Output check = Run("check --store " + Store());
  EXPECT_EQ(check.rc, 1);
  EXPECT_NE(check.out.find("PROBLEM audit log"), std::string::npos) << check.out;
}

}  // namespace

namespace {

TEST_F(CliTest, SearchesAndExportsFromTheCommandLineAreAudited) {
  ASSERT_EQ(Run("users add ada --role admin --password-stdin --store " + Store(),
                "echo 'a long enough passphrase' |")
                .rc,
            0);
  ASSERT_EQ(Run("search --store " + Store() + " warfarin").rc, 0);
  ASSERT_EQ(Run("export --format jsonl --store " + Store()).rc, 0);
  Output log = Run("audit export --store " + Store());
  ASSERT_EQ(log.rc, 0);
  std::map<std::string, nlohmann::json> by_action;
  std::istringstream lines(log.out);
  for (std::string line; std::getline(lines, line);) {
    auto e = nlohmann::json::parse(line);
    by_action[e["action"]] = e;
  }
  ASSERT_TRUE(by_action.count("search")) << log.out;
  EXPECT_EQ(by_action["search"]["detail"], "warfarin");
  EXPECT_EQ(by_action["search"]["remote"], "cli");
  EXPECT_EQ(by_action["search"]["user"].get<std::string>().rfind("cli:", 0), 0u);
  ASSERT_TRUE(by_action.count("export"));
  EXPECT_EQ(by_action["export"]["detail"], "jsonl");
}

}  // namespace
