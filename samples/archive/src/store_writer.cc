#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <chartscan/samples/archive_store.h>

namespace chartscan::samples::archive {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Adds the time a call takes to `total`.
template <typename F>
auto Timed(double& total, F&& f) {
  const auto start = Clock::now();
  auto result = f();
  total += Since(start);
  return result;
}

class Writer {
 public:
  Writer(const Archive& archive, indexer::Store& store, const WriteOptions& options,
         const OnWritten& on_written, const std::function<void(std::int64_t)>& progress)
      : archive_(archive),
        store_(store),
        options_(options),
        on_written_(on_written),
        progress_(progress),
        charts_(archive.patients().size(), 0) {
    result_.page_ids.assign(static_cast<std::size_t>(archive.options().pages), 0);
  }

  Result<WriteResult> Run() {
    const auto start = Clock::now();
    Status s = archive_.ForEachDocument([&](const ArchiveDocument& doc) { return Add(doc); });
    if (s.ok()) s = Flush();
    if (s.ok()) s = FinishBatch();
    if (!s.ok()) return s;
    WriteTimes& t = result_.times;
    t.total = Since(start);
    t.generate = t.total - t.store() - t.callback - t.decorate;
    return std::move(result_);
  }

 private:
  struct Pending {
    ArchiveDocument doc;
    std::int64_t source_id = 0;
    std::int64_t document_id = 0;
  };

