// Invents chart documents: people, facility, dates, and body text from sentence templates.
//
// Each document type follows the section structure clinicians actually use (SOAP for progress
// notes, the H&P headings, the operative report fields, the radiology report's findings and
// impression...). Sentences are templates filled from vocab:: lists, with the patient's problems
// chosen once per document so the diagnoses, medications, labs and plan agree with each other.
#include "document.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <chartscan/samples/vocabulary.h>

namespace chartscan::samples {
namespace {

constexpr std::array<const char*, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string Digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.Int(0, 9)));
  return s;
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

Date RandomDate(Rng& rng, int year_lo, int year_hi) {
  long lo = DaysFromCivil(year_lo, 1, 1);
  long hi = DaysFromCivil(year_hi, 12, 31);
  return CivilFromDays(lo + static_cast<long>(rng.Uniform() * static_cast<double>(hi - lo)));
}

int AgeOn(const Date& dob, const Date& on) {
  int age = on.year - dob.year;
  if (on.month < dob.month || (on.month == dob.month && on.day < dob.day)) --age;
  return age;
}

std::string Time24(Rng& rng) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d%02d", rng.Int(6, 21), rng.Int(0, 59));
  return buf;
}

std::string TimeColon(Rng& rng) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", rng.Int(6, 21), rng.Int(0, 59));
  return buf;
}

std::string Phone(Rng& rng, const std::string& area, int style) {
  std::string line = "01" + Digits(rng, 2);
  switch (style) {
    case 0:
      return "(" + area + ") 555-" + line;
    case 1:
      return area + "-555-" + line;
    default:
      return area + ".555." + line;
  }
}

// ---- People and places --------------------------------------------------------------------

Person MakePerson(Rng& rng) {
  Person p;
  p.sex = rng.Chance(0.5) ? "F" : "M";
  p.first = p.sex == "F" ? rng.Pick(vocab::FemaleFirstNames()) : rng.Pick(vocab::MaleFirstNames());
  p.last = rng.Pick(vocab::LastNames());
  if (rng.Chance(0.6)) p.middle = std::string(1, static_cast<char>('A' + rng.Int(0, 25)));
  return p;
}

std::string MakeNpi(Rng& rng) {
  // Individual NPIs start with 1 (organizations with 2).
  std::string nine = "1" + Digits(rng, 8);
  return nine + NpiCheckDigit(nine);
}

Patient MakePatient(Rng& rng, const Date& service) {
  Patient p;
  static_cast<Person&>(p) = MakePerson(rng);
  // Ages skew old, as inpatient charts do.
  int age = std::clamp(static_cast<int>(rng.Normal(62, 17)), 18, 97);
  p.dob = RandomDate(rng, service.year - age - 1, service.year - age - 1);
  switch (rng.Weighted({3, 2, 2, 1.5, 1})) {
    case 0:  // zero padded
      p.mrn = "00" + Digits(rng, 6);
      break;
    case 1:
      p.mrn = std::to_string(rng.Int(1, 9)) + Digits(rng, 6);
      break;
    case 2:
      p.mrn = "000" + std::to_string(rng.Int(1, 9)) + Digits(rng, 6);
      break;
    case 3: {
      static const char* kPrefixes[] = {"H", "K", "W", "MR", "E"};
      p.mrn = std::string(rng.Pick(kPrefixes)) + Digits(rng, 7);
      break;
    }
    default:
      p.mrn = Digits(rng, 2) + "-" + Digits(rng, 5);
      break;
  }
  for (char c : p.mrn) {
    if (std::isalnum(static_cast<unsigned char>(c))) p.mrn_normalized.push_back(c);
  }
  p.account = std::to_string(rng.Int(1, 9)) + Digits(rng, 8);
  return p;
}

Provider MakeProvider(Rng& rng) {
  Provider p;
  static_cast<Person&>(p) = MakePerson(rng);
  p.credential = rng.Chance(0.85) ? "MD" : "DO";
  p.npi = MakeNpi(rng);
  return p;
}

Facility MakeFacility(Rng& rng) {
  Facility f;
  f.name = rng.Pick(vocab::PlaceWords()) + " " + rng.Pick(vocab::FacilityKinds());
  f.street = std::to_string(rng.Int(10, 9800)) + " " + rng.Pick(vocab::StreetNames()) + " " +
             rng.Pick(vocab::StreetSuffixes());
  f.city_line = rng.Pick(vocab::Cities()) + ", " + rng.Pick(vocab::States()) + " " +
                std::to_string(rng.Int(1, 9)) + Digits(rng, 4);
  std::string area = rng.Pick(vocab::AreaCodes());
  int style = rng.Int(0, 2);
  f.phone = Phone(rng, area, style);
  f.fax = Phone(rng, area, style);
  f.department = rng.Pick(vocab::Departments());
  return f;
}

std::string PatientNamePrinted(Rng& rng, const Patient& p) {
  std::string mi = p.middle;
  switch (rng.Int(0, 3)) {
    case 0:
      return Upper(p.last) + ", " + Upper(p.first) + (mi.empty() ? "" : " " + mi);
    case 1:
      return p.last + ", " + p.first + (mi.empty() ? "" : " " + mi + ".");
    case 2:
      return p.first + (mi.empty() ? "" : " " + mi + ".") + " " + p.last;
    default:
      return Upper(p.first) + (mi.empty() ? "" : " " + mi) + " " + Upper(p.last);
  }
}

std::string ProviderPrinted(Rng& rng, const Provider& p) {
  switch (rng.Int(0, 3)) {
    case 0:
      return p.first + " " + p.last + ", " + p.credential;
    case 1:
      return "Dr. " + p.first + " " + p.last;
    case 2:
      return Upper(p.last) + ", " + Upper(p.first) + " " + p.credential;
    default:
      return p.first + (p.middle.empty() ? "" : " " + p.middle + ".") + " " + p.last + ", " +
             p.credential;
  }
}

std::string NormalizedName(const Person& p) { return Upper(p.first) + " " + Upper(p.last); }

// ---- Sentence helpers ---------------------------------------------------------------------

struct Ctx {
  Rng& rng;
  Document& doc;
  Date service;    // date of service, admission, surgery or collection
  Date discharge;  // discharge summaries
  int age = 0;
  std::string he, his, him;
  std::string man;  // "man" / "woman"
  std::vector<vocab::Diagnosis> problems;
  std::vector<vocab::Medication> meds;

