// Verification: building review items from what assembly flagged, and applying clerks' decisions.
//
// Items and their ids: "f:<document>:<seq>" a document field with needs_review; "t:<document>" a
// document whose type needs review; "m:<page>" a page flagged misfiled in its document. Documents
// without pages have no items. A field item's reason is derived from what is stored: "conflicting
// values" when another page of its document read a different value for the same single-valued
// field, else "low confidence" below extraction's review threshold, else "uncertain value" (the
// value did not validate). A misfile item names the first identity field (mrn, patient_name, dob)
// whose value on the page differs from its document's.
//
// A correction is written where search and export read it: the document field (confidence 1: a
// clerk typed it), the page field it was read from (so `mrn:`, `code:` and the page's identity
// words in the index use it, and a later assembly merges the corrected value), the document's date
// of service for a date_of_service field, and for an MRN the document's chart: the document moves
// to the chart of the corrected MRN (created when there is none), so `mrn:` of the old value no
// longer finds it through the chart either. A corrected patient_name or dob renames the chart
// only when the chart holds no other document (its identity came from this one). The page text
// itself is what was printed and stays as read: a bare-word search for the wrong value still finds
// the page by its body text.
#include "review.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <chartscan/models/document.h>

#include "search.h"
#include "sqlite_util.h"

namespace chartscan::indexer {
namespace {

// extract::ExtractorOptions::review_threshold's default: below it a value is "low confidence".
constexpr double kReviewThreshold = 0.6;

bool IsCodeField(const std::string& name) {
  return name == "icd10" || name == "cpt" || name == "hcpcs";
}

Status NoItem(const std::string& item_id) {
  return Status::NotFound("no unresolved review item " + item_id.substr(0, 40));
}

Status MarkVocabularyChanged(sqlite3* db) {
  return Exec(db, "UPDATE search_meta SET charts_gen = charts_gen + 1", "mark search vocabulary");
}

// A parsed item id.
struct ItemRef {
  ReviewKind kind = ReviewKind::kField;
  std::int64_t id = 0;  // document (field, type) or page (misfile)
  int seq = 0;          // field
};

bool ParseId(std::string_view s, std::int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return v > 0 || s == "0";
}

bool ParseItemId(const std::string& item_id, ItemRef* ref) {
  if (item_id.size() < 3 || item_id[1] != ':') return false;
  const std::string_view rest = std::string_view(item_id).substr(2);
  switch (item_id[0]) {
    case 'f': {
      const std::size_t colon = rest.find(':');
      std::int64_t seq = 0;
      if (colon == std::string_view::npos || !ParseId(rest.substr(0, colon), &ref->id) ||
          !ParseId(rest.substr(colon + 1), &seq) || seq > 1'000'000) {
        return false;
      }
      ref->kind = ReviewKind::kField;
      ref->seq = static_cast<int>(seq);
      return true;
    }
    case 't':
      ref->kind = ReviewKind::kType;
      return ParseId(rest, &ref->id);
    case 'm':
      ref->kind = ReviewKind::kMisfile;
      return ParseId(rest, &ref->id);
    default:
      return false;
  }
}

std::string ItemId(const ItemRef& r) {
  switch (r.kind) {
    case ReviewKind::kField:
      return "f:" + std::to_string(r.id) + ":" + std::to_string(r.seq);
    case ReviewKind::kType:
      return "t:" + std::to_string(r.id);
    case ReviewKind::kMisfile:
      return "m:" + std::to_string(r.id);
  }
  return "";
}

struct PageField {
  std::string name, value, normalized;
  double confidence = 0;
  Box box;
  bool needs_review = false;
};

Result<std::vector<PageField>> ReadPageFields(sqlite3* db, std::int64_t page_id) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                       "SELECT name, value, normalized, confidence, box_x, box_y, "
                                       "box_width, box_height, needs_review FROM fields WHERE "
                                       "page_id = ?1 ORDER BY seq",
                                       "read page fields"));
  st.Bind(1, page_id);
  std::vector<PageField> out;
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) return out;
    out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Double(3),
                   Box{st.Int(4), st.Int(5), st.Int(6), st.Int(7)}, st.Int(8) != 0});
  }
}

// The page field of that name read with the highest confidence, or null.
const PageField* BestOnPage(const std::vector<PageField>& fields, const std::string& name) {
  const PageField* best = nullptr;
  for (const PageField& f : fields) {
    if (f.name == name && !f.normalized.empty() && (!best || f.confidence > best->confidence)) {
      best = &f;
    }
  }
  return best;
}

// The document's value of a field (its first row of that name), or "".
Result<std::string> DocumentValue(sqlite3* db, std::int64_t document_id, const std::string& name) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                       "SELECT normalized FROM document_fields WHERE "
                                       "document_id = ?1 AND name = ?2 ORDER BY seq LIMIT 1",
                                       "read document field"));
  st.Bind(1, document_id);
  st.Bind(2, name);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Text(0) : std::string();
}

