// FHIR R4 transaction Bundle of one chart.
//
// Entries, in this order: the facility's Organization, the Patient, a Practitioner per distinct
// provider, then a DocumentReference per document. Every entry is a POST; the Patient, the
// Organization, NPI-identified Practitioners and the DocumentReferences carry ifNoneExist on their
// identifier so that loading the same Bundle twice does not duplicate them on the server.
//
// Repeatability: fullUrls and Bundle.id are name-based UUIDs (RFC 4122 version 5, SHA-1, in the
// URL namespace) of "urn:chartscan:<kind>:<key>", the only time written is the document's
// stored_micros, and nlohmann::ordered_json keeps the key order as written here.
//
// Charts without identity:
// - chart_id 0 (the orphans): no Patient entry and DocumentReferences without subject (0..1 in
//   R4). Inventing a patient would make a receiving EHR create a phantom record; a document
//   without subject lands in its unmatched-documents queue instead.
// - a chart with an id but no MRN (keyed by name and birth date): a Patient with name, birth
//   date and gender but no identifier, created by a plain POST: a conditional create on
//   demographics could file the documents under the wrong person, so matching is left to the
//   receiver's identity service.
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <chartscan/release/formats.h>

#include "encode_util.h"

namespace chartscan::release {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kLoincSystem = "http://loinc.org";
constexpr std::string_view kIcd10System = "http://hl7.org/fhir/sid/icd-10-cm";
constexpr std::string_view kCptSystem = "http://www.ama-assn.org/go/cpt";
constexpr std::string_view kNpiSystem = "http://hl7.org/fhir/sid/us-npi";
constexpr std::string_view kV2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
constexpr std::string_view kCategorySystem =
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category";
constexpr std::string_view kDocumentIdSystem = "urn:chartscan:document";

// RFC 4122 name-based UUID, version 5: SHA-1 over the namespace's 16 bytes and the name, with the
// version and variant bits set. The URL namespace fits because every name is a URN.
std::string Uuid5(std::string_view name) {
  static constexpr unsigned char kNamespaceUrl[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad,
                                                      0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0,
                                                      0x4f, 0xd4, 0x30, 0xc8};
  std::string input(reinterpret_cast<const char*>(kNamespaceUrl), sizeof kNamespaceUrl);
  input.append(name);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha1(), nullptr) != 1 || len < 16) {
    throw std::runtime_error("OpenSSL SHA-1 failed");  // a broken libcrypto: not an input error
  }
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string UrnUuid(std::string_view kind, std::string_view key) {
  return "urn:uuid:" + Uuid5("urn:chartscan:" + std::string(kind) + ":" + std::string(key));
}

// FHIR strings may not hold control characters or begin or end in whitespace: line breaks and
// tabs become spaces, other controls go, and the ends are trimmed.
std::string CleanString(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\t' || c == '\r' || c == '\n') {
      out.push_back(' ');
    } else if (u >= 0x20 && u != 0x7f) {
      out.push_back(c);
    }
  }
  const std::size_t begin = out.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  const std::size_t end = out.find_last_not_of(' ');
  return out.substr(begin, end - begin + 1);
}

