#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chartscan/extract/identifiers.h>

namespace chartscan::extract {
namespace {

TEST(Mrn, KeepsLeadingZerosAndNormalizesToLettersAndDigits) {
  EXPECT_EQ(ParseMrn("00322818")->normalized, "00322818");
  EXPECT_EQ(ParseMrn("e9612127")->normalized, "E9612127");
  EXPECT_EQ(ParseMrn("46-76803")->normalized, "4676803");
  EXPECT_EQ(ParseMrn("MR1234567.")->normalized, "MR1234567");
}

TEST(Mrn, RepairsConfusableLettersInsideTheDigits) {
  auto m = ParseMrn("0032O818");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->normalized, "00320818");
  EXPECT_TRUE(m->repaired);
  EXPECT_LT(m->confidence, 1.0);
}

TEST(Mrn, PoundOrEuroSignBeforeTheDigitsIsAMisreadE) {
  for (const char* text : {"\xC2\xA3"
                           "9080913",
                           "\xE2\x82\xAC"
                           "9080913"}) {
    auto m = ParseMrn(text);
    ASSERT_TRUE(m) << text;
    EXPECT_EQ(m->normalized, "E9080913");
    EXPECT_TRUE(m->repaired);
  }
  EXPECT_FALSE(
      ParseMrn("\xC2\xA3"
               "90.80"));
}

TEST(Mrn, UnderscoreAfterTheValueIsTheEndOfItsFormLine) {
  // "MRN: MR6509353_" on a fax: the value was typed on a line whose end OCR read as "_".
  auto m = ParseMrn("MR6509353_");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->normalized, "MR6509353");
  EXPECT_FALSE(m->repaired);
}

TEST(Mrn, BraceReadForAOneAmongTheDigitsIsRepaired) {
  auto m = ParseMrn("E114898}");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->normalized, "E1148981");
  EXPECT_TRUE(m->repaired);
  EXPECT_FALSE(ParseMrn("}1148981"));  // no digit before it: a mark, not a one
}

TEST(Mrn, SpeckReadAsADegreeSignAfterTheValueIsDropped) {
  // "MR#: K1238370°" on a heavy consent form.
  auto m = ParseMrn("K1238370\u00B0");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->normalized, "K1238370");
}

TEST(Mrn, PrefixEndingInALetterThatReadsAsADigitIsForReview) {
  // "MR0656945" read "MRO656945" on a heavy page, by both readings of the value.
  auto m = ParseMrn("MRO656945");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->normalized, "MRO656945");
  EXPECT_LE(m->confidence, 0.5);
  EXPECT_DOUBLE_EQ(ParseMrn("MR0656945")->confidence, 1.0);
  EXPECT_DOUBLE_EQ(ParseMrn("ABC123456")->confidence, 1.0);
  EXPECT_DOUBLE_EQ(ParseMrn("O0656945")->confidence, 1.0);  // one letter: a prefix, or a zero
}

TEST(Mrn, RejectsWordsAndShortNumbers) {
  EXPECT_FALSE(ParseMrn("123"));
  EXPECT_FALSE(ParseMrn("Smith"));
  EXPECT_FALSE(ParseMrn("10/25/1955"));
}

// Record numbers of a facility padded to ten digits, misread as the accuracy batches read them.
const std::vector<std::string> kPaddedTen = {"0008404556", "0001359622", "0006881181", "0009760956",
                                             "0004712964"};

TEST(MrnPadding, AZeroOfThePaddingMisreadIsDoubted) {
  const MrnPadding padding(kPaddedTen);
  EXPECT_TRUE(padding.Doubts("6008404556"));  // a speck inside the first zero
  EXPECT_TRUE(padding.Doubts("0608731102"));
  EXPECT_TRUE(padding.Doubts("0064712964"));
  EXPECT_FALSE(padding.Doubts("0008404556"));
  EXPECT_FALSE(padding.Doubts("0008049371"));  // an 8 right after the padding is a digit
  EXPECT_FALSE(padding.Doubts("1234567890"));  // two digits in the padding: another shape
  EXPECT_FALSE(padding.Doubts("E600840455"));  // letters: another facility's shape
}

