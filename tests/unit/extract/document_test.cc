// Per-document merge and page identities.
#include <algorithm>

#include <gtest/gtest.h>

#include <chartscan/extract/extractor.h>

#include "page_builder.h"

namespace chartscan::extract {
namespace {

using testing::PageBuilder;

Extractor Make() {
  ExtractOptions o;
  o.reference_date = "2025-06-30";
  auto e = Extractor::Create(o);
  EXPECT_TRUE(e.ok());
  return std::move(e).value();
}

PageText Header(const std::string& name, const std::string& mrn, const std::string& dob,
                const std::string& body = "") {
  PageBuilder b;
  b.Text(100, "Patient: " + name + "   MRN: " + mrn + "   DOB: " + dob);
  if (!body.empty()) b.Text(140, body);
  return b.Build();
}

TEST(Document, AgreeingPagesGiveOneValueWithHigherConfidence) {
  std::vector<PageText> pages = {Header("Hall, Debra", "46-76803", "10/25/1955"),
                                 Header("Debra Hall", "4676803", "10/25/1955")};
  DocumentFields doc = Make().ExtractDocument(pages);
  ASSERT_NE(doc.Find("mrn"), nullptr);
  EXPECT_EQ(doc.Find("mrn")->normalized, "4676803");
  EXPECT_FALSE(doc.Find("mrn")->needs_review);
  EXPECT_EQ(doc.Find("patient_name")->normalized, "DEBRA HALL");
  int mrns = 0;
  for (const Field& f : doc.fields) mrns += f.name == "mrn";
  EXPECT_EQ(mrns, 1);
  auto single = Make().ExtractPage(pages[0]);
  double page_conf = 0;
  for (const Field& f : single) {
    if (f.name == "mrn") page_conf = f.confidence;
  }
  EXPECT_GT(doc.Find("mrn")->confidence, page_conf);
  ASSERT_EQ(doc.pages.size(), 2u);
  EXPECT_FALSE(doc.pages[1].disagrees);
}

TEST(Document, ConflictingMrnsNeedReviewInsteadOfAGuess) {
  std::vector<PageText> pages = {Header("Hall, Debra", "4676803", "10/25/1955"),
                                 Header("Hall, Debra", "9912345", "10/25/1955")};
  DocumentFields doc = Make().ExtractDocument(pages);
  ASSERT_NE(doc.Find("mrn"), nullptr);
  EXPECT_TRUE(doc.Find("mrn")->needs_review);
  EXPECT_TRUE(doc.needs_review);
  EXPECT_FALSE(doc.Find("dob")->needs_review);
}

TEST(Document, PageDoubtNotExplainedByConfidenceSurvivesTheMerge) {
  // A date of service read "01/26/2024" under a signature of 01/26/2021 went to review on its
  // page at a confidence above the threshold; the document's merge, which judged confidence
  // only, let it through silently.
  PageBuilder b;
  b.Text(100, "Patient: Hall, Debra   MRN: 4676803   DOB: 10/25/1955");
  b.Text(140, "Exam Date: 01/26/2024");
  b.Text(180, "Electronically signed 01/26/2021 at 14:02");
  const PageText twin = b.Build();
  Extractor e = Make();
  const std::vector<Field> page = e.ExtractPage(twin);
  const auto dos = std::find_if(page.begin(), page.end(),
                                [](const Field& f) { return f.name == "date_of_service"; });
  ASSERT_NE(dos, page.end());
  ASSERT_TRUE(dos->needs_review);
  ASSERT_GE(dos->confidence, e.options().review_threshold);
  DocumentFields doc = e.ExtractDocument(std::vector<PageText>{twin});
  ASSERT_NE(doc.Find("date_of_service"), nullptr);
  EXPECT_TRUE(doc.Find("date_of_service")->needs_review);
  EXPECT_TRUE(doc.needs_review);
  // Another page reading the same date without doubt clears it.
  PageBuilder c;
  c.Text(100, "Patient: Hall, Debra   MRN: 4676803   DOB: 10/25/1955");
  c.Text(140, "Exam Date: 01/26/2024");
  DocumentFields two = e.ExtractDocument(std::vector<PageText>{twin, c.Build()});
  EXPECT_FALSE(two.Find("date_of_service")->needs_review);
}

TEST(Document, NpiFailingItsCheckDigitNeedsReviewHoweverManyPagesAgree) {
  // 1989583087 is valid; 1989983087 (a 5 read as 9) is not. Agreement between pages raised the
  // document value's confidence past the review threshold when enough pages repeated it.
  std::vector<PageText> pages;
  for (int i = 0; i < 20; ++i) {
    PageBuilder b;
    b.Text(100, "Patient: Hall, Debra   MRN: 4676803   DOB: 10/25/1955");
    b.Text(140, "Physician: Dr. Nathan Turner   NPI #: 1989983087");
    pages.push_back(b.Build());
  }
  DocumentFields doc = Make().ExtractDocument(pages);
  ASSERT_NE(doc.Find("provider_npi"), nullptr);
  EXPECT_EQ(doc.Find("provider_npi")->normalized, "1989983087");
  EXPECT_TRUE(doc.Find("provider_npi")->needs_review);
  EXPECT_TRUE(doc.needs_review);
  // A valid one read alike on every page does not.
  for (PageText& p : pages) {
    for (Word& w : p.words) {
      if (w.text == "1989983087") w.text = "1989583087";
    }
  }
  DocumentFields valid = Make().ExtractDocument(pages);
  ASSERT_NE(valid.Find("provider_npi"), nullptr);
  EXPECT_FALSE(valid.Find("provider_npi")->needs_review);
}

TEST(Document, PageIdentityFlagsAMisfiledPage) {
  std::vector<PageText> pages = {Header("Hall, Debra", "4676803", "10/25/1955"),
                                 Header("Hall, Debra", "4676803", "10/25/1955"),
                                 Header("Price, David", "E9612127", "01/23/1954")};
  DocumentFields doc = Make().ExtractDocument(pages);
  ASSERT_EQ(doc.pages.size(), 3u);
  EXPECT_EQ(doc.Find("patient_name")->normalized, "DEBRA HALL");
  EXPECT_FALSE(doc.pages[0].disagrees);
  EXPECT_TRUE(doc.pages[2].disagrees);
  EXPECT_EQ(doc.pages[2].mrn, "E9612127");
  EXPECT_EQ(doc.pages[2].patient_name, "DAVID PRICE");
  EXPECT_TRUE(doc.Find("patient_name")->needs_review);
}

TEST(Document, CodesAreDistinctInOrderOfFirstAppearance) {
  std::vector<PageText> pages = {
      Header("Hall, Debra", "4676803", "10/25/1955", "Dx: hypertension (I10), GERD (K21.9)"),
      Header("Hall, Debra", "4676803", "10/25/1955", "Dx: anemia (D64.9), again (I10) CPT 99232")};
  DocumentFields doc = Make().ExtractDocument(pages);
  std::vector<std::string> icd;
  for (const Field& f : doc.fields) {
    if (f.name == "icd10") icd.push_back(f.normalized);
  }
  EXPECT_EQ(icd, (std::vector<std::string>{"I10", "K21.9", "D64.9"}));
  ASSERT_NE(doc.Find("cpt"), nullptr);
  EXPECT_EQ(doc.Find("cpt")->page_index, 1);
}

TEST(Document, LowConfidenceFieldNeedsReview) {
  PageText page = PageBuilder().Text(100, "MRN: 00995923", 100, 35).Build();
  DocumentFields doc = Make().ExtractDocument(std::vector<PageText>{page});
  ASSERT_NE(doc.Find("mrn"), nullptr);
  EXPECT_TRUE(doc.Find("mrn")->needs_review);
}

TEST(Document, MergeKeepsTheEvidenceOfTheChosenValue) {
  std::vector<std::vector<Field>> per_page(2);
  Field a;
  a.name = "dob";
  a.normalized = "1955-10-25";
  a.confidence = 0.7;
  a.page_index = 0;
  a.box = {1, 2, 3, 4};
  Field b = a;
  b.confidence = 0.9;
  b.page_index = 1;
  b.box = {5, 6, 7, 8};
  per_page[0].push_back(a);
  per_page[1].push_back(b);
  DocumentFields doc = Make().MergeDocument(per_page);
  ASSERT_NE(doc.Find("dob"), nullptr);
  EXPECT_EQ(doc.Find("dob")->page_index, 1);
  EXPECT_EQ(doc.Find("dob")->box, (Box{5, 6, 7, 8}));
}

TEST(Document, ConvenienceFunctionValidatesOptions) {
  ExtractOptions bad;
  bad.review_threshold = -1;
  EXPECT_FALSE(ExtractDocument(std::vector<PageText>{}, bad).ok());
  auto ok = ExtractDocument(std::vector<PageText>{});
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->fields.empty());
}

}  // namespace
}  // namespace chartscan::extract
