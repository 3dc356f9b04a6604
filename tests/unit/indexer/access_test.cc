// Users and the audit log in <dir>/access.db: user names, login lockout, the hash chain and what
// breaks it, the log's append-only triggers, concurrent appends, and appends while chartscan.db
// is held by a writer.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chartscan/indexer/store.h>

#include "test_store.h"

namespace chartscan::indexer {
namespace {

using testing::OpenStore;
using testing::TempDir;

constexpr char kHash[] = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

AuditEvent Event(const std::string& action, const std::string& target) {
  AuditEvent e;
  e.user = "clerk.ann";
  e.action = action;
  e.target = target;
  e.detail = "q=warfarin";
  e.remote = "127.0.0.1";
  return e;
}

// Runs SQL on access.db with plain SQLite; returns SQLite's result code.
int RawExec(const TempDir& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(dir.Sub("access.db").c_str(), &db) != SQLITE_OK) return SQLITE_CANTOPEN;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

void AppendEvents(Store& store, int n) {
  for (int i = 1; i <= n; ++i) {
    auto e = store.Audit(Event("view_page", "page:" + std::to_string(i)));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
  }
}

TEST(Users, NamesAreUniqueCaseSensitiveAndWellFormed) {
  TempDir dir;
  MemEnv env;
  env.SetNowMicros(1'000'000);
  auto store = OpenStore(dir.path(), &env);
  auto ann = store->AddUser("ann", Role::kClerk, kHash);
  ASSERT_TRUE(ann.ok()) << ann.status().ToString();
  EXPECT_EQ(ann->role, Role::kClerk);
  EXPECT_EQ(ann->created_micros, 1'000'000);
  EXPECT_EQ(ann->last_login_micros, 0);
  EXPECT_EQ(store->AddUser("ann", Role::kAdmin, kHash).status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(store->AddUser("Ann", Role::kTechnician, kHash).ok()) << "names are case-sensitive";
  EXPECT_TRUE(store->AddUser("b.o_b-1@ward", Role::kAdmin, kHash).ok());
  for (const std::string& bad : {std::string(), std::string("has space"), std::string("a/b"),
                                 std::string("ann;drop"), std::string(65, 'x')}) {
    EXPECT_EQ(store->AddUser(bad, Role::kClerk, kHash).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(store->AddUser("cy", Role::kClerk, "").status().code(), StatusCode::kInvalidArgument);

  auto users = store->Users();
  ASSERT_TRUE(users.ok());
  std::vector<std::string> names;
  for (const UserRecord& u : *users) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Ann", "ann", "b.o_b-1@ward"}));
  EXPECT_EQ(store->GetUser("nobody").status().code(), StatusCode::kNotFound);
  auto got = store->GetUser("ann");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->password_hash, kHash);
}

TEST(Users, UpdateChangesOnlyWhatIsGiven) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->AddUser("ann", Role::kTechnician, kHash).ok());
  UserUpdate up;
  up.name = "ann";
  up.role = Role::kAdmin;
  auto changed = store->UpdateUser(up);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->role, Role::kAdmin);
  EXPECT_EQ(changed->password_hash, kHash);
  EXPECT_FALSE(changed->disabled);
  up = {};
  up.name = "ann";
  up.disabled = true;
  up.password_hash = "$argon2id$new";
  ASSERT_TRUE(store->UpdateUser(up).ok());
  auto now = store->GetUser("ann");
  EXPECT_TRUE(now->disabled);
  EXPECT_EQ(now->role, Role::kAdmin);
  EXPECT_EQ(now->password_hash, "$argon2id$new");
  up.name = "nobody";
  EXPECT_EQ(store->UpdateUser(up).status().code(), StatusCode::kNotFound);
  up.name = "ann";
  up.password_hash = "";
  EXPECT_EQ(store->UpdateUser(up).status().code(), StatusCode::kInvalidArgument);
}

TEST(Users, RepeatedFailedLoginsLockTheUserUntilTheTimeRunsOutOrAnUnlock) {
  TempDir dir;
  MemEnv env;
  env.SetNowMicros(10'000'000);
  auto store = OpenStore(dir.path(), &env);
  ASSERT_TRUE(store->AddUser("ann", Role::kClerk, kHash).ok());
  constexpr std::int64_t kLock = 900'000'000;
  for (int i = 1; i <= 2; ++i) {
    auto u = store->RecordLogin("ann", false, 3, kLock);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    EXPECT_EQ(u->failed_logins, i);
    EXPECT_EQ(u->locked_until_micros, 0);
  }
  auto success = store->RecordLogin("ann", true, 3, kLock);
  ASSERT_TRUE(success.ok());
  EXPECT_EQ(success->failed_logins, 0) << "a success clears the count";
  EXPECT_EQ(success->last_login_micros, 10'000'000);
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(store->RecordLogin("ann", false, 3, kLock).ok());
  auto locked = store->GetUser("ann");
  EXPECT_EQ(locked->locked_until_micros, 10'000'000 + kLock) << "three in a row";
  EXPECT_EQ(locked->failed_logins, 0) << "the count starts again";
  env.AdvanceMicros(kLock + 1);
  EXPECT_LT(store->GetUser("ann")->locked_until_micros, env.NowMicros()) << "the lock ran out";

  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(store->RecordLogin("ann", false, 3, kLock).ok());
  EXPECT_GT(store->GetUser("ann")->locked_until_micros, env.NowMicros());
  UserUpdate unlock;
  unlock.name = "ann";
  unlock.unlock = true;
  ASSERT_TRUE(store->UpdateUser(unlock).ok());
  EXPECT_EQ(store->GetUser("ann")->locked_until_micros, 0);
  EXPECT_EQ(store->RecordLogin("nobody", false, 3, kLock).status().code(), StatusCode::kNotFound);
}

TEST(Audit, AppendedEventsFormAValidChain) {
  TempDir dir;
  MemEnv env;
  env.SetNowMicros(5'000);
  auto store = OpenStore(dir.path(), &env);
  auto empty = store->VerifyAudit();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ok);
  EXPECT_EQ(empty->events, 0);
  AppendEvents(*store, 5);
  auto log = store->AuditLog(0, 100);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 5u);
  EXPECT_EQ((*log)[0].prev_hash, std::string(64, '0'));
  for (std::size_t i = 0; i < log->size(); ++i) {
    EXPECT_EQ((*log)[i].seq, static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ((*log)[i].at_micros, 5'000);
    EXPECT_EQ((*log)[i].hash.size(), 64u);
    if (i > 0) {
      EXPECT_EQ((*log)[i].prev_hash, (*log)[i - 1].hash);
    }
  }
  auto page = store->AuditLog(3, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].seq, 4);
  EXPECT_EQ((*page)[0].target, "page:4");
  auto check = store->VerifyAudit();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_EQ(check->events, 5);
  EXPECT_EQ(check->head_hash, log->back().hash);
  EXPECT_EQ(store->Audit(AuditEvent{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(Audit, UpdateAndDeleteThroughSqlAreRefused) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    AppendEvents(*store, 3);
  }
  EXPECT_EQ(RawExec(dir, "UPDATE audit SET detail = 'x' WHERE seq = 2") & 0xff, SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec(dir, "DELETE FROM audit WHERE seq = 3") & 0xff, SQLITE_CONSTRAINT);
  auto store = OpenStore(dir.path());
  EXPECT_TRUE(store->VerifyAudit()->ok);
  EXPECT_EQ(store->AuditLog(0, 10)->size(), 3u);
}

TEST(Audit, AnEventChangedBehindTheTriggersIsReportedBySeq) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    AppendEvents(*store, 5);
  }
  ASSERT_EQ(RawExec(dir,
                    "DROP TRIGGER audit_no_update; "
                    "UPDATE audit SET detail = 'q=nothing to see' WHERE seq = 3"),
            SQLITE_OK);
  auto store = OpenStore(dir.path());
  auto check = store->VerifyAudit();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->first_bad_seq, 3);
  EXPECT_NE(check->problem.find("3"), std::string::npos);
  EXPECT_EQ(check->problem.find("nothing to see"), std::string::npos);
}

