// Release: what leaves chartscan for an EHR or an archive (a "release package").
//
// A release is a scope of the store (one chart, one batch, or everything) written as files that
// migration tools accept: a searchable PDF/A-2b and a multi-page TIFF per document, a FHIR R4
// transaction Bundle per chart, an HL7 v2.5 MDM^T02 message per document, and a CSV manifest row
// per document (formats.h), plus a manifest of every file with its SHA-256 (package.h).
//
// This header holds what the encoders are given: the documents of one patient chart, with their
// non-blank pages (the cleaned images the store keeps and the OCR words on them) and the values a
// receiving system files them by. The pipeline reads them from the store; the release stage never
// touches the store.
//
// Repeatability: nothing here carries the time of the release. Every date written inside a file
// comes from the data (`stored_micros`, the time the document's batch was stored), so releasing the
// same scope twice gives byte-identical files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/document.h>
#include <chartscan/models/page.h>
#include <chartscan/models/records.h>
#include <chartscan/models/status.h>

namespace chartscan::release {

enum class Format { kPdf, kTiff, kFhir, kHl7, kCsv };
inline constexpr Format kAllFormats[] = {Format::kPdf, Format::kTiff, Format::kFhir, Format::kHl7,
                                         Format::kCsv};
// The level `chartscan release --bilevel` uses: everything but near-white is ink, so faint strokes
// of a light copy survive while the white paper cleanup left stays white.
inline constexpr int kBilevelThreshold = 192;

std::string_view FormatName(Format f);                     // "pdf", "tiff", "fhir", "hl7", "csv"
std::optional<Format> ParseFormat(std::string_view name);  // nullopt for anything else

// Who the package is from and how its identifiers are qualified. Plain values; Validate() once.
struct ReleaseOptions {
  // The sending facility: FHIR Organization name, HL7 MSH-4 / MSH-6 and TXA authenticator context.
  std::string facility_name = "chartscan";
  // Namespace of the facility's MRNs: FHIR Patient.identifier.system (a URI, e.g.
  // "urn:oid:2.16.840.1.113883.19.5" or "https://hospital.example/mrn") and the assigning
  // authority in HL7 PID-3.
  std::string mrn_system = "urn:chartscan:mrn";
  std::string hl7_assigning_authority = "MRN";
  std::string hl7_sending_application = "CHARTSCAN";
  std::string hl7_receiving_application = "EHR";
  std::string hl7_receiving_facility = "EHR";
  // JPEG quality (1-100) of greyscale and colour pages in PDFs.
  int jpeg_quality = 75;
  // 0: pages are released as stored. 1-254: greyscale pages are made bilevel in PDFs and TIFFs,
  // grey levels below the threshold becoming ink (cleanup has already set their paper to white),
  // for archives that take bilevel images only or want packages several times smaller; the grey
  // levels of faint strokes are lost. Colour pages stay colour. kBilevelThreshold is the CLI's.
  int bilevel_threshold = 0;

  Status Validate() const;  // kInvalidArgument naming the bad option
};

// A page as released: the cleaned page image the store keeps for display (upright and deskewed,
// so the OCR word boxes are in its pixels) and the words read from it.
struct ReleasePage {
  std::int64_t page_id = 0;
  PageImage image;          // "png" (1-bit bilevel or 8-bit grey/colour) or "jpeg", as stored
  double dpi = 300;         // resolution of the image; gives the PDF page its physical size
  std::vector<Word> words;  // reading order; boxes in image pixels
};

// A document as released: its non-blank pages in document order.
struct ReleaseDocument {
  std::int64_t document_id = 0;
  std::int64_t batch_id = 0;
  DocumentType type;
  std::string date_of_service;  // ISO 8601 date or empty
  std::vector<Field> fields;    // as stored (corrections applied): provider, provider_npi,
                                // facility, icd10, cpt...
  std::vector<ReleasePage> pages;
  // When the document's batch was stored, microseconds since the epoch (UTC). The only time
  // written inside released files, so that a release is repeatable.
  std::int64_t stored_micros = 0;

  // The first field with this name (its normalized value, else its value), or "".
  std::string FieldValue(std::string_view name) const;
  // Every distinct normalized value of a multi-valued field (icd10, cpt), in order.
  std::vector<std::string> FieldValues(std::string_view name) const;
};

// The documents of one patient chart. A document in no chart (an orphan: nobody on the roster
// matched and no identity was read) is released in a chart with chart_id 0 and empty identity.
struct ReleaseChart {
  ChartInfo chart;          // chart_id, mrn, patient_name ("First Last"), dob (ISO)
  std::string family_name;  // upper-case family name when known (roster or extraction), else ""
  std::string given_name;   // upper-case given name(s) when known, else ""
  std::string sex;          // "M", "F", "X", "U" or "" (from the roster)
  std::vector<ReleaseDocument> documents;
};

// The LOINC document code (and its display name) that a document type is released under: FHIR
// DocumentReference.type and HL7 TXA-2 / OBX-3.
struct LoincCode {
  std::string_view code;
  std::string_view display;
};
LoincCode LoincForType(std::string_view document_type);

// Names of the files a document or chart is released as, relative to the package root. Ids only,
// never patient data: "documents/D000042.pdf", "documents/D000042.tif", "hl7/D000042.hl7",
// "fhir/C000007.json" (chart 0, the orphans: "fhir/C000000.json").
std::string DocumentFileName(std::int64_t document_id, Format f);
std::string ChartFileName(std::int64_t chart_id);

}  // namespace chartscan::release