  std::string D(const Date& d) const { return FormatDate(d, doc.date_style); }
  std::string Heading(std::string s) const {
    return doc.style.headings_upper ? Upper(std::move(s)) : std::move(s);
  }
  void H(std::string s) {
    Block b;
    b.kind = BlockKind::kHeading;
    b.text = RichText(Heading(std::move(s)));
    doc.body.push_back(std::move(b));
  }
  void P(RichText t) {
    Block b;
    b.kind = BlockKind::kParagraph;
    b.text = std::move(t);
    doc.body.push_back(std::move(b));
  }
  // "Label: text" with a bold label, the run-in heading style many dictation systems use.
  void RunIn(const std::string& label, RichText t) {
    RichText r;
    r.Bold(Heading(label) + ":").Add(" ");
    r.Append(t);
    P(std::move(r));
  }
  void Item(RichText t, double indent = 14) {
    Block b;
    b.kind = BlockKind::kListItem;
    b.text = std::move(t);
    b.indent = indent;
    doc.body.push_back(std::move(b));
  }
  void Check(bool checked, RichText t) {
    Block b;
    b.kind = BlockKind::kCheckbox;
    b.checked = checked;
    b.text = std::move(t);
    doc.body.push_back(std::move(b));
  }
  void Space(double pt) {
    Block b;
    b.kind = BlockKind::kSpacer;
    b.space = pt;
    doc.body.push_back(std::move(b));
  }
  void AddTable(Table t) {
    Block b;
    b.kind = BlockKind::kTable;
    b.table = std::move(t);
    doc.body.push_back(std::move(b));
  }
  void Signature(SignatureSpec s) {
    Block b;
    b.kind = BlockKind::kSignature;
    b.signature = std::move(s);
    doc.body.push_back(std::move(b));
  }

  std::string Med(const vocab::Medication& m) const {
    return m.name + " " + m.dose + " " + m.route + " " + m.freq;
  }
  std::string Vitals() {
    int sys = rng.Int(102, 168);
    return "BP " + std::to_string(sys) + "/" + std::to_string(rng.Int(58, 96)) + " mmHg, HR " +
           std::to_string(rng.Int(58, 118)) + ", RR " + std::to_string(rng.Int(12, 24)) +
           ", Temp " + Fixed(rng.Uniform(97.2, 101.4), 1) + " F, SpO2 " +
           std::to_string(rng.Int(88, 99)) + "% on " +
           (rng.Chance(0.7) ? "room air" : std::to_string(rng.Int(2, 4)) + " L nasal cannula");
  }
  std::string Problem(int i) const { return problems[static_cast<std::size_t>(i)].prose; }
  std::string PmhList() {
    std::vector<std::string> items;
    for (std::size_t i = 1; i < problems.size(); ++i) items.push_back(problems[i].prose);
    if (items.empty()) return "no significant past medical history";
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) s += i + 1 == items.size() ? " and " : ", ";
      s += items[i];
    }
    return s;
  }
  RichText Icd(const vocab::Diagnosis& d, int style) {
    RichText r;
    switch (style) {
      case 0:
        r.Add(Capitalize(d.prose) + " (").Field(d.icd10, "icd10", d.icd10).Add(")");
        break;
      case 1:
        r.Field(d.icd10, "icd10", d.icd10).Add(" - " + d.description);
        break;
      default:
        r.Add(d.description + ", ICD-10 ").Field(d.icd10, "icd10", d.icd10);
        break;
    }
    return r;
  }
  RichText Cpt(const std::string& code, const std::string& name, int style) {
    RichText r;
    if (style == 0) {
      r.Add(name + " (CPT ").Field(code, "cpt", code).Add(")");
    } else {
      r.Add("CPT ").Field(code, "cpt", code).Add(" - " + name);
    }
    return r;
  }
  std::string Negatives() {
    std::vector<std::string> v = vocab::NegativeSymptoms();
    rng.Shuffle(v);
    return v[0] + ", " + v[1] + " or " + v[2];
  }
};

// ---- Header -------------------------------------------------------------------------------

void AddHeader(Ctx& c, const std::string& date_field, const std::string& date_label,
               const std::string& provider_label) {
  Document& d = c.doc;
  Rng& rng = c.rng;
  bool colon = d.style.header_style != HeaderStyle::kLabelAbove || rng.Chance(0.3);
  auto label = [&](std::string s) { return colon ? s + ":" : s; };
  static const char* kNameLabels[] = {"Patient Name", "Patient", "Name", "PATIENT"};
  static const char* kMrnLabels[] = {"MRN",       "Med Rec #",       "MR#", "Medical Record No.",
                                     "MR Number", "Medical Record #"};
  static const char* kDobLabels[] = {"DOB", "Date of Birth", "Birthdate", "Birth Date"};
  static const char* kNpiLabels[] = {"NPI", "NPI #", "Provider NPI"};

  std::string name = PatientNamePrinted(rng, d.patient);
  d.header.push_back({label(rng.Pick(kNameLabels)),
                      RichText().Field(name, "patient_name", NormalizedName(d.patient))});
  d.header.push_back({label(rng.Pick(kMrnLabels)),
                      RichText().Field(d.patient.mrn, "mrn", d.patient.mrn_normalized)});
  d.header.push_back({label(rng.Pick(kDobLabels)),
                      RichText().Field(c.D(d.patient.dob), "dob", d.patient.dob.Iso())});
  if (rng.Chance(0.5)) d.header.push_back({label("Sex"), RichText(d.patient.sex)});
  if (d.type == DocType::kDischargeSummary) {
    static const char* kAdmit[] = {"Admission Date", "Admit Date", "Date of Admission"};
    static const char* kDisch[] = {"Discharge Date", "Date of Discharge"};
    d.header.push_back({label(rng.Pick(kAdmit)),
                        RichText().Field(c.D(c.service), "admission_date", c.service.Iso())});
    d.header.push_back({label(rng.Pick(kDisch)),
                        RichText().Field(c.D(c.discharge), "discharge_date", c.discharge.Iso())});
  } else {
    d.header.push_back(
        {label(date_label), RichText().Field(c.D(c.service), date_field, c.service.Iso())});
  }
  d.header.push_back(
      {label(provider_label),
       RichText().Field(ProviderPrinted(rng, d.provider), "provider", NormalizedName(d.provider))});
  d.header.push_back({label(rng.Pick(kNpiLabels)),
                      RichText().Field(d.provider.npi, "provider_npi", d.provider.npi)});
  if (rng.Chance(0.4)) d.header.push_back({label("Account #"), RichText(d.patient.account)});
  if (rng.Chance(0.3)) {
    d.header.push_back(
        {label("Room"), RichText(std::to_string(rng.Int(2, 6)) + (rng.Chance(0.5) ? "W-" : "E-") +
                                 std::to_string(rng.Int(100, 450)))});
  }
}

