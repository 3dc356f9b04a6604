// Translation of the user's search syntax into an FTS5 MATCH expression.
//
// User syntax: words (all must match), "exact phrases", prefix*, OR, AND, NOT (binary: "a NOT b"),
// and parentheses. Operators are recognized only in upper case, as in FTS5; "or" is a word.
// Every bare word and phrase is emitted as an FTS5 string ("E11.9", "00482913"*), so characters
// that are FTS5 syntax (. - : ^ + *) inside a word can never change the query's meaning or make it
// fail. Words with no letters or digits (a lone "-") are dropped. The output is fully
// parenthesized so it does not depend on FTS5's operator precedence.
#pragma once

#include <string>
#include <string_view>

#include <chartscan/models/status.h>

namespace chartscan::indexer {

// kInvalidArgument with a message naming the problem for an empty or malformed query.
Result<std::string> TranslateQuery(std::string_view query);

}  // namespace chartscan::indexer
