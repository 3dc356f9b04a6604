// A small recursive-descent parser. Grammar, loosest binding first (NOT binds tightest, as FTS5):
//   or   := and ("OR" and)*
//   and  := not (["AND"] not)*        adjacent terms are an implicit AND
//   not  := atom ("NOT" atom)*
//   atom := word | word* | "phrase" | "phrase"* | field:value | field:"value" | "(" or ")"
// Filter values are checked and normalized here, so a bad date or an unknown document type is
// reported before anything is looked up.
#include "query.h"

#include <cstddef>
#include <iterator>
#include <optional>
#include <vector>

#include <chartscan/models/document.h>

namespace chartscan::indexer {
namespace {

constexpr std::size_t kMaxQueryBytes = 4096;
constexpr int kMaxDepth = 32;

enum class Kind { kTerm, kFilter, kOr, kAnd, kNot, kOpen, kClose };

struct Token {
  Kind kind;
  std::string text;  // kTerm: the words, unquoted; kFilter: the value as typed
  bool prefix = false;
  bool phrase = false;
  QueryField field = QueryField::kMrn;
};

constexpr std::pair<std::string_view, QueryField> kFields[] = {
    {"mrn", QueryField::kMrn},   {"name", QueryField::kName}, {"dob", QueryField::kDob},
    {"type", QueryField::kType}, {"date", QueryField::kDate}, {"batch", QueryField::kBatch},
    {"code", QueryField::kCode},
};

std::optional<QueryField> FieldNamed(std::string_view name) {
  for (const auto& [n, f] : kFields) {
    if (n.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < n.size() && same; ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == n[i];
    }
    if (same) return f;
  }
  return std::nullopt;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Letters and digits of any script (every byte of a multi-byte UTF-8 sequence is >= 0x80).
bool HasSearchable(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
      return true;
    }
  }
  return false;
}

Result<std::vector<Token>> Lex(std::string_view q) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < q.size()) {
    char c = q[i];
    if (IsSpace(c)) {
      ++i;
    } else if (c == '(') {
      tokens.push_back({Kind::kOpen, ""});
      ++i;
    } else if (c == ')') {
      tokens.push_back({Kind::kClose, ""});
      ++i;
    } else if (c == '"') {
      std::size_t close = q.find('"', i + 1);
      if (close == std::string_view::npos) {
        return Status::InvalidArgument("search query has an unclosed quotation mark");
      }
      Token t{Kind::kTerm, std::string(q.substr(i + 1, close - i - 1))};
      t.phrase = true;
      i = close + 1;
      if (i < q.size() && q[i] == '*') {
        t.prefix = true;
        while (i < q.size() && q[i] == '*') ++i;
      }
      if (!HasSearchable(t.text)) {
        return Status::InvalidArgument("search query has an empty phrase");
      }
      tokens.push_back(std::move(t));
    } else {
      std::size_t start = i;
      while (i < q.size() && !IsSpace(q[i]) && q[i] != '(' && q[i] != ')' && q[i] != '"') ++i;
      std::string_view word = q.substr(start, i - start);
      // "field:" followed by nothing (a pasted "MRN:") is text, not an empty filter.
      const std::size_t colon = word.find(':');
      const bool has_value = colon != std::string_view::npos &&
                             (colon + 1 < word.size() || (i < q.size() && q[i] == '"'));
      if (colon != std::string_view::npos && colon > 0 && has_value) {
        if (std::optional<QueryField> field = FieldNamed(word.substr(0, colon))) {
          Token t{Kind::kFilter, std::string(word.substr(colon + 1))};
          t.field = *field;
          if (t.text.empty() && i < q.size() && q[i] == '"') {
            std::size_t close = q.find('"', i + 1);
            if (close == std::string_view::npos) {
              return Status::InvalidArgument("search query has an unclosed quotation mark");
            }
            t.text = std::string(q.substr(i + 1, close - i - 1));
            t.phrase = true;
            i = close + 1;
            while (i < q.size() && q[i] == '*') {
              t.prefix = true;
              ++i;
            }
          }
          while (!t.phrase && !t.text.empty() && t.text.back() == '*') {
            t.text.pop_back();
            t.prefix = true;
          }
          if (!HasSearchable(t.text)) {
            return Status::InvalidArgument(std::string(QueryFieldName(*field)) +
                                           ": needs a value after the colon");
          }
          tokens.push_back(std::move(t));
          continue;
        }
      }
      if (word == "OR") {
        tokens.push_back({Kind::kOr, ""});
        continue;
      }
      if (word == "AND") {
        tokens.push_back({Kind::kAnd, ""});
        continue;
      }
      if (word == "NOT") {
        tokens.push_back({Kind::kNot, ""});
        continue;
      }
      Token t{Kind::kTerm, ""};
      while (!word.empty() && word.back() == '*') {
        word.remove_suffix(1);
        t.prefix = true;
      }
      if (!HasSearchable(word)) {
        if (t.prefix && word.empty()) {
          return Status::InvalidArgument("search query has a '*' with no word before it");
        }
        continue;  // punctuation only: nothing to search for
      }
      t.text = std::string(word);
      tokens.push_back(std::move(t));
    }
  }
  return tokens;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "YYYY", "YYYY-MM", "YYYY-MM-DD", "MM/DD/YYYY" or "M/D/YYYY" -> ISO with the parts given;
