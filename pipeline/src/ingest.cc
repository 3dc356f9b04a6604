#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <chartscan/pipeline/ingest.h>

#include "assemble.h"
#include "bounded_queue.h"

namespace chartscan::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

// Per-source bookkeeping shared by the workers that process its pages.
struct SourceWork {
  std::int64_t source_id = 0;
  std::string path;
  std::atomic<int> remaining{0};
  std::mutex mu;                 // guards document_id
  std::int64_t document_id = 0;  // created when the first non-blank page is stored
  std::atomic<int> failed_pages{0};
};

struct PageJob {
  std::shared_ptr<SourceWork> source;
  int index = 0;  // 0-based
  capture::CapturedPage page;
  Status decode_error;
};

// Orientation from ink shapes is rarely wrong, but when cleanup was unsure, or the text reads
// badly, the page is read upside down as well and the reading with the clearly higher confidence
// wins: upside-down text gives Tesseract garbage at 20-40 confidence, upright text 70-95. Only
// doubtful pages pay for the second pass (on degraded batches nearly half the pages), and most of
// them only for a band through the middle of the page (kProbeBand of its height, centred, so the
// same band is read both ways up): the whole page is read upside down only when that band reads
// clearly better so.
// A page that already reads well is upright whatever cleanup thought: upside-down text never
// reads at 85 over a page of words (on degraded batches a third of the pages had a doubtful
// orientation and read at 90-95; probing them cost 0.1-0.2 s a page for nothing).
constexpr double kConfidentReading = 85;      // mean word confidence, 0-100...
constexpr size_t kConfidentMinWords = 20;     // ...over at least this many words
constexpr double kDoubtfulOrientation = 0.5;  // cleanup's orientation confidence, 0-1
constexpr double kDoubtfulReading = 70;       // mean word confidence, 0-100
constexpr double kClearlyBetter = 10;         // confidence points the flipped reading must gain
constexpr double kProbeBand = 0.4;
constexpr size_t kProbeMinWords = 8;  // fewer words in the band: read the whole page instead

// Mean confidence of the words whose centre lies in rows [y0, y1).
std::pair<double, size_t> BandConfidence(const PageText& text, int y0, int y1) {
  double sum = 0;
  size_t n = 0;
  for (const Word& w : text.words) {
    const int cy = w.box.y + w.box.height / 2;
    if (cy >= y0 && cy < y1) {
      sum += w.confidence;
      ++n;
    }
  }
  return {n ? sum / n : 0, n};
}

Result<ocr::Recognition> RecognizeUpright(ocr::Engine& engine, cleanup::CleanedPage& page) {
  CHARTSCAN_ASSIGN_OR_RETURN(ocr::Recognition first, engine.Recognize(page.ocr_view(), page.dpi));
  if (first.deadline_exceeded ||
      (page.quality.orientation_confidence >= kDoubtfulOrientation &&
       (first.text.words.empty() || first.text.mean_confidence >= kDoubtfulReading)) ||
      (first.text.words.size() >= kConfidentMinWords &&
       first.text.mean_confidence >= kConfidentReading)) {
    return first;
  }
  const int height = page.image.height();
  const int y0 = static_cast<int>(height * (1 - kProbeBand) / 2), y1 = height - y0;
  const auto [upright_band, band_words] = BandConfidence(first.text, y0, y1);
  cleanup::RotateCleanedPage(page, 180);
  double probe_seconds = 0;
  if (band_words >= kProbeMinWords) {
    const ImageView whole = page.ocr_view();
    const ImageView band(whole.row(y0), whole.width(), y1 - y0, whole.format(), whole.stride());
    Result<ocr::Recognition> probe = engine.Recognize(band, page.dpi);
    if (probe.ok()) probe_seconds = probe->seconds;
    if (probe.ok() && !probe->deadline_exceeded &&
        probe->text.mean_confidence < upright_band + kClearlyBetter) {
      cleanup::RotateCleanedPage(page, 180);  // upright after all: back to cleanup's choice
      first.seconds += probe_seconds;
      return first;
    }
  }
  Result<ocr::Recognition> flipped = engine.Recognize(page.ocr_view(), page.dpi);
  if (flipped.ok() && !flipped->deadline_exceeded &&
      flipped->text.mean_confidence >= first.text.mean_confidence + kClearlyBetter) {
    flipped->seconds += first.seconds + probe_seconds;
    return flipped;
  }
  cleanup::RotateCleanedPage(page, 180);  // back to cleanup's choice
  first.seconds += probe_seconds;
  return first;
}

class Run {
 public:
  Run(indexer::Store& store, const IngestOptions& options, const ProgressFn& progress,
      const std::atomic<bool>* cancel, Env* env)
      : store_(store),
        options_(options),
        progress_fn_(progress),
        cancel_(cancel),
        env_(env),
        queue_(static_cast<size_t>(options.queue_depth > 0 ? options.queue_depth
                                                           : 2 * options.EffectiveWorkers())) {}

