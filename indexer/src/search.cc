// How a query is answered.
//
// The parsed query is compiled twice: exactly as typed, and widened (each word or filter value
// that OCR may have misread replaced by the alternatives fuzzy.h proposes; terms on the right of
// a NOT are never widened, so the widened query finds a superset). Exact hits come first, ranked;
// then the pages only the widened query finds, ranked among themselves and marked approximate.
//
// Each compilation splits the top-level conjunction into the parts the full-text index answers
// on its own (words, phrases, prefixes and their boolean combinations: one FTS5 MATCH
// expression, which also ranks) and filters (SQL over documents, charts and fields). Filters
// inside OR or NOT, and text mixed with them there, become SQL predicates too, with text as
// `p.id IN (SELECT rowid FROM page_fts WHERE page_fts MATCH ?)`.
//
// The join order matters at archive scale. A common word matches a large share of a million
// pages while an MRN, a name or a date of birth picks a few dozen: when the filters pick few
// pages (counted, up to a limit, before the search), pages are driven from the filter (CROSS JOIN
// forces SQLite to loop over the filtered pages and probe the index by rowid); otherwise the
// MATCH drives and filters are checked on its rows. Ranking is FTS5's BM25 with the ident column
// (identity and title words, see PageIdent) weighing four times the text (configured as the
// table's rank in schema v5), computed by chartscan_rank (see Ranking below), which gives the same
// scores but counts each phrase's pages once per statement, not once per probe of the index.
// Filter-only queries have no relevance to rank by and list the newest documents first. A filter
// that picks a large share of the archive (a document type, a year, a common lab code) is not
// listed at all but checked on each page visited (see "Filters checked page by page" below).
//
// Work is bounded for broad queries (SearchOptions::max_ranked, N): pages are counted up to N,
// and when more match, BM25 ranks the N most recently stored matches (FTS5 walks its lists in
// rowid order and stops) instead of every match in the archive. The result says so, and a filter
// or another word brings the query back under N, where ranking is over every match. A ranked
// query reads its matches once (newest first, at most N + 1, each with its rank) and counts,
// sorts and slices them in memory, rather than counting in one pass and ranking in another.
//
// Prefix terms ("hemo*") are spelled out before compiling as the OR of the index terms with that
// prefix, read from FTS5's term dictionary (fts5vocab). FTS5's own prefix query merges the
// postings of every such term into one list before returning its first row, and does it again
// for every statement that names the prefix: the count, the ranking, BM25's page counts and each
// hit's snippet. An OR of terms is walked lazily like any other word and stops with the walk. It
// finds the same pages, up to kMaxPrefixTerms terms; a broader prefix keeps its most frequent
// terms and the result says so in SearchResults::approximations.
#include "search.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <chartscan/models/document.h>

#include "sqlite_util.h"

namespace chartscan::indexer {
namespace {

constexpr std::size_t kMaxAlternatives = 24;

// Where a condition names the page's id: Body replaces it with the id of the table that drives.
constexpr char kPid[] = "{PID}";
// Where a condition names the page's document (p.document_id).
constexpr char kDoc[] = "{DOC}";

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool HasDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool AllLetters(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'';
  });
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// A compiled piece of SQL with its parameters, all bound as text.
struct Sql {
  std::string text;
  std::vector<std::string> binds;

  void Append(const Sql& other) {
    text += other.text;
    binds.insert(binds.end(), other.binds.begin(), other.binds.end());
  }
};

Sql InList(const std::vector<std::string>& values) {
  Sql s;
  s.text = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    s.text += i == 0 ? "?" : ", ?";
    s.binds.push_back(values[i]);
  }
  s.text += ")";
  return s;
}

// A prefix term spelled out as the index terms it stands for (see ExpandPrefixes).
struct PrefixTerms {
  std::vector<std::string> terms;  // most frequent first; empty: no page has such a word
  std::int64_t found = 0;          // terms in the index with the prefix (more when capped)
  bool capped() const { return found > static_cast<std::int64_t>(terms.size()); }
};
using PrefixMap = std::map<std::string, PrefixTerms>;  // by the prefix as typed (QueryNode::text)

// ---- Ranking
//
// FTS5's bm25(), computed exactly as SQLite computes it (fts5_aux.c: k1 = 1.2, b = 0.75, each
// phrase's IDF from the pages it is on, column weights as arguments), but with the per-phrase
// part kept for the whole statement. bm25() keeps it on the FTS5 cursor, and a cursor is reset
// whenever a join probes the index again: driven from a filter (an MRN's pages, a month's), each
// probe would count again every page of every phrase, a walk of a common word's whole list per
// page (0.7 s for a month of pages and one common word in 200,000 pages). RankMatches sets the
// cache for the statement it runs; elsewhere the function computes as bm25() does.
constexpr char kRankFunction[] = "chartscan_rank";

struct RankCache {
  bool ready = false;
  double avgdl = 0;
  std::int64_t rows = 0;
  std::vector<double> idf;
};
thread_local RankCache* current_rank_cache = nullptr;

class UseRankCache {
 public:
  explicit UseRankCache(RankCache* cache) : previous_(current_rank_cache) {
    current_rank_cache = cache;
  }
  ~UseRankCache() { current_rank_cache = previous_; }
  UseRankCache(const UseRankCache&) = delete;
  UseRankCache& operator=(const UseRankCache&) = delete;

 private:
  RankCache* previous_;
};

int CountRows(const Fts5ExtensionApi*, Fts5Context*, void* user) {
  ++*static_cast<std::int64_t*>(user);
  return SQLITE_OK;
}

int FillRankCache(const Fts5ExtensionApi* api, Fts5Context* fts, RankCache* c) {
  sqlite3_int64 rows = 0, tokens = 0;
  int rc = api->xRowCount(fts, &rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
  if (rc != SQLITE_OK) return rc;
  c->rows = rows;
  c->avgdl = static_cast<double>(tokens) / static_cast<double>(rows);
  const int phrases = api->xPhraseCount(fts);
  c->idf.assign(static_cast<std::size_t>(phrases), 0);
  for (int i = 0; i < phrases; ++i) {
    std::int64_t hits = 0;
    rc = api->xQueryPhrase(fts, i, &hits, CountRows);
    if (rc != SQLITE_OK) return rc;
    double idf =
        std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
    if (idf <= 0.0) idf = 1e-6;
    c->idf[static_cast<std::size_t>(i)] = idf;
  }
  c->ready = true;
  return SQLITE_OK;
}

void RankFunction(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nval,
                  sqlite3_value** vals) {
  constexpr double k1 = 1.2;
  constexpr double b = 0.75;
  RankCache local;
  RankCache* c = current_rank_cache != nullptr ? current_rank_cache : &local;
  int rc = c->ready ? SQLITE_OK : FillRankCache(api, fts, c);
  std::vector<double> freq(c->idf.size(), 0.0);
  int inst = 0;
  if (rc == SQLITE_OK) rc = api->xInstCount(fts, &inst);
  for (int i = 0; rc == SQLITE_OK && i < inst; ++i) {
    int phrase = 0, column = 0, offset = 0;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK) {
      freq[static_cast<std::size_t>(phrase)] +=
          nval > column ? sqlite3_value_double(vals[column]) : 1.0;
    }
  }
  int size = 0;
  if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &size);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  const double d = static_cast<double>(size);
  double score = 0.0;
  for (std::size_t i = 0; i < freq.size(); ++i) {
    score += c->idf[i] * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1 - b + b * d / c->avgdl)));
  }
  sqlite3_result_double(ctx, -1.0 * score);
}

class Compiler {
 public:
  // is_common(word): the word is on many pages of the index. prefixes: the expansions of the
  // query's prefix terms; a prefix not in it stays an FTS5 prefix query.
  Compiler(const Vocabulary& vocab, bool widen, std::vector<std::string>* notes,
           std::function<bool(const std::string&)> is_common = {},
           const PrefixMap* prefixes = nullptr)
      : vocab_(vocab),
        widen_(widen),
        notes_(notes),
        is_common_(std::move(is_common)),
        prefixes_(prefixes) {
    if (!is_common_) is_common_ = [](const std::string&) { return false; };
  }

