// Drawing a PageLayout's operations with Cairo and PangoCairo.
//
// RenderInk rasterizes a page at dpi_x by dpi_y (they may differ: a fax is 204 x 98) into an
// 8-bit ink-coverage map, 0 = bare paper and 255 = full ink, which degrade.cc turns into paper,
// toner and scanner effects. PdfWriter draws the same operations onto a PDF surface, so the text
// stays real text (a born-digital PDF), or places already-degraded rasters as page images (a
// scanned PDF).
//
// Thread safety: layouts belong to one PangoContext; render a page on the thread that composed it.
// Errors: Cairo failures come back as Status (kInternal); nothing throws.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include <chartscan/models/status.h>

#include "layout.h"

namespace chartscan::samples {

// Ink coverage of the page, CV_8UC1, round(width pt * dpi_x / 72) x round(height pt * dpi_y / 72).
Result<cv::Mat> RenderInk(const PageLayout& page, int dpi_x, int dpi_y);

// Accumulates pages into one PDF held in memory.
class PdfWriter {
 public:
  // creation_date is written as the document's CreationDate ("2024-03-18T10:00:00"); fixing it
  // keeps the output byte-identical for a seed.
  explicit PdfWriter(std::string creation_date);
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  // A born-digital page: the layout's operations as vector text and graphics.
  Status AddVectorPage(const PageLayout& page);
  // A scanned page: grey pixels (CV_8UC1) shown at dpi_x by dpi_y. jpeg_quality > 0 embeds the
  // image as a JPEG (DCTDecode) as scanners do; 0 embeds it losslessly.
  Status AddImagePage(const cv::Mat& gray, int dpi_x, int dpi_y, int jpeg_quality);
  // Finishes the document and returns its bytes. The writer is unusable afterwards.
  Result<std::string> Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace chartscan::samples
