// Searchable PDF/A-2b of a released document.
//
// Layout. A classic (non-incremental) PDF 1.7 file: a header with a binary comment, numbered
// objects, one cross-reference table, a trailer whose /ID is the first 16 bytes of a SHA-256 of
// everything before it. Objects 1-11 are per document (catalog, page tree, XMP metadata, the sRGB
// ICC profile of the output intent, the five objects of the text font, the info dictionary); then
// three per page (page, content stream, image). Each page's MediaBox is the image's physical size
// (pixels * 72 / dpi, in points); its content draws the image over the whole box, then writes the
// OCR words in text rendering mode 3 (invisible).
//
// Text layer. Each word is placed by its own text matrix at the left of its OCR box with the
// baseline on the box's bottom edge (boxes are top-left image pixels, PDF is bottom-left points),
// the font size equal to the box height and a horizontal scale (Tz) that makes its glyphs span the
// box width exactly, so a reader's selection and search highlight land on the printed word. Words
// of one OCR line are followed by a space so extracted text reads as lines of words. The font is
// glyphless, as in Tesseract's PDF renderer: a Type0 font (Identity-H, two-byte codes that are
// the text's UTF-16 code units) over a CIDFontType2 whose CIDToGIDMap sends every code to one
// empty glyph, with a ToUnicode CMap mapping each code to itself. One font then carries any text
// without subsetting, every glyph has the same advance (kGlyphlessAdvance, also /DW), and nothing
// is drawn. The font program is embedded (FontFile2; glyphless_font.cc) as PDF/A prefers.
//
// Images. Bilevel pages (most scanned records) are CCITT G4, lossless and about 30-60 KB for a
// 300 dpi letter page of text, an order of magnitude below Flate; it is what archives and fax-born
// EHR imports expect. The G4 code comes from libtiff (EncodeG4), with white runs first and
// BlackIs1 false, so a set bit is ink as in the source. Greyscale and colour pages are JPEG at
// options.jpeg_quality (Leptonica/libjpeg); a page stored as JPEG is embedded as stored (no second
// generation loss).
//
// PDF/A-2b: uncompressed XMP metadata with pdfaid part 2 / conformance B, Dublin Core title and
// creator, xmp dates, pdf:Producer, and chartscan's own properties (patient, MRN, document type,
// date of service, document id) declared by a pdfaExtension schema as PDF/A requires for custom
// properties; the info dictionary repeats exactly the values the XMP has; an output intent
// GTS_PDFA1 with an sRGB profile from LittleCMS (its creation date fixed, so the bytes repeat).
// No encryption, transparency, LZW, JavaScript or actions. Every date is the document's
// stored_micros (UTC): the same document gives the same bytes.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lcms2.h>
#include <leptonica/allheaders.h>
#include <zlib.h>

#include <chartscan/release/formats.h>

#include "digest.h"
#include "encode_util.h"
#include "glyphless_font.h"
#include "page_raster.h"

namespace chartscan::release {
namespace {

constexpr const char* kProducer = "chartscan";
constexpr const char* kCustomNamespace = "https://chartscan.example/ns/release/1.0/";

// Object numbers of the per-document objects; page i uses kFirstPageObject + 3i .. + 3i + 2.
enum : int {
  kCatalog = 1,
  kPages,
  kMetadata,
  kIccProfile,
  kType0Font,
  kCidFont,
  kCidToGidMap,
  kToUnicode,
  kFontDescriptor,
  kFontFile,
  kInfo,
  kFirstPageObject,
};

// Numbers in content streams and dictionaries: fixed point, no exponent, no locale.
std::string Num(double v) {
  if (v > -0.0005 && v < 0.0005) return "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 3);
  if (ec != std::errc()) return "0";
  std::string s(buf, end);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string Deflate(std::string_view data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size,
            reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()), 9);
  out.resize(size);
  return out;
}

// UTF-8 to code points; an invalid sequence becomes U+FFFD.
std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = len > 0 && i + static_cast<std::size_t>(len) <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
               cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;  // overlong or not a scalar value
    }
    out.push_back(ok ? cp : U'\uFFFD');
    i += ok ? static_cast<std::size_t>(len) : 1;
  }
  return out;
}

