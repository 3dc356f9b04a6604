// Document boundaries. The rules and their order of trust are described in boundaries.h; this
// file walks the pages once, keeping the current document's evidence (identity, label, title
// type, footer count and last page number) and the blank pages seen since its last content page.
//
// Each content page gets one decision: continue the current document, start a new one, or stay
// in it as a misplaced page. Rules are asked in order of trust and the first that decides wins;
// contradictions (a footer of another count, another patient, another title) split unless the
// next content page shows the current document going on (one-page lookahead: a single stray page
// is a misfile, two are a document). Footer parsing accepts "Page", "Pg" and "Pg." followed by N,
// "of" or "/", and M, with O/o read for 0 and l/I/i/| for 1 inside the numbers.
#include <algorithm>
#include <cctype>

#include <chartscan/extract/boundaries.h>

#include "text_util.h"

namespace chartscan::extract {
namespace {

constexpr int kMaxFooterNumber = 999;

char DigitOf(char c) {
  if (c >= '0' && c <= '9') return c;
  if (c == 'O' || c == 'o') return '0';
  if (c == 'l' || c == 'I' || c == 'i' || c == '|') return '1';
  return 0;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads a number at s[i..] (digits and digit look-alikes, at least one real digit unless it is a
// single look-alike); advances i. 0 when there is none.
int ReadNumber(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  std::string digits;
  bool real = false;
  while (j < s.size() && DigitOf(s[j]) != 0 && digits.size() < 4) {
    real = real || std::isdigit(static_cast<unsigned char>(s[j]));
    digits += DigitOf(s[j]);
    ++j;
  }
  if (digits.empty() || (!real && digits.size() > 1)) return 0;
  // A number glued to letters ("12abc") is not a page number.
  if (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) return 0;
  i = j;
  return std::stoi(digits);
}

void SkipSpaces(std::string_view s, std::size_t& i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
}

// Parses "N of M" / "N/M" after the word "Page" ending at i.
std::optional<PageFooter> ParseAfterWord(std::string_view s, std::size_t i) {
  SkipSpaces(s, i);
  const int n = ReadNumber(s, i);
  if (n <= 0) return std::nullopt;
  SkipSpaces(s, i);
  if (i < s.size() && s[i] == '/') {
    ++i;
  } else if (i + 1 < s.size() && std::tolower(static_cast<unsigned char>(s[i])) == 'o' &&
             std::tolower(static_cast<unsigned char>(s[i + 1])) == 'f') {
    i += 2;
  } else {
    return std::nullopt;
  }
  SkipSpaces(s, i);
  const int m = ReadNumber(s, i);
  if (m <= 0 || n > m || m > kMaxFooterNumber) return std::nullopt;
  return PageFooter{n, m};
}

std::string Fold(std::string_view mrn) {
  std::string out;
  for (char c : mrn) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u)) continue;
    char up = static_cast<char>(std::toupper(u));
    switch (up) {
      case 'O':
        up = '0';
        break;
      case 'I':
      case 'L':
        up = '1';
        break;
      case 'S':
        up = '5';
        break;
      case 'B':
        up = '8';
        break;
      case 'Z':
        up = '2';
        break;
      default:
        break;
    }
    out += up;
  }
  return out;
}

std::string NameLetters(std::string_view name) {
  std::string out;
  bool space = true;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u)) {
      out += static_cast<char>(std::toupper(u));
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The identity a document has shown so far (first value of each field on its own pages).
using Identity = PatientIdentity;

PatientIdentity IdentityOf(const BoundaryPage& p) { return {p.mrn, p.patient_name, p.dob}; }

bool Differs(const Identity& doc, const BoundaryPage& p, int mrn_edits) {
  return DifferentPatients(doc, IdentityOf(p), mrn_edits);
}

// The page shows identity that positively agrees with the document's.
bool Agrees(const Identity& doc, const BoundaryPage& p, int mrn_edits) {
  if (Differs(doc, p, mrn_edits)) return false;
  return (!doc.mrn.empty() && !p.mrn.empty()) ||
         (!doc.patient_name.empty() && !p.patient_name.empty());
}

std::vector<std::string> Labels(const BoundaryPage& p) {
  std::vector<std::string> out;
  for (const Barcode& b : p.barcodes) {
    if (b.kind == BarcodeKind::kPatientLabel && !b.payload.empty()) out.push_back(b.payload);
  }
  return out;
}

bool IsSeparator(const BoundaryPage& p) {
  return std::any_of(p.barcodes.begin(), p.barcodes.end(), [](const Barcode& b) {
    return b.kind == BarcodeKind::kSeparator || b.kind == BarcodeKind::kPatch;
  });
}

bool HasEvidence(const BoundaryPage& p) {
  return !p.mrn.empty() || !p.patient_name.empty() || !p.dob.empty() || !p.title_type.empty() ||
         p.footer.has_value() || !Labels(p).empty();
}

class Walker {
 public:
  Walker(std::span<const BoundaryPage> pages, const BoundaryOptions& options)
      : pages_(pages), options_(options) {}

  Boundaries Run() {
    for (int i = 0; i < static_cast<int>(pages_.size()); ++i) {
      const BoundaryPage& p = Page(i);
      if (IsSeparator(p)) {
        LooseBlanks();
        out_.separators.push_back(i);
        after_separator_ = true;
        continue;
      }
      if (p.blank) {
        blanks_.push_back(i);
        continue;
      }
      Decide(i);
    }
    LooseBlanks();
    for (const DocumentSpan& d : out_.documents) out_.starts.push_back(d.pages.front());
    return std::move(out_);
  }

 private:
  enum class Verdict { kContinue, kSplit, kContradicted };

  const BoundaryPage& Page(int i) const { return pages_[static_cast<std::size_t>(i)]; }

  void LooseBlanks() {
    out_.loose_blanks.insert(out_.loose_blanks.end(), blanks_.begin(), blanks_.end());
    blanks_.clear();
  }

  // The footer continues the current document: N > 1 of its M, after the last number seen.
  bool FooterContinues(const BoundaryPage& p) const {
    return p.footer && p.footer->number > 1 && footer_count_ > 0 &&
           p.footer->count == footer_count_ && p.footer->number > footer_last_;
  }

  bool LabelDiffers(const BoundaryPage& p) const {
    const std::vector<std::string> labels = Labels(p);
    return !label_.empty() && !labels.empty() &&
           std::find(labels.begin(), labels.end(), label_) == labels.end();
  }

  bool LabelSame(const BoundaryPage& p) const {
    const std::vector<std::string> labels = Labels(p);
    return !label_.empty() && std::find(labels.begin(), labels.end(), label_) != labels.end();
  }

  // Rules 2-4 for page p against the current document; sets *reason when not kContinue.
  Verdict Judge(const BoundaryPage& p, BoundaryReason* reason) const {
    if (LabelDiffers(p)) {
      *reason = BoundaryReason::kPatientLabel;
      return Verdict::kSplit;
    }
    if (p.footer && p.footer->number == 1) {
      *reason = BoundaryReason::kFirstPageFooter;
      return Verdict::kSplit;
    }
    if (FooterContinues(p)) return Verdict::kContinue;
    if (p.footer && p.footer->number > 1 && footer_count_ > 0 && p.footer->count != footer_count_) {
      *reason = BoundaryReason::kFooterMismatch;
      return Verdict::kContradicted;
    }
    if (!LabelSame(p) && Differs(identity_, p, options_.mrn_edits)) {
      *reason = BoundaryReason::kIdentityChange;
      return Verdict::kContradicted;
    }
    if (!p.title_type.empty() && !type_.empty() && p.title_type != type_) {
      *reason = BoundaryReason::kTitleChange;
      return Verdict::kContradicted;
    }
    return Verdict::kContinue;
  }

  // The next content page after i shows the current document going on, and not a document that
  // page i would start (then page i is a stray).
  bool NextContinues(int i) const {
    const BoundaryPage& p = Page(i);
    for (int j = i + 1; j < static_cast<int>(pages_.size()); ++j) {
      const BoundaryPage& q = Page(j);
      if (IsSeparator(q)) return false;
      if (q.blank) continue;
      BoundaryReason unused;
      if (Judge(q, &unused) != Verdict::kContinue) return false;
      if (FooterContinues(q)) {
        // A footer alone cannot tell the current document's next page from the next page of a
        // document page i starts (same count, current document missing its page): identity can.
        if (Differs(identity_, q, options_.mrn_edits)) return false;
        if (!Differs(IdentityOf(p), q, options_.mrn_edits) &&
            Agrees(IdentityOf(p), q, options_.mrn_edits)) {
          return false;
        }
        return !(p.footer && q.footer->count == p.footer->count &&
                 q.footer->number > p.footer->number);
      }
      const Identity stray = IdentityOf(p);
      return q.source_id == source_id_ && Agrees(identity_, q, options_.mrn_edits) &&
             Differs(stray, q, options_.mrn_edits);
    }
    return false;
  }

  void Decide(int i) {
    const BoundaryPage& p = Page(i);
    if (out_.documents.empty()) return Start(i, BoundaryReason::kBatchStart);
    if (after_separator_) return Start(i, BoundaryReason::kSeparator);
    BoundaryReason reason = BoundaryReason::kBatchStart;
    const Verdict v = Judge(p, &reason);
    if (v == Verdict::kSplit) return Start(i, reason);
    if (v == Verdict::kContradicted) {
      if (NextContinues(i)) return Misplaced(i);
      return Start(i, reason);
    }
    if (FooterContinues(p)) return Continue(i);
    if (p.source_id != source_id_) return Start(i, BoundaryReason::kNewSource);
    if (!blanks_.empty() && options_.blank_page_splits) {
      return Start(i, BoundaryReason::kAfterBlank);
    }
    Continue(i);
  }

  void Start(int i, BoundaryReason reason) {
    LooseBlanks();
    after_separator_ = false;
    out_.documents.push_back({{}, reason, {}});
    identity_ = {};
    label_.clear();
    type_.clear();
    footer_count_ = 0;
    footer_last_ = 0;
    Continue(i);
  }

  void Continue(int i) {
    DocumentSpan& d = out_.documents.back();
    d.pages.insert(d.pages.end(), blanks_.begin(), blanks_.end());
    blanks_.clear();
    d.pages.push_back(i);
    const BoundaryPage& p = Page(i);
    source_id_ = p.source_id;
    if (!HasEvidence(p)) return;
    if (identity_.mrn.empty()) identity_.mrn = p.mrn;
    if (identity_.patient_name.empty()) identity_.patient_name = p.patient_name;
    if (identity_.dob.empty()) identity_.dob = p.dob;
    if (type_.empty()) type_ = p.title_type;
    if (label_.empty()) {
      const std::vector<std::string> labels = Labels(p);
      if (!labels.empty()) label_ = labels.front();
    }
    if (p.footer) {
      if (footer_count_ == 0) footer_count_ = p.footer->count;
      if (p.footer->count == footer_count_) footer_last_ = std::max(footer_last_, p.footer->number);
    }
  }

  // Kept in the current document without taking its evidence.
  void Misplaced(int i) {
    DocumentSpan& d = out_.documents.back();
    d.pages.insert(d.pages.end(), blanks_.begin(), blanks_.end());
    blanks_.clear();
    d.pages.push_back(i);
    d.misplaced.push_back(i);
  }

  std::span<const BoundaryPage> pages_;
  const BoundaryOptions& options_;
  Boundaries out_;
  std::vector<int> blanks_;  // blank pages since the last content page
  bool after_separator_ = false;
  // The current document's evidence.
  Identity identity_;
  std::string label_;
  std::string type_;
  int footer_count_ = 0;
  int footer_last_ = 0;
  std::int64_t source_id_ = 0;  // of its last page
};

}  // namespace