  Result<IngestSummary> Execute(const std::vector<std::string>& paths);

 private:
  bool Cancelled() const { return cancel_ && cancel_->load(); }
  void ReadSources(const std::vector<std::string>& files);
  Status ReadOne(const std::string& path);
  void Work(ocr::Engine& engine);
  void ProcessPage(ocr::Engine& engine, PageJob& job);
  void FinishPage(SourceWork& source);
  void AddProblem(const std::string& path, int page, const Status& status);
  void Report();

  indexer::Store& store_;
  const IngestOptions& options_;
  const ProgressFn& progress_fn_;
  const std::atomic<bool>* cancel_;
  Env* env_;
  BoundedQueue<PageJob> queue_;
  Clock::time_point start_ = Clock::now();

  std::mutex mu_;  // guards summary_, progress_, confidence_sum_, and serializes progress_fn_
  IngestSummary summary_;
  Progress progress_;
  double confidence_sum_ = 0;
  int confidence_pages_ = 0;
  Status fatal_;  // a store failure that stops the batch
  // Sources of this batch in the order their files were given (assembly order), no repeats.
  std::vector<std::int64_t> source_order_;
  const extract::Extractor* extractor_ = nullptr;  // set by Execute; immutable, shared by workers
};

void Run::AddProblem(const std::string& path, int page, const Status& status) {
  std::lock_guard lock(mu_);
  summary_.problems.push_back({path, page, status});
  ++progress_.failures;
}

void Run::Report() {
  if (!progress_fn_) return;
  std::lock_guard lock(mu_);
  progress_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  progress_fn_(progress_);
}

Status Run::ReadOne(const std::string& path) {
  Result<std::string> bytes = env_->ReadFile(path, options_.capture.max_file_bytes);
  if (!bytes.ok()) {
    AddProblem(path, 0, bytes.status());
    {
      std::lock_guard lock(mu_);
      ++summary_.files_failed;
      ++progress_.files_done;
    }
    return store_.RecordFailure(summary_.batch_id, path, "", bytes.status());
  }
  const std::uint64_t size = bytes->size();
  // The original is kept before anything else happens to it, even when it turns out unreadable,
  // so a clerk can always see exactly what was fed in.
  CHARTSCAN_ASSIGN_OR_RETURN(std::string sha, store_.PutOriginal(*bytes));
  auto reader = capture::SourceReader::Open(std::move(bytes).value(), path, options_.capture);
  if (!reader.ok()) {
    AddProblem(path, 0, reader.status());
    {
      std::lock_guard lock(mu_);
      ++summary_.files_failed;
      ++progress_.files_done;
    }
    return store_.RecordFailure(summary_.batch_id, path, sha, reader.status());
  }
  capture::SourceReader& src = **reader;
  const int pages = src.page_count();
  CHARTSCAN_ASSIGN_OR_RETURN(
      indexer::SourceInfo info,
      store_.RegisterSource(summary_.batch_id, path, sha, capture::SourceKindName(src.kind()), size,
                            pages));
  {
    std::lock_guard lock(mu_);
    if (std::find(source_order_.begin(), source_order_.end(), info.source_id) ==
        source_order_.end()) {
      source_order_.push_back(info.source_id);
    }
  }
  if (info.state == indexer::SourceState::kComplete) {
    std::lock_guard lock(mu_);
    ++summary_.files_skipped;
    ++progress_.files_done;
    return Status::Ok();
  }
  CHARTSCAN_ASSIGN_OR_RETURN(std::set<int> stored, store_.StoredPages(info.source_id));

  auto work = std::make_shared<SourceWork>();
  work->source_id = info.source_id;
  work->path = path;
  std::vector<int> todo;
  for (int i = 0; i < pages; ++i) {
    if (!stored.count(i + 1)) todo.push_back(i);
  }
  {
    std::lock_guard lock(mu_);
    progress_.pages_known += static_cast<int>(todo.size());
  }
  if (todo.empty()) {
    std::lock_guard lock(mu_);
    ++progress_.files_done;
    return store_.CompleteSource(info.source_id);
  }
  work->remaining = static_cast<int>(todo.size());
  for (int i : todo) {
    if (Cancelled()) break;
    PageJob job;
    job.source = work;
    job.index = i;
    Result<capture::CapturedPage> page = src.ReadPage(i);
    if (page.ok()) {
      job.page = std::move(page).value();
    } else {
      job.decode_error = page.status();
    }
    if (!queue_.Push(std::move(job))) break;
  }
  return Status::Ok();
}

