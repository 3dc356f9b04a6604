// The archive's query set and its ground truth. See chartscan/samples/archive_queries.h for the
// reference meaning of a query.
//
// Choosing: each category draws a patient from a fixed sample of the roster, a document and a
// page of that patient, and builds its query from what that page prints (a word it holds, a
// phrase it holds, its document's type, date or codes...). The query is kept only if it matches
// that page, so every expected set holds at least that page, and only if it is new.
//
// Ground truth: every query has "anchors", keys at least one of which a matching page must have
// (a token, a prefix, a token of the clean text, or a field value of its document): for a
// conjunction, the anchors of its most selective child; for a disjunction, the union of its
// children's. A page is tested only against the queries one of its keys anchors.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include <chartscan/samples/archive_queries.h>
#include <chartscan/samples/rng.h>
#include <chartscan/samples/vocabulary.h>

#include "page_text.h"

namespace chartscan::samples::archive {
namespace {

using Kind = QueryNode::Kind;

bool IsJoiner(char c) { return c == '.' || c == '-' || c == '/'; }
bool IsTokenChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || IsJoiner(c); }
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TokenSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// What a page offers to the evaluator.
struct PageFacts {
  std::vector<std::vector<std::string>> positions;  // printed
  TokenSet printed;
  TokenSet truth;  // filled only when needed (kApprox)
};

struct DocFacts {
  std::string mrn;
  std::string name;  // "given family", lower case
  std::string dob;
  std::string type;
  std::string date;
  std::set<std::string> codes;  // upper case
  int batch = 0;
};

// The document's facts come from its merged fields (the truth), as a store's documents do.
DocFacts DocFactsOf(const ArchiveDocument& doc) {
  DocFacts d;
  for (const Field& f : doc.fields) {
    if (f.name == "mrn") d.mrn = f.normalized;
    if (f.name == "patient_name") d.name = Lower(f.value);
    if (f.name == "dob") d.dob = f.normalized;
  }
  d.type = doc.type;
  d.date = doc.date_of_service;
  for (const std::string& c : doc.icd10) d.codes.insert(c);
  for (const std::string& c : doc.cpt) d.codes.insert(c);
  d.batch = doc.batch;
  return d;
}

void FillSet(const std::vector<std::vector<std::string>>& positions, TokenSet& set) {
  for (const auto& pos : positions) {
    for (const std::string& t : pos) set.insert(t);
  }
}

// "2019" -> "2019-01-01" (lower) / "2019-12-31" (upper); "2019-03" -> "2019-03-01" / "-31".
std::string FullDate(const std::string& d, bool upper) {
  if (d.size() == 4) return d + (upper ? "-12-31" : "-01-01");
  if (d.size() == 7) return d + (upper ? "-31" : "-01");
  return d;
}

bool PhraseAt(const std::vector<std::vector<std::string>>& pos,
              const std::vector<std::string>& words) {
  if (words.empty() || pos.size() < words.size()) return false;
  for (std::size_t i = 0; i + words.size() <= pos.size(); ++i) {
    bool all = true;
    for (std::size_t k = 0; k < words.size() && all; ++k) {
      const auto& at = pos[i + k];
      all = std::find(at.begin(), at.end(), words[k]) != at.end();
    }
    if (all) return true;
  }
  return false;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool Eval(const QueryNode& n, const DocFacts& d, const PageFacts& p) {
  switch (n.kind) {
    case Kind::kTerm:
      return p.printed.count(n.text) > 0;
    case Kind::kPrefix:
      for (const std::string& t : p.printed) {
        if (t.compare(0, n.text.size(), n.text) == 0) return true;
      }
      return false;
    case Kind::kPhrase:
      return PhraseAt(p.positions, Words(n.text));
    case Kind::kApprox:
      return p.truth.count(n.truth) > 0;
    case Kind::kAnd:
      for (const QueryNode& c : n.children) {
        if (!Eval(c, d, p)) return false;
      }
      return true;
    case Kind::kOr:
      for (const QueryNode& c : n.children) {
        if (Eval(c, d, p)) return true;
      }
      return false;
    case Kind::kNot:
      return Eval(n.children.at(0), d, p) && !Eval(n.children.at(1), d, p);
    case Kind::kMrn:
      return d.mrn == n.text;
    case Kind::kName:
      return d.name == n.text;
    case Kind::kDob:
      return d.dob == n.text;
    case Kind::kType:
      return d.type == n.text;
    case Kind::kCode:
      return d.codes.count(n.text) > 0;
    case Kind::kBatch:
      return d.batch == n.batch;
    case Kind::kDate:
      return d.date >= FullDate(n.text, false) && d.date <= FullDate(n.truth, true);
  }
  return false;
}

bool NeedsTruth(const QueryNode& n) {
  if (n.kind == Kind::kApprox) return true;
  for (const QueryNode& c : n.children) {
    if (NeedsTruth(c)) return true;
  }
  return false;
}

// Anchor keys: "t:" token, "p<L>:" prefix of length L, "a:" clean token, "m:" mrn, "n:" name,
// "d:" dob, "y:" type, "c:" code, "b:" batch. Empty: no anchor (tested on every page).
// rank: lower is more selective.
std::vector<std::string> Anchors(const QueryNode& n, int* rank) {
  switch (n.kind) {
    case Kind::kTerm:
      *rank = 2;
      return {"t:" + n.text};
    case Kind::kPrefix:
      *rank = 3;
      return {"p" + std::to_string(n.text.size()) + ":" + n.text};
    case Kind::kPhrase:
      *rank = 2;
      return {"t:" + Words(n.text).at(0)};
    case Kind::kApprox:
      *rank = 1;
      return {"a:" + n.truth};
    case Kind::kMrn:
      *rank = 0;
      return {"m:" + n.text};
    case Kind::kName:
      *rank = 0;
      return {"n:" + n.text};
    case Kind::kDob:
      *rank = 0;
      return {"d:" + n.text};
    case Kind::kBatch:
      *rank = 3;
      return {"b:" + std::to_string(n.batch)};
    case Kind::kCode:
      *rank = 3;
      return {"c:" + n.text};
    case Kind::kType:
      *rank = 4;
      return {"y:" + n.text};
    case Kind::kDate:
      *rank = 9;
      return {};
    case Kind::kAnd: {
      std::vector<std::string> best;
      int best_rank = 10;
      for (const QueryNode& c : n.children) {
        int r = 10;
        auto a = Anchors(c, &r);
        if (!a.empty() && r < best_rank) {
          best = std::move(a);
          best_rank = r;
        }
      }
      *rank = best_rank;
      return best;
    }
    case Kind::kOr: {
      std::vector<std::string> all;
      int worst = 0;
      for (const QueryNode& c : n.children) {
        int r = 10;
        auto a = Anchors(c, &r);
        if (a.empty()) {
          *rank = 10;
          return {};
        }
        worst = std::max(worst, r);
        all.insert(all.end(), a.begin(), a.end());
      }
      *rank = worst + 1;
      return all;
    }
    case Kind::kNot:
      return Anchors(n.children.at(0), rank);
  }
  return {};
}

// ---- building queries

QueryNode Leaf(Kind k, std::string text, std::string truth = {}) {
  QueryNode n;
  n.kind = k;
  n.text = std::move(text);
  n.truth = std::move(truth);
  return n;
}
QueryNode Node(Kind k, std::vector<QueryNode> children) {
  QueryNode n;
  n.kind = k;
  n.children = std::move(children);
  return n;
}
QueryNode BatchNode(int batch) {
  QueryNode n;
  n.kind = Kind::kBatch;
  n.batch = batch;
  return n;
}

bool Alphabetic(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  });
}

