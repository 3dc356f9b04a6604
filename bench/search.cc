// chartscan-bench-search: chartscan's search against Xapian on the same synthetic archive.
//
// The archive (samples/archive: invented chart pages with OCR errors, 20 pages a patient) is
// written into a chartscan store through Store::PutPages and, in the same pass, into a Xapian
// database: TermGenerator over the same printed text (positions on, so phrases work, no
// stemming), boolean terms for the document's MRN (XM), patient name (XN), DOB (XD), type (XT),
// codes (XC) and batch (XB), the date of service in value slot 0 (YYYYMMDD) for ranges, and the
// page text as document data (for snippets, as chartscan returns them). Both commit every
// --pages-per-call pages, so both make a page searchable equally soon. Both are kept in --store
// DIR and reused by later runs (rebuilt when missing, for other --pages/--seed, or --rebuild).
//
// Then, over the fixed query set (samples/archive ChooseQueries: about 1,100 queries in 15
// categories, with every expected page; --skip leaves categories out):
//   recall     per category, against the ground truth: every hit fetched for queries with up to
//              --recall-cap expected pages (SearchOptions::max_ranked raised to the fetch limit);
//              broader queries report found/expected counts
//   latency    single client: each query once after a warm-up pass; Store::Search with
//              SearchOptions{limit = 20} (defaults otherwise: snippets, approximate matching on)
//              against Xapian's Enquire::get_mset(0, 20) with a snippet of each hit
//   concurrent --threads clients (default 8), each running the query set in its own order (for
//              at most --max-seconds), while one writer thread keeps writing pages of a second
//              synthetic archive (its own batch; the same pages are rewritten on later passes and
//              later runs, so the store stops growing): latency percentiles and the maximum, per
//              category too, and the writer's pages/s. Xapian readers reopen before each search.
// Xapian has no approximate matching: approx_* queries are given to it as the OR of every
// spelling the OCR confusions could make of what was typed (samples/archive IdentifierVariants up
// to two edits, NameVariants) that exists in its term list, built inside the timed query.
//
// Sizes, as built (before any concurrent writer; kept in the folder's manifest): raw text is the
// bytes of page text written. chartscan's search index is measured with SQLite's dbstat: the FTS5
// shadow tables (*_fts_*) and search_meta; the B-tree indexes the filters use are reported beside
// it, and pages.ident (the identity words the index also covers) as its byte count. Xapian's index
// is its folder without docdata.glass (the page text kept for snippets), as built and after
// Xapian::Database::compact (into a scratch folder, then removed). Sizes after the run's writers
// are printed too.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>
#include <xapian.h>

#include <chartscan/indexer/store.h>
#include <chartscan/samples/archive.h>
#include <chartscan/samples/archive_queries.h>
#include <chartscan/samples/archive_store.h>