// The roster's spellings of an identity field (mrn, patient_name as "GIVEN FAMILY", dob) for the
// patient the document's chart matched, the full one first (a name also without its middle names,
// which extraction drops when a page does not print them); empty for other fields or when it
// matched nobody.
Result<std::vector<std::string>> RosterSpellings(sqlite3* db, std::int64_t document_id,
                                                 const std::string& field) {
  std::vector<std::string> out;
  if (field != "mrn" && field != "patient_name" && field != "dob") return out;
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(
      st.Prepare(db,
                 "SELECT p.mrn, p.given_name, p.family_name, p.dob FROM documents d JOIN charts c "
                 "ON c.id = d.chart_id JOIN patients p ON p.id = c.patient_id WHERE d.id = ?1",
                 "read review item"));
  st.Bind(1, document_id);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return out;
  if (field != "patient_name") {
    out.push_back(st.Text(field == "mrn" ? 0 : 3));
    return out;
  }
  const std::string given = st.Text(1), family = st.Text(2);
  out.push_back(given + " " + family);
  if (const std::size_t space = given.find(' '); space != std::string::npos) {
    out.push_back(given.substr(0, space) + " " + family);
  }
  return out;
}

// Upper-case letters and digits: a value and the roster's compared whatever their spacing.
std::string Alnum(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::toupper(u));
  }
  return out;
}

// The item as stored now, or nullopt when it does not exist or is resolved (unless
// `even_resolved`, which reads a resolved field or type item as it now stands).
Result<std::optional<ReviewItem>> LoadItem(sqlite3* db, const ItemRef& ref, bool even_resolved) {
  ReviewItem item;
  item.item_id = ItemId(ref);
  item.kind = ref.kind;
  switch (ref.kind) {
    case ReviewKind::kField: {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
          db,
          "SELECT f.name, f.value, f.normalized, f.confidence, coalesce(f.page_id, 0), f.box_x, "
          "f.box_y, f.box_width, f.box_height, f.needs_review, coalesce(d.chart_id, 0) FROM "
          "document_fields f JOIN documents d ON d.id = f.document_id WHERE f.document_id = ?1 "
          "AND f.seq = ?2 AND d.page_count > 0",
          "read review item"));
      st.Bind(1, ref.id);
      st.Bind(2, ref.seq);
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row || (st.Int(9) == 0 && !even_resolved)) return std::optional<ReviewItem>();
      item.document_id = ref.id;
      item.field = st.Text(0);
      item.value = st.Text(1);
      item.normalized = st.Text(2);
      item.confidence = st.Double(3);
      item.page_id = st.Int64(4);
      item.box = {st.Int(5), st.Int(6), st.Int(7), st.Int(8)};
      item.chart_id = st.Int64(10);
      bool conflict = false;
      if (!IsCodeField(item.field)) {
        Stmt other;
        CHARTSCAN_RETURN_IF_ERROR(other.Prepare(
            db,
            "SELECT 1 FROM fields f JOIN pages p ON p.id = f.page_id WHERE p.document_id = ?1 AND "
            "p.misfiled = 0 AND f.name = ?2 AND f.normalized <> ?3 AND f.normalized <> '' LIMIT 1",
            "read review item"));
        other.Bind(1, ref.id);
        other.Bind(2, item.field);
        other.Bind(3, item.normalized);
        CHARTSCAN_ASSIGN_OR_RETURN(conflict, other.Step());
      }
      CHARTSCAN_ASSIGN_OR_RETURN(std::vector<std::string> spellings,
                                 RosterSpellings(db, ref.id, item.field));
      if (!spellings.empty()) item.roster_value = spellings.front();
      const bool off_roster =
          !spellings.empty() &&
          std::none_of(spellings.begin(), spellings.end(),
                       [&](const std::string& v) { return Alnum(item.normalized) == Alnum(v); });
      item.reason = conflict                             ? "conflicting values"
                    : off_roster                         ? "differs from the patient index"
                    : item.confidence < kReviewThreshold ? "low confidence"
                                                         : "uncertain value";
      return std::optional<ReviewItem>(std::move(item));
    }
    case ReviewKind::kType: {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
          db,
          "SELECT d.doc_type, d.doc_type_confidence, d.type_needs_review, coalesce(d.chart_id, 0), "
          "(SELECT p.id FROM pages p WHERE p.document_id = d.id ORDER BY p.document_page LIMIT 1) "
          "FROM documents d WHERE d.id = ?1 AND d.page_count > 0",
          "read review item"));
      st.Bind(1, ref.id);
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row || (st.Int(2) == 0 && !even_resolved)) return std::optional<ReviewItem>();
      item.document_id = ref.id;
      item.field = "doc_type";
      item.value = st.Text(0);
      item.normalized = item.value;
      item.confidence = st.Double(1);
      item.chart_id = st.Int64(3);
      item.page_id = st.IsNull(4) ? 0 : st.Int64(4);
      item.reason = "uncertain document type";
      return std::optional<ReviewItem>(std::move(item));
    }
    case ReviewKind::kMisfile: {
      Stmt st;
      CHARTSCAN_RETURN_IF_ERROR(
          st.Prepare(db,
                     "SELECT p.document_id, coalesce(d.chart_id, 0) FROM pages p JOIN documents d "
                     "ON d.id = p.document_id WHERE p.id = ?1 AND p.misfiled <> 0",
                     "read review item"));
      st.Bind(1, ref.id);
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return std::optional<ReviewItem>();
      item.page_id = ref.id;
      item.document_id = st.Int64(0);
      item.chart_id = st.Int64(1);
      CHARTSCAN_ASSIGN_OR_RETURN(std::vector<PageField> fields, ReadPageFields(db, ref.id));
      const PageField* shown = nullptr;
      for (const char* name : {"mrn", "patient_name", "dob"}) {
        const PageField* f = BestOnPage(fields, name);
        if (f == nullptr) continue;
        CHARTSCAN_ASSIGN_OR_RETURN(std::string of_document,
                                   DocumentValue(db, item.document_id, name));
        if (of_document != f->normalized) {
          shown = f;
          item.reason = "identity differs from its document";
          break;
        }
        if (shown == nullptr) shown = f;
      }
      if (item.reason.empty()) item.reason = "out of place in its document";
      if (shown != nullptr) {
        item.field = shown->name;
        item.value = shown->value;
        item.normalized = shown->normalized;
        item.confidence = shown->confidence;
        item.box = shown->box;
      } else {
        item.field = "mrn";
      }
      return std::optional<ReviewItem>(std::move(item));
    }
  }
  return std::optional<ReviewItem>();
}

