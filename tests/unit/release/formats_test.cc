// The text encoders of a release package: FHIR R4 Bundle, HL7 v2.5 MDM^T02 and the CSV manifest,
// over hand-built charts (invented names and MRNs). The FHIR JSON is checked with nlohmann::json,
// the HL7 message split on its own delimiters, the CSV cell by cell.
//
// ReleasePackageFixture writes a small package of hard values (an orphan chart, separators in
// names, a formula-like name; fake PDF bytes, real FHIR, HL7, CSV) and runs
// tests/release/validate_package.mjs over it; $CHARTSCAN_RELEASE_FIXTURE_DIR keeps it to look at.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chartscan/release/formats.h>

namespace chartscan::release {

// From the stage's private digest.h (not on the test's include path); the fixture package needs
// real digests for the validator to check.
std::string Sha1Base64(std::string_view bytes);
std::string Sha256Hex(std::string_view bytes);

namespace {

using nlohmann::json;

constexpr std::int64_t kStoredMicros = 1793614500000000;  // 2026-11-02T10:15:00Z

Field MakeField(std::string name, std::string value) {
  Field f;
  f.name = std::move(name);
  f.value = value;
  f.normalized = std::move(value);
  f.confidence = 0.99;
  return f;
}

ReleaseDocument MakeDocument(std::int64_t id, std::string type, std::string dos) {
  ReleaseDocument d;
  d.document_id = id;
  d.batch_id = 3;
  d.type.name = std::move(type);
  d.type.confidence = 0.9;
  d.date_of_service = std::move(dos);
  d.stored_micros = kStoredMicros;
  d.pages.resize(2);
  return d;
}

// Chart 7: two documents by one provider (with a valid NPI), one by another.
ReleaseChart MakeChart() {
  ReleaseChart c;
  c.chart.chart_id = 7;
  c.chart.mrn = "A1234567";
  c.chart.patient_name = "Dana Q Testperson";
  c.chart.dob = "1961-04-09";
  c.family_name = "TESTPERSON";
  c.given_name = "DANA Q";
  c.sex = "F";
  ReleaseDocument d1 = MakeDocument(42, "discharge_summary", "2026-10-30");
  d1.fields = {MakeField("provider", "Dr. Ana Ruiz, MD"),
               MakeField("provider_npi", "1234567893"),
               MakeField("icd10", "E11.9"),
               MakeField("icd10", "I10"),
               MakeField("icd10", "E11.9"),
               MakeField("cpt", "99223")};
  ReleaseDocument d2 = MakeDocument(43, "lab_report", "2026-10-28");
  d2.fields = {MakeField("provider", "Dr. Ana Ruiz, MD"), MakeField("provider_npi", "1234567893")};
  ReleaseDocument d3 = MakeDocument(44, "progress_note", "");
  d3.fields = {MakeField("provider", "Lee Park, NP")};
  c.documents = {d1, d2, d3};
  c.chart.documents = 3;
  return c;
}

std::string FakePdf(std::int64_t id) {
  // Bytes of every value, so base64 and the files are exercised past ASCII.
  std::string pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n% document " + std::to_string(id) + "\n";
  for (int i = 0; i < 256; ++i) pdf.push_back(static_cast<char>(i));
  pdf += "\n%%EOF\n";
  return pdf;
}

DocumentFiles FilesFor(const ReleaseDocument& d, bool pdf = true, bool tiff = true) {
  DocumentFiles f;
  f.document_id = d.document_id;
  f.page_count = static_cast<int>(d.pages.size());
  if (pdf) {
    const std::string bytes = FakePdf(d.document_id);
    f.pdf_path = DocumentFileName(d.document_id, Format::kPdf);
    f.pdf_size = bytes.size();
    f.pdf_sha1_base64 = "c2hhMS1vZi10aGUtcGRmLWJ5dGVz";
    f.pdf_sha256 = std::string(64, 'a');
  }
  if (tiff) {
    f.tiff_path = DocumentFileName(d.document_id, Format::kTiff);
    f.tiff_sha256 = std::string(64, 'b');
  }
  f.hl7_path = DocumentFileName(d.document_id, Format::kHl7);
  return f;
}

std::vector<DocumentFiles> FilesFor(const ReleaseChart& c) {
  std::vector<DocumentFiles> files;
  for (const ReleaseDocument& d : c.documents) files.push_back(FilesFor(d));
  return files;
}

json Bundle(const ReleaseChart& c, const std::vector<DocumentFiles>& files,
            const ReleaseOptions& options = {}) {
  Result<std::string> text = EncodeFhirBundle(c, files, options);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  if (!text.ok()) return json::object();
  return json::parse(*text);
}

std::vector<json> Resources(const json& bundle, std::string_view type) {
  std::vector<json> out;
  for (const json& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == type) out.push_back(e["resource"]);
  }
  return out;
}

std::string FullUrlOf(const json& bundle, std::string_view type, std::size_t nth = 0) {
  for (const json& e : bundle["entry"]) {
    if (e["resource"]["resourceType"] == type && nth-- == 0) return e["fullUrl"];
  }
  return "";
}

std::map<std::string, std::vector<std::string>> Segments(const std::string& message);
std::string Mdm(const ReleaseChart& c, std::size_t doc, const ReleaseOptions& options = {});

// ---- FHIR ----

TEST(ReleaseFhir, BundleIsRepeatable) {
  const ReleaseChart c = MakeChart();
  Result<std::string> a = EncodeFhirBundle(c, FilesFor(c), {});
  Result<std::string> b = EncodeFhirBundle(c, FilesFor(c), {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->back(), '\n');
  EXPECT_EQ(a->substr(0, 4), "{\n  ") << "pretty-printed with two spaces";
  // Nothing from the clock: the only instant is the stored time.
  EXPECT_EQ(a->find("lastUpdated"), std::string::npos);
}

TEST(ReleaseFhir, TransactionHasOrganizationPatientPractitionersAndDocuments) {
  const ReleaseChart c = MakeChart();
  const json b = Bundle(c, FilesFor(c));
  EXPECT_EQ(b["resourceType"], "Bundle");
  EXPECT_EQ(b["type"], "transaction");
  // Organization, Patient, two distinct Practitioners, three DocumentReferences.
  ASSERT_EQ(b["entry"].size(), 7u);
  EXPECT_EQ(Resources(b, "Organization").size(), 1u);
  EXPECT_EQ(Resources(b, "Patient").size(), 1u);
  EXPECT_EQ(Resources(b, "Practitioner").size(), 2u);
  EXPECT_EQ(Resources(b, "DocumentReference").size(), 3u);
  for (const json& e : b["entry"]) {
    EXPECT_EQ(e["request"]["method"], "POST");
    EXPECT_EQ(e["request"]["url"], e["resource"]["resourceType"]);
    EXPECT_EQ(e["fullUrl"].get<std::string>().rfind("urn:uuid:", 0), 0u);
  }
}

TEST(ReleaseFhir, FullUrlsAreNameBasedVersion5Uuids) {
  const ReleaseChart c = MakeChart();
  const json b = Bundle(c, FilesFor(c));
  // uuid.uuid5(uuid.NAMESPACE_URL, "urn:chartscan:patient:7") and friends, from Python.
  EXPECT_EQ(FullUrlOf(b, "Patient"), "urn:uuid:6f6fa8d2-a20b-5f50-a335-9c07866011eb");
  EXPECT_EQ(FullUrlOf(b, "DocumentReference"), "urn:uuid:ed4a6f33-79fd-5ba8-99be-43d21ce8cc63");
  EXPECT_EQ(b["id"], "2639961b-468a-5bd7-85dc-5d08cdafa6e1");
  std::set<std::string> urls;
  for (const json& e : b["entry"]) urls.insert(e["fullUrl"]);
  EXPECT_EQ(urls.size(), b["entry"].size()) << "fullUrls are distinct";
}

TEST(ReleaseFhir, PatientHasMrnNameBirthDateAndGender) {
  ReleaseOptions options;
  options.mrn_system = "urn:oid:2.16.840.1.113883.19.5";
  const json b = Bundle(MakeChart(), FilesFor(MakeChart()), options);
  const json p = Resources(b, "Patient").at(0);
  ASSERT_EQ(p["identifier"].size(), 1u);
  EXPECT_EQ(p["identifier"][0]["system"], "urn:oid:2.16.840.1.113883.19.5");
  EXPECT_EQ(p["identifier"][0]["value"], "A1234567");
  EXPECT_EQ(p["identifier"][0]["type"]["coding"][0]["system"],
            "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(p["identifier"][0]["type"]["coding"][0]["code"], "MR");
  EXPECT_EQ(p["name"][0]["family"], "TESTPERSON");
  EXPECT_EQ(p["name"][0]["given"], json::array({"DANA", "Q"}));
  EXPECT_EQ(p["birthDate"], "1961-04-09");
  EXPECT_EQ(p["gender"], "female");
  for (const json& e : b["entry"]) {
    if (e["resource"]["resourceType"] == "Patient") {
      EXPECT_EQ(e["request"]["ifNoneExist"], "identifier=urn:oid:2.16.840.1.113883.19.5|A1234567");
    }
  }
}

TEST(ReleaseFhir, PatientNameSplitFromFullNameWhenPartsUnknown) {
  ReleaseChart c = MakeChart();
  c.family_name.clear();
  c.given_name.clear();
  c.chart.patient_name = "Robin Lee Example";
  c.sex = "X";
  c.chart.dob = "not a date";
  const json p = Resources(Bundle(c, FilesFor(c)), "Patient").at(0);
  EXPECT_EQ(p["name"][0]["family"], "Example");
  EXPECT_EQ(p["name"][0]["given"], json::array({"Robin", "Lee"}));
  EXPECT_EQ(p["gender"], "other");
  EXPECT_FALSE(p.contains("birthDate")) << "an unparsed date is left out, not written invalid";
}

TEST(ReleaseFhir, DocumentReferenceCarriesTypeSubjectDateAuthorCodesAndAttachments) {
  const ReleaseChart c = MakeChart();
  const json b = Bundle(c, FilesFor(c));
  const json d = Resources(b, "DocumentReference").at(0);
  EXPECT_EQ(d["status"], "current");
  EXPECT_EQ(d["docStatus"], "final");
  EXPECT_EQ(d["identifier"][0]["system"], "urn:chartscan:document");
  EXPECT_EQ(d["identifier"][0]["value"], "42");
  EXPECT_EQ(d["type"]["coding"][0]["system"], "http://loinc.org");
  EXPECT_EQ(d["type"]["coding"][0]["code"], "18842-5");
  EXPECT_EQ(d["type"]["text"], "Discharge summary");
  EXPECT_EQ(d["subject"]["reference"], FullUrlOf(b, "Patient"));
  EXPECT_EQ(d["custodian"]["reference"], FullUrlOf(b, "Organization"));
  EXPECT_EQ(d["author"][0]["reference"], FullUrlOf(b, "Practitioner", 0));
  EXPECT_EQ(d["date"], "2026-11-02T10:15:00Z");
  EXPECT_EQ(d["context"]["period"]["start"], "2026-10-30");
  // Duplicate ICD-10 codes collapse; CPT follows.
  ASSERT_EQ(d["context"]["event"].size(), 3u);
  EXPECT_EQ(d["context"]["event"][0]["coding"][0]["system"], "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(d["context"]["event"][0]["coding"][0]["code"], "E11.9");
  EXPECT_EQ(d["context"]["event"][1]["coding"][0]["code"], "I10");
  EXPECT_EQ(d["context"]["event"][2]["coding"][0]["system"], "http://www.ama-assn.org/go/cpt");
  EXPECT_EQ(d["context"]["event"][2]["coding"][0]["code"], "99223");
  ASSERT_EQ(d["content"].size(), 2u);
  const json pdf = d["content"][0]["attachment"];
  EXPECT_EQ(pdf["contentType"], "application/pdf");
  EXPECT_EQ(pdf["url"], "documents/D000042.pdf");
  EXPECT_EQ(pdf["size"], FakePdf(42).size());
  EXPECT_EQ(pdf["hash"], "c2hhMS1vZi10aGUtcGRmLWJ5dGVz");
  EXPECT_EQ(pdf["title"], "Discharge summary 2026-10-30");
  EXPECT_EQ(d["content"][1]["attachment"]["contentType"], "image/tiff");
  EXPECT_EQ(d["content"][1]["attachment"]["url"], "documents/D000042.tif");

  // The second document shares the first's provider; the third has its own, without an NPI.
  const json d2 = Resources(b, "DocumentReference").at(1);
  const json d3 = Resources(b, "DocumentReference").at(2);
  EXPECT_EQ(d2["author"], d["author"]);
  EXPECT_EQ(d3["author"][0]["reference"], FullUrlOf(b, "Practitioner", 1));
  EXPECT_FALSE(d3.contains("context")) << "no date of service, no codes";
  const json npi_doc = Resources(b, "Practitioner").at(0);
  EXPECT_EQ(npi_doc["identifier"][0]["system"], "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(npi_doc["identifier"][0]["value"], "1234567893");
  EXPECT_EQ(npi_doc["name"][0]["text"], "Dr. Ana Ruiz, MD");
  EXPECT_FALSE(Resources(b, "Practitioner").at(1).contains("identifier"));
}

TEST(ReleaseFhir, InvalidNpiIsLeftOut) {
  ReleaseChart c = MakeChart();
  c.documents.resize(1);
  c.documents[0].fields = {MakeField("provider", "Dr. Ana Ruiz, MD"),
                           MakeField("provider_npi", "1234567890")};  // bad check digit
  const json pr = Resources(Bundle(c, FilesFor(c)), "Practitioner").at(0);
  EXPECT_FALSE(pr.contains("identifier"));
  EXPECT_EQ(Segments(Mdm(c, 0))["TXA"][5], "^Dr. Ana Ruiz, MD");
}

TEST(ReleaseFhir, TiffIsAttachedWhenPdfsAreNotReleased) {
  ReleaseChart c = MakeChart();
  std::vector<DocumentFiles> files;
  for (const ReleaseDocument& d : c.documents) files.push_back(FilesFor(d, false, true));
  const json d = Resources(Bundle(c, files), "DocumentReference").at(0);
  ASSERT_EQ(d["content"].size(), 1u);
  EXPECT_EQ(d["content"][0]["attachment"]["contentType"], "image/tiff");
  EXPECT_EQ(d["content"][0]["attachment"]["url"], "documents/D000042.tif");
}

TEST(ReleaseFhir, RejectsDocumentWithNothingToAttach) {
  ReleaseChart c = MakeChart();
  std::vector<DocumentFiles> files = FilesFor(c);
  files[1] = FilesFor(c.documents[1], false, false);
  Result<std::string> r = EncodeFhirBundle(c, files, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("43"), std::string::npos) << r.status().message();
}

TEST(ReleaseFhir, RejectsFilesThatDoNotMatchTheDocuments) {
  ReleaseChart c = MakeChart();
  std::vector<DocumentFiles> files = FilesFor(c);
  files.pop_back();
  EXPECT_EQ(EncodeFhirBundle(c, files, {}).status().code(), StatusCode::kInvalidArgument);
  files = FilesFor(c);
  std::swap(files[0], files[1]);
  EXPECT_EQ(EncodeFhirBundle(c, files, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ReleaseFhir, OrphanChartHasNoPatientAndDocumentsHaveNoSubject) {
  ReleaseChart c;
  c.documents = {MakeDocument(90, "other", "")};
  const json b = Bundle(c, FilesFor(c));
  EXPECT_TRUE(Resources(b, "Patient").empty());
  const json d = Resources(b, "DocumentReference").at(0);
  EXPECT_FALSE(d.contains("subject"));
  EXPECT_EQ(d["type"]["coding"][0]["code"], "34109-9");
}

TEST(ReleaseFhir, ChartWithoutMrnHasPatientWithoutIdentifierOrConditionalCreate) {
  ReleaseChart c = MakeChart();
  c.chart.mrn.clear();
  const json b = Bundle(c, FilesFor(c));
  const json p = Resources(b, "Patient").at(0);
  EXPECT_FALSE(p.contains("identifier"));
  EXPECT_EQ(p["name"][0]["family"], "TESTPERSON");
  for (const json& e : b["entry"]) {
    if (e["resource"]["resourceType"] == "Patient") {
      EXPECT_FALSE(e["request"].contains("ifNoneExist"));
    }
  }
}

TEST(ReleaseFhir, ControlCharactersAndBadUtf8DoNotBreakTheJson) {
  ReleaseChart c = MakeChart();
  c.family_name = "TEST\nPERSON\x01 ";
  c.documents[0].fields = {MakeField("provider", std::string("Dr. \xff\xfe Bad\tUtf8"))};
  const json b = Bundle(c, FilesFor(c));
  EXPECT_EQ(Resources(b, "Patient").at(0)["name"][0]["family"], "TEST PERSON");
  const std::string name = Resources(b, "Practitioner").at(0)["name"][0]["text"];
  EXPECT_EQ(name.find('\t'), std::string::npos);
  EXPECT_NE(name.find("\xef\xbf\xbd"), std::string::npos) << "replaced with U+FFFD";
}

// ---- HL7 ----

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

// Segment name -> its fields, split on '|' (index 0 is the name, so index n is field n; for MSH
// index n is MSH-(n+1), since MSH-1 is the separator itself).
std::map<std::string, std::vector<std::string>> Segments(const std::string& message) {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& seg : Split(message, '\r')) {
    if (seg.empty()) continue;
    std::vector<std::string> fields = Split(seg, '|');
    out[fields[0]] = fields;
  }
  return out;
}

std::string Unbase64(std::string_view s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : s) {
    const int v = value(c);
    if (v < 0) continue;  // padding
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

std::string Mdm(const ReleaseChart& c, std::size_t doc, const ReleaseOptions& options) {
  const std::string pdf = FakePdf(c.documents[doc].document_id);
  Result<std::string> m = EncodeHl7Mdm(c, c.documents[doc], pdf, options);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : "";
}

TEST(ReleaseHl7, MessageHasMdmT02Segments) {
  ReleaseOptions options;
  options.facility_name = "General Hospital";
  options.hl7_assigning_authority = "GH";
  const std::string m = Mdm(MakeChart(), 0, options);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m.back(), '\r');
  EXPECT_EQ(m.find('\n'), std::string::npos);
  std::vector<std::string> names;
  for (const std::string& seg : Split(m, '\r')) {
    if (!seg.empty()) names.push_back(seg.substr(0, 3));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"MSH", "EVN", "PID", "PV1", "TXA", "OBX"}));
  auto s = Segments(m);
  const auto& msh = s["MSH"];
  EXPECT_EQ(msh[1], "^~\\&");
  EXPECT_EQ(msh[2], "CHARTSCAN");
  EXPECT_EQ(msh[3], "General Hospital");
  EXPECT_EQ(msh[4], "EHR");
  EXPECT_EQ(msh[6], "20261102101500+0000");  // MSH-7
  EXPECT_EQ(msh[8], "MDM^T02^MDM_T02");      // MSH-9
  EXPECT_EQ(msh[9], "CS42");                 // MSH-10
  EXPECT_EQ(msh[10], "P");
  EXPECT_EQ(msh[11], "2.5");
  EXPECT_EQ(msh[17], "UNICODE UTF-8");  // MSH-18
  EXPECT_EQ(s["EVN"][1], "T02");
  EXPECT_EQ(s["PID"][3], "A1234567^^^GH^MR");
  EXPECT_EQ(s["PID"][5], "TESTPERSON^DANA Q");
  EXPECT_EQ(s["PID"][7], "19610409");
  EXPECT_EQ(s["PID"][8], "F");
  EXPECT_EQ(s["PV1"][2], "N");
  const auto& txa = s["TXA"];
  EXPECT_EQ(txa[2], "18842-5^Discharge summary^LN");
  EXPECT_EQ(txa[3], "AP");
  EXPECT_EQ(txa[4], "20261030");
  EXPECT_EQ(txa[5], "1234567893^Dr. Ana Ruiz, MD^^^^^^^NPI^^^^NPI");
  EXPECT_EQ(txa[12], "42^CHARTSCAN");
  EXPECT_EQ(txa[16], "D000042.pdf");
  EXPECT_EQ(txa[17], "AU");
  EXPECT_EQ(txa[19], "AV");
  const auto& obx = s["OBX"];
  EXPECT_EQ(obx[1], "1");
  EXPECT_EQ(obx[2], "ED");
  EXPECT_EQ(obx[3], "18842-5^Discharge summary^LN");
  ASSERT_EQ(obx.size(), 12u);
  EXPECT_EQ(obx[11], "F");
}

TEST(ReleaseHl7, Obx5CarriesThePdfInBase64) {
  const ReleaseChart c = MakeChart();
  auto s = Segments(Mdm(c, 0));
  const std::vector<std::string> ed = Split(s["OBX"][5], '^');
  ASSERT_EQ(ed.size(), 5u);
  EXPECT_EQ(ed[0], "");
  EXPECT_EQ(ed[1], "AP");
  EXPECT_EQ(ed[2], "PDF");
  EXPECT_EQ(ed[3], "Base64");
  EXPECT_EQ(Unbase64(ed[4]), FakePdf(42));
}

TEST(ReleaseHl7, EscapesSeparatorsInValues) {
  ReleaseChart c = MakeChart();
  c.family_name = "O|Brien^Jr";
  c.given_name = "A&B~C\\D";
  c.chart.mrn = "M|1";
  ReleaseOptions options;
  options.facility_name = "St. Mary|s";
  const std::string m = Mdm(c, 0, options);
  auto s = Segments(m);
  EXPECT_EQ(s["PID"][5], "O\\F\\Brien\\S\\Jr^A\\T\\B\\R\\C\\E\\D");
  EXPECT_EQ(s["PID"][3], "M\\F\\1^^^MRN^MR");
  EXPECT_EQ(s["MSH"][3], "St. Mary\\F\\s");
  EXPECT_EQ(s["PID"].size(), 9u) << "no field shifted";
}

TEST(ReleaseHl7, StripsControlCharacters) {
  ReleaseChart c = MakeChart();
  c.family_name = "TEST\rPERSON\x07";
  const std::string m = Mdm(c, 0);
  EXPECT_EQ(Segments(m)["PID"][5], "TEST PERSON^DANA Q");
  EXPECT_EQ(Split(m, '\r').size(), 7u) << "six segments, one terminator each";
}

TEST(ReleaseHl7, MessageIsRepeatable) {
  const ReleaseChart c = MakeChart();
  EXPECT_EQ(Mdm(c, 1), Mdm(c, 1));
  EXPECT_NE(Mdm(c, 0), Mdm(c, 1));
}

TEST(ReleaseHl7, RejectsEmptyPdf) {
  const ReleaseChart c = MakeChart();
  Result<std::string> m = EncodeHl7Mdm(c, c.documents[0], "", {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
}

TEST(ReleaseHl7, OrphanHasEmptyPatientIdentifier) {
  ReleaseChart c;
  c.documents = {MakeDocument(90, "other", "")};
  auto s = Segments(Mdm(c, 0));
  EXPECT_EQ(s["PID"][3], "");
  EXPECT_EQ(s["PID"][5], "");
  EXPECT_EQ(s["TXA"][2], "34109-9^Note^LN");
  EXPECT_EQ(s["TXA"][4], "");
  EXPECT_EQ(s["TXA"][5], "");
}

TEST(ReleaseHl7, NameSplitFromFullNameAndSexMapped) {
  ReleaseChart c = MakeChart();
  c.family_name.clear();
  c.given_name.clear();
  c.chart.patient_name = "Robin Lee Example";
  c.sex = "X";
  auto s = Segments(Mdm(c, 0));
  EXPECT_EQ(s["PID"][5], "Example^Robin Lee");
  EXPECT_EQ(s["PID"][8], "O");
}

// ---- CSV ----

std::vector<std::string> CsvCells(std::string line) {
  // Only for rows without quoted fields.
  EXPECT_EQ(line.substr(line.size() - 2), "\r\n");
  line.resize(line.size() - 2);
  return Split(line, ',');
}

TEST(ReleaseCsv, HeaderNamesTheColumns) {
  EXPECT_EQ(CsvHeader(),
            "document_id,chart_id,mrn,patient_name,family_name,given_name,dob,document_type,"
            "loinc,date_of_service,page_count,pdf_file,tiff_file,hl7_file,fhir_file,pdf_sha256,"
            "tiff_sha256\r\n");
}

TEST(ReleaseCsv, RowHoldsTheDocumentsValues) {
  const ReleaseChart c = MakeChart();
  const std::vector<std::string> cells =
      CsvCells(CsvRow(c, c.documents[0], FilesFor(c.documents[0]), ChartFileName(7)));
  ASSERT_EQ(cells.size(), 17u);
  EXPECT_EQ(cells, (std::vector<std::string>{
                       "42", "7", "A1234567", "Dana Q Testperson", "TESTPERSON", "DANA Q",
                       "1961-04-09", "discharge_summary", "18842-5", "2026-10-30", "2",
                       "documents/D000042.pdf", "documents/D000042.tif", "hl7/D000042.hl7",
                       "fhir/C000007.json", std::string(64, 'a'), std::string(64, 'b')}));
}

TEST(ReleaseCsv, PageCountComesFromTheFilesNotThePixels) {
  ReleaseChart c = MakeChart();
  DocumentFiles files = FilesFor(c.documents[0]);
  c.documents[0].pages.clear();  // as the package writer hands chart-level encoders documents
  files.page_count = 5;
  EXPECT_EQ(CsvCells(CsvRow(c, c.documents[0], files, ""))[10], "5");
}

TEST(ReleaseCsv, QuotesCommasQuotesAndLineBreaks) {
  ReleaseChart c = MakeChart();
  c.chart.patient_name = "Testperson, Dana \"DQ\"";
  c.family_name = "LINE\r\nBREAK";
  const std::string row = CsvRow(c, c.documents[0], FilesFor(c.documents[0]), "");
  EXPECT_NE(row.find(",\"Testperson, Dana \"\"DQ\"\"\","), std::string::npos) << row;
  EXPECT_NE(row.find(",\"LINE\r\nBREAK\","), std::string::npos) << row;
  EXPECT_EQ(row.substr(row.size() - 2), "\r\n");
}

TEST(ReleaseCsv, GuardsAgainstFormulaInjection) {
  ReleaseChart c = MakeChart();
  c.chart.patient_name = "=HYPERLINK(\"http://x.example\",\"a\")";
  c.family_name = "+1";
  c.given_name = "@SUM(A1)";
  c.chart.mrn = "-2+3";
  c.chart.dob = "\t=1";
  const std::string row = CsvRow(c, c.documents[0], FilesFor(c.documents[0]), "");
  EXPECT_NE(row.find(",\"'=HYPERLINK(\"\"http://x.example\"\",\"\"a\"\")\","), std::string::npos)
      << row;
  EXPECT_NE(row.find(",'+1,'@SUM(A1),"), std::string::npos) << row;
  EXPECT_NE(row.find(",'-2+3,"), std::string::npos) << row;
  EXPECT_NE(row.find(",'\t=1,"), std::string::npos) << row;
  // Plain values are untouched.
  EXPECT_NE(row.find(",discharge_summary,18842-5,2026-10-30,2,"), std::string::npos) << row;
}

TEST(ReleaseCsv, DropsControlCharacters) {
  ReleaseChart c = MakeChart();
  c.family_name = "TEST\x01PERSON\x1b";
  const std::string row = CsvRow(c, c.documents[0], FilesFor(c.documents[0]), "");
  EXPECT_NE(row.find(",TESTPERSON,"), std::string::npos) << row;
}

// ---- A package for the npm validator ----

void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

TEST(ReleasePackageFixture, HardValuesPassTheNpmValidators) {
  // Written where asked (to look at it), else to a fresh temporary folder.
  const char* dir_env = std::getenv("CHARTSCAN_RELEASE_FIXTURE_DIR");
  const bool keep = dir_env != nullptr && *dir_env != '\0';
  const std::filesystem::path dir =
      keep ? std::filesystem::path(dir_env)
           : std::filesystem::path(::testing::TempDir()) /
                 ("chartscan-release-fixture-" + std::to_string(getpid()));
  ReleaseChart hard = MakeChart();
  hard.chart.chart_id = 8;
  hard.chart.mrn = "B7654321";
  hard.family_name = "O|BRIEN^JR";
  hard.given_name = "PAT";
  hard.chart.patient_name = "Pat O|Brien^Jr, \"=cmd\"";
  hard.documents.resize(1);
  hard.documents[0].document_id = 45;
  ReleaseChart orphan;
  orphan.documents = {MakeDocument(90, "other", "")};
  std::string csv = CsvHeader();
  for (ReleaseChart c : {MakeChart(), hard, orphan}) {
    std::vector<DocumentFiles> files;
    for (const ReleaseDocument& d : c.documents) {
      const std::string pdf = FakePdf(d.document_id);
      DocumentFiles f;
      f.document_id = d.document_id;
      f.page_count = static_cast<int>(d.pages.size());
      f.pdf_path = DocumentFileName(d.document_id, Format::kPdf);
      f.pdf_size = pdf.size();
      f.pdf_sha1_base64 = Sha1Base64(pdf);
      f.pdf_sha256 = Sha256Hex(pdf);
      f.hl7_path = DocumentFileName(d.document_id, Format::kHl7);
      WriteFile(dir / f.pdf_path, pdf);
      Result<std::string> m = EncodeHl7Mdm(c, d, pdf, {});
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      WriteFile(dir / f.hl7_path, *m);
      files.push_back(f);
    }
    const std::string fhir_path = ChartFileName(c.chart.chart_id);
    Result<std::string> bundle = EncodeFhirBundle(c, files, {});
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    WriteFile(dir / fhir_path, *bundle);
    for (std::size_t i = 0; i < c.documents.size(); ++i) {
      csv += CsvRow(c, c.documents[i], files[i], fhir_path);
    }
  }
  WriteFile(dir / "documents.csv", csv);

  // The same validators the release gate runs (tests/release, installed by install-deps).
  const char* source = std::getenv("CHARTSCAN_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "CHARTSCAN_SOURCE_DIR is set by the test's CTest entry";
  const std::string command = "node '" + std::string(source) +
                              "/tests/release/validate_package.mjs' '" + dir.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  if (!keep) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chartscan::release
