// Character error rate for OCR output against synthetic ground truth.
//
// Method: both texts are normalized (NormalizeForCer), decoded to Unicode code points and compared
// with the Levenshtein distance. The distance uses the classic dynamic programme kept to one row
// over the shorter text (O(n*m) time, O(min(n, m)) memory) after stripping the common prefix and
// suffix, which on OCR output of a good page removes most of the work. A 10,000-character page
// against a 10,000-character hypothesis is 10^8 cell updates, well under a second.
//
// Normalization covers only what an OCR engine legitimately emits for ASCII print: typographic
// quotes, dashes, ellipsis, Latin ligatures, and Unicode spaces. Anything else (a bullet, a degree
// sign) is kept and counts as an error, because the generator prints only ASCII.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/samples/truth.h>

namespace chartscan::samples {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at text[i] and advances i. Malformed or overlong sequences and
// surrogates decode as one U+FFFD per byte so that the rest of the text still lines up.
char32_t DecodeOne(std::string_view text, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    ++i;
    return kReplacement;
  }
  if (i + len > text.size()) {
    ++i;
    return kReplacement;
  }
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += len;
  return cp;
}

std::vector<char32_t> Decode(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) out.push_back(DecodeOne(text, i));
  return out;
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsSpace(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// Invisible characters that only ever mark possible breaks or joins.
bool IsInvisible(char32_t cp) {
  return cp == 0x00AD || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 ||
         cp == 0xFEFF;
}

// ASCII replacement for a typographic character, or empty if cp is kept as is.
std::string_view AsciiFor(char32_t cp) {
  switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
      return "'";
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
      return "\"";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
    case 0xFE63:
    case 0xFF0D:
      return "-";
    case 0x2026:
      return "...";
    case 0x2044:
      return "/";
    case 0xFB00:
      return "ff";
    case 0xFB01:
      return "fi";
    case 0xFB02:
      return "fl";
    case 0xFB03:
      return "ffi";
    case 0xFB04:
      return "ffl";
    case 0xFB05:
    case 0xFB06:
      return "st";
    default:
      return {};
  }
}

}  // namespace

std::string NormalizeForCer(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = DecodeOne(text, i);
    if (IsInvisible(cp)) continue;
    if (IsSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    if (std::string_view ascii = AsciiFor(cp); !ascii.empty()) {
      out.append(ascii);
    } else {
      AppendUtf8(cp, out);
    }
  }
  return out;
}

std::size_t CodePointCount(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++n) DecodeOne(text, i);
  return n;
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<char32_t> s = Decode(a);
  std::vector<char32_t> t = Decode(b);
  // Common prefix and suffix never contribute to the distance.
  std::size_t lo = 0;
  while (lo < s.size() && lo < t.size() && s[lo] == t[lo]) ++lo;
  std::size_t hs = s.size(), ht = t.size();
  while (hs > lo && ht > lo && s[hs - 1] == t[ht - 1]) --hs, --ht;
  const char32_t* x = s.data() + lo;
  const char32_t* y = t.data() + lo;
  std::size_t n = hs - lo, m = ht - lo;
  if (n < m) std::swap(x, y), std::swap(n, m);  // y is the shorter: the row runs over it
  if (m == 0) return n;

  std::vector<std::uint32_t> row(m + 1);
  for (std::size_t j = 0; j <= m; ++j) row[j] = static_cast<std::uint32_t>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    std::uint32_t diag = row[0];  // D[i-1][j-1]
    row[0] = static_cast<std::uint32_t>(i);
    const char32_t xi = x[i - 1];
    for (std::size_t j = 1; j <= m; ++j) {
      std::uint32_t up = row[j];  // D[i-1][j]
      std::uint32_t best = diag + (xi == y[j - 1] ? 0u : 1u);
      best = std::min(best, up + 1);
      best = std::min(best, row[j - 1] + 1);
      row[j] = best;
      diag = up;
    }
  }
  return row[m];
}

double CharacterErrorRate(std::string_view reference, std::string_view hypothesis) {
  std::string ref = NormalizeForCer(reference);
  std::string hyp = NormalizeForCer(hypothesis);
  std::size_t ref_len = CodePointCount(ref);
  if (ref_len == 0) return hyp.empty() ? 0.0 : 1.0;
  return static_cast<double>(EditDistance(ref, hyp)) / static_cast<double>(ref_len);
}

}  // namespace chartscan::samples