// Takes a page's index entry out and puts it back with its identity words recomputed from its
// fields (an external-content index must be told the old values to remove them).
Status ReindexPage(sqlite3* db, std::int64_t page_id) {
  Stmt page;
  CHARTSCAN_RETURN_IF_ERROR(
      page.Prepare(db, "SELECT text, ident, doc_type FROM pages WHERE id = ?1", "reindex page"));
  page.Bind(1, page_id);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, page.Step());
  if (!row) return Status::Ok();
  const std::string text = page.Text(0);
  const std::string old_ident = page.Text(1);
  const std::string doc_type = page.Text(2);
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<PageField> stored, ReadPageFields(db, page_id));
  std::vector<Field> fields;
  for (const PageField& f : stored) {
    Field field;
    field.name = f.name;
    field.value = f.value;
    field.normalized = f.normalized;
    fields.push_back(std::move(field));
  }
  const std::string ident = PageIdent(doc_type, fields);
  if (ident == old_ident) return Status::Ok();
  Stmt del, up, ins;
  CHARTSCAN_RETURN_IF_ERROR(del.Prepare(
      db, "INSERT INTO page_fts (page_fts, rowid, text, ident) VALUES ('delete', ?1, ?2, ?3)",
      "reindex page"));
  del.Bind(1, page_id);
  del.Bind(2, text);
  del.Bind(3, old_ident);
  CHARTSCAN_RETURN_IF_ERROR(del.Run());
  CHARTSCAN_RETURN_IF_ERROR(
      up.Prepare(db, "UPDATE pages SET ident = ?2 WHERE id = ?1", "reindex page"));
  up.Bind(1, page_id);
  up.Bind(2, ident);
  CHARTSCAN_RETURN_IF_ERROR(up.Run());
  CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(
      db, "INSERT INTO page_fts (rowid, text, ident) VALUES (?1, ?2, ?3)", "reindex page"));
  ins.Bind(1, page_id);
  ins.Bind(2, text);
  ins.Bind(3, ident);
  return ins.Run();
}

// The chart of an MRN (the oldest, when several share it), or a new one named by `name` and
// `dob` and matched to the roster by the MRN when a roster is loaded.
Result<std::int64_t> ChartForMrn(sqlite3* db, const std::string& mrn, const std::string& name,
                                 const std::string& dob, std::int64_t now) {
  Stmt find;
  CHARTSCAN_RETURN_IF_ERROR(find.Prepare(
      db, "SELECT id FROM charts WHERE mrn = ?1 ORDER BY id LIMIT 1", "find chart of MRN"));
  find.Bind(1, mrn);
  CHARTSCAN_ASSIGN_OR_RETURN(bool found, find.Step());
  if (found) return find.Int64(0);
  Stmt roster;
  CHARTSCAN_RETURN_IF_ERROR(roster.Prepare(
      db, "SELECT (SELECT id FROM patients WHERE mrn = ?1), EXISTS (SELECT 1 FROM patients)",
      "match chart to roster"));
  roster.Bind(1, mrn);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, roster.Step());
  const std::int64_t patient = row && !roster.IsNull(0) ? roster.Int64(0) : 0;
  const bool has_roster = row && roster.Int(1) != 0;
  Stmt ins;
  CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(db,
                                        "INSERT INTO charts (mrn, patient_name, dob, "
                                        "created_micros, patient_id, roster_match) VALUES (?1, "
                                        "?2, ?3, ?4, ?5, ?6)",
                                        "create chart"));
  ins.Bind(1, mrn);
  ins.Bind(2, name);
  ins.Bind(3, dob);
  ins.Bind(4, now);
  ins.BindId(5, patient);
  ins.Bind(6, std::string_view(patient != 0 ? "mrn" : has_roster ? "none" : ""));
  CHARTSCAN_RETURN_IF_ERROR(ins.Run());
  return sqlite3_last_insert_rowid(db);
}

Status DropEmptyCharts(sqlite3* db) {
  return Exec(db,
              "DELETE FROM charts WHERE NOT EXISTS (SELECT 1 FROM documents WHERE "
              "documents.chart_id = charts.id)",
              "drop empty charts");
}