std::optional<PageFooter> ParsePageFooter(std::string_view text) {
  std::optional<PageFooter> last;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) continue;
    auto lower = [&](std::size_t k) {
      return k < text.size() ? static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])))
                             : '\0';
    };
    std::size_t end = 0;
    if (lower(i) == 'p' && lower(i + 1) == 'a' && lower(i + 2) == 'g' && lower(i + 3) == 'e') {
      end = i + 4;
    } else if (lower(i) == 'p' && lower(i + 1) == 'g') {
      end = i + 2;
      if (lower(end) == '.') ++end;
    } else {
      continue;
    }
    if (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) continue;
    if (std::optional<PageFooter> f = ParseAfterWord(text, end)) last = f;
  }
  return last;
}

std::string_view BoundaryReasonName(BoundaryReason reason) {
  switch (reason) {
    case BoundaryReason::kBatchStart:
      return "batch_start";
    case BoundaryReason::kSeparator:
      return "separator";
    case BoundaryReason::kPatientLabel:
      return "patient_label";
    case BoundaryReason::kFirstPageFooter:
      return "first_page_footer";
    case BoundaryReason::kFooterMismatch:
      return "footer_mismatch";
    case BoundaryReason::kIdentityChange:
      return "identity_change";
    case BoundaryReason::kTitleChange:
      return "title_change";
    case BoundaryReason::kNewSource:
      return "new_source";
    case BoundaryReason::kAfterBlank:
      return "after_blank";
  }
  return "batch_start";
}

