// The master patient index: roster files and matching identities against them. All names, MRNs
// and dates are invented.
#include <gtest/gtest.h>

#include <chartscan/extract/roster.h>

namespace chartscan::extract {
namespace {

RosterParseOptions Options() {
  RosterParseOptions o;
  o.reference = {2026, 12, 1};
  return o;
}

TEST(Roster, ParsesSplitNameColumnsIsoAndUsDates) {
  auto r = ParseRoster(
      "mrn,last,first,dob,sex\n00482913,Doe,Jane,1952-03-14,F\nE9612127,Quill,Amos B.,7/4/61,m\n",
      "roster.csv", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].mrn, "00482913") << "leading zeros kept";
  EXPECT_EQ((*r)[0].DisplayName(), "JANE DOE");
  EXPECT_EQ((*r)[0].dob, "1952-03-14");
  EXPECT_EQ((*r)[0].sex, "F");
  EXPECT_EQ((*r)[1].given, "AMOS") << "middle initial dropped like extracted names";
  EXPECT_EQ((*r)[1].dob, "1961-07-04");
  EXPECT_EQ((*r)[1].sex, "M");
  EXPECT_EQ((*r)[1].line, 3);
}

TEST(Roster, ParsesOneNameColumnWrittenLastCommaFirst) {
  auto r =
      ParseRoster("MRN,Name,DOB\r\n46-76803,\"Rivera, Ana\",03/14/1952\r\n", "r.csv", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].mrn, "4676803");
  EXPECT_EQ((*r)[0].family, "RIVERA");
  EXPECT_EQ((*r)[0].given, "ANA");
  EXPECT_EQ((*r)[0].sex, "") << "sex is optional";
}

TEST(Roster, BadLineIsAnErrorNamingFileAndLine) {
  auto r = ParseRoster("mrn,last,first,dob\n1234,Doe,Jane,1952-03-14\n5678,Roe,Rick,02/30/1960\n",
                       "roster.csv", Options());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("roster.csv:3"), std::string::npos) << r.status().ToString();
  auto short_row = ParseRoster("mrn,last,first,dob\n1234,Doe,1952-03-14\n", "x.csv", Options());
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.status().message().find("x.csv:2"), std::string::npos);
  auto duplicate = ParseRoster(
      "mrn,last,first,dob\n1234,Doe,Jane,1952-03-14\n01234,Roe,Rick,1960-01-01\n1234,Poe,Ed,"
      "1970-01-01\n",
      "d.csv", Options());
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("d.csv:4"), std::string::npos);
  auto name = ParseRoster("mrn,name,dob\n1234,Jane Doe,1952-03-14\n", "n.csv", Options());
  EXPECT_FALSE(name.ok()) << "a name column without a comma is ambiguous";
}

TEST(Roster, MissingColumnIsAnErrorOnTheHeaderLine) {
  auto r = ParseRoster("mrn,last,first\n1234,Doe,Jane\n", "roster.csv", Options());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("roster.csv:1"), std::string::npos);
  EXPECT_NE(r.status().message().find("dob"), std::string::npos);
  auto no_name = ParseRoster("mrn,dob,last\n1234,1952-03-14,Doe\n", "roster.csv", Options());
  EXPECT_FALSE(no_name.ok());
  EXPECT_FALSE(ParseRoster("", "empty.csv", Options()).ok());
}

std::vector<RosterPatient> TwoPatients() {
  auto r = ParseRoster(
      "mrn,last,first,dob\n00482913,Doe,Jane,1952-03-14\n00733120,Whitcombe,Harriet,1948-11-02\n",
      "roster.csv", Options());
  EXPECT_TRUE(r.ok());
  return *r;
}

TEST(RosterMatch, ExactMrnMatches) {
  const auto roster = TwoPatients();
  RosterMatch m = MatchRoster(roster, {"00733120", "", ""});
  EXPECT_EQ(m.kind, RosterMatchKind::kMrn);
  EXPECT_EQ(m.index, 1);
  EXPECT_EQ(MatchRoster(roster, {"733120", "", ""}).kind, RosterMatchKind::kNone)
      << "leading zeros are part of the MRN";
}

TEST(RosterMatch, MisreadMrnDoesNotMatchExactlyButNameAndDobDo) {
  const auto roster = TwoPatients();
  // One digit misread and the name misread twice (rn for m, 1 for l): still Harriet Whitcombe.
  RosterMatch m = MatchRoster(roster, {"00738120", "HARR1ET WHITCORNBE", "1948-11-02"});
  EXPECT_EQ(m.kind, RosterMatchKind::kNameDob);
  EXPECT_EQ(m.index, 1);
  EXPECT_EQ(MatchRoster(roster, {"00738120", "", ""}).kind, RosterMatchKind::kNone);
  EXPECT_EQ(MatchRoster(roster, {"", "JANF D0E", "1952-03-14"}).kind, RosterMatchKind::kNameDob);
}

TEST(RosterMatch, MrnContradictedByNameAndDobIsNoMatch) {
  const auto roster = TwoPatients();
  // Harriet Whitcombe's record number on someone else's page: never filed silently.
  EXPECT_EQ(MatchRoster(roster, {"00733120", "PETER PARKS", "1990-01-01"}).kind,
            RosterMatchKind::kNone);
  EXPECT_EQ(MatchRoster(roster, {"00733120", "PETER PARKS", ""}).kind, RosterMatchKind::kNone);
  EXPECT_EQ(MatchRoster(roster, {"00733120", "", "1990-01-01"}).kind, RosterMatchKind::kNone);
  // One of the two agreeing keeps the match: a misread birth date, or a garbled name.
  EXPECT_EQ(MatchRoster(roster, {"00733120", "HARRIET WHITCOMBE", "1948-11-03"}).kind,
            RosterMatchKind::kMrn);
  EXPECT_EQ(MatchRoster(roster, {"00733120", "HXRRQET WXITCQMBE", "1948-11-02"}).kind,
            RosterMatchKind::kMrn);
}

