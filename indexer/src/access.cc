#include "access.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include <chartscan/indexer/store.h>

#include "schema.h"

namespace chartscan::indexer {
namespace {

constexpr char kGenesisHash[] = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr std::size_t kMaxIdle = 4;

[[maybe_unused]] const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

Status CheckName(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '@' || c == '-';
      });
  if (ok) return Status::Ok();
  return Status::InvalidArgument(
      "a user name is 1 to 64 letters, digits or the characters . _ @ -");
}

Status NoUser(std::string_view name) {
  // The name is what someone typed at a login prompt: quoted only once it is known to be sane.
  return Status::NotFound(CheckName(name).ok() ? "no user " + std::string(name) : "no such user");
}

constexpr char kUserColumns[] =
    "SELECT id, name, role, password_hash, disabled, failed_logins, locked_until_micros, "
    "created_micros, last_login_micros FROM users ";

UserRecord ReadUser(const Stmt& st) {
  UserRecord u;
  u.user_id = st.Int64(0);
  u.name = st.Text(1);
  u.role = ParseRole(st.Text(2)).value_or(Role::kTechnician);
  u.password_hash = st.Text(3);
  u.disabled = st.Int(4) != 0;
  u.failed_logins = st.Int(5);
  u.locked_until_micros = st.Int64(6);
  u.created_micros = st.Int64(7);
  u.last_login_micros = st.Int64(8);
  return u;
}

Result<std::optional<UserRecord>> FindUser(sqlite3* db, std::string_view name) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(
      st.Prepare(db, (std::string(kUserColumns) + "WHERE name = ?1").c_str(), "read user"));
  st.Bind(1, name);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<UserRecord>();
  return std::optional<UserRecord>(ReadUser(st));
}

AuditEvent ReadEvent(const Stmt& st) {
  AuditEvent e;
  e.seq = st.Int64(0);
  e.at_micros = st.Int64(1);
  e.user = st.Text(2);
  e.action = st.Text(3);
  e.target = st.Text(4);
  e.detail = st.Text(5);
  e.remote = st.Text(6);
  e.prev_hash = st.Text(7);
  e.hash = st.Text(8);
  return e;
}

constexpr char kEventColumns[] =
    "SELECT seq, at_micros, user, action, target, detail, remote, prev_hash, hash FROM audit ";

}  // namespace

std::string AuditEventHash(const AuditEvent& e) {
  std::string m = "chartscan-audit-v1\n";
  auto field = [&m](std::string_view v) {
    m += std::to_string(v.size());
    m += ':';
    m += v;
    m += '\n';
  };
  field(std::to_string(e.seq));
  field(std::to_string(e.at_micros));
  field(e.user);
  field(e.action);
  field(e.target);
  field(e.detail);
  field(e.remote);
  field(e.prev_hash);
  return Store::Sha256Hex(m);
}

Result<std::unique_ptr<AccessStore>> AccessStore::Open(const std::string& dir, bool read_only,
                                                       int busy_timeout_ms, Env* env) {
  const std::string path =
      dir.empty() || dir.back() == '/' ? dir + kAccessDbName : dir + "/" + kAccessDbName;
  std::unique_ptr<AccessStore> store(new AccessStore(path, read_only, busy_timeout_ms, env));
  // SQLite does its own I/O: the database lives on the real filesystem whatever the Env.
  store->exists_ = Env::Default()->Exists(path);
  if (read_only) {
    if (store->exists_) {
      CHARTSCAN_ASSIGN_OR_RETURN(Lease lease, store->Reader());
      CHARTSCAN_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(lease.get()));
      if (version != CurrentAccessSchemaVersion()) {
        return Status::Unsupported(path + " has schema version " + std::to_string(version) +
                                   "; this chartscan reads version " +
                                   std::to_string(CurrentAccessSchemaVersion()));
      }
    }
    return store;
  }
  CHARTSCAN_ASSIGN_OR_RETURN(store->writer_, store->Connect(/*writer=*/true));
  Status migrated = MigrateAccess(store->writer_.get());
  if (!migrated.ok()) return migrated.WithContext(path);
  store->exists_ = true;
  return store;
}

