// Scanning end to end through SANE's virtual pnm device (real SANE calls, real status codes), the
// pipeline and a temporary store. The pnm device reads the file its `filename` option names on
// every start; ScriptedFeeder plays an operator's stack by naming the next page's file before each
// side, and the device's own status options stand in for an empty feeder or a jam.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <chartscan/capture/page_writer.h>
#include <chartscan/capture/source.h>
#include <chartscan/pipeline/scan.h>

#include "sane_fixture.h"

namespace chartscan::pipeline {
namespace {

namespace fs = std::filesystem;
namespace sf = capture::sane_fixture;

// Half a letter page at 300 dpi with invented chart text (as the ingest tests draw it).
Image TextPage(const std::vector<std::string>& lines) {
  cv::Mat page(1650, 2550, CV_8UC1, cv::Scalar(255));
  for (size_t i = 0; i < lines.size(); ++i) {
    cv::putText(page, lines[i], {150, 250 + static_cast<int>(i) * 110}, cv::FONT_HERSHEY_SIMPLEX,
                2.0, cv::Scalar(20), 4, cv::LINE_AA);
  }
  Image image(page.cols, page.rows, PixelFormat::kGray8);
  for (int y = 0; y < page.rows; ++y) {
    std::copy(page.ptr<uchar>(y), page.ptr<uchar>(y) + page.cols, image.row(y));
  }
  return image;
}

// Feeds the given files one per side, then does what `then` says: "nodocs" (the feeder is
// empty), "jammed", "coveropen" or "ioerror" (the pnm device's status options).
class ScriptedFeeder final : public capture::Scanner {
 public:
  ScriptedFeeder(std::unique_ptr<capture::Scanner> real, std::vector<std::string> files,
                 std::string then)
      : real_(std::move(real)), files_(std::move(files)), then_(std::move(then)) {}
  const std::string& device_name() const override { return real_->device_name(); }
  bool duplex() const override { return real_->duplex(); }
  bool flatbed() const override { return real_->flatbed(); }
  capture::ScanResult NextPage() override {
    if (next_ < files_.size()) {
      EXPECT_TRUE(real_->SetOption("filename", files_[next_++]).ok());
    } else {
      EXPECT_TRUE(real_->SetOption("status-" + then_, "yes").ok());
    }
    return real_->NextPage();
  }
  Status SetOption(const std::string& name, const std::string& value) override {
    return real_->SetOption(name, value);
  }
  void Cancel() override { real_->Cancel(); }

