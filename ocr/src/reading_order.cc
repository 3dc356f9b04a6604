// Reading order: see reading_order.h for the method.
//
// Parameters:
// - kMinParagraphLines (2) and kMinParagraphWords (4 median words per line): a block with fewer is
//   a fragment (form label, table cell column, signature line) and may be merged into rows.
// - kRowOverlap (0.5): two fragment lines form one row when they overlap vertically by at least
//   half the height of the shorter one, which tolerates baseline jitter and residual skew but keeps
//   consecutive lines (whose overlap is ~0) apart.
// - Units (paragraph blocks and rows) are ordered by a precedence relation - A before B when A is
//   wholly above B, or when they overlap vertically and A is wholly left of B - resolved with a
//   topological sort that breaks ties (and any cycle) by top edge, then left edge.
#include <algorithm>
#include <map>

#include <chartscan/ocr/reading_order.h>

namespace chartscan::ocr {
namespace {

constexpr int kMinParagraphLines = 2;
constexpr int kMinParagraphWords = 4;
constexpr double kRowOverlap = 0.5;

int VerticalOverlap(const Box& a, const Box& b) {
  return std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
}

struct Unit {
  Box box;
  std::vector<LayoutLine> lines;
};

bool Precedes(const Box& a, const Box& b) {
  const int tol = std::max(2, std::min(a.height, b.height) / 10);
  if (a.bottom() <= b.y + tol) return true;
  if (VerticalOverlap(a, b) > 0 && a.right() <= b.x + tol) return true;
  return false;
}

}  // namespace

std::vector<LayoutLine> OrderLines(const std::vector<LayoutLine>& lines,
                                   const std::vector<LayoutWord>& words, int page_width) {
  (void)page_width;
  std::map<int, std::vector<const LayoutLine*>> blocks;
  for (const LayoutLine& l : lines) {
    if (!l.words.empty()) blocks[l.block].push_back(&l);
  }

  std::vector<Unit> units;
  std::vector<LayoutLine> fragments;
  for (auto& [id, block_lines] : blocks) {
    std::vector<size_t> counts;
    for (const LayoutLine* l : block_lines) counts.push_back(l->words.size());
    std::nth_element(counts.begin(), counts.begin() + counts.size() / 2, counts.end());
    const size_t median_words = counts[counts.size() / 2];
    if (static_cast<int>(block_lines.size()) >= kMinParagraphLines &&
        median_words >= static_cast<size_t>(kMinParagraphWords)) {
      Unit u;
      for (const LayoutLine* l : block_lines) {
        u.box = u.box.United(l->box);
        u.lines.push_back(*l);
      }
      units.push_back(std::move(u));
    } else {
      for (const LayoutLine* l : block_lines) fragments.push_back(*l);
    }
  }

  // Merge fragment lines into rows, greedily in order of vertical centre.
  std::sort(fragments.begin(), fragments.end(), [](const LayoutLine& a, const LayoutLine& b) {
    return a.box.y * 2 + a.box.height < b.box.y * 2 + b.box.height;
  });
  std::vector<LayoutLine> rows;
  for (const LayoutLine& f : fragments) {
    LayoutLine* target = nullptr;
    for (auto it = rows.rbegin(); it != rows.rend() && it != rows.rbegin() + 4; ++it) {
      const int overlap = VerticalOverlap(it->box, f.box);
      const int shorter = std::min(it->box.height, f.box.height);
      const bool disjoint_x = f.box.right() <= it->box.x || f.box.x >= it->box.right() ||
                              std::none_of(it->words.begin(), it->words.end(), [&](int w) {
                                return words[w].box.Intersected(f.box).area() > 0;
                              });
      if (shorter > 0 && overlap >= kRowOverlap * shorter && disjoint_x) {
        target = &*it;
        break;
      }
    }
    if (target) {
      target->box = target->box.United(f.box);
      target->words.insert(target->words.end(), f.words.begin(), f.words.end());
    } else {
      rows.push_back(f);
    }
  }
  for (LayoutLine& r : rows) {
    std::sort(r.words.begin(), r.words.end(),
              [&](int a, int b) { return words[a].box.x < words[b].box.x; });
    Unit u;
    u.box = r.box;
    u.lines.push_back(std::move(r));
    units.push_back(std::move(u));
  }

  // Topological order over the precedence relation, ties broken by top then left.
  const size_t n = units.size();
  std::vector<std::vector<size_t>> after(n);
  std::vector<int> indegree(n, 0);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      if (a != b && Precedes(units[a].box, units[b].box) && !Precedes(units[b].box, units[a].box)) {
        after[a].push_back(b);
        ++indegree[b];
      }
    }
  }
  auto earlier = [&](size_t a, size_t b) {
    if (units[a].box.y != units[b].box.y) return units[a].box.y < units[b].box.y;
    return units[a].box.x < units[b].box.x;
  };
  std::vector<bool> done(n, false);
  std::vector<LayoutLine> out;
  for (size_t emitted = 0; emitted < n; ++emitted) {
    size_t pick = n;
    for (size_t i = 0; i < n; ++i) {
      if (!done[i] && indegree[i] == 0 && (pick == n || earlier(i, pick))) pick = i;
    }
    if (pick == n) {  // a cycle: fall back to the earliest remaining unit
      for (size_t i = 0; i < n; ++i) {
        if (!done[i] && (pick == n || earlier(i, pick))) pick = i;
      }
    }
    done[pick] = true;
    for (size_t b : after[pick]) --indegree[b];
    const int block = static_cast<int>(emitted);
    for (LayoutLine& l : units[pick].lines) {
      l.block = block;
      out.push_back(std::move(l));
    }
  }
  return out;
}

}  // namespace chartscan::ocr