TEST(MrnPadding, ADigitPutBeforeThePaddingIsDoubted) {
  const MrnPadding padding(
      std::vector<std::string>{"00181643", "00277628", "00709687", "00600403"});
  EXPECT_TRUE(padding.Doubts("100181643"));  // a stroke read as a 1 before "00181643"
  EXPECT_TRUE(padding.Doubts("900277628"));
  EXPECT_FALSE(padding.Doubts("123456789"));
  // Once nine-digit numbers are known, a nine-digit number is judged by their own padding.
  const MrnPadding with_nines(std::vector<std::string>{"00181643", "00277628", "00709687",
                                                       "00600403", "123456781", "223456782",
                                                       "323456783", "423456784"});
  EXPECT_FALSE(with_nines.Doubts("100181643"));
}

TEST(MrnPadding, NumbersWithoutPaddingTeachNone) {
  // A facility numbering from 1000000 up: most numbers begin with "100", none with zeros.
  const MrnPadding padding(
      std::vector<std::string>{"1001234", "1004567", "1007654", "1002222", "1009876"});
  EXPECT_FALSE(padding.Doubts("1003456"));
  EXPECT_FALSE(padding.Doubts("6001234"));
  // Too few numbers of a length teach nothing, and repeats count once.
  const MrnPadding few(std::vector<std::string>{"0008404556", "0008404556", "0008404556",
                                                "0008404556", "0001359622"});
  EXPECT_FALSE(few.Doubts("6008404556"));
}

TEST(Npi, CheckDigitUsesTheCardIssuerPrefix) {
  // The NPI standard's worked example: 123456789 has check digit 3.
  EXPECT_EQ(NpiCheckDigit("123456789"), '3');
  EXPECT_TRUE(IsValidNpi("1234567893"));
  EXPECT_FALSE(IsValidNpi("1234567890"));
  EXPECT_FALSE(IsValidNpi("123456789"));
}

TEST(Npi, FailedCheckIsKeptWithLowConfidence) {
  auto n = ParseNpi("1234567890");
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->valid);
  EXPECT_LT(n->confidence, 0.5);
}

TEST(Npi, RepairIsAcceptedOnlyWhenTheCheckPasses) {
  auto r = ParseNpi("l234567893");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->normalized, "1234567893");
  EXPECT_TRUE(r->repaired);
  EXPECT_FALSE(ParseNpi("l234567890"));
}

TEST(Npi, FaxReadingsOfTouchingZerosAndOfAOneAreRepairedWhenTheCheckPasses) {
  // A 98 dpi fax's "1002521098" read "L(X}2521098": a serif 1 as an L, two touching zeros as
  // "(X}".
  auto r = ParseNpi("L(X}2521098");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->normalized, "1002521098");
  EXPECT_TRUE(r->repaired);
  EXPECT_TRUE(r->valid);
  EXPECT_EQ(ParseNpi("1(X)2521098")->normalized, "1002521098");
  EXPECT_FALSE(ParseNpi("L(X}2521099"));
  EXPECT_FALSE(ParseNpi("L(Y}2521098"));
}

TEST(Npi, StrayPointBetweenDigitsIsDroppedWhenTheCheckPasses) {
  // A fax's speck read into the number: "NPI; 1.425020124".
  auto r = ParseNpi("1.234567893");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->normalized, "1234567893");
  EXPECT_TRUE(r->repaired);
  EXPECT_TRUE(r->valid);
  EXPECT_FALSE(ParseNpi("1.234567890"));
  EXPECT_FALSE(ParseNpi("12345.67893.1"));
}

TEST(Names, CommaAfterAMiddleInitialIsItsPeriodMisread) {
  // "Stephanie C, Rivera" on a heavy discharge summary: no family name is one letter.
  auto n = ParseName("Stephanie C, Rivera");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->normalized, "STEPHANIE RIVERA");
  EXPECT_EQ(n->family, "RIVERA");
  auto last_first = ParseName("Rivera, Stephanie C");
  ASSERT_TRUE(last_first);
  EXPECT_EQ(last_first->normalized, "STEPHANIE RIVERA");
}

