// The query language end to end on a small assembled store: field filters, their combination
// with words and operators, OCR-tolerant identifiers and names (ranked after exact hits and
// marked), grouping data on hits, and the messages for malformed queries.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chartscan/indexer/store.h>

#include "../../../indexer/src/fuzzy.h"
#include "../../../indexer/src/query.h"
#include "test_store.h"

namespace chartscan::indexer {
namespace {

using testing::AddSource;
using testing::OpenStore;
using testing::TempDir;
using testing::TextPage;

Field F(const std::string& name, const std::string& normalized) {
  Field f;
  f.name = name;
  f.value = normalized;
  f.normalized = normalized;
  f.confidence = 0.9;
  return f;
}

struct Doc {
  std::string mrn, name, dob, type, date;
  std::vector<std::string> codes;
  std::vector<std::string> pages;  // text of each page
  std::string read_name{};         // the name as extraction read it on the first page, if not name
  std::string read_mrn{};          // the MRN as extraction read it, if not mrn
};

// Four patients; the first page of Margaret's lab report has her MRN misread in the text
// (0O482913) and her name misread ("Margret"), as extraction then read it too.
class QueryStore : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.path());
    batch_ = *store_->BeginBatch("q");
    Add({"00482913",
         "Margaret Johnson",
         "1952-03-14",
         "discharge_summary",
         "2019-03-20",
         {"E11.9", "I10"},
         {"DISCHARGE SUMMARY Patient: Margaret Johnson MRN: 00482913 warfarin 5 mg daily",
          "Hospital course uneventful. Continue warfarin. Follow up with cardiology."}});
    Add({"00482913",
         "Margaret Johnson",
         "1952-03-14",
         "lab_report",
         "2021-07-02",
         {"E11.65"},
         {"LABORATORY REPORT Patient: Margret Johnson MRN: 0O482913 potassium 4.1 mmol/L"},
         "Margret Johnson",
         "0O482913"});
    Add({"00771234",
         "Robert Smith",
         "1948-11-02",
         "progress_note",
         "2019-08-11",
         {"I10"},
         {"PROGRESS NOTE Patient: Robert Smith MRN: 00771234 hypertension stable on lisinopril",
          "Discussed warfarin risks; not started."}});
    Add({"00990001",
         "Catherine Doyle",
         "1960-01-30",
         "radiology_report",
         "2018-12-01",
         {},
         {"RADIOLOGY REPORT Patient: Catherine Doyle MRN: 00990001 chest x-ray clear"}});
  }

  void Add(const Doc& d) {
    const std::int64_t source = AddSource(*store_, batch_, "/scans/" + d.mrn + d.type + ".pdf",
                                          d.mrn + d.type, static_cast<int>(d.pages.size()));
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < d.pages.size(); ++i) {
      PageWrite p = TextPage(batch_, source, static_cast<int>(i) + 1, d.pages[i]);
      p.doc_type = d.type;
      if (i == 0) {
        p.fields = {F("patient_name", d.read_name.empty() ? d.name : d.read_name),
                    F("mrn", d.read_mrn.empty() ? d.mrn : d.read_mrn), F("dob", d.dob)};
      }
      auto id = store_->PutPage(p);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ids.push_back(*id);
      pages_.push_back(*id);
    }
    AssemblyWrite a;
    a.batch_id = batch_;
    a.source_ids = {source};
    // Charts are keyed by MRN: reuse the chart id a previous assembly gave this MRN.
    std::int64_t chart_id = 0;
    auto charts = store_->Charts();
    ASSERT_TRUE(charts.ok());
    for (const ChartInfo& c : charts.value()) {
      if (c.mrn == d.mrn) chart_id = c.chart_id;
    }
    a.charts.push_back({chart_id, d.mrn, d.name, d.dob});
    DocumentWrite w;
    w.page_ids = ids;
    w.type.name = d.type;
    w.type.confidence = 0.9;
    w.date_of_service = d.date;
    w.boundary = "source";
    w.chart = 0;
    for (const std::string& c : d.codes) {
      Field f =
          F(c.find('.') != std::string::npos || (c[0] >= 'A' && c[0] <= 'Z') ? "icd10" : "cpt", c);
      w.fields.push_back(f);
    }
    a.documents.push_back(w);
    auto r = store_->Assemble(a);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // Page ids found, exact ones and approximate ones.
  struct Found {
    std::vector<std::int64_t> exact, approximate;
    std::int64_t total = 0;
  };
  Found Search(std::string_view q, bool approximate = true) {
    SearchOptions o;
    o.limit = 100;
    o.approximate = approximate;
    auto r = store_->Search(q, o);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
    Found f;
    if (!r.ok()) return f;
    f.total = r->total;
    bool seen_approx = false;
    for (const SearchHit& h : r->hits) {
      if (h.approximate) {
        seen_approx = true;
        f.approximate.push_back(h.page_id);
      } else {
        EXPECT_FALSE(seen_approx) << q << ": an exact hit after an approximate one";
        f.exact.push_back(h.page_id);
      }
    }
    EXPECT_EQ(r->exact_total, static_cast<std::int64_t>(f.exact.size())) << q;
    std::sort(f.exact.begin(), f.exact.end());
    std::sort(f.approximate.begin(), f.approximate.end());
    return f;
  }
  std::string Error(std::string_view q) {
    auto r = store_->Search(q, {});
    EXPECT_FALSE(r.ok()) << q;
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << q;
    return std::string(r.status().message());
  }
  std::int64_t P(int i) const { return pages_[static_cast<std::size_t>(i)]; }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::int64_t batch_ = 0;
  // Pages in order: 0,1 Margaret's discharge summary; 2 her lab report; 3,4 Robert's note;
  // 5 Catherine's radiology report.
  std::vector<std::int64_t> pages_;
};

