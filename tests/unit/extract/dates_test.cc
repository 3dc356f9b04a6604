#include <gtest/gtest.h>

#include <chartscan/extract/dates.h>

namespace chartscan::extract {
namespace {

DateParseOptions Ref(bool birth = false) {
  DateParseOptions o;
  o.reference = {2025, 6, 30};
  o.birth_date = birth;
  return o;
}

TEST(Dates, ParsesEveryCommonUsForm) {
  for (const char* text : {"03/14/1952", "3/14/1952", "1952-03-14", "14-Mar-1952", "14 Mar 1952",
                           "March 14, 1952", "Mar 14 1952", "Mar. 14, 1952", "03-14-1952",
                           "03.14.1952", "14 March 1952", "(03/14/1952),"}) {
    auto d = ParseDate(text, Ref());
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(d->date.Iso(), "1952-03-14") << text;
    EXPECT_EQ(d->confidence, 1.0) << text;
    EXPECT_FALSE(d->repaired) << text;
  }
}

TEST(Dates, UnclosedBracketBeforeADateIsAMisreadOne) {
  // A heavy scan's "Birth Date: 12/15/1943" read as "(2/15/1943" was taken for 1943-02-15.
  auto d = ParseDate("(2/15/1943", Ref(true));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "1943-12-15");
  EXPECT_TRUE(d->repaired);
  EXPECT_LT(d->confidence, 1.0);
  // A closed bracket is a bracket; an unclosed one that cannot be a 1 is a stray mark.
  EXPECT_EQ(ParseDate("(2/15/1943)", Ref(true))->date.Iso(), "1943-02-15");
  EXPECT_EQ(ParseDate("(12/15/1943", Ref(true))->date.Iso(), "1943-12-15");
  EXPECT_EQ(ParseDate("(4/15/1943", Ref(true))->date.Iso(), "1943-04-15");
}

TEST(Dates, SlashesLostInAFaintPrint) {
  // A faint consent's "Date: 03/25/2024" read as "03 25 2024" gave no date of service.
  auto d = ParseDate("03 25 2024", Ref());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "2024-03-25");
  EXPECT_TRUE(d->repaired);
  EXPECT_LT(d->confidence, 1.0);
  // Only month, day and a four-digit year: other runs of small numbers are no date.
  EXPECT_FALSE(ParseDate("3 4 52", Ref()));
  EXPECT_FALSE(ParseDate("13 25 2024", Ref()));
  EXPECT_FALSE(ParseDate("120 5 2024", Ref()));
  DateParseOptions strict = Ref();
  strict.allow_ocr_repair = false;
  EXPECT_FALSE(ParseDate("03 25 2024", strict));
}

TEST(Dates, EightDigitsWithoutSeparatorsReadInTheOnlyOrderThatIsADate) {
  // A heavy radiology report's "Birth Date: 10/24/1953" read as "10241953" gave no birth date.
  auto d = ParseDate("10241953", Ref(true));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "1953-10-24");
  EXPECT_TRUE(d->repaired);
  EXPECT_LT(d->confidence, 1.0);
  EXPECT_EQ(ParseDate("19531024", Ref(true))->date.Iso(), "1953-10-24");
  EXPECT_FALSE(ParseDate("13241953", Ref()));
  EXPECT_FALSE(ParseDate("19531324", Ref()));
  EXPECT_FALSE(ParseDate("1024195", Ref()));
  DateParseOptions strict = Ref();
  strict.allow_ocr_repair = false;
  EXPECT_FALSE(ParseDate("10241953", strict));
}

TEST(Dates, MonthsLeadingZeroReadAsANineIsReadBack) {
  // A heavy operative report's "Birthdate: 02/04/1971" read as "92/04/1971" gave no birth date.
  auto d = ParseDate("92/04/1971", Ref(true));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "1971-02-04");
  EXPECT_TRUE(d->repaired);
  EXPECT_LT(d->confidence, 1.0);
  EXPECT_FALSE(ParseDate("90/04/1971", Ref(true)));  // "00" is no month either
  EXPECT_FALSE(ParseDate("92/40/1971", Ref(true)));  // nor is the day one
  DateParseOptions strict = Ref(true);
  strict.allow_ocr_repair = false;
  EXPECT_FALSE(ParseDate("92/04/1971", strict));
}

TEST(Dates, SpaceLostAfterTheDaysComma) {
  // A heavy page's "Birth Date January 29, 1951" read as "January 29,1951" gave no dob.
  auto d = ParseDate("January 29,1951", Ref(true));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "1951-01-29");
  std::vector<std::string_view> words = {"Sept.", "3,2023", "at", "10:00"};
  auto at = ParseDateAt(words, Ref());
  ASSERT_TRUE(at);
  EXPECT_EQ(at->date.Iso(), "2023-09-03");
  EXPECT_EQ(at->tokens_used, 2);
  // A number with a thousands comma, a short year or an impossible day is no date.
  EXPECT_FALSE(ParseDate("May 1,500", Ref()));
  EXPECT_FALSE(ParseDate("May 12,52", Ref()));
  EXPECT_FALSE(ParseDate("February 30,2024", Ref()));
  EXPECT_FALSE(ParseDate("Room 29,1951", Ref()));
}

