// Flow layout of synthetic documents with Pango. See layout.h for the method.
#include "layout.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <pango/pangocairo.h>

namespace chartscan::samples {
namespace {

double Pt(int pango_units) { return static_cast<double>(pango_units) / PANGO_SCALE; }
int Pu(double points) { return static_cast<int>(std::lround(points * PANGO_SCALE)); }

RectF FromPango(const PangoRectangle& r) { return {Pt(r.x), Pt(r.y), Pt(r.width), Pt(r.height)}; }

struct FontSpec {
  std::string family;
  double size = 10;
  bool bold = false;
  bool italic = false;
};

struct LayoutOptions {
  double width = -1;  // points; <= 0 for a single unwrapped line
  PangoAlignment align = PANGO_ALIGN_LEFT;
  bool justify = false;
  double indent = 0;  // negative: hanging indent
};

LayoutPtr MakeLayout(PangoContext* ctx, const RichText& t, const FontSpec& f,
                     const LayoutOptions& o = {}) {
  PangoLayout* l = pango_layout_new(ctx);
  pango_layout_set_text(l, t.text.data(), static_cast<int>(t.text.size()));
  PangoFontDescription* desc = pango_font_description_new();
  pango_font_description_set_family(desc, f.family.c_str());
  pango_font_description_set_weight(desc, f.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(desc, f.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_font_description_set_absolute_size(desc, f.size * PANGO_SCALE);
  pango_layout_set_font_description(l, desc);
  pango_font_description_free(desc);
  if (o.width > 0) {
    pango_layout_set_width(l, Pu(o.width));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD);
  }
  pango_layout_set_alignment(l, o.align);
  pango_layout_set_justify(l, o.justify);
  pango_layout_set_indent(l, Pu(o.indent));
  PangoAttrList* attrs = pango_attr_list_new();
  // The truth says exactly which characters are printed; a hyphen Pango inserted at a forced
  // break would be an invisible difference.
  pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
  for (auto [b, e] : t.bold) {
    PangoAttribute* a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
    a->start_index = static_cast<guint>(b);
    a->end_index = static_cast<guint>(e);
    pango_attr_list_insert(attrs, a);
  }
  pango_layout_set_attributes(l, attrs);
  pango_attr_list_unref(attrs);
  return std::make_shared<LayoutRef>(l);
}

struct LineInfo {
  int index = 0;
  int start = 0;   // byte offset in the layout text
  int length = 0;  // bytes
  RectF logical;   // layout coordinates, points
  RectF ink;
  double baseline = 0;  // layout coordinates
  double origin_x = 0;  // where the line's own origin sits in layout coordinates
};

std::vector<LineInfo> Lines(PangoLayout* l) {
  std::vector<LineInfo> out;
  PangoLayoutIter* it = pango_layout_get_iter(l);
  int i = 0;
  do {
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
    PangoRectangle ink, logical, line_ink, line_logical;
    pango_layout_iter_get_line_extents(it, &ink, &logical);
    pango_layout_line_get_extents(line, &line_ink, &line_logical);
    LineInfo li;
    li.index = i++;
    li.start = line->start_index;
    li.length = line->length;
    li.logical = FromPango(logical);
    li.ink = FromPango(ink);
    li.baseline = Pt(pango_layout_iter_get_baseline(it));
    li.origin_x = Pt(logical.x - line_logical.x);
    out.push_back(li);
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  return out;
}

double LayoutWidth(const LayoutPtr& l) {
  PangoRectangle logical;
  pango_layout_get_extents(l->get(), nullptr, &logical);
  return Pt(logical.width);
}

double LayoutHeight(const LayoutPtr& l) {
  PangoRectangle logical;
  pango_layout_get_extents(l->get(), nullptr, &logical);
  return Pt(logical.height);
}

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

std::string LineText(const RichText& t, const LineInfo& li) {
  return Trimmed(
      t.text.substr(static_cast<std::size_t>(li.start), static_cast<std::size_t>(li.length)));
}

// Where each line of a layout ended up: page index and layout-to-page offset.
struct LinePlacement {
  int page = -1;
  double dx = 0;
  double dy = 0;
};

struct Frame {
  double x = 0;
  double top = 0;
  double w = 0;
  double bottom = 0;
};

// Rotated rectangle's axis-aligned bounds.
RectF RotatedBounds(PointF c, double w, double h, double angle_deg) {
  double a = angle_deg * M_PI / 180.0;
  double ca = std::abs(std::cos(a)), sa = std::abs(std::sin(a));
  double bw = w * ca + h * sa, bh = w * sa + h * ca;
  return {c.x - bw / 2, c.y - bh / 2, bw, bh};
}

class Composer {
 public:
  Composer(PangoContext* ctx, const Document& doc, Rng rng)
      : ctx_(ctx), doc_(doc), s_(doc.style), rng_(rng) {
    para_gap_ = s_.body_size * rng_.Uniform(0.25, 0.6);
    heading_gap_ = s_.body_size * rng_.Uniform(0.5, 1.0);
    content_x_ = s_.margin_left;
    content_w_ = 612 - s_.margin_left - s_.margin_right;
  }

  std::vector<PageLayout> Compose() {
    NewPage(true);
    for (const Block& b : doc_.body) PlaceBlock(b);
    if (doc_.stamp && doc_.tail != NearBlankTail::kStampOnly) {
      // Received stamps go on the first page; use the last page if the first is full.
      if (!PlaceStamp(0, false)) PlaceStamp(static_cast<int>(pages_.size()) - 1, false);
    }
    if (doc_.tail != NearBlankTail::kNone) PlaceTail();
    int n = static_cast<int>(pages_.size());
    for (int i = 0; i < n; ++i) {
      PageLayout& p = pages_[static_cast<std::size_t>(i)];
      p.doc_type = std::string(DocTypeName(doc_.type));
      p.doc_id = doc_.id;
      p.doc_page = i + 1;
      p.doc_pages = n;
      p.patient = TruthPatientOf(doc_.patient);
      PlaceFooter(i, n);
    }
    return std::move(pages_);
  }

 private:
  static TruthPatient TruthPatientOf(const Patient& pt) {
    return {pt.first, pt.middle, pt.last, pt.sex, pt.dob.Iso(), pt.mrn_normalized};
  }

  FontSpec Body(bool bold = false) const { return {s_.body_family, s_.body_size, bold, false}; }
  FontSpec Heading() const { return {s_.heading_family, s_.heading_size, true, false}; }
  FontSpec Small(bool bold = false) const {
    return {s_.body_family, std::max(8.5, s_.body_size - 1.5), bold, false};
  }
  double BodyLineHeight() const { return s_.body_size * 1.17 * s_.line_spacing; }

  PageLayout& Page() { return pages_[static_cast<std::size_t>(cur_)]; }
  int PageIndex() const { return cur_; }
  const Frame& F() const { return frames_[frame_]; }

  // ---- Placement primitives ----------------------------------------------------------------

  void AddFields(const LayoutPtr& l, const RichText& t, const std::vector<LineInfo>& lines,
                 const std::vector<LinePlacement>& placed) {
    for (const FieldSpan& span : t.fields) {
      RectF box;
      int page = -1;
      for (std::size_t b = span.begin; b < span.end; ++b) {
        if (std::isspace(static_cast<unsigned char>(t.text[b]))) continue;
        int line_no = 0, x_pos = 0;
        pango_layout_index_to_line_x(l->get(), static_cast<int>(b), FALSE, &line_no, &x_pos);
        PangoRectangle pos;
        pango_layout_index_to_pos(l->get(), static_cast<int>(b), &pos);
        const LineInfo& li = lines[static_cast<std::size_t>(line_no)];
        const LinePlacement& pl = placed[static_cast<std::size_t>(line_no)];
        if (pl.page < 0) continue;
        if (page < 0) page = pl.page;
        if (pl.page != page) continue;
        double x0 = Pt(std::min(pos.x, pos.x + pos.width));
        RectF r{x0 + pl.dx, li.ink.y + pl.dy, Pt(std::abs(pos.width)), li.ink.h};
        box = box.Empty() ? r : box.United(r);
      }
      if (page < 0 || box.Empty()) continue;
      pages_[static_cast<std::size_t>(page)].fields.push_back(
          {span.name, t.text.substr(span.begin, span.end - span.begin), span.normalized, box});
    }
  }

  struct Placed {
    double height = 0;  // logical height of all lines
    RectF ink;
    std::vector<std::string> texts;
    std::vector<RectF> boxes;
  };

  // Draws every line of a layout with its top-left at (x, y) on the current page. Adds ops and
  // fields but not truth lines: the caller decides whether they are lines or cells of a row.
  Placed PlaceAt(const LayoutPtr& l, const RichText& t, double x, double y, double alpha = 1,
                 double spacing = 1) {
    Placed out;
    std::vector<LineInfo> lines = Lines(l->get());
    std::vector<LinePlacement> placed(lines.size());
    double cursor = y;
    for (const LineInfo& li : lines) {
      double dy = cursor - li.logical.y;
      Page().ops.push_back(TextOp{l, li.index, x + li.origin_x, dy + li.baseline, alpha});
      placed[static_cast<std::size_t>(li.index)] = {PageIndex(), x, dy};
      std::string text = LineText(t, li);
      if (!text.empty() && !li.ink.Empty()) {
        RectF box = li.ink.Translated(x, dy);
        out.texts.push_back(text);
        out.boxes.push_back(box);
        out.ink = out.ink.Empty() ? box : out.ink.United(box);
      }
      cursor += li.logical.h * spacing;
    }
    out.height = cursor - y;
    AddFields(l, t, lines, placed);
    return out;
  }

  void TruthLines(const Placed& p, int block) {
    for (std::size_t i = 0; i < p.texts.size(); ++i) {
      Page().lines.push_back({p.texts[i], p.boxes[i], block});
    }
  }

  // One truth line for several cells printed on the same row.
  void TruthRow(const std::vector<Placed>& cells, int block) {
    std::string text;
    RectF box;
    for (const Placed& c : cells) {
      for (std::size_t i = 0; i < c.texts.size(); ++i) {
        if (!text.empty()) text += ' ';
        text += c.texts[i];
        box = box.Empty() ? c.boxes[i] : box.United(c.boxes[i]);
      }
    }
    if (!text.empty()) Page().lines.push_back({text, box, block});
  }

  struct FlowResult {
    int first_page = -1;
    double first_top = 0;
    double first_height = 0;
  };

  // Flows a wrapped paragraph through the frames, splitting between lines.
  FlowResult Flow(const RichText& t, const FontSpec& f, double left, double hang,
                  bool keep_with_next, double alpha = 1, bool justify = false) {
    FlowResult res;
    LayoutOptions o;
    o.width = F().w - left;
    o.indent = -hang;
    o.justify = justify;
    LayoutPtr l = MakeLayout(ctx_, t, f, o);
    std::vector<LineInfo> lines = Lines(l->get());
    std::vector<LinePlacement> placed(lines.size());
    int block = ++block_;
    for (const LineInfo& li : lines) {
      double h = li.logical.h * s_.line_spacing;
      double need = h;
      if (li.index == 0 && keep_with_next) need += 2 * BodyLineHeight();
      if (li.index == 0 && lines.size() > 1 && !keep_with_next) need += h;  // no orphan line
      if (y_ + need > F().bottom && y_ > F().top + 1) NextFrame();
      double x = F().x + left;
      double dy = y_ - li.logical.y;
      Page().ops.push_back(TextOp{l, li.index, x + li.origin_x, dy + li.baseline, alpha});
      placed[static_cast<std::size_t>(li.index)] = {PageIndex(), x, dy};
      std::string text = LineText(t, li);
      if (!text.empty() && !li.ink.Empty()) {
        Page().lines.push_back({text, li.ink.Translated(x, dy), block});
      }
      if (li.index == 0) res = {PageIndex(), y_, h};
      y_ += h;
    }
    AddFields(l, t, lines, placed);
    return res;
  }

  void NextFrame() {
    if (frame_ + 1 < frames_.size()) {
      ++frame_;
      y_ = F().top;
    } else {
      NewPage(false);
    }
  }

  // ---- Pages -------------------------------------------------------------------------------

  void NewPage(bool first) {
    pages_.emplace_back();
    cur_ = static_cast<int>(pages_.size()) - 1;
    y_ = s_.margin_top;
    if (first) {
      PlaceLetterhead();
      PlaceTitle();
      PlacePatientHeader();
    } else {
      PlaceContinuationHeader();
    }
    SetBodyFrames(y_ + s_.body_size * 0.6);
  }

  void SetBodyFrames(double top) {
    double bottom = 792 - s_.margin_bottom - s_.body_size * 2.2;
    frames_.clear();
    if (s_.two_column) {
      double gap = 20;
      double w = (content_w_ - gap) / 2;
      frames_.push_back({content_x_, top, w, bottom});
      frames_.push_back({content_x_ + w + gap, top, w, bottom});
    } else {
      frames_.push_back({content_x_, top, content_w_, bottom});
    }
    frame_ = 0;
    y_ = top;
  }

  void PlaceLogo(double x, double y, double size) {
    double r = size / 2;
    PointF c{x + r, y + r};
    int kind = rng_.Int(0, 2);
    Page().ops.push_back(EllipseOp{c, r, r, size * 0.07, false, 0.9});
    if (kind == 0) {
      double a = r * 0.55, t = r * 0.22;
      Page().ops.push_back(RectOp{{c.x - t, c.y - a, 2 * t, 2 * a}, 0, true, 0.85});
      Page().ops.push_back(RectOp{{c.x - a, c.y - t, 2 * a, 2 * t}, 0, true, 0.85});
    } else if (kind == 1) {
      Page().ops.push_back(EllipseOp{c, r * 0.6, r * 0.6, size * 0.05, true, 0.5});
      Page().ops.push_back(LineOp{{c.x - r, c.y}, {c.x + r, c.y}, size * 0.05, 0.9});
    } else {
      for (int k = 0; k < 3; ++k) {
        double yy = c.y - r * 0.45 + k * r * 0.45;
        Page().ops.push_back(
            LineOp{{c.x - r * 0.6, yy + r * 0.2}, {c.x, yy - r * 0.2}, size * 0.06, 0.9});
        Page().ops.push_back(
            LineOp{{c.x, yy - r * 0.2}, {c.x + r * 0.6, yy + r * 0.2}, size * 0.06, 0.9});
      }
    }
  }

  void PlaceLetterhead() {
    const Facility& fac = doc_.facility;
    FontSpec name_font{s_.heading_family, s_.title_size + rng_.Uniform(0, 3), true, false};
    FontSpec addr_font = Small();
    RichText name = RichText().Field(fac.name, "facility", fac.name);
    std::string sep = rng_.Pick({std::string("   "), std::string("  |  "), std::string("   -   ")});
    RichText addr(fac.street + ", " + fac.city_line);
    RichText phones("Phone " + fac.phone + sep + "Fax " + fac.fax);
    if (rng_.Chance(0.5)) phones = RichText("Tel: " + fac.phone + sep + "Fax: " + fac.fax);
    bool dept = rng_.Chance(0.45);
    double alpha = rng_.Uniform(0.85, 1.0);
    int block = ++block_;
    double y = y_;
    switch (s_.letterhead) {
      case 0: {  // centered
        LayoutOptions o;
        o.width = content_w_;
        o.align = PANGO_ALIGN_CENTER;
        std::vector<std::pair<RichText, FontSpec>> parts = {{name, name_font}};
        if (dept) parts.push_back({RichText(fac.department), Small(true)});
        parts.push_back({addr, addr_font});
        parts.push_back({phones, addr_font});
        for (auto& [text, font] : parts) {
          Placed p = PlaceAt(MakeLayout(ctx_, text, font, o), text, content_x_, y, alpha);
          TruthLines(p, block);
          y += p.height + 1;
        }
        break;
      }
      case 1: {  // logo left, text beside it
        double logo = rng_.Uniform(34, 46);
        PlaceLogo(content_x_, y + 2, logo);
        double x = content_x_ + logo + 12;
        std::vector<std::pair<RichText, FontSpec>> parts = {{name, name_font}};
        if (dept) parts.push_back({RichText(fac.department), Small(true)});
        parts.push_back({addr, addr_font});
        parts.push_back({phones, addr_font});
        double yy = y;
        for (auto& [text, font] : parts) {
          Placed p = PlaceAt(MakeLayout(ctx_, text, font), text, x, yy, alpha);
          TruthLines(p, block);
          yy += p.height + 1;
        }
        y = std::max(yy, y + logo + 4);
        break;
      }
      default: {  // name left, address block right-aligned
        Placed p = PlaceAt(MakeLayout(ctx_, name, name_font), name, content_x_, y, alpha);
        TruthLines(p, block);
        double yl = y + p.height;
        if (dept) {
          RichText d(fac.department);
          Placed pd = PlaceAt(MakeLayout(ctx_, d, Small(true)), d, content_x_, yl, alpha);
          TruthLines(pd, block);
          yl += pd.height;
        }
        int right_block = ++block_;
        LayoutOptions o;
        o.width = content_w_ * 0.42;
        o.align = PANGO_ALIGN_RIGHT;
        double yr = y;
        for (const RichText& t : {RichText(fac.street), RichText(fac.city_line),
                                  RichText("Phone " + fac.phone), RichText("Fax " + fac.fax)}) {
          Placed pr =
              PlaceAt(MakeLayout(ctx_, t, addr_font, o), t, content_x_ + content_w_ * 0.58, yr);
          TruthLines(pr, right_block);
          yr += pr.height;
        }
        y = std::max(yl, yr);
        break;
      }
    }
    y += 4;
    if (rng_.Chance(0.75)) {
      double lw = rng_.Uniform(0.6, 1.6);
      Page().ops.push_back(LineOp{{content_x_, y}, {content_x_ + content_w_, y}, lw, 1});
      y += lw + 6;
    } else {
      y += 6;
    }
    y_ = y;
  }

  void PlaceTitle() {
    FontSpec f{s_.heading_family, s_.title_size, true, false};
    RichText t(doc_.title);
    LayoutOptions o;
    o.width = content_w_;
    o.align = rng_.Chance(0.65) ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT;
    y_ += s_.body_size * 0.4;
    Placed p = PlaceAt(MakeLayout(ctx_, t, f, o), t, content_x_, y_);
    TruthLines(p, ++block_);
    y_ += p.height + s_.body_size * 0.6;
  }

  void PlacePatientHeader() {
    const std::vector<HeaderItem>& items = doc_.header;
    switch (s_.header_style) {
      case HeaderStyle::kLabelLeftGrid:
        HeaderGrid(items);
        break;
      case HeaderStyle::kLabelAbove:
        HeaderBoxes(items);
        break;
      case HeaderStyle::kRunIn:
        HeaderRunIn(items);
        break;
    }
  }

  void HeaderGrid(const std::vector<HeaderItem>& items) {
    bool bold_labels = rng_.Chance(0.6);
    std::vector<RichText> cells;
    for (const HeaderItem& h : items) {
      RichText r;
      if (bold_labels) {
        r.Bold(h.label);
      } else {
        r.Add(h.label);
      }
      r.Add(" ").Append(h.value);
      cells.push_back(std::move(r));
    }
    std::vector<LayoutPtr> layouts;
    for (const RichText& c : cells) layouts.push_back(MakeLayout(ctx_, c, Body()));
    // Fewer columns when the widest cells do not fit side by side.
    int cols = s_.header_columns;
    double gap = 14;
    std::vector<double> widths;
    for (; cols >= 1; --cols) {
      widths.assign(static_cast<std::size_t>(cols), 0);
      for (std::size_t i = 0; i < layouts.size(); ++i) {
        double& w = widths[i % static_cast<std::size_t>(cols)];
        w = std::max(w, LayoutWidth(layouts[i]));
      }
      double total = gap * (cols - 1);
      for (double w : widths) total += w;
      if (total <= content_w_) break;
    }
    cols = std::max(cols, 1);
    double total = 0;
    for (double w : widths) total += w;
    double spare = (content_w_ - total) / std::max(cols, 1);
    bool boxed = rng_.Chance(0.3);
    double top = y_;
    if (boxed) y_ += 4;
    int block = ++block_;
    for (std::size_t i = 0; i < layouts.size(); i += static_cast<std::size_t>(cols)) {
      std::vector<Placed> row;
      double x = content_x_ + (boxed ? 4 : 0);
      double h = 0;
      for (std::size_t k = 0; k < static_cast<std::size_t>(cols) && i + k < layouts.size(); ++k) {
        Placed p = PlaceAt(layouts[i + k], cells[i + k], x, y_);
        h = std::max(h, p.height);
        row.push_back(std::move(p));
        x += widths[k] + spare;
      }
      TruthRow(row, block);
      y_ += h * s_.line_spacing;
    }
    if (boxed) {
      y_ += 3;
      Page().ops.push_back(RectOp{{content_x_ - 2, top, content_w_ + 4, y_ - top}, 0.8, false, 1});
      y_ += 4;
    } else if (rng_.Chance(0.6)) {
      y_ += 3;
      Page().ops.push_back(LineOp{{content_x_, y_}, {content_x_ + content_w_, y_}, 0.7, 1});
      y_ += 3;
    }
  }

  void HeaderBoxes(const std::vector<HeaderItem>& items) {
    std::size_t cols = rng_.Chance(0.5) ? 3 : 4;
    FontSpec label_font{s_.body_family, std::max(7.5, s_.body_size - 2.5), false, false};
    if (rng_.Chance(0.4)) label_font.bold = true;
    int block = ++block_;
    std::size_t i = 0;
    while (i < items.size()) {
      // As many cells as fit (at most cols), widened evenly to fill the row.
      std::vector<LayoutPtr> labels_l, values_l;
      std::vector<RichText> labels_t;
      std::vector<double> need;
      double used = 0;
      while (i + need.size() < items.size() && need.size() < cols) {
        const HeaderItem& h = items[i + need.size()];
        RichText lt(h.label);
        LayoutPtr ll = MakeLayout(ctx_, lt, label_font);
        LayoutPtr vl = MakeLayout(ctx_, h.value, Body());
        double w = std::max(LayoutWidth(ll), LayoutWidth(vl)) + 10;
        if (!need.empty() && used + w > content_w_) break;
        used += w;
        need.push_back(w);
        labels_l.push_back(ll);
        values_l.push_back(vl);
        labels_t.push_back(lt);
      }
      std::size_t n = need.size();
      double spare = std::max(0.0, content_w_ - used) / static_cast<double>(n);
      double top = y_;
      std::vector<Placed> labels, values;
      double lh = 0, vh = 0;
      double x = content_x_;
      std::vector<double> xs;
      for (std::size_t k = 0; k < n; ++k) {
        xs.push_back(x);
        Placed pl = PlaceAt(labels_l[k], labels_t[k], x + 3, top + 1.5);
        lh = std::max(lh, pl.height);
        labels.push_back(std::move(pl));
        x += need[k] + spare;
      }
      xs.push_back(content_x_ + content_w_);
      for (std::size_t k = 0; k < n; ++k) {
        Placed pv = PlaceAt(values_l[k], items[i + k].value, xs[k] + 3, top + 1.5 + lh);
        vh = std::max(vh, pv.height);
        values.push_back(std::move(pv));
      }
      TruthRow(labels, block);
      TruthRow(values, block);
      double bottom = top + 1.5 + lh + vh + 2;
      for (double bx : xs) Page().ops.push_back(LineOp{{bx, top}, {bx, bottom}, 0.6, 1});
      Page().ops.push_back(LineOp{{content_x_, top}, {content_x_ + content_w_, top}, 0.6, 1});
      Page().ops.push_back(LineOp{{content_x_, bottom}, {content_x_ + content_w_, bottom}, 0.6, 1});
      y_ = bottom;
      i += n;
    }
    y_ += 4;
  }

  void HeaderRunIn(const std::vector<HeaderItem>& items) {
    RichText r;
    std::string gap = rng_.Pick({std::string("   "), std::string("    "), std::string("  ")});
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) r.Add(gap);
      r.Bold(items[i].label).Add(" ").Append(items[i].value);
    }
    LayoutOptions o;
    o.width = content_w_;
    LayoutPtr l = MakeLayout(ctx_, r, Body(), o);
    Placed p = PlaceAt(l, r, content_x_, y_, 1, s_.line_spacing);
    TruthLines(p, ++block_);
    y_ += p.height + 3;
    Page().ops.push_back(LineOp{{content_x_, y_}, {content_x_ + content_w_, y_}, 0.8, 1});
    y_ += 3;
  }

  void PlaceContinuationHeader() {
    RichText fac = RichText().Field(doc_.facility.name, "facility", doc_.facility.name);
    Placed pf = PlaceAt(MakeLayout(ctx_, fac, Small(true)), fac, content_x_, y_);
    TruthLines(pf, ++block_);
    y_ += pf.height + 1;
    RichText r;
    for (const HeaderItem& h : doc_.header) {
      if (h.value.fields.empty()) continue;
      const std::string& f = h.value.fields[0].name;
      if (f != "patient_name" && f != "mrn" && f != "dob") continue;
      if (!r.text.empty()) r.Add("   ");
      r.Add(h.label + " ").Append(h.value);
    }
    LayoutOptions o;
    o.width = content_w_;
    Placed pp = PlaceAt(MakeLayout(ctx_, r, Small(), o), r, content_x_, y_);
    TruthLines(pp, ++block_);
    y_ += pp.height + 3;
    Page().ops.push_back(LineOp{{content_x_, y_}, {content_x_ + content_w_, y_}, 0.6, 1});
    y_ += 4;
  }

  void PlaceFooter(int index, int count) {
    PageLayout& page = pages_[static_cast<std::size_t>(index)];
    bool tail_page = page.near_blank;
    int style = s_.footer;
    if (doc_.tail == NearBlankTail::kFooterOnly && style == 2) style = 0;
    std::string num = style == 2
                          ? "Page " + std::to_string(index + 1) + "/" + std::to_string(count)
                          : "Page " + std::to_string(index + 1) + " of " + std::to_string(count);
    FontSpec f = Small();
    double y = 792 - s_.margin_bottom - s_.body_size * 0.2;
    cur_ = index;
    int block = ++block_;
    if (!doc_.footer_note.empty() && !tail_page) {
      RichText note(doc_.footer_note);
      Placed pn = PlaceAt(MakeLayout(ctx_, note, f), note, content_x_, y);
      TruthLines(pn, block);
      block = ++block_;
      if (style == 0) style = 1;
    }
    RichText t(num);
    LayoutOptions o;
    o.width = content_w_;
    o.align = style == 0 ? PANGO_ALIGN_CENTER : PANGO_ALIGN_RIGHT;
    Placed p = PlaceAt(MakeLayout(ctx_, t, f, o), t, content_x_, y);
    TruthLines(p, block);
  }

  // ---- Body blocks -------------------------------------------------------------------------

  void PlaceBlock(const Block& b) {
    switch (b.kind) {
      case BlockKind::kHeading: {
        y_ += heading_gap_ * 0.6;
        if (y_ > F().bottom) NextFrame();
        FlowResult r = Flow(b.text, Heading(), 0, 0, true);
        if (s_.heading_rule && r.first_page == PageIndex()) {
          double yy = y_ - 1;
          Page().ops.push_back(LineOp{{F().x, yy}, {F().x + F().w, yy}, 0.5, 1});
        }
        y_ += 2;
        break;
      }
      case BlockKind::kParagraph:
        Flow(b.text, Body(), 0, 0, false, 1, s_.justify);
        y_ += para_gap_;
        break;
      case BlockKind::kListItem: {
        std::size_t sp = b.text.text.find(' ');
        double hang = 0;
        if (sp != std::string::npos && sp <= 4) {
          RichText marker(b.text.text.substr(0, sp + 1));
          hang = LayoutWidth(MakeLayout(ctx_, marker, Body()));
        }
        Flow(b.text, Body(), b.indent, hang, false);
        y_ += para_gap_ * 0.4;
        break;
      }
      case BlockKind::kCheckbox:
        PlaceCheckbox(b);
        break;
      case BlockKind::kTable:
        PlaceTable(b.table);
        y_ += para_gap_;
        break;
      case BlockKind::kSignature:
        PlaceSignature(b.signature);
        break;
      case BlockKind::kSpacer:
        y_ += b.space;
        if (y_ > F().bottom) NextFrame();
        break;
    }
  }

  void PlaceCheckbox(const Block& b) {
    double box = s_.body_size * 0.8;
    double left = box + 7;
    FlowResult r = Flow(b.text, Body(), left + 4, 0, false);
    if (r.first_page < 0) return;
    int saved = cur_;
    cur_ = r.first_page;
    double x = F().x + 4;
    double y = r.first_top + (r.first_height / s_.line_spacing - box) / 2 + box * 0.1;
    Page().ops.push_back(RectOp{{x, y, box, box}, 0.7, false, 1});
    if (b.checked) {
      if (rng_.Chance(0.5)) {
        Page().ops.push_back(LineOp{{x + 1.5, y + 1.5}, {x + box - 1.5, y + box - 1.5}, 1.0, 1});
        Page().ops.push_back(LineOp{{x + box - 1.5, y + 1.5}, {x + 1.5, y + box - 1.5}, 1.0, 1});
      } else {
        // A hand-drawn tick, part of the form filling rather than the print.
        PenOp tick;
        tick.points = {{x + 1, y + box * 0.5},         {x + box * 0.25, y + box * 0.65},
                       {x + box * 0.3, y + box * 0.8}, {x + box * 0.4, y + box * 0.95},
                       {x + box * 0.6, y + box * 0.5}, {x + box * 0.9, y},
                       {x + box * 1.2, y - box * 0.3}};
        tick.width = 1.1;
        tick.seed = rng_.Next();
        Page().ops.push_back(tick);
      }
    }
    cur_ = saved;
    y_ += para_gap_ * 0.5;
  }

  PenOp Scribble(double x, double baseline, double width, double height) {
    std::vector<PointF> knots;
    double cx = x;
    double slant = rng_.Uniform(0.15, 0.45);
    knots.push_back({cx, baseline - height * rng_.Uniform(0, 0.3)});
    int letters = rng_.Int(5, 9);
    double step = width / letters;
    for (int i = 0; i < letters; ++i) {
      double dx = step * rng_.Uniform(0.7, 1.3);
      switch (i == 0 ? 0 : rng_.Int(0, 3)) {
        case 0:  // tall loop, as in a capital or an l
          knots.push_back({cx + dx * 0.55, baseline - height * rng_.Uniform(0.75, 1.0)});
          knots.push_back({cx + dx * 0.2, baseline - height * rng_.Uniform(0.2, 0.4)});
          knots.push_back({cx + dx * 0.75, baseline});
          break;
        case 1:  // hump
          knots.push_back({cx + dx * 0.35, baseline - height * rng_.Uniform(0.3, 0.5)});
          knots.push_back({cx + dx * 0.75, baseline});
          break;
        case 2:  // descender
          knots.push_back({cx + dx * 0.5, baseline + height * rng_.Uniform(0.25, 0.45)});
          knots.push_back({cx + dx * 0.3, baseline + height * 0.05});
          knots.push_back({cx + dx * 0.85, baseline - height * 0.3});
          break;
        default:  // small wave
          knots.push_back({cx + dx * 0.5, baseline - height * 0.25});
          knots.push_back({cx + dx, baseline - height * 0.05});
          break;
      }
      cx += dx;
    }
    knots.push_back({cx + step * 0.8, baseline - height * rng_.Uniform(0.1, 0.5)});
    for (PointF& p : knots) p.x += (baseline - p.y) * slant;
    // Catmull-Rom through the knots, as cubic Bezier segments.
    PenOp pen;
    pen.points.push_back(knots[0]);
    for (std::size_t i = 0; i + 1 < knots.size(); ++i) {
      PointF p0 = knots[i == 0 ? 0 : i - 1], p1 = knots[i], p2 = knots[i + 1];
      PointF p3 = knots[std::min(i + 2, knots.size() - 1)];
      pen.points.push_back({p1.x + (p2.x - p0.x) / 6, p1.y + (p2.y - p0.y) / 6});
      pen.points.push_back({p2.x - (p3.x - p1.x) / 6, p2.y - (p3.y - p1.y) / 6});
      pen.points.push_back(p2);
    }
    pen.width = rng_.Uniform(0.8, 1.5);
    pen.alpha = rng_.Uniform(0.75, 0.95);
    pen.seed = rng_.Next();
    return pen;
  }

  static RectF PenBounds(const PenOp& pen) {
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (const PointF& p : pen.points) {
      x0 = std::min(x0, p.x), y0 = std::min(y0, p.y);
      x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    }
    double m = pen.width;
    return {x0 - m, y0 - m, x1 - x0 + 2 * m, y1 - y0 + 2 * m};
  }

  void PlaceSignature(const SignatureSpec& sig) {
    double zone = 30;
    double label_h = Small().size * 1.3;
    double esign_h = sig.esign.text.empty() ? 0 : BodyLineHeight() * 2;
    if (y_ + zone + label_h + esign_h > F().bottom) NextFrame();
    double line_y = y_ + zone;
    double x0 = F().x;
    double len = std::min(F().w * 0.55, rng_.Uniform(180, 240));
    Page().ops.push_back(LineOp{{x0, line_y}, {x0 + len, line_y}, 0.6, 1});
    std::vector<Placed> row;
    RichText label(sig.label);
    LayoutPtr label_layout = MakeLayout(ctx_, label, Small());
    row.push_back(PlaceAt(label_layout, label, x0, line_y + 2));
    if (sig.date_line) {
      // The date line starts after the signature line or its label, whichever is longer.
      double dx = x0 + std::max(len, LayoutWidth(label_layout)) + 24;
      double dlen = std::min(120.0, F().x + F().w - dx);
      if (dlen > 50) {
        Page().ops.push_back(LineOp{{dx, line_y}, {dx + dlen, line_y}, 0.6, 1});
        RichText dl(rng_.Pick(
            {std::string("Date/Time"), std::string("Date"), std::string("Date and Time")}));
        row.push_back(PlaceAt(MakeLayout(ctx_, dl, Small()), dl, dx, line_y + 2));
      }
    }
    TruthRow(row, ++block_);
    if (sig.scribble) {
      double w = std::min(len - 20, rng_.Uniform(90, 170));
      PenOp pen =
          Scribble(x0 + rng_.Uniform(6, 20), line_y - rng_.Uniform(2, 6), w, rng_.Uniform(12, 22));
      Page().marks.push_back({"signature", PenBounds(pen)});
      Page().ops.push_back(std::move(pen));
      if (rng_.Chance(0.35)) {  // a flourish under the name
        PenOp f;
        double fx = x0 + rng_.Uniform(4, 30), fy = line_y - rng_.Uniform(0, 3);
        f.points = {{fx, fy},
                    {fx + w * 0.3, fy + 3},
                    {fx + w * 0.7, fy + 1},
                    {fx + w * rng_.Uniform(0.8, 1.1), fy - rng_.Uniform(3, 8)}};
        f.width = pen.width;
        f.alpha = pen.alpha;
        f.seed = rng_.Next();
        Page().marks.back().box = Page().marks.back().box.United(PenBounds(f));
        Page().ops.push_back(std::move(f));
      }
    }
    y_ = line_y + 2 + row[0].height + 4;
    if (!sig.esign.text.empty()) {
      FontSpec f = Small();
      f.italic = rng_.Chance(0.3);
      Flow(sig.esign, f, 0, 0, false);
    }
    y_ += para_gap_;
  }

  void PlaceTable(const Table& t) {
    FontSpec f{t.mono ? s_.mono_family : s_.body_family,
               t.font_size > 0 ? t.font_size : std::max(9.0, s_.body_size - 0.5), false, false};
    std::size_t cols = t.header.size();
    double pad = 4, vpad = 2.2;
    std::vector<double> widths;
    // Column widths from the widest cell; shrink the font until the table fits the frame.
    for (int attempt = 0; attempt < 6; ++attempt) {
      widths.assign(cols, 0);
      FontSpec hf = f;
      hf.bold = true;
      for (std::size_t c = 0; c < cols; ++c) {
        widths[c] = LayoutWidth(MakeLayout(ctx_, RichText(t.header[c]), hf)) + 2 * pad;
      }
      for (const Table::Row& r : t.rows) {
        if (r.section) continue;
        for (std::size_t c = 0; c < cols && c < r.cells.size(); ++c) {
          widths[c] = std::max(widths[c], LayoutWidth(MakeLayout(ctx_, r.cells[c], f)) + 2 * pad);
        }
      }
      double total = 0;
      for (double w : widths) total += w;
      if (total <= F().w || f.size <= 8) break;
      f.size = std::max(8.0, f.size * F().w / total - 0.1);
    }
    double total = 0;
    for (double w : widths) total += w;
    double extra = std::max(0.0, F().w - total);
    // Spare width mostly goes to the first (name) column, as report writers lay them out.
    widths[0] += extra * 0.4;
    for (std::size_t c = 1; c < cols; ++c) widths[c] += extra * 0.6 / static_cast<double>(cols - 1);
    double table_w = std::min(F().w, total + extra);
    int block = ++block_;

    double seg_top = 0;
    std::vector<double> rule_ys;
    auto close_segment = [&](double bottom) {
      if (t.style == TableStyle::kGrid) {
        double x = F().x;
        for (std::size_t c = 0; c <= cols; ++c) {
          Page().ops.push_back(LineOp{{x, seg_top}, {x, bottom}, 0.6, 1});
          if (c < cols) x += widths[c];
        }
      }
      Page().ops.push_back(LineOp{{F().x, bottom}, {F().x + table_w, bottom}, 0.6, 1});
    };
    auto row_height = [&](const std::vector<LayoutPtr>& ls) {
      double h = 0;
      for (const LayoutPtr& l : ls) h = std::max(h, LayoutHeight(l));
      return h + 2 * vpad;
    };
    auto draw_header = [&]() {
      FontSpec hf = f;
      hf.bold = true;
      std::vector<LayoutPtr> ls;
      std::vector<RichText> texts;
      for (const std::string& h : t.header) {
        texts.emplace_back(h);
        ls.push_back(MakeLayout(ctx_, texts.back(), hf));
      }
      double h = row_height(ls);
      seg_top = y_;
      if (t.shade_header) {
        Page().ops.push_back(RectOp{{F().x, y_, table_w, h}, 0, true, 0.14});
      }
      Page().ops.push_back(LineOp{{F().x, y_}, {F().x + table_w, y_}, 0.8, 1});
      std::vector<Placed> cells;
      double x = F().x;
      for (std::size_t c = 0; c < cols; ++c) {
        cells.push_back(PlaceAt(ls[c], texts[c], x + pad, y_ + vpad));
        x += widths[c];
      }
      TruthRow(cells, block);
      y_ += h;
      Page().ops.push_back(LineOp{{F().x, y_}, {F().x + table_w, y_}, 0.8, 1});
    };

    if (y_ + 3 * BodyLineHeight() > F().bottom) NextFrame();
    draw_header();
    for (std::size_t ri = 0; ri < t.rows.size(); ++ri) {
      const Table::Row& r = t.rows[ri];
      std::vector<LayoutPtr> ls;
      FontSpec rf = f;
      rf.bold = r.section;
      for (const RichText& c : r.cells) ls.push_back(MakeLayout(ctx_, c, rf));
      double h = row_height(ls);
      // Keep a group title with the first row after it.
      double need = r.section ? 2 * h : h;
      if (y_ + need > F().bottom) {
        close_segment(y_);
        NextFrame();
        draw_header();
      }
      std::vector<Placed> cells;
      double x = F().x;
      for (std::size_t c = 0; c < ls.size(); ++c) {
        cells.push_back(PlaceAt(ls[c], r.cells[c], x + pad, y_ + vpad));
        x += c < cols ? widths[c] : 0;
      }
      TruthRow(cells, block);
      y_ += h;
      bool last = ri + 1 == t.rows.size();
      if (!last && (t.style != TableStyle::kHeaderRules || r.section)) {
        Page().ops.push_back(LineOp{{F().x, y_}, {F().x + table_w, y_}, 0.5, 1});
      }
    }
    close_segment(y_);
    y_ += 2;
  }

  // ---- Stamps and near-blank tails ---------------------------------------------------------

  StampOp MakeStamp() {
    StampOp s;
    std::string family = rng_.Pick({std::string("Liberation Sans"), std::string("DejaVu Sans"),
                                    std::string("FreeSans"), std::string("Liberation Serif")});
    double big = rng_.Uniform(14, 19);
    double h = 10;
    double w = 0;
    for (std::size_t i = 0; i < doc_.stamp_lines.size(); ++i) {
      FontSpec f{family, i == 0 ? big : (i == 1 ? big * 0.72 : big * 0.5), true, false};
      LayoutPtr l = MakeLayout(ctx_, RichText(doc_.stamp_lines[i]), f);
      w = std::max(w, LayoutWidth(l));
      h += LayoutHeight(l);
      s.lines.push_back(l);
    }
    s.w = w + 20;
    s.h = h;
    s.angle = rng_.Chance(0.2) ? rng_.Uniform(-3, 3) : rng_.Sign() * rng_.Uniform(5, 20);
    s.alpha = rng_.Uniform(0.45, 0.8);
    s.seed = rng_.Next();
    return s;
  }

  bool PlaceStamp(int page_index, bool anywhere) {
    StampOp s = MakeStamp();
    PageLayout& page = pages_[static_cast<std::size_t>(page_index)];
    std::vector<PointF> candidates;
    for (double y = s_.margin_top + 20; y < 792 - s_.margin_bottom - 30; y += 10) {
      for (double x = content_x_ + s.w / 2; x < content_x_ + content_w_ - s.w / 2; x += 10) {
        candidates.push_back({x, y});
      }
    }
    rng_.Shuffle(candidates);
    for (const PointF& c : candidates) {
      RectF bounds = RotatedBounds(c, s.w, s.h, s.angle);
      RectF guard{bounds.x - 6, bounds.y - 6, bounds.w + 12, bounds.h + 12};
      // Stay clear of the page edge and of the footer, which is placed last.
      if (guard.x < 8 || guard.Right() > 604 || guard.y < 8 ||
          guard.Bottom() > 792 - s_.margin_bottom - 6) {
        continue;
      }
      bool clear = true;
      if (!anywhere) {
        for (const TruthLineF& l : page.lines) {
          if (l.box.Intersects(guard)) {
            clear = false;
            break;
          }
        }
        for (const MarkF& m : page.marks) {
          if (clear && m.box.Intersects(guard)) clear = false;
        }
      }
      if (!clear) continue;
      s.center = c;
      page.marks.push_back({"stamp", bounds});
      page.ops.push_back(std::move(s));
      return true;
    }
    return false;
  }

  void PlaceTail() {
    pages_.emplace_back();
    cur_ = static_cast<int>(pages_.size()) - 1;
    pages_.back().near_blank = true;
    SetBodyFrames(s_.margin_top + rng_.Uniform(30, 200));
    switch (doc_.tail) {
      case NearBlankTail::kSignatureOnly: {
        SignatureSpec sig;
        sig.label = rng_.Pick({std::string("Physician Signature"), std::string("Signature"),
                               std::string("Attending Physician Signature")});
        sig.scribble = true;
        sig.date_line = rng_.Chance(0.5);
        PlaceSignature(sig);
        break;
      }
      case NearBlankTail::kStampOnly:
        PlaceStamp(PageIndex(), false);
        break;
      default:
        break;
    }
  }

  PangoContext* ctx_;
  const Document& doc_;
  DocStyle s_;
  Rng rng_;
  std::vector<PageLayout> pages_;
  std::vector<Frame> frames_;
  std::size_t frame_ = 0;
  int cur_ = -1;  // page being drawn on
  double y_ = 0;
  int block_ = 0;
  double para_gap_ = 4;
  double heading_gap_ = 8;
  double content_x_ = 60;
  double content_w_ = 492;
};

int Floor(double v) { return static_cast<int>(std::floor(v)); }
int Ceil(double v) { return static_cast<int>(std::ceil(v)); }

Box ToPixels(const RectF& r, double sx, double sy, int w, int h) {
  int x0 = std::clamp(Floor(r.x * sx), 0, w), y0 = std::clamp(Floor(r.y * sy), 0, h);
  int x1 = std::clamp(Ceil(r.Right() * sx), 0, w), y1 = std::clamp(Ceil(r.Bottom() * sy), 0, h);
  return {x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

LayoutRef::~LayoutRef() {
  if (layout_ != nullptr) g_object_unref(layout_);
}

RectF RectF::United(const RectF& o) const {
  if (Empty()) return o;
  if (o.Empty()) return *this;
  double x0 = std::min(x, o.x), y0 = std::min(y, o.y);
  return {x0, y0, std::max(Right(), o.Right()) - x0, std::max(Bottom(), o.Bottom()) - y0};
}

bool RectF::Intersects(const RectF& o) const {
  return x < o.Right() && o.x < Right() && y < o.Bottom() && o.y < Bottom();
}

PangoContext* NewLayoutContext() {
  PangoFontMap* fm = pango_cairo_font_map_new();
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fm), 72.0);
  PangoContext* ctx = pango_font_map_create_context(fm);
  g_object_unref(fm);  // the context keeps its font map alive
  cairo_font_options_t* fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(ctx, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(ctx, FALSE);
  return ctx;
}

std::vector<PageLayout> Compose(PangoContext* context, const Document& doc, Rng rng) {
  return Composer(context, doc, rng).Compose();
}

void AddTopLine(PangoContext* context, PageLayout& page, const std::string& text) {
  FontSpec f{"Liberation Mono", 8.5, false, false};
  RichText t(text);
  LayoutPtr l = MakeLayout(context, t, f);
  std::vector<LineInfo> lines = Lines(l->get());
  const LineInfo& li = lines.front();
  double x = 20, y = 10;
  double dy = y - li.logical.y;
  page.ops.push_back(TextOp{l, 0, x + li.origin_x, dy + li.baseline, 1});
  page.lines.insert(page.lines.begin(), TruthLineF{text, li.ink.Translated(x, dy), 0});
}

RectF PlaceTextLine(PangoContext* context, PageLayout& page, const std::string& text,
                    const std::string& family, double size, bool bold, double x, double y,
                    int block, bool first) {
  LayoutPtr l = MakeLayout(context, RichText(text), FontSpec{family, size, bold, false});
  const LineInfo li = Lines(l->get()).front();
  double dy = y - li.logical.y;
  page.ops.push_back(TextOp{l, 0, x + li.origin_x, dy + li.baseline, 1});
  RectF ink = li.ink.Translated(x, dy);
  TruthLineF line{text, ink, block};
  if (first) {
    page.lines.insert(page.lines.begin(), line);
  } else {
    page.lines.push_back(line);
  }
  return ink;
}

double TextLineWidth(PangoContext* context, const std::string& text, const std::string& family,
                     double size, bool bold) {
  return LayoutWidth(MakeLayout(context, RichText(text), FontSpec{family, size, bold, false}));
}

std::vector<RectF> InkBounds(const PageLayout& page) {
  std::vector<RectF> out;
  for (const DrawOp& op : page.ops) {
    if (const auto* t = std::get_if<TextOp>(&op)) {
      PangoLayoutLine* line = pango_layout_get_line_readonly(t->layout->get(), t->line);
      if (line == nullptr) continue;
      PangoRectangle ink, logical;
      pango_layout_line_get_extents(line, &ink, &logical);
      out.push_back(FromPango(logical).Translated(t->x, t->baseline));
    } else if (const auto* ln = std::get_if<LineOp>(&op)) {
      double m = ln->width;
      out.push_back({std::min(ln->a.x, ln->b.x) - m, std::min(ln->a.y, ln->b.y) - m,
                     std::fabs(ln->a.x - ln->b.x) + 2 * m, std::fabs(ln->a.y - ln->b.y) + 2 * m});
    } else if (const auto* r = std::get_if<RectOp>(&op)) {
      double m = r->fill ? 0 : r->line_width;
      out.push_back({r->r.x - m, r->r.y - m, r->r.w + 2 * m, r->r.h + 2 * m});
    } else if (const auto* e = std::get_if<EllipseOp>(&op)) {
      double m = e->line_width;
      out.push_back(
          {e->center.x - e->rx - m, e->center.y - e->ry - m, 2 * (e->rx + m), 2 * (e->ry + m)});
    } else if (const auto* p = std::get_if<PenOp>(&op)) {
      double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
      for (const PointF& q : p->points) {
        x0 = std::min(x0, q.x), y0 = std::min(y0, q.y);
        x1 = std::max(x1, q.x), y1 = std::max(y1, q.y);
      }
      if (x1 >= x0)
        out.push_back(
            {x0 - p->width, y0 - p->width, x1 - x0 + 2 * p->width, y1 - y0 + 2 * p->width});
    }
  }
  for (const MarkF& m : page.marks) out.push_back(m.box);  // stamps, rotated
  for (const TruthLineF& l : page.lines) out.push_back(l.box);
  return out;
}

void FillTruth(const PageLayout& layout, int dpi_x, int dpi_y, TruthPage& page) {
  double sx = dpi_x / 72.0, sy = dpi_y / 72.0;
  page.dpi_x = dpi_x;
  page.dpi_y = dpi_y;
  page.width = static_cast<int>(std::lround(layout.width * sx));
  page.height = static_cast<int>(std::lround(layout.height * sy));
  page.doc_type = layout.doc_type;
  page.document_id = layout.doc_id;
  page.document_page = layout.doc_page;
  page.document_pages = layout.doc_pages;
  page.near_blank = layout.near_blank;
  page.patient = layout.patient;
  page.text.clear();
  page.lines.clear();
  for (const TruthLineF& l : layout.lines) {
    if (!page.text.empty()) page.text += '\n';
    page.text += l.text;
    page.lines.push_back({l.text, ToPixels(l.box, sx, sy, page.width, page.height), l.block});
  }
  page.fields.clear();
  for (const FieldF& f : layout.fields) {
    page.fields.push_back(
        {f.name, f.value, f.normalized, ToPixels(f.box, sx, sy, page.width, page.height)});
  }
  page.marks.clear();
  for (const MarkF& m : layout.marks) {
    page.marks.push_back({m.kind, ToPixels(m.box, sx, sy, page.width, page.height)});
  }
  page.separator = layout.separator;
  if (layout.separator) page.patient.reset();
  page.barcodes.clear();
  for (const BarcodeF& b : layout.barcodes) {
    page.barcodes.push_back(
        {b.payload, b.format, b.kind, ToPixels(b.box, sx, sy, page.width, page.height)});
  }
}

}  // namespace chartscan::samples
