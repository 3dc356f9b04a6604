// Field extraction from one page. Method:
// 1. Words are grouped into lines, left to right (text_util.h).
// 2. Labels: at each word, the longest label whose key (lower-case letters, digits and '#') equals
//    the key of the next 1-5 words, exactly or within one edit for labels of kFuzzyMinLetters or
//    more letters. A label without a colon must start with a capital (so prose such as "the
//    patient is" is not a label).
// 3. Values: a label's value is parsed by its field's type from the words after it, up to the next
//    label. When no words follow, the labels with nothing after them are looked up BELOW: on the
//    nearest following line within kBelowMaxGap line heights that overlaps them horizontally. That
//    line is cut into cells at gaps wider than kCellGap word heights; cells go to the label whose
//    column they start in; with no usable gaps the values are parsed in label order, each type
//    consuming what it recognizes.
// 4. Facility: among the first kFacilityLines lines, the first whose last words are a facility
//    keyword ("Medical Center") and which holds only name-like words.
// 5. Codes: every word not used by a label or value is tried as an ICD-10-CM, CPT and HCPCS code;
//    context (keywords before it, parentheses, a following " - description", or presence in the
//    code list) decides, and negative context (a state abbreviation before a ZIP code, "$" or a
//    decimal amount, a unit after a lab value, an identifier label) vetoes a CPT/HCPCS reading.
//    A reading in a code's place that is no listed code is then matched with the codes the words
//    of its line name (CodesNamedBeside, CodeNamedOnLine in codes.h).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <chartscan/extract/extractor.h>
#include <chartscan/extract/identifiers.h>

#include "text_util.h"

namespace chartscan::extract {
namespace {

using internal::LabelKey;
using internal::Line;
using internal::Token;

constexpr int kFuzzyMinLetters = 5;
constexpr int kFuzzyFirstLetterMin = 7;       // letters: a misread first letter is tolerated
constexpr std::size_t kConfusableMaxKey = 4;  // abbreviations such as DOB/DOS
constexpr int kBirthBeforeServiceYears = 2;   // a birth date this much before a service date
constexpr int kMaxLabelWords = 5;
constexpr double kFuzzyLabelQuality = 0.85;
// Letters from which a record number's label read with two letters wrong is still taken
// ("medicalreeard" for "medicalrecord"): words that long are still far from any other label.
constexpr int kTwoEditLabelLetters = 12;
constexpr double kNoColonLabelQuality = 0.95;
constexpr double kBelowQuality = 0.95;
constexpr double kWrapQuality = 0.9;      // value continued on the next line
constexpr double kBelowMaxGap = 1.6;      // line heights between a label row and its values
constexpr double kCellGap = 1.5;          // word heights: a wider gap separates form cells...
constexpr double kCellGapToMedian = 2.5;  // ...if also this much wider than the median gap
constexpr int kFacilityLines = 10;
constexpr double kFacilityQuality = 0.9;
constexpr double kCodeWithoutContext = 0.75;         // known code, no keyword or pattern around it
constexpr double kNamedAlternativeConfidence = 0.8;  // a digit corrected by the description
constexpr double kNamedEditPenalty = 0.3;  // per OCR edit between a reading and the code named:
                                           // one edit beyond a confusion goes to review
constexpr int kContextWords = 3;
constexpr int kMinCheckedMrnDigits = 5;          // a record number proving a misread label
constexpr std::size_t kMaxIdentifierGroups = 3;  // digit groups joined into one record number
constexpr double kJoinedGroupsQuality = 0.9;
constexpr double kInferredQuality = 0.5;      // an identity value known by its shape, not its label
constexpr std::size_t kNpiRemnantLength = 4;  // what is left of a misread NPI label ("NPL#")

struct CompiledLabel {
  std::string key;
  int letters = 0;
  const FieldRule* field = nullptr;
  std::string role;
  // A label of another date field one misread letter away ("DOS" / "DOB"): which of the two was
  // printed is settled by the dates found (ResolveConfusedDates).
  const CompiledLabel* confusable = nullptr;
};

struct LabelHit {
  std::size_t begin = 0, end = 0;  // token range
  const CompiledLabel* label = nullptr;
  double quality = 1;
  bool colon = false;
  bool tail_only = false;  // the first words of a label that ends on the next line
  bool done = false;       // a value was found
};

struct Parsed {
  std::string normalized;
  std::string extra;  // patient family name
  double confidence = 0;
  std::size_t used = 0;  // tokens
  bool valid = true;
};

bool StartsUpper(std::string_view s) {
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      return std::isupper(static_cast<unsigned char>(c)) != 0;
    }
  }
  return false;
}

// The first letter or digit is a letter: a label may carry a stray quote or speck before it
// ("‘Birthdate:"), a value may not start with a letter where a label would.
bool StartsWithLetter(std::string_view s) {
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      return std::isalpha(static_cast<unsigned char>(c)) != 0;
    }
  }
  return false;
}

// The year of an ISO date ("1962-06-02").
int YearOf(const std::string& iso) { return std::atoi(iso.substr(0, 4).c_str()); }

