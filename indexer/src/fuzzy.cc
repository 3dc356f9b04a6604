// PhoneticKey is a reduced Metaphone (Lawrence Philips, 1990) for names: letters are mapped to
// consonant sounds (c before e/i/y -> s, otherwise k; ph -> f; th -> 0; sh/ch -> x; dge -> j;
// q -> k; v -> f; x -> ks; z -> s), silent letters are dropped (initial k of kn, g of gn, w of wr,
// p of ps; gh; h not followed by a vowel; w and y not followed by a vowel), vowels are dropped
// except a leading one (written 'a'), and repeated codes collapse. It is deliberately coarse:
// it only ever proposes candidates, which are ranked below exact matches and marked approximate.
#include "fuzzy.h"

#include <algorithm>
#include <set>

namespace chartscan::indexer {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// The class members a glyph may be misread as (lower-case), or "" when it has no class.
std::string_view ConfusionClass(char c) {
  switch (c) {
    case '0':
    case 'o':
      return "0o";
    case '1':
    case 'i':
    case 'l':
      return "1il";
    case '5':
    case 's':
      return "5s";
    case '8':
    case 'b':
      return "8b";
    default:
      return "";
  }
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Every one-character deletion of `s`, and `s` itself.
std::vector<std::string> DeletionKeys(const std::string& s) {
  std::vector<std::string> keys{s};
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::string k = s.substr(0, i) + s.substr(i + 1);
    if (keys.back() != k) keys.push_back(std::move(k));  // runs ("ll") give the same key
  }
  return keys;
}

void Collect(const std::unordered_map<std::string, std::vector<int>>& index, const std::string& key,
             std::set<int>* out) {
  auto it = index.find(key);
  if (it == index.end()) return;
  out->insert(it->second.begin(), it->second.end());
}

}  // namespace

std::string ConfusionCanonical(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (char c : word) {
    c = Lower(c);
    std::string_view cls = ConfusionClass(c);
    out += cls.empty() ? c : cls[0];
  }
  return out;
}

std::vector<std::string> ConfusionVariants(std::string_view word, std::size_t max) {
  const std::string base = LowerAscii(word);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < base.size() && out.size() < max; ++i) {
    for (char alt : ConfusionClass(base[i])) {
      if (alt == base[i] || out.size() >= max) continue;
      std::string v = base;
      v[i] = alt;
      out.push_back(std::move(v));
    }
  }
  return out;
}

std::string OcrCanonical(std::string_view word) {
  std::string w = LowerAscii(word);
  auto fold = [&w](std::string_view from, char to) {
    std::string out;
    out.reserve(w.size());
    for (std::size_t i = 0; i < w.size();) {
      if (w.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
      } else {
        out += w[i++];
      }
    }
    w = std::move(out);
  };
  fold("li", 'h');
  fold("cl", 'd');
  fold("rn", 'm');
  fold("vv", 'w');
  return w;
}

