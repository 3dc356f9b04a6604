// Ingest end to end on a temporary store: real capture, cleanup, OCR and SQLite, small pages.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chartscan/pipeline/ingest.h>
#include <chartscan/pipeline/roster.h>

#include "fixtures.h"

namespace chartscan::pipeline {
namespace {

namespace fs = std::filesystem;

// Half a letter page at 300 dpi with a few lines of invented chart text.
std::string TextPng(const std::vector<std::string>& lines, double skew = 0) {
  cv::Mat page(1650, 2550, CV_8UC1, cv::Scalar(255));
  for (size_t i = 0; i < lines.size(); ++i) {
    cv::putText(page, lines[i], {150, 250 + static_cast<int>(i) * 110}, cv::FONT_HERSHEY_SIMPLEX,
                2.0, cv::Scalar(20), 4, cv::LINE_AA);
  }
  if (skew != 0) {
    cv::Mat m = cv::getRotationMatrix2D({1275, 825}, -skew, 1.0);
    cv::warpAffine(page, page, m, page.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 255);
  }
  std::vector<uchar> png;
  cv::imencode(".png", page, png);
  return {png.begin(), png.end()};
}

std::string BlankPng() {
  cv::Mat page(1650, 2550, CV_8UC1, cv::Scalar(246));
  cv::randn(page, 246, 6);
  std::vector<uchar> png;
  cv::imencode(".png", page, png);
  return {png.begin(), png.end()};
}

class IngestTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("chartscan-pipeline-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "in");
    indexer::StoreOptions so;
    so.dir = (root_ / "store").string();
    auto store = indexer::Store::Open(so);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    options_.workers = 2;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    fs::path p = root_ / "in" / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  // Two notes of invented Mary Holt; the second's MRN is misread in two digits, too many for
  // grouping by record number, so by MRN alone they are two charts.
  void WriteTwoNotesOfOnePatientOneMrnMisread() {
    Write("a.png", TextPng({"PROGRESS NOTE", "Patient: Mary Holt", "MRN: 00482913",
                            "DOB: 03/14/1952", "Page 1 of 1"}));
    Write("b.png", TextPng({"LAB REPORT", "Patient: Mary Holt", "MRN: 00432973", "DOB: 03/14/1952",
                            "Page 1 of 1"}));
  }

  // Ingests `paths` one page at a time (one worker, room for one decoded page) and presses
  // Ctrl-C once `pages` pages are stored: the batch stops with the rest left for a resume.
  Result<IngestSummary> IngestCancelledAfter(const std::vector<std::string>& paths, int pages) {
    std::atomic<bool> cancel{false};
    options_.workers = 1;
    options_.queue_depth = 1;
    return Ingest(
        *store_, paths, options_,
        [&](const Progress& p) {
          if (p.pages_done >= pages) cancel = true;
        },
        &cancel);
  }

  std::vector<indexer::StoredPage> Pages() {
    std::vector<indexer::StoredPage> out;
    Status s = store_->ForEachPage([&](const indexer::StoredPage& p) {
      out.push_back(p);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  fs::path root_;
  std::unique_ptr<indexer::Store> store_;
  IngestOptions options_;
};

TEST_F(IngestTest, DigitizesAFolderAndMakesItSearchable) {
  Write("a/discharge.png", TextPng({"DISCHARGE SUMMARY", "Ceftriaxone given daily"}));
  Write("b/progress.png", TextPng({"PROGRESS NOTE", "Wound healing well"}, 2.0));
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_TRUE(summary->ok());
  EXPECT_EQ(summary->files, 2);
  EXPECT_EQ(summary->pages, 2);
  EXPECT_EQ(summary->documents, 2);
  EXPECT_GT(summary->mean_confidence, 70);

  auto pages = Pages();
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_NE(pages[0].source_path.find("discharge.png"), std::string::npos);  // name order
  EXPECT_EQ(pages[0].source_page, 1);
  EXPECT_NE(pages[0].text.text.find("Ceftriaxone"), std::string::npos) << pages[0].text.text;
  EXPECT_NEAR(pages[1].quality.skew, 2.0, 0.1);
  EXPECT_FALSE(pages[0].text.words.empty());
  auto image = store_->ReadPageImage(pages[1].page_id);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->format, "png");
  // The result lists' thumbnail is made at ingest: a JPEG 200 pixels wide.
  auto thumb = store_->ReadPageThumb(pages[1].page_id);
  ASSERT_TRUE(thumb.ok()) << thumb.status().ToString();
  ASSERT_GT(thumb->bytes.size(), 100u);
  EXPECT_EQ(static_cast<unsigned char>(thumb->bytes[0]), 0xFF);
  EXPECT_LT(thumb->bytes.size(), image->bytes.size() / 4);

  auto hits = store_->Search("wound", {});
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_EQ(hits->total, 1);
  EXPECT_EQ(hits->hits[0].page_id, pages[1].page_id);
}

TEST_F(IngestTest, RecognizedPagesCarryExtractedFieldsAndDocumentType) {
  Write("note.png", TextPng({"PROGRESS NOTE", "MRN: 00482913", "DOB: 03/14/1952",
                             "Assessment: type 2 diabetes E11.9"}));
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const auto pages = Pages();
  ASSERT_EQ(pages.size(), 1u);
  std::map<std::string, std::string> found;
  for (const Field& f : pages[0].fields) {
    found[f.name] = f.normalized;
    EXPECT_FALSE(f.box.empty()) << f.name << " has no evidence box";
  }
  EXPECT_EQ(found["mrn"], "00482913");
  EXPECT_EQ(found["dob"], "1952-03-14");
  EXPECT_EQ(found["icd10"], "E11.9");
  EXPECT_EQ(pages[0].doc_type, "progress_note");
}

TEST_F(IngestTest, SameIngestTwiceDuplicatesNothing) {
  const std::string a = Write("a.png", TextPng({"LAB REPORT", "Potassium normal"}));
  ASSERT_TRUE(Ingest(*store_, {a}, options_).ok());
  auto again = Ingest(
      *store_, {a, Write("copy-of-a.png", TextPng({"LAB REPORT", "Potassium normal"}))}, options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->files_skipped, 2);  // same bytes under another name are the same original
  EXPECT_EQ(again->pages, 0);
  EXPECT_EQ(Pages().size(), 1u);
  auto hits = store_->Search("potassium", {});
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->total, 1);
}

TEST_F(IngestTest, BatchIsAssembledIntoDocumentsAndCharts) {
  // Invented patients. a1 and a2 are one document scanned into two files (its footer says so);
  // c is another document of the first patient, b a document of another patient.
  Write("a1.png", TextPng({"DISCHARGE SUMMARY", "MRN: 00482913", "DOB: 03/14/1952",
                           "Hospital course uneventful", "Page 1 of 2"}));
  Write("a2.png", TextPng({"MRN: 00482913", "Discharge medications reviewed", "Page 2 of 2"}));
  Write("b.png", TextPng({"LAB REPORT", "MRN: 00771204", "DOB: 07/03/1961", "Potassium 4.1",
                          "Page 1 of 1"}));
  Write("c.png", TextPng({"PROGRESS NOTE", "MRN: 00482913", "DOB: 03/14/1952",
                          "Ambulating in hallway", "Page 1 of 1"}));
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->documents, 3);
  EXPECT_EQ(summary->charts, 2);
  EXPECT_EQ(summary->misfiled_pages, 0);
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0].document_id, pages[1].document_id);
  EXPECT_EQ(pages[0].document_page, 1);
  EXPECT_EQ(pages[1].document_page, 2);
  EXPECT_NE(pages[2].document_id, pages[0].document_id);
  EXPECT_NE(pages[3].document_id, pages[0].document_id);
  EXPECT_EQ(pages[3].chart_id, pages[0].chart_id);
  EXPECT_NE(pages[2].chart_id, pages[0].chart_id);
  EXPECT_EQ(pages[0].document_type.name, "discharge_summary");
  EXPECT_EQ(pages[2].document_type.name, "lab_report");

