// Small text helpers shared by the extractor's parts (internal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/geometry.h>
#include <chartscan/models/page.h>

namespace chartscan::extract::internal {

std::string Lower(std::string_view s);
// Lower-case letters, digits and '#' only: "Med Rec #:" -> "medrec#".
std::string LabelKey(std::string_view s);
// Levenshtein distance, giving up (returning limit + 1) once it exceeds limit.
int BoundedEditDistance(std::string_view a, std::string_view b, int limit);
int LetterCount(std::string_view s);
// Not empty, and nothing but digits: "03", "2024".
bool AllDigits(std::string_view s);

struct Token {
  std::string text;
  Box box;
  double confidence = 0;  // 0-100
};

struct Line {
  int index = 0;  // into PageText::lines (or the order of first appearance)
  Box box;
  std::vector<Token> tokens;  // left to right
};

// Words grouped by line in reading order, each line's words left to right. A word holding a
// label glued to its value ("MRN:00123") is split after the colon, its box divided by characters.
std::vector<Line> TokenizePage(const PageText& page);

// Words of text split on spaces.
std::vector<std::string_view> SplitSpaces(std::string_view text);

}  // namespace chartscan::extract::internal