SignatureSpec ProviderSignature(Ctx& c, const std::string& label, const Date& when) {
  SignatureSpec s;
  s.label = label;
  s.scribble = c.rng.Chance(0.8);
  s.date_line = c.rng.Chance(0.5);
  if (c.rng.Chance(0.85)) {
    std::string who = "Dr. " + c.doc.provider.first + " " + c.doc.provider.last;
    if (c.rng.Chance(0.5))
      who = c.doc.provider.first + " " + c.doc.provider.last + ", " + c.doc.provider.credential;
    s.esign.Add("Electronically signed by ")
        .Field(who, "provider", NormalizedName(c.doc.provider))
        .Add(" on " + c.D(when) + " at " + TimeColon(c.rng));
  }
  return s;
}

// ---- Document types -----------------------------------------------------------------------

void ProgressNote(Ctx& c) {
  Rng& rng = c.rng;
  c.doc.title = rng.Pick({std::string("Progress Note"), std::string("Hospital Progress Note"),
                          std::string("Clinic Progress Note"), std::string("Daily Progress Note")});
  static const char* kDosLabels[] = {"Date of Service", "DOS", "Service Date", "Visit Date",
                                     "Encounter Date"};
  AddHeader(
      c, "date_of_service", rng.Pick(kDosLabels),
      rng.Pick({std::string("Provider"), std::string("Attending"), std::string("Physician")}));
  int day = rng.Int(2, 6);
  c.H("Subjective");
  c.P("Hospital day " + std::to_string(day) + ". " + Capitalize(c.he) + " reports " +
      rng.Pick({std::string("feeling somewhat better today"), std::string("improved breathing"),
                std::string("ongoing fatigue but less pain"),
                std::string("poor sleep overnight due to cough")}) +
      ". " + Capitalize(c.he) + " denies " + c.Negatives() + ". Tolerating " +
      rng.Pick({std::string("a regular diet"), std::string("clear liquids"),
                std::string("a cardiac diet")}) +
      " and ambulating " +
      rng.Pick({std::string("with assistance"), std::string("independently in the hallway"),
                std::string("to the bathroom only")}) +
      ". Pain is " + std::to_string(rng.Int(0, 6)) + "/10.");
  c.H("Objective");
  c.RunIn("Vitals", RichText(c.Vitals() + "."));
  c.RunIn("General", RichText("Alert and oriented, in no acute distress."));
  c.RunIn("Cardiovascular",
          RichText(rng.Chance(0.7) ? "Regular rate and rhythm, no murmurs."
                                   : "Irregularly irregular rhythm, no murmurs."));
  c.RunIn("Lungs", RichText(rng.Chance(0.5) ? "Clear to auscultation bilaterally."
                                            : "Crackles at the right base, no wheezes."));
  c.RunIn("Abdomen", RichText("Soft, non-tender, non-distended, normal bowel sounds."));
  c.RunIn("Extremities", RichText(rng.Chance(0.6) ? "No edema." : "Trace bilateral ankle edema."));
  c.RunIn(
      "Labs",
      RichText("WBC " + Fixed(rng.Uniform(5, 16), 1) + ", Hgb " + Fixed(rng.Uniform(9, 15), 1) +
               ", Na " + std::to_string(rng.Int(130, 144)) + ", K " +
               Fixed(rng.Uniform(3.3, 5.2), 1) + ", Cr " + Fixed(rng.Uniform(0.7, 2.4), 2) + "."));
  c.H("Assessment and Plan");
  c.P(RichText(std::to_string(c.age) + "-year-old " + c.man + " with " + c.PmhList() +
               ", admitted for " + c.Problem(0) + ", improving."));
  int n = 1;
  for (const vocab::Diagnosis& d : c.problems) {
    RichText item(std::to_string(n++) + ". ");
    item.Append(c.Icd(d, n % 3 == 0 ? 1 : 0));
    static const std::vector<std::string> kPlans = {
        ": continue current therapy and monitor daily labs.",
        ": stable, continue home regimen.",
        ": improving; transition to oral therapy if afebrile for 24 hours.",
        ": monitor closely, recheck in the morning.",
        ": discussed with patient, will titrate medications as tolerated.",
        ": follow up as outpatient."};
    item.Add(rng.Pick(kPlans));
    c.Item(std::move(item));
  }
  c.RunIn("Disposition",
          RichText(rng.Pick({std::string("Anticipate discharge home in 1 to 2 days."),
                             std::string("Continue inpatient care."),
                             std::string("Physical therapy evaluation pending for discharge "
                                         "planning.")})));
  RichText cpt("Billing: ");
  cpt.Append(c.Cpt(rng.Chance(0.5) ? "99232" : "99233", "Subsequent hospital care", 1));
  c.P(std::move(cpt));
}