// Words clinicians search for: drug, lab, diagnosis and symptom words of 5 letters or more.
const std::set<std::string>& ClinicalWords() {
  static const std::set<std::string> words = [] {
    std::set<std::string> w;
    auto add = [&](std::string_view s) {
      for (const auto& pos : ReferenceTokens(s)) {
        if (pos[0].size() >= 5 && Alphabetic(pos[0])) w.insert(pos[0]);
      }
    };
    for (const auto& m : vocab::Medications()) add(m.name);
    for (const auto& l : vocab::LabTests()) add(l.name);
    for (const auto& d : vocab::Diagnoses()) add(d.prose);
    for (const auto& s : vocab::Symptoms()) add(s);
    for (const auto& p : vocab::Procedures()) add(p.name);
    for (const char* s : {"without", "patient", "history", "reports", "denies", "continue",
                          "follow", "presents", "which", "there", "their", "after", "where"}) {
      w.erase(s);
    }
    return w;
  }();
  return words;
}

// Phrases clinicians search for, as token lists.
const std::vector<std::vector<std::string>>& ClinicalPhrases() {
  static const std::vector<std::vector<std::string>> phrases = [] {
    std::set<std::vector<std::string>> p;
    auto add = [&](std::string_view s) {
      std::vector<std::string> words;
      for (const auto& pos : ReferenceTokens(s)) words.push_back(pos[0]);
      if (words.size() >= 2 && words.size() <= 4) p.insert(words);
    };
    for (const auto& s : vocab::Symptoms()) add(s);
    for (const auto& s : vocab::NegativeSymptoms()) add(s);
    for (const auto& d : vocab::Diagnoses()) add(d.prose);
    for (const auto& m : vocab::Medications()) add(m.name);
    for (const auto& l : vocab::LabTests()) add(l.name);
    for (const char* s : {"no acute distress",
                          "room air",
                          "clear to auscultation",
                          "regular rate and rhythm",
                          "pleural effusion",
                          "blood cultures",
                          "informed consent",
                          "hospital course",
                          "intravenous antibiotics",
                          "critical value",
                          "no edema",
                          "heparin drip",
                          "stress test",
                          "fluid restriction",
                          "operating room",
                          "estimated blood loss",
                          "alert and oriented",
                          "normal bowel sounds",
                          "moist mucous membranes",
                          "jugular venous distension",
                          "ambulating independently",
                          "regular diet",
                          "basic metabolic panel",
                          "emergency department",
                          "physical therapy",
                          "case management",
                          "discharge planning",
                          "supplemental oxygen",
                          "hemodynamically stable",
                          "bed alarm",
                          "call light",
                          "family at bedside",
                          "medication reconciliation",
                          "follow-up imaging",
                          "sepsis criteria",
                          "broad-spectrum antibiotics",
                          "orthostatic vital signs",
                          "dual antiplatelet therapy",
                          "serial troponins",
                          "nephrotoxic medications",
                          "specimen mildly hemolyzed",
                          "read back",
                          "time-out",
                          "recovery room",
                          "retrieval bag",
                          "critical view of safety",
                          "cystic duct",
                          "small vessel",
                          "no intracranial hemorrhage",
                          "contrast",
                          "cardiomediastinal silhouette",
                          "disc protrusion",
                          "gallbladder wall thickening",
                          "bowel preparation",
                          "blood products",
                          "anesthesia care",
                          "teach-back method",
                          "warning signs",
                          "nursing note",
                          "consultant note",
                          "interval note",
                          "discharge medications",
                          "discharge instructions",
                          "condition at discharge",
                          "principal diagnosis",
                          "secondary diagnoses",
                          "chief complaint",
                          "review of systems",
                          "family history",
                          "social history",
                          "past medical history",
                          "home medications",
                          "physical examination",
                          "laboratory data",
                          "assessment and plan",
                          "specimen blood",
                          "ordering diagnosis"}) {
      add(s);
    }
    return std::vector<std::vector<std::string>>(p.begin(), p.end());
  }();
  return phrases;
}