using Ids = std::vector<std::int64_t>;

TEST_F(QueryStore, MrnFilterFindsEveryPageOfTheChart) {
  Found f = Search("mrn:00482913");
  EXPECT_EQ(f.exact, (Ids{P(0), P(1), P(2)}));
  EXPECT_TRUE(f.approximate.empty());
  EXPECT_EQ(Search("MRN:00482913").exact, f.exact);  // field names in any case
}

TEST_F(QueryStore, MrnFilterWithWordsNarrowsToPagesWithThem) {
  EXPECT_EQ(Search("mrn:00482913 warfarin").exact, (Ids{P(0), P(1)}));
  EXPECT_EQ(Search("warfarin mrn:00771234").exact, (Ids{P(4)}));
}

TEST_F(QueryStore, MrnReadWithAConfusedGlyphIsFoundApproximately) {
  // The text of page 2 carries 0O482913; searching the true MRN as a word finds page 0 exactly
  // and page 2 approximately.
  Found f = Search("00482913");
  EXPECT_EQ(f.exact, (Ids{P(0)}));
  EXPECT_EQ(f.approximate, (Ids{P(2)}));
  // And the other way round: typing what OCR read finds the clean pages approximately.
  Found g = Search("0O482913");
  EXPECT_EQ(g.exact, (Ids{P(2)}));
  EXPECT_EQ(g.approximate, (Ids{P(0)}));
  // A filter typed with the confusion finds the page that reads so exactly, and the rest of
  // the chart approximately.
  Found h = Search("mrn:0O482913");
  EXPECT_EQ(h.exact, (Ids{P(2)}));
  EXPECT_EQ(h.approximate, (Ids{P(0), P(1)}));
}

TEST_F(QueryStore, PartOfAnIdentifierFindsItApproximately) {
  Found f = Search("mrn:482913");
  EXPECT_TRUE(f.exact.empty());
  EXPECT_EQ(f.approximate, (Ids{P(0), P(1), P(2)}));
}

TEST_F(QueryStore, ExactOptionTurnsWideningOff) {
  Found f = Search("00482913", /*approximate=*/false);
  EXPECT_EQ(f.exact, (Ids{P(0)}));
  EXPECT_TRUE(f.approximate.empty());
  EXPECT_EQ(f.total, 1);
}

TEST_F(QueryStore, NameFilterMatchesEveryWordOfTheChartsName) {
  EXPECT_EQ(Search("name:\"margaret johnson\"").exact, (Ids{P(0), P(1), P(2)}));
  EXPECT_EQ(Search("name:\"johnson, margaret\"").exact, (Ids{P(0), P(1), P(2)}));
  EXPECT_EQ(Search("name:smith").exact, (Ids{P(3), P(4)}));
  EXPECT_EQ(Search("name:marg*").exact, (Ids{P(0), P(1), P(2)}));
  EXPECT_TRUE(Search("name:\"robert johnson\"").exact.empty());
}

TEST_F(QueryStore, MisspelledNameFindsThePatientApproximately) {
  Found f = Search("name:\"margret jonson\"");
  EXPECT_TRUE(f.exact.empty());
  EXPECT_EQ(f.approximate, (Ids{P(0), P(1), P(2)}));
  // Sound-alike spelling.
  Found k = Search("name:\"kathryn doyle\"");
  EXPECT_EQ(k.approximate, (Ids{P(5)}));
}