  // The alternatives a word may have been misread as (lower-case, for the index), or none.
  std::vector<std::string> WordAlternatives(const QueryNode& term) {
    std::vector<std::string> alts;
    if (!widen_ || term.phrase || term.prefix) return alts;
    const std::string& w = term.text;
    if (HasDigit(w) && w.size() >= 4) {
      alts = vocab_.SimilarIdentifiers(w, kMaxAlternatives / 2);
      // Known identifiers are worth naming to the user; the blind glyph swaps are not.
      std::vector<std::string> named = alts;
      bool swapped = false;
      for (std::string& v : ConfusionVariants(w, kMaxAlternatives)) {
        if (alts.size() >= kMaxAlternatives) break;
        if (std::find(alts.begin(), alts.end(), v) == alts.end()) {
          alts.push_back(std::move(v));
          swapped = true;
        }
      }
      if (swapped) named.push_back("(and " + w + " with 0/O, 1/I/l, 5/S or 8/B misread)");
      Note(w, named);
    } else if (AllLetters(w) && (vocab_.IsName(w) || !is_common_(w))) {
      // A word that is nobody's name but common in the text ("right") is a word, not a misread
      // name: widening it would bring every Wright. A rare one ("jonson") may be a misspelling.
      alts = vocab_.SimilarNames(w);
      Note(w, alts);
    }
    return alts;
  }

  // A text-only subtree as an FTS5 expression. `exact` keeps it unwidened (right of a NOT).
  std::string Fts(const QueryNode& n, bool exact) {
    switch (n.kind) {
      case QueryNode::Kind::kTerm: {
        std::string q = Quote(n.text);
        if (n.prefix) q += '*';
        if (n.prefix && prefixes_ != nullptr) {
          auto it = prefixes_->find(n.text);
          if (it != prefixes_->end() && !it->second.terms.empty()) {
            // The same pages as the prefix (when not capped): each term is an ordinary lazy
            // iterator, where FTS5 would merge every matching term's postings up front, once
            // for each statement and each hit's snippet.
            std::string out = "(";
            for (std::size_t i = 0; i < it->second.terms.size(); ++i) {
              if (i > 0) out += " OR ";
              out += Quote(it->second.terms[i]);
            }
            return out + ")";
          }
        }
        if (exact) return q;
        std::vector<std::string> alts = WordAlternatives(n);
        if (alts.empty()) return q;
        std::string out = "(" + q;
        for (const std::string& a : alts) out += " OR " + Quote(a);
        return out + ")";
      }
      case QueryNode::Kind::kNot:
        return "(" + Fts(n.children[0], exact) + " NOT " + Fts(n.children[1], true) + ")";
      case QueryNode::Kind::kAnd:
      case QueryNode::Kind::kOr: {
        const char* op = n.kind == QueryNode::Kind::kAnd ? " AND " : " OR ";
        std::string out = "(";
        for (std::size_t i = 0; i < n.children.size(); ++i) {
          if (i > 0) out += op;
          out += Fts(n.children[i], exact);
        }
        return out + ")";
      }
      case QueryNode::Kind::kFilter:
        break;
    }
    return "";
  }

  // Any subtree as a predicate on pages p.
  Sql Predicate(const QueryNode& n, bool exact) {
    Sql s;
    if (IsTextOnly(n)) {
      emitted_text_ = true;
      s.text = std::string(kPid) + " IN (SELECT rowid FROM page_fts WHERE page_fts MATCH ?)";
      s.binds.push_back(Fts(n, exact));
      return s;
    }
    switch (n.kind) {
      case QueryNode::Kind::kFilter:
        return Filter(n, exact);
      case QueryNode::Kind::kNot: {
        s.text = "(";
        s.Append(Predicate(n.children[0], exact));
        s.text += " AND NOT ";
        s.Append(Predicate(n.children[1], true));
        s.text += ")";
        return s;
      }
      default: {
        const char* op = n.kind == QueryNode::Kind::kAnd ? " AND " : " OR ";
        s.text = "(";
        for (std::size_t i = 0; i < n.children.size(); ++i) {
          if (i > 0) s.text += op;
          s.Append(Predicate(n.children[i], exact));
        }
        s.text += ")";
        return s;
      }
    }
  }

  // A filter on documents (type:, date:, name:) as p.document_id IN (its documents); empty text
  // for any other (see Plan::Where).
  Sql DocumentsSet(const QueryNode& n, bool exact) {
    Sql s;
    if (n.kind != QueryNode::Kind::kFilter) return s;
    if (n.field == QueryField::kType || n.field == QueryField::kDate) {
      s.text = std::string(kDoc) + " IN (SELECT id FROM documents d WHERE ";
      s.Append(DocumentCondition(n));
      s.text += ")";
    } else if (n.field == QueryField::kName) {
      Sql set = Filter(n, exact);  // its MATCH expression is its only parameter
      s.text = std::string(kDoc) +
               " IN (SELECT d.id FROM documents d WHERE d.chart_id IN (SELECT rowid FROM "
               "chart_fts WHERE chart_fts MATCH ?))";
      s.binds = set.binds;
    }
    return s;
  }

  // Whether a top-level filter may be checked page by page (see Probe).
  static bool Probeable(const QueryNode& n) {
    return n.kind == QueryNode::Kind::kFilter &&
           (n.field == QueryField::kType || n.field == QueryField::kDate ||
            n.field == QueryField::kCode);
  }

  // A Probeable filter checked on one page p (p.id and p.document_id, from pages_by_id_document):
  // lookups by the page's document and id, where Filter lists every page the filter picks.
  Sql Probe(const QueryNode& n, bool exact) {
    Sql s;
    if (n.field == QueryField::kCode) {
      const CodeValues codes = Codes(n, widen_ && !exact);
      s.text = "(";
      s.Append(HasCode("document_fields INDEXED BY document_codes", "document_id = p.document_id",
                       codes));
      s.text += " OR ";
      s.Append(HasCode("fields INDEXED BY page_codes", "page_id = p.id", codes));
      s.text += ")";
      return s;
    }
    s.text = "EXISTS (SELECT 1 FROM documents d WHERE d.id = p.document_id AND ";
    s.Append(DocumentCondition(n));
    s.text += ")";
    return s;
  }

  // A Probeable filter as a condition on a document d: its type or date, or a code among its
  // fields. Every page of a document that meets it passes the filter.
  Sql OnDocument(const QueryNode& n, bool exact) {
    if (n.field != QueryField::kCode) return DocumentCondition(n);
    return HasCode("document_fields INDEXED BY document_codes", "document_id = d.id",
                   Codes(n, widen_ && !exact));
  }

  // The documents a Probeable filter picks (SELECT ... AS id): every page of them passes the
  // filter, so counting their pages bounds the filter's pages from below (see MorePagesThan).
  Sql DocumentsOf(const QueryNode& n, bool exact) {
    Sql s;
    if (n.field == QueryField::kCode) {
      const CodeValues codes = Codes(n, widen_ && !exact);
      s.text =
          "SELECT document_id AS id FROM document_fields WHERE " + kCodeFields + "normalized IN ";
      s.Append(InList(codes.values));
      if (!codes.pattern.empty()) {
        s.text += " UNION ALL SELECT document_id FROM document_fields WHERE " + kCodeFields +
                  "normalized GLOB ?";
        s.binds.push_back(codes.pattern);
      }
      // DISTINCT over the whole streams: a UNION would list every document before the first.
      s.text = "SELECT DISTINCT id FROM (" + s.text + ")";
    } else {
      s.text = "SELECT d.id AS id FROM documents d WHERE ";
      s.Append(DocumentCondition(n));
    }
    return s;
  }

  // Rows to count, as far as a limit, for how many documents a Probeable filter picks: read
  // from an index alone (document_fields rows for a code: a document with a code twice counts
  // twice, which an estimate can bear).
  Sql Estimate(const QueryNode& n, bool exact) {
    Sql s;
    if (n.field == QueryField::kCode) {
      const CodeValues codes = Codes(n, widen_ && !exact);
      s.text = "SELECT 1 FROM document_fields WHERE " + kCodeFields + "normalized IN ";
      s.Append(InList(codes.values));
      if (!codes.pattern.empty()) {
        s.text +=
            " UNION ALL SELECT 1 FROM document_fields WHERE " + kCodeFields + "normalized GLOB ?";
        s.binds.push_back(codes.pattern);
      }
      return s;
    }
    s.text = "SELECT 1 FROM documents d WHERE ";
    s.Append(DocumentCondition(n));
    return s;
  }

  // Whether a Predicate so far needed the full-text index (text inside OR or NOT with filters).
  bool emitted_text() const { return emitted_text_; }

