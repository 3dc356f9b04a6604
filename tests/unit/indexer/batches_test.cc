// Batches, their journal and claims, and the store check.
#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_store.h"

namespace chartscan::indexer {
namespace {

using testing::AddSource;
using testing::OpenStore;
using testing::TempDir;
using testing::TextPage;

BatchStart Start(const std::string& name, int sheets = 0, bool duplex = false) {
  BatchStart s;
  s.name = name;
  s.inputs = R"({"paths":["/in"]})";
  s.declared_sheets = sheets;
  s.duplex = duplex;
  return s;
}

int Stage(const BatchInfo& b, PageStage s) { return b.stages[static_cast<int>(s)]; }

TEST(Batches, NewBatchIsOpenAndLiveWhileClaimedThenInterrupted) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("morning"));
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  const std::int64_t id = (*claim)->batch_id();
  auto b = store->GetBatch(id);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->name, "morning");
  EXPECT_EQ(b->state, BatchState::kOpen);
  EXPECT_TRUE(b->live);
  EXPECT_EQ(b->inputs, R"({"paths":["/in"]})");
  claim->reset();  // the process "dies": the kernel drops its lock
  b = store->GetBatch(id);
  EXPECT_EQ(b->state, BatchState::kOpen);
  EXPECT_FALSE(b->live) << "an open batch nobody holds is interrupted";
}

TEST(Batches, ABatchHeldByAnotherClaimIsBusy) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("b"));
  ASSERT_TRUE(claim.ok());
  const std::int64_t id = (*claim)->batch_id();
  auto other = OpenStore(dir.path());  // as a second process would
  auto second = other->ClaimBatch(id);
  EXPECT_EQ(second.status().code(), StatusCode::kBusy);
  claim->reset();
  EXPECT_TRUE(other->ClaimBatch(id).ok());
}

TEST(Batches, UnknownOrDoneBatchCannotBeClaimed) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  EXPECT_EQ(store->ClaimBatch(42).status().code(), StatusCode::kNotFound);
  auto claim = store->CreateBatch(Start("b"));
  const std::int64_t id = (*claim)->batch_id();
  ASSERT_TRUE(store->FinishBatch(id).ok());
  claim->reset();
  EXPECT_EQ(store->GetBatch(id)->state, BatchState::kDone);
  EXPECT_NE(store->GetBatch(id)->finished_micros, 0);
  EXPECT_EQ(store->ClaimBatch(id).status().code(), StatusCode::kInvalidArgument);
}

TEST(Batches, PutPageJournalsIndexedOrFailedWithThePage) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("b"));
  const std::int64_t batch = (*claim)->batch_id();
  const std::int64_t source = AddSource(*store, batch, "/in/a.tif", "a", 3);
  ASSERT_TRUE(store->JournalArrived(batch, source, {1, 2, 3}).ok());
  ASSERT_TRUE(store->JournalStage(batch, source, 1, PageStage::kCleaned).ok());
  ASSERT_TRUE(store->JournalStage(batch, source, 2, PageStage::kRecognized).ok());
  ASSERT_TRUE(store->PutPage(TextPage(batch, source, 1, "first")).ok());
  PageWrite bad = TextPage(batch, source, 3, "");
  bad.error = "corrupt: page 3 could not be decoded";
  ASSERT_TRUE(store->PutPage(bad).ok());

  auto b = store->GetBatch(batch);
  EXPECT_EQ(b->pages, 3);
  EXPECT_EQ(b->done_pages(), 1);
  EXPECT_EQ(b->failed_pages(), 1);
  EXPECT_EQ(Stage(*b, PageStage::kRecognized), 1);
  auto journal = store->Journal(batch);
  ASSERT_EQ(journal->size(), 3u);
  EXPECT_EQ((*journal)[0].stage, PageStage::kIndexed);
  EXPECT_EQ((*journal)[1].stage, PageStage::kRecognized);
  EXPECT_EQ((*journal)[2].stage, PageStage::kFailed);
}