namespace {

namespace fs = std::filesystem;
namespace ar = chartscan::samples::archive;
using chartscan::Result;
using chartscan::Status;
using chartscan::indexer::Store;
using Clock = std::chrono::steady_clock;
using Kind = ar::QueryNode::Kind;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double Secs(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Options {
  std::int64_t pages = 1'000'000;
  std::uint64_t seed = 1;
  std::string dir;
  bool rebuild = false;
  int threads = 8;
  int limit = 20;
  std::int64_t recall_cap = 2000;
  int pages_per_call = 1000;
  std::int64_t writer_pages = 0;  // 0: 2% of the archive, at least 500 and at most 20,000
  std::set<std::string> skip;     // query categories left out
  double max_seconds = 120;       // each concurrent client stops after this long
  bool xapian = true;
  bool single_only = false;       // only the single-client latency pass (for tuning)
  std::int64_t append_pages = 0;  // indexing rate at the archive's size: see AppendToCopy
  std::string times_file;         // per-query single-client times as TSV, when set
};

struct BenchQuery {
  ar::ArchiveQuery q;
  std::string text;                    // in chartscan's syntax
  std::vector<std::int64_t> expected;  // page ids, sorted
};

struct Build {
  std::int64_t pages = 0;
  std::int64_t patients = 0;
  std::int64_t documents = 0;
  std::int64_t text_bytes = 0;
  std::int64_t put_pages_calls = 0;
  ar::WriteTimes times;
  double truth_seconds = 0;
  double xapian_seconds = 0;
  std::int64_t xapian_commits = 0;
  std::vector<std::int64_t> batch_ids;
  // Sizes as built (before any concurrent writer): chartscan's search index, its filter
  // indexes, pages.ident, the database; Xapian's index without and with docdata, as built and
  // after Xapian::Database::compact.
  std::int64_t cs_fts = 0, cs_filters = 0, cs_ident = 0, cs_total = 0;
  std::int64_t x_index = 0, x_total = 0, x_compact_index = 0, x_compact_total = 0;
  std::string built;  // when
  int runs = 0;       // runs of this bench on this store (the writer's pages are reused)
};

nlohmann::json ToJson(const Build& b) {
  const ar::WriteTimes& t = b.times;
  return {{"pages", b.pages},
          {"patients", b.patients},
          {"documents", b.documents},
          {"text_bytes", b.text_bytes},
          {"put_pages_calls", b.put_pages_calls},
          {"times",
           {{"create_batch", t.create_batch},
            {"register_source", t.register_source},
            {"create_document", t.create_document},
            {"put_pages", t.put_pages},
            {"assemble", t.assemble},
            {"complete_source", t.complete_source},
            {"callback", t.callback},
            {"generate", t.generate},
            {"total", t.total}}},
          {"truth_seconds", b.truth_seconds},
          {"xapian_seconds", b.xapian_seconds},
          {"xapian_commits", b.xapian_commits},
          {"batch_ids", b.batch_ids},
          {"sizes",
           {b.cs_fts, b.cs_filters, b.cs_ident, b.cs_total, b.x_index, b.x_total, b.x_compact_index,
            b.x_compact_total}},
          {"built", b.built},
          {"runs", b.runs}};
}

Build FromJson(const nlohmann::json& j) {
  Build b;
  b.pages = j.at("pages");
  b.patients = j.at("patients");
  b.documents = j.at("documents");
  b.text_bytes = j.at("text_bytes");
  b.put_pages_calls = j.at("put_pages_calls");
  const auto& t = j.at("times");
  b.times.create_batch = t.at("create_batch");
  b.times.register_source = t.at("register_source");
  b.times.create_document = t.at("create_document");
  b.times.put_pages = t.at("put_pages");
  b.times.assemble = t.at("assemble");
  b.times.complete_source = t.at("complete_source");
  b.times.callback = t.at("callback");
  b.times.generate = t.at("generate");
  b.times.total = t.at("total");
  b.truth_seconds = j.at("truth_seconds");
  b.xapian_seconds = j.at("xapian_seconds");
  b.xapian_commits = j.at("xapian_commits");
  b.batch_ids = j.at("batch_ids").get<std::vector<std::int64_t>>();
  const auto sz = j.at("sizes").get<std::vector<std::int64_t>>();
  if (sz.size() == 8) {
    b.cs_fts = sz[0];
    b.cs_filters = sz[1];
    b.cs_ident = sz[2];
    b.cs_total = sz[3];
    b.x_index = sz[4];
    b.x_total = sz[5];
    b.x_compact_index = sz[6];
    b.x_compact_total = sz[7];
  }
  b.built = j.at("built");
  b.runs = j.value("runs", 0);
  return b;
}

std::string Now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

// ---- Xapian: indexing and queries

std::string FullDate(const std::string& d, bool upper) {
  std::string s = d;
  if (s.size() == 4) s += upper ? "-12-31" : "-01-01";
  if (s.size() == 7) s += upper ? "-31" : "-01";
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Xapian::Document XapianPage(Xapian::TermGenerator& tg, const ar::ArchiveDocument& doc,
                            const ar::ArchivePage& page, std::int64_t batch_id) {
  Xapian::Document xd;
  tg.set_document(xd);
  tg.index_text(page.text);
  for (const chartscan::Field& f : doc.fields) {
    if (f.name == "mrn") xd.add_boolean_term("XM" + f.normalized);
    if (f.name == "patient_name") xd.add_boolean_term("XN" + Lower(f.value));
    if (f.name == "dob") xd.add_boolean_term("XD" + f.normalized);
  }
  xd.add_boolean_term("XT" + doc.type);
  for (const std::string& c : doc.icd10) xd.add_boolean_term("XC" + c);
  for (const std::string& c : doc.cpt) xd.add_boolean_term("XC" + c);
  xd.add_boolean_term("XB" + std::to_string(batch_id));
  xd.add_value(0, FullDate(doc.date_of_service, false));
  xd.set_data(page.text);
  return xd;
}

// Words as Xapian's TermGenerator cuts them: letters and digits, a '.' or ',' kept between
// digits, lower case.
std::vector<std::string> XapianWords(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (alnum(c)) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if ((c == '.' || c == ',') && !cur.empty() && digit(cur.back()) && i + 1 < s.size() &&
               digit(s[i + 1])) {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Xapian::Query Terms(const std::vector<std::string>& words) {
  if (words.empty()) return Xapian::Query::MatchNothing;
  if (words.size() == 1) return Xapian::Query(words[0]);
  return Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end());
}

Xapian::Query Filter(const std::string& term) {
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), 0.0);
}

Xapian::Query Translate(const ar::QueryNode& n, const Xapian::Database& db,
                        const std::vector<std::int64_t>& batch_ids) {
  switch (n.kind) {
    case Kind::kTerm:
    case Kind::kPhrase:
      return Terms(XapianWords(n.text));
    case Kind::kPrefix:
      return Xapian::Query(Xapian::Query::OP_WILDCARD, Lower(n.text));
    case Kind::kApprox: {
      const std::string typed = Lower(n.text);
      const bool identifier = std::any_of(typed.begin(), typed.end(), ::isdigit);
      std::vector<std::string> variants =
          identifier ? ar::IdentifierVariants(typed, 2) : ar::NameVariants(typed);
      variants.push_back(typed);
      std::vector<Xapian::Query> exist;
      for (const std::string& v : variants) {
        if (db.term_exists(v)) exist.emplace_back(v);
      }
      if (exist.empty()) return Xapian::Query::MatchNothing;
      return Xapian::Query(Xapian::Query::OP_OR, exist.begin(), exist.end());
    }
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<Xapian::Query> parts;
      for (const ar::QueryNode& c : n.children) parts.push_back(Translate(c, db, batch_ids));
      return Xapian::Query(n.kind == Kind::kAnd ? Xapian::Query::OP_AND : Xapian::Query::OP_OR,
                           parts.begin(), parts.end());
    }
    case Kind::kNot:
      return Xapian::Query(Xapian::Query::OP_AND_NOT, Translate(n.children.at(0), db, batch_ids),
                           Translate(n.children.at(1), db, batch_ids));
    case Kind::kMrn:
      return Filter("XM" + n.text);
    case Kind::kName:
      return Filter("XN" + n.text);
    case Kind::kDob:
      return Filter("XD" + n.text);
    case Kind::kType:
      return Filter("XT" + n.text);
    case Kind::kCode:
      return Filter("XC" + n.text);
    case Kind::kBatch:
      return Filter("XB" + std::to_string(n.batch < static_cast<int>(batch_ids.size())
                                              ? batch_ids[static_cast<std::size_t>(n.batch)]
                                              : n.batch + 1));
    case Kind::kDate:
      return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, 0, FullDate(n.text, false),
                           FullDate(n.truth, true));
  }
  return Xapian::Query::MatchNothing;
}

struct Hits {
  std::vector<std::int64_t> ids;
  std::int64_t total = 0;
  bool capped = false;  // chartscan counted no further than SearchOptions::max_ranked
  bool ok = true;
  std::string error;
};

Hits XapianSearch(Xapian::Database& db, const ar::QueryNode& node,
                  const std::vector<std::int64_t>& batch_ids, int limit, bool snippets,
                  Xapian::doccount check_at_least = 0) {
  Hits h;
  Xapian::Enquire enquire(db);
  enquire.set_query(Translate(node, db, batch_ids));
  Xapian::MSet m = enquire.get_mset(0, static_cast<Xapian::doccount>(limit), check_at_least);
  h.total = m.get_matches_estimated();
  for (auto it = m.begin(); it != m.end(); ++it) {
    h.ids.push_back(*it);
    if (snippets) {
      const std::string text = it.get_document().get_data();
      volatile std::size_t keep =
          m.snippet(text, 80, Xapian::Stem(),
                    Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE, "[",
                    "]", "...")
              .size();
      (void)keep;
    }
  }
  return h;
}

// max_ranked 0: the store's default. The recall pass raises it to its fetch limit so every match
// is ranked (and can be fetched), not only the most recently stored ones.
Hits StoreSearch(const Store& store, const std::string& query, int limit,
                 std::int64_t max_ranked = 0) {
  Hits h;
  chartscan::indexer::SearchOptions o;
  o.limit = limit;
  if (max_ranked > o.max_ranked) o.max_ranked = max_ranked;
  auto r = store.Search(query, o);
  if (!r.ok()) {
    h.ok = false;
    h.error = r.status().ToString();
    return h;
  }
  h.total = r->total;
  h.capped = r->total_capped;
  for (const auto& hit : r->hits) h.ids.push_back(hit.page_id);
  return h;
}