// needs_review of a document from its unresolved items.
Status RecomputeNeedsReview(sqlite3* db, std::int64_t document_id) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      "UPDATE documents SET needs_review = (type_needs_review <> 0 OR EXISTS (SELECT 1 FROM "
      "document_fields f WHERE f.document_id = documents.id AND f.needs_review <> 0) OR EXISTS "
      "(SELECT 1 FROM pages p WHERE p.document_id = documents.id AND p.misfiled <> 0)) "
      "WHERE id = ?1",
      "recompute needs_review"));
  st.Bind(1, document_id);
  return st.Run();
}

// After a page left a document: its remaining pages are renumbered, its page count and its
// fields' page indexes follow, fields read on the page that left go; an empty document is
// deleted (it is derived data, as in assembly).
Status CloseGap(sqlite3* db, std::int64_t document_id, std::int64_t page_left) {
  Stmt drop_fields;
  CHARTSCAN_RETURN_IF_ERROR(
      drop_fields.Prepare(db, "DELETE FROM document_fields WHERE document_id = ?1 AND page_id = ?2",
                          "remove page from document"));
  drop_fields.Bind(1, document_id);
  drop_fields.Bind(2, page_left);
  CHARTSCAN_RETURN_IF_ERROR(drop_fields.Run());
  std::vector<std::int64_t> pages;
  {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db, "SELECT id FROM pages WHERE document_id = ?1 ORDER BY document_page, id",
                   "remove page from document"));
    st.Bind(1, document_id);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      pages.push_back(st.Int64(0));
    }
  }
  if (pages.empty()) {
    Stmt del;
    CHARTSCAN_RETURN_IF_ERROR(
        del.Prepare(db, "DELETE FROM documents WHERE id = ?1", "drop empty document"));
    del.Bind(1, document_id);
    return del.Run();
  }
  Stmt renumber, reindex_fields, count;
  CHARTSCAN_RETURN_IF_ERROR(renumber.Prepare(
      db, "UPDATE pages SET document_page = ?2 WHERE id = ?1", "remove page from document"));
  CHARTSCAN_RETURN_IF_ERROR(reindex_fields.Prepare(
      db, "UPDATE document_fields SET page_index = ?3 WHERE document_id = ?1 AND page_id = ?2",
      "remove page from document"));
  for (std::size_t i = 0; i < pages.size(); ++i) {
    renumber.Reset();
    renumber.Bind(1, pages[i]);
    renumber.Bind(2, static_cast<int>(i) + 1);
    CHARTSCAN_RETURN_IF_ERROR(renumber.Run());
    reindex_fields.Reset();
    reindex_fields.Bind(1, document_id);
    reindex_fields.Bind(2, pages[i]);
    reindex_fields.Bind(3, static_cast<int>(i));
    CHARTSCAN_RETURN_IF_ERROR(reindex_fields.Run());
  }
  CHARTSCAN_RETURN_IF_ERROR(count.Prepare(db, "UPDATE documents SET page_count = ?2 WHERE id = ?1",
                                          "remove page from document"));
  count.Bind(1, document_id);
  count.Bind(2, static_cast<int>(pages.size()));
  CHARTSCAN_RETURN_IF_ERROR(count.Run());
  return RecomputeNeedsReview(db, document_id);
}

