// The viewer's HTTP API against a real store (through the pipeline's Catalog) on a loopback port:
// who may do what, CSRF, sessions, lockout, hostile paths and ids, the audit trail, and the data
// each route answers. Browser-level behaviour is in tests/browser.
#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <chartscan/cleanup/view.h>
#include <chartscan/models/env.h>
#include <chartscan/pipeline/catalog.h>
#include <chartscan/viewer/password.h>
#include <chartscan/viewer/server.h>

#include "../indexer/test_store.h"

namespace chartscan::viewer {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
using indexer::testing::TempDir;

constexpr char kPassword[] = "correct horse battery staple";

// One Argon2id hash per process: hashing is deliberately slow.
const std::string& PasswordHash() {
  static const std::string hash = HashPassword(kPassword).value();
  return hash;
}

// A white page with a black bar where each word is, so crops and highlights land on "ink".
std::string PagePng(const PageText& text, int width, int height) {
  Image img(width, height, PixelFormat::kGray8, 255);
  for (const Word& w : text.words) {
    for (int y = w.box.y; y < w.box.y + w.box.height && y < height; ++y) {
      for (int x = w.box.x; x < w.box.x + w.box.width && x < width; ++x) img.row(y)[x] = 0;
    }
  }
  return cleanup::RenderForView(img.view(), {}).value().bytes;
}

Field MakeField(std::string name, std::string value, std::string normalized, double confidence,
                bool needs_review, Box box = {10, 20, 80, 12}) {
  Field f;
  f.name = std::move(name);
  f.value = std::move(value);
  f.normalized = std::move(normalized);
  f.confidence = confidence;
  f.needs_review = needs_review;
  f.box = box;
  return f;
}

struct Http {
  int status = 0;
  json body;
  std::string raw;
  httplib::Headers headers;
};

class ViewerServer : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.SetNowMicros(Env::Default()->NowMicros());
    store_ = indexer::testing::OpenStore(dir_.path());
    ASSERT_TRUE(store_);
    const std::int64_t batch = store_->BeginBatch("ward 4 files").value();
    pages_[0] = indexer::testing::TextPage(
        batch, 0, 1,
        "DISCHARGE SUMMARY Patient: Margaret Johnson MRN: 00482913 started warfarin 5 mg");
    pages_[1] = indexer::testing::TextPage(
        batch, 0, 2, "Follow up in clinic. Continue warfarin. DOB 03/14/1952");
    const std::string original = PagePng(pages_[0].text, 1700, 2200);
    const std::string sha = store_->PutOriginal(original).value();
    const std::int64_t source =
        store_
            ->RegisterSource(batch, "/home/clerk/in/chart-0001.png", sha, "png", original.size(), 2)
            .value()
            .source_id;
    for (int i = 0; i < 2; ++i) {
      pages_[i].source_id = source;
      pages_[i].image_bytes = PagePng(pages_[i].text, 1700, 2200);
      pages_[i].image_format = "png";
      pages_[i].image_width = 1700;
      pages_[i].image_height = 2200;
      pages_[i].doc_type = "discharge_summary";
    }
    pages_[0].fields = {
        MakeField("mrn", "00482913", "00482913", 0.97, false),
        MakeField("patient_name", "Margaret Johnson", "MARGARET JOHNSON", 0.95, false)};
    pages_[1].fields = {
        MakeField("dob", "03/14/1952", "1952-03-14", 0.41, true, {300, 20, 80, 12})};
    for (int i = 0; i < 2; ++i) page_ids_[i] = store_->PutPage(pages_[i]).value();

    indexer::AssemblyWrite a;
    a.batch_id = batch;
    a.source_ids = {source};
    a.charts.push_back({0, "00482913", "MARGARET JOHNSON", "1952-03-14", 0, ""});
    indexer::DocumentWrite d;
    d.page_ids = {page_ids_[0], page_ids_[1]};
    d.boundary = "start";
    d.type.name = "discharge_summary";
    d.type.confidence = 0.9;
    d.needs_review = true;
    d.date_of_service = "2019-04-02";
    d.fields = pages_[0].fields;
    Field dob = pages_[1].fields[0];
    dob.page_index = 1;
    d.fields.push_back(dob);
    d.chart = 0;
    a.documents.push_back(d);
    indexer::AssemblyResult r = store_->Assemble(a).value();
    document_id_ = r.document_ids[0];
    chart_id_ = r.chart_ids[0];