  // Running the same ingest again re-assembles the batch into the same documents and charts.
  auto again = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->documents, 3);
  auto pages2 = Pages();
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages2[i].document_id, pages[i].document_id);
    EXPECT_EQ(pages2[i].chart_id, pages[i].chart_id);
  }
  auto charts = store_->Charts();
  ASSERT_TRUE(charts.ok());
  EXPECT_EQ(charts->size(), 2u);
  int documents = 0;
  ASSERT_TRUE(store_
                  ->ForEachDocument([&](const indexer::DocumentInfo&) {
                    ++documents;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(documents, 3);
}

TEST_F(IngestTest, ChartsAreMatchedToTheRosterAndTheRestAreOrphans) {
  // Invented patients: the first is on the roster by MRN, the second is not on it at all.
  ASSERT_TRUE(store_->ImportPatients({{0, "00482913", "HOLT", "MARY", "1952-03-14", "F"}}).ok());
  Write("a.png", TextPng({"PROGRESS NOTE", "MRN: 00482913", "DOB: 03/14/1952", "Page 1 of 1"}));
  Write("b.png", TextPng({"LAB REPORT", "MRN: 00771204", "DOB: 07/03/1961", "Page 1 of 1"}));
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->charts, 2);
  EXPECT_EQ(summary->unmatched_charts, 1);
  auto charts = store_->Charts();
  ASSERT_TRUE(charts.ok());
  ASSERT_EQ(charts->size(), 2u);
  std::map<std::string, indexer::ChartInfo> by_mrn;
  for (const auto& c : *charts) by_mrn[c.mrn] = c;
  EXPECT_EQ(by_mrn["00482913"].roster_match, "mrn");
  EXPECT_EQ(by_mrn["00482913"].patient_id, (*store_->Patients())[0].patient_id);
  EXPECT_EQ(by_mrn["00771204"].roster_match, "none");
  EXPECT_EQ(by_mrn["00771204"].patient_id, 0);
}

TEST_F(IngestTest, ChartsOfOneRosterPatientAreMerged) {
  // The second note's MRN is misread in two digits: grouped apart by record number, it matches the
  // roster by name and date of birth and joins the chart matched by MRN.
  ASSERT_TRUE(store_->ImportPatients({{0, "00482913", "HOLT", "MARY", "1952-03-14", "F"}}).ok());
  WriteTwoNotesOfOnePatientOneMrnMisread();
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->unmatched_charts, 0);
  auto charts = store_->Charts();
  ASSERT_TRUE(charts.ok());
  ASSERT_EQ(charts->size(), 1u);
  EXPECT_EQ((*charts)[0].mrn, "00482913");
  EXPECT_EQ((*charts)[0].roster_match, "mrn");
  std::set<std::int64_t> chart_ids;
  ASSERT_TRUE(store_
                  ->ForEachDocument([&](const indexer::DocumentInfo& d) {
                    chart_ids.insert(d.chart_id);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(chart_ids, std::set<std::int64_t>{(*charts)[0].chart_id});
}

TEST_F(IngestTest, RosterImportedLaterMergesChartsOfOnePatient) {
  // Ingested before any roster: the misread MRN makes a second chart for the same patient.
  WriteTwoNotesOfOnePatientOneMrnMisread();
  ASSERT_TRUE(Ingest(*store_, {(root_ / "in").string()}, options_).ok());
  ASSERT_EQ(store_->Charts()->size(), 2u);
  ASSERT_TRUE(store_->ImportPatients({{0, "00482913", "HOLT", "MARY", "1952-03-14", "F"}}).ok());
  auto counts = RematchCharts(*store_);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->mrn, 1);
  EXPECT_EQ(counts->merged, 1);
  EXPECT_EQ(counts->name_dob + counts->none, 0);
  auto charts = store_->Charts();
  ASSERT_EQ(charts->size(), 1u);
  EXPECT_EQ((*charts)[0].mrn, "00482913");
  EXPECT_EQ((*charts)[0].documents, 2);
}

// The MRN field of each document, with whether it is marked for review.
std::map<std::string, bool> MrnFlags(indexer::Store& store) {
  std::map<std::string, bool> out;
  EXPECT_TRUE(store
                  .ForEachDocument([&](const indexer::DocumentInfo& d) {
                    for (const Field& f : d.fields) {
                      if (f.name == "mrn") out[f.normalized] = f.needs_review;
                    }
                    return Status::Ok();
                  })
                  .ok());
  return out;
}

TEST_F(IngestTest, MisreadMrnOfAChartFoundByNameAndBirthDateGoesToReview) {
  // The lab report's MRN is misread in two digits; its chart finds Mary Holt by name and date of
  // birth, so the value read is known wrong and must not pass silently.
  ASSERT_TRUE(store_->ImportPatients({{0, "00482913", "HOLT", "MARY", "1952-03-14", "F"}}).ok());
  WriteTwoNotesOfOnePatientOneMrnMisread();
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->roster_conflicts, 1);
  const std::map<std::string, bool> flags = MrnFlags(*store_);
  ASSERT_EQ(flags.size(), 2u);
  EXPECT_TRUE(flags.at("00432973"));
  EXPECT_FALSE(flags.at("00482913")) << "the right value is not sent to a clerk";
  auto queue = store_->Review(0, 50);
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  const ReviewItem* mrn = nullptr;
  for (const ReviewItem& item : queue->items) {
    if (item.field == "mrn") mrn = &item;
  }
  ASSERT_NE(mrn, nullptr);
  EXPECT_EQ(mrn->normalized, "00432973");
  EXPECT_EQ(mrn->reason, "differs from the patient index");
  EXPECT_EQ(mrn->roster_value, "00482913");
}

TEST_F(IngestTest, MrnBreakingTheZeroPaddingOfTheOthersGoesToReview) {
  // No roster: five patients' record numbers padded to ten digits, and a sixth read with a speck
  // in its first zero. Nothing proves the sixth wrong but its shape.
  const std::vector<std::pair<std::string, std::string>> patients = {
      {"Mary Holt", "0008404556"},  {"John Reyes", "0001359622"}, {"Ann Park", "0006881181"},
      {"Luis Gomez", "0009760956"}, {"Rita Shah", "0004712964"},  {"Omar Nash", "6007304224"}};
  for (size_t i = 0; i < patients.size(); ++i) {
    Write(std::to_string(i) + ".png",
          TextPng({"PROGRESS NOTE", "Patient: " + patients[i].first, "MRN: " + patients[i].second,
                   "DOB: 03/14/195" + std::to_string(i), "Page 1 of 1"}));
  }
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->mrns_doubted, 1);
  const std::map<std::string, bool> flags = MrnFlags(*store_);
  ASSERT_EQ(flags.size(), patients.size());
  for (const auto& [name, mrn] : patients) {
    EXPECT_EQ(flags.at(mrn), mrn == "6007304224") << mrn;
  }
}

