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

#include <leptonica/allheaders.h>
#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <chartscan/ocr/engine.h>
#include <chartscan/ocr/reading_order.h>

#include "word_filter.h"
#include "word_repair.h"

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

}  // namespace

Status OcrOptions::Validate() const {
  if (languages.empty()) return Status::InvalidArgument("ocr: no language given");
  for (char c : languages) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '_')) {
      return Status::InvalidArgument("ocr: invalid language list '" + languages + "'");
    }
  }
  if (deadline_ms < 0) return Status::InvalidArgument("ocr: deadline must not be negative");
  CHARTSCAN_RETURN_IF_ERROR(word_repair.Validate());
  if (!tessdata_dir.empty() && !std::filesystem::is_directory(tessdata_dir)) {
    return Status::NotFound("ocr: tessdata folder " + tessdata_dir);
  }
  return Status::Ok();
}

namespace {

// The character boxes of the word at `word` (SplitJoinedWords needs them); none when Tesseract's
// characters do not spell the word's text.
void CollectSymbols(const tesseract::ResultIterator& word, RawWord& w) {
  tesseract::ResultIterator it(word);
  size_t end = 0;
  do {
    std::unique_ptr<char[]> symbol(it.GetUTF8Text(tesseract::RIL_SYMBOL));
    int l, t, r, b;
    if (!symbol || !it.BoundingBox(tesseract::RIL_SYMBOL, &l, &t, &r, &b)) break;
    const std::string_view c(symbol.get());
    if (w.text.compare(end, c.size(), c) != 0) break;
    end += c.size();
    w.symbols.push_back({l, r, end});
  } while (!it.IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL) &&
           it.Next(tesseract::RIL_SYMBOL));
  if (end != w.text.size()) w.symbols.clear();
}

// Appends the words and lines of the current recognition result to `raw` and `lines`, numbering
// blocks after those already in `lines`.
void CollectWords(tesseract::TessBaseAPI& api, std::vector<RawWord>& raw,
                  std::vector<LayoutLine>& lines) {
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it) return;
  int block = -1;
  for (const LayoutLine& l : lines) block = std::max(block, l.block);
  const size_t first_line = lines.size();
  do {
    if (it->Empty(tesseract::RIL_WORD)) continue;
    if (it->IsAtBeginningOf(tesseract::RIL_BLOCK)) ++block;
    if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE) || lines.size() == first_line) {
      LayoutLine line;
      int l, t, r, b;
      if (it->BoundingBox(tesseract::RIL_TEXTLINE, &l, &t, &r, &b)) line.box = {l, t, r - l, b - t};
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
    CollectSymbols(*it, w);
    TrimWordSpaces(w);
    lines.back().words.push_back(static_cast<int>(raw.size()));
    raw.push_back(std::move(w));
  } while (it->Next(tesseract::RIL_WORD));
}

// Re-reading doubtful segments.
//
// Tesseract's line finder joins lines of different sizes that share a height band: a letterhead's
// large title and the small address lines set beside it become one text line, and the recognizer,
// which scales a line to its height, reads the small lines as garbage ("mam hinivientt" for
// "2289 Jefferson Parkway / Bristol, MI 21807"). Such a part of a line stands apart from the rest
// of it by a wide gap and is read at low confidence, while the same pixels read on their own are
// read well (97 and 89).
//
// Method: a line is cut into segments at gaps wider than kSegmentGap times the page's median word
// height. A segment whose mean word confidence is below kDoubtfulSegment is recognized again on its
// own: its box, padded by kRereadPad word heights, as one block of lines (PSM_SINGLE_BLOCK, which
// finds the lines again inside it). Re-read words centred outside the segment's words belong to
// neighbouring text and are ignored. The new reading replaces the segment only when its mean
// confidence beats the old one by kRereadGain and reaches kRereadFloor: noise reads no better on
// its own (or reads as a confident "E." or "|" where the first reading had nothing sure), and a
// segment that was read well enough is not second-guessed. A single re-read line whose text height
// is within kJoinHeightRatio of the rest of its line goes back into that line, so that form rows
// stay rows for the reading order. Only pages read well overall (mean word
// confidence kPageReadWell or more) are re-read: a page read upside down or a page of noise is
// doubtful everywhere, and the pipeline turns it over or sets it aside instead. At most kMaxRereads
// segments a page; each re-read is a small image (tens of milliseconds).
constexpr double kRereadPad = 0.3;
constexpr float kRereadGain = 20;
constexpr float kRereadFloor = 70;
constexpr double kJoinHeightRatio = 1.5;

