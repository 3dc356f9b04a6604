// Page layout for synthetic documents: Pango text placed on US Letter pages, in points.
//
// Compose() turns a Document into pages of drawing operations plus their ground truth (lines in
// reading order, field boxes, mark boxes), all in points (1/72 inch) from the page's top-left.
// The same operations are drawn by render.cc onto a raster (any dpi, even anisotropic fax
// resolutions) or onto a PDF surface, so truth and pixels can never disagree.
//
// Layouts are made on a PangoContext with hinting off and a 72 dpi resolution, which makes glyph
// advances linear in the scale: a box computed here in points is exactly where the glyphs land at
// 150, 204x98 or 300 dpi.
//
// Method: a flow engine fills "frames" (the body area, or two columns of it) top to bottom with
// blocks: paragraphs split between lines, tables split between rows (repeating the header), and
// headings are kept with the next two lines. The first page carries the letterhead, title and
// patient header; later pages a short continuation header; every page a "Page i of N" footer.
//
// Thread safety: a Composer and its pages use one PangoContext; keep them on one thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <chartscan/samples/rng.h>
#include <chartscan/samples/truth.h>

#include "document.h"

typedef struct _PangoContext PangoContext;
typedef struct _PangoLayout PangoLayout;

namespace chartscan::samples {

struct PointF {
  double x = 0;
  double y = 0;
};

struct RectF {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;

  bool Empty() const { return w <= 0 || h <= 0; }
  double Right() const { return x + w; }
  double Bottom() const { return y + h; }
  RectF United(const RectF& o) const;
  bool Intersects(const RectF& o) const;
  RectF Translated(double dx, double dy) const { return {x + dx, y + dy, w, h}; }
};

// Shared ownership of a PangoLayout (g_object_unref on release).
class LayoutRef {
 public:
  explicit LayoutRef(PangoLayout* layout) : layout_(layout) {}
  ~LayoutRef();
  LayoutRef(const LayoutRef&) = delete;
  LayoutRef& operator=(const LayoutRef&) = delete;
  PangoLayout* get() const { return layout_; }

 private:
  PangoLayout* layout_;
};
using LayoutPtr = std::shared_ptr<LayoutRef>;

// One line of a layout, drawn with its baseline origin at (x, baseline).
struct TextOp {
  LayoutPtr layout;
  int line = 0;
  double x = 0;
  double baseline = 0;
  double alpha = 1;  // ink density: 1 is full black
};

struct LineOp {
  PointF a;
  PointF b;
  double width = 0.5;
  double alpha = 1;
};

struct RectOp {
  RectF r;
  double line_width = 0.5;
  bool fill = false;
  double alpha = 1;
};

struct EllipseOp {
  PointF center;
  double rx = 0;
  double ry = 0;
  double line_width = 1;
  bool fill = false;
  double alpha = 1;
};

// Handwriting: a chain of cubic Bezier segments p0 c1 c2 p1 c1 c2 p2 ..., drawn with a pen whose
// width swells and thins along the stroke.
struct PenOp {
  std::vector<PointF> points;
  double width = 1;
  double alpha = 0.9;
  std::uint64_t seed = 0;
};

// A rubber stamp: centred text lines in a double-ruled box, rotated about its centre.
struct StampOp {
  std::vector<LayoutPtr> lines;
  PointF center;
  double angle = 0;  // degrees, positive = clockwise on the page
  double w = 0;
  double h = 0;
  double alpha = 0.6;
  std::uint64_t seed = 0;
};

using DrawOp = std::variant<TextOp, LineOp, RectOp, EllipseOp, PenOp, StampOp>;

struct TruthLineF {
  std::string text;
  RectF box;
  int block = 0;
};

struct FieldF {
  std::string name;
  std::string value;
  std::string normalized;
  RectF box;
};

struct MarkF {
  std::string kind;
  RectF box;
};

struct BarcodeF {
  std::string payload;
  std::string format;  // "Code128", "QRCode", "PatchCode"
  std::string kind;    // "separator", "patch", "patient_label"
  RectF box;
};

struct PageLayout {
  double width = 612;  // US Letter in points
  double height = 792;
  std::vector<DrawOp> ops;
  std::vector<TruthLineF> lines;  // reading order
  std::vector<FieldF> fields;
  std::vector<MarkF> marks;
  std::string doc_type;
  std::string doc_id;
  int doc_page = 0;  // 1-based
  int doc_pages = 0;
  bool near_blank = false;
  TruthPatient patient;
  bool separator = false;  // a separator sheet: no document, no patient
  std::vector<BarcodeF> barcodes;
};

// Makes the Pango context the layouts use: 72 units per inch, no hinting.
PangoContext* NewLayoutContext();

// Lays out one document. Deterministic in (doc, rng).
std::vector<PageLayout> Compose(PangoContext* context, const Document& doc, Rng rng);

// Inserts a one-line header at the very top of the page (a fax machine's transmit line), first in
// reading order.
void AddTopLine(PangoContext* context, PageLayout& page, const std::string& text);

// One unwrapped line of text with the top of its logical box at (x, y) points: appends its TextOp
// and a truth line in block `block` (first in reading order when first is set). Returns the ink
// box of the line.
RectF PlaceTextLine(PangoContext* context, PageLayout& page, const std::string& text,
                    const std::string& family, double size, bool bold, double x, double y,
                    int block, bool first = false);
// Logical width of that line in points.
double TextLineWidth(PangoContext* context, const std::string& text, const std::string& family,
                     double size, bool bold);
// Bounds of everything drawn on the page (text, rules, boxes, handwriting, stamps), in points.
std::vector<RectF> InkBounds(const PageLayout& page);

// Fills a truth page's text, lines, fields, marks and patient from a layout, scaling points to
// pixels at dpi_x x dpi_y.
void FillTruth(const PageLayout& layout, int dpi_x, int dpi_y, TruthPage& page);

}  // namespace chartscan::samples