TEST_F(IngestTest, RosterMiddleNameThePageDoesNotPrintIsNoDisagreement) {
  // The roster knows Mary Ann Holt; her notes print "Mary Holt": no value to verify.
  ASSERT_TRUE(
      store_->ImportPatients({{0, "00482913", "HOLT", "MARY ANN", "1952-03-14", "F"}}).ok());
  Write("a.png", TextPng({"PROGRESS NOTE", "Patient: Mary Holt", "MRN: 00482913", "DOB: 03/14/1952",
                          "Page 1 of 1"}));
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->unmatched_charts, 0);
  EXPECT_EQ(summary->roster_conflicts, 0);
}

TEST_F(IngestTest, RosterImportedLaterSendsMisreadValuesToReview) {
  WriteTwoNotesOfOnePatientOneMrnMisread();
  ASSERT_TRUE(Ingest(*store_, {(root_ / "in").string()}, options_).ok());
  EXPECT_FALSE(MrnFlags(*store_).at("00432973")) << "nothing to compare with yet";
  ASSERT_TRUE(store_->ImportPatients({{0, "00482913", "HOLT", "MARY", "1952-03-14", "F"}}).ok());
  auto counts = RematchCharts(*store_);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->roster_conflicts, 1);
  const std::map<std::string, bool> flags = MrnFlags(*store_);
  EXPECT_TRUE(flags.at("00432973"));
  EXPECT_FALSE(flags.at("00482913"));
}

