// The assembly gate: documents and patient charts from a generated multi-document batch.
//
// Once per run it generates, with chartscan-samplegen and fixed seeds (everything invented):
//   01  a stack of three documents of three patients in one multi-page TIFF (boundaries from
//       "Page N of M" footers, patient identity and titles inside one file);
//   02  stacks of two documents with a barcode separator sheet before each and patient-label
//       barcodes on some pages (the barcode stage reads them during ingest);
//   03  another three-document stack in which this test moves one page (page N > 1 of one
//       document) into the middle of another patient's document: a misfiled page;
//   04  the stack of 01 again, as another scan (other degradation): the same three patients, so
//       each of their charts must gather two documents from two files;
//   05  two-document stacks on hard pages: heavy noise, fax, photocopy and faint copies, from two
//       seeds (24 documents, so that one miss is not worth several points).
// It digitizes the batch with `chartscan ingest`, exports pages and documents and scores them
// against the truth files:
//   - boundary precision and recall: a predicted document start (first page of a document)
//     matches a truth start; the misfiled page counts as part of the document it was filed in, so
//     splitting there costs precision;
//   - document type accuracy per truth document (the type of the predicted document holding its
//     first page);
//   - chart completeness (a truth patient's pages are all in one chart) and purity (a chart's
//     pages are all one truth patient's);
//   - misfile detection: the moved page is flagged misfiled or kept out of the host document, and
//     how many other pages are flagged;
//   - per-document fields, what a clerk would otherwise key for each document: patient name, MRN,
//     DOB, date of service and NPI exactly right after normalization (the document's merged value
//     is one the truth printed on its pages), and the document's ICD-10 and CPT codes exactly
//     right as sets; reported for the clean and light stacks and for the hard ones (05) apart.
// The figures are printed as a table; the gates sit at the measured levels with a small margin.
// Files are left in build/<preset>/tests/e2e/assembly/ for inspection.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <tiffio.h>

#include <chartscan/samples/truth.h>

namespace chartscan {
namespace {

namespace fs = std::filesystem;
using samples::TruthFile;
using samples::TruthPage;
using samples::TruthPatient;

constexpr std::uint64_t kStackSeed = 20261203;
constexpr std::uint64_t kSeparatorSeed = 20261202;
constexpr std::uint64_t kDegradedSeed = 20261204;
// More hard pages from another seed: 8 documents alone made one miss worth 2.6 points.
constexpr std::uint64_t kMoreDegradedSeed = 20261205;

// Measured 2026-12-02 on this batch (51 pages: 37 documents of 34 patients, 4 separator sheets,
// one misfiled page, 24 documents on hard pages): boundary precision and recall 100%, document
// type 100%, chart completeness 33 of 34 patients (the fax document whose identity OCR cannot
// read is an orphan; 34 of 34 since 2026-12-03, when a fax stored as 8-bit grey was first cleaned
// as a bilevel one and its date of birth read) and purity 100%, the misfiled page flagged, no
// other page flagged. The gates allow about one miss per measure.
constexpr double kMinBoundaryPrecision = 0.90;
constexpr double kMinBoundaryRecall = 0.90;
constexpr double kMinTypeAccuracy = 0.90;
constexpr double kMinChartCompleteness = 0.90;
constexpr double kMinChartPurity = 0.90;
constexpr int kMaxFalseMisfiles = 1;
constexpr const char* kIdentityFields[] = {"patient_name", "mrn", "dob", "date_of_service",
                                           "provider_npi"};
// Per-document fields, [clean and light, hard pages]. Measured on 2026-12-04: clean and light 63
// of 63 identity values and 11 of 11 code sets; hard pages 113 of 116 identity values (97.4%; a
// middle initial run into a given name, "RAMOS, LISAR", is split where the image shows the space,
// ocr/src/word_filter.h "Joined words", and a fax's NPI read "L(X}252 L098" under a header row of
// misread labels is found and repaired) and 21 of 21 code sets. Late on 2026-12-03: 111 of 116
// (two NPIs a fax's broken rule and a faint page had misread are read again on their own,
// ocr/src/engine.cc "Re-reading doubtful numbers"); earlier that day 109 of 116 identity values
// and 21 of 21 code sets (19 before an E read as 6, a code's letter split from its digits and an
// S read as $ after a list number were repaired; 2026-12-02: 108 and 19, and 101 identity values
// before a period read for a name's comma, a symbol for a middle initial, an unclosed bracket for
// a date's 1, a date's lost slashes, a record number split by a gap, a speck read as a colon
// inside a label and "MIRN" for "MRN" were tolerated). The misses left are OCR's, on one fax page
// at 98 dpi whose boxed header reads "Haddad, Stephare P.", "K286409%" and "fea Date" (name, MRN,
// date of service). The brief's target is 98% per identity field on degraded batches: met for
// DOB and NPI, not for those three. The hard-page gate allows one miss more than measured.
constexpr double kMinIdentity[2] = {0.97, 0.96};
constexpr double kMinCodeSets[2] = {0.9, 0.9};

int Shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// A page as 8-bit grey, whatever the TIFF held (grey 8/16, RGB).
struct GreyPage {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  float x_dpi = 300;
  float y_dpi = 300;
  std::vector<std::uint8_t> pixels;
};

bool ReadTiff(const std::string& path, std::vector<GreyPage>& out) {
  TIFF* tif = TIFFOpen(path.c_str(), "r");
  if (!tif) return false;
  bool ok = true;
  do {
    GreyPage p;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p.width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p.height);
    TIFFGetField(tif, TIFFTAG_XRESOLUTION, &p.x_dpi);
    TIFFGetField(tif, TIFFTAG_YRESOLUTION, &p.y_dpi);
    std::vector<std::uint32_t> rgba(static_cast<std::size_t>(p.width) * p.height);
    if (!TIFFReadRGBAImageOriented(tif, p.width, p.height, rgba.data(), ORIENTATION_TOPLEFT, 0)) {
      ok = false;
      break;
    }
    p.pixels.resize(rgba.size());
    for (std::size_t i = 0; i < rgba.size(); ++i) {
      const std::uint32_t c = rgba[i];
      p.pixels[i] = static_cast<std::uint8_t>(
          (299 * TIFFGetR(c) + 587 * TIFFGetG(c) + 114 * TIFFGetB(c)) / 1000);
    }
    out.push_back(std::move(p));
  } while (TIFFReadDirectory(tif));
  TIFFClose(tif);
  return ok;
}

bool WriteTiff(const std::string& path, const std::vector<const GreyPage*>& pages) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (!tif) return false;
  bool ok = true;
  for (const GreyPage* p : pages) {
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, p->width);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, p->height);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 64);
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, p->x_dpi);
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, p->y_dpi);
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    for (std::uint32_t y = 0; y < p->height && ok; ++y) {
      ok = TIFFWriteScanline(tif, const_cast<std::uint8_t*>(p->pixels.data()) + y * p->width, y,
                             0) >= 0;
    }
    ok = ok && TIFFWriteDirectory(tif);
  }
  TIFFClose(tif);
  return ok;
}

