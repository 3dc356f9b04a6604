// Reading for the viewer (documents, charts, a chart's documents, page ids, the words a query
// marks on a page) and verification: the review queue, clerks' decisions, what search sees after
// them, and decisions outliving re-assembly; schema migration of a version 5 store.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chartscan/indexer/store.h>

#include "test_store.h"

namespace chartscan::indexer {
namespace {

using testing::AddSource;
using testing::OpenStore;
using testing::TempDir;
using testing::TextPage;

// The union of the boxes of words [first, last] of a page.
Box WordsBox(const PageWrite& page, int first, int last) {
  const Box& a = page.text.words[static_cast<std::size_t>(first)].box;
  const Box& b = page.text.words[static_cast<std::size_t>(last)].box;
  return {a.x, a.y, b.x + b.width - a.x, a.height};
}

Field MakeField(const std::string& name, const std::string& value, double confidence,
                bool needs_review, int page_index, Box box) {
  Field f;
  f.name = name;
  f.value = value;
  f.normalized = value;
  f.confidence = confidence;
  f.needs_review = needs_review;
  f.page_index = page_index;
  f.box = box;
  return f;
}

// Four pages of one stack, assembled into two documents:
//   document 1 (chart "0O482913", an MRN misread): pages 1-2, its MRN field needs review;
//   document 2 (chart "00777777"): pages 3-4, its type needs review, page 3 (another patient's,
//   MRN 00999999) flagged misfiled.
struct ReviewStore {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  std::int64_t batch = 0;
  std::int64_t source = 0;
  std::vector<std::int64_t> pages;
  AssemblyWrite assembly;
  std::int64_t doc1 = 0, doc2 = 0;

  ReviewStore() {
    batch = *store->BeginBatch("b");
    source = AddSource(*store, batch, "stack.tif", "stack", 4);
    PageWrite p1 = TextPage(batch, source, 1,
                            "Discharge summary Patient: MARY HOLT MRN: 0O482913 started warfarin");
    p1.doc_type = "discharge_summary";
    p1.fields = {MakeField("patient_name", "MARY HOLT", 0.9, false, 0, WordsBox(p1, 3, 4)),
                 MakeField("mrn", "0O482913", 0.4, true, 0, WordsBox(p1, 6, 6))};
    PageWrite p2 = TextPage(batch, source, 2, "continued warfarin diabetes E11.9");
    p2.fields = {MakeField("icd10", "E11.9", 0.9, false, 0, WordsBox(p2, 3, 3))};
    PageWrite p3 =
        TextPage(batch, source, 3, "Lab report Patient: AMOS QUILL MRN: 00999999 glucose");
    p3.doc_type = "lab_report";
    p3.fields = {MakeField("patient_name", "AMOS QUILL", 0.9, false, 0, WordsBox(p3, 3, 4)),
                 MakeField("mrn", "00999999", 0.9, false, 0, WordsBox(p3, 6, 6))};
    PageWrite p4 = TextPage(batch, source, 4, "Lab report glucose 105 mg/dL");
    p4.doc_type = "lab_report";
    for (const PageWrite& p : {p1, p2, p3, p4}) {
      auto id = store->PutPage(p);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      pages.push_back(id.value_or(0));
    }
    assembly.batch_id = batch;
    assembly.source_ids = {source};
    assembly.charts = {{0, "0O482913", "MARY HOLT", "1950-02-03"},
                       {0, "00777777", "ANN ROE", "1961-07-04"}};
    DocumentWrite d1;
    d1.page_ids = {pages[0], pages[1]};
    d1.boundary = "batch_start";
    d1.type = {"discharge_summary", 0.9, false};
    d1.needs_review = true;
    d1.date_of_service = "2023-04-05";
    d1.fields = {MakeField("mrn", "0O482913", 0.4, true, 0, WordsBox(p1, 6, 6)),
                 MakeField("patient_name", "MARY HOLT", 0.9, false, 0, WordsBox(p1, 3, 4)),
                 MakeField("icd10", "E11.9", 0.9, false, 1, WordsBox(p2, 3, 3))};
    d1.chart = 0;
    DocumentWrite d2;
    d2.page_ids = {pages[2], pages[3]};
    d2.misfiled_page_ids = {pages[2]};
    d2.boundary = "type_change";
    d2.type = {"lab_report", 0.3, true};
    d2.needs_review = true;
    d2.fields = {MakeField("mrn", "00777777", 0.9, false, 1, {})};
    d2.chart = 1;
    assembly.documents = {d1, d2};
    auto written = store->Assemble(assembly);
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    if (written.ok()) {
      doc1 = written->document_ids[0];
      doc2 = written->document_ids[1];
    }
  }