TEST_F(IngestTest, WithoutARosterNothingIsMatchedOrOrphaned) {
  Write("a.png", TextPng({"PROGRESS NOTE", "MRN: 00482913", "DOB: 03/14/1952", "Page 1 of 1"}));
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->unmatched_charts, 0);
  auto charts = store_->Charts();
  ASSERT_TRUE(charts.ok());
  ASSERT_EQ(charts->size(), 1u);
  EXPECT_EQ((*charts)[0].roster_match, "");
}

TEST_F(IngestTest, PageOfAnotherPatientInsideADocumentIsFlaggedNotMerged) {
  Write("d1.png", TextPng({"PROGRESS NOTE", "MRN: 00482913", "DOB: 03/14/1952",
                           "Wound healing well", "Page 1 of 2"}));
  Write("d2.png", TextPng({"MRN: 00771204", "DOB: 07/03/1961", "Plan: continue", "Page 2 of 2"}));
  auto summary = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->documents, 1);
  EXPECT_EQ(summary->misfiled_pages, 1);
  std::vector<indexer::DocumentInfo> docs;
  ASSERT_TRUE(store_
                  ->ForEachDocument([&](const indexer::DocumentInfo& d) {
                    docs.push_back(d);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_TRUE(docs[0].needs_review);
  ASSERT_EQ(docs[0].misfiled_page_ids.size(), 1u);
  // The document's identity is its own, not a blend: one MRN, and it is not the stray page's.
  int mrns = 0;
  for (const Field& f : docs[0].fields) {
    if (f.name == "mrn") {
      ++mrns;
      EXPECT_NE(f.page_index, 1) << "the misfiled page's MRN was merged";
    }
  }
  EXPECT_EQ(mrns, 1);
}

TEST_F(IngestTest, BlankPageIsKeptAsBlankWithoutText) {
  const std::string p = Write("blank.png", BlankPng());
  auto summary = Ingest(*store_, {p}, options_);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->blank_pages, 1);
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_TRUE(pages[0].blank);
  EXPECT_EQ(pages[0].text.text, "");
  EXPECT_EQ(pages[0].document_id, 0);
}

TEST_F(IngestTest, BadFilesAreSetAsideAndTheRestOfTheBatchGoesOn) {
  namespace fx = capture::fixtures;
  std::vector<std::string> bad = {
      Write("zero.png", ""),
      Write("truncated.png", TextPng({"TRUNCATED"}).substr(0, 300)),
      Write("notes.jpg", "Meeting notes, not an image at all.\n"),
      Write("huge.png", fx::PngClaimingSize(200000, 200000)),
      Write("broken.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"),
  };
  const std::string plain = fx::MakePdf({{612, 792, 0, {}, fx::TextOps(72, 100, 12, {"x"}), ""}});
  if (auto locked = fx::EncryptWithQpdf(plain)) bad.push_back(Write("locked.pdf", *locked));
  const std::string good = Write("good.png", TextPng({"CONSENT FORM", "Signed today"}));

  std::vector<std::string> paths = bad;
  paths.push_back(good);
  auto summary = Ingest(*store_, paths, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_FALSE(summary->ok());
  EXPECT_EQ(summary->files_failed, static_cast<int>(bad.size()));
  EXPECT_EQ(summary->pages, 1);
  ASSERT_EQ(summary->problems.size(), bad.size());
  for (const FileProblem& p : summary->problems) {
    EXPECT_NE(p.status.ToString().find(p.path), std::string::npos)
        << "the error must name the file: " << p.status.ToString();
    EXPECT_EQ(p.status.ToString().find('\n'), std::string::npos) << "one line";
  }
  auto failures = store_->Failures(summary->batch_id);
  ASSERT_TRUE(failures.ok());
  EXPECT_EQ(failures->size(), bad.size());
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_NE(pages[0].text.text.find("CONSENT"), std::string::npos);
}

TEST_F(IngestTest, PdfTextLayerIsKeptInsteadOfOcr) {
  namespace fx = capture::fixtures;
  const std::string pdf =
      fx::MakePdf({{612,
                    792,
                    0,
                    {},
                    fx::TextOps(72, 100, 11,
                                {"OPERATIVE REPORT", "Procedure: laparoscopic cholecystectomy",
                                 "Estimated blood loss minimal. No complications."}),
                    ""}});
  auto summary = Ingest(*store_, {Write("born-digital.pdf", pdf)}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].text.origin, TextOrigin::kTextLayer);
  EXPECT_NE(pages[0].text.text.find("cholecystectomy"), std::string::npos) << pages[0].text.text;
}

TEST_F(IngestTest, MultiPageTiffPagesAreStoredInOrder) {
  namespace fx = capture::fixtures;
  // Three fax pages, each a black bar at a different height: page order must survive the pool.
  std::vector<fx::TiffPageSpec> specs;
  for (int i = 0; i < 3; ++i) {
    auto spec = fx::FaxPage(1728, 1100, COMPRESSION_CCITTFAX4, 200, 200 + 300 * i, 1200, 30);
    spec.x_resolution = 204;
    spec.y_resolution = 98;
    specs.push_back(std::move(spec));
  }
  auto summary = Ingest(*store_, {Write("fax.tif", fx::WriteTiff(specs))}, options_);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pages[i].source_page, i + 1);
  EXPECT_EQ(pages[0].quality.source_dpi, 204);
}