TEST(Audit, RemovedEventsAreReportedInTheMiddleAndAtTheEnd) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    AppendEvents(*store, 6);
  }
  ASSERT_EQ(RawExec(dir, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq >= 5"),
            SQLITE_OK);
  {
    auto store = OpenStore(dir.path());
    auto tail = store->VerifyAudit();
    ASSERT_TRUE(tail.ok());
    EXPECT_FALSE(tail->ok) << "the chain left is intact, but the head remembers event 6";
    EXPECT_EQ(tail->first_bad_seq, 5);
    EXPECT_EQ(tail->events, 4);
  }
  ASSERT_EQ(RawExec(dir, "DELETE FROM audit WHERE seq = 2"), SQLITE_OK);
  auto store = OpenStore(dir.path());
  auto gap = store->VerifyAudit();
  ASSERT_TRUE(gap.ok());
  EXPECT_FALSE(gap->ok);
  EXPECT_EQ(gap->first_bad_seq, 2);
}

TEST(Audit, ConcurrentAppendsGetGaplessSeqsAndAValidChain) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!store->Audit(Event("search", "thread:" + std::to_string(t))).ok()) ++errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  auto log = store->AuditLog(0, 1000);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < log->size(); ++i) {
    EXPECT_EQ((*log)[i].seq, static_cast<std::int64_t>(i) + 1);
  }
  auto check = store->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->problem;
}

