// chartscan-samplegen: writes synthetic chart pages with ground truth.
//
// Every page file gets a `<file>.truth.json` beside it (see chartscan/samples/truth.h). Nothing
// here is real: people, facilities and records are invented from word lists, and the output is a
// pure function of the seed and the options, byte for byte.
//
// A run is a list of items, each one file: a document (one page of it, or all of it with
// --multipage in a multi-page format), a blank page, or the near-blank last page of a document (a
// lone footer, signature or stamp). Each item draws from its own Rng stream (Fork(index)), so an
// item does not change when others are added or removed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <glib-object.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <pango/pangocairo.h>

#include <chartscan/samples/rng.h>
#include <chartscan/samples/truth.h>

#include "degrade.h"
#include "document.h"
#include "layout.h"
#include "render.h"
#include "sheets.h"
#include "writers.h"

namespace chartscan::samples {
namespace {

const std::vector<std::string> kFormats = {"png", "tiff", "tiff-g4", "jpeg", "pdf", "pdf-text"};

// Splits "a,b,c" into known names; false on an unknown one.
bool SplitList(const std::string& list, const std::vector<std::string>& known,
               std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string name = list.substr(start, comma - start);
    start = comma + 1;
    if (name.empty()) continue;
    if (std::find(known.begin(), known.end(), name) == known.end()) return false;
    out.push_back(name);
  }
  return true;
}

enum class ItemKind { kDocument, kBlank, kNearBlank };

struct Item {
  ItemKind kind = ItemKind::kDocument;
  std::string profile;  // degradation profile; "born-digital" for pdf-text
  std::string format;   // one of kFormats; empty: the profile's usual format
  std::string variant;  // tiff: gray8, gray16, rgb; empty: chosen
  bool multipage = false;
  int doc_type = -1;
  NearBlankTail tail = NearBlankTail::kNone;
  int docs = 1;  // > 1: a stack of that many documents in one multi-page file
};

struct Options {
  std::string out;
  std::uint64_t seed = 1;
  int count = 24;
  std::vector<std::string> profiles;
  int blank = -1;
  int near_blank = -1;
  std::vector<std::string> formats;
  bool multipage = false;
  std::string preset;
  std::string preview;
  int max_dpi = 0;
  int jpeg_quality = 0;                             // 0: chosen per page (lower for lowres)
  SeparatorKind separators = SeparatorKind::kNone;  // a sheet before each document
  bool patient_labels = false;                      // Code 128 MRN labels on some pages
  int mixed = 0;  // >= 2: documents go N to a multi-page file (a scanned stack)
};

std::string Ext(const std::string& format) {
  if (format == "jpeg") return "jpg";
  if (format == "tiff" || format == "tiff-g4") return "tif";
  if (format == "pdf" || format == "pdf-text") return "pdf";
  return "png";
}

bool MultiPageFormat(const std::string& format) {
  return format == "tiff" || format == "tiff-g4" || format == "pdf" || format == "pdf-text";
}

// The format a profile is usually stored in, when the user did not pick one.
std::string DefaultFormat(const std::string& profile, Rng& rng) {
  if (profile == "fax") return "tiff-g4";
  if (profile == "lowres") return "jpeg";
  if (profile == "clean" && rng.Chance(0.3)) return "pdf-text";
  switch (rng.Weighted({5, 2.5, 1, 1.5})) {
    case 0:
      return "png";
    case 1:
      return "tiff";
    case 2:
      return "jpeg";
    default:
      return "pdf";
  }
}

std::vector<Item> PlanPreset(const std::string& preset) {
  std::vector<Item> items;
  if (preset == "accuracy") {
    for (const std::string& p : ProfileNames()) {
      if (p == "blank") continue;
      // Fixed image formats: the gate measures OCR, not format handling.
      std::string format = p == "fax" ? "tiff-g4" : p == "lowres" ? "jpeg" : "png";
      // Eight documents a profile: with three, one lucky or unlucky layout moved a profile's
      // figure by several points and hid whole failure modes (two-column pages, light ink).
      for (int i = 0; i < 8; ++i) {
        items.push_back({ItemKind::kDocument, p, format, "", false, -1, {}});
      }
    }
    for (int i = 0; i < 3; ++i) {
      items.push_back({ItemKind::kBlank, "blank", "png", "", false, -1, {}});
    }
    for (NearBlankTail t :
         {NearBlankTail::kFooterOnly, NearBlankTail::kSignatureOnly, NearBlankTail::kStampOnly}) {
      items.push_back({ItemKind::kNearBlank, "light", "png", "", false, -1, t});
    }
  } else if (preset == "sample") {
    // Small enough to commit (< 1.5 MB): compressible formats, one of each kind of input.
    using K = ItemKind;
    items = {
        {K::kDocument, "born-digital", "pdf-text", "", true, 0, {}},
        {K::kDocument, "clean", "png", "", false, 1, {}},
        {K::kDocument, "light", "jpeg", "", false, 2, {}},
        {K::kDocument, "heavy", "jpeg", "", false, 3, {}},
        {K::kDocument, "fax", "tiff-g4", "", true, 2, {}},
        {K::kDocument, "faint", "jpeg", "", false, 4, {}},
        {K::kDocument, "photocopy", "pdf", "", false, 7, {}},
        {K::kDocument, "lowres", "jpeg", "", false, 6, {}},
        {K::kDocument, "rotated", "jpeg", "", false, 1, {}},
        {K::kBlank, "blank", "jpeg", "", false, -1, {}},
        {K::kNearBlank, "clean", "tiff", "gray8", false, 0, NearBlankTail::kSignatureOnly},
    };
  }
  return items;
}

std::vector<Item> Plan(const Options& o, Rng rng) {
  if (!o.preset.empty()) return PlanPreset(o.preset);
  std::vector<std::string> profiles = o.profiles;
  if (profiles.empty()) {
    for (const std::string& p : ProfileNames()) {
      if (p != "blank") profiles.push_back(p);
    }
  }
  std::vector<Item> items;
  for (int i = 0; i < o.count; ++i) {
    Item it;
    it.profile = profiles[static_cast<std::size_t>(i) % profiles.size()];
    if (!o.formats.empty()) it.format = o.formats[static_cast<std::size_t>(i) % o.formats.size()];
    it.multipage = o.multipage;
    if (it.profile == "blank") it.kind = ItemKind::kBlank;
    items.push_back(it);
  }
  if (o.mixed >= 2) {
    // Stacks: consecutive documents share one file (and the first one's profile).
    std::vector<Item> stacks, docs;
    for (const Item& it : items) (it.kind == ItemKind::kBlank ? stacks : docs).push_back(it);
    for (std::size_t i = 0; i < docs.size(); i += static_cast<std::size_t>(o.mixed)) {
      Item s = docs[i];
      s.profile = profiles[(i / static_cast<std::size_t>(o.mixed)) % profiles.size()];
      s.docs = static_cast<int>(std::min(docs.size() - i, static_cast<std::size_t>(o.mixed)));
      s.multipage = true;
      stacks.push_back(s);
    }
    items = std::move(stacks);
  }
  int blanks = o.blank >= 0 ? o.blank : o.count / 8;
  int near = o.near_blank >= 0 ? o.near_blank : o.count / 8;
  for (int i = 0; i < blanks; ++i) {
    Item it{ItemKind::kBlank, "blank", "", "", false, -1, {}};
    if (!o.formats.empty()) it.format = o.formats[static_cast<std::size_t>(i) % o.formats.size()];
    items.push_back(it);
  }
  const NearBlankTail tails[] = {NearBlankTail::kFooterOnly, NearBlankTail::kSignatureOnly,
                                 NearBlankTail::kStampOnly};
  for (int i = 0; i < near; ++i) {
    Item it{ItemKind::kNearBlank, "", "", "", false, -1, tails[i % 3]};
    it.profile = rng.Pick({std::string("clean"), std::string("light"), std::string("lowres"),
                           std::string("photocopy")});
    if (!o.formats.empty()) it.format = o.formats[static_cast<std::size_t>(i) % o.formats.size()];
    items.push_back(it);
  }
  rng.Shuffle(items);
  return items;
}

// ---- Rendering one item -------------------------------------------------------------------

struct PageOut {
  cv::Mat image;  // stored pixels (grey; bilevel for fax)
  int dpi_x = 300;
  int dpi_y = 300;
  TruthPage truth;
};

std::string FaxHeader(const Document& doc, int page, int pages, Rng& rng) {
  char buf[160];
  std::string date = FormatDate(doc.printed, DateStyle::kSlash);
  std::snprintf(buf, sizeof buf, "%s %02d:%02d   FROM: %s   FAX %s   P.%03d/%03d", date.c_str(),
                rng.Int(7, 18), rng.Int(0, 59), doc.facility.name.c_str(), doc.facility.fax.c_str(),
                page, pages);
  return buf;
}

class Generator {
 public:
  explicit Generator(Options o) : o_(std::move(o)), ctx_(NewLayoutContext()) {}
  ~Generator() { g_object_unref(ctx_); }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  Status Run() {
    std::error_code ec;
    std::filesystem::create_directories(o_.out, ec);
    if (ec) return Status::IoError(o_.out + ": " + ec.message());
    if (!o_.preview.empty()) std::filesystem::create_directories(o_.preview, ec);
    Rng root(o_.seed);
    std::vector<Item> items = Plan(o_, root.Fork("plan"));
    for (std::size_t i = 0; i < items.size(); ++i) {
      CHARTSCAN_RETURN_IF_ERROR(MakeItem(static_cast<int>(i) + 1, items[i], root.Fork(i)));
    }
    return Status::Ok();
  }

