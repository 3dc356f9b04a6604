// The viewer's users and the audit log, in <dir>/access.db beside the store's chartscan.db.
//
// A database of its own (WAL, synchronous=FULL, its own writer connection and lock, its own schema
// version: see schema.cc) so that recording a login or an access never waits behind an ingest
// transaction on chartscan.db, and so that the log's durability does not depend on the page store.
// Every audit append is its own durable transaction.
//
// The audit chain. Each event's hash is the lowercase hex SHA-256 of
//
//   "chartscan-audit-v1\n" + F(seq) + F(at_micros) + F(user) + F(action) + F(target) + F(detail)
//                          + F(remote) + F(prev_hash)
//
// where F(x) = <decimal byte length of x> ":" <the bytes of x> "\n", and seq and at_micros are
// written in decimal. prev_hash is the previous event's hash (64 '0' for the first event). The
// length prefixes make the encoding unambiguous: no two different events encode alike whatever
// their fields hold. Triggers refuse UPDATE and DELETE on the log's rows; audit_head keeps the
// last seq and hash (written in the same transaction as each event) so that removing the newest
// events, which leaves the remaining chain intact, is detected too. Someone able to rewrite the
// file can rewrite all of it: the head hash (AuditCheck::head_hash) recorded elsewhere is what
// anchors the log against that.
//
// Users: names are unique and case-sensitive ("Ann" and "ann" are two users); 1 to 64 characters
// of [A-Za-z0-9._@-]. Roles are stored by name.
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/env.h>
#include <chartscan/models/records.h>
#include <chartscan/models/status.h>

#include "sqlite_util.h"

namespace chartscan::indexer {

inline constexpr char kAccessDbName[] = "access.db";

// The hash of an event (its seq, at_micros, fields and prev_hash), as described above.
std::string AuditEventHash(const AuditEvent& event);

class AccessStore {
 public:
  // Opens <dir>/access.db, creating it (and migrating it) unless read_only. A read-only open of a
  // folder without one gives an empty store: no users, an empty log.
  static Result<std::unique_ptr<AccessStore>> Open(const std::string& dir, bool read_only,
                                                   int busy_timeout_ms, Env* env);

  Result<UserRecord> AddUser(std::string_view name, Role role, std::string_view password_hash);
  Result<UserRecord> GetUser(std::string_view name) const;
  Result<std::vector<UserRecord>> Users() const;
  Result<UserRecord> UpdateUser(const UserUpdate& update);
  Result<UserRecord> RecordLogin(std::string_view name, bool success, int max_failures,
                                 std::int64_t lock_micros);
  Result<AuditEvent> Audit(const AuditEvent& event);
  Result<std::vector<AuditEvent>> AuditLog(std::int64_t after_seq, int limit) const;
  Result<AuditCheck> VerifyAudit() const;

 private:
  AccessStore(std::string path, bool read_only, int busy_timeout_ms, Env* env)
      : path_(std::move(path)),
        read_only_(read_only),
        busy_timeout_ms_(busy_timeout_ms),
        env_(env) {}

  // A pooled read connection, given back when the lease ends (after the statements declared
  // after it are finalized).
  class Lease {
   public:
    Lease(const AccessStore* store, DbHandle db) : store_(store), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() { store_->Done(std::move(db_)); }
    sqlite3* get() const { return db_.get(); }

   private:
    const AccessStore* store_;
    DbHandle db_;
  };

  Result<DbHandle> Connect(bool writer) const;
  Result<Lease> Reader() const;
  void Done(DbHandle db) const;
  // Runs fn(db) in one write transaction; commits if it succeeds.
  template <typename Fn>
  auto Write(Fn&& fn) -> decltype(fn(static_cast<sqlite3*>(nullptr)));

  const std::string path_;
  const bool read_only_;
  const int busy_timeout_ms_;
  Env* const env_;
  bool exists_ = false;  // false: read-only and there is no access.db

  std::mutex write_mu_;
  DbHandle writer_;  // null when read-only
  mutable std::mutex pool_mu_;
  mutable std::vector<DbHandle> idle_;
};

}  // namespace chartscan::indexer
