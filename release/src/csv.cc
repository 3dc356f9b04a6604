// CSV manifest rows (RFC 4180).
//
// A field holding a comma, a double quote, CR or LF is quoted, with its quotes doubled; lines end
// in CRLF. Control characters other than CR, LF and tab are dropped (they are never meaningful in
// these columns and some readers choke on them).
//
// Formula injection: spreadsheets run a cell that starts with = + - @ (and some with a leading tab
// or CR) as a formula, and OCR text or a corrected field is attacker-controllable. Such a cell gets
// a leading apostrophe, the OWASP recommendation, which spreadsheets show as text. The guard is
// applied to every cell without exceptions for numbers: none of the columns can hold a negative
// number (ids, counts, codes, ISO dates, paths and hex digests), so a value starting with '-' is
// never numeric here and an exception would only widen the hole.
#include <string>

#include <chartscan/release/formats.h>

namespace chartscan::release {
namespace {

std::string Cell(std::string_view value) {
  std::string v;
  v.reserve(value.size() + 1);
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 || c == '\t' || c == '\r' || c == '\n') v.push_back(c);
  }
  if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string Line(std::initializer_list<std::string_view> cells) {
  std::string line;
  bool first = true;
  for (std::string_view c : cells) {
    if (!first) line.push_back(',');
    first = false;
    line += Cell(c);
  }
  line += "\r\n";
  return line;
}

}  // namespace

std::string CsvHeader() {
  return Line({"document_id", "chart_id", "mrn", "patient_name", "family_name", "given_name", "dob",
               "document_type", "loinc", "date_of_service", "page_count", "pdf_file", "tiff_file",
               "hl7_file", "fhir_file", "pdf_sha256", "tiff_sha256"});
}

std::string CsvRow(const ReleaseChart& chart, const ReleaseDocument& document,
                   const DocumentFiles& files, std::string_view fhir_path) {
  const std::string document_id = std::to_string(document.document_id);
  const std::string chart_id = std::to_string(chart.chart.chart_id);
  // From the files, not document.pages: the package writer hands chart-level encoders documents
  // without their pixels.
  const std::string page_count = std::to_string(files.page_count);
  return Line({document_id, chart_id, chart.chart.mrn, chart.chart.patient_name, chart.family_name,
               chart.given_name, chart.chart.dob, document.type.name,
               LoincForType(document.type.name).code, document.date_of_service, page_count,
               files.pdf_path, files.tiff_path, files.hl7_path, fhir_path, files.pdf_sha256,
               files.tiff_sha256});
}

}  // namespace chartscan::release
