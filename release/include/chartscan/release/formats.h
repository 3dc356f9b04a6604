// The encoders of a release package: each turns released documents into the bytes of one file.
// Pure functions of their arguments (no clock, no randomness, no filesystem), so the same input
// gives the same bytes. Thread-safe. Errors are values: kInvalidArgument for input that cannot be
// encoded (an undecodable page image, a page without a resolution), kInternal for a library
// refusal that should never happen.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/status.h>
#include <chartscan/release/release.h>

namespace chartscan::release {

// ---- Searchable PDF/A-2b (pdf.cc) ----
// One PDF per document: each page is the page image at its physical size (from its dpi), with an
// invisible text layer (rendering mode 3, an embedded glyphless font, a ToUnicode map) whose words
// lie on their OCR boxes, so selecting and searching in any reader land on the words. Bilevel pages
// are compressed with CCITT G4, greyscale and colour pages as JPEG at options.jpeg_quality (a page
// stored as JPEG is embedded as stored); with options.bilevel_threshold, greyscale pages are made
// bilevel and compressed with G4. PDF/A-2b: XMP metadata (pdfaid part 2, conformance B, and
// the document's title, patient, MRN, type and date of service), an sRGB output intent with its ICC
// profile embedded, the document info dictionary matching the XMP, a trailer /ID derived from the
// content, no encryption, no transparency.
[[nodiscard]] Result<std::string> EncodePdf(const ReleaseChart& chart,
                                            const ReleaseDocument& document,
                                            const ReleaseOptions& options);

// ---- Multi-page TIFF (tiff.cc) ----
// One TIFF per document, a page per directory: bilevel pages 1-bit CCITT G4, greyscale and colour
// pages 8-bit with Deflate; resolution tags from dpi; no date tag. Greyscale pages are made
// bilevel when options.bilevel_threshold asks for it (as in EncodePdf).
[[nodiscard]] Result<std::string> EncodeTiff(const ReleaseDocument& document,
                                             const ReleaseOptions& options = {});

// What the package holds for a document, as FHIR and the CSV manifest point at it.
struct DocumentFiles {
  std::int64_t document_id = 0;
  // Pages released in the document. Use this, not document.pages.size(): the package writer
  // hands the encoders of chart-level files (FHIR, CSV) its documents without their pixels.
  int page_count = 0;
  std::string pdf_path;  // relative to the package root; "" when PDFs are not released
  std::uint64_t pdf_size = 0;
  std::string pdf_sha1_base64;  // FHIR Attachment.hash
  std::string pdf_sha256;       // hex
  std::string tiff_path;        // "" when TIFFs are not released
  std::uint64_t tiff_size = 0;
  std::string tiff_sha1_base64;
  std::string tiff_sha256;
  std::string hl7_path;  // "" when HL7 is not released
};

// ---- FHIR R4 (fhir.cc) ----
// A transaction Bundle for one chart: a Patient (MRN identifier typed MR under
// options.mrn_system, name, birth date, gender), conditional-create on the MRN; an Organization
// for the facility; a Practitioner per distinct provider (NPI identifier when valid); and a
// DocumentReference per document (status current, type coded with its LOINC document code, the
// patient as subject, date, author, custodian, ICD-10 codes as context.event... and the PDF as an
// attachment by relative URL with its size and SHA-1). Entry fullUrls are urn:uuid values derived
// from the ids, so the Bundle is repeatable. JSON text, pretty-printed with a final newline.
// `files` is per chart.documents, in order.
[[nodiscard]] Result<std::string> EncodeFhirBundle(const ReleaseChart& chart,
                                                   const std::vector<DocumentFiles>& files,
                                                   const ReleaseOptions& options);

// ---- HL7 v2.5 MDM^T02 (hl7.cc) ----
// One message per document (MSH, EVN, PID, PV1, TXA, OBX): the PDF base64-encoded in OBX-5 as an
// ED value (^AP^PDF^Base64^...). Segments end in '\r'; the control id and the message time come
// from the document, so the message is repeatable. Field values are escaped (\F\ \S\ \T\ \R\ \E\).
[[nodiscard]] Result<std::string> EncodeHl7Mdm(const ReleaseChart& chart,
                                               const ReleaseDocument& document,
                                               std::string_view pdf_bytes,
                                               const ReleaseOptions& options);

// ---- CSV manifest (csv.cc) ----
// RFC 4180, one header line then one row per document: document_id, chart_id, mrn, patient_name,
// family_name, given_name, dob, document_type, loinc, date_of_service, page_count, pdf_file,
// tiff_file, hl7_file, fhir_file, pdf_sha256, tiff_sha256. Lines end in "\r\n".
std::string CsvHeader();
std::string CsvRow(const ReleaseChart& chart, const ReleaseDocument& document,
                   const DocumentFiles& files, std::string_view fhir_path);

}  // namespace chartscan::release
