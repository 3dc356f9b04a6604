// A fixed query set over a synthetic archive, with the pages each query must find.
//
// Queries are chosen in fixed categories from a sample of patients (ChooseQueries): a query is
// kept only if it matches at least one page of the patient it was drawn from, so no query's
// expected set is empty. The expected pages of every query are then found by streaming the whole
// archive through a GroundTruth (each page is only tested against the queries that one of its
// words or fields can satisfy, so a million pages cost seconds, not hours).
//
// A query is a tree (QueryNode), rendered in chartscan's search syntax by RenderQuery and
// evaluated here with the reference meaning below; other engines translate the tree.
//
// Reference meaning (what "expected" means):
// - Words are the page's printed text (OCR errors included) cut into tokens: runs of ASCII
//   letters, digits and the joiners . - / (trimmed of joiners at either end), lower-cased; a
//   token with joiners also counts as each of its parts ("e11.9" is also "e11" and "9",
//   "03/14/1952" also "03", "14", "1952"). Apostrophes and other punctuation separate tokens.
// - kTerm: a token equals the word. kPrefix: a token starts with it. kPhrase: the words are
//   tokens at consecutive positions. kAnd / kOr: both / either. kNot: the first child and not
//   the second.
// - kApprox (a misspelled or misread word as a user would type it, e.g. an MRN with a confused
//   character "0O482913", or "margret"): a token of the page's clean text (ArchivePage::truth)
//   equals the word meant (`truth`): the page is about that identifier or name even where the
//   recognizer misread it.
// - Field filters are on the document's merged fields, which come from the truth (as assembly
//   writes them): kMrn, kName (given and family name, case-insensitive), kDob, kType, kCode (an
//   ICD-10 or CPT code the document prints), kBatch (batch ordinal), kDate (date of service
//   within [text, truth], inclusive, ISO dates of any precision: "2019-01..2019-12").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/status.h>
#include <chartscan/samples/archive.h>

namespace chartscan::samples::archive {

enum class QueryCategory {
  kIdentifier,        // 00482913
  kIdentifierField,   // mrn:00482913
  kName,              // johnson margaret
  kNameField,         // name:"margaret johnson"
  kPhrase,            // "chest pain"
  kPrefix,            // metfor*
  kFilterMrn,         // mrn:00482913 warfarin
  kFilterType,        // type:lab_report potassium
  kFilterDate,        // date:2019-01..2019-12 type:discharge_summary
  kFilterCode,        // code:E11.9
  kFilterDob,         // dob:1952-03-14
  kFilterBatch,       // batch:3 furosemide
  kBoolean,           // (warfarin OR apixaban) NOT aspirin
  kApproxIdentifier,  // 0O482913
  kApproxName,        // margret johnson
};
inline constexpr int kQueryCategoryCount = 15;
std::string_view QueryCategoryName(QueryCategory c);  // "identifier", "identifier_field", ...

struct QueryNode {
  enum class Kind {
    kTerm,
    kPrefix,
    kPhrase,
    kApprox,
    kAnd,
    kOr,
    kNot,
    kMrn,
    kName,
    kDob,
    kType,
    kCode,
    kBatch,
    kDate,
  };
  Kind kind = Kind::kTerm;
  // kTerm, kPrefix: the word (lower case); kPhrase: the words, one space apart; kApprox: as
  // typed; kMrn, kDob, kType, kCode: the value; kName: "given family"; kDate: the lower bound.
  std::string text;
  std::string truth;                // kApprox: the word meant; kDate: the upper bound
  int batch = 0;                    // kBatch: the batch ordinal
  std::vector<QueryNode> children;  // kAnd, kOr: two or more; kNot: two
};

struct ArchiveQuery {
  int id = 0;  // 0-based, stable for a given archive
  QueryCategory category = QueryCategory::kIdentifier;
  QueryNode root;
  std::vector<std::int64_t> expected;  // page ordinals, ascending (filled by GroundTruth)
};

// The query in chartscan's syntax. batch_ids maps batch ordinals to store batch ids (empty:
// ordinal + 1, the ids of a fresh store).
std::string RenderQuery(const QueryNode& node, const std::vector<std::int64_t>& batch_ids = {});

// The tree as JSON text, for other engines: {"op":"and","args":[...]} / {"term":"x"} /
// {"prefix":"x"} / {"phrase":["a","b"]} / {"approx":"0o48","meant":"0048"} / {"mrn":"..."} ...
std::string QueryJson(const QueryNode& node);

// The tree back from QueryJson; kInvalidArgument when malformed.
Result<QueryNode> QueryFromJson(std::string_view json);

// One line of a query file (JSON Lines, no newline at the end):
//   {"id":0,"category":"identifier","query":"00482913","ast":{...},"expected_count":21,
//    "page_ids":[...]}       page ids in the store, when the archive was written to one, or
//    "keys":["12345/3/2",...] PageKey of each page (see archive.h), when it was not.
// Exactly one of page_ids and keys is non-null; each maps a page ordinal to what is written.
std::string QueryJsonLine(const ArchiveQuery& query, const std::vector<std::int64_t>& batch_ids,
                          const std::vector<std::int64_t>* page_ids,
                          const std::vector<std::string>* keys);
// A line as written above with page ids: the query (expected left empty) and its page ids.
Result<ArchiveQuery> ParseQueryJsonLine(std::string_view line, std::vector<std::int64_t>* page_ids);

// About 1,100 queries in every category, drawn deterministically from the archive and seed.
// Expected sets are left empty (see GroundTruth).
std::vector<ArchiveQuery> ChooseQueries(const Archive& archive, std::uint64_t seed);

// The tokens of text as the reference meaning above cuts them: one entry per position, each
// with the whole token first, then its parts.
std::vector<std::vector<std::string>> ReferenceTokens(std::string_view text);

// Finds the expected pages of a query set. Feed every document of the archive, in any order,
// once; then take the queries back. Not thread-safe.
class GroundTruth {
 public:
  explicit GroundTruth(std::vector<ArchiveQuery> queries);
  ~GroundTruth();
  GroundTruth(const GroundTruth&) = delete;
  GroundTruth& operator=(const GroundTruth&) = delete;

  void Observe(const ArchiveDocument& doc);
  // The queries with their expected page ordinals, sorted.
  std::vector<ArchiveQuery> Finish();

  // Whether a query matches a page of a document (the reference meaning; slow path).
  static bool Matches(const QueryNode& node, const ArchiveDocument& doc, const ArchivePage& page);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chartscan::samples::archive