 private:
  void Resolution(const std::string& profile, Rng& rng, int& dx, int& dy) const {
    ProfileResolution(profile, rng, dx, dy);
    if (o_.max_dpi > 0 && profile != "fax") {
      dx = std::min(dx, o_.max_dpi);
      dy = std::min(dy, o_.max_dpi);
    }
  }

  Result<cv::Mat> BackInk(Rng rng, int dpi_x, int dpi_y) {
    DocumentRequest req;
    Document back = MakeDocument(rng, req, "BACK");
    std::vector<PageLayout> pages = Compose(ctx_, back, rng.Fork("layout"));
    return RenderInk(
        pages[static_cast<std::size_t>(rng.Int(0, static_cast<int>(pages.size()) - 1))], dpi_x,
        dpi_y);
  }

  Result<PageOut> ScanPage(const std::string& profile, const PageLayout* layout, Rng rng) {
    PageOut out;
    Resolution(profile, rng, out.dpi_x, out.dpi_y);
    cv::Mat ink;
    if (layout != nullptr) {
      CHARTSCAN_ASSIGN_OR_RETURN(ink, RenderInk(*layout, out.dpi_x, out.dpi_y));
    } else {
      PageLayout empty;
      ink = cv::Mat::zeros(static_cast<int>(std::lround(empty.height * out.dpi_y / 72.0)),
                           static_cast<int>(std::lround(empty.width * out.dpi_x / 72.0)), CV_8UC1);
    }
    cv::Mat back;
    if (profile == "heavy" || profile == "blank") {
      CHARTSCAN_ASSIGN_OR_RETURN(back, BackInk(rng.Fork("back"), out.dpi_x, out.dpi_y));
    }
    CHARTSCAN_ASSIGN_OR_RETURN(Degraded d,
                               Degrade(profile, ink, back, out.dpi_x, out.dpi_y, rng.Fork("scan")));
    out.image = d.image;
    if (layout != nullptr) {
      FillTruth(*layout, out.dpi_x, out.dpi_y, out.truth);
    } else {
      out.truth.blank = true;
      out.truth.dpi_x = out.dpi_x;
      out.truth.dpi_y = out.dpi_y;
      out.truth.width = ink.cols;
      out.truth.height = ink.rows;
    }
    out.truth.orientation = d.orientation;
    out.truth.skew = d.skew;
    out.truth.page_to_image = d.page_to_image;
    return out;
  }

