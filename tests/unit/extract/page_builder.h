// Builds PageText fixtures for extraction tests: words placed at explicit positions, 20 pixels per
// character, 30 pixels high, one line per call.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <chartscan/models/page.h>

namespace chartscan::extract::testing {

class PageBuilder {
 public:
  static constexpr int kCharWidth = 20;
  static constexpr int kHeight = 30;

  // Words at x positions on a line at y; confidence 0-100.
  PageBuilder& Line(int y, const std::vector<std::pair<std::string, int>>& words,
                    float confidence = 95) {
    const int line = static_cast<int>(page_.lines.size());
    Box box;
    for (const auto& [text, x] : words) {
      Word w;
      w.text = text;
      w.box = {x, y, static_cast<int>(text.size()) * kCharWidth, kHeight};
      w.confidence = confidence;
      w.line = line;
      box = box.United(w.box);
      page_.words.push_back(std::move(w));
    }
    page_.lines.push_back({box, line});
    return *this;
  }

  // A line of running text starting at x, words one space apart.
  PageBuilder& Text(int y, const std::string& text, int x = 100, float confidence = 95) {
    std::vector<std::pair<std::string, int>> words;
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t j = text.find(' ', i);
      if (j == std::string::npos) j = text.size();
      if (j > i) words.emplace_back(text.substr(i, j - i), x + static_cast<int>(i) * kCharWidth);
      i = j + 1;
    }
    return Line(y, words, confidence);
  }

  PageText Build() {
    FinalizePageText(page_);
    page_.origin = TextOrigin::kOcr;
    return page_;
  }

 private:
  PageText page_;
};

}  // namespace chartscan::extract::testing