// Show-through. Text printed on the back of a thin sheet shows through mirrored; faint, cleanup
// removes it, but through noise and on dark paper its strokes pass for ink and are read as garbage
// ("jssycc08 ey sui oad?" for "Three Rivers Memorial" beside a letterhead's name). A doubtful
// segment that reading again did not improve is read once more mirrored left to right. Mirrored
// words read with high confidence (kShowThroughConfidence, with kShowThroughAlnum letters or
// digits: mirrored print reads as "Three Rivers" at 90-93) mark show-through, and the segment's
// doubtful words (under kNoiseMarkConfidence) they cover for the most part are dropped: never
// content. Mirrored real text reads as garbage, but at up to 77 ("191099" for "Center"); and
// words read with confidence stay whatever the mirror says. Mirrored reads come after every
// straight one, as they replace the page image.
constexpr float kShowThroughConfidence = 85;
constexpr size_t kShowThroughAlnum = 3;

bool DropShowThrough(tesseract::TessBaseAPI& api, const ImageView& page, double dpi,
                     const std::vector<const Segment*>& group, const std::vector<RawWord>& raw,
                     std::vector<LayoutLine>& lines, tesseract::ETEXT_DESC& monitor) {
  Box box;
  for (const Segment* seg : group) box = box.United(seg->box);
  const Box crop = box.Intersected({0, 0, page.width(), page.height()});
  if (crop.empty()) return false;
  std::vector<std::uint8_t> mirrored(static_cast<size_t>(crop.width) * crop.height);
  for (int y = 0; y < crop.height; ++y) {
    const std::uint8_t* src = page.row(crop.y + y) + crop.x;
    std::uint8_t* dst = mirrored.data() + static_cast<size_t>(y) * crop.width;
    for (int x = 0; x < crop.width; ++x) dst[x] = src[crop.width - 1 - x];
  }
  api.SetImage(mirrored.data(), crop.width, crop.height, 1, crop.width);
  if (dpi > 0) api.SetSourceResolution(static_cast<int>(dpi + 0.5));
  if (api.Recognize(&monitor) != 0 || monitor.deadline_exceeded()) return false;
  std::vector<RawWord> words;
  std::vector<LayoutLine> found;
  CollectWords(api, words, found);
  std::vector<Box> through;
  for (const RawWord& w : words) {
    if (w.confidence < kShowThroughConfidence || AlnumCount(w.text) < kShowThroughAlnum) continue;
    through.push_back(
        {crop.x + crop.width - w.box.right(), crop.y + w.box.y, w.box.width, w.box.height});
  }
  if (through.empty()) return false;
  bool dropped = false;
  for (const Segment* seg : group) {
    LayoutLine& line = lines[seg->line];
    const size_t before = line.words.size();
    std::erase_if(line.words, [&](int i) {
      const RawWord& w = raw[static_cast<size_t>(i)];
      if (w.confidence >= kNoiseMarkConfidence ||
          std::find(seg->words.begin(), seg->words.end(), i) == seg->words.end())
        return false;
      long long covered = 0;
      for (const Box& t : through) covered += w.box.Intersected(t).area();
      return 2 * covered > w.box.area();
    });
    if (line.words.size() == before) continue;
    dropped = true;
    line.box = WordsBox(raw, line.words);
  }
  return dropped;
}

// Recognizes `box` grown by `pad` on every side (clipped to the page) in the page segmentation
// mode set on `api`, appending its words and lines to `words` and `lines`. kEmpty: nothing of the
// box is on the page; kStop: recognition failed or the deadline passed, and nothing more should be
// read.
enum class BoxRead { kRead, kEmpty, kStop };
BoxRead ReadBox(tesseract::TessBaseAPI& api, const ImageView& page, const Box& box, int pad,
                tesseract::ETEXT_DESC& monitor, std::vector<RawWord>& words,
                std::vector<LayoutLine>& lines) {
  const int x0 = std::max(0, box.x - pad), y0 = std::max(0, box.y - pad);
  const int x1 = std::min(page.width(), box.right() + pad),
            y1 = std::min(page.height(), box.bottom() + pad);
  if (x1 <= x0 || y1 <= y0) return BoxRead::kEmpty;
  api.SetRectangle(x0, y0, x1 - x0, y1 - y0);
  if (api.Recognize(&monitor) != 0 || monitor.deadline_exceeded()) return BoxRead::kStop;
  CollectWords(api, words, lines);
  return BoxRead::kRead;
}