Status BoundaryOptions::Validate() const {
  if (mrn_edits < 0 || mrn_edits > 2) {
    return Status::InvalidArgument("boundaries: mrn_edits must be 0-2, got " +
                                   std::to_string(mrn_edits));
  }
  return Status::Ok();
}

Result<Boundaries> FindBoundaries(std::span<const BoundaryPage> pages,
                                  const BoundaryOptions& options) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  return Walker(pages, options).Run();
}

BoundaryPage SummarizePage(const PageText& page, std::span<const Field> fields,
                           const DocTypeRules& rules) {
  BoundaryPage out;
  out.blank = page.words.empty() && page.text.empty();
  // A value read too poorly to trust (needs_review) is no evidence of a new patient: a garbled
  // name on a bad fax page would otherwise split a document from its own second page.
  auto best = [&](std::string_view name) {
    const Field* b = nullptr;
    for (const Field& f : fields) {
      if (f.name != name || f.normalized.empty() || f.needs_review) continue;
      if (!b || f.confidence > b->confidence) b = &f;
    }
    return b ? b->normalized : std::string();
  };
  out.mrn = best("mrn");
  out.patient_name = best("patient_name");
  out.dob = best("dob");
  out.title_type = FindTitleType(page, rules);
  out.footer = ParsePageFooter(page.text);
  return out;
}

