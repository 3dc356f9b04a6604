// A glyphless TrueType font, built byte by byte.
//
// The invisible text layer of a released PDF needs a font whose glyphs draw nothing and whose
// advances are known, so that a word can be stretched onto its OCR box with one horizontal scale.
// Tesseract ships such a font (pdf.ttf) for its PDF renderer; Debian does not package it, so we
// build the equivalent here: the ten tables a TrueType font program needs for PDF embedding
// (OS/2, cmap, glyf, head, hhea, hmtx, loca, maxp, name, post), two glyphs (.notdef, a rectangle
// never referenced from the PDF, and glyph 1, empty), both kGlyphlessAdvance wide in a 1000-unit em
// so that the PDF widths (/DW 500) agree with the font's hmtx. The PDF maps every CID to glyph 1
// through its CIDToGIDMap, so the font's own cmap is a formality (U+0020 only).
//
// Checksums follow the OpenType spec: each table's is the sum of its big-endian uint32 words
// (zero padded), and head.checkSumAdjustment makes the whole file sum to 0xB1B0AFBA. No dates
// (head.created/modified are zero), so the bytes never change.
#include "glyphless_font.h"

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace chartscan::release {
namespace {

constexpr int kUnitsPerEm = 1000;
constexpr int kAscent = 1000;
constexpr int kNumGlyphs = 2;

// Big-endian appenders.
class Bytes {
 public:
  Bytes& U8(unsigned v) {
    s_.push_back(static_cast<char>(v & 0xFF));
    return *this;
  }
  Bytes& U16(unsigned v) { return U8(v >> 8).U8(v); }
  Bytes& I16(int v) { return U16(static_cast<unsigned>(static_cast<std::uint16_t>(v))); }
  Bytes& U32(std::uint32_t v) { return U16(v >> 16).U16(v & 0xFFFF); }
  Bytes& Zeros(std::size_t n) {
    s_.append(n, '\0');
    return *this;
  }
  Bytes& Tag(std::string_view t) {
    s_.append(t);
    return *this;
  }
  Bytes& Utf16Be(std::string_view ascii) {
    for (char c : ascii) U16(static_cast<unsigned char>(c));
    return *this;
  }
  std::string& str() { return s_; }

 private:
  std::string s_;
};

std::uint32_t Checksum(std::string_view data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < data.size(); i += 4) {
    std::uint32_t word = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const unsigned char b = i + k < data.size() ? static_cast<unsigned char>(data[i + k]) : 0;
      word = (word << 8) | b;
    }
    sum += word;
  }
  return sum;
}

// .notdef: one clockwise rectangle, the width of the advance and the height of the em.
std::string NotdefGlyph() {
  Bytes g;
  g.I16(1);                                             // numberOfContours
  g.I16(0).I16(0).I16(kGlyphlessAdvance).I16(kAscent);  // bbox
  g.U16(3);                                             // endPtsOfContours[0]
  g.U16(0);                                             // instructionLength
  for (int i = 0; i < 4; ++i) g.U8(0x01);               // on-curve, long coordinates
  // Points (0,0) (0,1000) (500,1000) (500,0) as deltas.
  g.I16(0).I16(0).I16(kGlyphlessAdvance).I16(0);
  g.I16(0).I16(kAscent).I16(0).I16(-kAscent);
  return std::move(g.str());
}

std::string Head() {
  Bytes t;
  t.U32(0x00010000).U32(0x00010000);  // version, fontRevision
  t.U32(0);                           // checkSumAdjustment, patched at the end
  t.U32(0x5F0F3CF5);                  // magicNumber
  t.U16(0x000B);                      // baseline at y=0, lsb at x=0, integer scaling
  t.U16(kUnitsPerEm);
  t.Zeros(8).Zeros(8);  // created, modified: none, so the bytes are repeatable
  t.I16(0).I16(0).I16(kGlyphlessAdvance).I16(kAscent);  // font bbox
  t.U16(0);                                             // macStyle
  t.U16(8);                                             // lowestRecPPEM
  t.I16(2);                                             // fontDirectionHint
  t.I16(0);                                             // indexToLocFormat: short offsets
  t.I16(0);                                             // glyphDataFormat
  return std::move(t.str());
}

std::string Hhea() {
  Bytes t;
  t.U32(0x00010000);
  t.I16(kAscent).I16(0).I16(0);  // ascender, descender, lineGap
  t.U16(kGlyphlessAdvance);      // advanceWidthMax
  t.I16(0).I16(0);               // min left/right side bearing
  t.I16(kGlyphlessAdvance);      // xMaxExtent
  t.I16(1).I16(0).I16(0);        // caret slope rise, run, offset
  t.Zeros(8);                    // reserved
  t.I16(0);                      // metricDataFormat
  t.U16(kNumGlyphs);             // numberOfHMetrics
  return std::move(t.str());
}

std::string Maxp() {
  Bytes t;
  t.U32(0x00010000);
  t.U16(kNumGlyphs);
  t.U16(4).U16(1);  // maxPoints, maxContours (the .notdef rectangle)
  t.U16(0).U16(0);  // composite points, contours
  t.U16(2);         // maxZones
  t.Zeros(2 * 8);   // twilight points, storage, fdefs, idefs, stack, instructions, components
  return std::move(t.str());
}

