// Recognizing a source by its first bytes, checking options, and handing the bytes to the reader
// for their kind. Magic numbers are matched strictly enough that a text file whose first letters
// happen to spell "BM" or "P1" is not taken for an image.
#include <cctype>
#include <cmath>
#include <cstring>
#include <string>

#include <chartscan/capture/source.h>

#include "internal.h"

namespace chartscan::capture {
namespace {

// Acrobat accepts a "%PDF-" header anywhere in the first 1024 bytes (some producers put junk or a
// MIME preamble first), and so does Poppler.
constexpr std::size_t kPdfHeaderWindow = 1024;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::uint32_t Le32(std::string_view s, std::size_t at) {
  auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i]));
  };
  return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}

bool IsPnmSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// "P1".."P6", whitespace, then (after more whitespace or '#' comment lines) the width's first
// digit.
bool LooksLikePnm(std::string_view s) {
  if (s.size() < 4 || s[0] != 'P' || s[1] < '1' || s[1] > '6' || !IsPnmSpace(s[2])) return false;
  std::size_t i = 2;
  while (i < s.size()) {
    if (IsPnmSpace(s[i])) {
      ++i;
    } else if (s[i] == '#') {
      while (i < s.size() && s[i] != '\n' && s[i] != '\r') ++i;
    } else {
      return std::isdigit(static_cast<unsigned char>(s[i])) != 0;
    }
  }
  return false;
}

// "BM" alone would match text; the DIB header that follows has one of a few known sizes.
bool LooksLikeBmp(std::string_view s) {
  if (s.size() < 18 || !StartsWith(s, "BM")) return false;
  switch (Le32(s, 14)) {
    case 12:
    case 40:
    case 52:
    case 56:
    case 64:
    case 108:
    case 124:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kUnknown:
      return "unknown";
    case SourceKind::kPng:
      return "png";
    case SourceKind::kJpeg:
      return "jpeg";
    case SourceKind::kTiff:
      return "tiff";
    case SourceKind::kPdf:
      return "pdf";
    case SourceKind::kPnm:
      return "pnm";
    case SourceKind::kBmp:
      return "bmp";
    case SourceKind::kWebp:
      return "webp";
  }
  return "unknown";
}

SourceKind SniffKind(std::string_view head) {
  using namespace std::string_view_literals;
  if (StartsWith(head, "\x89PNG\r\n\x1a\n"sv)) return SourceKind::kPng;
  if (StartsWith(head, "\xff\xd8\xff"sv)) return SourceKind::kJpeg;
  if (StartsWith(head, "II*\0"sv) || StartsWith(head, "MM\0*"sv) ||  // classic TIFF
      StartsWith(head, "II+\0"sv) || StartsWith(head, "MM\0+"sv)) {  // BigTIFF
    return SourceKind::kTiff;
  }
  if (head.size() >= 12 && StartsWith(head, "RIFF") && head.substr(8, 4) == "WEBP") {
    return SourceKind::kWebp;
  }
  if (LooksLikePnm(head)) return SourceKind::kPnm;
  if (LooksLikeBmp(head)) return SourceKind::kBmp;
  if (head.substr(0, kPdfHeaderWindow).find("%PDF-") != std::string_view::npos) {
    return SourceKind::kPdf;
  }
  return SourceKind::kUnknown;
}

Status CaptureOptions::Validate() const {
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("capture options: " + what);
  };
  if (max_file_bytes == 0) return bad("max_file_bytes must be positive");
  if (max_page_pixels <= 0) return bad("max_page_pixels must be positive");
  if (max_page_dimension <= 0) return bad("max_page_dimension must be positive");
  if (max_pages <= 0) return bad("max_pages must be positive");
  for (double dpi : {default_pdf_dpi, min_pdf_dpi, max_pdf_dpi}) {
    if (!std::isfinite(dpi) || dpi < 1 || dpi > 4800) {
      return bad("PDF resolutions must lie in [1, 4800] dpi");
    }
  }
  if (min_pdf_dpi > max_pdf_dpi) return bad("min_pdf_dpi exceeds max_pdf_dpi");
  if (default_pdf_dpi < min_pdf_dpi || default_pdf_dpi > max_pdf_dpi) {
    return bad("default_pdf_dpi must lie in [min_pdf_dpi, max_pdf_dpi]");
  }
  return Status::Ok();
}

Result<std::unique_ptr<SourceReader>> SourceReader::Open(std::string bytes, std::string name,
                                                         const CaptureOptions& options) {
  if (Status valid = options.Validate(); !valid.ok()) return valid.WithContext(name);
  if (bytes.size() > options.max_file_bytes) {
    return Status::TooLarge(name + ": " + std::to_string(bytes.size()) +
                            " bytes exceeds the limit of " +
                            std::to_string(options.max_file_bytes));
  }
  if (bytes.empty()) return Status::Corrupt(name + ": the file is empty");

  SourceKind kind = SniffKind(std::string_view(bytes).substr(0, kPdfHeaderWindow));
  switch (kind) {
    case SourceKind::kUnknown:
      return Status::Unsupported(name + ": not a recognized image or PDF");
    case SourceKind::kPdf:
      return OpenPdfSource(std::move(bytes), std::move(name), options);
    case SourceKind::kTiff:
      InitializeImageLibraries();
      return OpenTiffSource(std::move(bytes), std::move(name), options);
    case SourceKind::kPng:
    case SourceKind::kJpeg:
    case SourceKind::kPnm:
    case SourceKind::kBmp:
    case SourceKind::kWebp:
      InitializeImageLibraries();
      return OpenRasterSource(kind, std::move(bytes), std::move(name), options);
  }
  return Status::Internal(name + ": unhandled source kind");
}

}  // namespace chartscan::capture