TEST_F(QueryStore, NameWordInTextAlsoFindsItsMisreadSpelling) {
  // Page 2 reads "Margret": the bare word finds pages 0 exactly, page 2 approximately.
  Found f = Search("margaret");
  EXPECT_EQ(f.exact, (Ids{P(0)}));
  EXPECT_EQ(f.approximate, (Ids{P(2)}));
}

TEST_F(QueryStore, DobTypeDateBatchAndCodeFilters) {
  EXPECT_EQ(Search("dob:1952-03-14").exact, (Ids{P(0), P(1), P(2)}));
  EXPECT_EQ(Search("dob:03/14/1952").exact, (Ids{P(0), P(1), P(2)}));
  EXPECT_EQ(Search("type:lab_report").exact, (Ids{P(2)}));
  EXPECT_EQ(Search("type:discharge").exact, (Ids{P(0), P(1)}));  // a unique prefix
  EXPECT_EQ(Search("date:2019").exact, (Ids{P(0), P(1), P(3), P(4)}));
  EXPECT_EQ(Search("date:2019-01..2019-06").exact, (Ids{P(0), P(1)}));
  EXPECT_EQ(Search("date:..2018-12").exact, (Ids{P(5)}));
  EXPECT_EQ(Search("date:2021..").exact, (Ids{P(2)}));
  EXPECT_EQ(Search("batch:" + std::to_string(batch_)).total, 6);
  EXPECT_EQ(Search("batch:999").total, 0);
  EXPECT_EQ(Search("code:I10").exact, (Ids{P(0), P(1), P(3), P(4)}));
  EXPECT_EQ(Search("code:E11.9").exact, (Ids{P(0), P(1)}));
  EXPECT_EQ(Search("code:E11").exact, (Ids{P(0), P(1), P(2)}));  // the category
  EXPECT_EQ(Search("code:E11.6*").exact, (Ids{P(2)}));
}

TEST_F(QueryStore, MisreadCodeIsFoundApproximately) {
  Found f = Search("code:Ell.9");  // l for 1
  EXPECT_TRUE(f.exact.empty());
  EXPECT_EQ(f.approximate, (Ids{P(0), P(1)}));
}

TEST_F(QueryStore, FiltersCombineWithOperators) {
  EXPECT_EQ(Search("type:lab_report OR type:radiology_report").exact, (Ids{P(2), P(5)}));
  EXPECT_EQ(Search("warfarin NOT mrn:00771234").exact, (Ids{P(0), P(1)}));
  EXPECT_EQ(Search("(warfarin OR potassium) AND name:johnson").exact, (Ids{P(0), P(1), P(2)}));
  EXPECT_EQ(Search("date:2019 type:progress_note hypertension").exact, (Ids{P(3)}));
}

// Results of one query, everything a caller sees of them, for comparing two query plans.
std::string Outcome(Store& store, std::string_view q, SearchOptions o) {
  auto r = store.Search(q, o);
  if (!r.ok()) return "error: " + r.status().ToString();
  std::string out = std::to_string(r->total) + "/" + std::to_string(r->exact_total) +
                    (r->total_capped ? " capped:" : ":");
  for (const SearchHit& h : r->hits) {
    out += " " + std::to_string(h.page_id) + (h.approximate ? "~" : "") + "@" +
           std::to_string(h.score);
  }
  return out;
}

// type:, date: and code: filters on many documents are checked page by page (search.cc, "Filters
// checked page by page"); with the threshold at one document every such filter is, here, and
// the results must be those of the filters listed whole.
TEST_F(QueryStore, FiltersCheckedPageByPageFindWhatListedFiltersFind) {
  SearchOptions listed;
  listed.limit = 100;
  listed.broad_filter_documents = 1'000'000;
  SearchOptions probed = listed;
  probed.broad_filter_documents = 1;
  const char* queries[] = {"type:lab_report",
                           "type:discharge",
                           "date:2019",
                           "date:2019-01..2019-06",
                           "date:..2018-12",
                           "code:I10",
                           "code:E11",
                           "code:E11.6*",
                           "code:Ell.9",
                           "type:progress_note hypertension",
                           "date:2019 type:progress_note hypertension",
                           "date:2019 type:progress_note",
                           "warfarin type:discharge_summary",
                           "warfarin code:I10",
                           "warfarin code:Ell.9",
                           "warfarin NOT type:progress_note",
                           "(warfarin OR potassium) code:E11",
                           "mrn:00482913 code:E11",
                           "mrn:00482913 type:lab_report potassium",
                           "name:johnson date:2021",
                           "code:I10 date:2019-08..2019-08",
                           "type:lab_report OR type:radiology_report",
                           "00482913 type:lab_report",
                           "Margret date:2019..2021",
                           "batch:1 type:progress_note"};
  for (const char* q : queries) {
    EXPECT_EQ(Outcome(*store_, q, probed), Outcome(*store_, q, listed)) << q;
  }
  probed.limit = listed.limit = 1;
  for (int offset = 0; offset < 5; ++offset) {
    probed.offset = listed.offset = offset;
    EXPECT_EQ(Outcome(*store_, "code:I10", probed), Outcome(*store_, "code:I10", listed));
    EXPECT_EQ(Outcome(*store_, "code:Ell.9 OR date:2021", probed),
              Outcome(*store_, "code:Ell.9 OR date:2021", listed));
  }
  EXPECT_EQ(Outcome(*store_, "type:lab_report",
                    [] {
                      SearchOptions o;
                      o.broad_filter_documents = 0;
                      return o;
                    }())
                .rfind("error", 0),
            0u);
}