// Reading ink no line took in.
//
// Tesseract's layout analysis can leave text out of every block: on a light lab report the units
// column of nine table rows ("%", "fL", "K/uL", "mg/dL") came back in no block at all, from the
// tesseract command as from this adapter, while the rows above it were read. A person reads those
// marks at a glance; nothing should be lost without a trace.
//
// Method: the connected components of Tesseract's own binarized page (the image it read) of text
// size that lie outside every line it returned are grouped into regions (UncoveredRegions in
// word_filter.h, which holds the parameters). Each region, padded by kRereadPad word heights, is
// recognized on its own as one block of lines (PSM_SINGLE_BLOCK). Its lines read at kRecoveredLine
// or better (mean word confidence; a units column's "mg/dL" reads at 67-96) with a word of
// kRecoveredAlnum letters or digits ("K/uL"), keeping only words centred in the region, join the
// page as a block of their own, which the reading order places like any other (a column's rows
// join the table's rows). Lines of shorter words (kRecoveredShortAlnum: a route column's "PO",
// "IV") join only when the region holds kRecoveredColumnRows clear lines or more: a column of a
// table. Other lines stay out, as Tesseract left them: a logo's parts read as "oN" and "ON," at
// 64-76, and signatures and noise read as garbage. Only pages read well overall
// are looked at, as for re-reads. A page without such ink costs one component labelling of its
// binary image.
constexpr float kRecoveredLine = 60;
constexpr size_t kRecoveredAlnum = 3;
constexpr size_t kRecoveredShortAlnum = 2;
constexpr size_t kRecoveredColumnRows = 4;

int ReadUncoveredInk(tesseract::TessBaseAPI& api, const ImageView& page, double dpi,
                     std::vector<RawWord>& raw, std::vector<LayoutLine>& lines,
                     tesseract::ETEXT_DESC& monitor) {
  const double h = ReadWellWordHeight(raw, lines);
  if (h <= 0) return 0;
  std::vector<Box> marks;
  {
    Pix* binary = api.GetThresholdedImage();
    if (binary == nullptr) return 0;
    Boxa* components = pixConnCompBB(binary, 8);
    pixDestroy(&binary);
    if (components == nullptr) return 0;
    const int n = boxaGetCount(components);
    marks.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      l_int32 x, y, w, bh;
      if (boxaGetBoxGeometry(components, i, &x, &y, &w, &bh) == 0) marks.push_back({x, y, w, bh});
    }
    boxaDestroy(&components);
  }
  std::vector<Box> covered;
  covered.reserve(lines.size() + raw.size());
  for (const LayoutLine& l : lines) covered.push_back(l.box);
  for (const RawWord& w : raw) covered.push_back(w.box);
  // Away from the page's edges (as for noise words, word_filter.h): what Tesseract left out there
  // is the remains of a scanner border, a punch hole or the page's shadow ("th", "&" beside the
  // holes at 0.3 inch).
  const double d = dpi > 0 ? dpi : 300;
  const int side = static_cast<int>(kEdgeZoneSide * d), end = static_cast<int>(kEdgeZoneEnd * d);
  const Box text_area{side, end, page.width() - 2 * side, page.height() - 2 * end};
  const std::vector<Box> regions = UncoveredRegions(marks, covered, text_area, h);
  if (regions.empty()) return 0;

  int block = -1;
  for (const LayoutLine& l : lines) block = std::max(block, l.block);
  int recovered = 0;
  const int pad = static_cast<int>(kRereadPad * h);
  api.SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  for (const Box& region : regions) {
    std::vector<RawWord> words;
    std::vector<LayoutLine> found;
    const BoxRead read = ReadBox(api, page, region, pad, monitor, words, found);
    if (read == BoxRead::kStop) break;
    if (read == BoxRead::kEmpty) continue;
    // The region's lines read clearly, each with its words centred in the region, and whether
    // its words are all short.
    std::vector<std::pair<LayoutLine, bool>> clear;
    auto longest = [&](const LayoutLine& line) {
      size_t n = 0;
      for (int wi : line.words) n = std::max(n, AlnumCount(words[static_cast<size_t>(wi)].text));
      return n;
    };
    for (const LayoutLine& f : found) {
      LayoutLine line;
      line.block = block + 1;
      double sum = 0;
      for (int wi : f.words) {
        const RawWord& w = words[static_cast<size_t>(wi)];
        const int cx = w.box.x + w.box.width / 2, cy = w.box.y + w.box.height / 2;
        if (cx < region.x || cx >= region.right() || cy < region.y || cy >= region.bottom())
          continue;
        sum += w.confidence;
        line.words.push_back(wi);
      }
      if (line.words.empty() || sum < kRecoveredLine * static_cast<double>(line.words.size()))
        continue;
      const size_t longest_word = longest(line);
      if (longest_word < kRecoveredShortAlnum) continue;
      clear.emplace_back(std::move(line), longest_word < kRecoveredAlnum);
    }
    // A line of short words only is kept in a column of kRecoveredColumnRows such lines (a
    // medication record's route column, "IV", "SC", "PO"), not on its own (a logo's "oN").
    const bool column = clear.size() >= kRecoveredColumnRows;
    bool kept = false;
    for (auto& [line, short_only] : clear) {
      if (short_only && !column) continue;
      for (int& wi : line.words) {
        RawWord w = std::move(words[static_cast<size_t>(wi)]);
        w.line = static_cast<int>(lines.size());
        wi = static_cast<int>(raw.size());
        raw.push_back(std::move(w));
      }
      line.box = WordsBox(raw, line.words);
      lines.push_back(std::move(line));
      kept = true;
    }
    if (kept) {
      ++block;
      ++recovered;
    }
  }
  api.SetPageSegMode(tesseract::PSM_AUTO);
  return recovered;
}

