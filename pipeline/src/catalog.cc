#include <algorithm>
#include <list>
#include <map>
#include <mutex>

#include <chartscan/capture/source.h>
#include <chartscan/cleanup/view.h>
#include <chartscan/extract/normalize.h>
#include <chartscan/models/document.h>
#include <chartscan/pipeline/catalog.h>
#include <chartscan/pipeline/export.h>

namespace chartscan::pipeline {
namespace {

// Rendered images by key, least recently used dropped first once over the byte budget. Thumbnails
// are asked for on every search page and originals cost a decode of the stored file, so both are
// worth keeping; cleaned images are served as stored and never cached here.
class ImageCache {
 public:
  explicit ImageCache(std::size_t budget) : budget_(budget) {}

  std::optional<viewer::ImageBytes> Get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  void Put(const std::string& key, const viewer::ImageBytes& img) {
    if (img.bytes.size() > budget_ / 4) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (index_.count(key)) return;
    order_.emplace_front(key, img);
    index_[key] = order_.begin();
    bytes_ += img.bytes.size();
    while (bytes_ > budget_ && !order_.empty()) {
      bytes_ -= order_.back().second.bytes.size();
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  using Entry = std::pair<std::string, viewer::ImageBytes>;
  const std::size_t budget_;
  std::mutex mu_;
  std::list<Entry> order_;
  std::map<std::string, std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
};

cleanup::ViewOptions ThumbnailOptions(int width) {
  cleanup::ViewOptions o;
  o.max_width = width;
  o.jpeg = true;
  o.jpeg_quality = 80;
  return o;
}

viewer::ImageBytes FromEncoded(cleanup::EncodedImage e) {
  return {std::move(e.bytes), e.format == "jpeg" ? "image/jpeg" : "image/png"};
}

class StoreCatalog final : public viewer::Catalog {
 public:
  StoreCatalog(indexer::Store* store, const extract::CodeSet* codes, const CatalogOptions& options)
      : store_(store),
        codes_(codes ? codes : &extract::CodeSet::BuiltIn()),
        options_(options),
        cache_(options.image_cache_bytes) {}

  Result<SearchResults> Search(std::string_view query,
                               const SearchOptions& options) const override {
    return store_->Search(query, options);
  }
  Result<StoredPage> GetPage(std::int64_t page_id) const override {
    return store_->GetPage(page_id);
  }
  Result<std::int64_t> PageIdAt(std::int64_t source_id, int source_page) const override {
    return store_->PageIdAt(source_id, source_page);
  }
  Result<std::vector<int>> MatchWords(std::string_view query, std::int64_t page_id,
                                      bool approximate) const override {
    return store_->MatchWords(query, page_id, approximate);
  }
  Result<DocumentInfo> GetDocument(std::int64_t document_id) const override {
    return store_->GetDocument(document_id);
  }
  Result<ChartInfo> GetChart(std::int64_t chart_id) const override {
    return store_->GetChart(chart_id);
  }
  Result<std::vector<DocumentInfo>> ChartDocuments(std::int64_t chart_id) const override {
    return store_->ChartDocuments(chart_id);
  }
  Result<std::vector<BatchInfo>> Batches() const override { return store_->Batches(); }
  Result<BatchInfo> GetBatch(std::int64_t batch_id) const override {
    return store_->GetBatch(batch_id);
  }
  Result<std::vector<FailureRecord>> Failures(std::int64_t batch_id) const override {
    return store_->Failures(batch_id);
  }

  Status ForEachPageOfBatch(std::int64_t batch_id,
                            const std::function<Status(const StoredPage&)>& fn) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<indexer::SourceInfo> sources,
                               store_->BatchSources(batch_id));
    std::vector<std::int64_t> ids;
    for (const indexer::SourceInfo& s : sources) ids.push_back(s.source_id);
    // A source first seen in another batch may have pages stored by either; show this batch's.
    return store_->ForEachPageOfSources(
        ids, [&](const StoredPage& p) { return p.batch_id == batch_id ? fn(p) : Status::Ok(); });
  }

