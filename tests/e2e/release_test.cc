// The release gate: a generated multi-document batch digitized by the chartscan command, released
// with `chartscan release --all`, and the package checked the way a receiving system would:
// - every PDF passes `qpdf --check`, says PDF/A-2b (pdfinfo), has its fonts embedded (pdffonts),
//   and Poppler finds each OCR word of each page at that word's position;
// - the FHIR Bundles validate and the HL7 messages parse back (tests/release/validate_package.mjs,
//   npm packages pinned in tests/release/package-lock.json);
// - `chartscan release verify` passes, and rejects the package once a file is changed;
// - a second release of the same scope gives identical files apart from the manifest;
// - the release is in the audit log.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <glib.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <poppler.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Output {
  int rc = -1;
  std::string out;
};

Output Shell(const std::string& command) {
  Output o;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return o;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) o.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  o.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::map<std::string, std::string> FilesUnder(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadAll(e.path());
  }
  return out;
}

class ReleaseGate : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = CHARTSCAN_WORK_DIR;
    fs::remove_all(work_);
    fs::create_directories(work_);
    const std::string log = " >> " + (work_ / "log.txt").string() + " 2>&1";
    // Three files of mixed documents (several patients per stack), clean and degraded pages.
    ASSERT_EQ(Shell(std::string(CHARTSCAN_SAMPLEGEN) + " --out " + (work_ / "batch").string() +
                    " --seed 7101 --count 6 --profiles clean,light,photocopy --formats tiff "
                    "--blank 1 --near-blank 0 --mixed-multipage 2" +
                    log)
                  .rc,
              0)
        << "see " << work_ / "log.txt";
    for (const auto& e : fs::directory_iterator(work_ / "batch")) {
      if (e.path().extension() == ".json") fs::rename(e.path(), work_ / e.path().filename());
    }
    ASSERT_EQ(Cli("ingest --quiet --workers 2 " + (work_ / "batch").string() + log).rc, 0)
        << "see " << work_ / "log.txt";
    Output released = Cli("release --quiet --json --all --facility \"Riverside Clinic\" --to " +
                          Package().string());
    ASSERT_EQ(released.rc, 0) << released.out;
    summary_ = json::parse(released.out.substr(released.out.find('{')));
    manifest_ = json::parse(ReadAll(Package() / "manifest.json"));
  }

  static Output Cli(const std::string& args) {
    return Shell(std::string(CHARTSCAN_CLI) + " " + args + " --store " +
                 (work_ / "store").string());
  }
  static Output CliNoStore(const std::string& args) {
    return Shell(std::string(CHARTSCAN_CLI) + " " + args);
  }
  static fs::path Package() { return work_ / "package"; }

  static inline fs::path work_;
  static inline json summary_;
  static inline json manifest_;
};

TEST_F(ReleaseGate, ReleasesEveryDocumentInEveryFormat) {
  ASSERT_GT(manifest_["documents"].size(), 2u);
  EXPECT_EQ(summary_["documents"], manifest_["documents"].size());
  for (const json& d : manifest_["documents"]) {
    EXPECT_EQ(d["files"].size(), 3u) << d.dump();  // PDF, TIFF, HL7
  }
  EXPECT_TRUE(fs::exists(Package() / "documents.csv"));
  EXPECT_FALSE(fs::is_empty(Package() / "fhir"));
  // The generated blank page is left out, and said so.
  bool blank = false;
  for (const json& w : manifest_["withheld_pages"]) blank |= w["reason"] == "blank";
  EXPECT_TRUE(blank) << manifest_["withheld_pages"].dump();
}