std::string PhoneticKey(std::string_view word) {
  std::string w;
  for (char c : word) {
    c = Lower(c);
    if (c >= 'a' && c <= 'z') w += c;
  }
  if (w.empty()) return "";
  auto at = [&](std::size_t i) -> char { return i < w.size() ? w[i] : '\0'; };
  std::size_t i = 0;
  std::string key;
  const std::string_view head(w.data(), std::min<std::size_t>(2, w.size()));
  if (head == "kn" || head == "gn" || head == "pn" || head == "wr" || head == "ps") i = 1;
  if (head == "wh") {
    key += 'w';
    i = 2;
  }
  if (w[0] == 'x') {
    key += 's';
    i = 1;
  }
  if (i == 0 && (IsVowel(w[0]) || w[0] == 'y')) {
    key += 'a';
    i = 1;
  }
  auto emit = [&](char c) {
    if (key.empty() || key.back() != c) key += c;
  };
  for (; i < w.size(); ++i) {
    const char c = w[i];
    const char next = at(i + 1);
    const bool soft = next == 'e' || next == 'i' || next == 'y';
    switch (c) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
        // Vowels separate consonants: "Anna" keeps one n, "Mariann" too, but a vowel between
        // two identical sounds does not merge them in Metaphone; names rarely need it.
        break;
      case 'b':
        if (!(i + 1 == w.size() && i > 0 && w[i - 1] == 'm')) emit('b');
        break;
      case 'c':
        if (next == 'h') {
          emit(at(i + 2) == 'r' ? 'k' : 'x');
          ++i;
        } else if (soft) {
          emit('s');
        } else if (!(i > 0 && w[i - 1] == 's' && next == 'h')) {
          emit('k');
        }
        break;
      case 'd':
        if (next == 'g' && (at(i + 2) == 'e' || at(i + 2) == 'i' || at(i + 2) == 'y')) {
          emit('j');
          ++i;
        } else {
          emit('t');
        }
        break;
      case 'g':
        if (next == 'h' && !IsVowel(at(i + 2))) {
          ++i;  // silent gh (Wright, Hugh)
        } else if (next == 'n' && i + 2 == w.size()) {
          // silent g of a final gn
        } else if (soft) {
          emit('j');
        } else {
          emit('k');
        }
        break;
      case 'h':
        if (IsVowel(next) &&
            !(i > 0 && std::string_view("cgpst").find(w[i - 1]) != std::string_view::npos)) {
          emit('h');
        }
        break;
      case 'k':
        if (!(i > 0 && w[i - 1] == 'c')) emit('k');
        break;
      case 'p':
        if (next == 'h') {
          emit('f');
          ++i;
        } else {
          emit('p');
        }
        break;
      case 'q':
        emit('k');
        break;
      case 's':
        if (next == 'h') {
          emit('x');
          ++i;
        } else if (next == 'i' && (at(i + 2) == 'o' || at(i + 2) == 'a')) {
          emit('x');
        } else {
          emit('s');
        }
        break;
      case 't':
        if (next == 'h') {
          emit('0');
          ++i;
        } else if (next == 'i' && (at(i + 2) == 'o' || at(i + 2) == 'a')) {
          emit('x');
        } else {
          emit('t');
        }
        break;
      case 'v':
        emit('f');
        break;
      case 'w':
      case 'y':
        if (IsVowel(next)) emit(c);
        break;
      case 'x':
        emit('k');
        emit('s');
        break;
      case 'z':
        emit('s');
        break;
      default:
        emit(c);  // f j l m n r
    }
  }
  return key;
}

int EditDistance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

void Vocabulary::AddName(std::string_view name, bool of_record) {
  std::size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && !((Lower(name[i]) >= 'a' && Lower(name[i]) <= 'z'))) ++i;
    std::size_t j = i;
    while (j < name.size() &&
           ((Lower(name[j]) >= 'a' && Lower(name[j]) <= 'z') || name[j] == '\'')) {
      ++j;
    }
    if (j > i) {
      names_.push_back(LowerAscii(name.substr(i, j - i)));
      if (of_record) record_names_.push_back(names_.back());
    }
    i = j;
  }
}

void Vocabulary::AddIdentifier(std::string_view id) {
  if (!id.empty()) ids_.emplace_back(id);
}

void Vocabulary::AddCode(std::string_view code) {
  if (!code.empty()) codes_.emplace_back(code);
}

void Vocabulary::Finish() {
  auto dedupe = [](std::vector<std::string>* v) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  };
  dedupe(&names_);
  dedupe(&record_names_);
  dedupe(&ids_);
  dedupe(&codes_);
  for (int k = 0; k < static_cast<int>(names_.size()); ++k) {
    const std::string& t = names_[static_cast<std::size_t>(k)];
    if (t.size() < 3) continue;
    for (std::string& key : DeletionKeys(t)) deletions_[std::move(key)].push_back(k);
    // Keys of one or two consonants ("rt": right, red, reed) say too little to go on.
    std::string p = PhoneticKey(t);
    if (p.size() >= 3) phonetic_[std::move(p)].push_back(k);
    ocr_canonical_[OcrCanonical(t)].push_back(k);
  }
  ids_lower_.reserve(ids_.size());
  for (const std::string& id : ids_) ids_lower_.push_back(LowerAscii(id));
  for (int k = 0; k < static_cast<int>(ids_.size()); ++k) {
    id_canonical_[ConfusionCanonical(ids_[static_cast<std::size_t>(k)])].push_back(k);
  }
  for (int k = 0; k < static_cast<int>(codes_.size()); ++k) {
    code_canonical_[ConfusionCanonical(codes_[static_cast<std::size_t>(k)])].push_back(k);
  }
  finished_ = true;
}

