// The glyphless TrueType font behind the invisible text layer of released PDFs (pdf.cc).
#pragma once

#include <string>

namespace chartscan::release {

// Every glyph of the font advances this many units of its 1000-unit em; PDF /DW and /W use it.
inline constexpr int kGlyphlessAdvance = 500;
// The glyph every character is drawn with (through the CIDToGIDMap): empty, no contours.
inline constexpr int kGlyphlessBlankGlyph = 1;
inline constexpr const char* kGlyphlessFontName = "GlyphLessFont";

// The bytes of the font program (FontFile2): two glyphs, .notdef and a blank one, both
// kGlyphlessAdvance wide. The same bytes on every call.
const std::string& GlyphlessFont();

}  // namespace chartscan::release