TEST_F(QueryStore, HitsCarryTheirChartAndDocument) {
  auto r = store_->Search("potassium", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  const SearchHit& h = r->hits[0];
  EXPECT_EQ(h.mrn, "00482913");
  EXPECT_EQ(h.patient_name, "Margaret Johnson");
  EXPECT_EQ(h.doc_type, "lab_report");
  EXPECT_EQ(h.date_of_service, "2021-07-02");
  EXPECT_EQ(h.document_page, 1);
  EXPECT_NE(h.chart_id, 0);
  EXPECT_NE(h.snippet.find("[potassium]"), std::string::npos) << h.snippet;
}

TEST_F(QueryStore, ApproximateHitsHighlightWhatMatched) {
  auto r = store_->Search("00482913", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 2u);
  EXPECT_TRUE(r->hits[1].approximate);
  EXPECT_NE(r->hits[1].snippet.find("[0O482913]"), std::string::npos) << r->hits[1].snippet;
  ASSERT_FALSE(r->approximations.empty());
  // The misread spelling is a known identifier (extraction read it on a page), so it is named.
  EXPECT_NE(r->approximations[0].find("0o482913"), std::string::npos) << r->approximations[0];
  EXPECT_NE(r->approximations[0].find("misread"), std::string::npos) << r->approximations[0];
}

TEST(SearchRanking, IdentityWordsRankAboveBodyText) {
  // Two pages of the same length mention "holt" once; on the second it is also the patient's
  // name as extracted, so it ranks first.
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::int64_t batch = *store->BeginBatch("r");
  const std::int64_t a = AddSource(*store, batch, "/a.pdf", "a");
  const std::int64_t b = AddSource(*store, batch, "/b.pdf", "b");
  auto first = store->PutPage(TextPage(batch, a, 1, "seen by doctor holt for review today"));
  PageWrite named = TextPage(batch, b, 1, "patient holt seen for review today again");
  named.fields = {F("patient_name", "Mary Holt")};
  auto second = store->PutPage(named);
  ASSERT_TRUE(first.ok() && second.ok());
  auto r = store->Search("holt", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 2u);
  EXPECT_EQ(r->hits[0].page_id, *second);
  EXPECT_GT(r->hits[0].score, r->hits[1].score);
}

TEST_F(QueryStore, FilterOnlyQueriesListNewestDocumentsFirst) {
  auto r = store_->Search("mrn:00482913", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 3u);
  EXPECT_EQ(r->hits[0].page_id, P(2));  // 2021 lab report before the 2019 summary
  EXPECT_EQ(r->hits[1].page_id, P(0));
  EXPECT_EQ(r->hits[2].page_id, P(1));
}

TEST_F(QueryStore, PagingRunsThroughExactThenApproximateHits) {
  SearchOptions o;
  o.limit = 1;
  std::vector<std::int64_t> seen;
  std::vector<bool> approx;
  for (int off = 0; off < 3; ++off) {
    o.offset = off;
    auto r = store_->Search("00482913", o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->total, 2);
    for (const SearchHit& h : r->hits) {
      seen.push_back(h.page_id);
      approx.push_back(h.approximate);
    }
  }
  EXPECT_EQ(seen, (Ids{P(0), P(2)}));
  EXPECT_EQ(approx, (std::vector<bool>{false, true}));
}

TEST_F(QueryStore, MalformedQueriesSayWhatIsWrong) {
  EXPECT_NE(Error("dob:1952-13-01").find("dob:"), std::string::npos);
  EXPECT_NE(Error("type:invoice").find("the types are"), std::string::npos);
  EXPECT_NE(Error("date:2019-05..2018").find("ends before it starts"), std::string::npos);
  EXPECT_NE(Error("date:yesterday").find("date:"), std::string::npos);
  EXPECT_NE(Error("batch:abc").find("batch:"), std::string::npos);
  EXPECT_NE(Error("mrn:\"\"").find("needs a value"), std::string::npos);
  EXPECT_NE(Error("mrn:12;drop").find("letters and digits"), std::string::npos);
  EXPECT_NE(Error("name:\"margaret").find("unclosed"), std::string::npos);
  EXPECT_NE(Error("dob:1952*").find("does not take"), std::string::npos);
  EXPECT_NE(Error("OR mrn:1").find("OR"), std::string::npos);
}

TEST_F(QueryStore, UnknownFieldIsSearchedAsText) {
  // "BP:120/80" is not a filter; it is looked up as the words it contains.
  EXPECT_EQ(Search("BP:120/80").total, 0);
  EXPECT_EQ(Search("Patient:Robert").exact, (Ids{P(3)}));  // the phrase "patient robert"
}

TEST(SearchIndex, ReplacedPageIsReindexedAndTheStoreStaysWhole) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::int64_t batch = *store->BeginBatch("r");
  const std::int64_t src = AddSource(*store, batch, "/a.pdf", "a");
  PageWrite first = TextPage(batch, src, 1, "warfarin held before surgery");
  first.fields = {F("mrn", "00111222")};
  ASSERT_TRUE(store->PutPage(first).ok());
  EXPECT_EQ(store->Search("warfarin", {})->total, 1);
  EXPECT_EQ(store->Search("00111222", {})->total, 1);  // from the identity column
  PageWrite again = TextPage(batch, src, 1, "apixaban continued after surgery");
  ASSERT_TRUE(store->PutPage(again).ok());
  EXPECT_EQ(store->Search("warfarin", {})->total, 0);
  EXPECT_EQ(store->Search("00111222", {})->total, 0);
  EXPECT_EQ(store->Search("apixaban", {})->total, 1);
  auto check = store->Check(false);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->indexed_pages, 1);
  for (const std::string& p : check->problems) ADD_FAILURE() << p;
}

