// Document type classification; the method and its parameters are described in classify.h.
#include <algorithm>
#include <cctype>
#include <cmath>

#include <chartscan/extract/classify.h>

#include "text_util.h"

namespace chartscan::extract {
namespace {

constexpr double kTitleWeight = 5.0;
constexpr int kTitleSearchLines = 14;    // titles sit in the first lines of a page
constexpr double kLargeLineRatio = 1.2;  // a title line is this much taller than the median line
constexpr int kMaxKeywordCount = 3;
constexpr double kMinEvidence = 1.0;  // below this best score the page is "other"
constexpr double kFirstPageWeight = 2.0;
constexpr std::size_t kMinLayoutLines = 8;
constexpr double kMinTitleScore = 0.7;  // FindTitleType: a near match of a large line or better

// Lower-case words of letters, digits and a few symbols, joined by single spaces, with spaces
// around the text so phrase search can require word boundaries.
std::string Normalize(std::string_view s) {
  std::string out = " ";
  bool space = true;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '&' || c == '/' || c == '-') {
      out.push_back(static_cast<char>(std::tolower(u)));
      space = false;
    } else if (!space) {
      out.push_back(' ');
      space = true;
    }
  }
  if (!space) out.push_back(' ');
  return out;
}

int CountPhrase(const std::string& text, const std::string& phrase) {
  if (phrase.size() <= 2) return 0;
  int n = 0;
  for (std::size_t pos = text.find(phrase); pos != std::string::npos;
       pos = text.find(phrase, pos + 1)) {
    ++n;
  }
  return n;
}

struct LineText {
  std::string text;
  int height = 0;
};

double TitleScore(const std::vector<LineText>& top, double median_height,
                  const std::vector<std::string>& titles) {
  double best = 0;
  for (const LineText& l : top) {
    const bool large = median_height > 0 && l.height >= kLargeLineRatio * median_height;
    for (const std::string& t : titles) {
      const std::string nt = Normalize(t);
      if (l.text == nt) {
        best = std::max(best, 1.0);
      } else if (large && l.text.find(nt) != std::string::npos) {
        best = std::max(best, 0.8);
      } else if (large) {
        const int letters = internal::LetterCount(nt);
        const int limit = std::max(1, letters / 8);
        if (internal::BoundedEditDistance(l.text, nt, limit) <= limit) best = std::max(best, 0.7);
      }
    }
  }
  return best;
}

}  // namespace

std::map<std::string, double> ScoreDocumentType(const PageText& page, const DocTypeRules& rules) {
  std::vector<internal::Line> lines = internal::TokenizePage(page);
  std::vector<LineText> texts;
  std::vector<int> heights;
  int numeric_lines = 0;
  std::string all;
  for (const internal::Line& l : lines) {
    std::string s;
    int numbers = 0;
    for (const internal::Token& t : l.tokens) {
      s += (s.empty() ? "" : " ") + t.text;
      if (std::any_of(t.text.begin(), t.text.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        ++numbers;
      }
    }
    if (numbers >= 2 && 2 * numbers >= static_cast<int>(l.tokens.size())) ++numeric_lines;
    texts.push_back({Normalize(s), l.box.height});
    heights.push_back(l.box.height);
    all += s + "\n";
  }
  double median = 0;
  if (!heights.empty()) {
    std::vector<int> h = heights;
    std::nth_element(h.begin(), h.begin() + static_cast<long>(h.size() / 2), h.end());
    median = h[h.size() / 2];
  }
  std::vector<LineText> top(texts.begin(),
                            texts.begin() + std::min<std::size_t>(texts.size(), kTitleSearchLines));
  const std::string text = Normalize(all);
  // A share of a handful of lines (a lone "Page 2 of 2") says nothing about layout.
  const double numeric_share =
      lines.size() < kMinLayoutLines
          ? 0
          : static_cast<double>(numeric_lines) / static_cast<double>(lines.size());

  std::map<std::string, double> scores;
  for (const DocTypeRule& r : rules.types()) {
    double kw = 0;
    for (const auto& [phrase, weight] : r.keywords) {
      kw += weight * std::min(kMaxKeywordCount, CountPhrase(text, Normalize(phrase)));
    }
    kw += r.numeric_lines * numeric_share;
    scores[r.name] = kTitleWeight * TitleScore(top, median, r.titles) + std::log1p(kw);
  }
  return scores;
}

std::string FindTitleType(const PageText& page, const DocTypeRules& rules) {
  std::vector<internal::Line> lines = internal::TokenizePage(page);
  std::vector<LineText> top;
  std::vector<int> heights;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    heights.push_back(lines[i].box.height);
    if (i >= static_cast<std::size_t>(kTitleSearchLines)) continue;
    std::string s;
    for (const internal::Token& t : lines[i].tokens) s += (s.empty() ? "" : " ") + t.text;
    top.push_back({Normalize(s), lines[i].box.height});
  }
  double median = 0;
  if (!heights.empty()) {
    std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                     heights.end());
    median = heights[heights.size() / 2];
  }
  std::string best_type;
  double best = 0;
  for (const DocTypeRule& r : rules.types()) {
    const double score = TitleScore(top, median, r.titles);
    if (score >= kMinTitleScore && score > best) {
      best = score;
      best_type = r.name;
    }
  }
  return best_type;
}

DocumentType DecideDocumentType(const std::map<std::string, double>& scores,
                                double review_threshold) {
  DocumentType out;
  out.name = "other";
  double best = -1;
  for (const auto& [name, s] : scores) {
    if (s > best) {
      best = s;
      out.name = name;
    }
  }
  if (best < kMinEvidence) {
    out.name = "other";
    out.confidence = 0.5;
    out.needs_review = true;
    return out;
  }
  double sum = 0;
  for (const auto& [name, s] : scores) sum += std::exp(s - best);
  out.confidence = 1.0 / sum;
  out.needs_review = out.confidence < review_threshold;
  return out;
}

DocumentType ClassifyPage(const PageText& page, const DocTypeRules& rules,
                          double review_threshold) {
  return DecideDocumentType(ScoreDocumentType(page, rules), review_threshold);
}

DocumentType ClassifyDocument(std::span<const PageText> pages, const DocTypeRules& rules,
                              double review_threshold) {
  std::map<std::string, double> sum;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const double w = i == 0 ? kFirstPageWeight : 1.0;
    for (const auto& [name, s] : ScoreDocumentType(pages[i], rules)) sum[name] += w * s;
  }
  double total_weight =
      pages.empty() ? 1 : kFirstPageWeight + static_cast<double>(pages.size() - 1);
  for (auto& [name, s] : sum) s /= total_weight / 2;  // keep the first page's scale
  return DecideDocumentType(sum, review_threshold);
}

}  // namespace chartscan::extract
