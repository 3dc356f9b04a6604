// The archive's roster, documents and page text. See chartscan/samples/archive.h for the method.
//
// Clinical content is decided once per document (a "case": the patient's chronic problems and
// home medications, drawn once per patient, plus an acute problem with the symptoms and drugs that
// go with it), so a document's sections agree with each other and a patient's documents agree
// with each other. Body text is produced section by section, in the order clinicians write that
// document type, and pages take lines from it until they hold their word target; when a type's
// sections run out before its pages do, it goes on with the continuation sections that type has
// in real charts (more flowsheet rows, more results, interval notes, addenda).
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <chartscan/models/document.h>
#include <chartscan/samples/archive.h>
#include <chartscan/samples/calendar.h>
#include <chartscan/samples/rng.h>
#include <chartscan/samples/vocabulary.h>

#include "page_text.h"

namespace chartscan::samples::archive {
namespace {

// ---------------------------------------------------------------------------------------------
// Dates.

std::string Slash(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.month, d.day, d.year);
  return buf;
}
Date FromIso(std::string_view s) {
  return {std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(5, 2))),
          std::stoi(std::string(s.substr(8, 2)))};
}

int AgeOn(const Date& dob, const Date& on) {
  int age = on.year - dob.year;
  if (on.month < dob.month || (on.month == dob.month && on.day < dob.day)) --age;
  return age;
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string Time(Rng& rng) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", rng.Int(6, 22), rng.Int(0, 11) * 5);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Clinical knowledge: which problems are chronic, what goes with an acute problem.

struct Chronic {
  const char* icd;
  std::vector<const char*> meds;
};

const std::vector<Chronic>& ChronicProblems() {
  static const std::vector<Chronic> v = {
      {"E11.9", {"metformin", "insulin glargine"}},
      {"I10", {"lisinopril", "amlodipine", "hydrochlorothiazide", "losartan"}},
      {"E78.5", {"atorvastatin"}},
      {"I50.9", {"furosemide", "carvedilol", "spironolactone"}},
      {"I48.91", {"apixaban", "warfarin", "metoprolol tartrate"}},
      {"E03.9", {"levothyroxine"}},
      {"I25.10", {"aspirin", "clopidogrel", "atorvastatin"}},
      {"K21.9", {"pantoprazole"}},
      {"F32.9", {"sertraline"}},
      {"J45.909", {"albuterol"}},
      {"G47.33", {}},
      {"N18.30", {}},
      {"E66.9", {}},
      {"Z87.891", {}},
      {"M17.11", {"acetaminophen", "gabapentin"}},
      {"D64.9", {}},
      {"M54.50", {"gabapentin", "acetaminophen"}},
      {"Z79.4", {"insulin glargine", "insulin lispro"}},
  };
  return v;
}

struct Acute {
  const char* icd;
  std::vector<const char*> meds;
  std::vector<const char*> symptoms;  // from vocab::Symptoms()
  const char* course;                 // how the hospital course is told
};

const std::vector<Acute>& AcuteProblems() {
  static const std::vector<Acute> v = {
      {"J18.9",
       {"ceftriaxone", "azithromycin"},
       {"productive cough", "fever and chills", "shortness of breath"},
       "was started on intravenous antibiotics for community-acquired pneumonia with steady "
       "improvement in oxygen requirement and fever curve"},
      {"A41.9",
       {"vancomycin", "piperacillin-tazobactam"},
       {"fever and chills", "confusion", "generalized weakness"},
       "met sepsis criteria on arrival, received a fluid bolus and broad-spectrum antibiotics, and "
       "blood cultures were followed"},
      {"N39.0",
       {"ceftriaxone"},
       {"dysuria and urinary frequency", "fever and chills"},
       "was treated for a urinary tract infection and antibiotics were narrowed once the urine "
       "culture resulted"},
      {"L03.115",
       {"cefazolin"},
       {"lower extremity swelling", "fever and chills"},
       "was treated for right lower extremity cellulitis with intravenous cefazolin and the "
       "erythema receded from the marked borders"},
      {"J44.1",
       {"prednisone", "albuterol", "azithromycin"},
       {"shortness of breath", "productive cough"},
       "was treated for a COPD exacerbation with scheduled nebulizers, systemic steroids and a "
       "short course of azithromycin"},
      {"I21.4",
       {"aspirin", "heparin", "clopidogrel"},
       {"chest pain", "shortness of breath"},
       "was found to have an NSTEMI with a rising troponin, was started on a heparin drip and "
       "dual antiplatelet therapy, and cardiology was consulted"},
      {"I63.9",
       {"aspirin", "atorvastatin"},
       {"confusion", "dizziness", "generalized weakness"},
       "had an acute ischemic stroke confirmed on imaging, was outside the window for "
       "thrombolysis, and was started on antiplatelet therapy with neurology following"},
      {"R07.9",
       {"aspirin"},
       {"chest pain", "palpitations"},
       "was monitored on telemetry for chest pain, serial troponins were negative and a stress "
       "test was arranged"},
      {"E87.1",
       {},
       {"confusion", "generalized weakness", "nausea and vomiting"},
       "had hyponatremia that was corrected slowly with fluid restriction and serial sodium "
       "checks"},
      {"N17.9",
       {},
       {"decreased oral intake", "generalized weakness"},
       "had acute kidney injury that improved with intravenous fluids and holding nephrotoxic "
       "medications"},
      {"E86.0",
       {"ondansetron"},
       {"decreased oral intake", "dizziness", "nausea and vomiting"},
       "was treated for dehydration with intravenous fluids and antiemetics and tolerated a diet "
       "by the second day"},
      {"K35.80",
       {"piperacillin-tazobactam", "ondansetron", "morphine"},
       {"right lower quadrant abdominal pain", "nausea and vomiting"},
       "was diagnosed with acute appendicitis on CT and taken to the operating room for a "
       "laparoscopic appendectomy"},
      {"R10.9",
       {"ondansetron", "pantoprazole"},
       {"epigastric burning", "nausea and vomiting"},
       "was evaluated for abdominal pain with laboratory studies and imaging that showed no "
       "surgical cause"},
      {"I50.9",
       {"furosemide"},
       {"shortness of breath", "lower extremity swelling"},
       "was diuresed with intravenous furosemide for acute on chronic heart failure with a net "
       "negative fluid balance each day"},
      {"R55",
       {},
       {"dizziness", "palpitations"},
       "was admitted after a syncopal episode, telemetry showed no arrhythmia and orthostatic "
       "vital signs were positive"},
      {"S72.001A",
       {"oxycodone", "enoxaparin", "acetaminophen"},
       {"worsening right knee pain", "generalized weakness"},
       "sustained a right femoral neck fracture after a fall and orthopedics performed operative "
       "repair"},
  };
  return v;
}

const vocab::Diagnosis& Dx(std::string_view icd) {
  static const std::map<std::string, const vocab::Diagnosis*, std::less<>> index = [] {
    std::map<std::string, const vocab::Diagnosis*, std::less<>> m;
    for (const auto& d : vocab::Diagnoses()) m[d.icd10] = &d;
    return m;
  }();
  auto it = index.find(icd);
  if (it == index.end()) throw std::logic_error("archive: unknown diagnosis " + std::string(icd));
  return *it->second;
}

const vocab::Medication& Med(std::string_view name) {
  static const std::map<std::string, const vocab::Medication*, std::less<>> index = [] {
    std::map<std::string, const vocab::Medication*, std::less<>> m;
    for (const auto& d : vocab::Medications()) m[d.name] = &d;
    return m;
  }();
  auto it = index.find(name);
  if (it == index.end()) throw std::logic_error("archive: unknown medication " + std::string(name));
  return *it->second;
}

// Real CPT codes of the lab panels in vocab::LabTests().
const char* PanelCpt(std::string_view panel) {
  if (panel == "CMP") return "80053";
  if (panel == "CBC") return "85025";
  if (panel == "LIPID") return "80061";
  if (panel == "A1C") return "83036";
  if (panel == "TSH") return "84443";
  if (panel == "COAG") return "85610";
  return "83735";
}
const char* PanelTitle(std::string_view panel) {
  if (panel == "CMP") return "COMPREHENSIVE METABOLIC PANEL";
  if (panel == "CBC") return "COMPLETE BLOOD COUNT WITH DIFFERENTIAL";
  if (panel == "LIPID") return "LIPID PANEL";
  if (panel == "A1C") return "HEMOGLOBIN A1C";
  if (panel == "TSH") return "THYROID STIMULATING HORMONE";
  if (panel == "COAG") return "COAGULATION STUDIES";
  return "ADDITIONAL CHEMISTRIES";
}
const std::vector<std::string>& Panels() {
  static const std::vector<std::string> v = {"CMP", "CBC", "LIPID", "A1C", "TSH", "COAG", "MISC"};
  return v;
}

constexpr const char* kTitles[] = {
    "DISCHARGE SUMMARY",    "PROGRESS NOTE",
    "HISTORY AND PHYSICAL", "OPERATIVE REPORT",
    "RADIOLOGY REPORT",     "LABORATORY REPORT",
    "INFORMED CONSENT",     "MEDICATION ADMINISTRATION RECORD",
    "CORRESPONDENCE",       "PATIENT EDUCATION AND NURSING NOTES",
};
constexpr int kTypeCount = 10;
static_assert(std::size(kDocumentTypeNames) == kTypeCount);

// Document type weights and page counts, per kDocumentTypeNames index.
constexpr double kTypeWeights[kTypeCount] = {8, 22, 8, 4, 10, 16, 6, 8, 10, 8};
constexpr int kMinPages[kTypeCount] = {2, 1, 2, 2, 1, 1, 1, 2, 1, 1};
constexpr int kMaxPages[kTypeCount] = {5, 3, 4, 4, 2, 3, 2, 4, 2, 2};
enum TypeIndex {
  kDischarge,
  kProgress,
  kHistory,
  kOperative,
  kRadiology,
  kLab,
  kConsent,
  kMar,
  kCorrespondence,
  kOther
};

// Why each exam of vocab::Imagings() is ordered (ICD-10 codes of vocab::Diagnoses()).
const std::vector<const char*>& Indications(std::string_view cpt) {
  static const std::map<std::string, std::vector<const char*>, std::less<>> m = {
      {"71046", {"J18.9", "I50.9", "J44.1", "R07.9"}},
      {"70450", {"I63.9", "R55"}},
      {"74177", {"K35.80", "R10.9", "K57.30"}},
      {"76700", {"K80.20", "R10.9"}},
      {"72148", {"M54.50"}},
  };
  static const std::vector<const char*> fallback = {"R10.9"};
  auto it = m.find(cpt);
  return it == m.end() ? fallback : it->second;
}

std::string DepartmentOf(int type) {
  switch (type) {
    case kOperative:
    case kConsent:
      return "Department of Surgery";
    case kRadiology:
      return "Department of Radiology";
    case kLab:
      return "Clinical Laboratory Services";
    case kMar:
    case kOther:
      return "Nursing Services";
    case kCorrespondence:
      return "Department of Family Medicine";
    case kProgress:
      return "Department of Internal Medicine";
    default:
      return "Hospital Medicine Service";
  }
}

// ---------------------------------------------------------------------------------------------
// A patient's lasting facts and one document's case.

struct PatientCase {
  std::vector<const vocab::Diagnosis*> chronic;
  std::vector<const vocab::Medication*> home_meds;
  std::string allergy;
  int primary_provider = 0;
};

struct DocCase {
  const vocab::Diagnosis* principal = nullptr;
  const Acute* acute = nullptr;  // null for visits about chronic problems only
  std::vector<const vocab::Diagnosis*> secondary;
  std::vector<const vocab::Medication*> meds;
  std::vector<std::string> symptoms;
  const vocab::Procedure* procedure = nullptr;
  const vocab::Imaging* imaging = nullptr;
  bool abnormal = false;
};

struct Person {
  std::string given;
  std::string family;
};

// Produces a document's body, line by line, generating sections as they are needed.
class BodyWriter {
 public:
  BodyWriter(int type, const Patient& patient, const PatientCase& pc, const DocCase& dc,
             const Person& provider, const Date& dos, Rng rng)
      : type_(type),
        patient_(patient),
        pc_(pc),
        dc_(dc),
        provider_(provider),
        dos_(dos),
        rng_(rng),
        dob_(FromIso(patient.dob)) {}

  Line Next() {
    while (queue_.empty()) {
      if (!Section(section_)) Continuation();
      ++section_;
    }
    Line l = std::move(queue_.front());
    queue_.pop_front();
    return l;
  }

 private:
  // ---- building blocks
  void Heading(std::string_view h) { queue_.push_back(LineBuilder().Label(h).Take()); }

  // Running text with markup: {icd:X} prints a code as "(X)", {cpt:X} as "CPT X", {n:Word} a
  // name word. Wrapped at about 90 characters.
  void Para(std::string_view text) {
    LineBuilder b;
    std::size_t width = 0;
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && text[i] == ' ') ++i;
      std::size_t j = i;
      if (i < text.size() && text[i] == '{') {
        j = text.find('}', i);
        if (j == std::string_view::npos) throw std::logic_error("archive: bad markup");
        ++j;
        while (j < text.size() && text[j] != ' ') ++j;
      } else {
        while (j < text.size() && text[j] != ' ') ++j;
      }
      if (j == i) break;
      std::string_view w = text.substr(i, j - i);
      if (width > 0 && width + w.size() > 90) {
        queue_.push_back(b.Take());
        width = 0;
      }
      width += w.size() + 1;
      if (w.front() == '{') {
        std::size_t close = w.find('}');
        std::string_view tag = w.substr(1, w.find(':') - 1);
        std::string_view value = w.substr(w.find(':') + 1, close - w.find(':') - 1);
        std::string_view tail = w.substr(close + 1);
        if (tag == "icd") {
          b.Id(value, "icd10", "(", std::string(")") + std::string(tail));
        } else if (tag == "cpt") {
          b.Label("CPT").Id(value, "cpt", "", tail);
        } else {
          b.Name(value).After(tail);
        }
      } else {
        b.Text(w);
      }
      i = j;
    }
    if (!b.empty()) queue_.push_back(b.Take());
  }

  void Item(std::string_view text) { Para(std::string("- ") + std::string(text)); }

  std::string DxRef(const vocab::Diagnosis& d) { return d.prose + " {icd:" + d.icd10 + "}"; }
  std::string MedLine(const vocab::Medication& m) {
    return m.name + " " + m.dose + " " + m.route + " " + m.freq;
  }
  std::string Pronoun() const { return patient_.sex == "M" ? "He" : "She"; }
  std::string Honorific() const {
    return std::string(patient_.sex == "M" ? "Mr." : "Ms.") + " {n:" + patient_.family + "}";
  }
  int Age() const { return AgeOn(dob_, dos_); }
  std::string Nurse() {
    return std::string("RN ") + static_cast<char>('A' + rng_.Int(0, 25)) +
           ". {n:" + rng_.Pick(vocab::LastNames()) + "}";
  }

  std::string LabValue(const vocab::LabTest& t, bool abnormal, std::string* flag) {
    double span = t.high - t.low;
    double v = rng_.Uniform(t.low + 0.1 * span, t.high - 0.1 * span);
    *flag = "";
    if (abnormal && rng_.Chance(0.35)) {
      if (rng_.Chance(0.5)) {
        v = t.high + span * rng_.Uniform(0.05, 0.6);
        *flag = "H";
      } else {
        v = std::max(0.0, t.low - span * rng_.Uniform(0.05, 0.4));
        *flag = "L";
      }
    }
    return Fixed(v, t.decimals);
  }

  void LabRows(std::string_view panel, bool abnormal) {
    for (const vocab::LabTest& t : vocab::LabTests()) {
      if (t.panel != panel) continue;
      std::string flag;
      std::string v = LabValue(t, abnormal, &flag);
      LineBuilder b;
      b.Text(t.name).Gap().Id(v);
      if (!t.units.empty()) b.Text(t.units);
      b.Gap().Text(Fixed(t.low, t.decimals) + "-" + Fixed(t.high, t.decimals));
      if (!flag.empty()) b.Gap().Label(flag);
      queue_.push_back(b.Take());
    }
  }

  std::string InlineLabs() {
    std::string s = "Labs notable for ";
    const auto& labs = vocab::LabTests();
    std::vector<int> pick = rng_.Sample(static_cast<int>(labs.size()), rng_.Int(4, 7));
    for (std::size_t k = 0; k < pick.size(); ++k) {
      const vocab::LabTest& t = labs[static_cast<std::size_t>(pick[k])];
      std::string flag;
      std::string v = LabValue(t, dc_.abnormal, &flag);
      std::string name = t.name;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name.size() <= 4) name = t.name;  // BUN, WBC, INR stay capitals
      s += name + " " + v + (t.units.empty() || t.units == "%" ? "" : " " + t.units);
      s += k + 1 < pick.size() ? ", " : ".";
    }
    return s;
  }

  void Vitals() {
    LineBuilder b;
    b.Label("Vitals:").Text(
        "T " + Fixed(rng_.Uniform(36.4, dc_.abnormal ? 38.9 : 37.4), 1) + " C, HR " +
        std::to_string(rng_.Int(58, dc_.abnormal ? 118 : 96)) + ", BP " +
        std::to_string(rng_.Int(104, 162)) + "/" + std::to_string(rng_.Int(58, 94)) + ", RR " +
        std::to_string(rng_.Int(12, 24)) + ", SpO2 " +
        std::to_string(rng_.Int(dc_.abnormal ? 88 : 94, 100)) + "% on room air.");
    queue_.push_back(b.Take());
  }

  void Exam() {
    static const char* kExam[] = {
        "General: alert and oriented, in no acute distress.",
        "HEENT: normocephalic, atraumatic, moist mucous membranes.",
        "Neck: supple, no jugular venous distension.",
        "Lungs: clear to auscultation bilaterally, no wheezes or crackles.",
        "Heart: regular rate and rhythm, no murmurs, rubs or gallops.",
        "Abdomen: soft, nontender, nondistended, normal bowel sounds.",
        "Extremities: warm and well perfused, no edema.",
        "Skin: no rashes or lesions.",
        "Neurologic: cranial nerves II through XII intact, strength 5/5 throughout.",
        "Psychiatric: normal mood and affect.",
    };
    Heading("PHYSICAL EXAMINATION:");
    Vitals();
    for (int k : rng_.Sample(static_cast<int>(std::size(kExam)), rng_.Int(5, 8))) {
      Para(kExam[k]);
    }
  }

  void MedList(std::string_view heading, const std::vector<const vocab::Medication*>& meds) {
    Heading(heading);
    for (const auto* m : meds) Item(MedLine(*m));
  }

  std::vector<const vocab::Medication*> AllMeds() const {
    std::vector<const vocab::Medication*> v = pc_.home_meds;
    for (const auto* m : dc_.meds) {
      if (std::find(v.begin(), v.end(), m) == v.end()) v.push_back(m);
    }
    return v;
  }

  void Hpi() {
    Heading("HISTORY OF PRESENT ILLNESS:");
    std::string hx;
    const std::size_t nhx = std::min<std::size_t>(pc_.chronic.size(), 3);
    for (std::size_t k = 0; k < nhx; ++k) {
      hx += (k == 0 ? "" : (k + 1 == nhx ? " and " : ", ")) + pc_.chronic[k]->prose;
    }
    if (hx.empty()) hx = "no significant past medical history";
    const std::string s0 = dc_.symptoms.empty() ? "routine follow-up" : dc_.symptoms[0];
    Para(Honorific() + " is a " + std::to_string(Age()) + "-year-old " +
         (patient_.sex == "M" ? "man" : "woman") + " with a history of " + hx +
         " who presents with " + s0 + " for the past " + std::to_string(rng_.Int(1, 10)) +
         " days.");
    if (dc_.symptoms.size() > 1) {
      Para(Pronoun() + " also reports " + dc_.symptoms[1] + ". Symptoms have been " +
           rng_.Pick(std::vector<std::string>{"progressively worsening", "intermittent", "constant",
                                              "gradually improving at home"}) +
           ".");
    }
    const auto& neg = vocab::NegativeSymptoms();
    std::vector<int> n = rng_.Sample(static_cast<int>(neg.size()), 3);
    Para(Pronoun() + " denies " + neg[n[0]] + ", " + neg[n[1]] + " or " + neg[n[2]] + ".");
  }

  void AssessmentPlan() {
    Heading("ASSESSMENT AND PLAN:");
    int k = 1;
    auto plan = [&](const vocab::Diagnosis& d) {
      std::string s = std::to_string(k++) + ". " + Capitalize(DxRef(d)) + ": ";
      const vocab::Medication* med = nullptr;
      for (const auto* m : AllMeds()) {
        for (const Chronic& c : ChronicProblems()) {
          if (c.icd == d.icd10 &&
              std::find(c.meds.begin(), c.meds.end(), std::string_view(m->name)) != c.meds.end()) {
            med = m;
          }
        }
        if (dc_.acute != nullptr && dc_.acute->icd == d.icd10) {
          for (const char* am : dc_.acute->meds) {
            if (m->name == am) med = m;
          }
        }
        if (med != nullptr) break;
      }
      if (med != nullptr) {
        s += rng_.Pick(std::vector<std::string>{"continue ", "resume ", "start ", "titrate "}) +
             med->name + " " + med->dose + " " + med->freq + ". ";
      }
      s += rng_.Pick(std::vector<std::string>{
          "Monitor closely and reassess tomorrow.", "Will follow up with repeat labs.",
          "Discussed with the patient, who agrees with the plan.",
          "Stable, no changes at this time.", "Outpatient follow-up in 2 weeks."});
      Para(s);
    };
    plan(*dc_.principal);
    for (const auto* d : dc_.secondary) plan(*d);
  }

  // ---- sections per type; false when the type's plan is done
  bool Section(int k) {
    switch (type_) {
      case kDischarge:
        return DischargeSection(k);
      case kProgress:
        return ProgressSection(k);
      case kHistory:
        return HistorySection(k);
      case kOperative:
        return OperativeSection(k);
      case kRadiology:
        return RadiologySection(k);
      case kLab:
        return LabSection(k);
      case kConsent:
        return ConsentSection(k);
      case kMar:
        return MarSection(k);
      case kCorrespondence:
        return LetterSection(k);
      default:
        return OtherSection(k);
    }
  }

  bool DischargeSection(int k) {
    switch (k) {
      case 0: {
        const int los = rng_.Int(2, 7);
        LineBuilder b;
        b.Label("Admission Date:").Id(Slash(dos_.AddDays(-los))).Gap();
        b.Label("Discharge Date:").Id(Slash(dos_));
        queue_.push_back(b.Take());
        Heading("PRINCIPAL DIAGNOSIS:");
        Para(Capitalize(DxRef(*dc_.principal)));
        return true;
      }
      case 1:
        Heading("SECONDARY DIAGNOSES:");
        for (const auto* d : dc_.secondary) Item(Capitalize(DxRef(*d)));
        return true;
      case 2:
        Hpi();
        return true;
      case 3: {
        Heading("HOSPITAL COURSE:");
        const std::string unit = rng_.Pick(vocab::Units());
        Para(Honorific() + " was admitted to the " + unit + ". " + Pronoun() + " " +
             (dc_.acute ? dc_.acute->course : "was observed overnight") + ". " + InlineLabs());
        Para("By the day of discharge " + std::string(patient_.sex == "M" ? "he" : "she") +
             " was " +
             rng_.Pick(std::vector<std::string>{
                 "ambulating independently", "tolerating a regular diet",
                 "afebrile for more than 24 hours", "back to baseline mental status"}) +
             " and was felt to be stable for discharge.");
        return true;
      }
      case 4: {
        Heading("CONSULTATIONS:");
        const auto& sp = vocab::Specialties();
        for (int i : rng_.Sample(static_cast<int>(sp.size()), rng_.Int(1, 3))) Item(sp[i]);
        return true;
      }
      case 5:
        MedList("DISCHARGE MEDICATIONS:", AllMeds());
        return true;
      case 6:
        Heading("DISCHARGE INSTRUCTIONS:");
        Para("Return to the emergency department for " + rng_.Pick(vocab::Symptoms()) +
             ", fever above 38.5 C or any new concern. Activity as tolerated. Diet: " +
             rng_.Pick(std::vector<std::string>{"regular", "low sodium",
                                                "carbohydrate "
                                                "controlled",
                                                "cardiac"}) +
             ".");
        Heading("FOLLOW-UP:");
        Para("Follow up with Dr. {n:" + provider_.family + "} in " +
             std::to_string(rng_.Int(1, 4)) +
             " weeks with a basic metabolic panel before the "
             "visit.");
        Heading("CONDITION AT DISCHARGE:");
        Para(rng_.Pick(std::vector<std::string>{"Stable.", "Good.", "Improved, stable."}));
        return true;
      default:
        return false;
    }
  }

  bool ProgressSection(int k) {
    switch (k) {
      case 0:
        Heading("SUBJECTIVE:");
        Para(Honorific() + " was seen and examined today. " +
             (dc_.symptoms.empty() ? std::string("No new complaints.")
                                   : Pronoun() + " reports " + dc_.symptoms[0] + " is " +
                                         rng_.Pick(std::vector<std::string>{
                                             "improving", "unchanged", "slightly worse",
                                             "much better since yesterday"}) +
                                         "."));
        Para(std::string("Overnight events: ") +
             rng_.Pick(std::vector<std::string>{
                 "none.", "slept well, no acute events.",
                 "required one dose of ondansetron for nausea.",
                 "brief episode of tachycardia that resolved without intervention."}));
        return true;
      case 1:
        Heading("OBJECTIVE:");
        Vitals();
        Para(
            "Lungs: clear to auscultation bilaterally. Heart: regular rate and rhythm. "
            "Abdomen: soft, nontender. Extremities: no edema.");
        Para(InlineLabs());
        return true;
      case 2:
        MedList("CURRENT MEDICATIONS:", AllMeds());
        return true;
      case 3:
        AssessmentPlan();
        return true;
      default:
        return false;
    }
  }

  bool HistorySection(int k) {
    switch (k) {
      case 0:
        Heading("CHIEF COMPLAINT:");
        Para(Capitalize(dc_.symptoms.empty() ? "routine evaluation" : dc_.symptoms[0]) + ".");
        Hpi();
        return true;
      case 1:
        Heading("PAST MEDICAL HISTORY:");
        for (const auto* d : pc_.chronic) Item(Capitalize(d->prose));
        Heading("PAST SURGICAL HISTORY:");
        Para(rng_.Pick(std::vector<std::string>{"Appendectomy in childhood.", "Cholecystectomy.",
                                                "Right knee arthroscopy.", "None.",
                                                "Cesarean section.", "Tonsillectomy."}));
        return true;
      case 2:
        MedList("HOME MEDICATIONS:", pc_.home_meds);
        Heading("ALLERGIES:");
        Para(pc_.allergy + ".");
        return true;
      case 3:
        Heading("SOCIAL HISTORY:");
        Para(rng_.Pick(std::vector<std::string>{
                 "Former smoker, quit 10 years ago. Drinks alcohol socially.",
                 "Never smoker. No alcohol or drug use.",
                 "Smokes half a pack per day. Counseled on cessation."}) +
             " Lives " +
             rng_.Pick(std::vector<std::string>{"with spouse", "alone", "with daughter",
                                                "in an assisted living facility"}) +
             ".");
        Heading("FAMILY HISTORY:");
        Para("Mother with " + rng_.Pick(vocab::Diagnoses()).prose + ". Father with " +
             rng_.Pick(vocab::Diagnoses()).prose + ".");
        return true;
      case 4: {
        Heading("REVIEW OF SYSTEMS:");
        const auto& neg = vocab::NegativeSymptoms();
        std::string s = "Negative for ";
        std::vector<int> n = rng_.Sample(static_cast<int>(neg.size()), 6);
        for (std::size_t i = 0; i < n.size(); ++i) {
          s += neg[n[i]] + (i + 1 < n.size() ? ", " : ".");
        }
        Para(s + " All other systems reviewed and negative.");
        return true;
      }
      case 5:
        Exam();
        return true;
      case 6:
        Heading("LABORATORY DATA:");
        Para(InlineLabs());
        return true;
      case 7:
        AssessmentPlan();
        return true;
      default:
        return false;
    }
  }

  bool OperativeSection(int k) {
    const vocab::Procedure& p = *dc_.procedure;
    const vocab::Diagnosis& d = Dx(p.diagnosis_icd10);
    switch (k) {
      case 0:
        Heading("PREOPERATIVE DIAGNOSIS:");
        Para(Capitalize(DxRef(d)));
        Heading("POSTOPERATIVE DIAGNOSIS:");
        Para("Same.");
        Heading("PROCEDURE:");
        Para(p.name + " {cpt:" + p.cpt + "}");
        return true;
      case 1: {
        LineBuilder b;
        b.Label("Surgeon:").Label("Dr.").Name(provider_.given).Name(provider_.family).After(",");
        b.Label("MD");
        queue_.push_back(b.Take());
        Para("Assistant: Dr. {n:" + rng_.Pick(vocab::LastNames()) + "}");
        Para("Anesthesia: " + rng_.Pick(std::vector<std::string>{
                                  "General endotracheal anesthesia.", "Spinal anesthesia.",
                                  "Monitored anesthesia care with sedation."}));
        return true;
      }
      case 2:
        Heading("INDICATIONS:");
        Para(Honorific() + " is a " + std::to_string(Age()) + "-year-old with " + d.prose +
             ". The risks, benefits and alternatives were discussed and informed consent was "
             "obtained.");
        return true;
      case 3:
        Heading("DESCRIPTION OF PROCEDURE:");
        Para(
            "The patient was brought to the operating room and placed supine. A time-out was "
            "performed confirming the patient, procedure and site.");
        for (const std::string& s : p.steps) Para(s);
        return true;
      case 4:
        Para("Estimated blood loss: " + std::to_string(rng_.Int(1, 30) * 5) + " mL.");
        Para("Specimens: " + p.specimen + ".");
        Para(
            "Complications: none. The patient tolerated the procedure well and was taken to "
            "the recovery room in stable condition.");
        return true;
      default:
        return false;
    }
  }

  bool RadiologySection(int k) {
    const vocab::Imaging& im = *dc_.imaging;
    switch (k) {
      case 0:
        Heading("EXAM:");
        Para(im.exam + " {cpt:" + im.cpt + "}");
        Heading("CLINICAL HISTORY:");
        Para(Capitalize(DxRef(*dc_.principal)) +
             (dc_.symptoms.empty() ? "." : ", " + dc_.symptoms[0] + "."));
        Heading("COMPARISON:");
        Para(rng_.Chance(0.5)
                 ? "None available."
                 : "Prior study dated " + Slash(dos_.AddDays(-rng_.Int(30, 900))) + ".");
        return true;
      case 1:
        Heading("TECHNIQUE:");
        Para(im.technique);
        return true;
      case 2:
        Heading("FINDINGS:");
        for (const std::string& s : dc_.abnormal ? im.abnormal_findings : im.normal_findings) {
          Para(s);
        }
        return true;
      case 3:
        Heading("IMPRESSION:");
        {
          int n = 1;
          for (const std::string& s :
               dc_.abnormal ? im.impressions_abnormal : im.impressions_normal) {
            Para(std::to_string(n++) + ". " + s);
          }
        }
        return true;
      default:
        return false;
    }
  }

  bool LabSection(int k) {
    if (k == 0) {
      LineBuilder b;
      b.Label("Collected:").Id(Slash(dos_)).Id(Time(rng_)).Gap();
      b.Label("Received:").Id(Slash(dos_)).Id(Time(rng_));
      queue_.push_back(b.Take());
      Para("Specimen: blood, venous. Ordering diagnosis: " + DxRef(*dc_.principal) + ".");
      return true;
    }
    return false;
  }

  bool ConsentSection(int k) {
    const std::string what = dc_.procedure != nullptr ? dc_.procedure->name
                             : dc_.imaging != nullptr ? dc_.imaging->exam
                                                      : "blood transfusion";
    const std::string code = dc_.procedure != nullptr ? dc_.procedure->cpt
                             : dc_.imaging != nullptr ? dc_.imaging->cpt
                                                      : "36430";
    switch (k) {
      case 0:
        Para("I, {n:" + patient_.given + "} {n:" + patient_.family +
             "}, authorize Dr. {n:" + provider_.family +
             "} and such assistants as may be "
             "selected to perform the following procedure: " +
             what + " {cpt:" + code + "}.");
        return true;
      case 1:
        Para(
            "The nature and purpose of the procedure, the risks including bleeding, infection, "
            "injury to nearby structures, blood clots and the risks of anesthesia, the expected "
            "benefits and the reasonable alternatives have been explained to me.");
        Para(
            "I understand that no guarantee has been made as to the result. I have had the "
            "opportunity to ask questions and all of my questions were answered.");
        return true;
      case 2:
        Para(
            "I consent to the administration of anesthesia and to the disposal of any tissue "
            "removed. I consent to the transfusion of blood products if needed.");
        Para("Patient signature: ______________________ Date: " + Slash(dos_));
        Para("Witness: " + Nurse() +
             "    Interpreter used: " + std::string(rng_.Chance(0.15) ? "yes" : "no"));
        return true;
      default:
        return false;
    }
  }

  bool MarSection(int k) {
    if (k == 0) {
      Heading("ALLERGIES:");
      Para(pc_.allergy + ".");
      Para("Date Time Medication Dose Route Status Given by");
      return true;
    }
    return false;
  }

  bool LetterSection(int k) {
    switch (k) {
      case 0:
        Para("Dear Dr. {n:" + rng_.Pick(vocab::LastNames()) + "},");
        Para("Thank you for referring " + Honorific() + ", a " + std::to_string(Age()) +
             "-year-old " + (patient_.sex == "M" ? "man" : "woman") + ", whom I saw in clinic on " +
             Slash(dos_) + " for evaluation of " + DxRef(*dc_.principal) + ".");
        return true;
      case 1:
        Para("As you know, " + std::string(patient_.sex == "M" ? "he" : "she") +
             " has a history of " +
             (pc_.chronic.empty() ? std::string("no chronic illness") : DxRef(*pc_.chronic[0])) +
             ". Today " + std::string(patient_.sex == "M" ? "he" : "she") + " reports " +
             (dc_.symptoms.empty() ? std::string("feeling well") : dc_.symptoms[0]) + ". " +
             InlineLabs());
        return true;
      case 2: {
        std::string meds;
        for (const auto* m : AllMeds()) meds += (meds.empty() ? "" : ", ") + m->name;
        Para("Current medications include " + (meds.empty() ? std::string("none") : meds) +
             ". I have recommended " +
             rng_.Pick(std::vector<std::string>{"no changes for now", "a modest dose increase",
                                                "repeat laboratory studies in three months",
                                                "a follow-up visit in six weeks"}) +
             ".");
        Para(
            "Thank you for allowing me to participate in the care of this patient. Please do "
            "not hesitate to contact me with any questions.");
        Para("Sincerely,");
        return true;
      }
      default:
        return false;
    }
  }

  bool OtherSection(int k) {
    if (k == 0) {
      Heading("PATIENT EDUCATION:");
      Para("Education provided to the patient and family on " + DxRef(*dc_.principal) +
           ", medications, warning signs and when to seek care. Teach-back method used; the "
           "patient verbalized understanding.");
      return true;
    }
    return false;
  }

  // ---- what a type goes on with once its plan is done
  void Continuation() {
    switch (type_) {
      case kLab: {
        const std::string& panel = rng_.Pick(Panels());
        LineBuilder b;
        b.Label(PanelTitle(panel)).Label("CPT").Id(PanelCpt(panel), "cpt");
        queue_.push_back(b.Take());
        LabRows(panel, dc_.abnormal);
        if (rng_.Chance(0.3)) {
          Para(rng_.Pick(std::vector<std::string>{
              "Comment: specimen mildly hemolyzed; potassium may be falsely elevated.",
              "Comment: critical value called to the nurse and read back.",
              "Comment: result verified by repeat analysis."}));
        }
        return;
      }
      case kMar: {
        const auto meds = AllMeds();
        if (meds.empty()) {
          Para("No scheduled medications. PRN acetaminophen 650 mg PO offered, declined.");
          return;
        }
        for (int i = 0; i < 4; ++i) {
          const vocab::Medication& m = *rng_.Pick(meds);
          const Date day = dos_.AddDays(rng_.Int(0, 3));
          Para(Slash(day) + " " + Time(rng_) + " " + m.name + " " + m.dose + " " + m.route + " " +
               rng_.Pick(std::vector<std::string>{"given", "given", "given", "held", "refused"}) +
               " " + Nurse());
        }
        return;
      }
      case kRadiology: {
        // Another exam read in the same report, or an addendum.
        if (continuation_++ % 3 == 2) {
          Heading("ADDENDUM:");
          Para(rng_.Pick(std::vector<std::string>{
              "Findings were discussed with the ordering provider by telephone at the time of "
              "interpretation.",
              "Dose reduction techniques were used, including automated exposure control.",
              "Comparison was made to outside images submitted for review; no interval "
              "change."}));
          return;
        }
        const vocab::Imaging& im = rng_.Pick(vocab::Imagings());
        const bool abnormal = rng_.Chance(0.4);
        Heading("ADDITIONAL EXAM:");
        Para(im.exam + " {cpt:" + im.cpt + "}");
        Heading("TECHNIQUE:");
        Para(im.technique);
        Heading("FINDINGS:");
        for (const std::string& f : abnormal ? im.abnormal_findings : im.normal_findings) Para(f);
        Heading("IMPRESSION:");
        for (const std::string& f : abnormal ? im.impressions_abnormal : im.impressions_normal) {
          Para(f);
        }
        return;
      }
      case kConsent: {
        static const char* kHeads[] = {
            "ANESTHESIA CONSENT:", "CONSENT FOR BLOOD PRODUCTS:",
            "PATIENT RIGHTS AND RESPONSIBILITIES:", "CONSENT FOR PHOTOGRAPHY AND OBSERVERS:"};
        static const char* kTexts[] = {
            "I understand that anesthesia involves additional risks, including sore throat, "
            "nausea, dental injury, allergic reaction and, rarely, serious complications. The "
            "anesthesiologist has answered my questions.",
            "I understand that transfusion of blood or blood products may be necessary. The "
            "risks, including fever, allergic reaction and, rarely, infection, and the "
            "alternatives have been explained to me.",
            "I have received a copy of the patient rights and responsibilities and the notice of "
            "privacy practices. I may withdraw this consent at any time before the procedure.",
            "I consent to photographs or video of the procedure for my medical record and to the "
            "presence of observers for the purpose of medical education."};
        const int k = continuation_++ % 4;
        Heading(kHeads[k]);
        Para(kTexts[k]);
        Para("Signature: ______________________ Date: " + Slash(dos_) + " Witness: " + Nurse());
        return;
      }
      case kOther:
        Heading("NURSING NOTE:");
        Para(Slash(dos_) + " " + Time(rng_) + " Patient resting comfortably. " + "Pain " +
             std::to_string(rng_.Int(0, 6)) + "/10. " +
             rng_.Pick(std::vector<std::string>{"Ambulated in hallway with assistance.",
                                                "Tolerating diet.", "Family at bedside.",
                                                "Call light within reach, bed alarm on."}) +
             " " + Nurse());
        return;
      case kCorrespondence:
        if (continuation_ % 2 == 0) {
          ++continuation_;
          Para(
              "Enclosed are copies of the most recent laboratory results and imaging reports "
              "for your records. " +
              InlineLabs());
        } else {
          ClinicalContinuation();
        }
        return;
      default:
        ClinicalContinuation();
        return;
    }
  }

  // Notes, consults, reconciliations and flowsheets that follow the plan of an inpatient or
  // clinic document, in turn.
  void ClinicalContinuation() {
    const int k = continuation_++;
    const Date day = dos_.AddDays(k / 3);
    const std::string he = patient_.sex == "M" ? "he" : "she";
    switch (k % 5) {
      case 0: {
        Heading("INTERVAL NOTE " + Slash(day) + ":");
        const auto meds = AllMeds();
        std::string s = Honorific() + " " +
                        rng_.Pick(std::vector<std::string>{
                            "feels better today and slept through the night.",
                            "reports " + rng_.Pick(dc_.symptoms) + " is slowly improving.",
                            "has ongoing " + rng_.Pick(dc_.symptoms) + " but is eating more.",
                            "had an uneventful night without new complaints."});
        s += " " + InlineLabs();
        if (!meds.empty()) {
          const vocab::Medication& m = *rng_.Pick(meds);
          s += " Plan: " +
               rng_.Pick(std::vector<std::string>{"continue ", "increase ", "hold ", "resume "}) +
               m.name + " " + m.dose + " " + m.route + " " + m.freq + " for " +
               DxRef(*dc_.principal) + ".";
        }
        Para(s);
        Vitals();
        return;
      }
      case 1: {
        const std::string& sp = rng_.Pick(vocab::Specialties());
        Heading("CONSULTANT NOTE (" + Upper(sp) + "):");
        Para("Asked to see " + Honorific() + " for " + DxRef(*dc_.principal) + ". " +
             "Chart, imaging and laboratory data reviewed. " + Capitalize(he) + " " +
             rng_.Pick(std::vector<std::string>{
                 "is hemodynamically stable.", "appears comfortable at rest.",
                 "remains on supplemental oxygen.", "is ambulating with assistance."}) +
             " Recommend " +
             rng_.Pick(std::vector<std::string>{
                 "continuing the current regimen", "repeat laboratory studies in the morning",
                 "outpatient follow-up in our clinic", "a follow-up imaging study",
                 "adjusting therapy as outlined below"}) +
             ". Thank you for this consult; we will follow.");
        return;
      }
      case 2: {
        Heading("MEDICATION RECONCILIATION:");
        for (const auto* m : AllMeds()) {
          Item(MedLine(*m) + " - " +
               rng_.Pick(std::vector<std::string>{"continued", "continued", "dose changed", "held",
                                                  "new"}));
        }
        Para("Allergies reviewed: " + pc_.allergy + ".");
        return;
      }
      case 3: {
        Heading("NURSING NOTE:");
        for (int i = 0; i < 3; ++i) {
          Para(Slash(day) + " " + Time(rng_) + " " +
               rng_.Pick(std::vector<std::string>{
                   "Patient resting comfortably, pain " + std::to_string(rng_.Int(0, 6)) + "/10.",
                   "Ambulated in hallway with assistance, tolerated well.",
                   "Family at bedside, questions answered.",
                   "Call light within reach, bed alarm on.",
                   "Tolerating diet, intake " + std::to_string(rng_.Int(30, 100)) +
                       " percent of meal.",
                   "Medications given as ordered, no adverse reaction noted."}) +
               " " + Nurse());
        }
        return;
      }
      default:
        Exam();
        return;
    }
  }

  const int type_;
  const Patient& patient_;
  const PatientCase& pc_;
  const DocCase& dc_;
  const Person& provider_;
  const Date dos_;
  Rng rng_;
  const Date dob_;
  std::deque<Line> queue_;
  int section_ = 0;
  int continuation_ = 0;
};

