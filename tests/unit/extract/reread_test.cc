// Which values ExtractPage lists for a second reading (ValueToReread).
#include <gtest/gtest.h>

#include <chartscan/extract/extractor.h>

#include "page_builder.h"

namespace chartscan::extract {
namespace {

using testing::PageBuilder;

std::vector<ValueToReread> Rereads(const PageText& page) {
  ExtractOptions options;
  options.reference_date = "2025-06-30";
  auto e = Extractor::Create(options);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  std::vector<ValueToReread> out;
  (void)e->ExtractPage(page, 0, &out);
  return out;
}

TEST(Reread, GarbledBirthDateNextToItsLabelIsListedInTheLinesTextBand) {
  PageBuilder b;
  b.Line(100,
         {{"Name:", 100}, {"Laura", 220}, {"Rodriguez", 340}, {"DOB:", 600}, {"oarse/i973", 700}});
  PageText page = b.Build();
  // Show-through fused above the date made its box taller than the line's text.
  page.words[4].box.y -= 20;
  page.words[4].box.height += 20;
  const std::vector<ValueToReread> r = Rereads(page);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].field, "dob");
  EXPECT_FALSE(r[0].found);
  EXPECT_EQ(r[0].box.x, 700);
  EXPECT_EQ(r[0].box.width, 10 * PageBuilder::kCharWidth);
  EXPECT_EQ(r[0].box.y, 100);
  EXPECT_EQ(r[0].box.height, PageBuilder::kHeight);
}

TEST(Reread, ValuesReadWellAreNotListed) {
  const PageText page = PageBuilder()
                            .Text(100, "Patient Name: Laura Rodriguez   MRN: 00925523")
                            .Text(140, "DOB: 09/26/1973   Service Date: 10/01/2019")
                            .Build();
  EXPECT_TRUE(Rereads(page).empty());
}

TEST(Reread, ValueReadWithLowConfidenceIsListedAsFound) {
  PageText page = PageBuilder().Text(100, "MRN: 00925523   DOB: 09/26/1973").Build();
  page.words[1].confidence = 30;
  const std::vector<ValueToReread> r = Rereads(page);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].field, "mrn");
  EXPECT_TRUE(r[0].found);
  EXPECT_EQ(r[0].box.x, page.words[1].box.x);
}

TEST(Reread, UnparsedLabelIsNotListedWhenTheFieldWasFoundElsewhere) {
  const PageText page =
      PageBuilder().Text(100, "DOB: 09/26/1973").Text(400, "Date of Birth: oarse/i973").Build();
  EXPECT_TRUE(Rereads(page).empty());
}

}  // namespace
}  // namespace chartscan::extract