  Status Add(const ArchiveDocument& doc) {
    WriteTimes& t = result_.times;
    if (claim_ == nullptr || doc.batch != batch_ordinal_) {
      CHARTSCAN_RETURN_IF_ERROR(Flush());
      CHARTSCAN_RETURN_IF_ERROR(FinishBatch());
      indexer::BatchStart start;
      start.kind = indexer::BatchKind::kIngest;
      start.name = "archive " + std::to_string(doc.batch + 1);
      start.inputs = "{\"archive_seed\":" + std::to_string(archive_.options().seed) +
                     ",\"batch_ordinal\":" + std::to_string(doc.batch) + "}";
      CHARTSCAN_ASSIGN_OR_RETURN(claim_,
                                 Timed(t.create_batch, [&] { return store_.CreateBatch(start); }));
      batch_ordinal_ = doc.batch;
      batch_id_ = claim_->batch_id();
      result_.batch_ids.resize(static_cast<std::size_t>(doc.batch) + 1, 0);
      result_.batch_ids[static_cast<std::size_t>(doc.batch)] = batch_id_;
    }
    const std::string text = doc.text();
    const std::string sha = indexer::Store::Sha256Hex(text);
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::SourceInfo source, Timed(t.register_source, [&] {
                                 return store_.RegisterSource(batch_id_, doc.path, sha, "pdf",
                                                              text.size(),
                                                              static_cast<int>(doc.pages.size()));
                               }));
    std::int64_t document_id = 0;
    if (options_.create_documents) {
      CHARTSCAN_ASSIGN_OR_RETURN(document_id, Timed(t.create_document, [&] {
                                   return store_.CreateDocument(batch_id_, source.source_id);
                                 }));
    }
    pending_pages_ += static_cast<int>(doc.pages.size());
    pending_.push_back({doc, source.source_id, document_id});
    if (pending_pages_ >= options_.pages_per_call) return Flush();
    return Status::Ok();
  }

  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    WriteTimes& t = result_.times;
    std::vector<indexer::PageWrite> writes;
    std::vector<std::pair<const ArchiveDocument*, const ArchivePage*>> origins;
    writes.reserve(static_cast<std::size_t>(pending_pages_));
    for (const Pending& p : pending_) {
      for (const ArchivePage& page : p.doc.pages) {
        indexer::PageWrite w = ToPageWrite(p.doc, page, p.source_id);
        w.batch_id = batch_id_;
        w.document_id = p.document_id;
        writes.push_back(std::move(w));
        origins.emplace_back(&p.doc, &page);
      }
    }
    if (options_.decorate) {
      CHARTSCAN_RETURN_IF_ERROR(Timed(t.decorate, [&] { return DecoratePages(origins, writes); }));
    }
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<std::int64_t> ids,
                               Timed(t.put_pages, [&] { return store_.PutPages(writes); }));
    if (ids.size() != writes.size()) return Status::Internal("PutPages returned too few ids");
    ++result_.put_pages_calls;

    // Assembly: the documents as generated, one chart per patient (reused across calls).
    indexer::AssemblyWrite a;
    a.batch_id = batch_id_;
    std::vector<int> chart_patients;
    std::vector<std::vector<std::int64_t>> doc_pages;
    std::size_t next = 0;
    for (const Pending& p : pending_) {
      a.source_ids.push_back(p.source_id);
      std::vector<std::int64_t> pages;
      for (const ArchivePage& page : p.doc.pages) {
        const std::int64_t id = ids[next++];
        pages.push_back(id);
        result_.page_ids[static_cast<std::size_t>(page.ordinal)] = id;
        result_.text_bytes += static_cast<std::int64_t>(page.text.size());
      }
      int chart = -1;
      for (std::size_t c = 0; c < chart_patients.size(); ++c) {
        if (chart_patients[c] == p.doc.patient) chart = static_cast<int>(c);
      }
      if (chart < 0) {
        const Patient& pt = archive_.patients()[static_cast<std::size_t>(p.doc.patient)];
        indexer::ChartWrite cw;
        cw.chart_id = charts_[static_cast<std::size_t>(p.doc.patient)];
        cw.mrn = pt.mrn;
        cw.patient_name = pt.full_name();
        cw.dob = pt.dob;
        a.charts.push_back(std::move(cw));
        chart_patients.push_back(p.doc.patient);
        chart = static_cast<int>(a.charts.size()) - 1;
      }
      indexer::DocumentWrite d;
      d.page_ids = pages;
      d.boundary = "new_source";
      d.type.name = p.doc.type;
      d.type.confidence = 0.95;
      d.date_of_service = p.doc.date_of_service;
      d.fields = p.doc.fields;
      d.chart = chart;
      a.documents.push_back(std::move(d));
      doc_pages.push_back(std::move(pages));
    }
    CHARTSCAN_ASSIGN_OR_RETURN(indexer::AssemblyResult assembled,
                               Timed(t.assemble, [&] { return store_.Assemble(a); }));
    for (std::size_t c = 0; c < chart_patients.size() && c < assembled.chart_ids.size(); ++c) {
      charts_[static_cast<std::size_t>(chart_patients[c])] = assembled.chart_ids[c];
    }
    if (options_.complete_sources) {
      for (const Pending& p : pending_) {
        CHARTSCAN_RETURN_IF_ERROR(
            Timed(t.complete_source, [&] { return store_.CompleteSource(p.source_id); }));
      }
    }
    result_.pages += static_cast<std::int64_t>(writes.size());
    result_.documents += static_cast<std::int64_t>(pending_.size());
    if (on_written_) {
      for (std::size_t k = 0; k < pending_.size(); ++k) {
        CHARTSCAN_RETURN_IF_ERROR(Timed(
            t.callback, [&] { return on_written_(pending_[k].doc, doc_pages[k], batch_id_); }));
      }
    }
    pending_.clear();
    pending_pages_ = 0;
    if (progress_) progress_(result_.pages);
    return Status::Ok();
  }

  // Each page once, from up to decorate_threads threads; the first error wins.
  Status DecoratePages(
      const std::vector<std::pair<const ArchiveDocument*, const ArchivePage*>>& origins,
      std::vector<indexer::PageWrite>& writes) {
    std::atomic<std::size_t> next{0};
    std::mutex mu;
    Status first = Status::Ok();
    auto work = [&] {
      for (std::size_t i; (i = next++) < writes.size();) {
        Status s = options_.decorate(*origins[i].first, *origins[i].second, writes[i]);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = std::move(s);
          next = writes.size();
        }
      }
    };
    const std::size_t n =
        std::min<std::size_t>(static_cast<std::size_t>(options_.decorate_threads), writes.size());
    std::vector<std::thread> helpers;
    for (std::size_t k = 1; k < n; ++k) helpers.emplace_back(work);
    work();
    for (std::thread& h : helpers) h.join();
    return first;
  }

  Status FinishBatch() {
    if (claim_ == nullptr) return Status::Ok();
    CHARTSCAN_RETURN_IF_ERROR(
        Timed(result_.times.create_batch, [&] { return store_.FinishBatch(batch_id_); }));
    claim_.reset();
    return Status::Ok();
  }

  const Archive& archive_;
  indexer::Store& store_;
  const WriteOptions options_;
  const OnWritten& on_written_;
  const std::function<void(std::int64_t)>& progress_;
  std::vector<std::int64_t> charts_;  // chart id per patient, 0 until created
  std::unique_ptr<indexer::BatchClaim> claim_;
  int batch_ordinal_ = -1;
  std::int64_t batch_id_ = 0;
  std::vector<Pending> pending_;
  int pending_pages_ = 0;
  WriteResult result_;
};

}  // namespace

Status WriteOptions::Validate() const {
  if (pages_per_call < 1 || pages_per_call > 100'000) {
    return Status::InvalidArgument("pages per PutPages call must be between 1 and 100,000");
  }
  if (decorate_threads < 1 || decorate_threads > 256) {
    return Status::InvalidArgument("decorate threads must be between 1 and 256");
  }
  return Status::Ok();
}

indexer::PageWrite ToPageWrite(const ArchiveDocument& doc, const ArchivePage& page,
                               std::int64_t source_id) {
  indexer::PageWrite w;
  w.source_id = source_id;
  w.source_page = page.page;
  w.text.text = page.text;
  w.text.mean_confidence = page.confidence;
  w.text.origin = TextOrigin::kOcr;
  w.quality.ocr_confidence = page.confidence;
  w.quality.dpi = 300;
  w.quality.source_dpi = 300;
  w.doc_type = doc.type;
  w.fields = page.fields;
  return w;
}

Result<WriteResult> WriteArchive(const Archive& archive, indexer::Store& store,
                                 const WriteOptions& options, const OnWritten& on_written,
                                 const std::function<void(std::int64_t)>& progress) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  return Writer(archive, store, options, on_written, progress).Run();
}

}  // namespace chartscan::samples::archive
