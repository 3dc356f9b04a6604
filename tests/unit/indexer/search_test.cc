#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <chartscan/indexer/store.h>

#include "test_store.h"

namespace chartscan::indexer {
namespace {

using testing::AddSource;
using testing::OpenStore;
using testing::TempDir;
using testing::TextPage;

// A store holding one page per text, each from its own source.
class SearchStore {
 public:
  explicit SearchStore(const std::vector<std::string>& texts) : store_(OpenStore(dir_.path())) {
    batch_ = store_->BeginBatch("search").value();
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::int64_t source = AddSource(*store_, batch_, "/scans/p" + std::to_string(i) + ".png",
                                      texts[i] + "#" + std::to_string(i));
      auto id = store_->PutPage(TextPage(batch_, source, 1, texts[i]));
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      ids_.push_back(id.value_or(0));
    }
  }
  Store& store() { return *store_; }
  std::int64_t id(std::size_t i) const { return ids_[i]; }

  std::int64_t Total(std::string_view query) {
    auto r = store_->Search(query, {});
    EXPECT_TRUE(r.ok()) << query << ": " << r.status().ToString();
    return r.ok() ? r->total : -1;
  }
  std::vector<std::int64_t> Ids(std::string_view query) {
    auto r = store_->Search(query, {});
    EXPECT_TRUE(r.ok()) << query << ": " << r.status().ToString();
    std::vector<std::int64_t> ids;
    if (r.ok()) {
      for (const SearchHit& h : r->hits) ids.push_back(h.page_id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

 private:
  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::int64_t batch_ = 0;
  std::vector<std::int64_t> ids_;
};

TEST(Store, SearchFindsIcdCodeWithTrailingPeriod) {
  SearchStore s({"Assessment: type 2 diabetes mellitus E11.9.", "Plan: recheck E11.65 in May"});
  auto r = s.store().Search("E11.9", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->total, 1);
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].page_id, s.id(0));
  EXPECT_NE(r->hits[0].snippet.find("[E11.9]."), std::string::npos) << r->hits[0].snippet;
  EXPECT_EQ(r->hits[0].source_path, "/scans/p0.png");
  EXPECT_EQ(r->hits[0].source_page, 1);
  // Typing the period too still finds it; a code is not a prefix of a longer code.
  EXPECT_EQ(s.Total("E11.9."), 1);
  EXPECT_EQ(s.Total("e11.9"), 1);
  EXPECT_EQ(s.Total("E11.6"), 0);
}

TEST(Store, SearchFindsPartsOfJoinedWords) {
  SearchStore s({"Seen by Dr.Smith for follow-up of E11.9 on 03/14/2024",
                 "E11.65 with hyperglycemia", "smithson"});
  EXPECT_EQ(s.Ids("smith"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("follow"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("2024"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("E11"), (std::vector<std::int64_t>{s.id(0), s.id(1)}));
  EXPECT_EQ(s.Ids("E11.9"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("\"follow-up of E11.9\""), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("\"Dr.Smith for\""), std::vector<std::int64_t>{s.id(0)});
  auto r = s.store().Search("smith", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_NE(r->hits[0].snippet.find("[Dr.Smith]"), std::string::npos) << r->hits[0].snippet;
}

TEST(Store, SearchMatchesIdentifiersAsWritten) {
  SearchStore s({"MRN: 00482913 DOB 03/14/1956 Dx I10, NDC 0002-8215-01",
                 "MRN 00482914 seen for follow-up. BP 140/90"});
  EXPECT_EQ(s.Ids("00482913"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("I10"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("03/14/1956"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("0002-8215-01"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("140/90"), std::vector<std::int64_t>{s.id(1)});
  EXPECT_EQ(s.Ids("follow-up"), std::vector<std::int64_t>{s.id(1)});
  EXPECT_EQ(s.Ids("MRN:"), (std::vector<std::int64_t>{s.id(0), s.id(1)}));
  EXPECT_EQ(s.Ids("0048291*"), (std::vector<std::int64_t>{s.id(0), s.id(1)}));
}

TEST(Store, SearchSupportsWordsPhrasesPrefixOrNotAndParentheses) {
  SearchStore s({"chest pain radiating to left arm", "left knee pain after fall",
                 "no chest pain today", "hypertension follow up"});
  EXPECT_EQ(s.Ids("pain left"), (std::vector<std::int64_t>{s.id(0), s.id(1)}));
  EXPECT_EQ(s.Ids("\"chest pain\""), (std::vector<std::int64_t>{s.id(0), s.id(2)}));
  EXPECT_EQ(s.Ids("\"pain chest\""), std::vector<std::int64_t>{});
  EXPECT_EQ(s.Ids("hyper*"), std::vector<std::int64_t>{s.id(3)});
  EXPECT_EQ(s.Ids("knee OR hypertension"), (std::vector<std::int64_t>{s.id(1), s.id(3)}));
  EXPECT_EQ(s.Ids("pain NOT chest"), std::vector<std::int64_t>{s.id(1)});
  EXPECT_EQ(s.Ids("pain AND today"), std::vector<std::int64_t>{s.id(2)});
  EXPECT_EQ(s.Ids("(knee OR arm) pain"), (std::vector<std::int64_t>{s.id(0), s.id(1)}));
  EXPECT_EQ(s.Ids("(knee OR arm) NOT fall"), std::vector<std::int64_t>{s.id(0)});
  EXPECT_EQ(s.Ids("CHEST Pain"), (std::vector<std::int64_t>{s.id(0), s.id(2)}));
  // Lower-case operators are ordinary words.
  EXPECT_EQ(s.Ids("knee or hypertension"), std::vector<std::int64_t>{});
}

TEST(Store, FtsSyntaxCharactersInWordsAreLiteral) {
  SearchStore s({"text:plain value^2 a+b NEAR done", "other page"});
  for (const char* q : {"text:plain", "value^2", "a+b", "NEAR(done)", "col:x", "plain -", "{text}",
                        "done:", "'done'"}) {
    auto r = s.store().Search(q, {});
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  }
  EXPECT_EQ(s.Total("text:plain"), 1);
  EXPECT_EQ(s.Total("NEAR(done)"), 1);
}

TEST(Store, MalformedQueryIsInvalidArgument) {
  SearchStore s({"chest pain"});
  for (const char* q :
       {"", "   ", "\"chest pain", "(chest pain", "chest pain)", "OR", "chest OR", "NOT chest",
        "chest NOT", "()", "*", "\"\"", "chest AND", "(chest) )",
        "((((((((((((((((((((((((((((((((((chest))))))))))))))))))))))))))))))))))"}) {
    auto r = s.store().Search(q, {});
    ASSERT_FALSE(r.ok()) << "accepted: " << q;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << q;
    EXPECT_EQ(r.status().message().find("fts5"), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find("syntax error"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("search query"), std::string::npos) << r.status().message();
  }
}

TEST(Store, BadSearchOptionsAreInvalidArgument) {
  SearchStore s({"chest pain"});
  SearchOptions o;
  o.limit = -1;
  EXPECT_EQ(s.store().Search("pain", o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.offset = -5;
  EXPECT_EQ(s.store().Search("pain", o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.snippet_tokens = 0;
  EXPECT_EQ(s.store().Search("pain", o).status().code(), StatusCode::kInvalidArgument);
}

TEST(Store, SearchTotalCountsAllMatches) {
  std::vector<std::string> texts;
  for (int i = 0; i < 30; ++i) {
    std::string t = "visit " + std::to_string(i) + ":";
    for (int k = 0; k <= i % 5; ++k) t += " hypertension";
    texts.push_back(t);
  }
  texts.push_back("unrelated page");
  SearchStore s(texts);
  SearchOptions o;
  o.limit = 10;
  std::vector<std::int64_t> seen;
  double last_score = 1e300;
  for (int offset : {0, 10, 20, 30}) {
    o.offset = offset;
    auto r = s.store().Search("hypertension", o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->total, 30);
    EXPECT_EQ(r->hits.size(), offset < 30 ? 10u : 0u);
    for (const SearchHit& h : r->hits) {
      EXPECT_LE(h.score, last_score);  // best first, across slices
      last_score = h.score;
      seen.push_back(h.page_id);
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a page appeared twice";
  EXPECT_EQ(seen.size(), 30u);
  o.limit = 0;
  o.offset = 0;
  auto count_only = s.store().Search("hypertension", o);
  ASSERT_TRUE(count_only.ok());
  EXPECT_EQ(count_only->total, 30);
  EXPECT_TRUE(count_only->hits.empty());
}

TEST(Store, BetterMatchesScoreHigher) {
  SearchStore s({"anemia noted once in a long note about many other things entirely",
                 "anemia anemia anemia"});
  auto r = s.store().Search("anemia", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 2u);
  EXPECT_EQ(r->hits[0].page_id, s.id(1));
  EXPECT_GT(r->hits[0].score, r->hits[1].score);
}

TEST(Store, SnippetUsesRequestedMarkers) {
  SearchStore s({"patient reports dizziness on standing"});
  SearchOptions o;
  o.highlight_begin = "<b>";
  o.highlight_end = "</b>";
  auto r = s.store().Search("dizz*", o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_NE(r->hits[0].snippet.find("<b>dizziness</b>"), std::string::npos) << r->hits[0].snippet;
}

TEST(Search, PrefixFindsTheSamePagesAsEveryWordStartingSo) {
  // A prefix is spelled out as the index's words with it (search.cc): the pages are those of
  // every such word, in either column, joined identifiers and their parts included, and no more.
  SearchStore s({"hemoglobin 13.2", "hemorrhage noted", "Hemodialysis on Tuesday", "hemp seed oil",
                 "the hem of the gown", "dx E11.9 follow-up", "dx E110 elsewhere", "HEMO-CHECK kit",
                 "nothing relevant"});
  EXPECT_EQ(s.Ids("hemo*"), (std::vector<std::int64_t>{s.id(0), s.id(1), s.id(2), s.id(7)}));
  EXPECT_EQ(s.Ids("hem*"),
            (std::vector<std::int64_t>{s.id(0), s.id(1), s.id(2), s.id(3), s.id(4), s.id(7)}));
  EXPECT_EQ(s.Ids("E11*"), (std::vector<std::int64_t>{s.id(5), s.id(6)}));
  EXPECT_EQ(s.Ids("hemo* NOT hemorrhage"), (std::vector<std::int64_t>{s.id(0), s.id(2), s.id(7)}));
  EXPECT_EQ(s.Ids("nothing NOT hemo*"), (std::vector<std::int64_t>{s.id(8)}));
  EXPECT_TRUE(s.Ids("xyzzy*").empty());
  auto r = s.store().Search("hemor*", {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_NE(r->hits[0].snippet.find("[hemorrhage]"), std::string::npos) << r->hits[0].snippet;
  EXPECT_TRUE(r->approximations.empty());
}

TEST(Search, VeryBroadPrefixKeepsItsMostFrequentWordsAndSaysSo) {
  // More words start with "zq" than a prefix is spelled out as: the most frequent are kept, and
  // the user is told.
  std::vector<std::string> texts;
  for (int i = 0; i < 100; ++i) texts.push_back("zqword" + std::to_string(i) + " once");
  for (int i = 0; i < 5; ++i) texts.push_back("zqcommon here");
  SearchStore s(texts);
  SearchOptions o;
  o.limit = 200;
  auto r = s.store().Search("zq*", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_LT(r->total, 105);
  EXPECT_GE(r->total, 5);
  std::vector<std::int64_t> ids;
  for (const SearchHit& h : r->hits) ids.push_back(h.page_id);
  for (std::size_t i = 100; i < 105; ++i) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), s.id(i)), ids.end()) << i;
  }
  ASSERT_EQ(r->approximations.size(), 1u);
  EXPECT_NE(r->approximations[0].find("zq*"), std::string::npos) << r->approximations[0];
  EXPECT_NE(r->approximations[0].find("of 101"), std::string::npos) << r->approximations[0];
  // A longer prefix is under the limit again: every page.
  EXPECT_EQ(s.Total("zqword1*"), 11);
  // Highlighting marks the words searched, not the ones left out.
  int marked = 0, unmarked = 0;
  for (std::size_t i = 0; i < 100; ++i) {
    const bool hit = std::find(ids.begin(), ids.end(), s.id(i)) != ids.end();
    auto words = s.store().MatchWords("zq*", s.id(i), /*approximate=*/true);
    ASSERT_TRUE(words.ok()) << words.status().ToString();
    EXPECT_EQ(*words, hit ? std::vector<int>{0} : std::vector<int>{}) << i;
    ++(hit ? marked : unmarked);
  }
  EXPECT_GT(marked, 0);
  EXPECT_GT(unmarked, 0);
}

}  // namespace
}  // namespace chartscan::indexer
