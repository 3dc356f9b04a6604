// Document boundaries and patient identity comparison, on hand-made page summaries. All people
// and numbers are invented.
#include <gtest/gtest.h>

#include <chartscan/extract/boundaries.h>
#include <chartscan/extract/charts.h>

#include "page_builder.h"

namespace chartscan::extract {
namespace {

using Pages = std::vector<int>;

// A content page of source `source` for the patient with this MRN.
BoundaryPage P(std::int64_t source, const std::string& mrn, int n = 0, int m = 0,
               const std::string& title = "") {
  BoundaryPage p;
  p.source_id = source;
  p.mrn = mrn;
  if (!mrn.empty()) p.patient_name = "PAT " + mrn;
  p.title_type = title;
  if (n > 0) p.footer = PageFooter{n, m};
  return p;
}

BoundaryPage Blank(std::int64_t source) {
  BoundaryPage p;
  p.source_id = source;
  p.blank = true;
  return p;
}

Boundaries Find(const std::vector<BoundaryPage>& pages, const BoundaryOptions& o = {}) {
  Result<Boundaries> b = FindBoundaries(pages, o);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : Boundaries{};
}

std::vector<Pages> DocPages(const Boundaries& b) {
  std::vector<Pages> out;
  for (const DocumentSpan& d : b.documents) out.push_back(d.pages);
  return out;
}

TEST(PageFooter, ParsesCommonForms) {
  auto f = ParsePageFooter("Discharge summary\nPage 2 of 3");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number, 2);
  EXPECT_EQ(f->count, 3);
  f = ParsePageFooter("CONFIDENTIAL Page 1/4");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number, 1);
  EXPECT_EQ(f->count, 4);
  f = ParsePageFooter("pg. 3 OF 3");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number, 3);
}

TEST(PageFooter, RepairsLettersReadForDigits) {
  auto f = ParsePageFooter("Page l of 2");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number, 1);
  f = ParsePageFooter("Page 1 of 1O");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->count, 10);
}

TEST(PageFooter, IgnoresNonFooters) {
  EXPECT_FALSE(ParsePageFooter("see page 4 for details"));
  EXPECT_FALSE(ParsePageFooter("Page 5 of 3"));
  EXPECT_FALSE(ParsePageFooter("Pager 2 of 3"));
  EXPECT_FALSE(ParsePageFooter("Page of 3"));
  EXPECT_FALSE(ParsePageFooter("P.002/003"));  // a fax header counts the transmission
}

TEST(PageFooter, LastMentionWins) {
  auto f = ParsePageFooter("Page 1 of 2 (fax cover)\nbody\nPage 2 of 5");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->number, 2);
  EXPECT_EQ(f->count, 5);
}

TEST(Boundaries, EmptyBatchHasNoDocuments) {
  Boundaries b = Find({});
  EXPECT_TRUE(b.documents.empty());
  EXPECT_TRUE(b.starts.empty());
}

TEST(Boundaries, RejectsInvalidOptions) {
  BoundaryOptions o;
  o.mrn_edits = -1;
  EXPECT_FALSE(FindBoundaries({}, o).ok());
}

TEST(Boundaries, FirstPageFooterStartsDocumentsInOneFile) {
  Boundaries b = Find({P(1, "1001", 1, 2), P(1, "1001", 2, 2), P(1, "1001", 1, 1),
                       P(1, "2002", 1, 3), P(1, "2002", 2, 3), P(1, "2002", 3, 3)});
  EXPECT_EQ(b.starts, (Pages{0, 2, 3}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kFirstPageFooter);
}

TEST(Boundaries, NewSourceStartsDocumentUnlessFooterContinues) {
  Boundaries b = Find({P(1, "1001", 1, 3), P(2, "1001", 2, 3), P(3, "1001"), P(4, "1001")});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0, 1}, {2}, {3}}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kNewSource);
}

TEST(Boundaries, IdentityChangeStartsDocumentWithoutFooters) {
  Boundaries b = Find({P(1, "1001"), P(1, "1001"), P(1, "2002"), P(1, "")});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0, 1}, {2, 3}}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kIdentityChange);
}

TEST(Boundaries, OneMisreadMrnCharacterDoesNotSplit) {
  Boundaries b = Find({P(1, "00482913"), P(1, "00482918"), P(1, "0O482913")});
  EXPECT_EQ(b.documents.size(), 1u);
}