// A query value in ifNoneExist: unreserved characters and the ones FHIR tokens use literally
// ("system|value", URI punctuation) stay; everything else is percent-encoded.
std::string QueryEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        std::string_view("-._~:/|").find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  std::string current;
  for (char c : s) {
    if (c == ' ') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

std::string Instant(std::int64_t micros) {
  const internal::UtcTime t = internal::UtcFromMicros(micros);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return buf;
}

Json Coding(std::string_view system, std::string_view code, std::string_view display = {}) {
  Json c = Json::object();
  c["system"] = system;
  c["code"] = code;
  if (!display.empty()) c["display"] = display;
  return c;
}

Json Reference(const std::string& full_url) { return Json{{"reference", full_url}}; }

Json Request(std::string_view url, const std::string& if_none_exist) {
  Json r = Json::object();
  r["method"] = "POST";
  r["url"] = url;
  if (!if_none_exist.empty()) r["ifNoneExist"] = if_none_exist;
  return r;
}

Json Entry(const std::string& full_url, Json resource, Json request) {
  Json e = Json::object();
  e["fullUrl"] = full_url;
  e["resource"] = std::move(resource);
  e["request"] = std::move(request);
  return e;
}

Json PatientResource(const ReleaseChart& chart, const ReleaseOptions& options) {
  Json p = Json::object();
  p["resourceType"] = "Patient";
  const std::string mrn = CleanString(chart.chart.mrn);
  if (!mrn.empty()) {
    Json type = Json::object();
    type["coding"] = Json::array({Coding(kV2IdentifierType, "MR", "Medical record number")});
    Json id = Json::object();
    id["use"] = "usual";
    id["type"] = std::move(type);
    id["system"] = options.mrn_system;
    id["value"] = mrn;
    p["identifier"] = Json::array({std::move(id)});
  }
  // Prefer the separately known family and given names; else split "First Last" on its last
  // space, the form ChartInfo::patient_name is kept in.
  std::string family = CleanString(chart.family_name);
  std::vector<std::string> given = SplitWords(CleanString(chart.given_name));
  const std::string text = CleanString(chart.chart.patient_name);
  if (family.empty() && given.empty() && !text.empty()) {
    given = SplitWords(text);
    family = given.back();
    given.pop_back();
  }
  if (!family.empty() || !given.empty() || !text.empty()) {
    Json name = Json::object();
    name["use"] = "official";
    if (!text.empty()) name["text"] = text;
    if (!family.empty()) name["family"] = family;
    if (!given.empty()) name["given"] = given;
    p["name"] = Json::array({std::move(name)});
  }
  if (chart.sex == "M") p["gender"] = "male";
  if (chart.sex == "F") p["gender"] = "female";
  if (chart.sex == "X") p["gender"] = "other";
  if (chart.sex == "U") p["gender"] = "unknown";
  if (internal::IsIsoDate(chart.chart.dob)) p["birthDate"] = chart.chart.dob;
  return p;
}

struct Provider {
  std::string name;
  std::string npi;  // "" unless valid
  std::string full_url;
};

// The key a provider is told apart by: a valid NPI names one person; without one, the name.
std::string ProviderKey(const std::string& name, const std::string& npi) {
  return npi.empty() ? "name:" + name : "npi:" + npi;
}

Json PractitionerResource(const Provider& provider) {
  Json p = Json::object();
  p["resourceType"] = "Practitioner";
  if (!provider.npi.empty()) {
    p["identifier"] = Json::array({Json{{"system", kNpiSystem}, {"value", provider.npi}}});
  }
  // The provider is read as one string ("Dr. Ana Ruiz, MD"): HumanName.text keeps it whole
  // instead of guessing which words are prefixes, degrees or the family name.
  if (!provider.name.empty()) p["name"] = Json::array({Json{{"text", provider.name}}});
  return p;
}

Json Attachment(std::string_view content_type, const std::string& url, std::uint64_t size,
                const std::string& sha1_base64, const std::string& title) {
  Json a = Json::object();
  a["contentType"] = content_type;
  a["url"] = url;
  if (size > 0) a["size"] = size;
  if (!sha1_base64.empty()) a["hash"] = sha1_base64;
  a["title"] = title;
  return a;
}

}  // namespace