// The fields printed by a page's pieces: consecutive pieces of one field on a line make one
// value.
std::vector<std::pair<std::string, std::string>> PrintedFields(const std::vector<Line>& lines) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Line& line : lines) {
    std::string field;
    for (const Piece& p : line) {
      if (p.field.empty()) {
        field.clear();
        continue;
      }
      if (p.field == field && (field == "patient_name" || field == "provider")) {
        out.back().second += " " + p.text;
      } else {
        out.emplace_back(p.field, p.text);
      }
      field = p.field;
    }
  }
  return out;
}

std::string NormalizeField(const std::string& name, const std::string& value) {
  if (name == "dob" || name == "date_of_service") return RepairedIsoDate(value);
  std::string out;
  if (name == "mrn") {
    for (char c : value) {
      if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    }
    return Upper(out);
  }
  return Upper(value);
}

Field MakeField(std::string name, std::string value, std::string normalized, double confidence) {
  Field f;
  f.name = std::move(name);
  f.value = std::move(value);
  f.normalized = std::move(normalized);
  f.confidence = confidence;
  return f;
}

}  // namespace

Status OcrErrorRates::Validate() const {
  for (double r : {identifier_confusion, identifier_digit, name, letters, split, merge}) {
    if (!(r >= 0 && r <= 1)) return Status::InvalidArgument("OCR error rates must be in [0, 1]");
  }
  return Status::Ok();
}