TEST_F(IngestTest, CancelledBatchResumesWithoutDuplicates) {
  std::vector<std::string> files;
  for (int i = 0; i < 5; ++i) {
    files.push_back(Write("p" + std::to_string(i) + ".png",
                          TextPng({"PROGRESS NOTE " + std::to_string(i), "Ambulating"})));
  }
  auto first = IngestCancelledAfter({(root_ / "in").string()}, 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_LT(first->pages, 5);
  EXPECT_EQ(store_->GetBatch(first->batch_id)->state, indexer::BatchState::kStopped);
  auto second = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->pages + second->pages, 5);
  EXPECT_EQ(Pages().size(), 5u);
  EXPECT_TRUE(second->resumed);
  EXPECT_EQ(second->batch_id, first->batch_id) << "the same command continues the same batch";
  auto batch = store_->GetBatch(first->batch_id);
  EXPECT_EQ(batch->state, indexer::BatchState::kDone);
  EXPECT_EQ(batch->done_pages(), 5);
  EXPECT_EQ(store_->Batches()->size(), 1u);
}

TEST_F(IngestTest, ResumedBatchFinishesFromStoredOriginalsWhenTheFilesAreGone) {
  namespace fx = capture::fixtures;
  std::vector<fx::TiffPageSpec> specs;
  for (int i = 0; i < 4; ++i) {
    auto spec = fx::FaxPage(1728, 1100, COMPRESSION_CCITTFAX4, 200, 200 + 200 * i, 1200, 30);
    spec.x_resolution = 204;
    spec.y_resolution = 196;
    specs.push_back(std::move(spec));
  }
  const std::string tiff = Write("stack.tif", fx::WriteTiff(specs));
  auto first = IngestCancelledAfter({tiff}, 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_LT(first->pages, 4);
  fs::remove(tiff);  // moved away, as files on a shared drive are

  IngestOptions resume = options_;
  resume.resume_batch = first->batch_id;
  auto second = Ingest(*store_, {}, resume);  // the batch's own paths
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->pages + second->pages, 4);
  EXPECT_EQ(Pages().size(), 4u);
  EXPECT_EQ(store_->GetBatch(first->batch_id)->state, indexer::BatchState::kDone);
  ASSERT_EQ(second->problems.size(), 1u) << "the missing file is reported";
  EXPECT_EQ(second->problems[0].status.code(), StatusCode::kNotFound);
}