  // The values an mrn: or code: filter is widened to (its own value excluded), or none. Callers
  // check that widening is wanted (not right of a NOT).
  std::vector<std::string> FilterAlternatives(const QueryNode& n) {
    std::vector<std::string> alts;
    if (!widen_ || n.prefix) return alts;
    if (n.field == QueryField::kMrn) {
      for (const std::string& v : vocab_.ConfusableIdentifiers(n.text, kMaxAlternatives)) {
        if (v != n.text) alts.push_back(v);
      }
      for (const std::string& v : vocab_.SimilarIdentifiers(n.text, kMaxAlternatives)) {
        std::string up = v;
        for (char& c : up) {
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        if (std::find(alts.begin(), alts.end(), up) == alts.end()) alts.push_back(up);
      }
      Note("mrn:" + n.text, alts);
    } else if (n.field == QueryField::kCode) {
      for (const std::string& v : vocab_.ConfusableCodes(n.text, kMaxAlternatives)) {
        if (v != n.text) alts.push_back(v);
      }
      Note("code:" + n.text, alts);
    }
    return alts;
  }

  // The names a word of a name: filter is widened to, or none.
  std::vector<std::string> NameAlternatives(const std::string& word) {
    std::vector<std::string> alts;
    if (!widen_ || !AllLetters(word)) return alts;
    alts = vocab_.SimilarNames(word);
    Note(word, alts);
    return alts;
  }

 private:
  inline static const std::string kCodeFields = "name IN ('icd10', 'cpt', 'hcpcs') AND ";

  // A type: or date: filter as a condition on documents d.
  static Sql DocumentCondition(const QueryNode& n) {
    Sql s;
    if (n.field == QueryField::kType) {
      s.text = "d.doc_type = ?";
      s.binds = {n.text};
      return s;
    }
    // '~' sorts after digits and '-', so "2019-12~" is above every day of December 2019.
    s.text = "d.date_of_service <> '' AND d.date_of_service >= ? AND d.date_of_service <= ?";
    s.binds = {n.date_from, n.date_to.empty() ? std::string("~") : n.date_to + "~"};
    return s;
  }

  // The values a code: filter accepts: the code and its alternatives when widened, and a GLOB
  // pattern for the codes under it (a category without a dot, or a prefix), or none.
  struct CodeValues {
    std::vector<std::string> values;
    std::string pattern;
  };
  CodeValues Codes(const QueryNode& n, bool widen) {
    CodeValues c;
    c.values.push_back(n.text);
    if (widen) {
      std::vector<std::string> alts = FilterAlternatives(n);
      c.values.insert(c.values.end(), alts.begin(), alts.end());
    }
    if (n.prefix) {
      c.pattern = n.text + "*";
    } else if (n.text.find('.') == std::string::npos) {
      c.pattern = n.text + ".*";
    }
    return c;
  }

  // Whether the fields of one document or page (`key`) hold one of the codes. `table` names its
  // code index (document_codes, page_codes: schema v7), whose condition the name IN (...) here
  // repeats word for word: read from it, a document's codes are one index entry each, where
  // its other indexes would read each of its dozen fields' rows.
  static Sql HasCode(const std::string& table, const std::string& key, const CodeValues& codes) {
    Sql s;
    s.text = "EXISTS (SELECT 1 FROM " + table + " WHERE " + key + " AND " + kCodeFields +
             "(normalized IN ";
    s.Append(InList(codes.values));
    if (!codes.pattern.empty()) {
      s.text += " OR normalized GLOB ?";
      s.binds.push_back(codes.pattern);
    }
    s.text += "))";
    return s;
  }

  void Note(const std::string& what, const std::vector<std::string>& alts) {
    if (notes_ == nullptr || alts.empty()) return;
    std::string line = what + " ~";
    std::size_t shown = 0;
    for (const std::string& a : alts) {
      if (++shown > 6) {
        line += " (+" + std::to_string(alts.size() - 6) + " more)";
        break;
      }
      line += " " + a;
    }
    if (std::find(notes_->begin(), notes_->end(), line) == notes_->end()) notes_->push_back(line);
  }

  Sql Filter(const QueryNode& n, bool exact) {
    const bool widen = widen_ && !exact;
    Sql s;
    switch (n.field) {
      case QueryField::kMrn: {
        std::vector<std::string> values{n.text};
        if (widen) {
          std::vector<std::string> alts = FilterAlternatives(n);
          values.insert(values.end(), alts.begin(), alts.end());
        }
        // One IN over page ids, each branch an index search: an OR of two IN terms would make
        // SQLite scan.
        if (n.prefix) {
          s.text =
              std::string(kPid) +
              " IN (SELECT p2.id FROM pages p2 WHERE p2.document_id IN (SELECT d.id FROM "
              "documents d JOIN charts c ON c.id = d.chart_id WHERE c.mrn GLOB ?) UNION SELECT "
              "page_id FROM fields WHERE name = 'mrn' AND normalized GLOB ?)";
          s.binds = {n.text + "*", n.text + "*"};
          return s;
        }
        Sql in = InList(values);
        s.text = std::string(kPid) +
                 " IN (SELECT p2.id FROM pages p2 WHERE p2.document_id IN (SELECT d.id FROM "
                 "documents d JOIN charts c ON c.id = d.chart_id WHERE c.mrn IN ";
        s.Append(in);
        s.text += ") UNION SELECT page_id FROM fields WHERE name = 'mrn' AND normalized IN ";
        s.Append(in);
        s.text += ")";
        return s;
      }
      case QueryField::kName: {
        std::vector<std::string> words = SplitWords(n.text);
        std::string match = "{name} : (";
        for (std::size_t i = 0; i < words.size(); ++i) {
          if (i > 0) match += " AND ";
          const bool last_prefix = n.prefix && i + 1 == words.size();
          std::string q = Quote(words[i]) + (last_prefix ? "*" : "");
          std::vector<std::string> alts;
          if (widen && !last_prefix) alts = NameAlternatives(words[i]);
          if (alts.empty()) {
            match += q;
          } else {
            match += "(" + q;
            for (const std::string& a : alts) match += " OR " + Quote(a);
            match += ")";
          }
        }
        match += ")";
        s.text = std::string(kPid) +
                 " IN (SELECT p2.id FROM pages p2 WHERE p2.document_id IN (SELECT d.id FROM "
                 "documents d WHERE d.chart_id IN (SELECT rowid FROM chart_fts WHERE chart_fts "
                 "MATCH ?)))";
        s.binds = {match};
        return s;
      }
      case QueryField::kDob:
        s.text =
            std::string(kPid) +
            " IN (SELECT p2.id FROM pages p2 WHERE p2.document_id IN (SELECT d.id FROM "
            "documents d JOIN charts c ON c.id = d.chart_id WHERE c.dob = ?) UNION SELECT page_id "
            "FROM fields WHERE name = 'dob' AND normalized = ?)";
        s.binds = {n.text, n.text};
        return s;
      case QueryField::kType:
      case QueryField::kDate:
        s.text = std::string(kPid) +
                 " IN (SELECT p2.id FROM pages p2 WHERE p2.document_id IN (SELECT id FROM "
                 "documents d WHERE ";
        s.Append(DocumentCondition(n));
        s.text += "))";
        return s;
      case QueryField::kBatch:
        // digits only, checked by the parser
        s.text = std::string(kPid) + " IN (SELECT id FROM pages WHERE batch_id = " + n.text + ")";
        return s;
      case QueryField::kCode: {
        const CodeValues codes = Codes(n, widen);
        // The code itself, or (a category without a dot, or a prefix) the codes under it; each
        // alternative its own index search (see kMrn).
        auto select = [&](const std::string& table, const std::string& column) {
          Sql c;
          c.text =
              "SELECT " + column + " FROM " + table + " WHERE " + kCodeFields + "normalized IN ";
          c.Append(InList(codes.values));
          if (!codes.pattern.empty()) {
            c.text += " UNION ALL SELECT " + column + " FROM " + table + " WHERE " + kCodeFields +
                      "normalized GLOB ?";
            c.binds.push_back(codes.pattern);
          }
          return c;
        };
        s.text = std::string(kPid) + " IN (SELECT p2.id FROM pages p2 WHERE p2.document_id IN (";
        s.Append(select("document_fields", "document_id"));
        s.text += ") UNION ";
        s.Append(select("fields", "page_id"));
        s.text += ")";
        return s;
      }
    }
    return s;
  }

  const Vocabulary& vocab_;
  bool widen_;
  std::vector<std::string>* notes_;
  std::function<bool(const std::string&)> is_common_;
  const PrefixMap* prefixes_;
  bool emitted_text_ = false;
};

// One top-level condition besides the words: a filter, or a subtree mixing filters and text.
struct Conjunct {
  Sql set;            // a condition on the page id kPid: pages SQLite can list or look up
  Sql documents_set;  // a type:, date: or name: filter as p.document_id IN (its documents)
  Sql probe;          // a Probeable filter checked on one page p; empty text: not Probeable
  Sql estimate;       // rows to count for how many documents it picks (Probeable only)
  Sql documents_of;   // its documents, SELECT ... AS id (Probeable only)
  Sql on_document;    // its condition on a document d (Probeable only)
  bool documents_indexed = false;  // type: or date:, whose documents an index lists
  std::int64_t documents = 0;      // that count, up to a limit (see ChooseForms)
  bool broad = false;              // counted to SearchOptions::broad_filter_documents or more
  bool use_probe = false;
};

// One compilation of the query: the MATCH expression (empty: none) and the other conditions.
struct Plan {
  std::string match;
  std::string batch;  // a top-level batch: filter (its pages are a narrow range of page ids)
  std::int64_t id_low = 0, id_high = 0;  // that range, when batch is set (see DecideDriver)
  std::vector<Conjunct> conjuncts;       // ANDed; none: no condition besides the words
  bool where_has_text = false;           // a conjunct holds full-text subqueries
  bool filter_driven = false;            // see DecideDriver
  bool walk = false;                     // see ChooseForms and WalkMatches