  // One page of a file: its layout (null for a blank page), the document it belongs to within the
  // file (-1: none) and the random stream its scan draws from.
  struct Planned {
    const PageLayout* layout = nullptr;
    int document_index = -1;
    Rng scan;
  };

  Status MakeItem(int index, Item item, Rng rng) {
    Rng choose = rng.Fork("choose");
    const bool stack = item.docs > 1;
    if (stack && !MultiPageFormat(item.format)) {
      // A stack of documents needs a multi-page format: what a clerk's scanner writes.
      item.format = item.profile == "fax" ? "tiff-g4" : choose.Chance(0.5) ? "tiff" : "pdf";
    }
    if (item.format.empty()) {
      item.format = item.kind == ItemKind::kDocument ? DefaultFormat(item.profile, choose)
                                                     : (choose.Chance(0.6) ? "png" : "tiff");
    }
    if (item.format == "pdf-text") {
      // A born-digital PDF was never scanned; a blank page has no text to carry.
      if (item.kind == ItemKind::kBlank) {
        item.format = "pdf";
      } else {
        item.profile = "born-digital";
      }
    }
    if (item.format == "tiff" && item.variant.empty()) {
      item.variant = choose.Pick(
          {std::string("gray8"), std::string("gray8"), std::string("gray16"), std::string("rgb")});
    }
    bool bilevel = item.profile == "fax" || item.format == "tiff-g4";
    if (item.variant.empty()) {
      item.variant = item.format == "pdf-text" ? "born-digital"
                     : item.format == "pdf"    ? "scanned"
                     : bilevel                 ? "bilevel"
                                               : "gray8";
    }
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "%04d-", index);
    std::string prof = item.profile == "born-digital" ? "born_digital" : item.profile;

