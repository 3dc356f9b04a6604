// The synthetic archive: a pure function of its options, about 300 words a page, OCR errors at
// the rates asked for (and recorded), a query set whose every query finds something, and a small
// archive written into a real store and read back.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include <chartscan/indexer/store.h>
#include <chartscan/samples/archive.h>
#include <chartscan/samples/archive_queries.h>
#include <chartscan/samples/archive_store.h>

namespace chartscan::samples::archive {
namespace {

ArchiveOptions Small(std::int64_t pages, int patients, std::uint64_t seed = 7) {
  ArchiveOptions o;
  o.seed = seed;
  o.pages = pages;
  o.patients = patients;
  o.pages_per_batch = 500;
  return o;
}

std::vector<ArchiveDocument> All(const Archive& a) {
  std::vector<ArchiveDocument> docs;
  EXPECT_TRUE(a.ForEachDocument([&](const ArchiveDocument& d) {
                 docs.push_back(d);
                 return Status::Ok();
               }).ok());
  return docs;
}

int Words(const std::string& s) {
  int n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

TEST(Archive, SameSeedSameText) {
  const Archive a(Small(400, 20));
  const Archive b(Small(400, 20));
  const Archive c(Small(400, 20, /*seed=*/8));
  for (int p : {0, 7, 19}) {
    auto da = a.PatientDocuments(p);
    auto db = b.PatientDocuments(p);
    ASSERT_EQ(da.size(), db.size());
    for (std::size_t d = 0; d < da.size(); ++d) {
      EXPECT_EQ(da[d].path, db[d].path);
      ASSERT_EQ(da[d].pages.size(), db[d].pages.size());
      for (std::size_t k = 0; k < da[d].pages.size(); ++k) {
        EXPECT_EQ(da[d].pages[k].text, db[d].pages[k].text);
        EXPECT_EQ(da[d].pages[k].truth, db[d].pages[k].truth);
      }
    }
  }
  EXPECT_NE(a.PatientDocuments(0)[0].pages[0].truth, c.PatientDocuments(0)[0].pages[0].truth);
  // A patient's documents do not depend on the patients streamed before it.
  auto streamed = All(a);
  auto alone = a.PatientDocuments(19);
  auto it = std::find_if(streamed.begin(), streamed.end(),
                         [](const ArchiveDocument& d) { return d.patient == 19; });
  ASSERT_NE(it, streamed.end());
  EXPECT_EQ(it->pages[0].text, alone[0].pages[0].text);
}

TEST(Archive, RosterHasUniqueMrnsAndSharesEveryPage) {
  ArchiveOptions o = Small(20'000, 0);
  const Archive a(o);
  ASSERT_EQ(a.patients().size(), 1000u);  // one per 20 pages by default
  std::set<std::string> mrns;
  std::int64_t pages = 0;
  const std::regex iso(R"(\d{4}-\d{2}-\d{2})");
  for (const Patient& p : a.patients()) {
    EXPECT_EQ(p.mrn.size(), 8u);
    EXPECT_TRUE(std::all_of(p.mrn.begin(), p.mrn.end(), ::isdigit)) << p.mrn;
    EXPECT_TRUE(mrns.insert(p.mrn).second) << p.mrn;
    EXPECT_TRUE(std::regex_match(p.dob, iso)) << p.dob;
    EXPECT_EQ(p.first_page, pages);
    EXPECT_GE(p.pages, 1);
    pages += p.pages;
  }
  EXPECT_EQ(pages, o.pages);
}

TEST(Archive, PagesHoldAbout300WordsWithTheirHeader) {
  const Archive a(Small(1500, 75));
  const auto docs = All(a);
  std::int64_t words = 0;
  std::int64_t pages = 0;
  std::int64_t next = 0;
  std::set<std::string> types;
  for (const ArchiveDocument& d : docs) {
    types.insert(d.type);
    const Patient& p = a.patients()[static_cast<std::size_t>(d.patient)];
    EXPECT_GE(d.date_of_service, "2005-01-01");
    EXPECT_LE(d.date_of_service, "2024-12-31");
    for (const ArchivePage& page : d.pages) {
      EXPECT_EQ(page.ordinal, next++);
      const int w = Words(page.truth);
      EXPECT_GE(w, 200) << d.path << " page " << page.page;
      EXPECT_LE(w, 420) << d.path << " page " << page.page;
      words += w;
      ++pages;
      const std::string dob =
          p.dob.substr(5, 2) + "/" + p.dob.substr(8, 2) + "/" + p.dob.substr(0, 4);
      EXPECT_NE(page.truth.find("Patient: " + p.full_name() + "  MRN: " + p.mrn + "  DOB: " + dob),
                std::string::npos)
          << page.truth.substr(0, 200);
      EXPECT_NE(page.truth.find("Page " + std::to_string(page.page) + " of " +
                                std::to_string(d.pages.size())),
                std::string::npos);
    }
    for (const char* name : {"patient_name", "mrn", "dob", "date_of_service", "provider"}) {
      EXPECT_TRUE(std::any_of(d.fields.begin(), d.fields.end(), [&](const Field& f) {
        return f.name == name;
      })) << name;
    }
  }
  EXPECT_EQ(pages, 1500);
  const double mean = static_cast<double>(words) / static_cast<double>(pages);
  EXPECT_GT(mean, 285);
  EXPECT_LT(mean, 325);
  EXPECT_EQ(types.size(), 10u);
}

TEST(Archive, InjectsErrorsAtTheConfiguredRates) {
  ArchiveOptions o = Small(3000, 150);
  o.errors = {0.05, 0.02, 0.05, 0.02, 0.01, 0.01};
  const Archive a(o);
  std::map<ErrorKind, double> count;
  ErrorOpportunities opp;
  std::int64_t error_pages = 0;
  for (const ArchiveDocument& d : All(a)) {
    for (const ArchivePage& p : d.pages) {
      for (const InjectedError& e : p.errors) {
        ++count[e.kind];
        EXPECT_NE(e.truth, e.printed);
        EXPECT_NE(p.text.find(e.printed), std::string::npos) << e.printed;
      }
      EXPECT_EQ(p.text == p.truth, p.errors.empty());
      error_pages += p.errors.empty() ? 0 : 1;
      opp.confusable_identifiers += p.opportunities.confusable_identifiers;
      opp.identifiers += p.opportunities.identifiers;
      opp.names += p.opportunities.names;
      opp.letter_words += p.opportunities.letter_words;
      opp.long_words += p.opportunities.long_words;
      opp.merge_words += p.opportunities.merge_words;
    }
  }
  auto rate = [](double n, int of) { return n / static_cast<double>(of); };
  // Each kind is drawn only when the kinds before it on that word were not, hence the margins.
  EXPECT_NEAR(rate(count[ErrorKind::kConfusion], opp.confusable_identifiers), 0.05, 0.01);
  EXPECT_NEAR(rate(count[ErrorKind::kDigit], opp.identifiers), 0.02 * 0.97, 0.006);
  EXPECT_NEAR(rate(count[ErrorKind::kName], opp.names), 0.05, 0.012);
  EXPECT_NEAR(rate(count[ErrorKind::kMerge], opp.merge_words), 0.01, 0.003);
  EXPECT_NEAR(rate(count[ErrorKind::kSplit], opp.long_words), 0.01, 0.003);
  EXPECT_NEAR(rate(count[ErrorKind::kLetters], opp.letter_words), 0.02 * 0.98, 0.005);
  EXPECT_GT(error_pages, 0);
}

TEST(Archive, ErrorsNeverChangeTheCleanText) {
  ArchiveOptions clean = Small(300, 15);
  clean.errors = {0, 0, 0, 0, 0, 0};
  ArchiveOptions noisy = Small(300, 15);
  noisy.errors = {0.2, 0.05, 0.2, 0.05, 0.02, 0.02};
  const auto a = All(Archive(clean));
  const auto b = All(Archive(noisy));
  ASSERT_EQ(a.size(), b.size());
  int differ = 0;
  for (std::size_t d = 0; d < a.size(); ++d) {
    for (std::size_t k = 0; k < a[d].pages.size(); ++k) {
      EXPECT_EQ(a[d].pages[k].text, a[d].pages[k].truth);
      EXPECT_TRUE(a[d].pages[k].errors.empty());
      EXPECT_EQ(a[d].pages[k].truth, b[d].pages[k].truth);
      differ += b[d].pages[k].text != b[d].pages[k].truth;
    }
  }
  EXPECT_GT(differ, 250);
}

TEST(Archive, PageFieldsKeepWhatWasPrinted) {
  ArchiveOptions o = Small(2000, 100);
  o.errors.identifier_confusion = 0.3;
  const Archive a(o);
  int misread_mrns = 0;
  for (const ArchiveDocument& d : All(a)) {
    const Patient& p = a.patients()[static_cast<std::size_t>(d.patient)];
    for (const ArchivePage& page : d.pages) {
      for (const Field& f : page.fields) {
        if (f.name != "mrn") continue;
        EXPECT_NE(page.text.find("MRN: " + f.value), std::string::npos);
        if (f.value != p.mrn) {
          ++misread_mrns;
          EXPECT_LT(f.confidence, 0.8);
          EXPECT_TRUE(f.needs_review);
        }
      }
    }
  }
  EXPECT_GT(misread_mrns, 50);
}

TEST(ArchiveQueries, EveryQueryFindsPagesAndAgreesWithTheReference) {
  const Archive a(Small(2000, 100));
  std::vector<ArchiveQuery> queries = ChooseQueries(a, 7);
  EXPECT_GE(queries.size(), 1000u);
  std::map<QueryCategory, int> per;
  for (const ArchiveQuery& q : queries) ++per[q.category];
  EXPECT_EQ(per.size(), static_cast<std::size_t>(kQueryCategoryCount));
  GroundTruth truth(queries);
  const auto docs = All(a);
  for (const ArchiveDocument& d : docs) truth.Observe(d);
  queries = truth.Finish();
  for (const ArchiveQuery& q : queries) {
    EXPECT_FALSE(q.expected.empty()) << RenderQuery(q.root);
  }
  // The anchored evaluation finds exactly what testing every page would.
  for (std::size_t i = 0; i < queries.size(); i += 97) {
    std::vector<std::int64_t> slow;
    for (const ArchiveDocument& d : docs) {
      for (const ArchivePage& p : d.pages) {
        if (GroundTruth::Matches(queries[i].root, d, p)) slow.push_back(p.ordinal);
      }
    }
    EXPECT_EQ(slow, queries[i].expected) << RenderQuery(queries[i].root);
  }
  // Approximate queries find pages whose printed text does not hold what was meant.
  int misread = 0;
  for (const ArchiveQuery& q : queries) {
    if (q.category != QueryCategory::kApproxIdentifier) continue;
    for (std::int64_t o : q.expected) {
      for (const ArchiveDocument& d : docs) {
        for (const ArchivePage& p : d.pages) {
          if (p.ordinal == o && p.text.find(q.root.truth) == std::string::npos) ++misread;
        }
      }
    }
  }
  EXPECT_GT(misread, 0);
}

TEST(ArchiveQueries, RenderInSearchSyntaxAndRoundTripAsJson) {
  QueryNode mrn{QueryNode::Kind::kMrn, "00482913", "", 0, {}};
  QueryNode word{QueryNode::Kind::kTerm, "warfarin", "", 0, {}};
  QueryNode other{QueryNode::Kind::kTerm, "apixaban", "", 0, {}};
  QueryNode either{QueryNode::Kind::kOr, "", "", 0, {word, other}};
  QueryNode both{QueryNode::Kind::kAnd, "", "", 0, {mrn, either}};
  EXPECT_EQ(RenderQuery(both), "mrn:00482913 (warfarin OR apixaban)");
  QueryNode range{QueryNode::Kind::kDate, "2019-01", "2019-12", 0, {}};
  QueryNode type{QueryNode::Kind::kType, "discharge_summary", "", 0, {}};
  QueryNode batch{QueryNode::Kind::kBatch, "", "", 2, {}};
  QueryNode phrase{QueryNode::Kind::kPhrase, "chest pain", "", 0, {}};
  QueryNode name{QueryNode::Kind::kName, "margaret johnson", "", 0, {}};
  QueryNode all{QueryNode::Kind::kAnd, "", "", 0, {range, type, batch, phrase, name}};
  EXPECT_EQ(RenderQuery(all, {11, 12, 13}),
            "date:2019-01..2019-12 type:discharge_summary batch:13 \"chest pain\" "
            "name:\"margaret johnson\"");
  QueryNode neg{QueryNode::Kind::kNot, "", "", 0, {either, word}};
  EXPECT_EQ(RenderQuery(neg), "(warfarin OR apixaban) NOT warfarin");

  ArchiveQuery q;
  q.id = 3;
  q.category = QueryCategory::kBoolean;
  q.root = all;
  q.expected = {0, 2};
  const std::vector<std::int64_t> ids = {100, 101, 102};
  const std::string line = QueryJsonLine(q, {11, 12, 13}, &ids, nullptr);
  std::vector<std::int64_t> back_ids;
  auto back = ParseQueryJsonLine(line, &back_ids);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, 3);
  EXPECT_EQ(back->category, QueryCategory::kBoolean);
  EXPECT_EQ(RenderQuery(back->root), RenderQuery(all));
  EXPECT_EQ(back_ids, (std::vector<std::int64_t>{100, 102}));
}

TEST(ArchiveQueries, VariantsCoverTheConfusions) {
  auto ids = IdentifierVariants("0O482913", 1);
  EXPECT_TRUE(std::count(ids.begin(), ids.end(), "00482913"));
  EXPECT_FALSE(std::count(ids.begin(), ids.end(), "0o482913"));  // the word itself
  auto two = IdentifierVariants("0O482913", 2);
  EXPECT_TRUE(std::count(two.begin(), two.end(), "00482913"));
  EXPECT_TRUE(std::count(two.begin(), two.end(), "004829i3"));
  auto names = NameVariants("Margret");
  EXPECT_TRUE(std::count(names.begin(), names.end(), "margaret"));
  auto m = NameVariants("rnartin");
  EXPECT_TRUE(std::count(m.begin(), m.end(), "martin"));
}

TEST(ArchiveQueries, ReferenceTokensKeepIdentifiersWhole) {
  auto t = ReferenceTokens("Dx: (E11.9), DOB: 03/14/1952; O'Brien -- 97%");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0], (std::vector<std::string>{"dx"}));
  EXPECT_EQ(t[1], (std::vector<std::string>{"e11.9", "e11", "9"}));
  EXPECT_EQ(t[3], (std::vector<std::string>{"03/14/1952", "03", "14", "1952"}));
  EXPECT_EQ(t[4], (std::vector<std::string>{"o"}));
  EXPECT_EQ(t[5], (std::vector<std::string>{"brien"}));
  EXPECT_EQ(t[6], (std::vector<std::string>{"97"}));  // "--" is no token
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = (std::filesystem::path(::testing::TempDir()) /
             ("chartscan_archive_" + std::to_string(::getpid()) + "_" + std::to_string(n++)))
                .string();
    std::filesystem::remove_all(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ArchiveStore, SmallArchiveIsWrittenAndReadBack) {
  TempDir dir;
  indexer::StoreOptions so;
  so.dir = dir.path();
  auto store = indexer::Store::Open(so);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ArchiveOptions o = Small(200, 20);
  o.pages_per_batch = 80;
  const Archive a(o);
  WriteOptions w;
  w.pages_per_call = 50;
  int called = 0;
  auto written = WriteArchive(
      a, **store, w,
      [&](const ArchiveDocument& d, const std::vector<std::int64_t>& ids, std::int64_t batch) {
        ++called;
        EXPECT_EQ(ids.size(), d.pages.size());
        EXPECT_GT(batch, 0);
        return Status::Ok();
      });
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->pages, 200);
  EXPECT_EQ(called, written->documents);
  EXPECT_EQ(written->batch_ids.size(), 3u);  // 80 pages a batch, cut at documents