  Result<std::string> ExportDocument(std::int64_t document_id) const override {
    CHARTSCAN_ASSIGN_OR_RETURN(DocumentInfo d, store_->GetDocument(document_id));
    std::optional<ChartInfo> chart;
    if (d.chart_id) {
      Result<ChartInfo> c = store_->GetChart(d.chart_id);
      if (c.ok()) chart = *c;
    }
    std::vector<StoredPage> pages;
    for (std::int64_t id : d.page_ids) {
      CHARTSCAN_ASSIGN_OR_RETURN(StoredPage p, store_->GetPage(id));
      p.text.words.clear();  // the download carries text, not geometry
      pages.push_back(std::move(p));
    }
    return ExportDocumentLine(d, chart ? &*chart : nullptr, &pages);
  }

  Result<viewer::ImageBytes> PageImage(const viewer::ImageRequest& r) const override {
    switch (r.kind) {
      case viewer::ImageKind::kCleaned: {
        CHARTSCAN_ASSIGN_OR_RETURN(chartscan::PageImage stored, store_->ReadPageImage(r.page_id));
        if (!r.crop) {
          return viewer::ImageBytes{std::move(stored.bytes),
                                    stored.format == "jpeg" ? "image/jpeg" : "image/png"};
        }
        cleanup::ViewOptions o;
        o.crop = r.crop;
        o.crop_margin = options_.crop_margin;
        CHARTSCAN_ASSIGN_OR_RETURN(cleanup::EncodedImage e,
                                   cleanup::RenderForView(stored.bytes, o));
        return FromEncoded(std::move(e));
      }
      case viewer::ImageKind::kThumb: {
        // Made at ingest for pages stored since thumbnails were; rendered here for older ones.
        if (options_.thumb_width == kThumbnailWidth) {
          Result<chartscan::PageImage> stored = store_->ReadPageThumb(r.page_id);
          if (stored.ok()) return viewer::ImageBytes{std::move(stored->bytes), "image/jpeg"};
          if (stored.status().code() != StatusCode::kNotFound) return stored.status();
        }
        const std::string key = "t" + std::to_string(r.page_id);
        if (auto hit = cache_.Get(key)) return *hit;
        CHARTSCAN_ASSIGN_OR_RETURN(chartscan::PageImage stored, store_->ReadPageImage(r.page_id));
        const cleanup::ViewOptions o = ThumbnailOptions(options_.thumb_width);
        CHARTSCAN_ASSIGN_OR_RETURN(cleanup::EncodedImage e,
                                   cleanup::RenderForView(stored.bytes, o));
        viewer::ImageBytes out = FromEncoded(std::move(e));
        cache_.Put(key, out);
        return out;
      }
      case viewer::ImageKind::kOriginal:
        return Original(r.page_id);
    }
    return Status::InvalidArgument("unknown image kind");
  }

  Result<ReviewQueue> Review(int offset, int limit) const override {
    return store_->Review(offset, limit);
  }

  Result<ReviewItem> Resolve(const ReviewDecision& decision) override {
    ReviewDecision d = decision;
    if (!d.accept) {
      CHARTSCAN_ASSIGN_OR_RETURN(std::string field, FieldOfItem(d.item_id));
      CHARTSCAN_ASSIGN_OR_RETURN(extract::TypedValue v, Normalize(field, d.value));
      d.value = v.value;
      d.normalized = v.normalized;
    }
    return store_->ResolveReview(d);
  }

  Result<UserRecord> AddUser(std::string_view name, Role role,
                             std::string_view password_hash) override {
    return store_->AddUser(name, role, password_hash);
  }
  Result<UserRecord> GetUser(std::string_view name) const override { return store_->GetUser(name); }
  Result<std::vector<UserRecord>> Users() const override { return store_->Users(); }
  Result<UserRecord> UpdateUser(const UserUpdate& update) override {
    return store_->UpdateUser(update);
  }
  Result<UserRecord> RecordLogin(std::string_view name, bool success, int max_failures,
                                 std::int64_t lock_micros) override {
    return store_->RecordLogin(name, success, max_failures, lock_micros);
  }
  Result<AuditEvent> Audit(const AuditEvent& event) override { return store_->Audit(event); }
  Result<std::vector<AuditEvent>> AuditLog(std::int64_t after_seq, int limit) const override {
    return store_->AuditLog(after_seq, limit);
  }
  Result<AuditCheck> VerifyAudit() const override { return store_->VerifyAudit(); }

 private:
  // The field a review item is about, as the store describes it; a misfile is corrected by the
  // MRN of the chart the page belongs to.
  Result<std::string> FieldOfItem(const std::string& item_id) const {
    CHARTSCAN_ASSIGN_OR_RETURN(ReviewItem item, store_->GetReviewItem(item_id));
    return item.kind == ReviewKind::kMisfile ? std::string("mrn") : item.field;
  }