std::string JoinWords(const std::vector<std::string>& w) {
  std::string s;
  for (const std::string& x : w) s += (s.empty() ? "" : " ") + x;
  return s;
}

// An MRN as a user types it from a page with a confused character.
std::string ConfuseIdentifier(const std::string& id, Rng& rng) {
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (std::string_view("0158").find(id[i]) != std::string_view::npos) at.push_back(i);
  }
  if (at.empty()) return {};
  std::size_t k = at[static_cast<std::size_t>(rng.Int(0, static_cast<int>(at.size()) - 1))];
  std::string out = id;
  switch (id[k]) {
    case '0':
      out[k] = 'O';
      break;
    case '1':
      out[k] = rng.Chance(0.5) ? 'I' : 'l';
      break;
    case '5':
      out[k] = 'S';
      break;
    default:
      out[k] = 'B';
  }
  return out;
}

std::string DateBound(const std::string& iso, int precision) {
  return iso.substr(0, precision == 0 ? 4 : precision == 1 ? 7 : 10);
}

class Chooser {
 public:
  Chooser(const Archive& archive, std::uint64_t seed)
      : archive_(archive), rng_(Rng(seed).Fork("queries")) {
    const int n = static_cast<int>(archive.patients().size());
    pool_ = rng_.Sample(n, std::min(n, 400));
  }

