// Tesseract adapter: the only file that sees TessBaseAPI.
//
// Settings and why:
// - OEM_LSTM_ONLY: Debian ships the LSTM ("fast") models; the legacy engine is not loaded.
// - PSM_AUTO (fully automatic layout without orientation detection): cleanup already made the page
//   upright, and medical pages mix columns, tables and forms that need layout analysis.
// - user_defined_dpi: the cleaned image's true resolution, so Tesseract does not guess (and does
//   not print "Estimating resolution").
// - tessedit_do_invert off unless asked (see OcrOptions).
// - debug_file /dev/null: Tesseract writes warnings to stderr that would mix into our output.
// - OpenMP: Tesseract's LSTM uses `#pragma omp parallel for num_threads(N)`. max-active-levels 0
//   makes every parallel region run on the calling thread; OMP_THREAD_LIMIT would do the same but
//   is only read from the environment at program start.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string_view>

#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <chartscan/ocr/engine.h>
#include <chartscan/ocr/reading_order.h>

namespace chartscan::ocr {
namespace {

void DisableOpenMpOnce() {
  static std::once_flag once;
  std::call_once(once, [] { omp_set_max_active_levels(0); });
}

std::string DescribeTessdata(const std::string& dir) {
  if (!dir.empty()) return dir;
  if (const char* env = std::getenv("TESSDATA_PREFIX")) return env;
  return "Tesseract's default tessdata folder";
}

struct RawWord {
  std::string text;
  Box box;
  float confidence = 0;
  int line = 0;
};

}  // namespace

Status OcrOptions::Validate() const {
  if (languages.empty()) return Status::InvalidArgument("ocr: no language given");
  for (char c : languages) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '_')) {
      return Status::InvalidArgument("ocr: invalid language list '" + languages + "'");
    }
  }
  if (deadline_ms < 0) return Status::InvalidArgument("ocr: deadline must not be negative");
  if (!tessdata_dir.empty() && !std::filesystem::is_directory(tessdata_dir)) {
    return Status::NotFound("ocr: tessdata folder " + tessdata_dir);
  }
  return Status::Ok();
}

namespace {

// Below this word confidence (0-100), a word without any letter or digit is taken for noise.
constexpr float kNoiseMarkConfidence = 60;
// Doubtful words (below kNoiseMarkConfidence) are also dropped when their shape is not that of
// text on this page: height under kMinHeightRatio or over kMaxHeightRatio times the median height
// of the page's confident words, or width per character outside kMinAdvanceRatio..kMaxAdvanceRatio
// times theirs. Scanner-lid borders, shadows at the page edge and drum streaks are read as such
// "words" (a 5 px high "see", a 245 px high "aA", eight letters in 12 px).
constexpr float kConfidentWord = 80;
constexpr double kMinHeightRatio = 0.45, kMaxHeightRatio = 2.2;
constexpr double kMinAdvanceRatio = 0.3, kMaxAdvanceRatio = 3.0;
// Noise words at the page edge: below kEdgeNoiseConfidence within kEdgeZoneSide inches of the left
// or right edge or kEdgeZoneEnd inches of the top or bottom (borders and the shadow of the page
// edge; printed text keeps a wider margin or is read with higher confidence).
constexpr float kEdgeNoiseConfidence = 40;
constexpr double kEdgeZoneSide = 0.5, kEdgeZoneEnd = 0.3;

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Removes doubtful words whose geometry is not text's (see the constants above) from `lines`,
// recomputing the box of a line that lost words (Tesseract's line box includes them).
void DropImplausibleWords(const std::vector<RawWord>& raw, std::vector<LayoutLine>& lines,
                          int width, int height, double dpi) {
  std::vector<double> heights, advances;
  for (const RawWord& w : raw) {
    const size_t n = CodePoints(w.text);
    if (w.confidence < kConfidentWord || n < 2 || w.box.empty()) continue;
    heights.push_back(w.box.height);
    advances.push_back(static_cast<double>(w.box.width) / n);
  }
  if (heights.size() < 5) return;
  const double h = Median(heights), a = Median(advances);
  const int side = static_cast<int>(kEdgeZoneSide * dpi),
            end = static_cast<int>(kEdgeZoneEnd * dpi);
  auto implausible = [&](const RawWord& w) {
    if (w.confidence >= kNoiseMarkConfidence || w.box.empty()) return false;
    const double advance =
        static_cast<double>(w.box.width) / std::max<size_t>(1, CodePoints(w.text));
    if (w.box.height < kMinHeightRatio * h || w.box.height > kMaxHeightRatio * h) return true;
    if (advance < kMinAdvanceRatio * a || advance > kMaxAdvanceRatio * a) return true;
    const bool at_edge = w.box.x < side || w.box.right() > width - side || w.box.y < end ||
                         w.box.bottom() > height - end;
    return at_edge && w.confidence < kEdgeNoiseConfidence;
  };
  for (LayoutLine& line : lines) {
    const size_t before = line.words.size();
    std::erase_if(line.words, [&](int i) { return implausible(raw[static_cast<size_t>(i)]); });
    if (line.words.size() == before) continue;
    line.box = {};
    for (int i : line.words) line.box = line.box.United(raw[static_cast<size_t>(i)].box);
  }
}

bool HasAlnum(std::string_view utf8) {
  for (unsigned char c : utf8) {
    if (c < 0x80 && std::isalnum(c)) return true;
  }
  return false;
}

}  // namespace

