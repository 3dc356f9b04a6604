// The viewer's HTTP server over cpp-httplib. One dispatcher takes every request and routes it by
// path segments (no regular expressions on request data); see server.h for the security model and
// viewer/API.md for the routes.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <thread>

#include <arpa/inet.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chartscan/viewer/password.h>
#include <chartscan/viewer/server.h>

#include "assets.h"
#include "sessions.h"
#include "views.h"

namespace chartscan::viewer {
namespace {

using nlohmann::json;

constexpr char kCookieName[] = "chartscan_session";
constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kCsp[] =
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
// Ids travel through JavaScript numbers in the front end.
constexpr std::int64_t kMaxId = (std::int64_t{1} << 53) - 1;
constexpr int kMaxSearchLimit = 100;
constexpr std::size_t kMaxQueryBytes = 2000;
// Per client address: this many failed logins in the window locks the address out for the rest of
// it, whatever names it tries.
constexpr int kAddressMaxFailures = 20;
constexpr std::int64_t kAddressWindowMicros = 15LL * 60 * 1'000'000;

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

// A positive decimal id; nullopt for anything else (signs, spaces, leading zeros, overflow).
std::optional<std::int64_t> ParseId(std::string_view s) {
  if (s.empty() || s.size() > 16 || s[0] == '0') return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0 || v > kMaxId) return std::nullopt;
  return v;
}

std::optional<int> ParseCount(const std::string& s, int lo, int hi) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) {
    return std::nullopt;
  }
  return v;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t j = std::min(path.find('/', i), path.size());
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const std::size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
  }
  return "";
}

// What a handler answers. Errors carry a sentence for the user.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = kJson;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply Json(const json& j, int status = 200) {
    return Reply{status, j.dump(-1, ' ', false, json::error_handler_t::replace), kJson, {}};
  }
  static Reply Error(int status, std::string message) {
    return Json(json{{"error", std::move(message)}}, status);
  }
};

// Maps a catalog failure to HTTP. Store messages name records by id, never patient data; server
// errors get a generic sentence and are logged with the request's route only.
Reply FromStatus(const Status& s, std::string_view what) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return Reply::Error(400, s.message());
    case StatusCode::kNotFound:
      return Reply::Error(404, std::string(what) + " was not found");
    case StatusCode::kAlreadyExists:
      return Reply::Error(409, s.message());
    case StatusCode::kBusy:
    case StatusCode::kUnavailable:
      return Reply::Error(503, "the store is busy; try again in a moment");
    default:
      std::fprintf(stderr, "chartscan serve: %s: %s\n", std::string(what).c_str(),
                   StatusCodeName(s.code()).data());
      return Reply::Error(
          500, "the store could not answer (" + std::string(StatusCodeName(s.code())) + ")");
  }
}

