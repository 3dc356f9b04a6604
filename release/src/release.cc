#include <cstdio>
#include <set>

#include <chartscan/release/release.h>

#include "encode_util.h"

namespace chartscan::release {

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kPdf:
      return "pdf";
    case Format::kTiff:
      return "tiff";
    case Format::kFhir:
      return "fhir";
    case Format::kHl7:
      return "hl7";
    case Format::kCsv:
      return "csv";
  }
  return "pdf";
}

std::optional<Format> ParseFormat(std::string_view name) {
  for (Format f : kAllFormats) {
    if (FormatName(f) == name) return f;
  }
  return std::nullopt;
}

namespace {

bool Printable(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// HL7 v2 separators and escape characters cannot appear in header values we do not escape
// (MSH-3..6 are written as given).
bool Hl7Safe(std::string_view s) {
  return !s.empty() && s.size() <= 180 && s.find_first_of("|^~\\&\r\n") == std::string_view::npos;
}

}  // namespace

Status ReleaseOptions::Validate() const {
  if (facility_name.empty() || !Printable(facility_name)) {
    return Status::InvalidArgument("release: the facility name must be non-empty printable text");
  }
  // FHIR Identifier.system is a uri: a scheme, a colon, no spaces.
  const std::size_t colon = mrn_system.find(':');
  if (colon == std::string::npos || colon == 0 ||
      mrn_system.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::InvalidArgument(
        "release: the MRN system must be a URI such as urn:oid:1.2.3 (got '" + mrn_system + "')");
  }
  for (const std::string* s : {&hl7_assigning_authority, &hl7_sending_application,
                               &hl7_receiving_application, &hl7_receiving_facility}) {
    if (!Hl7Safe(*s)) {
      return Status::InvalidArgument(
          "release: HL7 header values must be 1-180 characters without "
          "| ^ ~ \\ & (got '" +
          *s + "')");
    }
  }
  if (bilevel_threshold < 0 || bilevel_threshold > 254) {
    return Status::InvalidArgument("release: the bilevel threshold must be 0 (off) to 254");
  }
  if (jpeg_quality < 1 || jpeg_quality > 100) {
    return Status::InvalidArgument("release: JPEG quality must be 1-100");
  }
  return Status::Ok();
}

std::string ReleaseDocument::FieldValue(std::string_view name) const {
  for (const Field& f : fields) {
    if (f.name == name) return f.normalized.empty() ? f.value : f.normalized;
  }
  return "";
}

std::vector<std::string> ReleaseDocument::FieldValues(std::string_view name) const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Field& f : fields) {
    if (f.name != name) continue;
    std::string v = f.normalized.empty() ? f.value : f.normalized;
    if (!v.empty() && seen.insert(v).second) out.push_back(std::move(v));
  }
  return out;
}

LoincCode LoincForType(std::string_view type) {
  // LOINC Document Ontology codes, the ones EHR document indexes commonly file scanned records
  // under. "other" goes to the generic note.
  if (type == "discharge_summary") return {"18842-5", "Discharge summary"};
  if (type == "progress_note") return {"11506-3", "Progress note"};
  if (type == "history_and_physical") return {"34117-2", "History and physical note"};
  if (type == "operative_report") return {"11504-8", "Surgical operation note"};
  if (type == "radiology_report") return {"18748-4", "Diagnostic imaging study"};
  if (type == "lab_report") return {"11502-2", "Laboratory report"};
  if (type == "consent") return {"59284-0", "Consent"};
  if (type == "medication_administration_record") return {"29549-3", "Medication administered"};
  if (type == "correspondence") return {"51852-2", "Letter"};
  return {"34109-9", "Note"};
}

std::string DocumentFileName(std::int64_t document_id, Format f) {
  const std::string id = internal::DocumentTag(document_id);
  switch (f) {
    case Format::kPdf:
      return "documents/" + id + ".pdf";
    case Format::kTiff:
      return "documents/" + id + ".tif";
    case Format::kHl7:
      return "hl7/" + id + ".hl7";
    case Format::kFhir:
    case Format::kCsv:
      break;
  }
  return "";
}

std::string ChartFileName(std::int64_t chart_id) {
  char id[32];
  std::snprintf(id, sizeof id, "fhir/C%06lld.json", static_cast<long long>(chart_id));
  return id;
}

}  // namespace chartscan::release