TEST(Names, LastCommaFirstAndFirstLastNormalizeAlike) {
  for (const char* text : {"Ramirez, Matthew L", "RAMIREZ, MATTHEW L", "Matthew L. Ramirez",
                           "MATTHEW RAMIREZ", "Ramirez, Matthew"}) {
    auto n = ParseName(text);
    ASSERT_TRUE(n) << text;
    EXPECT_EQ(n->normalized, "MATTHEW RAMIREZ") << text;
    EXPECT_EQ(n->family, "RAMIREZ") << text;
  }
}

TEST(Names, ClosingParenthesisWithoutAnOpeningOneIsACellBorder) {
  // "COOK, MARGARET.)" in a heavy form's cell, "BETTY R WOOD)" on a fax.
  std::vector<std::string_view> cook = {"COOK,", "MARGARET.)"};
  auto n = ParseNameAt(cook);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->normalized, "MARGARET COOK");
  std::vector<std::string_view> wood = {"BETTY", "R", "WOOD)"};
  n = ParseNameAt(wood);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->normalized, "BETTY WOOD");
  // A parenthesis that closes one stays the name's end ("Jones (Smith)" is no single name).
  std::vector<std::string_view> paren = {"Mary", "(Smith)"};
  n = ParseNameAt(paren);
  EXPECT_FALSE(n.has_value());
}

TEST(Names, WordBeforeAPoundSignHeadsALabel) {
  // "Patient: RYAN PATEL Kec #: 41-6532" on a fax, "Kec" for "Rec".
  std::vector<std::string_view> run = {"RYAN", "PATEL", "Kec", "#:", "41-6532"};
  auto n = ParseNameAt(run);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->normalized, "RYAN PATEL");
  std::vector<std::string_view> glued = {"RYAN", "PATEL", "Kec#:", "41-6532"};
  n = ParseNameAt(glued);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->normalized, "RYAN PATEL");
}

TEST(Names, DropsHonorificsAndCredentials) {
  EXPECT_EQ(ParseName("Dr. Wei H. Abernathy, DO")->normalized, "WEI ABERNATHY");
  EXPECT_EQ(ParseName("HADDAD, BARBARA DO")->normalized, "BARBARA HADDAD");
  EXPECT_EQ(ParseName("Robert Cruz, MD")->normalized, "ROBERT CRUZ");
  EXPECT_EQ(ParseName("Kathleen O'Brien")->family, "O'BRIEN");
}

TEST(Names, CredentialReadWithAnExtraLetterAfterAMixedCaseName) {
  // A fax's "Laura James, MD" read as "Laura James, MID" was the given name MID of the family
  // LAURA JAMES.
  auto n = ParseName("Laura James, MID");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->normalized, "LAURA JAMES");
  EXPECT_EQ(n->family, "JAMES");
  // In a name written in capitals, or in mixed case, a given name stays a given name.
  EXPECT_EQ(ParseName("HADDAD, MIA")->normalized, "MIA HADDAD");
  EXPECT_EQ(ParseName("JAMES, MID")->normalized, "MID JAMES");
  EXPECT_EQ(ParseName("Haddad, Mid")->normalized, "MID HADDAD");
}

TEST(Names, HyphenReadForTheSpaceAfterAName) {
  // "Electronically signed by Dr. Emily Moore on 2/13/2023" read with "Moore-on".
  std::vector<std::string_view> words = {"Dr.", "Emily", "Moore-on", "2/13/2023", "at", "13:48"};
  auto n = ParseNameAt(words);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->normalized, "EMILY MOORE");
  EXPECT_EQ(n->tokens_used, 3);
  // Hyphenated names keep their parts.
  EXPECT_EQ(ParseName("Emily Moore-Smith")->normalized, "EMILY MOORE-SMITH");
  EXPECT_EQ(ParseName("Mary-Jo Dean")->normalized, "MARY-JO DEAN");
}

TEST(Names, StopsAtTheFirstWordThatCannotBeAName) {
  std::vector<std::string_view> words = {"Dr.", "Barbara", "Haddad", "on", "20-May-2019"};
  auto n = ParseNameAt(words);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->tokens_used, 3);
  EXPECT_EQ(n->normalized, "BARBARA HADDAD");
}

