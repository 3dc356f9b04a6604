// Separator sheets and patient labels (see sheets.h).
//
// Sizes follow what facilities print: cover-sheet Code 128 at 20 mil modules and 1 inch tall (or a
// QR of 0.05 inch modules), patch bars 4 inches long repeated three times across the sheet so any
// patch reader position sees one, and patient labels at 16 mil modules and 0.3 inch tall, which
// leaves 2.4 pixels per module at 150 dpi and 3.3 at a 204 dpi fax.
#include "sheets.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

namespace chartscan::samples {
namespace {

constexpr double kPt = 72;  // points per inch
constexpr double kPageMargin = 24;
constexpr const char* kSans = "Liberation Sans";

ZXing::BitMatrix Encode(ZXing::BarcodeFormat format, const std::string& payload) {
  return ZXing::MultiFormatWriter(format).setMargin(0).encode(payload, 0, 0);
}

// Draws a linear symbol's bars from (x, y), one rectangle per run of dark modules. Returns its box.
RectF DrawLinear(PageLayout& page, const ZXing::BitMatrix& m, double x, double y, double module,
                 double height) {
  int w = m.width();
  for (int i = 0; i < w;) {
    if (!m.get(i, 0)) {
      ++i;
      continue;
    }
    int j = i;
    while (j < w && m.get(j, 0)) ++j;
    page.ops.push_back(RectOp{{x + i * module, y, (j - i) * module, height}, 0, true, 1});
    i = j;
  }
  return {x, y, w * module, height};
}

RectF DrawMatrix(PageLayout& page, const ZXing::BitMatrix& m, double x, double y, double module) {
  for (int r = 0; r < m.height(); ++r) {
    for (int c = 0; c < m.width();) {
      if (!m.get(c, r)) {
        ++c;
        continue;
      }
      int e = c;
      while (e < m.width() && m.get(e, r)) ++e;
      page.ops.push_back(
          RectOp{{x + c * module, y + r * module, (e - c) * module, module}, 0, true, 1});
      c = e;
    }
  }
  return {x, y, m.width() * module, m.height() * module};
}

double Centered(PangoContext* ctx, const std::string& text, double size, bool bold,
                double page_width) {
  return (page_width - TextLineWidth(ctx, text, kSans, size, bold)) / 2;
}

// "1952-03-14" -> "03/14/1952"
std::string UsDate(const std::string& iso) {
  if (iso.size() != 10) return iso;
  return iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(0, 4);
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool Free(const RectF& r, const std::vector<RectF>& ink) {
  return std::none_of(ink.begin(), ink.end(), [&](const RectF& b) { return b.Intersects(r); });
}

}  // namespace

PageLayout MakeSeparatorSheet(PangoContext* ctx, SeparatorKind kind, int sequence, Rng rng) {
  PageLayout page;
  page.separator = true;
  int block = 1;
  if (kind == SeparatorKind::kPatch) {
    // Patch T, N W N W: three copies across the sheet, 4 inches long from 1 inch below the top.
    const double narrow = 0.08 * kPt, wide = 0.2 * kPt, space = 0.08 * kPt;
    const double top = kPt * rng.Uniform(0.8, 1.2), length = 4 * kPt;
    const double symbol = 2 * narrow + 2 * wide + 3 * space;
    for (double x : {1.0 * kPt, (page.width - symbol) / 2, page.width - 1.0 * kPt - symbol}) {
      double at = x;
      for (double w : {narrow, wide, narrow, wide}) {
        page.ops.push_back(RectOp{{at, top, w, length}, 0, true, 1});
        at += w + space;
      }
      page.barcodes.push_back({"PATCH T", "PatchCode", "patch", {x, top, symbol, length}});
    }
    double y = top + length + 0.6 * kPt;
    PlaceTextLine(ctx, page, "PATCH T", kSans, 36, true, Centered(ctx, "PATCH T", 36, true, 612), y,
                  block++);
    y += 0.8 * kPt;
    PlaceTextLine(ctx, page, "DOCUMENT SEPARATOR", kSans, 22, true,
                  Centered(ctx, "DOCUMENT SEPARATOR", 22, true, 612), y, block++);
    return page;
  }

  std::string payload = "CHARTSCAN-SEP";
  if (rng.Chance(0.3)) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "SEP-%04d", sequence);
    payload = buf;
  }
  double y = kPt * rng.Uniform(1.0, 1.5);
  PlaceTextLine(ctx, page, "DOCUMENT SEPARATOR", kSans, 28, true,
                Centered(ctx, "DOCUMENT SEPARATOR", 28, true, 612), y, block++);
  y += 1.0 * kPt;
  if (rng.Chance(0.35)) {
    const double module = 0.05 * kPt;
    ZXing::BitMatrix m = Encode(ZXing::BarcodeFormat::QRCode, payload);
    double x = (page.width - m.width() * module) / 2;
    RectF box = DrawMatrix(page, m, x, y, module);
    page.barcodes.push_back({payload, "QRCode", "separator", box});
    y = box.Bottom() + 0.3 * kPt;
  } else {
    const double module = 0.02 * kPt;
    ZXing::BitMatrix m = Encode(ZXing::BarcodeFormat::Code128, payload);
    double x = (page.width - m.width() * module) / 2;
    RectF box = DrawLinear(page, m, x, y, module, 1.0 * kPt);
    page.barcodes.push_back({payload, "Code128", "separator", box});
    y = box.Bottom() + 0.15 * kPt;
  }
  PlaceTextLine(ctx, page, payload, kSans, 14, false, Centered(ctx, payload, 14, false, 612), y,
                block++);
  y += 1.2 * kPt;
  const std::string note = "Place this sheet before each document. Do not remove.";
  PlaceTextLine(ctx, page, note, kSans, 11, false, Centered(ctx, note, 11, false, 612), y, block++);
  return page;
}

