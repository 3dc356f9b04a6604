#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <chartscan/extract/codes.h>

namespace chartscan::extract {
namespace {

TEST(Icd10, StructureRules) {
  for (const char* ok : {"E11.9", "I10", "S72.001A", "T81.4XXA", "W19.XXXA", "S06.0X0A", "J09.X2",
                         "Z87.891", "E119", "C4A.0"}) {
    EXPECT_TRUE(IsWellFormedIcd10Cm(ok)) << ok;
  }
  for (const char* bad : {"E1.9", "11.9", "E11.", "E11.91234", "T81.4A", "T81.4XX", "E11..9", "E1",
                          "EE1.9", "E11-9"}) {
    EXPECT_FALSE(IsWellFormedIcd10Cm(bad)) << bad;
  }
  EXPECT_EQ(CanonicalCode("e119", CodeSystem::kIcd10Cm), "E11.9");
  EXPECT_EQ(CanonicalCode("S72001A", CodeSystem::kIcd10Cm), "S72.001A");
}

TEST(Icd10, RepairsLeadingOneReadForI) {
  auto c = CheckCode("110", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->code, "I10");
  EXPECT_TRUE(c->repaired);
  EXPECT_LT(c->confidence, 1.0);
  auto o = CheckCode("080", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  ASSERT_TRUE(o);
  EXPECT_EQ(o->code, "O80");
  auto s = CheckCode("572.001A", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->code, "S72.001A");
  auto digit = CheckCode("E11.S", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  EXPECT_FALSE(digit) << "E11.5 is well formed but not listed";
  auto listed = CheckCode("N18.3O", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->code, "N18.30");
}

TEST(Icd10, SixOrDollarSignReadForTheLetter) {
  // Heavy noise closed an E's arms ("(666.9)" for E66.9); a dollar sign for an S ("$72.001A").
  auto e = CheckCode("666.9", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "E66.9");
  EXPECT_TRUE(e->repaired);
  auto s = CheckCode("$72.001A", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->code, "S72.001A");
  EXPECT_FALSE(CheckCode("$72.001A", CodeSystem::kIcd10Cm, CodeSet::BuiltIn(), false));
}

TEST(Icd10, SerifJReadAsAOneOrThreeAndEAsAnFOnlyWhenNothingElseFits) {
  // Heavy and faxed pages: "(118.9)" for J18.9, "345.909" for J45.909, "(F66.9)" for E66.9.
  for (auto [read, code] : {std::pair{"118.9", "J18.9"}, std::pair{"345.909", "J45.909"},
                            std::pair{"F66.9", "E66.9"}}) {
    auto c = CheckCode(read, CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
    ASSERT_TRUE(c) << read;
    EXPECT_EQ(c->code, code);
    EXPECT_TRUE(c->repaired);
  }
  // The usual reading of a one still wins ("148.91" is I48.91, never J48.91)...
  EXPECT_EQ(CheckCode("148.91", CodeSystem::kIcd10Cm, CodeSet::BuiltIn())->code, "I48.91");
  // ...and no rare reading is tried without a code's context, nor for a number without a period:
  // a faxed letterhead's area code "(390)" is no J90.
  EXPECT_FALSE(CheckCode("118.9", CodeSystem::kIcd10Cm, CodeSet::BuiltIn(), false));
  EXPECT_FALSE(CheckCode("390", CodeSystem::kIcd10Cm, CodeSet::BuiltIn()));
}

TEST(Icd10, RepairBetweenTwoListedCodesIsNotAGuess) {
  CodeSet one;
  ASSERT_TRUE(one.Add("E11.9", "diabetes", CodeSystem::kIcd10Cm).ok());
  auto c = CheckCode("611.9", CodeSystem::kIcd10Cm, one);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->code, "E11.9");
  // "611.9" is G11.9 or E11.9 with one substitution each: neither is taken.
  CodeSet two = one;
  ASSERT_TRUE(two.Add("G11.9", "ataxia", CodeSystem::kIcd10Cm).ok());
  EXPECT_FALSE(CheckCode("611.9", CodeSystem::kIcd10Cm, two));
}

TEST(Icd10, RepairIsOnlyAcceptedForListedCodes) {
  // I99.9 is a real code but not in the starter list; a repaired reading must be listed.
  EXPECT_FALSE(CheckCode("199.9", CodeSystem::kIcd10Cm, CodeSet::BuiltIn()));
  // Unrepaired, a well-formed unlisted code is accepted at lower confidence.
  auto c = CheckCode("I99.9", CodeSystem::kIcd10Cm, CodeSet::BuiltIn());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->known);
  EXPECT_LT(c->confidence, 1.0);
  EXPECT_FALSE(CheckCode("110", CodeSystem::kIcd10Cm, CodeSet::BuiltIn(), false));
}

TEST(Icd10, CompleteListRejectsUnknownCodes) {
  CodeSet set;
  ASSERT_TRUE(set.Add("E11.9", "diabetes", CodeSystem::kIcd10Cm).ok());
  set.SetComplete(CodeSystem::kIcd10Cm, true);
  EXPECT_TRUE(CheckCode("E11.9", CodeSystem::kIcd10Cm, set));
  EXPECT_FALSE(CheckCode("E11.8", CodeSystem::kIcd10Cm, set));
}

TEST(Cpt, StructureByCategory) {
  for (const char* ok : {"99213", "3074F", "0042T", "0001U", "00790"}) {
    EXPECT_TRUE(IsWellFormedCpt(ok)) << ok;
  }
  for (const char* bad : {"9921", "992133", "3074X", "A1234", "99.13"}) {
    EXPECT_FALSE(IsWellFormedCpt(bad)) << bad;
  }
}

TEST(Hcpcs, LetterAThroughVAndFourDigits) {
  EXPECT_TRUE(IsWellFormedHcpcs("J1100"));
  EXPECT_TRUE(IsWellFormedHcpcs("A0427"));
  EXPECT_FALSE(IsWellFormedHcpcs("W1234"));
  EXPECT_FALSE(IsWellFormedHcpcs("J110"));
}

TEST(CodeSet, BuiltInListHoldsCommonCodesWithDescriptions) {
  const CodeSet& s = CodeSet::BuiltIn();
  EXPECT_GE(s.Count(CodeSystem::kIcd10Cm), 200u);
  EXPECT_GE(s.Count(CodeSystem::kCpt), 100u);
  EXPECT_GE(s.Count(CodeSystem::kHcpcs), 20u);
  for (const auto& [code, system] :
       std::vector<std::pair<const char*, CodeSystem>>{{"E11.9", CodeSystem::kIcd10Cm},
                                                       {"S72.001A", CodeSystem::kIcd10Cm},
                                                       {"99223", CodeSystem::kCpt},
                                                       {"3074F", CodeSystem::kCpt},
                                                       {"J1100", CodeSystem::kHcpcs}}) {
    const CodeEntry* e = s.Find(code, system);
    ASSERT_NE(e, nullptr) << code;
    EXPECT_FALSE(e->description.empty()) << code;
  }
  EXPECT_FALSE(s.IsComplete(CodeSystem::kIcd10Cm));
}

std::string OrderLine(int order, const std::string& code, int header, const std::string& short_d,
                      const std::string& long_d) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%05d %-7s %d %-60s %s\n", order, code.c_str(), header,
                short_d.c_str(), long_d.c_str());
  return buf;
}

TEST(CodeSet, ImportsTheCmsOrderFileFormat) {
  const std::string file = OrderLine(1, "A00", 0, "Cholera", "Cholera") +
                           OrderLine(2, "A000", 1, "Cholera due to Vibrio cholerae 01, biovar chol",
                                     "Cholera due to Vibrio cholerae 01, biovar cholerae") +
                           "\n" +
                           OrderLine(3, "S72001A", 1, "Fx unsp part of neck of r femur",
                                     "Fracture of unspecified part of neck of right femur");
  CodeSet set;
  ASSERT_TRUE(set.ImportCmsOrderFile(file, "order.txt").ok());
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.IsComplete(CodeSystem::kIcd10Cm));
  const CodeEntry* header = set.Find("A00", CodeSystem::kIcd10Cm);
  ASSERT_NE(header, nullptr);
  EXPECT_FALSE(header->billable);
  const CodeEntry* a000 = set.Find("A00.0", CodeSystem::kIcd10Cm);
  ASSERT_NE(a000, nullptr);
  EXPECT_EQ(a000->description, "Cholera due to Vibrio cholerae 01, biovar cholerae");
  EXPECT_TRUE(set.Contains("S72.001A", CodeSystem::kIcd10Cm));
}