TEST(SearchIndex, BulkPutPagesStoresAllOrNothing) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const std::int64_t batch = *store->BeginBatch("bulk");
  const std::int64_t src = AddSource(*store, batch, "/bulk.pdf", "bulk", 3);
  std::vector<PageWrite> pages = {TextPage(batch, src, 1, "alpha one"),
                                  TextPage(batch, src, 2, "beta two"),
                                  TextPage(batch, src, 0, "not 1-based")};
  EXPECT_EQ(store->PutPages(pages).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Search("alpha", {})->total, 0);
  pages[2] = TextPage(batch, src, 3, "gamma three");
  auto ids = store->PutPages(pages);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_EQ(store->Search("alpha OR beta OR gamma", {})->total, 3);
  auto check = store->Check(false);
  ASSERT_TRUE(check.ok());
  for (const std::string& p : check->problems) ADD_FAILURE() << p;
}

// Random queries built from the language's pieces and from junk: every one is answered or
// refused as kInvalidArgument with a message, never another error, never a crash.
TEST_F(QueryStore, RandomQueriesAreAnsweredOrRefusedWithAMessage) {
  const std::vector<std::string> pieces = {"warfarin",
                                           "00482913",
                                           "0O482913",
                                           "E11.9",
                                           "\"",
                                           "(",
                                           ")",
                                           "OR",
                                           "AND",
                                           "NOT",
                                           "*",
                                           "mrn:",
                                           "mrn:0048*",
                                           "name:",
                                           "name:\"margret",
                                           "name:\"johnson\"",
                                           "dob:1952-03-14",
                                           "dob:1952-02-30",
                                           "type:lab",
                                           "type:",
                                           "date:2019..",
                                           "date:..",
                                           "date:2019-13",
                                           "batch:1",
                                           "batch:-1",
                                           "code:E11",
                                           "code:E11.*",
                                           "code:Ell.9",
                                           ":",
                                           "{",
                                           "}",
                                           "^",
                                           "-",
                                           "+",
                                           "'",
                                           "NEAR(a b)",
                                           "col:x",
                                           "\\",
                                           "\xc3\xa9",
                                           "%",
                                           "_",
                                           "\t",
                                           "margaret",
                                           "x*y",
                                           "\"\"",
                                           "\"a\"*",
                                           "NOT NOT",
                                           "( )",
                                           "OR OR",
                                           "AND)"};
  std::uint32_t state = 12345;
  auto next = [&]() {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int answered = 0;
  int refused = 0;
  for (int i = 0; i < 400; ++i) {
    std::string q;
    const int n = 1 + static_cast<int>(next() % 6);
    for (int k = 0; k < n; ++k) {
      if (!q.empty() && next() % 3 != 0) q += ' ';
      q += pieces[next() % pieces.size()];
    }
    auto r = store_->Search(q, {});
    if (r.ok()) {
      ++answered;
      continue;
    }
    ++refused;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument)
        << q << ": " << r.status().ToString();
    EXPECT_FALSE(r.status().message().empty()) << q;
    EXPECT_EQ(std::string(r.status().message()).find("SQL"), std::string::npos) << q;
    EXPECT_EQ(std::string(r.status().message()).find("fts5"), std::string::npos) << q;
  }
  EXPECT_GT(answered, 50);
  EXPECT_GT(refused, 50);
}