// nullopt when it is none of those or out of range. `whole` requires a full date.
std::optional<std::string> IsoDate(std::string_view s, bool whole) {
  std::string y, m, d;
  if (s.find('/') != std::string_view::npos) {
    std::size_t a = s.find('/');
    std::size_t b = s.find('/', a + 1);
    if (b == std::string_view::npos) return std::nullopt;
    m = std::string(s.substr(0, a));
    d = std::string(s.substr(a + 1, b - a - 1));
    y = std::string(s.substr(b + 1));
    if (m.size() == 1) m = "0" + m;
    if (d.size() == 1) d = "0" + d;
  } else {
    y = std::string(s.substr(0, 4));
    if (s.size() > 4) {
      if (s.size() < 7 || s[4] != '-') return std::nullopt;
      m = std::string(s.substr(5, 2));
      if (s.size() > 7) {
        if (s.size() != 10 || s[7] != '-') return std::nullopt;
        d = std::string(s.substr(8, 2));
      }
    }
  }
  if (y.size() != 4 || !AllDigits(y)) return std::nullopt;
  if (!m.empty() && (m.size() != 2 || !AllDigits(m) || m < "01" || m > "12")) return std::nullopt;
  if (!d.empty() && (d.size() != 2 || !AllDigits(d) || d < "01" || d > "31")) return std::nullopt;
  if (whole && d.empty()) return std::nullopt;
  std::string out = y;
  if (!m.empty()) out += "-" + m;
  if (!d.empty()) out += "-" + d;
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Checks and normalizes a filter's value (see QueryNode::text).
Result<QueryNode> MakeFilter(const Token& t) {
  QueryNode n;
  n.kind = QueryNode::Kind::kFilter;
  n.field = t.field;
  n.prefix = t.prefix;
  const std::string field(QueryFieldName(t.field));
  std::string_view v = t.text;
  while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && IsSpace(v.back())) v.remove_suffix(1);
  if (t.prefix && t.field != QueryField::kName && t.field != QueryField::kMrn &&
      t.field != QueryField::kCode) {
    return Status::InvalidArgument(field + ": does not take a '*'");
  }
  switch (t.field) {
    case QueryField::kMrn:
    case QueryField::kCode: {
      std::string id;
      for (char c : v) {
        if (c == ' ' || c == '-') continue;
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                        (c >= 'A' && c <= 'Z') || (c == '.' && t.field == QueryField::kCode);
        if (!ok) {
          return Status::InvalidArgument(field + ": takes letters and digits only" +
                                         (t.field == QueryField::kCode
                                              ? std::string(" (and a dot), such as E11.9 or 99213")
                                              : std::string(", such as 00482913")));
        }
        id += c;
      }
      n.text = Upper(id);
      return n;
    }
    case QueryField::kName:
      n.text = std::string(v);
      return n;
    case QueryField::kDob: {
      std::optional<std::string> iso = IsoDate(v, /*whole=*/true);
      if (!iso) {
        return Status::InvalidArgument("dob: needs a full date such as 1952-03-14 or 03/14/1952");
      }
      n.text = *iso;
      return n;
    }
    case QueryField::kType: {
      std::string want(v);
      for (char& c : want) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == ' ' || c == '-') c = '_';
      }
      std::vector<std::string> matches;
      for (const char* name : kDocumentTypeNames) {
        std::string_view nv(name);
        if (nv == want) {
          matches = {name};
          break;
        }
        if (nv.substr(0, want.size()) == want) matches.emplace_back(name);
      }
      if (matches.size() != 1) {
        std::string known;
        for (const char* name : kDocumentTypeNames)
          known += (known.empty() ? "" : ", ") + std::string(name);
        return Status::InvalidArgument("type: " +
                                       std::string(matches.empty()
                                                       ? "no document type is called '"
                                                       : "more than one document type starts '") +
                                       want + "'; the types are " + known);
      }
      n.text = matches[0];
      return n;
    }
    case QueryField::kDate: {
      std::string_view from = v;
      std::string_view to = v;
      if (std::size_t dots = v.find(".."); dots != std::string_view::npos) {
        from = v.substr(0, dots);
        to = v.substr(dots + 2);
        if (from.empty() && to.empty()) {
          return Status::InvalidArgument("date: needs at least one end of the range");
        }
      }
      const char* form =
          "date: takes dates such as 2019, 2019-03, 2019-03-14 or 03/14/2019, or a range "
          "such as 2019-01..2019-06";
      if (!from.empty()) {
        std::optional<std::string> iso = IsoDate(from, false);
        if (!iso) return Status::InvalidArgument(form);
        n.date_from = *iso;
      }
      if (!to.empty()) {
        std::optional<std::string> iso = IsoDate(to, false);
        if (!iso) return Status::InvalidArgument(form);
        n.date_to = *iso;
      }
      if (!n.date_from.empty() && !n.date_to.empty() &&
          n.date_from.substr(0, std::min(n.date_from.size(), n.date_to.size())) >
              n.date_to.substr(0, std::min(n.date_from.size(), n.date_to.size()))) {
        return Status::InvalidArgument("date: the range ends before it starts");
      }
      n.text = std::string(v);
      return n;
    }
    case QueryField::kBatch:
      if (!AllDigits(v) || v.size() > 18) {
        return Status::InvalidArgument("batch: takes a batch number, such as batch:12");
      }
      n.text = std::string(v);
      return n;
  }
  return n;
}

