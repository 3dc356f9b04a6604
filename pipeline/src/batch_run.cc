#include "batch_run.h"

#include <algorithm>

#include <chartscan/pipeline/catalog.h>

#include "field_reread.h"

namespace chartscan::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

// Orientation from ink shapes is rarely wrong, but when cleanup was unsure, or the text reads
// badly, the page is read upside down as well and the reading with the clearly higher confidence
// wins: upside-down text gives Tesseract garbage at 20-40 confidence, upright text 70-95. Only
// doubtful pages pay for the second pass (on degraded batches nearly half the pages), and most of
// them only for a band through the middle of the page (kProbeBand of its height, centred, so the
// same band is read both ways up): the whole page is read upside down only when that band reads
// clearly better so.
// A page that already reads well is upright whatever cleanup thought: upside-down text never
// reads at 75 over a page of words (on degraded batches a third of the pages had a doubtful
// orientation and read at 90-95; probing them cost 0.1-0.2 s a page for nothing). The 40 cleaned
// pages of bench/run.sh's batch read upside down at 43.5 mean confidence at most; faxes upright
// read at 75-85 and had each been probed for 0.5-0.9 s.
constexpr double kConfidentReading = 75;      // mean word confidence, 0-100...
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

}  // namespace

Result<std::int64_t> FindResumable(const indexer::Store& store, indexer::BatchKind kind,
                                   const std::string& inputs) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::BatchInfo> batches, store.Batches());
  for (auto it = batches.rbegin(); it != batches.rend(); ++it) {
    if (it->kind == kind && it->state != indexer::BatchState::kDone && !it->live &&
        it->inputs == inputs) {
      return it->batch_id;
    }
  }
  return std::int64_t{0};
}

// Per-source bookkeeping shared by the workers that process its pages.
struct BatchRun::SourceWork {
  std::int64_t source_id = 0;
  std::string path;
  SourceDone done;
  std::atomic<int> remaining{0};
  std::mutex mu;                 // guards document_id
  std::int64_t document_id = 0;  // created when the first non-blank page is stored
  std::atomic<int> stored_pages{0};
  std::atomic<int> failed_pages{0};
  // Other paths leading to the same source (guarded by BatchRun::mu_).
  std::vector<std::pair<std::string, SourceDone>> waiters;
};

struct BatchRun::PageJob {
  std::shared_ptr<SourceWork> source;
  int index = 0;  // 0-based
  capture::CapturedPage page;
  Status decode_error;
  // Non-empty: the page was not kept decoded (the queue was full when it was captured); the
  // worker decodes it from this stored original.
  std::string original_sha256;
};

BatchRun::BatchRun(indexer::Store& store, const IngestOptions& options, const ProgressFn& progress,
                   const std::atomic<bool>* cancel, Env* env)
    : store_(store),
      options_(options),
      progress_fn_(progress),
      cancel_(cancel),
      env_(env),
      queue_(static_cast<size_t>(options.queue_depth > 0 ? options.queue_depth
                                                         : 2 * options.EffectiveWorkers())) {}

BatchRun::~BatchRun() {
  queue_.Close();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

Status BatchRun::Start(const indexer::BatchStart& start, std::int64_t resume_batch) {
  const int workers = options_.EffectiveWorkers();
  CHARTSCAN_ASSIGN_OR_RETURN(extract::Extractor extractor,
                             extract::Extractor::Create(options_.extract));
  extractor_.emplace(std::move(extractor));
  for (int i = 0; i < workers; ++i) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::unique_ptr<ocr::Engine> engine,
                               ocr::Engine::Create(options_.ocr));
    engines_.push_back(std::move(engine));
  }
  // One worker per core already fills the machine; OpenCV's own threads would only contend.
  cleanup::SetThreadsPerPage(workers >= static_cast<int>(std::thread::hardware_concurrency()) ? 1
                                                                                              : 0);
  if (resume_batch != 0) {
    CHARTSCAN_ASSIGN_OR_RETURN(claim_, store_.ClaimBatch(resume_batch));
    resumed_ = true;
  } else {
    CHARTSCAN_ASSIGN_OR_RETURN(claim_, store_.CreateBatch(start));
  }
  summary_.batch_id = claim_->batch_id();
  summary_.resumed = resumed_;
  threads_.reserve(static_cast<size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    threads_.emplace_back(
        [this, engine = engines_[static_cast<size_t>(i)].get()] { Work(*engine); });
  }
  return Status::Ok();
}