// One batch of one source of `count` pages, page i (1-based) reading text(i).
struct NumberedPages {
  std::int64_t batch = 0, source = 0;
  std::vector<std::int64_t> ids;
};
NumberedPages PutNumberedPages(Store& store, const std::string& name, int count,
                               const std::function<std::string(int)>& text) {
  NumberedPages out;
  out.batch = *store.BeginBatch(name);
  out.source = AddSource(store, out.batch, "/" + name + ".pdf", name, count);
  std::vector<PageWrite> pages;
  for (int i = 1; i <= count; ++i) pages.push_back(TextPage(out.batch, out.source, i, text(i)));
  auto ids = store.PutPages(pages);
  EXPECT_TRUE(ids.ok()) << ids.status().ToString();
  if (ids.ok()) out.ids = *ids;
  return out;
}

// Page 7 says "fever" three times: it ranks first whenever it is among those ranked.
std::string Fever(int i) {
  return i == 7 ? "fever fever fever noted" : "fever noted on page " + std::to_string(i);
}

TEST(SearchIndex, BroadQueriesCountAndRankAtMostMaxRanked) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const NumberedPages put = PutNumberedPages(*store, "broad", 150, Fever);
  const std::int64_t batch = put.batch;
  const std::vector<std::int64_t>& ids = put.ids;
  ASSERT_EQ(ids.size(), 150u);
  SearchOptions all;
  all.max_ranked = 1000;
  auto full = store->Search("fever", all);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->total, 150);
  EXPECT_FALSE(full->total_capped);
  EXPECT_EQ(full->hits[0].page_id, ids[6]);

  SearchOptions capped;
  capped.max_ranked = 100;
  capped.limit = 5;
  auto r = store->Search("fever", capped);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->total_capped);
  EXPECT_EQ(r->total, 100);
  // Ranked among the 100 most recent pages (51..150): page 7 is not among them.
  for (const SearchHit& h : r->hits) EXPECT_GT(h.page_id, ids[49]);
  // Filter-only and capped: most recently stored first.
  auto f = store->Search("batch:" + std::to_string(batch), capped);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->total_capped);
  ASSERT_EQ(f->hits.size(), 5u);
  EXPECT_EQ(f->hits[0].page_id, ids[149]);
  // A narrower query is ranked over every match again.
  auto narrow = store->Search("\"fever fever\"", capped);
  ASSERT_TRUE(narrow.ok());
  EXPECT_FALSE(narrow->total_capped);
  ASSERT_EQ(narrow->hits.size(), 1u);
  EXPECT_EQ(narrow->hits[0].page_id, ids[6]);
  capped.max_ranked = 99;
  EXPECT_EQ(store->Search("fever", capped).status().code(), StatusCode::kInvalidArgument);
}

TEST(SearchIndex, FilterDrivenQueriesRankAndCapAsIndexDrivenOnes) {
  // A filter that picks few pages (here a batch of 150) drives the search, probing the index for
  // each page; its matches are ordered in memory (search.cc RankMatches): the same ranking, and
  // when capped the same most recent pages, as when the index drives.
  TempDir dir;
  auto store = OpenStore(dir.path());
  const NumberedPages put = PutNumberedPages(*store, "driven", 150, Fever);
  const std::int64_t batch = put.batch;
  const std::vector<std::int64_t>& ids = put.ids;
  ASSERT_EQ(ids.size(), 150u);
  const std::string query = "batch:" + std::to_string(batch) + " fever";
  SearchOptions all;
  all.max_ranked = 1000;
  all.limit = 150;
  auto full = store->Search(query, all);
  auto unfiltered = store->Search("fever", all);
  ASSERT_TRUE(full.ok());
  ASSERT_TRUE(unfiltered.ok());
  EXPECT_EQ(full->total, 150);
  ASSERT_EQ(full->hits.size(), unfiltered->hits.size());
  for (std::size_t i = 0; i < full->hits.size(); ++i) {
    EXPECT_EQ(full->hits[i].page_id, unfiltered->hits[i].page_id) << i;
    EXPECT_EQ(full->hits[i].score, unfiltered->hits[i].score) << i;
  }
  EXPECT_EQ(full->hits[0].page_id, ids[6]);

  SearchOptions capped;
  capped.max_ranked = 100;
  capped.limit = 100;
  auto r = store->Search(query, capped);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->total_capped);
  EXPECT_EQ(r->total, 100);
  ASSERT_EQ(r->hits.size(), 100u);
  for (const SearchHit& h : r->hits) EXPECT_GT(h.page_id, ids[49]);
}

