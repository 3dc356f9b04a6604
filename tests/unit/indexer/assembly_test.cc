// Documents and charts written by assembly: links, ids kept across re-assembly, derived rows that
// lose their pages, barcodes on pages, the patient roster and charts' matches to it, and schema
// migration of a version 1 store.
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

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir.path());
  std::int64_t batch = 0;
  std::int64_t source = 0;
  std::vector<std::int64_t> pages;

  explicit Fixture(int n = 4) {
    batch = *store->BeginBatch("b");
    source = AddSource(*store, batch, "stack.tif", "stack", n);
    for (int i = 1; i <= n; ++i) {
      auto id = store->PutPage(TextPage(batch, source, i, "page " + std::to_string(i)));
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      pages.push_back(*id);
    }
  }
};

Field MakeField(const std::string& name, const std::string& normalized, int page_index) {
  Field f;
  f.name = name;
  f.value = normalized;
  f.normalized = normalized;
  f.confidence = 0.9;
  f.page_index = page_index;
  f.box = {1, 2, 3, 4};
  f.role = name == "date_of_service" ? "exam" : "";
  return f;
}

// Two documents: pages 1-2 (chart 0) and 3-4 (no chart), page 4 misfiled.
AssemblyWrite TwoDocuments(const Fixture& f) {
  AssemblyWrite a;
  a.batch_id = f.batch;
  a.source_ids = {f.source};
  a.charts.push_back({0, "00482913", "MARY HOLT", "1950-02-03"});
  DocumentWrite d1;
  d1.page_ids = {f.pages[0], f.pages[1]};
  d1.boundary = "batch_start";
  d1.type = {"discharge_summary", 0.9, false};
  d1.date_of_service = "2023-04-05";
  d1.fields = {MakeField("mrn", "00482913", 0), MakeField("date_of_service", "2023-04-05", 1)};
  d1.chart = 0;
  DocumentWrite d2;
  d2.page_ids = {f.pages[2], f.pages[3]};
  d2.misfiled_page_ids = {f.pages[3]};
  d2.boundary = "first_page_footer";
  d2.type = {"lab_report", 0.7, false};
  d2.needs_review = true;
  a.documents = {d1, d2};
  return a;
}

std::vector<DocumentInfo> Documents(const Store& store) {
  std::vector<DocumentInfo> out;
  Status s = store.ForEachDocument([&](const DocumentInfo& d) {
    out.push_back(d);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(Assembly, WritesDocumentsChartsAndPageLinks) {
  Fixture f;
  auto r = f.store->Assemble(TwoDocuments(f));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->document_ids.size(), 2u);
  ASSERT_EQ(r->chart_ids.size(), 1u);

  std::vector<DocumentInfo> docs = Documents(*f.store);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].chart_id, r->chart_ids[0]);
  EXPECT_EQ(docs[0].type.name, "discharge_summary");
  EXPECT_EQ(docs[0].date_of_service, "2023-04-05");
  EXPECT_EQ(docs[0].page_ids, (std::vector<std::int64_t>{f.pages[0], f.pages[1]}));
  ASSERT_EQ(docs[0].fields.size(), 2u);
  EXPECT_EQ(docs[0].fields[1].role, "exam");
  EXPECT_EQ(docs[0].fields[1].page_index, 1);
  EXPECT_EQ(docs[1].chart_id, 0);
  EXPECT_TRUE(docs[1].needs_review);
  EXPECT_EQ(docs[1].misfiled_page_ids, (std::vector<std::int64_t>{f.pages[3]}));

  auto p4 = f.store->GetPage(f.pages[3]);
  ASSERT_TRUE(p4.ok());
  EXPECT_EQ(p4->document_id, r->document_ids[1]);
  EXPECT_EQ(p4->document_page, 2);
  EXPECT_TRUE(p4->misfiled);
  EXPECT_EQ(p4->document_type.name, "lab_report");
  auto p1 = f.store->GetPage(f.pages[0]);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->chart_id, r->chart_ids[0]);
  EXPECT_FALSE(p1->misfiled);

  auto charts = f.store->Charts();
  ASSERT_TRUE(charts.ok());
  ASSERT_EQ(charts->size(), 1u);
  EXPECT_EQ((*charts)[0].mrn, "00482913");
  EXPECT_EQ((*charts)[0].documents, 1);
}