void HistoryAndPhysical(Ctx& c) {
  Rng& rng = c.rng;
  c.doc.title =
      rng.Pick({std::string("History and Physical"), std::string("Admission History and Physical"),
                std::string("History & Physical Examination")});
  bool admission = rng.Chance(0.5);
  AddHeader(c, admission ? "admission_date" : "date_of_service",
            admission ? "Date of Admission" : "Date of Service", "Attending Physician");
  c.RunIn("Chief Complaint", RichText(Capitalize(rng.Pick(vocab::Symptoms())) + "."));
  c.H("History of Present Illness");
  std::string sym = rng.Pick(vocab::Symptoms());
  c.P("The patient is a " + std::to_string(c.age) + "-year-old " + c.man + " with a history of " +
      c.PmhList() + " who presents with " + std::to_string(rng.Int(2, 10)) + " days of " + sym +
      ". " + Capitalize(c.he) + " reports associated " + rng.Pick(vocab::Symptoms()) + ". " +
      Capitalize(c.he) + " denies " + c.Negatives() + ". Symptoms began gradually and have been " +
      rng.Pick({std::string("progressively worsening"), std::string("intermittent"),
                std::string("constant")}) +
      ". " + Capitalize(c.he) +
      " tried acetaminophen at home without relief. In the emergency "
      "department, vital signs were notable for " +
      rng.Pick({std::string("a temperature of 101.2 F"), std::string("heart rate of 112"),
                std::string("oxygen saturation of 89% on room air"),
                std::string("blood pressure of 168/94")}) +
      ". Initial labs showed " +
      rng.Pick({std::string("a white count of 14.2"),
                std::string("creatinine of 2.1 from a "
                            "baseline of 1.0"),
                std::string("sodium of 128"), std::string("lactate of 2.8")}) +
      ". " + Capitalize(c.he) + " was admitted for further evaluation and management.");
  c.H("Past Medical History");
  for (std::size_t i = 1; i < c.problems.size(); ++i)
    c.Item(RichText("- " + Capitalize(c.problems[i].prose)));
  if (c.problems.size() == 1) c.Item(RichText("- None"));
  c.RunIn("Past Surgical History",
          RichText(rng.Pick({std::string("Appendectomy in 1998. Cholecystectomy."),
                             std::string("Right knee arthroscopy. Cesarean section x2."),
                             std::string("Coronary artery bypass grafting in 2015."),
                             std::string("None.")})));
  c.H("Medications");
  for (const vocab::Medication& m : c.meds) c.Item(RichText("- " + c.Med(m)));
  c.RunIn("Allergies", RichText(rng.Pick(vocab::Allergies()) + "."));
  c.RunIn("Social History",
          RichText(rng.Pick({std::string("Former smoker, quit in 2009, 20 pack-year history. "
                                         "Drinks alcohol socially."),
                             std::string("Never smoker. No alcohol or drug use."),
                             std::string("Current smoker, 1 pack per day. Drinks 2 to 3 beers "
                                         "per week.")}) +
                   " Lives " +
                   rng.Pick({std::string("with spouse"), std::string("alone"),
                             std::string("with daughter")}) +
                   " and is independent in activities of daily living."));
  c.RunIn("Family History",
          RichText(rng.Pick({std::string("Mother with hypertension and type 2 diabetes. Father "
                                         "deceased at 71 of myocardial infarction."),
                             std::string("Noncontributory."),
                             std::string("Sister with breast cancer. Father with COPD.")})));
  c.RunIn("Review of Systems",
          RichText("All other systems reviewed and negative except as noted in the HPI."));
  c.H("Physical Examination");
  c.RunIn("Vitals", RichText(c.Vitals() + "."));
  c.RunIn("General", RichText("Well-appearing, alert, in mild distress."));
  c.RunIn("HEENT", RichText("Normocephalic, atraumatic. Moist mucous membranes."));
  c.RunIn("Neck", RichText("Supple, no jugular venous distension."));
  c.RunIn("Heart", RichText("Regular rate and rhythm, normal S1 and S2, no murmurs."));
  c.RunIn("Lungs", RichText(rng.Chance(0.5) ? "Clear to auscultation bilaterally."
                                            : "Decreased breath sounds at the right base."));
  c.RunIn("Abdomen", RichText("Soft, mildly tender in the right lower quadrant, no rebound."));
  c.RunIn("Neuro", RichText("Alert and oriented x3. No focal deficits."));
  c.H("Assessment and Plan");
  int n = 1;
  for (const vocab::Diagnosis& d : c.problems) {
    RichText item(std::to_string(n++) + ". ");
    item.Append(c.Icd(d, 0));
    item.Add(rng.Pick({std::string(" - admit, start treatment and trend labs."),
                       std::string(" - continue home medications."),
                       std::string(" - consult " + rng.Pick(vocab::Specialties()) + "."),
                       std::string(" - monitor.")}));
    c.Item(std::move(item));
  }
  c.RunIn("DVT Prophylaxis", RichText("Enoxaparin 40 mg SC daily."));
  c.RunIn("Code Status", RichText(rng.Chance(0.8) ? "Full code." : "DNR/DNI."));
  RichText cpt;
  cpt.Append(c.Cpt("99223", "Initial hospital care, high complexity", 0));
  c.P(std::move(cpt));
}

void DischargeSummary(Ctx& c) {
  Rng& rng = c.rng;
  c.doc.title =
      rng.Pick({std::string("Discharge Summary"), std::string("Hospital Discharge Summary"),
                std::string("DISCHARGE SUMMARY")});
  AddHeader(c, "", "",
            rng.Pick({std::string("Attending"), std::string("Attending Physician"),
                      std::string("Discharging Physician")}));
  c.RunIn("Admitting Diagnosis", RichText(Capitalize(c.Problem(0)) + "."));
  c.H("Discharge Diagnoses");
  int n = 1;
  int style = rng.Int(0, 2);
  for (const vocab::Diagnosis& d : c.problems) {
    RichText item(std::to_string(n++) + ". ");
    item.Append(c.Icd(d, style));
    c.Item(std::move(item));
  }
  c.H("Hospital Course");
  int los = 0;
  {
    long a = DaysFromCivil(c.service.year, c.service.month, c.service.day);
    long b = DaysFromCivil(c.discharge.year, c.discharge.month, c.discharge.day);
    los = static_cast<int>(b - a);
  }
  std::string unit = rng.Pick(vocab::Units());
  c.P("The patient is a " + std::to_string(c.age) + "-year-old " + c.man + " with " + c.PmhList() +
      " who presented with " + rng.Pick(vocab::Symptoms()) +
      " and was found to "
      "have " +
      c.Problem(0) + ". " + Capitalize(c.he) + " was admitted to the " + unit + " and started on " +
      c.Med(c.meds[0]) + ". " +
      rng.Pick({std::string("Blood cultures remained negative."),
                std::string("Creatinine improved from 2.1 to 1.2 with intravenous fluids."),
                std::string("Serial troponins peaked at 0.84 and trended down."),
                std::string("Oxygen requirement resolved by hospital day 3.")}) +
      " " + rng.Pick(vocab::Specialties()) + " was consulted and recommended " +
      rng.Pick({std::string("outpatient follow-up"),
                std::string("continuing the current "
                            "regimen"),
                std::string("a repeat echocardiogram in 3 months")}) +
      ".");
  c.P("By hospital day " + std::to_string(std::max(los, 1)) + ", " + c.he +
      " was tolerating a regular diet, ambulating independently and " + c.his +
      " symptoms had largely resolved. " + Capitalize(c.he) +
      " was deemed stable for discharge and the plan was discussed with " + c.him + " and " +
      c.his + " family, who agreed.");
  c.RunIn("Procedures",
          RichText(rng.Pick({std::string("None."), std::string("Transthoracic echocardiogram."),
                             std::string("Peripherally inserted central catheter "
                                         "placement.")})));
  c.H("Discharge Medications");
  for (const vocab::Medication& m : c.meds) c.Item(RichText("- " + c.Med(m)));
  c.RunIn("Allergies", RichText(rng.Pick(vocab::Allergies()) + "."));
  c.RunIn(
      "Condition at Discharge",
      RichText(rng.Pick({std::string("Stable."), std::string("Good."), std::string("Improved.")})));
  c.RunIn("Disposition", RichText(rng.Pick({std::string("Home with self-care."),
                                            std::string("Home with home health services."),
                                            std::string("Skilled nursing facility.")})));
  c.RunIn("Follow-up",
          RichText("Primary care provider in 1 week. " + rng.Pick(vocab::Specialties()) +
                   " clinic in " + std::to_string(rng.Int(2, 6)) + " weeks."));
  c.RunIn("Discharge Instructions",
          RichText("Return to the emergency department for fever over 101 F, chest pain, "
                   "shortness of breath or any other concerning symptoms. Resume normal activity "
                   "as tolerated. " +
                   rng.Pick({std::string("Low sodium diet."), std::string("Diabetic diet."),
                             std::string("Regular diet.")})));
  RichText cpt("Discharge services: ");
  cpt.Append(c.Cpt(los > 2 ? "99239" : "99238", "Hospital discharge day management", 1));
  c.P(std::move(cpt));
}

