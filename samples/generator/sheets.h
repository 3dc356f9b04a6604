// Separator sheets and patient-label barcodes for the sample generator.
//
// Records departments split a stack of paper into documents with separator sheets put before each
// document: a barcode cover sheet (a Code 128 or QR symbol whose payload says "separator", with a
// human-readable "DOCUMENT SEPARATOR" caption) or a Kodak patch-code sheet (patch T, the transfer
// patch: bars 0.2 inch wide or 0.08 inch narrow, N W N W, separated by 0.08 inch spaces). Charts
// also carry patient labels: small stickers with a Code 128 of the MRN above the name and date of
// birth. Symbols are encoded with ZXing-cpp's writer and drawn as filled rectangles, so they render
// exactly at any dpi (and as vectors in born-digital PDFs) and degrade with the page.
//
// Thread safety: as layout.h (one PangoContext per thread). Deterministic in the Rng.
#pragma once

#include <string>

#include <chartscan/samples/rng.h>

#include "layout.h"

namespace chartscan::samples {

enum class SeparatorKind { kNone, kBarcode, kPatch };

// A separator sheet on US Letter. sequence numbers the sheet within the run (some payloads carry
// it: "SEP-0007"). The layout has separator set, no document, and its symbols in barcodes.
PageLayout MakeSeparatorSheet(PangoContext* context, SeparatorKind kind, int sequence, Rng rng);

// Puts a patient label (Code 128 of the patient's MRN, name, DOB and MRN in text) near the top of
// the page, where it overlaps nothing printed. Adds its lines, fields and barcode to the truth.
// Returns false, leaving the page unchanged, when there is no room.
bool AddPatientLabel(PangoContext* context, PageLayout& page, Rng rng);

}  // namespace chartscan::samples
