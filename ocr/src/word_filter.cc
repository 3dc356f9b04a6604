// Word-level filters of the Tesseract adapter: see word_filter.h for the parameters.
#include "word_filter.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <iterator>

namespace chartscan::ocr {

namespace {

// Bytes of multi-byte UTF-8 sequences are never letters or digits here.
bool IsAsciiAlnum(unsigned char c) { return c < 0x80 && std::isalnum(c); }

bool IsAsciiUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(unsigned char c) { return c < 0x80 && std::isalpha(c); }

// Marks only, each as tall as a line of text ("|", "!", "(", "/").
bool IsTallMarks(std::string_view t) {
  return !t.empty() && t.find_first_not_of("|![](){}/\\") == std::string_view::npos;
}

// Whether `first` and `rest`, one word as read, are two words run together of the kinds a
// recognizer joins across a visible space (see kSplitSpaceShare): a number and its unit ("4mg"),
// or a name in capitals and its initial ("LISAR").
bool IsJoinedPair(std::string_view first, std::string_view rest) {
  if (first.empty() || rest.empty()) return false;
  if (IsAsciiDigit(static_cast<unsigned char>(first.back())) &&
      IsAsciiLetter(static_cast<unsigned char>(rest.front()))) {
    return true;
  }
  auto is_initial = [](std::string_view w) {
    return IsAsciiUpper(static_cast<unsigned char>(w[0])) &&
           (w.size() == 1 || (w.size() == 2 && w[1] == '.'));
  };
  auto is_caps = [](std::string_view w) {
    return w.size() >= 2 && std::all_of(w.begin(), w.end(), [](char c) {
             return IsAsciiUpper(static_cast<unsigned char>(c));
           });
  };
  // A family name after its initial may end with the mark that ends a name ("CARTER.", "RAMOS,").
  auto without_mark = [](std::string_view w) {
    if (!w.empty() && (w.back() == '.' || w.back() == ',')) w.remove_suffix(1);
    return w;
  };
  // The name before its initial ("LISAR"), or the initial before the family name ("TOMAS
  // ACARTER.", "FATIMA GBROWN").
  return (is_initial(rest) && is_caps(first)) || (is_initial(first) && is_caps(without_mark(rest)));
}

// Whether some cut between the characters of `w` gives a joined pair: only such words are worth
// looking at in the image.
bool MayBeJoined(const RawWord& w) {
  for (size_t i = 0; i + 1 < w.symbols.size(); ++i) {
    const size_t cut = w.symbols[i].end;
    if (IsJoinedPair(std::string_view(w.text).substr(0, cut), std::string_view(w.text).substr(cut)))
      return true;
  }
  return false;
}

// A run of columns without ink strictly inside the ink of a box.
struct ColumnGap {
  int start = 0;
  int length = 0;
};

std::vector<ColumnGap> InkGaps(const ImageView& page, const Box& box) {
  const int x0 = std::max(0, box.x), x1 = std::min(page.width(), box.right());
  const int y0 = std::max(0, box.y), y1 = std::min(page.height(), box.bottom());
  std::vector<ColumnGap> gaps;
  if (x1 - x0 < 3 || y1 <= y0) return gaps;
  // Otsu's threshold over the box: the OCR image keeps grey strokes, pale on a faint or noisy page.
  std::array<long long, 256> hist{};
  for (int y = y0; y < y1; ++y) {
    const std::uint8_t* row = page.row(y);
    for (int x = x0; x < x1; ++x) ++hist[row[x]];
  }
  const long long n = static_cast<long long>(x1 - x0) * (y1 - y0);
  double sum = 0;
  for (int v = 0; v < 256; ++v) sum += static_cast<double>(v) * hist[static_cast<size_t>(v)];
  double best = -1, sum_below = 0;
  long long below = 0;
  int threshold = -1;
  for (int v = 0; v < 255; ++v) {
    below += hist[static_cast<size_t>(v)];
    sum_below += static_cast<double>(v) * hist[static_cast<size_t>(v)];
    if (below == 0 || below == n) continue;
    const double m0 = sum_below / below, m1 = (sum - sum_below) / (n - below);
    const double between = static_cast<double>(below) * (n - below) * (m1 - m0) * (m1 - m0);
    if (between > best) {
      best = between;
      threshold = v;
    }
  }
  if (threshold < 0) return gaps;
  std::vector<int> ink(static_cast<size_t>(x1 - x0), 0);
  for (int y = y0; y < y1; ++y) {
    const std::uint8_t* row = page.row(y);
    for (int x = x0; x < x1; ++x) ink[static_cast<size_t>(x - x0)] += row[x] <= threshold;
  }
  // A speck in the space ("TOMAS A CARTER" on a photocopy, two pixels of toner between the A and
  // the C) does not close it, nor one at the end of the box open a space before it: a few columns
  // of little ink (kSpeckColumnShare of the rows or fewer) with empty columns or the box's edge on
  // both sides are a speck. Letters' rounded edges and a decimal point's have such columns too,
  // but next to the letter or the point, so their gaps stay as they are.
  const int speck = static_cast<int>(kSpeckColumnShare * (y1 - y0));
  const int w = x1 - x0;
  for (int x = 0; x < w; ++x) {
    if (ink[static_cast<size_t>(x)] == 0 || (x > 0 && ink[static_cast<size_t>(x - 1)] != 0)) {
      continue;
    }
    int e = x;
    while (e < w && ink[static_cast<size_t>(e)] > 0 && ink[static_cast<size_t>(e)] <= speck) ++e;
    if ((e == w || ink[static_cast<size_t>(e)] == 0) && e - x <= std::max(1, speck)) {
      std::fill(ink.begin() + x, ink.begin() + e, 0);
    }
    x = e;
  }
  int run_start = -1;
  bool seen_ink = false;
  for (int x = x0; x < x1; ++x) {
    if (ink[static_cast<size_t>(x - x0)] == 0) {
      if (seen_ink && run_start < 0) run_start = x;
      continue;
    }
    if (run_start >= 0) gaps.push_back({run_start, x - run_start});
    run_start = -1;
    seen_ink = true;
  }
  return gaps;  // a run still open at the right edge is margin, not a gap
}

}  // namespace

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

size_t AlnumCount(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += IsAsciiAlnum(c);
  return n;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

bool IsConfidentWord(const RawWord& w) {
  return w.confidence >= kConfidentWord && CodePoints(w.text) >= 2 && !w.box.empty();
}

double MeanConfidence(const std::vector<RawWord>& raw, const std::vector<LayoutLine>& lines) {
  double sum = 0;
  size_t count = 0;
  for (const LayoutLine& line : lines) {
    for (int i : line.words) sum += raw[static_cast<size_t>(i)].confidence;
    count += line.words.size();
  }
  return count > 0 ? sum / static_cast<double>(count) : 0;
}

bool PageReadWell(const std::vector<RawWord>& raw, const std::vector<LayoutLine>& lines) {
  return MeanConfidence(raw, lines) >= kPageReadWell;
}

double ReadWellWordHeight(const std::vector<RawWord>& raw, const std::vector<LayoutLine>& lines) {
  std::vector<double> heights;
  for (const RawWord& w : raw) {
    if (IsConfidentWord(w)) heights.push_back(w.box.height);
  }
  if (heights.size() < 5 || !PageReadWell(raw, lines)) return 0;
  return Median(heights);
}

bool IsNumberShaped(std::string_view utf8) {
  const size_t digits = static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return IsAsciiDigit(static_cast<unsigned char>(c));
  }));
  return digits >= kNumberMinDigits && 2 * digits >= AlnumCount(utf8);
}