std::vector<std::string> Vocabulary::SimilarNames(std::string_view word, std::size_t max) const {
  std::vector<std::string> out;
  const std::string w = LowerAscii(word);
  if (!finished_ || w.size() < 4) return out;
  std::set<int> edits;
  for (const std::string& key : DeletionKeys(w)) Collect(deletions_, key, &edits);
  // Misread letter groups count as one edit.
  Collect(ocr_canonical_, OcrCanonical(w), &edits);
  std::set<int> sounds;
  const std::string p = PhoneticKey(w);
  if (p.size() >= 3) Collect(phonetic_, p, &sounds);
  // Closest first: one edit, then sound-alikes by their edit distance.
  std::vector<std::pair<int, int>> ranked;  // (distance, index)
  const std::string folded = OcrCanonical(w);
  for (int k : edits) {
    const std::string& name = names_[static_cast<std::size_t>(k)];
    const int d = EditDistance(w, name);
    if (d == 1 || (d > 1 && OcrCanonical(name) == folded)) ranked.emplace_back(1, k);
  }
  for (int k : sounds) {
    if (edits.count(k) != 0) continue;
    const int d = EditDistance(w, names_[static_cast<std::size_t>(k)]);
    if (d > 0) ranked.emplace_back(d + 1, k);
  }
  std::sort(ranked.begin(), ranked.end());
  auto of_record = [this](const std::string& t) {
    return std::binary_search(record_names_.begin(), record_names_.end(), t);
  };
  const bool typed_of_record = of_record(w);
  for (const auto& [d, k] : ranked) {
    if (out.size() >= max) break;
    const std::string& name = names_[static_cast<std::size_t>(k)];
    if (typed_of_record && of_record(name)) continue;
    out.push_back(name);
  }
  return out;
}

bool Vocabulary::IsName(std::string_view word) const {
  return std::binary_search(names_.begin(), names_.end(), LowerAscii(word));
}

std::vector<std::string> Vocabulary::ConfusableIdentifiers(std::string_view id,
                                                           std::size_t max) const {
  std::vector<std::string> out;
  auto it = id_canonical_.find(ConfusionCanonical(id));
  if (it == id_canonical_.end()) return out;
  for (int k : it->second) {
    if (out.size() >= max) break;
    out.push_back(ids_[static_cast<std::size_t>(k)]);
  }
  return out;
}

std::vector<std::string> Vocabulary::SimilarIdentifiers(std::string_view id,
                                                        std::size_t max) const {
  std::vector<std::string> out;
  const std::string lower = LowerAscii(id);
  auto add = [&](const std::string& s) {
    std::string l = LowerAscii(s);
    if (l != lower && out.size() < max && std::find(out.begin(), out.end(), l) == out.end()) {
      out.push_back(std::move(l));
    }
  };
  for (const std::string& s : ConfusableIdentifiers(id, max)) add(s);
  if (lower.size() >= 5) {
    for (const std::string& s : ids_lower_) {
      if (out.size() >= max) break;
      if (s.size() > lower.size() && s.find(lower) != std::string::npos) add(s);
    }
  }
  return out;
}

std::vector<std::string> Vocabulary::ConfusableCodes(std::string_view code, std::size_t max) const {
  std::vector<std::string> out;
  auto it = code_canonical_.find(ConfusionCanonical(code));
  if (it == code_canonical_.end()) return out;
  for (int k : it->second) {
    if (out.size() >= max) break;
    out.push_back(codes_[static_cast<std::size_t>(k)]);
  }
  return out;
}

}  // namespace chartscan::indexer
