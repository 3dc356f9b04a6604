// PDF sources rendered with Poppler (GLib binding) and Cairo.
//
// Resolution. A scanned page is an image placed on the page; rendering at that image's own
// resolution keeps every scanned pixel without inventing new ones. Poppler's image mapping gives
// each image's placed rectangle in points; the image's pixel size comes from decoding it. The
// native resolution is pixels / (points / 72), taken along the axes that match the image's aspect
// (an image placed turned by 90 degrees swaps them) and the larger of the two axes, rounded to a
// whole dpi and clamped to [min_pdf_dpi, max_pdf_dpi]. Only images covering at least
// kMinScanCoverage of the page count: a logo or signature says nothing about the page. When images
// of near-equal size share the page (a mixed-raster page with a mask and a background), the finest
// is used. With no such image the page renders at default_pdf_dpi.
//
// Rendering. The page is painted white, then Poppler draws it through Cairo scaled by dpi / 72.
// Poppler applies the page's /Rotate, and its page size, text and image coordinates are all in that
// rotated space, so the text boxes below land on the rendered pixels without further transforms.
//
// Text layer. poppler_page_get_text and poppler_page_get_text_layout give the page's text with one
// box per character; text_layer.cc decides whether it is a real text layer and builds the words.
//
// Errors. Poppler reports syntax problems through GLib logging at INFO level (not printed by
// default) and renders what it can, so a damaged content stream gives a partial page rather than an
// error; only an unparsable document, an encrypted one, a missing page object or an impossible page
// size is an error here.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <cairo.h>
#include <glib.h>
#include <poppler.h>

#include "internal.h"
#include "pix_image.h"

namespace chartscan::capture {
namespace {

constexpr double kMinScanCoverage = 0.1;  // of the page area
constexpr double kSameSizeRatio = 0.9;    // images this close to the largest are candidates too
constexpr int kMaxCandidateImages = 4;    // each candidate is decoded: bound the work
constexpr int kCairoMaxSide = 32767;      // Cairo image surfaces cannot be larger

struct GObjectDeleter {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectDeleter>;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;

struct GFreeDeleter {
  void operator()(void* p) const { g_free(p); }
};

double AreaOf(const PopplerRectangle& r) { return std::abs((r.x2 - r.x1) * (r.y2 - r.y1)); }

// Resolution of one placed image, or 0 when it cannot be told.
double PlacedImageDpi(PopplerPage* page, const PopplerImageMapping& mapping) {
  SurfacePtr image(poppler_page_get_image(page, mapping.image_id));
  if (!image || cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS ||
      cairo_surface_get_type(image.get()) != CAIRO_SURFACE_TYPE_IMAGE) {
    return 0;
  }
  double px_w = cairo_image_surface_get_width(image.get());
  double px_h = cairo_image_surface_get_height(image.get());
  double in_w = std::abs(mapping.area.x2 - mapping.area.x1) / 72.0;
  double in_h = std::abs(mapping.area.y2 - mapping.area.y1) / 72.0;
  if (px_w <= 0 || px_h <= 0 || in_w <= 0 || in_h <= 0) return 0;
  double image_aspect = std::log(px_w / px_h);
  if (std::abs(image_aspect - std::log(in_h / in_w)) <
      std::abs(image_aspect - std::log(in_w / in_h))) {
    std::swap(in_w, in_h);  // placed turned by 90 degrees
  }
  double dpi = std::max(px_w / in_w, px_h / in_h);
  return std::isfinite(dpi) ? std::round(dpi) : 0;
}

double NativeDpi(PopplerPage* page, double page_w, double page_h, const CaptureOptions& options) {
  GList* mappings = poppler_page_get_image_mapping(page);
  std::vector<const PopplerImageMapping*> images;
  double largest = 0;
  for (GList* l = mappings; l != nullptr; l = l->next) {
    const auto* m = static_cast<const PopplerImageMapping*>(l->data);
    images.push_back(m);
    largest = std::max(largest, AreaOf(m->area));
  }
  double dpi = 0;
  if (largest >= kMinScanCoverage * page_w * page_h) {
    std::stable_sort(images.begin(), images.end(), [](const auto* a, const auto* b) {
      return AreaOf(a->area) > AreaOf(b->area);
    });
    for (int i = 0; i < static_cast<int>(images.size()) && i < kMaxCandidateImages; ++i) {
      if (AreaOf(images[i]->area) < kSameSizeRatio * largest) break;
      dpi = std::max(dpi, PlacedImageDpi(page, *images[i]));
    }
  }
  poppler_page_free_image_mapping(mappings);
  if (dpi <= 0) return options.default_pdf_dpi;
  return std::clamp(dpi, options.min_pdf_dpi, options.max_pdf_dpi);
}

std::int64_t PixelsFor(double points, double dpi) {
  // A hair below the next pixel is still that pixel: 612 pt at 300 dpi is 2550, not 2551.
  double pixels = std::ceil(points * dpi / 72.0 - 1e-6);
  // Saturate: a MediaBox can claim any size, and the limits check must see it as too large.
  return static_cast<std::int64_t>(std::min(pixels, 1e15));
}

class PdfSource final : public SourceReader {
 public:
  PdfSource(std::string bytes, std::string name, CaptureOptions options)
      : bytes_(std::move(bytes)), name_(std::move(name)), options_(options) {}