  // Exact (unwidened) search: the page ids found, sorted.
  std::vector<std::int64_t> Find(std::string_view query) {
    SearchOptions options;
    options.approximate = false;
    options.limit = 100;
    auto r = store->Search(query, options);
    EXPECT_TRUE(r.ok()) << query << ": " << r.status().ToString();
    std::vector<std::int64_t> ids;
    if (r.ok()) {
      for (const SearchHit& h : r->hits) ids.push_back(h.page_id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::vector<std::string> QueueIds() {
    auto q = store->Review(0, 100);
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    std::vector<std::string> ids;
    if (q.ok()) {
      for (const ReviewItem& i : q->items) ids.push_back(i.item_id);
    }
    return ids;
  }

  ReviewItem Resolve(const std::string& item, bool accept, const std::string& value = "") {
    ReviewDecision d;
    d.item_id = item;
    d.accept = accept;
    d.value = value;
    d.normalized = value;
    d.user = "clerk.ann";
    auto r = store->ResolveReview(d);
    EXPECT_TRUE(r.ok()) << item << ": " << r.status().ToString();
    return r.value_or(ReviewItem{});
  }

  void ExpectWhole() {
    auto check = store->Check(false);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    for (const std::string& p : check->problems) ADD_FAILURE() << p;
  }
};

std::string FieldItem(std::int64_t doc, int seq) {
  return "f:" + std::to_string(doc) + ":" + std::to_string(seq);
}

// ---- Reading for the viewer ----

TEST(Viewer, GetDocumentAndChartReadOneAndUnknownIdsAreNotFound) {
  ReviewStore s;
  auto d = s.store->GetDocument(s.doc2);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->page_ids, (std::vector<std::int64_t>{s.pages[2], s.pages[3]}));
  EXPECT_EQ(d->misfiled_page_ids, (std::vector<std::int64_t>{s.pages[2]}));
  EXPECT_EQ(d->type.name, "lab_report");
  EXPECT_TRUE(d->type.needs_review);
  EXPECT_FALSE(s.store->GetDocument(s.doc1)->type.needs_review)
      << "the type's flag is kept apart from the document's";
  auto c = s.store->GetChart(d->chart_id);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->mrn, "00777777");
  EXPECT_EQ(c->pages, 2);
  EXPECT_EQ(c->documents, 1);
  EXPECT_EQ(s.store->GetDocument(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.store->GetChart(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.store->ChartDocuments(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*s.store->PageIdAt(s.source, 3), s.pages[2]);
  EXPECT_EQ(*s.store->PageIdAt(s.source, 9), 0);
}

TEST(Viewer, ChartDocumentsComeByTypeThenNewestDateOfService) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::int64_t batch = *store->BeginBatch("b");
  const std::int64_t source = AddSource(*store, batch, "chart.pdf", "chart", 5);
  std::vector<std::int64_t> pages;
  for (int i = 1; i <= 5; ++i) {
    pages.push_back(*store->PutPage(TextPage(batch, source, i, "page " + std::to_string(i))));
  }
  AssemblyWrite a;
  a.batch_id = batch;
  a.source_ids = {source};
  a.charts = {{0, "00482913", "MARY HOLT", "1950-02-03"}};
  auto doc = [&](std::int64_t page, const char* type, const char* date) {
    DocumentWrite d;
    d.page_ids = {page};
    d.type = {type, 0.9, false};
    d.date_of_service = date;
    d.chart = 0;
    return d;
  };
  a.documents = {doc(pages[0], "other", ""), doc(pages[1], "progress_note", "2020-01-01"),
                 doc(pages[2], "discharge_summary", "2019-05-05"),
                 doc(pages[3], "discharge_summary", "2021-02-02"),
                 doc(pages[4], "progress_note", "")};
  auto written = store->Assemble(a);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  auto docs = store->ChartDocuments(written->chart_ids[0]);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  std::vector<std::int64_t> order;
  for (const DocumentInfo& d : *docs) order.push_back(d.page_ids.front());
  EXPECT_EQ(order, (std::vector<std::int64_t>{pages[3], pages[2], pages[1], pages[4], pages[0]}));
}

// ---- MatchWords ----

class MatchStore : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.path());
    const std::int64_t batch = *store_->BeginBatch("b");
    const std::int64_t source = AddSource(*store_, batch, "p.png", "p");
    //                         0        1        2       3            4       5        6
    PageWrite p = TextPage(batch, source, 1,
                           "Patient: Margaret Johnson MRN:00482913 started Warfarin, 5 "
                           //  7     8        9      10  11     12  13
                           "mg warfarin daily. Dx E11.9. DOB 03/14/1952");
    p.fields = {MakeField("dob", "1952-03-14", 0.9, false, 0, WordsBox(p, 13, 13))};
    page_ = *store_->PutPage(p);
  }

