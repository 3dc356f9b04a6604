// Cairo drawing of layout operations. See render.h.
//
// Rasters are drawn onto a CAIRO_FORMAT_A8 surface: drawing black with alpha a onto it with the
// OVER operator accumulates exactly the ink coverage 1 - (1 - a1)(1 - a2)... that grey toner on
// white paper would give, at one byte per pixel. Pen strokes and stamps are drawn into a group at
// full opacity and then painted with their alpha, so overlapping segments do not darken.
#include "render.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <cairo-pdf.h>
#include <opencv2/imgcodecs.hpp>
#include <pango/pangocairo.h>

#include <chartscan/samples/rng.h>

namespace chartscan::samples {
namespace {

void DrawText(cairo_t* cr, const TextOp& op) {
  PangoLayoutLine* line = pango_layout_get_line_readonly(op.layout->get(), op.line);
  if (line == nullptr) return;
  cairo_set_source_rgba(cr, 0, 0, 0, op.alpha);
  cairo_move_to(cr, op.x, op.baseline);
  pango_cairo_show_layout_line(cr, line);
}

void DrawLine(cairo_t* cr, const LineOp& op) {
  cairo_set_source_rgba(cr, 0, 0, 0, op.alpha);
  cairo_set_line_width(cr, op.width);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  cairo_move_to(cr, op.a.x, op.a.y);
  cairo_line_to(cr, op.b.x, op.b.y);
  cairo_stroke(cr);
}

void DrawRect(cairo_t* cr, const RectOp& op) {
  cairo_set_source_rgba(cr, 0, 0, 0, op.alpha);
  cairo_rectangle(cr, op.r.x, op.r.y, op.r.w, op.r.h);
  if (op.fill) {
    cairo_fill(cr);
  } else {
    cairo_set_line_width(cr, op.line_width);
    cairo_stroke(cr);
  }
}

void DrawEllipse(cairo_t* cr, const EllipseOp& op) {
  if (op.rx <= 0 || op.ry <= 0) return;
  cairo_set_source_rgba(cr, 0, 0, 0, op.alpha);
  cairo_save(cr);
  cairo_translate(cr, op.center.x, op.center.y);
  cairo_scale(cr, op.rx, op.ry);
  cairo_new_path(cr);
  cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
  cairo_restore(cr);
  if (op.fill) {
    cairo_fill(cr);
  } else {
    cairo_set_line_width(cr, op.line_width);
    cairo_stroke(cr);
  }
}

PointF Bezier(const PointF& p0, const PointF& c1, const PointF& c2, const PointF& p1, double t) {
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
  return {a * p0.x + b * c1.x + c * c2.x + d * p1.x, a * p0.y + b * c1.y + c * c2.y + d * p1.y};
}

// A pen stroke: sampled along the Bezier chain, drawn as round-capped segments whose width follows
// a slow seeded wave (pressure) and thins at both ends.
void DrawPen(cairo_t* cr, const PenOp& op) {
  if (op.points.size() < 4) return;
  std::vector<PointF> pts;
  for (std::size_t i = 0; i + 3 < op.points.size(); i += 3) {
    for (int k = 0; k < 16; ++k) {
      pts.push_back(
          Bezier(op.points[i], op.points[i + 1], op.points[i + 2], op.points[i + 3], k / 16.0));
    }
  }
  pts.push_back(op.points[op.points.size() - 1 - (op.points.size() - 1) % 3]);
  Rng rng(op.seed);
  double phase = rng.Uniform(0, 6.28), freq = rng.Uniform(0.05, 0.15);
  cairo_push_group(cr);
  cairo_set_source_rgba(cr, 0, 0, 0, 1);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  std::size_t n = pts.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    double t = static_cast<double>(i) / static_cast<double>(n - 1);
    double taper = std::min(1.0, std::min(t, 1 - t) * 8 + 0.35);
    double w = op.width * taper * (0.75 + 0.35 * std::sin(phase + freq * static_cast<double>(i)));
    cairo_set_line_width(cr, std::max(0.2, w));
    cairo_move_to(cr, pts[i].x, pts[i].y);
    cairo_line_to(cr, pts[i + 1].x, pts[i + 1].y);
    cairo_stroke(cr);
  }
  cairo_pop_group_to_source(cr);
  cairo_paint_with_alpha(cr, op.alpha);
}

// A rubber stamp: double-ruled box and centred lines, rotated, with ink that is uneven (a few
// lighter blotches punched out of the group before it is painted).
void DrawStamp(cairo_t* cr, const StampOp& op) {
  cairo_push_group(cr);
  cairo_translate(cr, op.center.x, op.center.y);
  cairo_rotate(cr, op.angle * M_PI / 180.0);
  cairo_set_source_rgba(cr, 0, 0, 0, 1);
  cairo_set_line_width(cr, 1.6);
  cairo_rectangle(cr, -op.w / 2, -op.h / 2, op.w, op.h);
  cairo_stroke(cr);
  cairo_set_line_width(cr, 0.7);
  cairo_rectangle(cr, -op.w / 2 + 2.5, -op.h / 2 + 2.5, op.w - 5, op.h - 5);
  cairo_stroke(cr);
  double y = -op.h / 2 + 5;
  for (const LayoutPtr& l : op.lines) {
    PangoRectangle logical;
    pango_layout_get_extents(l->get(), nullptr, &logical);
    double lw = static_cast<double>(logical.width) / PANGO_SCALE;
    double lh = static_cast<double>(logical.height) / PANGO_SCALE;
    cairo_move_to(cr, -lw / 2, y);
    pango_cairo_show_layout(cr, l->get());
    y += lh;
  }
  Rng rng(op.seed);
  cairo_set_operator(cr, CAIRO_OPERATOR_DEST_OUT);
  for (int i = 0; i < 6; ++i) {
    double cx = rng.Uniform(-op.w / 2, op.w / 2), cy = rng.Uniform(-op.h / 2, op.h / 2);
    cairo_set_source_rgba(cr, 0, 0, 0, rng.Uniform(0.2, 0.5));
    cairo_arc(cr, cx, cy, rng.Uniform(3, op.h / 2), 0, 2 * M_PI);
    cairo_fill(cr);
  }
  cairo_pop_group_to_source(cr);
  cairo_paint_with_alpha(cr, op.alpha);
}

void DrawOps(cairo_t* cr, const PageLayout& page) {
  for (const DrawOp& op : page.ops) {
    cairo_save(cr);
    if (const auto* t = std::get_if<TextOp>(&op)) {
      DrawText(cr, *t);
    } else if (const auto* l = std::get_if<LineOp>(&op)) {
      DrawLine(cr, *l);
    } else if (const auto* r = std::get_if<RectOp>(&op)) {
      DrawRect(cr, *r);
    } else if (const auto* e = std::get_if<EllipseOp>(&op)) {
      DrawEllipse(cr, *e);
    } else if (const auto* p = std::get_if<PenOp>(&op)) {
      DrawPen(cr, *p);
    } else if (const auto* s = std::get_if<StampOp>(&op)) {
      DrawStamp(cr, *s);
    }
    cairo_restore(cr);
  }
}

Status CairoStatus(cairo_status_t s, const char* what) {
  if (s == CAIRO_STATUS_SUCCESS) return Status::Ok();
  return Status::Internal(std::string(what) + ": " + cairo_status_to_string(s));
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<cv::Mat> RenderInk(const PageLayout& page, int dpi_x, int dpi_y) {
  int w = static_cast<int>(std::lround(page.width * dpi_x / 72.0));
  int h = static_cast<int>(std::lround(page.height * dpi_y / 72.0));
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
  cairo_t* cr = cairo_create(surface);
  cairo_scale(cr, dpi_x / 72.0, dpi_y / 72.0);
  DrawOps(cr, page);
  Status st = CairoStatus(cairo_status(cr), "rendering page");
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  cv::Mat ink;
  if (st.ok()) {
    const unsigned char* data = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    cv::Mat(h, w, CV_8UC1, const_cast<unsigned char*>(data), static_cast<std::size_t>(stride))
        .copyTo(ink);
  }
  cairo_surface_destroy(surface);
  if (!st.ok()) return st;
  return ink;
}

struct PdfWriter::State {
  std::string bytes;
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  int pages = 0;
};

PdfWriter::PdfWriter(std::string creation_date) : state_(std::make_unique<State>()) {
  state_->surface = cairo_pdf_surface_create_for_stream(AppendToString, &state_->bytes, 612, 792);
  cairo_pdf_surface_set_metadata(state_->surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                 creation_date.c_str());
  cairo_pdf_surface_set_metadata(state_->surface, CAIRO_PDF_METADATA_CREATOR,
                                 "chartscan-samplegen (synthetic)");
  cairo_pdf_surface_set_metadata(state_->surface, CAIRO_PDF_METADATA_TITLE,
                                 "Synthetic chart page - not a real record");
  state_->cr = cairo_create(state_->surface);
}

PdfWriter::~PdfWriter() {
  if (state_->cr != nullptr) cairo_destroy(state_->cr);
  if (state_->surface != nullptr) cairo_surface_destroy(state_->surface);
}

Status PdfWriter::AddVectorPage(const PageLayout& page) {
  cairo_pdf_surface_set_size(state_->surface, page.width, page.height);
  DrawOps(state_->cr, page);
  cairo_show_page(state_->cr);
  ++state_->pages;
  return CairoStatus(cairo_status(state_->cr), "PDF page");
}

Status PdfWriter::AddImagePage(const cv::Mat& gray, int dpi_x, int dpi_y, int jpeg_quality) {
  double pw = gray.cols * 72.0 / dpi_x, ph = gray.rows * 72.0 / dpi_y;
  cairo_pdf_surface_set_size(state_->surface, pw, ph);
  // Cairo has no grey format it can embed directly; an RGB24 surface whose pixels are all grey is
  // written as DeviceGray. With JPEG mime data the JPEG itself is embedded instead.
  cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, gray.cols, gray.rows);
  cairo_surface_flush(img);
  unsigned char* data = cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img);
  for (int y = 0; y < gray.rows; ++y) {
    const std::uint8_t* src = gray.ptr<std::uint8_t>(y);
    auto* dst = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < gray.cols; ++x) {
      std::uint32_t v = src[x];
      dst[x] = 0xFF000000u | (v << 16) | (v << 8) | v;
    }
  }
  cairo_surface_mark_dirty(img);
  if (jpeg_quality > 0) {
    std::vector<unsigned char> jpg;
    cv::imencode(".jpg", gray, jpg, {cv::IMWRITE_JPEG_QUALITY, jpeg_quality});
    auto* copy = static_cast<unsigned char*>(std::malloc(jpg.size()));
    std::memcpy(copy, jpg.data(), jpg.size());
    cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, copy, jpg.size(), std::free, copy);
  }
  cairo_t* cr = state_->cr;
  cairo_save(cr);
  cairo_scale(cr, 72.0 / dpi_x, 72.0 / dpi_y);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(img);
  cairo_show_page(cr);
  ++state_->pages;
  return CairoStatus(cairo_status(cr), "PDF image page");
}

Result<std::string> PdfWriter::Finish() {
  cairo_destroy(state_->cr);
  state_->cr = nullptr;
  cairo_surface_finish(state_->surface);
  Status st = CairoStatus(cairo_surface_status(state_->surface), "finishing PDF");
  cairo_surface_destroy(state_->surface);
  state_->surface = nullptr;
  if (!st.ok()) return st;
  return std::move(state_->bytes);
}

}  // namespace chartscan::samples