  Status Load() {
    // The document borrows the bytes; bytes_ outlives document_ (declared before it).
    GBytes* data = g_bytes_new_static(bytes_.data(), bytes_.size());
    GError* error = nullptr;
    document_.reset(poppler_document_new_from_bytes(data, nullptr, &error));
    g_bytes_unref(data);
    if (!document_) {
      bool encrypted = error != nullptr && error->domain == POPPLER_ERROR &&
                       error->code == POPPLER_ERROR_ENCRYPTED;
      std::string why = error != nullptr ? SanitizeLibraryMessage(error->message) : "";
      if (error != nullptr) g_error_free(error);
      if (encrypted) return Status::Encrypted(name_ + ": the PDF is password-protected");
      return Status::Corrupt(name_ + ": the PDF is damaged" +
                             (why.empty() ? "" : " (" + why + ")"));
    }
    page_count_ = poppler_document_get_n_pages(document_.get());
    if (page_count_ <= 0) return Status::Corrupt(name_ + ": the PDF has no pages");
    if (page_count_ > options_.max_pages) {
      return Status::TooLarge(name_ + ": " + std::to_string(page_count_) +
                              " pages exceeds the limit of " + std::to_string(options_.max_pages));
    }
    return Status::Ok();
  }

  SourceKind kind() const override { return SourceKind::kPdf; }
  int page_count() const override { return page_count_; }

  Result<CapturedPage> ReadPage(int index) override {
    if (index < 0 || index >= page_count_) return NoSuchPage(name_, index, page_count_);
    const std::string where = PageLabel(name_, index);
    GObjectPtr<PopplerPage> page(poppler_document_get_page(document_.get(), index));
    if (!page) return Status::Corrupt(where + ": the page object is damaged");

    double page_w = 0, page_h = 0;
    poppler_page_get_size(page.get(), &page_w, &page_h);
    if (!std::isfinite(page_w) || !std::isfinite(page_h) || page_w < 1 || page_h < 1) {
      return Status::Corrupt(where + ": the page has no valid size");
    }

    double dpi = NativeDpi(page.get(), page_w, page_h, options_);
    CHARTSCAN_ASSIGN_OR_RETURN(dpi, FitToLimits(dpi, page_w, page_h, where));
    const std::int64_t w = PixelsFor(page_w, dpi), h = PixelsFor(page_h, dpi);
    CHARTSCAN_RETURN_IF_ERROR(CheckDimensions(w, h, options_, where));
    const int width = static_cast<int>(w), height = static_cast<int>(h);

    CapturedPage out;
    out.index = index;
    out.resolution = {dpi, dpi};
    CHARTSCAN_ASSIGN_OR_RETURN(out.image, Render(page.get(), width, height, dpi / 72.0, where));
    out.text_layer = TextLayer(page.get(), dpi / 72.0, width, height);
    return out;
  }

