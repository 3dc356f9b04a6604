// chartscan serve: the web viewer over the store.
// chartscan users add|list|set: the viewer's users (the first administrator is made here; there is
// no default account and no default password).
// chartscan audit verify|export: the audit log's hash chain checked, and the log written out for a
// compliance review.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>
#include <pthread.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <chartscan/pipeline/catalog.h>
#include <chartscan/viewer/password.h>
#include <chartscan/viewer/server.h>

#include "commands.h"

namespace chartscan::cli {
namespace {

// Who is at the command line, for the audit log.
std::string CliUser() {
  const char* user = std::getenv("USER");
  if (!user || !*user) user = std::getenv("LOGNAME");
  return std::string("cli:") + (user && *user ? user : std::to_string(getuid()));
}

}  // namespace

Status AuditCli(indexer::Store& store, std::string action, std::string target, std::string detail) {
  AuditEvent e;
  e.user = CliUser();
  e.action = std::move(action);
  e.target = std::move(target);
  e.detail = std::move(detail);
  e.remote = "cli";
  return store.Audit(e).status();
}

Status AuditCommandLine(const std::string& store_flag, std::string action, std::string target,
                        std::string detail) {
  indexer::StoreOptions options;
  options.dir = ResolveStoreDir(store_flag);
  Result<std::unique_ptr<indexer::Store>> store = indexer::Store::Open(options);
  if (!store.ok()) return store.status();
  return AuditCli(**store, std::move(action), std::move(target), std::move(detail));
}

namespace {

// A password from the first line of stdin (--password-stdin), else typed twice at the terminal
// without echo.
Result<std::string> ReadPassword(bool from_stdin) {
  std::string password;
  if (from_stdin) {
    if (!std::getline(std::cin, password)) return Status::InvalidArgument("no password on stdin");
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
  }
  if (!isatty(STDIN_FILENO)) {
    return Status::InvalidArgument("not a terminal: give the password with --password-stdin");
  }
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string again;
  std::cerr << "Password (at least " << viewer::kMinPasswordLength << " characters): ";
  std::getline(std::cin, password);
  std::cerr << "\nAgain: ";
  std::getline(std::cin, again);
  std::cerr << "\n";
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  if (password != again) return Status::InvalidArgument("the two passwords differ");
  return password;
}

int Fail(const Status& s) {
  std::cerr << "chartscan: " << s.ToString() << "\n";
  return kExitError;
}

}  // namespace

int RunServe(const ServeArgs& args) {
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  Result<std::vector<UserRecord>> users = work->store->Users();
  if (!users.ok()) return Fail(users.status());
  const bool has_admin = std::any_of(users->begin(), users->end(), [](const UserRecord& u) {
    return u.role == Role::kAdmin && !u.disabled;
  });
  if (!has_admin) {
    std::cerr << "chartscan: the store has no administrator yet; create one first:\n"
              << "  chartscan users add NAME --role admin"
              << (args.store.empty() ? "" : " --store " + args.store) << "\n";
    return kExitError;
  }
  Result<std::unique_ptr<viewer::Catalog>> catalog =
      pipeline::NewStoreCatalog(work->store.get(), work->codes.get());
  if (!catalog.ok()) return Fail(catalog.status());

  viewer::ServerOptions options;
  options.bind = args.bind;
  options.port = args.port;
  options.tls_cert = args.tls_cert;
  options.tls_key = args.tls_key;
  options.insecure = args.insecure;
  options.threads = args.threads;
  if (Status s = options.Validate(); !s.ok()) return Fail(s);

  // Ctrl-C and SIGTERM are taken by this thread alone (sigwait), so the server's threads never see
  // them and the server stops cleanly, finishing the requests in flight.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<std::unique_ptr<viewer::Server>> server = viewer::Server::Start(options, catalog->get());
  if (!server.ok()) return Fail(server.status());
  if (!AuditCli(*work->store, "serve_start", "viewer", (*server)->url()).ok()) {
    std::cerr << "chartscan: the audit log cannot be written; not serving\n";
    return kExitError;
  }
  std::cout << "chartscan viewer listening on " << (*server)->url() << std::endl;
  std::cerr << "Store " << work->dir << ". Ctrl-C stops.\n";

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    (*server)->Stop();
  });
  (*server)->Wait();
  // The server stopped by itself (it does not, short of a failure): wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  (void)AuditCli(*work->store, "serve_stop", "viewer", "");
  std::cerr << "chartscan: viewer stopped\n";
  return kExitOk;
}

int RunUsersAdd(const UsersArgs& args) {
  std::optional<Role> role = ParseRole(args.role);
  if (!role) return Fail(Status::InvalidArgument("--role must be technician, clerk or admin"));
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  if (work->store->GetUser(args.name).ok()) {
    return Fail(Status::AlreadyExists("user " + args.name +
                                      " exists; change it with `chartscan "
                                      "users set`"));
  }
  Result<std::string> password = ReadPassword(args.password_stdin);
  if (!password.ok()) return Fail(password.status());
  Result<std::string> hash = viewer::HashPassword(*password);
  if (!hash.ok()) return Fail(hash.status());
  Result<UserRecord> added = work->store->AddUser(args.name, *role, *hash);
  if (!added.ok()) return Fail(added.status());
  if (Status s =
          AuditCli(*work->store, "user_add", "user:" + args.name, std::string(RoleName(*role)));
      !s.ok()) {
    return Fail(s);
  }
  std::cout << "Added " << args.name << " (" << RoleName(*role) << ").\n";
  return kExitOk;
}

