// Thin RAII wrappers over the SQLite C API and the conversion of SQLite result codes to Status.
// Internal to the indexer: nothing here may appear in a public header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include <chartscan/models/status.h>

namespace chartscan::indexer {

// Converts a SQLite result code. `what` names the operation (never patient data).
Status SqliteStatus(int rc, sqlite3* db, std::string_view what);

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;

// Runs SQL that returns no rows (one or more statements).
Status Exec(sqlite3* db, const char* sql, std::string_view what);

// A prepared statement. Bind indexes are 1-based as in SQLite.
class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Prepares `sql` on db into *this.
  Status Prepare(sqlite3* db, const char* sql, std::string_view what);

  sqlite3_stmt* get() const { return stmt_; }

  void Bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, int v) { sqlite3_bind_int(stmt_, i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }
  // Binds NULL for 0 (the API's "none" for optional ids).
  void BindId(int i, std::int64_t v) {
    if (v == 0) {
      BindNull(i);
    } else {
      Bind(i, v);
    }
  }

  // Steps once: true with a row, false when done, or an error Status.
  Result<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();
  void Reset();

  std::int64_t Int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  int Int(int col) const { return sqlite3_column_int(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const;
  std::string Blob(int col) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string what_;
};

}  // namespace chartscan::indexer