  std::vector<ArchiveQuery> Choose() {
    struct Quota {
      QueryCategory category;
      int count;
    };
    const Quota quotas[] = {
        {QueryCategory::kIdentifier, 120}, {QueryCategory::kIdentifierField, 80},
        {QueryCategory::kName, 80},        {QueryCategory::kNameField, 80},
        {QueryCategory::kPhrase, 100},     {QueryCategory::kPrefix, 80},
        {QueryCategory::kFilterMrn, 80},   {QueryCategory::kFilterType, 60},
        {QueryCategory::kFilterDate, 60},  {QueryCategory::kFilterCode, 60},
        {QueryCategory::kFilterDob, 50},   {QueryCategory::kFilterBatch, 30},
        {QueryCategory::kBoolean, 60},     {QueryCategory::kApproxIdentifier, 100},
        {QueryCategory::kApproxName, 60},
    };
    std::vector<ArchiveQuery> out;
    std::set<std::string> seen;
    for (const Quota& q : quotas) {
      int made = 0;
      for (int attempt = 0; made < q.count && attempt < q.count * 40; ++attempt) {
        const int patient =
            pool_[static_cast<std::size_t>(rng_.Int(0, static_cast<int>(pool_.size()) - 1))];
        const auto& docs = Docs(patient);
        const ArchiveDocument& doc =
            docs[static_cast<std::size_t>(rng_.Int(0, static_cast<int>(docs.size()) - 1))];
        const ArchivePage& page = doc.pages[static_cast<std::size_t>(
            rng_.Int(0, static_cast<int>(doc.pages.size()) - 1))];
        QueryNode node;
        if (!Build(q.category, archive_.patients()[static_cast<std::size_t>(patient)], doc, page,
                   &node)) {
          continue;
        }
        if (!GroundTruth::Matches(node, doc, page)) continue;
        // Batch ordinals render as ordinal + 1 here; equal either way for uniqueness.
        if (!seen.insert(RenderQuery(node)).second) continue;
        ArchiveQuery aq;
        aq.id = static_cast<int>(out.size());
        aq.category = q.category;
        aq.root = std::move(node);
        out.push_back(std::move(aq));
        ++made;
      }
    }
    return out;
  }

 private:
  const std::vector<ArchiveDocument>& Docs(int patient) {
    auto it = cache_.find(patient);
    if (it == cache_.end()) it = cache_.emplace(patient, archive_.PatientDocuments(patient)).first;
    return it->second;
  }

  // A clinical word the page prints (empty when none).
  std::string PageWord(const ArchivePage& page, const std::string& avoid = {}) {
    std::vector<std::string> words;
    std::set<std::string> uniq;
    for (const auto& pos : ReferenceTokens(page.text)) {
      if (ClinicalWords().count(pos[0]) && pos[0] != avoid && uniq.insert(pos[0]).second) {
        words.push_back(pos[0]);
      }
    }
    if (words.empty()) return {};
    return rng_.Pick(words);
  }

  std::string OtherWord(const ArchivePage& page) {
    const auto& all = ClinicalWords();
    const auto tokens = ReferenceTokens(page.text);
    for (int tries = 0; tries < 20; ++tries) {
      auto it = all.begin();
      std::advance(it, rng_.Int(0, static_cast<int>(all.size()) - 1));
      bool on_page = false;
      for (const auto& pos : tokens) on_page = on_page || pos[0] == *it;
      if (!on_page) return *it;
    }
    return {};
  }

  std::string PagePhrase(const ArchivePage& page) {
    const auto pos = ReferenceTokens(page.text);
    std::vector<const std::vector<std::string>*> found;
    for (const auto& ph : ClinicalPhrases()) {
      if (PhraseAt(pos, ph)) found.push_back(&ph);
    }
    if (found.empty()) return {};
    return JoinWords(
        *found[static_cast<std::size_t>(rng_.Int(0, static_cast<int>(found.size()) - 1))]);
  }

  QueryNode DateRange(const std::string& iso) {
    const int precision = rng_.Int(0, 2);
    if (precision == 0 && rng_.Chance(0.3)) {
      const int y = std::stoi(iso.substr(0, 4));
      return Leaf(Kind::kDate, std::to_string(y - rng_.Int(0, 2)),
                  std::to_string(y + rng_.Int(0, 1)));
    }
    if (precision == 0) {
      return Leaf(Kind::kDate, iso.substr(0, 4) + "-01", iso.substr(0, 4) + "-12");
    }
    if (precision == 1) {
      return Leaf(Kind::kDate, DateBound(iso, 1) + "-01", DateBound(iso, 1) + "-31");
    }
    return Leaf(Kind::kDate, iso, iso);
  }