 private:
  std::unique_ptr<capture::Scanner> real_;
  std::vector<std::string> files_;
  size_t next_ = 0;
  std::string then_;
};

class ScanTest : public testing::Test {
 protected:
  void SetUp() override {
    sf::UseVirtualScanners();
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("chartscan-scan-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    indexer::StoreOptions so;
    so.dir = (root_ / "store").string();
    store_ = std::move(indexer::Store::Open(so)).value();
    options_.ingest.workers = 2;
    options_.device = sf::kPnmDevice;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  // Writes the sheets as PGM files and returns their paths.
  std::vector<std::string> Sheets(const std::vector<std::vector<std::string>>& texts) {
    std::vector<std::string> paths;
    for (const auto& lines : texts) {
      const std::string path = (root_ / ("sheet-" + std::to_string(sheet_++) + ".pgm")).string();
      EXPECT_TRUE(sf::WritePnm(TextPage(lines), path).ok());
      paths.push_back(path);
    }
    return paths;
  }

  std::unique_ptr<capture::Scanner> Feeder(std::vector<std::string> files, std::string then) {
    options_.settings = sf::PnmSettings(files.empty() ? "" : files.front());
    options_.settings.dpi = 300;
    auto real = capture::Scanner::Open(sf::kPnmDevice, options_.settings);
    EXPECT_TRUE(real.ok()) << real.status().ToString();
    return std::make_unique<ScriptedFeeder>(std::move(real).value(), std::move(files),
                                            std::move(then));
  }

  std::vector<indexer::StoredPage> Pages() {
    std::vector<indexer::StoredPage> out;
    EXPECT_TRUE(store_
                    ->ForEachPage([&](const indexer::StoredPage& p) {
                      out.push_back(p);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  fs::path root_;
  int sheet_ = 0;
  std::unique_ptr<indexer::Store> store_;
  ScanOptions options_;
};

TEST_F(ScanTest, EverySideIsDigitizedUntilTheFeederIsEmpty) {
  auto feeder = Feeder(Sheets({{"PROGRESS NOTE", "Ambulating in hallway"},
                               {"LAB REPORT", "Glucose fasting"},
                               {"RADIOLOGY REPORT", "Chest two views"}}),
                       "nodocs");
  auto result = Scan(*store_, *feeder, options_);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->fault, capture::ScanFault::kFeederEmpty);
  EXPECT_EQ(result->sides, 3);
  EXPECT_EQ(result->ingest.pages, 3);
  EXPECT_TRUE(result->ingest.stop_reason.empty());
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_NE(pages[0].text.text.find("PROGRESS"), std::string::npos);
  EXPECT_NE(pages[1].text.text.find("LAB"), std::string::npos);
  EXPECT_NE(pages[2].text.text.find("RADIOLOGY"), std::string::npos);
  EXPECT_EQ(pages[0].quality.source_dpi, 300);
  EXPECT_NE(pages[1].source_path.find("/side-0002"), std::string::npos);
  // Each side's original is in the store, and decodes to the page the scanner delivered.
  auto original = store_->ReadOriginal(pages[0].source_sha256);
  ASSERT_TRUE(original.ok());
  auto reader = capture::SourceReader::Open(*original, "side", {});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->kind(), capture::SourceKind::kTiff);
  auto side = (*reader)->ReadPage(0);
  ASSERT_TRUE(side.ok());
  EXPECT_EQ(side->image.width(), 2550);
  EXPECT_EQ(side->resolution.x_dpi, 300);
  auto batch = store_->GetBatch(result->ingest.batch_id);
  EXPECT_EQ(batch->kind, indexer::BatchKind::kScan);
  EXPECT_EQ(batch->state, indexer::BatchState::kDone);
  EXPECT_GE(batch->documents, 1);
}

TEST_F(ScanTest, AJamStopsTheFeedKeepsEverySideAndResumeContinuesTheSameBatch) {
  auto before =
      Feeder(Sheets({{"PROGRESS NOTE", "Ambulating"}, {"PROGRESS NOTE", "Day two"}}), "jammed");
  options_.ingest.declared_sheets = 4;
  auto jammed = Scan(*store_, *before, options_);
  ASSERT_TRUE(jammed.ok()) << jammed.status().ToString();
  EXPECT_EQ(jammed->fault, capture::ScanFault::kJammed);
  EXPECT_FALSE(jammed->fault_message.empty());
  EXPECT_FALSE(capture::ScanFaultAdvice(jammed->fault).empty());
  EXPECT_EQ(jammed->sides, 2);
  EXPECT_EQ(jammed->ingest.pages, 2) << "the sides scanned before the jam are digitized";
  const std::int64_t id = jammed->ingest.batch_id;
  auto batch = store_->GetBatch(id);
  EXPECT_EQ(batch->state, indexer::BatchState::kStopped);
  EXPECT_EQ(batch->stop_reason, "jammed");
  before.reset();  // the operator clears the jam

  auto after = Feeder(Sheets({{"LAB REPORT", "Glucose"}, {"LAB REPORT", "Potassium"}}), "nodocs");
  options_.resume_batch = id;
  options_.ingest.declared_sheets = 0;
  auto resumed = Scan(*store_, *after, options_);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->ingest.batch_id, id);
  EXPECT_TRUE(resumed->ingest.resumed);
  EXPECT_EQ(resumed->sides, 2);
  batch = store_->GetBatch(id);
  EXPECT_EQ(batch->state, indexer::BatchState::kDone);
  EXPECT_EQ(batch->pages, 4);
  EXPECT_EQ(batch->declared_sheets, 4);
  EXPECT_FALSE(batch->sheet_mismatch());
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE(pages[i].source_path.find("/side-000" + std::to_string(i + 1)), std::string::npos)
        << "side numbers carry on across the jam: " << pages[i].source_path;
  }
  EXPECT_EQ(store_->Batches()->size(), 1u);
}

TEST_F(ScanTest, ScanningIsNotHeldUpByRecognition) {
  // One worker and room for one decoded page: the feeder still runs through all five sheets
  // while the first pages are being recognized; the rest wait as stored originals.
  options_.ingest.workers = 1;
  options_.ingest.queue_depth = 1;
  std::vector<std::vector<std::string>> texts;
  for (int i = 1; i <= 5; ++i) texts.push_back({"PROGRESS NOTE DAY " + std::to_string(i)});
  auto feeder = Feeder(Sheets(texts), "nodocs");
  int done_when_all_scanned = -1;
  auto result = Scan(*store_, *feeder, options_, [&](const Progress& p) {
    if (p.pages_known == 5 && done_when_all_scanned < 0) done_when_all_scanned = p.pages_done;
  });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->sides, 5);
  EXPECT_GE(done_when_all_scanned, 0);
  EXPECT_LE(done_when_all_scanned, 2) << "the feeder waited for recognition";
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_NE(pages[i].text.text.find("DAY " + std::to_string(i + 1)), std::string::npos)
        << pages[i].text.text;
  }
}

TEST_F(ScanTest, ResumeRecoversASideStoredJustBeforeACrashAndReportsOneThatWasNot) {
  // What a crash leaves in the milliseconds around storing two sides: side 1 was noted and its
  // original written, side 2 only noted; neither registered.
  indexer::BatchStart start;
  start.kind = indexer::BatchKind::kScan;
  start.name = "scan";
  options_.settings = sf::PnmSettings("");
  start.inputs = ScanInputs(sf::kPnmDevice, options_.settings);
  auto claim = store_->CreateBatch(start);
  ASSERT_TRUE(claim.ok());
  const std::int64_t id = (*claim)->batch_id();
  capture::CapturedPage side;
  side.image = TextPage({"DISCHARGE SUMMARY", "Stable for discharge"});
  side.resolution = {300, 300};
  const std::string tiff = *capture::EncodeTiff(side, "side 1");
  const std::string sha = indexer::Store::Sha256Hex(tiff);
  ASSERT_TRUE(
      store_->NoteCapture(id, "scan:pnm:0/batch-1/side-0001", sha, "tiff", tiff.size()).ok());
  ASSERT_TRUE(store_->PutOriginal(tiff).ok());
  const std::string never = indexer::Store::Sha256Hex("never written");
  ASSERT_TRUE(store_->NoteCapture(id, "scan:pnm:0/batch-1/side-0002", never, "tiff", 13).ok());
  claim->reset();  // the process died

  auto feeder = Feeder(Sheets({{"PROGRESS NOTE", "Next morning"}}), "nodocs");
  options_.resume_batch = id;
  auto result = Scan(*store_, *feeder, options_);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->recovered_sides, 1);
  ASSERT_EQ(result->lost_sides.size(), 1u);
  EXPECT_EQ(result->lost_sides[0], "scan:pnm:0/batch-1/side-0002");
  auto pages = Pages();
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_NE(pages[0].text.text.find("DISCHARGE"), std::string::npos);
  EXPECT_NE(pages[1].source_path.find("side-0003"), std::string::npos)
      << "a lost side keeps its number: " << pages[1].source_path;
  auto batch = store_->GetBatch(id);
  EXPECT_EQ(batch->lost_sides, 1);
  EXPECT_EQ(batch->state, indexer::BatchState::kDone);
}

TEST_F(ScanTest, CoverOpenAndIoErrorStopTheFeedWithAdvice) {
  for (const std::string fault : {"coveropen", "ioerror"}) {
    auto feeder = Feeder(Sheets({{"CONSENT FORM", "Signed"}}), fault);
    auto result = Scan(*store_, *feeder, options_);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->fault,
              fault == "coveropen" ? capture::ScanFault::kCoverOpen : capture::ScanFault::kIoError);
    EXPECT_EQ(result->ingest.pages, 1);
    EXPECT_EQ(store_->GetBatch(result->ingest.batch_id)->state, indexer::BatchState::kStopped);
  }
}

