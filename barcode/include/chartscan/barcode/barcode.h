// Barcode stage: read the barcodes on a captured page and tell separator sheets from content.
//
// ReadBarcodes finds, on one page image (grey or RGB, any resolution, anisotropic fax pixels too):
//   - symbols ZXing-cpp reads (Code 128, Code 39, QR, Data Matrix, PDF417... as configured), each
//     with its payload, symbology, box and a kind decided from the payload: a separator cover
//     sheet's code ("SEP...", "CHARTSCAN-SEP..." by default), a patient label (an MRN-like
//     payload) or other;
//   - Kodak patch codes (PATCH 1, 2, 3, 4, 6, T), which ZXing does not read: four parallel bars,
//     each wide (0.2") or narrow (0.08"), separated by narrow (0.08") spaces, measured here from
//     the bar widths in inches (see src/patch.cc).
// ClassifySeparator then says whether the page is a separator sheet: a cover sheet whose barcode
// matches the separator pattern, or a patch-code sheet of a separator patch type. A page carrying
// only a patient label, or any other barcode, is content.
//
// The page is taken as captured (no cleanup needed): the stage does its own grey conversion,
// resampling and binarization. Boxes are in pixels of the image passed in.
//
// Errors: kInvalidArgument for an empty image, a negative resolution or invalid options;
// kTooLarge beyond BarcodeOptions::max_pixels; kInternal if ZXing or OpenCV throws (converted
// here, never propagated). A page without barcodes is not an error (empty list).
// Thread safety: every function is reentrant and keeps no state; call them from any number of
// threads. Options and inputs are only read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <chartscan/models/barcode.h>
#include <chartscan/models/image.h>
#include <chartscan/models/status.h>

namespace chartscan::barcode {

struct BarcodeOptions {
  // ZXing symbology names to look for ("Code128", "Code39", "QRCode"...; see ZXing's
  // BarcodeFormat). Empty: every symbology ZXing knows (slower, more false reads on text).
  std::vector<std::string> symbologies = {"Code128", "Code39", "QRCode", "DataMatrix", "PDF417"};
  // A payload starting with one of these (exact case) marks a separator cover sheet.
  std::vector<std::string> separator_prefixes = {"SEP", "CHARTSCAN-SEP"};
  // Optional ECMAScript regular expression; a payload matching it entirely is a separator too.
  std::string separator_pattern;
  // Payloads matching this ECMAScript expression entirely are patient labels (an MRN, optionally
  // prefixed "MRN", letters then digits). Empty: no barcode is classified as a patient label.
  std::string patient_label_pattern = R"((MRN[:# ]?)?[A-Z]{0,4}[- ]?[0-9][0-9-]{3,15})";
  // Look for Kodak patch codes.
  bool detect_patch_codes = true;
  // Patch types ("1", "2", "3", "4", "6", "T") that make a page a separator sheet. A sheet turned
  // 180 degrees reads mirrored (T as 3, 1 as 6), so the default accepts every type.
  std::vector<std::string> separator_patches = {"1", "2", "3", "4", "6", "T"};
  // While nothing is read, read again copies cleaned for photocopied (thickened) bars and for
  // speckled grey scans (about triples the time of pages without barcodes).
  bool retry_cleaned = true;
  // Pages with more pixels than this are refused (kTooLarge).
  long long max_pixels = 120'000'000;

  // Checks symbology names, patterns and patch types. Call once, up front.
  Status Validate() const;
};

// Every barcode and patch code on the page. dpi is the page's resolution (both axes); 0 means
// unknown, in which case patch codes are measured as if the page were 8.5 inches wide. Results are
// ordered top to bottom, then left to right.
Result<std::vector<Barcode>> ReadBarcodes(const ImageView& page, double dpi,
                                          const BarcodeOptions& options);
// The same for anisotropic pages (a 204 x 98 dpi fax): pixels are made square internally and boxes
// come back in the page's own pixels.
Result<std::vector<Barcode>> ReadBarcodes(const ImageView& page, Resolution resolution,
                                          const BarcodeOptions& options);

// The kind of a decoded payload under the options (never kPatch: patch codes are not decoded by
// ZXing). Used by ReadBarcodes; exposed for callers that read barcodes elsewhere.
Result<BarcodeKind> ClassifyPayload(std::string_view payload, const BarcodeOptions& options);

// Whether barcodes read from one page make it a separator sheet: the first barcode of kind
// kSeparator, else the first patch code of a type in options.separator_patches.
SeparatorSheet ClassifySeparator(const std::vector<Barcode>& barcodes,
                                 const BarcodeOptions& options);

// ReadBarcodes then ClassifySeparator.
Result<SeparatorSheet> DetectSeparator(const ImageView& page, double dpi,
                                       const BarcodeOptions& options);

}  // namespace chartscan::barcode