TEST_F(IngestTest, ResumedBatchIsAssembledInTheOrderOfItsPaths) {
  // Regression: a source finished from the journal on resume used to be assembled first, ahead
  // of files given before it, so the batch's first document changed with where it was stopped.
  namespace fx = capture::fixtures;
  Write("1-first.png", TextPng({"PROGRESS NOTE", "Patient: Mary Holt", "Page 1 of 1"}));
  std::vector<fx::TiffPageSpec> specs;
  for (int i = 0; i < 6; ++i) {
    // A lab report of six pages, each with text (pages without text make no document).
    const std::string png =
        TextPng({"LAB REPORT", "Patient: Amos Quill", "Page " + std::to_string(i + 1) + " of 6"});
    cv::Mat grey = cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_GRAYSCALE);
    fx::TiffPageSpec spec;
    spec.width = static_cast<std::uint32_t>(grey.cols);
    spec.height = static_cast<std::uint32_t>(grey.rows);
    spec.x_resolution = 300;
    spec.y_resolution = 300;
    spec.samples.assign(grey.data, grey.data + grey.total());
    specs.push_back(std::move(spec));
  }
  Write("2-second.tif", fx::WriteTiff(specs));
  auto first = IngestCancelledAfter({(root_ / "in").string()}, 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_LT(first->pages, 7) << "the tiff must be left part-way for this test";
  auto second = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(second->resumed);
  std::vector<indexer::DocumentInfo> docs;
  ASSERT_TRUE(store_
                  ->ForEachDocument([&](const indexer::DocumentInfo& d) {
                    docs.push_back(d);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_FALSE(docs.empty());
  for (const auto& d : docs) {
    auto page = store_->GetPage(d.page_ids.front());
    ASSERT_TRUE(page.ok());
    if (d.boundary == "batch_start") {
      EXPECT_NE(page->source_path.find("1-first.png"), std::string::npos)
          << "the batch starts with the first path given, not with " << page->source_path;
    }
  }
}

TEST_F(IngestTest, DeclaredSheetsAreCheckedAgainstThePagesCaptured) {
  Write("a.png", TextPng({"PROGRESS NOTE", "Ambulating"}));
  Write("b.png", BlankPng());  // the blank back of a duplex sheet counts
  options_.declared_sheets = 1;
  options_.duplex = true;
  auto matched = Ingest(*store_, {(root_ / "in").string()}, options_);
  ASSERT_TRUE(matched.ok());
  auto batch = store_->GetBatch(matched->batch_id);
  EXPECT_EQ(batch->declared_sheets, 1);
  EXPECT_FALSE(batch->sheet_mismatch());

  Write("c.png", TextPng({"LAB REPORT", "Glucose"}));
  options_.declared_sheets = 2;
  auto odd = Ingest(*store_, {root_ / "in" / "c.png"}, options_);
  ASSERT_TRUE(odd.ok());
  EXPECT_TRUE(store_->GetBatch(odd->batch_id)->sheet_mismatch())
      << "one side is not two duplex sheets";
}

TEST_F(IngestTest, MissingPathIsReportedAndOthersGoOn) {
  const std::string good = Write("good.png", TextPng({"RADIOLOGY REPORT"}));
  auto summary = Ingest(*store_, {(root_ / "nowhere").string(), good}, options_);
  ASSERT_TRUE(summary.ok());
  EXPECT_FALSE(summary->ok());
  EXPECT_EQ(summary->pages, 1);
}

TEST(IngestOptions, RejectsNonsenseUpFront) {
  IngestOptions o;
  o.workers = -1;
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.cleanup.max_skew = 90;
  EXPECT_FALSE(o.Validate().ok());
}

}  // namespace
}  // namespace chartscan::pipeline