  std::vector<int> Marked(std::string_view query, bool approximate = false) {
    auto r = store_->MatchWords(query, page_, approximate);
    EXPECT_TRUE(r.ok()) << query << ": " << r.status().ToString();
    return r.value_or(std::vector<int>{-1});
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::int64_t page_ = 0;
};

using Marks = std::vector<int>;

TEST_F(MatchStore, WordsMatchWhateverTheirCaseAndPunctuation) {
  EXPECT_EQ(Marked("warfarin"), (Marks{5, 8}));
  EXPECT_EQ(Marked("DAILY"), (Marks{9}));
  EXPECT_EQ(Marked("insulin"), (Marks{}));
}

TEST_F(MatchStore, PrefixesPhrasesAndPartsOfIdentifiers) {
  EXPECT_EQ(Marked("warf*"), (Marks{5, 8}));
  EXPECT_EQ(Marked("\"started warfarin\""), (Marks{4, 5})) << "the later warfarin is not in it";
  EXPECT_EQ(Marked("\"warfarin started\""), (Marks{}));
  EXPECT_EQ(Marked("E11"), (Marks{11})) << "a part of a joined identifier, as the index finds it";
  EXPECT_EQ(Marked("margaret OR insulin"), (Marks{1}));
}

TEST_F(MatchStore, FilterValuesMarkTheWordsCarryingThem) {
  EXPECT_EQ(Marked("mrn:00482913"), (Marks{3}));
  EXPECT_EQ(Marked("name:\"margaret johnson\""), (Marks{1, 2}));
  EXPECT_EQ(Marked("code:E11"), (Marks{11}));
  EXPECT_EQ(Marked("dob:1952-03-14"), (Marks{13})) << "the word in the DOB field's box";
  EXPECT_EQ(Marked("type:discharge_summary date:2019.. batch:1"), (Marks{}));
  EXPECT_EQ(Marked("warfarin mrn:00482913"), (Marks{3, 5, 8}));
}

TEST_F(MatchStore, WordsUnderNotAreNotMarked) {
  EXPECT_EQ(Marked("johnson NOT warfarin"), (Marks{2}));
  EXPECT_EQ(Marked("johnson NOT (warfarin OR daily)"), (Marks{2}));
}

TEST_F(MatchStore, ApproximateAlsoMarksWhatWideningWouldFind) {
  // 0O482913 is the MRN with a zero read as the letter O.
  EXPECT_EQ(Marked("0O482913", /*approximate=*/false), (Marks{}));
  EXPECT_EQ(Marked("0O482913", /*approximate=*/true), (Marks{3}));
}

TEST_F(MatchStore, MalformedQueryAndUnknownPageAreRefused) {
  EXPECT_EQ(store_->MatchWords("name:\"margaret", page_, false).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->MatchWords("OR mrn:1", page_, false).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->MatchWords("warfarin", page_ + 100, false).status().code(),
            StatusCode::kNotFound);
}

// ---- Verification ----

TEST(Review, ListsFieldTypeAndMisfileItemsOldestDocumentFirst) {
  ReviewStore s;
  auto q = s.store->Review(0, 10);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->total, 3);
  ASSERT_EQ(q->items.size(), 3u);
  const ReviewItem& field = q->items[0];
  EXPECT_EQ(field.item_id, FieldItem(s.doc1, 0));
  EXPECT_EQ(field.kind, ReviewKind::kField);
  EXPECT_EQ(field.field, "mrn");
  EXPECT_EQ(field.value, "0O482913");
  EXPECT_EQ(field.page_id, s.pages[0]);
  EXPECT_EQ(field.reason, "low confidence");
  EXPECT_GT(field.box.width, 0);
  const ReviewItem& type = q->items[1];
  EXPECT_EQ(type.item_id, "t:" + std::to_string(s.doc2));
  EXPECT_EQ(type.field, "doc_type");
  EXPECT_EQ(type.value, "lab_report");
  const ReviewItem& misfile = q->items[2];
  EXPECT_EQ(misfile.item_id, "m:" + std::to_string(s.pages[2]));
  EXPECT_EQ(misfile.kind, ReviewKind::kMisfile);
  EXPECT_EQ(misfile.field, "mrn");
  EXPECT_EQ(misfile.value, "00999999");
  EXPECT_EQ(misfile.document_id, s.doc2);

