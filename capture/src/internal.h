// Pieces shared by the capture readers. Private to the capture stage: no third-party types here, so
// each reader's library stays inside its own file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <chartscan/capture/source.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {

// --- internal.cc

// "page 3 of scan.tif": how every page-level message starts.
std::string PageLabel(const std::string& name, int index);

// kTooLarge when width x height breaks the options' limits, kCorrupt when a side is not positive.
// `where` starts the message (a file name or a PageLabel).
Status CheckDimensions(std::int64_t width, std::int64_t height, const CaptureOptions& options,
                       const std::string& where);

// The kNotFound status ReadPage returns for an index outside the source.
Status NoSuchPage(const std::string& name, int index, int page_count);

// Silences Leptonica's stderr messages (its severity threshold is process-wide). Called by every
// entry point that decodes with Leptonica; runs once per process. libtiff needs nothing here: our
// own handles carry per-handle error handlers, and Leptonica clears libtiff's global handlers each
// time it opens a TIFF.
void InitializeImageLibraries();

// Keeps library messages fit for a Status: printable ASCII only and at most 160 characters.
std::string SanitizeLibraryMessage(std::string_view message);

// --- the readers (raster_source.cc, tiff_source.cc, pdf_source.cc)
Result<std::unique_ptr<SourceReader>> OpenRasterSource(SourceKind kind, std::string bytes,
                                                       std::string name,
                                                       const CaptureOptions& options);
Result<std::unique_ptr<SourceReader>> OpenTiffSource(std::string bytes, std::string name,
                                                     const CaptureOptions& options);
Result<std::unique_ptr<SourceReader>> OpenPdfSource(std::string bytes, std::string name,
                                                    const CaptureOptions& options);

// --- text_layer.cc

// One character of a PDF text layer as Poppler lays it out: a box in points on the rotated page
// (origin top-left, y down).
struct GlyphBox {
  double x1 = 0;
  double y1 = 0;
  double x2 = 0;
  double y2 = 0;
};

// Builds PageText from a page's text (UTF-8, lines separated by '\n') and one box per character,
// scaled by `scale` pixels per point and clipped to the image. Returns nullopt when the text is not
// a real text layer (see text_layer.cc) or when text and boxes do not line up.
std::optional<PageText> BuildTextLayer(std::string_view utf8, const std::vector<GlyphBox>& glyphs,
                                       double scale, int image_width, int image_height,
                                       std::size_t min_chars);

}  // namespace chartscan::capture
