// What chartscan knows about a document (a run of pages that belong together, such as one discharge
// summary), as extraction hands it to the store and to exports.
//
// Fields hold one value per single-valued field (patient_name, mrn, dob, date_of_service...) and
// every distinct code for multi-valued ones (icd10, cpt), each with the page and box it came from.
// PageIdentity records who each page says it is about, so a later step can flag a page whose
// patient disagrees with its document's (a possible misfiled page).
#pragma once

#include <string>
#include <vector>

#include <chartscan/models/page.h>

namespace chartscan {

// The document types chartscan tells apart. Names are the stable strings used in stores and
// exports ("discharge_summary"...).
inline constexpr const char* kDocumentTypeNames[] = {
    "discharge_summary",
    "progress_note",
    "history_and_physical",
    "operative_report",
    "radiology_report",
    "lab_report",
    "consent",
    "medication_administration_record",
    "correspondence",
    "other",
};

struct DocumentType {
  std::string name = "other";  // one of kDocumentTypeNames
  double confidence = 0;       // 0-1
  bool needs_review = false;   // low confidence or a close second
};

// Identity fields as printed on one page, normalized; empty when the page does not show them.
struct PageIdentity {
  int page_index = 0;  // 0-based page within the document
  std::string patient_name;
  std::string mrn;
  std::string dob;
  // The page shows an identity field whose value differs from the document's chosen value.
  bool disagrees = false;
};

struct DocumentFields {
  DocumentType type;
  std::vector<Field> fields;  // merged: single-valued fields once, codes in order of appearance
  std::vector<PageIdentity> pages;
  bool needs_review = false;  // any field or the type needs review, or a page disagrees

  // First field with this name, or null.
  const Field* Find(const std::string& name) const {
    for (const Field& f : fields) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
};

}  // namespace chartscan