  bool Build(QueryCategory c, const Patient& pt, const ArchiveDocument& doc,
             const ArchivePage& page, QueryNode* out) {
    const std::string given = Lower(pt.given);
    const std::string family = Lower(pt.family);
    const bool plain_name = Alphabetic(given) && Alphabetic(family);
    switch (c) {
      case QueryCategory::kIdentifier:
        *out = Leaf(Kind::kTerm, pt.mrn);
        return true;
      case QueryCategory::kIdentifierField:
        *out = Leaf(Kind::kMrn, pt.mrn);
        return true;
      case QueryCategory::kName:
        if (!plain_name) return false;
        *out = rng_.Chance(0.6)
                   ? Node(Kind::kAnd, {Leaf(Kind::kTerm, family), Leaf(Kind::kTerm, given)})
                   : Node(Kind::kAnd, {Leaf(Kind::kTerm, given), Leaf(Kind::kTerm, family)});
        return true;
      case QueryCategory::kNameField:
        *out = Leaf(Kind::kName, given + " " + family);
        return true;
      case QueryCategory::kPhrase: {
        std::string ph = PagePhrase(page);
        if (ph.empty()) return false;
        *out = Leaf(Kind::kPhrase, ph);
        return true;
      }
      case QueryCategory::kPrefix: {
        std::string w = PageWord(page);
        if (w.size() < 7) return false;
        *out = Leaf(Kind::kPrefix, w.substr(0, static_cast<std::size_t>(rng_.Int(4, 6))));
        return true;
      }
      case QueryCategory::kFilterMrn: {
        std::string w = PageWord(page);
        if (w.empty()) return false;
        *out = Node(Kind::kAnd, {Leaf(Kind::kMrn, pt.mrn), Leaf(Kind::kTerm, w)});
        return true;
      }
      case QueryCategory::kFilterType: {
        std::string w = PageWord(page);
        if (w.empty()) return false;
        *out = Node(Kind::kAnd, {Leaf(Kind::kType, doc.type), Leaf(Kind::kTerm, w)});
        return true;
      }
      case QueryCategory::kFilterDate: {
        if (rng_.Chance(0.7)) {
          *out = Node(Kind::kAnd, {DateRange(doc.date_of_service), Leaf(Kind::kType, doc.type)});
        } else {
          std::string w = PageWord(page);
          if (w.empty()) return false;
          *out = Node(Kind::kAnd, {DateRange(doc.date_of_service), Leaf(Kind::kTerm, w)});
        }
        return true;
      }
      case QueryCategory::kFilterCode: {
        std::vector<std::string> codes = doc.icd10;
        codes.insert(codes.end(), doc.cpt.begin(), doc.cpt.end());
        if (codes.empty()) return false;
        QueryNode code = Leaf(Kind::kCode, rng_.Pick(codes));
        if (rng_.Chance(0.6)) {
          *out = std::move(code);
        } else {
          QueryNode range = DateRange(doc.date_of_service);
          *out = Node(Kind::kAnd, {std::move(code), std::move(range)});
        }
        return true;
      }
      case QueryCategory::kFilterDob:
        if (rng_.Chance(0.5) || !plain_name) {
          *out = Leaf(Kind::kDob, pt.dob);
        } else {
          *out = Node(Kind::kAnd, {Leaf(Kind::kDob, pt.dob), Leaf(Kind::kTerm, family)});
        }
        return true;
      case QueryCategory::kFilterBatch: {
        std::string w = PageWord(page);
        if (w.empty()) return false;
        *out = Node(Kind::kAnd, {BatchNode(doc.batch), Leaf(Kind::kTerm, w)});
        return true;
      }
      case QueryCategory::kBoolean: {
        std::string w1 = PageWord(page);
        std::string w2 = OtherWord(page);
        if (w1.empty() || w2.empty()) return false;
        switch (rng_.Int(0, 3)) {
          case 0:
            *out =
                Node(Kind::kAnd, {Node(Kind::kOr, {Leaf(Kind::kTerm, w1), Leaf(Kind::kTerm, w2)}),
                                  Leaf(Kind::kType, doc.type)});
            return true;
          case 1:
            *out = Node(Kind::kNot, {Leaf(Kind::kTerm, w1), Leaf(Kind::kTerm, w2)});
            return true;
          case 2:
            *out =
                Node(Kind::kAnd, {Leaf(Kind::kMrn, pt.mrn),
                                  Node(Kind::kOr, {Leaf(Kind::kTerm, w2), Leaf(Kind::kTerm, w1)})});
            return true;
          default: {
            std::string ph = PagePhrase(page);
            if (ph.empty()) return false;
            *out =
                Node(Kind::kNot, {Node(Kind::kOr, {Leaf(Kind::kPhrase, ph), Leaf(Kind::kTerm, w2)}),
                                  Leaf(Kind::kTerm, OtherWord(page))});
            return !out->children[1].text.empty();
          }
        }
      }
      case QueryCategory::kApproxIdentifier: {
        std::string typed = ConfuseIdentifier(pt.mrn, rng_);
        if (typed.empty()) return false;
        *out = Leaf(Kind::kApprox, typed, pt.mrn);
        return true;
      }
      case QueryCategory::kApproxName: {
        if (!plain_name) return false;
        const bool fam = rng_.Chance(0.5);
        const std::string& target = fam ? pt.family : pt.given;
        if (target.size() < 5) return false;
        std::string typed = Lower(MisspellName(target, rng_));
        if (typed.empty() || typed == Lower(target)) return false;
        QueryNode g = Leaf(Kind::kApprox, fam ? given : typed, given);
        QueryNode f = Leaf(Kind::kApprox, fam ? typed : family, family);
        *out = Node(Kind::kAnd, {std::move(g), std::move(f)});
        return true;
      }
    }
    return false;
  }