TEST(Boundaries, NameAndDobDecideWithoutMrn) {
  BoundaryPage a = P(1, "");
  a.patient_name = "MARY HOLT";
  a.dob = "1950-02-03";
  BoundaryPage same = a;
  same.patient_name = "MARY H0LT";  // misread, still the same person
  BoundaryPage other = a;
  other.patient_name = "JOHN PARKER";
  Boundaries b = Find({a, same, other});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0, 1}, {2}}));
}

TEST(Boundaries, TitleOfAnotherTypeStartsDocument) {
  Boundaries b = Find({P(1, "1001", 0, 0, "discharge_summary"), P(1, "1001"),
                       P(1, "1001", 0, 0, "lab_report"), P(1, "1001")});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0, 1}, {2, 3}}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kTitleChange);
}

TEST(Boundaries, BlankPageBetweenDocumentsIsInNone) {
  Boundaries b = Find({P(1, "1001"), Blank(1), P(1, "1001"), Blank(1)});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0}, {2}}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kAfterBlank);
  EXPECT_EQ(b.loose_blanks, (Pages{1, 3}));
}

TEST(Boundaries, BlankBackSideInsideFooteredDocumentDoesNotSplit) {
  Boundaries b = Find({P(1, "1001", 1, 2), Blank(1), P(1, "1001", 2, 2), Blank(1)});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0, 1, 2}}));
  EXPECT_EQ(b.loose_blanks, (Pages{3}));
}

TEST(Boundaries, BlankPagesNeedNotSplitWhenTurnedOff) {
  BoundaryOptions o;
  o.blank_page_splits = false;
  Boundaries b = Find({P(1, "1001"), Blank(1), P(1, "1001")}, o);
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0, 1, 2}}));
}

TEST(Boundaries, SeparatorSheetIsNoContentAndAlwaysSplits) {
  BoundaryPage sep = P(1, "");
  sep.barcodes.push_back({"PATCH T", "PatchCode", {}, 0, BarcodeKind::kPatch});
  // Even a footer saying "continues" does not cross a separator sheet.
  Boundaries b = Find({P(1, "1001", 1, 2), sep, P(1, "1001", 2, 2)});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0}, {2}}));
  EXPECT_EQ(b.separators, (Pages{1}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kSeparator);
}

TEST(Boundaries, PatientLabelChangeOutranksFooter) {
  BoundaryPage a = P(1, "1001", 1, 2);
  a.barcodes.push_back({"L1001", "Code128", {}, 0, BarcodeKind::kPatientLabel});
  BoundaryPage b2 = P(1, "1001", 2, 2);
  b2.barcodes.push_back({"L2002", "Code128", {}, 0, BarcodeKind::kPatientLabel});
  Boundaries b = Find({a, b2});
  EXPECT_EQ(b.starts, (Pages{0, 1}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kPatientLabel);
}

TEST(Boundaries, SamePatientLabelOverridesMisreadIdentity) {
  BoundaryPage a = P(1, "1001");
  a.barcodes.push_back({"L1001", "Code128", {}, 0, BarcodeKind::kPatientLabel});
  BoundaryPage b2 = P(1, "7777");  // OCR garbage where the MRN is
  b2.barcodes.push_back({"L1001", "Code128", {}, 0, BarcodeKind::kPatientLabel});
  EXPECT_EQ(Find({a, b2}).documents.size(), 1u);
}

TEST(Boundaries, FooterContinuationKeepsPageOfAnotherPatientForReview) {
  // "Page 2 of 2" says it continues; its other MRN is for assembly to flag, not a split.
  Boundaries b = Find({P(1, "1001", 1, 2), P(1, "2002", 2, 2)});
  EXPECT_EQ(b.documents.size(), 1u);
}

TEST(Boundaries, StrayPageBetweenTwoPagesOfADocumentIsMisplacedNotASplit) {
  // Page 2 of a 2-page document of another patient filed inside a 3-page document.
  Boundaries b =
      Find({P(1, "1001", 1, 3), P(1, "2002", 2, 2), P(1, "1001", 2, 3), P(1, "1001", 3, 3)});
  ASSERT_EQ(b.documents.size(), 1u);
  EXPECT_EQ(b.documents[0].pages, (Pages{0, 1, 2, 3}));
  EXPECT_EQ(b.documents[0].misplaced, (Pages{1}));
}

TEST(Boundaries, NextDocumentWhoseFirstFooterWasMisreadIsNotTakenForAStray) {
  // The first document lost its page 2; the next one's page 1 footer was not read. Its page 2
  // fits the first document's footer count, but names the second patient: two documents.
  Boundaries b = Find({P(1, "1001", 1, 2), P(1, "2002"), P(1, "2002", 2, 2)});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0}, {1, 2}}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kIdentityChange);
}