  bool probes() const {
    return std::any_of(conjuncts.begin(), conjuncts.end(),
                       [](const Conjunct& c) { return c.use_probe; });
  }
  bool all_probes() const {
    return !conjuncts.empty() && std::all_of(conjuncts.begin(), conjuncts.end(),
                                             [](const Conjunct& c) { return c.use_probe; });
  }
  // The conjuncts as one condition, each in the form chosen for it; empty text: none. When pages
  // p drive (`by_document`), a filter on documents lists its documents, and SQLite reaches their
  // pages by pages_by_document, stopping when it has enough; when the index drives, it lists
  // their pages, looked up by the index's rowid without reading pages.
  Sql Where(bool by_document) const {
    Sql s;
    for (const Conjunct& c : conjuncts) {
      if (!s.text.empty()) s.text += " AND ";
      if (c.use_probe) {
        s.Append(c.probe);
      } else if (by_document && !c.documents_set.text.empty()) {
        s.Append(c.documents_set);
      } else {
        s.Append(c.set);
      }
    }
    return s;
  }
  // The same conditions besides the words (whichever form each conjunct takes).
  bool SameConditions(const Plan& o) const {
    if (conjuncts.size() != o.conjuncts.size()) return false;
    for (std::size_t i = 0; i < conjuncts.size(); ++i) {
      if (conjuncts[i].set.text != o.conjuncts[i].set.text ||
          conjuncts[i].set.binds != o.conjuncts[i].set.binds) {
        return false;
      }
    }
    return true;
  }
  bool operator==(const Plan& o) const { return match == o.match && SameConditions(o); }
};

Plan Compile(const QueryNode& query, Compiler& compiler, bool exact) {
  std::vector<const QueryNode*> conjuncts;
  if (query.kind == QueryNode::Kind::kAnd) {
    for (const QueryNode& c : query.children) conjuncts.push_back(&c);
  } else {
    conjuncts.push_back(&query);
  }
  Plan plan;
  std::vector<std::string> text;
  for (const QueryNode* c : conjuncts) {
    if (IsTextOnly(*c)) {
      text.push_back(compiler.Fts(*c, exact));
      continue;
    }
    if (c->kind == QueryNode::Kind::kFilter && c->field == QueryField::kBatch) {
      plan.batch = c->text;
    }
    Conjunct part;
    part.set = compiler.Predicate(*c, exact);
    part.documents_set = compiler.DocumentsSet(*c, exact);
    if (Compiler::Probeable(*c)) {
      part.probe = compiler.Probe(*c, exact);
      part.estimate = compiler.Estimate(*c, exact);
      part.documents_of = compiler.DocumentsOf(*c, exact);
      part.on_document = compiler.OnDocument(*c, exact);
      part.documents_indexed = c->field != QueryField::kCode;
    }
    plan.conjuncts.push_back(std::move(part));
  }
  plan.where_has_text = compiler.emitted_text();
  for (std::size_t i = 0; i < text.size(); ++i) {
    plan.match += (i == 0 ? "" : " AND ") + text[i];
  }
  if (text.size() > 1) plan.match = "(" + plan.match + ")";
  return plan;
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (std::size_t at = s->find(from); at != std::string::npos; at = s->find(from, at)) {
    s->replace(at, from.size(), to);
    at += to.size();
  }
}

// Names the page's id (kPid) and document (kDoc) in conditions as the table that drives has them.
void NamePage(std::string* sql, std::string_view id, std::string_view document) {
  ReplaceAll(sql, kPid, id);
  ReplaceAll(sql, kDoc, document);
}

// The FROM/WHERE of a plan, optionally excluding the pages of another plan (the exact one).
// Three shapes: the index drives (walking a MATCH newest first) and sets are looked up by its
// rowid, with pages joined through pages_by_id_document only when a filter is checked page by
// page; a filter drives (pages listed, the index probed for each); or no words (pages only). The
// unary + on f.rowid keeps SQLite from handing a set to FTS5 as rowids to probe one by one.
// `newest_scan` (no words) puts it on every use of p's id and document as well, so that SQLite
// walks pages newest first and checks each condition, where it would list a set and sort it.
Sql Body(const Plan& plan, const Plan* exclude, bool newest_scan = false) {
  Sql s;
  std::string pid = newest_scan ? "+p.id" : "p.id";
  // DecideDriver drives from a filter only when there is one.
  const bool by_document = plan.match.empty() || plan.filter_driven;
  if (!plan.match.empty()) {
    if (plan.filter_driven) {
      s.text = " FROM pages p CROSS JOIN page_fts f ON f.rowid = p.id WHERE page_fts MATCH ?";
    } else if (plan.probes() || (exclude != nullptr && exclude->probes())) {
      s.text =
          " FROM page_fts f CROSS JOIN pages p INDEXED BY pages_by_id_document ON p.id = "
          "f.rowid WHERE page_fts MATCH ?";
      pid = "+f.rowid";
    } else {
      s.text = " FROM page_fts f WHERE page_fts MATCH ?";
      pid = "+f.rowid";
    }
    s.binds.push_back(plan.match);
  } else {
    s.text = " FROM pages p LEFT JOIN documents d ON d.id = p.document_id WHERE 1";
  }
  if (!plan.batch.empty()) {
    const std::string column = plan.match.empty() ? "p.id" : "f.rowid";
    s.text += " AND " + column + " >= " + std::to_string(plan.id_low) + " AND " + column +
              " <= " + std::to_string(plan.id_high);
  }
  if (!plan.conjuncts.empty()) {
    s.text += " AND ";
    s.Append(plan.Where(by_document));
  }
  if (exclude != nullptr) {
    s.text += " AND NOT (1";
    // Every row already matches the words when both plans have the same: only the conditions
    // tell them apart (an MRN widened, words as typed), and listing every page of a common
    // word to exclude them would cost more than the search.
    if (!exclude->match.empty() && exclude->match != plan.match) {
      s.text +=
          " AND " + std::string(kPid) + " IN (SELECT rowid FROM page_fts WHERE page_fts MATCH ?)";
      s.binds.push_back(exclude->match);
    }
    if (!exclude->conjuncts.empty()) {
      s.text += " AND ";
      s.Append(exclude->Where(by_document));
    }
    s.text += ")";
  }
  NamePage(&s.text, pid, newest_scan ? "+p.document_id" : "p.document_id");
  return s;
}

// The pages only the widened plan finds. When only the words were widened, FTS5 subtracts the
// exact expression itself (cheaper than a subquery); when only the conditions were, the words
// need no subtracting (see Body).
Sql ApproximateBody(const Plan& exact, const Plan& widened, bool newest_scan = false) {
  if (!exact.match.empty() && exact.SameConditions(widened)) {
    Plan p = widened;
    p.match = "(" + widened.match + " NOT " + exact.match + ")";
    return Body(p, nullptr, newest_scan);
  }
  return Body(widened, &exact, newest_scan);
}

// The first column of the first row of a query without parameters; 0 when it gives no row.
Result<std::int64_t> ReadInteger(sqlite3* db, const char* sql, std::string_view what) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db, sql, what));
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int64(0) : 0;
}

// Binds a body's parameters, all text, from ?1 on.
void BindAll(Stmt& st, const std::vector<std::string>& binds) {
  for (std::size_t i = 0; i < binds.size(); ++i) {
    st.Bind(static_cast<int>(i) + 1, std::string_view(binds[i]));
  }
}

// How many rows the body gives, counting no further than cap + 1.
Result<std::int64_t> Count(sqlite3* db, const Sql& body, std::int64_t cap) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db, ("SELECT count(*) FROM (SELECT 1" + body.text + " LIMIT ?)").c_str(), "search"));
  BindAll(st, body.binds);
  st.Bind(static_cast<int>(body.binds.size()) + 1, cap + 1);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int64(0) : 0;
}

// The prefix terms of a query (not phrases: FTS5 reads "a b"* as a phrase ending in a prefix).
void CollectPrefixes(const QueryNode& n, std::set<std::string>* out) {
  if (n.kind == QueryNode::Kind::kTerm) {
    if (n.prefix && !n.phrase) out->insert(n.text);
    return;
  }
  for (const QueryNode& c : n.children) CollectPrefixes(c, out);
}