Result<DbHandle> AccessStore::Connect(bool writer) const {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_NOMUTEX |
                    (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  const int rc = sqlite3_open_v2(path_.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db.get(), "open " + path_);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), busy_timeout_ms_);
  if (!writer) {
    CHARTSCAN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA query_only = ON", "open " + path_));
    return db;
  }
  Stmt wal;
  CHARTSCAN_RETURN_IF_ERROR(wal.Prepare(db.get(), "PRAGMA journal_mode = WAL", "open " + path_));
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.Text(0) != "wal") {
    return Status::IoError(path_ + ": could not switch to write-ahead logging");
  }
  // Every committed event is on disk before Audit returns.
  CHARTSCAN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA synchronous = FULL", "open " + path_));
  // As for chartscan.db: keep -wal and -shm so a read-only open can attach to them.
  int persist = 1;
  sqlite3_file_control(db.get(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  return db;
}

Result<AccessStore::Lease> AccessStore::Reader() const {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_.empty()) {
      DbHandle db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  CHARTSCAN_ASSIGN_OR_RETURN(DbHandle db, Connect(/*writer=*/false));
  return Lease(this, std::move(db));
}

void AccessStore::Done(DbHandle db) const {
  if (db == nullptr) return;
  if (sqlite3_get_autocommit(db.get()) == 0 &&
      sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return;
  }
  std::lock_guard lock(pool_mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(db));
}

template <typename Fn>
auto AccessStore::Write(Fn&& fn) -> decltype(fn(static_cast<sqlite3*>(nullptr))) {
  if (writer_ == nullptr) {
    return Status::InvalidArgument(path_ + " was opened read-only");
  }
  std::lock_guard lock(write_mu_);
  sqlite3* db = writer_.get();
  Status s = Exec(db, "BEGIN IMMEDIATE", "begin write");
  auto result = s.ok() ? fn(db) : decltype(fn(db))(s);
  s = StatusOf(result);
  if (s.ok()) s = Exec(db, "COMMIT", "commit write");
  if (!s.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  return result;
}

Result<UserRecord> AccessStore::AddUser(std::string_view name, Role role,
                                        std::string_view password_hash) {
  CHARTSCAN_RETURN_IF_ERROR(CheckName(name));
  if (password_hash.empty()) return Status::InvalidArgument("a user needs a password hash");
  if (!ParseRole(RoleName(role))) return Status::InvalidArgument("unknown role");
  return Write([&](sqlite3* db) -> Result<UserRecord> {
    CHARTSCAN_ASSIGN_OR_RETURN(std::optional<UserRecord> found, FindUser(db, name));
    if (found) return Status::AlreadyExists("user " + std::string(name) + " exists already");
    const std::int64_t now = env_->NowMicros();
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "INSERT INTO users (name, role, password_hash, "
                                         "created_micros, updated_micros) VALUES (?1, ?2, ?3, "
                                         "?4, ?4)",
                                         "add user"));
    st.Bind(1, name);
    st.Bind(2, RoleName(role));
    st.Bind(3, password_hash);
    st.Bind(4, now);
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
    CHARTSCAN_ASSIGN_OR_RETURN(found, FindUser(db, name));
    if (!found) return Status::Internal("added user vanished");
    return *found;
  });
}

Result<UserRecord> AccessStore::GetUser(std::string_view name) const {
  if (!exists_) return NoUser(name);
  CHARTSCAN_ASSIGN_OR_RETURN(Lease lease, Reader());
  CHARTSCAN_ASSIGN_OR_RETURN(std::optional<UserRecord> found, FindUser(lease.get(), name));
  if (!found) return NoUser(name);
  return std::move(*found);
}