TEST(Dates, TwoDigitYearOfBirthIsNeverInTheFuture) {
  auto dob = ParseDate("3/14/52", Ref(true));
  ASSERT_TRUE(dob);
  EXPECT_EQ(dob->date.Iso(), "1952-03-14");
  // 07/01/25 would be the day after the reference: a birth date cannot be, so 1925.
  auto late = ParseDate("07/01/25", Ref(true));
  ASSERT_TRUE(late);
  EXPECT_EQ(late->date.Iso(), "1925-07-01");
  auto recent = ParseDate("06/29/25", Ref(true));
  ASSERT_TRUE(recent);
  EXPECT_EQ(recent->date.Iso(), "2025-06-29");
}

TEST(Dates, TwoDigitServiceYearFallsNearTheReference) {
  auto d = ParseDate("3/14/24", Ref());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "2024-03-14");
  auto old = ParseDate("3/14/52", Ref());
  ASSERT_TRUE(old);
  EXPECT_EQ(old->date.Iso(), "1952-03-14");
}

TEST(Dates, RejectsImpossibleDates) {
  for (const char* text : {"02/30/2020", "13/01/2020", "2021-02-29", "00/10/2020", "31-Apr-2020",
                           "04/31/2020", "1/1/1700", "hello"}) {
    EXPECT_FALSE(ParseDate(text, Ref()).has_value()) << text;
  }
  EXPECT_TRUE(ParseDate("02/29/2024", Ref()).has_value());
}

TEST(Dates, RepairsOcrConfusionsOnlyWhenTheResultIsValid) {
  auto d = ParseDate("O3/l4/I952", Ref());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "1952-03-14");
  EXPECT_TRUE(d->repaired);
  EXPECT_LT(d->confidence, 1.0);
  auto s = ParseDate("12/2S/2019", Ref());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->date.Iso(), "2019-12-25");
  // "4O" repairs to 40, not a day: no date.
  EXPECT_FALSE(ParseDate("03/4O/1952", Ref()).has_value());
  DateParseOptions strict = Ref();
  strict.allow_ocr_repair = false;
  EXPECT_FALSE(ParseDate("O3/14/1952", strict).has_value());
}

TEST(Dates, BraceReadForAOneWhoseFootBrokeAwayIsRepaired) {
  // A faxed radiology report's "16-Sep-1971" read "16-Sep-197}" in its own line.
  DateParseOptions o;
  o.reference = *ParseIsoDate("2025-06-30");
  o.birth_date = true;
  auto d = ParseDate("16-Sep-197}", o);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->date.Iso(), "1971-09-16");
  EXPECT_TRUE(d->repaired);
  EXPECT_LE(d->confidence, 0.8);
  EXPECT_FALSE(ParseDate("3}-Sep-1971", o));  // no 31st of September: no repair
}

TEST(Dates, SpeckGluedBeforeTheDateIsNotPartOfIt) {
  // Heavy pages: "Collection Date:.02/28/2019", "Exam Date:-09/19/2023".
  DateParseOptions o;
  o.reference = *ParseIsoDate("2025-06-30");
  ASSERT_TRUE(ParseDate(".02/28/2019", o));
  EXPECT_EQ(ParseDate(".02/28/2019", o)->date.Iso(), "2019-02-28");
  ASSERT_TRUE(ParseDate("-09/19/2023", o));
  EXPECT_EQ(ParseDate("-09/19/2023", o)->date.Iso(), "2023-09-19");
  EXPECT_FALSE(ParseDate("-", o));
}

TEST(Dates, BirthDateAfterTheReferenceHasLowConfidence) {
  auto d = ParseDate("01/01/2030", Ref(true));
  ASSERT_TRUE(d);
  EXPECT_LT(d->confidence, 0.5);
}

TEST(Dates, ServiceDateAYearAfterTheReferenceHasLowConfidence) {
  // A heavy consent form's "Date: 04/13/2022" read as "04/13/2127".
  EXPECT_LT(ParseDate("04/13/2127", Ref())->confidence, 0.5);
  EXPECT_LT(ParseDate("06/30/2026", Ref())->confidence, 0.5);
  // A procedure date weeks ahead, on a consent signed before it, is plausible.
  EXPECT_EQ(ParseDate("09/15/2025", Ref())->confidence, 1.0);
}

TEST(Dates, ParseDateAtReportsTheWordsItUsed) {
  std::vector<std::string_view> words = {"September", "25,", "2024", "Dr.", "Evelyn"};
  auto d = ParseDateAt(words, Ref());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->tokens_used, 3);
  EXPECT_EQ(d->date.Iso(), "2024-09-25");
  std::vector<std::string_view> one = {"18-Nov-1969", "Sex:"};
  auto e = ParseDateAt(one, Ref());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->tokens_used, 1);
}

TEST(Dates, IsoHelpers) {
  EXPECT_EQ(ParseIsoDate("2024-02-29")->Iso(), "2024-02-29");
  EXPECT_FALSE(ParseIsoDate("2023-02-29"));
  EXPECT_FALSE(ParseIsoDate("2024-2-29"));
  EXPECT_EQ(CivilDateFromMicros(0).Iso(), "1970-01-01");
  EXPECT_EQ(CivilDateFromMicros(1'700'000'000'000'000LL).Iso(), "2023-11-14");
}

}  // namespace
}  // namespace chartscan::extract