Status BatchRun::Fatal() {
  std::lock_guard lock(mu_);
  return fatal_;
}

void BatchRun::AddProblem(const std::string& path, int page, const Status& status) {
  std::lock_guard lock(mu_);
  summary_.problems.push_back({path, page, status});
  ++progress_.failures;
}

void BatchRun::AddKnownFiles(int files) {
  std::lock_guard lock(mu_);
  progress_.files_known += files;
}

void BatchRun::Report() {
  if (!progress_fn_) return;
  std::lock_guard lock(mu_);
  progress_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  progress_fn_(progress_);
}

void BatchRun::NoteSource(std::int64_t source_id) {
  std::lock_guard lock(mu_);
  if (std::find(source_order_.begin(), source_order_.end(), source_id) == source_order_.end()) {
    source_order_.push_back(source_id);
  }
}

void BatchRun::Journal(const SourceWork& source, int page, indexer::PageStage stage) {
  // The journal's working stages are for people watching a batch; losing one costs nothing (the
  // page is redone from "arrived" after a crash), so a failure to write one never stops a page.
  (void)store_.JournalStage(summary_.batch_id, source.source_id, page, stage);
}

Result<std::unique_ptr<capture::SourceReader>> BatchRun::OpenStored(const std::string& sha256,
                                                                    const std::string& path) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::string bytes, store_.ReadOriginal(sha256));
  return capture::SourceReader::Open(std::move(bytes), path, options_.capture);
}

Status BatchRun::QueuePending(const SourceDone& done) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::SourceInfo> sources,
                             store_.BatchSources(summary_.batch_id));
  for (const indexer::SourceInfo& info : sources) {
    if (Cancelled()) break;
    if (info.state != indexer::SourceState::kPending) continue;
    Result<std::unique_ptr<capture::SourceReader>> reader = OpenStored(info.sha256, info.path);
    const Status problem = reader.status();
    if (!problem.ok()) {
      // The original was readable when the source was registered; if it is not any more the
      // store is damaged: say so and leave the source pending for `chartscan check`.
      AddProblem(info.path, 0, problem);
      continue;
    }
    // Not noted in the assembly order here: the files given again place it (an ingest assembles
    // in the order of its paths); Finish appends those no file reached.
    {
      std::lock_guard lock(mu_);
      resumed_sources_.push_back(info.source_id);
    }
    CHARTSCAN_RETURN_IF_ERROR(QueueSource(**reader, info, info.path, done));
  }
  return Fatal();
}

Status BatchRun::AddFile(const std::string& path, const SourceDone& done) {
  {
    std::lock_guard lock(mu_);
    ++summary_.files;
  }
  SourceOutcome outcome;
  outcome.path = path;
  auto file_failed = [&](const std::string& sha, const Status& why) -> Status {
    AddProblem(path, 0, why);
    {
      std::lock_guard lock(mu_);
      ++summary_.files_failed;
      ++progress_.files_done;
    }
    outcome.file_status = why;
    Status recorded = store_.RecordFailure(summary_.batch_id, path, sha, why);
    if (done) done(outcome);
    Report();
    return recorded;
  };
  Result<std::string> bytes = env_->ReadFile(path, options_.capture.max_file_bytes);
  if (!bytes.ok()) return file_failed("", bytes.status());
  const std::uint64_t size = bytes->size();
  // The original is kept before anything else happens to it, even when it turns out unreadable,
  // so a clerk can always see exactly what was fed in.
  CHARTSCAN_ASSIGN_OR_RETURN(std::string sha, store_.PutOriginal(*bytes));
  auto reader = capture::SourceReader::Open(std::move(bytes).value(), path, options_.capture);
  if (!reader.ok()) return file_failed(sha, reader.status());
  capture::SourceReader& src = **reader;
  CHARTSCAN_ASSIGN_OR_RETURN(
      indexer::SourceInfo info,
      store_.RegisterSource(summary_.batch_id, path, sha, capture::SourceKindName(src.kind()), size,
                            src.page_count()));
  NoteSource(info.source_id);
  outcome.source_id = info.source_id;
  bool queued_already = false;
  {
    std::lock_guard lock(mu_);
    queued_already = queued_sources_.count(info.source_id) > 0;
  }
  if (info.state == indexer::SourceState::kComplete) {
    // Stored before (by an earlier run, or earlier in this one from another copy of the file).
    {
      std::lock_guard lock(mu_);
      ++summary_.files_skipped;
      ++progress_.files_done;
    }
    outcome.already_stored = true;
    if (done) done(outcome);
    Report();
    return Fatal();
  }
  if (queued_already) {
    // Queued earlier in this run (from the batch's journal when it resumed, or by another path):
    // its pages are in flight. The caller hears when they are stored.
    bool finished = false;
    {
      std::lock_guard lock(mu_);
      auto it = active_.find(info.source_id);
      if (it == active_.end()) {
        finished = true;
      } else if (it->second->path != path && done) {
        it->second->waiters.emplace_back(path, done);
      }
    }
    if (finished && done) done(outcome);
    Report();
    return Fatal();
  }
  CHARTSCAN_RETURN_IF_ERROR(QueueSource(src, info, path, done));
  Report();
  return Fatal();
}

