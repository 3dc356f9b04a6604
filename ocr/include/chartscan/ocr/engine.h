// Text recognition with Tesseract (LSTM engine).
//
// An Engine wraps one Tesseract instance. Loading the language model costs a few hundred
// milliseconds and some tens of megabytes, so the pipeline creates one Engine per worker thread and
// reuses it for every page. Tesseract's own OpenMP threading is switched off for the process when
// the first Engine is created: chartscan parallelizes across pages, and nested threads only add
// contention on a machine whose cores are already busy.
//
// Input is an 8-bit grey image (already cleaned: upright, deskewed, background normalized) and its
// resolution. Output is words with boxes (in the input image's pixels) and confidences 0-100,
// grouped into lines and blocks, in reading order (see reading_order.h).
//
// Errors: Create fails with kUnavailable when the language data is missing (the message names the
// languages and the folder searched), and with kNotFound or kUnavailable when word repair is on and
// its dictionaries are missing or do not load (the message names the file). Recognize fails with
// kInvalidArgument for an empty or non-grey image. A page that exceeds the deadline is not an
// error: what was recognized so far is returned with `deadline_exceeded` set, so one pathological
// page cannot hold up a batch.
//
// Thread safety: an Engine is not thread-safe; use one per thread. Distinct Engines may run
// concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <chartscan/models/image.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::ocr {

// Repair of words read as no word, a letter or two from a common one ("meilitus" -> "mellitus",
// "heaith" -> "health"; ocr/src/word_repair.cc). Only lower-case words are repaired: names,
// acronyms and headings are left as read.
struct WordRepairOptions {
  bool enabled = true;
  // Hunspell dictionary: the path of its .aff and .dic files without the extension. It decides
  // whether a reading is a word (with its inflections) and whether a repair would be one.
  std::string dictionary = "/usr/share/hunspell/en_US";
  // More word lists in Hunspell's .dic format (a count line, then a word a line, optionally with
  // /flags), read with the dictionary's affix rules: the medical dictionary, a facility's own
  // terms. Their words are repairs as good as common words.
  std::vector<std::string> extra_dictionaries = {"/usr/share/hunspell/en_med_glut.dic"};
  // Plain list of common general words, one a line: general words outside it (rare ones such as
  // "wale" or "rusks") are never repairs.
  std::string common_words = "/usr/share/dict/american-english-small";
  // kNotFound naming the first missing file (and the Debian package that ships it).
  Status Validate() const;
};

struct OcrOptions {
  std::string languages = "eng";  // Tesseract language codes joined by '+'
  std::string tessdata_dir;       // empty: TESSDATA_PREFIX, else Tesseract's built-in default
  int deadline_ms = 120'000;      // per page; 0 = none
  // Try inverted (white on black) text lines, as Tesseract does by default. Off by default: the
  // cleanup stage normalizes polarity and the extra pass costs ~10% of recognition time.
  bool detect_inverted_text = false;
  // Reading order from the geometry of the lines (OrderLines: columns, then rows; form and table
  // cells row by row). Off: Tesseract's block order, which flips between row and column order on
  // forms with a one-pixel change of the image.
  bool layout_reading_order = true;
  WordRepairOptions word_repair;

  Status Validate() const;
};

struct Recognition {
  PageText text;
  bool deadline_exceeded = false;
  double seconds = 0;
  // Parts of lines read a second time on their own whose second reading was kept, plus groups of
  // them whose show-through was dropped (engine.cc, "Re-reading doubtful segments",
  // "Show-through").
  int segments_reread = 0;
  // Doubtful numbers read a second time on their own whose second reading was kept (engine.cc,
  // "Re-reading doubtful numbers").
  int numbers_reread = 0;
  // Words split where a space shows in the image that the recognizer did not read
  // (SplitJoinedWords, "Joined words" in the stage's word filters).
  int words_split = 0;
  // Regions of ink that no line of the first reading covered whose own reading was kept
  // (engine.cc, "Reading ink no line took in").
  int regions_recovered = 0;
  // Words read as no word and repaired to the common word a confusion or two away
  // (WordRepairOptions).
  int words_repaired = 0;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(const OcrOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Recognizes a whole page. `dpi` is the image's resolution (used by Tesseract's layout analysis
  // for size thresholds); 0 lets Tesseract estimate it.
  Result<Recognition> Recognize(const ImageView& page, double dpi);

  // Reads the text inside `box` (page pixels, padded by a third of its height) on its own, as one
  // line (Tesseract's PSM_SINGLE_LINE): a second look at a value the page's reading garbled, where
  // the marks around it misled the recognizer. Returns the words read (boxes in page pixels,
  // line 0), possibly none. `page` must be the image the page was recognized from. Errors:
  // kInvalidArgument for an empty or non-grey image or a box outside it; kDeadlineExceeded past
  // the engine's deadline.
  Result<std::vector<Word>> ReadLine(const ImageView& page, double dpi, const Box& box);

  // The languages actually loaded, e.g. "eng".
  const std::string& languages() const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chartscan::ocr