    if (item.kind == ItemKind::kBlank) {
      std::vector<Planned> plan = {{nullptr, -1, rng.Fork("page")}};
      return WriteItemFile(std::string(prefix) + "blank." + Ext(item.format), item, plan, nullptr,
                           choose);
    }

    // Content: one document, or a stack of several (each its own patient), each page of which may
    // be preceded by a separator sheet and carry a patient label.
    const bool whole = stack || (item.multipage && MultiPageFormat(item.format));
    const bool separate = o_.separators != SeparatorKind::kNone && item.kind == ItemKind::kDocument;
    std::vector<Document> docs(static_cast<std::size_t>(item.docs));
    std::vector<std::vector<PageLayout>> layouts(docs.size());
    std::vector<PageLayout> sheets(docs.size());
    std::vector<Planned> plan;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      // A single document keeps the streams it always had; stacked ones get their own.
      Rng drng = stack ? rng.Fork(1000 + d) : rng;
      DocumentRequest req;
      req.type = item.doc_type;
      req.tail = item.tail;
      char id[48];
      if (stack) {
        std::snprintf(id, sizeof id, "D%04d-%02d", index, static_cast<int>(d) + 1);
      } else {
        std::snprintf(id, sizeof id, "D%04d", index);
      }
      Rng doc_rng = drng.Fork("document");
      docs[d] = MakeDocument(doc_rng, req, id);
      std::vector<PageLayout>& pages = layouts[d];
      pages = Compose(ctx_, docs[d], drng.Fork("layout"));
      std::vector<std::size_t> chosen;
      if (item.kind == ItemKind::kNearBlank) {
        chosen = {pages.size() - 1};
      } else if (whole) {
        for (std::size_t k = 0; k < pages.size(); ++k) chosen.push_back(k);
      } else {
        std::size_t pick = 0;
        if (pages.size() > 1 && choose.Chance(0.3)) {
          pick = static_cast<std::size_t>(choose.Int(1, static_cast<int>(pages.size()) - 1));
        }
        chosen = {pick};
      }
      if (item.profile == "fax") {
        Rng fax = drng.Fork("fax");
        for (std::size_t k : chosen) {
          AddTopLine(
              ctx_, pages[k],
              FaxHeader(docs[d], static_cast<int>(k) + 1, static_cast<int>(pages.size()), fax));
        }
      }
      if (o_.patient_labels && item.kind == ItemKind::kDocument) {
        // Labels on some documents: always on their first page, on later pages now and then.
        Rng labels = drng.Fork("labels");
        if (labels.Chance(0.6)) {
          for (std::size_t k : chosen) {
            if (k == 0 || labels.Chance(0.5)) AddPatientLabel(ctx_, pages[k], labels.Fork(k));
          }
        }
      }
      if (separate) {
        sheets[d] = MakeSeparatorSheet(ctx_, o_.separators, index * 100 + static_cast<int>(d) + 1,
                                       drng.Fork("separator"));
        Planned sep{&sheets[d], -1, drng.Fork("separator-scan")};
        if (whole) {
          plan.push_back(sep);
        } else {
          // One page per file: the sheet is a file of its own, named to sort just before.
          std::string kind = o_.separators == SeparatorKind::kPatch ? "patch" : "barcode";
          Rng sep_choose = choose.Fork("separator");
          CHARTSCAN_RETURN_IF_ERROR(
              WriteItemFile(std::string(prefix) + "0-separator-" + kind + "." + Ext(item.format),
                            item, {sep}, &docs[d], sep_choose));
        }
      }
      for (std::size_t k : chosen) {
        plan.push_back({&pages[k], static_cast<int>(d), drng.Fork(k + 100)});
      }
    }