Status ArchiveOptions::Validate() const {
  if (pages < 1 || pages > 100'000'000) {
    return Status::InvalidArgument("archive pages must be between 1 and 100,000,000");
  }
  if (patients < 0 || patients > pages) {
    return Status::InvalidArgument("archive patients must be between 0 and the page count");
  }
  if (words_per_page < 60 || words_per_page > 5000) {
    return Status::InvalidArgument("words per page must be between 60 and 5000");
  }
  if (pages_per_batch < 1) return Status::InvalidArgument("pages per batch must be positive");
  if (first_year < 1950 || last_year > 2100 || first_year > last_year) {
    return Status::InvalidArgument("years of service must be a range within 1950-2100");
  }
  return errors.Validate();
}

int ArchiveOptions::patient_count() const {
  if (patients > 0) return patients;
  return static_cast<int>(std::max<std::int64_t>(1, pages / 20));
}

std::string ArchiveDocument::text() const {
  std::string out;
  for (const ArchivePage& p : pages) {
    if (!out.empty()) out += '\f';
    out += p.text;
  }
  return out;
}

std::string PageKey(const ArchiveDocument& doc, int page) {
  return std::to_string(doc.patient) + "/" + std::to_string(doc.ordinal_in_patient) + "/" +
         std::to_string(page);
}

