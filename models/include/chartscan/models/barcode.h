// Barcodes found on a page, and whether the page is a separator sheet.
//
// Plain values: the barcode stage produces them and other stages (document splitting, the store,
// exports) carry them without linking the barcode stage or its third-party libraries. Standard
// library only.
//
// Thread safety: values; distinct objects may be used from distinct threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <chartscan/models/geometry.h>

namespace chartscan {

// What a barcode means for document splitting. Decided from the payload and the symbology by the
// barcode stage's options (separator payload pattern, patient-label pattern).
enum class BarcodeKind : std::uint8_t {
  kOther = 0,     // read, but neither a separator nor a patient label
  kSeparator,     // its payload marks a separator (cover) sheet: the page is not content
  kPatch,         // a Kodak patch code (bars only, no data besides the patch type)
  kPatientLabel,  // its payload looks like a patient identifier (an MRN label)
};

constexpr std::string_view BarcodeKindName(BarcodeKind kind) {
  switch (kind) {
    case BarcodeKind::kSeparator:
      return "separator";
    case BarcodeKind::kPatch:
      return "patch";
    case BarcodeKind::kPatientLabel:
      return "patient_label";
    case BarcodeKind::kOther:
      break;
  }
  return "other";
}

struct Barcode {
  // Decoded text (UTF-8). Patch codes have no data: their payload is the patch type as printed on
  // Kodak sheets, "PATCH 1", "PATCH 2", "PATCH 3", "PATCH 4", "PATCH 6" or "PATCH T".
  std::string payload;
  // Symbology name: "Code128", "Code39", "QRCode", "DataMatrix", "PDF417"... (ZXing's names), or
  // "PatchCode".
  std::string symbology;
  // Axis-aligned bounds in pixels of the page image as it was passed in. For linear symbologies
  // the box spans the scan lines that decoded, which may be shorter than the printed bars.
  Box box;
  // Direction the symbol reads in, degrees clockwise from left-to-right (0, 90, 180, 270 plus
  // skew). For patch codes, the direction across the bars in which the type was read.
  double angle = 0;
  BarcodeKind kind = BarcodeKind::kOther;
};

// Whether a page is a separator sheet and which of its barcodes said so.
struct SeparatorSheet {
  bool separator = false;
  BarcodeKind by = BarcodeKind::kOther;  // kSeparator (cover sheet) or kPatch when separator
  int barcode = -1;                      // index of the deciding barcode; -1 when not a separator
};

}  // namespace chartscan