  Result<extract::TypedValue> Normalize(const std::string& field, const std::string& typed) const {
    if (field == "doc_type") {
      std::string t;
      for (char c : typed) {
        t += c == ' ' || c == '-' ? '_'
                                  : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      for (const char* name : kDocumentTypeNames) {
        if (t == name) return extract::TypedValue{t, t};
      }
      return Status::InvalidArgument(
          "not a document type: choose one of discharge_summary, "
          "progress_note, history_and_physical, operative_report, "
          "radiology_report, lab_report, consent, "
          "medication_administration_record, correspondence, other");
    }
    const extract::CivilDate today = extract::CivilDateFromMicros(Env::Default()->NowMicros());
    Result<extract::TypedValue> v = extract::NormalizeTypedValue(field, typed, *codes_, today);
    if (!v.ok() && v.status().code() == StatusCode::kNotFound) {
      // A facility's own field without a rule here: kept as typed.
      return extract::TypedValue{typed, typed};
    }
    return v;
  }

  Result<viewer::ImageBytes> Original(std::int64_t page_id) const {
    const std::string key = "o" + std::to_string(page_id);
    if (auto hit = cache_.Get(key)) return *hit;
    CHARTSCAN_ASSIGN_OR_RETURN(StoredPage page, store_->GetPage(page_id));
    if (page.source_sha256.empty()) return Status::NotFound("page " + std::to_string(page_id));
    CHARTSCAN_ASSIGN_OR_RETURN(std::string bytes, store_->ReadOriginal(page.source_sha256));
    capture::CaptureOptions co;
    co.default_pdf_dpi = options_.original_dpi;
    co.min_pdf_dpi = std::min(co.min_pdf_dpi, options_.original_dpi);
    co.max_pdf_dpi = std::max(options_.original_dpi, 150.0);
    CHARTSCAN_ASSIGN_OR_RETURN(
        std::unique_ptr<capture::SourceReader> reader,
        capture::SourceReader::Open(std::move(bytes), "source " + std::to_string(page.source_id),
                                    co));
    CHARTSCAN_ASSIGN_OR_RETURN(capture::CapturedPage captured,
                               reader->ReadPage(page.source_page - 1));
    cleanup::ViewOptions o;
    o.rotate_clockwise = ((page.quality.orientation % 360) + 360) % 360;
    o.max_width = options_.original_max_width;
    // Bilevel originals (fax, lineart) stay PNG; grey and colour scans are photographs of paper.
    o.jpeg = !captured.bilevel;
    CHARTSCAN_ASSIGN_OR_RETURN(cleanup::EncodedImage e,
                               cleanup::RenderForView(captured.image.view(), o));
    viewer::ImageBytes out = FromEncoded(std::move(e));
    cache_.Put(key, out);
    return out;
  }

  indexer::Store* const store_;
  const extract::CodeSet* const codes_;
  const CatalogOptions options_;
  mutable ImageCache cache_;
};

}  // namespace

Result<std::string> MakeThumbnail(const ImageView& cleaned) {
  CHARTSCAN_ASSIGN_OR_RETURN(cleanup::EncodedImage e,
                             cleanup::RenderForView(cleaned, ThumbnailOptions(kThumbnailWidth)));
  return std::move(e.bytes);
}

Status CatalogOptions::Validate() const {
  if (thumb_width < 16 || thumb_width > 2000) return Status::InvalidArgument("thumb_width 16-2000");
  if (original_dpi < 50 || original_dpi > 600) {
    return Status::InvalidArgument("original_dpi 50-600");
  }
  if (original_max_width < 100 || crop_margin < 0) {
    return Status::InvalidArgument("invalid image sizes");
  }
  return Status::Ok();
}

Result<std::unique_ptr<viewer::Catalog>> NewStoreCatalog(indexer::Store* store,
                                                         const extract::CodeSet* codes,
                                                         const CatalogOptions& options) {
  if (Status s = options.Validate(); !s.ok()) return s;
  if (!store) throw std::invalid_argument("NewStoreCatalog: null store");
  return std::unique_ptr<viewer::Catalog>(std::make_unique<StoreCatalog>(store, codes, options));
}

}  // namespace chartscan::pipeline