  const Archive& archive_;
  Rng rng_;
  std::vector<int> pool_;
  std::map<int, std::vector<ArchiveDocument>> cache_;
};

std::string Render(const QueryNode& n, const std::vector<std::int64_t>& batch_ids) {
  auto wrap = [&](const QueryNode& c) {
    const bool complex = c.kind == Kind::kAnd || c.kind == Kind::kOr || c.kind == Kind::kNot;
    std::string s = Render(c, batch_ids);
    return complex ? "(" + s + ")" : s;
  };
  switch (n.kind) {
    case Kind::kTerm:
    case Kind::kApprox:
      return n.text;
    case Kind::kPrefix:
      return n.text + "*";
    case Kind::kPhrase:
      return "\"" + n.text + "\"";
    case Kind::kAnd:
    case Kind::kOr: {
      std::string s;
      for (const QueryNode& c : n.children) {
        if (!s.empty()) s += n.kind == Kind::kAnd ? " " : " OR ";
        // A conjunction inside a conjunction needs no parentheses.
        s += (n.kind == Kind::kAnd && c.kind == Kind::kAnd) ? Render(c, batch_ids) : wrap(c);
      }
      return s;
    }
    case Kind::kNot:
      return wrap(n.children.at(0)) + " NOT " + wrap(n.children.at(1));
    case Kind::kMrn:
      return "mrn:" + n.text;
    case Kind::kName:
      return "name:\"" + n.text + "\"";
    case Kind::kDob:
      return "dob:" + n.text;
    case Kind::kType:
      return "type:" + n.text;
    case Kind::kCode:
      return "code:" + n.text;
    case Kind::kBatch: {
      const std::int64_t id = n.batch < static_cast<int>(batch_ids.size())
                                  ? batch_ids[static_cast<std::size_t>(n.batch)]
                                  : n.batch + 1;
      return "batch:" + std::to_string(id);
    }
    case Kind::kDate:
      return "date:" + n.text + ".." + n.truth;
  }
  return {};
}

nlohmann::json ToJson(const QueryNode& n) {
  using nlohmann::json;
  switch (n.kind) {
    case Kind::kTerm:
      return {{"term", n.text}};
    case Kind::kPrefix:
      return {{"prefix", n.text}};
    case Kind::kPhrase:
      return {{"phrase", Words(n.text)}};
    case Kind::kApprox:
      return {{"approx", n.text}, {"meant", n.truth}};
    case Kind::kAnd:
    case Kind::kOr:
    case Kind::kNot: {
      json args = json::array();
      for (const QueryNode& c : n.children) args.push_back(ToJson(c));
      return {{"op", n.kind == Kind::kAnd  ? "and"
                     : n.kind == Kind::kOr ? "or"
                                           : "not"},
              {"args", args}};
    }
    case Kind::kMrn:
      return {{"mrn", n.text}};
    case Kind::kName:
      return {{"name", n.text}};
    case Kind::kDob:
      return {{"dob", n.text}};
    case Kind::kType:
      return {{"type", n.text}};
    case Kind::kCode:
      return {{"code", n.text}};
    case Kind::kBatch:
      return {{"batch_ordinal", n.batch}};
    case Kind::kDate:
      return {{"date_from", n.text}, {"date_to", n.truth}};
  }
  return {};
}