// ---- statistics

struct Latency {
  std::vector<double> ms;
  void Add(double v) { ms.push_back(v); }
  double At(double q) const {
    if (ms.empty()) return 0;
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    std::size_t k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(s.size()))) - 1;
    return s[std::min(k, s.size() - 1)];
  }
  double Max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
  double Mean() const {
    double t = 0;
    for (double v : ms) t += v;
    return ms.empty() ? 0 : t / static_cast<double>(ms.size());
  }
};

struct PerCategory {
  Latency all;
  std::map<ar::QueryCategory, Latency> by;
  std::vector<std::pair<double, std::size_t>> each;  // (ms, query index)
  int errors = 0;

  void Add(double ms, ar::QueryCategory c, std::size_t query) {
    all.Add(ms);
    by[c].Add(ms);
    each.emplace_back(ms, query);
  }
  void Merge(const PerCategory& o) {
    for (double v : o.all.ms) all.Add(v);
    for (const auto& [c, l] : o.by) {
      for (double v : l.ms) by[c].Add(v);
    }
    each.insert(each.end(), o.each.begin(), o.each.end());
    errors += o.errors;
  }
  // The n slowest, slowest first.
  std::vector<std::pair<double, std::size_t>> Slowest(std::size_t n) const {
    auto v = each;
    std::sort(v.rbegin(), v.rend());
    if (v.size() > n) v.resize(n);
    return v;
  }
};

void PrintRow(const char* what, const std::string& a, const std::string& b, const std::string& r) {
  std::printf("| %s | %s | %s | %s |\n", what, a.c_str(), b.c_str(), r.c_str());
}

std::string F(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Ratio(double a, double b) { return b > 0 ? F(a / b, 2) + "x" : "n/a"; }

std::int64_t DirBytes(const fs::path& p, const std::string& skip = {}) {
  std::int64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
    if (e.is_regular_file() && (skip.empty() || e.path().filename() != skip)) {
      total += static_cast<std::int64_t>(e.file_size());
    }
  }
  return total;
}

struct DbSizes {
  std::int64_t fts = 0;      // *_fts_* shadow tables and search_meta
  std::int64_t filters = 0;  // B-tree indexes the filters use
  std::int64_t ident = 0;    // bytes of pages.ident
  std::int64_t total = 0;    // database file and WAL
  std::vector<std::pair<std::string, std::int64_t>> objects;
  std::string note;
};

DbSizes MeasureDb(const fs::path& db_path) {
  DbSizes s;
  std::error_code ec;
  s.total = static_cast<std::int64_t>(fs::file_size(db_path, ec));
  const fs::path wal = db_path.string() + "-wal";
  if (fs::exists(wal)) s.total += static_cast<std::int64_t>(fs::file_size(wal, ec));
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    s.note = "could not open the database";
    sqlite3_close(db);
    return s;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC",
                         -1, &st, nullptr) != SQLITE_OK) {
    s.note = "this SQLite has no dbstat";
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      const std::int64_t bytes = sqlite3_column_int64(st, 1);
      s.objects.emplace_back(name, bytes);
      if (name.find("_fts_") != std::string::npos || name.rfind("search", 0) == 0) {
        s.fts += bytes;
      } else if (name == "documents_by_date" || name == "documents_by_type" ||
                 name == "charts_by_dob" || name == "charts_by_mrn" ||
                 name == "document_fields_by_name" || name == "fields_by_name") {
        s.filters += bytes;
      }
    }
  }
  sqlite3_finalize(st);
  if (sqlite3_prepare_v2(db, "SELECT sum(length(ident)) FROM pages", -1, &st, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    s.ident = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s;
}

std::string Mb(std::int64_t bytes) { return F(static_cast<double>(bytes) / 1e6, 1) + " MB"; }

// ---- the runs

struct Bench {
  Options opt;
  fs::path store_dir, xapian_dir, queries_path, manifest_path;
  std::unique_ptr<Store> store;
  Build build;
  std::vector<BenchQuery> queries;
  bool fresh = false;

  Status Open() {
    store_dir = fs::path(opt.dir) / "store";
    xapian_dir = fs::path(opt.dir) / "xapian";
    queries_path = fs::path(opt.dir) / "queries.jsonl";
    manifest_path = fs::path(opt.dir) / "manifest.json";
    bool reuse = !opt.rebuild && fs::exists(manifest_path);
    if (reuse) {
      std::ifstream in(manifest_path);
      nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      reuse = !j.is_discarded() && j.value("pages", std::int64_t{0}) == opt.pages &&
              j.value("seed", std::uint64_t{0}) == opt.seed &&
              (!opt.xapian || j.value("xapian", false));
      if (reuse) build = FromJson(j);
    }
    if (!reuse) {
      std::printf("building the archive in %s (%lld pages)...\n", opt.dir.c_str(),
                  static_cast<long long>(opt.pages));
      std::fflush(stdout);
      std::error_code ec;
      fs::remove(manifest_path, ec);
      fs::remove_all(store_dir, ec);
      fs::remove_all(xapian_dir, ec);
      fs::create_directories(opt.dir);
      CHARTSCAN_RETURN_IF_ERROR(Rebuild());
      fresh = true;
    } else {
      std::printf("reusing the archive in %s (built %s)\n", opt.dir.c_str(), build.built.c_str());
      CHARTSCAN_RETURN_IF_ERROR(OpenStore());
      CHARTSCAN_RETURN_IF_ERROR(ReadQueries());
    }
    return Status::Ok();
  }

  Status OpenStore() {
    chartscan::indexer::StoreOptions so;
    so.dir = store_dir.string();
    CHARTSCAN_ASSIGN_OR_RETURN(store, Store::Open(so));
    return Status::Ok();
  }

  Status Rebuild() {
    CHARTSCAN_RETURN_IF_ERROR(OpenStore());
    ar::ArchiveOptions ao;
    ao.seed = opt.seed;
    ao.pages = opt.pages;
    const ar::Archive archive(ao);
    std::vector<ar::ArchiveQuery> chosen = ar::ChooseQueries(archive, opt.seed);
    ar::GroundTruth truth(std::move(chosen));
    std::unique_ptr<Xapian::WritableDatabase> xdb;
    Xapian::TermGenerator tg;
    if (opt.xapian) {
      xdb = std::make_unique<Xapian::WritableDatabase>(xapian_dir.string(),
                                                       Xapian::DB_CREATE_OR_OVERWRITE);
    }
    std::int64_t since_commit = 0;
    ar::WriteOptions wo;
    wo.pages_per_call = opt.pages_per_call;
    const auto start = Clock::now();
    auto written = ar::WriteArchive(
        archive, *store, wo,
        [&](const ar::ArchiveDocument& doc, const std::vector<std::int64_t>& ids,
            std::int64_t batch_id) -> Status {
          auto t0 = Clock::now();
          truth.Observe(doc);
          build.truth_seconds += Secs(t0);
          if (xdb) {
            t0 = Clock::now();
            for (std::size_t k = 0; k < doc.pages.size(); ++k) {
              xdb->replace_document(static_cast<Xapian::docid>(ids[k]),
                                    XapianPage(tg, doc, doc.pages[k], batch_id));
            }
            since_commit += static_cast<std::int64_t>(doc.pages.size());
            if (since_commit >= opt.pages_per_call) {
              xdb->commit();
              ++build.xapian_commits;
              since_commit = 0;
            }
            build.xapian_seconds += Secs(t0);
          }
          return Status::Ok();
        },
        [&](std::int64_t n) {
          const double s = Secs(start);
          std::fprintf(stderr, "\r  %lld / %lld pages, %.0f s", static_cast<long long>(n),
                       static_cast<long long>(opt.pages), s);
        });
    std::fprintf(stderr, "\n");
    if (!written.ok()) return written.status();
    if (xdb) {
      const auto t0 = Clock::now();
      xdb->commit();
      xdb->close();
      ++build.xapian_commits;
      build.xapian_seconds += Secs(t0);
    }
    build.pages = written->pages;
    build.patients = static_cast<std::int64_t>(archive.patients().size());
    build.documents = written->documents;
    build.text_bytes = written->text_bytes;
    build.put_pages_calls = written->put_pages_calls;
    build.times = written->times;
    build.batch_ids = written->batch_ids;
    build.built = Now();

    std::vector<ar::ArchiveQuery> done = truth.Finish();
    {
      std::ofstream out(queries_path);
      for (const ar::ArchiveQuery& q : done) {
        out << ar::QueryJsonLine(q, build.batch_ids, &written->page_ids, nullptr) << "\n";
      }
      if (!out) return Status::IoError("could not write " + queries_path.string());
    }
    CHARTSCAN_RETURN_IF_ERROR(ReadQueries());
    // The store is closed (its WAL checkpointed) while sizes are measured.
    store.reset();
    const DbSizes cs = MeasureDb(store_dir / "chartscan.db");
    build.cs_fts = cs.fts;
    build.cs_filters = cs.filters;
    build.cs_ident = cs.ident;
    build.cs_total = cs.total;
    if (opt.xapian) {
      build.x_index = DirBytes(xapian_dir, "docdata.glass");
      build.x_total = DirBytes(xapian_dir);
      const fs::path compact = fs::path(opt.dir) / "xapian-compact";
      std::error_code ec;
      fs::remove_all(compact, ec);
      Xapian::Database(xapian_dir.string()).compact(compact.string());
      build.x_compact_index = DirBytes(compact, "docdata.glass");
      build.x_compact_total = DirBytes(compact);
      fs::remove_all(compact, ec);
    }
    CHARTSCAN_RETURN_IF_ERROR(OpenStore());
    return WriteManifest();
  }

  Status WriteManifest() {
    nlohmann::json j = ToJson(build);
    j["seed"] = opt.seed;
    j["xapian"] = opt.xapian;
    std::ofstream out(manifest_path);
    out << j.dump(1) << "\n";
    if (!out) return Status::IoError("could not write " + manifest_path.string());
    return Status::Ok();
  }

  Status ReadQueries() {
    std::ifstream in(queries_path);
    if (!in) return Status::NotFound("no query file " + queries_path.string());
    std::string line;
    queries.clear();
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      BenchQuery b;
      CHARTSCAN_ASSIGN_OR_RETURN(b.q, ar::ParseQueryJsonLine(line, &b.expected));
      if (opt.skip.count(std::string(ar::QueryCategoryName(b.q.category)))) continue;
      std::sort(b.expected.begin(), b.expected.end());
      b.text = ar::RenderQuery(b.q.root, build.batch_ids);
      queries.push_back(std::move(b));
    }
    return Status::Ok();
  }
};

