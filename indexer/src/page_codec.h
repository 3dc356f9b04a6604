// Compact JSON for the parts of a page that are stored whole: words, lines and quality figures.
//
// Words are arrays [text, x, y, width, height, confidence, line] and lines [x, y, width, height,
// block] rather than objects, which keeps a dense page's words to about a third of the size.
// Quality is an object keyed by member name so figures can be added without a migration: a
// missing key reads as the member's default. Numbers round-trip exactly (shortest form that
// parses back to the same float or double). Word text must be UTF-8 (as OCR produces); invalid
// bytes are stored as U+FFFD rather than failing the page.
#pragma once

#include <string>
#include <vector>

#include <chartscan/models/barcode.h>
#include <chartscan/models/page.h>
#include <chartscan/models/status.h>

namespace chartscan::indexer {

std::string EncodeWords(const std::vector<Word>& words);
std::string EncodeLines(const std::vector<TextLine>& lines);
std::string EncodeQuality(const PageQuality& quality);
// Barcodes as objects {payload, symbology, bbox, angle, kind}; an unknown kind reads as kOther.
std::string EncodeBarcodes(const std::vector<Barcode>& barcodes);

// kCorrupt when the stored text is not what Encode* wrote.
Result<std::vector<Word>> DecodeWords(const std::string& json);
Result<std::vector<TextLine>> DecodeLines(const std::string& json);
Result<PageQuality> DecodeQuality(const std::string& json);
Result<std::vector<Barcode>> DecodeBarcodes(const std::string& json);

}  // namespace chartscan::indexer