bool HasAlnum(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

bool HasDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string Join(const std::vector<Token>& t, std::size_t b, std::size_t e) {
  std::string s;
  for (std::size_t i = b; i < e; ++i) s += (i == b ? "" : " ") + t[i].text;
  return s;
}

class PageExtractor {
 public:
  PageExtractor(const ExtractOptions& o, const CivilDate& reference, const PageText& page,
                int page_index, std::vector<ValueToReread>* reread = nullptr)
      : reread_(reread),
        options_(o),
        rules_(o.field_rules ? *o.field_rules : FieldRules::BuiltIn()),
        codes_(o.codes ? *o.codes : CodeSet::BuiltIn()),
        reference_(reference),
        page_index_(page_index),
        lines_(internal::TokenizePage(page)) {
    for (const FieldRule& f : rules_.fields()) {
      for (const LabelRule& l : f.labels) {
        CompiledLabel c{LabelKey(l.text), internal::LetterCount(l.text), &f, l.role};
        if (c.key.empty()) continue;
        max_key_ = std::max(max_key_, c.key.size());
        labels_.push_back(std::move(c));
      }
      if (f.type == ValueType::kIcd10 || f.type == ValueType::kCpt || f.type == ValueType::kHcpcs) {
        for (const std::string& k : f.keywords) code_context_[f.type].insert(LabelKey(k));
      }
    }
    for (const CompiledLabel& c : labels_) exact_.emplace(c.key, &c);
    for (CompiledLabel& a : labels_) {
      if (a.field->type != ValueType::kDate || a.key.size() > kConfusableMaxKey) continue;
      for (const CompiledLabel& b : labels_) {
        if (b.field == a.field || b.field->type != ValueType::kDate || !b.field->output ||
            b.field->birth_date == a.field->birth_date || b.key.size() != a.key.size()) {
          continue;
        }
        if (internal::BoundedEditDistance(a.key, b.key, 1) == 1) a.confusable = &b;
      }
    }
    // A date label that ends a birth-date label ("Date" of "Birth Date") is what is left of that
    // label when its first word is misread past matching ("Brith Date:" on a fax): which of the
    // two it was is settled by the dates found, as for a misread letter.
    for (CompiledLabel& a : labels_) {
      if (a.field->type != ValueType::kDate || a.field->birth_date || a.confusable) continue;
      for (const CompiledLabel& b : labels_) {
        if (b.field->type == ValueType::kDate && b.field->birth_date && b.field->output &&
            b.key.size() > a.key.size() && b.key.ends_with(a.key)) {
          a.confusable = &b;
          break;
        }
      }
    }
    used_.resize(lines_.size());
    hits_.resize(lines_.size());
    skip_.assign(lines_.size(), 0);
    for (std::size_t i = 0; i < lines_.size(); ++i) used_[i].assign(lines_[i].tokens.size(), false);
    cont_.assign(lines_.size(), false);
    for (std::size_t i = 0; i + 1 < lines_.size(); ++i) cont_[i] = Continues(i);
  }

  std::vector<Field> Run() {
    for (std::size_t i = 0; i < lines_.size(); ++i) FindLabels(i);
    for (std::size_t i = 0; i < lines_.size(); ++i) JoinLabelsWrappedInCells(i);
    for (std::size_t i = 0; i < lines_.size(); ++i) ValuesRight(i);
    for (std::size_t i = 0; i < lines_.size(); ++i) ValuesBelow(i);
    for (std::size_t i = 0; i < lines_.size(); ++i) ValuesWrapped(i);
    ResolveConfusedDates();
    InferUnlabeledIdentityCells();
    InferBirthDateAfterMisreadShortLabel();
    InferNpiUnderMisreadLabel();
    Facility();
    Codes();
    CodesNamedBeside();
    DoubtServiceDatesWithATwin();
    if (reread_) ListRereads();
    std::stable_sort(out_.begin(), out_.end(), [](const Field& a, const Field& b) {
      return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
    });
    return std::move(out_);
  }

 private:
  struct Ref {
    std::size_t line = 0, token = 0;
  };

  // Line li+1 carries on line li's text (a run-in header wrapped by the layout): it starts at
  // the left edge of line li, right below it.
  bool Continues(std::size_t li) const {
    const Line& a = lines_[li];
    const Line& b = lines_[li + 1];
    if (a.tokens.empty() || b.tokens.empty()) return false;
    const int h = std::max({1, a.box.height, b.box.height});
    const int gap = b.box.y - a.box.bottom();
    return b.box.y > a.box.y + h / 2 && gap < h && std::abs(b.box.x - a.box.x) < 2 * h;
  }

  // ---- Labels ------------------------------------------------------------------------------
  const CompiledLabel* MatchKey(const std::string& key, double& quality) const {
    auto it = exact_.find(key);
    if (it != exact_.end()) {
      quality = 1;
      return it->second;
    }
    if (internal::LetterCount(key) < kFuzzyMinLetters) return nullptr;
    for (const CompiledLabel& c : labels_) {
      // The first letter must agree: an extra word before a label is not a misread...
      if (c.letters < kFuzzyMinLetters) continue;
      if (c.key[0] != key[0]) {
        // ...but a long label whose first letter alone was misread ("Rirthdate") is.
        if (c.letters >= kFuzzyFirstLetterMin && c.key.size() == key.size() &&
            std::string_view(c.key).substr(1) == std::string_view(key).substr(1)) {
          quality = kFuzzyLabelQuality;
          return &c;
        }
        continue;
      }
      if (internal::BoundedEditDistance(key, c.key, 1) <= 1) {
        quality = kFuzzyLabelQuality;
        return &c;
      }
    }
    // A long label of a record number two letters off ("Medical Reeard" on a fax), only when no
    // label is one off: its value must still read as an identifier, and the label ends the
    // patient's name before it ("Brown, Jacob Medical Reeard" was the name JACOB MEDICAL REEARD
    // BROWN). Labels of names and dates are left to one letter: a garbled "Elecwonically signed
    // by" line, taken for its label, gave its garbled name ("Jason Loag") over the header's.
    if (internal::LetterCount(key) >= kTwoEditLabelLetters) {
      for (const CompiledLabel& c : labels_) {
        if (c.letters < kTwoEditLabelLetters || c.key[0] != key[0] ||
            c.field->type != ValueType::kIdentifier) {
          continue;
        }
        if (internal::BoundedEditDistance(key, c.key, 2) <= 2) {
          quality = kFuzzyLabelQuality;
          return &c;
        }
      }
    }
    return nullptr;
  }

  // The lower median of `v` (0 for none).
  static int LowerMedian(std::vector<int> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + static_cast<long>((v.size() - 1) / 2), v.end());
    return v[(v.size() - 1) / 2];
  }

  static double LowerMedianGap(const std::vector<Token>& t) {
    std::vector<int> gaps;
    for (std::size_t k = 1; k < t.size(); ++k) gaps.push_back(t[k].box.x - t[k - 1].box.right());
    return std::max(0, LowerMedian(std::move(gaps)));
  }

  void FindLabels(std::size_t li) {
    const std::vector<Token>& t = lines_[li].tokens;
    const double median_gap = LowerMedianGap(t);
    std::size_t i = skip_[li];
    while (i < t.size()) {
      LabelHit best;
      std::size_t best_len = 0, best_next = 0;  // best_next: tokens taken from the next line
      bool best_exact = false;
      if (StartsWithLetter(t[i].text)) {
        std::string key;
        bool speck_colon = false;  // a colon inside the words so far
        for (std::size_t k = 1; k <= kMaxLabelWords; ++k) {
          // Words of this line, then (for a label wrapped at the line end) of the next one.
          const Token* tok = nullptr;
          std::size_t next = 0;
          if (i + k <= t.size()) {
            tok = &t[i + k - 1];
          } else if (cont_[li] && i + k - t.size() <= 2 &&
                     i + k - t.size() <= lines_[li + 1].tokens.size()) {
            next = i + k - t.size();
            tok = &lines_[li + 1].tokens[next - 1];
          } else {
            break;
          }
          // Words of one label are set close together: a gap wider than a word height and than
          // the line's usual spacing is the border between two form columns ("Attending" |
          // "Provider NPI"), which no label spans.
          if (k > 1 && next == 0) {
            const Token& prev = t[i + k - 2];
            const int h = std::max({1, prev.box.height, tok->box.height});
            const int gap = tok->box.x - prev.box.right();
            if (gap > kCellGap * h && gap > kCellGapToMedian * median_gap) break;
          }
          // A colon ends a label: "Provider: NPI:" is two labels, not "Provider NPI". Words
          // before a colon that are no label are a label's head with a speck read as a colon
          // ("MR: Number:" on a fax): the label goes on, matched as a misread.
          const bool colon_inside =
              k > 1 && (i + k - 1 <= t.size() ? t[i + k - 2].text.back() == ':' : false);
          if (colon_inside && (exact_.count(key) || speck_colon)) break;
          speck_colon = speck_colon || colon_inside;
          key += LabelKey(tok->text);
          if (key.size() > max_key_ + 1) break;
          const bool colon = tok->text.back() == ':';
          if (!colon && !StartsUpper(t[i].text)) continue;
          double quality = 0;
          const CompiledLabel* match = MatchKey(key, quality);
          if (match && speck_colon) quality = std::min(quality, kFuzzyLabelQuality);
          // A fuzzy match never re-reads an exact label with the value's first word added
          // ("Surgeon: M" is not a misread "Surgeon"), nor crosses a line end.
          if (match && quality < 1 && (next > 0 || (best_exact && match->key.size() <= best_len))) {
            match = nullptr;
          }
          if (match &&
              (key.size() > best_len || (key.size() == best_len && quality > best.quality))) {
            best = {i, std::min(i + k, t.size()), match,
                    quality * (colon ? 1.0 : kNoColonLabelQuality), colon};
            best_len = key.size();
            best_next = next;
            best_exact = quality == 1;
          }
        }
      }
      if (!best.label) best = ShortLabelBeforeCheckedValue(li, i);
      if (!best.label) {
        ++i;
        continue;
      }
      if (best_next > 0) {
        // The label ends on the next line: its value starts there.
        LabelHit tail = best;
        tail.tail_only = true;
        hits_[li].push_back(tail);
        LabelHit head = best;
        head.begin = 0;
        head.end = best_next;
        hits_[li + 1].insert(hits_[li + 1].begin(), head);
        skip_[li + 1] = best_next;
        break;
      }
      // The label's "#:" misread as a word of one or two characters with a colon ("NPI 4:
      // 19429}9154", "NPI ff: 1043301906" on a fax): the word belongs to the label when the label
      // has a variant ending in "#" of the same field.
      if (!best.colon && best.end < t.size() && t[best.end].text.size() >= 2 &&
          t[best.end].text.size() <= 3 && t[best.end].text.back() == ':' &&
          !ColumnGapBefore(t, best.end)) {
        auto range = exact_.equal_range(best.label->key + "#");
        for (auto it = range.first; it != range.second; ++it) {
          if (it->second->field == best.label->field) {
            ++best.end;
            best.colon = true;
            break;
          }
        }
      }
      hits_[li].push_back(best);
      i = best.end;
    }
  }

  // A short label (fewer than kFuzzyMinLetters letters) with one letter misread ("NPE" for
  // "NPI") is taken only when the next word is a value that proves itself: an NPI whose check
  // digit holds as read, or, after a record-number label with one letter too many and a colon
  // ("MIRN:"), a record number as read. Short keys are otherwise too close to ordinary words. An
  // NPI label that ends its form cell ("MAR Date   Attending   NPL#" over "2024-09-15   Ashley
  // King, MD   1957510765") is proved by the NPI right below it.
  LabelHit ShortLabelBeforeCheckedValue(std::size_t li, std::size_t i) const {
    const std::vector<Token>& t = lines_[li].tokens;
    LabelHit hit;
    std::string key = LabelKey(t[i].text);
    // A letter read as a bracket or a bar ("NP{ #: 1541284869" on a heavy discharge summary) is
    // missing from the key; the NPI label is then one letter longer than it.
    const bool letter_as_mark =
        std::count_if(t[i].text.begin(), t[i].text.end(), [](char c) {
          return std::string_view("{}[]|!").find(c) != std::string_view::npos;
        }) == 1;
    if (key.size() + (letter_as_mark ? 1 : 0) < 3 || !StartsUpper(t[i].text)) return hit;
    // Punctuation set apart belongs to the label ("NPt #: 1131405221").
    std::size_t v = i + 1;
    while (v < t.size() && !HasAlnum(t[v].text)) {
      key += LabelKey(t[v].text);
      ++v;
    }
    const CompiledLabel* npi_label = NpiLabelOneLetterOff(key, letter_as_mark);
    if (v >= t.size() || ColumnGapBefore(t, v)) {
      if (npi_label && CheckedNpiBelow(li, t[i].box)) {
        return {i, v, npi_label, kFuzzyLabelQuality, false};
      }
      // Regression: a value set a column gap to the right ("MO NPt   1131405221" on a fax) still
      // proves the label there.
      if (v >= t.size()) return hit;
    }
    // A semicolon is a colon misread ("MRNA; 0005927585" on a fax).
    const bool colon = t[v - 1].text.back() == ':' || t[v - 1].text.back() == ';';
    if (colon) {
      for (const CompiledLabel& c : labels_) {
        if (c.field->type == ValueType::kIdentifier && IdentifierLabelWithExtraLetter(key, c) &&
            RecordNumberNotDate(t[v].text)) {
          return {i, v, &c, kFuzzyLabelQuality, true};
        }
      }
    }
    if (npi_label && IsNpiAsRead(t[v].text)) hit = {i, v, npi_label, kFuzzyLabelQuality, colon};
    return hit;
  }

  // The first NPI label whose key is `key` with one letter changed ("NPL#" for "NPI#") or, when
  // `letter_missing` (a letter was read as a mark, which keys leave out), one letter short of it.
  const CompiledLabel* NpiLabelOneLetterOff(const std::string& key,
                                            bool letter_missing = false) const {
    for (const CompiledLabel& c : labels_) {
      if (c.field->type != ValueType::kNpi) continue;
      const bool same = c.key.size() == key.size();
      const bool short_one = letter_missing && c.key.size() == key.size() + 1;
      if ((same || short_one) && internal::BoundedEditDistance(key, c.key, 1) == 1) return &c;
    }
    return nullptr;
  }

  // An NPI whose check digit holds as read, without repairs: what proves a misread label.
  static bool IsNpiAsRead(std::string_view text) {
    auto npi = ParseNpi(text);
    return npi && npi->valid && !npi->repaired;
  }

  // On the next line below `label` (within kBelowMaxGap line heights), a word under it that is an
  // NPI whose check digit holds as read.
  bool CheckedNpiBelow(std::size_t li, const Box& label) const {
    const Box& row = lines_[li].box;
    for (std::size_t j = li + 1; j < lines_.size() && j <= li + 2; ++j) {
      const Box& b = lines_[j].box;
      if (b.y < row.y + row.height / 2) continue;
      if (b.y - row.bottom() > kBelowMaxGap * std::max(row.height, b.height)) return false;
      for (const Token& w : lines_[j].tokens) {
        if (w.box.right() < label.x || w.box.x > label.right()) continue;
        if (IsNpiAsRead(w.text)) return true;
      }
      return false;
    }
    return false;
  }

  // A short record-number label with one letter too many ("MIRN" for "MRN": a stroke of the M
  // read as a letter of its own), its first letter right. Only an extra letter: a changed one
  // makes other words ("MRI").
  static bool IdentifierLabelWithExtraLetter(const std::string& key, const CompiledLabel& c) {
    return c.letters < kFuzzyMinLetters && key.size() == c.key.size() + 1 && key[0] == c.key[0] &&
           internal::BoundedEditDistance(key, c.key, 1) == 1;
  }

  // A value that proves a misread record-number label: a record number as read (no repaired
  // letters) of at least kMinCheckedMrnDigits digits that is not a date ("2023-01-05").
  bool RecordNumberNotDate(const std::string& text) const {
    auto m = ParseMrn(text);
    if (!m || m->repaired) return false;
    const auto digits = std::count_if(m->normalized.begin(), m->normalized.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    if (digits < kMinCheckedMrnDigits) return false;
    DateParseOptions o;
    o.reference = reference_;
    return !ParseDate(text, o);
  }

  // A label wrapped inside a narrow form cell or at the end of a run-in header row: "Admission"
  // ends one line and "Date:" stands right below it or starts the next row, while the reading
  // order put other lines between them. A label found there becomes the longer label its upper
  // neighbour completes (the dangling word must end its line and belong to no label).
  void JoinLabelsWrappedInCells(std::size_t lj) {
    for (LabelHit& h : hits_[lj]) {
      if (h.tail_only) continue;
      const Token& first = lines_[lj].tokens[h.begin];
      const int hh = std::max(1, first.box.height);
      std::string rest;
      for (std::size_t k = h.begin; k < h.end; ++k) rest += LabelKey(lines_[lj].tokens[k].text);
      for (std::size_t li = lj >= 4 ? lj - 4 : 0; li < lj; ++li) {
        const std::vector<Token>& above = lines_[li].tokens;
        if (above.empty() || cont_[li]) continue;
        // The dangling word may have been read as a label of its own ("Admission").
        LabelHit* own = !hits_[li].empty() && hits_[li].back().end == above.size() &&
                                hits_[li].back().begin + 1 == above.size() &&
                                !hits_[li].back().tail_only
                            ? &hits_[li].back()
                            : nullptr;
        if (!own && !hits_[li].empty() && hits_[li].back().end == above.size()) continue;
        const Token& dangling = above.back();
        const int gap = first.box.y - dangling.box.bottom();
        if (gap < 0 || gap > hh) continue;
        // Right below the dangling word (a cell), or starting a run-in header's next row at its
        // left edge, when reading order put another line in between.
        const bool under = std::abs(dangling.box.x - first.box.x) <= hh;
        const bool run_in = h.begin == 0 && std::abs(RowLeft(li) - first.box.x) < 2 * hh;
        if (!under && !run_in) continue;
        double quality = 0;
        const CompiledLabel* joined = MatchKey(LabelKey(dangling.text) + rest, quality);
        if (!joined || quality < 1 || !StartsUpper(dangling.text)) continue;
        h.label = joined;
        // The dangling word is the label's head: it bounds the value before it.
        LabelHit head = h;
        head.begin = above.size() - 1;
        head.end = above.size();
        head.tail_only = true;
        if (own) {
          *own = head;
        } else {
          hits_[li].push_back(head);
        }
        break;
      }
    }
  }

  // Left edge of the printed row line li belongs to: OCR may split one row into several lines.
  int RowLeft(std::size_t li) const {
    const Box& a = lines_[li].box;
    int left = a.x;
    for (const Line& l : lines_) {
      const int overlap = std::min(a.bottom(), l.box.bottom()) - std::max(a.y, l.box.y);
      if (!l.tokens.empty() && 2 * overlap > std::min(a.height, l.box.height)) {
        left = std::min(left, l.box.x);
      }
    }
    return left;
  }

  bool IsLabelStart(std::size_t li, std::size_t ti) const {
    for (const LabelHit& h : hits_[li]) {
      if (h.begin == ti) return true;
    }
    return false;
  }

  // No letters or digits between the label and the next one ("NPI #" read as "NPI" and "#").
  bool NothingRight(std::size_t li, const LabelHit& h) const {
    const std::vector<Token>& t = lines_[li].tokens;
    for (std::size_t i = h.end; i < NextLabel(li, h.end); ++i) {
      if (HasAlnum(t[i].text)) return false;
    }
    return true;
  }

  // First label token at or after ti on line li, or the line's size.
  std::size_t NextLabel(std::size_t li, std::size_t ti) const {
    for (const LabelHit& h : hits_[li]) {
      if (h.begin >= ti) return h.begin;
    }
    return lines_[li].tokens.size();
  }

  // ---- Values ------------------------------------------------------------------------------
  // bounded: t is the value's whole extent (the words up to the next label, or one form cell), not
  // the start of a longer run.
  std::optional<Parsed> ParseValue(const FieldRule& f, const std::vector<Token>& t,
                                   bool bounded) const {
    if (t.empty()) return std::nullopt;
    std::vector<std::string_view> words;
    for (const Token& tok : t) words.push_back(tok.text);
    Parsed p;
    switch (f.type) {
      case ValueType::kDate: {
        DateParseOptions o;
        o.reference = reference_;
        o.birth_date = f.birth_date;
        auto d = ParseDateAt(words, o);
        if (!d) return std::nullopt;
        p.normalized = d->date.Iso();
        p.confidence = d->confidence;
        p.used = static_cast<std::size_t>(d->tokens_used);
        return p;
      }
      case ValueType::kName: {
        auto n = ParseNameAt(words);
        if (!n) return std::nullopt;
        p.normalized = n->normalized;
        p.extra = n->family;
        p.confidence = n->confidence;
        p.used = static_cast<std::size_t>(n->tokens_used);
        return p;
      }
      case ValueType::kIdentifier: {
        // A record number OCR split at a gap inside it ("803535 1"): when the value's extent is
        // known and holds nothing but digit groups after the first word, they are one number
        // (also how some facilities print them, "123 456 789").
        std::string joined(words[0]);
        std::size_t used = 1;
        if (bounded && words.size() >= 2 && words.size() <= kMaxIdentifierGroups &&
            std::all_of(words.begin() + 1, words.end(), [](std::string_view w) {
              return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c));
              });
            })) {
          for (std::size_t k = 1; k < words.size(); ++k) joined += words[k];
          used = words.size();
        }
        auto m = ParseMrn(joined);
        if (!m) return std::nullopt;
        p.normalized = m->normalized;
        p.confidence = m->confidence * (used > 1 ? kJoinedGroupsQuality : 1.0);
        p.used = used;
        return p;
      }
      case ValueType::kNpi: {
        auto n = ParseNpi(words[0]);
        std::size_t used = 1;
        // An NPI OCR split at a gap inside it ("L(X}252 L098" for 1002521098 on a fax): two words
        // of the value's extent, or a word space apart, that are one valid NPI joined. The check
        // digit proves the join.
        const bool adjacent = t.size() >= 2 && t[1].box.x - t[0].box.right() <
                                                   std::max(t[0].box.height, t[1].box.height);
        if ((!n || !n->valid) && (bounded || adjacent) && words.size() >= 2) {
          auto joined = ParseNpi(std::string(words[0]) + std::string(words[1]));
          if (joined && joined->valid) {
            n = joined;
            used = 2;
          }
        }
        if (!n) return std::nullopt;
        p.normalized = n->normalized;
        p.confidence = n->confidence * (used > 1 ? kJoinedGroupsQuality : 1.0);
        p.valid = n->valid;
        p.used = used;
        return p;
      }
      case ValueType::kSex: {
        std::string w = internal::Lower(words[0]);
        if (w != "m" && w != "f" && w != "male" && w != "female" && w != "u" && w != "x") {
          return std::nullopt;
        }
        p.normalized = std::string(1, static_cast<char>(std::toupper(w[0])));
        p.confidence = 1;
        p.used = 1;
        return p;
      }
      case ValueType::kText:
        if (exact_.count(LabelKey(words[0]))) return std::nullopt;
        p.normalized = std::string(words[0]);
        p.confidence = 0.9;
        p.used = 1;
        return p;
      default:
        return std::nullopt;
    }
  }

  // Parses the words at refs as the hit's field and emits the value. True if a value was found.
  bool TryValue(LabelHit& h, const std::vector<Ref>& refs, double placement, bool bounded) {
    // A word hyphenated at the line end ("18-" / "May-2022") is read as one word.
    std::vector<Token> toks;
    std::vector<std::size_t> last_ref;  // per word: index of its last ref
    for (std::size_t n = 0; n < refs.size(); ++n) {
      const Token& t = lines_[refs[n].line].tokens[refs[n].token];
      if (n > 0 && refs[n].line != refs[n - 1].line && !toks.empty() &&
          toks.back().text.size() > 1 && toks.back().text.back() == '-') {
        toks.back().text += t.text;
        toks.back().box = toks.back().box.United(t.box);
        last_ref.back() = n;
        continue;
      }
      toks.push_back(t);
      last_ref.push_back(n);
    }
    auto p = ParseValue(*h.label->field, toks, bounded);
    if (!p) {
      if (reread_ && !refs.empty()) unparsed_.push_back({h.label->field, refs, bounded});
      return false;
    }
    h.done = true;
    const std::size_t n_refs = p->used == 0 ? 0 : last_ref[p->used - 1] + 1;
    Emit(h, std::vector<Ref>(refs.begin(), refs.begin() + static_cast<long>(n_refs)), *p,
         placement);
    return true;
  }

  void Emit(const LabelHit& h, const std::vector<Ref>& refs, const Parsed& p, double placement) {
    for (const Ref& r : refs) used_[r.line][r.token] = true;
    const FieldRule& f = *h.label->field;
    if (!f.output || refs.empty()) return;
    double ocr = 0;
    Box box;
    std::string value;
    for (const Ref& r : refs) {
      const Token& t = lines_[r.line].tokens[r.token];
      ocr += t.confidence;
      box = box.United(t.box);
      value += (value.empty() ? "" : " ") + t.text;
    }
    ocr /= 100.0 * static_cast<double>(refs.size());
    Field field;
    field.name = f.name;
    // Drop the trailing comma/semicolon that belongs to the sentence, not the value.
    while (!value.empty() && (value.back() == ',' || value.back() == ';')) value.pop_back();
    field.value = value;
    field.normalized = p.normalized;
    field.confidence = std::clamp(ocr * h.quality * p.confidence * placement, 0.0, 1.0);
    field.page_index = page_index_;
    field.box = box;
    field.role = h.label->role;
    field.needs_review = field.confidence < options_.review_threshold || !p.valid;
    if (h.label->confusable) confused_.push_back({out_.size(), h.label->confusable});
    // A second reading can lift a value to review only if label and placement allow it (an
    // inferred value stays for review whatever it reads).
    if (reread_ && (!p.valid || field.needs_review) &&
        h.quality * placement >= options_.review_threshold) {
      reviewed_.push_back({out_.size(), refs});
    }
    out_.push_back(field);
    if (f.name == "patient_name" && !p.extra.empty()) {
      Field fam = field;
      fam.name = "patient_family_name";
      fam.normalized = p.extra;
      out_.push_back(std::move(fam));
    }
  }

  static bool IsIdentity(const FieldRule& f) {
    return f.name == "patient_name" || f.name == "mrn" || f.name == "dob";
  }

  bool Found(std::string_view name) const {
    return std::any_of(out_.begin(), out_.end(), [&](const Field& f) { return f.name == name; });
  }

  // The ISO date `iso` is kBirthBeforeServiceYears or more before every date field found on the
  // page, and there is one at least: a birth date, not the visit's.
  bool BirthDateByTheOtherDates(const std::string& iso) const {
    int others = 0;
    for (const Field& o : out_) {
      const FieldRule* r = rules_.Find(o.name);
      if (!r || r->type != ValueType::kDate || o.normalized.size() < 10) continue;
      ++others;
      if (YearOf(o.normalized) - YearOf(iso) < kBirthBeforeServiceYears) return false;
    }
    return others > 0;
  }

  const CompiledLabel* FirstLabelOf(std::string_view name) const {
    for (const CompiledLabel& c : labels_) {
      if (c.field->name == name && c.field->output) return &c;
    }
    return nullptr;
  }

  // Identity values read from their shape alone, in a form's value row that already gave a
  // labelled identity value (the patient's name, record number or birth date), when the page has
  // no value of that field: the label above the cell was misread past matching. What each field
  // takes:
  // - mrn: one word that is a record number as read (kMinCheckedMrnDigits digits or more, no
  //   repaired letters), not a date and not an NPI whose check digit holds;
  // - dob: a cell that is wholly a date, kBirthBeforeServiceYears or more before every other
  //   date on the page, with one other date at least (a birth date, not the visit's).
  // - patient_name: a row's words left of its first label, under words of the label row that
  //   are no label, when they are wholly a name.
  // Each carries kInferredQuality, so it goes to review: it is evidence, not a reading of a label.
  void InferUnlabeledIdentityCells() {
    for (const char* name : {"patient_name", "mrn", "dob"}) {
      const CompiledLabel* label = FirstLabelOf(name);
      if (!label || Found(name)) continue;
      const FieldRule& f = *label->field;
      for (const std::vector<Ref>& cell : f.name == "patient_name" ? first_cells_ : unclaimed_) {
        if (!identity_rows_.count(cell.front().line) || CountUsed(cell) > 0) continue;
        std::vector<Token> toks;
        for (const Ref& r : cell) toks.push_back(lines_[r.line].tokens[r.token]);
        if (f.name == "mrn") {
          auto npi = ParseNpi(toks[0].text);
          if (toks.size() != 1 || !RecordNumberNotDate(toks[0].text) || (npi && npi->valid)) {
            continue;
          }
        }
        auto p = ParseValue(f, toks, true);
        if (!p || p->used != toks.size()) continue;
        if (f.type == ValueType::kDate && !BirthDateByTheOtherDates(p->normalized)) continue;
        LabelHit h{0, 0, label, kInferredQuality, false};
        Emit(h, cell, *p, kBelowQuality);
        break;
      }
    }
  }

  // A birth date after a short label misread by one letter ("OB:", "OOB;", "DOR:" for "DOB:" on
  // faxes), on a page that gave none: the word ends in a colon or semicolon and is one edit from
  // a birth-date label of kConfusableMaxKey characters or fewer, and the date after it is
  // kBirthBeforeServiceYears or more before every other date field on the page, with one at
  // least. For review (kInferredQuality).
  void InferBirthDateAfterMisreadShortLabel() {
    if (Found("dob")) return;
    for (std::size_t li = 0; li < lines_.size(); ++li) {
      const std::vector<Token>& t = lines_[li].tokens;
      for (std::size_t i = 0; i + 1 < t.size(); ++i) {
        const char end = t[i].text.back();
        if ((end != ':' && end != ';') || used_[li][i + 1]) continue;
        const std::string key = LabelKey(t[i].text);
        const CompiledLabel* label = nullptr;
        for (const CompiledLabel& c : labels_) {
          if (c.field->birth_date && c.field->output && c.key.size() <= kConfusableMaxKey &&
              key.size() >= 2 && internal::BoundedEditDistance(key, c.key, 1) == 1) {
            label = &c;
            break;
          }
        }
        if (!label) continue;
        std::vector<Token> toks(t.begin() + static_cast<long>(i) + 1, t.end());
        auto p = ParseValue(*label->field, toks, false);
        if (!p) continue;
        if (!BirthDateByTheOtherDates(p->normalized)) continue;
        std::vector<Ref> refs;
        for (std::size_t k = 0; k < p->used; ++k) refs.push_back({li, i + 1 + k});
        LabelHit h{i, i + 1, label, kInferredQuality, true};
        Emit(h, refs, *p, 1.0);
        return;
      }
    }
  }

  // An NPI whose label was misread past matching ("NPL A", "NP #:", "N Pt:", "Provider NE:" on
  // faxes), on a page that gave none: a word that is an NPI whose check digit holds as read and
  // whose first digit is an issued NPI's (1 or 2), with what is left of its label beside it (one
  // of the two words before it) or above it (a word of the line above over it): a word starting
  // with "N" of at most kNpiRemnantLength characters, or "Provider". The check digit and the
  // remnant together stand for the label; the value goes to review (kInferredQuality). Only when
  // exactly one word qualifies.
  void InferNpiUnderMisreadLabel() {
    if (Found("provider_npi")) return;
    const CompiledLabel* label = FirstLabelOf("provider_npi");
    if (!label) return;
    auto remnant = [](const Token& w) {
      const std::string key = LabelKey(w.text);
      return (!key.empty() && key[0] == 'n' && key.size() <= kNpiRemnantLength) ||
             key == "provider";
    };
    std::optional<Ref> found;
    for (std::size_t li = 0; li < lines_.size(); ++li) {
      const std::vector<Token>& t = lines_[li].tokens;
      for (std::size_t i = 0; i < t.size(); ++i) {
        if (used_[li][i] || !IsNpiAsRead(t[i].text)) continue;
        // Issued NPIs start with 1 or 2; a record number of ten digits may pass the check.
        const char first = ParseNpi(t[i].text)->normalized[0];
        if (first != '1' && first != '2') continue;
        bool beside = (i >= 1 && remnant(t[i - 1])) || (i >= 2 && remnant(t[i - 2]));
        bool above = false;
        if (li > 0) {
          const Line& up = lines_[li - 1];
          const int h = std::max({1, up.box.height, lines_[li].box.height});
          if (lines_[li].box.y - up.box.bottom() <= kBelowMaxGap * h) {
            for (const Token& w : up.tokens) {
              above |= w.box.x < t[i].box.right() && t[i].box.x < w.box.right() && remnant(w);
            }
          }
        }
        if (!beside && !above) continue;
        if (found) return;  // two candidates: no guess
        found = Ref{li, i};
      }
    }
    if (!found) return;
    const Token& w = lines_[found->line].tokens[found->token];
    auto p = ParseValue(*label->field, {w}, true);
    if (!p) return;
    LabelHit h{0, 0, label, kInferredQuality, false};
    Emit(h, {*found}, *p, 1.0);
  }

  // A date under a label one letter away from another date field's label ("DOS" read for
  // "DOB") takes that other field when the dates on the page say so: a service date two years or
  // more before another service date on a page without a birth date is the birth date, and a
  // birth date two years or more after another birth date is a service date. The switched value
  // carries a fuzzy label's confidence, so a doubtful one goes to review.
  void ResolveConfusedDates() {
    for (const auto& [index, alt] : confused_) {
      Field& f = out_[index];
      const bool is_birth = !alt->field->birth_date;
      bool other_birth_earlier = false, any_birth = false, later_service = false;
      for (std::size_t j = 0; j < out_.size(); ++j) {
        if (j == index || out_[j].normalized.size() < 10) continue;
        const FieldRule* r = rules_.Find(out_[j].name);
        if (!r || r->type != ValueType::kDate) continue;
        const int gap = YearOf(f.normalized) - YearOf(out_[j].normalized);
        if (r->birth_date) {
          any_birth = true;
          other_birth_earlier |= gap >= kBirthBeforeServiceYears;
        } else {
          later_service |= -gap >= kBirthBeforeServiceYears;
        }
      }
      const bool switch_field = is_birth ? other_birth_earlier : (!any_birth && later_service);
      if (!switch_field) continue;
      f.name = alt->field->name;
      f.role = alt->role;
      f.confidence *= kFuzzyLabelQuality;
      f.needs_review = f.needs_review || f.confidence < options_.review_threshold;
    }
  }

  // A date of service with a twin: another date on the page with its month and day, in a year
  // one digit away ("11/04/2025" beside "11/04/2023" on a faxed MAR; a radiology report's exam
  // date "01/26/2024" under two signatures of 01/26/2021). One of the two years is misread and
  // nothing tells which, so the date of service goes to review. A follow-up a year or ten later to
  // the day is rare beside that. Only twins read as dates without repair count. Measured on the
  // exports of five batches (384 pages, 2026-12-05): 2 of the 6 wrong dates of service not yet
  // flagged had a twin, and none of the 202 right ones.
  void DoubtServiceDatesWithATwin() {
    for (Field& f : out_) {
      if (f.name != "date_of_service" || f.needs_review) continue;
      if (const std::optional<CivilDate> own = ParseIsoDate(f.normalized)) {
        f.needs_review = HasYearTwin(*own, f.box);
      }
    }
  }

  // A word outside `evidence` reads, without repair, as `date` in a year one digit away.
  bool HasYearTwin(const CivilDate& date, const Box& evidence) const {
    DateParseOptions o;
    o.reference = reference_;
    const std::string year = std::to_string(date.year);
    for (const Line& line : lines_) {
      for (const Token& t : line.tokens) {
        if (t.text.size() < 6 || !HasDigit(t.text) || t.box.Intersects(evidence)) continue;
        const std::optional<ParsedDate> d = ParseDate(t.text, o);
        if (!d || d->repaired || d->date.month != date.month || d->date.day != date.day) continue;
        const std::string other = std::to_string(d->date.year);
        if (other.size() != year.size()) continue;
        int differ = 0;
        for (std::size_t i = 0; i < year.size(); ++i) differ += other[i] != year[i];
        if (differ == 1) return true;
      }
    }
    return false;
  }

  // Words after the hit up to the next label; through a wrapped continuation line when the
  // value runs to the end of the line.
  std::vector<Ref> RightSpan(std::size_t li, std::size_t k, bool through_wrap) const {
    const LabelHit& h = hits_[li][k];
    std::vector<Ref> refs;
    const std::size_t e = NextLabel(li, h.end);
    // Marks between the label and its value are specks or the label's own punctuation misread
    // ("MR#:; 00958466" on a heavy page): no value starts with one.
    std::size_t b = h.end;
    while (b < e && !HasAlnum(lines_[li].tokens[b].text)) ++b;
    for (std::size_t i = b; i < e; ++i) refs.push_back({li, i});
    if (through_wrap && e == lines_[li].tokens.size() && cont_[li]) {
      const std::size_t e2 = NextLabel(li + 1, skip_[li + 1]);
      for (std::size_t i = skip_[li + 1]; i < e2; ++i) {
        if (used_[li + 1][i]) break;
        refs.push_back({li + 1, i});
      }
    }
    return refs;
  }

  void ValuesRight(std::size_t li) {
    for (std::size_t k = 0; k < hits_[li].size(); ++k) {
      LabelHit& h = hits_[li][k];
      if (h.tail_only || NothingRight(li, h) || RightIsUnreadLabel(li, h)) continue;  // below?
      if (!h.colon && RightIsAnotherColumn(li, h) && ValueRightBelow(li, h)) continue;
      if (!TryValue(h, RightSpan(li, k, false), 1.0, true)) {
        // A value broken by the line end ("Ordering Physician: Cynthia" / "Phillips, DO").
        TryValue(h, RightSpan(li, k, true), kWrapQuality, false);
      }
    }
  }

  // A form's header row: a label without a colon whose right holds another column's words
  // ("Name   Medica Rcd CBirthdate   Sex", a fax's misread labels), over a row of cells, one
  // starting right under the label and one right under those words ("Mark Miller   00005049
  // 02/26/1971   M"). The value is the cell under the label, not the misread labels beside it
  // (which read as a name, "MEDICA RCD CBIRTHDATE"), when the cell reads as the label's value.
  bool ValueRightBelow(std::size_t li, const LabelHit& h) const {
    const Line& row = lines_[li];
    const int lh = std::max(1, row.box.height);
    const int label_x = row.tokens[h.begin].box.x, right_x = row.tokens[h.end].box.x;
    for (std::size_t j = li + 1; j < lines_.size() && j <= li + 2; ++j) {
      const Box& b = lines_[j].box;
      if (b.y < row.box.y + lh / 2) continue;
      if (b.y - row.box.bottom() > kBelowMaxGap * std::max(lh, b.height)) return false;
      const std::vector<Token>& t = lines_[j].tokens;
      bool under_label = false, under_right = false;
      for (std::size_t i = skip_[j]; i < t.size(); ++i) {
        if (!HasAlnum(t[i].text) || IsLabelStart(j, i)) continue;
        // What starts under the label must read as its value ("Exam: CT ABDOMEN" under "NPI
        // 1847175357" does not).
        if (std::abs(t[i].box.x - label_x) <= lh) {
          under_label =
              ParseValue(*h.label->field,
                         std::vector<Token>(t.begin() + static_cast<long>(i), t.end()), false)
                  .has_value();
        }
        under_right |= std::abs(t[i].box.x - right_x) <= lh;
      }
      return under_label && under_right;
    }
    return false;
  }

  void ValuesWrapped(std::size_t li) {
    // A label at the very end of a line whose value starts the next line. Marks after the label
    // hold no value: a speck read as a period after its colon ("Birth Date:." on a heavy page).
    if (hits_[li].empty() || !cont_[li]) return;
    LabelHit& h = hits_[li].back();
    if (h.tail_only || h.done || !NothingRight(li, h)) return;
    std::vector<Ref> refs = RightSpan(li, hits_[li].size() - 1, true);
    std::erase_if(refs, [li](const Ref& r) { return r.line == li; });
    TryValue(h, refs, kWrapQuality, false);
  }

  // The gap before word k of a line is a border between form columns, which no label or value
  // spans (the test of FindLabels).
  static bool ColumnGapBefore(const std::vector<Token>& t, std::size_t k) {
    if (k == 0 || k >= t.size()) return false;
    const int height = std::max({1, t[k - 1].box.height, t[k].box.height});
    const int gap = t[k].box.x - t[k - 1].box.right();
    return gap > kCellGap * height && gap > kCellGapToMedian * WordSpacing(t);
  }

  // The spacing of the words of one cell on a line: the lower median of its gaps no wider than
  // kCellGap word heights, 0 when there are none. The median of all its gaps would not do: on a
  // form's header row most gaps are between columns ("fea Date   Ordering Physichin   NPI
  // Acuunint", a fax's misread labels), and a column gap would have to be 2.5 times one.
  static double WordSpacing(const std::vector<Token>& t) {
    std::vector<int> gaps;
    for (std::size_t k = 1; k < t.size(); ++k) {
      const int height = std::max({1, t[k - 1].box.height, t[k].box.height});
      const int gap = t[k].box.x - t[k - 1].box.right();
      if (gap <= kCellGap * height) gaps.push_back(std::max(0, gap));
    }
    return LowerMedian(std::move(gaps));
  }

  // The words right of the hit, up to the next label, start in another form column: on a form
  // whose header row holds a label OCR could not read ("Patient Name   inne   Date of Birth",
  // "inne" for "MR#"), they are that label, and the hit's own value stands below it.
  bool RightIsAnotherColumn(std::size_t li, const LabelHit& h) const {
    const std::vector<Token>& t = lines_[li].tokens;
    if (h.end == 0 || h.end >= NextLabel(li, h.end) || h.end >= t.size()) return false;
    return ColumnGapBefore(t, h.end);
  }

  // ...and that column starts with a label too misread to match: a few words, the last ending in
  // a colon, with no column gap among them ("Patient Name:   Med Kee ft:   Rirthdate:", "Med Kee
  // ft:" for "Med Rec #:"). Its words are no value of the hit, read well as they may be.
  bool RightIsUnreadLabel(std::size_t li, const LabelHit& h) const {
    if (!RightIsAnotherColumn(li, h)) return false;
    const std::vector<Token>& t = lines_[li].tokens;
    if (!StartsWithLetter(t[h.end].text)) return false;
    const std::size_t e = NextLabel(li, h.end);
    for (std::size_t i = h.end; i < e && i < h.end + kMaxLabelWords; ++i) {
      if (i > h.end && ColumnGapBefore(t, i)) return false;
      if (t[i].text.back() == ':') return true;
    }
    return false;
  }

  void ValuesBelow(std::size_t li) {
    const std::vector<LabelHit>& hs = hits_[li];
    // Runs of labels with nothing after them, or with no value after them before another
    // column.
    std::size_t k = 0;
    auto empty = [&](std::size_t j) {
      return !hs[j].tail_only &&
             (NothingRight(li, hs[j]) || (!hs[j].done && RightIsAnotherColumn(li, hs[j])));
    };
    while (k < hs.size()) {
      if (!empty(k)) {
        ++k;
        continue;
      }
      std::size_t r = k;
      while (r + 1 < hs.size() && empty(r + 1)) ++r;
      BelowGroup(li, k, r + 1);
      k = r + 1;
    }
  }

  void BelowGroup(std::size_t li, std::size_t gb, std::size_t ge) {
    const Line& label_line = lines_[li];
    std::vector<LabelHit>& hs = hits_[li];
    const int x0 = label_line.tokens[hs[gb].begin].box.x;
    const int x1 = ge < hs.size() ? label_line.tokens[hs[ge].begin].box.x : 1 << 30;
    const int lh = std::max(1, label_line.box.height);
    // The nearest line below that overlaps the group.
    std::size_t vi = lines_.size();
    for (std::size_t j = li + 1; j < lines_.size() && j <= li + 4; ++j) {
      const Box& b = lines_[j].box;
      const int gap = b.y - label_line.box.bottom();
      if (b.y < label_line.box.y + lh / 2) continue;
      if (gap > kBelowMaxGap * std::max(lh, b.height)) continue;
      if (b.right() < x0 || b.x > x1) continue;
      vi = j;
      break;
    }
    if (vi == lines_.size()) return;
    const Line& vl = lines_[vi];
    const int tol = lh;
    std::vector<std::size_t> idx;
    std::vector<Ref> left;  // the row's words left of the group, under no label
    for (std::size_t i = skip_[vi]; i < vl.tokens.size(); ++i) {
      const Box& b = vl.tokens[i].box;
      if (b.right() > x0 - tol && b.x < x1 - tol && !used_[vi][i]) idx.push_back(i);
      if (gb == 0 && b.right() <= x0 - tol && !used_[vi][i]) left.push_back({vi, i});
    }
    // The row's first cell under a first label misread past matching ("Naunie   Med Rec #   DOB"
    // over "DOROTHY F MILLER   ...   1941-06-12"): a name there is taken by its shape (see
    // InferUnlabeledIdentityCells) when a word stands above it.
    if (!left.empty() && hs[gb].begin > 0 &&
        label_line.tokens.front().box.x < vl.tokens[left.back().token].box.right()) {
      first_cells_.push_back(std::move(left));
    }
    // A mark standing alone, a cell's gap from the words on either side, is a speck ("9834551   ,
    // 06/06/1958" under "Medical Record #:   Birth Date:" on a heavy page): it widened the line's
    // median gap so that no cell was cut, and the birth date was lost. Such specks are left out
    // (a mark set close to words, "Amanda $. Cruz", stays); cells are still cut where a word
    // between two is not part of the value line (used by another value).
    const auto apart = [&](const Box& a, const Box& b) {
      return b.x - a.right() > kCellGap * std::max({1, a.height, b.height});
    };
    std::vector<std::size_t> kept;
    for (std::size_t n = 0; n < idx.size(); ++n) {
      const Token& tok = vl.tokens[idx[n]];
      const bool lone = !HasAlnum(tok.text) &&
                        (n == 0 || apart(vl.tokens[idx[n - 1]].box, tok.box)) &&
                        (n + 1 == idx.size() || apart(tok.box, vl.tokens[idx[n + 1]].box));
      if (!lone) kept.push_back(idx[n]);
    }
    idx = std::move(kept);
    auto adjacent = [&](std::size_t a, std::size_t b) {
      for (std::size_t k = a + 1; k < b; ++k) {
        if (HasAlnum(vl.tokens[k].text)) return false;
      }
      return true;
    };
    if (idx.empty() || IsLabelStart(vi, idx.front())) return;
    // Stop at a label inside the value line (a run-in pair to the right).
    for (std::size_t n = 0; n < idx.size(); ++n) {
      if (IsLabelStart(vi, idx[n])) {
        idx.resize(n);
        break;
      }
    }
    // Cells at gaps wider than both kCellGap word heights and kCellGapToMedian times the spacing
    // of the words within a cell (so evenly spaced words are never cut into cells). Not the median
    // of all gaps: a row of three cells holding a two-word name ("Audrew Kim   3208250
    // 26-Jul-1954") has more cell gaps than word gaps, its median gap is a cell gap, nothing was
    // cut, and the record number and birth date were parsed as part of the name's run and lost.
    // Words set wider apart than kCellGap heights throughout (wide type) fall back on the lower
    // median of all gaps.
    std::vector<Token> row;
    std::vector<int> gaps;
    for (std::size_t n : idx) {
      if (!row.empty()) gaps.push_back(vl.tokens[n].box.x - row.back().box.right());
      row.push_back(vl.tokens[n]);
    }
    double median_gap = WordSpacing(row);
    if (median_gap <= 0) median_gap = LowerMedian(std::move(gaps));
    std::vector<std::pair<std::size_t, std::size_t>> cells;  // positions in idx
    std::size_t start = 0;
    for (std::size_t n = 1; n <= idx.size(); ++n) {
      if (n == idx.size()) {
        cells.emplace_back(start, n);
        break;
      }
      const Box& a = vl.tokens[idx[n - 1]].box;
      const Box& b = vl.tokens[idx[n]].box;
      const int h = std::max({1, a.height, b.height});
      const double gap = b.x - a.right();
      if ((gap > kCellGap * h && gap > kCellGapToMedian * median_gap) ||
          !adjacent(idx[n - 1], idx[n])) {
        cells.emplace_back(start, n);
        start = n;
      }
    }
    // The group's labels; a label that is two labels run together ("Provider NPI" over a name
    // and a number) is split when its value does not fit it whole.
    std::vector<LabelHit> group(hs.begin() + static_cast<long>(gb),
                                hs.begin() + static_cast<long>(ge));
    if (cells.size() > group.size()) {
      for (std::size_t k = 0; k < group.size() && cells.size() > group.size(); ++k) {
        if (auto parts = SplitHit(li, group[k])) {
          group[k] = parts->second;
          group.insert(group.begin() + static_cast<long>(k), parts->first);
        }
      }
    }
    if (cells.size() > 1) {
      // Each cell belongs to the label it stands under, else to the label whose column it starts
      // in. Under: a value wider than its label may start left of it ("Attending:   Prowder NPI:"
      // over "William Sanders, MD   1393554278   799579636", where the misread "Prowder" is no
      // label and the NPI's column starts at "NPI:").
      std::vector<std::vector<Ref>> per_label(group.size());
      for (const auto& [cb, ce] : cells) {
        const int cx = vl.tokens[idx[cb]].box.x;
        const int cr = vl.tokens[idx[ce - 1]].box.right();
        std::size_t owner = 0;
        int best_overlap = 0;
        for (std::size_t k = 0; k < group.size(); ++k) {
          const int lx = label_line.tokens[group[k].begin].box.x;
          const int lr =
              label_line.tokens[std::min(group[k].end, label_line.tokens.size()) - 1].box.right();
          const int overlap = std::min(cr, lr) - std::max(cx, lx);
          if (overlap > best_overlap) {
            best_overlap = overlap;
            owner = k;
          }
        }
        if (best_overlap == 0) {
          for (std::size_t k = 0; k < group.size(); ++k) {
            if (label_line.tokens[group[k].begin].box.x - tol <= cx) owner = k;
          }
        }
        std::vector<Ref> cell;
        for (std::size_t n = cb; n < ce; ++n) cell.push_back({vi, idx[n]});
        if (!per_label[owner].empty()) {
          unclaimed_.push_back(std::move(cell));
          continue;
        }
        per_label[owner] = std::move(cell);
      }
      for (std::size_t k = 0; k < group.size(); ++k) {
        if (!per_label[k].empty()) TryBelow(group[k], per_label[k], true);
      }
    } else {
      // One run of words: parse in label order, each type taking what it recognizes.
      std::vector<Ref> rest;
      for (std::size_t n : idx) rest.push_back({vi, n});
      for (std::size_t k = 0; k < group.size() && !rest.empty(); ++k) {
        if (!TryBelow(group[k], rest, false)) {
          auto parts = SplitHit(li, group[k]);
          if (!parts) break;
          group[k] = parts->second;
          group.insert(group.begin() + static_cast<long>(k), parts->first);
          if (!TryBelow(group[k], rest, false)) break;
        }
        rest.erase(rest.begin(), rest.begin() + static_cast<long>(CountUsed(rest)));
      }
    }
    for (const LabelHit& g : group) {
      if (!g.done) continue;
      if (IsIdentity(*g.label->field)) identity_rows_.insert(vi);
      for (std::size_t k = gb; k < ge; ++k) {
        if (hs[k].begin <= g.begin && g.end <= hs[k].end) hs[k].done = true;
      }
    }
  }

  // A multi-word label that is exactly two labels ("Provider" + "NPI"), as two hits.
  std::optional<std::pair<LabelHit, LabelHit>> SplitHit(std::size_t li, const LabelHit& h) const {
    const std::vector<Token>& t = lines_[li].tokens;
    for (std::size_t j = h.begin + 1; j < h.end && h.end <= t.size(); ++j) {
      std::string k1, k2;
      for (std::size_t i = h.begin; i < j; ++i) k1 += LabelKey(t[i].text);
      for (std::size_t i = j; i < h.end; ++i) k2 += LabelKey(t[i].text);
      auto a = exact_.find(k1);
      auto b = exact_.find(k2);
      if (a == exact_.end() || b == exact_.end()) continue;
      LabelHit first = h, second = h;
      first.end = j;
      first.label = a->second;
      second.begin = j;
      second.label = b->second;
      return std::make_pair(first, second);
    }
    return std::nullopt;
  }

  std::size_t CountUsed(const std::vector<Ref>& refs) const {
    std::size_t n = 0;
    for (const Ref& r : refs) n += used_[r.line][r.token];
    return n;
  }

  bool TryBelow(LabelHit& h, const std::vector<Ref>& refs, bool bounded) {
    LabelHit below = h;
    below.quality = h.colon ? h.quality : h.quality / kNoColonLabelQuality;  // forms drop colons
    const bool ok = TryValue(below, refs, kBelowQuality, bounded);
    h.done = h.done || ok;
    return ok;
  }

  // ---- Facility ----------------------------------------------------------------------------
  void Facility() {
    const FieldRule* rule = nullptr;
    for (const FieldRule& f : rules_.fields()) {
      if (f.type == ValueType::kFacility && f.output) rule = &f;
    }
    if (!rule) return;
    for (std::size_t li = 0; li < lines_.size() && li < kFacilityLines; ++li) {
      // A speck read after the name ("Lakeview General Hospital _") is no word of it.
      std::vector<Token> t = lines_[li].tokens;
      while (!t.empty() && !HasAlnum(t.back().text)) {
        t.pop_back();
      }
      if (t.size() < 2 || t.size() > 8 || !hits_[li].empty()) continue;
      bool namey = true;
      for (const Token& tok : t) {
        if (HasDigit(tok.text) || !StartsUpper(tok.text)) namey = false;
      }
      if (!namey) continue;
      const std::string text = internal::Lower(Join(t, 0, t.size()));
      bool match = false;
      for (const std::string& k : rule->keywords) {
        const std::string lk = internal::Lower(k);
        if (text.size() > lk.size() && text.compare(text.size() - lk.size(), lk.size(), lk) == 0 &&
            text[text.size() - lk.size() - 1] == ' ') {
          match = true;
        }
      }
      if (!match) continue;
      Field f;
      f.name = rule->name;
      f.value = Join(t, 0, t.size());
      f.normalized = f.value;
      double ocr = 0;
      for (const Token& tok : t) {
        ocr += tok.confidence;
        f.box = f.box.United(tok.box);
      }
      f.confidence = ocr / (100.0 * static_cast<double>(t.size())) * kFacilityQuality;
      f.page_index = page_index_;
      f.needs_review = f.confidence < options_.review_threshold;
      out_.push_back(std::move(f));
      return;
    }
  }

  // ---- Codes -------------------------------------------------------------------------------
  bool ContextBefore(const std::vector<Token>& t, std::size_t i, ValueType type) const {
    for (std::size_t j = 1; j <= kContextWords && j <= i; ++j) {
      if (CodeKeyword(t[i - j].text, type)) return true;
      if (j + 1 <= i && CodeKeyword(t[i - j - 1].text + t[i - j].text, type)) return true;
    }
    return false;
  }

  // Line li ends with a code keyword ("... initial encounter, ICD-10" wrapped before its code):
  // the context of a code that starts the next line.
  bool EndsWithContext(std::size_t li, ValueType type) const {
    const std::vector<Token>& t = lines_[li].tokens;
    if (t.empty()) return false;
    if (CodeKeyword(t.back().text, type)) return true;
    return t.size() >= 2 && CodeKeyword(t[t.size() - 2].text + t.back().text, type);
  }

  // `word` is a keyword of the code system. "1CD-10" / "lCD-10": the I of ICD is the letter OCR
  // most often reads as a one.
  bool CodeKeyword(std::string_view word, ValueType type) const {
    auto it = code_context_.find(type);
    if (it == code_context_.end()) return false;
    std::string key = LabelKey(word);
    if (it->second.count(key)) return true;
    if (!key.empty() && (key[0] == '1' || key[0] == 'l')) key[0] = 'i';
    if (it->second.count(key)) return true;
    // The I read as a bar or a bracket ("|CD-10 121.4", "[CD-10 150.9", "(CD-10 125.10" on heavy
    // and fax pages), which the key leaves out.
    if (!word.empty() && std::string_view("|[{(!").find(word.front()) != std::string_view::npos &&
        it->second.count("i" + key)) {
      return true;
    }
    // A keyword with its version number ("ICD-10") misread by one letter ("ICB-10"): the number
    // keeps a word of prose from passing for it.
    if (key.size() < 5) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](const std::string& k) {
      return k.size() >= 5 &&
             std::any_of(k.begin(), k.end(),
                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) &&
             internal::BoundedEditDistance(k, key, 1) <= 1;
    });
  }

  // OCR damage around a code word that the code checker cannot see: a pound or euro sign read for
  // a capital E ("£66.9"), a bracket never closed read for the I of a code of that shape ("[10 -
  // Essential (primary) hypertension": handed on as the one that the checker reads as an I only
  // when the code is known), and a list number run into the code at the start of a line ("4.110"
  // for "4. I10").
  static std::string CodeWordRepairs(std::string_view w, bool line_start) {
    std::string out(w);
    // A pound or euro sign read for an E, first in the word, after a bracket, or after a list
    // item's number run into it ("2.£03.9 - Hypothyroidism").
    for (std::string_view e : {std::string_view("\xC2\xA3"), std::string_view("\xE2\x82\xAC")}) {
      const std::size_t at = out.find(e);
      const bool after_number =
          line_start && at != std::string::npos && at >= 2 && at <= 3 && out[at - 1] == '.' &&
          std::all_of(out.begin(), out.begin() + static_cast<long>(at) - 1,
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (at <= 1 || after_number) out.replace(at, e.size(), "E");
    }
    if (out.size() >= 3 && (out[0] == '[' || out[0] == '|') &&
        std::isdigit(static_cast<unsigned char>(out[1])) &&
        std::isdigit(static_cast<unsigned char>(out[2])) && (out.size() == 3 || out[3] == '.') &&
        out.find_first_of(")]}") == std::string::npos) {
      out[0] = '1';
    }
    if (line_start && out.size() >= 5 && std::isdigit(static_cast<unsigned char>(out[0]))) {
      std::size_t dot = out[1] == '.' ? 1
                        : (std::isdigit(static_cast<unsigned char>(out[1])) && out[2] == '.')
                            ? 2
                            : std::string::npos;
      // The rest must look like a code, not like the decimals of a number ("4.5", "98.60"): no
      // second point, or a letter (or the $ read for an S, "2.$72.001A") after the first.
      if (dot != std::string::npos && out.size() - dot - 1 >= 3 &&
          (out.find('.', dot + 1) == std::string::npos ||
           std::isalpha(static_cast<unsigned char>(out[dot + 1])) || out[dot + 1] == '$')) {
        out.erase(0, dot + 1);
      }
    }
    return out;
  }

  static bool IsStateAbbreviation(std::string_view w) {
    while (!w.empty() && (w.back() == ',' || w.back() == '.')) w.remove_suffix(1);
    static const std::set<std::string, std::less<>> kStates = {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
        "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
        "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI"};
    return kStates.count(w) > 0;
  }

  static bool IsUnit(std::string_view w) {
    std::string l = internal::Lower(w);
    while (!l.empty() && (l.back() == ',' || l.back() == '.' || l.back() == ';')) l.pop_back();
    static const std::set<std::string, std::less<>> kUnits = {"mg",
                                                              "mcg",
                                                              "g",
                                                              "kg",
                                                              "lb",
                                                              "lbs",
                                                              "ml",
                                                              "l",
                                                              "dl",
                                                              "mg/dl",
                                                              "g/dl",
                                                              "mmol/l",
                                                              "meq/l",
                                                              "meq",
                                                              "u/l",
                                                              "iu/l",
                                                              "k/ul",
                                                              "m/ul",
                                                              "/ul",
                                                              "x10^3/ul",
                                                              "ng/ml",
                                                              "pg/ml",
                                                              "uiu/ml",
                                                              "miu/ml",
                                                              "%",
                                                              "fl",
                                                              "pg",
                                                              "sec",
                                                              "units",
                                                              "unit",
                                                              "cells/ul",
                                                              "mm",
                                                              "cm",
                                                              "mmhg",
                                                              "bpm",
                                                              "copies/ml",
                                                              "ng/dl",
                                                              "ug/dl",
                                                              "mosm/kg",
                                                              "umol/l",
                                                              "nmol/l",
                                                              "ml/min",
                                                              "ml/min/1.73m2"};
    return kUnits.count(l) > 0;
  }

  bool CptVetoed(const std::vector<Token>& t, std::size_t i, std::string_view raw) const {
    if (raw.find('$') != std::string_view::npos) return true;
    // An amount or decimal lab value: digits on both sides of a point.
    const auto dot = raw.find('.');
    if (dot != std::string_view::npos && dot + 1 < raw.size() &&
        std::isdigit(static_cast<unsigned char>(raw[dot + 1]))) {
      return true;
    }
    if (raw.find('-') != std::string_view::npos) return true;  // ZIP+4, phone, ranges
    if (i > 0) {
      const std::string& prev = t[i - 1].text;
      if (IsStateAbbreviation(prev) || prev == "$") return true;
      const std::string pk = LabelKey(prev);
      static const std::set<std::string, std::less<>> kIdLabels = {
          "zip",   "zipcode",   "mrn",   "mr#",  "account", "acct", "account#",
          "acct#", "accession", "phone", "tel",  "fax",     "ext",  "id",
          "#",     "npi",       "ssn",   "room", "po",      "box",  "suite"};
      if (kIdLabels.count(pk)) return true;
      if (!prev.empty() && prev.back() == ')' && HasDigit(prev)) return true;  // (970) 555...
    }
    if (i + 1 < t.size() && IsUnit(t[i + 1].text)) return true;
    return false;
  }

  static double CodeConfidence(const Token& tok, const CodeCheck& c, double quality) {
    return std::clamp(tok.confidence / 100.0 * c.confidence * quality, 0.0, 1.0);
  }

  void EmitCode(std::string_view name, const Token& tok, const std::string& raw, const CodeCheck& c,
                double quality) {
    for (const Field& f : out_) {
      if (f.name == name && f.normalized == c.code) return;  // once per page
    }
    Field f;
    f.name = std::string(name);
    f.value = raw;
    f.normalized = c.code;
    f.confidence = CodeConfidence(tok, c, quality);
    f.page_index = page_index_;
    f.box = tok.box;
    f.needs_review = f.confidence < options_.review_threshold;
    out_.push_back(std::move(f));
  }

  void Codes() {
    const FieldRule* icd = nullptr;
    const FieldRule* cpt = nullptr;
    const FieldRule* hcpcs = nullptr;
    for (const FieldRule& f : rules_.fields()) {
      if (!f.output) continue;
      if (f.type == ValueType::kIcd10) icd = &f;
      if (f.type == ValueType::kCpt) cpt = &f;
      if (f.type == ValueType::kHcpcs) hcpcs = &f;
    }
    for (std::size_t li = 0; li < lines_.size(); ++li) {
      const std::vector<Token>& t = lines_[li].tokens;
      std::vector<bool> in_label(t.size(), false);
      for (const LabelHit& h : hits_[li]) {
        for (std::size_t i = h.begin; i < h.end; ++i) in_label[i] = true;
      }
      for (std::size_t i = 0; i < t.size(); ++i) {
        if (used_[li][i] || in_label[i]) continue;
        std::string word = CodeWordRepairs(t[i].text, i == 0);
        std::string_view raw = word;
        const bool open_paren = !raw.empty() && (raw.front() == '(' || raw.front() == '[');
        while (!raw.empty() && (raw.front() == '(' || raw.front() == '[')) raw.remove_prefix(1);
        auto closing = [](char c) { return c == ')' || c == ']' || c == '}'; };
        bool close_paren =
            !raw.empty() && (closing(raw.back()) || raw.find(')') != std::string_view::npos);
        auto trim_end = [&](std::string_view& r) {
          // Marks glued after a code ("E03.9:'- Hypothyroidism"): no code ends in one.
          while (!r.empty() &&
                 (closing(r.back()) || r.back() == ',' || r.back() == ';' || r.back() == ':' ||
                  r.back() == '.' || r.back() == '-' || r.back() == '\'' || r.back() == '"')) {
            r.remove_suffix(1);
          }
        };
        trim_end(raw);
        // The keyword glued to its code ("(CPT-27447)", "CPT:99213"): the code, with its context.
        bool glued_cpt = false;
        if (raw.size() == 9 && LabelKey(raw.substr(0, 3)) == "cpt" &&
            (raw[3] == '-' || raw[3] == ':' || raw[3] == '#' || raw[3] == '.')) {
          raw.remove_prefix(4);
          glued_cpt = true;
        }
        // Likewise an ICD-10-CM code glued to its keyword ("ICD-10.N18.30", "ICD10:E11.9").
        bool glued_icd = false;
        for (std::size_t k : {std::size_t{3}, std::size_t{5}, std::size_t{6}}) {
          if (raw.size() >= k + 4 &&
              std::string_view(".:#-").find(raw[k]) != std::string_view::npos &&
              std::isupper(static_cast<unsigned char>(raw[k + 1])) &&
              CodeKeyword(raw.substr(0, k), ValueType::kIcd10)) {
            raw.remove_prefix(k + 1);
            glued_icd = true;
            break;
          }
        }
        std::string code(raw);
        std::size_t last = i;  // last word of the code
        // "(J18 9)": a dot read as a space splits a code in two inside parentheses.
        if (open_paren && !close_paren && code.size() == 3 && i + 1 < t.size() &&
            !used_[li][i + 1]) {
          std::string_view tail = t[i + 1].text;
          if (tail.find_first_of(")]}") != std::string_view::npos) {
            trim_end(tail);
            if (!tail.empty() && tail.size() <= 4 &&
                std::all_of(tail.begin(), tail.end(),
                            [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
              code += "." + std::string(tail);
              close_paren = true;
              last = i + 1;
            }
          }
        }
        // "(N 18.30)": a gap read after the code's letter splits it in two inside parentheses;
        // taken only for a listed code (below), since a letter and a number in parentheses can
        // be other things.
        bool letter_split = false;
        if (open_paren && !close_paren && code.size() == 1 &&
            std::isupper(static_cast<unsigned char>(code[0])) && i + 1 < t.size() &&
            !used_[li][i + 1]) {
          std::string_view tail = t[i + 1].text;
          if (tail.find_first_of(")]}") != std::string_view::npos) {
            trim_end(tail);
            if (tail.size() >= 2 && tail.size() <= 7 &&
                std::isdigit(static_cast<unsigned char>(tail[0])) &&
                std::all_of(tail.begin(), tail.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '.';
                })) {
              code += std::string(tail);
              close_paren = true;
              last = i + 1;
              letter_split = true;
            }
          }
        }
        // "(E1 1.9)", "(S72.001 A)": a space read inside a code in parentheses; taken only when
        // the two make a listed code.
        if (open_paren && !close_paren && code.size() >= 2 && code.size() <= 7 &&
            std::isupper(static_cast<unsigned char>(code[0])) && i + 1 < t.size() &&
            !used_[li][i + 1]) {
          std::string_view tail = t[i + 1].text;
          if (tail.find_first_of(")]}") != std::string_view::npos) {
            trim_end(tail);
            const std::string joined = code + std::string(tail);
            if (!tail.empty() && joined.size() <= 8 &&
                codes_.Contains(CanonicalCode(joined, CodeSystem::kIcd10Cm),
                                CodeSystem::kIcd10Cm)) {
              code = joined;
              close_paren = true;
              last = i + 1;
              letter_split = true;
            }
          }
        }
        // A code's period read as an underscore, a comma or a hyphen ("G47_33 - Obstructive sleep
        // apnea", "Diverticulosis (K57,30)" on faxes, "K80-20)" on a heavy page): only for a
        // listed code.
        if (const std::size_t u = code.find_first_of("_,-"); u == 3 && code.size() > 4) {
          std::string dotted = code;
          dotted[u] = '.';
          if (codes_.Contains(CanonicalCode(dotted, CodeSystem::kIcd10Cm), CodeSystem::kIcd10Cm)) {
            code = dotted;
          }
        }
        if (code.size() < 3 || code.size() > 8) continue;
        const bool dash_after =
            last + 1 < t.size() && (t[last + 1].text == "-" || t[last + 1].text == "--");
        const bool parens = open_paren && close_paren;
        // ICD-10-CM.
        if (icd) {
          const bool ctx = glued_icd || ContextBefore(t, i, ValueType::kIcd10) || parens ||
                           dash_after ||
                           (i == 0 && li > 0 && EndsWithContext(li - 1, ValueType::kIcd10));
          auto c = CheckCode(code, CodeSystem::kIcd10Cm, codes_, ctx);
          const bool dotted = code.find('.') != std::string::npos;
          if (c && (!letter_split || c->known) &&
              ((dotted && (c->known || ctx)) || (!dotted && ctx && c->known))) {
            Token evidence = t[i];
            for (std::size_t k = i + 1; k <= last; ++k) {
              evidence.text += " " + t[k].text;
              evidence.box = evidence.box.United(t[k].box);
              used_[li][k] = true;
            }
            EmitCode(icd->name, evidence, code, *c, ctx ? 1.0 : kCodeWithoutContext);
            i = last;
            continue;
          }
        }
        if (code.size() != 5 || letter_split) continue;
        // CPT and HCPCS.
        const bool cpt_ctx = glued_cpt || ContextBefore(t, i, ValueType::kCpt) ||
                             (parens && i > 0 && LabelKey(t[i - 1].text) == "cpt");
        const bool vetoed = CptVetoed(t, i, t[i].text);
        if (cpt && !(vetoed && !cpt_ctx)) {
          auto c = CheckCode(code, CodeSystem::kCpt, codes_, cpt_ctx);
          if (c && (cpt_ctx || (c->known && !vetoed))) {
            EmitCode(cpt->name, t[i], code, *c, cpt_ctx ? 1.0 : kCodeWithoutContext);
            continue;
          }
        }
        if (hcpcs) {
          const bool ctx = ContextBefore(t, i, ValueType::kHcpcs) || cpt_ctx;
          auto c = CheckCode(code, CodeSystem::kHcpcs, codes_, ctx);
          if (c && (ctx || (c->known && !vetoed))) {
            EmitCode(hcpcs->name, t[i], code, *c, ctx ? 1.0 : kCodeWithoutContext);
          }
        }
      }
    }
  }

  // ---- Codes named beside them --------------------------------------------------------------
  std::vector<std::string> WordsOf(std::size_t li) const {
    std::vector<std::string> texts;
    for (const Token& tok : lines_[li].tokens) texts.push_back(tok.text);
    return LineWords(texts);
  }

  using CodeRules = std::vector<std::pair<const FieldRule*, CodeSystem>>;

  // The code field read over `box` (the last one, if several), or null; `listed` is set when one
  // of them holds a listed code.
  Field* CodeFieldOver(const Box& box, const CodeRules& systems, bool* listed = nullptr) {
    Field* read = nullptr;
    for (Field& f : out_) {
      for (const auto& [rule, system] : systems) {
        if (f.name != rule->name || !f.box.Intersects(box)) continue;
        read = &f;
        if (listed) *listed = *listed || codes_.Contains(f.normalized, system);
      }
    }
    return read;
  }

  bool HoldsCode(std::size_t li, const CodeRules& systems) {
    return std::any_of(lines_[li].tokens.begin(), lines_[li].tokens.end(),
                       [&](const Token& tok) { return CodeFieldOver(tok.box, systems); });
  }

  // A code Codes() could not read, or read as a code the list does not hold, beside words that
  // name a listed code ("Hypothyroidism (E0Q3.9)", "CBC WITH DIFFERENTIAL (CPT 85045)",
  // "Abdominal pain (R3.0.9)"): the named code nearest the reading (CodeNamedOnLine). Only in a
  // code's place (brackets, after a code keyword, before " - ", first in a list item, or where a
  // code was read), and only a reading with two digits or more: a word of the description is no
  // code. A reading split by a space ("RO7 9") is tried joined too, and a name wrapped from the
  // line above, or onto the line below, counts when that line holds no code. Confidence falls with
  // the edits the description had to explain, so one the page did not print legibly goes to review.
  void CodesNamedBeside() {
    CodeRules systems;
    for (const FieldRule& f : rules_.fields()) {
      if (!f.output) continue;
      if (f.type == ValueType::kIcd10) systems.emplace_back(&f, CodeSystem::kIcd10Cm);
      if (f.type == ValueType::kCpt) systems.emplace_back(&f, CodeSystem::kCpt);
      if (f.type == ValueType::kHcpcs) systems.emplace_back(&f, CodeSystem::kHcpcs);
    }
    if (systems.empty()) return;
    auto digits = [](std::string_view s) {
      return std::count_if(s.begin(), s.end(),
                           [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    };
    auto alnums = [](std::string_view s) {
      return std::count_if(s.begin(), s.end(),
                           [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    };
    for (std::size_t li = 0; li < lines_.size(); ++li) {
      const std::vector<Token>& t = lines_[li].tokens;
      std::vector<bool> in_label(t.size(), false);
      for (const LabelHit& h : hits_[li]) {
        for (std::size_t i = h.begin; i < h.end; ++i) in_label[i] = true;
      }
      std::optional<std::vector<std::string>> words;
      for (std::size_t i = 0; i < t.size(); ++i) {
        if (in_label[i] || digits(t[i].text) == 0) continue;
        // A code already read here: kept when listed, else it may be the named one.
        bool listed = false;
        Field* read = CodeFieldOver(t[i].box, systems, &listed);
        if (listed || (used_[li][i] && !read)) continue;
        const std::string_view w = t[i].text;
        const bool bracket = w.find_first_of("([{)]}") != std::string_view::npos;
        const bool dash_after =
            (i + 1 < t.size() && (t[i + 1].text == "-" || t[i + 1].text == "--")) ||
            w.back() == '-';
        const bool keyword =
            ContextBefore(t, i, ValueType::kIcd10) || ContextBefore(t, i, ValueType::kCpt);
        // First in a list item: the line's first word, or the one after its number ("2.", "3,").
        const bool item_start =
            i == 0 || (i == 1 && t[0].text.size() <= 3 &&
                       std::isdigit(static_cast<unsigned char>(t[0].text[0])) &&
                       !std::isdigit(static_cast<unsigned char>(t[0].text.back())));
        if (!(read || bracket || dash_after || keyword || item_start)) continue;
        // As Codes() read it: a pound sign for an E, a list number run into the code...
        const std::string repaired = CodeWordRepairs(w, i == 0);
        std::vector<std::pair<std::string, std::size_t>> readings = {{repaired, i}};
        if (i + 1 < t.size() && !used_[li][i + 1] && !in_label[i + 1] && alnums(w) <= 6 &&
            alnums(t[i + 1].text) >= 1 && alnums(t[i + 1].text) <= 3) {
          readings.emplace_back(repaired + t[i + 1].text, i + 1);
        }
        // The codes each reading could be, found once for the line and its neighbours.
        struct Reading {
          std::size_t end;
          const FieldRule* rule;
          CodeCandidates candidates;
        };
        std::vector<Reading> could_be;
        for (const auto& [text, end] : readings) {
          if (digits(text) < 2) continue;
          for (const auto& [r, system] : systems) {
            CodeCandidates candidates = CodesNear(text, system, codes_);
            if (!candidates.empty()) could_be.push_back({end, r, std::move(candidates)});
          }
        }
        if (could_be.empty()) continue;
        if (!words) words = WordsOf(li);
        const FieldRule* rule = nullptr;
        std::optional<NamedCode> best;
        std::size_t last = i;
        bool tie = false;
        auto choose = [&](const std::vector<std::string>& named_by) {
          for (const Reading& reading : could_be) {
            auto named = NamedAmong(reading.candidates, named_by);
            if (!named) continue;
            if (best && named->distance == best->distance &&
                named->check.code != best->check.code) {
              tie = true;
            } else if (!best || named->distance < best->distance) {
              best = named;
              rule = reading.rule;
              last = reading.end;
              tie = false;
            }
          }
        };
        choose(*words);
        // A name wrapped from the line above ("EXAM: MRI LUMBAR SPINE WITHOUT" over "CONTRAST
        // (CPT 721483)"), or one that runs on to the line below ("2. J25.10 - Atherosclerotic
        // heart disease of native" over "coronary artery without angina pectoris"), when that
        // line holds no code of its own. Which line a word is on does not matter to the match;
        // on the first line li - 1 wraps past the end and is skipped.
        for (const std::size_t other : {li - 1, li + 1}) {
          if (best || tie || other >= lines_.size() || HoldsCode(other, systems)) continue;
          std::vector<std::string> both = *words;
          const std::vector<std::string> beside = WordsOf(other);
          both.insert(both.end(), beside.begin(), beside.end());
          choose(both);
        }
        if (!best || tie) continue;
        best->check.confidence = 1.0;  // the quality below says how sure
        Token evidence = t[i];
        for (std::size_t k = i + 1; k <= last; ++k) {
          evidence.text += " " + t[k].text;
          evidence.box = evidence.box.United(t[k].box);
        }
        const double quality =
            kNamedAlternativeConfidence * (1.0 - kNamedEditPenalty * best->distance);
        if (read) {
          if (read->name != rule->name || read->normalized != best->check.code) {
            bool elsewhere = false;  // the named code is already read elsewhere on the page
            for (const Field& f : out_) {
              elsewhere = elsewhere ||
                          (&f != read && f.name == rule->name && f.normalized == best->check.code);
            }
            if (elsewhere) continue;
            read->name = rule->name;
            read->normalized = best->check.code;
            read->confidence = CodeConfidence(evidence, best->check, quality);
            read->needs_review = read->confidence < options_.review_threshold;
          }
        } else {
          EmitCode(rule->name, evidence, evidence.text, best->check, quality);
        }
        for (std::size_t k = i; k <= last; ++k) used_[li][k] = true;
        i = last;
      }
    }
  }

  // ---- Second look ------------------------------------------------------------------------
  struct Attempt {
    const FieldRule* field = nullptr;
    std::vector<Ref> refs;
    bool bounded = false;
  };

  static bool Rereadable(ValueType t) {
    return t == ValueType::kDate || t == ValueType::kName || t == ValueType::kIdentifier ||
           t == ValueType::kNpi;
  }

  // Words a value of type t can span: "March 14, 1952", "Mary Ann O'Neil Smith", a record number
  // split in groups, an NPI split in two.
  static std::size_t MaxValueWords(ValueType t) {
    switch (t) {
      case ValueType::kName:
        return 4;
      case ValueType::kNpi:
        return 2;
      default:
        return 3;
    }
  }

  // The words at refs on the first ref's line (at most max_words, up to a column gap) as a box in
  // the line's text band.
  Box RereadBox(const std::vector<Ref>& refs, std::size_t max_words) const {
    const std::size_t li = refs.front().line;
    const std::vector<Token>& t = lines_[li].tokens;
    Box box;
    std::size_t n = 0;
    for (const Ref& r : refs) {
      // The value's words end at the line's end, at max_words, or at a form's next cell.
      if (r.line != li || n == max_words || (n > 0 && ColumnGapBefore(t, r.token))) break;
      box = box.United(t[r.token].box);
      ++n;
    }
    std::vector<int> tops, bottoms;
    for (const Token& tok : t) {
      tops.push_back(tok.box.y);
      bottoms.push_back(tok.box.bottom());
    }
    const int top = LowerMedian(std::move(tops)), bottom = LowerMedian(std::move(bottoms));
    if (bottom > top) {
      box.y = top;
      box.height = bottom - top;
    }
    return box;
  }

  void AddReread(const std::string& field, const Box& box, bool found) {
    if (box.empty() || reread_->size() >= static_cast<std::size_t>(Extractor::kMaxRereads)) return;
    for (const ValueToReread& r : *reread_) {
      if (r.box.Intersects(box)) return;  // one reading per place
    }
    reread_->push_back({field, box, found});
  }

  void ListRereads() {
    reread_->clear();
    for (const auto& [index, refs] : reviewed_) {
      const Field& f = out_[index];
      const FieldRule* rule = rules_.Find(f.name);
      if (!rule || !Rereadable(rule->type) || refs.empty()) continue;
      AddReread(f.name, RereadBox(refs, MaxValueWords(rule->type)), true);
    }
    // Labels whose value did not parse, one place per field: the first attempt with the value's
    // extent known (the words up to the next label, a form cell), else the first at all.
    std::vector<const FieldRule*> fields;
    for (const Attempt& a : unparsed_) {
      if (std::find(fields.begin(), fields.end(), a.field) == fields.end()) {
        fields.push_back(a.field);
      }
    }
    for (const FieldRule* f : fields) {
      if (!f->output || !Rereadable(f->type) || Found(f->name)) continue;
      const Attempt* pick = nullptr;
      for (const Attempt& a : unparsed_) {
        if (a.field != f) continue;
        if (!pick || (a.bounded && !pick->bounded)) pick = &a;
      }
      AddReread(f->name, RereadBox(pick->refs, MaxValueWords(f->type)), false);
    }
  }

  std::vector<ValueToReread>* reread_;
  std::vector<Attempt> unparsed_;
  std::vector<std::pair<std::size_t, std::vector<Ref>>> reviewed_;  // out_ index, value words

  const ExtractOptions& options_;
  const FieldRules& rules_;
  const CodeSet& codes_;
  CivilDate reference_;
  int page_index_;
  std::vector<Line> lines_;
  std::vector<CompiledLabel> labels_;
  std::unordered_multimap<std::string, const CompiledLabel*> exact_;
  std::size_t max_key_ = 0;
  std::map<ValueType, std::set<std::string>> code_context_;
  std::vector<std::vector<bool>> used_;
  std::vector<std::vector<LabelHit>> hits_;
  std::vector<std::size_t> skip_;  // leading words of a line that end a label from the line above
  std::vector<bool> cont_;         // line i+1 continues line i
  std::vector<Field> out_;
  std::vector<std::pair<std::size_t, const CompiledLabel*>> confused_;  // out_ index, other label
  // Form cells under a label row that no label claimed: their own label was misread past matching
  // ("Patient   MRE   DOB" over "Angela S. Fitzgerald   0006271157   04/03/1971").
  std::vector<std::vector<Ref>> unclaimed_;
  std::vector<std::vector<Ref>> first_cells_;  // a value row's words left of its labels
  std::set<std::size_t> identity_rows_;        // value lines under a form's labels holding identity
};

}  // namespace

Status ExtractOptions::Validate() const {
  if (!reference_date.empty() && !ParseIsoDate(reference_date)) {
    return Status::InvalidArgument("reference_date must be YYYY-MM-DD");
  }
  if (!(review_threshold >= 0 && review_threshold <= 1)) {
    return Status::InvalidArgument("review_threshold must be in [0, 1]");
  }
  return Status::Ok();
}

Result<Extractor> Extractor::Create(const ExtractOptions& options) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  Extractor e(options);
  e.reference_ = options.reference_date.empty() ? CivilDateFromMicros(Env::Default()->NowMicros())
                                                : *ParseIsoDate(options.reference_date);
  return e;
}

std::vector<Field> Extractor::ExtractPage(const PageText& page, int page_index) const {
  return PageExtractor(options_, reference_, page, page_index).Run();
}

std::vector<Field> Extractor::ExtractPage(const PageText& page, int page_index,
                                          std::vector<ValueToReread>* reread) const {
  if (reread) reread->clear();
  return PageExtractor(options_, reference_, page, page_index, reread).Run();
}

DocumentType Extractor::ClassifyPage(const PageText& page) const {
  return extract::ClassifyPage(
      page, options_.doc_type_rules ? *options_.doc_type_rules : DocTypeRules::BuiltIn(),
      options_.review_threshold);
}

DocumentType Extractor::ClassifyDocument(std::span<const PageText> pages) const {
  return extract::ClassifyDocument(
      pages, options_.doc_type_rules ? *options_.doc_type_rules : DocTypeRules::BuiltIn(),
      options_.review_threshold);
}

}  // namespace chartscan::extract
