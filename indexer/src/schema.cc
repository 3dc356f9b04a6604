#include "schema.h"

#include <iterator>
#include <string>

#include "sqlite_util.h"

namespace chartscan::indexer {
namespace {

// Version 1. Ids are INTEGER PRIMARY KEYs that only grow (nothing is deleted), so ordering by id
// is ordering by creation: that is what "ingest order" means for sources.
//
// Pages keep words, lines and quality figures as compact JSON, read back whole with the page;
// fields get rows of their own so they can be queried. page_fts holds its own copy of page text
// (rowid = pages.id) so the index can be replaced on its own and rebuilt from pages if needed.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  started_micros INTEGER NOT NULL,
  finished_micros INTEGER
);
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  page_count INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'complete', 'failed')),
  error TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL,
  batch_id INTEGER REFERENCES batches(id),
  registered_micros INTEGER NOT NULL
);
CREATE TABLE source_paths (
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  path TEXT NOT NULL,
  PRIMARY KEY (batch_id, source_id, path)
) WITHOUT ROWID;
CREATE INDEX source_paths_by_source ON source_paths(source_id);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER REFERENCES batches(id),
  source_id INTEGER REFERENCES sources(id)
);
CREATE INDEX documents_by_batch ON documents(batch_id);
CREATE TABLE pages (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER REFERENCES batches(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  source_page INTEGER NOT NULL CHECK (source_page >= 1),
  document_id INTEGER REFERENCES documents(id),
  blank INTEGER NOT NULL,
  text TEXT NOT NULL,
  origin INTEGER NOT NULL,
  mean_confidence REAL NOT NULL,
  word_count INTEGER NOT NULL,
  words TEXT NOT NULL,
  lines TEXT NOT NULL,
  quality TEXT NOT NULL,
  doc_type TEXT NOT NULL,
  error TEXT NOT NULL,
  image_sha256 TEXT NOT NULL,
  image_format TEXT NOT NULL,
  image_width INTEGER NOT NULL,
  image_height INTEGER NOT NULL,
  updated_micros INTEGER NOT NULL,
  UNIQUE (source_id, source_page)
);
CREATE INDEX pages_by_batch ON pages(batch_id);
CREATE INDEX pages_by_document ON pages(document_id);
CREATE TABLE fields (
  id INTEGER PRIMARY KEY,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  normalized TEXT NOT NULL,
  confidence REAL NOT NULL,
  page_index INTEGER NOT NULL,
  box_x INTEGER NOT NULL,
  box_y INTEGER NOT NULL,
  box_width INTEGER NOT NULL,
  box_height INTEGER NOT NULL,
  needs_review INTEGER NOT NULL
);
CREATE INDEX fields_by_page ON fields(page_id, seq);
CREATE INDEX fields_by_name ON fields(name, normalized);
CREATE TABLE failures (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER REFERENCES batches(id),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  at_micros INTEGER NOT NULL
);
CREATE INDEX failures_by_batch ON failures(batch_id);
CREATE VIRTUAL TABLE page_fts USING fts5(text, tokenize = 'chartscan');
)sql";

// Version 2: document assembly. Documents are rebuilt from their pages after each batch
// (boundaries, merged fields, type, chart), so their columns are derived data: assembly may reuse,
// update or delete a document row, while sources and pages keep growing only. Charts group
// documents by patient. Pages learn where they sit in their document, whether they look misfiled
// there, and the barcodes read on them. Columns added to existing tables have defaults so version 1
// rows migrate as they are (unassembled).
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE charts (
  id INTEGER PRIMARY KEY,
  mrn TEXT NOT NULL,
  patient_name TEXT NOT NULL,
  dob TEXT NOT NULL,
  created_micros INTEGER NOT NULL
);
CREATE INDEX charts_by_mrn ON charts(mrn);
ALTER TABLE documents ADD COLUMN chart_id INTEGER REFERENCES charts(id);
ALTER TABLE documents ADD COLUMN doc_type TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN doc_type_confidence REAL NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN date_of_service TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN page_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN boundary TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN assembled_micros INTEGER;
CREATE INDEX documents_by_chart ON documents(chart_id);
CREATE TABLE document_fields (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  normalized TEXT NOT NULL,
  confidence REAL NOT NULL,
  page_index INTEGER NOT NULL,
  page_id INTEGER REFERENCES pages(id),
  box_x INTEGER NOT NULL,
  box_y INTEGER NOT NULL,
  box_width INTEGER NOT NULL,
  box_height INTEGER NOT NULL,
  needs_review INTEGER NOT NULL,
  role TEXT NOT NULL
);
CREATE INDEX document_fields_by_document ON document_fields(document_id, seq);
CREATE INDEX document_fields_by_name ON document_fields(name, normalized);
ALTER TABLE pages ADD COLUMN document_page INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN misfiled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN barcodes TEXT NOT NULL DEFAULT '[]';
)sql";