// One page of the batch as ingested: where it is and what it truly is.
struct BatchPage {
  std::string file;  // name in the batch folder
  int source_page = 1;
  TruthPage truth;
  bool moved = false;     // the deliberately misfiled page
  bool degraded = false;  // from the hard-page stacks (05)
  std::string filed_in;   // truth document it sits in (the host for the moved page)
  std::string patient;    // truth patient key (MRN); empty for separators
  nlohmann::json record;  // export --format jsonl
};

struct Tally {
  int right = 0, total = 0;
  double Rate() const { return total ? static_cast<double>(right) / total : 1; }
};

// Per-document field scores of one group of documents (clean and light, or hard pages).
struct FieldScores {
  int documents = 0;
  std::map<std::string, Tally> by_field;  // identity fields
  Tally identity;                         // all identity fields together
  Tally code_sets;                        // documents with codes: ICD-10 and CPT sets exact
  std::vector<std::string> misses;        // "truth doc: field" for the table
};

struct Scores {
  int truth_starts = 0, predicted_starts = 0, matched_starts = 0;
  int documents = 0, type_correct = 0;
  int patients = 0, complete_patients = 0;
  int charts = 0, pure_charts = 0;
  bool misfile_caught = false;
  int false_misfiles = 0;
  FieldScores fields[2];  // [0] clean and light stacks, [1] hard pages
  double Precision() const {
    return predicted_starts ? static_cast<double>(matched_starts) / predicted_starts : 0;
  }
  double Recall() const {
    return truth_starts ? static_cast<double>(matched_starts) / truth_starts : 0;
  }
  double TypeAccuracy() const { return documents ? double(type_correct) / documents : 0; }
  double Completeness() const { return patients ? double(complete_patients) / patients : 0; }
  double Purity() const { return charts ? double(pure_charts) / charts : 0; }
};