TEST(CodeSet, ImportErrorsNameTheFileAndLine) {
  CodeSet set;
  const std::string file = OrderLine(1, "A00", 0, "Cholera", "Cholera") + "garbage line here\n";
  Status st = set.ImportCmsOrderFile(file, "icd10cm_order.txt");
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_NE(st.message().find("icd10cm_order.txt:2"), std::string::npos) << st.message();

  Status csv = set.ImportCsv("code,description\nE11.9,ok\nNOTACODE,bad\n", "codes.csv");
  EXPECT_EQ(csv.code(), StatusCode::kCorrupt);
  EXPECT_NE(csv.message().find("codes.csv:3"), std::string::npos) << csv.message();
  Status quote = set.ImportCsv("E11.9,\"unterminated\n", "q.csv");
  EXPECT_NE(quote.message().find("q.csv:1"), std::string::npos) << quote.message();
}

TEST(CodeSet, CsvImportInfersTheSystemAndHandlesQuotes) {
  CodeSet set;
  ASSERT_TRUE(set.ImportCsv("E11.9,\"Diabetes, type 2\"\n99213,Office visit\nJ1100,Dexamethasone\n"
                            "4010F,ACE inhibitor,CPT\n",
                            "x.csv")
                  .ok());
  EXPECT_EQ(set.Find("E11.9", CodeSystem::kIcd10Cm)->description, "Diabetes, type 2");
  EXPECT_TRUE(set.Contains("99213", CodeSystem::kCpt));
  EXPECT_TRUE(set.Contains("J1100", CodeSystem::kHcpcs));
  EXPECT_TRUE(set.Contains("4010F", CodeSystem::kCpt));
}

