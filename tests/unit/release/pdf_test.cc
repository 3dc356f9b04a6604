// EncodePdf: the text layer read back with Poppler (words found, on their OCR boxes), the file
// checked by qpdf and poppler-utils, the PDF/A pieces present, G4 and JPEG as promised, repeatable
// bytes, errors naming the page.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <glib.h>
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <poppler.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chartscan/release/formats.h>

#include "page_fixtures.h"

namespace chartscan::release {
namespace {

using testing::DrawTextPage;
using testing::GreyFrom;
using testing::MakeChart;
using testing::MakeDocument;
using testing::MakePage;
using testing::PixOwner;

// A scratch directory per test process, removed at exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "release_pdf_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The value of "Key: value" in pdfinfo's output, or "".
std::string InfoField(const std::string& output, const std::string& key) {
  const size_t at = output.find("\n" + key + ":") != std::string::npos
                        ? output.find("\n" + key + ":") + 1
                        : (output.rfind(key + ":", 0) == 0 ? 0 : std::string::npos);
  if (at == std::string::npos) return "";
  size_t begin = output.find_first_not_of(' ', at + key.size() + 1);
  const size_t end = output.find('\n', at);
  return output.substr(begin, end - begin);
}

// A letter page at `dpi` with a text block, as a released page in `format`.
ReleasePage LetterPage(std::int64_t id, double dpi, int format, int lines = 8,
                       int words_per_line = 6) {
  std::vector<Word> words;
  PixOwner ink(DrawTextPage(static_cast<int>(8.5 * dpi), static_cast<int>(11 * dpi), lines,
                            words_per_line, &words));
  if (format == IFF_PNG) return MakePage(id, ink.pix, IFF_PNG, dpi, std::move(words));
  PixOwner grey(GreyFrom(ink.pix));
  return MakePage(id, grey.pix, format, dpi, std::move(words));
}

struct PopplerDoc {
  explicit PopplerDoc(const std::string& pdf) {
    GBytes* bytes = g_bytes_new(pdf.data(), pdf.size());
    GError* error = nullptr;
    doc = poppler_document_new_from_bytes(bytes, nullptr, &error);
    g_bytes_unref(bytes);
    if (error != nullptr) g_error_free(error);
  }
  ~PopplerDoc() {
    if (doc != nullptr) g_object_unref(doc);
  }
  PopplerDocument* doc = nullptr;
};

// Object `number`'s text up to "endobj" (dictionary and stream).
std::string ObjectText(const std::string& pdf, int number) {
  const std::string head = "\n" + std::to_string(number) + " 0 obj\n";
  const size_t begin = pdf.find(head);
  if (begin == std::string::npos) return "";
  return pdf.substr(begin + 1, pdf.find("endobj", begin) - begin - 1);
}

int CountOf(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

ReleaseOptions Options() { return ReleaseOptions{}; }

// Poppler's characters are laid out in the page's top-left points; each word's extracted span must
// cover its OCR box converted to points.
TEST(ReleasePdf, TextLiesOnTheOcrWords) {
  const double dpi = 200;
  ReleasePage page = LetterPage(11, dpi, IFF_PNG);
  const std::vector<Word> words = page.words;
  ASSERT_GT(words.size(), 30u);
  Result<std::string> pdf = EncodePdf(MakeChart(), MakeDocument({page}), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();

  PopplerDoc d(*pdf);
  ASSERT_NE(d.doc, nullptr);
  ASSERT_EQ(poppler_document_get_n_pages(d.doc), 1);
  PopplerPage* p = poppler_document_get_page(d.doc, 0);
  char* text_c = poppler_page_get_text(p);
  const std::string text = text_c;
  g_free(text_c);
  PopplerRectangle* rects = nullptr;
  guint n_rects = 0;
  ASSERT_TRUE(poppler_page_get_text_layout(p, &rects, &n_rects));
  ASSERT_EQ(n_rects, g_utf8_strlen(text.c_str(), -1));  // ASCII words: bytes are characters

  const double s = 72.0 / dpi;
  double min_iou = 1;
  size_t from = 0;
  for (const Word& w : words) {
    const size_t at = text.find(w.text, from);
    ASSERT_NE(at, std::string::npos) << w.text << " not extracted";
    from = at + w.text.size();
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (size_t i = at; i < at + w.text.size(); ++i) {
      x0 = std::min(x0, rects[i].x1);
      y0 = std::min(y0, rects[i].y1);
      x1 = std::max(x1, rects[i].x2);
      y1 = std::max(y1, rects[i].y2);
    }
    const double bx0 = w.box.x * s, by0 = w.box.y * s;
    const double bx1 = w.box.right() * s, by1 = w.box.bottom() * s;
    const double ix = std::max(0.0, std::min(x1, bx1) - std::max(x0, bx0));
    const double iy = std::max(0.0, std::min(y1, by1) - std::max(y0, by0));
    const double inter = ix * iy;
    const double uni = (x1 - x0) * (y1 - y0) + (bx1 - bx0) * (by1 - by0) - inter;
    min_iou = std::min(min_iou, inter / uni);
    const double tol = 1.0;  // points
    EXPECT_TRUE(std::abs(x0 - bx0) < tol && std::abs(x1 - bx1) < tol && std::abs(y0 - by0) < tol &&
                std::abs(y1 - by1) < tol)
        << w.text << ": extracted [" << x0 << "," << y0 << " " << x1 << "," << y1 << "] box ["
        << bx0 << "," << by0 << " " << bx1 << "," << by1 << "]";
  }
  g_free(rects);
  EXPECT_GT(min_iou, 0.9);

  // Lines read as words separated by spaces.
  EXPECT_NE(text.find("w0x0 w0x1 w0x2"), std::string::npos) << text.substr(0, 200);

  // Search lands on the word too (find_text's rectangles have their origin at the bottom left).
  const double page_h = 11 * 72.0;
  for (const Word& w : {words.front(), words[words.size() / 2], words.back()}) {
    GList* hits = poppler_page_find_text(p, w.text.c_str());
    ASSERT_NE(hits, nullptr) << w.text;
    auto* r = static_cast<PopplerRectangle*>(hits->data);
    const double cx = (r->x1 + r->x2) / 2, cy = page_h - (r->y1 + r->y2) / 2;
    EXPECT_GT(cx, w.box.x * s);
    EXPECT_LT(cx, w.box.right() * s);
    EXPECT_GT(cy, w.box.y * s);
    EXPECT_LT(cy, w.box.bottom() * s);
    g_list_free_full(hits, reinterpret_cast<GDestroyNotify>(poppler_rectangle_free));
  }
  g_object_unref(p);
}

TEST(ReleasePdf, NonAsciiWordsExtractAsUnicode) {
  std::vector<Word> words;
  PixOwner ink(DrawTextPage(600, 300, 1, 1, &words));
  words.resize(1);
  words[0].text = "Müller–Ærø";
  ReleasePage page = MakePage(5, ink.pix, IFF_PNG, 100, words);
  Result<std::string> pdf = EncodePdf(MakeChart(), MakeDocument({page}), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  PopplerDoc d(*pdf);
  PopplerPage* p = poppler_document_get_page(d.doc, 0);
  char* text = poppler_page_get_text(p);
  EXPECT_NE(std::string(text).find("Müller–Ærø"), std::string::npos) << text;
  g_free(text);
  g_object_unref(p);
}

TEST(ReleasePdf, PassesQpdfAndPopplerUtils) {
  TempDir dir;
  std::vector<ReleasePage> pages = {LetterPage(1, 300, IFF_PNG), LetterPage(2, 150, IFF_PNG),
                                    LetterPage(3, 150, IFF_JFIF_JPEG)};
  Result<std::string> pdf = EncodePdf(MakeChart(), MakeDocument(pages), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string file = dir.Write("doc.pdf", *pdf);

  const CommandResult check = RunCommand("qpdf --check '" + file + "'");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("No syntax or stream encoding errors found"), std::string::npos)
      << check.output;

  const CommandResult fonts = RunCommand("pdffonts '" + file + "'");
  ASSERT_EQ(fonts.exit_code, 0) << fonts.output;
  const size_t line = fonts.output.find("GlyphLessFont");
  ASSERT_NE(line, std::string::npos) << fonts.output;
  const std::string font_line = fonts.output.substr(line, fonts.output.find('\n', line) - line);
  EXPECT_NE(font_line.find("CID TrueType"), std::string::npos) << font_line;
  EXPECT_NE(font_line.find("Identity-H       yes no  yes"), std::string::npos) << font_line;

  const CommandResult info = RunCommand("pdfinfo '" + file + "'");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_EQ(InfoField(info.output, "Pages"), "3");
  EXPECT_EQ(InfoField(info.output, "Page size"), "612 x 792 pts (letter)");
  EXPECT_EQ(InfoField(info.output, "PDF version"), "1.7");
  EXPECT_EQ(InfoField(info.output, "Encrypted"), "no");
  EXPECT_EQ(InfoField(info.output, "Title"), "Discharge summary D000042");
  EXPECT_EQ(InfoField(info.output, "Producer"), "chartscan");
  EXPECT_EQ(InfoField(info.output, "Metadata Stream"), "yes");
}

TEST(ReleasePdf, CarriesPdfAIdentificationAndOutputIntent) {
  TempDir dir;
  Result<std::string> pdf =
      EncodePdf(MakeChart(), MakeDocument({LetterPage(1, 100, IFF_PNG, 2, 2)}), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string& bytes = *pdf;
  ASSERT_EQ(bytes.substr(0, 9), "%PDF-1.7\n");
  EXPECT_GE(static_cast<unsigned char>(bytes[10]), 128u);  // the binary comment line
  EXPECT_EQ(bytes.find("/Encrypt"), std::string::npos);
  EXPECT_EQ(bytes.find("/LZWDecode"), std::string::npos);
  EXPECT_EQ(bytes.find("/SMask"), std::string::npos);

  // The XMP, read by Poppler from the catalog's /Metadata: PDF/A-2b, title, the chart's values.
  PopplerDoc d(bytes);
  ASSERT_NE(d.doc, nullptr);
  char* xmp_c = poppler_document_get_metadata(d.doc);
  ASSERT_NE(xmp_c, nullptr);
  const std::string xmp = xmp_c;
  g_free(xmp_c);
  EXPECT_NE(xmp.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos);
  EXPECT_NE(xmp.find("<pdfaid:conformance>B</pdfaid:conformance>"), std::string::npos);
  EXPECT_NE(xmp.find(">Discharge summary D000042</rdf:li>"), std::string::npos);
  EXPECT_NE(xmp.find("<chartscan:patientName>Jane Q Testpatient</chartscan:patientName>"),
            std::string::npos);
  EXPECT_NE(xmp.find("<chartscan:mrn>MRN0042</chartscan:mrn>"), std::string::npos);
  EXPECT_NE(xmp.find("<chartscan:dateOfService>2024-04-30</chartscan:dateOfService>"),
            std::string::npos);
  EXPECT_NE(xmp.find("<pdfaProperty:name>patientName</pdfaProperty:name>"), std::string::npos);
  EXPECT_NE(xmp.find("<xmp:CreateDate>2024-05-01T12:00:00+00:00</xmp:CreateDate>"),
            std::string::npos);
  EXPECT_NE(xmp.find("<pdf:Producer>chartscan</pdf:Producer>"), std::string::npos);
  // Info dictionary agrees with the XMP.
  char* title = poppler_document_get_title(d.doc);
  EXPECT_STREQ(title, "Discharge summary D000042");
  g_free(title);
  EXPECT_EQ(poppler_document_get_creation_date(d.doc), 1714564800);
  EXPECT_EQ(poppler_document_get_modification_date(d.doc), 1714564800);

  // The metadata stream is not compressed.
  const std::string catalog = ObjectText(bytes, 1);
  EXPECT_NE(catalog.find("/Metadata 3 0 R"), std::string::npos) << catalog;
  const std::string metadata = ObjectText(bytes, 3);
  EXPECT_NE(metadata.find("/Subtype /XML"), std::string::npos);
  EXPECT_EQ(metadata.substr(0, metadata.find("stream")).find("/Filter"), std::string::npos);

  // The output intent's profile is a 3-component RGB ICC profile (qpdf decodes the stream).
  EXPECT_NE(catalog.find("/S /GTS_PDFA1"), std::string::npos) << catalog;
  EXPECT_NE(catalog.find("/DestOutputProfile 4 0 R"), std::string::npos) << catalog;
  EXPECT_NE(ObjectText(bytes, 4).find("/N 3"), std::string::npos);
  const std::string file = dir.Write("doc.pdf", bytes);
  const CommandResult icc = RunCommand("qpdf --show-object=4 --filtered-stream-data '" + file +
                                       "' | head -c 40 | tail -c 28");
  ASSERT_EQ(icc.exit_code, 0);
  EXPECT_EQ(icc.output.substr(0, 4), "mntr") << icc.output;  // display class
  EXPECT_EQ(icc.output.substr(4, 4), "RGB ") << icc.output;
  EXPECT_EQ(icc.output.substr(24, 4), "acsp") << icc.output;

  // The trailer has an /ID pair and the font program is in the file.
  EXPECT_NE(bytes.find("/ID [<"), std::string::npos);
  EXPECT_NE(bytes.find("/FontFile2"), std::string::npos);
}

TEST(ReleasePdf, BilevelLetterPageIsG4UnderOneHundredKilobytes) {
  // A dense 300 dpi letter page: 40 lines of text-like words.
  ReleasePage page = LetterPage(1, 300, IFF_PNG, 40, 12);
  ASSERT_EQ(page.image.width, 2550);
  ASSERT_GT(page.words.size(), 300u);
  Result<std::string> pdf = EncodePdf(MakeChart(), MakeDocument({page}), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string image = ObjectText(*pdf, 14);
  EXPECT_NE(image.find("/CCITTFaxDecode"), std::string::npos) << image.substr(0, 300);
  EXPECT_NE(image.find("/K -1"), std::string::npos);
  EXPECT_LT(pdf->size(), 100'000u);
  std::printf("bilevel 300 dpi letter page: PDF %zu bytes (PNG %zu bytes)\n", pdf->size(),
              page.image.bytes.size());
}

TEST(ReleasePdf, BilevelImageKeepsInkBlack) {
  // Rendered back by pdftoppm: where the fixture drew ink the page is dark, elsewhere white.
  TempDir dir;
  std::vector<Word> words;
  PixOwner ink(DrawTextPage(400, 300, 2, 2, &words));
  pixRasterop(ink.pix, 300, 200, 60, 60, PIX_SET, nullptr, 0, 0);  // a solid square
  Result<std::string> pdf =
      EncodePdf(MakeChart(), MakeDocument({MakePage(1, ink.pix, IFF_PNG, 72, words)}), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string file = dir.Write("ink.pdf", *pdf);
  const CommandResult render =
      RunCommand("pdftoppm -gray -r 72 -singlefile '" + file + "' '" + dir.path() + "/ink'");
  ASSERT_EQ(render.exit_code, 0) << render.output;
  PixOwner back(pixRead((dir.path() + "/ink.pgm").c_str()));
  ASSERT_NE(back.pix, nullptr);
  ASSERT_EQ(pixGetWidth(back.pix), 400);
  l_uint32 inside = 0, outside = 0;
  pixGetPixel(back.pix, 330, 230, &inside);
  pixGetPixel(back.pix, 5, 5, &outside);
  EXPECT_LT(inside, 30u);
  EXPECT_GT(outside, 225u);
}

TEST(ReleasePdf, GreyPagesAreJpegAndStoredJpegIsEmbeddedAsIs) {
  ReleasePage grey = LetterPage(1, 150, IFF_PNG);
  {
    // The same page as 8-bit grey PNG (not bilevel: it has a gradient).
    std::vector<Word> words;
    PixOwner ink(DrawTextPage(1275, 1650, 8, 6, &words));
    PixOwner g(GreyFrom(ink.pix));
    grey = MakePage(1, g.pix, IFF_PNG, 150, words);
  }
  ReleasePage jpeg = LetterPage(2, 150, IFF_JFIF_JPEG);
  Result<std::string> pdf = EncodePdf(MakeChart(), MakeDocument({grey, jpeg}), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string grey_image = ObjectText(*pdf, 14);
  EXPECT_NE(grey_image.find("/DCTDecode"), std::string::npos);
  EXPECT_NE(grey_image.find("/DeviceGray"), std::string::npos);
  const std::string jpeg_image = ObjectText(*pdf, 17);
  EXPECT_NE(jpeg_image.find("/DCTDecode"), std::string::npos);
  EXPECT_NE(pdf->find(jpeg.image.bytes), std::string::npos);  // as stored, byte for byte
  EXPECT_EQ(CountOf(*pdf, "/CCITTFaxDecode"), 0);
  std::printf("grey 150 dpi letter page: JPEG %zu bytes; PDF of two grey pages %zu bytes\n",
              grey_image.size(), pdf->size());

  // A higher quality gives a larger grey image.
  ReleaseOptions fine;
  fine.jpeg_quality = 95;
  Result<std::string> finer = EncodePdf(MakeChart(), MakeDocument({grey}), fine);
  ASSERT_TRUE(finer.ok());
  EXPECT_GT(ObjectText(*finer, 14).size(), grey_image.size());
}

TEST(ReleasePdf, BilevelOptionMakesGreyAndStoredJpegPagesG4AndSmaller) {
  std::vector<Word> words;
  PixOwner ink(DrawTextPage(1275, 1650, 8, 6, &words));
  PixOwner g(GreyFrom(ink.pix));
  ReleasePage grey = MakePage(1, g.pix, IFF_PNG, 150, words);
  ReleasePage jpeg = LetterPage(2, 150, IFF_JFIF_JPEG);
  Result<std::string> as_stored = EncodePdf(MakeChart(), MakeDocument({grey, jpeg}), Options());
  ReleaseOptions bilevel = Options();
  bilevel.bilevel_threshold = kBilevelThreshold;
  Result<std::string> pdf = EncodePdf(MakeChart(), MakeDocument({grey, jpeg}), bilevel);
  ASSERT_TRUE(as_stored.ok() && pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(CountOf(*pdf, "/CCITTFaxDecode"), 2);
  EXPECT_EQ(CountOf(*pdf, "/DCTDecode"), 0);
  EXPECT_LT(pdf->size() * 2, as_stored->size());
  // The ink is still where it was: rendered back, a word's box is dark in its middle row.
  TempDir dir;
  const std::string file = dir.Write("bilevel.pdf", *pdf);
  const CommandResult render = RunCommand("pdftoppm -gray -r 150 -f 1 -l 1 -singlefile '" + file +
                                          "' '" + dir.path() + "/p'");
  ASSERT_EQ(render.exit_code, 0) << render.output;
  PixOwner back(pixRead((dir.path() + "/p.pgm").c_str()));
  ASSERT_NE(back.pix, nullptr);
  const Box& b = words.front().box;
  int dark = 0;
  for (int x = b.x; x < b.x + b.width; ++x) {
    l_uint32 v = 255;
    pixGetPixel(back.pix, x, b.y + b.height / 2, &v);
    dark += v < 128;
  }
  EXPECT_GT(dark, 0);
  // Out of range thresholds are refused up front.
  bilevel.bilevel_threshold = 255;
  EXPECT_EQ(bilevel.Validate().code(), StatusCode::kInvalidArgument);
}

TEST(ReleasePdf, EightBitPageOfOnlyBlackAndWhiteIsG4) {
  std::vector<Word> words;
  PixOwner ink(DrawTextPage(800, 600, 3, 3, &words));
  PixOwner wide(pixConvert1To8(nullptr, ink.pix, 255, 0));
  Result<std::string> pdf =
      EncodePdf(MakeChart(), MakeDocument({MakePage(1, wide.pix, IFF_PNG, 100, words)}), Options());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_NE(ObjectText(*pdf, 14).find("/CCITTFaxDecode"), std::string::npos);
}

TEST(ReleasePdf, SameInputGivesSameBytesAndDatesComeFromTheDocument) {
  ReleaseDocument doc =
      MakeDocument({LetterPage(1, 100, IFF_PNG, 3, 3), LetterPage(2, 100, IFF_JFIF_JPEG, 3, 3)});
  Result<std::string> a = EncodePdf(MakeChart(), doc, Options());
  Result<std::string> b = EncodePdf(MakeChart(), doc, Options());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);

  doc.stored_micros += 86'400'000'000;  // a day later
  Result<std::string> c = EncodePdf(MakeChart(), doc, Options());
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(*a == *c);
  EXPECT_NE(a->find("/CreationDate (D:20240501120000+00'00')"), std::string::npos);
  EXPECT_NE(c->find("/CreationDate (D:20240502120000+00'00')"), std::string::npos);
  EXPECT_NE(c->find("<xmp:ModifyDate>2024-05-02T12:00:00+00:00</xmp:ModifyDate>"),
            std::string::npos);
  // The trailer /ID follows the content.
  const size_t ida = a->find("/ID [<"), idc = c->find("/ID [<");
  EXPECT_NE(a->substr(ida, 40), c->substr(idc, 40));
}

TEST(ReleasePdf, UndecodableImageIsInvalidArgumentNamingThePage) {
  ReleasePage bad = LetterPage(77, 100, IFF_PNG, 1, 1);
  bad.image.bytes = "\x89PNG\r\n\x1a\n not really a png";
  ASSERT_FALSE(bad.words.empty());
  bad.words[0].text = "SecretWord";
  Result<std::string> pdf =
      EncodePdf(MakeChart(), MakeDocument({LetterPage(1, 100, IFF_PNG, 1, 1), bad}), Options());
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(pdf.status().message().find("page 77"), std::string::npos) << pdf.status().message();
  EXPECT_EQ(pdf.status().message().find("SecretWord"), std::string::npos);
  EXPECT_EQ(pdf.status().message().find("Testpatient"), std::string::npos);

  ReleasePage truncated = LetterPage(78, 100, IFF_JFIF_JPEG, 1, 1);
  truncated.image.bytes.resize(truncated.image.bytes.size() / 4);
  Result<std::string> cut = EncodePdf(MakeChart(), MakeDocument({truncated}), Options());
  if (!cut.ok()) {  // libjpeg pads a truncated scan; if it refuses, it must say which page
    EXPECT_NE(cut.status().message().find("page 78"), std::string::npos);
  }

  ReleasePage no_dpi = LetterPage(79, 100, IFF_PNG, 1, 1);
  no_dpi.dpi = 0;
  Result<std::string> flat = EncodePdf(MakeChart(), MakeDocument({no_dpi}), Options());
  ASSERT_FALSE(flat.ok());
  EXPECT_EQ(flat.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(flat.status().message().find("page 79"), std::string::npos);

  Result<std::string> empty = EncodePdf(MakeChart(), MakeDocument({}), Options());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace chartscan::release
