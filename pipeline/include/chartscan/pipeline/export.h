// The export formats (README "Export"): `chartscan export --format jsonl` writes one page record
// per line, `--format documents-jsonl` one document record per line; the viewer's document download
// is a document record with its pages' text. The keys are a contract other tools read: add keys
// freely, never rename or remove one. Pure functions.
#pragma once

#include <string>
#include <vector>

#include <chartscan/models/records.h>

namespace chartscan::pipeline {

// One JSON object, without a newline. `words`: also each word with its box and confidence.
std::string ExportPageLine(const StoredPage& page, bool words);
// One JSON object, without a newline. `chart` may be null (no chart). When `pages` is given (the
// document's pages in order), their text is added as "page_text": [{"page_id", "text"}...].
std::string ExportDocumentLine(const DocumentInfo& document, const ChartInfo* chart,
                               const std::vector<StoredPage>* pages = nullptr);

}  // namespace chartscan::pipeline