TEST_F(ReleaseGate, EveryPdfPassesQpdfAndIsPdfA2bWithEmbeddedFonts) {
  int pdfs = 0;
  for (const auto& e : fs::directory_iterator(Package() / "documents")) {
    if (e.path().extension() != ".pdf") continue;
    ++pdfs;
    const std::string f = e.path().string();
    Output qpdf = Shell("qpdf --check " + f);
    EXPECT_EQ(qpdf.rc, 0) << f << "\n" << qpdf.out;
    Output info = Shell("pdfinfo " + f);
    const std::size_t encrypted = info.out.find("Encrypted:");
    ASSERT_NE(encrypted, std::string::npos) << f << "\n" << info.out;
    EXPECT_EQ(info.out.substr(encrypted, info.out.find('\n', encrypted) - encrypted).find("no"),
              info.out.find('\n', encrypted) - encrypted - 2)
        << f << " is encrypted";
    // PDF/A identification (Debian 12's pdfinfo does not name the subtype; its XMP shows it).
    Output meta = Shell("pdfinfo -meta " + f);
    EXPECT_NE(meta.out.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos) << f;
    EXPECT_NE(meta.out.find("<pdfaid:conformance>B</pdfaid:conformance>"), std::string::npos) << f;
    // The output intent with its ICC profile, as qpdf resolves the catalog.
    Output intent = Shell("qpdf --json " + f);
    EXPECT_NE(intent.out.find("/GTS_PDFA1"), std::string::npos) << f;
    EXPECT_NE(intent.out.find("/DestOutputProfile"), std::string::npos) << f;
    Output fonts = Shell("pdffonts " + f);
    EXPECT_EQ(fonts.rc, 0);
    std::istringstream lines(fonts.out);
    std::string line;
    int font_rows = 0;
    for (int i = 0; std::getline(lines, line); ++i) {
      if (i < 2 || line.empty()) continue;  // header and rule
      ++font_rows;
      // Columns: name type encoding emb sub uni object ID; "emb" must be yes.
      EXPECT_NE(line.find(" yes "), std::string::npos) << f << ": font not embedded: " << line;
    }
    EXPECT_GE(font_rows, 1) << f;
  }
  EXPECT_EQ(pdfs, static_cast<int>(manifest_["documents"].size()));
}

TEST_F(ReleaseGate, PopplerFindsEveryOcrWordAtItsPosition) {
  // The store's words per page, with boxes in pixels of the cleaned image.
  Output exported = Cli("export --format jsonl --words");
  ASSERT_EQ(exported.rc, 0);
  std::map<std::int64_t, json> pages;
  std::istringstream lines(exported.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '{') continue;
    json p = json::parse(line);
    pages[p["page_id"].get<std::int64_t>()] = p;
  }
  int words = 0, found = 0;
  std::vector<std::string> misses;
  for (const json& d : manifest_["documents"]) {
    const fs::path pdf = Package() / d["files"][0].get<std::string>();
    GError* error = nullptr;
    const std::string uri = "file://" + fs::absolute(pdf).string();
    PopplerDocument* doc = poppler_document_new_from_file(uri.c_str(), nullptr, &error);
    ASSERT_NE(doc, nullptr) << pdf << ": " << (error ? error->message : "");
    ASSERT_EQ(poppler_document_get_n_pages(doc), static_cast<int>(d["page_ids"].size())) << pdf;
    for (std::size_t i = 0; i < d["page_ids"].size(); ++i) {
      const json& p = pages[d["page_ids"][i].get<std::int64_t>()];
      PopplerPage* page = poppler_document_get_page(doc, static_cast<int>(i));
      double width_pt = 0, height_pt = 0;
      poppler_page_get_size(page, &width_pt, &height_pt);
      const double scale = width_pt / p["image"]["width"].get<double>();
      EXPECT_NEAR(height_pt / p["image"]["height"].get<double>(), scale, 1e-3) << pdf;
      const json& page_words = p["words"];
      for (std::size_t k = 0; k < page_words.size(); ++k) {
        const json& w = page_words[k];
        const std::string text = w["text"];
        if (text.empty()) continue;
        ++words;
        const json& b = w["bbox"];
        // Found where the word is: a match of its text whose centre lies inside its box in points
        // (widened by a quarter of its height each side). find_text gives PDF coordinates, with
        // the origin at the bottom left.
        const double pad = b[3].get<double>() * scale * 0.25;
        const double left = b[0].get<double>() * scale - pad;
        const double top = b[1].get<double>() * scale - pad;
        const double right = (b[0].get<double>() + b[2].get<double>()) * scale + pad;
        const double bottom = (b[1].get<double>() + b[3].get<double>()) * scale + pad;
        bool there = false;
        GList* matches = poppler_page_find_text(page, text.c_str());
        for (GList* m = matches; m != nullptr; m = m->next) {
          const auto* r = static_cast<PopplerRectangle*>(m->data);
          const double cx = (r->x1 + r->x2) / 2, cy = height_pt - (r->y1 + r->y2) / 2;
          there |= cx >= left && cx <= right && cy >= top && cy <= bottom;
          poppler_rectangle_free(const_cast<PopplerRectangle*>(r));
        }
        g_list_free(matches);
        if (there) {
          ++found;
        } else if (misses.size() < 10) {
          misses.push_back(pdf.filename().string() + " p" + std::to_string(i + 1) + ": word " +
                           std::to_string(k) + " not under its box");
        }
      }
      g_object_unref(page);
    }
    g_object_unref(doc);
  }
  ASSERT_GT(words, 300);
  const double rate = static_cast<double>(found) / words;
  std::printf("words found at their OCR position: %d of %d (%.2f%%)\n", found, words, rate * 100);
  EXPECT_GE(rate, 0.99) << testing::PrintToString(misses);
}