// Spells each prefix term of the query out as the index terms starting with it, read from FTS5's
// own term dictionary (the fts5vocab table PrepareSearchConnection made). A prefix that folds to
// more than one token is left to FTS5. Reading the dictionary walks the terms' postings once
// (fts5vocab counts the pages of each), which is what one FTS5 prefix query costs; the prefix
// query itself would pay it again for the count, the ranked slice, BM25's page counts and each
// hit's snippet. More than kMaxPrefixTerms terms (a short prefix: "pat*") keeps the most
// frequent; the caller tells the user.
constexpr std::size_t kMaxPrefixTerms = 64;

Result<PrefixMap> ExpandPrefixes(sqlite3* db, const QueryNode& query) {
  PrefixMap out;
  std::set<std::string> prefixes;
  CollectPrefixes(query, &prefixes);
  if (prefixes.empty()) return out;
  CHARTSCAN_ASSIGN_OR_RETURN(TextTokenizer tokenizer, TextTokenizer::Create(db));
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(
      st.Prepare(db, "SELECT term, doc FROM temp.page_fts_terms WHERE term >= ?1 AND term < ?2",
                 "search prefix terms"));
  for (const std::string& typed : prefixes) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<TextToken> tokens,
                               tokenizer.Tokenize(typed, /*document=*/false));
    if (tokens.size() != 1) continue;
    const std::string& low = tokens[0].text;
    // Every term with the prefix sorts (bytewise, as FTS5 keeps them) from the prefix up to the
    // prefix with its last byte raised. A folded token never ends in byte 0xFF (not UTF-8).
    std::string high = low;
    high.back() = static_cast<char>(static_cast<unsigned char>(high.back()) + 1);
    st.Reset();
    st.Bind(1, std::string_view(low));
    st.Bind(2, std::string_view(high));
    std::vector<std::pair<std::int64_t, std::string>> found;
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      found.emplace_back(st.Int64(1), st.Text(0));
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    PrefixTerms& p = out[typed];
    p.found = static_cast<std::int64_t>(found.size());
    for (std::size_t i = 0; i < found.size() && i < kMaxPrefixTerms; ++i) {
      p.terms.push_back(std::move(found[i].second));
    }
  }
  return out;
}

// Whether a word is on many pages of the index (then it is a word, not a misread name).
std::function<bool(const std::string&)> CommonWordTest(sqlite3* db) {
  constexpr std::int64_t kCommonWordPages = 20;
  return [db](const std::string& word) {
    Sql body;
    body.text = " FROM page_fts WHERE page_fts MATCH ?";
    body.binds = {Quote(word)};
    Result<std::int64_t> n = Count(db, body, kCommonWordPages);
    return !n.ok() || *n >= kCommonWordPages;
  };
}

// ---- Filters checked page by page
//
// A type:, date: or code: filter may pick a large share of an archive: every progress note, a
// year of pages, every page with a common lab panel's code (15% of a synthetic million). As a set
// (Compiler::Filter) SQLite builds the whole of it before the first row: 0.1 to 0.5 s at a
// million pages, whatever the query needs. Checked page by page (Compiler::Probe, a lookup by
// the page's document), it costs in proportion to the pages visited: the matches of the words,
// newest first, until max_ranked of them pass; or, with no words, the newest pages until enough
// pass. ChooseForms counts each such filter's documents from an index alone, up to a limit (about
// 1 ms at a million pages): a filter on at least SearchOptions::broad_filter_documents documents
// is checked page by page. A query of filters only walks the newest pages (WalkMatches) when its
// filters together are expected to pass max_ranked + 1 pages within kWalkPages visited; otherwise
// its narrowest filter is listed as a set, which SQLite then drives from. Both ways give the same
// pages in the same order.
constexpr std::int64_t kWalkPages = 40'000;

// The filter that picks the fewest documents is listed as a set, which SQLite then drives from.
void ListNarrowest(Plan* plan) {
  if (plan->conjuncts.empty()) return;
  std::min_element(plan->conjuncts.begin(), plan->conjuncts.end(),
                   [](const Conjunct& a, const Conjunct& b) { return a.documents < b.documents; })
      ->use_probe = false;
}

Status ChooseForms(sqlite3* db, const SearchOptions& options, Plan* plan) {
  plan->walk = false;
  bool probeable = false;
  for (const Conjunct& c : plan->conjuncts) probeable = probeable || !c.probe.text.empty();
  if (!probeable) return Status::Ok();
  CHARTSCAN_ASSIGN_OR_RETURN(
      std::int64_t newest,
      ReadInteger(db, "SELECT coalesce(max(id), 0) FROM documents", "search documents"));
  const std::int64_t total = std::max<std::int64_t>(newest, 1);
  // Counted far enough to tell a broad filter, and to tell whether a walk is short enough: a
  // filter counted to the limit passes at least twice the share of pages a walk needs.
  const std::int64_t limit = std::max(options.broad_filter_documents,
                                      2 * (options.max_ranked + 1) * total / kWalkPages + 1);
  double density = 1.0;
  for (Conjunct& c : plan->conjuncts) {
    c.use_probe = false;
    if (c.probe.text.empty()) {
      density = 0;  // a set SQLite drives from
      continue;
    }
    Sql count;
    count.text = " FROM (" + c.estimate.text + ")";
    count.binds = c.estimate.binds;
    CHARTSCAN_ASSIGN_OR_RETURN(c.documents, Count(db, count, limit));
    c.broad = c.documents >= options.broad_filter_documents;
    c.use_probe = c.broad;
    density *= std::min(1.0, static_cast<double>(c.documents) / static_cast<double>(total));
  }
  if (!plan->match.empty() || !plan->all_probes()) return Status::Ok();
  if (density * static_cast<double>(kWalkPages) >= static_cast<double>(options.max_ranked + 1)) {
    plan->walk = true;
  } else {
    ListNarrowest(plan);  // too rare together to find by walking
  }
  return Status::Ok();
}

// How many pages the documents (SELECT ... AS id) have, counting no further than cap + 1. Each
// document's pages are counted by pages_by_document as the documents come, so that a broad
// filter stops after its first few thousand documents instead of listing them all first.
Result<std::int64_t> PagesOfDocuments(sqlite3* db, const Sql& documents, std::int64_t cap) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(
      st.Prepare(db,
                 ("SELECT (SELECT count(*) FROM pages pg WHERE pg.document_id = x.id) FROM (" +
                  documents.text + ") x")
                     .c_str(),
                 "search"));
  BindAll(st, documents.binds);
  std::int64_t pages = 0;
  while (pages <= cap) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    pages += st.Int64(0);
  }
  return std::min(pages, cap + 1);
}

// Whether a filter-only plan's filters are all broad, and one of them at least is listed by an
// index on documents (type:, date:), or it is one filter alone: then counting the documents that
// meet them all is cheap, driven by that index or by the filter's own list of documents.
bool KnownBroad(const Plan& plan) {
  if (!plan.match.empty() || plan.conjuncts.empty()) return false;
  bool indexed = plan.conjuncts.size() == 1;
  for (const Conjunct& c : plan.conjuncts) {
    if (!c.broad) return false;
    indexed = indexed || c.documents_indexed;
  }
  return indexed;
}

// After a walk that found too few pages (the filters pick fewer than the density promised, or
// they cluster among older pages): list the narrowest filter as a set instead.
void StopWalking(Plan* plan) {
  plan->walk = false;
  ListNarrowest(plan);
}

// A plan with both words and filters is driven from the filter when the filter picks few pages
// (an MRN, a name, a date of birth: a few dozen), probing the index for each; otherwise from the
// index, checking the filter on each match. A probe of the index costs about 40 us at a million
// pages, a step along a word's matches about 0.1 us: 500 probes cost what a walk of the longest
// lists does. Counting the filter's pages up to the limit costs at most that many steps; filters
// checked page by page (ChooseForms) are broad by their count, so the index drives without one.
constexpr std::int64_t kDriveByFilterMax = 500;

Status DecideDriver(sqlite3* db, Plan* plan) {
  plan->filter_driven = false;
  if (!plan->batch.empty()) {
    // A batch's pages were stored together: bounding the page ids lets FTS5 seek to them
    // instead of walking every match in the archive.
    Stmt range;
    CHARTSCAN_RETURN_IF_ERROR(range.Prepare(
        db, "SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM pages WHERE batch_id = ?1",
        "search batch range"));
    range.Bind(1, std::string_view(plan->batch));
    CHARTSCAN_ASSIGN_OR_RETURN(bool row, range.Step());
    if (row) {
      plan->id_low = range.Int64(0);
      plan->id_high = range.Int64(1);
    }
  }
  if (plan->match.empty() || plan->conjuncts.empty() || plan->where_has_text ||
      plan->all_probes()) {
    return Status::Ok();
  }
  Sql body;
  body.text = " FROM pages p WHERE ";
  body.Append(plan->Where(/*by_document=*/true));
  NamePage(&body.text, "p.id", "p.document_id");
  CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t n, Count(db, body, kDriveByFilterMax));
  plan->filter_driven = n <= kDriveByFilterMax;
  return Status::Ok();
}

