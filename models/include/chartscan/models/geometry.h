// Axis-aligned boxes in pixel coordinates (origin top-left, x right, y down).
#pragma once

#include <algorithm>

namespace chartscan {

struct Box {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  int right() const { return x + width; }
  int bottom() const { return y + height; }
  bool empty() const { return width <= 0 || height <= 0; }
  long long area() const { return empty() ? 0 : static_cast<long long>(width) * height; }

  // Smallest box covering both; an empty box is the identity.
  Box United(const Box& o) const {
    if (empty()) return o;
    if (o.empty()) return *this;
    int x0 = std::min(x, o.x), y0 = std::min(y, o.y);
    return {x0, y0, std::max(right(), o.right()) - x0, std::max(bottom(), o.bottom()) - y0};
  }
  Box Intersected(const Box& o) const {
    int x0 = std::max(x, o.x), y0 = std::max(y, o.y);
    int x1 = std::min(right(), o.right()), y1 = std::min(bottom(), o.bottom());
    if (x1 <= x0 || y1 <= y0) return {};
    return {x0, y0, x1 - x0, y1 - y0};
  }
  // The boxes share some area (touching edges do not).
  bool Intersects(const Box& o) const { return !Intersected(o).empty(); }
  friend bool operator==(const Box&, const Box&) = default;
};

}  // namespace chartscan
