// The search query language, parsed into a tree.
//
//   words                 all must match (implicit AND)
//   "exact phrase"        the words in this order
//   prefix*               words starting so ("metfor*", "E11*")
//   a OR b, a AND b, a NOT b, ( ... )   operators in upper case; NOT binds tightest, then AND
//   mrn:00482913          the patient's chart, by MRN
//   name:"margaret johnson"  the patient's name (every word; prefixes allowed: name:marg*)
//   dob:1952-03-14        date of birth (also 03/14/1952)
//   type:discharge_summary   document type (a unique prefix is enough: type:discharge)
//   date:2019-01..2019-12 date of service, inclusive; YYYY, YYYY-MM or YYYY-MM-DD at each end,
//                         either end may be left open (date:2019.., date:..2018-06)
//   batch:12              pages of a batch
//   code:E11.9            an ICD-10-CM or CPT/HCPCS code of the document; code:E11 also finds
//                         E11.9 and E11.65 (the category and everything under it)
//
// Field names are recognized in any case (MRN:...); a word with a colon whose left part is not a
// field name ("BP:120/80") is searched as text. Filters may be combined with words and with each
// other by the same operators. Every problem is reported as kInvalidArgument with a message that
// names it, in the user's terms.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/status.h>

namespace chartscan::indexer {

enum class QueryField { kMrn, kName, kDob, kType, kDate, kBatch, kCode };
std::string_view QueryFieldName(QueryField f);  // "mrn", "name", ...

struct QueryNode {
  enum class Kind { kTerm, kFilter, kAnd, kOr, kNot };
  Kind kind = Kind::kTerm;
  // kTerm: a word or phrase as typed (unquoted); kFilter: the value, normalized (mrn and code
  // upper-case; dob ISO; type its full name; batch digits; name as typed).
  std::string text;
  bool phrase = false;
  bool prefix = false;
  QueryField field = QueryField::kMrn;  // kFilter
  std::string date_from;                // kFilter kDate: "" (open) or YYYY[-MM[-DD]]
  std::string date_to;
  // kAnd, kOr: two or more; kNot: exactly two (left NOT right).
  std::vector<QueryNode> children;
};

Result<QueryNode> ParseQuery(std::string_view query);

// True when the subtree holds no filter (it can be answered by the full-text index alone).
bool IsTextOnly(const QueryNode& node);

}  // namespace chartscan::indexer