std::vector<std::uint16_t> Utf16(std::string_view s) {
  std::vector<std::uint16_t> out;
  for (char32_t cp : CodePoints(s)) {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<std::uint16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<std::uint16_t>(cp));
    }
  }
  return out;
}

void AppendHex16(std::string& out, std::uint16_t u) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kDigits[(u >> shift) & 0xF]);
}

// A PDF text string: literal when printable ASCII, else UTF-16BE with a byte order mark.
std::string PdfText(std::string_view s) {
  const bool ascii = std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
  });
  if (ascii) {
    std::string out = "(";
    for (char c : s) {
      if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out + ")";
  }
  std::string out = "<FEFF";
  for (std::uint16_t u : Utf16(s)) AppendHex16(out, u);
  return out + ">";
}

// Valid UTF-8 for XML character data: invalid bytes and control characters are replaced and the
// markup characters escaped.
std::string XmlText(std::string_view s) {
  std::string out;
  for (char32_t cp : CodePoints(s)) {
    if (cp < 0x20 && cp != '\t' && cp != '\n') cp = U'\uFFFD';
    if (cp == 0xFFFE || cp == 0xFFFF) cp = U'\uFFFD';
    switch (cp) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      default:
        break;
    }
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

// The document's stored time (UTC) as the XMP and the info dictionary write it. Both carry an
// explicit +00:00 offset so validators compare them as equal.
struct Dates {
  std::string xmp;  // 2024-05-01T12:00:00+00:00
  std::string pdf;  // D:20240501120000+00'00'
};

Dates DatesOf(std::int64_t micros) {
  const internal::UtcTime t = internal::UtcFromMicros(micros);
  char xmp[64], pdf[64];
  std::snprintf(xmp, sizeof xmp, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", t.year, t.month, t.day,
                t.hour, t.minute, t.second);
  std::snprintf(pdf, sizeof pdf, "D:%04d%02d%02d%02d%02d%02d+00'00'", t.year, t.month, t.day,
                t.hour, t.minute, t.second);
  return {xmp, pdf};
}

// "discharge_summary" -> "Discharge summary".
std::string TypeTitle(std::string_view type) {
  std::string out(type.empty() ? std::string_view("other") : type);
  std::replace(out.begin(), out.end(), '_', ' ');
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string DocumentIdText(std::int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "D%06lld", static_cast<long long>(id));
  return buf;
}

struct Metadata {
  std::string title;
  std::string author;
  Dates dates;
};

std::string Xmp(const ReleaseChart& chart, const ReleaseDocument& document, const Metadata& m) {
  std::string x;
  x += "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
  x += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n";
  x += " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n";
  x += "   <pdfaid:part>2</pdfaid:part>\n";
  x += "   <pdfaid:conformance>B</pdfaid:conformance>\n";
  x += "  </rdf:Description>\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n";
  x += "   <dc:format>application/pdf</dc:format>\n";
  x += "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + XmlText(m.title) +
       "</rdf:li></rdf:Alt></dc:title>\n";
  x +=
      "   <dc:creator><rdf:Seq><rdf:li>" + XmlText(m.author) + "</rdf:li></rdf:Seq></dc:creator>\n";
  x += "  </rdf:Description>\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n";
  x += "   <xmp:CreateDate>" + m.dates.xmp + "</xmp:CreateDate>\n";
  x += "   <xmp:ModifyDate>" + m.dates.xmp + "</xmp:ModifyDate>\n";
  x += "   <xmp:MetadataDate>" + m.dates.xmp + "</xmp:MetadataDate>\n";
  x += std::string("   <xmp:CreatorTool>") + kProducer + "</xmp:CreatorTool>\n";
  x += "  </rdf:Description>\n";
  x += "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n";
  x += std::string("   <pdf:Producer>") + kProducer + "</pdf:Producer>\n";
  x += "  </rdf:Description>\n";

  // PDF/A-2 accepts properties outside the predefined schemas only when the file describes them.
  struct Property {
    const char* name;
    const char* description;
    std::string value;
  };
  const Property properties[] = {
      {"documentId", "chartscan document identifier", DocumentIdText(document.document_id)},
      {"documentType", "chartscan document type", document.type.name},
      {"dateOfService", "Date of service (ISO 8601), empty when unknown", document.date_of_service},
      {"patientName", "Patient name as filed", chart.chart.patient_name},
      {"mrn", "Medical record number", chart.chart.mrn},
  };
  x += "  <rdf:Description rdf:about=\"\""
       " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
       " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
       " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n";
  x += "   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n";
  x += "    <pdfaSchema:schema>chartscan release metadata</pdfaSchema:schema>\n";
  x += std::string("    <pdfaSchema:namespaceURI>") + kCustomNamespace +
       "</pdfaSchema:namespaceURI>\n";
  x += "    <pdfaSchema:prefix>chartscan</pdfaSchema:prefix>\n";
  x += "    <pdfaSchema:property><rdf:Seq>\n";
  for (const Property& p : properties) {
    x += "     <rdf:li rdf:parseType=\"Resource\">";
    x += std::string("<pdfaProperty:name>") + p.name + "</pdfaProperty:name>";
    x += "<pdfaProperty:valueType>Text</pdfaProperty:valueType>";
    x += "<pdfaProperty:category>external</pdfaProperty:category>";
    x += std::string("<pdfaProperty:description>") + p.description +
         "</pdfaProperty:description></rdf:li>\n";
  }
  x += "    </rdf:Seq></pdfaSchema:property>\n";
  x += "   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n";
  x += "  </rdf:Description>\n";
  x += std::string("  <rdf:Description rdf:about=\"\" xmlns:chartscan=\"") + kCustomNamespace +
       "\">\n";
  for (const Property& p : properties) {
    x += std::string("   <chartscan:") + p.name + ">" + XmlText(p.value) + "</chartscan:" + p.name +
         ">\n";
  }
  x += "  </rdf:Description>\n";
  x += " </rdf:RDF>\n";
  x += "</x:xmpmeta>\n";
  // Room for an editor to update the packet in place, as XMP writers conventionally leave.
  for (int i = 0; i < 20; ++i) x += std::string(99, ' ') + "\n";
  x += "<?xpacket end=\"w\"?>";
  return x;
}

// sRGB from LittleCMS, with the header's creation date (bytes 24-35) fixed to 2000-01-01 so the
// profile, and every PDF, has the same bytes on every run.
std::string BuildSrgbProfile() {
  auto save = [](cmsHPROFILE p) {
    cmsUInt32Number size = 0;
    std::string bytes;
    if (cmsSaveProfileToMem(p, nullptr, &size) && size > 0) {
      bytes.resize(size);
      if (!cmsSaveProfileToMem(p, bytes.data(), &size)) bytes.clear();
    }
    return bytes;
  };
  cmsHPROFILE profile = cmsCreate_sRGBProfile();
  if (profile == nullptr) return "";
  std::string bytes = save(profile);
  cmsCloseProfile(profile);
  if (bytes.size() < 128) return "";
  static constexpr unsigned char kDate[12] = {0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
  std::copy(std::begin(kDate), std::end(kDate), bytes.begin() + 24);
  // The profile ID (an MD5 over the header including the date) must follow the new date.
  if (std::any_of(bytes.begin() + 84, bytes.begin() + 100, [](char c) { return c != 0; })) {
    profile = cmsOpenProfileFromMem(bytes.data(), static_cast<cmsUInt32Number>(bytes.size()));
    if (profile == nullptr) return "";
    cmsMD5computeID(profile);
    bytes = save(profile);
    cmsCloseProfile(profile);
  }
  return bytes;
}

std::string ToUnicodeCMap() {
  std::string m =
      "/CIDInit /ProcSet findresource begin\n"
      "12 dict begin\n"
      "begincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n"
      "/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  // Each code is its own UTF-16 code unit. A bfrange may only vary in its last byte, and a block
  // holds at most 100 ranges.
  for (int block = 0; block < 256; block += 100) {
    const int n = std::min(100, 256 - block);
    m += std::to_string(n) + " beginbfrange\n";
    for (int hi = block; hi < block + n; ++hi) {
      std::string lo, top;
      AppendHex16(lo, static_cast<std::uint16_t>(hi << 8));
      AppendHex16(top, static_cast<std::uint16_t>((hi << 8) | 0xFF));
      m += "<" + lo + "> <" + top + "> <" + lo + ">\n";
    }
    m += "endbfrange\n";
  }
  m += "endcmap\n"
       "CMapName currentdict /CMap defineresource pop\n"
       "end\n"
       "end\n";
  return m;
}

// Per-process constants: the same bytes in every PDF, compressed once.
struct SharedStreams {
  std::string icc;         // deflated
  std::string cid_to_gid;  // deflated: 65536 big-endian entries, all the blank glyph
  std::string to_unicode;  // deflated
  std::string font;        // deflated
  std::size_t font_length = 0;
  bool ok = false;
};

const SharedStreams& Shared() {
  static const SharedStreams shared = [] {
    SharedStreams s;
    const std::string icc = BuildSrgbProfile();
    std::string map(2 * 65536, '\0');
    for (std::size_t i = 0; i < 65536; ++i) {
      map[2 * i] = static_cast<char>(kGlyphlessBlankGlyph >> 8);
      map[2 * i + 1] = static_cast<char>(kGlyphlessBlankGlyph & 0xFF);
    }
    s.icc = Deflate(icc);
    s.cid_to_gid = Deflate(map);
    s.to_unicode = Deflate(ToUnicodeCMap());
    s.font = Deflate(GlyphlessFont());
    s.font_length = GlyphlessFont().size();
    s.ok = !icc.empty();
    return s;
  }();
  return shared;
}

class PdfWriter {
 public:
  PdfWriter() : out_("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n") {}

  void Object(int number, std::string_view body) {
    Begin(number);
    out_ += body;
    out_ += "\nendobj\n";
  }
  // `dict` is the dictionary's inside, without /Length.
  void Stream(int number, std::string_view dict, std::string_view data) {
    Begin(number);
    out_ += "<< ";
    out_ += dict;
    out_ += " /Length " + std::to_string(data.size()) + " >>\nstream\n";
    out_ += data;
    out_ += "\nendstream\nendobj\n";
  }

  std::string Finish(int root, int info) {
    const std::size_t xref = out_.size();
    const std::string id = Hex(Sha256Raw(out_).substr(0, 16));
    char line[32];
    out_ += "xref\n0 " + std::to_string(offsets_.size()) + "\n0000000000 65535 f \n";
    for (std::size_t i = 1; i < offsets_.size(); ++i) {
      std::snprintf(line, sizeof line, "%010llu 00000 n \n",
                    static_cast<unsigned long long>(offsets_[i]));
      out_ += line;
    }
    out_ += "trailer\n<< /Size " + std::to_string(offsets_.size()) + " /Root " +
            std::to_string(root) + " 0 R /Info " + std::to_string(info) + " 0 R /ID [<" + id +
            "> <" + id + ">] >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return std::move(out_);
  }

 private:
  void Begin(int number) {
    if (offsets_.size() <= static_cast<std::size_t>(number)) {
      offsets_.resize(static_cast<std::size_t>(number) + 1, 0);
    }
    offsets_[static_cast<std::size_t>(number)] = out_.size();
    out_ += std::to_string(number) + " 0 obj\n";
  }

  std::string out_;
  std::vector<std::size_t> offsets_{0};
};

// The invisible words of one page, in content-stream operators.
std::string TextLayer(const ReleasePage& page, double page_height) {
  const double scale = 72.0 / page.dpi;
  std::string t;
  double font_size = -1;
  double tz = -1;
  for (std::size_t i = 0; i < page.words.size(); ++i) {
    const Word& word = page.words[i];
    if (word.box.empty()) continue;
    std::vector<std::uint16_t> units;
    for (std::uint16_t u : Utf16(word.text)) {
      // Whitespace inside a word would split it in extraction; the box is one word.
      if (u != ' ' && u != '\t' && u != '\n' && u != '\r') units.push_back(u);
    }
    if (units.empty()) continue;
    const bool space_after = i + 1 < page.words.size() && page.words[i + 1].line == word.line;
    const double size = std::max(0.01, word.box.height * scale);
    const double natural = static_cast<double>(units.size()) * size * kGlyphlessAdvance / 1000.0;
    const double stretch = 100.0 * word.box.width * scale / natural;
    if (t.empty()) t += "BT\n3 Tr\n";
    if (Num(size) != Num(font_size)) {
      t += "/F0 " + Num(size) + " Tf\n";
      font_size = size;
    }
    if (Num(stretch) != Num(tz)) {
      t += Num(stretch) + " Tz\n";
      tz = stretch;
    }
    t += "1 0 0 1 " + Num(word.box.x * scale) + " " + Num(page_height - word.box.bottom() * scale) +
         " Tm\n<";
    for (std::uint16_t u : units) AppendHex16(t, u);
    if (space_after) AppendHex16(t, ' ');
    t += "> Tj\n";
  }
  if (!t.empty()) t += "ET\n";
  return t;
}

struct PageImageObject {
  std::string dict;  // without /Length
  std::string data;
  int width = 0;
  int height = 0;
};

Result<PageImageObject> PageImageFor(const ReleasePage& page, const ReleaseOptions& options) {
  CHARTSCAN_ASSIGN_OR_RETURN(PageRaster raster, DecodePage(page, options.bilevel_threshold));
  PageImageObject img;
  img.width = pixGetWidth(raster.pix.get());
  img.height = pixGetHeight(raster.pix.get());
  const std::string size =
      " /Width " + std::to_string(img.width) + " /Height " + std::to_string(img.height);
  if (raster.stored_jpeg) {
    img.data = page.image.bytes;
    img.dict = "/Type /XObject /Subtype /Image" + size + " /ColorSpace " +
               (raster.jpeg_components == 1 ? "/DeviceGray" : "/DeviceRGB") +
               " /BitsPerComponent 8 /Filter /DCTDecode";
    return img;
  }
  if (raster.kind == RasterKind::kBilevel) {
    Result<std::string> g4 = EncodeG4(raster.pix.get());
    if (!g4.ok()) return g4.status().WithContext("page " + std::to_string(page.page_id));
    img.data = std::move(g4).value();
    img.dict = "/Type /XObject /Subtype /Image" + size +
               " /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode"
               " /DecodeParms << /K -1 /Columns " +
               std::to_string(img.width) + " /Rows " + std::to_string(img.height) +
               " /BlackIs1 false >>";
    return img;
  }
  l_uint8* jpeg = nullptr;
  size_t jpeg_size = 0;
  if (pixWriteMemJpeg(&jpeg, &jpeg_size, raster.pix.get(), options.jpeg_quality, 0) != 0 ||
      jpeg == nullptr) {
    return Status::Internal("page " + std::to_string(page.page_id) + ": JPEG encoding failed");
  }
  img.data.assign(reinterpret_cast<const char*>(jpeg), jpeg_size);
  lept_free(jpeg);
  img.dict = "/Type /XObject /Subtype /Image" + size + " /ColorSpace " +
             (raster.kind == RasterKind::kRgb ? "/DeviceRGB" : "/DeviceGray") +
             " /BitsPerComponent 8 /Filter /DCTDecode";
  return img;
}

}  // namespace

Result<std::string> EncodePdf(const ReleaseChart& chart, const ReleaseDocument& document,
                              const ReleaseOptions& options) {
  if (document.pages.empty()) {
    return Status::InvalidArgument("document " + DocumentIdText(document.document_id) +
                                   " has no pages");
  }
  const SharedStreams& shared = Shared();
  if (!shared.ok) return Status::Internal("LittleCMS could not make the sRGB profile");

  Metadata meta;
  meta.title = TypeTitle(document.type.name) + " " + DocumentIdText(document.document_id);
  meta.author = options.facility_name;
  meta.dates = DatesOf(document.stored_micros);

  PdfWriter w;
  const int page_count = static_cast<int>(document.pages.size());
  std::string kids;
  for (int i = 0; i < page_count; ++i) {
    kids += (i ? " " : "") + std::to_string(kFirstPageObject + 3 * i) + " 0 R";
  }
  w.Object(kCatalog, "<< /Type /Catalog /Pages " + std::to_string(kPages) + " 0 R /Metadata " +
                         std::to_string(kMetadata) +
                         " 0 R /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1"
                         " /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1)"
                         " /RegistryName (http://www.color.org) /DestOutputProfile " +
                         std::to_string(kIccProfile) + " 0 R >>] >>");
  w.Object(kPages,
           "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(page_count) + " >>");
  w.Stream(kMetadata, "/Type /Metadata /Subtype /XML", Xmp(chart, document, meta));
  w.Stream(kIccProfile, "/N 3 /Filter /FlateDecode", shared.icc);
  const std::string font_name = std::string("/") + kGlyphlessFontName;
  w.Object(kType0Font, "<< /Type /Font /Subtype /Type0 /BaseFont " + font_name +
                           " /Encoding /Identity-H /DescendantFonts [" + std::to_string(kCidFont) +
                           " 0 R] /ToUnicode " + std::to_string(kToUnicode) + " 0 R >>");
  w.Object(kCidFont, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont " + font_name +
                         " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0"
                         " >> /FontDescriptor " +
                         std::to_string(kFontDescriptor) + " 0 R /DW " +
                         std::to_string(kGlyphlessAdvance) + " /CIDToGIDMap " +
                         std::to_string(kCidToGidMap) + " 0 R >>");
  w.Stream(kCidToGidMap, "/Filter /FlateDecode", shared.cid_to_gid);
  w.Stream(kToUnicode, "/Filter /FlateDecode", shared.to_unicode);
  // Flags 5: fixed pitch (every advance is the same) and symbolic (no standard encoding).
  w.Object(kFontDescriptor, "<< /Type /FontDescriptor /FontName " + font_name +
                                " /Flags 5 /FontBBox [0 0 " + std::to_string(kGlyphlessAdvance) +
                                " 1000] /ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000"
                                " /StemV 80 /FontFile2 " +
                                std::to_string(kFontFile) + " 0 R >>");
  w.Stream(kFontFile, "/Length1 " + std::to_string(shared.font_length) + " /Filter /FlateDecode",
           shared.font);
  w.Object(kInfo, "<< /Title " + PdfText(meta.title) + " /Author " + PdfText(meta.author) +
                      " /Creator (" + kProducer + ") /Producer (" + kProducer +
                      ") /CreationDate (" + meta.dates.pdf + ") /ModDate (" + meta.dates.pdf +
                      ") >>");

  for (int i = 0; i < page_count; ++i) {
    const ReleasePage& page = document.pages[static_cast<std::size_t>(i)];
    CHARTSCAN_ASSIGN_OR_RETURN(PageImageObject image, PageImageFor(page, options));
    const double width = image.width * 72.0 / page.dpi;
    const double height = image.height * 72.0 / page.dpi;
    const int page_obj = kFirstPageObject + 3 * i;
    const std::string content = "q\n" + Num(width) + " 0 0 " + Num(height) +
                                " 0 0 cm\n/Im0 Do\nQ\n" + TextLayer(page, height);
    w.Object(page_obj, "<< /Type /Page /Parent " + std::to_string(kPages) + " 0 R /MediaBox [0 0 " +
                           Num(width) + " " + Num(height) + "] /Resources << /XObject << /Im0 " +
                           std::to_string(page_obj + 2) + " 0 R >> /Font << /F0 " +
                           std::to_string(kType0Font) + " 0 R >> >> /Contents " +
                           std::to_string(page_obj + 1) + " 0 R >>");
    w.Stream(page_obj + 1, "/Filter /FlateDecode", Deflate(content));
    w.Stream(page_obj + 2, image.dict, image.data);
  }
  return w.Finish(kCatalog, kInfo);
}

}  // namespace chartscan::release