TEST_F(ReleaseGate, FhirValidatesAndHl7ParsesBack) {
  Output node = Shell("node " + std::string(CHARTSCAN_SOURCE_DIR) +
                      "/tests/release/validate_package.mjs " + Package().string());
  EXPECT_EQ(node.rc, 0) << node.out;
  std::printf("%s", node.out.c_str());
}

TEST_F(ReleaseGate, VerifyPassesThenRejectsAChangedFile) {
  fs::copy(Package(), work_ / "tampered", fs::copy_options::recursive);
  Output ok = Cli("release verify " + (work_ / "tampered").string());
  EXPECT_EQ(ok.rc, 0) << ok.out;
  EXPECT_NE(ok.out.find("OK:"), std::string::npos) << ok.out;
  const fs::path csv = work_ / "tampered" / "documents.csv";
  std::string bytes = ReadAll(csv);
  bytes.replace(bytes.find("\r\n") + 2, 1, "9");  // first character of the first row
  std::ofstream(csv, std::ios::binary | std::ios::trunc) << bytes;
  Output bad = Cli("release verify " + (work_ / "tampered").string());
  EXPECT_EQ(bad.rc, 1) << bad.out;
  EXPECT_NE(bad.out.find("documents.csv does not match its SHA-256"), std::string::npos) << bad.out;
  Output missing = CliNoStore("release verify " + (work_ / "nothing").string() + " --no-store");
  EXPECT_EQ(missing.rc, 2) << missing.out;
}

TEST_F(ReleaseGate, ReleasingTheSameScopeAgainGivesIdenticalFiles) {
  ASSERT_EQ(Cli("release --quiet --all --facility \"Riverside Clinic\" --to " +
                (work_ / "again").string())
                .rc,
            0);
  std::map<std::string, std::string> a = FilesUnder(Package());
  std::map<std::string, std::string> b = FilesUnder(work_ / "again");
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [path, bytes] : a) {
    if (path == "manifest.json") continue;
    EXPECT_TRUE(bytes == b[path]) << path;
  }
}

TEST_F(ReleaseGate, BilevelReleaseIsG4AndSeveralTimesSmaller) {
  const fs::path dir = work_ / "bilevel";
  Output o = Cli("release --quiet --bilevel --all --format pdf --to " + dir.string());
  ASSERT_EQ(o.rc, 0) << o.out;
  std::uintmax_t bilevel = 0, as_stored = 0;
  for (const auto& e : fs::directory_iterator(dir / "documents")) {
    bilevel += fs::file_size(e.path());
    as_stored += fs::file_size(Package() / "documents" / e.path().filename());
    EXPECT_EQ(Shell("qpdf --check " + e.path().string()).rc, 0) << e.path();
    Output images = Shell("pdfimages -list " + e.path().string());
    EXPECT_NE(images.out.find("ccitt"), std::string::npos) << images.out;
    EXPECT_EQ(images.out.find("jpeg"), std::string::npos) << images.out;
  }
  std::printf("PDFs as stored %ju KB, with --bilevel %ju KB\n", as_stored / 1024, bilevel / 1024);
  EXPECT_LT(bilevel * 3, as_stored);
}

TEST_F(ReleaseGate, TheReleaseIsInTheAuditLog) {
  Output log = Cli("audit export --format jsonl");
  ASSERT_EQ(log.rc, 0);
  EXPECT_NE(log.out.find("\"release:" + manifest_["release_id"].get<std::string>() + "\""),
            std::string::npos);
  EXPECT_NE(log.out.find("scope=all"), std::string::npos);
}

TEST_F(ReleaseGate, AReleaseIntoAFolderThatHoldsFilesIsRefused) {
  Output o = Cli("release --quiet --all --to " + Package().string());
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.out.find("not empty"), std::string::npos) << o.out;
  Output no_scope = Cli("release --to " + (work_ / "x").string());
  EXPECT_EQ(no_scope.rc, 2);
  EXPECT_NE(no_scope.out.find("exactly one of"), std::string::npos) << no_scope.out;
  Output bad_format = Cli("release --all --format pdf,docx --to " + (work_ / "y").string());
  EXPECT_EQ(bad_format.rc, 2);
  EXPECT_NE(bad_format.out.find("docx"), std::string::npos) << bad_format.out;
}

}  // namespace