// Moves a page into a document of its own in the chart of `mrn` (reusing document `reuse` when it
// still exists); returns that document. The document takes the page's own type and fields.
Result<std::int64_t> MovePage(sqlite3* db, std::int64_t page_id, const std::string& mrn,
                              std::int64_t reuse, std::int64_t now) {
  Stmt page;
  CHARTSCAN_RETURN_IF_ERROR(page.Prepare(
      db, "SELECT batch_id, source_id, doc_type, coalesce(document_id, 0) FROM pages WHERE id = ?1",
      "move page"));
  page.Bind(1, page_id);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, page.Step());
  if (!row) return Status::NotFound("no page with id " + std::to_string(page_id));
  const std::int64_t batch = page.IsNull(0) ? 0 : page.Int64(0);
  const std::int64_t source = page.Int64(1);
  std::string doc_type = page.Text(2);
  if (doc_type.empty()) doc_type = "other";
  const std::int64_t from = page.Int64(3);

  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<PageField> fields, ReadPageFields(db, page_id));
  const PageField* name = BestOnPage(fields, "patient_name");
  const PageField* dob = BestOnPage(fields, "dob");
  const PageField* date = BestOnPage(fields, "date_of_service");
  CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t chart, ChartForMrn(db, mrn, name ? name->normalized : "",
                                                             dob ? dob->normalized : "", now));
  std::int64_t doc = 0;
  if (reuse != 0 && reuse != from) {
    Stmt exists;
    CHARTSCAN_RETURN_IF_ERROR(exists.Prepare(
        db,
        "SELECT 1 FROM documents d WHERE d.id = ?1 AND NOT EXISTS (SELECT 1 FROM pages p WHERE "
        "p.document_id = d.id AND p.id <> ?2)",
        "move page"));
    exists.Bind(1, reuse);
    exists.Bind(2, page_id);
    CHARTSCAN_ASSIGN_OR_RETURN(bool found, exists.Step());
    if (found) doc = reuse;
  }
  if (doc == 0) {
    Stmt ins;
    CHARTSCAN_RETURN_IF_ERROR(ins.Prepare(
        db, "INSERT INTO documents (batch_id, source_id) VALUES (?1, ?2)", "move page"));
    ins.BindId(1, batch);
    ins.Bind(2, source);
    CHARTSCAN_RETURN_IF_ERROR(ins.Run());
    doc = sqlite3_last_insert_rowid(db);
  }
  Stmt up;
  CHARTSCAN_RETURN_IF_ERROR(
      up.Prepare(db,
                 "UPDATE documents SET chart_id = ?2, doc_type = ?3, doc_type_confidence = 0, "
                 "type_needs_review = 0, needs_review = 0, date_of_service = ?4, page_count = 1, "
                 "boundary = 'misfile_corrected', assembled_micros = ?5 WHERE id = ?1",
                 "move page"));
  up.Bind(1, doc);
  up.Bind(2, chart);
  up.Bind(3, doc_type);
  up.Bind(4, date ? date->normalized : std::string());
  up.Bind(5, now);
  CHARTSCAN_RETURN_IF_ERROR(up.Run());
  Stmt clear, ins_field;
  CHARTSCAN_RETURN_IF_ERROR(
      clear.Prepare(db, "DELETE FROM document_fields WHERE document_id = ?1", "move page"));
  clear.Bind(1, doc);
  CHARTSCAN_RETURN_IF_ERROR(clear.Run());
  CHARTSCAN_RETURN_IF_ERROR(ins_field.Prepare(
      db,
      "INSERT INTO document_fields (document_id, seq, name, value, normalized, confidence, "
      "page_index, page_id, box_x, box_y, box_width, box_height, needs_review, role) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?10, ?11, ?12, '')",
      "move page"));
  int seq = 0;
  for (const PageField& f : fields) {
    ins_field.Reset();
    ins_field.Bind(1, doc);
    ins_field.Bind(2, seq++);
    ins_field.Bind(3, f.name);
    ins_field.Bind(4, f.value);
    ins_field.Bind(5, f.normalized);
    ins_field.Bind(6, f.confidence);
    ins_field.Bind(7, page_id);
    ins_field.Bind(8, f.box.x);
    ins_field.Bind(9, f.box.y);
    ins_field.Bind(10, f.box.width);
    ins_field.Bind(11, f.box.height);
    ins_field.Bind(12, f.needs_review ? 1 : 0);
    CHARTSCAN_RETURN_IF_ERROR(ins_field.Run());
  }
  Stmt link;
  CHARTSCAN_RETURN_IF_ERROR(link.Prepare(
      db, "UPDATE pages SET document_id = ?2, document_page = 1, misfiled = 0 WHERE id = ?1",
      "move page"));
  link.Bind(1, page_id);
  link.Bind(2, doc);
  CHARTSCAN_RETURN_IF_ERROR(link.Run());
  if (from != 0 && from != doc) CHARTSCAN_RETURN_IF_ERROR(CloseGap(db, from, page_id));
  CHARTSCAN_RETURN_IF_ERROR(RecomputeNeedsReview(db, doc));
  CHARTSCAN_RETURN_IF_ERROR(DropEmptyCharts(db));
  CHARTSCAN_RETURN_IF_ERROR(MarkVocabularyChanged(db));
  return doc;
}

// Writes a corrected value into a document field and everywhere it is read from (see the file
// comment).
Status CorrectField(sqlite3* db, std::int64_t document_id, int seq, const std::string& value,
                    const std::string& normalized, std::int64_t now) {
  Stmt read;
  CHARTSCAN_RETURN_IF_ERROR(read.Prepare(
      db,
      "SELECT f.name, f.normalized, coalesce(f.page_id, 0), coalesce(d.chart_id, 0) FROM "
      "document_fields f JOIN documents d ON d.id = f.document_id WHERE f.document_id = ?1 AND "
      "f.seq = ?2",
      "correct field"));
  read.Bind(1, document_id);
  read.Bind(2, seq);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, read.Step());
  if (!row) return Status::NotFound("no field " + std::to_string(seq));
  const std::string name = read.Text(0);
  const std::string before = read.Text(1);
  const std::int64_t page_id = read.Int64(2);
  const std::int64_t chart = read.Int64(3);

  Stmt up;
  CHARTSCAN_RETURN_IF_ERROR(up.Prepare(db,
                                       "UPDATE document_fields SET value = ?3, normalized = ?4, "
                                       "confidence = 1, needs_review = 0, verified = 1 WHERE "
                                       "document_id = ?1 AND seq = ?2",
                                       "correct field"));
  up.Bind(1, document_id);
  up.Bind(2, seq);
  up.Bind(3, value);
  up.Bind(4, normalized);
  CHARTSCAN_RETURN_IF_ERROR(up.Run());
  if (page_id != 0) {
    Stmt page_field;
    CHARTSCAN_RETURN_IF_ERROR(
        page_field.Prepare(db,
                           "UPDATE fields SET value = ?4, normalized = ?5, confidence = 1, "
                           "needs_review = 0 WHERE page_id = ?1 AND name = ?2 AND normalized = ?3",
                           "correct page field"));
    page_field.Bind(1, page_id);
    page_field.Bind(2, name);
    page_field.Bind(3, before);
    page_field.Bind(4, value);
    page_field.Bind(5, normalized);
    CHARTSCAN_RETURN_IF_ERROR(page_field.Run());
    if (sqlite3_changes(db) > 0) CHARTSCAN_RETURN_IF_ERROR(ReindexPage(db, page_id));
  }
  if (name == "date_of_service") {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db, "UPDATE documents SET date_of_service = ?2 WHERE id = ?1", "correct field"));
    st.Bind(1, document_id);
    st.Bind(2, normalized);
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
  } else if (name == "mrn" && chart != 0) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::string patient, DocumentValue(db, document_id, "patient_name"));
    CHARTSCAN_ASSIGN_OR_RETURN(std::string dob, DocumentValue(db, document_id, "dob"));
    CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t target, ChartForMrn(db, normalized, patient, dob, now));
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db, "UPDATE documents SET chart_id = ?2 WHERE id = ?1", "correct field"));
    st.Bind(1, document_id);
    st.Bind(2, target);
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
    CHARTSCAN_RETURN_IF_ERROR(DropEmptyCharts(db));
  } else if ((name == "patient_name" || name == "dob") && chart != 0) {
    Stmt st;
    const std::string sql = std::string("UPDATE charts SET ") +
                            (name == "dob" ? "dob" : "patient_name") +
                            " = ?2 WHERE id = ?1 AND (SELECT count(*) FROM documents WHERE "
                            "chart_id = ?1 AND page_count > 0) = 1";
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db, sql.c_str(), "correct field"));
    st.Bind(1, chart);
    st.Bind(2, normalized);
    CHARTSCAN_RETURN_IF_ERROR(st.Run());
  }
  return MarkVocabularyChanged(db);
}