int RunUsersList(const UsersArgs& args) {
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  Result<std::vector<UserRecord>> users = work->store->Users();
  if (!users.ok()) return Fail(users.status());
  const std::int64_t now = Env::Default()->NowMicros();
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const UserRecord& u : *users) {
      list.push_back({{"name", u.name},
                      {"role", RoleName(u.role)},
                      {"disabled", u.disabled},
                      {"locked", u.locked_until_micros > now},
                      {"failed_logins", u.failed_logins}});
    }
    std::cout << list.dump(2) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "ROLE", "STATE"}};
  for (const UserRecord& u : *users) {
    rows.push_back({u.name, std::string(RoleName(u.role)),
                    u.disabled                    ? "disabled"
                    : u.locked_until_micros > now ? "locked"
                                                  : "active"});
  }
  PrintTable(rows);
  return kExitOk;
}

int RunUsersSet(const UsersArgs& args) {
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  UserUpdate u;
  u.name = args.name;
  std::string detail;
  if (!args.role.empty()) {
    u.role = ParseRole(args.role);
    if (!u.role) return Fail(Status::InvalidArgument("--role must be technician, clerk or admin"));
    detail += "role " + args.role + "; ";
  }
  if (args.disable || args.enable) {
    u.disabled = args.disable;
    detail += args.disable ? "disabled; " : "enabled; ";
  }
  if (args.unlock) {
    u.unlock = true;
    detail += "unlocked; ";
  }
  if (args.reset_password) {
    Result<std::string> password = ReadPassword(args.password_stdin);
    if (!password.ok()) return Fail(password.status());
    Result<std::string> hash = viewer::HashPassword(*password);
    if (!hash.ok()) return Fail(hash.status());
    u.password_hash = *hash;
    detail += "password reset; ";
  }
  if (detail.empty()) {
    return Fail(Status::InvalidArgument(
        "nothing to change: give --role, --disable, --enable, --unlock or --password"));
  }
  Result<UserRecord> changed = work->store->UpdateUser(u);
  if (!changed.ok()) return Fail(changed.status());
  detail.resize(detail.size() - 2);
  if (Status s = AuditCli(*work->store, "user_change", "user:" + args.name, detail); !s.ok()) {
    return Fail(s);
  }
  std::cout << "Changed " << args.name << ": " << detail << ".\n";
  return kExitOk;
}

int RunAuditVerify(const AuditArgs& args) {
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  Result<AuditCheck> check = work->store->VerifyAudit();
  if (!check.ok()) return Fail(check.status());
  if (args.json) {
    std::cout << nlohmann::json{{"ok", check->ok},
                                {"events", check->events},
                                {"first_bad_seq", check->first_bad_seq},
                                {"problem", check->problem},
                                {"head_hash", check->head_hash}}
                     .dump(2)
              << "\n";
  } else if (check->ok) {
    std::cout << "Audit log intact: " << check->events << " events, chain head " << check->head_hash
              << "\n";
  } else {
    std::cout << "AUDIT LOG BROKEN at event " << check->first_bad_seq << ": " << check->problem
              << "\n";
  }
  return check->ok ? kExitOk : kExitSomeFailed;
}

int RunAuditExport(const AuditArgs& args) {
  if (args.format != "jsonl" && args.format != "csv") {
    return Fail(Status::InvalidArgument("--format must be jsonl or csv"));
  }
  std::optional<WorkStore> work = OpenWorkStore(args.store);
  if (!work) return kExitError;
  // The export is itself an access to the log; recorded first, so the file holds its own row.
  if (Status s = AuditCli(*work->store, "audit_export", "audit", args.format); !s.ok()) {
    return Fail(s);
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::out | std::ios::trunc);
    if (!file) return Fail(Status::IoError("cannot write " + args.output));
    out = &file;
  }
  auto csv = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  if (args.format == "csv")
    *out << "seq,at_micros,user,action,target,detail,remote,prev_hash,hash\n";
  std::int64_t after = 0;
  for (;;) {
    Result<std::vector<AuditEvent>> events = work->store->AuditLog(after, 1000);
    if (!events.ok()) return Fail(events.status());
    for (const AuditEvent& e : *events) {
      if (args.format == "csv") {
        *out << e.seq << ',' << e.at_micros << ',' << csv(e.user) << ',' << csv(e.action) << ','
             << csv(e.target) << ',' << csv(e.detail) << ',' << csv(e.remote) << ',' << e.prev_hash
             << ',' << e.hash << '\n';
      } else {
        *out << nlohmann::json{{"seq", e.seq},       {"at_micros", e.at_micros},
                               {"user", e.user},     {"action", e.action},
                               {"target", e.target}, {"detail", e.detail},
                               {"remote", e.remote}, {"prev_hash", e.prev_hash},
                               {"hash", e.hash}}
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
             << '\n';
      }
      after = e.seq;
    }
    if (events->size() < 1000) break;
  }
  out->flush();
  if (!*out) return Fail(Status::IoError("writing the audit export failed"));
  return kExitOk;
}

}  // namespace chartscan::cli
