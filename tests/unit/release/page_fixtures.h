// Synthetic released pages for the PDF and TIFF encoder tests: text-like pages drawn with
// Leptonica (each "character" a few strokes, so G4 and JPEG see realistic edges), with OCR words
// whose boxes are exactly where their ink is. Never real patient data.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>

#include <chartscan/release/release.h>

namespace chartscan::release::testing {

struct PixOwner {
  Pix* pix = nullptr;
  explicit PixOwner(Pix* p) : pix(p) {}
  PixOwner(const PixOwner&) = delete;
  PixOwner& operator=(const PixOwner&) = delete;
  ~PixOwner() { pixDestroy(&pix); }
};

// A page of `lines` lines of `words_per_line` words ("w<line>x<word>"), drawn in ink on a 1 bpp
// image of width x height; the words, with their boxes and line numbers, go to `words`.
inline Pix* DrawTextPage(int width, int height, int lines, int words_per_line,
                         std::vector<Word>* words) {
  Pix* pix = pixCreate(width, height, 1);
  std::uint32_t seed = 12345;
  auto next = [&seed](int n) {
    seed = seed * 1103515245u + 12345u;
    return static_cast<int>((seed >> 16) % static_cast<std::uint32_t>(n));
  };
  const int margin = width / 12;
  const int line_pitch = (height - 2 * margin) / std::max(1, lines);
  const int x_height = std::max(8, std::min(line_pitch * 2 / 5, width / 60));
  const int char_w = std::max(5, x_height * 3 / 5);
  for (int l = 0; l < lines; ++l) {
    int x = margin;
    const int top = margin + l * line_pitch;
    for (int k = 0; k < words_per_line; ++k) {
      Word w;
      w.text = "w" + std::to_string(l) + "x" + std::to_string(k);
      w.line = l;
      const int n = static_cast<int>(w.text.size());
      w.box = {x, top, n * char_w, x_height};
      if (w.box.right() > width - margin) break;
      for (int c = 0; c < n; ++c) {
        const int cx = x + c * char_w;
        const int strokes = 1 + next(3);
        const int stroke_w = std::max(2, char_w / 6);
        for (int s = 0; s < strokes; ++s) {
          const int sx = strokes == 1 ? cx + (char_w - stroke_w) / 2
                                      : cx + s * (char_w - stroke_w - 1) / (strokes - 1);
          const int sy = top + next(x_height / 3 + 1);
          pixRasterop(pix, sx, sy, stroke_w, top + x_height - sy, PIX_SET, nullptr, 0, 0);
        }
        if (next(2) == 0) {
          pixRasterop(pix, cx, top + x_height / 2, char_w - 1, stroke_w, PIX_SET, nullptr, 0, 0);
        }
      }
      words->push_back(w);
      x += w.box.width + char_w / 2;
    }
  }
  return pix;
}

// `bilevel` (1 bpp) as a greyscale scan: ink 40, paper shading from 235 at the top to 220 at the
// bottom, so it is not bilevel.
inline Pix* GreyFrom(Pix* bilevel) {
  Pix* grey = pixConvert1To8(nullptr, bilevel, 235, 40);
  const int w = pixGetWidth(grey), h = pixGetHeight(grey), wpl = pixGetWpl(grey);
  for (int y = 0; y < h; ++y) {
    l_uint32* line = pixGetData(grey) + static_cast<std::ptrdiff_t>(y) * wpl;
    const int shade = 15 * y / std::max(1, h - 1);
    for (int x = 0; x < w; ++x) {
      const int v = GET_DATA_BYTE(line, x);
      if (v > 128) SET_DATA_BYTE(line, x, v - shade);
    }
  }
  return grey;
}

inline std::string Encode(Pix* pix, int format) {
  l_uint8* data = nullptr;
  size_t size = 0;
  pixWriteMem(&data, &size, pix, format);
  std::string out(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return out;
}

inline ReleasePage MakePage(std::int64_t id, Pix* pix, int format, double dpi,
                            std::vector<Word> words) {
  ReleasePage page;
  page.page_id = id;
  page.image.bytes = Encode(pix, format);
  page.image.format = format == IFF_JFIF_JPEG ? "jpeg" : "png";
  page.image.width = pixGetWidth(pix);
  page.image.height = pixGetHeight(pix);
  page.dpi = dpi;
  page.words = std::move(words);
  return page;
}

inline ReleaseChart MakeChart() {
  ReleaseChart chart;
  chart.chart.chart_id = 7;
  chart.chart.mrn = "MRN0042";
  chart.chart.patient_name = "Jane Q Testpatient";
  chart.chart.dob = "1970-01-02";
  chart.family_name = "TESTPATIENT";
  chart.given_name = "JANE Q";
  return chart;
}

inline ReleaseDocument MakeDocument(std::vector<ReleasePage> pages) {
  ReleaseDocument doc;
  doc.document_id = 42;
  doc.batch_id = 3;
  doc.type.name = "discharge_summary";
  doc.date_of_service = "2024-04-30";
  doc.stored_micros = 1714564800'000000;  // 2024-05-01T12:00:00Z
  doc.pages = std::move(pages);
  return doc;
}

}  // namespace chartscan::release::testing
