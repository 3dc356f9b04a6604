// Writing a captured page as a file: how a page that arrives from a scanner becomes an original.
//
// EncodeTiff writes one page as a TIFF that SourceReader reads back to the same pixels: a bilevel
// page (lineart, fax) 1-bit with CCITT Group 4, grey and colour 8-bit with Deflate and the
// horizontal predictor. The resolution is kept, and `description` goes into the ImageDescription
// tag (what captured it: device, batch, side), which also makes two captures of identical paper
// two distinct files. Deterministic: the same page and description give the same bytes.
//
// Errors: kInvalidArgument for an empty image; kInternal if libtiff refuses to write (never
// expected). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <chartscan/capture/source.h>
#include <chartscan/models/status.h>

namespace chartscan::capture {

Result<std::string> EncodeTiff(const CapturedPage& page, std::string_view description);

}  // namespace chartscan::capture
