// Word lists and clinical vocabulary for the synthetic documents.
//
// Names are common given names and surnames combined at random, so no generated patient matches a
// real person except by coincidence of a common name. Facility and street names are composed from
// generic place words; phone numbers use the fictional 555-01xx range. ICD-10-CM and CPT codes are
// real codes with their published short descriptions, because extraction must see realistic codes.
#pragma once

#include <string>
#include <vector>

namespace chartscan::samples::vocab {

struct Diagnosis {
  std::string icd10;        // "E11.9"
  std::string description;  // official-style description
  std::string prose;        // how a clinician writes it in a sentence
};

struct Medication {
  std::string name;   // "metformin"
  std::string dose;   // "500 mg"
  std::string route;  // "PO"
  std::string freq;   // "BID"
};

struct LabTest {
  std::string name;
  double low;
  double high;
  std::string units;
  int decimals;
  std::string panel;  // "CMP", "CBC", ...
};

struct Procedure {
  std::string cpt;
  std::string name;
  std::string diagnosis_icd10;  // the usual indication, an ICD code from Diagnoses()
  std::vector<std::string> steps;
  std::string specimen;
  bool laparoscopic;
};

struct Imaging {
  std::string cpt;
  std::string exam;      // "XR CHEST 2 VIEWS"
  std::string modality;  // "XR", "CT", "US", "MRI"
  std::string technique;
  std::vector<std::string> normal_findings;
  std::vector<std::string> abnormal_findings;
  std::vector<std::string> impressions_normal;
  std::vector<std::string> impressions_abnormal;
};

const std::vector<std::string>& MaleFirstNames();
const std::vector<std::string>& FemaleFirstNames();
const std::vector<std::string>& LastNames();
const std::vector<std::string>& PlaceWords();
const std::vector<std::string>& FacilityKinds();
const std::vector<std::string>& StreetNames();
const std::vector<std::string>& StreetSuffixes();
const std::vector<std::string>& Cities();
const std::vector<std::string>& States();
const std::vector<std::string>& AreaCodes();
const std::vector<std::string>& Departments();

const std::vector<Diagnosis>& Diagnoses();
const std::vector<Medication>& Medications();
const std::vector<LabTest>& LabTests();
const std::vector<Procedure>& Procedures();
const std::vector<Imaging>& Imagings();

const std::vector<std::string>& Symptoms();
const std::vector<std::string>& NegativeSymptoms();
const std::vector<std::string>& Allergies();
const std::vector<std::string>& Specialties();
const std::vector<std::string>& Units();

}  // namespace chartscan::samples::vocab