// Version 3: the master patient index. patients holds the facility's roster (one row per MRN;
// a later import updates the row). Charts record the roster patient assembly matched them to and
// how: 'mrn', 'name_dob', 'none' (a roster existed and nobody matched: an orphan), or '' (no
// roster was loaded, so nothing was matched and nothing is an orphan).
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  mrn TEXT NOT NULL UNIQUE,
  family_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  dob TEXT NOT NULL,
  sex TEXT NOT NULL,
  imported_micros INTEGER NOT NULL
);
CREATE INDEX patients_by_dob ON patients(dob);
ALTER TABLE charts ADD COLUMN patient_id INTEGER REFERENCES patients(id);
ALTER TABLE charts ADD COLUMN roster_match TEXT NOT NULL DEFAULT ''
  CHECK (roster_match IN ('', 'mrn', 'name_dob', 'none'));
CREATE INDEX charts_by_patient ON charts(patient_id);
)sql";

// Version 4: batches that survive anything. A batch records what fed it (kind and inputs, so it
// can be resumed), its state, and the sheets the operator declared. The journal holds one row per
// page that arrived in a batch (id = arrival order) with the stage it reached; "indexed" and
// "failed" are written with the page row itself. captures holds a scanned side between the moment
// it is about to be written and its registration (the row goes in the same transaction as the
// registration), so a crash in between is found on resume: the side is registered if its
// original made it to disk, else it is marked lost for the operator to rescan. Pages stored by
// earlier versions are journaled as they stand, and batches they finished are done.
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE batches ADD COLUMN kind TEXT NOT NULL DEFAULT 'ingest'
  CHECK (kind IN ('ingest', 'scan', 'watch'));
ALTER TABLE batches ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
  CHECK (state IN ('open', 'stopped', 'done'));
ALTER TABLE batches ADD COLUMN inputs TEXT NOT NULL DEFAULT '';
ALTER TABLE batches ADD COLUMN declared_sheets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN duplex INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN stop_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE batches ADD COLUMN updated_micros INTEGER NOT NULL DEFAULT 0;
UPDATE batches SET state = 'done', updated_micros = finished_micros
  WHERE finished_micros IS NOT NULL;
CREATE TABLE journal (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  source_page INTEGER NOT NULL CHECK (source_page >= 1),
  stage TEXT NOT NULL CHECK (stage IN ('arrived', 'cleaned', 'recognized', 'extracted',
                                       'indexed', 'failed')),
  updated_micros INTEGER NOT NULL,
  UNIQUE (batch_id, source_id, source_page)
);
CREATE INDEX journal_by_source ON journal(source_id, source_page);
CREATE TABLE captures (
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'lost')),
  at_micros INTEGER NOT NULL,
  PRIMARY KEY (batch_id, sha256)
) WITHOUT ROWID;
INSERT INTO journal (batch_id, source_id, source_page, stage, updated_micros)
  SELECT batch_id, source_id, source_page, CASE WHEN error <> '' THEN 'failed' ELSE 'indexed' END,
         updated_micros
  FROM pages WHERE batch_id IS NOT NULL ORDER BY id;
)sql";