  auto stats = (*store)->Stats(std::nullopt);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->pages, 200);
  EXPECT_EQ(stats->sources, written->documents);
  EXPECT_EQ(stats->documents, written->documents);
  auto charts = (*store)->Charts();
  ASSERT_TRUE(charts.ok());
  EXPECT_EQ(charts->size(), 20u);  // one per patient, reused across PutPages calls

  const auto docs = All(a);
  const ArchivePage& first = docs[0].pages[0];
  auto page = (*store)->GetPage(written->page_ids[0]);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->text.text, first.text);
  EXPECT_EQ(page->source_path, docs[0].path);
  EXPECT_EQ(page->document_type.name, docs[0].type);
  EXPECT_EQ(page->chart_id, charts->front().chart_id);
  auto batches = (*store)->Batches();
  ASSERT_TRUE(batches.ok());
  for (const indexer::BatchInfo& b : *batches) EXPECT_EQ(b.state, indexer::BatchState::kDone);
}

TEST(ArchiveStore, DecorateAddsToEveryPageFromSeveralThreads) {
  TempDir dir;
  indexer::StoreOptions so;
  so.dir = dir.path();
  auto store = indexer::Store::Open(so);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const Archive a(Small(60, 6));
  WriteOptions w;
  w.pages_per_call = 25;
  w.decorate_threads = 3;
  std::atomic<int> calls{0};
  w.decorate = [&](const ArchiveDocument&, const ArchivePage& page, indexer::PageWrite& pw) {
    ++calls;
    Word word;
    word.text = "p" + std::to_string(page.ordinal);
    word.box = {10, 20, 30, 40};
    word.confidence = 90;
    pw.text.words = {word};
    pw.text.lines = {TextLine{{10, 20, 30, 40}, 0}};
    pw.text.text = word.text;
    return Status::Ok();
  };
  auto written = WriteArchive(a, **store, w);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(calls.load(), 60);
  for (std::int64_t ordinal : {0, 31, 59}) {
    auto page = (*store)->GetPage(written->page_ids[static_cast<std::size_t>(ordinal)]);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->text.words.size(), 1u);
    EXPECT_EQ(page->text.words[0].text, "p" + std::to_string(ordinal));
    EXPECT_EQ(page->text.words[0].box, (Box{10, 20, 30, 40}));
  }
}

TEST(ArchiveStore, DecorateErrorStopsTheWrite) {
  TempDir dir;
  indexer::StoreOptions so;
  so.dir = dir.path();
  auto store = indexer::Store::Open(so);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  WriteOptions w;
  w.decorate_threads = 2;
  w.decorate = [](const ArchiveDocument&, const ArchivePage& page, indexer::PageWrite&) {
    return page.ordinal == 7 ? Status::Internal("no image for page 7") : Status::Ok();
  };
  auto written = WriteArchive(Archive(Small(20, 2)), **store, w);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().message(), "no image for page 7");
  w.decorate_threads = 0;
  EXPECT_FALSE(w.Validate().ok());
}

}  // namespace
}  // namespace chartscan::samples::archive