// Gives `page` to `api` as the image to read, at its resolution (0: Tesseract estimates it).
void SetPage(tesseract::TessBaseAPI& api, const ImageView& page, double dpi) {
  api.SetImage(page.data(), page.width(), page.height(), 1, static_cast<int>(page.stride()));
  if (dpi > 0) api.SetSourceResolution(static_cast<int>(dpi + 0.5));
}

// Re-reading doubtful numbers.
//
// Numbers carry what a record is found by and what a clinician acts on (record numbers, NPIs,
// dates, lab values), and no dictionary can repair them afterwards. Read in its line, a number is
// misread where the line's other marks mislead the recognizer: on a fax, a broken rule under a
// form's value row joins the line and the NPI "1511894622" came back as "WS11894622" at 0; a faint
// page's "1989583087" came back as "1989983087" at 59. Read on its own as one line, the same
// pixels give the number whole.
//
// Method: each doubtful number (DoubtfulNumbers in word_filter.h, which holds the parameters), its
// box padded by kRereadPad word heights, is recognized as a single line (PSM_SINGLE_LINE). Of the
// words read, those centred on the first reading's box count; exactly one must, and it replaces
// the first reading's letters and digits and its confidence (the marks at its ends and its box
// stay: see MergeNumberReread, and the layout was built on the box) when it is number-shaped too
// and read with more confidence (NumberRereadIsBetter). Only pages read well overall, as for the
// other re-reads. Returns how many numbers were replaced. Leaves `api` in PSM_AUTO.
int RereadDoubtfulNumbers(tesseract::TessBaseAPI& api, const ImageView& page, double dpi,
                          std::vector<RawWord>& raw, const std::vector<LayoutLine>& lines,
                          tesseract::ETEXT_DESC& monitor) {
  const double h = ReadWellWordHeight(raw, lines);
  if (h <= 0) return 0;
  const std::vector<int> doubtful = DoubtfulNumbers(raw, lines);
  if (doubtful.empty()) return 0;
  // The show-through test of the segments' re-reading may have left a mirrored part as the image.
  SetPage(api, page, dpi);
  const int pad = static_cast<int>(kRereadPad * h);
  int replaced = 0;
  api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  for (int wi : doubtful) {
    RawWord& w = raw[static_cast<size_t>(wi)];
    std::vector<RawWord> words;
    std::vector<LayoutLine> found;
    const BoxRead read = ReadBox(api, page, w.box, pad, monitor, words, found);
    if (read == BoxRead::kStop) break;
    if (read == BoxRead::kEmpty) continue;
    const RawWord* second = nullptr;
    int centred = 0;
    for (const RawWord& r : words) {
      const int cx = r.box.x + r.box.width / 2, cy = r.box.y + r.box.height / 2;
      if (cx >= w.box.x && cx <= w.box.right() && cy >= w.box.y - pad &&
          cy <= w.box.bottom() + pad) {
        second = &r;
        ++centred;
      }
    }
    if (centred != 1 || !NumberRereadIsBetter(w.confidence, second->text, second->confidence))
      continue;
    w.text = MergeNumberReread(w.text, second->text);
    w.confidence = second->confidence;
    w.symbols.clear();
    ++replaced;
  }
  api.SetPageSegMode(tesseract::PSM_AUTO);
  return replaced;
}