void OperativeReport(Ctx& c) {
  Rng& rng = c.rng;
  const vocab::Procedure& proc = rng.Pick(vocab::Procedures());
  const vocab::Diagnosis* dx = &vocab::Diagnoses()[0];
  for (const vocab::Diagnosis& d : vocab::Diagnoses()) {
    if (d.icd10 == proc.diagnosis_icd10) dx = &d;
  }
  c.problems.insert(c.problems.begin(), *dx);
  c.doc.title = rng.Pick({std::string("Operative Report"), std::string("OPERATIVE NOTE"),
                          std::string("Procedure Note")});
  static const char* kDateLabels[] = {"Date of Surgery", "Date of Procedure", "Procedure Date"};
  AddHeader(c, "date_of_service", rng.Pick(kDateLabels), "Surgeon");
  RichText pre;
  pre.Append(c.Icd(*dx, 0));
  c.RunIn("Preoperative Diagnosis", pre);
  c.RunIn("Postoperative Diagnosis", RichText("Same."));
  c.RunIn("Procedure Performed", c.Cpt(proc.cpt, proc.name, 0));
  Person assistant = MakePerson(rng);
  c.RunIn("Assistant",
          RichText(rng.Chance(0.5) ? "None." : assistant.first + " " + assistant.last + ", PA-C."));
  c.RunIn("Anesthesia",
          RichText(proc.laparoscopic || rng.Chance(0.5) ? "General endotracheal anesthesia."
                                                        : "Monitored anesthesia care."));
  c.RunIn("Estimated Blood Loss", RichText(std::to_string(rng.Int(1, 30) * 5) + " mL."));
  c.RunIn("Specimens", RichText(proc.specimen + "."));
  c.RunIn("Drains", RichText("None."));
  c.RunIn("Complications", RichText("None apparent."));
  c.H("Indications");
  c.P("The patient is a " + std::to_string(c.age) + "-year-old " + c.man + " with " + dx->prose +
      ". The risks, benefits and alternatives of the procedure, including bleeding, infection, "
      "injury to surrounding structures and the need for further procedures, were discussed in "
      "detail and informed consent was obtained.");
  c.H("Description of Procedure");
  std::string intro =
      "The patient was brought to the operating room and placed in the supine position. " +
      std::string(proc.laparoscopic ? "General endotracheal anesthesia was induced without "
                                      "difficulty. The abdomen was prepped and draped in the "
                                      "usual sterile fashion."
                                    : "Anesthesia was administered and the patient was prepped "
                                      "and draped in the usual sterile fashion.") +
      " A time-out was performed confirming the correct patient, procedure and site. "
      "Preoperative antibiotics were given within 60 minutes of incision.";
  c.P(intro);
  std::string body;
  for (const std::string& s : proc.steps) body += (body.empty() ? "" : " ") + s;
  c.P(body);
  c.P("All sponge, needle and instrument counts were correct x2. The patient tolerated the "
      "procedure well and was transferred to the recovery room in stable condition.");
  c.RunIn("Disposition", RichText(rng.Pick({std::string("PACU, then home when criteria are met."),
                                            std::string("PACU, then admit to the surgical "
                                                        "floor.")})));
}

void RadiologyReport(Ctx& c) {
  Rng& rng = c.rng;
  const vocab::Imaging& img = rng.Pick(vocab::Imagings());
  bool abnormal = rng.Chance(0.6);
  c.doc.title = rng.Pick({std::string("Radiology Report"), std::string("Diagnostic Imaging Report"),
                          std::string("RADIOLOGY REPORT")});
  static const char* kDateLabels[] = {"Exam Date", "Date of Exam", "Date of Service"};
  AddHeader(c, "date_of_service", rng.Pick(kDateLabels),
            rng.Pick({std::string("Ordering Physician"), std::string("Referring Physician")}));
  c.doc.header.push_back({"Accession #:", RichText("RAD" + Digits(rng, 7))});
  c.RunIn("Exam", c.Cpt(img.cpt, img.exam, 0));
  c.RunIn("Clinical History", RichText(Capitalize(rng.Pick(vocab::Symptoms())) + ". " +
                                       "Evaluate for " + c.Problem(0) + "."));
  c.RunIn("Comparison",
          RichText(rng.Chance(0.5)
                       ? "None available."
                       : "Prior study dated " + c.D(c.service.AddDays(-rng.Int(60, 900))) + "."));
  c.RunIn("Technique", RichText(img.technique));
  c.H("Findings");
  const std::vector<std::string>& f = abnormal ? img.abnormal_findings : img.normal_findings;
  std::string para;
  for (const std::string& s : f) para += (para.empty() ? "" : " ") + s;
  c.P(para);
  if (rng.Chance(0.5)) {
    c.P("Soft tissues are unremarkable. No additional findings of clinical significance.");
  }
  c.H("Impression");
  const std::vector<std::string>& imp =
      abnormal ? img.impressions_abnormal : img.impressions_normal;
  int n = 1;
  for (const std::string& s : imp) c.Item(RichText(std::to_string(n++) + ". " + s));
  Person rad = MakePerson(rng);
  c.P(RichText("Dictated by: " + rad.first + " " + rad.last + ", MD, Radiologist. Transcribed " +
               c.D(c.service) + " " + TimeColon(rng) + "."));
}

std::string LabValue(Rng& rng, const vocab::LabTest& t, std::string& flag) {
  double span = t.high - t.low;
  double v = t.low + span * rng.Uniform(0.05, 0.95);
  flag.clear();
  if (rng.Chance(0.22)) {
    if (rng.Chance(0.6)) {
      v = t.high + span * rng.Uniform(0.05, 0.8);
      flag = v > t.high + span * 0.6 ? "HH" : "H";
    } else if (t.low > 0) {
      v = std::max(t.low - span * rng.Uniform(0.05, 0.5), t.low * 0.3);
      flag = "L";
    }
  }
  return Fixed(v, t.decimals);
}