TEST(Batches, JournalStageRefusesFinalStagesAndUnknownPages) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("b"));
  const std::int64_t batch = (*claim)->batch_id();
  const std::int64_t source = AddSource(*store, batch, "/in/a.png", "a");
  EXPECT_EQ(store->JournalStage(batch, source, 1, PageStage::kCleaned).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store->JournalArrived(batch, source, {1}).ok());
  EXPECT_EQ(store->JournalStage(batch, source, 1, PageStage::kIndexed).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->JournalArrived(batch, source, {0}).code(), StatusCode::kInvalidArgument);
}

TEST(Batches, ClaimingAgainSendsPartWayPagesBackToArrived) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("b"));
  const std::int64_t batch = (*claim)->batch_id();
  const std::int64_t source = AddSource(*store, batch, "/in/a.tif", "a", 3);
  ASSERT_TRUE(store->JournalArrived(batch, source, {1, 2, 3}).ok());
  ASSERT_TRUE(store->PutPage(TextPage(batch, source, 1, "stored")).ok());
  ASSERT_TRUE(store->JournalStage(batch, source, 2, PageStage::kExtracted).ok());
  ASSERT_TRUE(store->StopBatch(batch, "jammed").ok());
  EXPECT_EQ(store->GetBatch(batch)->stop_reason, "jammed");
  claim->reset();

  auto again = store->ClaimBatch(batch);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto b = store->GetBatch(batch);
  EXPECT_EQ(b->state, BatchState::kOpen);
  EXPECT_EQ(b->stop_reason, "");
  EXPECT_EQ(b->done_pages(), 1) << "stored pages stay stored";
  EXPECT_EQ(Stage(*b, PageStage::kArrived), 2) << "work lost with the process is redone";
  EXPECT_EQ(Stage(*b, PageStage::kExtracted), 0);
}

TEST(Batches, SheetsCountDuplexSidesWithBlankBacks) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("duplex", /*sheets=*/3, /*duplex=*/true));
  const std::int64_t batch = (*claim)->batch_id();
  const std::int64_t source = AddSource(*store, batch, "/in/scan.tif", "s", 6);
  ASSERT_TRUE(store->JournalArrived(batch, source, {1, 2, 3, 4, 5}).ok());
  auto b = store->GetBatch(batch);
  EXPECT_EQ(b->sheets_captured(), 3);
  EXPECT_TRUE(b->sheet_mismatch()) << "five sides are not three duplex sheets";
  ASSERT_TRUE(store->JournalArrived(batch, source, {6}).ok());
  for (int page : {2, 4, 6}) {  // blank backs are sides too
    PageWrite back = TextPage(batch, source, page, "");
    back.blank = true;
    ASSERT_TRUE(store->PutPage(back).ok());
  }
  b = store->GetBatch(batch);
  EXPECT_EQ(b->blank_pages, 3);
  EXPECT_FALSE(b->sheet_mismatch());

  auto simplex = store->CreateBatch(Start("simplex", /*sheets=*/2));
  const std::int64_t s2 = AddSource(*store, (*simplex)->batch_id(), "/in/b.tif", "b", 3);
  ASSERT_TRUE(store->JournalArrived((*simplex)->batch_id(), s2, {1, 2, 3}).ok());
  EXPECT_TRUE(store->GetBatch((*simplex)->batch_id())->sheet_mismatch());
  EXPECT_EQ(store->GetBatch((*simplex)->batch_id())->sheets_captured(), 3);
}

TEST(Batches, ARegisteredCaptureIsJournaledInTheSameTransaction) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("scan"));
  const std::int64_t batch = (*claim)->batch_id();
  auto sha = store->PutOriginal("side one");
  auto info =
      store->RegisterArrivedSource(batch, "scan:test:0/batch-1/side-0001", *sha, "tiff", 8, 1);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  auto journal = store->Journal(batch);
  ASSERT_EQ(journal->size(), 1u);
  EXPECT_EQ((*journal)[0].source_id, info->source_id);
  EXPECT_EQ((*journal)[0].stage, PageStage::kArrived);
  EXPECT_EQ(store->BatchSources(batch)->size(), 1u);
}