TEST(CodeSet, SaveAndLoadRoundTrip) {
  MemEnv env;
  CodeSet set;
  ASSERT_TRUE(set.ImportCmsOrderFile(OrderLine(1, "A000", 1, "Cholera", "Cholera, \"classic\""),
                                     "order.txt")
                  .ok());
  ASSERT_TRUE(set.Add("99213", "Office visit", CodeSystem::kCpt).ok());
  ASSERT_TRUE(set.Save("/codes", env).ok());
  auto loaded = CodeSet::Load("/codes", env);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->size(), 2u);
  EXPECT_TRUE(loaded->IsComplete(CodeSystem::kIcd10Cm));
  EXPECT_FALSE(loaded->IsComplete(CodeSystem::kCpt));
  EXPECT_EQ(loaded->Find("A00.0", CodeSystem::kIcd10Cm)->description, "Cholera, \"classic\"");
  EXPECT_EQ(loaded->ToCsv(), set.ToCsv());
}

TEST(CodeSet, TermsSurviveImportSaveLoadAndMerge) {
  MemEnv env;
  CodeSet set;
  ASSERT_TRUE(set.ImportCsv("code,description,system,billable,terms\n"
                            "85025,Blood count,CPT,,\"CBC with differential| CBC w/ diff\"\n"
                            "E03.9,Underactive thyroid,ICD10CM\n",
                            "terms.csv")
                  .ok());
  EXPECT_EQ(set.Find("85025", CodeSystem::kCpt)->terms,
            (std::vector<std::string>{"CBC with differential", "CBC w/ diff"}));
  EXPECT_TRUE(set.Find("E03.9", CodeSystem::kIcd10Cm)->terms.empty());
  ASSERT_TRUE(set.Save("/codes", env).ok());
  auto loaded = CodeSet::Load("/codes", env);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->ToCsv(), set.ToCsv());
  // A facility's list with the official title keeps the terms the starter list had.
  CodeSet facility;
  ASSERT_TRUE(facility.Add("85025", "Complete blood count", CodeSystem::kCpt, true, {"CBC"}).ok());
  set.Merge(facility);
  const CodeEntry* merged = set.Find("85025", CodeSystem::kCpt);
  EXPECT_EQ(merged->description, "Complete blood count");
  EXPECT_EQ(merged->terms,
            (std::vector<std::string>{"CBC", "CBC with differential", "CBC w/ diff"}));
}

TEST(ReadingDistance, OcrConfusionsAndMarksCostHalfAnEdit) {
  EXPECT_EQ(ReadingDistance("E03.9", "E03.9"), 0);
  EXPECT_EQ(ReadingDistance("(E03.9):", "E03.9"), 0);  // marks around it do not count
  EXPECT_EQ(ReadingDistance("EO3.9", "E03.9"), 0.5);   // O for 0
  EXPECT_EQ(ReadingDistance("E03,9", "E03.9"), 0.5);   // comma for period
  EXPECT_EQ(ReadingDistance("E0Q3.9", "E03.9"), 1.0);  // a letter more
  EXPECT_EQ(ReadingDistance("R3.0.9", "R10.9"), 1.5);  // 3 for 1, a period more
  EXPECT_EQ(ReadingDistance("85045", "85025"), 1.0);
  EXPECT_EQ(ReadingDistance("24442", "84443"), 2.0);
}

