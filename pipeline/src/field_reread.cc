#include "field_reread.h"

#include <algorithm>
#include <string>
#include <utility>

namespace chartscan::pipeline::internal {
namespace {

// A word whose box reaches this far into the box from outside it is cut by its edge.
constexpr double kCutFraction = 0.25;
// A second reading is clear when its words' mean confidence (0-100) is kClearWords or more and
// the value it gives has a field confidence of kValueFloor or more (a failed NPI check digit, at
// 0.35, does not). The field's own confidence then counts the label and the placement as for any
// reading, and decides whether the value goes to review. Of the second readings kept on held-out
// batches, names read at a mean of 84 were wrong ("ARA(76) FLORES(92)" for Ana Flores), and
// readings past the review threshold only, 2 times in 3 ("HARGLD KIM" at 0.63, an NPI two digits
// off at 0.66 passing its check digit).
constexpr double kClearWords = 85;
constexpr double kValueFloor = 0.5;
// Readings of one page at most (each a small image, ~20 ms): a page of garbled values is sent to
// review, not read over and over.
constexpr int kMaxReadsPerPage = 15;

int CentreX(const Box& b) { return b.x + b.width / 2; }
int CentreY(const Box& b) { return b.y + b.height / 2; }

// The name of a field that goes with `name` (the family name read with a patient's name).
bool SameField(const std::string& field, const std::string& name) {
  return name == field || (field == "patient_name" && name == "patient_family_name");
}

// (name, normalized) of the fields other than the one read again, and of that one away from `box`,
// sorted: what a second reading must leave as it was.
std::vector<std::pair<std::string, std::string>> Others(const std::vector<Field>& fields,
                                                        const std::string& field, const Box& box) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Field& f : fields) {
    if (SameField(field, f.name) && f.box.Intersects(box)) continue;
    out.emplace_back(f.name, f.normalized);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Field* At(const std::vector<Field>& fields, const std::string& name, const Box& box) {
  for (const Field& f : fields) {
    if (f.name == name && f.box.Intersects(box)) return &f;
  }
  return nullptr;
}

}  // namespace

bool ReplaceWordsIn(PageText& text, const Box& box, std::vector<Word> words) {
  std::vector<std::size_t> inside;
  for (std::size_t i = 0; i < text.words.size(); ++i) {
    const Box& b = text.words[i].box;
    // Vertically the box is the line's text band; a word's marks may reach past it, by half a
    // line at most (the lines above and below are centred a line or more away).
    const bool centred = CentreX(b) >= box.x && CentreX(b) < box.right() &&
                         CentreY(b) >= box.y - box.height / 2 &&
                         CentreY(b) < box.bottom() + box.height / 2;
    if (centred) inside.push_back(i);
  }
  if (inside.empty()) return false;
  const int line = text.words[inside.front()].line;
  for (std::size_t i : inside) {
    const Box& b = text.words[i].box;
    const int outside = std::max(0, box.x - b.x) + std::max(0, b.right() - box.right());
    if (text.words[i].line != line || outside > kCutFraction * b.width) return false;
  }
  for (std::size_t i = 0; i < text.words.size(); ++i) {
    const Word& w = text.words[i];
    if (w.line != line || std::find(inside.begin(), inside.end(), i) != inside.end()) continue;
    const int overlap = std::min(w.box.right(), box.right()) - std::max(w.box.x, box.x);
    if (overlap > kCutFraction * w.box.width) return false;
  }
  std::sort(words.begin(), words.end(),
            [](const Word& a, const Word& b) { return a.box.x < b.box.x; });
  for (Word& w : words) w.line = line;
  for (auto it = inside.rbegin(); it != inside.rend(); ++it) {
    text.words.erase(text.words.begin() + static_cast<long>(*it));
  }
  text.words.insert(text.words.begin() + static_cast<long>(inside.front()),
                    std::make_move_iterator(words.begin()), std::make_move_iterator(words.end()));
  FinalizePageText(text);
  return true;
}

RereadCount RereadFieldValues(const extract::Extractor& extractor, int page_index,
                              const std::vector<extract::ValueToReread>& todo,
                              const ReadLineFn& read_line, PageText& text,
                              std::vector<Field>& fields) {
  RereadCount count;
  int reads = 0;
  for (const extract::ValueToReread& r : todo) {
    const Field* before = At(fields, r.field, r.box);
    const auto others = Others(fields, r.field, r.box);
    const Box& b = r.box;
    const int h = b.height;
    const Box variants[] = {b,
                            {b.x, b.y - h / 8, b.width, h + h / 4},
                            {b.x, b.y + h / 8, b.width, h - h / 4},
                            {b.x - h / 2, b.y, b.width + h, h},
                            {b.x - h / 2, b.y - h / 8, b.width + h, h + h / 4}};
    ++count.read;
    std::string value;  // what the readings so far gave
    for (const Box& box : variants) {
      if (reads == kMaxReadsPerPage) break;
      ++reads;
      Result<std::vector<Word>> read = read_line(box);
      if (!read.ok()) break;
      // Only what lies over the value: the padding around it catches the neighbours' edges.
      std::vector<Word> words;
      for (Word& w : *read) {
        if (CentreX(w.box) >= b.x && CentreX(w.box) < b.right()) words.push_back(std::move(w));
      }
      if (words.empty()) continue;
      double mean = 0;
      for (const Word& w : words) mean += w.confidence;
      mean /= static_cast<double>(words.size());
      PageText second = text;
      if (!ReplaceWordsIn(second, b, std::move(words))) continue;
      std::vector<Field> found = extractor.ExtractPage(second, page_index);
      const Field* after = At(found, r.field, b);
      if (after == nullptr || Others(found, r.field, b) != others) continue;
      // Readings that give different values show how unsure the value is ("AMA FLORES",
      // "ARA FLORES", then a clear "SRA FLORES" for Ana Flores): a clear one after them is no
      // more to be trusted than they are.
      if (!value.empty() && value != after->normalized) break;
      value = after->normalized;
      if (mean < kClearWords || after->confidence < kValueFloor) continue;
      // A different value is no confirmation: the first reading stays, for review.
      if (before != nullptr &&
          (before->normalized != after->normalized || after->confidence <= before->confidence)) {
        break;
      }
      text = std::move(second);
      fields = std::move(found);
      ++count.kept;
      break;
    }
  }
  return count;
}

}  // namespace chartscan::pipeline::internal