Status AcceptField(sqlite3* db, std::int64_t document_id, int seq) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                       "UPDATE document_fields SET needs_review = 0, verified = 1 "
                                       "WHERE document_id = ?1 AND seq = ?2",
                                       "accept field"));
  st.Bind(1, document_id);
  st.Bind(2, seq);
  return st.Run();
}

Status SetType(sqlite3* db, std::int64_t document_id, const std::string* type) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                       type ? "UPDATE documents SET type_needs_review = 0, "
                                              "doc_type = ?2, doc_type_confidence = 1 WHERE id = ?1"
                                            : "UPDATE documents SET type_needs_review = 0 WHERE "
                                              "id = ?1",
                                       "resolve type"));
  st.Bind(1, document_id);
  if (type) st.Bind(2, *type);
  return st.Run();
}

struct DecisionRow {
  std::string kind;
  std::int64_t document_id = 0;
  std::int64_t page_id = 0;
  std::string field;
  int field_seq = -1;
  std::string value_before, normalized_before, value_after, normalized_after;
  bool corrected = false;
  std::string user;
  std::int64_t moved_to_document = 0;
};

Status RecordDecision(sqlite3* db, const DecisionRow& d, std::int64_t now) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      "INSERT INTO review_decisions (kind, document_id, page_id, field, field_seq, value_before, "
      "normalized_before, value_after, normalized_after, action, user, at_micros, "
      "moved_to_document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
      "record review decision"));
  st.Bind(1, d.kind);
  st.Bind(2, d.document_id);
  st.Bind(3, d.page_id);
  st.Bind(4, d.field);
  st.Bind(5, d.field_seq);
  st.Bind(6, d.value_before);
  st.Bind(7, d.normalized_before);
  st.Bind(8, d.value_after);
  st.Bind(9, d.normalized_after);
  st.Bind(10, std::string_view(d.corrected ? "corrected" : "accepted"));
  st.Bind(11, d.user);
  st.Bind(12, now);
  st.Bind(13, d.moved_to_document);
  return st.Run();
}

bool IsDocumentType(const std::string& name) {
  for (const char* t : kDocumentTypeNames) {
    if (name == t) return true;
  }
  return false;
}

}  // namespace

Result<ReviewQueue> ReadReviewQueue(sqlite3* db, int offset, int limit) {
  // The type first, then fields by seq, then misfiled pages by position, document by document.
  constexpr char kItems[] =
      "SELECT 0 AS k, d.id AS doc, -1 AS seq FROM documents d WHERE d.type_needs_review <> 0 AND "
      "d.page_count > 0 "
      "UNION ALL SELECT 1, f.document_id, f.seq FROM document_fields f JOIN documents d ON "
      "d.id = f.document_id WHERE f.needs_review <> 0 AND d.page_count > 0 "
      "UNION ALL SELECT 2, p.document_id, p.id FROM pages p WHERE p.misfiled <> 0 AND "
      "p.document_id IS NOT NULL";
  ReviewQueue queue;
  {
    Stmt count;
    CHARTSCAN_RETURN_IF_ERROR(count.Prepare(
        db, (std::string("SELECT count(*) FROM (") + kItems + ")").c_str(), "count review items"));
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, count.Step());
    queue.total = row ? count.Int64(0) : 0;
  }
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      (std::string("SELECT k, doc, seq FROM (") + kItems +
       ") ORDER BY doc, k, CASE WHEN k = 2 THEN (SELECT document_page FROM pages WHERE id = seq) "
       "ELSE seq END, seq LIMIT ?1 OFFSET ?2")
          .c_str(),
      "list review items"));
  st.Bind(1, limit);
  st.Bind(2, offset);
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    ItemRef ref;
    const int k = st.Int(0);
    if (k == 0) {
      ref.kind = ReviewKind::kType;
      ref.id = st.Int64(1);
    } else if (k == 1) {
      ref.kind = ReviewKind::kField;
      ref.id = st.Int64(1);
      ref.seq = st.Int(2);
    } else {
      ref.kind = ReviewKind::kMisfile;
      ref.id = st.Int64(2);
    }
    CHARTSCAN_ASSIGN_OR_RETURN(std::optional<ReviewItem> item, LoadItem(db, ref, false));
    if (item) queue.items.push_back(std::move(*item));
  }
  return queue;
}