Result<QueryNode> FromJson(const nlohmann::json& j, int depth) {
  auto bad = [] { return Status::InvalidArgument("malformed query tree"); };
  if (!j.is_object() || depth > 32) return bad();
  auto str = [&](const char* key) -> std::string {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  if (j.contains("op")) {
    const std::string op = str("op");
    QueryNode n;
    n.kind = op == "and" ? Kind::kAnd : op == "or" ? Kind::kOr : Kind::kNot;
    if (op != "and" && op != "or" && op != "not") return bad();
    if (!j.contains("args") || !j["args"].is_array()) return bad();
    for (const auto& a : j["args"]) {
      CHARTSCAN_ASSIGN_OR_RETURN(QueryNode c, FromJson(a, depth + 1));
      n.children.push_back(std::move(c));
    }
    if (n.children.size() < 2 || (n.kind == Kind::kNot && n.children.size() != 2)) return bad();
    return n;
  }
  if (j.contains("phrase")) {
    if (!j["phrase"].is_array()) return bad();
    std::vector<std::string> w;
    for (const auto& x : j["phrase"]) {
      if (!x.is_string()) return bad();
      w.push_back(x.get<std::string>());
    }
    return Leaf(Kind::kPhrase, JoinWords(w));
  }
  if (j.contains("batch_ordinal")) {
    if (!j["batch_ordinal"].is_number_integer()) return bad();
    return BatchNode(j["batch_ordinal"].get<int>());
  }
  if (j.contains("date_from")) return Leaf(Kind::kDate, str("date_from"), str("date_to"));
  if (j.contains("approx")) return Leaf(Kind::kApprox, str("approx"), str("meant"));
  static const std::pair<const char*, Kind> kLeaves[] = {
      {"term", Kind::kTerm}, {"prefix", Kind::kPrefix}, {"mrn", Kind::kMrn},  {"name", Kind::kName},
      {"dob", Kind::kDob},   {"type", Kind::kType},     {"code", Kind::kCode}};
  for (const auto& [key, kind] : kLeaves) {
    if (j.contains(key)) return Leaf(kind, str(key));
  }
  return bad();
}

}  // namespace

Result<QueryNode> QueryFromJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("malformed query tree");
  return FromJson(j, 0);
}

std::string QueryJsonLine(const ArchiveQuery& query, const std::vector<std::int64_t>& batch_ids,
                          const std::vector<std::int64_t>* page_ids,
                          const std::vector<std::string>* keys) {
  nlohmann::json j;
  j["id"] = query.id;
  j["category"] = std::string(QueryCategoryName(query.category));
  j["query"] = RenderQuery(query.root, batch_ids);
  j["ast"] = ToJson(query.root);
  j["expected_count"] = query.expected.size();
  if (page_ids != nullptr) {
    nlohmann::json ids = nlohmann::json::array();
    for (std::int64_t o : query.expected) ids.push_back(page_ids->at(static_cast<std::size_t>(o)));
    j["page_ids"] = std::move(ids);
  } else if (keys != nullptr) {
    nlohmann::json ks = nlohmann::json::array();
    for (std::int64_t o : query.expected) ks.push_back(keys->at(static_cast<std::size_t>(o)));
    j["keys"] = std::move(ks);
  }
  return j.dump();
}

Result<ArchiveQuery> ParseQueryJsonLine(std::string_view line,
                                        std::vector<std::int64_t>* page_ids) {
  nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  auto bad = [] { return Status::InvalidArgument("malformed query line"); };
  if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_number_integer() ||
      !j.contains("category") || !j["category"].is_string() || !j.contains("ast")) {
    return bad();
  }
  ArchiveQuery q;
  q.id = j["id"].get<int>();
  const std::string cat = j["category"].get<std::string>();
  bool known = false;
  for (int c = 0; c < kQueryCategoryCount; ++c) {
    if (QueryCategoryName(static_cast<QueryCategory>(c)) == cat) {
      q.category = static_cast<QueryCategory>(c);
      known = true;
    }
  }
  if (!known) return bad();
  CHARTSCAN_ASSIGN_OR_RETURN(q.root, FromJson(j["ast"], 0));
  if (page_ids != nullptr) {
    page_ids->clear();
    if (!j.contains("page_ids") || !j["page_ids"].is_array()) return bad();
    for (const auto& x : j["page_ids"]) {
      if (!x.is_number_integer()) return bad();
      page_ids->push_back(x.get<std::int64_t>());
    }
  }
  return q;
}

std::string_view QueryCategoryName(QueryCategory c) {
  static constexpr std::string_view kNames[] = {
      "identifier", "identifier_field", "name",        "name_field",        "phrase",
      "prefix",     "filter_mrn",       "filter_type", "filter_date",       "filter_code",
      "filter_dob", "filter_batch",     "boolean",     "approx_identifier", "approx_name",
  };
  static_assert(std::size(kNames) == kQueryCategoryCount);
  return kNames[static_cast<int>(c)];
}

std::vector<std::vector<std::string>> ReferenceTokens(std::string_view text) {
  std::vector<std::vector<std::string>> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsTokenChar(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && IsTokenChar(text[j])) ++j;
    std::size_t a = i;
    std::size_t b = j;
    while (a < b && IsJoiner(text[a])) ++a;
    while (b > a && IsJoiner(text[b - 1])) --b;
    if (b > a) {
      std::vector<std::string> pos;
      pos.push_back(Lower(text.substr(a, b - a)));
      const std::string whole = pos[0];
      if (std::any_of(whole.begin(), whole.end(), IsJoiner)) {
        std::size_t k = 0;
        while (k < whole.size()) {
          while (k < whole.size() && IsJoiner(whole[k])) ++k;
          std::size_t e = k;
          while (e < whole.size() && !IsJoiner(whole[e])) ++e;
          if (e > k) pos.push_back(whole.substr(k, e - k));
          k = e;
        }
      }
      out.push_back(std::move(pos));
    }
    i = j;
  }
  return out;
}

