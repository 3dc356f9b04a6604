// HL7 v2.5 MDM^T02 ("original document notification and content") for one document.
//
// Segments: MSH, EVN, PID, PV1, TXA, OBX, each ending in '\r' (the v2 segment terminator; no
// MLLP framing, which belongs to the transport). The PDF travels in OBX-5 as an ED value,
// ^AP^PDF^Base64^<data>: base64's alphabet holds none of the delimiters, so it needs no escaping.
//
// Every value taken from the data is escaped for the default delimiters (field, component,
// subcomponent, repetition and escape characters become the \F\ \S\ \T\ \R\ \E\ sequences),
// line breaks and tabs become spaces and other control characters are dropped, so a
// name like "O|Brien^Jr" cannot shift fields. Header values from ReleaseOptions are validated
// free of delimiters (ReleaseOptions::Validate) except the facility name, which is escaped too.
//
// Repeatability: MSH-7 and EVN-2 are the document's stored time (UTC, written with +0000), and the
// control id MSH-10 is "CS" and the document id.
//
// Charts without an MRN (the orphans, and charts keyed by name and birth date) leave PID-3 empty
// rather than invent an identifier: v2.5 makes PID-3 required, so a strict receiver rejects the
// message to its error queue, which is where a document nobody could identify belongs.
#include <cstdio>
#include <string>

#include <chartscan/release/formats.h>

#include "digest.h"
#include "encode_util.h"

namespace chartscan::release {
namespace {

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '|':
        out += "\\F\\";
        break;
      case '^':
        out += "\\S\\";
        break;
      case '&':
        out += "\\T\\";
        break;
      case '~':
        out += "\\R\\";
        break;
      case '\\':
        out += "\\E\\";
        break;
      case '\t':
      case '\r':
      case '\n':
        out.push_back(' ');
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
    }
  }
  // Trailing spaces from a dropped line break would otherwise survive into the field.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// HL7 TS: YYYYMMDDHHMMSS with an explicit UTC offset, since the stored time is UTC and a bare
// timestamp means the sender's local time.
std::string Timestamp(std::int64_t micros) {
  const internal::UtcTime t = internal::UtcFromMicros(micros);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d+0000", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return buf;
}

// ISO "YYYY-MM-DD" to HL7 DT "YYYYMMDD"; anything else is left out.
std::string Hl7Date(std::string_view iso) {
  if (!internal::IsIsoDate(iso)) return "";
  return std::string(iso.substr(0, 4)) + std::string(iso.substr(5, 2)) +
         std::string(iso.substr(8, 2));
}

// HL7 table 0001 (v2.5) has no "X": a non-binary sex is O (other).
std::string Hl7Sex(std::string_view sex) {
  if (sex == "M" || sex == "F" || sex == "U") return std::string(sex);
  if (sex == "X") return "O";
  return "";
}

// XPN: family^given, from the separate names when known, else "First Last" split on its last
// space (the form ChartInfo keeps).
std::string PatientName(const ReleaseChart& chart) {
  std::string family = chart.family_name;
  std::string given = chart.given_name;
  if (family.empty() && given.empty()) {
    const std::string& full = chart.chart.patient_name;
    const std::size_t end = full.find_last_not_of(' ');
    if (end == std::string::npos) return "";
    const std::size_t space = full.find_last_of(' ', end);
    if (space == std::string::npos) {
      family = full.substr(0, end + 1);
    } else {
      family = full.substr(space + 1, end - space);
      given = full.substr(0, space);
    }
  }
  std::string out = Escape(family);
  const std::string g = Escape(given);
  if (!g.empty()) out += "^" + g;
  return out;
}

// XCN for the provider: NPI (assigning authority and type NPI) when read and valid, the name as
// read in the family-name component (it is one string such as "Dr. Ana Ruiz, MD", not split).
std::string ProviderXcn(const ReleaseDocument& document) {
  const std::string name = Escape(document.FieldValue("provider"));
  std::string npi = document.FieldValue("provider_npi");
  if (!internal::ValidNpi(npi)) npi.clear();  // as FHIR: a misread NPI would name someone else
  if (name.empty() && npi.empty()) return "";
  if (npi.empty()) return "^" + name;
  return npi + "^" + name + "^^^^^^^NPI^^^^NPI";
}

}  // namespace

Result<std::string> EncodeHl7Mdm(const ReleaseChart& chart, const ReleaseDocument& document,
                                 std::string_view pdf_bytes, const ReleaseOptions& options) {
  if (pdf_bytes.empty()) {
    return Status::InvalidArgument("hl7: document " + std::to_string(document.document_id) +
                                   " has no PDF to send");
  }
  const std::string time = Timestamp(document.stored_micros);
  const std::string doc_id = std::to_string(document.document_id);
  const LoincCode loinc = LoincForType(document.type.name);
  const std::string doc_type = std::string(loinc.code) + "^" + Escape(loinc.display) + "^LN";
  const std::string dos = Hl7Date(document.date_of_service);
  const std::string provider = ProviderXcn(document);
  const std::string mrn = Escape(chart.chart.mrn);

  std::string m;
  m.reserve(pdf_bytes.size() * 4 / 3 + 1024);
  // MSH-1 is the field separator itself; MSH-2 the encoding characters. MSH-8 (security) and
  // MSH-13..17 are empty; MSH-18 names the character set.
  m += "MSH|^~\\&|" + options.hl7_sending_application + "|" + Escape(options.facility_name) + "|" +
       options.hl7_receiving_application + "|" + options.hl7_receiving_facility + "|" + time +
       "||MDM^T02^MDM_T02|CS" + doc_id + "|P|2.5||||||UNICODE UTF-8\r";
  m += "EVN|T02|" + time + "\r";
  m += "PID|1||" + (mrn.empty() ? "" : mrn + "^^^" + options.hl7_assigning_authority + "^MR") +
       "||" + PatientName(chart) + "||" + Hl7Date(chart.chart.dob) + "|" + Hl7Sex(chart.sex) + "\r";
  // Patient class N (not applicable): a scanned record is filed without an encounter.
  m += "PV1|1|N\r";
  // TXA-2 type, -3 AP (application data), -4 activity = date of service, -5 primary provider,
  // -6 origination date, -9 originator, -12 unique document number (the chartscan id in the
  // sending application's namespace), -16 file name, -17 AU (authenticated), -19 AV (available).
  m += "TXA|1|" + doc_type + "|AP|" + dos + "|" + provider + "|" + dos + "|||" + provider + "|||" +
       doc_id + "^" + options.hl7_sending_application + "||||" +
       internal::DocumentTag(document.document_id) + ".pdf|AU||AV\r";
  m += "OBX|1|ED|" + doc_type + "||^AP^PDF^Base64^";
  m += Base64(pdf_bytes);
  m += "||||||F\r";
  return m;
}

}  // namespace chartscan::release
