// Ground truth for synthetic chart pages, and the text metrics the accuracy gates use.
//
// chartscan-samplegen writes `<file>.truth.json` beside every page file it generates. This header
// is the one definition of that format: the generator serializes with SerializeTruth and the
// accuracy test and benchmarks read with LoadTruth, so the two cannot drift apart.
//
// Coordinates: every box ([x, y, w, h]) is in pixels of the upright, unskewed page at the
// resolution it was rendered at (dpi_x by dpi_y, which differ for fax pages). That is the page
// before any scanner effect: to find a box in the stored image, map it with page_to_image. For
// born-digital PDFs (text_layer true) the page was never rasterized and boxes are given as if it
// had been rendered at dpi_x by dpi_y.
//
// Skew sign convention: skew > 0 means the page content appears rotated clockwise on screen (x
// right, y down) by that many degrees, so a deskewer must rotate it counter-clockwise by skew.
// orientation is the clockwise turn (0, 90, 180, 270) that makes the stored image upright; it is
// applied after deskewing.
//
// Thread safety: everything here is a pure function or a plain value.
// Errors: LoadTruth/ParseTruth/FindTruthFiles return a Status naming the file, never its content.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/env.h>
#include <chartscan/models/geometry.h>
#include <chartscan/models/status.h>

namespace chartscan::samples {

// Bumped when a key changes meaning; readers reject newer versions instead of misreading them.
inline constexpr int kTruthVersion = 1;
inline constexpr std::string_view kTruthSuffix = ".truth.json";

struct TruthLine {
  std::string text;  // one printed line; table rows are cells joined by single spaces
  Box bbox;
  int block = 0;  // lines of one paragraph, table or header block share a number
};

// Field names: patient_name, mrn, dob, date_of_service, admission_date, discharge_date, provider,
// provider_npi, facility, icd10, cpt. A name may occur more than once on a page.
struct TruthField {
  std::string name;
  std::string value;       // exactly as printed
  std::string normalized;  // ISO dates, "FIRST LAST" upper-case names, digits-only NPI...
  Box bbox;                // the printed value only, not its label
};

struct TruthMark {
  std::string kind;  // "signature" (handwritten scribble) or "stamp"
  Box bbox;
};

// A barcode or patch code printed on the page.
struct TruthBarcode {
  std::string payload;  // encoded text; patch codes: "PATCH T" etc.
  std::string format;   // "Code128", "QRCode" (ZXing's names) or "PatchCode"
  std::string kind;     // "separator", "patch" or "patient_label" (chartscan::BarcodeKindName)
  Box bbox;             // the symbol with its bars, without quiet zone or caption
};

struct TruthPatient {
  std::string first;
  std::string middle;  // initial, may be empty
  std::string last;
  std::string sex;  // "M" or "F"
  std::string dob;  // ISO 8601 date
  std::string mrn;  // normalized: letters and digits only, leading zeros kept
};

struct TruthPage {
  int source_page = 1;  // 1-based page within the file
  bool blank = false;
  bool near_blank = false;  // almost empty but not blank: a lone footer, signature or stamp
  int orientation = 0;      // clockwise degrees that make the stored image upright
  double skew = 0;          // degrees, positive = content rotated clockwise (see above)
  int dpi_x = 300;
  int dpi_y = 300;
  int width = 0;   // upright, unskewed page in pixels
  int height = 0;  // ditto
  // Row-major 2x3 affine map from upright-page pixels to stored-image pixels (skew, scanner
  // margin and orientation together).
  std::array<double, 6> page_to_image = {1, 0, 0, 0, 1, 0};
  std::string doc_type;     // discharge_summary, progress_note, ...; empty for blank pages
  int document_index = -1;  // 0-based synthetic document within this file; -1 for blank and
                            // separator pages
  std::string document_id;  // unique within one generator run, e.g. "D0007"; empty for blank and
                            // separator pages
  int document_page = 0;    // 1-based page within that document; 0 for blank and separator pages
  int document_pages = 0;   // pages of that document
  bool text_layer = false;  // the page carries real PDF text
  std::string text;         // lines in reading order joined by '\n'; no scribbles, no stamps
  std::vector<TruthLine> lines;
  std::vector<TruthField> fields;
  std::optional<TruthPatient> patient;  // absent on blank and separator pages
  std::vector<TruthMark> marks;
  // A separator sheet (barcode cover sheet or patch-code sheet) put before a document: not content
  // of any document, not blank. Optional key, false when absent (files written before it existed).
  bool separator = false;
  // Barcodes printed on the page (separator symbols, patch codes, patient labels). Optional key.
  std::vector<TruthBarcode> barcodes;

  // First field with this name, or null.
  const TruthField* FindField(std::string_view name) const;
};

struct TruthFile {
  int version = kTruthVersion;
  std::string file;     // the page file's name, without directory
  std::string format;   // png, jpeg, tiff, tiff-g4, pdf
  std::string variant;  // gray8, gray16, rgb, bilevel, scanned, born-digital
  std::string profile;  // degradation profile name (clean, light, heavy, fax, ...)
  std::uint64_t seed = 0;
  bool text_layer = false;
  std::vector<TruthPage> pages;
};

// Pretty-printed JSON with a fixed key order: equal TruthFiles give byte-identical output.
std::string SerializeTruth(const TruthFile& truth);
// kCorrupt on malformed JSON or missing required keys; kUnsupported on a newer version.
Result<TruthFile> ParseTruth(std::string_view json);
// Reads and parses one .truth.json file; errors name the path.
Result<TruthFile> LoadTruth(const std::string& path, Env& env = *Env::Default());
// Every *.truth.json below dir (recursively), sorted by path.
Result<std::vector<std::string>> FindTruthFiles(const std::string& dir, Env& env = *Env::Default());
// "dir/0001-clean.png.truth.json" -> "dir/0001-clean.png"; unchanged if there is no suffix.
std::string PageFileForTruth(std::string_view truth_path);

// ---- Text metrics -------------------------------------------------------------------------
//
// Character error rate compares text, not layout: whitespace runs (line breaks included) count as
// one space, and the few typographic characters an OCR engine emits for ASCII input (curly quotes,
// dashes, ligatures, non-breaking spaces) are mapped back to ASCII first. Invalid UTF-8 bytes
// decode to U+FFFD each, so a broken hypothesis still gets a score.

// Collapses whitespace to single spaces, trims, and maps typographic characters to ASCII.
std::string NormalizeForCer(std::string_view text);
// Levenshtein distance over Unicode code points (insert, delete, substitute each cost 1).
// O(n*m) time, O(min(n, m)) memory.
std::size_t EditDistance(std::string_view a, std::string_view b);
// EditDistance of the normalized texts divided by the normalized reference length in code points.
// Can exceed 1 when the hypothesis is much longer. An empty reference gives 0 for an empty
// hypothesis and 1 otherwise.
double CharacterErrorRate(std::string_view reference, std::string_view hypothesis);
// Number of code points in UTF-8 text (invalid bytes count one each).
std::size_t CodePointCount(std::string_view text);

}  // namespace chartscan::samples