CodeSet NamedSet() {
  CodeSet set;
  EXPECT_TRUE(set.Add("E03.9", "Underactive thyroid", CodeSystem::kIcd10Cm, true,
                      {"Hypothyroidism, unspecified", "hypothyroidism"})
                  .ok());
  EXPECT_TRUE(
      set.Add("E05.90", "Overactive thyroid", CodeSystem::kIcd10Cm, true, {"hyperthyroidism"})
          .ok());
  EXPECT_TRUE(set.Add("J18.9", "Pneumonia", CodeSystem::kIcd10Cm, true, {"pneumonia"}).ok());
  EXPECT_TRUE(
      set.Add("J12.9", "Viral pneumonia", CodeSystem::kIcd10Cm, true, {"viral pneumonia"}).ok());
  return set;
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> tokens;
  std::size_t pos = 0;
  while (pos < line.size()) {
    std::size_t end = line.find(' ', pos);
    if (end == std::string::npos) end = line.size();
    if (end > pos) tokens.push_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
  return LineWords(tokens);
}

TEST(CodeNamedOnLine, TheListedCodeNamedBesideAGarbledReadingIsTheOneMeant) {
  const CodeSet set = NamedSet();
  auto named = CodeNamedOnLine("(E0Q3.9)", CodeSystem::kIcd10Cm, set,
                               Words("1. Hypothyroidism (E0Q3.9) - continue home"));
  ASSERT_TRUE(named);
  EXPECT_EQ(named->check.code, "E03.9");
  EXPECT_EQ(named->distance, 1.0);
  // Misspelled by the recognizer, the name still counts ("Hypothyroidisn").
  EXPECT_TRUE(CodeNamedOnLine("E0Q3.9", CodeSystem::kIcd10Cm, set,
                              Words("Hypothyroidisn, unspecitied E0Q3.9")));
  // The same reading beside other words is no code: the name chooses, the reading only limits.
  EXPECT_FALSE(CodeNamedOnLine("(E0Q3.9)", CodeSystem::kIcd10Cm, set,
                               Words("1. Follow up (E0Q3.9) - continue home")));
  // Words a letter or two apart that mean opposites are not alike: "hyponatremia" names E87.1,
  // not E87.0 (hypernatremia), both 1.5 edits from "E87." (a fresh heavy page).
  CodeSet sodium;
  ASSERT_TRUE(
      sodium.Add("E87.0", "High sodium", CodeSystem::kIcd10Cm, true, {"hypernatremia"}).ok());
  ASSERT_TRUE(sodium.Add("E87.1", "Low sodium", CodeSystem::kIcd10Cm, true, {"hyponatremia"}).ok());
  auto low = CodeNamedOnLine("E87.", CodeSystem::kIcd10Cm, sodium, Words("2, E87. - Hyponatremia"));
  ASSERT_TRUE(low);
  EXPECT_EQ(low->check.code, "E87.1");
  // A named code too far from the reading is not it.
  EXPECT_FALSE(
      CodeNamedOnLine("(E7.4)", CodeSystem::kIcd10Cm, set, Words("Hypothyroidism (E7.4)")));
}

TEST(CodeNamedOnLine, TwoNamedCodesAsNearAreNotAGuess) {
  const CodeSet set = NamedSet();
  // "viral pneumonia" names J12.9 and, by its word "pneumonia", J18.9; "J1X.9" is as near both.
  EXPECT_FALSE(CodeNamedOnLine("J1X.9", CodeSystem::kIcd10Cm, set, Words("viral pneumonia J1X.9")));
  // Nearer one of them, the reading decides.
  auto named = CodeNamedOnLine("J1B.9", CodeSystem::kIcd10Cm, set, Words("viral pneumonia J1B.9"));
  ASSERT_TRUE(named);
  EXPECT_EQ(named->check.code, "J18.9");
}

TEST(CodeSet, ImportFileDetectsTheFormatAndReportsMissingFiles) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/in").ok());
  ASSERT_TRUE(env.WriteFileAtomic("/in/order.txt",
                                  OrderLine(1, "I10", 1, "Hypertension", "Essential hypertension"))
                  .ok());
  ASSERT_TRUE(
      env.WriteFileAtomic("/in/list.csv", "code,description,system\n99223,Admit,CPT\n").ok());
  CodeSet set;
  ASSERT_TRUE(set.ImportFile("/in/order.txt", env).ok());
  ASSERT_TRUE(set.ImportFile("/in/list.csv", env).ok());
  EXPECT_TRUE(set.Contains("I10", CodeSystem::kIcd10Cm));
  EXPECT_TRUE(set.Contains("99223", CodeSystem::kCpt));
  EXPECT_FALSE(set.ImportFile("/in/missing.csv", env).ok());
}

}  // namespace
}  // namespace chartscan::extract