TEST_F(ScanTest, ResumingABatchOfAnotherKindIsRefused) {
  auto claim = store_->CreateBatch({indexer::BatchKind::kIngest, "files", "{}", 0, false});
  ASSERT_TRUE(claim.ok());
  const std::int64_t id = (*claim)->batch_id();
  claim->reset();
  auto feeder = Feeder(Sheets({{"NOTE"}}), "nodocs");
  options_.resume_batch = id;
  auto result = Scan(*store_, *feeder, options_);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

TEST(ScanInputs, SettingsRoundTripThroughTheBatch) {
  capture::ScanSettings s;
  s.source = capture::ScanSource::kAdfDuplex;
  s.dpi = 240;
  s.color = capture::ScanColor::kLineart;
  s.device_options = {{"filename", "/x.pgm"}};
  std::string device;
  capture::ScanSettings back;
  ASSERT_TRUE(ParseScanInputs(ScanInputs("pnm:0", s), &device, &back).ok());
  EXPECT_EQ(device, "pnm:0");
  EXPECT_EQ(back.source, s.source);
  EXPECT_EQ(back.dpi, 240);
  EXPECT_EQ(back.color, s.color);
  EXPECT_EQ(back.device_options, s.device_options);
  EXPECT_FALSE(ParseScanInputs("not json", &device, &back).ok());
}

}  // namespace
}  // namespace chartscan::pipeline