    std::string name = prefix + prof + "-";
    if (stack) {
      name += "stack" + std::to_string(docs.size());
    } else {
      name += std::string(DocTypeName(docs.front().type));
      if (item.kind == ItemKind::kNearBlank) name += "-near_blank";
    }
    name += "." + Ext(item.format);
    return WriteItemFile(name, item, plan, &docs.front(), choose);
  }

  // Renders, degrades and writes one file with its truth.
  Status WriteItemFile(const std::string& name, const Item& item, const std::vector<Planned>& plan,
                       const Document* doc, Rng& choose) {
    std::string path = (std::filesystem::path(o_.out) / name).string();
    TruthFile truth;
    truth.file = name;
    truth.format = item.format;
    truth.variant = item.variant;
    truth.profile = item.profile;
    truth.seed = o_.seed;
    truth.text_layer = item.format == "pdf-text";

    if (item.format == "pdf-text") {
      PdfWriter pdf(CreationDate(*doc));
      for (const Planned& pl : plan) {
        CHARTSCAN_RETURN_IF_ERROR(pdf.AddVectorPage(*pl.layout));
        TruthPage tp;
        FillTruth(*pl.layout, 300, 300, tp);
        tp.text_layer = true;
        tp.source_page = static_cast<int>(truth.pages.size()) + 1;
        tp.document_index = pl.document_index;
        truth.pages.push_back(std::move(tp));
      }
      CHARTSCAN_ASSIGN_OR_RETURN(std::string bytes, pdf.Finish());
      CHARTSCAN_RETURN_IF_ERROR(WriteBytes(path, bytes));
      return WriteTruth(path, truth);
    }

    std::vector<PageOut> pages;
    for (const Planned& pl : plan) {
      CHARTSCAN_ASSIGN_OR_RETURN(PageOut p, ScanPage(item.profile, pl.layout, pl.scan));
      if (pl.layout != nullptr) p.truth.document_index = pl.document_index;
      pages.push_back(std::move(p));
    }
    for (std::size_t k = 0; k < pages.size(); ++k) {
      PageOut& p = pages[k];
      if (item.format == "tiff-g4" && item.profile != "fax") {
        // A grey scan saved as G4: Otsu's level, capped so a blank page's paper noise stays white.
        cv::Mat otsu;
        double level = cv::threshold(p.image, otsu, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
        cv::threshold(p.image, p.image, std::min(level, 160.0), 255, cv::THRESH_BINARY);
      }
      p.truth.source_page = static_cast<int>(k) + 1;
      truth.pages.push_back(p.truth);
      if (!o_.preview.empty()) WritePreview(name, static_cast<int>(k), p);
    }
    CHARTSCAN_RETURN_IF_ERROR(WritePages(path, item, pages, choose));
    return WriteTruth(path, truth);
  }

  static std::string CreationDate(const Document& doc) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT09:30:00", doc.printed.year, doc.printed.month,
                  doc.printed.day);
    return buf;
  }

  Status WritePages(const std::string& path, const Item& item, const std::vector<PageOut>& pages,
                    Rng& choose) {
    const PageOut& first = pages.front();
    if (item.format == "png") {
      CHARTSCAN_ASSIGN_OR_RETURN(std::string bytes,
                                 EncodePng(first.image, first.dpi_x, first.dpi_y));
      return WriteBytes(path, bytes);
    }
    if (item.format == "jpeg") {
      int q = item.profile == "lowres" ? choose.Int(55, 70) : choose.Int(70, 85);
      if (o_.jpeg_quality > 0) q = o_.jpeg_quality;
      CHARTSCAN_ASSIGN_OR_RETURN(std::string bytes,
                                 EncodeJpeg(first.image, first.dpi_x, first.dpi_y, q));
      return WriteBytes(path, bytes);
    }
    if (item.format == "pdf") {
      PdfWriter pdf("2024-01-02T09:30:00");
      int q = o_.jpeg_quality > 0 ? o_.jpeg_quality : choose.Int(60, 80);
      for (const PageOut& p : pages) {
        bool bilevel = item.profile == "fax";
        CHARTSCAN_RETURN_IF_ERROR(pdf.AddImagePage(p.image, p.dpi_x, p.dpi_y, bilevel ? 0 : q));
      }
      CHARTSCAN_ASSIGN_OR_RETURN(std::string bytes, pdf.Finish());
      return WriteBytes(path, bytes);
    }
    std::vector<TiffPage> tiff;
    for (const PageOut& p : pages) {
      TiffPage t{p.image, p.dpi_x, p.dpi_y};
      if (item.variant == "gray16") {
        p.image.convertTo(t.image, CV_16U, 257.0);
      } else if (item.variant == "rgb") {
        // Off-white paper shows its tint in colour; ink stays neutral.
        cv::Mat f, b, g, r;
        p.image.convertTo(f, CV_32F);
        b = f * 0.93;
        g = f * 0.975;
        r = f * 1.0;
        cv::Mat bgr;
        cv::merge(std::vector<cv::Mat>{b, g, r}, bgr);
        bgr.convertTo(t.image, CV_8UC3);
      }
      tiff.push_back(std::move(t));
    }
    return WriteTiff(path, tiff, item.format == "tiff-g4");
  }

  Status WriteTruth(const std::string& path, const TruthFile& truth) {
    std::printf("%s (%zu page%s)\n", truth.file.c_str(), truth.pages.size(),
                truth.pages.size() == 1 ? "" : "s");
    return WriteBytes(path + std::string(kTruthSuffix), SerializeTruth(truth));
  }

  void WritePreview(const std::string& name, int page, const PageOut& p) {
    cv::Mat small;
    double s = 1100.0 / std::max(p.image.rows, p.image.cols * p.dpi_y / p.dpi_x);
    cv::resize(p.image, small,
               cv::Size(static_cast<int>(p.image.cols * s * p.dpi_y / p.dpi_x),
                        static_cast<int>(p.image.rows * s)),
               0, 0, cv::INTER_AREA);
    cv::imwrite(
        (std::filesystem::path(o_.preview) / (name + "-p" + std::to_string(page + 1) + ".png"))
            .string(),
        small);
  }

  Options o_;
  PangoContext* ctx_;
};

}  // namespace
}  // namespace chartscan::samples

