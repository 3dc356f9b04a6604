#include <gtest/gtest.h>

#include <chartscan/extract/classify.h>

#include "page_builder.h"

namespace chartscan::extract {
namespace {

using testing::PageBuilder;

PageText Titled(const std::string& title, const std::vector<std::string>& body) {
  PageBuilder b;
  b.Line(50, {{"Holloway", 100}, {"General", 300}, {"Hospital", 480}});
  // The title is printed larger than the body.
  PageText page;
  int y = 200;
  for (const std::string& line : body) {
    b.Text(y, line);
    y += 40;
  }
  page = b.Build();
  Word w;
  int x = 600;
  const int line = static_cast<int>(page.lines.size());
  Box box;
  std::size_t i = 0;
  while (i < title.size()) {
    std::size_t j = title.find(' ', i);
    if (j == std::string::npos) j = title.size();
    w.text = title.substr(i, j - i);
    w.box = {x, 120, static_cast<int>(w.text.size()) * 30, 50};
    w.confidence = 95;
    w.line = line;
    box = box.United(w.box);
    x += w.box.width + 20;
    page.words.insert(page.words.begin() + 3, w);
    i = j + 1;
  }
  page.lines.push_back({box, 99});
  FinalizePageText(page);
  return page;
}

TEST(Classify, TitleDecidesTheType) {
  const DocTypeRules& rules = DocTypeRules::BuiltIn();
  DocumentType t = ClassifyPage(Titled("DISCHARGE SUMMARY", {"Patient: Hall, Debra"}), rules);
  EXPECT_EQ(t.name, "discharge_summary");
  EXPECT_GT(t.confidence, 0.6);
  EXPECT_FALSE(t.needs_review);
  EXPECT_EQ(ClassifyPage(Titled("Operative Report", {"Surgeon: Dr. Evelyn Morris"}), rules).name,
            "operative_report");
}

TEST(Classify, VocabularyWithoutATitle) {
  PageText page = PageBuilder()
                      .Text(100, "PREOPERATIVE DIAGNOSIS: GERD")
                      .Text(140, "POSTOPERATIVE DIAGNOSIS: Same.")
                      .Text(180, "ESTIMATED BLOOD LOSS: 20 mL.")
                      .Text(220, "DESCRIPTION OF PROCEDURE: The endoscope was introduced.")
                      .Build();
  EXPECT_EQ(ClassifyPage(page, DocTypeRules::BuiltIn()).name, "operative_report");
  PageText letter = PageBuilder()
                        .Text(100, "Dear Dr. Morris,")
                        .Text(140, "Thank you for referring Ms. Hall to our clinic.")
                        .Text(180, "Sincerely,")
                        .Build();
  EXPECT_EQ(ClassifyPage(letter, DocTypeRules::BuiltIn()).name, "correspondence");
}

TEST(Classify, PageWithoutEvidenceIsOtherAndNeedsReview) {
  DocumentType t =
      ClassifyPage(PageBuilder().Text(100, "Page 2 of 2").Build(), DocTypeRules::BuiltIn());
  EXPECT_EQ(t.name, "other");
  EXPECT_TRUE(t.needs_review);
  EXPECT_EQ(ClassifyPage(PageText{}, DocTypeRules::BuiltIn()).name, "other");
}

TEST(Classify, DocumentUsesItsFirstPageTitle) {
  std::vector<PageText> pages = {
      Titled("Medication Administration Record", {"SCHEDULED MEDICATIONS"}),
      PageBuilder().Text(100, "Page 2 of 2").Build()};
  EXPECT_EQ(ClassifyDocument(pages, DocTypeRules::BuiltIn()).name,
            "medication_administration_record");
}

TEST(DocTypeRules, BadJsonNamesTheSource) {
  auto r = DocTypeRules::Parse("{\"types\": 3}", "types.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("types.json"), std::string::npos);
  EXPECT_EQ(DocTypeRules::BuiltIn().types().size(), 9u);
}

}  // namespace
}  // namespace chartscan::extract