struct Ranked {
  std::int64_t page_id;
  double score;
};

// A ranked body's pages, best first (BM25, then page id), into *out; returns how many match,
// counting no further than cap + 1. When more than cap match, the cap most recently stored are
// ranked (as Slice does). One pass: FTS5 walks the matches newest first and stops after cap + 1,
// computing each one's rank on the way, where counting and then ranking would walk them twice.
// A body driven from its filter (`filter_driven`: at most kDriveByFilterMax pages, each probed in
// the index) is read whole and ordered here instead: asked for rowids in descending order, FTS5
// would read each probed word's whole list backwards on every probe (0.3 s instead of 30 ms for
// a month's pages and one common word in 200,000 pages).
Result<std::int64_t> RankMatches(sqlite3* db, const Sql& body, std::int64_t cap, bool filter_driven,
                                 std::vector<Ranked>* out) {
  // The table's rank is 'bm25(1.0, 4.0)' (schema v5): the same weights, and the same scores.
  RankCache cache;
  UseRankCache use(&cache);
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      ("SELECT f.rowid, " + std::string(kRankFunction) + "(page_fts, 1.0, 4.0)" + body.text +
       (filter_driven ? std::string() : " ORDER BY f.rowid DESC LIMIT " + std::to_string(cap + 1)))
          .c_str(),
      "search"));
  BindAll(st, body.binds);
  std::vector<std::pair<double, std::int64_t>> rows;  // bm25 (lower is better), page id
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    rows.emplace_back(st.Double(1), st.Int64(0));
  }
  if (filter_driven) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second > b.second;  // newest first, as the walk would have given them
    });
    if (rows.size() > static_cast<std::size_t>(cap + 1)) {
      rows.resize(static_cast<std::size_t>(cap + 1));
    }
  }
  const auto count = static_cast<std::int64_t>(rows.size());
  if (count > cap) rows.resize(static_cast<std::size_t>(cap));
  std::sort(rows.begin(), rows.end());
  out->clear();
  for (const auto& [rank, id] : rows) out->push_back({id, -rank});
  return count;
}

// The id of the most recently stored page; 0 in an empty store.
Result<std::int64_t> NewestPageId(sqlite3* db) {
  return ReadInteger(db, "SELECT coalesce(max(id), 0) FROM pages", "search newest page");
}

// The newest `need` pages of a body known to match more than cap, newest first, into *out.
Status ReadNewest(sqlite3* db, const Sql& body, const Sql& newest_scan, std::int64_t cap,
                  std::int64_t need, std::vector<Ranked>* out) {
  out->clear();
  // More than cap match, so at least one page in (pages / (cap + 1)) does: walking pages
  // newest first finds `need` of them within need * pages / (cap + 1) pages, where listing the
  // filter's set and sorting it costs its whole size (every page of a year).
  CHARTSCAN_ASSIGN_OR_RETURN(const std::int64_t pages, NewestPageId(db));
  const Sql& read = std::min(cap, need) * pages / (cap + 1) <= kWalkPages ? newest_scan : body;
  Stmt newest;
  CHARTSCAN_RETURN_IF_ERROR(newest.Prepare(
      db, ("SELECT p.id" + read.text + " ORDER BY p.id DESC LIMIT ?").c_str(), "search"));
  BindAll(newest, read.binds);
  newest.Bind(static_cast<int>(read.binds.size()) + 1, std::min(cap, need));
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, newest.Step());
    if (!more) break;
    out->push_back({newest.Int64(0), 0});
  }
  return Status::Ok();
}

// A filter-only body's pages in listing order into *out: by date of service, newest first, then
// document, page within it and id (SQLite's order, NULLs of pages in no document included); when
// more than cap match, the most recently stored, newest first, as far as `need` (the end of the
// slice asked for, at most cap). Returns how many match, counting no further than cap + 1. When
// at most cap match, one pass reads them all and they are sorted here: a filter SQLite
// materializes (the pages of a code, of a month) is built once, where counting and then slicing
// would build it twice. The first pass asks for no order, which leaves SQLite its cheapest plan
// (a rare filter must not turn into a walk down every page id); only a capped query reads again,
// newest first.
Result<std::int64_t> ListMatches(sqlite3* db, const Sql& body, const Sql& newest_scan,
                                 std::int64_t cap, std::int64_t need, std::vector<Ranked>* out) {
  out->clear();
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      ("SELECT p.id, d.date_of_service, p.document_id, p.document_page" + body.text + " LIMIT ?")
          .c_str(),
      "search"));
  BindAll(st, body.binds);
  st.Bind(static_cast<int>(body.binds.size()) + 1, cap + 1);
  struct Row {
    std::int64_t id;
    std::optional<std::string> date;
    std::optional<std::int64_t> document, page;
  };
  std::vector<Row> rows;
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    Row r{st.Int64(0), std::nullopt, std::nullopt, std::nullopt};
    if (!st.IsNull(1)) r.date = st.Text(1);
    if (!st.IsNull(2)) r.document = st.Int64(2);
    if (!st.IsNull(3)) r.page = st.Int64(3);
    rows.push_back(std::move(r));
  }
  const auto count = static_cast<std::int64_t>(rows.size());
  if (count > cap) {
    CHARTSCAN_RETURN_IF_ERROR(ReadNewest(db, body, newest_scan, cap, need, out));
    return count;
  }
  // std::optional orders an empty value first, as SQLite orders NULL: ascending as is, and
  // descending (the date) by swapping the operands.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.date != b.date) return b.date < a.date;
    if (a.document != b.document) return a.document < b.document;
    if (a.page != b.page) return a.page < b.page;
    return a.id < b.id;
  });
  for (const Row& r : rows) out->push_back({r.id, 0});
  return count;
}

// A filter-only body whose filters are all checked page by page (Plan::walk): pages are walked
// newest first, at most kWalkPages * 2 of them, until cap + 1 pass. Returns how many passed when
// more than cap did, with the newest as far as `need` in *out, as ListMatches gives a capped
// query; std::nullopt when the walk found no more than cap (the caller lists instead).
Result<std::optional<std::int64_t>> WalkMatches(sqlite3* db, const Sql& body, std::int64_t cap,
                                                std::int64_t need, std::vector<Ranked>* out) {
  out->clear();
  CHARTSCAN_ASSIGN_OR_RETURN(const std::int64_t newest, NewestPageId(db));
  const std::int64_t floor = newest - 2 * kWalkPages;
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(
      st.Prepare(db,
                 ("SELECT p.id" + body.text + " AND p.id > " + std::to_string(floor) +
                  " ORDER BY p.id DESC LIMIT " + std::to_string(cap + 1))
                     .c_str(),
                 "search"));
  BindAll(st, body.binds);
  std::int64_t count = 0;
  for (;;) {
    CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
    if (!more) break;
    if (count < std::min(cap, need)) out->push_back({st.Int64(0), 0});
    ++count;
  }
  if (count <= cap) {
    out->clear();
    return std::optional<std::int64_t>();
  }
  return std::optional<std::int64_t>(count);
}