  auto slice = s.store->Review(1, 1);
  ASSERT_TRUE(slice.ok());
  EXPECT_EQ(slice->total, 3);
  ASSERT_EQ(slice->items.size(), 1u);
  EXPECT_EQ(slice->items[0].item_id, type.item_id);
}

TEST(Review, AcceptRemovesTheItemAndRecordsWho) {
  ReviewStore s;
  const ReviewItem item = s.Resolve(FieldItem(s.doc1, 0), /*accept=*/true);
  EXPECT_TRUE(item.resolved);
  EXPECT_EQ(item.resolution, "accepted");
  EXPECT_EQ(item.resolved_by, "clerk.ann");
  EXPECT_GT(item.resolved_micros, 0);
  EXPECT_EQ(item.value, "0O482913");
  EXPECT_EQ(s.QueueIds(), (std::vector<std::string>{"t:" + std::to_string(s.doc2),
                                                    "m:" + std::to_string(s.pages[2])}));
  auto d = s.store->GetDocument(s.doc1);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->fields[0].needs_review);
  EXPECT_FALSE(d->needs_review) << "nothing else in it needs review";
}

TEST(Review, AnItemIsReadByItsIdUntilItIsResolved) {
  ReviewStore s;
  auto item = s.store->GetReviewItem(FieldItem(s.doc1, 0));
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->kind, ReviewKind::kField);
  EXPECT_EQ(item->value, "0O482913");
  auto misfile = s.store->GetReviewItem("m:" + std::to_string(s.pages[2]));
  ASSERT_TRUE(misfile.ok());
  EXPECT_EQ(misfile->kind, ReviewKind::kMisfile);
  s.Resolve(FieldItem(s.doc1, 0), true);
  EXPECT_EQ(s.store->GetReviewItem(FieldItem(s.doc1, 0)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.store->GetReviewItem("f:1").status().code(), StatusCode::kNotFound);
}

TEST(Review, ResolvingTwiceOrAnUnknownItemIsNotFound) {
  ReviewStore s;
  s.Resolve(FieldItem(s.doc1, 0), true);
  ReviewDecision again;
  again.item_id = FieldItem(s.doc1, 0);
  again.user = "clerk.ann";
  EXPECT_EQ(s.store->ResolveReview(again).status().code(), StatusCode::kNotFound);
  for (const char* bad : {"f:1:1", "t:999", "m:999", "x:1", "f:1", "", "f:1:2:3", "t:-1"}) {
    again.item_id = bad;
    EXPECT_EQ(s.store->ResolveReview(again).status().code(), StatusCode::kNotFound) << bad;
  }
}

TEST(Review, DecisionsNeedAUserAndCorrectionsAValue) {
  ReviewStore s;
  ReviewDecision d;
  d.item_id = FieldItem(s.doc1, 0);
  EXPECT_EQ(s.store->ResolveReview(d).status().code(), StatusCode::kInvalidArgument);
  d.user = "clerk.ann";
  d.accept = false;
  EXPECT_EQ(s.store->ResolveReview(d).status().code(), StatusCode::kInvalidArgument);
  d.item_id = "t:" + std::to_string(s.doc2);
  d.value = "invoice";
  EXPECT_EQ(s.store->ResolveReview(d).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.store->Review(0, 10)->total, 3) << "nothing was resolved";
}

TEST(Review, CorrectedMrnIsFoundBySearchAndTheMisreadOneNoLonger) {
  ReviewStore s;
  const std::vector<std::int64_t> doc1_pages{s.pages[0], s.pages[1]};
  EXPECT_EQ(s.Find("mrn:0O482913"), doc1_pages);
  EXPECT_TRUE(s.Find("mrn:00482913").empty());
  const ReviewItem item = s.Resolve(FieldItem(s.doc1, 0), /*accept=*/false, "00482913");
  EXPECT_EQ(item.resolution, "corrected");
  EXPECT_EQ(item.value, "00482913");
  EXPECT_EQ(s.Find("mrn:00482913"), doc1_pages);
  EXPECT_TRUE(s.Find("mrn:0O482913").empty());
  EXPECT_EQ(s.Find("00482913"), (std::vector<std::int64_t>{s.pages[0]}))
      << "the page's identity words are re-indexed";
  auto page = s.store->GetPage(s.pages[0]);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->fields[1].normalized, "00482913");
  auto chart = s.store->GetChart(s.store->GetDocument(s.doc1)->chart_id);
  ASSERT_TRUE(chart.ok());
  EXPECT_EQ(chart->mrn, "00482913") << "the document joined the chart of the corrected MRN";
  s.ExpectWhole();
}