Result<std::vector<UserRecord>> AccessStore::Users() const {
  std::vector<UserRecord> out;
  if (!exists_) return out;
  CHARTSCAN_ASSIGN_OR_RETURN(Lease lease, Reader());
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(
      st.Prepare(lease.get(), (std::string(kUserColumns) + "ORDER BY name").c_str(), "list users"));
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) return out;
    out.push_back(ReadUser(st));
  }
}

Result<UserRecord> AccessStore::UpdateUser(const UserUpdate& update) {
  if (update.password_hash && update.password_hash->empty()) {
    return Status::InvalidArgument("a user needs a password hash");
  }
  return Write([&](sqlite3* db) -> Result<UserRecord> {
    CHARTSCAN_ASSIGN_OR_RETURN(std::optional<UserRecord> found, FindUser(db, update.name));
    if (!found) return NoUser(update.name);
    UserRecord u = std::move(*found);
    if (update.role) u.role = *update.role;
    if (update.disabled) u.disabled = *update.disabled;
    if (update.password_hash) u.password_hash = *update.password_hash;
    if (update.unlock) {
      u.failed_logins = 0;
      u.locked_until_micros = 0;
    }
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "UPDATE users SET role = ?2, disabled = ?3, "
                                         "password_hash = ?4, failed_logins = ?5, "
                                         "locked_until_micros = ?6, updated_micros = ?7 "
                                         "WHERE id = ?1",
                                         "update user"));
    st.Bind(1, u.user_id);
    st.Bind(2, RoleName(u.role));
    st.Bind(3, u.disabled ? 1 : 0);
    st.Bind(4, u.password_hash);
    st.Bind(5, u.failed_logins);
    st.Bind(6, u.locked_until_micros);
    st.Bind(7, env_->NowMicros());
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
    return u;
  });
}

Result<UserRecord> AccessStore::RecordLogin(std::string_view name, bool success, int max_failures,
                                            std::int64_t lock_micros) {
  if (max_failures < 1 || lock_micros < 0) {
    return Status::InvalidArgument("login lockout needs at least one failure and a time >= 0");
  }
  return Write([&](sqlite3* db) -> Result<UserRecord> {
    CHARTSCAN_ASSIGN_OR_RETURN(std::optional<UserRecord> found, FindUser(db, name));
    if (!found) return NoUser(name);
    UserRecord u = std::move(*found);
    const std::int64_t now = env_->NowMicros();
    if (success) {
      // A success is only recorded for a user allowed in, so any lock has run out.
      u.failed_logins = 0;
      u.locked_until_micros = 0;
      u.last_login_micros = now;
    } else if (++u.failed_logins >= max_failures) {
      u.locked_until_micros = now + lock_micros;
      u.failed_logins = 0;
    }
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "UPDATE users SET failed_logins = ?2, "
                                         "locked_until_micros = ?3, last_login_micros = ?4 "
                                         "WHERE id = ?1",
                                         "record login"));
    st.Bind(1, u.user_id);
    st.Bind(2, u.failed_logins);
    st.Bind(3, u.locked_until_micros);
    st.Bind(4, u.last_login_micros);
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
    return u;
  });
}