void LabReport(Ctx& c) {
  Rng& rng = c.rng;
  c.doc.title =
      rng.Pick({std::string("Laboratory Report"), std::string("Clinical Laboratory Results"),
                std::string("LAB RESULTS REPORT"), std::string("Cumulative Lab Report")});
  static const char* kDateLabels[] = {"Collected", "Collection Date", "Date Collected"};
  AddHeader(c, "date_of_service", rng.Pick(kDateLabels),
            rng.Pick({std::string("Ordering Provider"), std::string("Ordering Physician")}));
  std::string accession = "L" + Digits(rng, 2) + "-" + Digits(rng, 6);
  c.P(RichText(
      "Accession: " + accession + "    Specimen: " +
      rng.Pick({std::string("Blood, venous"), std::string("Serum"), std::string("Plasma")}) +
      "    Received: " + c.D(c.service) + " " + Time24(rng) + "    Reported: " + c.D(c.service) +
      " " + Time24(rng)));
  struct Panel {
    std::string key, title, cpt;
  };
  std::vector<Panel> panels = {{"CMP", "COMPREHENSIVE METABOLIC PANEL", "80053"},
                               {"CBC", "CBC WITH DIFFERENTIAL", "85025"},
                               {"LIPID", "LIPID PANEL", "80061"},
                               {"A1C", "HEMOGLOBIN A1C", "83036"},
                               {"TSH", "THYROID STIMULATING HORMONE", "84443"},
                               {"MISC", "ADDITIONAL CHEMISTRY", "83735"},
                               {"COAG", "COAGULATION", "85610"}};
  std::vector<Panel> chosen = {panels[0]};
  if (rng.Chance(0.8)) chosen.push_back(panels[1]);
  for (std::size_t i = 2; i < panels.size(); ++i) {
    if (rng.Chance(0.3)) chosen.push_back(panels[i]);
  }
  int layout = rng.Int(0, 2);  // column orders seen on real reports
  Table t;
  switch (layout) {
    case 0:
      t.header = {"Test", "Result", "Units", "Reference Range", "Flag"};
      break;
    case 1:
      t.header = {"Component", "Value", "Flag", "Units", "Ref Range"};
      break;
    default:
      t.header = {"Analyte", "Result", "Flag", "Reference Interval", "Units"};
      break;
  }
  t.style = rng.Pick(
      {TableStyle::kGrid, TableStyle::kGrid, TableStyle::kRowRules, TableStyle::kHeaderRules});
  t.shade_header = rng.Chance(0.3);
  t.mono = rng.Chance(0.25);
  for (const Panel& p : chosen) {
    Table::Row title;
    title.section = true;
    title.cells.push_back(RichText().Bold(p.title + " (CPT ").Field(p.cpt, "cpt", p.cpt).Bold(")"));
    // Bold() of the field part is applied by the layout's section styling.
    t.rows.push_back(std::move(title));
    for (const vocab::LabTest& test : vocab::LabTests()) {
      if (test.panel != p.key) continue;
      std::string flag;
      std::string value = LabValue(rng, test, flag);
      std::string range = test.panel == "MISC" && test.name == "Troponin I"
                              ? "<0.04"
                              : (test.name == "BNP" ? "<100"
                                                    : Fixed(test.low, test.decimals) + "-" +
                                                          Fixed(test.high, test.decimals));
      Table::Row r;
      std::string units = test.units;
      switch (layout) {
        case 0:
          r.cells = {test.name, value, units, range, flag};
          break;
        case 1:
          r.cells = {test.name, value, flag, units, range};
          break;
        default:
          r.cells = {test.name, value, flag, range, units};
          break;
      }
      t.rows.push_back(std::move(r));
    }
  }
  c.AddTable(std::move(t));
  c.Space(6);
  c.RunIn("Comments",
          RichText(rng.Pick({std::string("Specimen slightly hemolyzed; potassium may be falsely "
                                         "elevated."),
                             std::string("Critical value called to and read back by the nurse "
                                         "at " +
                                         Time24(rng) + "."),
                             std::string("Results verified. Reference ranges are for adults."),
                             std::string("Fasting specimen.")})));
  Person tech = MakePerson(rng);
  c.P(RichText("Verified by: " + tech.first + " " + tech.last + ", MLS(ASCP) on " + c.D(c.service) +
               " " + TimeColon(rng)));
  c.P(RichText("Laboratory Director: " + MakePerson(rng).first + " " + MakePerson(rng).last +
               ", MD. CLIA #" + Digits(rng, 2) + "D" + Digits(rng, 7)));
}

void Consent(Ctx& c) {
  Rng& rng = c.rng;
  int kind = rng.Int(0, 2);
  const vocab::Procedure& proc = rng.Pick(vocab::Procedures());
  static const char* kTitles[] = {"Consent for Surgical or Other Invasive Procedure",
                                  "Informed Consent for Blood Transfusion",
                                  "Authorization for Release of Health Information"};
  c.doc.title = kTitles[kind];
  AddHeader(c, "date_of_service", "Date",
            rng.Pick({std::string("Physician"), std::string("Responsible Physician")}));
  if (kind == 0) {
    RichText p1("1. I hereby authorize ");
    p1.Add("Dr. " + c.doc.provider.first + " " + c.doc.provider.last +
           " and such assistants as may be selected to perform the following procedure: ");
    p1.Append(c.Cpt(proc.cpt, proc.name, 0));
    p1.Add(".");
    c.P(std::move(p1));
    c.P("2. The nature and purpose of the procedure, the possible alternative methods of "
        "treatment, the risks involved and the possibility of complications have been explained "
        "to me. No guarantee or assurance has been given by anyone as to the results that may "
        "be obtained.");
    c.P("3. I understand that during the course of the procedure unforeseen conditions may "
        "require additional or different procedures. I authorize the physician to perform such "
        "procedures as are necessary in the exercise of professional judgment.");
    c.P("4. I consent to the administration of anesthesia by or under the direction of the "
        "anesthesia provider, and I understand that all anesthetics involve risks.");
    c.P("5. I consent to the disposal of any tissue or parts removed during the procedure in "
        "accordance with hospital policy.");
  } else if (kind == 1) {
    c.P("My physician has explained that I may need a transfusion of blood or blood products "
        "during my treatment. I have been informed of the expected benefits, including improved "
        "oxygen delivery and control of bleeding, and of the risks, which include fever, allergic "
        "reaction, fluid overload and, rarely, transmission of infection.");
    c.P("I have been told about the alternatives to transfusion, including the option of "
        "refusing transfusion, and the risks of those alternatives. I have had the opportunity to "
        "ask questions and all of my questions have been answered.");
  } else {
    Person to = MakePerson(rng);
    c.P("I authorize " + c.doc.facility.name +
        " to release the protected health information "
        "described below to " +
        to.first + " " + to.last + " for the purpose of " +
        rng.Pick({std::string("continuity of care"), std::string("insurance claims"),
                  std::string("personal use")}) +
        ". This authorization expires one year from the date signed unless revoked earlier in "
        "writing.");
    c.P("I understand that information disclosed under this authorization may be redisclosed by "
        "the recipient and may no longer be protected by federal privacy regulations. I may "
        "revoke this authorization at any time except to the extent that action has already "
        "been taken in reliance on it.");
  }
  c.Space(4);
  c.P(RichText().Bold("Please check all that apply:"));
  if (kind == 0) {
    c.Check(true, "I have read or had read to me this consent form and I understand it.");
    c.Check(rng.Chance(0.7), "I consent to the administration of blood products if needed.");
    c.Check(rng.Chance(0.3), "I refuse the administration of blood products.");
    c.Check(rng.Chance(0.2), "An interpreter was used to explain this form.");
  } else if (kind == 1) {
    c.Check(true, "I consent to transfusion of blood and blood products.");
    c.Check(false, "I refuse transfusion of blood and blood products.");
    c.Check(rng.Chance(0.2), "An interpreter was used to explain this form.");
  } else {
    c.Check(true, "Discharge summary");
    c.Check(rng.Chance(0.6), "History and physical");
    c.Check(rng.Chance(0.6), "Laboratory and imaging results");
    c.Check(rng.Chance(0.4), "Operative reports");
    c.Check(rng.Chance(0.3), "Entire medical record");
  }
  c.Space(8);
  SignatureSpec patient_sig;
  patient_sig.label = "Signature of Patient or Legal Representative";
  patient_sig.scribble = rng.Chance(0.85);
  patient_sig.date_line = true;
  c.Signature(std::move(patient_sig));
  SignatureSpec relationship;
  relationship.label = "Relationship to patient (if not signed by patient)";
  relationship.scribble = false;
  relationship.date_line = false;
  c.Signature(std::move(relationship));
  SignatureSpec witness;
  witness.label = "Witness";
  witness.scribble = rng.Chance(0.6);
  witness.date_line = true;
  c.Signature(std::move(witness));
}