// Recall per category: mean over queries of found/expected (narrow queries, every hit fetched);
// for broad ones the mean of found-count/expected-count.
struct Recall {
  std::vector<std::pair<double, std::size_t>> misses;  // (recall, query index) below 1
  double sum = 0;
  int n = 0;
  double count_sum = 0;
  int broad = 0;
  int capped = 0;  // broad queries whose count chartscan capped (not in count_sum)
  int errors = 0;
};

double Fraction(const std::vector<std::int64_t>& expected, std::vector<std::int64_t> got) {
  std::sort(got.begin(), got.end());
  std::vector<std::int64_t> both;
  std::set_intersection(expected.begin(), expected.end(), got.begin(), got.end(),
                        std::back_inserter(both));
  return expected.empty() ? 1.0
                          : static_cast<double>(both.size()) / static_cast<double>(expected.size());
}

// A second synthetic archive, written by the concurrent phase's writer thread.
struct WriterSet {
  std::vector<ar::ArchiveDocument> docs;
  std::int64_t pages = 0;
};

WriterSet MakeWriterSet(std::int64_t pages, std::uint64_t seed) {
  ar::ArchiveOptions ao;
  ao.seed = seed ^ 0x5752495445ull;  // "WRITE"
  ao.pages = pages;
  ao.pages_per_batch = static_cast<int>(pages + 1);
  WriterSet w;
  Status s = ar::Archive(ao).ForEachDocument([&](const ar::ArchiveDocument& d) {
    w.docs.push_back(d);
    w.pages += static_cast<std::int64_t>(d.pages.size());
    return Status::Ok();
  });
  (void)s;
  return w;
}