QueryNode Combine(QueryNode::Kind kind, QueryNode left, QueryNode right) {
  if (left.kind == kind && kind != QueryNode::Kind::kNot) {
    left.children.push_back(std::move(right));
    return left;
  }
  QueryNode n;
  n.kind = kind;
  n.children.push_back(std::move(left));
  n.children.push_back(std::move(right));
  return n;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<QueryNode> Parse() {
    if (tokens_.empty()) return Status::InvalidArgument("search query has no words to search for");
    CHARTSCAN_ASSIGN_OR_RETURN(QueryNode expr, Or(0));
    if (pos_ < tokens_.size()) {
      if (tokens_[pos_].kind == Kind::kClose) {
        return Status::InvalidArgument("search query has a ')' without a matching '('");
      }
      return Status::InvalidArgument("search query could not be understood");
    }
    return expr;
  }

 private:
  bool At(Kind k) const { return pos_ < tokens_.size() && tokens_[pos_].kind == k; }
  bool AtOperand() const { return At(Kind::kTerm) || At(Kind::kFilter) || At(Kind::kOpen); }
  static std::string_view Name(Kind k) {
    switch (k) {
      case Kind::kOr:
        return "OR";
      case Kind::kAnd:
        return "AND";
      case Kind::kNot:
        return "NOT";
      default:
        return "operator";
    }
  }

  Result<QueryNode> Or(int depth) {
    CHARTSCAN_ASSIGN_OR_RETURN(QueryNode left, And(depth));
    while (At(Kind::kOr)) {
      ++pos_;
      CHARTSCAN_ASSIGN_OR_RETURN(QueryNode right, Operand(Kind::kOr, depth, &Parser::And));
      left = Combine(QueryNode::Kind::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  Result<QueryNode> And(int depth) {
    CHARTSCAN_ASSIGN_OR_RETURN(QueryNode left, Not(depth));
    for (;;) {
      if (At(Kind::kAnd)) {
        ++pos_;
        CHARTSCAN_ASSIGN_OR_RETURN(QueryNode right, Operand(Kind::kAnd, depth, &Parser::Not));
        left = Combine(QueryNode::Kind::kAnd, std::move(left), std::move(right));
      } else if (AtOperand()) {
        CHARTSCAN_ASSIGN_OR_RETURN(QueryNode right, Not(depth));
        left = Combine(QueryNode::Kind::kAnd, std::move(left), std::move(right));
      } else {
        return left;
      }
    }
  }

  Result<QueryNode> Not(int depth) {
    CHARTSCAN_ASSIGN_OR_RETURN(QueryNode left, Atom(depth));
    while (At(Kind::kNot)) {
      ++pos_;
      CHARTSCAN_ASSIGN_OR_RETURN(QueryNode right, Operand(Kind::kNot, depth, &Parser::Atom));
      left = Combine(QueryNode::Kind::kNot, std::move(left), std::move(right));
    }
    return left;
  }

  // The right-hand side of a binary operator, with a message saying which operator lacks it.
  Result<QueryNode> Operand(Kind op, int depth, Result<QueryNode> (Parser::*next)(int)) {
    if (!AtOperand()) {
      return Status::InvalidArgument("search query has " + std::string(Name(op)) +
                                     " without a word after it");
    }
    return (this->*next)(depth);
  }

  Result<QueryNode> Atom(int depth) {
    if (pos_ >= tokens_.size()) {
      return Status::InvalidArgument("search query ends where a word was expected");
    }
    const Token& t = tokens_[pos_];
    switch (t.kind) {
      case Kind::kTerm: {
        ++pos_;
        QueryNode n;
        n.kind = QueryNode::Kind::kTerm;
        n.text = t.text;
        n.phrase = t.phrase;
        n.prefix = t.prefix;
        return n;
      }
      case Kind::kFilter:
        ++pos_;
        return MakeFilter(t);
      case Kind::kOpen: {
        if (depth >= kMaxDepth) {
          return Status::InvalidArgument("search query nests parentheses too deeply");
        }
        ++pos_;
        if (At(Kind::kClose)) return Status::InvalidArgument("search query has empty parentheses");
        CHARTSCAN_ASSIGN_OR_RETURN(QueryNode inner, Or(depth + 1));
        if (!At(Kind::kClose)) {
          return Status::InvalidArgument("search query has a '(' without a matching ')'");
        }
        ++pos_;
        return inner;
      }
      case Kind::kClose:
        return Status::InvalidArgument("search query has a ')' without a matching '('");
      default:
        return Status::InvalidArgument("search query has " + std::string(Name(t.kind)) +
                                       " without a word before it");
    }
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string_view QueryFieldName(QueryField f) {
  for (const auto& [n, field] : kFields) {
    if (field == f) return n;
  }
  return "field";
}

bool IsTextOnly(const QueryNode& node) {
  if (node.kind == QueryNode::Kind::kFilter) return false;
  for (const QueryNode& c : node.children) {
    if (!IsTextOnly(c)) return false;
  }
  return true;
}

Result<QueryNode> ParseQuery(std::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("search query is longer than " + std::to_string(kMaxQueryBytes) +
                                   " bytes");
  }
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(query));
  return Parser(std::move(tokens)).Parse();
}

}  // namespace chartscan::indexer