Archive::Archive(const ArchiveOptions& options) : options_(options) {
  if (Status s = options.Validate(); !s.ok()) throw std::invalid_argument(s.ToString());
  const int n = options.patient_count();
  Rng roster = Rng(options.seed).Fork("roster");

  // Pages: one each, the rest shared by weight.
  std::vector<double> cum(static_cast<std::size_t>(n) + 1, 0.0);
  for (int i = 0; i < n; ++i) {
    cum[static_cast<std::size_t>(i) + 1] =
        cum[static_cast<std::size_t>(i)] + roster.Uniform(0.25, 1.75);
  }
  const std::int64_t extra = options.pages - n;
  auto share = [&](int i) {
    return static_cast<std::int64_t>(
        std::llround(static_cast<double>(extra) * cum[static_cast<std::size_t>(i)] /
                     cum[static_cast<std::size_t>(n)]));
  };

  // MRNs: an affine map of the index modulo 10^8 with a multiplier prime to 10, so unique.
  const std::uint64_t mult = 48'271'117;  // odd, not a multiple of 5
  const std::uint64_t offset = roster.Next() % 100'000'000ull;
  patients_.reserve(static_cast<std::size_t>(n));
  std::int64_t first = 0;
  for (int i = 0; i < n; ++i) {
    Patient p;
    p.index = i;
    p.sex = roster.Chance(0.5) ? "F" : "M";
    p.given = roster.Pick(p.sex == "F" ? vocab::FemaleFirstNames() : vocab::MaleFirstNames());
    p.family = roster.Pick(vocab::LastNames());
    char mrn[16];
    std::snprintf(mrn, sizeof mrn, "%08llu",
                  static_cast<unsigned long long>((mult * static_cast<std::uint64_t>(i) + offset) %
                                                  100'000'000ull));
    p.mrn = mrn;
    const long lo = DaysFromCivil(1925, 1, 1);
    const long hi = DaysFromCivil(2002, 12, 31);
    p.dob = CivilFromDays(lo + static_cast<long>(roster.Uniform() * static_cast<double>(hi - lo)))
                .Iso();
    p.first_page = first;
    p.pages = static_cast<int>(1 + share(i + 1) - share(i));
    first += p.pages;
    patients_.push_back(std::move(p));
  }

  Rng staff = Rng(options.seed).Fork("staff");
  for (int i = 0; i < 150; ++i) {
    provider_given_.push_back(staff.Chance(0.5) ? staff.Pick(vocab::FemaleFirstNames())
                                                : staff.Pick(vocab::MaleFirstNames()));
    provider_family_.push_back(staff.Pick(vocab::LastNames()));
  }
  for (int i = 0; i < 12; ++i) {
    facilities_.push_back(staff.Pick(vocab::PlaceWords()) + " " +
                          staff.Pick(vocab::FacilityKinds()));
  }
}