struct Engine::Impl {
  OcrOptions options;
  tesseract::TessBaseAPI api;
  std::string loaded;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() {
  if (impl_) impl_->api.End();
}

const std::string& Engine::languages() const { return impl_->loaded; }

Result<std::unique_ptr<Engine>> Engine::Create(const OcrOptions& options) {
  CHARTSCAN_RETURN_IF_ERROR(options.Validate());
  DisableOpenMpOnce();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  // Silence Tesseract's stderr chatter before Init so that missing-data messages do not leak.
  impl->api.SetVariable("debug_file", "/dev/null");
  const char* datapath = options.tessdata_dir.empty() ? nullptr : options.tessdata_dir.c_str();
  if (impl->api.Init(datapath, options.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return Status::Unavailable("ocr: cannot load language data '" + options.languages + "' from " +
                               DescribeTessdata(options.tessdata_dir) + " (install tesseract-ocr-" +
                               options.languages + ")");
  }
  impl->api.SetPageSegMode(tesseract::PSM_AUTO);
  impl->api.SetVariable("tessedit_do_invert", options.detect_inverted_text ? "1" : "0");
  impl->loaded = impl->api.GetInitLanguagesAsString();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Result<Recognition> Engine::Recognize(const ImageView& page, double dpi) {
  if (page.empty() || page.format() != PixelFormat::kGray8) {
    return Status::InvalidArgument("ocr: expects a non-empty 8-bit grey image");
  }
  auto start = std::chrono::steady_clock::now();
  // Tesseract's LSTM asks OpenMP for teams of threads. The pipeline already runs one engine per
  // core, so those teams only spin and contend (measured: 4x slower on 2 cores). In libgomp the
  // OpenMP settings are per thread, copied from the process defaults when a thread starts, so they
  // are set here, on the thread that recognizes, not once at start-up.
  omp_set_max_active_levels(0);
  omp_set_num_threads(1);
  tesseract::TessBaseAPI& api = impl_->api;
  api.SetImage(page.data(), page.width(), page.height(), 1, static_cast<int>(page.stride()));
  if (dpi > 0) api.SetSourceResolution(static_cast<int>(dpi + 0.5));

  tesseract::ETEXT_DESC monitor;
  if (impl_->options.deadline_ms > 0) monitor.set_deadline_msecs(impl_->options.deadline_ms);
  Recognition out;
  if (api.Recognize(&monitor) != 0) {
    out.deadline_exceeded = monitor.deadline_exceeded();
    if (!out.deadline_exceeded) {
      api.Clear();
      return Status::Internal("ocr: recognition failed");
    }
  }
  out.deadline_exceeded = out.deadline_exceeded || monitor.deadline_exceeded();

  // Walk blocks -> lines -> words, collecting geometry for the reading-order pass.
  std::vector<RawWord> raw;
  std::vector<LayoutLine> lines;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  int block = -1;
  if (it) {
    do {
      if (it->Empty(tesseract::RIL_WORD)) continue;
      if (it->IsAtBeginningOf(tesseract::RIL_BLOCK)) ++block;
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE) || lines.empty()) {
        LayoutLine line;
        int l, t, r, b;
        if (it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b))
          line.box = {l, t, r - l, b - t};
        line.block = std::max(block, 0);
        lines.push_back(line);
      }
      std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
      // Tesseract reports table rules and box borders as "words" of spaces; they are not text and
      // would only block the reading-order cuts.
      if (!text || std::string_view(text.get()).find_first_not_of(" \t") == std::string_view::npos)
        continue;
      // A lone mark without letters or digits read at low confidence is a speck, a rule end or a
      // check-box corner ("©", "‘", "—", "|"), not text: drop it rather than index noise.
      const float confidence = it->Confidence(tesseract::RIL_WORD);
      if (confidence < kNoiseMarkConfidence && !HasAlnum(text.get())) continue;
      RawWord w;
      w.text = text.get();
      int l, t, r, b;
      if (it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) w.box = {l, t, r - l, b - t};
      w.confidence = confidence;
      w.line = static_cast<int>(lines.size()) - 1;
      lines.back().words.push_back(static_cast<int>(raw.size()));
      raw.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
  }
  api.Clear();
  DropImplausibleWords(raw, lines, page.width(), page.height(), dpi > 0 ? dpi : 300);
  std::vector<LayoutWord> layout_words;
  layout_words.reserve(raw.size());
  for (const RawWord& w : raw) layout_words.push_back({w.box});

  std::vector<LayoutLine> ordered = impl_->options.layout_reading_order
                                        ? OrderLines(lines, layout_words, page.width())
                                        : std::move(lines);
  PageText& text = out.text;
  text.origin = TextOrigin::kOcr;
  for (const LayoutLine& line : ordered) {
    if (line.words.empty()) continue;
    const int index = static_cast<int>(text.lines.size());
    text.lines.push_back({line.box, line.block});
    for (int wi : line.words) {
      Word w{raw[wi].text, raw[wi].box, raw[wi].confidence, index};
      text.words.push_back(std::move(w));
    }
  }
  FinalizePageText(text);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace chartscan::ocr