TEST(Batches, CapturesArePendingUntilRegisteredAndMayBeMarkedLost) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("scan"));
  const std::int64_t batch = (*claim)->batch_id();
  const std::string kept = Store::Sha256Hex("side one"), gone = Store::Sha256Hex("side two");
  ASSERT_TRUE(store->NoteCapture(batch, "scan:x/side-0001", kept, "tiff", 8).ok());
  ASSERT_TRUE(store->NoteCapture(batch, "scan:x/side-0002", gone, "tiff", 8).ok());
  EXPECT_EQ(store->NoteCapture(batch, "p", "not a digest", "tiff", 1).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(store->PutOriginal("side one").ok());
  ASSERT_TRUE(store->RegisterArrivedSource(batch, "scan:x/side-0001", kept, "tiff", 8, 1).ok());
  auto pending = store->PendingCaptures(batch);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u) << "registration clears its capture in the same transaction";
  EXPECT_EQ((*pending)[0].path, "scan:x/side-0002");
  EXPECT_FALSE((*pending)[0].lost);
  ASSERT_TRUE(store->MarkCaptureLost(batch, gone).ok());
  EXPECT_TRUE((*store->PendingCaptures(batch))[0].lost);
  EXPECT_EQ(store->GetBatch(batch)->lost_sides, 1);
  EXPECT_EQ(store->MarkCaptureLost(batch, kept).code(), StatusCode::kNotFound);
}

TEST(Batches, SourcesInTheOrderTheirPagesArrived) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("b"));
  const std::int64_t batch = (*claim)->batch_id();
  const std::int64_t a = AddSource(*store, batch, "/in/a.png", "a");
  const std::int64_t b = AddSource(*store, batch, "/in/b.png", "b");
  ASSERT_TRUE(store->JournalArrived(batch, b, {1}).ok());
  ASSERT_TRUE(store->JournalArrived(batch, a, {1}).ok());
  auto sources = store->BatchSources(batch);
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 2u);
  EXPECT_EQ((*sources)[0].source_id, b);
  EXPECT_EQ((*sources)[1].source_id, a);
}

TEST(Batches, ReadOnlyStoreListsBatchesWithoutCreatingLocks) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    auto claim = store->CreateBatch(Start("b"));
    ASSERT_TRUE(claim.ok());
  }
  std::filesystem::remove_all(dir.Sub("locks"));
  StoreOptions options;
  options.dir = dir.path();
  options.read_only = true;
  auto ro = Store::Open(options);
  ASSERT_TRUE(ro.ok());
  auto batches = (*ro)->Batches();
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_FALSE((*batches)[0].live);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("locks")));
}

TEST(Check, AWholeStoreIsWhole) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("b"));
  const std::int64_t batch = (*claim)->batch_id();
  auto sha = store->PutOriginal("original bytes");
  auto source = store->RegisterSource(batch, "/in/a.png", *sha, "png", 14, 1);
  ASSERT_TRUE(store->JournalArrived(batch, source->source_id, {1}).ok());
  PageWrite page = TextPage(batch, source->source_id, 1, "some words");
  page.image_bytes = "not really a png";
  page.image_format = "png";
  ASSERT_TRUE(store->PutPage(page).ok());
  ASSERT_TRUE(store->CompleteSource(source->source_id).ok());
  auto report = store->Check(/*verify_originals=*/true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << report->problems.front();
  EXPECT_EQ(report->pages, 1);
  EXPECT_EQ(report->indexed_pages, 1);
  EXPECT_EQ(report->originals_checked, 1);
}