// The page's place, its document and chart, and a snippet around what matched (the opening of
// its text for a filter-only query).
Status Describe(sqlite3* db, const std::string& match, const SearchOptions& options,
                SearchHit* hit) {
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
      db,
      "SELECT s.path, p.source_page, coalesce(p.document_id, 0), p.document_page, "
      "coalesce(d.doc_type, ''), coalesce(d.date_of_service, ''), coalesce(c.id, 0), "
      "coalesce(c.mrn, ''), coalesce(c.patient_name, ''), substr(p.text, 1, 400), "
      "coalesce(d.page_count, 0) FROM pages p "
      "JOIN sources s ON s.id = p.source_id LEFT JOIN documents d ON d.id = p.document_id "
      "LEFT JOIN charts c ON c.id = d.chart_id WHERE p.id = ?1",
      "describe hit"));
  st.Bind(1, hit->page_id);
  CHARTSCAN_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("search hit vanished");
  hit->source_path = st.Text(0);
  hit->source_page = st.Int(1);
  hit->document_id = st.Int64(2);
  hit->document_page = st.Int(3);
  hit->doc_type = st.Text(4);
  hit->date_of_service = st.Text(5);
  hit->chart_id = st.Int64(6);
  hit->mrn = st.Text(7);
  hit->patient_name = st.Text(8);
  hit->document_pages = st.Int(10);
  if (match.empty()) {
    // The first snippet_tokens words of the page.
    const std::string text = st.Text(9);
    std::string out;
    int words = 0;
    bool in_word = false;
    for (char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (!space && !in_word && ++words > options.snippet_tokens) {
        out += "…";
        break;
      }
      in_word = !space;
      out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    hit->snippet = std::move(out);
    return Status::Ok();
  }
  Stmt snip;
  CHARTSCAN_RETURN_IF_ERROR(snip.Prepare(
      db,
      "SELECT snippet(page_fts, 0, ?2, ?3, '…', ?4) FROM page_fts WHERE page_fts MATCH ?1 AND "
      "rowid = ?5",
      "search snippet"));
  snip.Bind(1, std::string_view(match));
  snip.Bind(2, std::string_view(options.highlight_begin));
  snip.Bind(3, std::string_view(options.highlight_end));
  snip.Bind(4, options.snippet_tokens);
  snip.Bind(5, hit->page_id);
  CHARTSCAN_ASSIGN_OR_RETURN(bool found, snip.Step());
  if (found) hit->snippet = snip.Text(0);
  return Status::Ok();
}

// What marks a page's words for MatchWords: a term as the index would look it up (each form is
// one alternative; several tokens in a form make a phrase), and, for identity and code filters,
// the page's own fields whose value the filter accepts, whose evidence boxes mark words too.
struct MatchTerm {
  std::vector<std::string> forms;        // as typed first, then the widened alternatives
  bool prefix = false;                   // the last token of a form is a prefix
  std::vector<std::string> field_names;  // fields whose values the filter matches, or none
  bool field_prefix = false;             // a field value may start with a form (code category)
};

// A prefix the search spelled out as only its most frequent words (ExpandPrefixes) marks those
// words, not every word starting so: the others were not searched.
void CollectMatchTerms(const QueryNode& n, Compiler& compiler, const PrefixMap& prefixes,
                       std::vector<MatchTerm>* out) {
  switch (n.kind) {
    case QueryNode::Kind::kTerm: {
      MatchTerm t;
      auto capped = n.prefix && !n.phrase ? prefixes.find(n.text) : prefixes.end();
      if (capped != prefixes.end() && capped->second.capped()) {
        t.forms = capped->second.terms;
        out->push_back(std::move(t));
        return;
      }
      t.forms.push_back(n.text);
      for (std::string& a : compiler.WordAlternatives(n)) t.forms.push_back(std::move(a));
      t.prefix = n.prefix;
      out->push_back(std::move(t));
      return;
    }
    case QueryNode::Kind::kNot:
      // What a NOT excludes is not on the page (or the page would not match): nothing to mark.
      CollectMatchTerms(n.children[0], compiler, prefixes, out);
      return;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr:
      for (const QueryNode& c : n.children) CollectMatchTerms(c, compiler, prefixes, out);
      return;
    case QueryNode::Kind::kFilter:
      break;
  }
  switch (n.field) {
    case QueryField::kMrn:
    case QueryField::kCode:
    case QueryField::kDob: {
      MatchTerm t;
      t.forms.push_back(n.text);
      for (std::string& a : compiler.FilterAlternatives(n)) t.forms.push_back(std::move(a));
      t.prefix = n.prefix;
      if (n.field == QueryField::kMrn) {
        t.field_names = {"mrn"};
      } else if (n.field == QueryField::kDob) {
        t.field_names = {"dob"};
      } else {
        t.field_names = {"icd10", "cpt", "hcpcs"};
        // code:E11 also means the codes under the category (see Compiler::Filter).
        t.field_prefix = n.prefix || n.text.find('.') == std::string::npos;
      }
      out->push_back(std::move(t));
      return;
    }
    case QueryField::kName: {
      const std::vector<std::string> words = SplitWords(n.text);
      for (std::size_t i = 0; i < words.size(); ++i) {
        MatchTerm t;
        t.prefix = n.prefix && i + 1 == words.size();
        t.forms.push_back(words[i]);
        if (!t.prefix) {
          for (std::string& a : compiler.NameAlternatives(words[i]))
            t.forms.push_back(std::move(a));
        }
        out->push_back(std::move(t));
      }
      return;
    }
    case QueryField::kType:
    case QueryField::kDate:
    case QueryField::kBatch:
      return;  // about the document, not words on the page
  }
}

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

}  // namespace

std::string PageIdent(std::string_view doc_type, const std::vector<Field>& fields) {
  std::string out;
  for (char c : doc_type) out += c == '_' ? ' ' : c;
  for (const Field& f : fields) {
    if (f.name == "patient_name" || f.name == "mrn" || f.name == "dob" || f.name == "provider" ||
        f.name == "provider_npi" || f.name == "facility" || f.name == "icd10" || f.name == "cpt" ||
        f.name == "hcpcs") {
      const std::string& v = f.normalized.empty() ? f.value : f.normalized;
      if (v.empty()) continue;
      if (!out.empty()) out += ' ';
      out += v;
    }
  }
  return out;
}

Status PrepareSearchConnection(sqlite3* db) {
  // In temp, so the store's schema is unchanged and a read-only connection can make it.
  CHARTSCAN_RETURN_IF_ERROR(
      Exec(db,
           "CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_fts_terms USING fts5vocab(main, "
           "page_fts, row)",
           "prepare search"));
  fts5_api* api = nullptr;
  Stmt st;
  CHARTSCAN_RETURN_IF_ERROR(st.Prepare(db, "SELECT fts5(?1)", "find FTS5"));
  sqlite3_bind_pointer(st.get(), 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  CHARTSCAN_RETURN_IF_ERROR(st.Run());
  if (api == nullptr) return Status::Unavailable("this SQLite was built without FTS5");
  const int rc = api->xCreateFunction(api, kRankFunction, nullptr, RankFunction, nullptr);
  return SqliteStatus(rc, db, "prepare search");
}

Result<std::int64_t> VocabularyGeneration(sqlite3* db) {
  return ReadInteger(db, "SELECT charts_gen FROM search_meta WHERE id = 1",
                     "read search vocabulary");
}

Result<std::shared_ptr<const Vocabulary>> LoadVocabulary(sqlite3* db) {
  auto vocab = std::make_shared<Vocabulary>();
  {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(
        st.Prepare(db,
                   "SELECT patient_name, mrn FROM charts UNION ALL "
                   "SELECT given_name || ' ' || family_name, mrn FROM patients",
                   "load search vocabulary"));
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      vocab->AddName(st.Text(0), /*of_record=*/true);
      vocab->AddIdentifier(st.Text(1));
    }
  }
  // Names and MRNs as pages read them, misreadings included: that is what widening must reach.
  {
    Stmt st;
    CHARTSCAN_RETURN_IF_ERROR(st.Prepare(
        db,
        // UNION ALL: the two parts cannot share a row ('code' is no field name), and a UNION
        // would sort every name and MRN again to find so (1 s of 1.2 at a million pages).
        "SELECT DISTINCT name, normalized FROM fields WHERE name IN ('patient_name', 'mrn') "
        "UNION ALL SELECT DISTINCT 'code', normalized FROM document_fields "
        "WHERE name IN ('icd10', 'cpt', 'hcpcs')",
        "load search vocabulary"));
    for (;;) {
      CHARTSCAN_ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more) break;
      const std::string kind = st.Text(0);
      if (kind == "patient_name") {
        vocab->AddName(st.Text(1), /*of_record=*/false);
      } else if (kind == "mrn") {
        vocab->AddIdentifier(st.Text(1));
      } else {
        vocab->AddCode(st.Text(1));
      }
    }
  }
  vocab->Finish();
  return std::shared_ptr<const Vocabulary>(std::move(vocab));
}