TEST(Assembly, ReassemblingTheSamePagesKeepsDocumentAndChartIds) {
  Fixture f;
  auto first = f.store->Assemble(TwoDocuments(f));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto charts = f.store->Charts();
  ASSERT_TRUE(charts.ok());
  AssemblyWrite again = TwoDocuments(f);
  again.charts[0].chart_id = (*charts)[0].chart_id;  // as grouping finds it again
  auto second = f.store->Assemble(again);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->document_ids, first->document_ids);
  EXPECT_EQ(second->chart_ids, first->chart_ids);
  EXPECT_EQ(Documents(*f.store).size(), 2u);
  EXPECT_EQ(f.store->Charts()->size(), 1u);
}

TEST(Assembly, DocumentsAndChartsLeftWithoutPagesAreDropped) {
  Fixture f;
  ASSERT_TRUE(f.store->Assemble(TwoDocuments(f)).ok());
  AssemblyWrite one;
  one.batch_id = f.batch;
  one.source_ids = {f.source};
  DocumentWrite all;
  all.page_ids = f.pages;
  all.type = {"other", 0.5, true};
  one.documents = {all};
  auto r = f.store->Assemble(one);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<DocumentInfo> docs = Documents(*f.store);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].page_ids.size(), 4u);
  EXPECT_TRUE(f.store->Charts()->empty());
  auto stats = f.store->Stats(std::nullopt);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 1);
}

TEST(Assembly, PagesLeftOutOfEveryDocumentLoseTheirLink) {
  Fixture f;
  ASSERT_TRUE(f.store->Assemble(TwoDocuments(f)).ok());
  AssemblyWrite a = TwoDocuments(f);
  a.documents[1].page_ids = {f.pages[2]};  // page 4 is now a loose blank, say
  a.documents[1].misfiled_page_ids.clear();
  ASSERT_TRUE(f.store->Assemble(a).ok());
  auto p4 = f.store->GetPage(f.pages[3]);
  ASSERT_TRUE(p4.ok());
  EXPECT_EQ(p4->document_id, 0);
  EXPECT_EQ(p4->document_page, 0);
  EXPECT_FALSE(p4->misfiled);
}

TEST(Assembly, RejectsPagesOfOtherSourcesAndBadChartIndexes) {
  Fixture f;
  AssemblyWrite a = TwoDocuments(f);
  a.documents[0].chart = 3;
  EXPECT_EQ(f.store->Assemble(a).status().code(), StatusCode::kInvalidArgument);
  a = TwoDocuments(f);
  a.source_ids = {};
  EXPECT_EQ(f.store->Assemble(a).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Documents(*f.store).empty());
}

TEST(Assembly, PageBarcodesRoundTrip) {
  Fixture f(1);
  PageWrite w = TextPage(f.batch, f.source, 1, "cover sheet");
  Barcode b;
  b.payload = "PATCH T";
  b.symbology = "PatchCode";
  b.box = {10, 20, 30, 40};
  b.angle = 90;
  b.kind = BarcodeKind::kPatch;
  w.barcodes = {b};
  ASSERT_TRUE(f.store->PutPage(w).ok());
  auto p = f.store->GetPage(f.pages[0]);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->barcodes.size(), 1u);
  EXPECT_EQ(p->barcodes[0].payload, "PATCH T");
  EXPECT_EQ(p->barcodes[0].symbology, "PatchCode");
  EXPECT_EQ(p->barcodes[0].kind, BarcodeKind::kPatch);
  EXPECT_EQ(p->barcodes[0].angle, 90);
  EXPECT_EQ(p->barcodes[0].box.width, 30);
}

TEST(Assembly, PagesOfSourcesComeInTheGivenSourceOrder) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::int64_t batch = *store->BeginBatch("b");
  const std::int64_t a = AddSource(*store, batch, "a.tif", "a", 2);
  const std::int64_t b = AddSource(*store, batch, "b.tif", "b", 1);
  ASSERT_TRUE(store->PutPage(TextPage(batch, a, 2, "a two")).ok());
  ASSERT_TRUE(store->PutPage(TextPage(batch, b, 1, "b one")).ok());
  ASSERT_TRUE(store->PutPage(TextPage(batch, a, 1, "a one")).ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(store
                  ->ForEachPageOfSources({b, a, 999},
                                         [&](const StoredPage& p) {
                                           seen.push_back(p.text.text);
                                           return Status::Ok();
                                         })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"b one", "a one", "a two"}));
}