std::vector<int> DoubtfulNumbers(const std::vector<RawWord>& raw,
                                 const std::vector<LayoutLine>& lines) {
  std::vector<int> out;
  for (const LayoutLine& l : lines) {
    for (int i : l.words) {
      const RawWord& w = raw[static_cast<size_t>(i)];
      if (w.confidence < kDoubtfulNumber && !w.box.empty() && IsNumberShaped(w.text))
        out.push_back(i);
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](int a, int b) {
    return raw[static_cast<size_t>(a)].confidence < raw[static_cast<size_t>(b)].confidence;
  });
  if (out.size() > static_cast<size_t>(kMaxNumberRereads)) out.resize(kMaxNumberRereads);
  return out;
}

bool NumberRereadIsBetter(float before, std::string_view text, float confidence) {
  return IsNumberShaped(text) && confidence >= before + kNumberRereadGain &&
         confidence >= kNumberRereadFloor;
}

namespace {

// [begin, end) of the part of `s` from its first to its last ASCII letter or digit.
std::pair<size_t, size_t> AlnumCore(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && !IsAsciiAlnum(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && !IsAsciiAlnum(static_cast<unsigned char>(s[e - 1]))) --e;
  return {b, e};
}

}  // namespace

void TrimWordSpaces(RawWord& w) {
  const size_t b = w.text.find_first_not_of(" \t");
  if (b == std::string::npos) {
    w.text.clear();
    w.symbols.clear();
    return;
  }
  const size_t e = w.text.find_last_not_of(" \t") + 1;
  if (b == 0 && e == w.text.size()) return;
  w.text = w.text.substr(b, e - b);
  std::vector<SymbolSpan> kept;
  for (SymbolSpan s : w.symbols) {
    if (s.end <= b) continue;  // a space before the text
    if (s.end > e) break;      // a space after it
    s.end -= b;
    kept.push_back(s);
  }
  // Symbols that no longer spell the text exactly are no use to the split.
  if (kept.empty() || kept.back().end != w.text.size()) kept.clear();
  w.symbols = std::move(kept);
}

