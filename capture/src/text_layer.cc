// Deciding whether a PDF page's text is a real text layer, and turning it into words and lines.
//
// A real text layer is one worth keeping instead of OCR. Many scanned PDFs carry an invisible text
// layer from an earlier OCR run or a font without a Unicode mapping, and such text is often
// garbage: replacement characters, private-use code points, control characters or runs of
// punctuation. The page's characters (whitespace aside) are counted as
//   bad       U+FFFD, private use, control, unassigned or surrogate code points;
//   printable everything else, of which letters and digits are counted apart.
// The layer is real when printable >= min_chars, bad characters are at most kMaxBadFraction of all
// non-space characters, and letters/digits are at least kMinAlnumFraction of the printable ones.
//
// Words are runs of non-space characters; lines end at '\n' (Poppler emits one per text line, in
// reading order). A word's box is the union of its characters' boxes scaled to image pixels. Lines
// get a block number that changes where the text jumps: up (a new column), to the right of the
// previous line, or down by more than a line height (a paragraph gap).
#include <algorithm>
#include <cmath>

#include <glib.h>

#include <chartscan/models/page.h>

#include "internal.h"

namespace chartscan::capture {
namespace {

constexpr double kMaxBadFraction = 0.1;
constexpr double kMinAlnumFraction = 0.5;

bool IsBad(gunichar c) {
  if (c == 0xFFFD) return true;
  switch (g_unichar_type(c)) {
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_CONTROL:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_SURROGATE:
      return true;
    default:
      return false;
  }
}

Box ToPixels(const GlyphBox& g, double scale, int image_width, int image_height) {
  double x0 = std::min(g.x1, g.x2) * scale, x1 = std::max(g.x1, g.x2) * scale;
  double y0 = std::min(g.y1, g.y2) * scale, y1 = std::max(g.y1, g.y2) * scale;
  if (!std::isfinite(x0) || !std::isfinite(x1) || !std::isfinite(y0) || !std::isfinite(y1)) {
    return {};
  }
  auto clamp = [](double v, int hi) { return static_cast<int>(std::clamp(v, 0.0, double(hi))); };
  int left = clamp(std::floor(x0), image_width), right = clamp(std::ceil(x1), image_width);
  int top = clamp(std::floor(y0), image_height), bottom = clamp(std::ceil(y1), image_height);
  return {left, top, right - left, bottom - top};
}

bool StartsNewBlock(const Box& previous, const Box& line) {
  return line.bottom() <= previous.y || line.x >= previous.right() ||
         line.y > previous.bottom() + previous.height;
}

class LayerBuilder {
 public:
  LayerBuilder(double scale, int image_width, int image_height)
      : scale_(scale), width_(image_width), height_(image_height) {}

  void AddChar(std::string_view bytes, const GlyphBox& glyph) {
    word_text_ += bytes;
    word_box_ = word_box_.United(ToPixels(glyph, scale_, width_, height_));
  }

  void EndWord() {
    if (!word_text_.empty() && !word_box_.empty()) {
      if (!line_open_) OpenLine();
      layer_.words.push_back({word_text_, word_box_, 100.0f, line_index_});
      TextLine& line = layer_.lines.back();
      line.box = line.box.United(word_box_);
    }
    word_text_.clear();
    word_box_ = {};
  }

  void EndLine() {
    EndWord();
    if (line_open_) {
      const auto& lines = layer_.lines;
      if (lines.size() >= 2 && StartsNewBlock(lines[lines.size() - 2].box, lines.back().box)) {
        layer_.lines.back().block = ++block_;
      }
    }
    line_open_ = false;
  }

  PageText Finish() {
    EndLine();
    layer_.origin = TextOrigin::kTextLayer;
    FinalizePageText(layer_);
    return std::move(layer_);
  }

 private:
  void OpenLine() {
    line_index_ = static_cast<int>(layer_.lines.size());
    layer_.lines.push_back({Box{}, block_});
    line_open_ = true;
  }

  double scale_;
  int width_;
  int height_;
  PageText layer_;
  std::string word_text_;
  Box word_box_;
  bool line_open_ = false;
  int line_index_ = 0;
  int block_ = 0;
};

}  // namespace

std::optional<PageText> BuildTextLayer(std::string_view utf8, const std::vector<GlyphBox>& glyphs,
                                       double scale, int image_width, int image_height,
                                       std::size_t min_chars) {
  if (utf8.empty() || !g_utf8_validate(utf8.data(), static_cast<gssize>(utf8.size()), nullptr)) {
    return std::nullopt;
  }
  struct Char {
    gunichar c;
    std::size_t begin;
    std::size_t end;
  };
  std::vector<Char> chars;
  const char* const start = utf8.data();
  const char* const stop = start + utf8.size();
  for (const char* p = start; p < stop; p = g_utf8_next_char(p)) {
    const char* next = g_utf8_next_char(p);
    chars.push_back({g_utf8_get_char(p), static_cast<std::size_t>(p - start),
                     static_cast<std::size_t>(next - start)});
  }
  // One box per character; Poppler may end the text with whitespace that has none.
  std::size_t n = chars.size();
  while (n > glyphs.size() && g_unichar_isspace(chars[n - 1].c)) --n;
  if (n != glyphs.size()) return std::nullopt;

  std::size_t printable = 0, alnum = 0, bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    gunichar c = chars[i].c;
    if (g_unichar_isspace(c)) continue;
    if (IsBad(c)) {
      ++bad;
    } else {
      ++printable;
      if (g_unichar_isalnum(c)) ++alnum;
    }
  }
  if (printable < min_chars || printable == 0) return std::nullopt;
  if (static_cast<double>(bad) > kMaxBadFraction * static_cast<double>(printable + bad)) {
    return std::nullopt;
  }
  if (static_cast<double>(alnum) < kMinAlnumFraction * static_cast<double>(printable)) {
    return std::nullopt;
  }

  LayerBuilder builder(scale, image_width, image_height);
  for (std::size_t i = 0; i < n; ++i) {
    gunichar c = chars[i].c;
    if (c == '\n') {
      builder.EndLine();
    } else if (g_unichar_isspace(c)) {
      builder.EndWord();
    } else if (!IsBad(c)) {
      // A stray bad character inside an otherwise good layer is dropped, not stored.
      builder.AddChar(utf8.substr(chars[i].begin, chars[i].end - chars[i].begin), glyphs[i]);
    }
  }
  return builder.Finish();
}

}  // namespace chartscan::capture