// Returns how many segments were replaced. Leaves `api` in PSM_AUTO with no rectangle set.
int RereadDoubtfulSegments(tesseract::TessBaseAPI& api, const ImageView& page, double dpi,
                           std::vector<RawWord>& raw, std::vector<LayoutLine>& lines,
                           tesseract::ETEXT_DESC& monitor) {
  const double h = ReadWellWordHeight(raw, lines);
  if (h <= 0) return 0;
  const std::vector<Segment> segments = DoubtfulSegments(raw, lines, h);
  if (segments.empty()) return 0;

  int replaced = 0;
  std::vector<std::vector<LayoutLine>> added(lines.size());
  std::vector<const Segment*> unresolved;  // segments the re-reading did not improve
  api.SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  for (const Segment& seg : segments) {
    const int pad = static_cast<int>(kRereadPad * h);
    std::vector<RawWord> words;
    std::vector<LayoutLine> found;
    const BoxRead read = ReadBox(api, page, seg.box, pad, monitor, words, found);
    if (read == BoxRead::kStop) break;
    if (read == BoxRead::kEmpty) continue;
    // A word read from the padded box may take in the tops of the line below, and a taller box
    // closes the gap between a form's label row and value row. The first reading's extent holds.
    for (RawWord& w : words) {
      const int top = std::max(w.box.y, seg.box.y),
                bottom = std::min(w.box.bottom(), seg.box.bottom());
      if (bottom > top) w.box = {w.box.x, top, w.box.width, bottom - top};
    }
    // Re-read words count only where the segment's words were (the padded box also reaches into
    // neighbouring lines, which keep their own reading), and not where another line's word was
    // read already (a line above, taken in by a tall box of the segment's): it would be read twice.
    std::vector<Box> others;
    const Box reach{seg.box.x - pad, seg.box.y - pad, seg.box.width + 2 * pad,
                    seg.box.height + 2 * pad};
    for (const LayoutLine& l : lines) {
      for (int i : l.words) {
        const Box& b = raw[static_cast<size_t>(i)].box;
        if (b.Intersects(reach) &&
            std::find(seg.words.begin(), seg.words.end(), i) == seg.words.end())
          others.push_back(b);
      }
    }
    auto inside = [&](const RawWord& w) {
      for (const Box& b : others) {
        if (2 * w.box.Intersected(b).area() > std::min(w.box.area(), b.area())) return false;
      }
      const int cx = w.box.x + w.box.width / 2, cy = w.box.y + w.box.height / 2;
      for (int i : seg.words) {
        const Box& b = raw[static_cast<size_t>(i)].box;
        if (cx >= b.x - pad && cx <= b.right() + pad && cy >= b.y && cy <= b.bottom()) return true;
      }
      return false;
    };
    double reread_sum = 0;
    int n = 0;
    for (LayoutLine& f : found) {
      std::erase_if(f.words, [&](int wi) { return !inside(words[static_cast<size_t>(wi)]); });
      for (int wi : f.words) reread_sum += words[static_cast<size_t>(wi)].confidence;
      n += static_cast<int>(f.words.size());
    }
    std::erase_if(found, [](const LayoutLine& f) { return f.words.empty(); });
    const float reread = n > 0 ? static_cast<float>(reread_sum / n) : 0;
    if (reread < std::max(seg.confidence + kRereadGain, kRereadFloor)) {
      unresolved.push_back(&seg);
      continue;
    }

    // Replace. The segment's words leave their line. One re-read line of the line's own text
    // height takes their place in it (a value read wrong beside its label); otherwise (lines set
    // beside a taller title) the re-read lines follow it as lines of their own.
    LayoutLine& line = lines[seg.line];
    std::erase_if(line.words, [&](int i) {
      return std::find(seg.words.begin(), seg.words.end(), i) != seg.words.end();
    });
    std::vector<double> rest;
    for (int i : line.words) rest.push_back(raw[static_cast<size_t>(i)].box.height);
    const auto append = [&](const LayoutLine& f, LayoutLine& to) {
      for (int wi : f.words) {
        to.words.push_back(static_cast<int>(raw.size()));
        raw.push_back(words[static_cast<size_t>(wi)]);
      }
    };
    bool joined = false;
    if (found.size() == 1 && !rest.empty()) {
      std::vector<double> found_heights;
      for (int wi : found[0].words)
        found_heights.push_back(words[static_cast<size_t>(wi)].box.height);
      const double ratio = Median(found_heights) / std::max(1.0, Median(rest));
      if (ratio > 1 / kJoinHeightRatio && ratio < kJoinHeightRatio) {
        append(found[0], line);
        std::sort(line.words.begin(), line.words.end(), [&](int a, int b) {
          return raw[static_cast<size_t>(a)].box.x < raw[static_cast<size_t>(b)].box.x;
        });
        joined = true;
      }
    }
    line.box = WordsBox(raw, line.words);
    if (!joined) {
      for (const LayoutLine& f : found) {
        LayoutLine l;
        l.block = line.block;
        append(f, l);
        l.box = WordsBox(raw, l.words);
        added[seg.line].push_back(std::move(l));
      }
    }
    ++replaced;
  }
  if (!monitor.deadline_exceeded()) {
    // Show-through runs across a line; Tesseract cuts it into words and segments wherever its
    // garbage has gaps, and a fragment is no more readable mirrored. Neighbouring segments on one
    // row (within kSegmentGap word heights) are read mirrored as one.
    std::sort(unresolved.begin(), unresolved.end(),
              [](const Segment* a, const Segment* b) { return a->box.x < b->box.x; });
    std::vector<std::vector<const Segment*>> groups;
    for (const Segment* seg : unresolved) {
      auto row = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
        Box gb;
        for (const Segment* o : g) gb = gb.United(o->box);
        const int overlap = std::min(gb.bottom(), seg->box.bottom()) - std::max(gb.y, seg->box.y);
        return 2 * overlap > std::min(gb.height, seg->box.height) &&
               seg->box.x - gb.right() <= kSegmentGap * h;
      });
      if (row == groups.end()) {
        groups.push_back({seg});
      } else {
        row->push_back(seg);
      }
    }
    for (const auto& group : groups) {
      if (DropShowThrough(api, page, dpi, group, raw, lines, monitor)) ++replaced;
    }
  }
  api.SetPageSegMode(tesseract::PSM_AUTO);
  if (replaced == 0) return 0;
  std::vector<LayoutLine> merged;
  merged.reserve(lines.size() + static_cast<size_t>(replaced) * 2);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].words.empty()) merged.push_back(std::move(lines[i]));
    for (LayoutLine& l : added[i]) merged.push_back(std::move(l));
  }
  lines = std::move(merged);
  for (size_t li = 0; li < lines.size(); ++li) {
    for (int wi : lines[li].words) raw[static_cast<size_t>(wi)].line = static_cast<int>(li);
  }
  return replaced;
}

