// Extraction accuracy on generated pages with ground truth.
//
// The samples generator writes born-digital documents (every page of each document, all document
// types) with truth files holding each printed line (text and box) and each field (name, value,
// normalized value, box). This test rebuilds PageText from the truth lines as a perfect OCR engine
// would report it: each line's words get boxes spread across the line box in proportion to their
// character counts (spaces included), confidence 95. It then measures, per field, precision and
// recall of the extracted normalized values against the truth fields on every page, the
// per-document merge against the document's truth values, and document-type accuracy per page and
// per document. It runs as one test so one process owns the generated batch.
//
// Thresholds are set from measurements (see kMinRecall/kMinPrecision) with a small margin; they
// gate regressions of the label vocabulary, value parsers and classifier.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chartscan/extract/extractor.h>
#include <chartscan/samples/truth.h>

namespace chartscan::extract {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kSeed = 20261125;
constexpr int kDocuments = 96;
constexpr int kMinPages = 100;
constexpr double kTruthConfidence = 95;

// Fields the truth files carry, in table order.
const std::vector<std::string> kScored = {"patient_name",
                                          "mrn",
                                          "dob",
                                          "date_of_service",
                                          "admission_date",
                                          "discharge_date",
                                          "provider",
                                          "provider_npi",
                                          "facility",
                                          "icd10",
                                          "cpt"};

// Gates. Measured on kSeed (125 pages, 96 documents): every field 1.000 precision and recall;
// type accuracy 0.960 per page, 1.000 per document; merged identity 1.000. On held-out seeds 1-5
// the fields measured 1.000 and page type accuracy 0.90-0.975. Limits leave a margin for
// generator changes while still failing on a lost label form or parser.
const std::map<std::string, double> kMinRecall = {{"patient_name", 0.98},
                                                  {"mrn", 0.98},
                                                  {"dob", 0.98},
                                                  {"date_of_service", 0.95},
                                                  {"admission_date", 0.95},
                                                  {"discharge_date", 0.95},
                                                  {"provider", 0.95},
                                                  {"provider_npi", 0.95},
                                                  {"facility", 0.95},
                                                  {"icd10", 0.97},
                                                  {"cpt", 0.97}};
const std::map<std::string, double> kMinPrecision = {{"patient_name", 0.98},
                                                     {"mrn", 0.98},
                                                     {"dob", 0.98},
                                                     {"date_of_service", 0.95},
                                                     {"admission_date", 0.95},
                                                     {"discharge_date", 0.95},
                                                     {"provider", 0.95},
                                                     {"provider_npi", 0.98},
                                                     {"facility", 0.95},
                                                     {"icd10", 0.98},
                                                     {"cpt", 0.98}};
constexpr double kMinDocTypeAccuracyPerDocument = 0.97;
constexpr double kMinDocTypeAccuracyPerPage = 0.9;
constexpr double kMinDocumentFieldAccuracy = 0.98;  // merged identity fields per document

PageText PageFromTruth(const samples::TruthPage& tp) {
  PageText page;
  for (std::size_t li = 0; li < tp.lines.size(); ++li) {
    const samples::TruthLine& l = tp.lines[li];
    page.lines.push_back({l.bbox, l.block});
    const double cw = l.text.empty() ? 0 : static_cast<double>(l.bbox.width) / l.text.size();
    std::size_t i = 0;
    while (i < l.text.size()) {
      while (i < l.text.size() && l.text[i] == ' ') ++i;
      std::size_t j = i;
      while (j < l.text.size() && l.text[j] != ' ') ++j;
      if (j > i) {
        Word w;
        w.text = l.text.substr(i, j - i);
        w.box = {l.bbox.x + static_cast<int>(cw * static_cast<double>(i)), l.bbox.y,
                 std::max(1, static_cast<int>(cw * static_cast<double>(j - i))), l.bbox.height};
        w.confidence = kTruthConfidence;
        w.line = static_cast<int>(li);
        page.words.push_back(std::move(w));
      }
      i = j;
    }
  }
  FinalizePageText(page);
  page.origin = TextOrigin::kOcr;
  return page;
}

struct Score {
  int tp = 0, fp = 0, fn = 0;
  double Precision() const { return tp + fp ? static_cast<double>(tp) / (tp + fp) : 1; }
  double Recall() const { return tp + fn ? static_cast<double>(tp) / (tp + fn) : 1; }
};

int Shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(TruthAccuracy, FieldsAndDocumentTypesOnGeneratedPages) {
  const fs::path work = CHARTSCAN_EXTRACT_WORK_DIR;
  fs::remove_all(work);
  fs::create_directories(work);
  // CHARTSCAN_EXTRACT_SEED=N measures another batch (the gate's limits hold for kSeed).
  const char* seed_env = std::getenv("CHARTSCAN_EXTRACT_SEED");
  const std::string seed = seed_env ? seed_env : std::to_string(kSeed);
  ASSERT_EQ(Shell(std::string(CHARTSCAN_SAMPLEGEN) + " --out " + work.string() + " --seed " + seed +
                  " --count " + std::to_string(kDocuments) +
                  " --formats pdf-text --multipage --blank 0 --near-blank 0 > " +
                  (work / "samplegen.log").string() + " 2>&1"),
            0)
      << "see " << (work / "samplegen.log");
  auto paths = samples::FindTruthFiles(work.string());
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();

  ExtractOptions options;
  options.reference_date = "2025-06-30";
  auto extractor = Extractor::Create(options);
  ASSERT_TRUE(extractor.ok());

  std::map<std::string, Score> scores;
  std::map<std::string, std::pair<int, int>> type_pages;  // type -> (right, total)
  int pages = 0, type_right_pages = 0, docs = 0, type_right_docs = 0;
  int doc_field_right = 0, doc_field_total = 0;
  std::set<std::string> types_seen;
  std::vector<std::string> misses;
  for (const std::string& path : *paths) {
    auto truth = samples::LoadTruth(path);
    ASSERT_TRUE(truth.ok()) << truth.status().ToString();
    std::vector<PageText> doc_pages;
    std::map<std::string, std::string> doc_truth;
    std::string doc_type;
    for (const samples::TruthPage& tp : truth->pages) {
      if (tp.blank) continue;
      PageText page = PageFromTruth(tp);
      ++pages;
      doc_type = tp.doc_type;
      types_seen.insert(tp.doc_type);
      std::set<std::pair<std::string, std::string>> want, got;
      for (const samples::TruthField& f : tp.fields) {
        want.insert({f.name, f.normalized});
        doc_truth.emplace(f.name, f.normalized);
      }
      // CHARTSCAN_EXTRACT_DUMP=<part of a file name> prints what was extracted from its pages.
      const char* dump = std::getenv("CHARTSCAN_EXTRACT_DUMP");
      const bool dumping = dump && truth->file.find(dump) != std::string::npos;
      for (const Field& f : extractor->ExtractPage(page, static_cast<int>(doc_pages.size()))) {
        got.insert({f.name, f.normalized});
        if (dumping) {
          std::printf("  p%d %s = '%s' -> %s (%.2f)%s\n", tp.source_page, f.name.c_str(),
                      f.value.c_str(), f.normalized.c_str(), f.confidence,
                      f.needs_review ? " review" : "");
        }
      }
      for (const std::string& name : kScored) {
        Score& s = scores[name];
        for (const auto& w : want) {
          if (w.first != name) continue;
          if (got.count(w)) {
            ++s.tp;
          } else {
            ++s.fn;
            misses.push_back(truth->file + " p" + std::to_string(tp.source_page) + " missed " +
                             name + " " + w.second);
          }
        }
        for (const auto& g : got) {
          if (g.first == name && !want.count(g)) {
            ++s.fp;
            misses.push_back(truth->file + " p" + std::to_string(tp.source_page) + " extra " +
                             name + " " + g.second);
          }
        }
      }
      const DocumentType t = extractor->ClassifyPage(page);
      type_pages[tp.doc_type].second++;
      if (t.name == tp.doc_type) {
        ++type_right_pages;
        type_pages[tp.doc_type].first++;
      }
      doc_pages.push_back(std::move(page));
    }
    if (doc_pages.empty()) continue;
    ++docs;
    const DocumentFields merged = extractor->ExtractDocument(doc_pages);
    if (merged.type.name == doc_type) ++type_right_docs;
    for (const char* name : {"patient_name", "mrn", "dob"}) {
      ++doc_field_total;
      const Field* f = merged.Find(name);
      if (f && doc_truth.count(name) && f->normalized == doc_truth[name] && !f->needs_review) {
        ++doc_field_right;
      }
    }
  }

  std::printf("\n%d pages, %d documents, %zu document types\n", pages, docs, types_seen.size());
  std::printf("%-16s %6s %6s %6s %10s %8s\n", "field", "tp", "fp", "fn", "precision", "recall");
  for (const std::string& name : kScored) {
    const Score& s = scores[name];
    std::printf("%-16s %6d %6d %6d %10.3f %8.3f\n", name.c_str(), s.tp, s.fp, s.fn, s.Precision(),
                s.Recall());
  }
  std::printf("\n%-34s %6s %6s\n", "document type (per page)", "pages", "right");
  for (const auto& [type, rt] : type_pages) {
    std::printf("%-34s %6d %6d\n", type.c_str(), rt.second, rt.first);
  }
  const double page_type_acc = pages ? static_cast<double>(type_right_pages) / pages : 0;
  const double doc_type_acc = docs ? static_cast<double>(type_right_docs) / docs : 0;
  const double doc_field_acc =
      doc_field_total ? static_cast<double>(doc_field_right) / doc_field_total : 0;
  std::printf("type accuracy: per page %.3f, per document %.3f\n", page_type_acc, doc_type_acc);
  std::printf("merged patient_name/mrn/dob right and not flagged: %.3f\n", doc_field_acc);
  std::printf("\nfirst misses:\n");
  for (std::size_t i = 0; i < misses.size() && i < 40; ++i)
    std::printf("  %s\n", misses[i].c_str());
  std::fflush(stdout);

  EXPECT_GE(pages, kMinPages);
  EXPECT_EQ(types_seen.size(), 8u) << "the batch should hold every generated document type";
  for (const std::string& name : kScored) {
    EXPECT_GE(scores[name].Recall(), kMinRecall.at(name)) << name;
    EXPECT_GE(scores[name].Precision(), kMinPrecision.at(name)) << name;
  }
  EXPECT_GE(page_type_acc, kMinDocTypeAccuracyPerPage);
  EXPECT_GE(doc_type_acc, kMinDocTypeAccuracyPerDocument);
  EXPECT_GE(doc_field_acc, kMinDocumentFieldAccuracy);
}

}  // namespace
}  // namespace chartscan::extract