std::string Os2() {
  Bytes t;
  t.U16(4);                             // version
  t.I16(kGlyphlessAdvance);             // xAvgCharWidth
  t.U16(400).U16(5);                    // weight: regular, width: medium
  t.U16(0);                             // fsType: installable embedding, as PDF/A asks
  t.I16(650).I16(600).I16(0).I16(75);   // subscript x/y size, x/y offset
  t.I16(650).I16(600).I16(0).I16(350);  // superscript
  t.I16(50).I16(250);                   // strikeout size, position
  t.I16(0);                             // sFamilyClass
  t.Zeros(10);                          // panose
  t.Zeros(16);                          // ulUnicodeRange1-4
  t.Tag("CSCN");                        // achVendID
  t.U16(0x0040);                        // fsSelection: regular
  t.U16(0x0020).U16(0x0020);            // first, last char
  t.I16(kAscent).I16(0).I16(0);         // typo ascender, descender, line gap
  t.U16(kAscent).U16(0);                // win ascent, descent
  t.U32(1).U32(0);                      // code page ranges: Latin 1
  t.I16(500).I16(700);                  // xHeight, capHeight
  t.U16(0).U16(0x0020).U16(1);          // default char, break char, max context
  return std::move(t.str());
}

std::string Hmtx() {
  Bytes t;
  for (int g = 0; g < kNumGlyphs; ++g) t.U16(kGlyphlessAdvance).I16(0);
  return std::move(t.str());
}

// Format 4, two segments: U+0020 -> glyph 1, and the closing 0xFFFF segment.
std::string Cmap() {
  Bytes sub;
  sub.U16(4).U16(32).U16(0);        // format, length, language
  sub.U16(4).U16(4).U16(1).U16(0);  // segCountX2, searchRange, entrySelector, rangeShift
  sub.U16(0x0020).U16(0xFFFF);      // endCode
  sub.U16(0);                       // reservedPad
  sub.U16(0x0020).U16(0xFFFF);      // startCode
  sub.I16(kGlyphlessBlankGlyph - 0x20).I16(1);  // idDelta
  sub.U16(0).U16(0);                            // idRangeOffset
  Bytes t;
  t.U16(0).U16(1);          // version, numTables
  t.U16(3).U16(1).U32(12);  // Windows, Unicode BMP, offset
  t.str().append(sub.str());
  return std::move(t.str());
}

std::string Name() {
  const std::pair<int, std::string_view> names[] = {
      {1, kGlyphlessFontName}, {2, "Regular"},     {3, "chartscan:GlyphLessFont:1.0"},
      {4, kGlyphlessFontName}, {5, "Version 1.0"}, {6, kGlyphlessFontName},
  };
  const int count = static_cast<int>(std::size(names));
  Bytes t, strings;
  t.U16(0).U16(count).U16(6 + 12 * count);
  for (const auto& [id, text] : names) {
    t.U16(3).U16(1).U16(0x0409).U16(id);  // Windows, Unicode BMP, en-US
    t.U16(2 * text.size()).U16(strings.str().size());
    strings.Utf16Be(text);
  }
  t.str().append(strings.str());
  return std::move(t.str());
}

std::string Post() {
  Bytes t;
  t.U32(0x00030000);  // version 3: no glyph names
  t.U32(0);           // italicAngle
  t.I16(-100).I16(50);
  t.U32(1);  // isFixedPitch
  t.Zeros(16);
  return std::move(t.str());
}

std::string Build() {
  const std::string notdef = NotdefGlyph();  // 34 bytes, even, as short loca needs
  Bytes loca;
  loca.U16(0).U16(notdef.size() / 2).U16(notdef.size() / 2);
  // Sorted by tag, as the table directory must be.
  std::vector<std::pair<std::string_view, std::string>> tables = {
      {"OS/2", Os2()},
      {"cmap", Cmap()},
      {"glyf", notdef},
      {"head", Head()},
      {"hhea", Hhea()},
      {"hmtx", Hmtx()},
      {"loca", std::move(loca.str())},
      {"maxp", Maxp()},
      {"name", Name()},
      {"post", Post()},
  };
  const int count = static_cast<int>(tables.size());
  int entry_selector = 0;
  while ((2 << entry_selector) <= count) ++entry_selector;
  const int search_range = 16 << entry_selector;
  Bytes font;
  font.U32(0x00010000).U16(count).U16(search_range).U16(entry_selector);
  font.U16(count * 16 - search_range);
  std::size_t offset = 12 + 16 * tables.size();
  std::size_t head_offset = 0;
  std::string body;
  for (const auto& [tag, data] : tables) {
    font.Tag(tag).U32(Checksum(data)).U32(static_cast<std::uint32_t>(offset));
    font.U32(static_cast<std::uint32_t>(data.size()));
    if (tag == "head") head_offset = offset;
    std::string padded = data;
    padded.resize((data.size() + 3) & ~std::size_t{3}, '\0');
    body += padded;
    offset += padded.size();
  }
  std::string out = std::move(font.str()) + body;
  const std::uint32_t adjustment = 0xB1B0AFBAu - Checksum(out);
  for (int k = 0; k < 4; ++k) {
    out[head_offset + 8 + static_cast<std::size_t>(k)] =
        static_cast<char>((adjustment >> (24 - 8 * k)) & 0xFF);
  }
  return out;
}

}  // namespace

const std::string& GlyphlessFont() {
  static const std::string font = Build();
  return font;
}

}  // namespace chartscan::release