TEST(SearchIndex, BroadFiltersWalkedNewestFirstListAsFiltersListedWhole) {
  // 240 one-page documents: a filter-only query on broad filters walks pages newest
  // first and stops at max_ranked + 1 (search.cc WalkMatches), or, one filter on more documents
  // than max_ranked, reads only the newest pages. Capped or not, at any offset, it must list what
  // the filters listed whole list.
  TempDir dir;
  auto store = OpenStore(dir.path());
  const NumberedPages put = PutNumberedPages(
      *store, "walk", 240, [](int i) { return "page " + std::to_string(i) + " potassium noted"; });
  const std::int64_t batch = put.batch;
  const std::int64_t src = put.source;
  const std::vector<std::int64_t>& ids = put.ids;
  ASSERT_EQ(ids.size(), 240u);
  AssemblyWrite a;
  a.batch_id = batch;
  a.source_ids = {src};
  a.charts.push_back({0, "00110011", "Ann Lee", "1950-01-01"});
  const char* types[] = {"progress_note", "lab_report", "progress_note", "discharge_summary"};
  for (int d = 0; d < 240; ++d) {
    DocumentWrite w;
    w.page_ids.push_back(ids[static_cast<std::size_t>(d)]);
    w.type.name = types[d % 4];
    w.type.confidence = 0.9;
    // Dates run backwards against storage order in part, so date order and newest first differ.
    w.date_of_service =
        "20" + std::to_string(10 + (d * 7) % 13) + "-0" + std::to_string(1 + d % 9) + "-15";
    w.boundary = "source";
    w.chart = 0;
    Field cpt;
    cpt.name = "cpt";
    cpt.value = cpt.normalized = d % 3 == 0 ? "80053" : "85025";
    cpt.confidence = 0.9;
    w.fields.push_back(cpt);
    a.documents.push_back(w);
  }
  auto r = store->Assemble(a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  for (const std::int64_t cap : {100, 1000}) {
    SearchOptions listed;
    listed.max_ranked = cap;
    listed.broad_filter_documents = 1'000'000;
    SearchOptions walked = listed;
    walked.broad_filter_documents = 1;
    for (const char* q : {"type:progress_note", "code:85025", "code:80053", "date:2010..2018",
                          "type:progress_note code:85025", "code:8505*", "potassium code:85025",
                          "type:progress_note NOT code:80053", "date:2010..2022 type:progress_note",
                          "code:85025 date:2010..2030"}) {
      for (const int offset : {0, 50, 95, 119}) {
        listed.offset = walked.offset = offset;
        EXPECT_EQ(Outcome(*store, q, walked), Outcome(*store, q, listed))
            << q << " cap " << cap << " offset " << offset;
      }
    }
  }
  SearchOptions capped;
  capped.max_ranked = 100;
  capped.broad_filter_documents = 1;
  capped.limit = 3;
  auto newest = store->Search("type:progress_note", capped);
  ASSERT_TRUE(newest.ok());
  EXPECT_TRUE(newest->total_capped);
  ASSERT_EQ(newest->hits.size(), 3u);
  EXPECT_EQ(newest->hits[0].page_id, ids[238]);  // the newest progress note
}

TEST(QueryParser, NestsAndFlattensOperators) {
  auto q = ParseQuery("a b c OR d");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->kind, QueryNode::Kind::kOr);
  ASSERT_EQ(q->children.size(), 2u);
  EXPECT_EQ(q->children[0].kind, QueryNode::Kind::kAnd);
  EXPECT_EQ(q->children[0].children.size(), 3u);
  auto f = ParseQuery("code:e11* name:\"Ann Lee\" date:2019-1..2019-12");
  EXPECT_FALSE(f.ok());  // 2019-1 is not a month
  auto g = ParseQuery("code:e11* name:\"Ann Lee\"");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->children[0].text, "E11");
  EXPECT_TRUE(g->children[0].prefix);
  EXPECT_EQ(g->children[1].text, "Ann Lee");
  EXPECT_FALSE(IsTextOnly(*g));
}