Result<AuditEvent> AccessStore::Audit(const AuditEvent& event) {
  if (event.action.empty()) return Status::InvalidArgument("an audit event needs an action");
  return Write([&](sqlite3* db) -> Result<AuditEvent> {
    Stmt head;
    CHARTSCAN_RETURN_IF_ERROR(
        head.Prepare(db, "SELECT seq, hash FROM audit_head WHERE id = 1", "read audit head"));
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, head.Step());
    if (!row) return Status::Corrupt(path_ + ": the audit log has no head");
    AuditEvent e = event;
    e.seq = head.Int64(0) + 1;
    e.prev_hash = head.Text(1);
    e.at_micros = env_->NowMicros();
    e.hash = AuditEventHash(e);
    Stmt ins;
    CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(db,
                                          "INSERT INTO audit (seq, at_micros, user, action, "
                                          "target, detail, remote, prev_hash, hash) VALUES (?1, "
                                          "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                          "append audit event"));
    ins.Bind(1, e.seq);
    ins.Bind(2, e.at_micros);
    ins.Bind(3, e.user);
    ins.Bind(4, e.action);
    ins.Bind(5, e.target);
    ins.Bind(6, e.detail);
    ins.Bind(7, e.remote);
    ins.Bind(8, e.prev_hash);
    ins.Bind(9, e.hash);
    CHARTSCAN_RETURN_IF_ERROR(ins.Run());
    Stmt up;
    CHARTSCAN_RETURN_IF_ERROR(up.Prepare(
        db, "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1", "advance audit head"));
    up.Bind(1, e.seq);
    up.Bind(2, e.hash);
    CHARTSCAN_RETURN_IF_ERROR(up.Run());
    return e;
  });
}

Result<std::vector<AuditEvent>> AccessStore::AuditLog(std::int64_t after_seq, int limit) const {
  if (limit < 0) return Status::InvalidArgument("audit log limit must not be negative");
  std::vector<AuditEvent> out;
  if (!exists_) return out;
  CHARTSCAN_ASSIGN_OR_RETURN(Lease lease, Reader());
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      lease.get(), (std::string(kEventColumns) + "WHERE seq > ?1 ORDER BY seq LIMIT ?2").c_str(),
      "read audit log"));
  st.Bind(1, after_seq);
  st.Bind(2, limit);
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) return out;
    out.push_back(ReadEvent(st));
  }
}

Result<AuditCheck> AccessStore::VerifyAudit() const {
  AuditCheck check;
  check.head_hash = kGenesisHash;
  if (!exists_) return check;
  CHARTSCAN_ASSIGN_OR_RETURN(Lease lease, Reader());
  sqlite3* db = lease.get();
  auto run = [&]() -> Status {
    // One snapshot for the rows and the head.
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN", "begin read"));
    auto fail = [&check](std::int64_t seq, std::string problem) {
      if (!check.ok) return;
      check.ok = false;
      check.first_bad_seq = seq;
      check.problem = std::move(problem);
    };
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db, (std::string(kEventColumns) + "ORDER BY seq").c_str(), "verify audit log"));
    std::int64_t expected = 1;
    std::string prev = kGenesisHash;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      const AuditEvent e = ReadEvent(st);
      ++check.events;
      if (e.seq != expected) {
        fail(expected, "event " + std::to_string(expected) + " is missing");
      } else if (e.prev_hash != prev) {
        fail(e.seq, "event " + std::to_string(e.seq) + " does not follow the event before it");
      } else if (AuditEventHash(e) != e.hash) {
        fail(e.seq, "event " + std::to_string(e.seq) + " was changed after it was written");
      }
      expected = e.seq + 1;
      prev = e.hash;
    }
    check.head_hash = prev;
    const std::int64_t last = expected - 1;
    Stmt head;
    CHARTSCAN_RETURN_IF_ERROR(
        head.Prepare(db, "SELECT seq, hash FROM audit_head WHERE id = 1", "verify audit log"));
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, head.Step());
    if (!row) {
      fail(1, "the log's head record is missing");
    } else if (head.Int64(0) > last) {
      fail(last + 1, "events after " + std::to_string(last) + " are missing (the log reached " +
                         std::to_string(head.Int64(0)) + ")");
    } else if (head.Int64(0) < last) {
      fail(head.Int64(0) + 1,
           "event " + std::to_string(head.Int64(0) + 1) + " was added outside chartscan");
    } else if (head.Text(1) != prev) {
      fail(last, "event " + std::to_string(last) + " differs from the one recorded as the last");
    }
    return Status::Ok();
  };
  CHARTSCAN_RETURN_IF_ERROR(run());
  return check;
}

}  // namespace chartscan::indexer