struct Caller {
  UserRecord user;
  Session session;
  std::string token;
  std::string remote;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, Catalog* catalog, Env* env)
      : options_(options),
        catalog_(catalog),
        env_(env),
        sessions_(options.session_idle_s * 1'000'000, options.session_max_s * 1'000'000),
        throttle_(kAddressMaxFailures, kAddressWindowMicros) {}

  ~ServerImpl() override {
    Stop();
    if (thread_.joinable()) thread_.join();
  }

  Status Bind() {
    tls_ = !options_.tls_cert.empty();
    if (tls_) {
      auto ssl =
          std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
      if (!ssl->is_valid()) {
        return Status::Unavailable("cannot load the TLS certificate or key (" + options_.tls_cert +
                                   ", " + options_.tls_key + ")");
      }
      http_ = std::move(ssl);
    } else {
      http_ = std::make_unique<httplib::Server>();
    }
    const int threads = options_.threads;
    http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which lets a second chartscan
    // serve bind the same port and silently take half the requests.
    http_->set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&yes), sizeof(yes));
    });
    http_->set_payload_max_length(1 << 20);
    http_->set_read_timeout(30, 0);
    http_->set_write_timeout(30, 0);
    // Small answers go out at once: httplib writes headers and body separately, and with Nagle's
    // algorithm the body waited for the client's delayed ACK (40 ms on every reused connection,
    // measured by bench/viewer.sh).
    http_->set_tcp_nodelay(true);
    // httplib gives each connection a worker thread until it closes, and a browser keeps several
    // idle connections open: a short keep-alive frees the worker for other clients (at 32 clients
    // and a 5 s keep-alive, 24 of them got no answer in 20 s).
    http_->set_keep_alive_timeout(1);
    http_->set_keep_alive_max_count(100);
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      Dispatch(req, res);
    };
    http_->Get(".*", handler);
    http_->Post(".*", handler);
    // Anything else (PUT, DELETE, PATCH, OPTIONS) is refused the same way, with the headers.
    auto refuse = [this](const httplib::Request&, httplib::Response& res) {
      Send(Reply::Error(405, "method not allowed"), res, false);
    };
    http_->Put(".*", refuse);
    http_->Delete(".*", refuse);
    http_->Patch(".*", refuse);
    http_->Options(".*", refuse);
    http_->set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
          std::fprintf(stderr, "chartscan serve: internal error on %s %s\n", req.method.c_str(),
                       RouteForLog(req.path).c_str());
          Send(Reply::Error(500, "internal error"), res, false);
        });
    if (options_.port == 0) {
      port_ = http_->bind_to_any_port(options_.bind);
    } else {
      port_ = http_->bind_to_port(options_.bind, options_.port) ? options_.port : -1;
    }
    if (port_ <= 0) {
      return Status::Unavailable("cannot listen on " + options_.bind + ":" +
                                 std::to_string(options_.port) +
                                 " (in use, or not an address of this machine)");
    }
    thread_ = std::thread([this] { http_->listen_after_bind(); });
    // listen_after_bind has started once is_running() says so; Stop before that would be lost.
    while (!http_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return Status::Ok();
  }

  int port() const override { return port_; }
  std::string url() const override {
    const bool v6 = options_.bind.find(':') != std::string::npos;
    return std::string(tls_ ? "https" : "http") + "://" + (v6 ? "[" : "") + options_.bind +
           (v6 ? "]" : "") + ":" + std::to_string(port_);
  }
  void Wait() override {
    std::lock_guard<std::mutex> lock(join_mu_);
    if (thread_.joinable()) thread_.join();
  }
  void Stop() override {
    if (http_) http_->stop();
  }

 private:
  // Only the route shape goes to logs: ids are fine, query strings may hold names.
  static std::string RouteForLog(const std::string& path) { return path.substr(0, 80); }

  void Send(const Reply& r, httplib::Response& res, bool api) const {
    res.status = r.status;
    res.set_content(r.body, r.content_type.c_str());
    for (const auto& [k, v] : r.headers) res.set_header(k.c_str(), v);
    res.set_header("Content-Security-Policy", kCsp);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cross-Origin-Opener-Policy", "same-origin");
    res.set_header("Cross-Origin-Resource-Policy", "same-origin");
    // Patient data is never kept by the browser's cache or a proxy.
    if (api) res.set_header("Cache-Control", "no-store");
    if (tls_) res.set_header("Strict-Transport-Security", "max-age=31536000");
  }

  void Dispatch(const httplib::Request& req, httplib::Response& res) {
    const std::vector<std::string_view> seg = Segments(req.path);
    const bool api = !seg.empty() && seg[0] == "api";
    Reply reply = api ? Api(req, seg) : Static(req, seg);
    if (reply.status >= 500) {
      std::fprintf(stderr, "chartscan serve: %d on %s %s\n", reply.status, req.method.c_str(),
                   RouteForLog(req.path).c_str());
    }
    Send(reply, res, api);
  }

  Reply Static(const httplib::Request& req, const std::vector<std::string_view>& seg) {
    if (req.method != "GET") return Reply::Error(405, "method not allowed");
    const std::string name = seg.empty() ? "index.html" : std::string(req.path.substr(1));
    const Asset* asset = FindAsset(name);
    if (!asset) return Reply::Error(404, "not found");
    Reply r{200, std::string(asset->data, asset->size), asset->content_type, {}};
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }

  std::int64_t Now() const { return env_->NowMicros(); }

  // Writes the audit event; the caller must not send data when this fails.
  Status AuditEvent(const std::string& user, std::string action, std::string target,
                    std::string detail, const std::string& remote) {
    chartscan::AuditEvent e;
    e.user = user;
    e.action = std::move(action);
    e.target = std::move(target);
    e.detail = std::move(detail);
    e.remote = remote;
    Result<chartscan::AuditEvent> r = catalog_->Audit(e);
    if (!r.ok()) {
      std::fprintf(stderr, "chartscan serve: the audit log cannot be written: %s\n",
                   StatusCodeName(r.status().code()).data());
      return r.status();
    }
    return Status::Ok();
  }
  Status Audit(const Caller& c, std::string action, std::string target, std::string detail = "") {
    return AuditEvent(c.user.name, std::move(action), std::move(target), std::move(detail),
                      c.remote);
  }
  static Reply AuditFailed() {
    return Reply::Error(503,
                        "the audit log cannot be written, so nothing is shown; tell the "
                        "administrator");
  }

  // The caller's session and user, or the reply refusing the request.
  std::variant<Caller, Reply> Authenticate(const httplib::Request& req, bool post) {
    const std::string token = CookieValue(req, kCookieName);
    std::optional<Session> session = sessions_.Touch(token, Now());
    if (!session) return Reply::Error(401, "please log in");
    Result<UserRecord> user = catalog_->GetUser(session->user);
    if (!user.ok() || user->disabled) {
      sessions_.Remove(token);
      return Reply::Error(401, "please log in");
    }
    if (post) {
      if (!SameSecret(req.get_header_value("X-CSRF-Token"), session->csrf)) {
        return Reply::Error(403, "the request did not carry this session's CSRF token");
      }
      if (!SameOrigin(req)) return Reply::Error(403, "cross-origin requests are refused");
    }
    return Caller{std::move(*user), std::move(*session), token, req.remote_addr};
  }

  // An Origin header, when the browser sends one, must name this server.
  static bool SameOrigin(const httplib::Request& req) {
    const std::string origin = req.get_header_value("Origin");
    if (origin.empty()) return true;
    const std::string host = req.get_header_value("Host");
    return origin == "http://" + host || origin == "https://" + host;
  }

  // The refusal when the caller's role is below `role`; nullopt when allowed.
  static std::optional<Reply> Forbidden(const Caller& c, Role role) {
    if (static_cast<int>(c.user.role) >= static_cast<int>(role)) return std::nullopt;
    return Reply::Error(
        403, "your role (" + std::string(RoleName(c.user.role)) + ") does not allow this");
  }

  Reply Api(const httplib::Request& req, const std::vector<std::string_view>& seg) {
    const bool post = req.method == "POST";
    if (seg.size() == 2 && seg[1] == "login") {
      return post ? Login(req) : Reply::Error(405, "method not allowed");
    }
    auto auth = Authenticate(req, post);
    if (auto* refused = std::get_if<Reply>(&auth)) return *refused;
    const Caller& c = std::get<Caller>(auth);
    const std::string_view what = seg.size() > 1 ? seg[1] : std::string_view();
    // 0 when the third segment is not an id (an id route then answers 404).
    const std::int64_t id = seg.size() > 2 ? ParseId(seg[2]).value_or(0) : 0;
    auto only = [&](bool want_post, auto&& fn) -> Reply {
      if (post != want_post) return Reply::Error(405, "method not allowed");
      return fn();
    };
    if (what == "logout" && seg.size() == 2) return only(true, [&] { return Logout(c); });
    if (what == "me" && seg.size() == 2) return only(false, [&] { return Me(c); });
    if (what == "search" && seg.size() == 2) return only(false, [&] { return Search(c, req); });
    if (what == "pages" && id > 0 && seg.size() == 3) {
      return only(false, [&] { return Page(c, req, id); });
    }
    if (what == "pages" && id > 0 && seg.size() == 4 && seg[3] == "image") {
      return only(false, [&] { return Image(c, req, id); });
    }
    if (what == "charts" && id > 0 && seg.size() == 3) {
      return only(false, [&] { return Chart(c, id); });
    }
    if (what == "documents" && id > 0 && seg.size() == 3) {
      return only(false, [&] { return Document(c, id); });
    }
    if (what == "documents" && id > 0 && seg.size() == 4 && seg[3] == "export") {
      return only(false, [&] { return Export(c, id); });
    }
    if (what == "review" && seg.size() == 2) return only(false, [&] { return Review(c, req); });
    if (what == "review" && seg.size() == 3) {
      return only(true, [&] { return Resolve(c, req, std::string(seg[2])); });
    }
    if (what == "batches" && seg.size() == 2) return only(false, [&] { return Batches(c); });
    if (what == "batches" && id > 0 && seg.size() == 3) {
      return only(false, [&] { return Batch(c, id); });
    }
    if (what == "users" && seg.size() == 2) {
      return post ? AddUser(c, req) : Users(c);
    }
    if (what == "users" && seg.size() == 3) {
      return only(true, [&] { return ChangeUser(c, req, std::string(seg[2])); });
    }
    if (what == "audit" && seg.size() == 2) return only(false, [&] { return AuditLog(c, req); });
    return Reply::Error(404, "no such page or record");
  }

  // ---- Authentication ----

  Reply Login(const httplib::Request& req) {
    const std::string remote = req.remote_addr;
    if (!SameOrigin(req)) return Reply::Error(403, "cross-origin requests are refused");
    if (std::int64_t wait = throttle_.RetryAfterSeconds(remote, Now()); wait > 0) {
      Reply r = Reply::Json({{"error", "too many failed logins from this address; try again in " +
                                           std::to_string((wait + 59) / 60) + " minutes"},
                             {"retry_after_s", wait}},
                            429);
      r.headers.emplace_back("Retry-After", std::to_string(wait));
      return r;
    }
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("name") || !body.contains("password") ||
        !body["name"].is_string() || !body["password"].is_string()) {
      return Reply::Error(400, "send {\"name\": ..., \"password\": ...}");
    }
    const std::string name = body["name"].get<std::string>().substr(0, 64);
    const std::string password = body["password"].get<std::string>();
    Result<UserRecord> user = catalog_->GetUser(name);
    const std::int64_t now = Now();
    if (user.ok() && user->locked_until_micros > now) {
      const std::int64_t wait = (user->locked_until_micros - now + 999'999) / 1'000'000;
      if (!AuditEvent(name, "login_refused", "user:" + name, "locked", remote).ok()) {
        return AuditFailed();
      }
      Reply r = Reply::Json(
          {{"error",
            "this account is locked after repeated failed logins; try "
            "again in " +
                std::to_string((wait + 59) / 60) + " minutes or ask an administrator to unlock it"},
           {"retry_after_s", wait}},
          429);
      r.headers.emplace_back("Retry-After", std::to_string(wait));
      return r;
    }
    bool good = false;
    if (user.ok() && !user->disabled) {
      good = VerifyPassword(password, user->password_hash);
    } else {
      VerifyAgainstDummy(password);
    }
    if (!good) {
      throttle_.Failed(remote, now);
      if (user.ok()) {
        (void)catalog_->RecordLogin(name, false, options_.max_login_failures,
                                    options_.lockout_s * 1'000'000);
      }
      if (!AuditEvent(name, "login_failed", "user:" + name, "", remote).ok()) {
        return AuditFailed();
      }
      // Slows guessing; the thread pool bounds how many such waits run at once.
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.login_failure_delay_ms));
      return Reply::Error(401, "wrong name or password");
    }
    throttle_.Succeeded(remote);
    (void)catalog_->RecordLogin(name, true, options_.max_login_failures,
                                options_.lockout_s * 1'000'000);
    if (!AuditEvent(name, "login", "user:" + name, "", remote).ok()) return AuditFailed();
    NewSession s = sessions_.Create(name, now);
    Reply r =
        Reply::Json({{"user", {{"name", name}, {"role", RoleName(user->role)}}}, {"csrf", s.csrf}});
    r.headers.emplace_back("Set-Cookie", std::string(kCookieName) + "=" + s.token +
                                             "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                             std::to_string(options_.session_max_s) +
                                             (tls_ ? "; Secure" : ""));
    return r;
  }

  Reply Logout(const Caller& c) {
    sessions_.Remove(c.token);
    (void)Audit(c, "logout", "user:" + c.user.name);
    Reply r{204, "", kJson, {}};
    r.headers.emplace_back("Set-Cookie", std::string(kCookieName) +
                                             "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                             (tls_ ? "; Secure" : ""));
    return r;
  }

  Reply Me(const Caller& c) {
    return Reply::Json({{"user", {{"name", c.user.name}, {"role", RoleName(c.user.role)}}},
                        {"csrf", c.session.csrf},
                        {"expires_in_s", sessions_.SecondsLeft(c.session, Now())}});
  }

  // ---- Search and reading ----

  Reply Search(const Caller& c, const httplib::Request& req) {
    const std::string q = req.get_param_value("q");
    if (q.size() > kMaxQueryBytes) return Reply::Error(400, "the query is too long");
    SearchOptions opt;
    opt.highlight_begin = "\x02";
    opt.highlight_end = "\x03";
    if (req.has_param("limit")) {
      auto v = ParseCount(req.get_param_value("limit"), 1, kMaxSearchLimit);
      if (!v) return Reply::Error(400, "limit must be a number from 1 to 100");
      opt.limit = *v;
    }
    if (req.has_param("offset")) {
      auto v = ParseCount(req.get_param_value("offset"), 0, 1'000'000);
      if (!v) return Reply::Error(400, "offset must be a number from 0 to 1000000");
      opt.offset = *v;
    }
    opt.approximate = req.get_param_value("exact") != "1";
    Result<SearchResults> found = catalog_->Search(q, opt);
    if (!found.ok()) {
      if (found.status().code() == StatusCode::kInvalidArgument) {
        return Reply::Error(400, found.status().message());
      }
      return FromStatus(found.status(), "search");
    }
    std::string shown;
    for (const SearchHit& h : found->hits) {
      shown += (shown.empty() ? "" : ",") + std::to_string(h.page_id);
    }
    if (!Audit(c, "search", shown.empty() ? "pages:none" : "pages:" + shown, q).ok()) {
      return AuditFailed();
    }
    return Reply::Json(SearchJson(q, *found));
  }

  Reply Page(const Caller& c, const httplib::Request& req, std::int64_t id) {
    Result<StoredPage> page = catalog_->GetPage(id);
    if (!page.ok()) return FromStatus(page.status(), "page " + std::to_string(id));
    PageNeighbours around;
    if (page->document_id) {
      Result<DocumentInfo> d = catalog_->GetDocument(page->document_id);
      if (d.ok()) {
        const auto& ids = d->page_ids;
        auto it = std::find(ids.begin(), ids.end(), id);
        if (it != ids.end()) {
          around.document_pages = static_cast<int>(ids.size());
          if (it != ids.begin()) around.prev = *(it - 1);
          if (it + 1 != ids.end()) around.next = *(it + 1);
        }
      }
    }
    if (!around.prev && page->source_page > 1) {
      around.prev = catalog_->PageIdAt(page->source_id, page->source_page - 1).value_or(0);
    }
    if (!around.next) {
      around.next = catalog_->PageIdAt(page->source_id, page->source_page + 1).value_or(0);
    }
    std::optional<std::vector<int>> hits;
    const std::string q = req.get_param_value("q");
    if (!q.empty()) {
      Result<std::vector<int>> m = catalog_->MatchWords(q, id, req.get_param_value("exact") != "1");
      if (!m.ok() && m.status().code() == StatusCode::kInvalidArgument) {
        return Reply::Error(400, m.status().message());
      }
      hits = m.value_or(std::vector<int>());
    }
    if (!Audit(c, "view_page", "page:" + std::to_string(id)).ok()) return AuditFailed();
    return Reply::Json(PageJson(*page, around, hits ? &*hits : nullptr));
  }

  Reply Image(const Caller& c, const httplib::Request& req, std::int64_t id) {
    ImageRequest ir;
    ir.page_id = id;
    const std::string kind = req.has_param("kind") ? req.get_param_value("kind") : "cleaned";
    if (kind == "cleaned") {
      ir.kind = ImageKind::kCleaned;
    } else if (kind == "original") {
      ir.kind = ImageKind::kOriginal;
    } else if (kind == "thumb") {
      ir.kind = ImageKind::kThumb;
    } else {
      return Reply::Error(400, "kind must be cleaned, original or thumb");
    }
    if (req.has_param("x") || req.has_param("y") || req.has_param("w") || req.has_param("h")) {
      if (ir.kind != ImageKind::kCleaned)
        return Reply::Error(400, "only a cleaned image is cropped");
      auto x = ParseCount(req.get_param_value("x"), 0, 100'000);
      auto y = ParseCount(req.get_param_value("y"), 0, 100'000);
      auto w = ParseCount(req.get_param_value("w"), 1, 100'000);
      auto h = ParseCount(req.get_param_value("h"), 1, 100'000);
      if (!x || !y || !w || !h) return Reply::Error(400, "a crop needs x, y, w and h in pixels");
      ir.crop = Box{*x, *y, *w, *h};
    }
    Result<ImageBytes> img = catalog_->PageImage(ir);
    if (!img.ok()) return FromStatus(img.status(), "the image of page " + std::to_string(id));
    // Thumbnails are too small to read (200 pixels for a page); the search that listed them is
    // audited with their page ids.
    if (ir.kind != ImageKind::kThumb &&
        !Audit(c, "view_image", "page:" + std::to_string(id), kind + (ir.crop ? " crop" : ""))
             .ok()) {
      return AuditFailed();
    }
    return Reply{200, std::move(img->bytes), img->content_type, {}};
  }

  Reply Chart(const Caller& c, std::int64_t id) {
    Result<ChartInfo> chart = catalog_->GetChart(id);
    if (!chart.ok()) return FromStatus(chart.status(), "chart " + std::to_string(id));
    Result<std::vector<DocumentInfo>> docs = catalog_->ChartDocuments(id);
    if (!docs.ok()) return FromStatus(docs.status(), "chart " + std::to_string(id));
    if (!Audit(c, "view_chart", "chart:" + std::to_string(id)).ok()) return AuditFailed();
    return Reply::Json(ChartJson(*chart, *docs));
  }

  Reply Document(const Caller& c, std::int64_t id) {
    Result<DocumentInfo> d = catalog_->GetDocument(id);
    if (!d.ok()) return FromStatus(d.status(), "document " + std::to_string(id));
    if (!Audit(c, "view_document", "document:" + std::to_string(id)).ok()) return AuditFailed();
    return Reply::Json(DocumentJson(*d));
  }

  Reply Export(const Caller& c, std::int64_t id) {
    Result<std::string> line = catalog_->ExportDocument(id);
    if (!line.ok()) return FromStatus(line.status(), "document " + std::to_string(id));
    if (!Audit(c, "export", "document:" + std::to_string(id), "json").ok()) return AuditFailed();
    Reply r{200, std::move(*line), kJson, {}};
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"document-" + std::to_string(id) + ".json\"");
    return r;
  }

  // ---- Verification ----

  Reply Review(const Caller& c, const httplib::Request& req) {
    if (auto refused = Forbidden(c, Role::kClerk)) return *refused;
    int offset = 0, limit = 20;
    if (req.has_param("offset")) {
      auto v = ParseCount(req.get_param_value("offset"), 0, 1'000'000);
      if (!v) return Reply::Error(400, "offset must be a number from 0 to 1000000");
      offset = *v;
    }
    if (req.has_param("limit")) {
      auto v = ParseCount(req.get_param_value("limit"), 1, 100);
      if (!v) return Reply::Error(400, "limit must be a number from 1 to 100");
      limit = *v;
    }
    Result<ReviewQueue> q = catalog_->Review(offset, limit);
    if (!q.ok()) return FromStatus(q.status(), "the review queue");
    if (!Audit(c, "view_review", "review", "offset " + std::to_string(offset)).ok()) {
      return AuditFailed();
    }
    json items = json::array();
    for (const ReviewItem& item : q->items) items.push_back(ReviewItemJson(item));
    return Reply::Json({{"total", q->total}, {"items", items}});
  }

  Reply Resolve(const Caller& c, const httplib::Request& req, std::string item_id) {
    if (auto refused = Forbidden(c, Role::kClerk)) return *refused;
    if (item_id.empty() || item_id.size() > 64) return Reply::Error(404, "no such review item");
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("action") || !body["action"].is_string()) {
      return Reply::Error(400,
                          "send {\"action\": \"accept\"} or {\"action\": \"correct\", "
                          "\"value\": ...}");
    }
    ReviewDecision d;
    d.item_id = item_id;
    d.user = c.user.name;
    const std::string action = body["action"].get<std::string>();
    if (action == "accept") {
      d.accept = true;
    } else if (action == "correct") {
      if (!body.contains("value") || !body["value"].is_string() ||
          body["value"].get<std::string>().empty()) {
        return Reply::Error(400, "a correction needs the corrected value");
      }
      d.accept = false;
      d.value = body["value"].get<std::string>();
      if (d.value.size() > 200) return Reply::Error(400, "the value is too long");
    } else {
      return Reply::Error(400, "action must be accept or correct");
    }
    Result<ReviewItem> done = catalog_->Resolve(d);
    if (!done.ok()) return FromStatus(done.status(), "review item " + item_id);
    // The field and the decision, never the values: those are patient data and stay with the
    // review record in the store.
    if (!Audit(c, d.accept ? "review_accept" : "review_correct",
               "document:" + std::to_string(done->document_id),
               std::string(ReviewKindName(done->kind)) + " " + done->field +
                   (done->page_id ? " page:" + std::to_string(done->page_id) : ""))
             .ok()) {
      return AuditFailed();
    }
    return Reply::Json({{"item", ReviewItemJson(*done)}});
  }

  // ---- Batches ----

  Reply Batches(const Caller& c) {
    Result<std::vector<BatchInfo>> all = catalog_->Batches();
    if (!all.ok()) return FromStatus(all.status(), "the batches");
    if (!Audit(c, "view_batches", "batches").ok()) return AuditFailed();
    json list = json::array();
    for (const BatchInfo& b : *all) list.push_back(BatchJson(b));
    return Reply::Json({{"batches", list}});
  }

  Reply Batch(const Caller& c, std::int64_t id) {
    Result<BatchInfo> b = catalog_->GetBatch(id);
    if (!b.ok()) return FromStatus(b.status(), "batch " + std::to_string(id));
    json j = BatchJson(*b);
    json failures = json::array();
    Result<std::vector<FailureRecord>> f = catalog_->Failures(id);
    if (!f.ok()) return FromStatus(f.status(), "batch " + std::to_string(id));
    for (const FailureRecord& r : *f) {
      failures.push_back({{"file", FileName(r.path)}, {"code", r.code}, {"message", r.message}});
    }
    json rescan = json::array();
    Status s = catalog_->ForEachPageOfBatch(id, [&](const StoredPage& p) {
      std::vector<std::string> why = RescanReasons(p);
      if (!why.empty()) {
        rescan.push_back({{"page_id", p.page_id},
                          {"source", FileName(p.source_path)},
                          {"source_page", p.source_page},
                          {"reasons", why}});
      }
      return Status::Ok();
    });
    if (!s.ok()) return FromStatus(s, "batch " + std::to_string(id));
    if (!Audit(c, "view_batch", "batch:" + std::to_string(id)).ok()) return AuditFailed();
    j["failures"] = failures;
    j["rescan"] = rescan;
    return Reply::Json(j);
  }

  // ---- Administration ----

  Reply Users(const Caller& c) {
    if (auto refused = Forbidden(c, Role::kAdmin)) return *refused;
    Result<std::vector<UserRecord>> all = catalog_->Users();
    if (!all.ok()) return FromStatus(all.status(), "the users");
    json list = json::array();
    const std::int64_t now = Now();
    for (const UserRecord& u : *all) list.push_back(UserJson(u, now));
    return Reply::Json({{"users", list}});
  }

  Reply AddUser(const Caller& c, const httplib::Request& req) {
    if (auto refused = Forbidden(c, Role::kAdmin)) return *refused;
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.value("name", json()).is_string() ||
        !body.value("role", json()).is_string() || !body.value("password", json()).is_string()) {
      return Reply::Error(400, "send {\"name\", \"role\", \"password\"}");
    }
    std::optional<Role> role = ParseRole(body["role"].get<std::string>());
    if (!role) return Reply::Error(400, "role must be technician, clerk or admin");
    Result<std::string> hash = HashPassword(body["password"].get<std::string>());
    if (!hash.ok()) return FromStatus(hash.status(), "the password");
    const std::string name = body["name"].get<std::string>();
    Result<UserRecord> added = catalog_->AddUser(name, *role, *hash);
    if (!added.ok()) return FromStatus(added.status(), "user");
    if (!Audit(c, "user_add", "user:" + name, std::string(RoleName(*role))).ok()) {
      return AuditFailed();
    }
    return Reply::Json({{"user", UserJson(*added, Now())}}, 201);
  }

  Reply ChangeUser(const Caller& c, const httplib::Request& req, const std::string& name) {
    if (auto refused = Forbidden(c, Role::kAdmin)) return *refused;
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return Reply::Error(400, "send a JSON object");
    UserUpdate u;
    u.name = name;
    std::string detail;
    if (body.contains("role")) {
      if (!body["role"].is_string()) return Reply::Error(400, "role must be a string");
      u.role = ParseRole(body["role"].get<std::string>());
      if (!u.role) return Reply::Error(400, "role must be technician, clerk or admin");
      detail += "role " + std::string(RoleName(*u.role)) + "; ";
    }
    if (body.contains("disabled")) {
      if (!body["disabled"].is_boolean())
        return Reply::Error(400, "disabled must be true or false");
      u.disabled = body["disabled"].get<bool>();
      detail += *u.disabled ? "disabled; " : "enabled; ";
    }
    if (body.contains("password")) {
      if (!body["password"].is_string()) return Reply::Error(400, "password must be a string");
      Result<std::string> hash = HashPassword(body["password"].get<std::string>());
      if (!hash.ok()) return FromStatus(hash.status(), "the password");
      u.password_hash = *hash;
      detail += "password reset; ";
    }
    if (body.contains("unlock") && body["unlock"] == true) {
      u.unlock = true;
      detail += "unlocked; ";
    }
    if (detail.empty()) return Reply::Error(400, "nothing to change");
    if (name == c.user.name &&
        ((u.role && *u.role != Role::kAdmin) || u.disabled.value_or(false))) {
      return Reply::Error(400, "an administrator cannot demote or disable their own account");
    }
    Result<UserRecord> changed = catalog_->UpdateUser(u);
    if (!changed.ok()) return FromStatus(changed.status(), "user " + name);
    detail.resize(detail.size() - 2);
    if (!Audit(c, "user_change", "user:" + name, detail).ok()) return AuditFailed();
    return Reply::Json({{"user", UserJson(*changed, Now())}});
  }

  Reply AuditLog(const Caller& c, const httplib::Request& req) {
    if (auto refused = Forbidden(c, Role::kAdmin)) return *refused;
    int limit = 100;
    if (req.has_param("limit")) {
      auto v = ParseCount(req.get_param_value("limit"), 1, 1000);
      if (!v) return Reply::Error(400, "limit must be a number from 1 to 1000");
      limit = *v;
    }
    // after=SEQ pages forward from there; before=SEQ pages back; neither: the newest events.
    std::optional<std::int64_t> after, before;
    for (const char* key : {"after", "before"}) {
      if (!req.has_param(key)) continue;
      const std::string a = req.get_param_value(key);
      std::optional<std::int64_t> v = a == "0" ? std::optional<std::int64_t>(0) : ParseId(a);
      if (!v) return Reply::Error(400, std::string(key) + " must be a sequence number");
      (std::string(key) == "after" ? after : before) = v;
    }
    // Reading the log is itself an access worth recording, and is written before the read so the
    // reader sees their own row.
    if (!Audit(c, "view_audit", "audit", "").ok()) return AuditFailed();
    Result<AuditCheck> check = catalog_->VerifyAudit();
    if (!check.ok()) return FromStatus(check.status(), "the audit log");
    const std::int64_t last_seq = check->events;
    std::int64_t from = 0;
    if (after) {
      from = *after;
    } else if (before) {
      from = std::max<std::int64_t>(0, *before - 1 - limit);
      limit = static_cast<int>(std::max<std::int64_t>(0, *before - 1 - from));
    } else {
      from = std::max<std::int64_t>(0, last_seq - limit);
    }
    std::vector<chartscan::AuditEvent> events;
    if (limit > 0) {
      Result<std::vector<chartscan::AuditEvent>> got = catalog_->AuditLog(from, limit);
      if (!got.ok()) return FromStatus(got.status(), "the audit log");
      events = std::move(*got);
    }
    json list = json::array();
    for (const chartscan::AuditEvent& e : events) list.push_back(AuditJson(e));
    return Reply::Json({{"events", list},
                        {"last_seq", last_seq},
                        {"chain_ok", check->ok},
                        {"chain_events", check->events},
                        {"chain_problem", check->problem}});
  }

  const ServerOptions options_;
  Catalog* const catalog_;
  Env* const env_;
  Sessions sessions_;
  LoginThrottle throttle_;
  std::unique_ptr<httplib::Server> http_;
  bool tls_ = false;
  int port_ = 0;
  std::thread thread_;
  std::mutex join_mu_;
};

}  // namespace