Result<SearchResults> ExecuteSearch(sqlite3* db, const QueryNode& query, const Vocabulary& vocab,
                                    const SearchOptions& options) {
  SearchResults results;
  const std::int64_t cap = options.max_ranked;
  CHARTSCAN_ASSIGN_OR_RETURN(PrefixMap prefixes, ExpandPrefixes(db, query));
  for (const auto& [typed, p] : prefixes) {
    if (p.capped()) {
      results.approximations.push_back(typed + "* ~ the " + std::to_string(p.terms.size()) +
                                       " most frequent of " + std::to_string(p.found) +
                                       " words starting so (type more letters for the rest)");
    }
  }
  Compiler exact_compiler(vocab, /*widen=*/false, nullptr, {}, &prefixes);
  Plan exact = Compile(query, exact_compiler, /*exact=*/true);
  Compiler wide_compiler(vocab, options.approximate, &results.approximations, CommonWordTest(db),
                         &prefixes);
  Plan widened = Compile(query, wide_compiler, /*exact=*/!options.approximate);
  const bool widens = options.approximate && !(widened == exact);
  const bool ranked = !exact.match.empty();
  CHARTSCAN_RETURN_IF_ERROR(ChooseForms(db, options, &exact));
  CHARTSCAN_RETURN_IF_ERROR(DecideDriver(db, &exact));

  // Each body is read once: counted, ordered and sliced in memory. A listing needs its pages only
  // as far as the end of the slice asked for.
  const std::int64_t need =
      std::min(cap, static_cast<std::int64_t>(options.offset) + std::max(options.limit, 0));
  auto matches = [&](Plan* plan, const std::function<Sql(bool newest_scan)>& body,
                     std::vector<Ranked>* out) -> Result<std::int64_t> {
    if (ranked) {
      return RankMatches(db, body(false), cap, plan->filter_driven, out);
    }
    // Not for the approximate pass: it excludes the exact pages, which no count of documents
    // tells apart.
    if (plan == &exact && KnownBroad(*plan)) {
      // Broad filters only: when the documents that meet them all have more than cap pages, more
      // than cap pages match, and only the newest are read, each filter checked page by page.
      Sql documents;
      if (plan->conjuncts.size() == 1) {
        documents = plan->conjuncts[0].documents_of;
      } else {
        documents.text = "SELECT d.id AS id FROM documents d WHERE 1";
        for (const Conjunct& c : plan->conjuncts) {
          documents.text += " AND ";
          documents.Append(c.on_document);
        }
      }
      CHARTSCAN_ASSIGN_OR_RETURN(std::int64_t n, PagesOfDocuments(db, documents, cap));
      if (n > cap) {
        for (Conjunct& c : plan->conjuncts) c.use_probe = true;
        plan->walk = false;
        CHARTSCAN_RETURN_IF_ERROR(ReadNewest(db, body(false), body(true), cap, need, out));
        return n;
      }
    }
    if (plan->walk) {
      CHARTSCAN_ASSIGN_OR_RETURN(std::optional<std::int64_t> walked,
                                 WalkMatches(db, body(false), cap, need, out));
      if (walked.has_value()) return *walked;
      StopWalking(plan);
    }
    return ListMatches(db, body(false), body(true), cap, need, out);
  };
  std::vector<Ranked> exact_ranked, approx_ranked;
  CHARTSCAN_ASSIGN_OR_RETURN(
      std::int64_t exact_count,
      matches(
          &exact, [&](bool scan) { return Body(exact, nullptr, scan); }, &exact_ranked));
  const bool exact_capped = exact_count > cap;
  results.exact_total = std::min(exact_count, cap);
  results.total = results.exact_total;
  results.total_capped = exact_capped;
  bool approx_capped = false;
  if (widens) {
    CHARTSCAN_RETURN_IF_ERROR(ChooseForms(db, options, &widened));
    CHARTSCAN_RETURN_IF_ERROR(DecideDriver(db, &widened));
    CHARTSCAN_ASSIGN_OR_RETURN(
        std::int64_t approx,
        matches(
            &widened, [&](bool scan) { return ApproximateBody(exact, widened, scan); },
            &approx_ranked));
    approx_capped = approx > cap;
    results.total += std::min(approx, cap);
    results.total_capped = results.total_capped || approx_capped;
  }
  if (results.total == 0 || options.limit == 0) return results;

  auto slice = [](const std::vector<Ranked>& all, int limit, std::int64_t offset) {
    std::vector<Ranked> out;
    for (std::size_t i = static_cast<std::size_t>(offset);
         i < all.size() && out.size() < static_cast<std::size_t>(limit); ++i) {
      out.push_back(all[i]);
    }
    return out;
  };
  std::vector<Ranked> page;
  std::int64_t approx_offset = 0;
  if (options.offset < results.exact_total) {
    page = slice(exact_ranked, options.limit, options.offset);
  } else {
    approx_offset = options.offset - results.exact_total;
  }
  const std::size_t exact_hits = page.size();
  if (widens && static_cast<int>(page.size()) < options.limit) {
    std::vector<Ranked> more =
        slice(approx_ranked, options.limit - static_cast<int>(page.size()), approx_offset);
    page.insert(page.end(), more.begin(), more.end());
  }
  for (std::size_t i = 0; i < page.size(); ++i) {
    SearchHit hit;
    hit.page_id = page[i].page_id;
    hit.score = page[i].score;
    hit.approximate = i >= exact_hits;
    CHARTSCAN_RETURN_IF_ERROR(
        Describe(db, hit.approximate ? widened.match : exact.match, options, &hit));
    results.hits.push_back(std::move(hit));
  }
  return results;
}

Result<std::vector<int>> MatchPageWords(sqlite3* db, const TextTokenizer& tokenizer,
                                        const QueryNode& query, const Vocabulary& vocab,
                                        bool approximate, const std::vector<Word>& words,
                                        const std::vector<Field>& fields) {
  Compiler compiler(vocab, approximate, nullptr, CommonWordTest(db));
  CHARTSCAN_ASSIGN_OR_RETURN(PrefixMap prefixes, ExpandPrefixes(db, query));
  std::vector<MatchTerm> terms;
  CollectMatchTerms(query, compiler, prefixes, &terms);

  // The page as the index holds it: a stream of token positions, each with its tokens (a joined
  // token and its parts) and the word it came from. Words are tokenized one by one, which gives
  // the same tokens as the whole text: no token spans white space.
  struct Position {
    std::vector<std::string> tokens;
    int word = 0;
  };
  std::vector<Position> stream;
  for (std::size_t w = 0; w < words.size(); ++w) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::vector<TextToken> tokens,
                               tokenizer.Tokenize(words[w].text, /*document=*/true));
    const std::size_t base = stream.size();
    for (TextToken& t : tokens) {
      const std::size_t at = base + static_cast<std::size_t>(t.position);
      if (stream.size() <= at) stream.resize(at + 1, Position{{}, static_cast<int>(w)});
      stream[at].tokens.push_back(std::move(t.text));
    }
  }
  auto token_matches = [](const Position& p, const std::string& q, bool prefix) {
    for (const std::string& t : p.tokens) {
      if (prefix ? t.compare(0, q.size(), q) == 0 : t == q) return true;
    }
    return false;
  };

  std::vector<bool> marked(words.size(), false);
  for (const MatchTerm& term : terms) {
    for (const std::string& form : term.forms) {
      CHARTSCAN_ASSIGN_OR_RETURN(std::vector<TextToken> q,
                                 tokenizer.Tokenize(form, /*document=*/false));
      if (q.empty()) continue;
      // A form of several tokens is a phrase (as FTS5 reads a quoted string): its tokens at
      // consecutive positions; the last one is the prefix of a prefix term.
      for (std::size_t start = 0; start + q.size() <= stream.size(); ++start) {
        bool all = true;
        for (std::size_t k = 0; k < q.size() && all; ++k) {
          all = token_matches(stream[start + k], q[k].text, term.prefix && k + 1 == q.size());
        }
        if (!all) continue;
        for (std::size_t k = 0; k < q.size(); ++k) marked[stream[start + k].word] = true;
      }
    }
    if (term.field_names.empty()) continue;
    // The words inside the evidence box of a page field the filter accepts: a date of birth
    // printed 03/14/1952 for dob:1952-03-14, an MRN split over two words.
    for (const Field& f : fields) {
      if (f.box.width <= 0 || f.box.height <= 0) continue;
      if (std::find(term.field_names.begin(), term.field_names.end(), f.name) ==
          term.field_names.end()) {
        continue;
      }
      bool accepted = false;
      for (const std::string& form : term.forms) {
        if (SameIgnoringCase(f.normalized, form) ||
            ((term.prefix || term.field_prefix) && f.normalized.size() > form.size() &&
             SameIgnoringCase(std::string_view(f.normalized).substr(0, form.size()), form) &&
             (term.prefix || f.normalized[form.size()] == '.'))) {
          accepted = true;
          break;
        }
      }
      if (!accepted) continue;
      for (std::size_t w = 0; w < words.size(); ++w) {
        const Box& b = words[w].box;
        const int cx = b.x + b.width / 2;
        const int cy = b.y + b.height / 2;
        if (cx >= f.box.x && cx < f.box.x + f.box.width && cy >= f.box.y &&
            cy < f.box.y + f.box.height) {
          marked[w] = true;
        }
      }
    }
  }
  std::vector<int> out;
  for (std::size_t w = 0; w < marked.size(); ++w) {
    if (marked[w]) out.push_back(static_cast<int>(w));
  }
  return out;
}

}  // namespace chartscan::indexer