Status BatchRun::AddCaptured(std::string_view original, std::string_view kind,
                             const std::string& path, capture::CapturedPage page,
                             const SourceDone& done) {
  // Noted before the file is written, so a crash at any point either finds the side stored or
  // knows it was lost (Scan's resume settles pending captures).
  const std::string sha = indexer::Store::Sha256Hex(original);
  CHARTSCAN_RETURN_IF_ERROR(
      store_.NoteCapture(summary_.batch_id, path, sha, kind, original.size()));
  CHARTSCAN_ASSIGN_OR_RETURN(std::string stored_sha, store_.PutOriginal(original));
  if (stored_sha != sha) return Status::Internal("the store digests differently");
  CHARTSCAN_ASSIGN_OR_RETURN(
      indexer::SourceInfo info,
      store_.RegisterArrivedSource(summary_.batch_id, path, sha, kind, original.size(), 1));
  {
    std::lock_guard lock(mu_);
    ++summary_.files;
    ++progress_.files_known;
  }
  NoteSource(info.source_id);
  if (info.state == indexer::SourceState::kComplete) return Fatal();  // the very same capture
  auto work = std::make_shared<SourceWork>();
  work->source_id = info.source_id;
  work->path = path;
  work->done = done;
  work->remaining = 1;
  {
    std::lock_guard lock(mu_);
    active_[info.source_id] = work;
  }
  auto job = std::make_unique<PageJob>();
  job->source = work;
  job->index = 0;
  job->page = std::move(page);
  {
    std::lock_guard lock(mu_);
    queued_sources_.insert(info.source_id);
    ++progress_.pages_known;
  }
  // A scanner must not wait for OCR: when the workers are behind, the decoded page is let go
  // and the job refers to the original just stored instead, so a backlog costs a few bytes a
  // page, not megabytes. (Push fails only once the run is finishing: the page stays "arrived".)
  if (!queue_.TryPush(job)) {
    job->page = {};
    job->original_sha256 = sha;
    queue_.PushAlways(std::move(job));
  }
  Report();
  return Fatal();
}