TEST(RosterMatch, NameWithoutTheSameDobIsNoMatch) {
  const auto roster = TwoPatients();
  EXPECT_EQ(MatchRoster(roster, {"", "JANE DOE", "1952-03-15"}).kind, RosterMatchKind::kNone);
  EXPECT_EQ(MatchRoster(roster, {"", "JANE DOE", ""}).kind, RosterMatchKind::kNone);
}

TEST(RosterMatch, NobodyCloseIsAnOrphan) {
  const auto roster = TwoPatients();
  RosterMatch m = MatchRoster(roster, {"11111111", "PETER PARKS", "1990-01-01"});
  EXPECT_EQ(m.kind, RosterMatchKind::kNone);
  EXPECT_EQ(m.index, -1);
  EXPECT_EQ(RosterMatchKindName(m.kind), "none");
  EXPECT_EQ(MatchRoster({}, {"00482913", "JANE DOE", "1952-03-14"}).kind, RosterMatchKind::kNone);
}

TEST(RosterMatch, TwoEquallyCloseNamesAreAmbiguousAndMatchNobody) {
  auto r = ParseRoster("mrn,last,first,dob\n1,Dunn,Jane,1952-03-14\n2,Dunne,Jane,1952-03-14\n",
                       "twins.csv", Options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(MatchRoster(*r, {"", "JANE DUNNF", "1952-03-14"}).kind, RosterMatchKind::kNone);
  EXPECT_EQ(MatchRoster(*r, {"", "JANE DUNNE", "1952-03-14"}).index, 1) << "fewest edits wins";
}

Field Read(const char* name, const char* normalized) {
  Field f;
  f.name = name;
  f.value = normalized;
  f.normalized = normalized;
  return f;
}

TEST(RosterDisagreement, ValuesMatchingFoundTheirPatientButWrongLetterForLetterDisagree) {
  const auto roster = TwoPatients();
  const RosterPatient& harriet = roster[1];
  // Matched by name and date of birth despite a misread digit: the MRN read is wrong.
  EXPECT_TRUE(DiffersFromRoster(harriet, Read("mrn", "00738120")));
  EXPECT_FALSE(DiffersFromRoster(harriet, Read("mrn", "00733120")));
  EXPECT_TRUE(DiffersFromRoster(harriet, Read("mrn", "733120"))) << "leading zeros count";
  // Matched by MRN despite a misread name or birth date.
  EXPECT_TRUE(DiffersFromRoster(harriet, Read("patient_name", "HARR1ET WHITCOMBE")));
  EXPECT_TRUE(DiffersFromRoster(harriet, Read("patient_name", "HARRIET WHITCORNBE")));
  EXPECT_TRUE(DiffersFromRoster(harriet, Read("patient_name", "HARRIET WHITCOMBE TF")));
  EXPECT_TRUE(DiffersFromRoster(harriet, Read("patient_family_name", "WHITCORNBE")));
  EXPECT_FALSE(DiffersFromRoster(harriet, Read("patient_family_name", "Whitcombe")));
  EXPECT_TRUE(DiffersFromRoster(harriet, Read("dob", "1948-11-03")));
  EXPECT_FALSE(DiffersFromRoster(harriet, Read("dob", "1948-11-02")));
}

TEST(RosterDisagreement, SameNameWrittenOtherwiseAgrees) {
  auto r = ParseRoster(
      "mrn,last,first,dob\n1,De La Cruz,Mary Ann,1952-03-14\n2,O'Brien-Hale,Sean,1960-01-02\n",
      "roster.csv", Options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].given, "MARY ANN") << "a middle name is kept";
  EXPECT_EQ(MatchRoster(*r, {"", "MARY DE LA CRUZ", "1952-03-14"}).index, 0)
      << "and matching goes by the first given name";
  EXPECT_FALSE(DiffersFromRoster((*r)[0], Read("patient_name", "MARY DE LA CRUZ")));
  EXPECT_FALSE(DiffersFromRoster((*r)[0], Read("patient_name", "MARY ANN DELACRUZ")));
  EXPECT_FALSE(DiffersFromRoster((*r)[1], Read("patient_name", "SEAN OBRIEN-HALE")));
  EXPECT_FALSE(DiffersFromRoster((*r)[1], Read("patient_name", "Sean P. O'Brien Hale")));
  EXPECT_TRUE(DiffersFromRoster((*r)[1], Read("patient_name", "SEAN HALE")));
  // A word read into the name (a speck, a label's remains) is a misreading too.
  EXPECT_TRUE(DiffersFromRoster((*r)[1], Read("patient_name", "SEAN PR O'BRIEN-HALE")));
  EXPECT_TRUE(DiffersFromRoster((*r)[0], Read("patient_name", "MARY MEDICAL RECORD DE LA CRUZ")));
  EXPECT_TRUE(DiffersFromRoster((*r)[1], Read("patient_name", "OBRIEN-HALE")));
}

TEST(RosterDisagreement, OtherFieldsAndEmptyValuesNeverDisagree) {
  const auto roster = TwoPatients();
  EXPECT_FALSE(DiffersFromRoster(roster[0], Read("date_of_service", "2024-01-02")));
  EXPECT_FALSE(DiffersFromRoster(roster[0], Read("provider_npi", "1234567893")));
  EXPECT_FALSE(DiffersFromRoster(roster[0], Read("mrn", "")));
  EXPECT_FALSE(DiffersFromRoster(roster[0], Read("dob", "")));
}

}  // namespace
}  // namespace chartscan::extract