TEST(Boundaries, StrayPageWithoutFootersIsMisplaced) {
  Boundaries b = Find({P(1, "1001"), P(1, "2002"), P(1, "1001")});
  ASSERT_EQ(b.documents.size(), 1u);
  EXPECT_EQ(b.documents[0].misplaced, (Pages{1}));
}

TEST(Boundaries, TwoPagesOfAnotherPatientAreADocument) {
  Boundaries b = Find({P(1, "1001"), P(1, "2002"), P(1, "2002"), P(1, "1001")});
  EXPECT_EQ(DocPages(b), (std::vector<Pages>{{0}, {1, 2}, {3}}));
}

TEST(Boundaries, FooterOfAnotherCountStartsDocument) {
  Boundaries b = Find({P(1, "1001", 1, 2), P(1, "1001", 2, 3), P(1, "1001", 3, 3)});
  EXPECT_EQ(b.starts, (Pages{0, 1}));
  EXPECT_EQ(b.documents[1].reason, BoundaryReason::kFooterMismatch);
}

TEST(Boundaries, PageWithoutEvidenceContinuesItsFile) {
  BoundaryPage failed;
  failed.source_id = 1;
  Boundaries b = Find({P(1, "1001"), failed, P(1, "1001")});
  EXPECT_EQ(b.documents.size(), 1u);
}

TEST(Boundaries, SummarizePageReadsIdentityFooterAndTitle) {
  PageText page = testing::PageBuilder()
                      .Text(100, "DISCHARGE SUMMARY")
                      .Text(200, "Patient: Mary Holt MRN: 00482913")
                      .Text(3000, "Page 1 of 2")
                      .Build();
  std::vector<Field> fields(3);
  fields[0].name = "mrn";
  fields[0].normalized = "00482913";
  fields[0].confidence = 0.9;
  fields[1].name = "mrn";
  fields[1].normalized = "00482918";
  fields[1].confidence = 0.5;
  fields[2].name = "patient_name";
  fields[2].normalized = "MARY HOLT";
  BoundaryPage p = SummarizePage(page, fields, DocTypeRules::BuiltIn());
  EXPECT_EQ(p.mrn, "00482913");
  EXPECT_EQ(p.patient_name, "MARY HOLT");
  EXPECT_EQ(p.title_type, "discharge_summary");
  ASSERT_TRUE(p.footer);
  EXPECT_EQ(p.footer->count, 2);
  EXPECT_FALSE(p.blank);
}

TEST(Boundaries, NameReadTooPoorlyToTrustDoesNotSplitADocument) {
  // A bad fax page: its patient name is garbled and flagged for review; the next page of the same
  // document reads name, MRN and DOB cleanly. The garbled name is no evidence of a new patient.
  PageText page = testing::PageBuilder().Text(200, "Patient: MRE KATHLEEN MAPS").Build();
  std::vector<Field> fields(1);
  fields[0].name = "patient_name";
  fields[0].normalized = "MRE KATHLEEN MAPS";
  fields[0].confidence = 0.31;
  fields[0].needs_review = true;
  BoundaryPage first = SummarizePage(page, fields, DocTypeRules::BuiltIn());
  EXPECT_TRUE(first.patient_name.empty());
  first.source_id = 1;
  first.source_page = 1;
  BoundaryPage second;
  second.source_id = 1;
  second.source_page = 2;
  second.patient_name = "KATHLEEN MARTIN";
  second.mrn = "0006450761";
  auto b = FindBoundaries(std::vector<BoundaryPage>{first, second}, {});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->documents.size(), 1u);
}

TEST(Identity, MrnComparisonFoldsOcrConfusionsAndOneEdit) {
  EXPECT_TRUE(SameMrn("00482913", "OO482913"));
  EXPECT_TRUE(SameMrn("00482913", "00482918"));
  EXPECT_FALSE(SameMrn("00482913", "00482918", 0));
  EXPECT_FALSE(SameMrn("1234", "1235"));  // short numbers must match exactly
  EXPECT_FALSE(SameMrn("", ""));
  EXPECT_FALSE(SameMrn("00482913", "00771204"));
}

