// Document type classification from a page's title, vocabulary and layout.
//
// Rules are data (extract/data/doctypes.json, compiled in; a facility may load its own):
//
//   {"version": 1,
//    "types": [{"name": "discharge_summary",
//               "titles": ["Discharge Summary", "Hospital Discharge Summary"],
//               "keywords": {"hospital course": 3, "discharge medications": 2},
//               "layout": {"numeric_lines": 0}}]}
//
// Method: a title is a line near the top of the page, printed larger than the body or matching a
// title phrase on its own; a type's title score is 1 for an exact title, 0.8 when the line
// contains the phrase and 0.7 for a near match (edit distance at most 1 per 8 letters). Keywords
// are phrases counted in the page text (each phrase counts at most 3 times) times their weight.
// Layout adds a weight times the share of lines that are mostly numbers (lab tables, MAR grids).
// A type's score is kTitleWeight * title + log(1 + keywords + layout); confidence is the softmax
// share of the best type. Pages with no evidence are "other". A document sums its pages' scores
// with the first page counted twice (it carries the title).
//
// Thread safety: DocTypeRules is immutable after loading; classification is a pure function.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/document.h>
#include <chartscan/models/env.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::extract {

struct DocTypeRule {
  std::string name;
  std::vector<std::string> titles;
  std::vector<std::pair<std::string, double>> keywords;
  double numeric_lines = 0;  // layout weight
};

class DocTypeRules {
 public:
  static const DocTypeRules& BuiltIn();
  static Result<DocTypeRules> Parse(std::string_view json, std::string_view source);
  static Result<DocTypeRules> Load(const std::string& path, Env& env = *Env::Default());
  const std::vector<DocTypeRule>& types() const { return types_; }

 private:
  std::vector<DocTypeRule> types_;
};

// Per-type scores of one page (type name -> score), before the softmax.
std::map<std::string, double> ScoreDocumentType(const PageText& page, const DocTypeRules& rules);

// Turns summed scores into a type; needs_review when the confidence is below review_threshold.
DocumentType DecideDocumentType(const std::map<std::string, double>& scores,
                                double review_threshold);

// The type whose title the page shows (title score at least 0.7: an exact title line, or a large
// line containing or nearly matching a title phrase); empty when the page shows no title. A
// document's first page usually has one and its continuation pages do not, which is what
// document boundaries use it for.
std::string FindTitleType(const PageText& page, const DocTypeRules& rules);

DocumentType ClassifyPage(const PageText& page, const DocTypeRules& rules,
                          double review_threshold = 0.6);
DocumentType ClassifyDocument(std::span<const PageText> pages, const DocTypeRules& rules,
                              double review_threshold = 0.6);

}  // namespace chartscan::extract