bool DifferentPatients(const PatientIdentity& a, const PatientIdentity& b, int mrn_edits) {
  if (!a.mrn.empty() && !b.mrn.empty()) return !SameMrn(a.mrn, b.mrn, mrn_edits);
  if (!a.patient_name.empty() && !b.patient_name.empty() &&
      !SameName(a.patient_name, b.patient_name)) {
    return true;
  }
  return !a.dob.empty() && !b.dob.empty() && !SameDob(a.dob, b.dob);
}

bool SameMrn(std::string_view a, std::string_view b, int max_edits) {
  const std::string fa = Fold(a), fb = Fold(b);
  if (fa.empty() || fb.empty()) return false;
  if (fa == fb) return true;
  if (max_edits <= 0 || static_cast<int>(std::min(fa.size(), fb.size())) < kMinFuzzyMrnLength) {
    return false;
  }
  return internal::BoundedEditDistance(fa, fb, max_edits) <= max_edits;
}

bool SameName(std::string_view a, std::string_view b) {
  const std::string na = NameLetters(a), nb = NameLetters(b);
  if (na.empty() || nb.empty()) return false;
  const int letters = static_cast<int>(std::min(na.size(), nb.size()));
  const int limit = std::max(1, letters / 8);
  return internal::BoundedEditDistance(na, nb, limit) <= limit;
}

bool SameDob(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  if (a.size() != b.size()) return false;
  int diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff += a[i] != b[i];
  return diff <= 1;
}

}  // namespace chartscan::extract