void Mar(Ctx& c) {
  Rng& rng = c.rng;
  c.doc.title = rng.Pick({std::string("Medication Administration Record"),
                          std::string("MEDICATION ADMINISTRATION RECORD (MAR)")});
  AddHeader(c, "date_of_service", "MAR Date",
            rng.Pick({std::string("Attending"), std::string("Attending Physician")}));
  c.RunIn("Allergies", RichText(rng.Pick(vocab::Allergies())));
  c.P(RichText("Administration period: " + c.D(c.service) + " 0700 through " +
               c.D(c.service.AddDays(1)) + " 0659"));
  Table t;
  t.header = {"Medication", "Dose", "Route", "Freq", "0600",
              "0900",       "1200", "1500",  "1800", "2100"};
  t.style = TableStyle::kGrid;
  t.shade_header = rng.Chance(0.5);
  std::vector<std::string> nurses;
  std::vector<Person> nurse_people;
  for (int i = 0; i < 3; ++i) {
    Person n = MakePerson(rng);
    nurse_people.push_back(n);
    nurses.push_back(std::string(1, n.first[0]) + std::string(1, n.last[0]));
  }
  auto add_section = [&](const std::string& title, bool prn) {
    Table::Row s;
    s.section = true;
    s.cells.push_back(RichText(title));
    t.rows.push_back(std::move(s));
    std::vector<vocab::Medication> meds = vocab::Medications();
    rng.Shuffle(meds);
    int count = prn ? rng.Int(2, 3) : rng.Int(5, 9);
    int added = 0;
    for (const vocab::Medication& m : meds) {
      bool is_prn = m.freq.find("PRN") != std::string::npos;
      if (is_prn != prn) continue;
      if (added++ >= count) break;
      Table::Row r;
      std::string freq = m.freq;
      if (auto p = freq.find(" PRN"); p != std::string::npos) freq = freq.substr(0, p) + " PRN";
      r.cells = {Capitalize(m.name), m.dose, m.route, freq};
      for (int slot = 0; slot < 6; ++slot) {
        bool given = prn ? rng.Chance(0.2) : rng.Chance(m.freq == "daily" ? 0.17 : 0.4);
        if (given) {
          r.cells.push_back(rng.Chance(0.15) ? std::string("held") : rng.Pick(nurses));
        } else {
          r.cells.push_back(std::string());
        }
      }
      t.rows.push_back(std::move(r));
    }
  };
  add_section("SCHEDULED MEDICATIONS", false);
  add_section("PRN MEDICATIONS", true);
  c.AddTable(std::move(t));
  c.Space(6);
  c.P(RichText().Bold("Nurse initials and signatures:"));
  for (std::size_t i = 0; i < nurses.size(); ++i) {
    c.Item(
        RichText(nurses[i] + " = " + nurse_people[i].first + " " + nurse_people[i].last + ", RN"));
  }
  c.P(
      RichText("Held doses must be documented with a reason in the nursing notes. Codes: H = held, "
               "R = refused, N = NPO."));
}

DocStyle ChooseStyle(Rng& rng, DocType type) {
  static const std::vector<std::string> kSerif = {"Liberation Serif", "DejaVu Serif", "FreeSerif"};
  static const std::vector<std::string> kSans = {"Liberation Sans", "DejaVu Sans", "FreeSans"};
  static const std::vector<std::string> kMono = {"Liberation Mono", "DejaVu Sans Mono", "FreeMono"};
  DocStyle s;
  bool serif = rng.Chance(0.5);
  s.body_family = serif ? rng.Pick(kSerif) : rng.Pick(kSans);
  s.heading_family = rng.Chance(0.6) ? s.body_family : rng.Pick(kSans);
  s.mono_family = rng.Pick(kMono);
  // A few dictation systems still print everything in a typewriter face.
  if (rng.Chance(0.08) && type != DocType::kMedicationAdministrationRecord) {
    s.body_family = s.mono_family;
    s.heading_family = s.mono_family;
  }
  s.body_size = std::round(rng.Uniform(9.5, 12.0) * 2) / 2;
  if (s.body_family.find("DejaVu") != std::string::npos) s.body_size = std::min(s.body_size, 11.0);
  if (s.body_family.find("Mono") != std::string::npos) s.body_size = std::min(s.body_size, 10.5);
  s.heading_size = s.body_size + rng.Pick({0.0, 0.5, 1.0, 1.5});
  s.title_size = s.body_size + rng.Uniform(3, 6);
  s.line_spacing = rng.Uniform(1.0, 1.25);
  s.margin_left = rng.Uniform(54, 72);
  s.margin_right = rng.Uniform(50, 72);
  s.margin_top = rng.Uniform(36, 54);
  s.margin_bottom = rng.Uniform(40, 56);
  s.headings_upper = rng.Chance(0.6);
  s.heading_rule = rng.Chance(0.25);
  s.justify = rng.Chance(0.3);
  s.letterhead = rng.Int(0, 2);
  bool prose = type == DocType::kProgressNote || type == DocType::kRadiologyReport ||
               type == DocType::kHistoryAndPhysical || type == DocType::kDischargeSummary;
  s.two_column = prose && rng.Chance(0.22);
  if (s.two_column) s.body_size = std::min(s.body_size, 10.5);
  s.header_style = static_cast<HeaderStyle>(rng.Weighted({4, 3, 2}));
  s.header_columns = rng.Chance(0.7) ? 2 : 3;
  s.footer = rng.Int(0, 2);
  return s;
}

}  // namespace