std::string MergeNumberReread(std::string_view first, std::string_view second) {
  const auto [fb, fe] = AlnumCore(first);
  const auto [sb, se] = AlnumCore(second);
  std::string out(first.substr(0, fb));
  out += second.substr(sb, se - sb);
  out += first.substr(fe);
  return out;
}

Box WordsBox(const std::vector<RawWord>& raw, const std::vector<int>& indices) {
  Box box;
  for (int i : indices) box = box.United(raw[static_cast<size_t>(i)].box);
  return box;
}

// Removes doubtful words whose geometry is not text's (see the constants above) from `lines`,
// recomputing the box of a line that lost words (Tesseract's line box includes them).
void DropImplausibleWords(const std::vector<RawWord>& raw, std::vector<LayoutLine>& lines,
                          int width, int height, double dpi) {
  std::vector<double> heights, advances;
  for (const RawWord& w : raw) {
    if (!IsConfidentWord(w)) continue;
    heights.push_back(w.box.height);
    advances.push_back(static_cast<double>(w.box.width) / CodePoints(w.text));
  }
  if (heights.size() < 5) return;
  const double h = Median(heights), a = Median(advances);
  const int side = static_cast<int>(kEdgeZoneSide * dpi),
            end = static_cast<int>(kEdgeZoneEnd * dpi);
  auto implausible = [&](const RawWord& w, bool confident_line) {
    if (w.box.empty()) return false;
    if (IsTallMarks(w.text) && w.box.height < kMinHeightRatio * h) return true;
    if (w.confidence >= kNoiseMarkConfidence) return false;
    const double advance =
        static_cast<double>(w.box.width) / std::max<size_t>(1, CodePoints(w.text));
    if (w.box.height < kMinHeightRatio * h || w.box.height > kMaxHeightRatio * h) return true;
    if (advance < kMinAdvanceRatio * a || advance > kMaxAdvanceRatio * a) return true;
    const bool at_edge = w.box.x < side || w.box.right() > width - side || w.box.y < end ||
                         w.box.bottom() > height - end;
    return at_edge && (w.confidence < kEdgeNoiseConfidence || !confident_line);
  };
  const bool page_read_well = PageReadWell(raw, lines);
  for (LayoutLine& line : lines) {
    const size_t before = line.words.size();
    if (page_read_well && std::all_of(line.words.begin(), line.words.end(), [&](int i) {
          const RawWord& w = raw[static_cast<size_t>(i)];
          return w.confidence < kEdgeNoiseConfidence && AlnumCount(w.text) < kFragmentAlnum;
        })) {
      line.words.clear();
      line.box = {};
      continue;
    }
    const bool confident_line = std::any_of(line.words.begin(), line.words.end(), [&](int i) {
      return raw[static_cast<size_t>(i)].confidence >= kConfidentWord;
    });
    std::erase_if(line.words,
                  [&](int i) { return implausible(raw[static_cast<size_t>(i)], confident_line); });
    if (line.words.size() != before) line.box = WordsBox(raw, line.words);
  }
}