// The indexing rate at the archive's size, which the build's average hides (a store of a million
// pages indexes more slowly than an empty one): the store is copied (the archive itself stays as
// built), --append-pages pages of another archive are written into the copy as the build writes
// its own, and the copy is removed.
Status AppendToCopy(const fs::path& store_dir, const fs::path& copy_dir, const Options& opt,
                    std::int64_t archive_pages) {
  std::error_code ec;
  fs::remove_all(copy_dir, ec);
  // The copy is as large as the archive: removed on every way out, not only on success.
  struct RemoveCopy {
    fs::path dir;
    ~RemoveCopy() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } remove_copy{copy_dir};
  if (!fs::create_directories(copy_dir, ec) && ec) {
    return Status::IoError("create " + copy_dir.string() + ": " + ec.message());
  }
  const auto c0 = Clock::now();
  for (const char* name : {"chartscan.db", "chartscan.db-wal", "access.db", "access.db-wal"}) {
    if (fs::exists(store_dir / name)) fs::copy_file(store_dir / name, copy_dir / name, ec);
    if (ec) return Status::IoError("copy " + std::string(name) + ": " + ec.message());
  }
  // Flushed before the clock: each commit's fsync would otherwise wait for the copy's writeback.
  ::sync();
  const double copy_seconds = Secs(c0);
  chartscan::indexer::StoreOptions so;
  so.dir = copy_dir.string();
  CHARTSCAN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(so));
  ar::ArchiveOptions ao;
  ao.seed = opt.seed ^ 0x415050454E44ull;  // "APPEND"
  ao.pages = opt.append_pages;
  const ar::Archive archive(ao);
  ar::WriteOptions wo;
  wo.pages_per_call = opt.pages_per_call;
  CHARTSCAN_ASSIGN_OR_RETURN(ar::WriteResult written, ar::WriteArchive(archive, *store, wo));
  store.reset();
  const ar::WriteTimes& t = written.times;
  std::printf(
      "\nIndexing at %lld pages (a copy of the store, %.0f s to copy): %lld more pages in %lld "
      "PutPages calls, %.1f s, %.0f pages/s; with every store call (sources, documents, "
      "assembly) %.1f s, %.0f pages/s.\n",
      static_cast<long long>(archive_pages), copy_seconds, static_cast<long long>(written.pages),
      static_cast<long long>(written.put_pages_calls), t.put_pages,
      static_cast<double>(written.pages) / t.put_pages, t.store(),
      static_cast<double>(written.pages) / t.store());
  return Status::Ok();
}