Status CheckInput(const ImageView& page) {
  if (page.empty() || page.format() != PixelFormat::kGray8) {
    return Status::InvalidArgument("ocr: expects a non-empty 8-bit grey image");
  }
  return Status::Ok();
}

// Checks the input and gives it to `api` on this thread, with `monitor` set to the deadline.
Status StartReading(tesseract::TessBaseAPI& api, const OcrOptions& options, const ImageView& page,
                    double dpi, tesseract::ETEXT_DESC& monitor) {
  CHARTSCAN_RETURN_IF_ERROR(CheckInput(page));
  // Tesseract's LSTM asks OpenMP for teams of threads. The pipeline already runs one engine per
  // core, so those teams only spin and contend (measured: 4x slower on 2 cores). In libgomp the
  // OpenMP settings are per thread, copied from the process defaults when a thread starts, so they
  // are set here, on the thread that recognizes, not once at start-up.
  omp_set_max_active_levels(0);
  omp_set_num_threads(1);
  SetPage(api, page, dpi);
  if (options.deadline_ms > 0) monitor.set_deadline_msecs(options.deadline_ms);
  return Status::Ok();
}

}  // namespace

struct Engine::Impl {
  OcrOptions options;
  tesseract::TessBaseAPI api;
  std::string loaded;
  std::unique_ptr<WordRepairer> repairer;  // null when word repair is off
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
  if (options.word_repair.enabled) {
    CHARTSCAN_ASSIGN_OR_RETURN(impl->repairer, WordRepairer::Load(options.word_repair));
  }
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Result<Recognition> Engine::Recognize(const ImageView& page, double dpi) {
  auto start = std::chrono::steady_clock::now();
  tesseract::TessBaseAPI& api = impl_->api;
  tesseract::ETEXT_DESC monitor;
  CHARTSCAN_RETURN_IF_ERROR(StartReading(api, impl_->options, page, dpi, monitor));
  Recognition out;
  if (api.Recognize(&monitor) != 0) {
    out.deadline_exceeded = monitor.deadline_exceeded();
    if (!out.deadline_exceeded) {
      api.Clear();
      return Status::Internal("ocr: recognition failed");
    }
  }
  out.deadline_exceeded = out.deadline_exceeded || monitor.deadline_exceeded();

  std::vector<RawWord> raw;
  std::vector<LayoutLine> lines;
  CollectWords(api, raw, lines);
  if (!out.deadline_exceeded) {
    out.regions_recovered = ReadUncoveredInk(api, page, dpi, raw, lines, monitor);
  }
  if (!out.deadline_exceeded && !monitor.deadline_exceeded()) {
    out.segments_reread = RereadDoubtfulSegments(api, page, dpi, raw, lines, monitor);
  }
  // After the segments: a number made sure first would keep its segment from being read again,
  // and the segment's reading may take the line apart (a letterhead's address joined to its
  // title).
  if (!out.deadline_exceeded && !monitor.deadline_exceeded()) {
    out.numbers_reread = RereadDoubtfulNumbers(api, page, dpi, raw, lines, monitor);
  }
  api.Clear();
  out.words_split = SplitJoinedWords(page, raw, lines);
  DropImplausibleWords(raw, lines, page.width(), page.height(), dpi > 0 ? dpi : 300);
  std::vector<LayoutWord> layout_words;
  layout_words.reserve(raw.size());
  for (const RawWord& w : raw) layout_words.push_back({w.box});

  std::vector<LayoutLine> ordered = impl_->options.layout_reading_order
                                        ? OrderLines(lines, layout_words, page.width())
                                        : std::move(lines);
  DropLoneDoubtfulWords(raw, ordered);
  DropGarbledLines(raw, ordered);
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
  DropStrayPunctuation(text.words);
  if (impl_->repairer) out.words_repaired = impl_->repairer->RepairWords(text.words);
  FinalizePageText(text);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

Result<std::vector<Word>> Engine::ReadLine(const ImageView& page, double dpi, const Box& box) {
  tesseract::TessBaseAPI& api = impl_->api;
  tesseract::ETEXT_DESC monitor;
  CHARTSCAN_RETURN_IF_ERROR(CheckInput(page));
  const Box inside = box.Intersected({0, 0, page.width(), page.height()});
  if (inside.empty()) return Status::InvalidArgument("ocr: box outside the image");
  // Only the padded box is given to the recognizer, as a view into the page: giving it the whole
  // page copied every pixel of it for each line read. Tesseract thresholds and reads a rectangle
  // of a page exactly as the same pixels given alone.
  const int pad = static_cast<int>(kRereadPad * inside.height);
  const Box crop =
      Box{inside.x - pad, inside.y - pad, inside.width + 2 * pad, inside.height + 2 * pad}
          .Intersected({0, 0, page.width(), page.height()});
  const ImageView view(page.row(crop.y) + crop.x, crop.width, crop.height, PixelFormat::kGray8,
                       page.stride());
  CHARTSCAN_RETURN_IF_ERROR(StartReading(api, impl_->options, view, dpi, monitor));
  api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  std::vector<RawWord> raw;
  std::vector<LayoutLine> lines;
  const BoxRead read = ReadBox(api, view, {0, 0, crop.width, crop.height}, 0, monitor, raw, lines);
  api.SetPageSegMode(tesseract::PSM_AUTO);
  api.Clear();
  if (read == BoxRead::kStop) return Status::DeadlineExceeded("ocr: reading a line timed out");
  std::vector<Word> out;
  for (RawWord& w : raw) {
    TrimWordSpaces(w);
    if (w.text.empty()) continue;
    const Box at{w.box.x + crop.x, w.box.y + crop.y, w.box.width, w.box.height};
    out.push_back({std::move(w.text), at, w.confidence, 0});
  }
  return out;
}

}  // namespace chartscan::ocr