TEST(Review, CorrectedFieldSurvivesReassemblyOfTheSamePages) {
  ReviewStore s;
  s.Resolve(FieldItem(s.doc1, 0), /*accept=*/false, "00482913");
  s.Resolve("t:" + std::to_string(s.doc2), /*accept=*/true);
  // Assembly writes the documents again as the pipeline first found them, misread MRN included.
  auto again = s.store->Assemble(s.assembly);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->document_ids, (std::vector<std::int64_t>{s.doc1, s.doc2}));
  auto d = s.store->GetDocument(s.doc1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->fields[0].normalized, "00482913");
  EXPECT_FALSE(d->fields[0].needs_review);
  EXPECT_EQ(s.QueueIds(), (std::vector<std::string>{"m:" + std::to_string(s.pages[2])}));
  EXPECT_EQ(s.Find("mrn:00482913"), (std::vector<std::int64_t>{s.pages[0], s.pages[1]}));
  EXPECT_TRUE(s.Find("mrn:0O482913").empty());
  s.ExpectWhole();
}

TEST(Review, ReassemblyThatReadsTheCorrectedValueKeepsItVerified) {
  ReviewStore s;
  s.Resolve(FieldItem(s.doc1, 0), /*accept=*/false, "00482913");
  // The pipeline merges the corrected page field; suppose another page made it a conflict.
  AssemblyWrite a = s.assembly;
  a.charts[0].mrn = "00482913";
  a.documents[0].fields[0].value = "00482913";
  a.documents[0].fields[0].normalized = "00482913";
  ASSERT_TRUE(s.store->Assemble(a).ok());
  auto d = s.store->GetDocument(s.doc1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->fields[0].normalized, "00482913");
  EXPECT_FALSE(d->fields[0].needs_review) << "the clerk's value is not asked about again";
  EXPECT_EQ(s.Find("mrn:00482913"), (std::vector<std::int64_t>{s.pages[0], s.pages[1]}));
}

