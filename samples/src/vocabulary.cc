// Word lists for the sample generators. See chartscan/samples/vocabulary.h for why they look
// the way they do.
#include <chartscan/samples/vocabulary.h>

namespace chartscan::samples::vocab {

const std::vector<std::string>& MaleFirstNames() {
  static const std::vector<std::string> v = {
      "James",    "Robert",  "Michael", "William", "David",   "Richard", "Joseph",   "Thomas",
      "Charles",  "Daniel",  "Matthew", "Anthony", "Mark",    "Donald",  "Steven",   "Paul",
      "Andrew",   "Joshua",  "Kenneth", "Kevin",   "Brian",   "George",  "Timothy",  "Ronald",
      "Edward",   "Jason",   "Jeffrey", "Ryan",    "Jacob",   "Gary",    "Nicholas", "Eric",
      "Jonathan", "Stephen", "Larry",   "Justin",  "Scott",   "Brandon", "Benjamin", "Samuel",
      "Gregory",  "Frank",   "Raymond", "Patrick", "Dennis",  "Jerry",   "Tyler",    "Aaron",
      "Jose",     "Henry",   "Adam",    "Douglas", "Nathan",  "Peter",   "Zachary",  "Walter",
      "Harold",   "Carl",    "Arthur",  "Roger",   "Luis",    "Miguel",  "Wei",      "Ahmed",
      "Rajesh",   "Dmitri",  "Tomas",   "Kwame",   "Hiroshi", "Mateo"};
  return v;
}

const std::vector<std::string>& FemaleFirstNames() {
  static const std::vector<std::string> v = {
      "Mary",      "Patricia",  "Jennifer", "Linda",   "Elizabeth", "Barbara",  "Susan",
      "Jessica",   "Sarah",     "Karen",    "Lisa",    "Nancy",     "Betty",    "Sandra",
      "Margaret",  "Ashley",    "Kimberly", "Emily",   "Donna",     "Michelle", "Carol",
      "Amanda",    "Dorothy",   "Melissa",  "Deborah", "Stephanie", "Rebecca",  "Sharon",
      "Laura",     "Cynthia",   "Kathleen", "Amy",     "Angela",    "Shirley",  "Anna",
      "Brenda",    "Pamela",    "Emma",     "Nicole",  "Helen",     "Samantha", "Katherine",
      "Christine", "Debra",     "Rachel",   "Carolyn", "Janet",     "Ruth",     "Maria",
      "Heather",   "Diane",     "Virginia", "Julie",   "Joyce",     "Victoria", "Olivia",
      "Kelly",     "Christina", "Lauren",   "Joan",    "Evelyn",    "Judith",   "Megan",
      "Gloria",    "Priya",     "Mei",      "Fatima",  "Ana",       "Ingrid",   "Yolanda",
      "Keiko",     "Amara"};
  return v;
}

const std::vector<std::string>& LastNames() {
  static const std::vector<std::string> v = {
      "Smith",     "Johnson",   "Williams",   "Brown",      "Jones",    "Garcia",   "Miller",
      "Davis",     "Rodriguez", "Martinez",   "Hernandez",  "Lopez",    "Gonzalez", "Wilson",
      "Anderson",  "Thomas",    "Taylor",     "Moore",      "Jackson",  "Martin",   "Lee",
      "Perez",     "Thompson",  "White",      "Harris",     "Sanchez",  "Clark",    "Ramirez",
      "Lewis",     "Robinson",  "Walker",     "Young",      "Allen",    "King",     "Wright",
      "Scott",     "Torres",    "Nguyen",     "Hill",       "Flores",   "Green",    "Adams",
      "Nelson",    "Baker",     "Hall",       "Rivera",     "Campbell", "Mitchell", "Carter",
      "Roberts",   "Gomez",     "Phillips",   "Evans",      "Turner",   "Diaz",     "Parker",
      "Cruz",      "Edwards",   "Collins",    "Reyes",      "Stewart",  "Morris",   "Morales",
      "Murphy",    "Cook",      "Rogers",     "Gutierrez",  "Ortiz",    "Morgan",   "Cooper",
      "Peterson",  "Bailey",    "Reed",       "Kelly",      "Howard",   "Ramos",    "Kim",
      "Cox",       "Ward",      "Richardson", "Watson",     "Brooks",   "Chavez",   "Wood",
      "James",     "Bennett",   "Gray",       "Mendoza",    "Ruiz",     "Hughes",   "Price",
      "Alvarez",   "Castillo",  "Sanders",    "Patel",      "Myers",    "Long",     "Ross",
      "Foster",    "Jimenez",   "Kowalski",   "O'Brien",    "Novak",    "Schmidt",  "Okafor",
      "Lindqvist", "Haddad",    "Tanaka",     "Ivanova",    "Dubois",   "Brennan",  "Whitfield",
      "Delgado",   "Yamamoto",  "Becker",     "Fitzgerald", "Mahoney",  "Sorensen", "Abernathy"};
  return v;
}

const std::vector<std::string>& PlaceWords() {
  static const std::vector<std::string> v = {
      "Willow Creek", "Pinecrest",    "Bramblewood",   "Stonebridge",    "Maple Hollow",
      "Silver Lake",  "Eastfield",    "Granite Falls", "Ashford Valley", "Juniper Hills",
      "Red Oak",      "Clearwater",   "Fox Run",       "Meadowbrook",    "Highland Park",
      "Summit Ridge", "Lakeview",     "Riverbend",     "North Fork",     "Copper Canyon",
      "Elm Grove",    "Prairie View", "St. Aurelia",   "St. Brendan",    "Mercy Ridge",
      "Holloway",     "Cedar Valley", "Bayside",       "Three Rivers",   "Old Mill"};
  return v;
}

const std::vector<std::string>& FacilityKinds() {
  static const std::vector<std::string> v = {
      "Regional Medical Center", "Community Hospital", "Memorial Hospital", "Health System",
      "Medical Center",          "General Hospital",   "Medical Group",     "Family Clinic",
      "Surgical Center",         "Health Center"};
  return v;
}

const std::vector<std::string>& StreetNames() {
  static const std::vector<std::string> v = {
      "Oak",       "Maple",    "Cedar",      "Elm",       "Walnut", "Hospital",  "Medical Center",
      "Lincoln",   "Franklin", "Washington", "Jefferson", "Lake",   "Hillcrest", "Park",
      "Riverside", "Sunset",   "Highland",   "Meadow",    "Church", "Mill",      "Spring",
      "Orchard",   "Valley",   "Forest",     "Prospect",  "Union",  "Center",    "Market"};
  return v;
}

const std::vector<std::string>& StreetSuffixes() {
  static const std::vector<std::string> v = {"Street",    "Avenue",  "Road",  "Drive",
                                             "Boulevard", "Parkway", "Lane",  "Way",
                                             "St.",       "Ave.",    "Blvd.", "Dr."};
  return v;
}

const std::vector<std::string>& Cities() {
  static const std::vector<std::string> v = {
      "Millbrook",  "Fairhaven",    "Oakridge",   "Brookfield",  "Westbury",    "Kingsport",
      "Ashland",    "Clinton",      "Dover",      "Georgetown",  "Harrisville", "Lebanon",
      "Madison",    "Marion",       "Milford",    "Newport",     "Oxford",      "Salem",
      "Springdale", "Troy",         "Winchester", "Centerville", "Greenfield",  "Riverton",
      "Lakewood",   "Mount Vernon", "Bristol",    "Hudson",      "Chester",     "Fulton"};
  return v;
}

const std::vector<std::string>& States() {
  static const std::vector<std::string> v = {"OH", "PA", "IL", "IN", "MI", "WI", "MN", "IA",
                                             "MO", "KY", "TN", "NC", "VA", "GA", "TX", "CO",
                                             "OR", "WA", "NY", "NJ", "MA", "CT", "MD", "KS"};
  return v;
}

const std::vector<std::string>& AreaCodes() {
  static const std::vector<std::string> v = {"217", "309", "330", "412", "417", "502", "515",
                                             "608", "614", "715", "803", "919", "920", "970",
                                             "503", "616", "630", "704", "812", "860"};
  return v;
}

const std::vector<std::string>& Departments() {
  static const std::vector<std::string> v = {"Department of Internal Medicine",
                                             "Department of Surgery",
                                             "Department of Radiology",
                                             "Clinical Laboratory Services",
                                             "Health Information Management",
                                             "Hospital Medicine Service",
                                             "Nursing Services",
                                             "Department of Family Medicine"};
  return v;
}

const std::vector<Diagnosis>& Diagnoses() {
  static const std::vector<Diagnosis> v = {
      {"E11.9", "Type 2 diabetes mellitus without complications", "type 2 diabetes mellitus"},
      {"I10", "Essential (primary) hypertension", "hypertension"},
      {"J18.9", "Pneumonia, unspecified organism", "community-acquired pneumonia"},
      {"N17.9", "Acute kidney failure, unspecified", "acute kidney injury"},
      {"E78.5", "Hyperlipidemia, unspecified", "hyperlipidemia"},
      {"I50.9", "Heart failure, unspecified", "congestive heart failure"},
      {"J44.1", "Chronic obstructive pulmonary disease with (acute) exacerbation",
       "COPD exacerbation"},
      {"I48.91", "Unspecified atrial fibrillation", "atrial fibrillation"},
      {"N39.0", "Urinary tract infection, site not specified", "urinary tract infection"},
      {"K35.80", "Unspecified acute appendicitis", "acute appendicitis"},
      {"K80.20", "Calculus of gallbladder without cholecystitis without obstruction",
       "symptomatic cholelithiasis"},
      {"M17.11", "Unilateral primary osteoarthritis, right knee", "right knee osteoarthritis"},
      {"I21.4", "Non-ST elevation (NSTEMI) myocardial infarction", "NSTEMI"},
      {"A41.9", "Sepsis, unspecified organism", "sepsis"},
      {"E87.1", "Hypo-osmolality and hyponatremia", "hyponatremia"},
      {"D64.9", "Anemia, unspecified", "anemia"},
      {"F32.9", "Major depressive disorder, single episode, unspecified", "depression"},
      {"G47.33", "Obstructive sleep apnea (adult) (pediatric)", "obstructive sleep apnea"},
      {"R07.9", "Chest pain, unspecified", "chest pain"},
      {"R10.9", "Unspecified abdominal pain", "abdominal pain"},
      {"K21.9", "Gastro-esophageal reflux disease without esophagitis", "GERD"},
      {"E03.9", "Hypothyroidism, unspecified", "hypothyroidism"},
      {"I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris",
       "coronary artery disease"},
      {"N18.30", "Chronic kidney disease, stage 3 unspecified", "stage 3 chronic kidney disease"},
      {"J45.909", "Unspecified asthma, uncomplicated", "asthma"},
      {"R55", "Syncope and collapse", "syncope"},
      {"E86.0", "Dehydration", "dehydration"},
      {"L03.115", "Cellulitis of right lower limb", "right lower extremity cellulitis"},
      {"K57.30",
       "Diverticulosis of large intestine without perforation or abscess without bleeding",
       "diverticulosis"},
      {"I63.9", "Cerebral infarction, unspecified", "acute ischemic stroke"},
      {"Z79.4", "Long term (current) use of insulin", "long-term insulin use"},
      {"M54.50", "Low back pain, unspecified", "low back pain"},
      {"S72.001A", "Fracture of unspecified part of neck of right femur, initial encounter",
       "right femoral neck fracture"},
      {"E66.9", "Obesity, unspecified", "obesity"},
      {"Z87.891", "Personal history of nicotine dependence", "former tobacco use"},
  };
  return v;
}

const std::vector<Medication>& Medications() {
  static const std::vector<Medication> v = {
      {"metformin", "500 mg", "PO", "BID"},
      {"lisinopril", "10 mg", "PO", "daily"},
      {"atorvastatin", "40 mg", "PO", "nightly"},
      {"metoprolol tartrate", "25 mg", "PO", "BID"},
      {"amlodipine", "5 mg", "PO", "daily"},
      {"furosemide", "40 mg", "PO", "daily"},
      {"insulin glargine", "20 units", "SC", "at bedtime"},
      {"insulin lispro", "4 units", "SC", "with meals"},
      {"aspirin", "81 mg", "PO", "daily"},
      {"apixaban", "5 mg", "PO", "BID"},
      {"levothyroxine", "75 mcg", "PO", "daily"},
      {"pantoprazole", "40 mg", "PO", "daily"},
      {"ceftriaxone", "1 g", "IV", "q24h"},
      {"azithromycin", "500 mg", "PO", "daily"},
      {"vancomycin", "1250 mg", "IV", "q12h"},
      {"piperacillin-tazobactam", "3.375 g", "IV", "q8h"},
      {"acetaminophen", "650 mg", "PO", "q6h PRN pain"},
      {"ondansetron", "4 mg", "IV", "q6h PRN nausea"},
      {"enoxaparin", "40 mg", "SC", "daily"},
      {"heparin", "5000 units", "SC", "q8h"},
      {"albuterol", "2.5 mg", "NEB", "q4h PRN wheezing"},
      {"prednisone", "40 mg", "PO", "daily"},
      {"gabapentin", "300 mg", "PO", "TID"},
      {"sertraline", "50 mg", "PO", "daily"},
      {"hydrochlorothiazide", "25 mg", "PO", "daily"},
      {"potassium chloride", "20 mEq", "PO", "daily"},
      {"oxycodone", "5 mg", "PO", "q4h PRN severe pain"},
      {"docusate sodium", "100 mg", "PO", "BID"},
      {"tamsulosin", "0.4 mg", "PO", "daily"},
      {"carvedilol", "6.25 mg", "PO", "BID"},
      {"losartan", "50 mg", "PO", "daily"},
      {"clopidogrel", "75 mg", "PO", "daily"},
      {"warfarin", "5 mg", "PO", "daily"},
      {"spironolactone", "25 mg", "PO", "daily"},
      {"cefazolin", "2 g", "IV", "q8h"},
      {"morphine", "2 mg", "IV", "q3h PRN pain"},
  };
  return v;
}

const std::vector<LabTest>& LabTests() {
  static const std::vector<LabTest> v = {
      {"Sodium", 136, 145, "mmol/L", 0, "CMP"},
      {"Potassium", 3.5, 5.1, "mmol/L", 1, "CMP"},
      {"Chloride", 98, 107, "mmol/L", 0, "CMP"},
      {"Carbon Dioxide", 22, 29, "mmol/L", 0, "CMP"},
      {"BUN", 7, 20, "mg/dL", 0, "CMP"},
      {"Creatinine", 0.6, 1.3, "mg/dL", 2, "CMP"},
      {"Glucose", 70, 99, "mg/dL", 0, "CMP"},
      {"Calcium", 8.5, 10.5, "mg/dL", 1, "CMP"},
      {"Total Protein", 6.0, 8.3, "g/dL", 1, "CMP"},
      {"Albumin", 3.5, 5.0, "g/dL", 1, "CMP"},
      {"Total Bilirubin", 0.1, 1.2, "mg/dL", 1, "CMP"},
      {"AST", 10, 40, "U/L", 0, "CMP"},
      {"ALT", 7, 56, "U/L", 0, "CMP"},
      {"Alkaline Phosphatase", 44, 147, "U/L", 0, "CMP"},
      {"WBC", 4.5, 11.0, "K/uL", 1, "CBC"},
      {"RBC", 4.2, 5.9, "M/uL", 2, "CBC"},
      {"Hemoglobin", 12.0, 17.5, "g/dL", 1, "CBC"},
      {"Hematocrit", 36, 52, "%", 1, "CBC"},
      {"MCV", 80, 100, "fL", 1, "CBC"},
      {"Platelets", 150, 400, "K/uL", 0, "CBC"},
      {"Neutrophils", 40, 70, "%", 1, "CBC"},
      {"Lymphocytes", 20, 40, "%", 1, "CBC"},
      {"Total Cholesterol", 100, 199, "mg/dL", 0, "LIPID"},
      {"Triglycerides", 40, 149, "mg/dL", 0, "LIPID"},
      {"HDL Cholesterol", 40, 90, "mg/dL", 0, "LIPID"},
      {"LDL Cholesterol", 40, 99, "mg/dL", 0, "LIPID"},
      {"Hemoglobin A1c", 4.0, 5.6, "%", 1, "A1C"},
      {"TSH", 0.40, 4.00, "uIU/mL", 2, "TSH"},
      {"Magnesium", 1.7, 2.2, "mg/dL", 1, "MISC"},
      {"Phosphorus", 2.5, 4.5, "mg/dL", 1, "MISC"},
      {"Lactate", 0.5, 2.2, "mmol/L", 1, "MISC"},
      {"Troponin I", 0.00, 0.04, "ng/mL", 2, "MISC"},
      {"BNP", 0, 100, "pg/mL", 0, "MISC"},
      {"PT", 11.0, 13.5, "sec", 1, "COAG"},
      {"INR", 0.8, 1.2, "", 1, "COAG"},
      {"aPTT", 25, 35, "sec", 1, "COAG"},
  };
  return v;
}

const std::vector<Procedure>& Procedures() {
  static const std::vector<Procedure> v = {
      {"44970",
       "Laparoscopic appendectomy",
       "K35.80",
       {"A 12 mm umbilical port was placed using the Hasson technique and pneumoperitoneum was "
        "established to 15 mmHg.",
        "Two additional 5 mm ports were placed in the suprapubic and left lower quadrant "
        "positions under direct vision.",
        "The appendix was identified and found to be inflamed and edematous without evidence of "
        "perforation.",
        "The mesoappendix was divided with a vessel-sealing device and the base of the appendix "
        "was divided with an endoscopic stapler.",
        "The specimen was placed in a retrieval bag and removed through the umbilical port.",
        "The staple line was inspected and found to be hemostatic. The right lower quadrant was "
        "irrigated with warm saline."},
       "Appendix",
       true},
      {"47562",
       "Laparoscopic cholecystectomy",
       "K80.20",
       {"Pneumoperitoneum was established and four ports were placed in the standard fashion.",
        "The fundus of the gallbladder was retracted cephalad and the infundibulum laterally.",
        "The peritoneum overlying the triangle of Calot was opened and the critical view of "
        "safety was obtained.",
        "The cystic duct and cystic artery were each doubly clipped and divided.",
        "The gallbladder was dissected from the liver bed with electrocautery and removed in a "
        "retrieval bag.",
        "The liver bed was inspected and hemostasis was confirmed."},
       "Gallbladder",
       true},
      {"27447",
       "Right total knee arthroplasty",
       "M17.11",
       {"A tourniquet was applied to the right thigh and inflated to 300 mmHg after "
        "exsanguination of the limb.",
        "A midline incision was made and a medial parapatellar arthrotomy was performed.",
        "The distal femoral cut was made with an intramedullary guide set at 5 degrees of valgus.",
        "The proximal tibial cut was made perpendicular to the mechanical axis with 3 degrees of "
        "posterior slope.",
        "Trial components were placed and the knee was found to be stable through a full range of "
        "motion.",
        "The final components were cemented into place and excess cement was removed."},
       "Bone fragments",
       false},
      {"43239",
       "Esophagogastroduodenoscopy with biopsy",
       "K21.9",
       {"The endoscope was introduced through the mouth and advanced to the second part of the "
        "duodenum.",
        "The esophagus showed mild erythema at the gastroesophageal junction without ulceration.",
        "The stomach was examined in forward view and retroflexion and showed patchy erythema in "
        "the antrum.",
        "Cold forceps biopsies were obtained from the antrum and body for Helicobacter pylori.",
        "The duodenal bulb and second portion of the duodenum were normal."},
       "Gastric antrum and body biopsies",
       false},
      {"45378",
       "Colonoscopy, diagnostic",
       "K57.30",
       {"A digital rectal examination was performed and was normal.",
        "The colonoscope was advanced without difficulty to the cecum, identified by the "
        "appendiceal orifice and ileocecal valve.",
        "The quality of the bowel preparation was good, with a Boston Bowel Preparation Scale "
        "score of 8.",
        "Scattered small-mouthed diverticula were found in the sigmoid and descending colon.",
        "The scope was withdrawn slowly with careful inspection of the mucosa; withdrawal time "
        "was 9 minutes."},
       "None",
       false},
  };
  return v;
}

const std::vector<Imaging>& Imagings() {
  static const std::vector<Imaging> v = {
      {"71046",
       "XR CHEST 2 VIEWS",
       "XR",
       "PA and lateral views of the chest were obtained.",
       {"The lungs are clear without focal consolidation.",
        "There is no pleural effusion or pneumothorax.",
        "The cardiomediastinal silhouette is within normal limits.",
        "The osseous structures are intact for age."},
       {"There is patchy airspace opacity in the right lower lobe.",
        "There is a small right pleural effusion with blunting of the costophrenic angle.",
        "The heart is mildly enlarged.", "There is mild pulmonary vascular congestion."},
       {"No acute cardiopulmonary process."},
       {"Right lower lobe airspace disease, compatible with pneumonia in the appropriate clinical "
        "setting.",
        "Small right pleural effusion.",
        "Recommend follow-up radiographs in 6 to 8 weeks to document resolution."}},
      {"70450",
       "CT HEAD WITHOUT CONTRAST",
       "CT",
       "Axial images were obtained from the skull base to the vertex without intravenous "
       "contrast. Dose reduction techniques were used.",
       {"There is no intracranial hemorrhage, mass effect or midline shift.",
        "The gray-white matter differentiation is preserved.",
        "The ventricles and sulci are normal in size for age.",
        "The visualized paranasal sinuses and mastoid air cells are clear."},
       {"There is hypoattenuation in the left middle cerebral artery territory.",
        "There is mild periventricular white matter hypoattenuation, likely chronic small vessel "
        "ischemic change.",
        "There is no intracranial hemorrhage."},
       {"No acute intracranial abnormality."},
       {"Findings concerning for evolving left MCA territory infarct. MRI is recommended.",
        "Chronic small vessel ischemic change."}},
      {"74177",
       "CT ABDOMEN AND PELVIS WITH CONTRAST",
       "CT",
       "Axial images were obtained through the abdomen and pelvis following the administration of "
       "100 mL of intravenous contrast. Coronal and sagittal reformats were reviewed.",
       {"The liver, spleen, pancreas and adrenal glands are unremarkable.",
        "The kidneys enhance symmetrically without hydronephrosis.",
        "There is no bowel obstruction or free intraperitoneal air.",
        "The appendix is normal in caliber."},
       {"The appendix is dilated to 11 mm with surrounding fat stranding.",
        "There is a 6 mm appendicolith at the base of the appendix.",
        "There is no abscess or free air.",
        "Scattered sigmoid diverticula without evidence of diverticulitis."},
       {"No acute abnormality in the abdomen or pelvis."},
       {"Acute uncomplicated appendicitis.", "Sigmoid diverticulosis."}},
      {"76700",
       "US ABDOMEN COMPLETE",
       "US",
       "Real-time grayscale and color Doppler images of the abdomen were obtained.",
       {"The liver is normal in size and echotexture.",
        "The gallbladder is normal without stones or wall thickening.",
        "The common bile duct measures 3 mm.",
        "The kidneys are normal in size without hydronephrosis."},
       {"Multiple mobile echogenic gallstones are present, the largest measuring 1.4 cm.",
        "There is no gallbladder wall thickening or pericholecystic fluid.",
        "The sonographic Murphy sign is negative.", "The common bile duct measures 4 mm."},
       {"Normal abdominal ultrasound."},
       {"Cholelithiasis without sonographic evidence of acute cholecystitis."}},
      {"72148",
       "MRI LUMBAR SPINE WITHOUT CONTRAST",
       "MRI",
       "Multiplanar multisequence MR images of the lumbar spine were obtained without contrast.",
       {"Vertebral body heights and alignment are maintained.",
        "The conus medullaris terminates normally at L1.",
        "There is no significant spinal canal or neural foraminal stenosis."},
       {"At L4-L5 there is a broad-based disc bulge with mild bilateral neural foraminal "
        "narrowing.",
        "At L5-S1 there is a small left paracentral disc protrusion contacting the traversing left "
        "S1 nerve root.",
        "Mild facet arthropathy is present at the lower lumbar levels."},
       {"No significant degenerative change or stenosis."},
       {"L5-S1 left paracentral disc protrusion contacting the left S1 nerve root.",
        "Mild degenerative change at L4-L5."}},
  };
  return v;
}

const std::vector<std::string>& Symptoms() {
  static const std::vector<std::string> v = {"shortness of breath",
                                             "productive cough",
                                             "chest pain",
                                             "fever and chills",
                                             "right lower quadrant abdominal pain",
                                             "nausea and vomiting",
                                             "dizziness",
                                             "generalized weakness",
                                             "dysuria and urinary frequency",
                                             "lower extremity swelling",
                                             "palpitations",
                                             "decreased oral intake",
                                             "worsening right knee pain",
                                             "epigastric burning",
                                             "low back pain radiating to the left leg",
                                             "confusion"};
  return v;
}

const std::vector<std::string>& NegativeSymptoms() {
  static const std::vector<std::string> v = {
      "headache",   "vision changes", "hemoptysis",    "melena",        "hematochezia",
      "syncope",    "orthopnea",      "recent travel", "sick contacts", "rash",
      "joint pain", "night sweats",   "weight loss",   "diarrhea",      "constipation",
      "dysuria",    "focal weakness", "numbness",      "chest pain",    "abdominal pain"};
  return v;
}

const std::vector<std::string>& Allergies() {
  static const std::vector<std::string> v = {"No known drug allergies",
                                             "Penicillin (rash)",
                                             "Sulfa drugs (hives)",
                                             "Codeine (nausea)",
                                             "Iodinated contrast (hives)",
                                             "Latex",
                                             "Shellfish",
                                             "Lisinopril (angioedema)",
                                             "NKDA"};
  return v;
}

const std::vector<std::string>& Specialties() {
  static const std::vector<std::string> v = {
      "Cardiology",  "Nephrology",    "Infectious Disease", "Gastroenterology",
      "Pulmonology", "Endocrinology", "Physical Therapy",   "Case Management"};
  return v;
}

const std::vector<std::string>& Units() {
  static const std::vector<std::string> v = {
      "medical floor", "telemetry unit", "intensive care unit", "step-down unit", "surgical floor"};
  return v;
}

}  // namespace chartscan::samples::vocab
