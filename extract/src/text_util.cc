#include "text_util.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace chartscan::extract::internal {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string LabelKey(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '#') {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

int BoundedEditDistance(std::string_view a, std::string_view b, int limit) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  std::vector<int> prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[m];
}

int LetterCount(std::string_view s) {
  int n = 0;
  for (char c : s) n += std::isalpha(static_cast<unsigned char>(c)) != 0;
  return n;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::vector<Line> TokenizePage(const PageText& page) {
  std::vector<Line> lines;
  std::map<int, std::size_t> slot;  // PageText line index -> position in `lines`
  for (const Word& w : page.words) {
    if (w.text.empty()) continue;
    auto it = slot.find(w.line);
    if (it == slot.end()) {
      it = slot.emplace(w.line, lines.size()).first;
      Line l;
      l.index = w.line;
      if (w.line >= 0 && static_cast<std::size_t>(w.line) < page.lines.size()) {
        l.box = page.lines[static_cast<std::size_t>(w.line)].box;
      }
      lines.push_back(std::move(l));
    }
    Line& line = lines[it->second];
    // Split "MRN:00123" after the colon (not "10:30" times: a letter must precede the colon).
    const auto colon = w.text.find(':');
    if (colon != std::string::npos && colon + 1 < w.text.size() && colon > 0 &&
        (std::isalpha(static_cast<unsigned char>(w.text[colon - 1])) || w.text[colon - 1] == '#' ||
         w.text[colon - 1] == '.')) {
      const double per_char = static_cast<double>(w.box.width) / static_cast<double>(w.text.size());
      const int left_w = static_cast<int>(per_char * static_cast<double>(colon + 1));
      Token a{w.text.substr(0, colon + 1), {w.box.x, w.box.y, left_w, w.box.height}, w.confidence};
      Token b{w.text.substr(colon + 1),
              {w.box.x + left_w, w.box.y, w.box.width - left_w, w.box.height},
              w.confidence};
      line.tokens.push_back(std::move(a));
      line.tokens.push_back(std::move(b));
    } else {
      line.tokens.push_back({w.text, w.box, w.confidence});
    }
  }
  for (Line& l : lines) {
    std::stable_sort(l.tokens.begin(), l.tokens.end(),
                     [](const Token& a, const Token& b) { return a.box.x < b.box.x; });
    if (l.box.empty()) {
      for (const Token& t : l.tokens) l.box = l.box.United(t.box);
    }
  }
  return lines;
}

std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace chartscan::extract::internal