// Version 5: search at archive scale. The page index no longer keeps its own copy of the text: it
// is an external-content index over pages (text and ident), so it costs only its inverted lists.
// As FTS5 requires of such an index, every page row has its entry, empty pages included.
// pages.ident holds the page's identity and title words (normalized field values: patient name,
// MRN, DOB, provider, codes; and its document type), indexed as a second column that ranking
// weighs above body text. chart_fts indexes each chart's patient name for the name: filter (with
// SQLite's own tokenizer: names need no identifier handling); triggers keep it in step with
// charts. search_meta.charts_gen moves whenever
// charts, the roster or documents' codes change (triggers, and each assembly), so a store's
// in-memory name, MRN and code vocabulary (for approximate matching) knows when to reload.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE pages ADD COLUMN ident TEXT NOT NULL DEFAULT '';
UPDATE pages SET ident = trim(replace(doc_type, '_', ' ') || ' ' || coalesce((
  SELECT group_concat(normalized, ' ') FROM fields f
  WHERE f.page_id = pages.id AND f.name IN ('patient_name', 'mrn', 'dob', 'provider',
                                            'provider_npi', 'facility', 'icd10', 'cpt')), ''));
DROP TABLE page_fts;
CREATE VIRTUAL TABLE page_fts USING fts5(text, ident, content = 'pages', content_rowid = 'id',
                                         tokenize = 'chartscan');
INSERT INTO page_fts (page_fts, rank) VALUES ('rank', 'bm25(1.0, 4.0)');
INSERT INTO page_fts (page_fts) VALUES ('rebuild');
CREATE TABLE search_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  charts_gen INTEGER NOT NULL
);
INSERT INTO search_meta (id, charts_gen) VALUES (1, 0);
CREATE VIRTUAL TABLE chart_fts USING fts5(name, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO chart_fts (rowid, name) SELECT id, patient_name FROM charts;
CREATE TRIGGER charts_search_insert AFTER INSERT ON charts BEGIN
  INSERT INTO chart_fts (rowid, name) VALUES (new.id, new.patient_name);
  UPDATE search_meta SET charts_gen = charts_gen + 1;
END;
CREATE TRIGGER charts_search_update AFTER UPDATE OF patient_name, mrn ON charts BEGIN
  DELETE FROM chart_fts WHERE rowid = old.id;
  INSERT INTO chart_fts (rowid, name) VALUES (new.id, new.patient_name);
  UPDATE search_meta SET charts_gen = charts_gen + 1;
END;
CREATE TRIGGER charts_search_delete AFTER DELETE ON charts BEGIN
  DELETE FROM chart_fts WHERE rowid = old.id;
  UPDATE search_meta SET charts_gen = charts_gen + 1;
END;
CREATE TRIGGER patients_search_insert AFTER INSERT ON patients BEGIN
  UPDATE search_meta SET charts_gen = charts_gen + 1;
END;
CREATE TRIGGER patients_search_update AFTER UPDATE ON patients BEGIN
  UPDATE search_meta SET charts_gen = charts_gen + 1;
END;
CREATE INDEX charts_by_dob ON charts(dob);
CREATE INDEX documents_by_date ON documents(date_of_service);
CREATE INDEX documents_by_type ON documents(doc_type, date_of_service);
)sql";

// Version 6: verification. A clerk resolves what extraction was unsure of (see Store::Review):
// document_fields.verified marks a field a clerk accepted or corrected (its needs_review is then
// cleared), and documents.type_needs_review keeps the type's own flag apart from the document's
// needs_review (which also covers fields and misfiled pages). Documents stored before this version
// had only the combined flag: the type is taken to need review when nothing else explains it.
// review_decisions keeps every decision (who, when, the value before and after) so that assembly,
// which rewrites documents and their fields, applies them again; it holds plain ids, not foreign
// keys, because the documents it names are derived data that assembly may delete. A corrected
// misfile records the document the page was moved into (moved_to_document), which assembly reuses.
constexpr const char* kSchemaV6 = R"sql(
ALTER TABLE documents ADD COLUMN type_needs_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE document_fields ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
UPDATE documents SET type_needs_review = 1 WHERE needs_review <> 0
  AND NOT EXISTS (SELECT 1 FROM document_fields f WHERE f.document_id = documents.id
                  AND f.needs_review <> 0)
  AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.document_id = documents.id AND p.misfiled <> 0);
CREATE TABLE review_decisions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('field', 'type', 'misfile')),
  document_id INTEGER NOT NULL,
  page_id INTEGER NOT NULL,
  field TEXT NOT NULL,
  field_seq INTEGER NOT NULL,
  value_before TEXT NOT NULL,
  normalized_before TEXT NOT NULL,
  value_after TEXT NOT NULL,
  normalized_after TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('accepted', 'corrected')),
  user TEXT NOT NULL,
  at_micros INTEGER NOT NULL,
  moved_to_document INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX review_decisions_by_document ON review_decisions(document_id);
