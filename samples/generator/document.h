// The content of one synthetic chart document, before layout.
//
// A Document is what a clinician would have typed: letterhead facts, the patient header, a title
// and a list of body blocks (headings, paragraphs, list items, tables, check boxes, signature
// lines). It carries its own style choices (fonts, sizes, header label style) so that layout is a
// pure function of the Document. Everything is invented from word lists and sentence templates;
// no real person, facility or record is involved. Body text is ASCII only (straight quotes,
// '-' hyphens) so the ground truth is unambiguous.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <chartscan/samples/calendar.h>
#include <chartscan/samples/rng.h>

namespace chartscan::samples {

enum class DocType {
  kDischargeSummary,
  kProgressNote,
  kHistoryAndPhysical,
  kOperativeReport,
  kRadiologyReport,
  kLabReport,
  kConsent,
  kMedicationAdministrationRecord,
};
inline constexpr int kDocTypeCount = 8;
std::string_view DocTypeName(DocType type);

enum class DateStyle { kSlash, kIso, kDayMonYear, kLong, kSlashUnpadded };
std::string FormatDate(const Date& d, DateStyle style);

struct Person {
  std::string first;
  std::string middle;  // single initial or empty
  std::string last;
  std::string sex;  // "M" / "F"
};

struct Patient : Person {
  Date dob;
  std::string mrn;             // as printed
  std::string mrn_normalized;  // letters and digits only
  std::string account;
};

struct Provider : Person {
  std::string credential;  // MD, DO
  std::string npi;         // 10 digits, valid Luhn check digit
};

struct Facility {
  std::string name;
  std::string street;
  std::string city_line;  // "Cedar Falls, OH 44012"
  std::string phone;
  std::string fax;
  std::string department;
};

// A field printed inside a run of text: bytes [begin, end) of the text.
struct FieldSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string name;
  std::string normalized;
};

// ASCII text with bold ranges and field spans, built by appending.
struct RichText {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> bold;  // [begin, end) byte ranges
  std::vector<FieldSpan> fields;

  RichText() = default;
  RichText(std::string plain) : text(std::move(plain)) {}  // NOLINT(google-explicit-constructor)
  RichText(const char* plain) : text(plain) {}             // NOLINT(google-explicit-constructor)

  RichText& Add(std::string_view s);
  RichText& Bold(std::string_view s);
  RichText& Field(std::string_view s, std::string name, std::string normalized);
  RichText& Append(const RichText& other);
};

enum class TableStyle { kGrid, kRowRules, kHeaderRules };

struct Table {
  std::vector<std::string> header;
  // A row with a single cell and section=true is a group title spanning all columns.
  struct Row {
    std::vector<RichText> cells;
    bool section = false;
  };
  std::vector<Row> rows;
  TableStyle style = TableStyle::kGrid;
  bool shade_header = false;
  double font_size = 0;  // 0: the document's body size
  bool mono = false;     // print cells in the monospaced family
};

struct SignatureSpec {
  std::string label;      // printed under the line: "Physician Signature"
  bool scribble = true;   // a handwritten scribble above the line
  bool date_line = true;  // a second line labelled "Date/Time"
  RichText esign;         // "Electronically signed by ..." below; may be empty
};

enum class BlockKind { kHeading, kParagraph, kListItem, kTable, kCheckbox, kSignature, kSpacer };

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  RichText text;         // heading, paragraph, list item or check box label
  double indent = 0;     // points, list items hang from here
  bool checked = false;  // check boxes
  Table table;
  SignatureSpec signature;
  double space = 0;  // spacer height in points
};

// What a document's last page holds when it is "near blank" (a page that a blank detector must
// not discard): only the footer, only a signature, or only a stamp (and the footer).
enum class NearBlankTail { kNone, kFooterOnly, kSignatureOnly, kStampOnly };

enum class HeaderStyle {
  kLabelLeftGrid,  // "MRN: 000123" cells in two or three columns
  kLabelAbove,     // a ruled box, small labels above values
  kRunIn,          // one or two long lines of label-value pairs
};

struct HeaderItem {
  std::string label;  // including its colon when the style uses one
  RichText value;
};

struct DocStyle {
  std::string body_family;
  std::string heading_family;
  std::string mono_family;
  double body_size = 10.5;
  double heading_size = 11;
  double title_size = 15;
  double line_spacing = 1.1;  // multiple of the font's natural line height
  double margin_left = 60;    // points
  double margin_right = 60;
  double margin_top = 44;
  double margin_bottom = 48;
  bool headings_upper = true;
  bool heading_rule = false;  // a thin rule under each heading
  bool justify = false;
  int letterhead = 0;  // 0 centered, 1 logo left + text, 2 name left / address right
  bool two_column = false;
  HeaderStyle header_style = HeaderStyle::kLabelLeftGrid;
  int header_columns = 2;
  int footer = 0;  // 0 "Page 1 of 2" centered, 1 right + left note, 2 "Page 1/2" right
};

struct Document {
  DocType type = DocType::kProgressNote;
  std::string id;  // "D0007"
  std::string title;
  Facility facility;
  Patient patient;
  Provider provider;
  std::vector<HeaderItem> header;
  std::vector<Block> body;
  DocStyle style;
  DateStyle date_style = DateStyle::kSlash;
  bool stamp = false;
  std::vector<std::string> stamp_lines;  // "RECEIVED", "MAR 18 2024"
  NearBlankTail tail = NearBlankTail::kNone;
  std::string footer_note;  // "CONFIDENTIAL - ...", printed bottom left on some styles
  Date printed;
};

struct DocumentRequest {
  int type = -1;  // a DocType, or -1 for a random one
  NearBlankTail tail = NearBlankTail::kNone;
  double stamp_chance = 0.2;
  double signature_chance = 0.75;
};

// Invents a complete document. Deterministic in rng.
Document MakeDocument(Rng& rng, const DocumentRequest& request, std::string id);

// Luhn check digit for the NPI standard: the check digit of "80840" followed by the 9 digits.
char NpiCheckDigit(std::string_view nine_digits);
bool IsValidNpi(std::string_view npi);

}  // namespace chartscan::samples