// What schema version 4 (batches and their journal) added, dropped to make an older store.
constexpr const char* kDropVersion4 =
    "DROP TABLE journal; DROP TABLE captures; ALTER TABLE batches DROP COLUMN kind; "
    "ALTER TABLE batches DROP COLUMN state; ALTER TABLE batches DROP COLUMN inputs; "
    "ALTER TABLE batches DROP COLUMN declared_sheets; ALTER TABLE batches DROP COLUMN duplex; "
    "ALTER TABLE batches DROP COLUMN stop_reason; "
    "ALTER TABLE batches DROP COLUMN updated_micros; PRAGMA user_version = 3;";

TEST(Assembly, VersionOneStoreMigratesWithPagesUnassembled) {
  TempDir dir;
  std::int64_t page_id = 0;
  {
    auto store = OpenStore(dir.path());
    const std::int64_t batch = *store->BeginBatch("b");
    const std::int64_t src = AddSource(*store, batch, "a.png", "a", 1);
    page_id = *store->PutPage(TextPage(batch, src, 1, "old page"));
  }
  // Turn the store back into version 1: drop what version 2 added.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() + "/chartscan.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, testing::kDropVersion6, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, testing::kDropVersion5, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kDropVersion4, nullptr, nullptr, nullptr), SQLITE_OK);
  const char* downgrade =
      "DROP INDEX documents_by_chart; DROP TABLE document_fields; "
      "ALTER TABLE documents DROP COLUMN chart_id; DROP TABLE charts; "
      "ALTER TABLE documents DROP COLUMN doc_type; "
      "ALTER TABLE documents DROP COLUMN doc_type_confidence; "
      "ALTER TABLE documents DROP COLUMN needs_review; "
      "ALTER TABLE documents DROP COLUMN date_of_service; "
      "ALTER TABLE documents DROP COLUMN page_count; ALTER TABLE documents DROP COLUMN boundary; "
      "ALTER TABLE documents DROP COLUMN assembled_micros; "
      "ALTER TABLE pages DROP COLUMN document_page; ALTER TABLE pages DROP COLUMN misfiled; "
      "ALTER TABLE pages DROP COLUMN barcodes; DROP TABLE patients; PRAGMA user_version = 1;";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_close(db);

  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  auto p = store->GetPage(page_id);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->text.text, "old page");
  EXPECT_EQ(p->document_page, 0);
  EXPECT_TRUE(p->barcodes.empty());
  EXPECT_TRUE(store->Charts()->empty());
}

TEST(Assembly, VersionTwoStoreMigratesWithChartsUnmatchedAndNoRoster) {
  TempDir dir;
  {
    Fixture f;
    ASSERT_TRUE(f.store->Assemble(TwoDocuments(f)).ok());
    f.store.reset();
    std::filesystem::copy(f.dir.path(), dir.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
  }
  // Turn the store back into version 2: drop what version 3 added.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() + "/chartscan.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, testing::kDropVersion6, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, testing::kDropVersion5, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kDropVersion4, nullptr, nullptr, nullptr), SQLITE_OK);
  const char* downgrade =
      "DROP INDEX charts_by_patient; ALTER TABLE charts DROP COLUMN roster_match; "
      "ALTER TABLE charts DROP COLUMN patient_id; DROP TABLE patients; PRAGMA user_version = 2;";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_close(db);

  auto store = OpenStore(dir.path());
  ASSERT_NE(store, nullptr);
  auto charts = store->Charts();
  ASSERT_TRUE(charts.ok()) << charts.status().ToString();
  ASSERT_EQ(charts->size(), 1u);
  EXPECT_EQ((*charts)[0].mrn, "00482913");
  EXPECT_EQ((*charts)[0].roster_match, "");
  EXPECT_EQ((*charts)[0].patient_id, 0);
  EXPECT_TRUE(store->Patients()->empty());
}

TEST(Roster, ImportAddsPatientsAndUpdatesAnMrnAlreadyThere) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto first = store->ImportPatients({{0, "00482913", "HOLT", "MARY", "1950-02-03", "F"},
                                      {0, "E9612127", "QUILL", "AMOS", "1961-07-04", ""}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->added, 2);
  auto second = store->ImportPatients({{0, "00482913", "HOLT", "MARIE", "1950-02-03", "F"}});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->updated, 1);
  auto patients = store->Patients();
  ASSERT_TRUE(patients.ok());
  ASSERT_EQ(patients->size(), 2u);
  EXPECT_EQ((*patients)[0].mrn, "00482913");
  EXPECT_EQ((*patients)[0].given_name, "MARIE");
  EXPECT_GT((*patients)[0].patient_id, 0);
  EXPECT_FALSE(store->ImportPatients({{0, "", "NOBODY", "NO", "1950-01-01", ""}}).ok());
  EXPECT_EQ(store->Patients()->size(), 2u) << "a rejected import writes nothing";
}

