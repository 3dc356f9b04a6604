#include "sqlite_util.h"

#include <string>

namespace chartscan::indexer {

Status SqliteStatus(int rc, sqlite3* db, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Status::Ok();
  // sqlite3_errstr is the generic text for the code; errmsg adds which table or constraint, never
  // row values, so neither carries patient data.
  std::string message = std::string(what) + ": " + sqlite3_errstr(rc);
  if (db != nullptr && sqlite3_extended_errcode(db) == rc) {
    const char* detail = sqlite3_errmsg(db);
    if (detail != nullptr && std::string_view(detail) != sqlite3_errstr(rc)) {
      message += " (";
      message += detail;
      message += ")";
    }
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::IoError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corrupt(std::move(message));
    case SQLITE_NOTFOUND:
      return Status::NotFound(std::move(message));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound(message + ": refers to a missing batch, source or document");
      }
      return Status::InvalidArgument(std::move(message));
    case SQLITE_TOOBIG:
      return Status::TooLarge(std::move(message));
    case SQLITE_NOMEM:
      return Status::Unavailable(std::move(message));
    case SQLITE_INTERRUPT:
      return Status::Cancelled(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return SqliteStatus(rc, db, what);
}

Status Stmt::Prepare(sqlite3* db, const char* sql, std::string_view what) {
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  db_ = db;
  what_ = std::string(what);
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  return SqliteStatus(rc, db, what_);
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(sqlite3_extended_errcode(db_), db_, what_);
}

Status Stmt::Run() {
  Result<bool> r = Step();
  if (!r.ok()) return r.status();
  return Status::Ok();
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string();
}

std::string Stmt::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

}  // namespace chartscan::indexer