Result<ReviewItem> ReadReviewItem(sqlite3* db, const std::string& item_id) {
  ItemRef ref;
  if (!ParseItemId(item_id, &ref)) return NoItem(item_id);
  CHARTSCAN_ASSIGN_OR_RETURN(std::optional<ReviewItem> found, LoadItem(db, ref, false));
  if (!found) return NoItem(item_id);
  return std::move(*found);
}

Result<ReviewItem> ResolveReviewItem(sqlite3* db, const ReviewDecision& decision,
                                     std::int64_t now) {
  ItemRef ref;
  if (!ParseItemId(decision.item_id, &ref)) return NoItem(decision.item_id);
  CHARTSCAN_ASSIGN_OR_RETURN(std::optional<ReviewItem> found, LoadItem(db, ref, false));
  if (!found) return NoItem(decision.item_id);
  ReviewItem item = std::move(*found);
  const std::string normalized = decision.normalized.empty() ? decision.value : decision.normalized;
  const std::string value = decision.value.empty() ? normalized : decision.value;

  DecisionRow row;
  row.kind = std::string(ReviewKindName(ref.kind));
  row.document_id = item.document_id;
  row.page_id = item.page_id;
  row.field = item.field;
  row.value_before = item.value;
  row.normalized_before = item.normalized;
  row.corrected = !decision.accept;
  row.value_after = decision.accept ? item.value : value;
  row.normalized_after = decision.accept ? item.normalized : normalized;
  row.user = decision.user;

  std::int64_t document = item.document_id;
  switch (ref.kind) {
    case ReviewKind::kField:
      row.field_seq = ref.seq;
      if (decision.accept) {
        CHARTSCAN_RETURN_IF_ERROR(AcceptField(db, ref.id, ref.seq));
      } else {
        CHARTSCAN_RETURN_IF_ERROR(CorrectField(db, ref.id, ref.seq, value, normalized, now));
      }
      break;
    case ReviewKind::kType:
      if (!decision.accept && !IsDocumentType(normalized)) {
        return Status::InvalidArgument("not a document type: '" + normalized.substr(0, 40) + "'");
      }
      CHARTSCAN_RETURN_IF_ERROR(SetType(db, ref.id, decision.accept ? nullptr : &normalized));
      break;
    case ReviewKind::kMisfile:
      if (decision.accept) {
        Stmt st;
        CHARTSCAN_RETURN_IF_ERROR(
            st.Prepare(db, "UPDATE pages SET misfiled = 0 WHERE id = ?1", "accept misfile"));
        st.Bind(1, ref.id);
        CHARTSCAN_RETURN_IF_ERROR(st.Run());
      } else {
        CHARTSCAN_ASSIGN_OR_RETURN(document, MovePage(db, ref.id, normalized, 0, now));
        row.moved_to_document = document;
      }
      break;
  }
  CHARTSCAN_RETURN_IF_ERROR(RecordDecision(db, row, now));
  // The document the item was in may be gone (a misfile move emptied it).
  CHARTSCAN_RETURN_IF_ERROR(RecomputeNeedsReview(db, item.document_id));

  // The item as now.
  if (ref.kind != ReviewKind::kMisfile) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::optional<ReviewItem> now_item, LoadItem(db, ref, true));
    if (now_item) item = std::move(*now_item);
  } else if (!decision.accept) {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
        db, "SELECT coalesce(chart_id, 0) FROM documents WHERE id = ?1", "read moved page"));
    st.Bind(1, document);
    CHARTSCAN_ASSIGN_OR_RETURN(bool found_doc, st.Step());
    item.document_id = document;
    item.chart_id = found_doc ? st.Int64(0) : 0;
    item.value = value;
    item.normalized = normalized;
    item.field = "mrn";
  }
  item.reason.clear();
  item.resolved = true;
  item.resolution = decision.accept ? "accepted" : "corrected";
  item.resolved_by = decision.user;
  item.resolved_micros = now;
  return item;
}

Result<std::map<std::int64_t, MisfileDecision>> MisfileDecisions(
    sqlite3* db, const std::vector<std::int64_t>& source_ids) {
  std::map<std::int64_t, MisfileDecision> out;
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      "SELECT r.page_id, r.document_id, r.action, r.normalized_after, r.moved_to_document FROM "
      "review_decisions r JOIN pages p ON p.id = r.page_id WHERE r.kind = 'misfile' AND "
      "p.source_id = ?1 ORDER BY r.id",
      "read misfile decisions"));
  for (std::int64_t source : source_ids) {
    st.Reset();
    st.Bind(1, source);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      // Later decisions replace earlier ones.
      out[st.Int64(0)] = {st.Int64(1), st.Text(2) == "corrected", st.Text(3), st.Int64(4)};
    }
  }
  return out;
}

