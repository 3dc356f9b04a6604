#include <gtest/gtest.h>

#include <chartscan/models/page.h>

namespace chartscan {
namespace {

TEST(PageText, JoinsWordsBySpaceAndLinesByNewline) {
  PageText t;
  t.words = {
      {"Discharge", {}, 90, 0}, {"Summary", {}, 80, 0}, {"MRN:", {}, 70, 1}, {"0042", {}, 60, 1}};
  FinalizePageText(t);
  EXPECT_EQ(t.text, "Discharge Summary\nMRN: 0042");
  EXPECT_DOUBLE_EQ(t.mean_confidence, 75);
}

TEST(PageText, EmptyPageHasZeroConfidence) {
  PageText t;
  FinalizePageText(t);
  EXPECT_EQ(t.text, "");
  EXPECT_EQ(t.mean_confidence, 0);
}

}  // namespace
}  // namespace chartscan