void Run::ReadSources(const std::vector<std::string>& files) {
  for (const std::string& path : files) {
    if (Cancelled()) break;
    {
      std::lock_guard lock(mu_);
      ++summary_.files;
    }
    Status s = ReadOne(path);
    if (!s.ok()) {
      // Only store failures come back here: the store cannot take more, so stop reading.
      std::lock_guard lock(mu_);
      fatal_ = s;
      break;
    }
    Report();
  }
  queue_.Close();
}

void Run::FinishPage(SourceWork& source) {
  if (source.remaining.fetch_sub(1) == 1) {
    Status s = store_.CompleteSource(source.source_id);
    std::lock_guard lock(mu_);
    ++progress_.files_done;
    if (!s.ok() && fatal_.ok()) fatal_ = s;
  }
}

void Run::ProcessPage(ocr::Engine& engine, PageJob& job) {
  SourceWork& source = *job.source;
  indexer::PageWrite write;
  write.batch_id = summary_.batch_id;
  write.source_id = source.source_id;
  write.source_page = job.index + 1;

  Status problem = job.decode_error;
  bool timed_out = false;
  if (problem.ok()) {
    const capture::CapturedPage& page = job.page;
    const bool has_text_layer = page.text_layer.has_value();
    if (options_.read_barcodes) {
      // Barcodes are evidence for document boundaries, not content: a page whose barcodes cannot
      // be read is still digitized, just without them.
      Result<std::vector<Barcode>> codes =
          barcode::ReadBarcodes(page.image.view(), page.resolution, options_.barcode);
      if (codes.ok()) write.barcodes = std::move(codes).value();
    }
    cleanup::CleanupOptions clean_options = options_.cleanup;
    if (has_text_layer) {
      // The text layer's boxes are in the rendered page's pixels: keep its geometry.
      clean_options.detect_orientation = false;
      clean_options.deskew = false;
    }
    Result<cleanup::CleanedPage> cleaned =
        cleanup::CleanPage(page.image.view(), page.resolution, page.bilevel, clean_options);
    if (!cleaned.ok()) {
      problem = cleaned.status();
    } else {
      if (has_text_layer) {
        write.blank = false;
        write.text = *page.text_layer;
        const double sx = static_cast<double>(cleaned->image.width()) / page.image.width();
        const double sy = static_cast<double>(cleaned->image.height()) / page.image.height();
        auto scale = [&](Box& b) {
          b = {static_cast<int>(b.x * sx), static_cast<int>(b.y * sy),
               static_cast<int>(b.width * sx + 0.5), static_cast<int>(b.height * sy + 0.5)};
        };
        for (Word& w : write.text.words) scale(w.box);
        for (TextLine& l : write.text.lines) scale(l.box);
      } else if (cleaned->blank) {
        write.blank = true;
      } else {
        Result<ocr::Recognition> rec = RecognizeUpright(engine, *cleaned);
        if (!rec.ok()) {
          problem = rec.status();
        } else {
          write.text = std::move(rec->text);
          timed_out = rec->deadline_exceeded;
        }
      }
      if (problem.ok() && !write.blank && !write.text.words.empty()) {
        // Until assembly splits the batch into documents, a page's index in its file stands in
        // for its index in its document (assembly renumbers the fields it merges).
        write.fields = extractor_->ExtractPage(write.text, job.index);
        write.doc_type = extractor_->ClassifyPage(write.text).name;
      }
      write.quality = cleaned->quality;  // after OCR, which may have turned the page over
      write.quality.ocr_confidence = write.text.mean_confidence;
      if (problem.ok()) {
        Result<cleanup::EncodedImage> encoded = cleanup::EncodeForDisplay(*cleaned);
        if (encoded.ok()) {
          write.image_bytes = std::move(encoded->bytes);
          write.image_format = encoded->format;
          write.image_width = encoded->width;
          write.image_height = encoded->height;
        } else {
          problem = encoded.status();
        }
      }
    }
  }

  if (!problem.ok()) {
    write.error = problem.ToString();
    write.text = {};
    AddProblem(source.path, job.index + 1, problem);
  } else if (!write.blank) {
    std::lock_guard lock(source.mu);
    if (source.document_id == 0) {
      Result<std::int64_t> doc = store_.DocumentForSource(summary_.batch_id, source.source_id);
      if (doc.ok()) {
        source.document_id = *doc;
      } else {
        std::lock_guard lock2(mu_);
        if (fatal_.ok()) fatal_ = doc.status();
      }
    }
    write.document_id = source.document_id;
  }
  job.page = {};  // free the decoded pixels before the (serialized) store write

  Result<std::int64_t> stored = store_.PutPage(write);
  {
    std::lock_guard lock(mu_);
    if (!stored.ok()) {
      if (fatal_.ok()) fatal_ = stored.status();
    } else {
      ++summary_.pages;
      ++progress_.pages_done;
      if (!problem.ok()) {
        ++summary_.failed_pages;
      } else if (write.blank) {
        ++summary_.blank_pages;
      } else {
        confidence_sum_ += write.text.mean_confidence;
        ++confidence_pages_;
      }
      if (timed_out) ++summary_.timed_out_pages;
    }
  }
  // A page that could not be stored leaves its source pending, so the next run retries it.
  if (stored.ok()) FinishPage(source);
  Report();
}