    for (auto [name, role] : {std::pair{"ada", Role::kAdmin}, std::pair{"cleo", Role::kClerk},
                              std::pair{"tom", Role::kTechnician}}) {
      ASSERT_TRUE(store_->AddUser(name, role, PasswordHash()).ok());
    }
    catalog_ = pipeline::NewStoreCatalog(store_.get(), nullptr).value();
    ServerOptions options;
    options.port = 0;
    options.threads = 4;
    options.login_failure_delay_ms = 0;  // the delay is not what these tests measure
    Start(options);
  }

  void Start(const ServerOptions& options) {
    server_.reset();
    auto s = Server::Start(options, catalog_.get(), &clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_connection_timeout(5);
    c.set_read_timeout(10);
    return c;
  }

  static Http From(const httplib::Result& r) {
    Http h;
    if (!r) return h;
    h.status = r->status;
    h.raw = r->body;
    h.headers = r->headers;
    h.body = json::parse(r->body, nullptr, false);
    return h;
  }

  struct Login {
    std::string cookie;
    std::string csrf;
  };

  Login LogIn(const std::string& name, const std::string& password = kPassword) {
    auto c = Client();
    auto r = c.Post("/api/login", json{{"name", name}, {"password", password}}.dump(),
                    "application/json");
    EXPECT_TRUE(r);
    if (!r || r->status != 200) {
      ADD_FAILURE() << "login as " << name << " answered " << (r ? r->status : -1);
      return {};
    }
    std::string cookie = r->get_header_value("Set-Cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    return {cookie, json::parse(r->body)["csrf"].get<std::string>()};
  }

  Http Get(const std::string& path, const Login& who) {
    auto c = Client();
    httplib::Headers h;
    if (!who.cookie.empty()) h.emplace("Cookie", who.cookie);
    return From(c.Get(path.c_str(), h));
  }

  Http Post(const std::string& path, const Login& who, const json& body,
            std::optional<std::string> csrf = std::nullopt) {
    auto c = Client();
    httplib::Headers h;
    if (!who.cookie.empty()) h.emplace("Cookie", who.cookie);
    const std::string token = csrf.value_or(who.csrf);
    if (!token.empty()) h.emplace("X-CSRF-Token", token);
    return From(c.Post(path.c_str(), h, body.dump(), "application/json"));
  }

  std::vector<AuditEvent> AuditRows() { return store_->AuditLog(0, 10'000).value(); }

  std::string Id(int i) const { return std::to_string(page_ids_[i]); }

  TempDir dir_;
  MemEnv clock_;
  std::unique_ptr<indexer::Store> store_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Server> server_;
  indexer::PageWrite pages_[2];
  std::int64_t page_ids_[2] = {0, 0};
  std::int64_t document_id_ = 0;
  std::int64_t chart_id_ = 0;
};

// Every route that shows or changes data, as (method, path).
std::vector<std::pair<std::string, std::string>> DataRoutes(const std::string& page,
                                                            const std::string& doc,
                                                            const std::string& chart) {
  return {{"GET", "/api/me"},
          {"POST", "/api/logout"},
          {"GET", "/api/search?q=warfarin"},
          {"GET", "/api/pages/" + page},
          {"GET", "/api/pages/" + page + "/image"},
          {"GET", "/api/pages/" + page + "/image?kind=thumb"},
          {"GET", "/api/pages/" + page + "/image?kind=original"},
          {"GET", "/api/charts/" + chart},
          {"GET", "/api/documents/" + doc},
          {"GET", "/api/documents/" + doc + "/export"},
          {"GET", "/api/review"},
          {"POST", "/api/review/f:1:0"},
          {"GET", "/api/batches"},
          {"GET", "/api/batches/1"},
          {"GET", "/api/users"},
          {"POST", "/api/users"},
          {"POST", "/api/users/tom"},
          {"GET", "/api/audit"}};
}

TEST_F(ViewerServer, EveryRouteRefusesAnAnonymousRequest) {
  for (const auto& [method, path] :
       DataRoutes(Id(0), std::to_string(document_id_), std::to_string(chart_id_))) {
    Http r = method == "GET" ? Get(path, {}) : Post(path, {}, json::object());
    EXPECT_EQ(r.status, 401) << method << " " << path;
    EXPECT_THAT(r.raw, Not(HasSubstr("warfarin"))) << path;
  }
  // A made-up cookie is no better than none.
  Login forged{"chartscan_session=" + std::string(64, 'a'), std::string(64, 'b')};
  EXPECT_EQ(Get("/api/pages/" + Id(0), forged).status, 401);
}

TEST_F(ViewerServer, TheShellIsPublicButHoldsNoData) {
  Http r = Get("/", {});
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.raw, HasSubstr("<html"));
  EXPECT_THAT(r.raw, Not(HasSubstr("warfarin")));
  EXPECT_EQ(Get("/app.js", {}).status, 200);
  EXPECT_EQ(Get("/no-such-file.js", {}).status, 404);
}

TEST_F(ViewerServer, ATechnicianCannotReachClerkOrAdminActions) {
  Login tom = LogIn("tom");
  EXPECT_EQ(Get("/api/search?q=warfarin", tom).status, 200);
  EXPECT_EQ(Get("/api/pages/" + Id(0), tom).status, 200);
  EXPECT_EQ(Get("/api/review", tom).status, 403);
  EXPECT_EQ(Post("/api/review/f:1:0", tom, {{"action", "accept"}}).status, 403);
  EXPECT_EQ(Get("/api/users", tom).status, 403);
  EXPECT_EQ(
      Post("/api/users", tom, {{"name", "eve"}, {"role", "admin"}, {"password", kPassword}}).status,
      403);
  EXPECT_EQ(Post("/api/users/tom", tom, {{"role", "admin"}}).status, 403);
  EXPECT_EQ(Get("/api/audit", tom).status, 403);
  EXPECT_EQ(store_->GetUser("tom")->role, Role::kTechnician);
  EXPECT_FALSE(store_->GetUser("eve").ok());
}

TEST_F(ViewerServer, AClerkVerifiesButCannotManageUsersOrReadTheAuditLog) {
  Login cleo = LogIn("cleo");
  EXPECT_EQ(Get("/api/review", cleo).status, 200);
  EXPECT_EQ(Get("/api/users", cleo).status, 403);
  EXPECT_EQ(Get("/api/audit", cleo).status, 403);
  EXPECT_EQ(Post("/api/users/cleo", cleo, {{"role", "admin"}}).status, 403);
}

TEST_F(ViewerServer, AMissingOrForgedCsrfTokenIsRefused) {
  Login cleo = LogIn("cleo");
  Http queue = Get("/api/review", cleo);
  ASSERT_GT(queue.body["items"].size(), 0u) << queue.raw;
  const std::string item = queue.body["items"][0]["item_id"];
  const json before = queue.body["total"];
  EXPECT_EQ(Post("/api/review/" + item, cleo, {{"action", "accept"}}, "").status, 403);
  EXPECT_EQ(Post("/api/review/" + item, cleo, {{"action", "accept"}}, std::string(64, '0')).status,
            403);
  // Another session's token does not do either.
  Login other = LogIn("ada");
  EXPECT_EQ(Post("/api/review/" + item, cleo, {{"action", "accept"}}, other.csrf).status, 403);
  // Nothing was resolved by the refused requests.
  EXPECT_EQ(Get("/api/review", cleo).body["total"], before);
  EXPECT_EQ(Post("/api/review/" + item, cleo, {{"action", "accept"}}).status, 200);
  // A logout needs the token too.
  EXPECT_EQ(Post("/api/logout", cleo, json::object(), "").status, 403);
}

TEST_F(ViewerServer, ACrossOriginPostIsRefused) {
  Login ada = LogIn("ada");
  auto c = Client();
  httplib::Headers h = {
      {"Cookie", ada.cookie}, {"X-CSRF-Token", ada.csrf}, {"Origin", "http://evil.example"}};
  auto r = c.Post("/api/users/tom", h, json{{"role", "admin"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(store_->GetUser("tom")->role, Role::kTechnician);
}

TEST_F(ViewerServer, HostilePathsAndMalformedIdsGet4xxNeverAnotherPage) {
  Login tom = LogIn("tom");
  const std::vector<std::string> hostile = {
      "/api/pages/0",
      "/api/pages/-1",
      "/api/pages/+1",
      "/api/pages/01",
      "/api/pages/0x1",
      "/api/pages/1e3",
      "/api/pages/99999999999999999999999",
      "/api/pages/9007199254740993",
      "/api/pages/" + Id(0) + "abc",
      "/api/pages/" + Id(0) + "%00",
      "/api/pages/" + Id(0) + "/../../" + Id(1),
      "/api/pages/..%2f..%2fetc%2fpasswd",
      "/api/pages/" + Id(0) + "/image?kind=../../etc/passwd",
      "/api/pages/" + Id(0) + "/image?x=-5&y=0&w=10&h=10",
      "/api/pages/" + Id(0) + "/image?kind=thumb&x=0&y=0&w=10&h=10",
      "/api/charts/abc",
      "/api/documents/999999",
      "/api/batches/999999",
      "/api/review/%2e%2e",
      "/../../etc/passwd",
      "/..%2f..%2fetc%2fpasswd",
      "/index.html/../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/api/search?q=x&limit=100000",
      "/api/search?q=x&offset=-1",
  };
  for (const std::string& path : hostile) {
    Http r = Get(path, tom);
    EXPECT_GE(r.status, 400) << path;
    EXPECT_LT(r.status, 500) << path;
    EXPECT_THAT(r.raw, Not(HasSubstr("root:"))) << path;
    EXPECT_THAT(r.raw, Not(HasSubstr("warfarin"))) << path;
  }
  // The server is still serving.
  EXPECT_EQ(Get("/api/pages/" + Id(0), tom).status, 200);
}

TEST_F(ViewerServer, ABrokenSearchQueryGetsAHelpfulMessage) {
  Login tom = LogIn("tom");
  for (const std::string q :
       {"%22unclosed", "(warfarin", "date:2019-13..2020", "AND", "dob:notadate"}) {
    Http r = Get("/api/search?q=" + q, tom);
    EXPECT_EQ(r.status, 400) << q;
    ASSERT_TRUE(r.body.contains("error")) << q;
    const std::string msg = r.body["error"];
    EXPECT_FALSE(msg.empty());
    EXPECT_THAT(msg, Not(HasSubstr("SQLITE")));
    EXPECT_THAT(msg, Not(HasSubstr("fts5")));
  }
}

TEST_F(ViewerServer, SearchGroupsHitsAndHighlightsWithMarks) {
  Login tom = LogIn("tom");
  Http r = Get("/api/search?q=warfarin", tom);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["total"], 2);
  ASSERT_EQ(r.body["groups"].size(), 1u);
  EXPECT_EQ(r.body["groups"][0]["chart_id"], chart_id_);
  EXPECT_EQ(r.body["groups"][0]["documents"][0]["hits"].size(), 2u);
  const std::string snippet = r.body["hits"][0]["snippet"];
  EXPECT_THAT(snippet, HasSubstr("\x02warfarin\x03"));
  EXPECT_EQ(r.body["hits"][0]["document_pages"], 2);
  // Where the file was on the workstation is not shown.
  EXPECT_EQ(r.body["hits"][0]["source"], "chart-0001.png");
}

TEST_F(ViewerServer, APageMarksTheWordsTheQueryMatched) {
  Login tom = LogIn("tom");
  Http r = Get("/api/pages/" + Id(0) + "?q=warfarin", tom);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["hits"].size(), 1u);
  const int i = r.body["hits"][0];
  EXPECT_EQ(r.body["words"][i]["text"], "warfarin");
  EXPECT_EQ(r.body["next_page_id"], page_ids_[1]);
  EXPECT_EQ(r.body["prev_page_id"], 0);
  EXPECT_EQ(r.body["document_pages"], 2);
}

TEST_F(ViewerServer, ImagesAreRealImagesAndCropsCoverTheEvidence) {
  Login cleo = LogIn("cleo");
  Http full = Get("/api/pages/" + Id(0) + "/image", cleo);
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.raw.substr(1, 3), "PNG");
  Http thumb = Get("/api/pages/" + Id(0) + "/image?kind=thumb", cleo);
  ASSERT_EQ(thumb.status, 200);
  EXPECT_EQ(static_cast<unsigned char>(thumb.raw[0]), 0xFF);  // JPEG
  EXPECT_LT(thumb.raw.size(), full.raw.size());
  Http original = Get("/api/pages/" + Id(0) + "/image?kind=original", cleo);
  ASSERT_EQ(original.status, 200);
  Http crop = Get("/api/pages/" + Id(1) + "/image?x=300&y=20&w=80&h=12", cleo);
  ASSERT_EQ(crop.status, 200);
  EXPECT_LT(crop.raw.size(), full.raw.size());
}

TEST_F(ViewerServer, ResponsesCarrySecurityHeadersAndAreNotCached) {
  Login tom = LogIn("tom");
  Http r = Get("/api/pages/" + Id(0), tom);
  auto header = [&](const char* k) {
    auto it = r.headers.find(k);
    return it == r.headers.end() ? std::string() : it->second;
  };
  EXPECT_THAT(header("Content-Security-Policy"), HasSubstr("default-src 'self'"));
  EXPECT_EQ(header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header("Cache-Control"), "no-store");
  EXPECT_EQ(header("X-Frame-Options"), "DENY");
}

TEST_F(ViewerServer, LoginSetsAnHttpOnlyStrictCookie) {
  auto c = Client();
  auto r = c.Post("/api/login", json{{"name", "tom"}, {"password", kPassword}}.dump(),
                  "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_THAT(cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("Path=/"));
  EXPECT_EQ(json::parse(r->body)["user"]["role"], "technician");
}

TEST_F(ViewerServer, WrongPasswordsLockTheAccountAndEveryAttemptIsAudited) {
  auto c = Client();
  for (int i = 0; i < 5; ++i) {
    auto r = c.Post("/api/login", json{{"name", "tom"}, {"password", "wrong password!!"}}.dump(),
                    "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(json::parse(r->body)["error"], "wrong name or password");
  }
  // Locked: even the right password is refused, with the time to wait.
  auto r = c.Post("/api/login", json{{"name", "tom"}, {"password", kPassword}}.dump(),
                  "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_GT(json::parse(r->body)["retry_after_s"].get<int>(), 0);
  // An unknown name gets the same answer as a wrong password.
  auto unknown = c.Post("/api/login", json{{"name", "nobody"}, {"password", kPassword}}.dump(),
                        "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(json::parse(unknown->body)["error"], "wrong name or password");
  int failed = 0, refused = 0;
  for (const AuditEvent& e : AuditRows()) {
    failed += e.action == "login_failed";
    refused += e.action == "login_refused";
  }
  EXPECT_EQ(failed, 6);
  EXPECT_EQ(refused, 1);
  // An administrator unlocks it.
  Login ada = LogIn("ada");
  EXPECT_EQ(Post("/api/users/tom", ada, {{"unlock", true}}).status, 200);
  LogIn("tom");
}

TEST_F(ViewerServer, ManyFailuresFromOneAddressAreRefusedWhateverTheName) {
  auto c = Client();
  int last = 0;
  for (int i = 0; i < 25; ++i) {
    auto r =
        c.Post("/api/login",
               json{{"name", "user" + std::to_string(i)}, {"password", "nope nope nope"}}.dump(),
               "application/json");
    ASSERT_TRUE(r);
    last = r->status;
  }
  EXPECT_EQ(last, 429);
}

TEST_F(ViewerServer, ASessionEndsWhenIdleAndAtItsMaximumAge) {
  Login tom = LogIn("tom");
  clock_.AdvanceMicros(29LL * 60 * 1'000'000);
  EXPECT_EQ(Get("/api/me", tom).status, 200);
  clock_.AdvanceMicros(31LL * 60 * 1'000'000);
  EXPECT_EQ(Get("/api/me", tom).status, 401);
  // Kept busy, a session still ends 12 hours after login.
  Login again = LogIn("tom");
  for (int i = 0; i < 25; ++i) {
    clock_.AdvanceMicros(29LL * 60 * 1'000'000);
    if (Get("/api/me", again).status != 200) {
      EXPECT_GE(i, 23);
      return;
    }
  }
  ADD_FAILURE() << "a session lived past its maximum age";
}

TEST_F(ViewerServer, ADisabledUserLosesTheirSessionAtOnce) {
  Login tom = LogIn("tom");
  Login ada = LogIn("ada");
  EXPECT_EQ(Post("/api/users/tom", ada, {{"disabled", true}}).status, 200);
  EXPECT_EQ(Get("/api/search?q=warfarin", tom).status, 401);
  auto c = Client();
  auto r = c.Post("/api/login", json{{"name", "tom"}, {"password", kPassword}}.dump(),
                  "application/json");
  EXPECT_EQ(r->status, 401);
}

TEST_F(ViewerServer, LogoutEndsTheSession) {
  Login tom = LogIn("tom");
  Http r = Post("/api/logout", tom, json::object());
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(Get("/api/me", tom).status, 401);
}

TEST_F(ViewerServer, AccessesAreAuditedByIdWithoutOcrText) {
  Login tom = LogIn("tom");
  ASSERT_EQ(Get("/api/search?q=warfarin", tom).status, 200);
  ASSERT_EQ(Get("/api/pages/" + Id(0), tom).status, 200);
  ASSERT_EQ(Get("/api/pages/" + Id(0) + "/image?kind=original", tom).status, 200);
  ASSERT_EQ(Get("/api/charts/" + std::to_string(chart_id_), tom).status, 200);
  ASSERT_EQ(Get("/api/documents/" + std::to_string(document_id_) + "/export", tom).status, 200);
  std::map<std::string, std::string> target_of;
  for (const AuditEvent& e : AuditRows()) {
    EXPECT_EQ(e.detail.find("Margaret"), std::string::npos) << e.action;
    EXPECT_EQ(e.detail.find("DISCHARGE"), std::string::npos) << e.action;
    EXPECT_EQ(e.remote, "127.0.0.1");
    target_of[e.action] = e.target;
  }
  EXPECT_EQ(target_of["login"], "user:tom");
  EXPECT_THAT(target_of["search"],
              ::testing::AnyOf("pages:" + Id(0) + "," + Id(1), "pages:" + Id(1) + "," + Id(0)));
  EXPECT_EQ(target_of["view_page"], "page:" + Id(0));
  EXPECT_EQ(target_of["view_image"], "page:" + Id(0));
  EXPECT_EQ(target_of["view_chart"], "chart:" + std::to_string(chart_id_));
  EXPECT_EQ(target_of["export"], "document:" + std::to_string(document_id_));
  EXPECT_TRUE(store_->VerifyAudit()->ok);
}

TEST_F(ViewerServer, AClerksCorrectionIsValidatedRecordedAndSearchable) {
  Login cleo = LogIn("cleo");
  Http queue = Get("/api/review", cleo);
  ASSERT_EQ(queue.status, 200);
  json dob;
  for (const json& item : queue.body["items"]) {
    if (item["field"] == "dob") dob = item;
  }
  ASSERT_FALSE(dob.is_null()) << queue.raw;
  EXPECT_EQ(dob["page_id"], page_ids_[1]);
  const std::string id = dob["item_id"];
  Http bad = Post("/api/review/" + id, cleo, {{"action", "correct"}, {"value", "03/45/1952"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body["error"].get<std::string>(), HasSubstr("date"));
  Http good = Post("/api/review/" + id, cleo, {{"action", "correct"}, {"value", "03/15/1952"}});
  ASSERT_EQ(good.status, 200) << good.raw;
  EXPECT_EQ(good.body["item"]["normalized"], "1952-03-15");
  EXPECT_EQ(good.body["item"]["resolved_by"], "cleo");
  // Resolved items leave the queue; resolving again finds nothing.
  EXPECT_EQ(Post("/api/review/" + id, cleo, {{"action", "accept"}}).status, 404);
  // Search and the document use the corrected value from now on.
  Http found = Get("/api/search?q=dob:1952-03-15&exact=1", cleo);
  EXPECT_EQ(found.body["total"].get<int>() > 0, true) << found.raw;
  Http doc = Get("/api/documents/" + std::to_string(document_id_), cleo);
  bool corrected = false;
  for (const json& f : doc.body["fields"]) {
    if (f["normalized"] != "1952-03-15") continue;
    corrected = true;
    EXPECT_EQ(f["verified_by"], "cleo");
    EXPECT_EQ(f["verification"], "corrected");
    EXPECT_FALSE(f["verified_at"].get<std::string>().empty());
  }
  EXPECT_TRUE(corrected) << doc.raw;
  // The audit row names the field, never the values.
  bool audited = false;
  for (const AuditEvent& e : AuditRows()) {
    if (e.action != "review_correct") continue;
    audited = true;
    EXPECT_EQ(e.user, "cleo");
    EXPECT_THAT(e.detail, HasSubstr("dob"));
    EXPECT_THAT(e.detail, Not(HasSubstr("1952")));
  }
  EXPECT_TRUE(audited);
}

TEST_F(ViewerServer, AnAdministratorAddsUsersWithStrongPasswordsOnly) {
  Login ada = LogIn("ada");
  EXPECT_EQ(
      Post("/api/users", ada, {{"name", "newclerk"}, {"role", "clerk"}, {"password", "short"}})
          .status,
      400);
  EXPECT_EQ(
      Post("/api/users", ada, {{"name", "newclerk"}, {"role", "clerk"}, {"password", kPassword}})
          .status,
      201);
  EXPECT_EQ(
      Post("/api/users", ada, {{"name", "newclerk"}, {"role", "clerk"}, {"password", kPassword}})
          .status,
      409);
  EXPECT_EQ(Post("/api/users/ada", ada, {{"role", "clerk"}}).status, 400);
  Http audit = Get("/api/audit", ada);
  ASSERT_EQ(audit.status, 200);
  EXPECT_TRUE(audit.body["chain_ok"].get<bool>());
  bool added = false;
  for (const json& e : audit.body["events"]) added |= e["action"] == "user_add";
  EXPECT_TRUE(added);
  // The password hash never leaves the server.
  EXPECT_THAT(Get("/api/users", ada).raw, Not(HasSubstr("argon2")));
}

TEST_F(ViewerServer, TheAuditLogOpensAtItsNewestEventsAndPagesBothWays) {
  Login ada = LogIn("ada");
  for (int i = 0; i < 12; ++i) ASSERT_EQ(Get("/api/pages/" + Id(0), ada).status, 200);
  Http newest = Get("/api/audit?limit=5", ada);
  ASSERT_EQ(newest.status, 200);
  const std::int64_t last = newest.body["last_seq"];
  ASSERT_EQ(newest.body["events"].size(), 5u);
  EXPECT_EQ(newest.body["events"][4]["seq"], last);
  EXPECT_EQ(newest.body["events"][4]["action"], "view_audit");  // the read itself, recorded first
  Http back = Get("/api/audit?limit=5&before=" + std::to_string(last - 4), ada);
  ASSERT_EQ(back.body["events"].size(), 5u);
  EXPECT_EQ(back.body["events"][4]["seq"], last - 5);
  Http first = Get("/api/audit?limit=3&after=0", ada);
  EXPECT_EQ(first.body["events"][0]["seq"], 1);
  EXPECT_EQ(Get("/api/audit?before=x", ada).status, 400);
}

TEST(ViewerServerOptions, ANetworkAddressNeedsTlsOrInsecure) {
  ServerOptions o;
  o.bind = "0.0.0.0";
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o.insecure = true;
  EXPECT_TRUE(o.Validate().ok());
  o.insecure = false;
  o.tls_cert = "cert.pem";
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);  // the key is missing
  o.tls_key = "key.pem";
  EXPECT_TRUE(o.Validate().ok());
  for (const char* loopback : {"127.0.0.1", "127.8.9.10", "::1", "localhost"}) {
    ServerOptions l;
    l.bind = loopback;
    EXPECT_TRUE(l.Validate().ok()) << loopback;
  }
}

TEST_F(ViewerServer, ServesOverTlsWithTheGivenCertificate) {
  const std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-keyout " +
      key + " -out " + cert + " > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl could not make a test certificate";
  ServerOptions o;
  o.port = 0;
  o.tls_cert = cert;
  o.tls_key = key;
  Start(o);
  EXPECT_THAT(server_->url(), HasSubstr("https://"));
  httplib::SSLClient c("127.0.0.1", server_->port());
  c.enable_server_certificate_verification(false);
  auto r = c.Post("/api/login", json{{"name", "tom"}, {"password", kPassword}}.dump(),
                  "application/json");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->get_header_value("Set-Cookie"), HasSubstr("Secure"));
  EXPECT_THAT(r->get_header_value("Strict-Transport-Security"), HasSubstr("max-age"));
  // Plain HTTP to the TLS port gets nothing.
  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_read_timeout(2);
  auto p = plain.Get("/");
  EXPECT_TRUE(!p || p->status != 200);
}

TEST(ViewerServerStart, ASecondServerOnATakenPortIsRefusedNotShared) {
  TempDir dir;
  auto store = indexer::testing::OpenStore(dir.path());
  auto catalog = pipeline::NewStoreCatalog(store.get(), nullptr).value();
  ServerOptions o;
  o.port = 0;
  auto first = Server::Start(o, catalog.get());
  ASSERT_TRUE(first.ok());
  o.port = (*first)->port();
  auto second = Server::Start(o, catalog.get());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace chartscan::viewer