class AssemblyGate : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = CHARTSCAN_WORK_DIR;
    fs::remove_all(work_);
    const fs::path gen = work_ / "generated", batch = work_ / "batch";
    fs::create_directories(batch);
    const std::string samplegen = CHARTSCAN_SAMPLEGEN;
    const std::string log = " >> " + (work_ / "samplegen.log").string() + " 2>&1";
    const std::string common = " --formats tiff --blank 0 --near-blank 0 --mixed-multipage 3";
    // Two three-document stacks, and the first one again scanned another way.
    ASSERT_EQ(
        Shell(samplegen + " --out " + (gen / "stacks").string() + " --seed " +
              std::to_string(kStackSeed) + " --count 6 --profiles clean,light" + common + log),
        0)
        << "see " << (work_ / "samplegen.log");
    ASSERT_EQ(Shell(samplegen + " --out " + (gen / "rescan").string() + " --seed " +
                    std::to_string(kStackSeed) + " --count 3 --profiles light" + common + log),
              0);
    ASSERT_EQ(Shell(samplegen + " --out " + (gen / "degraded").string() + " --seed " +
                    std::to_string(kDegradedSeed) +
                    " --count 8 --profiles heavy,fax,photocopy,faint --formats tiff --blank 0 "
                    "--near-blank 0 --mixed-multipage 2" +
                    log),
              0);
    ASSERT_EQ(Shell(samplegen + " --out " + (gen / "separated").string() + " --seed " +
                    std::to_string(kSeparatorSeed) +
                    " --count 4 --profiles clean --formats tiff --blank 0 --near-blank 0 "
                    "--mixed-multipage 2 --separators barcode --patient-labels" +
                    log),
              0);

    ASSERT_EQ(Shell(samplegen + " --out " + (gen / "degraded-more").string() + " --seed " +
                    std::to_string(kMoreDegradedSeed) +
                    " --count 16 --profiles heavy,fax,photocopy,faint --formats tiff --blank 0 "
                    "--near-blank 0 --mixed-multipage 2" +
                    log),
              0);

    std::vector<std::unique_ptr<TruthFile>> stacks = Load(gen / "stacks");
    std::vector<std::unique_ptr<TruthFile>> rescan = Load(gen / "rescan");
    std::vector<std::unique_ptr<TruthFile>> separated = Load(gen / "separated");
    std::vector<std::unique_ptr<TruthFile>> degraded = Load(gen / "degraded");
    std::vector<std::unique_ptr<TruthFile>> more_degraded = Load(gen / "degraded-more");
    ASSERT_EQ(degraded.size(), 4u);
    ASSERT_EQ(more_degraded.size(), 8u);
    ASSERT_EQ(stacks.size(), 2u);
    ASSERT_EQ(rescan.size(), 1u);
    ASSERT_FALSE(separated.empty());

    // 01: the first stack as generated.
    AddFile(gen / "stacks", *stacks[0], "01-stack.tif", "A");
    // 02: stacks with separator sheets.
    for (std::size_t i = 0; i < separated.size(); ++i) {
      AddFile(gen / "separated", *separated[i], "02-separated-" + std::to_string(i) + ".tif",
              "S" + std::to_string(i));
    }
    // 03: the second stack with one page moved into another patient's document.
    ASSERT_NO_FATAL_FAILURE(AddMisfiled(gen / "stacks", *stacks[1], "03-misfiled.tif", "B"));
    // 04: the first stack's documents again.
    AddFile(gen / "rescan", *rescan[0], "04-rescan.tif", "A2");
    ASSERT_EQ(samples::LoadTruth((gen / "rescan" / (rescan[0]->file + ".truth.json")).string())
                  ->pages.front()
                  .patient->mrn,
              stacks[0]->pages.front().patient->mrn)
        << "the rescan no longer repeats the first stack's patients (generator streams changed)";
    // 05: hard pages.
    for (std::size_t i = 0; i < degraded.size(); ++i) {
      const std::size_t first = pages_.size();
      AddFile(gen / "degraded", *degraded[i],
              "05-" + degraded[i]->profile + "-" + std::to_string(i) + ".tif",
              "H" + std::to_string(i));
      for (std::size_t k = first; k < pages_.size(); ++k) pages_[k].degraded = true;
    }
    for (std::size_t i = 0; i < more_degraded.size(); ++i) {
      const std::size_t first = pages_.size();
      AddFile(gen / "degraded-more", *more_degraded[i],
              "05-" + more_degraded[i]->profile + "-more-" + std::to_string(i) + ".tif",
              "M" + std::to_string(i));
      for (std::size_t k = first; k < pages_.size(); ++k) pages_[k].degraded = true;
    }

    const std::string cli = CHARTSCAN_CLI;
    const fs::path store = work_ / "store";
    ingest_rc_ = Shell(cli + " ingest --quiet --json --workers 2 --store " + store.string() + " " +
                       batch.string() + " > " + (work_ / "ingest.json").string() + " 2> " +
                       (work_ / "ingest.log").string());
    ASSERT_EQ(Shell(cli + " export --format jsonl --store " + store.string() + " -o " +
                    (work_ / "pages.jsonl").string()),
              0);
    ASSERT_EQ(Shell(cli + " export --format documents-jsonl --store " + store.string() + " -o " +
                    (work_ / "documents.jsonl").string()),
              0);
    // Running the same ingest again must re-assemble into the same documents and charts.
    rerun_rc_ = Shell(cli + " ingest --quiet --json --workers 2 --store " + store.string() + " " +
                      batch.string() + " > " + (work_ / "ingest-again.json").string() + " 2>&1");
    ASSERT_EQ(Shell(cli + " export --format documents-jsonl --store " + store.string() + " -o " +
                    (work_ / "documents-again.jsonl").string()),
              0);
    // The facility's roster: every patient of the batch, as the generator made them, except two
    // of the clean stacks' patients whom the facility's records spell otherwise: one's given name
    // has a letter more, the other's MRN ends in another digit. Imported after the ingest, it
    // re-matches the charts (the first by MRN, the second by name and birth date), and every
    // value that differs from it goes to review: those two patients' names and MRNs as read,
    // and any misreading.
    {
      std::ofstream roster(work_ / "roster.csv");
      roster << "mrn,last,first,dob,sex\n";
      std::set<std::string> listed;
      for (const BatchPage& p : pages_) {
        if (!p.truth.patient || !listed.insert(p.truth.patient->mrn).second) continue;
        TruthPatient t = *p.truth.patient;
        if (!p.degraded && renamed_.empty()) {
          renamed_ = t.mrn;
          t.first += "e";
        } else if (!p.degraded && renumbered_.empty()) {
          renumbered_ = t.mrn;
          t.mrn.back() = t.mrn.back() == '9' ? '0' : static_cast<char>(t.mrn.back() + 1);
        }
        roster << t.mrn << ",\"" << t.last << "\",\"" << t.first << "\"," << t.dob << "," << t.sex
               << "\n";
      }
    }
    roster_rc_ =
        Shell(cli + " patients import --store " + store.string() + " " +
              (work_ / "roster.csv").string() + " > " + (work_ / "roster.log").string() + " 2>&1");
    ASSERT_EQ(Shell(cli + " export --format documents-jsonl --store " + store.string() + " -o " +
                    (work_ / "documents-roster.jsonl").string()),
              0);

    std::map<std::pair<std::string, int>, nlohmann::json> exported;
    std::ifstream in(work_ / "pages.jsonl");
    for (std::string line; std::getline(in, line);) {
      nlohmann::json j = nlohmann::json::parse(line);
      exported[{fs::path(j["source"].get<std::string>()).filename().string(),
                j["source_page"].get<int>()}] = j;
    }
    for (BatchPage& p : pages_) {
      auto it = exported.find({p.file, p.source_page});
      if (it != exported.end()) p.record = it->second;
    }
    for (auto [file, into] : {std::pair{"documents.jsonl", &documents_},
                              std::pair{"documents-roster.jsonl", &documents_roster_}}) {
      std::ifstream docs_in(work_ / file);
      for (std::string line; std::getline(docs_in, line);) {
        nlohmann::json j = nlohmann::json::parse(line);
        (*into)[Id(j, "document_id")] = j;
      }
    }
    scores_ = Score();
    PrintTable();
  }

  static std::vector<std::unique_ptr<TruthFile>> Load(const fs::path& dir) {
    std::vector<std::unique_ptr<TruthFile>> out;
    auto paths = samples::FindTruthFiles(dir.string());
    EXPECT_TRUE(paths.ok()) << paths.status().ToString();
    if (!paths.ok()) return out;
    for (const std::string& p : *paths) {
      auto t = samples::LoadTruth(p);
      EXPECT_TRUE(t.ok()) << t.status().ToString();
      if (t.ok()) out.push_back(std::make_unique<TruthFile>(std::move(t).value()));
    }
    return out;
  }

  // Document ids are unique within one generator run; prefix them with the run's tag.
  static void AddPage(const std::string& file, int source_page, const TruthPage& t,
                      const std::string& tag) {
    BatchPage p;
    p.file = file;
    p.source_page = source_page;
    p.truth = t;
    p.filed_in = t.document_id.empty() ? "" : tag + ":" + t.document_id;
    p.patient = t.patient ? t.patient->mrn : "";
    pages_.push_back(std::move(p));
  }

  static void AddFile(const fs::path& dir, const TruthFile& t, const std::string& name,
                      const std::string& tag) {
    fs::copy_file(dir / t.file, work_ / "batch" / name);
    for (const TruthPage& tp : t.pages) AddPage(name, tp.source_page, tp, tag);
  }

  // Moves page N > 1 of one document to just after the first page of a later document of at
  // least two pages.
  static void AddMisfiled(const fs::path& dir, const TruthFile& t, const std::string& name,
                          const std::string& tag) {
    std::vector<GreyPage> images;
    ASSERT_TRUE(ReadTiff((dir / t.file).string(), images)) << t.file;
    ASSERT_EQ(images.size(), t.pages.size());
    // The moved page comes from an early document and goes into a late one, so it never lands
    // right after its own document's first page (that would merely reassemble its document).
    int moved = -1, host = -1;
    for (std::size_t i = 0; i < t.pages.size() && moved < 0; ++i) {
      if (t.pages[i].document_page < 2) continue;
      for (std::size_t j = t.pages.size(); j-- > i + 2;) {
        if (t.pages[j].document_page == 1 && t.pages[j].document_pages >= 2) {
          moved = static_cast<int>(i);
          host = static_cast<int>(j);
          break;
        }
      }
    }
    ASSERT_GE(moved, 0) << "no page to misfile in " << t.file << "; pick another seed";
    std::vector<int> order;
    for (int i = 0; i < static_cast<int>(t.pages.size()); ++i) {
      if (i == moved) continue;
      order.push_back(i);
      if (i == host) order.push_back(moved);
    }
    std::vector<const GreyPage*> out;
    for (int i : order) out.push_back(&images[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(WriteTiff((work_ / "batch" / name).string(), out));
    for (std::size_t k = 0; k < order.size(); ++k) {
      const TruthPage& tp = t.pages[static_cast<std::size_t>(order[k])];
      AddPage(name, static_cast<int>(k) + 1, tp, tag);
      if (order[k] == moved) {
        pages_.back().moved = true;
        pages_.back().filed_in = tag + ":" + t.pages[static_cast<std::size_t>(host)].document_id;
      }
    }
  }

  static bool Content(const BatchPage& p) { return !p.truth.separator && !p.truth.blank; }

  static std::int64_t Id(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
  }

  static Scores Score() {
    Scores s;
    // Boundaries, in batch order over content pages.
    std::string prev_truth;
    std::int64_t prev_doc = -1;
    for (const BatchPage& p : pages_) {
      if (!Content(p) || p.record.is_null()) continue;
      const bool truth_start = p.filed_in != prev_truth;
      const std::int64_t doc = Id(p.record, "document_id");
      const bool predicted_start = doc == 0 || doc != prev_doc;
      s.truth_starts += truth_start;
      s.predicted_starts += predicted_start;
      s.matched_starts += truth_start && predicted_start;
      prev_truth = p.filed_in;
      prev_doc = doc;
    }
    // Types: the predicted document holding a truth document's first page.
    std::set<std::string> seen;
    for (const BatchPage& p : pages_) {
      if (!Content(p) || p.moved || seen.count(p.filed_in) || p.record.is_null()) continue;
      seen.insert(p.filed_in);
      ++s.documents;
      s.type_correct += p.record.value("document_type", nlohmann::json()) == p.truth.doc_type;
    }
    // Charts, over content pages that are not misfiled.
    std::map<std::string, std::set<std::int64_t>> charts_of_patient;
    std::map<std::int64_t, std::set<std::string>> patients_of_chart;
    for (const BatchPage& p : pages_) {
      if (!Content(p) || p.moved || p.record.is_null()) continue;
      const std::int64_t chart = Id(p.record, "chart_id");
      charts_of_patient[p.patient].insert(chart);
      if (chart != 0) patients_of_chart[chart].insert(p.patient);
    }
    for (const auto& [patient, charts] : charts_of_patient) {
      ++s.patients;
      s.complete_patients += charts.size() == 1 && *charts.begin() != 0;
    }
    for (const auto& [chart, patients] : patients_of_chart) {
      ++s.charts;
      s.pure_charts += patients.size() == 1;
    }
    ScoreDocumentFields(s);
    // Misfiles.
    for (const BatchPage& p : pages_) {
      if (!Content(p) || p.record.is_null()) continue;
      if (p.moved) {
        // Caught when flagged, or kept out of the document it was filed in.
        const std::int64_t doc = Id(p.record, "document_id");
        bool with_host = false;
        for (const BatchPage& q : pages_) {
          with_host = with_host || (!q.moved && q.filed_in == p.filed_in &&
                                    Id(q.record, "document_id") == doc && doc != 0);
        }
        s.misfile_caught = p.record.value("misfiled", false) || !with_host;
      } else if (p.record.value("misfiled", false)) {
        ++s.false_misfiles;
      }
    }
    return s;
  }

  // Normalized values compare upper-case with spaces dropped, as in the accuracy gate.
  static std::string Key(const std::string& v) {
    std::string out;
    for (unsigned char c : v) {
      if (!std::isspace(c)) out.push_back(static_cast<char>(std::toupper(c)));
    }
    return out;
  }

  // The truth documents (by filed_in: run tag and document id), in batch order, each with the
  // predicted document holding its first page.
  struct TruthDoc {
    std::string name;
    bool degraded = false;
    std::int64_t predicted = 0;
    std::string patient;  // truth patient key (MRN)
    std::map<std::string, std::set<std::string>> values;
  };
  static std::vector<TruthDoc> TruthDocs() {
    std::vector<TruthDoc> out;
    std::map<std::string, std::size_t> index;
    for (const BatchPage& p : pages_) {
      if (!Content(p) || p.moved || p.record.is_null()) continue;
      auto [it, added] = index.try_emplace(p.filed_in, out.size());
      if (added) {
        out.push_back({p.filed_in, p.degraded, Id(p.record, "document_id"), p.patient, {}});
      }
      TruthDoc& t = out[it->second];
      for (const auto& f : p.truth.fields) t.values[f.name].insert(Key(f.normalized));
    }
    return out;
  }

  // Each truth document against the predicted document holding its first page.
  static void ScoreDocumentFields(Scores& s) {
    for (const TruthDoc& t : TruthDocs()) {
      const std::string& name = t.name;
      FieldScores& g = s.fields[t.degraded ? 1 : 0];
      ++g.documents;
      auto d = documents_.find(t.predicted);
      std::map<std::string, std::set<std::string>> found;
      if (d != documents_.end()) {
        for (const auto& f : d->second.value("fields", nlohmann::json::array())) {
          found[f.value("name", "")].insert(Key(f.value("normalized", "")));
        }
      }
      for (const char* field : kIdentityFields) {
        auto tv = t.values.find(field);
        if (tv == t.values.end()) continue;
        const auto& fv = found[field];
        const bool right = fv.size() == 1 && tv->second.count(*fv.begin());
        for (Tally* c : {&g.by_field[field], &g.identity}) {
          ++c->total;
          c->right += right;
        }
        if (!right) g.misses.push_back(name + ": " + field);
      }
      std::set<std::string> truth_codes, found_codes;
      for (const char* field : {"icd10", "cpt"}) {
        auto tv = t.values.find(field);
        if (tv != t.values.end()) {
          for (const auto& v : tv->second) truth_codes.insert(std::string(field) + ":" + v);
        }
        for (const auto& v : found[field]) found_codes.insert(std::string(field) + ":" + v);
      }
      if (!truth_codes.empty()) {
        ++g.code_sets.total;
        g.code_sets.right += truth_codes == found_codes;
        if (truth_codes != found_codes) g.misses.push_back(name + ": codes");
      }
    }
  }

  // Identity values a clerk is not told to verify, before and after the roster import: wrong
  // ones (the value read differs from the truth) and right ones flagged anyway. Names, MRNs and
  // birth dates only: the roster knows nothing of dates of service or NPIs.
  struct RosterScores {
    int values = 0;
    int differing = 0, differing_flagged = 0;  // values of the two patients spelled otherwise
    int wrong_silent_before = 0, wrong_silent_after = 0;
    int wrong_flagged_before = 0, wrong_flagged_after = 0;
    int right_flagged_before = 0, right_flagged_after = 0;
    std::vector<std::string> silent;  // "truth doc: field value" left silent after the import
  };
  static RosterScores ScoreRoster() {
    RosterScores r;
    for (const TruthDoc& t : TruthDocs()) {
      for (const char* field : {"patient_name", "mrn", "dob"}) {
        auto tv = t.values.find(field);
        if (tv == t.values.end()) continue;
        const std::string_view name(field);
        const std::string& differs = name == "patient_name" ? renamed_
                                     : name == "mrn"        ? renumbered_
                                                            : none_;
        if (!differs.empty() && t.patient == differs) {
          auto d = documents_roster_.find(t.predicted);
          if (d == documents_roster_.end()) continue;
          for (const auto& f : d->second.value("fields", nlohmann::json::array())) {
            if (f.value("name", "") != field) continue;
            ++r.differing;
            r.differing_flagged += f.value("needs_review", false);
          }
          continue;
        }
        for (bool after : {false, true}) {
          const auto& docs = after ? documents_roster_ : documents_;
          auto d = docs.find(t.predicted);
          if (d == docs.end()) continue;
          for (const auto& f : d->second.value("fields", nlohmann::json::array())) {
            if (f.value("name", "") != field) continue;
            if (!after) ++r.values;
            const std::string value = f.value("normalized", "");
            const bool right = tv->second.count(Key(value)) > 0;
            const bool flagged = f.value("needs_review", false);
            if (right) {
              (after ? r.right_flagged_after : r.right_flagged_before) += flagged;
            } else if (flagged) {
              ++(after ? r.wrong_flagged_after : r.wrong_flagged_before);
            } else {
              ++(after ? r.wrong_silent_after : r.wrong_silent_before);
              if (after) r.silent.push_back(t.name + ": " + field + " " + value);
            }
          }
        }
      }
    }
    return r;
  }

  static void PrintTable() {
    const Scores& s = scores_;
    std::printf("\nassembly over %zu batch pages\n", pages_.size());
    std::printf("%-28s %8s %8s\n", "measure", "value", "gate");
    std::printf("%-28s %7.1f%% %7.1f%%   (%d of %d predicted starts)\n", "boundary precision",
                100 * s.Precision(), 100 * kMinBoundaryPrecision, s.matched_starts,
                s.predicted_starts);
    std::printf("%-28s %7.1f%% %7.1f%%   (%d of %d truth starts)\n", "boundary recall",
                100 * s.Recall(), 100 * kMinBoundaryRecall, s.matched_starts, s.truth_starts);
    std::printf("%-28s %7.1f%% %7.1f%%   (%d of %d documents)\n", "document type",
                100 * s.TypeAccuracy(), 100 * kMinTypeAccuracy, s.type_correct, s.documents);
    std::printf("%-28s %7.1f%% %7.1f%%   (%d of %d patients in one chart)\n", "chart completeness",
                100 * s.Completeness(), 100 * kMinChartCompleteness, s.complete_patients,
                s.patients);
    std::printf("%-28s %7.1f%% %7.1f%%   (%d of %d charts of one patient)\n", "chart purity",
                100 * s.Purity(), 100 * kMinChartPurity, s.pure_charts, s.charts);
    std::printf("%-28s %8s %8s\n", "misfiled page caught", s.misfile_caught ? "yes" : "no", "yes");
    std::printf("%-28s %8d %8d\n", "other pages flagged", s.false_misfiles, kMaxFalseMisfiles);
    for (int g = 0; g < 2; ++g) {
      const FieldScores& f = s.fields[g];
      std::printf("\nper-document fields, %s (%d documents)\n",
                  g == 0 ? "clean and light stacks" : "hard pages (05)", f.documents);
      for (const auto& [name, t] : f.by_field) {
        std::printf("  %-26s %7.1f%%   (%d of %d)\n", name.c_str(), 100 * t.Rate(), t.right,
                    t.total);
      }
      std::printf("  %-26s %7.1f%% %7.1f%%   (%d of %d)\n", "identity fields",
                  100 * f.identity.Rate(), 100 * kMinIdentity[g], f.identity.right,
                  f.identity.total);
      std::printf("  %-26s %7.1f%% %7.1f%%   (%d of %d documents with codes)\n", "code sets exact",
                  100 * f.code_sets.Rate(), 100 * kMinCodeSets[g], f.code_sets.right,
                  f.code_sets.total);
      for (const std::string& m : f.misses) std::printf("    miss %s\n", m.c_str());
    }
    const RosterScores r = ScoreRoster();
    std::printf("\nname, MRN and birth date against the roster (%d document values)\n", r.values);
    std::printf("  %-30s %8s %8s\n", "", "before", "after");
    std::printf("  %-30s %8d %8d\n", "wrong, not flagged", r.wrong_silent_before,
                r.wrong_silent_after);
    std::printf("  %-30s %8d %8d\n", "wrong, flagged for review", r.wrong_flagged_before,
                r.wrong_flagged_after);
    std::printf("  %-30s %8d %8d\n", "right, flagged for review", r.right_flagged_before,
                r.right_flagged_after);
    std::printf("  %-30s %8d of %d\n", "spelled otherwise, flagged", r.differing_flagged,
                r.differing);
    for (const std::string& m : r.silent) std::printf("    silent %s\n", m.c_str());
    std::printf("\n%-22s %3s %-22s %6s %6s %-18s %-18s %s\n", "file", "pg", "truth doc", "doc",
                "chart", "truth type", "predicted type", "flags");
    for (const BatchPage& p : pages_) {
      std::printf("%-22s %3d %-22s %6lld %6lld %-18s %-18s %s%s%s\n", p.file.c_str(), p.source_page,
                  p.truth.separator ? "(separator)" : p.filed_in.c_str(),
                  static_cast<long long>(Id(p.record, "document_id")),
                  static_cast<long long>(Id(p.record, "chart_id")), p.truth.doc_type.c_str(),
                  p.record.value("document_type", nlohmann::json()).is_string()
                      ? p.record["document_type"].get<std::string>().c_str()
                      : "-",
                  p.moved ? "moved " : "", p.record.value("misfiled", false) ? "misfiled" : "",
                  p.record.is_null() ? "missing" : "");
    }
    std::fflush(stdout);
  }

  static inline fs::path work_;
  static inline int ingest_rc_ = -1;
  static inline int rerun_rc_ = -1;
  static inline std::vector<BatchPage> pages_;
  static inline std::map<std::int64_t, nlohmann::json> documents_;         // documents-jsonl by id
  static inline std::map<std::int64_t, nlohmann::json> documents_roster_;  // after the roster
  static inline int roster_rc_ = -1;
  static inline std::string renamed_, renumbered_;  // truth MRNs the roster spells otherwise
  static inline const std::string none_;
  static inline Scores scores_;
};

TEST_F(AssemblyGate, EveryPageIsDigitizedAndAssembled) {
  EXPECT_EQ(ingest_rc_, 0) << "see " << (work_ / "ingest.log");
  ASSERT_FALSE(pages_.empty());
  for (const BatchPage& p : pages_) {
    ASSERT_FALSE(p.record.is_null()) << p.file << " page " << p.source_page << " not exported";
    if (!Content(p)) continue;
    EXPECT_NE(Id(p.record, "document_id"), 0) << p.file << " page " << p.source_page;
  }
}

TEST_F(AssemblyGate, SeparatorSheetsAreInNoDocument) {
  int sheets = 0;
  for (const BatchPage& p : pages_) {
    if (!p.truth.separator) continue;
    ++sheets;
    EXPECT_EQ(Id(p.record, "document_id"), 0) << p.file << " page " << p.source_page;
  }
  EXPECT_GT(sheets, 0) << "the batch lost its separator sheets";
}

TEST_F(AssemblyGate, BoundaryPrecisionAndRecallWithinGates) {
  EXPECT_GE(scores_.Precision(), kMinBoundaryPrecision);
  EXPECT_GE(scores_.Recall(), kMinBoundaryRecall);
}

TEST_F(AssemblyGate, DocumentTypeAccuracyWithinGate) {
  EXPECT_GE(scores_.TypeAccuracy(), kMinTypeAccuracy);
}

TEST_F(AssemblyGate, ChartsGatherEachPatientAndOnlyThem) {
  EXPECT_GE(scores_.Completeness(), kMinChartCompleteness);
  EXPECT_GE(scores_.Purity(), kMinChartPurity);
}

TEST_F(AssemblyGate, MisfiledPageIsNeverSilentlyMerged) {
  EXPECT_TRUE(scores_.misfile_caught);
  EXPECT_LE(scores_.false_misfiles, kMaxFalseMisfiles);
}

TEST_F(AssemblyGate, DocumentFieldsWithinGates) {
  for (int g = 0; g < 2; ++g) {
    const FieldScores& f = scores_.fields[g];
    ASSERT_GT(f.documents, 0) << "group " << g << " lost its documents";
    EXPECT_GE(f.identity.Rate(), kMinIdentity[g]) << (g ? "hard pages" : "clean and light");
    EXPECT_GE(f.code_sets.Rate(), kMinCodeSets[g]) << (g ? "hard pages" : "clean and light");
  }
}

// A roster that lists every patient turns every name, MRN and birth date read otherwise on a chart
// it matched into a value to verify, and flags no value that agrees with it. This batch's pages
// misread none of those (2026-12-05: 0 wrong of 109 values), so two patients are spelled
// otherwise on the roster.
TEST_F(AssemblyGate, ValuesDifferingFromTheRosterAreNeverSilent) {
  ASSERT_EQ(roster_rc_, 0) << "see " << (work_ / "roster.log");
  const RosterScores r = ScoreRoster();
  ASSERT_GT(r.values, 0);
  ASSERT_GE(r.differing, 2) << "the two patients the roster spells otherwise lost their values";
  EXPECT_EQ(r.differing_flagged, r.differing);
  EXPECT_EQ(r.wrong_silent_after, 0);
  EXPECT_EQ(r.right_flagged_after, r.right_flagged_before) << "the roster flagged a right value";
}

TEST_F(AssemblyGate, DocumentsExportListsPagesAndMisfiles) {
  std::ifstream in(work_ / "documents.jsonl");
  int documents = 0, misfiled = 0;
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    ++documents;
    for (const char* key : {"document_id", "chart_id", "doc_type", "confidence", "needs_review",
                            "pages", "fields", "misfiled_pages"}) {
      EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_FALSE(j["pages"].empty());
    misfiled += static_cast<int>(j["misfiled_pages"].size());
    if (!j["misfiled_pages"].empty()) {
      EXPECT_TRUE(j["needs_review"].get<bool>());
    }
  }
  EXPECT_GT(documents, 0);
  EXPECT_EQ(misfiled, scores_.false_misfiles + (scores_.misfile_caught ? 1 : 0));
}

TEST_F(AssemblyGate, ReRunningTheIngestDuplicatesNoDocumentOrChart) {
  EXPECT_EQ(rerun_rc_, 0) << "see " << (work_ / "ingest-again.json");
  std::ifstream a(work_ / "documents.jsonl"), b(work_ / "documents-again.jsonl");
  std::string first((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  std::string second((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace chartscan