TEST(Identity, NamesAndDatesTolerateOneMisreadCharacter) {
  EXPECT_TRUE(SameName("MARY HOLT", "Mary Holt"));
  EXPECT_TRUE(SameName("MARY HOLT", "MARY HOIT"));
  EXPECT_FALSE(SameName("MARY HOLT", "JOHN PARKER"));
  EXPECT_TRUE(SameDob("1950-02-03", "1950-02-08"));
  EXPECT_FALSE(SameDob("1950-02-03", "1961-07-03"));
}

TEST(Identity, DifferentPatientsComparesMrnFirstThenNameAndDob) {
  EXPECT_FALSE(DifferentPatients({"00482913", "MARY HOLT", ""}, {"00482913", "", "1950-02-03"}));
  EXPECT_TRUE(DifferentPatients({"00482913", "", ""}, {"00771204", "", ""}));
  // The record number decides when both pages show one, even if a name is misread badly.
  EXPECT_FALSE(DifferentPatients({"00482913", "MARY HOLT", ""}, {"00482913", "MAR? XQLT", ""}));
  EXPECT_TRUE(DifferentPatients({"", "MARY HOLT", ""}, {"", "JOHN PARKER", ""}));
  EXPECT_TRUE(DifferentPatients({"", "MARY HOLT", "1950-02-03"}, {"", "", "1961-07-03"}));
  EXPECT_FALSE(DifferentPatients({}, {"00771204", "JOHN PARKER", "1961-07-03"}));
}

TEST(Charts, GroupsByMrnThenNameAndDob) {
  std::vector<ChartIdentity> docs = {
      {"00482913", "MARY HOLT", "1950-02-03"},
      {"", "MARY HOLT", "1950-02-03"},  // no MRN: joins by name and DOB
      {"00771204", "JOHN PARKER", "1961-07-03"},
      {"00482913", "", ""},
      {"", "", ""},  // nothing to file it by: an orphan
      {"", "ANN LEE", "1970-01-01"},
      {"", "ANN LEE", "1970-01-01"},
  };
  ChartGrouping g = GroupCharts({}, docs);
  ASSERT_EQ(g.chart_of_document.size(), docs.size());
  EXPECT_EQ(g.chart_of_document[0], g.chart_of_document[1]);
  EXPECT_EQ(g.chart_of_document[0], g.chart_of_document[3]);
  EXPECT_NE(g.chart_of_document[0], g.chart_of_document[2]);
  EXPECT_EQ(g.chart_of_document[4], -1);
  EXPECT_EQ(g.chart_of_document[5], g.chart_of_document[6]);
  EXPECT_EQ(g.charts.size(), 3u);
  EXPECT_EQ(g.charts[static_cast<std::size_t>(g.chart_of_document[3])].patient_name, "MARY HOLT");
}

TEST(Charts, MisreadMrnJoinsOnlyWhenNameAndDobAgree) {
  std::vector<ChartIdentity> docs = {
      {"00482913", "MARY HOLT", "1950-02-03"},
      {"00482918", "MARY HOLT", "1950-02-03"},    // misread digit, same person
      {"00482919", "JOHN PARKER", "1961-07-03"},  // one edit away, another person
  };
  ChartGrouping g = GroupCharts({}, docs);
  EXPECT_EQ(g.chart_of_document[0], g.chart_of_document[1]);
  EXPECT_NE(g.chart_of_document[0], g.chart_of_document[2]);
}

TEST(Charts, ExistingChartsAreFoundAgain) {
  std::vector<ChartIdentity> existing = {{"00771204", "JOHN PARKER", "1961-07-03"}};
  std::vector<ChartIdentity> docs = {{"00771204", "JOHN PARKER", "1961-07-03"},
                                     {"", "JOHN PARKER", "1961-07-03"}};
  ChartGrouping g = GroupCharts(existing, docs);
  EXPECT_EQ(g.charts.size(), 1u);
  EXPECT_EQ(g.chart_of_document, (std::vector<int>{0, 0}));
}

TEST(Charts, AmbiguousNameAndDobOpensItsOwnChart) {
  std::vector<ChartIdentity> docs = {{"1111111", "ANN LEE", "1970-01-01"},
                                     {"2222222", "ANN LEE", "1970-01-01"},
                                     {"", "ANN LEE", "1970-01-01"}};
  ChartGrouping g = GroupCharts({}, docs);
  EXPECT_EQ(g.charts.size(), 3u);
  EXPECT_NE(g.chart_of_document[2], g.chart_of_document[0]);
  EXPECT_NE(g.chart_of_document[2], g.chart_of_document[1]);
}

}  // namespace
}  // namespace chartscan::extract