Result<std::string> EncodeFhirBundle(const ReleaseChart& chart,
                                     const std::vector<DocumentFiles>& files,
                                     const ReleaseOptions& options) {
  const std::int64_t chart_id = chart.chart.chart_id;
  if (files.size() != chart.documents.size()) {
    return Status::InvalidArgument("fhir: chart " + std::to_string(chart_id) + " has " +
                                   std::to_string(chart.documents.size()) + " documents but " +
                                   std::to_string(files.size()) + " file sets");
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    const ReleaseDocument& doc = chart.documents[i];
    if (files[i].document_id != doc.document_id) {
      return Status::InvalidArgument("fhir: file set " + std::to_string(i) + " is for document " +
                                     std::to_string(files[i].document_id) + ", not document " +
                                     std::to_string(doc.document_id));
    }
    // DocumentReference.content is 1..*: a document needs a released file to point at.
    if (files[i].pdf_path.empty() && files[i].tiff_path.empty()) {
      return Status::InvalidArgument("fhir: document " + std::to_string(doc.document_id) +
                                     " has neither a PDF nor a TIFF to attach");
    }
  }

  const std::string chart_key = std::to_string(chart_id);
  Json entries = Json::array();

  const std::string facility = CleanString(options.facility_name);
  const std::string org_url = UrnUuid("organization", facility);
  {
    Json org = Json::object();
    org["resourceType"] = "Organization";
    org["active"] = true;
    org["name"] = facility;
    entries.push_back(Entry(org_url, std::move(org),
                            Request("Organization", "name:exact=" + QueryEncode(facility))));
  }

  const bool orphan = chart_id == 0;
  const std::string patient_url = UrnUuid("patient", chart_key);
  if (!orphan) {
    const std::string mrn = CleanString(chart.chart.mrn);
    const std::string if_none_exist =
        mrn.empty() ? "" : "identifier=" + QueryEncode(options.mrn_system) + "|" + QueryEncode(mrn);
    entries.push_back(
        Entry(patient_url, PatientResource(chart, options), Request("Patient", if_none_exist)));
  }

  // Practitioners in order of first appearance; documents point at them by key.
  std::vector<Provider> providers;
  std::map<std::string, std::size_t> provider_index;
  std::vector<std::optional<std::size_t>> author_of(chart.documents.size());
  for (std::size_t i = 0; i < chart.documents.size(); ++i) {
    const ReleaseDocument& doc = chart.documents[i];
    const std::string name = CleanString(doc.FieldValue("provider"));
    std::string npi = CleanString(doc.FieldValue("provider_npi"));
    if (!internal::ValidNpi(npi)) npi.clear();
    if (name.empty() && npi.empty()) continue;
    const std::string key = ProviderKey(name, npi);
    auto [it, added] = provider_index.emplace(key, providers.size());
    if (added) providers.push_back({name, npi, UrnUuid("practitioner", key)});
    author_of[i] = it->second;
  }
  for (const Provider& provider : providers) {
    const std::string if_none_exist =
        provider.npi.empty() ? "" : "identifier=" + std::string(kNpiSystem) + "|" + provider.npi;
    entries.push_back(Entry(provider.full_url, PractitionerResource(provider),
                            Request("Practitioner", if_none_exist)));
  }

  for (std::size_t i = 0; i < chart.documents.size(); ++i) {
    const ReleaseDocument& doc = chart.documents[i];
    const DocumentFiles& f = files[i];
    const std::string doc_key = std::to_string(doc.document_id);
    const LoincCode loinc = LoincForType(doc.type.name);

    Json dr = Json::object();
    dr["resourceType"] = "DocumentReference";
    dr["identifier"] = Json::array({Json{{"system", kDocumentIdSystem}, {"value", doc_key}}});
    dr["status"] = "current";
    dr["docStatus"] = "final";
    Json type = Json::object();
    type["coding"] = Json::array({Coding(kLoincSystem, loinc.code, loinc.display)});
    type["text"] = loinc.display;
    dr["type"] = std::move(type);
    // US Core's category for every clinical note; base R4 binds category by example only.
    dr["category"] = Json::array({Json{
        {"coding", Json::array({Coding(kCategorySystem, "clinical-note", "Clinical Note")})}}});
    if (!orphan) dr["subject"] = Reference(patient_url);
    if (doc.stored_micros > 0) dr["date"] = Instant(doc.stored_micros);
    if (author_of[i]) dr["author"] = Json::array({Reference(providers[*author_of[i]].full_url)});
    dr["custodian"] = Reference(org_url);
    // What the document is, without patient data: its type and date of service.
    const bool has_dos = internal::IsIsoDate(doc.date_of_service);
    const std::string title =
        std::string(loinc.display) + (has_dos ? " " + doc.date_of_service : std::string());
    dr["description"] = title;

    Json attachments = Json::array();
    if (!f.pdf_path.empty()) {
      attachments.push_back(Json{{"attachment", Attachment("application/pdf", f.pdf_path,
                                                           f.pdf_size, f.pdf_sha1_base64, title)}});
    }
    if (!f.tiff_path.empty()) {
      attachments.push_back(Json{{"attachment", Attachment("image/tiff", f.tiff_path, f.tiff_size,
                                                           f.tiff_sha1_base64, title)}});
    }
    dr["content"] = std::move(attachments);

    // The diagnoses and procedures read from the document, as the clinical acts it documents.
    Json events = Json::array();
    for (const std::string& code : doc.FieldValues("icd10")) {
      const std::string c = CleanString(code);
      if (!c.empty()) events.push_back(Json{{"coding", Json::array({Coding(kIcd10System, c)})}});
    }
    for (const std::string& code : doc.FieldValues("cpt")) {
      const std::string c = CleanString(code);
      if (!c.empty()) events.push_back(Json{{"coding", Json::array({Coding(kCptSystem, c)})}});
    }
    Json context = Json::object();
    if (!events.empty()) context["event"] = std::move(events);
    if (has_dos) context["period"] = Json{{"start", doc.date_of_service}};
    if (!context.empty()) dr["context"] = std::move(context);

    entries.push_back(
        Entry(UrnUuid("document", doc_key), std::move(dr),
              Request("DocumentReference",
                      "identifier=" + std::string(kDocumentIdSystem) + "|" + doc_key)));
  }

  Json bundle = Json::object();
  bundle["resourceType"] = "Bundle";
  bundle["id"] = Uuid5("urn:chartscan:bundle:" + chart_key);
  bundle["type"] = "transaction";
  bundle["entry"] = std::move(entries);
  // Invalid UTF-8 in read text is replaced (U+FFFD) rather than failing the whole chart.
  return bundle.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace chartscan::release