 private:
  // Lowers dpi (not below min_pdf_dpi) until the rendered page fits the pixel limits.
  Result<double> FitToLimits(double dpi, double page_w, double page_h,
                             const std::string& where) const {
    const double max_side = std::min(options_.max_page_dimension, kCairoMaxSide);
    double fit = std::min(
        {dpi, std::floor(max_side * 72.0 / std::max(page_w, page_h)),
         std::floor(std::sqrt(static_cast<double>(options_.max_page_pixels) / (page_w * page_h)) *
                    72.0)});
    if (fit >= dpi) return dpi;
    if (fit >= options_.min_pdf_dpi) return fit;
    // Even the smallest acceptable resolution may fit once rounding is done exactly; else refuse.
    const double min_dpi = options_.min_pdf_dpi;
    const std::int64_t w = PixelsFor(page_w, min_dpi), h = PixelsFor(page_h, min_dpi);
    if (std::max(w, h) > kCairoMaxSide) {
      return Status::TooLarge(where + ": " + std::to_string(w) + " x " + std::to_string(h) +
                              " pixels exceeds the renderer's limit of " +
                              std::to_string(kCairoMaxSide) + " pixels per side");
    }
    CHARTSCAN_RETURN_IF_ERROR(CheckDimensions(w, h, options_, where));
    return min_dpi;
  }

  Result<Image> Render(PopplerPage* page, int width, int height, double scale,
                       const std::string& where) const {
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
      return Status::Internal(where + ": could not allocate a " + std::to_string(width) + " x " +
                              std::to_string(height) + " page");
    }
    {
      CairoPtr cr(cairo_create(surface.get()));
      cairo_set_source_rgb(cr.get(), 1, 1, 1);
      cairo_paint(cr.get());
      cairo_scale(cr.get(), scale, scale);
      poppler_page_render(page, cr.get());
      if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
        return Status::Internal(where + ": rendering failed (" +
                                std::string(cairo_status_to_string(cairo_status(cr.get()))) + ")");
      }
    }
    cairo_surface_flush(surface.get());
    const auto* pixels =
        reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(surface.get()));
    const int stride = cairo_image_surface_get_stride(surface.get());
    return PackedRgbToImage(pixels, width, height, stride / 4);
  }

  std::optional<PageText> TextLayer(PopplerPage* page, double scale, int width, int height) const {
    std::unique_ptr<char, GFreeDeleter> text(poppler_page_get_text(page));
    if (!text || *text == '\0') return std::nullopt;
    PopplerRectangle* rects = nullptr;
    guint count = 0;
    if (!poppler_page_get_text_layout(page, &rects, &count)) {
      g_free(rects);
      return std::nullopt;
    }
    std::unique_ptr<PopplerRectangle, GFreeDeleter> owned(rects);
    std::vector<GlyphBox> glyphs;
    glyphs.reserve(count);
    for (guint i = 0; i < count; ++i) {
      glyphs.push_back({rects[i].x1, rects[i].y1, rects[i].x2, rects[i].y2});
    }
    return BuildTextLayer(text.get(), glyphs, scale, width, height, options_.min_text_layer_chars);
  }

  std::string bytes_;
  std::string name_;
  CaptureOptions options_;
  GObjectPtr<PopplerDocument> document_;
  int page_count_ = 0;
};

}  // namespace

Result<std::unique_ptr<SourceReader>> OpenPdfSource(std::string bytes, std::string name,
                                                    const CaptureOptions& options) {
  auto source = std::make_unique<PdfSource>(std::move(bytes), std::move(name), options);
  CHARTSCAN_RETURN_IF_ERROR(source->Load());
  return std::unique_ptr<SourceReader>(std::move(source));
}

}  // namespace chartscan::capture
