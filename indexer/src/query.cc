// A small recursive-descent parser. Grammar, loosest binding first (NOT binds tightest, as FTS5):
//   or   := and ("OR" and)*
//   and  := not (["AND"] not)*        adjacent terms are an implicit AND
//   not  := atom ("NOT" atom)*
//   atom := word | word* | "phrase" | "phrase"* | "(" or ")"
#include "query.h"

#include <cstddef>
#include <vector>

namespace chartscan::indexer {
namespace {

constexpr std::size_t kMaxQueryBytes = 4096;
constexpr int kMaxDepth = 32;

enum class Kind { kTerm, kOr, kAnd, kNot, kOpen, kClose };

struct Token {
  Kind kind;
  std::string text;  // kTerm: the words, unquoted
  bool prefix = false;
  bool phrase = false;
};

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

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
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

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::string> Parse() {
    if (tokens_.empty()) return Status::InvalidArgument("search query has no words to search for");
    CHARTSCAN_ASSIGN_OR_RETURN(std::string expr, Or(0));
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

  Result<std::string> Or(int depth) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::string left, And(depth));
    while (At(Kind::kOr)) {
      ++pos_;
      CHARTSCAN_ASSIGN_OR_RETURN(std::string right, Operand(Kind::kOr, depth, &Parser::And));
      left = "(" + left + " OR " + right + ")";
    }
    return left;
  }

  Result<std::string> And(int depth) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::string left, Not(depth));
    for (;;) {
      if (At(Kind::kAnd)) {
        ++pos_;
        CHARTSCAN_ASSIGN_OR_RETURN(std::string right, Operand(Kind::kAnd, depth, &Parser::Not));
        left = "(" + left + " AND " + right + ")";
      } else if (At(Kind::kTerm) || At(Kind::kOpen)) {
        CHARTSCAN_ASSIGN_OR_RETURN(std::string right, Not(depth));
        left = "(" + left + " AND " + right + ")";
      } else {
        return left;
      }
    }
  }

  Result<std::string> Not(int depth) {
    CHARTSCAN_ASSIGN_OR_RETURN(std::string left, Atom(depth));
    while (At(Kind::kNot)) {
      ++pos_;
      CHARTSCAN_ASSIGN_OR_RETURN(std::string right, Operand(Kind::kNot, depth, &Parser::Atom));
      left = "(" + left + " NOT " + right + ")";
    }
    return left;
  }

  // The right-hand side of a binary operator, with a message saying which operator lacks it.
  Result<std::string> Operand(Kind op, int depth, Result<std::string> (Parser::*next)(int)) {
    if (!(At(Kind::kTerm) || At(Kind::kOpen))) {
      return Status::InvalidArgument("search query has " + std::string(Name(op)) +
                                     " without a word after it");
    }
    return (this->*next)(depth);
  }

  Result<std::string> Atom(int depth) {
    if (pos_ >= tokens_.size()) {
      return Status::InvalidArgument("search query ends where a word was expected");
    }
    const Token& t = tokens_[pos_];
    switch (t.kind) {
      case Kind::kTerm: {
        ++pos_;
        std::string out = Quote(t.text);
        if (t.prefix) out += '*';
        return out;
      }
      case Kind::kOpen: {
        if (depth >= kMaxDepth) {
          return Status::InvalidArgument("search query nests parentheses too deeply");
        }
        ++pos_;
        if (At(Kind::kClose)) return Status::InvalidArgument("search query has empty parentheses");
        CHARTSCAN_ASSIGN_OR_RETURN(std::string inner, Or(depth + 1));
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

Result<std::string> TranslateQuery(std::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("search query is longer than " + std::to_string(kMaxQueryBytes) +
                                   " bytes");
  }
  CHARTSCAN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(query));
  return Parser(std::move(tokens)).Parse();
}

}  // namespace chartscan::indexer
