// Cleanup: make a scanned page readable before OCR.
//
// CleanPage takes a captured page (grey or colour, any resolution, possibly anisotropic like a
// 204x98 dpi fax) and returns an upright, deskewed, background-normalized page at the OCR working
// resolution, the decision whether it is blank, and quality figures. Steps, each explained in its
// own source file:
//   1. resample to the working resolution (upsampling faxes and low-resolution scans, making
//      anisotropic pixels square; pages of unknown resolution are scaled by their text size),
//   2. normalize background and illumination (shadows, grey or yellowed paper, uneven lighting),
//   3. binarize with a threshold chosen from the normalized page, remove speckle, dark scanner
//      borders and punch holes, and suppress faint bleed-through,
//   4. find the text direction (0/90/180/270) and the skew (projection profiles, +-max_skew),
//   5. rotate, then build the OCR image: either the binarized page or the normalized grey page with
//      everything that is not ink set to paper white (keeps anti-aliased strokes on blurred pages);
//      table and form rules are erased from a copy the recognizer reads (rules.cc), the display
//      image keeps them,
//   6. decide blank: no text line, signature, stamp or mark survives cleanup.
//
// Errors: kInvalidArgument for an empty image or invalid options; kInternal if OpenCV throws
// (converted here, never propagated). A blank page is not an error.
// Thread safety: all functions are reentrant; call them from any number of threads.
#pragma once

#include <string>

#include <chartscan/models/image.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::cleanup {

enum class BinarizeMode {
  kAuto,    // per page: binarize speckled/noisy pages, keep masked grey on blurred or faint ones
  kAlways,  // always hand OCR a 1-bit page
  kNever,   // always hand OCR the masked grey page
};

struct CleanupOptions {
  double target_dpi = 300;  // working resolution for pages outside [min_dpi, max_dpi]
  double min_dpi = 240;     // below this, pages are upsampled to target_dpi
  double max_dpi = 400;     // above this, pages are downsampled to target_dpi
  double max_skew = 15;     // degrees searched either side of each orientation
  bool detect_orientation = true;
  bool deskew = true;
  BinarizeMode binarize = BinarizeMode::kAuto;
  bool remove_rules = true;  // erase ruling lines from the OCR image

  Status Validate() const;
};

struct CleanedPage {
  Image image;      // kGray8, upright and deskewed: kept for display, and the OCR input unless...
  Image ocr_image;  // ...this is set: `image` with table rules and stray specks erased (same size)
  double dpi = 0;   // resolution of both images

  // What the recognizer should read.
  ImageView ocr_view() const { return ocr_image.empty() ? image.view() : ocr_image.view(); }
  bool blank = false;
  PageQuality quality;
};

Result<CleanedPage> CleanPage(const ImageView& page, Resolution resolution, bool bilevel,
                              const CleanupOptions& options);

// Rotates a cleaned page by a multiple of 90 degrees clockwise, updating its orientation. Used when
// a later stage (OCR confidence) overrules the orientation cleanup chose.
void RotateCleanedPage(CleanedPage& page, int clockwise_degrees);

struct EncodedImage {
  std::string bytes;
  std::string format;  // "png"
  int width = 0;
  int height = 0;
};

// Sets how many threads OpenCV may use inside one CleanPage call (process-wide). The pipeline sets
// 1 when it already runs one worker per core, to avoid oversubscribing the machine; 0 restores
// OpenCV's default (all cores).
void SetThreadsPerPage(int threads);

// Encodes a cleaned page for storage and display: 1-bit PNG when the page is binarized, 8-bit grey
// PNG otherwise (masked pages are mostly pure white and compress well).
Result<EncodedImage> EncodeForDisplay(const CleanedPage& page);

}  // namespace chartscan::cleanup
