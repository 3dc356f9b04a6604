// Capture: turning files into page images.
//
// A source is one input file: PNG, JPEG, TIFF (single or multi-page; 1-bit CCITT G3/G4 faxes,
// 8/16-bit grey, 8/16-bit colour, palette) or PDF. Kinds are recognized by content (magic bytes),
// never by file name. SourceReader decodes one page at a time so a 500-page TIFF or PDF never sits
// decoded in memory at once.
//
// Images leave capture as 8-bit grey or RGB. 16-bit samples are scaled down, palettes expanded,
// 1-bit pages expanded to 0/255 grey with `bilevel` set. The resolution recorded in the file is
// kept (anisotropic fax resolutions such as 204x98 dpi included); unknown resolution is 0.
//
// PDF pages are rasterized with Poppler at their native scan resolution (the resolution of the
// largest image on the page, clamped to [min_pdf_dpi, max_pdf_dpi]) or at default_pdf_dpi when the
// page holds no image covering at least a tenth of it (a logo or signature says nothing about the
// page). /Rotate is applied, so the image is the page as a viewer shows it. A page too large for
// the pixel limits at that resolution is rendered at the highest resolution that fits, down to
// min_pdf_dpi, below which it is refused. A page that carries a real text layer (enough printable
// text, mostly letters and digits, not just an invisible OCR layer of garbage) also returns it,
// with word boxes in the rendered image's pixels, so the pipeline can keep that text instead of
// OCR.
//
// Errors: every failure is a Status whose message names the file (as given) and, for a page, its
// 1-based page number: kNotFound, kIoError, kCorrupt (empty, truncated/damaged, a PDF without
// pages), kUnsupported (not an image or PDF, or a sample format capture does not decode),
// kEncrypted (password-protected PDF), kTooLarge (file size, page count or pixel limits).
// Dimensions are checked from the header before any pixel buffer is allocated. Messages never
// quote the file's text.
//
// Thread safety: free functions are thread-safe. A SourceReader is not; use one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/env.h>
#include <chartscan/models/image.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {

enum class SourceKind { kUnknown, kPng, kJpeg, kTiff, kPdf, kPnm, kBmp, kWebp };

std::string_view SourceKindName(SourceKind kind);  // "png", "jpeg", "tiff", "pdf"...

// Identifies a kind from the first bytes of a file. kUnknown when nothing matches.
SourceKind SniffKind(std::string_view head);

struct CaptureOptions {
  std::uint64_t max_file_bytes = 2ull << 30;   // 2 GiB
  std::int64_t max_page_pixels = 400'000'000;  // e.g. 17x22 in at 1000 dpi; larger is refused
  int max_page_dimension = 60'000;             // pixels, either axis
  int max_pages = 5'000;                       // per file
  double default_pdf_dpi = 300;
  double min_pdf_dpi = 150;
  double max_pdf_dpi = 600;
  std::size_t min_text_layer_chars = 20;  // fewer printable chars: treat as scanned

  Status Validate() const;
};

// The files to ingest, in a stable order, from paths naming files or folders. A named file is
// always returned (even with an unknown extension: reading it will say what is wrong). Folders are
// walked recursively in name order; inside them only files with a known image/PDF extension (or
// recognizable magic bytes) are taken, hidden files and directories (".name") and temporary names
// ("*.tmp", "*.part", "~*") are skipped. Magic bytes are only sniffed for files up to 64 MiB
// (larger files without a known extension are skipped). A path is returned once even when named
// twice. A missing path, an unreadable folder or a folder nested deeper than 32 levels (a symlink
// loop) is reported in `problems` (which may be null) and does not stop the walk.
std::vector<std::string> DiscoverFiles(Env& env, const std::vector<std::string>& paths,
                                       std::vector<Status>* problems);

struct CapturedPage {
  int index = 0;          // 0-based page within the source
  Image image;            // kGray8 or kRgb8
  Resolution resolution;  // as recorded in the file (or chosen for PDF rendering); 0 = unknown
  bool bilevel = false;   // the stored page was 1-bit (fax, lineart scan)
  std::optional<PageText> text_layer;  // PDF page with a real text layer (boxes in image pixels)
};

class SourceReader {
 public:
  // Opens a source held in memory. `name` is used in error messages only (the path as given).
  // Validates the container and counts pages; pixels are decoded lazily by ReadPage. Options that
  // fail Validate() give kInvalidArgument. The dimensions of a single-image file (PNG, JPEG, PNM,
  // BMP, WebP) are checked here; those of a TIFF or PDF page when it is read.
  static Result<std::unique_ptr<SourceReader>> Open(std::string bytes, std::string name,
                                                    const CaptureOptions& options);
  virtual ~SourceReader() = default;

  virtual SourceKind kind() const = 0;
  virtual int page_count() const = 0;
  // Decodes page `index` (0-based). A damaged page fails on its own; other pages stay readable.
  // (In a TIFF whose directory chain breaks, the broken directory is the last page and fails.)
  // An index outside [0, page_count()) is kNotFound.
  virtual Result<CapturedPage> ReadPage(int index) = 0;
};

}  // namespace chartscan::capture