bool AddPatientLabel(PangoContext* ctx, PageLayout& page, Rng rng) {
  const TruthPatient& pt = page.patient;
  if (pt.mrn.empty()) return false;
  const double module = 0.016 * kPt, bar_height = 0.3 * kPt, quiet = 12 * module, pad = 4;
  const double font = 7.5, line = 9.5;
  ZXing::BitMatrix m = Encode(ZXing::BarcodeFormat::Code128, pt.mrn);
  std::string name =
      Upper(pt.last) + ", " + Upper(pt.first) + (pt.middle.empty() ? "" : " " + pt.middle);
  std::string dob = UsDate(pt.dob);
  double text_w = std::max({TextLineWidth(ctx, name, kSans, font, true),
                            TextLineWidth(ctx, "DOB: " + dob, kSans, font, false),
                            TextLineWidth(ctx, "MRN: " + pt.mrn, kSans, font, false)});
  double w = std::max(m.width() * module + 2 * quiet, text_w + 2 * pad);
  double h = pad + bar_height + 2 + 3 * line + pad;

  // The first free spot, top down; along each row from the side the rng prefers (labels go in a
  // corner when it is free, else beside the letterhead or title).
  std::vector<RectF> ink = InkBounds(page);
  bool right_first = rng.Chance(0.7);
  RectF spot;
  bool found = false;
  const double span = page.width - 2 * kPageMargin - w;
  for (double y = 14; y + h < 240 && !found; y += 4) {
    for (double step = 0; step <= span && !found; step += 12) {
      double x = right_first ? page.width - kPageMargin - w - step : kPageMargin + step;
      RectF margin{x - 6, y - 6, w + 12, h + 12};
      if (Free(margin, ink)) {
        spot = {x, y, w, h};
        found = true;
      }
    }
  }
  if (!found) return false;

  // The sticker's edge, faint as a label edge scans.
  page.ops.push_back(RectOp{spot, 0.4, false, 0.25});
  double bx = spot.x + (spot.w - m.width() * module) / 2;
  RectF bar_box = DrawLinear(page, m, bx, spot.y + pad, module, bar_height);
  page.barcodes.push_back({pt.mrn, "Code128", "patient_label", bar_box});

  // Label lines come first in reading order, as one block of their own.
  int block = 0;
  for (const TruthLineF& l : page.lines) block = std::max(block, l.block);
  ++block;
  double x = spot.x + pad, y = bar_box.Bottom() + 2;
  std::vector<TruthLineF> placed;
  auto place = [&](const std::string& label, const std::string& value, const char* field,
                   const std::string& normalized, bool bold) {
    PageLayout tmp;
    RectF whole = PlaceTextLine(ctx, tmp, label + value, kSans, font, bold, x, y, block);
    for (DrawOp& op : tmp.ops) page.ops.push_back(std::move(op));
    placed.push_back(tmp.lines.front());
    // The value's box: from where it starts after the label to the end of the line.
    double vx = label.empty() ? whole.x : x + TextLineWidth(ctx, label, kSans, font, bold);
    page.fields.push_back({field, value, normalized, {vx, whole.y, whole.Right() - vx, whole.h}});
    y += line;
  };
  place("", name, "patient_name", Upper(pt.first) + " " + Upper(pt.last), true);
  place("DOB: ", dob, "dob", pt.dob, false);
  place("MRN: ", pt.mrn, "mrn", pt.mrn, false);
  page.lines.insert(page.lines.begin(), placed.begin(), placed.end());
  return true;
}

}  // namespace chartscan::samples
