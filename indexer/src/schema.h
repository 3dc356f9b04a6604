// The database schema and its migrations.
//
// PRAGMA user_version records the schema version. Migrate() applies, in order and each in its own
// transaction, every migration above the stored version, so a store written by an older chartscan
// opens in a newer one; a store from a newer chartscan is refused rather than misread. To change
// the schema, append a migration to kMigrations in schema.cc; never edit one that has shipped.
#pragma once

#include <sqlite3.h>

#include <chartscan/models/status.h>

namespace chartscan::indexer {

// The version this build writes.
int CurrentSchemaVersion();

// Reads user_version (0 for a new, empty database).
Result<int> ReadSchemaVersion(sqlite3* db);

// Brings the database up to CurrentSchemaVersion() on the writer connection.
Status Migrate(sqlite3* db);

// The same for <dir>/access.db (users and the audit log), which has versions of its own.
int CurrentAccessSchemaVersion();
Status MigrateAccess(sqlite3* db);

}  // namespace chartscan::indexer