std::vector<ArchiveDocument> Archive::PatientDocuments(int index) const {
  const Patient& patient = patients_.at(static_cast<std::size_t>(index));
  const Rng base = Rng(options_.seed).Fork("patient").Fork(static_cast<std::uint64_t>(index));
  Rng rng = base.Fork("plan");

  // The patient's lasting problems.
  PatientCase pc;
  {
    const auto& chronic = ChronicProblems();
    for (int k : rng.Sample(static_cast<int>(chronic.size()), rng.Int(1, 4))) {
      const Chronic& c = chronic[static_cast<std::size_t>(k)];
      pc.chronic.push_back(&Dx(c.icd));
      if (!c.meds.empty()) {
        const vocab::Medication* m =
            &Med(c.meds[static_cast<std::size_t>(rng.Int(0, static_cast<int>(c.meds.size()) - 1))]);
        if (std::find(pc.home_meds.begin(), pc.home_meds.end(), m) == pc.home_meds.end()) {
          pc.home_meds.push_back(m);
        }
      }
    }
    pc.allergy = rng.Pick(vocab::Allergies());
    pc.primary_provider = rng.Int(0, static_cast<int>(provider_family_.size()) - 1);
  }
  const int facility = rng.Int(0, static_cast<int>(facilities_.size()) - 1);

  // Documents: types and page counts until the patient's pages are used; dates in order.
  struct Plan {
    int type;
    int pages;
    long day;
  };
  std::vector<Plan> plans;
  int left = patient.pages;
  const Date dob = FromIso(patient.dob);
  const long first_day = std::max(DaysFromCivil(options_.first_year, 1, 1),
                                  DaysFromCivil(dob.year + 18, dob.month, 1));
  const long last_day = std::max(first_day, DaysFromCivil(options_.last_year, 12, 31));
  while (left > 0) {
    double total = 0;
    for (double w : kTypeWeights) total += w;
    double r = rng.Uniform() * total;
    int type = 0;
    while (type + 1 < kTypeCount && r >= kTypeWeights[type]) r -= kTypeWeights[type++];
    const int pages = std::min(left, rng.Int(kMinPages[type], kMaxPages[type]));
    left -= pages;
    plans.push_back({type, pages,
                     first_day + static_cast<long>(rng.Uniform() *
                                                   static_cast<double>(last_day - first_day + 1))});
  }
  std::stable_sort(plans.begin(), plans.end(),
                   [](const Plan& a, const Plan& b) { return a.day < b.day; });

  char pdir[32];
  std::snprintf(pdir, sizeof pdir, "archive/p%08d", index);
  std::vector<ArchiveDocument> docs;
  std::int64_t ordinal = patient.first_page;
  for (std::size_t di = 0; di < plans.size(); ++di) {
    const Plan& plan = plans[di];
    Rng drng = base.Fork("doc").Fork(di);
    const Date dos = CivilFromDays(plan.day);

    // The case.
    DocCase dc;
    dc.abnormal = drng.Chance(0.55);
    if (plan.type == kOperative || (plan.type == kConsent && drng.Chance(0.6))) {
      dc.procedure = &drng.Pick(vocab::Procedures());
      dc.principal = &Dx(dc.procedure->diagnosis_icd10);
    }
    if (plan.type == kRadiology ||
        (plan.type == kConsent && dc.procedure == nullptr && drng.Chance(0.5))) {
      dc.imaging = &drng.Pick(vocab::Imagings());
      const std::vector<const char*>& why = Indications(dc.imaging->cpt);
      dc.principal =
          &Dx(why[static_cast<std::size_t>(drng.Int(0, static_cast<int>(why.size()) - 1))]);
      for (const Acute& a : AcuteProblems()) {
        if (dc.principal->icd10 == a.icd) {
          for (const char* sy : a.symptoms) dc.symptoms.emplace_back(sy);
        }
      }
    }
    const bool acute_visit = plan.type != kLab && plan.type != kCorrespondence &&
                             (plan.type == kDischarge || plan.type == kHistory || drng.Chance(0.6));
    if (dc.principal == nullptr && acute_visit) {
      dc.acute = &drng.Pick(AcuteProblems());
      dc.principal = &Dx(dc.acute->icd);
      for (const char* m : dc.acute->meds) dc.meds.push_back(&Med(m));
      for (const char* s : dc.acute->symptoms) dc.symptoms.emplace_back(s);
    }
    if (dc.principal == nullptr) {
      dc.principal = pc.chronic[static_cast<std::size_t>(
          drng.Int(0, static_cast<int>(pc.chronic.size()) - 1))];
    }
    if (dc.symptoms.empty()) {
      dc.symptoms.push_back(drng.Pick(vocab::Symptoms()));
    }
    for (const auto* d : pc.chronic) {
      if (d != dc.principal && dc.secondary.size() < 3) dc.secondary.push_back(d);
    }
    const int provider_index = drng.Chance(0.5)
                                   ? pc.primary_provider
                                   : drng.Int(0, static_cast<int>(provider_family_.size()) - 1);
    Person provider{provider_given_[static_cast<std::size_t>(provider_index)],
                    provider_family_[static_cast<std::size_t>(provider_index)]};

    ArchiveDocument doc;
    doc.patient = index;
    doc.ordinal_in_patient = static_cast<int>(di);
    doc.batch = static_cast<int>(ordinal / options_.pages_per_batch);
    doc.type = kDocumentTypeNames[plan.type];
    doc.date_of_service = dos.Iso();
    doc.provider = provider.given + " " + provider.family + ", MD";
    char path[64];
    std::snprintf(path, sizeof path, "%s/doc-%03d.pdf", pdir, static_cast<int>(di));
    doc.path = path;

    BodyWriter body(plan.type, patient, pc, dc, provider, dos, drng.Fork("body"));
    Rng page_rng = drng.Fork("pages");
    const std::string department = DepartmentOf(plan.type);
    for (int pg = 1; pg <= plan.pages; ++pg) {
      std::vector<Line> lines;
      lines.push_back(LineBuilder()
                          .Label(facilities_[static_cast<std::size_t>(facility)])
                          .Gap()
                          .Label(department)
                          .Take());
      lines.push_back(LineBuilder()
                          .Label("Patient:")
                          .Name(patient.given, "patient_name")
                          .Name(patient.family, "patient_name")
                          .Gap()
                          .Label("MRN:")
                          .Id(patient.mrn, "mrn")
                          .Gap()
                          .Label("DOB:")
                          .Id(Slash(dob), "dob")
                          .Take());
      lines.push_back(LineBuilder()
                          .Label("Date of Service:")
                          .Id(Slash(dos), "date_of_service")
                          .Gap()
                          .Label("Provider:")
                          .Label("Dr.")
                          .Name(provider.given, "provider")
                          .Name(provider.family, "provider")
                          .After(",")
                          .Label("MD")
                          .Take());
      if (pg == 1) lines.push_back(LineBuilder().Label(kTitles[plan.type]).Take());

      const bool last = pg == plan.pages;
      const int target =
          static_cast<int>(std::lround(options_.words_per_page * page_rng.Uniform(0.85, 1.15)));
      const int footer_words = 4 + (last ? 9 : 0);
      int words = 0;
      for (const Line& l : lines) words += CountWords(RenderLine(l));
      while (words + footer_words < target) {
        Line l = body.Next();
        words += CountWords(RenderLine(l));
        lines.push_back(std::move(l));
      }
      if (last) {
        const Date signed_on = dos.AddDays(page_rng.Int(0, 2));
        lines.push_back(LineBuilder()
                            .Label("Electronically signed by")
                            .Name(provider.given)
                            .Name(provider.family)
                            .After(",")
                            .Label("MD on")
                            .Id(Slash(signed_on))
                            .Id(Time(page_rng))
                            .Take());
      }
      lines.push_back(LineBuilder()
                          .Label("Page")
                          .Id(std::to_string(pg))
                          .Label("of")
                          .Id(std::to_string(plan.pages))
                          .Take());

      ArchivePage page;
      page.ordinal = ordinal++;
      page.page = pg;
      auto join = [](const std::vector<Line>& ls) {
        std::string s;
        for (const Line& l : ls) {
          if (!s.empty()) s += '\n';
          s += RenderLine(l);
        }
        return s;
      };
      page.truth = join(lines);
      const auto truth_fields = PrintedFields(lines);
      for (const auto& [name, value] : truth_fields) {
        if (name == "icd10" &&
            std::find(doc.icd10.begin(), doc.icd10.end(), value) == doc.icd10.end()) {
          doc.icd10.push_back(value);
        }
        if (name == "cpt" && std::find(doc.cpt.begin(), doc.cpt.end(), value) == doc.cpt.end()) {
          doc.cpt.push_back(value);
        }
      }
      Rng err = Rng(options_.seed).Fork("errors").Fork(static_cast<std::uint64_t>(page.ordinal));
      InjectErrors(lines, options_.errors, err, page.errors, page.opportunities);
      page.text = page.errors.empty() ? page.truth : join(lines);
      const auto printed_fields = PrintedFields(lines);
      for (std::size_t f = 0; f < printed_fields.size(); ++f) {
        const auto& [name, value] = printed_fields[f];
        bool seen = false;
        for (const Field& have : page.fields)
          seen = seen || (have.name == name && have.value == value);
        if (seen) continue;
        const bool clean = value == truth_fields[f].second;
        Field field = MakeField(name, value, NormalizeField(name, value),
                                clean ? err.Uniform(0.88, 0.99) : err.Uniform(0.45, 0.75));
        field.needs_review = field.normalized.empty() || !clean;
        page.fields.push_back(std::move(field));
      }
      page.confidence = std::clamp(
          err.Normal(93.0, 2.0) - 1.5 * static_cast<double>(page.errors.size()), 40.0, 99.0);
      doc.pages.push_back(std::move(page));
    }

    doc.fields.push_back(
        MakeField("patient_name", patient.full_name(), Upper(patient.full_name()), 0.97));
    doc.fields.push_back(MakeField("mrn", patient.mrn, patient.mrn, 0.97));
    doc.fields.push_back(MakeField("dob", Slash(dob), patient.dob, 0.97));
    doc.fields.push_back(MakeField("date_of_service", Slash(dos), doc.date_of_service, 0.95));
    doc.fields.push_back(
        MakeField("provider", doc.provider, Upper(provider.given + " " + provider.family), 0.93));
    for (const std::string& c : doc.icd10) doc.fields.push_back(MakeField("icd10", c, c, 0.95));
    for (const std::string& c : doc.cpt) doc.fields.push_back(MakeField("cpt", c, c, 0.95));
    docs.push_back(std::move(doc));
  }
  return docs;
}

Status Archive::ForEachDocument(const std::function<Status(const ArchiveDocument&)>& fn) const {
  for (const Patient& p : patients_) {
    for (const ArchiveDocument& d : PatientDocuments(p.index)) {
      CHARTSCAN_RETURN_IF_ERROR(fn(d));
    }
  }
  return Status::Ok();
}

}  // namespace chartscan::samples::archive