Status BatchRun::QueueSource(capture::SourceReader& src, const indexer::SourceInfo& info,
                             const std::string& path, const SourceDone& done) {
  CHARTSCAN_ASSIGN_OR_RETURN(std::set<int> stored, store_.StoredPages(info.source_id));
  const int pages = src.page_count();
  std::vector<int> todo;
  for (int i = 0; i < pages; ++i) {
    if (!stored.count(i + 1)) todo.push_back(i);
  }
  {
    std::lock_guard lock(mu_);
    queued_sources_.insert(info.source_id);
    progress_.pages_known += static_cast<int>(todo.size());
  }
  if (todo.empty()) {
    {
      std::lock_guard lock(mu_);
      ++progress_.files_done;
    }
    CHARTSCAN_RETURN_IF_ERROR(store_.CompleteSource(info.source_id));
    if (done) done({path, info.source_id, Status::Ok(), 0, 0, false});
    return Status::Ok();
  }
  std::vector<int> numbers;
  for (int i : todo) numbers.push_back(i + 1);
  CHARTSCAN_RETURN_IF_ERROR(store_.JournalArrived(summary_.batch_id, info.source_id, numbers));

  auto work = std::make_shared<SourceWork>();
  work->source_id = info.source_id;
  work->path = path;
  work->done = done;
  work->remaining = static_cast<int>(todo.size());
  {
    std::lock_guard lock(mu_);
    active_[info.source_id] = work;
  }
  for (size_t k = 0; k < todo.size(); ++k) {
    if (Cancelled()) {
      // The pages not queued stay "arrived" in the journal for the next run.
      std::lock_guard lock(mu_);
      progress_.pages_known -= static_cast<int>(todo.size() - k);
      break;
    }
    auto job = std::make_unique<PageJob>();
    job->source = work;
    job->index = todo[k];
    Result<capture::CapturedPage> page = src.ReadPage(todo[k]);
    if (page.ok()) {
      job->page = std::move(page).value();
    } else {
      job->decode_error = page.status();
    }
    if (!queue_.Push(std::move(job))) break;
  }
  return Status::Ok();
}

void BatchRun::FinishPage(SourceWork& source, bool failed) {
  source.stored_pages.fetch_add(1);
  if (failed) source.failed_pages.fetch_add(1);
  if (source.remaining.fetch_sub(1) != 1) return;
  Status s = store_.CompleteSource(source.source_id);
  std::vector<std::pair<std::string, SourceDone>> waiters;
  {
    std::lock_guard lock(mu_);
    ++progress_.files_done;
    if (!s.ok() && fatal_.ok()) fatal_ = s;
    waiters = std::move(source.waiters);
    active_.erase(source.source_id);
  }
  if (!s.ok()) return;
  SourceOutcome outcome{source.path,
                        source.source_id,
                        Status::Ok(),
                        source.stored_pages.load(),
                        source.failed_pages.load(),
                        false};
  if (source.done) source.done(outcome);
  for (auto& [path, done] : waiters) {
    outcome.path = path;
    done(outcome);
  }
}