void Run::Work(ocr::Engine& engine) {
  while (std::optional<PageJob> job = queue_.Pop()) {
    {
      std::lock_guard lock(mu_);
      if (!fatal_.ok()) continue;  // drain without processing once the store has failed
    }
    ProcessPage(engine, *job);
  }
}

Result<IngestSummary> Run::Execute(const std::vector<std::string>& paths) {
  const int workers = options_.EffectiveWorkers();
  CHARTSCAN_ASSIGN_OR_RETURN(extract::Extractor extractor,
                             extract::Extractor::Create(options_.extract));
  extractor_ = &extractor;
  std::vector<std::unique_ptr<ocr::Engine>> engines;
  for (int i = 0; i < workers; ++i) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::unique_ptr<ocr::Engine> engine,
                               ocr::Engine::Create(options_.ocr));
    engines.push_back(std::move(engine));
  }
  // One worker per core already fills the machine; OpenCV's own threads would only contend.
  cleanup::SetThreadsPerPage(workers >= static_cast<int>(std::thread::hardware_concurrency()) ? 1
                                                                                              : 0);

  std::string name = options_.batch_name;
  if (name.empty()) name = "ingest";
  CHARTSCAN_ASSIGN_OR_RETURN(summary_.batch_id, store_.BeginBatch(name));

  std::vector<Status> discovery_problems;
  std::vector<std::string> files = capture::DiscoverFiles(*env_, paths, &discovery_problems);
  for (const Status& s : discovery_problems) {
    summary_.problems.push_back({"", 0, s});
    ++progress_.failures;
  }
  progress_.files_known = static_cast<int>(files.size());

  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([this, engine = engines[static_cast<size_t>(i)].get()] { Work(*engine); });
  }
  ReadSources(files);
  for (std::thread& t : threads) t.join();

  CHARTSCAN_RETURN_IF_ERROR(fatal_);
  if (options_.assemble && !Cancelled()) {
    CHARTSCAN_ASSIGN_OR_RETURN(
        AssemblyCounts counts,
        AssembleBatch(store_, summary_.batch_id, source_order_, extractor, options_.boundaries));
    summary_.documents = counts.documents;
    summary_.charts = counts.charts;
    summary_.orphan_documents = counts.orphan_documents;
    summary_.unmatched_charts = counts.unmatched_charts;
    summary_.misfiled_pages = counts.misfiled_pages;
    summary_.separator_pages = counts.separator_pages;
  }
  CHARTSCAN_RETURN_IF_ERROR(store_.FinishBatch(summary_.batch_id));
  if (!options_.assemble || Cancelled()) {
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::StoreStats stats, store_.Stats(summary_.batch_id));
    summary_.documents = static_cast<int>(stats.documents);
  }
  summary_.mean_confidence = confidence_pages_ ? confidence_sum_ / confidence_pages_ : 0;
  summary_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  std::stable_sort(summary_.problems.begin(), summary_.problems.end(),
                   [](const FileProblem& a, const FileProblem& b) {
                     return a.path != b.path ? a.path < b.path : a.page < b.page;
                   });
  return summary_;
}

}  // namespace

Status IngestOptions::Validate() const {
  if (workers < 0 || workers > 256) return Status::InvalidArgument("ingest: workers must be 0-256");
  if (queue_depth < 0) return Status::InvalidArgument("ingest: queue depth must not be negative");
  CHARTSCAN_RETURN_IF_ERROR(capture.Validate());
  CHARTSCAN_RETURN_IF_ERROR(cleanup.Validate());
  CHARTSCAN_RETURN_IF_ERROR(extract.Validate());
  CHARTSCAN_RETURN_IF_ERROR(boundaries.Validate());
  if (read_barcodes) CHARTSCAN_RETURN_IF_ERROR(barcode.Validate());
  return ocr.Validate();
}

int IngestOptions::EffectiveWorkers() const {
  if (workers > 0) return workers;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

Result<IngestSummary> Ingest(indexer::Store& store, const std::vector<std::string>& paths,
                             const IngestOptions& options, const ProgressFn& progress,
                             const std::atomic<bool>* cancel, Env* env) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  if (paths.empty()) return Status::InvalidArgument("ingest: no files or folders given");
  Run run(store, options, progress, cancel, env);
  return run.Execute(paths);
}

}  // namespace chartscan::pipeline