std::string RenderQuery(const QueryNode& node, const std::vector<std::int64_t>& batch_ids) {
  return Render(node, batch_ids);
}

std::string QueryJson(const QueryNode& node) { return ToJson(node).dump(); }

std::vector<ArchiveQuery> ChooseQueries(const Archive& archive, std::uint64_t seed) {
  return Chooser(archive, seed).Choose();
}

struct GroundTruth::Impl {
  std::vector<ArchiveQuery> queries;
  std::unordered_map<std::string, std::vector<int>, StringHash, std::equal_to<>> by_key;
  std::vector<int> always;
  std::set<std::size_t> prefix_lengths;
  bool any_truth = false;
  std::vector<std::int64_t> stamp;  // last page ordinal each query was tested on
};

GroundTruth::GroundTruth(std::vector<ArchiveQuery> queries) : impl_(std::make_unique<Impl>()) {
  impl_->queries = std::move(queries);
  impl_->stamp.assign(impl_->queries.size(), -1);
  for (std::size_t q = 0; q < impl_->queries.size(); ++q) {
    const QueryNode& root = impl_->queries[q].root;
    impl_->queries[q].expected.clear();
    int rank = 10;
    std::vector<std::string> anchors = Anchors(root, &rank);
    if (anchors.empty()) impl_->always.push_back(static_cast<int>(q));
    for (const std::string& a : anchors) {
      impl_->by_key[a].push_back(static_cast<int>(q));
      if (a[0] == 'p') impl_->prefix_lengths.insert(std::stoul(a.substr(1, a.find(':') - 1)));
    }
    impl_->any_truth = impl_->any_truth || NeedsTruth(root);
  }
}

GroundTruth::~GroundTruth() = default;

void GroundTruth::Observe(const ArchiveDocument& doc) {
  Impl& m = *impl_;
  const DocFacts d = DocFactsOf(doc);
  std::vector<std::string> doc_keys = {"m:" + d.mrn, "n:" + d.name, "d:" + d.dob, "y:" + d.type,
                                       "b:" + std::to_string(d.batch)};
  for (const std::string& c : d.codes) doc_keys.push_back("c:" + c);

  std::string key;
  for (const ArchivePage& page : doc.pages) {
    PageFacts p;
    p.positions = ReferenceTokens(page.text);
    FillSet(p.positions, p.printed);
    if (m.any_truth) FillSet(ReferenceTokens(page.truth), p.truth);
    auto test = [&](const std::vector<int>& qs) {
      for (int q : qs) {
        if (m.stamp[static_cast<std::size_t>(q)] == page.ordinal) continue;
        m.stamp[static_cast<std::size_t>(q)] = page.ordinal;
        if (Eval(m.queries[static_cast<std::size_t>(q)].root, d, p)) {
          m.queries[static_cast<std::size_t>(q)].expected.push_back(page.ordinal);
        }
      }
    };
    auto look = [&](std::string_view k) {
      auto it = m.by_key.find(k);
      if (it != m.by_key.end()) test(it->second);
    };
    test(m.always);
    for (const std::string& k : doc_keys) look(k);
    for (const std::string& t : p.printed) {
      key.assign("t:").append(t);
      look(key);
      for (std::size_t len : m.prefix_lengths) {
        if (t.size() < len) continue;
        key.assign("p").append(std::to_string(len)).append(":").append(t, 0, len);
        look(key);
      }
    }
    for (const std::string& t : p.truth) {
      key.assign("a:").append(t);
      look(key);
    }
  }
}

std::vector<ArchiveQuery> GroundTruth::Finish() {
  for (ArchiveQuery& q : impl_->queries) {
    std::sort(q.expected.begin(), q.expected.end());
    q.expected.erase(std::unique(q.expected.begin(), q.expected.end()), q.expected.end());
  }
  return std::move(impl_->queries);
}

bool GroundTruth::Matches(const QueryNode& node, const ArchiveDocument& doc,
                          const ArchivePage& page) {
  const DocFacts d = DocFactsOf(doc);
  PageFacts p;
  p.positions = ReferenceTokens(page.text);
  FillSet(p.positions, p.printed);
  FillSet(ReferenceTokens(page.truth), p.truth);
  return Eval(node, d, p);
}

}  // namespace chartscan::samples::archive
