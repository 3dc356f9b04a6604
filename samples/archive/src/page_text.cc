#include "page_text.h"

#include <cctype>

namespace chartscan::samples::archive {
namespace {

bool HasDigit(std::string_view s) {
  for (char c : s) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

constexpr std::string_view kLeading = "(\"[";
constexpr std::string_view kTrailing = ".,;:)\"]%";

}  // namespace

LineBuilder& LineBuilder::Text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j == i) break;
    std::string_view w = text.substr(i, j - i);
    Piece p;
    std::size_t a = 0;
    while (a < w.size() && kLeading.find(w[a]) != std::string_view::npos) ++a;
    std::size_t b = w.size();
    while (b > a && kTrailing.find(w[b - 1]) != std::string_view::npos) --b;
    p.before = std::string(w.substr(0, a));
    p.text = std::string(w.substr(a, b - a));
    p.after = std::string(w.substr(b));
    p.kind = HasDigit(p.text) ? PieceKind::kIdentifier : PieceKind::kPlain;
    if (p.text.empty()) p.kind = PieceKind::kLabel;
    line_.push_back(std::move(p));
    i = j;
  }
  return *this;
}

LineBuilder& LineBuilder::Label(std::string_view text) {
  Piece p;
  p.text = std::string(text);
  p.kind = PieceKind::kLabel;
  line_.push_back(std::move(p));
  return *this;
}

LineBuilder& LineBuilder::Name(std::string_view word, std::string_view field) {
  Piece p;
  p.text = std::string(word);
  p.kind = PieceKind::kName;
  p.field = std::string(field);
  line_.push_back(std::move(p));
  return *this;
}

LineBuilder& LineBuilder::Id(std::string_view value, std::string_view field,
                             std::string_view before, std::string_view after) {
  Piece p;
  p.before = std::string(before);
  p.text = std::string(value);
  p.after = std::string(after);
  p.kind = PieceKind::kIdentifier;
  p.field = std::string(field);
  line_.push_back(std::move(p));
  return *this;
}

LineBuilder& LineBuilder::After(std::string_view punct) {
  if (!line_.empty()) line_.back().after = std::string(punct);
  return *this;
}

LineBuilder& LineBuilder::Gap() {
  if (!line_.empty()) line_.back().sep = "  ";
  return *this;
}

Line LineBuilder::Take() {
  Line out = std::move(line_);
  line_.clear();
  return out;
}

std::string RenderLine(const Line& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const Piece& p = line[i];
    out += p.before;
    out += p.text;
    out += p.after;
    if (i + 1 < line.size()) out += p.sep;
  }
  return out;
}

int CountWords(std::string_view text) {
  int n = 0;
  bool in = false;
  for (char c : text) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

}  // namespace chartscan::samples::archive