struct Concurrent {
  PerCategory lat;
  std::int64_t writer_pages = 0;
  double writer_seconds = 0;
  double wall = 0;
  int reopen_retries = 0;
  bool cut_short = false;  // clients stopped at --max-seconds before the whole query set
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"chartscan search against Xapian on a synthetic archive"};
  Options opt;
  app.add_option("--pages", opt.pages, "pages in the archive")->capture_default_str();
  app.add_option("--seed", opt.seed, "archive seed")->capture_default_str();
  app.add_option("--store", opt.dir, "folder for the store, the Xapian database and the queries")
      ->required();
  app.add_flag("--rebuild", opt.rebuild, "rebuild even when the folder holds this archive");
  app.add_option("--threads", opt.threads, "concurrent search clients")->capture_default_str();
  app.add_option("--limit", opt.limit, "hits per search")->capture_default_str();
  app.add_option("--recall-cap", opt.recall_cap,
                 "fetch every hit for recall when a query expects at most this many pages")
      ->capture_default_str();
  app.add_option("--pages-per-call", opt.pages_per_call,
                 "pages per PutPages call, and per Xapian commit")
      ->capture_default_str();
  app.add_option("--writer-pages", opt.writer_pages,
                 "pages the concurrent writer cycles through (0: 2% of the archive, 500-20,000)");
  std::string skip;
  app.add_option("--skip", skip,
                 "query categories to leave out, comma-separated (filter_batch...)");
  bool no_xapian = false;
  app.add_option("--max-seconds", opt.max_seconds,
                 "concurrent clients stop after this long (before the whole query set)")
      ->capture_default_str();
  app.add_flag("--no-xapian", no_xapian, "chartscan only");
  app.add_flag("--single-only", opt.single_only,
               "time the single-client pass only (no recall pass, no concurrent clients)");
  app.add_option("--times", opt.times_file, "write each query's single-client time (TSV) here");
  app.add_option("--append-pages", opt.append_pages,
                 "then write this many pages of another archive into a copy of the store, for "
                 "the indexing rate at the archive's size (the copy is removed)");
  CLI11_PARSE(app, argc, argv);
  opt.xapian = !no_xapian;
  if (opt.writer_pages <= 0) {
    opt.writer_pages = std::clamp<std::int64_t>(opt.pages / 50, 500, 20'000);
  }
  for (std::size_t at = 0; at < skip.size();) {
    std::size_t comma = skip.find(',', at);
    if (comma == std::string::npos) comma = skip.size();
    if (comma > at) opt.skip.insert(skip.substr(at, comma - at));
    at = comma + 1;
  }

  Bench b;
  b.opt = opt;
  if (Status s = b.Open(); !s.ok()) {
    std::fprintf(stderr, "chartscan-bench-search: %s\n", s.ToString().c_str());
    return 1;
  }
  Store& store = *b.store;
  const auto& queries = b.queries;
  const auto& batch_ids = b.build.batch_ids;
  std::unique_ptr<Xapian::Database> xdb;
  if (opt.xapian) xdb = std::make_unique<Xapian::Database>(b.xapian_dir.string());

  // ---- recall
  std::map<ar::QueryCategory, Recall> recall_cs, recall_x;
  std::map<std::string, int> cs_errors;
  for (const BenchQuery& q : queries) {
    if (opt.single_only) break;
    const std::int64_t n = static_cast<std::int64_t>(q.expected.size());
    const bool narrow = n <= opt.recall_cap;
    const int limit = static_cast<int>(narrow ? std::max<std::int64_t>(n * 2 + 50, 100) : 20);
    Hits h = StoreSearch(store, q.text, limit, narrow ? limit : 0);
    Recall& rc = recall_cs[q.q.category];
    if (!h.ok) {
      ++rc.errors;
      ++cs_errors[h.error];
    } else if (narrow) {
      const double f = Fraction(q.expected, h.ids);
      if (f < 1) rc.misses.emplace_back(f, static_cast<std::size_t>(&q - queries.data()));
      rc.sum += f;
      ++rc.n;
    } else if (h.capped) {
      ++rc.capped;
    } else {
      rc.count_sum += static_cast<double>(h.total) / static_cast<double>(n);
      ++rc.broad;
    }
    if (xdb) {
      Recall& rx = recall_x[q.q.category];
      Hits x = XapianSearch(*xdb, q.q.root, batch_ids, limit, false,
                            narrow ? 0 : static_cast<Xapian::doccount>(n));
      if (narrow) {
        const double f = Fraction(q.expected, x.ids);
        if (f < 1) rx.misses.emplace_back(f, static_cast<std::size_t>(&q - queries.data()));
        rx.sum += f;
        ++rx.n;
      } else {
        rx.count_sum += static_cast<double>(x.total) / static_cast<double>(n);
        ++rx.broad;
      }
    }
  }

  // ---- single client latency (a warm-up pass first)
  PerCategory single_cs, single_x;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const auto t0 = Clock::now();
      Hits h = StoreSearch(store, queries[i].text, opt.limit);
      const double ms = Ms(Clock::now() - t0);
      if (pass == 1) single_cs.Add(ms, queries[i].q.category, i);
    }
    if (xdb) {
      for (std::size_t i = 0; i < queries.size(); ++i) {
        const auto t0 = Clock::now();
        XapianSearch(*xdb, queries[i].q.root, batch_ids, opt.limit, true);
        const double ms = Ms(Clock::now() - t0);
        if (pass == 1) single_x.Add(ms, queries[i].q.category, i);
      }
    }
  }

  if (!opt.times_file.empty()) {
    std::FILE* f = std::fopen(opt.times_file.c_str(), "w");
    if (f == nullptr) std::fprintf(stderr, "--times: cannot write %s\n", opt.times_file.c_str());
    if (f != nullptr) {
      for (const auto& [ms, i] : single_cs.each) {
        std::fprintf(f, "%.3f\t%s\t%s\n", ms,
                     std::string(ar::QueryCategoryName(queries[i].q.category)).c_str(),
                     queries[i].text.c_str());
      }
      std::fclose(f);
    }
  }

  Concurrent conc_cs, conc_x;
  WriterSet wset = MakeWriterSet(opt.writer_pages, opt.seed);
  if (!opt.single_only) {
    // ---- concurrent clients with a writer
    // chartscan: the writer's sources are registered in a batch of this run before the clock.
    std::vector<chartscan::indexer::PageWrite> wpages;
    std::int64_t writer_batch = 0;
    std::unique_ptr<chartscan::indexer::BatchClaim> claim;
    {
      chartscan::indexer::BatchStart start;
      start.name = "bench-search writer run " + std::to_string(b.build.runs + 1);
      auto c = store.CreateBatch(start);
      if (!c.ok()) {
        std::fprintf(stderr, "writer batch: %s\n", c.status().ToString().c_str());
        return 1;
      }
      claim = std::move(c).value();
      writer_batch = claim->batch_id();
      for (const ar::ArchiveDocument& d : wset.docs) {
        const std::string text = d.text();
        auto src = store.RegisterSource(writer_batch, "writer/" + d.path, Store::Sha256Hex(text),
                                        "pdf", text.size(), static_cast<int>(d.pages.size()));
        if (!src.ok()) {
          std::fprintf(stderr, "writer source: %s\n", src.status().ToString().c_str());
          return 1;
        }
        for (const ar::ArchivePage& p : d.pages) {
          chartscan::indexer::PageWrite w = ar::ToPageWrite(d, p, src->source_id);
          w.batch_id = writer_batch;
          wpages.push_back(std::move(w));
        }
      }
    }
    auto run_clients = [&](const std::function<Hits(int thread, const BenchQuery&)>& search,
                           const std::function<std::int64_t(std::atomic<bool>&)>& writer,
                           Concurrent& out) {
      std::atomic<bool> stop{false};
      std::int64_t written = 0;
      Clock::time_point writer_start = Clock::now();
      std::thread w([&] { written = writer(stop); });
      std::vector<std::thread> clients;
      std::vector<PerCategory> per(static_cast<std::size_t>(opt.threads));
      const auto wall0 = Clock::now();
      std::atomic<bool> cut{false};
      for (int t = 0; t < opt.threads; ++t) {
        clients.emplace_back([&, t] {
          // Each client takes the queries in its own order, so a run cut short at --max-seconds
          // still samples every category.
          std::vector<std::size_t> order(queries.size());
          for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
          std::mt19937_64 shuffle(static_cast<std::uint64_t>(t) + 1);
          std::shuffle(order.begin(), order.end(), shuffle);
          PerCategory& mine = per[static_cast<std::size_t>(t)];
          for (const std::size_t i : order) {
            if (Secs(wall0) > opt.max_seconds) {
              cut = true;
              break;
            }
            const auto t0 = Clock::now();
            Hits h = search(t, queries[i]);
            mine.Add(Ms(Clock::now() - t0), queries[i].q.category, i);
            if (!h.ok) ++mine.errors;
          }
        });
      }
      for (auto& c : clients) c.join();
      out.wall = Secs(wall0);
      out.cut_short = cut;
      stop = true;
      w.join();
      out.writer_seconds = Secs(writer_start);
      out.writer_pages = written;
      for (const PerCategory& p : per) out.lat.Merge(p);
    };

    const std::size_t chunk = 500;
    run_clients([&](int, const BenchQuery& q) { return StoreSearch(store, q.text, opt.limit); },
                [&](std::atomic<bool>& stop) {
                  std::int64_t n = 0;
                  std::size_t at = 0;
                  while (!stop) {
                    // A chunk never holds the same page twice.
                    const std::size_t m = std::min(chunk, wpages.size());
                    std::vector<chartscan::indexer::PageWrite> part;
                    for (std::size_t k = 0; k < m; ++k) {
                      part.push_back(wpages[(at + k) % wpages.size()]);
                    }
                    at = (at + m) % wpages.size();
                    auto r = store.PutPages(part);
                    if (!r.ok()) {
                      std::fprintf(stderr, "writer: %s\n", r.status().ToString().c_str());
                      break;
                    }
                    n += static_cast<std::int64_t>(part.size());
                  }
                  return n;
                },
                conc_cs);
    (void)store.FinishBatch(writer_batch);
    claim.reset();

    if (xdb) {
      xdb.reset();
      std::vector<std::unique_ptr<Xapian::Database>> readers;
      for (int t = 0; t < opt.threads; ++t) {
        readers.push_back(std::make_unique<Xapian::Database>(b.xapian_dir.string()));
      }
      std::atomic<int> retries{0};
      run_clients(
          [&](int t, const BenchQuery& q) {
            Xapian::Database& db = *readers[static_cast<std::size_t>(t)];
            for (int attempt = 0;; ++attempt) {
              try {
                db.reopen();
                return XapianSearch(db, q.q.root, batch_ids, opt.limit, true);
              } catch (const Xapian::DatabaseModifiedError&) {
                ++retries;
              }
            }
          },
          [&](std::atomic<bool>& stop) {
            Xapian::WritableDatabase wdb(b.xapian_dir.string(), Xapian::DB_OPEN);
            Xapian::TermGenerator tg;
            std::int64_t n = 0;
            std::vector<std::pair<const ar::ArchiveDocument*, const ar::ArchivePage*>> all;
            for (const auto& d : wset.docs) {
              for (const auto& p : d.pages) all.emplace_back(&d, &p);
            }
            std::size_t at = 0;
            while (!stop) {
              const std::size_t m = std::min(chunk, all.size());
              for (std::size_t k = 0; k < m; ++k) {
                const std::size_t i = (at + k) % all.size();
                wdb.replace_document(static_cast<Xapian::docid>(2'000'000'000u + i),
                                     XapianPage(tg, *all[i].first, *all[i].second, writer_batch));
              }
              wdb.commit();
              at = (at + m) % all.size();
              n += static_cast<std::int64_t>(m);
            }
            wdb.close();
            return n;
          },
          conc_x);
      conc_x.reopen_retries = retries;
    }
    b.build.runs += 1;
    (void)b.WriteManifest();
  }

  // ---- sizes now (the writer's pages and rewrites included)
  b.store.reset();
  const DbSizes cs_size = MeasureDb(b.store_dir / "chartscan.db");
  const std::int64_t x_total = opt.xapian ? DirBytes(b.xapian_dir) : 0;
  const std::int64_t x_index = opt.xapian ? DirBytes(b.xapian_dir, "docdata.glass") : 0;

  // ---- report
  const Build& bd = b.build;
  const double cs_rate = static_cast<double>(bd.pages) / bd.times.put_pages;
  const double x_rate =
      bd.xapian_seconds > 0 ? static_cast<double>(bd.pages) / bd.xapian_seconds : 0;
  const double raw = static_cast<double>(bd.text_bytes);
  std::printf("\n## Search: chartscan against Xapian, %lld pages\n\n",
              static_cast<long long>(bd.pages));
  std::printf(
      "%lld pages (%lld patients, %lld documents, %s of page text: %.0f bytes a page), "
      "%zu queries; built %s%s; this run: %d clients, limit %d.\n\n",
      static_cast<long long>(bd.pages), static_cast<long long>(bd.patients),
      static_cast<long long>(bd.documents), Mb(bd.text_bytes).c_str(),
      raw / static_cast<double>(bd.pages), queries.size(), bd.built.c_str(),
      b.fresh ? "" : " (reused)", opt.threads, opt.limit);
  std::printf(
      "| | chartscan (SQLite FTS5) | Xapian 1.4 | chartscan / Xapian |\n|---|---:|---:|---:|\n");
  PrintRow("index build, pages/s", F(cs_rate, 0), F(x_rate, 0), Ratio(cs_rate, x_rate));
  const double cs_all = static_cast<double>(bd.pages) / bd.times.store();
  PrintRow("  with every store call (sources, documents, assembly)", F(cs_all, 0), F(x_rate, 0),
           Ratio(cs_all, x_rate));
  const double cs_fts = static_cast<double>(bd.cs_fts);
  const double x_idx = static_cast<double>(bd.x_index);
  const double x_cidx = static_cast<double>(bd.x_compact_index);
  PrintRow("search index size (as built)", Mb(bd.cs_fts),
           Mb(bd.x_index) + "; compacted " + Mb(bd.x_compact_index),
           Ratio(cs_fts, x_idx) + "; " + Ratio(cs_fts, x_cidx));
  PrintRow("search index / raw text", F(cs_fts / raw, 2),
           F(x_idx / raw, 2) + "; compacted " + F(x_cidx / raw, 2), "");
  PrintRow("total on disk (as built)", Mb(bd.cs_total),
           Mb(bd.x_total) + " (with text); compacted " + Mb(bd.x_compact_total),
           Ratio(static_cast<double>(bd.cs_total), static_cast<double>(bd.x_total)));
  PrintRow("1 client p50 / p95 / p99 ms",
           F(single_cs.all.At(0.5), 2) + " / " + F(single_cs.all.At(0.95), 2) + " / " +
               F(single_cs.all.At(0.99), 2),
           F(single_x.all.At(0.5), 2) + " / " + F(single_x.all.At(0.95), 2) + " / " +
               F(single_x.all.At(0.99), 2),
           Ratio(single_cs.all.At(0.5), single_x.all.At(0.5)) + " / " +
               Ratio(single_cs.all.At(0.95), single_x.all.At(0.95)) + " / " +
               Ratio(single_cs.all.At(0.99), single_x.all.At(0.99)));
  auto clients_row = [&](const Concurrent& c) {
    return F(c.lat.all.At(0.5), 2) + " / " + F(c.lat.all.At(0.95), 2) + " / " +
           F(c.lat.all.At(0.99), 2) + " / " + F(c.lat.all.Max(), 1);
  };
  PrintRow((std::to_string(opt.threads) + " clients + writer p50 / p95 / p99 / max ms").c_str(),
           clients_row(conc_cs), clients_row(conc_x),
           Ratio(conc_cs.lat.all.At(0.5), conc_x.lat.all.At(0.5)) + " / " +
               Ratio(conc_cs.lat.all.At(0.95), conc_x.lat.all.At(0.95)) + " / " +
               Ratio(conc_cs.lat.all.At(0.99), conc_x.lat.all.At(0.99)) + " / " +
               Ratio(conc_cs.lat.all.Max(), conc_x.lat.all.Max()));
  auto qps = [&](const Concurrent& c) {
    return c.wall > 0 ? static_cast<double>(c.lat.all.ms.size()) / c.wall : 0;
  };
  PrintRow("  searches/s (all clients)", F(qps(conc_cs), 0), F(qps(conc_x), 0),
           Ratio(qps(conc_cs), qps(conc_x)));
  auto wrate = [](const Concurrent& c) {
    return c.writer_seconds > 0 ? static_cast<double>(c.writer_pages) / c.writer_seconds : 0;
  };
  PrintRow("  writer pages/s meanwhile", F(wrate(conc_cs), 0), F(wrate(conc_x), 0),
           Ratio(wrate(conc_cs), wrate(conc_x)));

  std::printf(
      "\nPer category (1 client; recall: mean over queries of expected pages found, every "
      "hit fetched, for queries expecting at most %lld pages; broad queries: mean of found / "
      "expected count, leaving out counts chartscan capped at SearchOptions::max_ranked; "
      "Xapian counts with check_at_least = the expected count):\n\n",
      static_cast<long long>(opt.recall_cap));
  std::printf(
      "| category | queries | chartscan p50 / p95 ms | Xapian p50 / p95 ms | p50 ratio | "
      "chartscan recall | Xapian recall |\n|---|---:|---:|---:|---:|---:|---:|\n");
  for (int c = 0; c < ar::kQueryCategoryCount; ++c) {
    const auto cat = static_cast<ar::QueryCategory>(c);
    const Latency& a = single_cs.by[cat];
    const Latency& x = single_x.by[cat];
    auto rec = [](const Recall& r) {
      std::string s;
      if (r.n > 0) s += F(r.sum / r.n, 3) + " (" + std::to_string(r.n) + ")";
      if (r.broad > 0) {
        s += std::string(s.empty() ? "" : "; ") + "count " + F(r.count_sum / r.broad, 2) + " (" +
             std::to_string(r.broad) + " broad)";
      }
      if (r.capped > 0) {
        s += (s.empty() ? "" : "; ") + std::to_string(r.capped) + " broad counts capped";
      }
      if (r.errors > 0) s += (s.empty() ? "" : "; ") + std::to_string(r.errors) + " errors";
      return s;
    };
    std::printf("| %s | %zu | %.2f / %.2f | %.2f / %.2f | %s | %s | %s |\n",
                std::string(ar::QueryCategoryName(cat)).c_str(), a.ms.size(), a.At(0.5), a.At(0.95),
                x.At(0.5), x.At(0.95), Ratio(a.At(0.5), x.At(0.5)).c_str(),
                rec(recall_cs[cat]).c_str(), rec(recall_x[cat]).c_str());
  }

  const ar::WriteTimes& t = bd.times;
  std::printf(
      "\nBuilding (%s run): %.1f s in all. Store calls: PutPages %.1f s (%lld calls of "
      "~%d pages, %.0f pages/s), RegisterSource %.1f s and CreateDocument %.1f s (%lld "
      "documents: %.2f + %.2f ms each), Assemble %.1f s, CompleteSource %.1f s (%.2f ms "
      "each), Create/FinishBatch %.1f s. Generating text %.1f s (%.0f pages/s), ground "
      "truth %.1f s, Xapian %.1f s (%lld commits).\n",
      b.fresh ? "this" : "an earlier", t.total, t.put_pages,
      static_cast<long long>(bd.put_pages_calls), opt.pages_per_call, cs_rate, t.register_source,
      t.create_document, static_cast<long long>(bd.documents),
      1000 * t.register_source / static_cast<double>(bd.documents),
      1000 * t.create_document / static_cast<double>(bd.documents), t.assemble, t.complete_source,
      1000 * t.complete_source / static_cast<double>(bd.documents), t.create_batch, t.generate,
      static_cast<double>(bd.pages) / t.generate, bd.truth_seconds, bd.xapian_seconds,
      static_cast<long long>(bd.xapian_commits));
  std::printf(
      "Concurrent phase: chartscan %.1f s wall, %zu searches%s, writer %lld pages (%d "
      "errors in searches); Xapian %.1f s wall, %zu searches%s, writer %lld pages, %d "
      "reader retries after DatabaseModifiedError (readers reopen before each search). "
      "The writer cycles through %lld pages of a second archive in PutPages calls / "
      "commits of 500 (first pass new pages, later passes and runs rewrite them as a "
      "re-ingest would).\n",
      conc_cs.wall, conc_cs.lat.all.ms.size(),
      conc_cs.cut_short ? " (stopped at --max-seconds)" : "",
      static_cast<long long>(conc_cs.writer_pages), conc_cs.lat.errors, conc_x.wall,
      conc_x.lat.all.ms.size(), conc_x.cut_short ? " (stopped at --max-seconds)" : "",
      static_cast<long long>(conc_x.writer_pages), conc_x.reopen_retries,
      static_cast<long long>(wset.pages));
  std::printf(
      "chartscan sizes (dbstat%s): as built, search index %s = FTS5 shadow tables and "
      "search_meta, filter B-tree indexes %s more, pages.ident %s (identity words, inside "
      "pages). Now, after the writers: search index %s, database %s; Xapian index %s, "
      "total %s. Largest objects now:",
      cs_size.note.empty() ? "" : (", " + cs_size.note).c_str(), Mb(bd.cs_fts).c_str(),
      Mb(bd.cs_filters).c_str(), Mb(bd.cs_ident).c_str(), Mb(cs_size.fts).c_str(),
      Mb(cs_size.total).c_str(), Mb(x_index).c_str(), Mb(x_total).c_str());
  for (std::size_t i = 0; i < cs_size.objects.size() && i < 10; ++i) {
    std::printf(" %s %s;", cs_size.objects[i].first.c_str(), Mb(cs_size.objects[i].second).c_str());
  }
  std::printf("\n");
  std::printf(
      "\nPer category, %d clients with the writer (p50 / p95 / max ms):\n\n| category | "
      "chartscan | Xapian |\n|---|---:|---:|\n",
      opt.threads);
  for (int c = 0; c < ar::kQueryCategoryCount; ++c) {
    const auto cat = static_cast<ar::QueryCategory>(c);
    const Latency& a = conc_cs.lat.by[cat];
    const Latency& x = conc_x.lat.by[cat];
    std::printf("| %s | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f |\n",
                std::string(ar::QueryCategoryName(cat)).c_str(), a.At(0.5), a.At(0.95), a.Max(),
                x.At(0.5), x.At(0.95), x.Max());
  }
  auto slowest = [&](const char* what, const PerCategory& p) {
    std::printf("%s slowest:", what);
    for (const auto& [ms, i] : p.Slowest(5)) {
      std::printf(" %.0f ms %s;", ms, queries[i].text.c_str());
    }
    std::printf("\n");
  };
  std::printf("\n");
  slowest("chartscan 1 client", single_cs);
  slowest("chartscan with writer", conc_cs.lat);
  if (opt.xapian) {
    slowest("Xapian 1 client", single_x);
    slowest("Xapian with writer", conc_x.lat);
    std::printf("Xapian files:");
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(b.xapian_dir, ec)) {
      if (e.is_regular_file() && e.file_size() > 100'000) {
        std::printf(" %s %s;", e.path().filename().c_str(),
                    Mb(static_cast<std::int64_t>(e.file_size())).c_str());
      }
    }
    std::printf("\n");
  }
  auto misses = [&](const char* what, std::map<ar::QueryCategory, Recall>& rec) {
    for (auto& [cat, r] : rec) {
      if (r.misses.empty()) continue;
      std::sort(r.misses.begin(), r.misses.end());
      std::printf("%s misses in %s (%zu queries below 1):", what,
                  std::string(ar::QueryCategoryName(cat)).c_str(), r.misses.size());
      for (std::size_t k = 0; k < r.misses.size() && k < 4; ++k) {
        const BenchQuery& q = queries[r.misses[k].second];
        std::printf(" %s (%.2f of %zu);", q.text.c_str(), r.misses[k].first, q.expected.size());
      }
      std::printf("\n");
    }
  };
  misses("chartscan", recall_cs);
  misses("Xapian", recall_x);
  if (!cs_errors.empty()) {
    std::printf("chartscan rejected queries:\n");
    for (const auto& [msg, n] : cs_errors) std::printf("  %d x %s\n", n, msg.c_str());
  }
  if (opt.append_pages > 0) {
    b.store.reset();
    if (Status s = AppendToCopy(b.store_dir, fs::path(opt.dir) / "append-copy", opt, bd.pages);
        !s.ok()) {
      std::fprintf(stderr, "append: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