TEST(Review, CorrectedTypeReplacesTheDocumentsType) {
  ReviewStore s;
  const ReviewItem item = s.Resolve("t:" + std::to_string(s.doc2), false, "progress_note");
  EXPECT_EQ(item.value, "progress_note");
  auto d = s.store->GetDocument(s.doc2);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->type.name, "progress_note");
  EXPECT_FALSE(d->type.needs_review);
  EXPECT_TRUE(d->needs_review) << "its misfiled page is still unresolved";
  EXPECT_EQ(s.Find("type:progress_note"), (std::vector<std::int64_t>{s.pages[2], s.pages[3]}));
  ASSERT_TRUE(s.store->Assemble(s.assembly).ok());
  EXPECT_EQ(s.store->GetDocument(s.doc2)->type.name, "progress_note") << "after re-assembly";
}

TEST(Review, CorrectedMisfileMovesThePageToAChartOfItsOwnAndStaysMoved) {
  ReviewStore s;
  const ReviewItem item = s.Resolve("m:" + std::to_string(s.pages[2]), false, "00999999");
  EXPECT_NE(item.document_id, s.doc2);
  auto moved = s.store->GetDocument(item.document_id);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->page_ids, (std::vector<std::int64_t>{s.pages[2]}));
  EXPECT_EQ(moved->type.name, "lab_report");
  EXPECT_TRUE(moved->misfiled_page_ids.empty());
  auto chart = s.store->GetChart(moved->chart_id);
  ASSERT_TRUE(chart.ok());
  EXPECT_EQ(chart->mrn, "00999999");
  EXPECT_EQ(chart->patient_name, "AMOS QUILL") << "named as the page reads";
  EXPECT_EQ(item.chart_id, chart->chart_id);
  auto left = s.store->GetDocument(s.doc2);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->page_ids, (std::vector<std::int64_t>{s.pages[3]}));
  EXPECT_EQ(s.store->GetPage(s.pages[3])->document_page, 1);
  EXPECT_EQ(s.store->GetChart(left->chart_id)->pages, 1);
  EXPECT_EQ(s.Find("mrn:00999999"), (std::vector<std::int64_t>{s.pages[2]}));
  s.ExpectWhole();

  // Re-assembly flags the page misfiled in document 2 again; the clerk's move holds.
  ASSERT_TRUE(s.store->Assemble(s.assembly).ok());
  auto page = s.store->GetPage(s.pages[2]);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->document_id, item.document_id);
  EXPECT_FALSE(page->misfiled);
  EXPECT_EQ(s.store->GetDocument(s.doc2)->page_ids, (std::vector<std::int64_t>{s.pages[3]}));
  EXPECT_EQ(s.store->Review(0, 10)->total, 2) << "the MRN and the type are left";
  s.ExpectWhole();
}

TEST(Review, AcceptedMisfileStaysWithItsDocument) {
  ReviewStore s;
  s.Resolve("m:" + std::to_string(s.pages[2]), /*accept=*/true);
  EXPECT_TRUE(s.store->GetDocument(s.doc2)->misfiled_page_ids.empty());
  ASSERT_TRUE(s.store->Assemble(s.assembly).ok());
  EXPECT_TRUE(s.store->GetDocument(s.doc2)->misfiled_page_ids.empty());
  EXPECT_EQ(s.store->GetPage(s.pages[2])->document_id, s.doc2);
}

TEST(Review, VersionFiveStoreMigratesWithTypeReviewInferred) {
  TempDir dir;
  std::int64_t doc = 0;
  {
    ReviewStore s;
    doc = s.doc2;
    // Document 2 keeps only its type for review: the misfile is accepted.
    s.Resolve("m:" + std::to_string(s.pages[2]), true);
    s.store.reset();
    std::filesystem::copy(s.dir.path(), dir.path(), std::filesystem::copy_options::recursive);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("chartscan.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, testing::kDropVersion6, nullptr, nullptr, &err), SQLITE_OK)
      << (err ? err : "");
  sqlite3_close(db);

  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  auto d = store->GetDocument(doc);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->type.needs_review) << "nothing else explains its needs_review";
  auto q = store->Review(0, 10);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->total, 2) << "document 1's MRN field, document 2's type";
}

}  // namespace
}  // namespace chartscan::indexer