Status ReapplyDecisions(sqlite3* db, const std::vector<std::int64_t>& document_ids,
                        const std::map<std::int64_t, MisfileDecision>& misfiles, std::int64_t now) {
  std::set<std::int64_t> documents(document_ids.begin(), document_ids.end());
  std::set<std::int64_t> changed;
  for (const auto& [page_id, m] : misfiles) {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db,
                                         "SELECT coalesce(p.document_id, 0), p.misfiled, "
                                         "coalesce(c.mrn, '') FROM pages p LEFT JOIN documents d "
                                         "ON d.id = p.document_id LEFT JOIN charts c ON "
                                         "c.id = d.chart_id WHERE p.id = ?1",
                                         "reapply misfile decision"));
    st.Bind(1, page_id);
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) continue;
    const std::int64_t doc = st.Int64(0);
    const bool misfiled = st.Int(1) != 0;
    const std::string chart_mrn = st.Text(2);
    if (!m.corrected) {
      // Accepted where it was: holds while the page is still in that document.
      if (doc == m.document_id && misfiled) {
        Stmt clear;
        CHARTSCAN_RETURN_IF_ERROR(
            clear.Prepare(db, "UPDATE pages SET misfiled = 0 WHERE id = ?1", "reapply misfile"));
        clear.Bind(1, page_id);
        CHARTSCAN_RETURN_IF_ERROR(clear.Run());
        changed.insert(doc);
      }
      continue;
    }
    // Assembly may now file the page with its patient by itself; otherwise it moves again.
    if (doc != 0 && !misfiled && chart_mrn == m.mrn) continue;
    CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t moved,
                               MovePage(db, page_id, m.mrn, m.moved_to_document, now));
    documents.insert(moved);
    if (doc != 0) changed.insert(doc);
    if (moved != m.moved_to_document) {
      Stmt up;
      CHARTSCAN_RETURN_IF_ERROR(up.Prepare(db,
                                           "UPDATE review_decisions SET moved_to_document = ?2 "
                                           "WHERE kind = 'misfile' AND page_id = ?1 AND "
                                           "moved_to_document = ?3",
                                           "reapply misfile"));
      up.Bind(1, page_id);
      up.Bind(2, moved);
      up.Bind(3, m.moved_to_document);
      CHARTSCAN_RETURN_IF_ERROR(up.Run());
    }
  }

  Stmt decisions, find_field, read_type;
  CHARTSCAN_RETURN_IF_ERROR(decisions.Prepare(
      db,
      "SELECT kind, field, normalized_before, value_after, normalized_after, action FROM "
      "review_decisions WHERE document_id = ?1 AND kind IN ('field', 'type') ORDER BY id",
      "reapply review decisions"));
  // A decision holds for the field of that name whose value is the one decided on: the value
  // before (still misread), or for a correction the value after (the corrected page fields were
  // merged again), which is then marked verified.
  CHARTSCAN_RETURN_IF_ERROR(find_field.Prepare(
      db,
      "SELECT seq, normalized = ?3 FROM document_fields WHERE document_id = ?1 AND name = ?2 AND "
      "(normalized = ?3 OR (?4 <> '' AND normalized = ?4)) ORDER BY seq LIMIT 1",
      "reapply review decisions"));
  CHARTSCAN_RETURN_IF_ERROR(read_type.Prepare(db, "SELECT doc_type FROM documents WHERE id = ?1",
                                              "reapply review decisions"));
  for (std::int64_t doc : documents) {
    decisions.Reset();
    decisions.Bind(1, doc);
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, decisions.Step());
      if (!more) break;
      const std::string kind = decisions.Text(0);
      const std::string before = decisions.Text(2);
      const std::string value_after = decisions.Text(3);
      const std::string after = decisions.Text(4);
      const bool corrected = decisions.Text(5) == "corrected";
      if (kind == "type") {
        read_type.Reset();
        read_type.Bind(1, doc);
        CHARTSCAN_ASSIGN_OR_RETURN(bool row, read_type.Step());
        if (!row || (read_type.Text(0) != before && read_type.Text(0) != after)) continue;
        CHARTSCAN_RETURN_IF_ERROR(SetType(db, doc, corrected ? &after : nullptr));
        changed.insert(doc);
        continue;
      }
      find_field.Reset();
      find_field.Bind(1, doc);
      find_field.Bind(2, decisions.Text(1));
      find_field.Bind(3, before);
      find_field.Bind(4, corrected ? after : std::string());
      CHARTSCAN_ASSIGN_OR_RETURN(bool row, find_field.Step());
      if (!row) continue;
      const int seq = find_field.Int(0);
      const bool still_before = find_field.Int(1) != 0;
      find_field.Reset();  // CorrectField writes the table this statement reads
      if (corrected && still_before) {
        CHARTSCAN_RETURN_IF_ERROR(CorrectField(db, doc, seq, value_after, after, now));
      } else {
        CHARTSCAN_RETURN_IF_ERROR(AcceptField(db, doc, seq));
      }
      changed.insert(doc);
    }
  }
  for (std::int64_t doc : changed) CHARTSCAN_RETURN_IF_ERROR(RecomputeNeedsReview(db, doc));
  return Status::Ok();
}

}  // namespace chartscan::indexer