TEST(Assembly, ChartsKeepTheirRosterMatchWithPagesAndReviewCounts) {
  Fixture f;
  auto patients = f.store->ImportPatients({{0, "00482913", "HOLT", "MARY", "1950-02-03", "F"}});
  ASSERT_TRUE(patients.ok());
  const std::int64_t patient_id = (*f.store->Patients())[0].patient_id;
  AssemblyWrite a = TwoDocuments(f);
  a.charts[0].patient_id = patient_id;
  a.charts[0].roster_match = "mrn";
  a.documents[1].chart = 0;
  ASSERT_TRUE(f.store->Assemble(a).ok());
  auto charts = f.store->Charts();
  ASSERT_TRUE(charts.ok());
  ASSERT_EQ(charts->size(), 1u);
  const ChartInfo& c = (*charts)[0];
  EXPECT_EQ(c.patient_id, patient_id);
  EXPECT_EQ(c.roster_match, "mrn");
  EXPECT_EQ(c.documents, 2);
  EXPECT_EQ(c.pages, 4);
  EXPECT_EQ(c.needs_review_documents, 1);

  ASSERT_TRUE(f.store->SetChartMatches({{c.chart_id, 0, "none"}}).ok());
  EXPECT_EQ((*f.store->Charts())[0].roster_match, kRosterMatchNone);
  EXPECT_EQ((*f.store->Charts())[0].patient_id, 0);
  EXPECT_EQ(f.store->SetChartMatches({{c.chart_id + 100, 0, "none"}}).code(),
            StatusCode::kNotFound);
}

TEST(Assembly, MergedChartGivesItsDocumentsToTheOtherAndIsDeleted) {
  Fixture f;
  AssemblyWrite a = TwoDocuments(f);
  a.charts.push_back({0, "00432973", "MARY HOLT", "1950-02-03"});  // a misread MRN
  a.documents[1].chart = 1;
  ASSERT_TRUE(f.store->Assemble(a).ok());
  auto charts = f.store->Charts();
  ASSERT_TRUE(charts.ok());
  ASSERT_EQ(charts->size(), 2u);
  const std::int64_t keep = (*charts)[0].chart_id, gone = (*charts)[1].chart_id;

  // Bad requests write nothing.
  ChartMatch self{gone, 0, "none", gone};
  EXPECT_EQ(f.store->SetChartMatches({self}).code(), StatusCode::kInvalidArgument);
  ChartMatch nowhere{gone, 0, "none", keep + 100};
  EXPECT_EQ(f.store->SetChartMatches({{keep, 0, "mrn"}, nowhere}).code(), StatusCode::kNotFound);
  EXPECT_EQ(f.store->Charts()->size(), 2u);
  EXPECT_EQ((*f.store->Charts())[0].roster_match, "");

  ChartMatch merge{gone, 0, "name_dob", keep};
  ASSERT_TRUE(f.store->SetChartMatches({{keep, 0, "mrn"}, merge}).ok());
  charts = f.store->Charts();
  ASSERT_EQ(charts->size(), 1u);
  EXPECT_EQ((*charts)[0].chart_id, keep);
  EXPECT_EQ((*charts)[0].documents, 2);
  EXPECT_EQ((*charts)[0].roster_match, "mrn");
  for (const DocumentInfo& d : Documents(*f.store)) EXPECT_EQ(d.chart_id, keep);
}

}  // namespace
}  // namespace chartscan::indexer
