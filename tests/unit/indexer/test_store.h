// Helpers for indexer tests: a temporary store folder removed afterwards, and page fixtures.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <chartscan/indexer/store.h>

namespace chartscan::indexer::testing {

// A fresh folder under the test temp dir, deleted (with everything in it) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// SQL that turns a current store back into schema version 5 (for migration tests; run it with
// plain SQLite). Run it before kDropVersion5 to go further back.
inline constexpr const char* kDropVersion6 =
    "DROP INDEX pages_by_misfiled; DROP INDEX document_fields_by_review; "
    "DROP INDEX review_decisions_by_page; DROP INDEX review_decisions_by_document; "
    "DROP TABLE review_decisions; ALTER TABLE document_fields DROP COLUMN verified; "
    "ALTER TABLE documents DROP COLUMN type_needs_review; PRAGMA user_version = 5;";

// SQL that turns a version 5 store back into schema version 4 (for migration tests; run it with
// plain SQLite, then the version 4 downgrade of the test).
inline constexpr const char* kDropVersion5 =
    "DROP TRIGGER charts_search_insert; DROP TRIGGER charts_search_update; "
    "DROP TRIGGER charts_search_delete; DROP TRIGGER patients_search_insert; "
    "DROP TRIGGER patients_search_update; DROP TABLE chart_fts; DROP TABLE search_meta; "
    "DROP INDEX charts_by_dob; DROP INDEX documents_by_type; DROP INDEX documents_by_date; "
    "ALTER TABLE pages DROP COLUMN ident; PRAGMA user_version = 4;";

// Opens (creating) a store in dir; fails the test on error.
std::unique_ptr<Store> OpenStore(const std::string& dir, Env* env = Env::Default());

// A page whose text is `text`, one word per whitespace-separated token, on one line.
PageWrite TextPage(std::int64_t batch, std::int64_t source, int page, const std::string& text);

// Registers a source for made-up bytes `seed` and returns its id.
std::int64_t AddSource(Store& store, std::int64_t batch, const std::string& path,
                       const std::string& seed, int pages = 1);

}  // namespace chartscan::indexer::testing
