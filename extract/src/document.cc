// Per-document merge. Method: for a single-valued field, page values are grouped by normalized
// value; a group's support is the sum of its members' confidences and the best-supported group
// wins (ties: the higher single confidence, then the earlier page). Agreement raises the winner's
// confidence by kAgreementBonus per extra page, up to 1. A second group with at least
// kConflictShare of the winner's support, or any second value of an identity field read with
// confidence at or above the review threshold, is a conflict: the field needs review. Multi-valued
// fields keep each distinct value once, in order of first appearance, at its best confidence. An
// NPI that fails its check digit needs review whatever its support. A value that every page
// reading it flagged for a reason other than its confidence (a value that did not validate, a
// date of service with a twin a year digit away) still needs review: the merge re-judges
// confidence, not those reasons; one page reading it without doubt clears them.
#include <algorithm>
#include <map>

#include <chartscan/extract/extractor.h>
#include <chartscan/extract/identifiers.h>

namespace chartscan::extract {
namespace {

constexpr double kAgreementBonus = 0.05;
constexpr double kConflictShare = 0.5;

// Flagged by the page for a reason its confidence does not give.
bool DoubtedBeyondConfidence(const Field& f, double threshold) {
  return f.needs_review && f.confidence >= threshold;
}

bool IsIdentity(const std::string& name) {
  return name == "patient_name" || name == "mrn" || name == "dob" || name == "patient_family_name";
}

}  // namespace

DocumentFields Extractor::MergeDocument(std::span<const std::vector<Field>> page_fields) const {
  const FieldRules& rules = options_.field_rules ? *options_.field_rules : FieldRules::BuiltIn();
  const double threshold = options_.review_threshold;
  DocumentFields doc;
  // Field names in rule order, then any others in order of appearance.
  std::vector<std::string> names;
  auto add_name = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const FieldRule& r : rules.fields()) {
    add_name(r.name);
    if (r.name == "patient_name") add_name("patient_family_name");
  }
  for (const auto& fields : page_fields) {
    for (const Field& f : fields) add_name(f.name);
  }
  for (const std::string& name : names) {
    const FieldRule* rule = rules.Find(name);
    const bool multi = rule && rule->multi;
    std::vector<const Field*> all;
    for (const auto& fields : page_fields) {
      for (const Field& f : fields) {
        if (f.name == name) all.push_back(&f);
      }
    }
    if (all.empty()) continue;
    if (multi) {
      std::vector<Field> distinct;
      std::vector<bool> doubted;
      for (const Field* f : all) {
        auto it = std::find_if(distinct.begin(), distinct.end(),
                               [&](const Field& d) { return d.normalized == f->normalized; });
        if (it == distinct.end()) {
          distinct.push_back(*f);
          doubted.push_back(DoubtedBeyondConfidence(*f, threshold));
          continue;
        }
        const auto k = static_cast<std::size_t>(it - distinct.begin());
        doubted[k] = doubted[k] && DoubtedBeyondConfidence(*f, threshold);
        if (f->confidence > it->confidence) it->confidence = f->confidence;
      }
      for (std::size_t k = 0; k < distinct.size(); ++k) {
        distinct[k].needs_review = distinct[k].confidence < threshold || doubted[k];
        doc.fields.push_back(std::move(distinct[k]));
      }
      continue;
    }
    struct Group {
      double support = 0;
      const Field* best = nullptr;
      int count = 0;
      std::size_t order = 0;
      bool doubted = true;  // every page reading it flagged it beyond its confidence
    };
    std::map<std::string, Group> groups;
    for (std::size_t i = 0; i < all.size(); ++i) {
      Group& g = groups[all[i]->normalized];
      if (g.count == 0) g.order = i;
      g.support += all[i]->confidence;
      g.doubted = g.doubted && DoubtedBeyondConfidence(*all[i], threshold);
      ++g.count;
      if (!g.best || all[i]->confidence > g.best->confidence) g.best = all[i];
    }
    const Group* win = nullptr;
    for (const auto& [value, g] : groups) {
      if (!win || g.support > win->support ||
          (g.support == win->support && g.best->confidence > win->best->confidence) ||
          (g.support == win->support && g.best->confidence == win->best->confidence &&
           g.order < win->order)) {
        win = &g;
      }
    }
    bool conflict = false;
    for (const auto& [value, g] : groups) {
      if (&g == win) continue;
      if (g.support >= kConflictShare * win->support) conflict = true;
      if (IsIdentity(name) && g.best->confidence >= threshold) conflict = true;
    }
    Field chosen = *win->best;
    chosen.confidence = std::min(1.0, chosen.confidence * (1 + kAgreementBonus * (win->count - 1)));
    chosen.needs_review = conflict || chosen.confidence < threshold || win->doubted;
    // Agreement lifts confidence, not validity: an NPI failing its check digit needs review
    // however many pages read it alike.
    if (rule && rule->type == ValueType::kNpi && !IsValidNpi(chosen.normalized)) {
      chosen.needs_review = true;
    }
    doc.fields.push_back(std::move(chosen));
  }
  // Page identities.
  for (std::size_t p = 0; p < page_fields.size(); ++p) {
    PageIdentity id;
    id.page_index = static_cast<int>(p);
    auto best_on_page = [&](const char* name) {
      const Field* best = nullptr;
      for (const Field& f : page_fields[p]) {
        if (f.name == name && (!best || f.confidence > best->confidence)) best = &f;
      }
      return best ? best->normalized : std::string();
    };
    id.patient_name = best_on_page("patient_name");
    id.mrn = best_on_page("mrn");
    id.dob = best_on_page("dob");
    auto differs = [&](const std::string& page_value, const char* name) {
      const Field* d = doc.Find(name);
      return !page_value.empty() && d && d->normalized != page_value;
    };
    id.disagrees = differs(id.patient_name, "patient_name") || differs(id.mrn, "mrn") ||
                   differs(id.dob, "dob");
    doc.needs_review = doc.needs_review || id.disagrees;
    doc.pages.push_back(std::move(id));
  }
  for (const Field& f : doc.fields) doc.needs_review = doc.needs_review || f.needs_review;
  return doc;
}

DocumentFields Extractor::ExtractDocument(std::span<const PageText> pages) const {
  std::vector<std::vector<Field>> per_page;
  per_page.reserve(pages.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    per_page.push_back(ExtractPage(pages[i], static_cast<int>(i)));
  }
  DocumentFields doc = MergeDocument(per_page);
  doc.type = ClassifyDocument(pages);
  doc.needs_review = doc.needs_review || doc.type.needs_review;
  return doc;
}

Result<DocumentFields> ExtractDocument(std::span<const PageText> pages,
                                       const ExtractOptions& options) {
  CHARTSCAN_ASSIGN_OR_RETURN(Extractor e, Extractor::Create(options));
  return e.ExtractDocument(pages);
}

}  // namespace chartscan::extract