TEST(Audit, AppendsWhileChartscanDbIsHeldByAWriter) {
  TempDir dir;
  StoreOptions options;
  options.dir = dir.path();
  options.busy_timeout_ms = 5'000;
  auto opened = Store::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Store> store = std::move(opened).value();
  // Another process in the middle of a long ingest transaction.
  sqlite3* ingest = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Sub("chartscan.db").c_str(), &ingest), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(ingest, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  // This store's own writer now waits for it, holding the store's write lock.
  auto blocked = std::async(std::launch::async, [&] { return store->BeginBatch("waiting"); });
  EXPECT_EQ(blocked.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);

  const auto start = std::chrono::steady_clock::now();
  auto e = store->Audit(Event("login", "user:ann"));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_LT(took, std::chrono::seconds(2)) << "the audit log does not wait for chartscan.db";
  EXPECT_EQ(blocked.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
      << "the main writer was still busy when the event was appended";
  ASSERT_TRUE(store->AddUser("ann", Role::kClerk, kHash).ok());

  ASSERT_EQ(sqlite3_exec(ingest, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(ingest);
  EXPECT_TRUE(blocked.get().ok());
}

TEST(Audit, ReadOnlyStoreReadsTheLogAndRefusesChanges) {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    AppendEvents(*store, 2);
    ASSERT_TRUE(store->AddUser("ann", Role::kAdmin, kHash).ok());
  }
  StoreOptions options;
  options.dir = dir.path();
  options.read_only = true;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->AuditLog(0, 10)->size(), 2u);
  EXPECT_TRUE((*store)->VerifyAudit()->ok);
  EXPECT_EQ((*store)->GetUser("ann")->role, Role::kAdmin);
  EXPECT_FALSE((*store)->Audit(Event("login", "user:ann")).ok());
  EXPECT_FALSE((*store)->AddUser("bo", Role::kClerk, kHash).ok());
}

TEST(Audit, ReadOnlyStoreWithoutAnAccessDatabaseHasNoUsersAndAnEmptyLog) {
  TempDir dir;
  { auto store = OpenStore(dir.path()); }
  std::filesystem::remove(dir.Sub("access.db"));
  std::filesystem::remove(dir.Sub("access.db-wal"));
  std::filesystem::remove(dir.Sub("access.db-shm"));
  StoreOptions options;
  options.dir = dir.path();
  options.read_only = true;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Users()->empty());
  EXPECT_TRUE((*store)->AuditLog(0, 10)->empty());
  EXPECT_TRUE((*store)->VerifyAudit()->ok);
  EXPECT_EQ((*store)->GetUser("ann").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("access.db"))) << "a read-only open creates nothing";
}

}  // namespace
}  // namespace chartscan::indexer