TEST(Names, PeriodReadForTheCommaAfterTheFamilyName) {
  // A heavy scan's "PATIENT: Perez, Mark" read as "Perez. Mark" was "PEREZ MARK".
  auto n = ParseName("Perez. Mark");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->normalized, "MARK PEREZ");
  EXPECT_EQ(n->family, "PEREZ");
  EXPECT_LT(n->confidence, ParseName("Perez, Mark")->confidence);
  // Abbreviations and initials keep their periods, and a real comma later decides the order.
  EXPECT_EQ(ParseName("Wm. Smith")->normalized, "WM SMITH");
  EXPECT_EQ(ParseName("Mark A. Perez")->normalized, "MARK PEREZ");
  EXPECT_EQ(ParseName("Anne. Marie Perez, Lisa")->family, "ANNE MARIE PEREZ");
}

TEST(Names, MiddleInitialReadAsASymbol) {
  // A fax's "Amanda S. Cruz" read as "Amanda $. Cruz" gave no name at all.
  for (const char* text : {"Amanda $. Cruz", "Amanda 5. Cruz", "Cruz, Amanda $."}) {
    auto n = ParseName(text);
    ASSERT_TRUE(n) << text;
    EXPECT_EQ(n->normalized, "AMANDA CRUZ") << text;
  }
  // A symbol that is no initial's look-alike, or one without its period, still ends the name.
  std::vector<std::string_view> words = {"Amanda", "$", "Cruz"};
  EXPECT_FALSE(ParseNameAt(words));
  EXPECT_FALSE(ParseName("Amanda %. Cruz"));
}

TEST(Names, MiddleInitialWithASymbolStuckBeforeIt) {
  // A fax's "Amanda S. Cruz" read as "Amanda $S. Cruz" gave no name (the assembly gate's hard
  // pages, seed 20261205).
  for (const char* text : {"Amanda $S. Cruz", "Cruz, Amanda $S.", "Amanda \xE2\x80\x98S. Cruz"}) {
    auto n = ParseName(text);
    ASSERT_TRUE(n) << text;
    EXPECT_EQ(n->normalized, "AMANDA CRUZ") << text;
  }
  // Two marks, a lower-case letter or two letters are no initial.
  EXPECT_FALSE(ParseName("Amanda $$S. Cruz"));
  EXPECT_FALSE(ParseName("Amanda $s. Cruz"));
  EXPECT_FALSE(ParseName("Amanda $SR. Cruz"));
}

TEST(Names, MiddleInitialWhosePeriodWasReadAsAnO) {
  // Faxes: "King, Arthur V." read "King, Arthur Vo"; the name was ARTHUR VO KING, unflagged.
  for (const char* text : {"King, Arthur Vo", "Anthony Vo Williams", "CARTER, ROBERT Vo"}) {
    auto n = ParseName(text);
    ASSERT_TRUE(n) << text;
    EXPECT_EQ(n->normalized.find("VO"), std::string::npos) << text;
    // "Vo" is a name too: the value goes to review.
    EXPECT_LT(n->confidence, 0.6) << text;
  }
  EXPECT_EQ(ParseName("King, Arthur Vo")->normalized, "ARTHUR KING");
  // Outside an initial's slot it is a name word.
  EXPECT_EQ(ParseName("Linh Vo")->normalized, "LINH VO");
  EXPECT_GE(ParseName("Linh Vo")->confidence, 0.6);
}

TEST(Names, MiddleInitialGluedToTheGivenName) {
  // The given names had read DEBRAT, OLIVIAG and DEBRAA, unflagged.
  EXPECT_EQ(ParseName("DebraT. Taylor")->normalized, "DEBRA TAYLOR");
  EXPECT_EQ(ParseName("Wilson, OliviaG.")->normalized, "OLIVIA WILSON");
  EXPECT_EQ(ParseName("Myers, DebraA..")->normalized, "DEBRA MYERS");
  // A family name ending so is left: "Taylor, DeAndre" has no glued initial, nor "McDonaldS" with
  // no period.
  EXPECT_EQ(ParseName("Taylor, DeAndre")->normalized, "DEANDRE TAYLOR");
}

TEST(Names, RejectsSingleWordsAndProse) {
  EXPECT_FALSE(ParseName("Signature"));
  EXPECT_FALSE(ParseName("is a 49-year-old man"));
  std::vector<std::string_view> prose = {"tolerated", "the", "procedure"};
  EXPECT_FALSE(ParseNameAt(prose));
}

}  // namespace
}  // namespace chartscan::extract