int main(int argc, char** argv) {
  using chartscan::samples::Options;
  Options o;
  CLI::App app{
      "chartscan-samplegen: synthetic medical chart pages with ground truth (all invented)"};
  app.add_option("--out", o.out, "Output directory")->required();
  app.add_option("--seed", o.seed, "Random seed; equal seeds give identical files");
  app.add_option("--count", o.count, "Number of document files")->check(CLI::Range(0, 100000));
  std::string profiles, formats;
  app.add_option("--profiles", profiles,
                 "Degradation profiles, comma separated: clean,light,heavy,fax,faint,photocopy,"
                 "lowres,rotated,blank");
  app.add_option("--blank", o.blank, "Blank pages (default count/8)");
  app.add_option("--near-blank", o.near_blank, "Near-blank pages (default count/8)");
  app.add_option("--formats", formats,
                 "Comma separated: png,tiff,tiff-g4,jpeg,pdf,pdf-text (default: by profile)");
  app.add_flag("--multipage", o.multipage, "Whole documents in one TIFF/PDF file");
  app.add_option("--preset", o.preset, "accuracy: the accuracy gate batch; sample: the repo batch")
      ->check(CLI::IsMember({"accuracy", "sample"}));
  app.add_option("--preview", o.preview, "Also write downscaled PNG previews into this directory");
  app.add_option("--max-dpi", o.max_dpi, "Cap the scan resolution of non-fax profiles");
  app.add_option("--jpeg-quality", o.jpeg_quality, "JPEG quality for JPEG files and scanned PDFs")
      ->check(CLI::Range(1, 100));
  std::string separators = "none";
  app.add_option("--separators", separators,
                 "A separator sheet before each document: barcode (Code 128 or QR cover sheet), "
                 "patch (Kodak patch T sheet) or none")
      ->check(CLI::IsMember({"barcode", "patch", "none"}));
  app.add_flag("--patient-labels", o.patient_labels,
               "Code 128 patient labels (MRN, name, DOB) near the top of some pages");
  app.add_option("--mixed-multipage", o.mixed,
                 "Put documents N to a multi-page TIFF/PDF file (a scanned stack of several "
                 "patients' documents)")
      ->check(CLI::Range(2, 1000));
  CLI11_PARSE(app, argc, argv);
  // Comma lists are split here rather than by CLI11 (its splitter trips GCC 12's
  // -Wnull-dereference under -O2).
  if (!chartscan::samples::SplitList(profiles, chartscan::samples::ProfileNames(), o.profiles) ||
      !chartscan::samples::SplitList(formats, chartscan::samples::kFormats, o.formats)) {
    std::fprintf(stderr, "chartscan-samplegen: unknown profile or format (see --help)\n");
    return 2;
  }
  o.separators = separators == "barcode" ? chartscan::samples::SeparatorKind::kBarcode
                 : separators == "patch" ? chartscan::samples::SeparatorKind::kPatch
                                         : chartscan::samples::SeparatorKind::kNone;
  // The committed batch must stay small (< 1.5 MB): lower resolution and JPEG quality.
  if (o.preset == "sample") {
    if (o.max_dpi == 0) o.max_dpi = 150;
    if (o.jpeg_quality == 0) o.jpeg_quality = 35;
  }
  chartscan::samples::Generator gen(o);
  chartscan::Status st = gen.Run();
  if (!st.ok()) {
    std::fprintf(stderr, "chartscan-samplegen: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