Status ServerOptions::Validate() const {
  if (port < 0 || port > 65535) return Status::InvalidArgument("--port must be 0-65535");
  if (threads < 1 || threads > 256) return Status::InvalidArgument("threads must be 1-256");
  if (tls_cert.empty() != tls_key.empty()) {
    return Status::InvalidArgument("TLS needs both --tls-cert and --tls-key");
  }
  if (bind.empty()) return Status::InvalidArgument("--bind needs an address");
  if (!IsLoopback(bind) && tls_cert.empty() && !insecure) {
    return Status::InvalidArgument(
        "refusing to serve patient records on " + bind +
        " without TLS: give --tls-cert and --tls-key, or --insecure on a network you trust");
  }
  if (session_idle_s <= 0 || session_max_s <= 0 || lockout_s <= 0 || max_login_failures < 1 ||
      login_failure_delay_ms < 0) {
    return Status::InvalidArgument("session and lockout limits must be positive");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Catalog* catalog,
                                              Env* env) {
  if (Status s = options.Validate(); !s.ok()) return s;
  if (!catalog || !env) throw std::invalid_argument("Server::Start: null catalog or env");
  auto server = std::make_unique<ServerImpl>(options, catalog, env);
  if (Status s = server->Bind(); !s.ok()) return s;
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace chartscan::viewer