TEST(Fuzzy, ConfusionsCanonicalizeAlike) {
  EXPECT_EQ(ConfusionCanonical("0O482913"), ConfusionCanonical("00482913"));
  EXPECT_EQ(ConfusionCanonical("E1l.9"), ConfusionCanonical("E11.9"));
  EXPECT_EQ(ConfusionCanonical("5B"), ConfusionCanonical("S8"));
  EXPECT_NE(ConfusionCanonical("00482913"), ConfusionCanonical("00482914"));
  std::vector<std::string> v = ConfusionVariants("A10");
  EXPECT_NE(std::find(v.begin(), v.end(), "ai0"), v.end());
  EXPECT_NE(std::find(v.begin(), v.end(), "a1o"), v.end());
  EXPECT_EQ(std::find(v.begin(), v.end(), "a10"), v.end());
}

TEST(Fuzzy, PhoneticKeyGroupsSoundAlikeNames) {
  EXPECT_EQ(PhoneticKey("Catherine"), PhoneticKey("Kathryn"));
  EXPECT_EQ(PhoneticKey("Smith"), PhoneticKey("Smyth"));
  EXPECT_EQ(PhoneticKey("John"), PhoneticKey("Jon"));
  EXPECT_EQ(PhoneticKey("Margaret"), PhoneticKey("Margret"));
  EXPECT_EQ(PhoneticKey("Philips"), PhoneticKey("Filips"));
  EXPECT_NE(PhoneticKey("Smith"), PhoneticKey("Jones"));
  EXPECT_NE(PhoneticKey("Johnson"), PhoneticKey("Johnston"));
}

TEST(Fuzzy, EditDistanceCountsTranspositionAsOne) {
  EXPECT_EQ(EditDistance("margaret", "margret"), 1);
  EXPECT_EQ(EditDistance("johnson", "jonhson"), 1);
  EXPECT_EQ(EditDistance("smith", "smith"), 0);
  EXPECT_EQ(EditDistance("", "abc"), 3);
}

TEST(Fuzzy, VocabularyFindsNamesWithinOneEditOrSoundingAlike) {
  Vocabulary v;
  v.AddName("Margaret Johnson", true);
  v.AddName("Kathryn Doyle", true);
  v.AddName("Robert Smith", true);
  v.Finish();
  std::vector<std::string> m = v.SimilarNames("Margret");
  EXPECT_EQ(m, (std::vector<std::string>{"margaret"}));
  EXPECT_EQ(v.SimilarNames("Catherine"), (std::vector<std::string>{"kathryn"}));
  EXPECT_TRUE(v.SimilarNames("Margaret").empty());  // itself is not "similar"
  EXPECT_TRUE(v.SimilarNames("Wilson").empty());
}

TEST(Fuzzy, AnotherPatientsNameIsNotAMisreadingOfAKnownName) {
  Vocabulary v;
  v.AddName("Margaret Johnson", true);
  v.AddName("Paul Johnston", true);
  v.AddName("Margret Johnson", false);  // as a page read it
  v.Finish();
  EXPECT_EQ(v.SimilarNames("johnson"), std::vector<std::string>{});
  EXPECT_EQ(v.SimilarNames("margaret"), (std::vector<std::string>{"margret"}));
  // A spelling nobody has is widened to every name of record near it.
  Vocabulary s;
  s.AddName("Anna Smith", true);
  s.AddName("Paul Smyth", true);
  s.Finish();
  EXPECT_TRUE(s.SimilarNames("smith").empty());
  std::vector<std::string> both = s.SimilarNames("smth");
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (std::vector<std::string>{"smith", "smyth"}));
}

TEST(Fuzzy, MisreadLetterGroupsCountAsOneEdit) {
  EXPECT_EQ(OcrCanonical("Tirnothy"), OcrCanonical("timothy"));
  EXPECT_EQ(OcrCanonical("davicl"), OcrCanonical("David"));
  EXPECT_EQ(OcrCanonical("miclielle"), OcrCanonical("michelle"));
  Vocabulary v;
  v.AddName("Timothy Jones", true);
  v.AddName("Michelle Hill", true);
  v.Finish();
  EXPECT_EQ(v.SimilarNames("tirnothy"), (std::vector<std::string>{"timothy"}));
  EXPECT_EQ(v.SimilarNames("miclielle"), (std::vector<std::string>{"michelle"}));
}

}  // namespace
}  // namespace chartscan::indexer