TEST(Check, ReportsMissingFilesTamperedOriginalsAndIndexDrift) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  auto claim = store->CreateBatch(Start("b"));
  const std::int64_t batch = (*claim)->batch_id();
  auto sha = store->PutOriginal("original bytes");
  auto source = store->RegisterSource(batch, "/in/a.tif", *sha, "tiff", 14, 2);
  PageWrite page = TextPage(batch, source->source_id, 1, "some words");
  page.image_bytes = "image";
  page.image_format = "png";
  auto id = store->PutPage(page);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store->PutPage(TextPage(batch, source->source_id, 2, "other words")).ok());
  ASSERT_TRUE(store->CompleteSource(source->source_id).ok());

  // Damage: the image goes, the original is rewritten with other bytes of the same size, one
  // page's text changes behind the index's back, and the journal loses a row. (The index itself
  // cannot be touched from here: it needs the store's tokenizer.)
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.Sub("images"))) {
    if (e.is_regular_file()) std::filesystem::remove(e.path());
  }
  const std::string original = dir.Sub("originals/" + sha->substr(0, 2) + "/" + *sha);
  std::filesystem::permissions(original, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  {
    FILE* f = std::fopen(original.c_str(), "w");
    std::fputs("ORIGINAL BYTES", f);
    std::fclose(f);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("chartscan.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const std::string sql = "UPDATE pages SET text = 'edited' WHERE id = " + std::to_string(*id) +
                          "; DELETE FROM journal WHERE source_page = 2;";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto shallow = store->Check(/*verify_originals=*/false);
  ASSERT_TRUE(shallow.ok());
  auto report = store->Check(/*verify_originals=*/true);
  ASSERT_TRUE(report.ok());
  auto has = [&](const CheckReport& r, const std::string& needle) {
    for (const auto& p : r.problems) {
      if (p.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(*report, "image file missing"));
  EXPECT_TRUE(has(*report, "search index: does not match the page text"));
  EXPECT_TRUE(has(*report, "not journaled"));
  EXPECT_TRUE(has(*report, "no longer matches"));
  EXPECT_FALSE(has(*shallow, "no longer matches")) << "only a deep check re-hashes originals";
  for (const auto& p : report->problems) {
    EXPECT_EQ(p.find("some words"), std::string::npos) << "problems never quote page text";
  }
}

TEST(Batches, VersionThreeStoreMigratesWithPagesJournaledAndBatchesDone) {
  TempDir dir;
  std::int64_t batch = 0;
  {
    auto store = OpenStore(dir.path());
    batch = *store->BeginBatch("old");
    const std::int64_t source = AddSource(*store, batch, "/in/a.tif", "a", 2);
    ASSERT_TRUE(store->PutPage(TextPage(batch, source, 1, "one")).ok());
    PageWrite bad = TextPage(batch, source, 2, "");
    bad.error = "corrupt";
    ASSERT_TRUE(store->PutPage(bad).ok());
    ASSERT_TRUE(store->FinishBatch(batch).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("chartscan.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, testing::kDropVersion6, nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, testing::kDropVersion5, nullptr, nullptr, nullptr), SQLITE_OK);
  const char* downgrade =
      "DROP TABLE journal; DROP TABLE captures; ALTER TABLE batches DROP COLUMN kind; "
      "ALTER TABLE batches DROP COLUMN state; ALTER TABLE batches DROP COLUMN inputs; "
      "ALTER TABLE batches DROP COLUMN declared_sheets; ALTER TABLE batches DROP COLUMN duplex; "
      "ALTER TABLE batches DROP COLUMN stop_reason; "
      "ALTER TABLE batches DROP COLUMN updated_micros; PRAGMA user_version = 3;";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_close(db);

  auto store = OpenStore(dir.path());
  auto b = store->GetBatch(batch);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->state, BatchState::kDone);
  EXPECT_EQ(b->kind, BatchKind::kIngest);
  EXPECT_EQ(b->pages, 2);
  EXPECT_EQ(b->done_pages(), 1);
  EXPECT_EQ(b->failed_pages(), 1);
  auto check = store->Check(false);
  ASSERT_TRUE(check.ok());
  for (const std::string& p : check->problems) ADD_FAILURE() << p;
}

}  // namespace
}  // namespace chartscan::indexer