CREATE INDEX review_decisions_by_page ON review_decisions(page_id);
CREATE INDEX document_fields_by_review ON document_fields(needs_review) WHERE needs_review <> 0;
CREATE INDEX pages_by_misfiled ON pages(misfiled) WHERE misfiled <> 0;
)sql";

// Version 7: narrow indexes for checking filters page by page (search.cc, "Filters checked page
// by page"). A page row holds its text, words and lines (several kilobytes), so reading its
// document_id during a search reads a page of the file per row: pages_by_id_document holds the
// page's place in about 40 bytes an entry. A document or page has a dozen fields, of which its
// codes are a few: the code indexes hold only those, with the value, so that whether a document
// carries a code is read from one index entry instead of a dozen rows. FTS5 merges its index
// segments eight at a time instead of four: at a million pages, writing pages ran at 1,270
// pages/s with four (each batch paid for merging the largest segments again) and 2,360 with
// eight, and over a whole 200,000-page build at 2,365 and 2,645 pages/s, searches as fast.
constexpr const char* kSchemaV7 = R"sql(
CREATE INDEX IF NOT EXISTS pages_by_id_document ON pages(id, document_id, batch_id);
CREATE INDEX IF NOT EXISTS document_codes ON document_fields(document_id, normalized, name)
  WHERE name IN ('icd10', 'cpt', 'hcpcs');
CREATE INDEX IF NOT EXISTS page_codes ON fields(page_id, normalized, name)
  WHERE name IN ('icd10', 'cpt', 'hcpcs');
INSERT INTO page_fts (page_fts, rank) VALUES ('automerge', 8);
)sql";

constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4,
                                       kSchemaV5, kSchemaV6, kSchemaV7};

// access.db, version 1: the viewer's users and the audit log (see access.h). The log is
// append-only at the SQL level: triggers refuse any UPDATE or DELETE of its rows. audit_head
// holds the last event's seq and hash, written in the same transaction as the event, so that
// rows removed from the end of the log (which leaves the chain itself intact) are noticed.
constexpr const char* kAccessSchemaV1 = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('technician', 'clerk', 'admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until_micros INTEGER NOT NULL DEFAULT 0,
  created_micros INTEGER NOT NULL,
  last_login_micros INTEGER NOT NULL DEFAULT 0,
  updated_micros INTEGER NOT NULL
);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at_micros INTEGER NOT NULL,
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql";

constexpr const char* kAccessMigrations[] = {kAccessSchemaV1};

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }
int CurrentAccessSchemaVersion() { return static_cast<int>(std::size(kAccessMigrations)); }

Result<int> ReadSchemaVersion(sqlite3* db) {
  Stmt stmt;
  CHARTSCAN_RETURN_IF_ERROR(stmt.Prepare(db, "PRAGMA user_version", "read schema version"));
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

namespace {

Status MigrateWith(sqlite3* db, const char* const* migrations, int count) {
  for (;;) {
    // The version is read inside the write transaction so two processes opening a new store at
    // once cannot both apply a migration.
    CHARTSCAN_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin migration"));
    Result<int> version = ReadSchemaVersion(db);
    Status s = version.status();
    if (s.ok() && *version > count) {
      s = Status::Unsupported("store has schema version " + std::to_string(*version) +
                              "; this chartscan handles up to " + std::to_string(count));
    }
    if (s.ok() && *version == count) {
      return Exec(db, "COMMIT", "commit migration");
    }
    if (s.ok()) s = Exec(db, migrations[*version], "migrate schema");
    if (s.ok()) {
      std::string set = "PRAGMA user_version = " + std::to_string(*version + 1);
      s = Exec(db, set.c_str(), "set schema version");
    }
    if (s.ok()) s = Exec(db, "COMMIT", "commit migration");
    if (!s.ok()) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return s;
    }
  }
}

}  // namespace

Status Migrate(sqlite3* db) { return MigrateWith(db, kMigrations, CurrentSchemaVersion()); }

Status MigrateAccess(sqlite3* db) {
  return MigrateWith(db, kAccessMigrations, CurrentAccessSchemaVersion());
}

}  // namespace chartscan::indexer
