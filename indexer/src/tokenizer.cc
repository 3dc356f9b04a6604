#include "tokenizer.h"

#include <new>
#include <utility>

#include "sqlite_util.h"

namespace chartscan::indexer {
namespace {

constexpr char kJoiners[] = ".-/";

bool IsJoiner(char c) { return c == '.' || c == '-' || c == '/'; }

struct Tokenizer {
  fts5_tokenizer inner_api;
  Fts5Tokenizer* inner = nullptr;
};

struct Forward {
  void* ctx;
  int (*token)(void*, int, const char*, int, int, int);
  bool document;  // indexing a document, not parsing a query or highlighting
};

int OnToken(void* p, int flags, const char* token, int n, int start, int end) {
  auto* fwd = static_cast<Forward*>(p);
  // The trimmed characters are ASCII and map one to one between token and source text.
  while (n > 0 && IsJoiner(token[0]) && start < end) {
    ++token;
    --n;
    ++start;
  }
  while (n > 0 && IsJoiner(token[n - 1]) && end > start) {
    --n;
    --end;
  }
  if (n == 0) return SQLITE_OK;
  int rc = fwd->token(fwd->ctx, flags, token, n, start, end);
  if (rc != SQLITE_OK || !fwd->document) return rc;
  // The parts of a joined token are indexed at the same position (FTS5 "colocated" synonyms), so
  // "smith" finds "Dr.Smith" and "E11" finds "E11.9", while a query for "E11.9" itself still
  // means exactly that. Only documents get parts: in a query they would widen the match.
  int i = 0;
  while (i < n) {
    while (i < n && IsJoiner(token[i])) ++i;
    int j = i;
    while (j < n && !IsJoiner(token[j])) ++j;
    if (j > i && j - i < n) {
      rc = fwd->token(fwd->ctx, FTS5_TOKEN_COLOCATED, token + i, j - i, start, end);
      if (rc != SQLITE_OK) return rc;
    }
    i = j;
  }
  return SQLITE_OK;
}

int Create(void* user, const char** /*args*/, int /*nargs*/, Fts5Tokenizer** out) {
  auto* api = static_cast<fts5_api*>(user);
  void* inner_user = nullptr;
  auto* t = new (std::nothrow) Tokenizer();
  if (t == nullptr) return SQLITE_NOMEM;
  int rc = api->xFindTokenizer(api, "unicode61", &inner_user, &t->inner_api);
  if (rc == SQLITE_OK) {
    const char* inner_args[] = {"remove_diacritics", "2", "tokenchars", kJoiners};
    rc = t->inner_api.xCreate(inner_user, inner_args, 4, &t->inner);
  }
  if (rc != SQLITE_OK) {
    delete t;
    return rc;
  }
  *out = reinterpret_cast<Fts5Tokenizer*>(t);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* p) {
  auto* t = reinterpret_cast<Tokenizer*>(p);
  if (t->inner != nullptr) t->inner_api.xDelete(t->inner);
  delete t;
}

int Tokenize(Fts5Tokenizer* p, void* ctx, int flags, const char* text, int n,
             int (*token)(void*, int, const char*, int, int, int)) {
  auto* t = reinterpret_cast<Tokenizer*>(p);
  Forward fwd{ctx, token, (flags & FTS5_TOKENIZE_DOCUMENT) != 0};
  return t->inner_api.xTokenize(t->inner, &fwd, flags, text, n, OnToken);
}

}  // namespace

Status RegisterTokenizer(sqlite3* db) {
  fts5_api* api = nullptr;
  Stmt stmt;
  CHARTSCAN_RETURN_IF_ERROR(stmt.Prepare(db, "SELECT fts5(?1)", "find FTS5"));
  sqlite3_bind_pointer(stmt.get(), 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  CHARTSCAN_RETURN_IF_ERROR(stmt.Run());
  if (api == nullptr || api->iVersion < 2) {
    return Status::Unavailable("this SQLite was built without FTS5");
  }
  static fts5_tokenizer tokenizer = {Create, Delete, Tokenize};
  int rc = api->xCreateTokenizer(api, kTokenizerName, api, &tokenizer, nullptr);
  return SqliteStatus(rc, db, "register tokenizer");
}

struct TextTokenizer::Impl {
  fts5_tokenizer api{};
  Fts5Tokenizer* tokenizer = nullptr;
};

Result<TextTokenizer> TextTokenizer::Create(sqlite3* db) {
  fts5_api* api = nullptr;
  Stmt stmt;
  CHARTSCAN_RETURN_IF_ERROR(stmt.Prepare(db, "SELECT fts5(?1)", "find FTS5"));
  sqlite3_bind_pointer(stmt.get(), 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  CHARTSCAN_RETURN_IF_ERROR(stmt.Run());
  if (api == nullptr) return Status::Unavailable("this SQLite was built without FTS5");
  TextTokenizer out;
  out.impl_ = new Impl();
  void* user = nullptr;
  int rc = api->xFindTokenizer(api, kTokenizerName, &user, &out.impl_->api);
  if (rc == SQLITE_OK) rc = out.impl_->api.xCreate(user, nullptr, 0, &out.impl_->tokenizer);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db, "create tokenizer");
  return out;
}

TextTokenizer::TextTokenizer(TextTokenizer&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)) {}

TextTokenizer::~TextTokenizer() {
  if (impl_ == nullptr) return;
  if (impl_->tokenizer != nullptr) impl_->api.xDelete(impl_->tokenizer);
  delete impl_;
}

Result<std::vector<TextToken>> TextTokenizer::Tokenize(std::string_view text, bool document) const {
  if (text.empty()) return std::vector<TextToken>();
  struct Sink {
    std::vector<TextToken> tokens;
    int position = -1;
  } sink;
  auto on_token = [](void* p, int flags, const char* token, int n, int, int) -> int {
    auto* s = static_cast<Sink*>(p);
    if ((flags & FTS5_TOKEN_COLOCATED) == 0 || s->position < 0) ++s->position;
    s->tokens.push_back({std::string(token, static_cast<std::size_t>(n)), s->position});
    return SQLITE_OK;
  };
  const int rc = impl_->api.xTokenize(impl_->tokenizer, &sink,
                                      document ? FTS5_TOKENIZE_DOCUMENT : FTS5_TOKENIZE_QUERY,
                                      text.data(), static_cast<int>(text.size()), on_token);
  if (rc != SQLITE_OK) return SqliteStatus(rc, nullptr, "tokenize");
  return std::move(sink.tokens);
}

}  // namespace chartscan::indexer