void BatchRun::ProcessPage(ocr::Engine& engine, PageJob& job) {
  SourceWork& source = *job.source;
  indexer::PageWrite write;
  write.batch_id = summary_.batch_id;
  write.source_id = source.source_id;
  write.source_page = job.index + 1;

  if (!job.original_sha256.empty()) {
    Result<std::unique_ptr<capture::SourceReader>> reader =
        OpenStored(job.original_sha256, source.path);
    Result<capture::CapturedPage> page = reader.ok()
                                             ? (*reader)->ReadPage(job.index)
                                             : Result<capture::CapturedPage>(reader.status());
    if (page.ok()) {
      job.page = std::move(page).value();
    } else {
      job.decode_error = page.status();
    }
  }
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
    // The decoded pixels (8 MB a grey page at 300 dpi, 25 MB a colour one) are not needed after
    // cleanup: freed before recognition, the longest step, rather than after it.
    const int decoded_width = page.image.width(), decoded_height = page.image.height();
    job.page.image = Image();
    if (!cleaned.ok()) {
      problem = cleaned.status();
    } else {
      Journal(source, write.source_page, indexer::PageStage::kCleaned);
      if (has_text_layer) {
        write.blank = false;
        write.text = *page.text_layer;
        const double sx = static_cast<double>(cleaned->image.width()) / decoded_width;
        const double sy = static_cast<double>(cleaned->image.height()) / decoded_height;
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
          Journal(source, write.source_page, indexer::PageStage::kRecognized);
        }
      }
      if (problem.ok() && !write.blank && !write.text.words.empty()) {
        // Until assembly splits the batch into documents, a page's index in its file stands in
        // for its index in its document (assembly renumbers the fields it merges).
        std::vector<extract::ValueToReread> reread;
        const bool second_look = options_.reread_field_values && !has_text_layer;
        write.fields =
            extractor_->ExtractPage(write.text, job.index, second_look ? &reread : nullptr);
        if (!reread.empty()) {
          const internal::RereadCount kept = internal::RereadFieldValues(
              *extractor_, job.index, reread,
              [&](const Box& box) {
                return engine.ReadLine(cleaned->ocr_view(), cleaned->dpi, box);
              },
              write.text, write.fields);
          std::lock_guard lock(mu_);
          summary_.values_reread += kept.kept;
        }
        write.doc_type = extractor_->ClassifyPage(write.text).name;
        Journal(source, write.source_page, indexer::PageStage::kExtracted);
      }
      write.quality = cleaned->quality;  // after OCR, which may have turned the page over
      write.quality.ocr_confidence = write.text.mean_confidence;
      if (problem.ok()) {
        Result<cleanup::EncodedImage> encoded = cleanup::EncodeForDisplay(*cleaned);
        if (encoded.ok()) {
          // The result lists' thumbnail, from the pixels already here: made later from the
          // stored PNG it costs a full decode (80-100 ms a page in bench/viewer.sh). A failure
          // only means the viewer makes it on demand.
          Result<std::string> small = MakeThumbnail(cleaned->image.view());
          if (small.ok()) write.thumb_bytes = std::move(*small);
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
  if (stored.ok()) FinishPage(source, !problem.ok());
  Report();
}

void BatchRun::Work(ocr::Engine& engine) {
  while (std::optional<std::unique_ptr<PageJob>> job = queue_.Pop()) {
    bool skip = false;
    {
      std::lock_guard lock(mu_);
      skip = !fatal_.ok();  // drain without processing once the store has failed
    }
    if (!skip) ProcessPage(engine, **job);
  }
}

Result<AssemblyCounts> BatchRun::Assemble(const std::vector<std::int64_t>& source_ids) {
  std::lock_guard lock(assemble_mu_);
  return AssembleBatch(store_, summary_.batch_id, source_ids, *extractor_, options_.boundaries);
}

Result<IngestSummary> BatchRun::Finish(const std::vector<std::int64_t>& assembly_order,
                                       const std::string& stop_reason, bool cancel_ends_batch) {
  queue_.Close();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  CHARTSCAN_RETURN_IF_ERROR(Fatal());
  bool stopped = !stop_reason.empty() || Cancelled();
  if (stopped && stop_reason.empty() && cancel_ends_batch) {
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::BatchInfo batch, store_.GetBatch(summary_.batch_id));
    stopped = batch.done_pages() + batch.failed_pages() < batch.pages;
  }
  if (options_.assemble && !stopped) {
    std::vector<std::int64_t> order = assembly_order;
    if (order.empty()) {
      order = source_order_;
      for (std::int64_t id : resumed_sources_) {
        if (std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);
      }
    }
    CHARTSCAN_ASSIGN_OR_RETURN(AssemblyCounts counts, Assemble(order));
    summary_.documents = counts.documents;
    summary_.charts = counts.charts;
    summary_.orphan_documents = counts.orphan_documents;
    summary_.unmatched_charts = counts.unmatched_charts;
    summary_.misfiled_pages = counts.misfiled_pages;
    summary_.roster_conflicts = counts.roster_conflicts;
    summary_.mrns_doubted = counts.mrns_doubted;
    summary_.separator_pages = counts.separator_pages;
  }
  if (stopped) {
    CHARTSCAN_RETURN_IF_ERROR(store_.StopBatch(
        summary_.batch_id, stop_reason.empty() ? std::string("cancelled") : stop_reason));
  } else {
    CHARTSCAN_RETURN_IF_ERROR(store_.FinishBatch(summary_.batch_id));
  }
  if (!options_.assemble || stopped) {
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::StoreStats stats, store_.Stats(summary_.batch_id));
    summary_.documents = static_cast<int>(stats.documents);
  }
  summary_.stop_reason = stopped ? (stop_reason.empty() ? "cancelled" : stop_reason) : "";
  summary_.mean_confidence = confidence_pages_ ? confidence_sum_ / confidence_pages_ : 0;
  summary_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  std::stable_sort(summary_.problems.begin(), summary_.problems.end(),
                   [](const FileProblem& a, const FileProblem& b) {
                     return a.path != b.path ? a.path < b.path : a.page < b.page;
                   });
  finished_ = true;
  return summary_;
}

}  // namespace chartscan::pipeline