std::string_view DocTypeName(DocType type) {
  switch (type) {
    case DocType::kDischargeSummary:
      return "discharge_summary";
    case DocType::kProgressNote:
      return "progress_note";
    case DocType::kHistoryAndPhysical:
      return "history_and_physical";
    case DocType::kOperativeReport:
      return "operative_report";
    case DocType::kRadiologyReport:
      return "radiology_report";
    case DocType::kLabReport:
      return "lab_report";
    case DocType::kConsent:
      return "consent";
    case DocType::kMedicationAdministrationRecord:
      return "medication_administration_record";
  }
  return "unknown";
}

std::string FormatDate(const Date& d, DateStyle style) {
  char buf[40];
  switch (style) {
    case DateStyle::kSlash:
      std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.month, d.day, d.year);
      break;
    case DateStyle::kIso:
      return d.Iso();
    case DateStyle::kDayMonYear:
      std::snprintf(buf, sizeof buf, "%02d-%.3s-%04d", d.day, kMonthNames[d.month - 1], d.year);
      break;
    case DateStyle::kLong:
      std::snprintf(buf, sizeof buf, "%s %d, %04d", kMonthNames[d.month - 1], d.day, d.year);
      break;
    case DateStyle::kSlashUnpadded:
      std::snprintf(buf, sizeof buf, "%d/%d/%04d", d.month, d.day, d.year);
      break;
  }
  return buf;
}

RichText& RichText::Add(std::string_view s) {
  text.append(s);
  return *this;
}

RichText& RichText::Bold(std::string_view s) {
  bold.emplace_back(text.size(), text.size() + s.size());
  text.append(s);
  return *this;
}

RichText& RichText::Field(std::string_view s, std::string name, std::string normalized) {
  fields.push_back({text.size(), text.size() + s.size(), std::move(name), std::move(normalized)});
  text.append(s);
  return *this;
}

RichText& RichText::Append(const RichText& other) {
  std::size_t off = text.size();
  text += other.text;
  for (auto [b, e] : other.bold) bold.emplace_back(b + off, e + off);
  for (FieldSpan f : other.fields) {
    f.begin += off;
    f.end += off;
    fields.push_back(std::move(f));
  }
  return *this;
}

char NpiCheckDigit(std::string_view nine_digits) {
  // Luhn over "80840" + the nine digits + a zero placeholder: double every second digit counting
  // from the right, starting with the rightmost of the nine.
  std::string s = "80840" + std::string(nine_digits);
  int sum = 0;
  bool dbl = true;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool IsValidNpi(std::string_view npi) {
  if (npi.size() != 10) return false;
  for (char ch : npi) {
    if (ch < '0' || ch > '9') return false;
  }
  return NpiCheckDigit(npi.substr(0, 9)) == npi[9];
}

Document MakeDocument(Rng& rng_in, const DocumentRequest& request, std::string id) {
  Rng rng = rng_in.Fork("document");
  rng_in.Next();
  Document doc;
  doc.id = std::move(id);
  doc.type = request.type >= 0 && request.type < kDocTypeCount
                 ? static_cast<DocType>(request.type)
                 : static_cast<DocType>(rng.Weighted({3, 3, 2, 1.5, 2, 2.5, 1.5, 1}));
  doc.tail = request.tail;
  doc.style = ChooseStyle(rng, doc.type);
  doc.date_style = static_cast<DateStyle>(rng.Weighted({5, 2, 1.5, 1.5, 1}));
  doc.facility = MakeFacility(rng);
  Date service = RandomDate(rng, 2019, 2024);
  doc.patient = MakePatient(rng, service);
  doc.provider = MakeProvider(rng);
  doc.printed = service.AddDays(rng.Int(1, 20));

  Ctx c{rng, doc, service, service.AddDays(rng.Int(2, 7)), 0, {}, {}, {}, {}, {}, {}};
  c.age = AgeOn(doc.patient.dob, service);
  bool f = doc.patient.sex == "F";
  c.he = f ? "she" : "he";
  c.his = f ? "her" : "his";
  c.him = f ? "her" : "him";
  c.man = f ? "woman" : "man";
  std::vector<vocab::Diagnosis> dx = vocab::Diagnoses();
  rng.Shuffle(dx);
  c.problems.assign(dx.begin(), dx.begin() + rng.Int(2, 5));
  std::vector<vocab::Medication> meds = vocab::Medications();
  rng.Shuffle(meds);
  c.meds.assign(meds.begin(), meds.begin() + rng.Int(4, 9));

  switch (doc.type) {
    case DocType::kDischargeSummary:
      DischargeSummary(c);
      break;
    case DocType::kProgressNote:
      ProgressNote(c);
      break;
    case DocType::kHistoryAndPhysical:
      HistoryAndPhysical(c);
      break;
    case DocType::kOperativeReport:
      OperativeReport(c);
      break;
    case DocType::kRadiologyReport:
      RadiologyReport(c);
      break;
    case DocType::kLabReport:
      LabReport(c);
      break;
    case DocType::kConsent:
      Consent(c);
      break;
    case DocType::kMedicationAdministrationRecord:
      Mar(c);
      break;
  }
  bool signs = doc.type != DocType::kConsent && doc.type != DocType::kLabReport &&
               doc.type != DocType::kMedicationAdministrationRecord;
  if (signs && doc.tail != NearBlankTail::kSignatureOnly && rng.Chance(request.signature_chance)) {
    c.Space(10);
    c.Signature(
        ProviderSignature(c,
                          rng.Pick({std::string("Physician Signature"),
                                    std::string("Attending Physician"), std::string("Signature")}),
                          doc.type == DocType::kDischargeSummary ? c.discharge : service));
  }
  doc.stamp = doc.tail == NearBlankTail::kStampOnly || rng.Chance(request.stamp_chance);
  if (doc.stamp) {
    static const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    Date r = doc.printed;
    doc.stamp_lines = {rng.Pick({std::string("RECEIVED"), std::string("RECEIVED"),
                                 std::string("SCANNED"), std::string("REVIEWED")}),
                       std::string(kMonths[r.month - 1]) + " " + std::to_string(r.day) + " " +
                           std::to_string(r.year)};
    if (rng.Chance(0.6)) doc.stamp_lines.push_back("HEALTH INFORMATION MGMT");
  }
  if (doc.style.footer == 1 || rng.Chance(0.3)) {
    doc.footer_note = rng.Pick(
        {std::string("CONFIDENTIAL - Contains protected health information"),
         std::string("Printed " + FormatDate(doc.printed, doc.date_style) + " " + TimeColon(rng)),
         std::string("Copy for medical records")});
  }
  return doc;
}

}  // namespace chartscan::samples