void DropLoneDoubtfulWords(const std::vector<RawWord>& raw, std::vector<LayoutLine>& lines) {
  if (!PageReadWell(raw, lines)) return;
  for (LayoutLine& line : lines) {
    if (line.words.size() != 1) continue;
    const RawWord& w = raw[static_cast<size_t>(line.words.front())];
    if (w.confidence < kNoiseMarkConfidence && CodePoints(w.text) <= kLoneWordChars) {
      line.words.clear();
      line.box = {};
    }
  }
}

void DropGarbledLines(const std::vector<RawWord>& raw, std::vector<LayoutLine>& lines) {
  if (MeanConfidence(raw, lines) < kGarbledLinePage) return;
  for (LayoutLine& line : lines) {
    if (line.words.size() < 2) continue;
    double line_sum = 0;
    bool garbled = true;
    for (int i : line.words) {
      const RawWord& w = raw[static_cast<size_t>(i)];
      line_sum += w.confidence;
      garbled =
          garbled && w.confidence < kGarbledLineWord && AlnumCount(w.text) < kGarbledLineLongWord;
    }
    if (garbled && line_sum < kGarbledLineMean * static_cast<double>(line.words.size())) {
      line.words.clear();
      line.box = {};
    }
  }
}

std::vector<Box> UncoveredRegions(const std::vector<Box>& marks, const std::vector<Box>& covered,
                                  const Box& area, double word_height) {
  const double h = word_height;
  if (h <= 0) return {};
  const int pad = static_cast<int>(kMarkCoverPad * h);
  std::vector<Box> grown;
  grown.reserve(covered.size());
  for (const Box& c : covered) {
    if (!c.empty()) grown.push_back({c.x - pad, c.y - pad, c.width + 2 * pad, c.height + 2 * pad});
  }
  std::vector<Box> loose;
  for (const Box& m : marks) {
    if (m.height < kMarkMinHeight * h || m.height > kMarkMaxHeight * h ||
        m.width > kMarkMaxWidth * h)
      continue;
    const int cx = m.x + m.width / 2, cy = m.y + m.height / 2;
    if (cx < area.x || cx >= area.right() || cy < area.y || cy >= area.bottom()) continue;
    const bool inside = std::any_of(grown.begin(), grown.end(), [&](const Box& c) {
      return cx >= c.x && cx < c.right() && cy >= c.y && cy < c.bottom();
    });
    if (!inside) loose.push_back(m);
  }
  if (loose.size() > kMaxUncoveredMarks) return {};
  // Single-link grouping (union-find) of marks whose gaps are within the join distances.
  std::vector<size_t> parent(loose.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  const auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const int jx = static_cast<int>(kMarkJoinX * h), jy = static_cast<int>(kMarkJoinY * h);
  for (size_t i = 0; i < loose.size(); ++i) {
    for (size_t j = i + 1; j < loose.size(); ++j) {
      const Box& a = loose[i];
      const Box& b = loose[j];
      const int gap_x = std::max(a.x, b.x) - std::min(a.right(), b.right());
      const int gap_y = std::max(a.y, b.y) - std::min(a.bottom(), b.bottom());
      if (gap_x <= jx && gap_y <= jy) parent[find(i)] = find(j);
    }
  }
  std::vector<std::pair<size_t, Box>> regions(loose.size());
  for (size_t i = 0; i < loose.size(); ++i) {
    auto& r = regions[find(i)];
    ++r.first;
    r.second = r.second.United(loose[i]);
  }
  std::erase_if(regions, [](const auto& r) { return r.first < kMinRegionMarks; });
  std::stable_sort(regions.begin(), regions.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (regions.size() > static_cast<size_t>(kMaxRecoveries)) regions.resize(kMaxRecoveries);
  std::vector<Box> out;
  for (const auto& r : regions) out.push_back(r.second);
  return out;
}

bool HasAlnum(std::string_view utf8) {
  return std::any_of(utf8.begin(), utf8.end(),
                     [](char c) { return IsAsciiAlnum(static_cast<unsigned char>(c)); });
}

std::vector<Segment> DoubtfulSegments(const std::vector<RawWord>& raw,
                                      const std::vector<LayoutLine>& lines, double word_height) {
  std::vector<Segment> out;
  const double gap = kSegmentGap * word_height;
  for (size_t li = 0; li < lines.size(); ++li) {
    std::vector<int> words = lines[li].words;
    std::sort(words.begin(), words.end(), [&](int a, int b) {
      return raw[static_cast<size_t>(a)].box.x < raw[static_cast<size_t>(b)].box.x;
    });
    Segment seg;
    float least = 100;  // the segment's least confident word
    auto flush = [&] {
      if (seg.words.empty()) return;
      seg.confidence /= static_cast<float>(seg.words.size());
      // Two lines the line finder ran into one (a letterhead's address set tight: "Phone (614)
      // 555-0136" over "Fax (614) 555-0175" read "Phone era 2e0 0136" in words twice the text's
      // height) read well in parts, so the mean alone does not find them.
      const bool merged_lines =
          least < kDoubtfulSegment && seg.box.height >= kMergedLineHeight * word_height;
      if (seg.confidence < kDoubtfulSegment || merged_lines) out.push_back(seg);
      seg = Segment{};
      least = 100;
    };
    for (int wi : words) {
      const RawWord& w = raw[static_cast<size_t>(wi)];
      if (!seg.words.empty() && w.box.x - seg.box.right() > gap) flush();
      seg.line = li;
      seg.words.push_back(wi);
      seg.box = seg.box.United(w.box);
      seg.confidence += w.confidence;
      least = std::min(least, w.confidence);
    }
    flush();
  }
  // The least confident first, when there are more than kMaxRereads.
  std::stable_sort(out.begin(), out.end(),
                   [](const Segment& a, const Segment& b) { return a.confidence < b.confidence; });
  if (out.size() > static_cast<size_t>(kMaxRereads)) out.resize(kMaxRereads);
  return out;
}

namespace {

constexpr std::string_view kOpenQuotes[] = {"\u2018", "\u201C"};
constexpr std::string_view kCloseQuotes[] = {"\u2019", "\u201D"};

bool IsLowerAscii(char c) { return c >= 'a' && c <= 'z'; }

// "word." with kMinDotWordLetters or more lower-case letters before the period.
bool IsLowerWordWithPeriod(std::string_view t) {
  if (t.size() < kMinDotWordLetters + 1 || t.back() != '.') return false;
  const std::string_view letters = t.substr(0, t.size() - 1);
  return std::all_of(letters.begin(), letters.end(), IsLowerAscii);
}

bool IsDottedAbbreviation(std::string_view letters) {
  return std::find(std::begin(kDottedAbbreviations), std::end(kDottedAbbreviations), letters) !=
         std::end(kDottedAbbreviations);
}

// The length of the opening quote `t` starts with when a letter or digit follows it, else 0.
size_t LeadingOpenQuote(std::string_view t) {
  for (std::string_view q : kOpenQuotes) {
    if (t.size() > q.size() && t.substr(0, q.size()) == q &&
        IsAsciiAlnum(static_cast<unsigned char>(t[q.size()])))
      return q.size();
  }
  return 0;
}

bool HasCloseQuote(std::string_view t) {
  return std::any_of(std::begin(kCloseQuotes), std::end(kCloseQuotes),
                     [&](std::string_view q) { return t.find(q) != std::string_view::npos; });
}

}  // namespace

void DropStrayPunctuation(std::vector<Word>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    std::string& t = words[i].text;
    if (const size_t q = LeadingOpenQuote(t); q > 0) {
      bool closed = false;
      for (size_t j = i; j < words.size() && j <= i + kQuoteReach && !closed; ++j) {
        if (words[j].line != words[i].line) break;
        closed = HasCloseQuote(j == i ? std::string_view(t).substr(q) : words[j].text);
      }
      if (!closed) t.erase(0, q);
    }
    if (i + 1 < words.size() && IsLowerWordWithPeriod(t) && !words[i + 1].text.empty() &&
        IsLowerAscii(words[i + 1].text.front()) &&
        !IsDottedAbbreviation(std::string_view(t).substr(0, t.size() - 1))) {
      t.pop_back();
    }
  }
}

int SplitJoinedWords(const ImageView& page, std::vector<RawWord>& raw,
                     std::vector<LayoutLine>& lines) {
  if (page.empty() || page.format() != PixelFormat::kGray8) return 0;
  // Word spacing: per line where it has two gaps or more, else the page's per word height.
  std::vector<double> line_space(lines.size(), 0), ratios;
  for (size_t li = 0; li < lines.size(); ++li) {
    std::vector<int> order = lines[li].words;
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      return raw[static_cast<size_t>(a)].box.x < raw[static_cast<size_t>(b)].box.x;
    });
    std::vector<double> gaps;
    for (size_t k = 1; k < order.size(); ++k) {
      const Box& a = raw[static_cast<size_t>(order[k - 1])].box;
      const Box& b = raw[static_cast<size_t>(order[k])].box;
      const int gap = b.x - a.right(), h = std::max(a.height, b.height);
      if (gap <= 0 || h <= 0 || gap >= kMaxSpaceHeights * h) continue;
      gaps.push_back(gap);
      ratios.push_back(static_cast<double>(gap) / h);
    }
    if (gaps.size() >= 2) line_space[li] = Median(gaps);
  }
  const double page_ratio = Median(ratios);

  int split = 0;
  for (size_t li = 0; li < lines.size(); ++li) {
    for (size_t k = 0; k < lines[li].words.size(); ++k) {
      const size_t wi = static_cast<size_t>(lines[li].words[k]);
      if (raw[wi].symbols.size() < 2 || raw[wi].box.empty() || !MayBeJoined(raw[wi])) continue;
      const Box box = raw[wi].box;
      const double space = line_space[li] > 0 ? line_space[li] : page_ratio * box.height;
      if (space <= 0) continue;
      const std::vector<ColumnGap> gaps = InkGaps(page, box);
      if (gaps.empty()) continue;
      ColumnGap widest;
      int next = 0;
      for (const ColumnGap& g : gaps) {
        if (g.length > widest.length) {
          next = widest.length;
          widest = g;
        } else {
          next = std::max(next, g.length);
        }
      }
      if (widest.length < kSplitSpaceShare * space ||
          widest.length < kSplitMinHeights * box.height ||
          widest.length < kSplitStandOut * std::max(1, next)) {
        continue;
      }
      const std::vector<SymbolSpan>& symbols = raw[wi].symbols;
      const double centre = widest.start + widest.length / 2.0;
      size_t left = 0;
      bool ordered = true;
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i > 0 && symbols[i].left < symbols[i - 1].left) ordered = false;
        if (symbols[i].left < centre) left = i + 1;
      }
      if (!ordered || left == 0 || left == symbols.size()) continue;
      const size_t cut = symbols[left - 1].end;
      const std::string first = raw[wi].text.substr(0, cut);
      const std::string rest = raw[wi].text.substr(cut);
      if (!IsJoinedPair(first, rest)) continue;
      RawWord second;
      second.text = rest;
      const int second_x = widest.start + widest.length;
      second.box = {second_x, box.y, box.right() - second_x, box.height};
      second.confidence = raw[wi].confidence;
      second.line = raw[wi].line;
      for (size_t i = left; i < symbols.size(); ++i) {
        second.symbols.push_back({symbols[i].left, symbols[i].right, symbols[i].end - cut});
      }
      RawWord& w = raw[wi];
      w.text = first;
      w.box.width = widest.start - box.x;
      w.symbols.resize(left);
      raw.push_back(std::move(second));
      lines[li].words.insert(lines[li].words.begin() + static_cast<std::ptrdiff_t>(k) + 1,
                             static_cast<int>(raw.size()) - 1);
      ++split;
    }
  }
  return split;
}

}  // namespace chartscan::ocr
