// Blank page detection.
//
// Runs on the cleaned ink mask (speckle, borders, punch holes and faint bleed-through already
// gone), so what is left is either nothing or something a person put there. A page is NOT blank
// when it holds any of:
// - a text line: kMinChain or more character-sized components in a row, each within about one
//   character height of the next, overlapping vertically, of similar height ("Page 2 of 2" is ten);
// - a mark: a component at least kMarkInches long that is stroke-like rather than a solid blob
//   (ink fills under kStrokeFill of its box): a signature, a stamp's frame, a ruled line.
// Residual dust survives as isolated compact blobs, which match neither rule. Lines are looked
// for along both axes so a page fed sideways is judged the same way. The test is
// deliberately generous to content: dropping a page that holds a signature is far worse than
// OCRing a blank one.
#include <algorithm>
#include <numeric>
#include <vector>

#include "steps.h"

namespace chartscan::cleanup {
namespace {

constexpr int kMinChain = 3;
constexpr double kMarkInches = 0.35;
constexpr double kStrokeFill = 0.35;

struct Glyph {
  int x, y, w, h;
};

int Find(std::vector<int>& parent, int i) {
  while (parent[static_cast<size_t>(i)] != i) {
    parent[static_cast<size_t>(i)] = parent[static_cast<size_t>(parent[static_cast<size_t>(i)])];
    i = parent[static_cast<size_t>(i)];
  }
  return i;
}

// Counts chains of kMinChain or more glyphs running left to right (x along the line); returns as
// soon as `enough` chains are found, since one is all the blank decision needs.
int CountTextLines(std::vector<Glyph> glyphs, int enough) {
  std::sort(glyphs.begin(), glyphs.end(), [](const Glyph& a, const Glyph& b) { return a.x < b.x; });
  std::vector<int> parent(glyphs.size()), size(glyphs.size(), 1);
  std::iota(parent.begin(), parent.end(), 0);
  int lines = 0;
  for (size_t i = 0; i < glyphs.size(); ++i) {
    const Glyph& a = glyphs[i];
    for (size_t j = i + 1; j < glyphs.size(); ++j) {
      const Glyph& b = glyphs[j];
      if (b.x > a.x + a.w + std::max(a.h, b.h)) break;  // sorted by x: nothing further is adjacent
      const int overlap = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
      const double ratio = static_cast<double>(std::max(a.h, b.h)) / std::min(a.h, b.h);
      if (overlap < 0.4 * std::min(a.h, b.h) || ratio > 3.0) continue;
      const int ra = Find(parent, static_cast<int>(i)), rb = Find(parent, static_cast<int>(j));
      if (ra == rb) continue;
      const bool was_short =
          size[static_cast<size_t>(ra)] < kMinChain && size[static_cast<size_t>(rb)] < kMinChain;
      parent[static_cast<size_t>(ra)] = rb;
      size[static_cast<size_t>(rb)] += size[static_cast<size_t>(ra)];
      if (was_short && size[static_cast<size_t>(rb)] >= kMinChain && ++lines >= enough)
        return lines;
    }
  }
  return lines;
}

}  // namespace

BlankDecision DecideBlank(const std::vector<Component>& components, cv::Size page, double dpi) {
  BlankDecision out;
  std::vector<Glyph> horizontal, vertical;
  for (const Component& c : components) {
    const cv::Rect& b = c.box;
    const double fill = c.area / static_cast<double>(b.area());
    if (std::max(b.width, b.height) >= kMarkInches * dpi && fill < kStrokeFill &&
        b.width < 0.95 * page.width && b.height < 0.95 * page.height) {
      ++out.marks;
    }
    const int lo = std::min(b.width, b.height), hi = std::max(b.width, b.height);
    if (hi >= 0.035 * dpi && hi <= 0.6 * dpi && lo >= 0.008 * dpi) {
      horizontal.push_back({b.x, b.y, b.width, b.height});
      vertical.push_back({b.y, b.x, b.height, b.width});
    }
  }
  out.text_lines = CountTextLines(std::move(horizontal), 1);
  if (out.text_lines == 0) out.text_lines = CountTextLines(std::move(vertical), 1);
  out.blank = out.text_lines == 0 && out.marks == 0;
  return out;
}

}  // namespace chartscan::cleanup
